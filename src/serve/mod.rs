//! `depeche serve`: loads the site, renders its pages on request (keeping the recent ones) and
//! serves them under the base path exactly as GitHub Pages would; watches the sources and
//! reloads open tabs after each rebuild. The user's output directory is never touched.

mod http;

pub use http::file_key;

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer_opt};
use tokio::sync::broadcast;

use crate::diagnostic::Diagnostic;
use crate::incremental::Session;
use crate::site::{self, BuildError};

/// The files of `static/` being served, by path in the site (`style.css`): read from disk
/// for each request, never held in memory (a site may publish large media).
pub(crate) type Files = HashMap<String, PathBuf>;

/// How many bytes of rendered pages `serve` keeps; the others are rendered when asked for.
/// Pages are 10–100 KiB: this keeps the pages an editor moves between, not a site of 30,000.
const CACHE_BYTES: usize = 64 << 20;

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
pub(crate) struct Report {
    generation: u64,
    full: bool,
    /// The outputs the edit may have changed, made again when next asked for.
    changed: Vec<String>,
    removed: Vec<String>,
    static_files: Vec<String>,
    millis: u128,
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's root directory.
    pub root: PathBuf,
    /// The address to listen on.
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// Include articles dated after today.
    pub future: bool,
    /// Open the site in a browser.
    pub open: bool,
}

/// Why `serve` stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The port is taken or not allowed.
    #[error("cannot listen on {addr}: {source} (is another server using the port? try --port 0)")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// A folder cannot be watched.
    #[error("cannot watch {}: {message}", path.display())]
    Watch {
        /// The folder.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The site does not build at start.
    #[error("the site does not build")]
    Build(#[from] BuildError),
    /// Anything else.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What open tabs are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// The site was rebuilt: reload the page.
    Reload,
    /// Only stylesheets changed: refresh them in place.
    Css,
    /// The build failed: show the diagnostics over the last good page.
    BuildError(String),
}

/// The site being served and the problems of the last build, shared with the HTTP handlers.
pub(crate) struct State {
    /// The pages, rendered on request from the last good build.
    pub(crate) session: RwLock<Session>,
    /// The files of `static/`.
    pub(crate) files: RwLock<Files>,
    pub(crate) error: RwLock<Option<String>>,
    pub(crate) report: RwLock<Report>,
    pub(crate) events: broadcast::Sender<Event>,
    /// The path the site is served under, as `site.yaml` says now.
    pub(crate) base_path: RwLock<String>,
    pub(crate) authorities: http::Authorities,
    /// Live-reload streams open at once: at most [`MAX_STREAMS`].
    pub(crate) streams: Arc<tokio::sync::Semaphore>,
    /// Turns true when the server stops: open event streams end.
    pub(crate) closing: tokio::sync::watch::Receiver<bool>,
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
    let served = runtime.block_on(serve(options));
    // Connections still open (a client that never finishes its request) do not hold the
    // process after Ctrl-C.
    runtime.shutdown_timeout(STOP_WITHIN);
    served
}

/// How long a client may take to send a request's headers, and a kept-alive connection may
/// stay idle: a slow or stalled client is disconnected, not waited for.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a response may wait for its client to take more of it: a client that stops
/// reading (a stalled download) is disconnected and frees its slot.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait in the system's queue until one closes, so that
/// stalled clients cannot take every file descriptor.
const MAX_CONNECTIONS: usize = 256;
/// Live-reload streams (one per open tab) served at once. A stream sends nothing while the
/// site does not change, so no timeout ends an idle one: this cap keeps them from taking
/// every connection; the next is refused (503) and its connection closed.
const MAX_STREAMS: usize = 64;
/// After Ctrl-C, how long connections are given to finish.
const STOP_WITHIN: Duration = Duration::from_secs(1);

async fn serve(mut options: Options) -> Result<(), ServeError> {
    // Watchers report absolute paths.
    options.root = options.root.canonicalize()?;
    let build_options = build_options(&options);
    let started = Instant::now();
    let session = Session::start(&build_options, CACHE_BYTES)?;
    let base_path = session.config().base_path.clone();
    let pages = session.page_count();
    let files = static_files(&options.root);
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
    let (close, closing) = tokio::sync::watch::channel(false);
    let state = Arc::new(State {
        session: RwLock::new(session),
        files: RwLock::new(files),
        error: RwLock::new(None),
        report: RwLock::new(Report::default()),
        events,
        base_path: RwLock::new(base_path.clone()),
        authorities: http::Authorities::new(options.bind, local.port()),
        streams: Arc::new(tokio::sync::Semaphore::new(MAX_STREAMS)),
        closing,
    });
    let url = format!("http://{}{}", display_host(local), base_path);
    // Watching first: a save made as soon as the line below appears is seen.
    let _watcher = watch(&options.root, Arc::clone(&state))?;
    say!(
        out,
        "Serving {pages} pages at {url} (loaded in {} ms; each page is made when first asked for); watching for changes, Ctrl-C to stop",
        started.elapsed().as_millis()
    );
    if options.open {
        let _ = open::that(&url);
    }
    accept(listener, http::router(Arc::clone(&state))).await;
    let _ = close.send(true);
    say!(out, "\nStopped.");
    Ok(())
}

/// Serves connections until Ctrl-C: at most [`MAX_CONNECTIONS`] at once, each dropped when
/// its client is slower than [`HEADER_TIMEOUT`] to send a request, or takes nothing of a
/// response for [`SEND_TIMEOUT`].
async fn accept(listener: tokio::net::TcpListener, router: axum::Router) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            _ = &mut stop => return,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { return };
        let stream = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors, or a connection reset before it was taken: go on.
                Err(_) => continue,
            },
        };
        let service = TowerToHyperService::new(router.clone());
        let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
        stream.set_write_timeout(Some(SEND_TIMEOUT));
        tokio::spawn(async move {
            let _slot = slot;
            let stream = Box::pin(stream);
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            let _ = connection.await;
        });
    }
}

fn display_host(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

/// Is this save worth a rebuild? Sources are files of the kinds depeche reads; anything in
/// `static/` is published; a folder of the sources moved in, or one moved out that held files
/// the site reads (`known`), changes what is published; editors' and tools' temporary files
/// never do (`.x.swp`, `x~`, `#x#` and `.#x` from Emacs, vim's `4913` write test, `sed -i`'s
/// `sedXXXXXX`).
fn relevant(root: &Path, path: &Path, known: &dyn Fn(&Path) -> bool) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let sources = SOURCE_FOLDERS.map(|dir| root.join(dir));
    if sources
        .iter()
        .any(|dir| path.starts_with(dir) && path != dir)
    {
        // A folder moved in (even `2025/`), or one moved out that held the site's files.
        if path.is_dir() && !name.starts_with('.') {
            return true;
        }
        if !path.exists() && known(path) {
            return true;
        }
    }
    let temporary = name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.bytes().all(|b| b.is_ascii_digit())
        || (name.len() == 9 && name.starts_with("sed") && !name.contains('.'))
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".orig"]
            .iter()
            .any(|ext| name.ends_with(ext));
    if temporary {
        return false;
    }
    if path.parent() == Some(root) {
        // site.yaml, or a source folder made, moved or removed while serving.
        return name == crate::config::CONFIG_FILE || SOURCE_FOLDERS.contains(&name);
    }
    if path.starts_with(root.join("static")) {
        return true;
    }
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "md" | "yaml" | "yml" | "html" | "xml"))
}

/// Whether `path` is a regular file reached without a link, which `static/` may publish (the
/// site is canonicalised, so any link changes the path): a link made while serving is never
/// followed, as `build` never copies one.
pub(crate) fn servable(path: &Path) -> bool {
    let real = path.canonicalize().ok();
    let meta = std::fs::symlink_metadata(path).ok();
    real.as_deref() == Some(path) && meta.is_some_and(|m| m.is_file())
}

/// Every file of `static/`, by its path in the site: the files `build` copies (links are not
/// followed, and `static/` itself must not be one).
fn static_files(root: &Path) -> Files {
    crate::outputs::static_files(root)
        .0
        .into_iter()
        .filter(|(_, path)| servable(path))
        .collect()
}

fn build_options(options: &Options) -> site::Options {
    site::Options {
        root: options.root.clone(),
        base_url: options.base_url.clone(),
        output_dir: None,
        drafts: options.drafts,
        future: options.future,
        force: false,
    }
}

/// How long the watcher gathers events before passing them on.
const DEBOUNCE: Duration = Duration::from_millis(10);
/// A save after a calm spell (no rebuild for [`CALM`]) is built once the sources have been
/// quiet for [`QUIET_FIRST`]; saves that follow a rebuild closely (an editor writing a file in
/// steps, a `git checkout`, a formatter over many files) are gathered until the sources have
/// been quiet for [`QUIET`], or for at most [`LONGEST_WAIT`] while the burst goes on.
const CALM: Duration = Duration::from_millis(200);
const QUIET_FIRST: Duration = Duration::from_millis(10);
const QUIET: Duration = Duration::from_millis(50);
const LONGEST_WAIT: Duration = Duration::from_millis(400);

/// The folders of the sources, watched whole; site.yaml is seen through the root folder.
const SOURCE_FOLDERS: [&str; 3] = ["content", "templates", "static"];

type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// The paths whose changes matter, and a debounced watcher that rebuilds after bursts of saves.
fn watch(root: &Path, state: Arc<State>) -> Result<Arc<Mutex<Watcher>>, ServeError> {
    let root_dir = root.to_path_buf();
    let source_root = root.to_path_buf();
    // The rebuild thread adds folders made while serving; it must not keep the watcher alive.
    let (watcher_tx, watcher_rx) = std::sync::mpsc::channel::<Weak<Mutex<Watcher>>>();
    let (saves, saved) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let watching = Arc::clone(&state);
    // A path the site reads a file under: an article, an entity, a template or a static file.
    let known = move |gone: &Path| {
        let files = watching
            .files
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        files.values().any(|f| f.starts_with(gone)) || read(&watching).reads_under(gone)
    };
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Reading files (as every rebuild does) is an event too: only changes count.
        let changed: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| !e.kind.is_access() && !e.kind.is_other())
            .flat_map(|e| e.event.paths)
            .filter(|p| relevant(&root_dir, p, &known))
            .collect();
        if !changed.is_empty() {
            let _ = saves.send(changed);
        }
    };
    // Rebuilds run on their own thread, one burst of saves at a time. The thread ends when the
    // watcher, and with it the sending side, is dropped.
    std::thread::spawn(move || {
        let Ok(watcher) = watcher_rx.recv() else {
            return;
        };
        // Changes not yet built successfully: a fix elsewhere must not hide a file still broken.
        let mut pending: BTreeSet<PathBuf> = BTreeSet::new();
        let mut last_rebuild: Option<Instant> = None;
        while let Ok(first) = saved.recv() {
            pending.extend(first);
            let burst = Instant::now();
            let quiet = match last_rebuild {
                Some(at) if at.elapsed() < CALM => QUIET,
                _ => QUIET_FIRST,
            };
            while burst.elapsed() < LONGEST_WAIT {
                match saved.recv_timeout(quiet) {
                    Ok(more) => pending.extend(more),
                    Err(_) => break,
                }
            }
            watch_new_folders(&watcher, &source_root, &pending);
            if rebuild(&state, &pending) {
                pending.clear();
            }
            last_rebuild = Some(Instant::now());
        }
    });
    // Links are not followed: nothing outside the site is watched, read or served.
    let config = notify_debouncer_full::notify::Config::default().with_follow_symlinks(false);
    let mut debouncer = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
        DEBOUNCE,
        None,
        handler,
        RecommendedCache::new(),
        config,
    )
    .map_err(|e| ServeError::Watch {
        path: root.to_path_buf(),
        message: e.to_string(),
    })?;
    // Folders, not files: editors save by writing a new file and renaming it over the old
    // one, which ends a watch on the file itself. site.yaml is seen through the root folder.
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| ServeError::Watch {
            path: root.to_path_buf(),
            message: e.to_string(),
        })?;
    for folder in SOURCE_FOLDERS {
        let path = root.join(folder);
        if is_real_folder(&path) {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| ServeError::Watch {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
        }
    }
    let debouncer = Arc::new(Mutex::new(debouncer));
    let _ = watcher_tx.send(Arc::downgrade(&debouncer));
    Ok(debouncer)
}

fn is_real_folder(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// A source folder made or moved in while serving (`templates/` by the first `templates
/// eject`, `static/` for a first picture) is watched from then on. Its files are read by the
/// rebuild that follows, which sees every file the watch was too late for.
fn watch_new_folders(watcher: &Weak<Mutex<Watcher>>, root: &Path, changed: &BTreeSet<PathBuf>) {
    let Some(watcher) = watcher.upgrade() else {
        return;
    };
    let mut watcher = watcher.lock().unwrap_or_else(PoisonError::into_inner);
    for folder in SOURCE_FOLDERS {
        let path = root.join(folder);
        if changed.contains(&path)
            && is_real_folder(&path)
            && let Err(e) = watcher.watch(&path, RecursiveMode::Recursive)
        {
            say!(
                err,
                "warning: cannot watch {folder}/ ({e}); restart depeche serve to see its changes"
            );
        }
    }
}

/// Serves `static/` as it is now, scanned again whole (a folder may have been moved in or out,
/// or `static/` itself made or removed); returns the paths in the site of the files saved,
/// added or removed.
fn refresh_assets(state: &State, root: &Path, assets: &[PathBuf]) -> Vec<String> {
    let static_dir = root.join("static");
    let now = static_files(root);
    let Ok(mut files) = state.files.write() else {
        return Vec::new();
    };
    let saved = assets.iter().filter_map(|path| {
        let rel = path.strip_prefix(&static_dir).ok()?;
        let key = rel.to_string_lossy().replace('\\', "/");
        Some(unicode_normalization::UnicodeNormalization::nfc(key.as_str()).collect::<String>())
    });
    let added = now.keys().filter(|k| !files.contains_key(*k)).cloned();
    let removed = files.keys().filter(|k| !now.contains_key(*k)).cloned();
    let refreshed: BTreeSet<String> = saved
        .filter(|k| now.contains_key(k) || files.contains_key(k))
        .chain(added)
        .chain(removed)
        .collect();
    *files = now;
    refreshed.into_iter().collect()
}

/// The session, even if a thread panicked while holding it: every update leaves it whole.
fn read(state: &State) -> std::sync::RwLockReadGuard<'_, Session> {
    state.session.read().unwrap_or_else(PoisonError::into_inner)
}

fn write(state: &State) -> std::sync::RwLockWriteGuard<'_, Session> {
    state
        .session
        .write()
        .unwrap_or_else(PoisonError::into_inner)
}

/// Applies changes to the session. A full build is made aside, while the last good site is
/// still served, and swapped in when done.
fn update(state: &State, sources: &[PathBuf]) -> Result<crate::incremental::Update, BuildError> {
    let attempt = write(state).try_update(sources)?;
    match attempt {
        Some(update) => Ok(update),
        None => {
            let options = read(state).options().clone();
            let fresh = Session::start(&options, CACHE_BYTES)?;
            Ok(write(state).replace(fresh))
        }
    }
}

/// Rebuilds after changes; true when the site is up to date. A failed build keeps the last
/// good site and reports the problems to the terminal and the open tabs.
fn rebuild(state: &State, changed: &BTreeSet<PathBuf>) -> bool {
    let started = Instant::now();
    let root = read(state).config().root.clone();
    let static_dir = root.join("static");
    let (assets, sources): (Vec<PathBuf>, Vec<PathBuf>) = changed
        .iter()
        .cloned()
        .partition(|p| p.starts_with(&static_dir));
    let mut report = Report::default();
    if !sources.is_empty() {
        match update(state, &sources) {
            Ok(update) => {
                report.full = update.full;
                report.changed = update.changed;
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
    if !assets.is_empty() {
        report.static_files = refresh_assets(state, &root, &assets);
    }
    // `base_url` edited: the site moves to its new path at once.
    let base_path = read(state).config().base_path.clone();
    if let Ok(mut served) = state.base_path.write()
        && *served != base_path
    {
        say!(
            out,
            "The site is now served under {base_path} (base_url changed)"
        );
        *served = base_path;
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
        "Updated {}{} in {} ms",
        crate::diagnostic::count(report.changed.len() as u64, "page", "pages"),
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
