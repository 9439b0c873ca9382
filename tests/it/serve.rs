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
    assert!(
        page.body.contains("data-entity=\"aleppo\"") || page.body.contains("data-entity=aleppo")
    );
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
