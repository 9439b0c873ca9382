//! An entity's neighbourhood on its page: each neighbour a link, relations labelled in the
//! page's language, a title and a description for assistive technology, at most twelve
//! neighbours with the rest counted.

use crate::common::*;

#[test]
fn the_hts_graph_links_its_relations_and_what_it_is_mentioned_with() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    for (lang, predecessor, leader) in [
        ("fr", "Prédécesseur", "Abou Mohammed al-Joulani"),
        ("en", "Predecessor", "Abu Mohammed al-Jolani"),
    ] {
        let doc = site.html(&format!("{lang}/entities/hts/index.html"));
        let svg = &select(&doc, "figure.graph svg")[0];
        assert_eq!(attr(svg, "role"), "group");
        assert!(!text(&select(&doc, "figure.graph svg title")[0]).is_empty());
        // The description names each neighbour in the page's language.
        let desc = text(&select(&doc, "figure.graph svg desc")[0]);
        assert!(desc.contains(leader), "{lang}: {desc}");
        let links: Vec<(String, String)> = select(&doc, "svg a.graph-node")
            .iter()
            .map(|a| (attr(a, "href"), text(a)))
            .collect();
        let al_qaida = format!("/depeche/{lang}/entities/al-qaida/");
        assert!(links.iter().any(|l| l.0 == al_qaida), "{lang}: {links:?}");
        let nusra = links
            .iter()
            .find(|l| l.0.ends_with("/entities/al-nusra-front/"))
            .unwrap_or_else(|| panic!("{lang}: {links:?}"));
        assert!(nusra.1.contains(predecessor), "{nusra:?}");
        // Twelve at most; the shipped HTS page has more neighbours, counted under the graph.
        assert!(links.len() <= 12);
        let hidden = select(&doc, "figure.graph figcaption");
        assert_eq!(hidden.is_empty(), links.len() < 12, "{lang}");
    }
}

#[test]
fn a_hub_shows_twelve_neighbours_relations_first_and_counts_the_rest() {
    let site = TestSite::shipped();
    let ids: Vec<String> = (1..=15).map(|n| format!("town-{n:02}")).collect();
    for id in &ids {
        site.write(
            &format!("content/entities/{id}.yaml"),
            format!(
                "type: place\nname: {{fr: {id}, en: {id}}}\nunverified: [wikidata, coordinates]\n"
            ),
        );
    }
    let mentions: String = ids.iter().map(|id| format!("[[{id}]] ")).collect();
    for lang in ["fr", "en"] {
        site.write(
            &format!("content/articles/towns.{lang}.md"),
            format!("---\ntitle: Towns\ndate: 2024-12-01\n---\n[[hts]] {mentions}\n"),
        );
    }
    site.build_ok(&[]);
    let doc = site.html("en/entities/hts/index.html");
    let links: Vec<String> = select(&doc, "svg a.graph-node")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(links.len(), 12);
    // Its four relations come first, from the top, clockwise.
    assert!(
        links[..4]
            .iter()
            .any(|l| l.ends_with("/entities/al-nusra-front/")),
        "{links:?}"
    );
    let caption = text(&select(&doc, "figure.graph figcaption")[0]);
    assert!(caption.starts_with(char::is_numeric), "{caption}");
    // Labels of neighbours never leave the drawing.
    for t in select(&doc, "svg a.graph-node text") {
        let x: f64 = attr(&t, "x").parse().unwrap();
        assert!((0.0..=820.0).contains(&x), "{x}");
    }
}

#[test]
fn the_site_graph_draws_the_most_mentioned_entities_as_links() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    for lang in ["fr", "en"] {
        let doc = site.html(&format!("{lang}/graph/index.html"));
        let links: Vec<String> = select(&doc, "svg a.graph-node")
            .iter()
            .map(|a| attr(a, "href"))
            .collect();
        assert_eq!(links.len(), 16, "{lang}");
        assert!(
            links
                .iter()
                .all(|l| l.starts_with(&format!("/depeche/{lang}/entities/")))
        );
        assert!(
            links.iter().any(|l| l.ends_with("/entities/hts/")),
            "{links:?}"
        );
        // Relations between them are solid lines, dispatches in common dashed.
        assert!(!select(&doc, "line.graph-edge:not(.co)").is_empty());
        assert!(!select(&doc, "line.graph-edge.co").is_empty());
        for t in select(&doc, "svg a.graph-node text") {
            let x: f64 = attr(&t, "x").parse().unwrap();
            assert!((0.0..=960.0).contains(&x), "{x}");
        }
        // The entity index leads to it.
        let index = site.html(&format!("{lang}/entities/index.html"));
        assert!(
            select(&index, "main a")
                .iter()
                .any(|a| attr(a, "href") == format!("/depeche/{lang}/graph/"))
        );
    }
}

/// A relation says when it held and who says so, in the infobox, in the drawing and in the
/// open data: one that ended reads as past everywhere.
#[test]
fn relations_carry_their_time_and_source_on_every_surface() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    for (lang, until, past_label) in [
        ("fr", "jusqu'au 29 janvier 2025", "(jusqu'en 2025)"),
        ("en", "until 29 January 2025", "(until 2025)"),
    ] {
        let doc = site.html(&format!("{lang}/entities/hts/index.html"));
        let items: Vec<_> = select(&doc, ".infobox li");
        let led = items
            .iter()
            .find(|li| text(li).contains("Jo"))
            .unwrap_or_else(|| panic!("{lang}: no leader in the infobox"));
        assert_eq!(attr(led, "class"), "past", "{lang}");
        assert!(text(led).contains(until), "{lang}: {}", text(led));
        assert!(text(led).contains("Saudi Gazette"), "{lang}: {}", text(led));
        // Held as of the dispatch, and sourced to it.
        let based = items
            .iter()
            .find(|li| text(li).contains("Id"))
            .unwrap_or_else(|| panic!("{lang}: no base in the infobox"));
        assert_eq!(attr(based, "class"), "", "{lang}");
        assert!(text(based).contains("2024"), "{lang}: {}", text(based));
        // The drawing says so, and draws the ended relations' lines as past.
        let details: Vec<String> = select(&doc, "svg .graph-detail").iter().map(text).collect();
        assert!(
            details.iter().any(|d| d.contains(past_label)),
            "{lang}: {details:?}"
        );
        assert!(
            !select(&doc, "svg line.graph-edge.past").is_empty(),
            "{lang}"
        );
    }
    let graph: serde_json::Value =
        serde_json::from_str(&site.read("public/data/graph.json")).unwrap();
    let hts = graph["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "hts")
        .unwrap();
    let led = hts["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "led_by")
        .unwrap();
    assert_eq!(led["until"], "2025-01-29");
    assert!(led["source"]["url"].as_str().is_some(), "{led}");
    let ld = site.read("public/data/graph.jsonld");
    assert!(
        ld.contains(r#""@type":"Role","endDate":"2025-01-29""#),
        "{ld}"
    );
}

/// An entity that ended says so on its page and in its data; and `check --suggest` proposes it
/// only for articles of its time.
#[test]
fn an_entity_that_ended_says_so_and_is_proposed_only_for_its_time() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    for (lang, until) in [
        ("fr", "jusqu'au 8 décembre 2024"),
        ("en", "until 8 December 2024"),
    ] {
        let doc = site.html(&format!("{lang}/entities/syrian-government/index.html"));
        let infobox = text(&select(&doc, ".infobox")[0]);
        assert!(infobox.contains(until), "{lang}: {infobox}");
        assert!(
            infobox.contains("Fall of the Assad regime"),
            "{lang}: {infobox}"
        );
        let ld = text(&select(&doc, r#"script[type="application/ld+json"]"#)[0]);
        assert!(
            ld.contains(r#""dissolutionDate":"2024-12-08""#),
            "{lang}: {ld}"
        );
    }
    let graph: serde_json::Value =
        serde_json::from_str(&site.read("public/data/graph.json")).unwrap();
    let government = graph["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "syrian-government")
        .unwrap();
    assert_eq!(government["lifespan"]["until"], "2024-12-08");

    let article = |date: &str| {
        format!(
            "---\ntitle: Après\ndate: {date}\n---\nLes forces gouvernementales avancent vers [[aleppo|Alep]].\n"
        )
    };
    let proposed = |date: &str| {
        site.write("content/articles/apres.fr.md", article(date));
        let out = site.depeche(&["check", "--suggest", "--format", "json"]);
        String::from_utf8_lossy(&out.stdout)
            .contains("[[syrian-government|forces gouvernementales]]")
    };
    assert!(proposed("2024-12-01"));
    assert!(!proposed("2025-03-01"));
}
