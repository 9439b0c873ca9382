//! Nothing assumes two languages: a fixture with French, English and right-to-left Arabic.

use crate::common::*;

fn built() -> TestSite {
    let site = TestSite::fixture("trilingual");
    site.build_ok(&[]);
    site
}

#[test]
fn arabic_pages_are_right_to_left_with_their_own_strings() {
    let site = built();
    let doc = site.html("ar/articles/note-1/index.html");
    let html = &select(&doc, "html")[0];
    assert_eq!(attr(html, "lang"), "ar");
    assert_eq!(attr(html, "dir"), "rtl");
    assert_eq!(text(&select(&doc, "time")[0]), "21 نوفمبر 2024");
    let mention = &select(&doc, "a.mention[href$='/entities/aleppo/']")[0];
    assert_eq!(attr(mention, "href"), "/veille/ar/entities/aleppo/");
    assert_eq!(
        text(&select(&doc, "a.mention[href$='/entities/hts/']")[0]),
        "هيئة تحرير الشام"
    );
    // Keys the Arabic file lacks fall back to English rather than failing.
    assert_eq!(text(&select(&doc, ".skip")[0]), "Skip to content");
    let home = site.html("ar/index.html");
    assert_eq!(text(&select(&home, "h1")[0]), "آخر الأخبار");
}

#[test]
fn switcher_and_hreflang_cover_every_language() {
    let site = built();
    let doc = site.html("fr/articles/note-1/index.html");
    let hreflangs: Vec<String> = select(&doc, "link[rel=alternate][hreflang]")
        .iter()
        .map(|l| attr(l, "hreflang"))
        .collect();
    assert_eq!(hreflangs, ["ar", "en", "fr", "x-default"]);
    let switch: Vec<(String, String, String)> = select(&doc, ".lang-switch a")
        .iter()
        .map(|a| (attr(a, "lang"), attr(a, "dir"), attr(a, "href")))
        .collect();
    assert_eq!(
        switch,
        [
            (
                "en".into(),
                "ltr".into(),
                "/veille/en/articles/note-1/".into()
            ),
            (
                "ar".into(),
                "rtl".into(),
                "/veille/ar/articles/note-1/".into()
            ),
        ]
    );
    // Note 2 has no Arabic version: the switcher falls back to the Arabic home page.
    let doc = site.html("fr/articles/note-2/index.html");
    let ar = &select(&doc, ".lang-switch a[lang=ar]")[0];
    assert_eq!(attr(ar, "href"), "/veille/ar/");
    let hreflangs: Vec<String> = select(&doc, "link[rel=alternate][hreflang]")
        .iter()
        .map(|l| attr(l, "hreflang"))
        .collect();
    assert_eq!(hreflangs, ["en", "fr", "x-default"]);
}

#[test]
fn backlinks_are_paginated() {
    let site = built();
    // Three French articles mention Aleppo, two per page.
    let first = site.html("fr/entities/aleppo/index.html");
    let second = site.html("fr/entities/aleppo/page/2/index.html");
    assert_eq!(select(&first, ".backlink").len(), 2);
    assert_eq!(select(&second, ".backlink").len(), 1);
    assert_eq!(
        text(&select(&first, ".backlinks h2 .count")[0]),
        "(3 dépêches)"
    );
    let next = &select(&first, ".pagination a[rel=next]")[0];
    assert_eq!(attr(next, "href"), "/veille/fr/entities/aleppo/page/2/");
    let prev = &select(&second, ".pagination a[rel=prev]")[0];
    assert_eq!(attr(prev, "href"), "/veille/fr/entities/aleppo/");
    // Newest first: note 3 (27 November) leads.
    assert!(text(&select(&first, ".backlink h3")[0]).contains("Note 3"));
    // Arabic has a single article, so a single page.
    assert!(!site.path("public/ar/entities/aleppo/page/2").exists());
    // Two mentions of Aleppo in one article: two quotes under one backlink.
    assert_eq!(
        select(&first, ".backlink")[0]
            .select(&scraper::Selector::parse("a.to-mention blockquote").unwrap())
            .count(),
        2
    );
}

/// Every language's version is in the sitemap; which versions translate each other, the pages
/// say in their heads (`switcher_and_hreflang_cover_every_language`), and the sitemap does not
/// say again.
#[test]
fn sitemap_lists_every_languages_version() {
    let site = built();
    let sitemap = site.public("sitemap.xml");
    for lang in ["fr", "en", "ar"] {
        assert!(sitemap.contains(&format!(
            "<loc>https://example.org/veille/{lang}/articles/note-1/</loc>"
        )));
    }
    assert!(!sitemap.contains("hreflang"), "{sitemap}");
    let not_found = site.html("404.html");
    let sections: Vec<String> = select(&not_found, "main section")
        .iter()
        .map(|s| attr(s, "dir"))
        .collect();
    assert_eq!(sections, ["ltr", "ltr", "rtl"]);
    // One heading for the page, the other languages' under it; the site's name leads home.
    assert_eq!(select(&not_found, "h1").len(), 1);
    assert_eq!(select(&not_found, "main h2").len(), 2);
    assert_eq!(
        attr(&select(&not_found, ".site-header a.site-title")[0], "href"),
        "/veille/fr/"
    );
}

#[test]
fn home_pages_are_paginated() {
    let site = TestSite::fixture("trilingual");
    site.edit(
        "site.yaml",
        "backlinks_per_page: 2",
        "backlinks_per_page: 2\narticles_per_page: 2",
    );
    site.build_ok(&[]);
    let first = site.html("fr/index.html");
    let second = site.html("fr/page/2/index.html");
    assert_eq!(select(&first, ".teaser").len(), 2);
    assert_eq!(select(&second, ".teaser").len(), 1);
    assert!(
        text(&select(&second, ".teaser h2")[0]).contains("Note 1"),
        "oldest last"
    );
    assert_eq!(
        attr(&select(&first, ".pagination a[rel=next]")[0], "href"),
        "/veille/fr/page/2/"
    );
    assert_eq!(
        attr(&select(&second, ".pagination a[rel=prev]")[0], "href"),
        "/veille/fr/"
    );
    // Arabic has one article: one page, and no alternate for page 2.
    assert!(!site.path("public/ar/page/2").exists());
    let hreflangs: Vec<String> = select(&second, "link[rel=alternate][hreflang]")
        .iter()
        .map(|l| attr(l, "hreflang"))
        .collect();
    assert_eq!(hreflangs, ["fr", "en", "x-default"]);
}
