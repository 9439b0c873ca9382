//! `depeche serve`: builds the site into memory, serves it under the base path exactly as
//! GitHub Pages would, watches the sources and reloads open tabs after each rebuild.
//! The user's output directory is never touched.

mod http;
mod snapshot;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::broadcast;

use crate::build::{self, BuildError};
use crate::diagnostic::Diagnostic;
pub use snapshot::Snapshot;

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub open: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source} (is another server using the port? try --port 0)")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot watch {}: {message}", path.display())]
    Watch { path: PathBuf, message: String },
    #[error("the site does not build")]
    Build(#[from] BuildError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What open tabs are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The site was rebuilt: reload the page.
    Reload,
    /// Only stylesheets changed: refresh them in place.
    Css,
    /// The build failed: show the diagnostics over the last good page.
    BuildError(String),
}

/// The site being served and the problems of the last build, shared with the HTTP handlers.
pub struct State {
    pub snapshot: RwLock<Arc<Snapshot>>,
    pub error: RwLock<Option<String>>,
    pub events: broadcast::Sender<Event>,
    pub base_path: String,
    pub allowed_hosts: Vec<String>,
}

fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(Diagnostic::render)
        .collect()
}

/// Runs the server until Ctrl-C.
pub fn run(options: Options) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(options))
}

async fn serve(options: Options) -> Result<(), ServeError> {
    let build_options = build_options(&options);
    let started = Instant::now();
    let config = build::load_config(&build_options)?;
    let snapshot = Snapshot::build(&build_options)?;
    let base_path = config.base_path.clone();
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener.local_addr()?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other machines",
            options.bind
        );
    }
    let (events, _) = broadcast::channel(16);
    let state = Arc::new(State {
        snapshot: RwLock::new(Arc::new(snapshot)),
        error: RwLock::new(None),
        events,
        base_path: base_path.clone(),
        allowed_hosts: http::allowed_hosts(options.bind),
    });
    let url = format!("http://{}{}", display_host(local), base_path);
    println!(
        "Serving {} pages at {url} (built in {} ms); watching for changes, Ctrl-C to stop",
        state.snapshot.read().map_or(0, |s| s.pages),
        started.elapsed().as_millis()
    );
    let _watcher = watch(&options.root, build_options, Arc::clone(&state))?;
    if options.open {
        let _ = open::that(&url);
    }
    axum::serve(listener, http::router(Arc::clone(&state)))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            println!("\nStopped.");
        })
        .await?;
    Ok(())
}

fn display_host(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

fn build_options(options: &Options) -> build::Options {
    build::Options {
        root: options.root.clone(),
        base_url: options.base_url.clone(),
        output_dir: None,
        drafts: options.drafts,
    }
}

/// The paths whose changes matter, and a debounced watcher that rebuilds after bursts of saves.
fn watch(
    root: &Path,
    options: build::Options,
    state: Arc<State>,
) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>, ServeError> {
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Reading files (as every rebuild does) is an event too: only changes count.
        let changed: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| !e.kind.is_access() && !e.kind.is_other())
            .flat_map(|e| e.event.paths)
            .collect();
        if changed.is_empty() {
            return;
        }
        rebuild(&options, &state, &changed);
    };
    let mut debouncer =
        new_debouncer(Duration::from_millis(30), None, handler).map_err(|e| ServeError::Watch {
            path: root.to_path_buf(),
            message: e.to_string(),
        })?;
    for entry in ["content", "templates", "static", crate::config::CONFIG_FILE] {
        let path = root.join(entry);
        if !path.exists() {
            continue;
        }
        debouncer
            .watch(&path, RecursiveMode::Recursive)
            .map_err(|e| ServeError::Watch {
                path: path.clone(),
                message: e.to_string(),
            })?;
    }
    Ok(debouncer)
}

/// Rebuilds after a change. A failed build keeps the last good site and reports the problems.
fn rebuild(options: &build::Options, state: &State, changed: &[PathBuf]) {
    let started = Instant::now();
    let css_only = changed.iter().all(|p| {
        p.extension().is_some_and(|e| e == "css") && p.starts_with(options.root.join("static"))
    });
    match Snapshot::build(options) {
        Ok(snapshot) => {
            let pages = snapshot.pages;
            if let Ok(mut slot) = state.snapshot.write() {
                *slot = Arc::new(snapshot);
            }
            if let Ok(mut error) = state.error.write() {
                *error = None;
            }
            let _ = state
                .events
                .send(if css_only { Event::Css } else { Event::Reload });
            println!(
                "Rebuilt {pages} pages in {} ms",
                started.elapsed().as_millis()
            );
        }
        Err(err) => {
            let text = render_diagnostics(&err.diagnostics);
            eprint!("{text}");
            eprintln!("error: the build failed; still serving the last good version");
            if let Ok(mut error) = state.error.write() {
                *error = Some(text.clone());
            }
            let _ = state.events.send(Event::BuildError(text));
        }
    }
}
