//! End to end in a real browser (headless Chromium driven over WebDriver): open the home page
//! under the sub-path, follow an annotation to its entity page, follow a backlink to the exact
//! spot in the article, switch language, then edit the article on disk and watch the open page
//! update by itself. Skipped, saying so, where Chromium or ChromeDriver is not installed;
//! `.ci/run` installs both.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::server::serve;
use crate::common::*;
use fantoccini::{Client, ClientBuilder, Locator};

/// Debian's Chromium and ChromeDriver, or others named by `DEPECHE_TEST_CHROMIUM` and
/// `DEPECHE_TEST_CHROMEDRIVER` (GitHub's runners ship Google Chrome and its driver elsewhere).
fn browser_paths() -> (String, String) {
    let path = |var, default: &str| std::env::var(var).unwrap_or_else(|_| default.to_string());
    (
        path("DEPECHE_TEST_CHROMIUM", "/usr/bin/chromium"),
        path("DEPECHE_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"),
    )
}

/// A helper process (ChromeDriver, a web server) started in a process group of its own,
/// which what it starts (Chromium) joins: the group is stopped when dropped. Closing the
/// session does not always end Chromium before the driver is stopped, and a failed test never
/// closes it; either way Chromium outlived the tests.
struct Driver(Child);

impl Driver {
    fn start(command: &mut Command) -> std::io::Result<Driver> {
        command.process_group(0).spawn().map(Driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // A negative pid names the process group (`process_group(0)` made it the helper's).
        unsafe { libc::kill(-(self.0.id() as i32), libc::SIGKILL) };
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn connect(profile: &Path) -> (Driver, Client) {
    let (chromium, chromedriver) = browser_paths();
    let port = free_port();
    let driver = Driver::start(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .expect("start chromedriver");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1000,800",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) if start.elapsed() > Duration::from_secs(20) => {
                panic!("cannot start Chromium: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Clicks the first element matching `css` and checks the page it leads to.
async fn follow(client: &Client, css: &str, path: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        client.current_url().await.unwrap().path(),
        path,
        "after clicking {css}"
    );
}

async fn text(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn js(client: &Client, script: &str) -> serde_json::Value {
    client.execute(script, vec![]).await.unwrap()
}

/// Whether Chromium and ChromeDriver are installed; says so on the terminal when they are not.
fn browser_installed() -> bool {
    let (chromium, chromedriver) = browser_paths();
    if !Path::new(&chromium).exists() || !Path::new(&chromedriver).exists() {
        skip(&format!(
            "the browser test did not run: {chromium} or {chromedriver} is not installed (apt-get install chromium chromium-driver)"
        ));
        return false;
    }
    true
}

/// Chromium on the shipped site, served under its sub-path; `None` (said on the terminal)
/// where Chromium is not installed.
struct Session {
    site: TestSite,
    _server: crate::common::server::Server,
    _profile: tempfile::TempDir,
    _driver: Driver,
    client: Client,
    base: String,
}

impl Session {
    async fn shipped() -> Option<Session> {
        Session::open(TestSite::shipped(), "/depeche/").await
    }

    /// Serves `site`, whose base URL has the path `sub_path`.
    async fn open(site: TestSite, sub_path: &str) -> Option<Session> {
        if !browser_installed() {
            return None;
        }
        let server = serve(&site, &[]);
        let profile = tempfile::tempdir().unwrap();
        let (driver, client) = connect(profile.path()).await;
        let base = format!("http://127.0.0.1:{}{sub_path}", server.port);
        Some(Session {
            site,
            _server: server,
            _profile: profile,
            _driver: driver,
            client,
            base,
        })
    }
}

/// Every resource the page loaded came from under the site's sub-path.
async fn assert_no_request_left(client: &Client, base: &str) {
    let requests = js(
        client,
        "return performance.getEntriesByType('resource').map(e => e.name)",
    )
    .await;
    for url in requests.as_array().unwrap() {
        assert!(
            url.as_str().unwrap().starts_with(base),
            "a request left the site: {url}"
        );
    }
}

/// The search page's results once they are shown (a query that finds something): (title, url,
/// kind) of each.
async fn search_results(client: &Client, url: &str) -> Vec<(String, String, String)> {
    client.goto(url).await.unwrap();
    let probe = "return [document.querySelector('.search-status').textContent, [...document.querySelectorAll('.search-results li')].map(li => [li.querySelector('a').textContent, li.querySelector('a').getAttribute('href'), li.querySelector('.result-kind').textContent])]";
    let start = Instant::now();
    loop {
        let v = js(client, probe).await;
        // The count shows first, then the results as their records arrive.
        let shown: Vec<(String, String, String)> = serde_json::from_value(v[1].clone()).unwrap();
        if !v[0].as_str().unwrap_or("").is_empty() && !shown.is_empty() {
            return shown;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no search results at {url}: {v}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A built site on a server that answers no range request (Python's `http.server` sends the
/// whole file): the search page takes each record out of the whole pack it gets, and shows its
/// passage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_reads_its_records_from_a_server_that_ignores_ranges() {
    if !browser_installed() {
        return;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        skip("the search test without ranges did not run: python3 is not installed");
        return;
    }
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let root = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(site.path("public"), root.path().join("depeche")).unwrap();
    let port = free_port();
    let _server = Driver::start(
        Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(root.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .expect("start python3 -m http.server");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "http.server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = connect(profile.path()).await;
    let base = format!("http://127.0.0.1:{port}/depeche/");
    let found = search_results(&client, &format!("{base}fr/search/?q=alep+etudiants")).await;
    assert_eq!(
        found[0].1, "/depeche/fr/articles/alep-offensive-hts/",
        "{found:?}"
    );
    // The page asks for the index's root beside its script (a preload the script's own
    // request takes), so a first search waits for the script, then its shards, offsets and records.
    let loads = js(
        &client,
        "return performance.getEntriesByType('resource').map(e => [e.name, e.initiatorType, e.startTime, e.responseEnd])",
    )
    .await;
    let loads: Vec<(String, String, f64, f64)> = serde_json::from_value(loads).unwrap();
    let roots: Vec<_> = loads
        .iter()
        .filter(|l| l.0.contains("/search/index/root.json"))
        .collect();
    let script = loads
        .iter()
        .find(|l| l.0.ends_with("/search.js"))
        .expect("search.js loaded");
    assert_eq!(roots.len(), 1, "the root is asked for once: {loads:?}");
    assert!(
        roots[0].2 < script.3,
        "the root is asked for before the script has arrived: {loads:?}"
    );
    let marked = js(
        &client,
        "return [...document.querySelectorAll('.search-results li')[0].querySelectorAll('mark')].map(m => m.textContent)",
    )
    .await;
    let marked: Vec<String> = serde_json::from_value(marked).unwrap();
    assert!(
        marked
            .iter()
            .any(|m| m.to_lowercase().starts_with("étudiant")),
        "{marked:?}"
    );

    // The site is built again with a new word while the page stays open, as a published site
    // is deployed under a reader: once the root the page has is two seconds old, the next
    // query asks for it again and runs on the new index.
    let query = "const q = document.getElementById('search-q'); q.value = 'zanzibarien'; q.form.requestSubmit()";
    js(&client, query).await;
    let article = "/depeche/fr/articles/alep-offensive-hts/";
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!shown_results(&client).await.iter().any(|r| r.1 == article));
    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "a repris en 2015 le contrôle",
        "a repris en 2015 le contrôle zanzibarien",
    );
    site.build_ok(&[]);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    js(&client, query).await;
    let start = Instant::now();
    while !shown_results(&client).await.iter().any(|r| r.1 == article) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the new index is not searched: {:?}",
            shown_results(&client).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // An index of another format than the script reads (a browser's copy of one of them from
    // before an upgrade of depeche): the page asks for both again and reloads, once; files
    // that still disagree then say the search failed, without reloading again.
    let root_file = site.path("public/fr/search/index/root.json");
    let root = std::fs::read_to_string(&root_file).unwrap();
    assert!(root.contains("\"format\":4"), "{root}");
    std::fs::write(&root_file, root.replace("\"format\":4", "\"format\":99")).unwrap();
    client
        .goto(&format!("{base}fr/search/?q=alep"))
        .await
        .unwrap();
    let failed = js(
        &client,
        "return document.querySelector('form.search').dataset.failed",
    )
    .await;
    let start = Instant::now();
    loop {
        let state = js(
            &client,
            "return [performance.getEntriesByType('navigation')[0].type, document.querySelector('.search-status').textContent, sessionStorage.getItem('depeche-search-format')]",
        )
        .await;
        if state[0] == "reload" && state[1] == failed {
            assert_eq!(state[2], "99");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{state}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Settled: no reload after the first.
    let navigation = "return performance.timeOrigin";
    let before = js(&client, navigation).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(js(&client, navigation).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_entities_by_any_name_in_chromium() {
    let Some(session) = Session::shipped().await else {
        return;
    };
    let (client, base) = (&session.client, &session.base);

    // The French spelling finds the places on the English site, entities first: the city
    // by its name, then the governorate by its alias.
    let found = search_results(client, &format!("{base}en/search/?q=idleb")).await;
    assert_eq!(
        found[..2],
        [
            (
                "Idlib".into(),
                "/depeche/en/entities/idlib-city/".into(),
                "Place".into()
            ),
            (
                "Idlib Governorate".into(),
                "/depeche/en/entities/idlib/".into(),
                "Place".into()
            )
        ],
        "{found:?}"
    );
    // An acronym lists its entity first, then the dispatches that mention it.
    let found = search_results(client, &format!("{base}fr/search/?q=HTS")).await;
    assert_eq!(found[0].1, "/depeche/fr/entities/hts/", "{found:?}");
    assert!(
        found
            .iter()
            .any(|r| r.1 == "/depeche/fr/articles/alep-offensive-hts/" && r.2 == "Dépêche"),
        "{found:?}"
    );
    // Aliases in the other language, and no accents needed.
    let found = search_results(client, &format!("{base}fr/search/?q=SOHR")).await;
    assert_eq!(found[0].1, "/depeche/fr/entities/osdh/", "{found:?}");
    let found = search_results(client, &format!("{base}fr/search/?q=alep+etudiants")).await;
    assert_eq!(
        found[0].1, "/depeche/fr/articles/alep-offensive-hts/",
        "{found:?}"
    );
    // Each language searches its own pages, and nothing leaves the sub-path.
    assert!(
        found.iter().all(|r| r.1.starts_with("/depeche/fr/")),
        "{found:?}"
    );
    assert_no_request_left(client, base).await;
    // The map's marker for Aleppo leads to its page.
    client.goto(&format!("{base}en/map/")).await.unwrap();
    follow(
        client,
        "svg a.map-place[href$='/entities/aleppo/']",
        "/depeche/en/entities/aleppo/",
    )
    .await;
    // The timeline lists the dispatch's dates in order, in both languages.
    for (lang, first, march) in [("fr", "2011", "mars 2020"), ("en", "2011", "March 2020")] {
        client
            .goto(&format!("{base}{lang}/timeline/"))
            .await
            .unwrap();
        let dates = js(
            client,
            "return [...document.querySelectorAll('ol.timeline time')].map(t => t.getAttribute('datetime'))",
        )
        .await;
        let dates: Vec<String> = serde_json::from_value(dates).unwrap();
        let mut sorted = dates.clone();
        sorted.sort();
        assert_eq!(dates, sorted, "{lang}: not in order");
        assert_eq!(text(client, "ol.timeline time").await, first);
        let shown = js(client, "return document.querySelector('ol.timeline li:nth-child(1) time') && [...document.querySelectorAll('ol.timeline time')].map(t => t.textContent)").await;
        assert!(
            shown.as_array().unwrap().iter().any(|t| t == march),
            "{lang}: {shown}"
        );
    }
    // The neighbours on the HTS page link to Al-Qaeda's page.
    client
        .goto(&format!("{base}en/entities/hts/"))
        .await
        .unwrap();
    follow(
        client,
        ".ties a[href$='/entities/al-qaida/']",
        "/depeche/en/entities/al-qaida/",
    )
    .await;
    client.goto(&format!("{base}fr/search/")).await.unwrap();
    // Typing searches as the reader goes, and the count is announced.
    js(client, "const q = document.getElementById('search-q'); q.value = 'Aleppo'; q.dispatchEvent(new Event('input'))").await;
    let start = Instant::now();
    while !js(
        client,
        "return document.querySelector('.search-status').textContent",
    )
    .await
    .as_str()
    .unwrap_or("")
    .contains("résultat")
    {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "typing finds nothing"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    client.clone().close().await.unwrap();
}

/// The results on screen: (title, url, the marked words of each result's title and passage).
async fn shown_results(client: &Client) -> Vec<(String, String, Vec<String>)> {
    let probe = "return [...document.querySelectorAll('.search-results li')].map(li => [li.querySelector('a').textContent, li.querySelector('a').getAttribute('href'), [...li.querySelectorAll('mark')].map(m => m.textContent)])";
    serde_json::from_value(js(client, probe).await).unwrap()
}

/// Types `query` into the search page as a reader does, then waits until results for it are
/// shown.
async fn type_query(client: &Client, query: &str) -> Vec<(String, String, Vec<String>)> {
    let script = format!(
        "const q = document.getElementById('search-q'); q.value = {}; q.dispatchEvent(new Event('input'))",
        serde_json::to_string(query).unwrap()
    );
    js(client, &script).await;
    let start = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let found = shown_results(client).await;
        let query_in_url = js(
            client,
            "return new URL(location.href).searchParams.get('q')",
        )
        .await;
        if !found.is_empty() && query_in_url == query {
            return found;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nothing found for {query:?}"
        );
    }
}

/// Every judged query of `benches/search/queries/<name>.tsv` finds its page among the first
/// ten results, as a reader types it (prefixes) or submits it: the words search.js folds in the
/// browser are the words the index holds.
async fn judged_queries_find_their_pages(session: &Session, name: &str) {
    let path = repo().join(format!("benches/search/queries/{name}.tsv"));
    let queries = std::fs::read_to_string(path).unwrap();
    let mut missed = Vec::new();
    let mut current = String::new();
    for line in queries
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let [lang, kind, query, wanted] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("{name}: {line}");
        };
        if current != lang {
            session
                .client
                .goto(&format!("{}{lang}/search/", session.base))
                .await
                .unwrap();
            current = lang.to_string();
        }
        let script = format!(
            "return window.depecheSearch({}, {{typing: {}}}).then(r => r.results.map(x => x.u))",
            serde_json::to_string(query).unwrap(),
            kind == "prefix"
        );
        let found: Vec<String> =
            serde_json::from_value(js(&session.client, &script).await).unwrap();
        let base_path = session
            .base
            .trim_start_matches("http://")
            .split_once('/')
            .map(|(_, path)| path)
            .unwrap_or("");
        if !found
            .iter()
            .any(|u| u.trim_start_matches('/').strip_prefix(base_path) == Some(wanted))
        {
            missed.push(format!("{lang} {query:?} → {wanted}: {found:?}"));
        }
    }
    assert!(missed.is_empty(), "{name}: {missed:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_judged_query_finds_its_page_in_chromium() {
    let Some(session) = Session::shipped().await else {
        return;
    };
    judged_queries_find_their_pages(&session, "shipped").await;
    session.client.clone().close().await.unwrap();
    let Some(session) = Session::open(TestSite::fixture("trilingual"), "/veille/").await else {
        return;
    };
    judged_queries_find_their_pages(&session, "trilingual").await;
    session.client.clone().close().await.unwrap();
}

/// Forms of a word no page has find the forms pages have; a page opened from the address a
/// typed query left finds what the reader saw; invisible characters, left quotes and
/// overlong words in copy do not hide a word.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_other_forms_and_words_as_pasted_and_an_address_shows_what_was_seen() {
    let site = TestSite::shipped();
    site.write(
        "content/articles/pasted.en.md",
        "---\ntitle: Pasted copy\ndate: 2024-11-29\n---\nThe xylo\u{00AD}phone and the inter\u{200D}national d\u{2018}Ouagadougouville \
         Donaudampfschifffahrtsgesellschaftskapitaenswitwenrente, zero\u{200B}width. The town was shelled.\n",
    );
    site.write(
        "content/articles/pasted.fr.md",
        "---\ntitle: Copie collée\ndate: 2024-11-29\n---\nTexte.\n",
    );
    let Some(session) = Session::open(site, "/depeche/").await else {
        return;
    };
    let (client, base) = (&session.client, &session.base);
    let search = |lang: &'static str, query: &'static str| {
        let script = format!(
            "return window.depecheSearch({}).then(r => [r.count, r.results.map(x => x.u)])",
            serde_json::to_string(query).unwrap()
        );
        async move {
            client.goto(&format!("{base}{lang}/search/")).await.unwrap();
            let found: (usize, Vec<String>) =
                serde_json::from_value(js(client, &script).await).unwrap();
            found
        }
    };
    for (lang, query, wanted) in [
        (
            "en",
            "offensives",
            "/depeche/en/articles/aleppo-offensive-hts/",
        ),
        (
            "en",
            "fighter",
            "/depeche/en/articles/aleppo-offensive-hts/",
        ),
        ("en", "xylophone", "/depeche/en/articles/pasted/"),
        ("en", "international", "/depeche/en/articles/pasted/"),
        ("en", "ouagadougouville", "/depeche/en/articles/pasted/"),
        ("en", "zerowidth", "/depeche/en/articles/pasted/"),
        ("en", "shelling", "/depeche/en/articles/pasted/"),
        (
            "en",
            "Donaudampfschifffahrtsgesellschaftskapitaenswitwenrente",
            "/depeche/en/articles/pasted/",
        ),
    ] {
        let (_, found) = search(lang, query).await;
        assert!(
            found.iter().any(|u| u == wanted),
            "{lang} {query:?}: {found:?}"
        );
    }
    // A word still unknown in any form finds nothing, and says so.
    let (count, _) = search("en", "zanzibarians").await;
    assert_eq!(count, 0);

    // Typed into the box, where the last word is a prefix, a form no page has still finds
    // the forms pages have.
    client.goto(&format!("{base}en/search/")).await.unwrap();
    let typed = type_query(client, "offensives").await;
    assert!(
        typed
            .iter()
            .any(|r| r.1 == "/depeche/en/articles/aleppo-offensive-hts/"),
        "{typed:?}"
    );

    // Typed, then opened again from the address the page kept: the same results.
    client.goto(&format!("{base}fr/search/")).await.unwrap();
    let typed = type_query(client, "Idl").await;
    let address = js(client, "return location.href").await;
    client.goto(address.as_str().unwrap()).await.unwrap();
    let start = Instant::now();
    loop {
        let shown = shown_results(client).await;
        if !shown.is_empty() {
            assert_eq!(shown, typed);
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nothing shown at {address}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    session.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_the_words_of_the_last_paragraph_as_the_reader_types_and_marks_them() {
    let Some(session) = Session::shipped().await else {
        return;
    };
    let (site, client, base) = (&session.site, &session.client, &session.base);
    for (lang, phrase, article) in [
        (
            "fr",
            "calme précaire",
            "/depeche/fr/articles/alep-offensive-hts/",
        ),
        (
            "en",
            "precarious calm",
            "/depeche/en/articles/aleppo-offensive-hts/",
        ),
        (
            "en",
            "student residence",
            "/depeche/en/articles/aleppo-offensive-hts/",
        ),
    ] {
        client.goto(&format!("{base}{lang}/search/")).await.unwrap();
        // Half a word, as typed: a prefix of the last word. (The entities whose prose tells
        // of the same events are found too, and may come first.)
        let typed = &phrase[..phrase.len() - 3];
        let found = type_query(client, typed).await;
        assert!(
            found.iter().take(3).any(|r| r.1 == article),
            "{lang} {typed:?}: {found:?}"
        );
        let found = type_query(client, phrase).await;
        let Some(result) = found.iter().take(3).find(|r| r.1 == article) else {
            panic!("{lang} {phrase:?}: {found:?}");
        };
        // The passage shown is the one holding the phrase, with its words marked.
        let marked: Vec<String> = result.2.iter().map(|m| m.to_lowercase()).collect();
        for word in phrase.split(' ') {
            assert!(
                marked.contains(&word.to_string()),
                "{lang}: {word} not marked in {found:?}"
            );
        }
    }
    // Accents are optional, and an accent typed where the text has none still finds it.
    client.goto(&format!("{base}fr/search/")).await.unwrap();
    let found = type_query(client, "calme precaire ").await;
    assert!(
        found
            .iter()
            .any(|r| r.1 == "/depeche/fr/articles/alep-offensive-hts/"),
        "{found:?}"
    );
    assert_no_request_left(client, base).await;

    // An edit is found by the next query: serve rebuilds the index's files it touches.
    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "had brought a precarious calm",
        "had brought a precarious and zanzibarian calm",
    );
    // Once serve has rebuilt the page (which may take a while on a busy machine), the next
    // query finds the word.
    let start = Instant::now();
    loop {
        client
            .goto(&format!("{base}en/articles/aleppo-offensive-hts/"))
            .await
            .unwrap();
        if js(
            client,
            "return document.body.textContent.includes('zanzibarian')",
        )
        .await
            == true
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the edit was not rebuilt"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    client.goto(&format!("{base}en/search/")).await.unwrap();
    let start = Instant::now();
    loop {
        let script = "const q = document.getElementById('search-q'); q.value = 'zanzibarian'; q.form.requestSubmit()";
        js(client, script).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let found = shown_results(client).await;
        if found
            .iter()
            .any(|r| r.1 == "/depeche/en/articles/aleppo-offensive-hts/")
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the edited article is not found: {found:?}"
        );
    }
    client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reader_journey_and_live_reload_in_chromium() {
    let Some(session) = Session::shipped().await else {
        return;
    };
    let (site, client, base) = (&session.site, &session.client, &session.base);

    // Home page under the sub-path, then the article.
    client.goto(base).await.unwrap();
    assert_eq!(
        js(client, "return document.documentElement.lang").await,
        "fr"
    );
    follow(
        client,
        ".teaser h2 a",
        "/depeche/fr/articles/alep-offensive-hts/",
    )
    .await;

    // Focusing a mention opens its entity's card, from data under the sub-path; Escape closes
    // it; pointing at another opens that one's.
    let card_state = "const c = document.getElementById('entity-preview'); return c ? [c.hidden, c.textContent, document.activeElement.getAttribute('aria-describedby')] : null";
    js(
        client,
        "document.querySelector('a.mention[href$=\"/entities/hts/\"]').focus()",
    )
    .await;
    let start = Instant::now();
    loop {
        let v = js(client, card_state).await;
        if v[0] == false {
            assert!(
                v[1].as_str().unwrap().starts_with("Hayat Tahrir al-Sham"),
                "{v}"
            );
            assert!(
                v[1].as_str().unwrap().contains("au 30 novembre 2024"),
                "{v}"
            );
            assert_eq!(v[2], "entity-preview");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "no preview card: {v}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    js(
        client,
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))",
    )
    .await;
    assert_eq!(
        js(client, card_state).await[0],
        true,
        "Escape closes the card"
    );
    js(client, "document.querySelector('a.mention[href$=\"/entities/osdh/\"]').dispatchEvent(new PointerEvent('pointerenter', {pointerType: 'mouse'}))").await;
    let start = Instant::now();
    while !js(client, card_state).await[1]
        .as_str()
        .unwrap_or("")
        .starts_with("Observatoire")
    {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "pointing opens no card"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_no_request_left(client, base).await;

    // An annotation leads to its entity page.
    follow(
        client,
        "a.mention[href$='/entities/aleppo/']",
        "/depeche/fr/entities/aleppo/",
    )
    .await;
    assert_eq!(text(client, "h1").await, "Alep");

    // A backlink leads to the exact mention in the article, scrolled into view.
    client
        .find(Locator::Css(".backlink a.to-mention:nth-of-type(2)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), "/depeche/fr/articles/alep-offensive-hts/");
    assert_eq!(url.fragment(), Some("m-aleppo-2"));
    assert_eq!(
        js(client, "return document.querySelector(':target').id").await,
        "m-aleppo-2"
    );
    let probe = "const r = document.querySelector(':target').getBoundingClientRect(); return [r.top, r.bottom, innerHeight, scrollY]";
    let start = Instant::now();
    loop {
        let v = js(client, probe).await;
        let n = |i: usize| v[i].as_f64().unwrap_or(-1.0);
        // Within a pixel: browsers place a scrolled-to inline element at fractional offsets.
        if n(0) >= -1.0 && n(1) <= n(2) + 1.0 && n(3) > 0.0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the mention is not scrolled into view: {v}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Switch language: the same article in English.
    follow(
        client,
        ".lang-switch a[lang=en]",
        "/depeche/en/articles/aleppo-offensive-hts/",
    )
    .await;
    assert_eq!(
        js(client, "return document.documentElement.lang").await,
        "en"
    );
    // Let the live-reload connection open before editing.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Edit the article on disk: the open page updates without a manual reload.
    let saved = Instant::now();
    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "title: Jihadists and rebels have taken control of most of Aleppo",
        "title: Jihadists and rebels have taken control of most of Aleppo (updated)",
    );
    loop {
        let title = js(
            client,
            "return document.querySelector('h1') ? document.querySelector('h1').textContent : ''",
        )
        .await;
        if title.as_str().is_some_and(|t| t.ends_with("(updated)")) {
            break;
        }
        assert!(
            saved.elapsed() < Duration::from_secs(15),
            "the page did not update after the edit"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!(
        "edit-to-visible in Chromium: {} ms",
        saved.elapsed().as_millis()
    );
    client.clone().close().await.unwrap();
}

/// Edit-to-visible latency on a large site, measured in Chromium. Run by hand on a corpus made
/// by `examples/gen_corpus.rs` (see docs/benchmarks.md):
/// `DEPECHE_BENCH_SITE=/tmp/corpus cargo test --release --test it browser:: -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: needs DEPECHE_BENCH_SITE"]
async fn edit_to_visible_latency_on_a_large_site() {
    let Ok(dir) = std::env::var("DEPECHE_BENCH_SITE") else {
        eprintln!("set DEPECHE_BENCH_SITE to a generated site");
        return;
    };
    let site = TestSite::at(Path::new(&dir));
    let server = serve(&site, &[]);
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = connect(profile.path()).await;
    let rel = "content/articles/a000500.en.md";
    let original = site.read(rel);
    let url = format!("http://127.0.0.1:{}/en/articles/a000500/", server.port);
    client.goto(&url).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut samples = Vec::new();
    for round in 0..7 {
        let marker = format!("Dispatch 500 (edit {round})");
        let edited: String = original
            .lines()
            .map(|l| {
                if l.starts_with("title: ") {
                    format!("title: {marker}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        site.write(rel, edited);
        let saved = Instant::now();
        loop {
            let title = js(&client, "return document.querySelector('h1') ? document.querySelector('h1').textContent : ''").await;
            if title.as_str() == Some(marker.as_str()) {
                break;
            }
            assert!(saved.elapsed() < Duration::from_secs(30), "no update");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        samples.push(saved.elapsed().as_millis());
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    site.write(rel, original);
    samples.sort_unstable();
    eprintln!(
        "edit-to-visible over {} edits: median {} ms, min {} ms, max {} ms",
        samples.len(),
        samples[samples.len() / 2],
        samples[0],
        samples[samples.len() - 1]
    );
    client.clone().close().await.unwrap();
}

/// A Chrome DevTools command, sent through ChromeDriver: how the test asks for dark mode and
/// a phone's viewport.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn cdp(client: &Client, cmd: &'static str, params: serde_json::Value) {
    client.issue_cmd(Cdp { cmd, params }).await.unwrap();
}

/// axe-core's script, from its npm package (`.ci/run` installs it under `target/axe`, or
/// `DEPECHE_TEST_AXE` names it).
fn axe_script() -> Option<String> {
    let path = std::env::var("DEPECHE_TEST_AXE").map_or_else(
        |_| repo().join("target/axe/node_modules/axe-core/axe.min.js"),
        std::path::PathBuf::from,
    );
    let script = std::fs::read_to_string(&path).ok();
    if script.is_none() {
        skip(&format!(
            "the accessibility test did not run: no {} (npm install --prefix target/axe axe-core)",
            path.display()
        ));
    }
    script
}

/// A page of each kind of the shipped site, named for its screenshots.
const KINDS_OF_PAGE: [(&str, &str); 13] = [
    ("home", "fr/"),
    ("article", "fr/articles/alep-offensive-hts/"),
    // The same with a mention's preview card open.
    ("article-card", "fr/articles/alep-offensive-hts/"),
    ("translation", "en/articles/aleppo-offensive-hts/"),
    ("entity", "fr/entities/hts/"),
    ("place", "en/entities/aleppo/"),
    ("entity-index", "fr/entities/"),
    ("search", "fr/search/?q=HTS"),
    ("timeline", "fr/timeline/"),
    ("timeline-en", "en/timeline/"),
    ("map", "fr/map/"),
    ("graph", "fr/graph/"),
    ("404", "fr/no-such-page/"),
];

/// Every kind of page, in light and dark, on a desktop and a 375 px phone: axe-core finds no
/// violation of any impact. Screenshots of each are written to `target/screenshots/` for
/// review.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_page_passes_axe_in_light_and_dark_on_desktop_and_phone() {
    let Some(axe) = axe_script() else {
        return;
    };
    let Some(session) = Session::shipped().await else {
        return;
    };
    let pages = KINDS_OF_PAGE;
    let mut found = audit(&session, &axe, &pages).await;
    session.client.clone().close().await.unwrap();
    // Right to left: the Arabic pages of the three-language fixture.
    let rtl = Session::open(TestSite::fixture("trilingual"), "/veille/")
        .await
        .unwrap();
    let pages = [
        ("rtl-home", "ar/"),
        ("rtl-article", "ar/articles/note-1/"),
        ("rtl-entity", "ar/entities/aleppo/"),
        ("rtl-search", "ar/search/?q=%D8%AD%D9%84%D8%A8"),
        ("rtl-map", "ar/map/"),
    ];
    found.extend(audit(&rtl, &axe, &pages).await);
    // A name finds its entity first in Arabic too.
    let results = search_results(&rtl.client, &format!("{}{}", rtl.base, pages[3].1)).await;
    assert_eq!(results[0].1, "/veille/ar/entities/aleppo/", "{results:?}");
    rtl.client.clone().close().await.unwrap();
    assert!(
        found.is_empty(),
        "accessibility violations:\n{}",
        found.join("\n")
    );
}

/// Runs axe on each page in light and dark, on a desktop and a 375 px phone, and checks that
/// the head names the feed and that nothing scrolls sideways: what is wrong, page by page.
async fn audit(session: &Session, axe: &str, pages: &[(&str, &str)]) -> Vec<String> {
    let (client, base) = (&session.client, &session.base);
    let shots = repo().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut found = Vec::new();
    for (scheme, mobile) in [
        ("light", false),
        ("dark", false),
        ("light", true),
        ("dark", true),
    ] {
        let media =
            serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]});
        cdp(client, "Emulation.setEmulatedMedia", media).await;
        let (width, height) = if mobile { (375, 812) } else { (1280, 900) };
        let metrics = serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile});
        cdp(client, "Emulation.setDeviceMetricsOverride", metrics).await;
        for &(name, path) in pages {
            client.goto(&format!("{base}{path}")).await.unwrap();
            in_state(client, name).await;
            client.execute(axe, vec![]).await.unwrap();
            let report = client
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     axe.run(document).then(r => done([r.passes.length, r.violations.map(v =>
                       [v.id, v.impact, v.nodes.map(n => n.target.join(' ')).join(', ')])]));",
                    vec![],
                )
                .await
                .unwrap();
            let device = if mobile { "phone" } else { "desktop" };
            assert!(
                report[0].as_u64().unwrap() > 10,
                "axe did not run on {name}: {report}"
            );
            for v in report[1].as_array().unwrap() {
                found.push(format!("{name} ({scheme}, {device}): {v}"));
            }
            // The language's feed is discoverable from the head of every page.
            let feed = js(
                client,
                "const l = document.head.querySelector('link[rel=alternate][type=\"application/atom+xml\"]'); return l ? l.href : ''",
            )
            .await;
            if !feed
                .as_str()
                .is_some_and(|f| f.starts_with(base.as_str()) && f.ends_with("atom.xml"))
            {
                found.push(format!("{name}: no feed in the head ({feed})"));
            }
            // No horizontal scroll on a phone.
            let overflow = sideways(client).await;
            if overflow > 0 {
                found.push(format!(
                    "{name} ({scheme}, {device}): scrolls sideways by {overflow} px"
                ));
            }
            let png = client.screenshot().await.unwrap();
            std::fs::write(shots.join(format!("{name}-{scheme}-{device}.png")), png).unwrap();
        }
    }
    // The narrowest phones: nothing scrolls sideways at 320 px either.
    let metrics =
        serde_json::json!({"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": true});
    cdp(client, "Emulation.setDeviceMetricsOverride", metrics).await;
    for &(name, path) in pages {
        client.goto(&format!("{base}{path}")).await.unwrap();
        let overflow = sideways(client).await;
        if overflow > 0 {
            found.push(format!(
                "{name} (320 px): scrolls sideways by {overflow} px"
            ));
        }
    }
    found
}

/// Puts the page on screen in the state its kind is named for: search results shown, or a
/// mention's preview card open.
async fn in_state(client: &Client, kind: &str) {
    match kind {
        "search" => search_results_shown(client).await,
        "article-card" => {
            js(
                client,
                "document.querySelector('a.mention[href$=\"/entities/hts/\"]').focus()",
            )
            .await;
            let start = Instant::now();
            let open =
                "const c = document.getElementById('entity-preview'); return !!c && !c.hidden";
            while js(client, open).await != true {
                assert!(start.elapsed() < Duration::from_secs(5), "no preview card");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        _ => {}
    }
}

/// Every page of the shipped site and of the three-language fixture, on a 375 px phone in
/// light mode (the kinds of page are audited in every mode above): axe-core finds nothing,
/// and nothing scrolls sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe() {
    let Some(axe) = axe_script() else {
        return;
    };
    let mut found = Vec::new();
    let mut audited = 0;
    for (site, sub_path) in [
        (TestSite::shipped(), "/depeche/"),
        (TestSite::fixture("trilingual"), "/veille/"),
    ] {
        let pages = pages_where(&site, |_| true);
        let Some(session) = Session::open(site, sub_path).await else {
            return;
        };
        let client = &session.client;
        viewport(client, 375, 812).await;
        for page in &pages {
            client
                .goto(&format!("{}{page}", session.base))
                .await
                .unwrap();
            client.execute(&axe, vec![]).await.unwrap();
            let report = client
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     axe.run(document).then(r => done(r.violations.map(v =>
                       [v.id, v.impact, v.nodes.map(n => n.target.join(' ')).join(', ')])));",
                    vec![],
                )
                .await
                .unwrap();
            for v in report.as_array().unwrap() {
                found.push(format!("{sub_path}{page}: {v}"));
            }
            let overflow = sideways(client).await;
            if overflow > 0 {
                found.push(format!(
                    "{sub_path}{page}: scrolls sideways by {overflow} px"
                ));
            }
            audited += 1;
        }
        session.client.clone().close().await.unwrap();
    }
    assert!(audited > 60, "only {audited} pages audited");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Shows pages `width` × `height` px, as a phone does below 768 px.
async fn viewport(client: &Client, width: u64, height: u64) {
    let metrics = serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768});
    cdp(client, "Emulation.setDeviceMetricsOverride", metrics).await;
}

/// How many pixels the page on screen scrolls sideways.
async fn sideways(client: &Client) -> i64 {
    js(
        client,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
    )
    .await
    .as_i64()
    .unwrap_or(0)
}

/// Waits until the search page on screen has shown its results.
async fn search_results_shown(client: &Client) {
    let start = Instant::now();
    while js(
        client,
        "return document.querySelectorAll('.search-results li').length",
    )
    .await
    .as_u64()
    .unwrap_or(0)
        == 0
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no search results"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// On a touch screen, a first tap on a mention opens its card and stays on the page; a second
/// tap follows the link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tap_opens_the_preview_and_a_second_tap_follows_the_mention() {
    let Some(session) = Session::shipped().await else {
        return;
    };
    let (client, base) = (&session.client, &session.base);
    let touch = serde_json::json!({"enabled": true, "maxTouchPoints": 1});
    cdp(client, "Emulation.setTouchEmulationEnabled", touch).await;
    let article = format!("{base}en/articles/aleppo-offensive-hts/");
    client.goto(&article).await.unwrap();
    let tap = || async {
        let at = js(
            client,
            "const a = document.querySelector('a.mention[href$=\"/entities/osdh/\"]'); a.scrollIntoView({block: 'center'}); const r = a.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]",
        )
        .await;
        let point = serde_json::json!([{"x": at[0], "y": at[1]}]);
        let start = serde_json::json!({"type": "touchStart", "touchPoints": point});
        cdp(client, "Input.dispatchTouchEvent", start).await;
        let end = serde_json::json!({"type": "touchEnd", "touchPoints": []});
        cdp(client, "Input.dispatchTouchEvent", end).await;
    };
    tap().await;
    let start = Instant::now();
    loop {
        let card = js(
            client,
            "const c = document.getElementById('entity-preview'); return c && !c.hidden ? c.textContent : ''",
        )
        .await;
        if card
            .as_str()
            .is_some_and(|t| t.starts_with("Syrian Observatory"))
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "a tap opens no card: {card}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(client.current_url().await.unwrap().as_str(), article);
    tap().await;
    let start = Instant::now();
    while client.current_url().await.unwrap().path() != "/depeche/en/entities/osdh/" {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "a second tap does not follow the link"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    client.clone().close().await.unwrap();
}

/// A card that would run off the bottom of the screen opens above its mention; a mouse
/// follows a mention at once even where the screen says it cannot hover (only a tap opens
/// the card first).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_stays_on_screen_and_a_mouse_follows_at_once() {
    let Some(session) = Session::shipped().await else {
        return;
    };
    let (client, base) = (&session.client, &session.base);
    let article = format!("{base}en/articles/aleppo-offensive-hts/");
    client.goto(&article).await.unwrap();
    js(
        client,
        "const all = document.querySelectorAll('.body a.mention[id^=m-]'); const a = all[all.length - 1]; window.low = a; a.scrollIntoView({block: 'end'}); a.focus({preventScroll: true}); return true",
    )
    .await;
    let start = Instant::now();
    loop {
        let placed = js(
            client,
            "const c = document.getElementById('entity-preview'); if (!c || c.hidden) return null; const a = window.low.getBoundingClientRect(); const r = c.getBoundingClientRect(); return [r.bottom <= innerHeight, r.bottom <= a.top]",
        )
        .await;
        if let Some(placed) = placed.as_array() {
            assert_eq!(
                placed,
                &vec![serde_json::Value::Bool(true); 2],
                "the card runs off the screen"
            );
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "no card");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let hover_none = serde_json::json!({"features": [{"name": "hover", "value": "none"}]});
    cdp(client, "Emulation.setEmulatedMedia", hover_none).await;
    client.goto(&article).await.unwrap();
    js(
        client,
        "document.querySelector('a.mention[href$=\"/entities/osdh/\"]').scrollIntoView({block: 'center'}); return true",
    )
    .await;
    client
        .find(Locator::Css("a.mention[href$='/entities/osdh/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let start = Instant::now();
    while client.current_url().await.unwrap().path() != "/depeche/en/entities/osdh/" {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "a click without hover did not follow the mention"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The pages of a built site that draw an SVG, as paths under its base.
fn pages_with_drawings(site: &TestSite) -> Vec<String> {
    pages_where(site, |html| html.contains("<svg"))
}

/// The pages of a built site whose HTML `keep` keeps, as paths under its base.
fn pages_where(site: &TestSite, keep: impl Fn(&str) -> bool) -> Vec<String> {
    site.build_ok(&[]);
    let public = site.path("public");
    let mut pages: Vec<String> = walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .filter(|e| std::fs::read_to_string(e.path()).is_ok_and(|html| keep(&html)))
        .map(|e| {
            let rel = e.path().strip_prefix(&public).unwrap().parent().unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.is_empty() {
                rel
            } else {
                format!("{rel}/")
            }
        })
        .collect();
    pages.sort();
    pages
}

/// What is wrong with the drawings of the page on screen: any text (shown) that overlaps
/// another text of its drawing, or lies outside it.
const DRAWING_PROBLEMS: &str = "
    const problems = [];
    for (const svg of document.querySelectorAll('svg')) {
      const frame = svg.getBoundingClientRect();
      if (frame.width === 0) continue;
      const texts = [...svg.querySelectorAll('text')]
        .filter(t => t.getClientRects().length > 0 && t.getBoundingClientRect().width > 0)
        .map(t => [t.textContent, t.getBoundingClientRect()]);
      for (const [name, r] of texts) {
        if (r.left < frame.left - 0.5 || r.right > frame.right + 0.5 ||
            r.top < frame.top - 0.5 || r.bottom > frame.bottom + 0.5) {
          problems.push(`\"${name}\" leaves its drawing`);
        }
      }
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          const [a, ra] = texts[i], [b, rb] = texts[j];
          const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
          const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
          if (w > 0.5 && h > 0.5) problems.push(`\"${a}\" overlaps \"${b}\"`);
        }
      }
    }
    return problems;";

/// On every page that draws something, of the shipped site, the three-language fixture and a
/// generated site, at 320, 375, 768 and 1280 px: no name covers another and none leaves its
/// drawing, nothing scrolls sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_drawing_has_a_name_over_another_or_outside_it_at_any_width() {
    let mut found = Vec::new();
    let mut checked = 0;
    for (site, sub_path) in [
        (TestSite::shipped(), "/depeche/"),
        (TestSite::fixture("trilingual"), "/veille/"),
        (TestSite::generated(), "/depeche/"),
    ] {
        let pages = pages_with_drawings(&site);
        assert!(!pages.is_empty());
        let Some(session) = Session::open(site, sub_path).await else {
            return;
        };
        let client = &session.client;
        for width in [320, 375, 768, 1280u64] {
            viewport(client, width, 900).await;
            for page in &pages {
                client
                    .goto(&format!("{}{page}", session.base))
                    .await
                    .unwrap();
                let problems = js(client, DRAWING_PROBLEMS).await;
                for p in problems.as_array().unwrap() {
                    found.push(format!(
                        "{sub_path}{page} at {width} px: {}",
                        p.as_str().unwrap()
                    ));
                }
                let overflow = sideways(client).await;
                if overflow > 0 {
                    found.push(format!(
                        "{sub_path}{page} at {width} px: scrolls sideways by {overflow} px"
                    ));
                }
                checked += 1;
            }
        }
        session.client.clone().close().await.unwrap();
    }
    assert!(checked > 40, "only {checked} pages checked");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Every kind of page of the shipped site at 320, 375, 768 and 1280 px, light and dark, and
/// printed, whole, in `target/screenshots/gallery/` (tests/README.md says how to look at
/// it); and the dispatch's first paragraph on the first screen of a 375 × 812 phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gallery_shows_every_kind_of_page_and_a_phone_starts_with_the_story() {
    let Some(session) = Session::shipped().await else {
        return;
    };
    let (client, base) = (&session.client, &session.base);
    viewport(client, 375, 812).await;
    for path in [
        "fr/articles/alep-offensive-hts/",
        "en/articles/aleppo-offensive-hts/",
    ] {
        client.goto(&format!("{base}{path}")).await.unwrap();
        let top = js(
            client,
            "return document.querySelector('.body p').getBoundingClientRect().bottom",
        )
        .await;
        assert!(
            top.as_f64().unwrap() < 812.0,
            "{path}: the first paragraph ends at {top} px"
        );
    }
    let gallery = repo().join("target/screenshots/gallery");
    std::fs::create_dir_all(&gallery).unwrap();
    let pages = KINDS_OF_PAGE;
    let mut modes: Vec<(&str, &str, u64)> = Vec::new();
    for width in [320, 375, 768, 1280] {
        modes.push(("screen", "light", width));
        modes.push(("screen", "dark", width));
    }
    modes.push(("print", "light", 1280));
    modes.push(("print", "dark", 1280));
    let mut written = 0;
    for (media, scheme, width) in modes {
        let emulated = serde_json::json!({"media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]});
        cdp(client, "Emulation.setEmulatedMedia", emulated).await;
        for (name, path) in pages {
            viewport(client, width, 900).await;
            client.goto(&format!("{base}{path}")).await.unwrap();
            in_state(client, name).await;
            // The whole page: the viewport as tall as the page, up to 12,000 px.
            let height = js(client, "return document.documentElement.scrollHeight").await;
            let height = height.as_u64().unwrap_or(900).clamp(300, 12_000);
            viewport(client, width, height).await;
            let png = client.screenshot().await.unwrap();
            let file = if media == "print" {
                format!("{name}-print-{scheme}.png")
            } else {
                format!("{name}-{width}-{scheme}.png")
            };
            std::fs::write(gallery.join(file), png).unwrap();
            written += 1;
        }
    }
    assert_eq!(written, KINDS_OF_PAGE.len() * 10);
    session.client.clone().close().await.unwrap();
}
