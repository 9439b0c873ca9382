//! End to end in a real browser (headless Chromium driven over WebDriver): open the home page
//! under the sub-path, follow an annotation to its entity page, follow a backlink to the exact
//! spot in the article, switch language, then edit the article on disk and watch the open page
//! update by itself. Skipped, saying so, where Chromium or ChromeDriver is not installed;
//! `.ci/run` installs both.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::server::serve;
use common::*;
use fantoccini::{Client, ClientBuilder, Locator};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
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
    let port = free_port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reader_journey_and_live_reload_in_chromium() {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        eprintln!(
            "skipping the browser test: {CHROMIUM} or {CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)"
        );
        return;
    }
    let site = TestSite::shipped();
    let server = serve(&site, &[]);
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = connect(profile.path()).await;
    let base = format!("http://127.0.0.1:{}/depeche/", server.port);

    // Home page under the sub-path, then the article.
    client.goto(&base).await.unwrap();
    assert_eq!(
        js(&client, "return document.documentElement.lang").await,
        "fr"
    );
    client
        .find(Locator::Css(".teaser h2 a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/depeche/fr/articles/alep-offensive-hts/"
    );

    // An annotation leads to its entity page.
    client
        .find(Locator::Css("a.mention[data-entity=aleppo]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/depeche/fr/entities/aleppo/"
    );
    assert_eq!(text(&client, "h1").await, "Alep");

    // A backlink leads to the exact mention in the article, scrolled into view.
    client
        .find(Locator::Css(".backlink li:nth-child(2) a.to-mention"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), "/depeche/fr/articles/alep-offensive-hts/");
    assert_eq!(url.fragment(), Some("m-aleppo-2"));
    assert_eq!(
        js(&client, "return document.querySelector(':target').id").await,
        "m-aleppo-2"
    );
    let probe = "const r = document.querySelector(':target').getBoundingClientRect(); return [r.top, r.bottom, innerHeight, scrollY]";
    let start = Instant::now();
    loop {
        let v = js(&client, probe).await;
        let n = |i: usize| v[i].as_f64().unwrap_or(-1.0);
        if n(0) >= 0.0 && n(1) <= n(2) && n(3) > 0.0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the mention is not scrolled into view: {v}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Switch language: the same article in English.
    client
        .find(Locator::Css(".lang-switch a[lang=en]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/depeche/en/articles/aleppo-offensive-hts/"
    );
    assert_eq!(
        js(&client, "return document.documentElement.lang").await,
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
            &client,
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
    client.close().await.unwrap();
}
