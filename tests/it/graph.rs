//! Who an entity is linked to: on its page, each neighbour once, as a link with its relations
//! in words and the dispatches in common; on the site's graph page, an arc diagram of the
//! entities and their relations that reads whole at 320 px.

use crate::common::*;

#[test]
fn the_hts_page_lists_each_neighbour_once_with_its_relations_in_words() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    for (lang, predecessor, leader, headquarters) in [
        (
            "fr",
            "Prédécesseur",
            "Abou Mohammed al-Joulani",
            "Siège\u{a0}:",
        ),
        ("en", "Predecessor", "Abu Mohammed al-Jolani", "Based in:"),
    ] {
        let doc = site.html(&format!("{lang}/entities/hts/index.html"));
        // One view of the neighbourhood: no drawing of it, no second list.
        assert!(select(&doc, "figure.graph").is_empty(), "{lang}");
        assert!(select(&doc, ".co-mentions").is_empty(), "{lang}");
        let items: Vec<(String, String)> = select(&doc, ".ties li")
            .iter()
            .map(|li| (attr(&select_in(li, "a")[0], "href"), text(li)))
            .collect();
        let mut hrefs: Vec<&String> = items.iter().map(|i| &i.0).collect();
        hrefs.sort();
        hrefs.dedup();
        assert_eq!(
            hrefs.len(),
            items.len(),
            "{lang}: a neighbour twice: {items:?}"
        );
        let al_qaida = format!("/depeche/{lang}/entities/al-qaida/");
        assert!(items.iter().any(|i| i.0 == al_qaida), "{lang}: {items:?}");
        // Every entity the dispatch names with it, not the first ten by id; a related one
        // with its count too.
        for id in ["osdh", "syria", "russia", "united-kingdom", "idlib"] {
            let item = items
                .iter()
                .find(|i| i.0.ends_with(&format!("/entities/{id}/")))
                .unwrap_or_else(|| panic!("{lang}: no {id} in {items:?}"));
            assert!(item.1.contains(" 1 "), "{lang}: {item:?}");
        }
        // A relation is said before the name, as in the infobox: "Based in: Idlib".
        let idlib = items
            .iter()
            .find(|i| i.0.ends_with("/entities/idlib/"))
            .unwrap();
        assert!(idlib.1.trim_start().starts_with(headquarters), "{idlib:?}");
        let nusra = items
            .iter()
            .find(|i| i.0.ends_with("/entities/al-nusra-front/"))
            .unwrap_or_else(|| panic!("{lang}: {items:?}"));
        assert!(nusra.1.contains(predecessor), "{nusra:?}");
        assert!(
            items.iter().any(|i| i.1.contains(leader)),
            "{lang}: {items:?}"
        );
        // Related neighbours first.
        let related: Vec<bool> = select(&doc, ".ties li")
            .iter()
            .map(|li| !select_in(li, ".tie-relation").is_empty())
            .collect();
        assert!(
            related.windows(2).all(|w| w[0] || !w[1]),
            "{lang}: {related:?}"
        );
        // One dispatch: every neighbour shares it, and bars would say nothing.
        assert!(select(&doc, ".ties .bar").is_empty(), "{lang}");
        // The feed link is out of the way between the title and the standfirst.
        assert!(select(&doc, "header .follow").is_empty(), "{lang}");
        assert_eq!(select(&doc, ".backlinks .follow a").len(), 1, "{lang}");
    }
}

#[test]
fn bars_show_which_neighbours_share_more_dispatches() {
    let site = TestSite::shipped();
    for id in ["hub", "town-a", "town-b"] {
        site.write(
            &format!("content/entities/{id}.yaml"),
            format!(
                "type: place\nname: {{fr: {id}, en: {id}}}\nunverified: [wikidata, coordinates]\n"
            ),
        );
    }
    for (n, mentions) in [(1, "[[town-a]] [[town-b]]"), (2, "[[town-a]]")] {
        for lang in ["fr", "en"] {
            site.write(
                &format!("content/articles/towns-{n}.{lang}.md"),
                format!("---\ntitle: Towns {n}\ndate: 2024-12-0{n}\n---\n[[hub]] {mentions}\n"),
            );
        }
    }
    site.build_ok(&[]);
    let doc = site.html("en/entities/hub/index.html");
    let bar = |id: &str| -> String {
        let li = select(&doc, ".ties li")
            .into_iter()
            .find(|li| attr(&select_in(li, "a")[0], "href").ends_with(&format!("/{id}/")))
            .unwrap_or_else(|| panic!("no {id}"));
        let text = text(&li);
        assert!(text.contains("in common"), "{text}");
        attr(&select_in(&li, ".bar")[0], "class")
    };
    assert_eq!(bar("town-a"), "bar bar-5");
    assert_eq!(bar("town-b"), "bar bar-3");
}

#[test]
fn the_site_graph_draws_linked_entities_in_rows_that_fit_a_phone() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    for lang in ["fr", "en"] {
        let doc = site.html(&format!("{lang}/graph/index.html"));
        let svg = &select(&doc, "figure.graph svg")[0];
        // Drawn at its own size, which a 320 px phone holds.
        let width: f64 = attr(svg, "width").parse().unwrap();
        assert!(width <= 320.0, "{width}");
        let rows: Vec<(String, f64, String, String)> = select(&doc, "svg a.graph-node")
            .iter()
            .map(|a| {
                let circle = &select_in(a, "circle")[0];
                (
                    attr(a, "href"),
                    attr(circle, "cy").parse().unwrap(),
                    text(&select_in(a, "title")[0]),
                    text(&select_in(a, "text")[0]),
                )
            })
            .collect();
        assert!(rows.len() >= 10, "{lang}: {rows:?}");
        assert!(
            rows.iter()
                .all(|r| r.0.starts_with(&format!("/depeche/{lang}/entities/")))
        );
        assert!(rows.iter().any(|r| r.0.ends_with("/entities/hts/")));
        // Long names are cut at a word, and whole in the title.
        for (_, _, name, label) in &rows {
            let label = label.split(['·']).next().unwrap_or_default();
            assert!(label.chars().count() < 60, "{label}");
            if name.chars().count() > 27 {
                assert!(
                    !name.contains(label.trim()) || label.contains('…'),
                    "{name}: {label}"
                );
            }
        }
        // Relations are solid arcs; one dispatch cannot tell pairs apart, so no line stands
        // for dispatches in common, and the caption says why.
        let arcs: Vec<String> = select(&doc, "path.graph-edge")
            .iter()
            .map(|p| attr(p, "d"))
            .collect();
        assert!(!select(&doc, "path.graph-edge:not(.co)").is_empty());
        assert!(select(&doc, "path.graph-edge.co").is_empty());
        // Every entity drawn has a link drawn to it: an arc ends at its row.
        for (href, y, _, _) in &rows {
            let ends = |d: &String| {
                d.split(['M', 'A', ' '])
                    .filter_map(|n| n.parse::<f64>().ok())
                    .any(|n| (n - y).abs() < 0.01)
            };
            assert!(arcs.iter().any(ends), "{lang}: {href} stands alone");
        }
        let caption = text(&select(&doc, "figure.graph figcaption")[0]);
        assert!(caption.len() > 40, "{caption}");
        // The relations in words, and what is not drawn, named.
        let words: Vec<String> = select(&doc, ".graph-links li").iter().map(text).collect();
        assert_eq!(words.len(), select(&doc, "path.graph-edge").len());
        for link in select(&doc, ".not-drawn a") {
            let href = attr(&link, "href");
            assert!(rows.iter().all(|r| r.0 != href), "{href}");
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

#[test]
fn the_site_graph_draws_dispatches_in_common_once_they_tell_pairs_apart() {
    let site = TestSite::shipped();
    for lang in ["fr", "en"] {
        site.write(
            &format!("content/articles/pair.{lang}.md"),
            "---\ntitle: Pair\ndate: 2024-12-01\n---\n[[hts]] [[osdh]]\n",
        );
    }
    site.build_ok(&[]);
    let doc = site.html("en/graph/index.html");
    let shared: Vec<String> = select(&doc, "path.graph-edge.co title")
        .iter()
        .map(text)
        .collect();
    assert_eq!(shared.len(), 1, "{shared:?}");
    assert!(
        shared[0].contains("Hayat Tahrir al-Sham") && shared[0].contains(": 2"),
        "{shared:?}"
    );
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
        // The list of neighbours says so, and the site's graph draws ended relations as past.
        let ties: Vec<String> = select(&doc, ".ties li.past").iter().map(text).collect();
        assert!(
            ties.iter().any(|d| d.contains(past_label)),
            "{lang}: {ties:?}"
        );
        let graph = site.html(&format!("{lang}/graph/index.html"));
        assert!(!select(&graph, "path.graph-edge.past").is_empty(), "{lang}");
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
        // Proposed: a replacement to write, not a name listed for the editor to weigh.
        String::from_utf8_lossy(&out.stdout)
            .contains("\"replacement\":\"[[syrian-government|forces gouvernementales]]\"")
    };
    assert!(proposed("2024-12-01"));
    assert!(!proposed("2025-03-01"));
}
