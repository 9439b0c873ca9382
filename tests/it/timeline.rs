//! The timeline: what the dispatch dates, in order, in both languages, each event attributed
//! to its source; an entity's own timeline on its page; and events checked like figures.

use crate::common::*;

/// (date as written, label, source) of each entry of a timeline page.
fn entries(site: &TestSite, rel: &str) -> Vec<(String, String, String)> {
    let doc = site.html(rel);
    select(&doc, "ol.timeline li")
        .iter()
        .map(|li| {
            let part = |css: &str| {
                let selector = scraper::Selector::parse(css).unwrap();
                li.select(&selector)
                    .next()
                    .map(|e| text(&e))
                    .unwrap_or_default()
            };
            (part("time"), part(".timeline-label"), part(".fact-meta"))
        })
        .collect()
}

#[test]
fn the_timeline_shows_what_the_dispatch_dates_in_order_with_its_sources() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let fr = entries(&site, "fr/timeline/index.html");
    let dates: Vec<&str> = fr.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        dates,
        [
            "2011",
            "2016",
            "mars 2020",
            "27 novembre 2024",
            "29 novembre 2024",
            "30 novembre 2024",
            "30 novembre 2024",
            "30 novembre 2024",
        ]
    );
    assert_eq!(fr[0].1, "La guerre civile éclate en Syrie");
    assert!(fr[2].1.contains("Moscou et Ankara"), "{:?}", fr[2]);
    // The dispatch's own statements, cited as a dispatch (its headline alone would read as
    // the combatants' words), then the OSDH's, which it quotes, as a sentence names it.
    assert_eq!(
        fr[3].2,
        "(selon la dépêche du 30 novembre 2024, «\u{a0}Djihadistes et rebelles ont pris le contrôle de la majeure partie d'Alep\u{a0}»)",
        "{:?}",
        fr[3]
    );
    assert_eq!(fr[5].2, "(selon l'OSDH)", "{:?}", fr[5]);
    // The last strikes before 2016 are the OSDH's claim, not the dispatch's.
    assert_eq!(fr[1].2, "(selon l'OSDH)", "{:?}", fr[1]);
    assert!(fr[6].1.contains("depuis 2016"), "{:?}", fr[6]);
    // The article itself, at its date, after the day's events.
    assert_eq!(
        fr[7].1,
        "Djihadistes et rebelles ont pris le contrôle de la majeure partie d'Alep"
    );

    let en = entries(&site, "en/timeline/index.html");
    let dates: Vec<&str> = en.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        &dates[..5],
        [
            "2011",
            "2016",
            "March 2020",
            "27 November 2024",
            "29 November 2024"
        ]
    );
    assert_eq!(
        en[4].1,
        "The jihadist fighters and their allies enter Aleppo"
    );
    assert_eq!(en[5].2, "(according to the SOHR)", "{:?}", en[5]);
    assert!(
        en[3]
            .2
            .starts_with("(according to the dispatch of 30 November 2024, “"),
        "{:?}",
        en[3]
    );
    // Every page links to the timeline.
    let home = site.html("en/index.html");
    assert!(
        select(&home, ".site-nav a")
            .iter()
            .any(|a| attr(a, "href") == "/depeche/en/timeline/")
    );
}

#[test]
fn an_entity_page_shows_the_events_that_involve_it() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let aleppo = entries(&site, "en/entities/aleppo/index.html");
    let labels: Vec<&str> = aleppo.iter().map(|e| e.1.as_str()).collect();
    assert!(labels.contains(&"Last Russian air strikes on Aleppo before those of November 2024"));
    assert!(labels.contains(&"The jihadist fighters and their allies enter Aleppo"));
    assert!(
        !labels.iter().any(|l| l.contains("ceasefire")),
        "{labels:?}"
    );
    // Moscow is in the 2020 ceasefire only.
    let moscow = entries(&site, "fr/entities/moscow/index.html");
    assert_eq!(moscow[0].0, "mars 2020");
}

#[test]
fn an_event_names_entities_of_the_site_and_has_a_date() {
    let site = TestSite::shipped();
    let article = "content/articles/alep-offensive-hts.fr.md";
    site.edit(
        article,
        "entities: [hts, aleppo]\n    source: osdh",
        "entities: [hts, alepo]\n    source: osdh",
    );
    let out = site.depeche(&["check"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`alepo` is not an entity of this site")
            && stderr.contains("did you mean `aleppo`?"),
        "{stderr}"
    );
    site.edit(article, "  - date: 2016\n", "  - date: 2016-13\n");
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("an event's date `2016-13` is not a date: there is no month 13"),
        "{stderr}"
    );
    // The prose footnotes that link to the article are not broken links on top of it.
    assert!(!stderr.contains("E0022"), "{stderr}");
    // The date and, independent of it, the unknown id: both in one run.
    assert!(stderr.contains("check failed: 2 errors"), "{stderr}");
    // At the value itself, not at the `events:` key.
    assert!(
        stderr.contains("alep-offensive-hts.fr.md:25:11"),
        "{stderr}"
    );
}

#[test]
fn an_event_entity_brings_its_own_events_with_itself_as_their_source() {
    let site = TestSite::shipped();
    let file = "content/entities/ceasefire-2020.yaml";
    let text = site.read(file);
    site.write(
        file,
        format!("{text}events:\n  - date: {{from: 2020-03-05, to: 2020-03-06}}\n    label: {{fr: Entrée en vigueur du cessez-le-feu, en: The ceasefire takes effect}}\n    entities: [idlib]\n"),
    );
    site.build_ok(&[]);
    let en = entries(&site, "en/timeline/index.html");
    let own = en
        .iter()
        .find(|e| e.1 == "The ceasefire takes effect")
        .unwrap_or_else(|| panic!("{en:?}"));
    assert_eq!(own.0, "5 March 2020 – 6 March 2020");
    assert!(own.2.contains("March 2020 ceasefire"), "{own:?}");
    // On the page of the entity it involves, and its own.
    let idlib = entries(&site, "en/entities/idlib/index.html");
    assert!(idlib.iter().any(|e| e.1 == "The ceasefire takes effect"));
    let ceasefire = entries(&site, "fr/entities/ceasefire-2020/index.html");
    assert!(
        ceasefire
            .iter()
            .any(|e| e.1 == "Entrée en vigueur du cessez-le-feu")
    );
}

/// Figures and events are the article's: written in the French file alone, with labels in
/// both languages, they reach the English version's figures box and timeline; written in both
/// the same way, they are shown once.
#[test]
fn facts_said_once_reach_every_version() {
    let site = TestSite::shipped();
    let fr = "content/articles/alep-offensive-hts.fr.md";
    let en = "content/articles/alep-offensive-hts.en.md";
    let english = site.read(en);
    let start = english.find("figures:\n").unwrap();
    let end = english.find("about:").unwrap();
    // The English file says no figure and no event of its own.
    site.write(en, format!("{}{}", &english[..start], &english[end..]));
    site.edit(
        fr,
        "events:\n",
        "events:\n  - date: 2024-11-28\n    label: {fr: \"Un événement déclaré une fois\", en: \"An event said once\"}\n    entities: [hts]\n",
    );
    let out = site.depeche(&["check", "--deny-warnings"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site.build_ok(&[]);
    let timeline = entries(&site, "en/timeline/index.html");
    let labels: Vec<&str> = timeline.iter().map(|e| e.1.as_str()).collect();
    assert!(labels.contains(&"An event said once"), "{labels:?}");
    assert!(
        labels.contains(&"HTS and allied rebel factions control most of Aleppo"),
        "{labels:?}"
    );
    // Each event once, though both versions link to the article.
    assert_eq!(
        labels
            .iter()
            .filter(|l| **l == "An event said once")
            .count(),
        1
    );
    let page = site.html("en/articles/aleppo-offensive-hts/index.html");
    let figures: Vec<String> = select(&page, ".figures li").iter().map(text).collect();
    assert_eq!(figures.len(), 5, "{figures:?}");
    assert!(figures[0].contains("dead in the offensive"), "{figures:?}");
    let hts = entries(&site, "en/entities/hts/index.html");
    assert!(hts.iter().any(|e| e.1 == "An event said once"), "{hts:?}");
}

/// The shipped article says its facts in both files, the same way: shown once each.
#[test]
fn facts_said_twice_the_same_way_are_shown_once() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let page = site.html("fr/articles/alep-offensive-hts/index.html");
    assert_eq!(select(&page, ".figures li").len(), 5);
    let timeline = entries(&site, "fr/timeline/index.html");
    let raids = timeline
        .iter()
        .filter(|e| e.1 == "Premiers raids russes sur Alep depuis 2016")
        .count();
    assert_eq!(raids, 1, "{timeline:?}");
}
