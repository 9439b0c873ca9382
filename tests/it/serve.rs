//! `depeche serve` over real HTTP: pages under the sub-path, live reload after edits with only
//! the touched pages rebuilt, the error overlay, and the defences of a development server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::server::serve;
use crate::common::*;

struct Response {
    status: u16,
    headers: String,
    body: String,
}

fn request(port: u16, raw_path: &str, extra_headers: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let req = format!(
        "GET {raw_path} HTTP/1.1\r\nHost: localhost:{port}\r\n{extra_headers}Connection: close\r\n\r\n"
    );
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        headers: head.to_lowercase(),
        body: body.to_string(),
    }
}

fn get(port: u16, path: &str) -> Response {
    request(port, path, "")
}

/// Live-reload events, read on a thread: each `event:` name as it arrives.
fn events(port: u16) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let req = format!(
        "GET /depeche/__depeche/events HTTP/1.1\r\nHost: localhost:{port}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(req.as_bytes()).unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(name) = line.strip_prefix("event: ")
                && tx.send(name.to_string()).is_err()
            {
                break;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    rx
}

fn next_event(rx: &mpsc::Receiver<String>) -> String {
    rx.recv_timeout(Duration::from_secs(15))
        .expect("no live-reload event")
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The outputs the last edit changed (forgotten, made again when asked for), from its report.
fn rendered_pages(report: &serde_json::Value) -> Vec<&str> {
    report["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

fn report(port: u16) -> serde_json::Value {
    serde_json::from_str(&get(port, "/depeche/__depeche/report").body).unwrap()
}

#[test]
fn serves_the_site_under_its_sub_path_with_correct_types() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let root = get(server.port, "/");
    assert_eq!(root.status, 302);
    assert!(root.headers.contains("location: /depeche/"));
    let home = get(server.port, "/depeche/fr/");
    assert_eq!(home.status, 200);
    assert!(
        home.headers
            .contains("content-type: text/html; charset=utf-8")
    );
    assert!(home.headers.contains("cache-control: no-store"));
    assert!(!home.headers.contains("access-control-allow-origin"));
    assert!(
        home.body.contains("/depeche/__depeche/reload.js"),
        "no live-reload script"
    );
    assert!(home.body.contains("Djihadistes et rebelles"));
    for (path, mime) in [
        ("/depeche/style.css", "text/css"),
        ("/depeche/sitemap.xml", "xml"),
        ("/depeche/__depeche/reload.js", "javascript"),
        ("/depeche/en/entities/aleppo/", "text/html"),
    ] {
        let r = get(server.port, path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.headers.contains("content-type: ") && r.headers.contains(mime),
            "{path}: {}",
            r.headers
        );
    }
    let dir = get(server.port, "/depeche/fr");
    assert_eq!(dir.status, 302);
    assert!(dir.headers.contains("location: /depeche/fr/"));
    let missing = get(server.port, "/depeche/fr/nowhere/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page introuvable"),
        "the site's 404.html is served"
    );
    // Outside the base path nothing is served.
    assert_eq!(get(server.port, "/fr/").status, 404);
}

#[test]
fn an_edit_reloads_tabs_and_rebuilds_only_what_it_touches() {
    let site = TestSite::fixture("trilingual");
    site.edit(
        "site.yaml",
        "base_url: https://example.org/veille/",
        "base_url: https://example.org/depeche/",
    );
    std::fs::create_dir_all(site.path("public")).unwrap();
    site.write("public/marker.txt", "mine");
    let server = serve(&site, &[]);
    let rx = events(server.port);
    site.edit(
        "content/articles/note-2.fr.md",
        "Note 2 sur Alep",
        "Note 2, révisée, sur Alep",
    );
    assert_eq!(next_event(&rx), "reload");
    let page = get(server.port, "/depeche/fr/articles/note-2/");
    assert!(page.body.contains("Note 2, révisée, sur Alep"));
    let report = report(server.port);
    assert_eq!(report["full"], false);
    let rendered = rendered_pages(&report);
    for touched in [
        "fr/articles/note-2/index.html",
        "en/articles/note-2/index.html",
        "fr/entities/aleppo/index.html",
        "fr/entities/hts/index.html",
        "fr/index.html",
    ] {
        assert!(
            rendered.contains(&touched),
            "{touched} not rebuilt: {rendered:?}"
        );
    }
    for untouched in [
        "fr/articles/note-1/index.html",
        "fr/articles/note-3/index.html",
        "ar/articles/note-1/index.html",
        "ar/index.html",
        "sitemap.xml",
    ] {
        assert!(
            !rendered.contains(&untouched),
            "{untouched} rebuilt needlessly"
        );
    }
    // A new date moves the article in every listing and changes the sitemap's lastmod.
    site.edit(
        "content/articles/note-2.fr.md",
        "date: 2024-11-22",
        "date: 2024-11-26",
    );
    assert_eq!(next_event(&rx), "reload");
    let later = crate::serve::report(server.port);
    let rendered = rendered_pages(&later);
    assert!(rendered.contains(&"sitemap.xml"), "{rendered:?}");
    assert!(
        get(server.port, "/depeche/sitemap.xml")
            .body
            .contains("<lastmod>2024-11-26</lastmod>")
    );
    // serve never writes to the output directory.
    assert_eq!(site.read("public/marker.txt"), "mine");
    assert!(!site.path("public/index.html").exists());
}

#[test]
fn a_broken_edit_shows_the_overlay_and_keeps_the_last_good_site() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let rx = events(server.port);
    let fr = "content/articles/alep-offensive-hts.fr.md";
    // The editor has the article open: the page made then is the last good one.
    assert_eq!(
        get(server.port, "/depeche/fr/articles/alep-offensive-hts/").status,
        200
    );
    site.edit(fr, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après");
    assert_eq!(next_event(&rx), "build-error");
    let page = get(server.port, "/depeche/fr/articles/alep-offensive-hts/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=m-aleppo-1") || page.body.contains("id=\"m-aleppo-1\""));
    // A tab opened now gets the current error straight away.
    let late = events(server.port);
    assert_eq!(next_event(&late), "build-error");
    site.edit(fr, "d'[[alepo|Alep]] après", "d'[[aleppo|Alep]] après");
    assert_eq!(next_event(&rx), "reload");
}

#[test]
fn a_stylesheet_change_refreshes_styles_without_a_reload() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let rx = events(server.port);
    let css = site.read("static/style.css");
    site.write(
        "static/style.css",
        format!("{css}\n.probe {{ color: red; }}\n"),
    );
    assert_eq!(next_event(&rx), "css");
    wait_until("the new stylesheet", || {
        get(server.port, "/depeche/style.css")
            .body
            .contains(".probe")
    });
}

#[test]
fn only_the_sites_files_are_ever_served() {
    let site = TestSite::shipped();
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.path("site.yaml"), site.path("static/leak.yaml")).unwrap();
    let server = serve(&site, &[]);
    for attack in [
        "/depeche/../site.yaml",
        "/depeche/%2e%2e/site.yaml",
        "/depeche/%2E%2E%2Fsite.yaml",
        "/depeche/..%2fsite.yaml",
        "/depeche/..%5csite.yaml",
        "/depeche/..\\site.yaml",
        "/depeche//etc/passwd",
        "/depeche/%2fetc%2fpasswd",
        "/etc/passwd",
        "/depeche/fr/%00",
        "/depeche/leak.yaml",
    ] {
        let r = get(server.port, attack);
        assert_eq!(r.status, 404, "{attack} → {}", r.status);
        assert!(!r.body.contains("base_url"), "{attack} leaked site.yaml");
    }
}

#[test]
fn foreign_hosts_and_origins_are_refused() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .write_all(b"GET /depeche/fr/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 403"), "{text}");
    let foreign = request(
        server.port,
        "/depeche/__depeche/events",
        "Origin: http://evil.example\r\n",
    );
    assert_eq!(foreign.status, 403);
    // The same names at another port are another server (another local site, a dev tool).
    let other = server.port.wrapping_add(1);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let req = format!(
        "GET /depeche/fr/ HTTP/1.1\r\nHost: localhost:{other}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(req.as_bytes()).unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 403"), "{text}");
    let other_origin = request(
        server.port,
        "/depeche/__depeche/events",
        &format!("Origin: http://localhost:{other}\r\n"),
    );
    assert_eq!(other_origin.status, 403);
    assert_eq!(get(server.port, "/depeche/fr/").status, 200);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = TestSite::shipped();
    let out = site.depeche(&["serve", "--port", &port]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot listen on 127.0.0.1:") && stderr.contains("--port 0"),
        "{stderr}"
    );
}

#[test]
fn a_template_change_rerenders_the_pages_that_use_it() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let rx = events(server.port);
    site.edit(
        "templates/entity.html",
        "<p class=\"kind\">",
        "<p class=\"kind probe\">",
    );
    assert_eq!(next_event(&rx), "reload");
    let report = report(server.port);
    let rendered = rendered_pages(&report);
    assert!(
        rendered.contains(&"fr/entities/aleppo/index.html"),
        "{rendered:?}"
    );
    assert!(
        rendered
            .iter()
            .all(|p| p.contains("/entities/") && !p.ends_with("entities/index.html")),
        "{rendered:?}"
    );
    assert!(
        get(server.port, "/depeche/en/entities/hts/")
            .body
            .contains("kind probe")
    );
    // A broken template keeps the last good site and reports the template's line.
    site.edit(
        "templates/entity.html",
        "{{ entity.name }}</h1>",
        "{{ entity.name </h1>",
    );
    assert_eq!(next_event(&rx), "build-error");
    assert_eq!(get(server.port, "/depeche/en/entities/hts/").status, 200);
}

fn generation(port: u16) -> u64 {
    report(port)["generation"].as_u64().unwrap()
}

/// Writes a file the way vim and `sed -i` do: a new file renamed over the old one.
fn save_by_rename(site: &TestSite, rel: &str, text: &str) {
    let tmp = site.path(&format!("{rel}.depeche-test-tmp"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, site.path(rel)).unwrap();
}

#[cfg(unix)]
#[test]
fn links_made_while_serving_never_lead_out_of_the_site() {
    let site = TestSite::nested();
    let outside = site.dir.path().join("secret");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("passwd"), "root:SECRET").unwrap();
    std::fs::write(
        outside.join("leak.fr.md"),
        "---\ntitle: SECRET\ndate: 2024-11-30\n---\nSECRET\n",
    )
    .unwrap();
    let server = serve(&site, &[]);
    let before = generation(server.port);
    std::os::unix::fs::symlink(outside.join("passwd"), site.path("static/x.txt")).unwrap();
    std::os::unix::fs::symlink(&outside, site.path("static/dir")).unwrap();
    std::os::unix::fs::symlink(
        outside.join("leak.fr.md"),
        site.path("content/articles/leak.fr.md"),
    )
    .unwrap();
    // A later save makes sure the links' events were seen.
    site.write("static/probe.css", "p{}");
    wait_until("the probe", || {
        get(server.port, "/depeche/probe.css").status == 200
    });
    assert!(generation(server.port) > before);
    for path in [
        "/depeche/x.txt",
        "/depeche/dir/passwd",
        "/depeche/fr/articles/leak/",
    ] {
        let r = get(server.port, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("SECRET"), "{path} leaked");
    }
    assert!(!get(server.port, "/depeche/fr/").body.contains("SECRET"));
}

#[test]
fn absolute_form_targets_must_name_this_server() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let evil = get(server.port, "http://evil.example/depeche/style.css");
    assert_eq!(evil.status, 403);
    let sneaky = get(
        server.port,
        "http://localhost@evil.example/depeche/style.css",
    );
    assert_eq!(sneaky.status, 403);
    let own = get(
        server.port,
        &format!("http://127.0.0.1:{}/depeche/style.css", server.port),
    );
    assert_eq!(own.status, 200);
    // Not this server's scheme.
    let https = get(
        server.port,
        &format!("https://127.0.0.1:{}/depeche/style.css", server.port),
    );
    assert_eq!(https.status, 403);
    // Two Host headers, whichever comes first.
    for second in ["evil.example", "localhost"] {
        let twice = request(
            server.port,
            "/depeche/style.css",
            &format!("Host: {second}\r\n"),
        );
        assert!(
            twice.status == 400 || twice.status == 403,
            "{}",
            twice.status
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_at_once_with_tabs_listening() {
    let site = TestSite::shipped();
    let mut server = serve(&site, &[]);
    assert_eq!(get(server.port, "/depeche/fr/").status, 200);
    let _tab = events(server.port);
    let _other_tab = events(server.port);
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "serve kept running with live-reload streams open"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn editor_temporary_files_trigger_nothing_and_bursts_rebuild_a_few_times() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let start = generation(server.port);
    for temp in [
        "content/articles/#alep.fr.md#",
        "content/articles/.#alep.fr.md",
        "content/articles/4913",
        "content/articles/alep.fr.md~",
        "content/articles/.alep.fr.md.swp",
        "templates/sedAb12Cd",
        "notes.txt",
    ] {
        site.write(temp, "temporary");
    }
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        generation(server.port),
        start,
        "a temporary file caused a rebuild"
    );

    let fr = "content/articles/alep-offensive-hts.fr.md";
    let text = site.read(fr);
    for i in 0..100 {
        site.write(
            fr,
            text.replace("majeure partie", &format!("majeure partie ({i})")),
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    wait_until("the last save", || {
        get(server.port, "/depeche/fr/articles/alep-offensive-hts/")
            .body
            .contains("majeure partie (99)")
    });
    std::thread::sleep(Duration::from_millis(500));
    let rebuilds = generation(server.port) - start;
    assert!(rebuilds <= 5, "{rebuilds} rebuilds for one burst of saves");
}

#[test]
fn saves_by_rename_keep_being_seen() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let config = site.read("site.yaml");
    let template = site.read("templates/entity.html");
    for round in 0..3 {
        save_by_rename(
            &site,
            "site.yaml",
            &config.replace("Annotated dispatches", &format!("Dispatches {round}")),
        );
        wait_until("site.yaml", || {
            get(server.port, "/depeche/en/")
                .body
                .contains(&format!("Dispatches {round}"))
        });
        save_by_rename(
            &site,
            "templates/entity.html",
            &template.replace(
                "<p class=\"kind\">",
                &format!("<p class=\"kind r{round}\">"),
            ),
        );
        wait_until("the template", || {
            get(server.port, "/depeche/en/entities/hts/")
                .body
                .contains(&format!("kind r{round}"))
        });
    }
}

/// A template that compiles but fails on a page: the page says why and reloads once the
/// template is fixed; the terminal and the open tabs are told, as for a failed build.
#[test]
fn a_page_that_fails_to_render_says_why_and_recovers() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let rx = events(server.port);
    let page = "/depeche/en/articles/aleppo-offensive-hts/";
    let good = site.read("templates/article.html");
    site.write(
        "templates/article.html",
        good.replacen(
            "<h1>{{ article.title }}</h1>",
            "<h1>{{ nonexistent.field }}</h1>",
            1,
        ),
    );
    assert_eq!(next_event(&rx), "reload");
    let failed = get(server.port, page);
    assert_eq!(failed.status, 500);
    assert!(failed.body.contains("E0021"), "{}", failed.body);
    assert!(
        failed.body.contains("reload.js"),
        "the page reloads once fixed"
    );
    assert_eq!(next_event(&rx), "build-error");
    site.write("templates/article.html", good);
    assert_eq!(next_event(&rx), "reload");
    assert_eq!(get(server.port, page).status, 200);
}

/// A client that never finishes its request is disconnected after a few seconds, and Ctrl-C
/// stops the server within a second or two whatever such clients do.
#[test]
fn a_stalled_client_is_dropped_and_never_outlives_ctrl_c() {
    let site = TestSite::shipped();
    let mut server = serve(&site, &[]);
    let port = server.port;
    let stalled = || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .write_all(b"GET /depeche/ HTTP/1.1\r\nHost: loc")
            .unwrap();
        stream
    };
    let mut first = stalled();
    first
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 256];
    // Closed by the server (an empty read, or a 408 then the end), not left open.
    while first.read(&mut buf).is_ok_and(|n| n > 0) {}
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(10), "dropped after {waited:?}");
    // Others are served meanwhile.
    let _others: Vec<TcpStream> = (0..20).map(|_| stalled()).collect();
    assert_eq!(get(port, "/depeche/").status, 200);
    // SAFETY: signalling a child this test started.
    assert_eq!(
        unsafe { libc::kill(server.child.id() as i32, libc::SIGINT) },
        0
    );
    let stopping = Instant::now();
    while server.child.try_wait().unwrap().is_none() {
        assert!(
            stopping.elapsed() < Duration::from_secs(5),
            "serve still runs after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A client that asks for a large file and stops reading is disconnected once the server has
/// waited 10 seconds to send more, so that such clients cannot hold every connection slot.
#[test]
fn a_client_that_stops_reading_is_disconnected() {
    const SIZE: usize = 64 << 20;
    let site = TestSite::shipped();
    site.write("static/media/big.bin", vec![7u8; SIZE]);
    let server = serve(&site, &[]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let req = format!(
        "GET /depeche/media/big.bin HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
        server.port
    );
    stream.write_all(req.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_secs(13));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut received = 0;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the connection is still open after {received} bytes: {e}"),
        }
    }
    assert!(received < SIZE, "the whole file was sent: {received} bytes");
}

/// Idle live-reload streams (a tab each, sending nothing while the site does not change)
/// cannot take every connection: past 64 the next is refused, and pages are still served.
#[test]
fn idle_live_reload_streams_never_lock_others_out() {
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let open = |_| {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        let req = format!(
            "GET /depeche/__depeche/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
            server.port
        );
        stream.write_all(req.as_bytes()).unwrap();
        stream
    };
    let held: Vec<TcpStream> = (0..300).map(open).collect();
    std::thread::sleep(Duration::from_millis(500));
    let mut refused = open(0);
    refused
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = [0u8; 12];
    refused.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 503", "{}", String::from_utf8_lossy(&head));
    // At once: the refused streams' connections are closed, not kept alive.
    let asked = Instant::now();
    assert_eq!(get(server.port, "/depeche/fr/").status, 200);
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    drop(held);
}

/// `static/` moved in and `templates/` made (by the first `templates eject`) while serving are
/// watched from then on: files saved in them later are seen.
#[test]
fn source_folders_made_while_serving_are_watched() {
    let site = TestSite::shipped();
    // Without static/, the site's share image cannot be named.
    site.edit("site.yaml", "share_image: share.png", "");
    std::fs::rename(site.path("static"), site.path("static-away")).unwrap();
    site.write("static-away/media/note.txt", "avant");
    std::fs::remove_dir_all(site.path("templates")).unwrap();
    let server = serve(&site, &[]);
    assert_eq!(get(server.port, "/depeche/media/note.txt").status, 404);
    std::fs::rename(site.path("static-away"), site.path("static")).unwrap();
    wait_until("the folder moved in", || {
        get(server.port, "/depeche/media/note.txt").body == "avant"
    });
    site.write("static/media/later.txt", "plus tard");
    wait_until("a file saved in it", || {
        get(server.port, "/depeche/media/later.txt").body == "plus tard"
    });

    assert!(
        site.depeche(&["templates", "eject", "entity.html"])
            .status
            .success()
    );
    let made = generation(server.port);
    wait_until("the ejected template", || generation(server.port) > made);
    site.edit(
        "templates/entity.html",
        "<p class=\"kind\">",
        "<p class=\"kind probe\">",
    );
    wait_until("the edited template", || {
        get(server.port, "/depeche/en/entities/hts/")
            .body
            .contains("kind probe")
    });
}

/// Bound to every interface, the preview answers at the machine's own addresses (as another
/// machine of the network asks for it) and still refuses foreign Host headers.
#[test]
fn bound_to_every_interface_it_answers_at_its_own_addresses() {
    use std::process::Stdio;
    let site = TestSite::shipped();
    let mut child = Command::new(env!("CARGO_BIN_EXE_depeche"))
        .args(["serve", "--port", "0", "--bind", "0.0.0.0"])
        .current_dir(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let port: u16 = line
        .split("0.0.0.0:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    std::thread::spawn(move || for _ in stdout.lines() {});
    // The address this machine reaches the network from (no packet is sent).
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    let own = probe
        .connect("203.0.113.1:9")
        .ok()
        .and_then(|()| probe.local_addr().ok())
        .map(|a| a.ip())
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    let with_host = |host: &str| {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let req = format!("GET /depeche/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        stream.write_all(req.as_bytes()).unwrap();
        let mut raw = String::new();
        let _ = stream.read_to_string(&mut raw);
        raw.split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    match own {
        Some(ip) => assert_eq!(with_host(&format!("{ip}:{port}")), "200"),
        None => skip("this machine has no network address but loopback"),
    }
    assert_eq!(with_host(&format!("localhost:{port}")), "200");
    // The name other machines know it by.
    if let Ok(name) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        assert_eq!(with_host(&format!("{}:{port}", name.trim())), "200");
    }
    assert_eq!(
        with_host(&format!("localhost:{}", port.wrapping_add(1))),
        "403"
    );
    assert_eq!(with_host(&format!("evil.example:{port}")), "403");
    assert_eq!(with_host(&format!("203.0.113.9:{port}")), "403");
    let _ = child.kill();
    let _ = child.wait();
}

/// Files of `static/` are read from disk as they are sent, whole or a range of them (as a
/// media player seeks), and a file added while serving is served; the files `serve` makes
/// (a pack of the search index's records) are sent by range too.
#[test]
fn static_files_are_streamed_whole_or_by_range() {
    let site = TestSite::shipped();
    let video: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    site.write("static/media/clip.mp4", &video);
    let server = serve(&site, &[]);
    let fetch = |path: &str, extra: &str| {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: localhost:{}\r\n{extra}Connection: close\r\n\r\n",
            server.port
        );
        stream.write_all(req.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        let at = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&bytes[..at]).to_lowercase();
        (head, bytes[at + 4..].to_vec())
    };
    let raw = |extra: &str| fetch("/depeche/media/clip.mp4", extra);
    let (head, body) = raw("");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("accept-ranges: bytes"), "{head}");
    assert!(body == video);
    let (head, body) = raw("Range: bytes=1000-1999\r\n");
    assert!(head.starts_with("http/1.1 206"), "{head}");
    assert!(
        head.contains("content-range: bytes 1000-1999/300000"),
        "{head}"
    );
    assert!(body == video[1000..2000]);
    let (head, body) = raw("Range: bytes=-10\r\n");
    assert!(head.starts_with("http/1.1 206"), "{head}");
    assert!(body == video[video.len() - 10..]);
    let (head, _) = raw("Range: bytes=400000-\r\n");
    assert!(head.starts_with("http/1.1 416"), "{head}");
    assert!(head.contains("content-range: bytes */300000"), "{head}");

    let pack = "/depeche/fr/search/index/a/0.bin";
    let (head, whole) = fetch(pack, "");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(
        head.contains("content-type: application/octet-stream"),
        "{head}"
    );
    let (head, body) = fetch(pack, "Range: bytes=0-7\r\n");
    assert!(head.starts_with("http/1.1 206"), "{head}");
    let len = whole.len();
    assert!(
        head.contains(&format!("content-range: bytes 0-7/{len}")),
        "{head}"
    );
    // The only record: after the 64 lengths, to the end of the file.
    let first = u16::from_le_bytes([body[0], body[1]]) as usize;
    assert_eq!(2 * 64 + first, len);
    let (head, record) = fetch(pack, &format!("Range: bytes={}-{}\r\n", 2 * 64, len - 1));
    assert!(head.starts_with("http/1.1 206"), "{head}");
    let record = miniz_oxide::inflate::decompress_to_vec(&record).unwrap();
    assert!(String::from_utf8(record).unwrap().contains("Alep"));
    // Added while serving.
    site.write("static/media/later.txt", "plus tard");
    wait_until("the new file", || {
        get(server.port, "/depeche/media/later.txt").body == "plus tard"
    });
}

/// Every change the watcher sees applies while serving: a folder of articles moved out of
/// `content/` and back in (named only with digits, as archives by year are), and a new
/// `base_url`, under which the site is then served.
#[test]
fn folders_moved_out_and_in_and_a_new_base_url_apply_while_serving() {
    let site = TestSite::shipped();
    for lang in ["fr", "en"] {
        site.write(
            &format!("content/articles/2025/breve.{lang}.md"),
            "---\ntitle: Brève\ndate: 2024-12-01\n---\nTexte sur [[hts|HTS]].\n",
        );
    }
    let server = serve(&site, &[]);
    let port = server.port;
    let page = "/depeche/fr/articles/breve/";
    assert_eq!(get(port, page).status, 200);
    let folder = site.path("content/articles/2025");
    let aside = site.dir.path().join("2025");
    std::fs::rename(&folder, &aside).unwrap();
    wait_until("the article moved out to be gone", || {
        get(port, page).status == 404
    });
    std::fs::rename(&aside, &folder).unwrap();
    wait_until("the article moved back in", || {
        get(port, page).status == 200
    });
    let config = site.read("site.yaml");
    site.write("site.yaml", config.replace("/depeche/", "/nouvelles/"));
    wait_until("the site under its new path", || {
        get(port, "/nouvelles/fr/articles/breve/").status == 200
    });
}

/// A folder of `static/` replaced by a link to outside the site while serving is not followed,
/// even for the names it held before.
#[test]
fn a_static_folder_swapped_for_a_link_is_not_followed() {
    let site = TestSite::shipped();
    site.write("static/dd/g.txt", "ok");
    let server = serve(&site, &[]);
    wait_until("the static file", || {
        get(server.port, "/depeche/dd/g.txt").body == "ok"
    });
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("g.txt"), "SECRET").unwrap();
    std::fs::remove_dir_all(site.path("static/dd")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path("static/dd")).unwrap();
    for _ in 0..20 {
        assert!(
            !get(server.port, "/depeche/dd/g.txt")
                .body
                .contains("SECRET")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
