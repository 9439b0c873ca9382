//! Atom feeds per language and per entity: valid Atom, found from every page.

use crate::common::*;

const BASE: &str = "https://user.github.io/aleppo/";
const ATOM: &str = "http://www.w3.org/2005/Atom";

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|c| c.has_tag_name((ATOM, name)))
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", node.tag_name().name()))
}

fn is_rfc3339(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

/// Checks one feed and returns its entries' links.
fn check_feed(site: &TestSite, rel: &str, lang: &str, alternate: &str) -> Vec<String> {
    let text = site.public(rel);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "{rel}");
    assert_eq!(
        feed.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some(lang)
    );
    let id = child(feed, "id").text().unwrap();
    assert_eq!(id, format!("{BASE}{rel}"));
    let links: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "link")))
        .collect();
    assert!(
        links
            .iter()
            .any(|l| l.attribute("rel") == Some("self") && l.attribute("href") == Some(id))
    );
    assert!(links.iter().any(|l| l.attribute("rel") == Some("alternate")
        && l.attribute("href") == Some(&format!("{BASE}{alternate}"))));
    let updated = child(feed, "updated").text().unwrap();
    assert!(is_rfc3339(updated));
    assert!(!updated.starts_with("1970"), "{rel}: {updated}");
    // Links in entries are the site's root-relative ones: the feed says what they are under.
    assert_eq!(
        feed.attribute(("http://www.w3.org/XML/1998/namespace", "base")),
        Some(format!("{BASE}{alternate}").as_str())
    );
    assert!(
        !child(child(feed, "author"), "name")
            .text()
            .unwrap()
            .is_empty()
    );
    let mut urls = Vec::new();
    for entry in feed.children().filter(|c| c.has_tag_name((ATOM, "entry"))) {
        let url = child(entry, "id").text().unwrap().to_string();
        assert!(url.starts_with(&format!("{BASE}{lang}/articles/")), "{url}");
        assert_eq!(child(entry, "link").attribute("href"), Some(url.as_str()));
        assert!(!child(entry, "title").text().unwrap().is_empty());
        assert!(is_rfc3339(child(entry, "published").text().unwrap()));
        assert!(is_rfc3339(child(entry, "updated").text().unwrap()));
        assert!(!child(entry, "summary").text().unwrap().is_empty());
        let content = child(entry, "content");
        if rel.contains("/entities/") {
            // An entity's feed quotes the sentences that name it, the entity marked, each
            // with the link to its mention.
            assert_eq!(content.attribute("type"), Some("xhtml"));
            let div = content.first_element_child().unwrap();
            assert!(div.has_tag_name(("http://www.w3.org/1999/xhtml", "div")));
            let quotes: Vec<_> = div.children().filter(|c| c.is_element()).collect();
            assert!(!quotes.is_empty(), "{rel}");
            for quote in quotes {
                assert!(quote.has_tag_name(("http://www.w3.org/1999/xhtml", "blockquote")));
                let cite = quote.attribute("cite").unwrap();
                assert!(cite.starts_with(&format!("{url}#m-")), "{cite}");
                assert!(
                    quote
                        .descendants()
                        .any(|n| n.has_tag_name(("http://www.w3.org/1999/xhtml", "strong")))
                );
            }
        } else {
            assert_eq!(content.attribute("type"), Some("html"));
            let html = content.text().unwrap();
            assert!(html.contains("<p>"), "the whole article, as HTML");
            // Without what serves the site's own page only.
            assert!(!html.contains("id=\"m-"), "{html}");
        }
        urls.push(url);
    }
    urls
}

#[test]
fn feeds_per_language_and_per_entity_are_valid_atom() {
    let site = TestSite::shipped();
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}time_zone: \"+01:00\"\n"));
    site.build_ok(&["--base-url", BASE]);
    let fr = check_feed(&site, "fr/atom.xml", "fr", "fr/");
    assert_eq!(fr, [format!("{BASE}fr/articles/alep-offensive-hts/")]);
    let en = check_feed(&site, "en/atom.xml", "en", "en/");
    assert_eq!(en, [format!("{BASE}en/articles/aleppo-offensive-hts/")]);
    let hts = check_feed(&site, "en/entities/hts/atom.xml", "en", "en/entities/hts/");
    assert_eq!(hts, en);
    // A day without a time is midnight in the site's zone.
    assert!(
        site.public("fr/atom.xml")
            .contains("<published>2024-11-30T00:00:00+01:00</published>")
    );
    // An entity no article mentions has an empty, valid feed.
    assert!(
        check_feed(
            &site,
            "fr/entities/turkey/atom.xml",
            "fr",
            "fr/entities/turkey/"
        )
        .is_empty()
    );

    // Found from every page's head, and from an entity page's text.
    let doc = site.html("fr/articles/alep-offensive-hts/index.html");
    let heads = select(&doc, "link[rel=alternate][type=\"application/atom+xml\"]");
    assert_eq!(attr(&heads[0], "href"), "/aleppo/fr/atom.xml");
    let entity = site.html("en/entities/hts/index.html");
    let feeds: Vec<String> = select(&entity, "link[type=\"application/atom+xml\"]")
        .iter()
        .map(|l| attr(l, "href"))
        .collect();
    assert!(
        feeds.contains(&"/aleppo/en/entities/hts/atom.xml".to_string()),
        "{feeds:?}"
    );
    let follow = &select(&entity, ".follow a")[0];
    assert_eq!(attr(follow, "href"), "/aleppo/en/entities/hts/atom.xml");
}

#[test]
fn a_time_zone_that_is_not_an_offset_is_refused() {
    let site = TestSite::frozen();
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}time_zone: Europe/Paris\n"));
    let out = site.depeche(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`Europe/Paris` is not a UTC offset"));
}
