//! HTTP for `serve`: files from memory under the base path, live-reload events, and the
//! defences a development server needs (Host and Origin checks, no path escapes).

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, PoisonError};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State as Extract};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use super::{Event, State};

const RELOAD_JS: &str = include_str!("reload.js");
const INTERNAL: &str = "__depeche/";

pub(super) fn router(state: Arc<State>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// The authorities (`host[:port]`) a request may name, in its Host header, its target or its
/// Origin: anything else is refused (DNS rebinding, a page of another local server). The port
/// must be this server's; bound to every interface (`0.0.0.0`, `::`), the machine's host name
/// and its own addresses are its names on the network.
pub(crate) struct Authorities {
    names: Vec<String>,
    port: u16,
}

impl Authorities {
    pub(super) fn new(bind: IpAddr, port: u16) -> Self {
        let mut names = vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "[::1]".to_string(),
        ];
        let mut addresses = vec![bind];
        if bind.is_unspecified() {
            addresses.extend(own_addresses());
            names.extend(own_host_name());
        }
        for address in addresses {
            let name = match address {
                IpAddr::V6(ip) => format!("[{ip}]"),
                IpAddr::V4(ip) => ip.to_string(),
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        Authorities { names, port }
    }

    /// Whether `authority` names this server: one of its names, and its port (80 when none
    /// is written).
    pub(super) fn admit(&self, authority: &str) -> bool {
        if authority.contains('@') {
            return false;
        }
        let (name, port) = split_authority(authority);
        let port_ok = match port {
            None => self.port == 80,
            Some(port) => {
                !port.is_empty()
                    && port.bytes().all(|b| b.is_ascii_digit())
                    && port.parse::<u16>() == Ok(self.port)
            }
        };
        port_ok && self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }
}

/// The machine's host name, as `hostname` prints it.
#[cfg(unix)]
fn own_host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into `buf`.
    let done = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let end = buf.iter().position(|&b| b == 0)?;
    let name = std::str::from_utf8(&buf[..end]).ok()?;
    (done == 0 && !name.is_empty()).then(|| name.to_string())
}

#[cfg(not(unix))]
fn own_host_name() -> Option<String> {
    None
}

/// The addresses of the machine's network interfaces.
#[cfg(unix)]
fn own_addresses() -> Vec<IpAddr> {
    let mut found = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list it allocates, freed below with
    // freeifaddrs; each node's address is read only when its family says what it is.
    unsafe {
        if libc::getifaddrs(&mut list) != 0 {
            return found;
        }
        let mut node = list;
        while !node.is_null() {
            let address = (*node).ifa_addr;
            if !address.is_null() {
                match i32::from((*address).sa_family) {
                    libc::AF_INET => {
                        let v4 = &*(address as *const libc::sockaddr_in);
                        found.push(IpAddr::from(u32::from_be(v4.sin_addr.s_addr).to_be_bytes()));
                    }
                    libc::AF_INET6 => {
                        let v6 = &*(address as *const libc::sockaddr_in6);
                        found.push(IpAddr::from(v6.sin6_addr.s6_addr));
                    }
                    _ => {}
                }
            }
            node = (*node).ifa_next;
        }
        libc::freeifaddrs(list);
    }
    found
}

#[cfg(not(unix))]
fn own_addresses() -> Vec<IpAddr> {
    Vec::new()
}

/// `host[:port]` split in two; an IPv6 address keeps its brackets.
fn split_authority(value: &str) -> (&str, Option<&str>) {
    let name_end = if value.starts_with('[') {
        value.find(']').map_or(value.len(), |i| i + 1)
    } else {
        value.find(':').unwrap_or(value.len())
    };
    let (name, rest) = value.split_at(name_end);
    (name, rest.strip_prefix(':'))
}

fn status(code: StatusCode, text: &'static str) -> Response {
    let mut response = (code, text).into_response();
    no_store(&mut response);
    response
}

fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

async fn handle(Extract(state): Extract<Arc<State>>, request: Request) -> Response {
    // One Host header (RFC 9112 §3.2), naming this server.
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let host_ok = match (hosts.next(), hosts.next()) {
        (Some(host), None) => host.to_str().is_ok_and(|h| state.authorities.admit(h)),
        _ => false,
    };
    // An absolute-form target (`GET http://host/path`) names its own authority, which
    // HTTP/1.1 says takes precedence over Host: it must be ours too, and this server's scheme.
    let uri = request.uri();
    let authority_ok = uri.authority().is_none_or(|a| {
        uri.scheme() == Some(&axum::http::uri::Scheme::HTTP) && state.authorities.admit(a.as_str())
    });
    if !host_ok || !authority_ok {
        return status(StatusCode::FORBIDDEN, "forbidden: unexpected Host header\n");
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return status(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let path = request.uri().path().to_string();
    let base = state
        .base_path
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let base = base.as_str();
    if path == "/" && base != "/" {
        return redirect(base);
    }
    let Some(rest) = path.strip_prefix(base) else {
        return not_found(&state).await;
    };
    if rest == format!("{INTERNAL}reload.js") {
        let mut response = (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            RELOAD_JS,
        )
            .into_response();
        no_store(&mut response);
        return response;
    }
    if rest == format!("{INTERNAL}events") {
        return events(&state, &request);
    }
    if rest == format!("{INTERNAL}report") {
        let report = state.report.read().map(|r| r.clone()).unwrap_or_default();
        let mut response = axum::Json(report).into_response();
        no_store(&mut response);
        return response;
    }
    let Some(key) = file_key(rest) else {
        return not_found(&state).await;
    };
    let range = request.headers().get(header::RANGE).cloned();
    match fetch(&state, key.clone()).await {
        Fetched::File(bytes) if !is_html(&key) => bytes_file(&key, &bytes, range),
        Fetched::File(bytes) => html_page(&state, &key, &bytes, StatusCode::OK),
        Fetched::Static(path) => static_file(&state, &key, &path, range).await,
        Fetched::Folder if !key.ends_with("index.html") => redirect(&format!("{path}/")),
        Fetched::Folder | Fetched::Missing => not_found(&state).await,
        Fetched::Failed(text) => failed(&state, text),
    }
}

/// What a request path leads to.
enum Fetched {
    File(Arc<[u8]>),
    /// A file of `static/`, read from disk as it is sent.
    Static(std::path::PathBuf),
    /// A folder with an index page: the path needs its final `/`.
    Folder,
    Missing,
    /// The page failed to render (its source changed since the last build, which the
    /// watcher is about to rebuild): the diagnostics.
    Failed(String),
}

/// A page of the site (rendered on a blocking thread if it is not kept) or a file of `static/`.
async fn fetch(state: &Arc<State>, key: String) -> Fetched {
    let state = Arc::clone(state);
    let work = tokio::task::spawn_blocking(move || {
        let session = state.session.read().unwrap_or_else(PoisonError::into_inner);
        match session.page(&key) {
            Some(Ok(bytes)) => return Fetched::File(bytes),
            Some(Err(d)) => return Fetched::Failed(d.render()),
            None => {}
        }
        let folder = session.has_page(&format!("{key}/index.html"));
        drop(session);
        let files = state.files.read().unwrap_or_else(PoisonError::into_inner);
        match files.get(&key) {
            Some(path) => Fetched::Static(path.clone()),
            None if folder => Fetched::Folder,
            None => Fetched::Missing,
        }
    });
    work.await
        .unwrap_or_else(|e| Fetched::Failed(format!("the page could not be made: {e}\n")))
}

/// A page that failed to render: its diagnostics, on the terminal, over every open tab (as a
/// failed build's are) and in the page itself, which reloads when the site is rebuilt.
fn failed(state: &State, text: String) -> Response {
    {
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), "{text}");
    }
    if let Ok(mut error) = state.error.write() {
        *error = Some(text.clone());
    }
    let _ = state.events.send(super::Event::BuildError(text.clone()));
    let mut escaped = String::new();
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, &text);
    let page = format!("<!doctype html><meta charset=\"utf-8\"><pre>{escaped}</pre>");
    let body = inject(state, page.as_bytes());
    let mut response = (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    no_store(&mut response);
    response
}

/// The file a decoded request path names, or None for anything that could leave the site:
/// dot segments, backslashes, absolute or empty segments, NUL bytes.
pub fn file_key(rest: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\\', '\0']) || decoded.starts_with('/') {
        return None;
    }
    let mut key = decoded.into_owned();
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    if key
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return None;
    }
    Some(key)
}

fn redirect(to: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    no_store(&mut response);
    response
}

async fn not_found(state: &Arc<State>) -> Response {
    match fetch(state, "404.html".to_string()).await {
        Fetched::File(bytes) => html_page(state, "404.html", &bytes, StatusCode::NOT_FOUND),
        _ => status(StatusCode::NOT_FOUND, "not found\n"),
    }
}

fn is_html(key: &str) -> bool {
    mime_guess::from_path(key)
        .first_or_octet_stream()
        .essence_str()
        == "text/html"
}

/// An HTML page, with the live-reload script (other files go by [`bytes_file`]).
fn html_page(state: &State, key: &str, bytes: &Arc<[u8]>, code: StatusCode) -> Response {
    let content_type = crate::urls::content_type(key);
    let body = inject(state, bytes);
    let mut response = (code, [(header::CONTENT_TYPE, content_type)], body).into_response();
    no_store(&mut response);
    response
}

/// A file of `static/`, streamed from disk (an HTML file is read whole, to be given the
/// live-reload script); one range of it when the request asks for one (`Range: bytes=…`),
/// as media players do to seek.
async fn static_file(
    state: &State,
    key: &str,
    path: &std::path::Path,
    range: Option<HeaderValue>,
) -> Response {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let gone = || status(StatusCode::NOT_FOUND, "not found\n");
    // As it is now: a folder replaced by a link since it was listed is not followed.
    if !super::servable(path) {
        return gone();
    }
    if is_html(key) {
        return match tokio::fs::read(path).await {
            Ok(bytes) => html_page(state, key, &Arc::from(bytes), StatusCode::OK),
            Err(_) => gone(),
        };
    }
    let Ok(mut opened) = tokio::fs::File::open(path).await else {
        return gone();
    };
    let Ok(len) = opened.metadata().await.map(|m| m.len()) else {
        return gone();
    };
    let Some((code, start, end)) = wanted(range.as_ref(), len) else {
        return unsatisfiable(len);
    };
    if start > 0 && opened.seek(std::io::SeekFrom::Start(start)).await.is_err() {
        return gone();
    }
    let stream = tokio_util::io::ReaderStream::new(opened.take(end - start));
    let response = (code, Body::from_stream(stream)).into_response();
    ranged(response, key, (code, start, end), len)
}

/// A file `serve` made that is not a page (a file of the search index, a feed), or the range
/// of it the request asks for: the search page reads a record of a pack that way.
fn bytes_file(key: &str, bytes: &[u8], range: Option<HeaderValue>) -> Response {
    let len = bytes.len() as u64;
    let Some((code, start, end)) = wanted(range.as_ref(), len) else {
        return unsatisfiable(len);
    };
    let body = bytes[start as usize..end as usize].to_vec();
    ranged((code, body).into_response(), key, (code, start, end), len)
}

/// The status and bytes `start..end` a request's `Range` asks of a file of `len` bytes; none
/// when the file does not have them.
fn wanted(range: Option<&HeaderValue>, len: u64) -> Option<(StatusCode, u64, u64)> {
    match range
        .and_then(|r| r.to_str().ok())
        .map(|r| byte_range(r, len))
    {
        None | Some(Range::Ignored) => Some((StatusCode::OK, 0, len)),
        Some(Range::Bytes(start, end)) => Some((StatusCode::PARTIAL_CONTENT, start, end)),
        Some(Range::Unsatisfiable) => None,
    }
}

fn unsatisfiable(len: u64) -> Response {
    let mut response = status(StatusCode::RANGE_NOT_SATISFIABLE, "range not satisfiable\n");
    if let Ok(value) = HeaderValue::from_str(&format!("bytes */{len}")) {
        response.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    response
}

/// `response`'s headers for bytes `start..end` of a file of `len` bytes.
fn ranged(
    mut response: Response,
    key: &str,
    (code, start, end): (StatusCode, u64, u64),
    len: u64,
) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(value) = HeaderValue::from_str(&crate::urls::content_type(key)) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if code == StatusCode::PARTIAL_CONTENT
        && let Ok(value) = HeaderValue::from_str(&format!("bytes {start}-{}/{len}", end - 1))
    {
        headers.insert(header::CONTENT_RANGE, value);
    }
    no_store(&mut response);
    response
}

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// Bytes `start..end`.
    Bytes(u64, u64),
    /// Nothing the file has.
    Unsatisfiable,
    /// Not one range of bytes (several, or another unit): the whole file is sent.
    Ignored,
}

/// Reads `bytes=FIRST-LAST`, `bytes=FIRST-` and `bytes=-SUFFIX` (RFC 9110, section 14.1.2).
fn byte_range(value: &str, len: u64) -> Range {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Range::Ignored;
    };
    if spec.contains(',') {
        return Range::Ignored;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Range::Ignored;
    };
    let (first, last) = (first.trim(), last.trim());
    // Digits only (`1*DIGIT`: not `+1`); a position too large to read is past any file's end.
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().unwrap_or(u64::MAX))
    };
    match (number(first), number(last)) {
        // The last SUFFIX bytes.
        (None, Some(suffix)) if first.is_empty() => match suffix {
            0 => Range::Unsatisfiable,
            _ if len == 0 => Range::Unsatisfiable,
            _ => Range::Bytes(len.saturating_sub(suffix), len),
        },
        (Some(start), None) if last.is_empty() && start >= len => Range::Unsatisfiable,
        (Some(start), None) if last.is_empty() => Range::Bytes(start, len),
        (Some(start), Some(end)) if end >= start && start >= len => Range::Unsatisfiable,
        (Some(start), Some(end)) if end >= start => {
            Range::Bytes(start, end.saturating_add(1).min(len))
        }
        _ => Range::Ignored,
    }
}

/// Adds the live-reload script before `</body>`: only `serve` does this, never `build`.
fn inject(state: &State, html: &[u8]) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{base}{INTERNAL}reload.js\" data-events=\"{base}{INTERNAL}events\"></script>",
        base = state
            .base_path
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    );
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// Server-Sent Events for open tabs. A connection from another site's page is refused.
fn events(state: &State, request: &Request) -> Response {
    let origin_ok = match request.headers().get(header::ORIGIN) {
        None => true,
        Some(origin) => origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|h| state.authorities.admit(h)),
    };
    if !origin_ok {
        return status(StatusCode::FORBIDDEN, "forbidden: foreign Origin\n");
    }
    // A stream is a connection held open: capped below the server's connections, so that
    // idle streams never take every slot; the permit goes with the stream.
    let Ok(permit) = Arc::clone(&state.streams).try_acquire_owned() else {
        let mut refused = status(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many live-reload connections: close some tabs of the preview\n",
        );
        // Its connection is closed at once, not kept alive to hold a slot.
        refused
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return refused;
    };
    let current = state
        .error
        .read()
        .ok()
        .and_then(|e| e.clone())
        .map(Event::BuildError);
    let updates = BroadcastStream::new(state.events.subscribe()).filter_map(Result::ok);
    // The stream ends when the server stops, so that Ctrl-C does not wait for open tabs.
    let closed = WatchStream::new(state.closing.clone())
        .filter(|stop| *stop)
        .map(|_| None);
    let stream = tokio_stream::iter(current)
        .chain(updates)
        .map(Some)
        .merge(closed)
        .take_while(Option::is_some)
        .filter_map(|event| event)
        .map(move |event| {
            let _held = &permit;
            Ok::<_, Infallible>(match event {
                Event::Reload => SseEvent::default().event("reload").data("reload"),
                Event::Css => SseEvent::default().event("css").data("css"),
                Event::BuildError(text) => SseEvent::default()
                    .event("build-error")
                    .data(serde_json::to_string(&text).unwrap_or_default()),
            })
        });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    no_store(&mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_of_bytes_is_read_as_rfc_9110_says() {
        assert_eq!(byte_range("bytes=0-99", 1000), Range::Bytes(0, 100));
        assert_eq!(byte_range("bytes=500-", 1000), Range::Bytes(500, 1000));
        assert_eq!(byte_range("bytes=-200", 1000), Range::Bytes(800, 1000));
        assert_eq!(byte_range("bytes=-2000", 1000), Range::Bytes(0, 1000));
        assert_eq!(byte_range("bytes=900-5000", 1000), Range::Bytes(900, 1000));
        assert_eq!(byte_range("bytes=1000-", 1000), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=-0", 1000), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=5-2", 1000), Range::Ignored);
        assert_eq!(byte_range("bytes=0-1,5-9", 1000), Range::Ignored);
        assert_eq!(byte_range("items=0-1", 1000), Range::Ignored);
        assert_eq!(byte_range("bytes=x-", 1000), Range::Ignored);
        // Not positions: the whole file.
        assert_eq!(byte_range("bytes=+1-2", 1000), Range::Ignored);
        assert_eq!(byte_range("bytes=-", 1000), Range::Ignored);
        assert_eq!(byte_range("bytes=1-x", 1000), Range::Ignored);
        // Too large to read: past the end, as any large number is.
        let huge = "18446744073709551616";
        assert_eq!(
            byte_range(&format!("bytes=0-{huge}"), 1000),
            Range::Bytes(0, 1000)
        );
        assert_eq!(
            byte_range(&format!("bytes=-{huge}"), 1000),
            Range::Bytes(0, 1000)
        );
        assert_eq!(
            byte_range(&format!("bytes={huge}-"), 1000),
            Range::Unsatisfiable
        );
        assert_eq!(byte_range("bytes=0-", 0), Range::Unsatisfiable);
    }

    #[test]
    fn keys_never_leave_the_site() {
        assert_eq!(file_key("").as_deref(), Some("index.html"));
        assert_eq!(file_key("fr/").as_deref(), Some("fr/index.html"));
        assert_eq!(file_key("style.css").as_deref(), Some("style.css"));
        assert_eq!(
            file_key("fr/entit%C3%A9s/").as_deref(),
            Some("fr/entités/index.html")
        );
        for bad in [
            "../etc/passwd",
            "fr/../../x",
            "%2e%2e/x",
            "%2E%2E%2Fx",
            "a%5C..%5Cb",
            "/etc/passwd",
            "%2Fetc",
            "a//b",
            "./x",
            "a%00b",
        ] {
            assert_eq!(file_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn authorities_name_this_server_and_its_port() {
        assert_eq!(
            split_authority("localhost:1111"),
            ("localhost", Some("1111"))
        );
        assert_eq!(split_authority("[::1]:80"), ("[::1]", Some("80")));
        assert_eq!(split_authority("127.0.0.1"), ("127.0.0.1", None));
        let local = Authorities::new("127.0.0.1".parse().unwrap(), 1111);
        for ok in [
            "localhost:1111",
            "LocalHost:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
        ] {
            assert!(local.admit(ok), "{ok}");
        }
        // Another local server's port, no port (80), another name, credentials.
        for bad in [
            "localhost:1112",
            "localhost",
            "localhost:",
            "localhost:1111x",
            "localhost:+1111",
            "localhost:-1111",
            "evil.example:1111",
            "user@localhost:1111",
            "localhost.evil.example:1111",
        ] {
            assert!(!local.admit(bad), "{bad}");
        }
        assert!(Authorities::new("127.0.0.1".parse().unwrap(), 80).admit("localhost"));
        // Bound to every interface, every address of the machine and its host name are names
        // it answers to, and nothing else is.
        let all = Authorities::new("0.0.0.0".parse().unwrap(), 1111);
        let own = own_addresses();
        assert!(own.contains(&"127.0.0.1".parse().unwrap()), "{own:?}");
        for address in own.iter().filter(|a| a.is_ipv4()) {
            assert!(all.admit(&format!("{address}:1111")), "{address}");
        }
        if let Some(name) = own_host_name() {
            assert!(all.admit(&format!("{name}:1111")), "{name}");
            assert!(!local.admit(&format!("{name}:1111")) || name == "localhost");
        }
        assert!(all.admit("0.0.0.0:1111"));
        assert!(!all.admit("203.0.113.9:1111"));
        assert!(
            own.iter()
                .filter(|a| !a.is_loopback())
                .all(|a| !local.admit(&format!("{a}:1111")))
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn keys_are_always_plain_relative_paths(path in "(%[0-9A-Fa-f]{2}|[./\\\\a-z%\\x00é])*") {
                if let Some(key) = file_key(&path) {
                    prop_assert!(!key.starts_with('/'));
                    prop_assert!(!key.contains(['\\', '\0']));
                    prop_assert!(key.split('/').all(|s| !s.is_empty() && s != "." && s != ".."));
                    prop_assert!(std::path::Path::new(&key)
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_))));
                }
            }
        }
    }
}
