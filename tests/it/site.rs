//! Builds the shipped site into a temp dir and checks the HTML it writes.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;
use scraper::Html;

const BASE: &str = "https://user.github.io/aleppo/";
const PREFIX: &str = "/aleppo/";

fn built() -> TestSite {
    let site = TestSite::shipped();
    site.build_ok(&["--base-url", BASE]);
    site
}

#[test]
fn writes_every_page_in_both_languages() {
    let site = built();
    for rel in [
        "index.html",
        "404.html",
        "sitemap.xml",
        ".nojekyll",
        "style.css",
        "fr/index.html",
        "en/index.html",
        "fr/articles/alep-offensive-hts/index.html",
        "en/articles/aleppo-offensive-hts/index.html",
        "fr/entities/index.html",
        "en/entities/index.html",
    ] {
        assert!(
            site.path(&format!("public/{rel}")).is_file(),
            "missing {rel}"
        );
    }
    for id in [
        "hts", "osdh", "aleppo", "idlib", "syria", "russia", "turkey", "iran", "al-qaida",
    ] {
        for lang in ["fr", "en"] {
            let rel = format!("{lang}/entities/{id}/index.html");
            let doc = site.html(&rel);
            let html = &select(&doc, "html")[0];
            assert_eq!(attr(html, "lang"), lang, "{rel}");
            assert_eq!(attr(html, "dir"), "ltr", "{rel}");
        }
    }
    // static/ is copied byte for byte, its stylesheets minified.
    let bytes = |p: &std::path::Path| std::fs::read(p).unwrap();
    assert_eq!(
        bytes(&site.path("public/share.png")),
        bytes(&site.path("static/share.png"))
    );
    assert!(site.public("style.css").len() < site.read("static/style.css").len());
}

/// Follows every internal link and asset of every page: each must resolve to a file of the
/// output under the sub-path, and each fragment to an element id in that file.
#[test]
fn every_internal_link_resolves_under_the_sub_path() {
    let site = built();
    let files = snapshot(&site.path("public"));
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut docs = Vec::new();
    for (rel, bytes) in &files {
        if rel.ends_with(".html") {
            let doc = Html::parse_document(std::str::from_utf8(bytes).unwrap());
            let set = select(&doc, "[id]").iter().map(|e| attr(e, "id")).collect();
            ids.insert(rel.clone(), set);
            docs.push((rel.clone(), doc));
        }
    }
    let mut checked = 0;
    for (rel, doc) in &docs {
        for el in select(doc, "[href], [src]") {
            let url = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if url.starts_with("https://") && !url.starts_with(BASE) {
                continue; // external references (Wikidata, OpenStreetMap)
            }
            if let Some(fragment) = url.strip_prefix('#') {
                assert!(ids[rel].contains(fragment), "{rel}: no element #{fragment}");
                continue;
            }
            let url = url.strip_prefix("https://user.github.io").unwrap_or(url);
            let local = url
                .strip_prefix(PREFIX)
                .unwrap_or_else(|| panic!("{rel}: link {url} escapes the sub-path {PREFIX}"));
            let (path, fragment) = local.split_once('#').unwrap_or((local, ""));
            let target = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            assert!(
                files.contains_key(&target),
                "{rel}: {url} → {target} does not exist"
            );
            if !fragment.is_empty() {
                assert!(
                    ids.get(&target).is_some_and(|s| s.contains(fragment)),
                    "{rel}: {url} → no element #{fragment} in {target}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

fn body_paragraphs(doc: &Html) -> Vec<String> {
    select(doc, "article.article .body p")
        .iter()
        .map(text)
        .collect()
}

#[test]
fn french_text_is_the_dispatch_word_for_word() {
    let site = built();
    let seed =
        std::fs::read_to_string(repo().join("tests/data/dispatch-2024-11-30.fr.txt")).unwrap();
    let mut paragraphs: Vec<&str> = seed
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let title = paragraphs.remove(0).strip_prefix("date 2024-11 ").unwrap();
    let caption = paragraphs.remove(2);
    assert!(caption.ends_with("AP Photo/Ghaith Alsayed"));

    let doc = site.html("fr/articles/alep-offensive-hts/index.html");
    assert_eq!(text(&select(&doc, "article.article h1")[0]), title);
    assert_eq!(body_paragraphs(&doc), paragraphs);
    let credit = text(&select(&doc, ".credit")[0]);
    assert!(credit.ends_with(caption), "{credit}");
    assert_eq!(
        text(&select(&doc, "article.article time")[0]),
        "30 novembre 2024"
    );
}

#[test]
fn english_translation_keeps_every_figure_and_the_same_annotations() {
    let site = built();
    let en = site.html("en/articles/aleppo-offensive-hts/index.html");
    let fr = site.html("fr/articles/alep-offensive-hts/index.html");
    let body = body_paragraphs(&en).join("\n");
    for fact in [
        "risen to 311",
        "183",
        "100 soldiers",
        "28 civilians",
        "four civilians",
        "since 2016",
        "in 2011",
        "in 2015",
        "March 2020",
        "Wednesday 27 November",
        "Saturday 30 November",
        "half a million",
        "Hayat Tahrir al-Sham",
        "Syrian Observatory for Human Rights",
    ] {
        assert!(body.contains(fact), "English text lacks {fact:?}");
    }
    assert_eq!(
        text(&select(&en, "article.article time")[0]),
        "30 November 2024"
    );
    let mentioned = |doc: &Html| -> Vec<(String, usize)> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for a in select(doc, ".mention") {
            *counts.entry(mentioned_entity(&a)).or_default() += 1;
        }
        counts.into_iter().collect()
    };
    assert_eq!(mentioned(&en), mentioned(&fr));
    assert!(mentioned(&fr).len() >= 12);
}

#[test]
fn annotations_link_to_entity_pages_in_the_same_language() {
    let site = built();
    let doc = site.html("fr/articles/alep-offensive-hts/index.html");
    let mentions = select(&doc, ".mention");
    assert!(mentions.len() > 30);
    // The first mention of each entity links to its page; every one keeps its anchor.
    let mut linked = BTreeSet::new();
    for m in &mentions {
        let id = mentioned_entity(m);
        let is_link = m.value().name() == "a";
        assert_eq!(
            is_link,
            linked.insert(id.clone()),
            "{id}: only its first mention is a link"
        );
        if is_link {
            assert_eq!(attr(m, "href"), format!("{PREFIX}fr/entities/{id}/"));
        }
    }
    assert_eq!(select(&doc, "a.mention").len(), linked.len());
    // A link whose words do not name the entity says which it is.
    let ong = select(&doc, "a.mention[href$='/entities/osdh/']");
    assert_eq!(text(&ong[0]), "ONG");
    assert_eq!(
        attr(&ong[0], "aria-label"),
        "ONG (Observatoire syrien des droits de l'homme)"
    );
    let aleppo = select(&doc, "a.mention[href$='/entities/aleppo/']");
    assert_eq!(attr(&aleppo[0], "aria-label"), "");
    // Entities mentioned, grouped by type.
    let groups: Vec<String> = select(&doc, "aside.mentioned h3")
        .iter()
        .map(text)
        .collect();
    assert_eq!(groups, ["Organisations", "Lieux", "Événements"]);
}

#[test]
fn backlinks_quote_the_sentence_and_point_at_the_mention() {
    let site = built();
    for (lang, slug, id) in [
        ("fr", "alep-offensive-hts", "aleppo"),
        ("en", "aleppo-offensive-hts", "osdh"),
    ] {
        let doc = site.html(&format!("{lang}/entities/{id}/index.html"));
        let article = site.html(&format!("{lang}/articles/{slug}/index.html"));
        let article_text = body_paragraphs(&article).join(" ");
        let items = select(&doc, ".backlink a.to-mention");
        let in_article: Vec<_> = select(&article, ".mention")
            .into_iter()
            .filter(|m| mentioned_entity(m) == id)
            .collect();
        // Every mention is marked once, in order; a sentence with two is quoted once.
        let mut n = 0;
        for item in &items {
            // The quote is the link.
            assert_eq!(
                attr(item, "href"),
                format!("{PREFIX}{lang}/articles/{slug}/#m-{id}-{}", n + 1)
            );
            let quote = text(&select_in(item, "blockquote")[0]);
            let quote = quote.trim_start_matches('…').trim_end_matches('…');
            assert!(
                article_text.contains(quote),
                "{quote:?} is not a sentence of the article"
            );
            for mark in select_in(item, "mark") {
                assert_eq!(text(&mark), text(&in_article[n]));
                n += 1;
            }
        }
        assert_eq!(n, in_article.len(), "every mention of {id} is marked");
    }
    // "Syrian Observatory for Human Rights (SOHR)": one quote, two marks.
    let osdh = site.html("en/entities/osdh/index.html");
    let twice: Vec<_> = select(&osdh, ".backlink blockquote")
        .into_iter()
        .filter(|q| select_in(q, "mark").len() == 2)
        .collect();
    assert_eq!(twice.len(), 1);
    assert!(text(&twice[0]).contains("Syrian Observatory for Human Rights (SOHR)"));
    let doc = site.html("fr/entities/aleppo/index.html");
    let first = text(&select(&doc, ".backlink blockquote")[0]);
    assert!(
        first.starts_with("Les djihadistes et leurs alliés ont pris"),
        "{first}"
    );
    assert!(first.ends_with("depuis 2016."), "{first}");
}

#[test]
fn entity_pages_show_facts_relations_and_co_mentions() {
    let site = built();
    let doc = site.html("en/entities/aleppo/index.html");
    assert_eq!(text(&select(&doc, "h1")[0]), "Aleppo");
    // The type is said once, above the name, not again in the infobox.
    assert_eq!(text(&select(&doc, ".kind")[0]), "Place");
    let info = text(&select(&doc, ".infobox")[0]);
    assert!(!info.contains("Place"), "{info}");
    for fact in [
        "Halab",
        "Q41183",
        "36.2° N, 37.16° E",
        "Located in:",
        "Syria",
    ] {
        assert!(info.contains(fact), "infobox lacks {fact}: {info}");
    }
    // French writes a decimal comma (and O for west).
    let fr = site.html("fr/entities/aleppo/index.html");
    let info_fr = text(&select(&fr, ".infobox")[0]);
    assert!(info_fr.contains("36,2° N, 37,16° E"), "{info_fr}");
    let wikidata = select(&doc, ".infobox a[href^='https://www.wikidata.org/wiki/']");
    assert_eq!(
        attr(&wikidata[0], "href"),
        "https://www.wikidata.org/wiki/Q41183"
    );
    assert!(text(&select(&doc, ".prose")[0]).contains("second city"));
    let co: Vec<String> = select(&doc, ".ties a").iter().map(text).collect();
    assert!(co.contains(&"Hayat Tahrir al-Sham".to_string()), "{co:?}");
    // The French page is the same entity in French, and each links to the other.
    let fr = site.html("fr/entities/aleppo/index.html");
    assert_eq!(text(&select(&fr, "h1")[0]), "Alep");
    let switch = select(&fr, ".lang-switch a");
    assert_eq!(
        attr(&switch[0], "href"),
        format!("{PREFIX}en/entities/aleppo/")
    );
}

#[test]
fn every_page_declares_its_translations() {
    let site = built();
    let doc = site.html("en/articles/aleppo-offensive-hts/index.html");
    let alternates: Vec<(String, String)> = select(&doc, "link[rel=alternate][hreflang]")
        .iter()
        .map(|l| (attr(l, "hreflang"), attr(l, "href")))
        .collect();
    assert_eq!(
        alternates,
        [
            (
                "en".into(),
                format!("{BASE}en/articles/aleppo-offensive-hts/")
            ),
            (
                "fr".into(),
                format!("{BASE}fr/articles/alep-offensive-hts/")
            ),
            (
                "x-default".into(),
                format!("{BASE}fr/articles/alep-offensive-hts/")
            ),
        ]
    );
    let translations = select(&doc, "aside.translations a");
    assert_eq!(
        attr(&translations[0], "href"),
        format!("{PREFIX}fr/articles/alep-offensive-hts/")
    );

    let sitemap = site.public("sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE}fr/articles/alep-offensive-hts/</loc>")));
    assert!(sitemap.contains(&format!("<loc>{BASE}en/entities/hts/</loc>")));
    assert!(!sitemap.contains("404.html"));
}

#[test]
fn root_serves_the_default_language_and_offers_the_others() {
    let site = built();
    let doc = site.html("index.html");
    assert_eq!(attr(&select(&doc, "html")[0], "lang"), "fr");
    let teaser = select(&doc, ".teaser h2 a");
    assert_eq!(
        attr(&teaser[0], "href"),
        format!("{PREFIX}fr/articles/alep-offensive-hts/")
    );
    let offer = select(&doc, ".also-in a");
    assert_eq!(attr(&offer[0], "href"), format!("{PREFIX}en/"));
    let home = site.html("en/index.html");
    let summary = text(&select(&home, ".teaser p:not(.meta)")[0]);
    assert!(
        summary.starts_with("Jihadists and their allies"),
        "{summary}"
    );
}

#[test]
fn pages_are_minified_self_contained_and_reproducible() {
    let site = built();
    let first = published(&site.path("public"));
    site.build_ok(&["--base-url", BASE]);
    let second = published(&site.path("public"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (rel, bytes) in &first {
        assert!(bytes == &second[rel], "{rel} differs between two builds");
        if rel.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            assert!(!html.contains("\n  <"), "{rel} is not minified");
            let doc = Html::parse_document(&html);
            for el in select(
                &doc,
                "script[src], link[rel=stylesheet], link[rel=preload], img, iframe",
            ) {
                let url = el
                    .value()
                    .attr("src")
                    .or(el.value().attr("href"))
                    .unwrap_or_default();
                assert!(url.starts_with(PREFIX), "{rel} loads {url} from elsewhere");
            }
            // Structured data, and deferred scripts of the site's own: one that adds preview
            // cards to mentions, which are plain links without it, and on search pages the
            // one that searches (the form leads to the entity index without it).
            let own = |s: &scraper::ElementRef, name: &str| {
                attr(s, "src") == format!("{PREFIX}{name}") && s.value().attr("defer").is_some()
            };
            let search_page = rel.ends_with("/search/index.html");
            let scripts = select(&doc, "script");
            assert!(
                scripts
                    .iter()
                    .all(|s| attr(s, "type") == "application/ld+json"
                        || own(s, "previews.js")
                        || (search_page && own(s, "search.js"))),
                "{rel} runs a script"
            );
        }
    }
}

#[test]
fn base_url_comes_from_site_yaml_unless_overridden() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let doc = site.html("fr/index.html");
    let css = &select(&doc, "link[rel=stylesheet]")[0];
    assert_eq!(attr(css, "href"), "/depeche/style.css");
    // `--base-url` wins over site.yaml, down to the sitemap's absolute addresses.
    site.build_ok(&["--base-url", "https://example.org/veille/"]);
    let doc = site.html("fr/index.html");
    let css = &select(&doc, "link[rel=stylesheet]")[0];
    assert_eq!(attr(css, "href"), "/veille/style.css");
    let sitemap = site.public("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.org/veille/fr/</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("depeche.github.io"), "{sitemap}");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TestSite::shipped();
    site.write(
        "content/articles/brouillon.fr.md",
        "---\ntitle: Brouillon\ndate: 2024-12-01\ndraft: true\n---\nÀ [[aleppo]].\n",
    );
    site.build_ok(&[]);
    assert!(!site.path("public/fr/articles/brouillon").exists());
    assert!(
        !site
            .public("fr/entities/aleppo/index.html")
            .contains("Brouillon")
    );
    // Shown, the draft is not said to be left out.
    let out = site.depeche(&["build", "--drafts"]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("W0007"), "{said}");
    assert!(
        site.path("public/fr/articles/brouillon/index.html")
            .is_file()
    );
    assert!(
        site.public("fr/entities/aleppo/index.html")
            .contains("Brouillon")
    );
}

/// The schema.org data of a page about its subject (not its trail from the home), parsed.
fn json_ld(site: &TestSite, rel: &str) -> serde_json::Value {
    let doc = site.html(rel);
    let scripts: Vec<serde_json::Value> = select(&doc, "script[type=\"application/ld+json\"]")
        .iter()
        .map(|s| serde_json::from_str(&s.inner_html()).unwrap_or_else(|e| panic!("{rel}: {e}")))
        .filter(|d: &serde_json::Value| d["@type"] != "BreadcrumbList")
        .collect();
    assert_eq!(scripts.len(), 1, "{rel}");
    scripts[0].clone()
}

/// Whose copy an article reproduces, under what terms, from where, by whom, and who
/// translated it: in the header a reader sees and in the JSON-LD; an old `source:` for the
/// agency is an error that says its new name.
#[test]
fn an_article_says_where_its_copy_comes_from() {
    let site = TestSite::shipped();
    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "original_language: fr\n",
        "original_language: fr\nagency: Agence X\nrights: © Agence X, all rights reserved\ndateline: BEIRUT\nbyline: A. Reporter\n",
    );
    site.build_ok(&[]);
    let page = "en/articles/aleppo-offensive-hts/index.html";
    let doc = site.html(page);
    let header = text(&select(&doc, ".article header")[0]);
    for shown in [
        "Agency: Agence X",
        "© Agence X, all rights reserved",
        "BEIRUT",
        "by A. Reporter",
        "Translated by the Annotated dispatches desk",
    ] {
        assert!(header.contains(shown), "{shown:?} not in {header:?}");
    }
    let ld = json_ld(&site, page);
    assert_eq!(ld["sourceOrganization"]["name"], "Agence X");
    assert_eq!(ld["copyrightNotice"], "© Agence X, all rights reserved");
    assert_eq!(ld["dateline"], "BEIRUT");
    assert_eq!(ld["author"]["name"], "A. Reporter");
    assert_eq!(ld["translator"]["name"], "the Annotated dispatches desk");
    // What search engines show for a news article.
    assert!(
        ld["description"].as_str().is_some_and(|d| d.len() > 40),
        "{ld}"
    );
    assert_eq!(ld["mainEntityOfPage"]["@id"], ld["url"]);
    assert!(
        ld["image"]
            .as_str()
            .is_some_and(|i| i.ends_with("/share.png")),
        "{ld}"
    );

    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "agency: Agence",
        "source: Agence",
    );
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`source` is now `agency`"), "{stderr}");
    assert!(stderr.contains("alep-offensive-hts.en.md:6:1"), "{stderr}");
}

/// Every article and entity page describes itself to search engines: a NewsArticle with its
/// publisher, dates, language, the versions it translates or is translated into, and the
/// entities it is about and mentions, tied to Wikidata; an entity by its type, with its place.
#[test]
fn every_page_carries_structured_data_that_links_the_graph() {
    let site = TestSite::shipped();
    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "original_language: fr\n",
        "original_language: fr\nagency: osdh\n",
    );
    site.build_ok(&["--base-url", BASE]);
    let fr = json_ld(&site, "fr/articles/alep-offensive-hts/index.html");
    let en = json_ld(&site, "en/articles/aleppo-offensive-hts/index.html");
    let fr_url = format!("{BASE}fr/articles/alep-offensive-hts/");
    let en_url = format!("{BASE}en/articles/aleppo-offensive-hts/");
    for (doc, lang, url) in [(&fr, "fr", &fr_url), (&en, "en", &en_url)] {
        assert_eq!(doc["@type"], "NewsArticle");
        assert_eq!(doc["inLanguage"], lang);
        assert_eq!(doc["url"], url.as_str());
        assert_eq!(doc["datePublished"], "2024-11-30");
        assert_eq!(doc["publisher"]["@type"], "Organization");
        assert!(doc["headline"].as_str().is_some_and(|h| h.contains("Alep")));
        // Each entity once: under `about` if the article is about it, else under `mentions`.
        let about = doc["about"].as_array().unwrap();
        let mentions: Vec<&serde_json::Value> = about
            .iter()
            .chain(doc["mentions"].as_array().unwrap())
            .collect();
        assert!(mentions.len() >= 12);
        let urls: std::collections::BTreeSet<&str> = mentions
            .iter()
            .map(|m| m["url"].as_str().unwrap())
            .collect();
        assert_eq!(urls.len(), mentions.len(), "an entity described twice");
        for m in &mentions {
            assert!(
                m["url"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{BASE}{lang}/entities/"))
            );
        }
        let aleppo = mentions
            .iter()
            .find(|m| m["url"].as_str().unwrap().ends_with("/entities/aleppo/"))
            .unwrap();
        assert_eq!(aleppo["sameAs"], "http://www.wikidata.org/entity/Q41183");
        assert!(!about.is_empty());
    }
    assert_eq!(en["translationOfWork"]["@id"], fr_url.as_str());
    assert_eq!(fr["workTranslation"][0]["@id"], en_url.as_str());
    assert_eq!(en["dateModified"], "2026-11-26");
    assert_eq!(
        fr["sourceOrganization"]["url"],
        format!("{BASE}fr/entities/osdh/")
    );

    let aleppo = json_ld(&site, "en/entities/aleppo/index.html");
    assert_eq!(aleppo["@type"], "Place");
    assert_eq!(aleppo["sameAs"], "http://www.wikidata.org/entity/Q41183");
    assert_eq!(aleppo["geo"]["latitude"], 36.2);
    assert_eq!(aleppo["geo"]["longitude"], 37.16);
    let osdh = json_ld(&site, "fr/entities/osdh/index.html");
    assert_eq!(osdh["@type"], "Organization");
    assert_eq!(osdh["url"], format!("{BASE}fr/entities/osdh/"));
    assert!(osdh["description"].as_str().is_some());
}

/// A translation says so, in its own language, and links to the original; the figures the
/// dispatch reports are shown with their source, and listed on the source's page.
#[test]
fn provenance_and_figures_are_shown_and_attributed() {
    let site = built();
    let en = site.html("en/articles/aleppo-offensive-hts/index.html");
    let note = text(&select(&en, ".translation-note")[0]);
    assert!(note.starts_with("Translation of the original:"), "{note}");
    let link = &select(&en, ".translation-note a")[0];
    assert_eq!(
        attr(link, "href"),
        format!("{PREFIX}fr/articles/alep-offensive-hts/")
    );
    assert_eq!(attr(link, "lang"), "fr");
    assert!(
        select(
            &site.html("fr/articles/alep-offensive-hts/index.html"),
            ".translation-note"
        )
        .is_empty()
    );
    let figures: Vec<String> = select(&en, ".figures li").iter().map(text).collect();
    assert_eq!(figures.len(), 5, "{figures:?}");
    assert!(
        figures[0].starts_with(
            "311 dead in the offensive (according to Syrian Observatory for Human Rights"
        ),
        "{figures:?}"
    );
    assert!(
        figures[4].contains("according to Syrian government media"),
        "{figures:?}"
    );
    assert!(text(&select(&en, ".credit")[0]).starts_with("Photo (not reproduced):"));
    let osdh = site.html("fr/entities/osdh/index.html");
    let reported: Vec<String> = select(&osdh, ".reported li").iter().map(text).collect();
    assert_eq!(reported.len(), 4, "{reported:?}");
    assert!(
        reported.iter().any(|r| r.starts_with("311")),
        "{reported:?}"
    );
    // Designations held at one time and not at another: said only as dated, sourced facts.
    for (lang, dated) in [("fr", "8 juillet 2025"), ("en", "8 July 2025")] {
        let hts = site.html(&format!("{lang}/entities/hts/index.html"));
        let facts: Vec<String> = select(&hts, ".facts dd").iter().map(text).collect();
        let designation = facts
            .iter()
            .find(|f| f.contains("2025") && f.contains("UPI"))
            .unwrap_or_else(|| panic!("{lang}: {facts:?}"));
        assert!(designation.contains(dated), "{lang}: {designation}");
    }
    // Every entity page dates its description.
    for entry in std::fs::read_dir(site.path("public/en/entities")).unwrap() {
        let page = entry.unwrap().path().join("index.html");
        if page.is_file() {
            let doc = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
            let as_of = select(&doc, ".as-of time");
            assert!(
                !as_of.is_empty(),
                "{} has no date on its description",
                page.display()
            );
        }
    }
}

/// `link_every_mention: true` makes every mention a link, as before sections were counted.
#[test]
fn every_mention_can_be_a_link() {
    let site = TestSite::shipped();
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}link_every_mention: true\n"));
    site.build_ok(&[]);
    let doc = site.html("fr/articles/alep-offensive-hts/index.html");
    assert_eq!(
        select(&doc, "a.mention").len(),
        select(&doc, ".mention").len()
    );
    assert!(select(&doc, "span.mention").is_empty());
}

/// French typography in the site's own French (not the dispatch, which stays as filed): a
/// non-breaking space before `:` and a narrow one before `;`, `!` and `?`, and inside « ».
#[test]
fn our_french_follows_french_typography() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<(String, String)> = Vec::new();
    let strings = std::fs::read_to_string(repo.join("templates/i18n/fr.yaml")).unwrap();
    let strings: serde_yaml::Value = serde_yaml::from_str(&strings).unwrap();
    let mut stack = vec![("templates/i18n/fr.yaml".to_string(), &strings)];
    while let Some((at, node)) = stack.pop() {
        match node {
            serde_yaml::Value::String(s) => texts.push((at, s.clone())),
            serde_yaml::Value::Mapping(m) => stack.extend(m.values().map(|v| (at.clone(), v))),
            serde_yaml::Value::Sequence(v) => stack.extend(v.iter().map(|v| (at.clone(), v))),
            _ => {}
        }
    }
    for entry in std::fs::read_dir(repo.join("content/entities")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        if name.ends_with(".fr.md") {
            texts.push((name, text));
        } else if name.ends_with(".yaml") {
            let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            if let Some(fr) = value["description"]["fr"].as_str() {
                texts.push((name, fr.to_string()));
            }
        }
    }
    for (file, text) in texts {
        for bad in [" :", " ;", " !", " ?", "« ", " »"] {
            assert!(
                !text.contains(bad),
                "{file}: `{bad}` with a breaking space in {text:?}"
            );
        }
    }
}

/// What link previews and search engines read: a description of at most 160 characters on
/// every page kind, Open Graph and Twitter card tags, an x-default that agrees with the
/// canonical addresses, a date for every sitemap address, robots.txt, an icon and a manifest
/// under the sub-path.
#[test]
fn every_page_describes_itself_for_sharing_and_search() {
    let site = built();
    for rel in [
        "index.html",
        "fr/index.html",
        "en/entities/index.html",
        "fr/articles/alep-offensive-hts/index.html",
        "en/entities/hts/index.html",
    ] {
        let doc = site.html(rel);
        let meta = |css: &str| select(&doc, css).first().map(|m| attr(m, "content"));
        let description =
            meta("meta[name=description]").unwrap_or_else(|| panic!("{rel}: no description"));
        assert!(description.chars().count() <= 160, "{rel}: {description}");
        assert_eq!(
            meta("meta[property=\"og:description\"]").as_deref(),
            Some(description.as_str())
        );
        let canonical = attr(&select(&doc, "link[rel=canonical]")[0], "href");
        assert_eq!(meta("meta[property=\"og:url\"]"), Some(canonical));
        assert!(meta("meta[property=\"og:title\"]").is_some_and(|t| !t.is_empty()));
        assert!(meta("meta[property=\"og:locale\"]").is_some_and(|l| l == "fr_FR" || l == "en_GB"));
        // The article has no photo of its own: every page shows the site's image.
        assert_eq!(
            meta("meta[property=\"og:image\"]").as_deref(),
            Some(format!("{BASE}share.png").as_str()),
            "{rel}"
        );
        assert!(meta("meta[property=\"og:image:alt\"]").is_some_and(|a| !a.is_empty()));
        assert_eq!(
            meta("meta[name=\"twitter:card\"]").as_deref(),
            Some("summary_large_image")
        );
        assert_eq!(
            attr(&select(&doc, "link[rel=icon]")[0], "href"),
            format!("{PREFIX}favicon.svg")
        );
        assert_eq!(
            attr(&select(&doc, "link[rel=manifest]")[0], "href"),
            format!("{PREFIX}site.webmanifest")
        );
    }
    let article = site.html("fr/articles/alep-offensive-hts/index.html");
    let long = select(&article, "meta[name=description]");
    assert!(
        attr(&long[0], "content").ends_with('…'),
        "cut at a word, marked"
    );
    let root = site.html("index.html");
    let x_default = &select(&root, "link[hreflang=x-default]")[0];
    assert_eq!(attr(x_default, "href"), format!("{BASE}fr/"));
    assert_eq!(
        attr(&select(&root, "link[rel=canonical]")[0], "href"),
        format!("{BASE}fr/")
    );
    let sitemap = site.public("sitemap.xml");
    assert_eq!(
        sitemap.matches("<url>").count(),
        sitemap.matches("<lastmod>").count()
    );
    // An article's last change is its `updated:` day, as its JSON-LD and feed say.
    let english = sitemap
        .split("<url>")
        .find(|u| {
            u.contains(&format!(
                "<loc>{BASE}en/articles/aleppo-offensive-hts/</loc>"
            ))
        })
        .unwrap();
    assert!(
        english.contains("<lastmod>2026-11-26</lastmod>"),
        "{english}"
    );
    assert_eq!(
        site.public("robots.txt"),
        format!("User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n")
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&site.public("site.webmanifest")).unwrap();
    assert_eq!(manifest["start_url"], format!("{PREFIX}fr/"));
    assert_eq!(manifest["icons"][0]["src"], format!("{PREFIX}favicon.svg"));
    assert!(site.path("public/favicon.svg").is_file());
    assert!(site.path("public/share.png").is_file());
}

/// The share image must be a file the site publishes.
#[test]
fn a_share_image_that_is_not_in_static_is_refused_where_it_is_named() {
    let site = TestSite::shipped();
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        config.replace("share_image: share.png", "share_image: card.png"),
    );
    let out = site.depeche(&["build"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("share_image `card.png` is not a file in static/"),
        "{stderr}"
    );
    assert!(stderr.contains("site.yaml:8:"), "{stderr}");
}

/// The story starts the page: the caption of a photo the site does not show comes after the
/// text; printed, the page says where it lives; a sentence quoted with its own quotation
/// marks gets none added; the graph says in words what a relation is from the other end.
#[test]
fn pages_read_as_a_news_desk_would_have_them() {
    let site = built();
    let page = site.public("en/articles/aleppo-offensive-hts/index.html");
    let body = page.find("class=body").unwrap();
    let credit = page.find("class=credit").unwrap();
    assert!(
        body < credit,
        "the unshown photo's caption comes before the text"
    );
    let doc = site.html("en/articles/aleppo-offensive-hts/index.html");
    let printed = text(&select(&doc, ".article header .print-only")[0]);
    assert!(
        printed.ends_with("/en/articles/aleppo-offensive-hts/"),
        "{printed}"
    );

    let hts = site.html("en/entities/hts/index.html");
    let quotes = select(&hts, ".backlink blockquote");
    assert!(!quotes.is_empty());
    for quote in quotes {
        let opens_quoted = text(&quote).starts_with('"');
        assert_eq!(
            quote.value().classes().any(|c| c == "quoted"),
            opens_quoted,
            "{}",
            text(&quote)
        );
    }
    let details: Vec<String> = select(&hts, ".ties .tie-relation")
        .iter()
        .map(text)
        .collect();
    // The offensive `led_by: hts`, al-Jolani `member_of: hts`, read from HTS's side.
    assert!(details.iter().any(|d| d == "Leads:"), "{details:?}");
    assert!(
        details.iter().any(|d| d.contains("Member (until 2025)")),
        "{details:?}"
    );
    assert!(!details.iter().any(|d| d.contains('←')), "{details:?}");

    // The home page says what the site is, and how to search it.
    let home = json_ld(&site, "en/index.html");
    assert_eq!(home["@type"], "WebSite");
    assert_eq!(home["inLanguage"], "en");
    let target = home["potentialAction"]["target"]["urlTemplate"]
        .as_str()
        .unwrap();
    assert!(target.ends_with("/en/search/?q={query}"), "{target}");
}

/// The stylesheet is published minified, and says each thing once: no rule block (a selector
/// in one at-rule) twice, no at-rule block twice.
#[test]
fn the_stylesheet_is_minified_and_says_each_thing_once() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let source = site.read("static/style.css");
    let published = site.public("style.css");
    assert!(!published.contains("/*"), "comments left in");
    assert!(
        published.len() * 10 < source.len() * 8,
        "{} of {} bytes",
        published.len(),
        source.len()
    );
    assert!(published.contains(".ties"), "rules kept");
    // Blocks by their context: the at-rules around them, then their own selector.
    let mut seen: Vec<(Vec<String>, String)> = Vec::new();
    let mut context: Vec<String> = Vec::new();
    let mut pending = String::new();
    let mut comment = false;
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        if comment {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                comment = false;
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                comment = true;
            }
            '{' => {
                let head = pending.split_whitespace().collect::<Vec<_>>().join(" ");
                pending.clear();
                let key = (context.clone(), head.clone());
                assert!(!seen.contains(&key), "`{head}` twice in {context:?}");
                seen.push(key);
                context.push(head);
            }
            '}' => {
                context.pop();
                pending.clear();
            }
            ';' if context.is_empty() => pending.clear(),
            _ => pending.push(c),
        }
    }
    assert!(seen.len() > 100, "{} blocks read", seen.len());
}

/// English dates are written as the site writes them ("30 November 2024"), nowhere in US
/// order ("November 30, 2024"): on every page and feed, in the text and in its attributes.
#[test]
fn english_dates_are_day_month_year_everywhere() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let public = site.path("public");
    let mut read = 0;
    for entry in walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("html" | "xml" | "json") => std::fs::read_to_string(path).unwrap(),
            _ => continue,
        };
        read += 1;
        for month in months {
            for (at, _) in text.match_indices(&format!("{month} ")) {
                let rest = &text[at + month.len() + 1..];
                let digits = rest.chars().take_while(char::is_ascii_digit).count();
                let us = (1..=2).contains(&digits) && rest[digits..].starts_with(", ");
                assert!(!us, "{}: {}", path.display(), &text[at..at + 20]);
            }
        }
    }
    assert!(read > 50);
}
