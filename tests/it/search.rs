//! The search index and pages: one Pagefind bundle per language under the sub-path, a search
//! page whose form leads to the entity index without JavaScript, kept current by `serve`,
//! and none of it for a site that turns it off. (Queries run in Chromium: `browser.rs`.)

use std::time::{Duration, Instant};

use crate::common::*;
use depeche::incremental::Session;
use depeche::site::Options;

#[test]
fn each_language_has_its_own_index_and_a_search_page_that_works_without_javascript() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    for (lang, other) in [("fr", "en"), ("en", "fr")] {
        let entry: serde_json::Value =
            serde_json::from_str(&site.public(&format!("{lang}/pagefind/pagefind-entry.json")))
                .unwrap();
        let languages = entry["languages"].as_object().unwrap();
        assert_eq!(
            languages.keys().collect::<Vec<_>>(),
            [lang],
            "{lang}: {entry}"
        );
        // Every article and entity of the language (both articles, 22 entities).
        let pages = languages[lang]["page_count"].as_u64().unwrap();
        let entities = std::fs::read_dir(site.path(&format!("public/{lang}/entities")))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_dir())
            .count() as u64;
        assert_eq!(pages, entities + 1, "{lang}: {entry}");
        assert!(
            site.path(&format!("public/{lang}/pagefind/pagefind.js"))
                .is_file()
        );
        // Pagefind's own interfaces are not published: the site has its own.
        assert!(
            !site
                .path(&format!("public/{lang}/pagefind/pagefind-ui.js"))
                .exists()
        );

        let page = site.html(&format!("{lang}/search/index.html"));
        let form = &select(&page, "form[role=search]")[0];
        assert_eq!(attr(form, "action"), format!("/depeche/{lang}/entities/"));
        // GET, the default (which the minifier leaves out).
        assert!(["", "get"].contains(&attr(form, "method").as_str()));
        assert_eq!(
            attr(form, "data-pagefind"),
            format!("/depeche/{lang}/pagefind/pagefind.js")
        );
        let label = &select(&page, "label[for=search-q]")[0];
        assert!(!text(label).is_empty());
        assert_eq!(attr(&select(&page, "#search-q")[0], "name"), "q");
        let fallback = &select(&page, "noscript")[0];
        assert!(
            fallback
                .inner_html()
                .contains(&format!("/depeche/{lang}/entities/")),
            "{}",
            fallback.inner_html()
        );
        assert_eq!(
            attr(&select(&page, "meta[name=robots]")[0], "content"),
            "noindex"
        );
        // Every page's navigation leads to its language's search page.
        let home = site.html(&format!("{lang}/index.html"));
        assert!(
            select(&home, ".site-nav a")
                .iter()
                .any(|a| attr(a, "href") == format!("/depeche/{lang}/search/")),
            "{lang}: no link to the search page"
        );
        assert!(
            !site
                .public(&format!("{lang}/search/index.html"))
                .contains(&format!("/{other}/pagefind/"))
        );
    }
    // Not for search engines.
    assert!(!site.public("sitemap.xml").contains("/search/"));
}

#[test]
fn a_site_can_go_without_search() {
    let site = TestSite::shipped();
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}build_search_index: false\n"));
    site.build_ok(&[]);
    for lang in ["fr", "en"] {
        assert!(!site.path(&format!("public/{lang}/pagefind")).exists());
        assert!(!site.path(&format!("public/{lang}/search")).exists());
        let home = site.public(&format!("{lang}/index.html"));
        assert!(
            !home.contains("/search/"),
            "{lang}: a link to no search page"
        );
    }
}

#[test]
fn serve_publishes_the_index_again_after_an_edit_as_a_full_build_makes_it() {
    let site = TestSite::shipped();
    let options = Options {
        root: site.root().to_path_buf(),
        ..Options::default()
    };
    let mut session = Session::start(&options, usize::MAX).unwrap();
    let entry = |session: &Session| {
        String::from_utf8(
            session
                .page("en/pagefind/pagefind-entry.json")
                .unwrap()
                .unwrap()
                .to_vec(),
        )
        .unwrap()
    };
    let before = entry(&session);
    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "title: Jihadists and rebels have taken control of most of Aleppo",
        "title: Jihadists and rebels have taken control of most of Aleppo, says a monitor",
    );
    let update = session
        .update(&[site.path("content/articles/alep-offensive-hts.en.md")])
        .unwrap();
    assert!(!update.full, "an edited article is rebuilt alone");
    // Published in the background: pages are served at once, the index a moment later.
    let start = Instant::now();
    while entry(&session) == before {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the index was not published again"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The same index a full build makes from the edited site.
    let full = Session::start(&options, usize::MAX).unwrap();
    assert_eq!(entry(&session), entry(&full));
    let fresh: serde_json::Value = serde_json::from_str(&entry(&full)).unwrap();
    let meta = format!(
        "en/pagefind/pagefind.{}.pf_meta",
        fresh["languages"]["en"]["hash"].as_str().unwrap()
    );
    assert_eq!(
        session.page(&meta).unwrap().unwrap(),
        full.page(&meta).unwrap().unwrap()
    );
}
