//! `depeche serve`: builds the site into memory, serves it under the base path exactly as
//! GitHub Pages would, watches the sources and reloads open tabs after each rebuild.
//! The user's output directory is never touched.

mod http;

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::broadcast;

use crate::build::{self, BuildError};
use crate::diagnostic::Diagnostic;
use crate::incremental::Session;

/// The files being served, by path relative to the site root (`fr/index.html`, `style.css`).
pub type Files = HashMap<String, Arc<[u8]>>;

/// Prints a line to the terminal, ignoring a closed stdout or stderr: the server keeps
/// running when its output goes nowhere (`depeche serve | head`).
macro_rules! say {
    (out, $($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
    (err, $($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
    (err_raw, $($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// What the last rebuild did, for `/__depeche/report` (tests and curious editors).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    pub generation: u64,
    pub full: bool,
    pub rendered: Vec<String>,
    pub removed: Vec<String>,
    pub static_files: Vec<String>,
    pub millis: u128,
}

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
    pub files: RwLock<Files>,
    pub error: RwLock<Option<String>>,
    pub report: RwLock<Report>,
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

async fn serve(mut options: Options) -> Result<(), ServeError> {
    // Watchers report absolute paths.
    options.root = options.root.canonicalize()?;
    let build_options = build_options(&options);
    let started = Instant::now();
    let session = Session::start(&build_options)?;
    let base_path = session.config().base_path.clone();
    let mut files = static_files(&options.root);
    for page in session.pages() {
        files.insert(page.path.clone(), Arc::from(page.content.as_bytes()));
    }
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener.local_addr()?;
    if !options.bind.is_loopback() {
        say!(
            err,
            "warning: serving on {} makes the preview reachable from other machines",
            options.bind
        );
    }
    let (events, _) = broadcast::channel(16);
    let state = Arc::new(State {
        files: RwLock::new(files),
        error: RwLock::new(None),
        report: RwLock::new(Report::default()),
        events,
        base_path: base_path.clone(),
        allowed_hosts: http::allowed_hosts(options.bind),
    });
    let url = format!("http://{}{}", display_host(local), base_path);
    say!(
        out,
        "Serving {} pages at {url} (built in {} ms); watching for changes, Ctrl-C to stop",
        session.page_count(),
        started.elapsed().as_millis()
    );
    let _watcher = watch(&options.root, session, Arc::clone(&state))?;
    if options.open {
        let _ = open::that(&url);
    }
    axum::serve(listener, http::router(Arc::clone(&state)))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            say!(out, "\nStopped.");
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

/// Editors' and tools' temporary files (`.x.swp`, `x~`, sed's `sedXXXXXX`) are not content.
fn relevant(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let temporary = name.starts_with('.')
        || name.ends_with('~')
        || [".swp", ".swx", ".tmp"]
            .iter()
            .any(|ext| name.ends_with(ext));
    // A path gone without an extension was a temporary file renamed over the real one.
    !temporary && (path.exists() || path.extension().is_some())
}

/// Every file of `static/`, read into memory (symbolic links are not followed).
fn static_files(root: &Path) -> Files {
    let dir = root.join("static");
    let mut files = Files::new();
    for entry in walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        if let (Ok(rel), Ok(bytes)) = (entry.path().strip_prefix(&dir), std::fs::read(entry.path()))
        {
            files.insert(rel.to_string_lossy().replace('\\', "/"), Arc::from(bytes));
        }
    }
    files
}

fn build_options(options: &Options) -> build::Options {
    build::Options {
        root: options.root.clone(),
        base_url: options.base_url.clone(),
        output_dir: None,
        drafts: options.drafts,
        force: false,
    }
}

/// The paths whose changes matter, and a debounced watcher that rebuilds after bursts of saves.
fn watch(
    root: &Path,
    mut session: Session,
    state: Arc<State>,
) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>, ServeError> {
    // Changes not yet built successfully: a fix elsewhere must not hide a file still broken.
    let mut pending: BTreeSet<PathBuf> = BTreeSet::new();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Reading files (as every rebuild does) is an event too: only changes count.
        let changed: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| !e.kind.is_access() && !e.kind.is_other())
            .flat_map(|e| e.event.paths)
            .filter(|p| relevant(p))
            .collect();
        if changed.is_empty() {
            return;
        }
        pending.extend(changed);
        if rebuild(&mut session, &state, &pending) {
            pending.clear();
        }
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

/// Rebuilds after changes; true when the site is up to date. A failed build keeps the last
/// good site and reports the problems to the terminal and the open tabs.
fn rebuild(session: &mut Session, state: &State, changed: &BTreeSet<PathBuf>) -> bool {
    let started = Instant::now();
    let static_dir = session.config().root.join("static");
    let (assets, sources): (Vec<PathBuf>, Vec<PathBuf>) = changed
        .iter()
        .cloned()
        .partition(|p| p.starts_with(&static_dir));
    let mut report = Report::default();
    if !sources.is_empty() {
        match session.update(&sources) {
            Ok(update) => {
                if let Ok(mut files) = state.files.write() {
                    for path in &update.removed {
                        files.remove(path);
                    }
                    for path in &update.rendered {
                        if let Some(page) = session.page(path) {
                            files.insert(path.clone(), Arc::from(page.content.as_bytes()));
                        }
                    }
                }
                report.full = update.full;
                report.rendered = update.rendered;
                report.removed = update.removed;
            }
            Err(err) => {
                let text = render_diagnostics(&err.diagnostics);
                say!(err_raw, "{text}");
                say!(
                    err,
                    "error: the build failed; still serving the last good version"
                );
                if let Ok(mut error) = state.error.write() {
                    *error = Some(text.clone());
                }
                let _ = state.events.send(Event::BuildError(text));
                return false;
            }
        }
    }
    if let Ok(mut files) = state.files.write() {
        for path in &assets {
            let Ok(rel) = path.strip_prefix(&static_dir) else {
                continue;
            };
            let key = rel.to_string_lossy().replace('\\', "/");
            match std::fs::read(path) {
                Ok(bytes) if path.is_file() => {
                    files.insert(key.clone(), Arc::from(bytes));
                }
                _ => {
                    files.remove(&key);
                }
            }
            report.static_files.push(key);
        }
    }
    let css_only = sources.is_empty()
        && assets
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "css"));
    if let Ok(mut error) = state.error.write() {
        *error = None;
    }
    report.millis = started.elapsed().as_millis();
    say!(
        out,
        "Rebuilt {} pages{} in {} ms",
        report.rendered.len(),
        if report.full { " (full build)" } else { "" },
        report.millis
    );
    if let Ok(mut slot) = state.report.write() {
        report.generation = slot.generation + 1;
        *slot = report;
    }
    let _ = state
        .events
        .send(if css_only { Event::Css } else { Event::Reload });
    true
}
