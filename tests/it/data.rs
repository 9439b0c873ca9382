//! Open data: `data/graph.json` validates against the schema committed in `docs/schema/`, and
//! says what the content says; the JSON-LD dump ties entities to Wikidata; the figures CSV
//! parses, a row per figure and version.

use serde_json::Value;

use crate::common::*;

/// What the schema says of `graph`: nothing, or why it does not follow it.
fn check(graph: &Value) -> Result<(), String> {
    let path = repo().join("docs/schema/graph.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let id = "https://depeche.github.io/depeche/schema/graph.schema.json";
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(id, schema).unwrap();
    let index = compiler.compile(id, &mut schemas).unwrap();
    schemas.validate(graph, index).map_err(|e| format!("{e:#}"))
}

#[test]
fn the_graph_follows_its_schema_and_says_what_the_content_says() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let graph: Value = serde_json::from_str(&site.public("data/graph.json")).unwrap();
    if let Err(why) = check(&graph) {
        panic!("data/graph.json does not follow its schema:\n{why}");
    }
    let entity = |id: &str| {
        graph["entities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    let idlib = entity("idlib");
    assert_eq!(idlib["name"]["fr"], "Gouvernorat d'Idleb");
    assert_eq!(idlib["wikidata"], "Q233218");
    // An area: the map marks its capital, which has the coordinates.
    assert!(idlib["coordinates"].is_null(), "{idlib}");
    assert_eq!(idlib["type"], "place");
    assert_eq!(entity("idlib-city")["coordinates"]["lat"], 35.933);
    let hts = entity("hts");
    assert!(
        hts["relations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["type"] == "led_by" && r["target"] == "abu-mohammed-al-jolani")
    );
    assert_eq!(hts["source"]["article"], "alep-offensive-hts");
    assert_eq!(
        hts["urls"]["en"],
        "https://depeche.github.io/depeche/en/entities/hts/"
    );
    assert_eq!(hts["articles_mentioning"]["fr"], 1);
    // Every entity, every article.
    let entities = std::fs::read_dir(site.path("content/entities"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yaml")
        })
        .count();
    assert_eq!(graph["entities"].as_array().unwrap().len(), entities);
    let article = &graph["articles"][0];
    assert_eq!(article["key"], "alep-offensive-hts");
    let fr = article["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["lang"] == "fr")
        .unwrap();
    let figure = &fr["figures"][0];
    assert_eq!(figure["value"]["number"], 311);
    assert_eq!(figure["source"]["entity"], "osdh");
    assert_eq!(figure["as_of"], "2024-11-30");
    assert!(
        fr["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["entity"] == "hts" && m["count"].as_u64() > Some(1))
    );
}

#[test]
fn the_schema_rejects_what_the_graph_must_not_hold() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let good: Value = serde_json::from_str(&site.public("data/graph.json")).unwrap();
    let mut bad = good.clone();
    bad["entities"][0]["wikidata"] = "233218".into();
    assert!(check(&bad).is_err(), "a Wikidata id without its Q passed");
    let mut bad = good.clone();
    bad["articles"][0]["versions"][0]["mentions"][0]["count"] = 0.into();
    assert!(check(&bad).is_err(), "a mention counted 0 times passed");
    assert_eq!(check(&good), Ok(()));
}

#[test]
fn the_json_ld_ties_entities_to_wikidata_and_articles_to_what_they_mention() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let dump: Value = serde_json::from_str(&site.public("data/graph.jsonld")).unwrap();
    assert_eq!(dump["@context"], "https://schema.org");
    let things = dump["@graph"].as_array().unwrap();
    let idlib = things.iter().find(|t| t["identifier"] == "idlib").unwrap();
    assert_eq!(idlib["@type"], "Place");
    // The item as linked data names it, as in the pages' JSON-LD.
    assert_eq!(idlib["sameAs"], "http://www.wikidata.org/entity/Q233218");
    assert!(
        idlib["name"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["@value"] == "Gouvernorat d'Idleb" && n["@language"] == "fr")
    );
    let city = things
        .iter()
        .find(|t| t["identifier"] == "idlib-city")
        .unwrap();
    assert_eq!(city["geo"]["latitude"], 35.933);
    let article = things
        .iter()
        .find(|t| t["@type"] == "NewsArticle" && t["inLanguage"] == "en")
        .unwrap();
    assert_eq!(
        article["translationOfWork"]["@id"],
        "https://depeche.github.io/depeche/fr/articles/alep-offensive-hts/"
    );
    // Every entity it mentions is a thing of the dump.
    for mention in article["mentions"].as_array().unwrap() {
        assert!(
            things.iter().any(|t| t["@id"] == mention["@id"]),
            "{mention}"
        );
    }
}

#[test]
fn the_figures_are_a_csv_row_each_with_their_source() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let csv = site.public("data/figures.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "article",
            "lang",
            "title",
            "url",
            "date",
            "value",
            "label",
            "as_of",
            "source",
            "source_url"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // Five figures, in each of the two versions.
    assert_eq!(rows.len(), 10);
    let fr = rows
        .iter()
        .find(|r| &r[1] == "fr" && &r[5] == "311")
        .unwrap();
    assert_eq!(&fr[6], "morts dans l'offensive");
    assert_eq!(&fr[8], "osdh");
    assert_eq!(
        &fr[9],
        "https://depeche.github.io/depeche/fr/entities/osdh/"
    );
    assert!(
        rows.iter()
            .any(|r| &r[5] == "4" && &r[8] == "syrian-state-media")
    );
    // A title with a comma stays one field.
    assert!(rows.iter().all(|r| r.len() == 10));
}

/// Each entity has a CSV of its own facts, in each language, and of the figures the articles
/// report from it.
#[test]
fn each_entity_has_a_csv_of_its_facts_and_of_the_figures_it_reports() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let rows = |text: &str| -> Vec<csv::StringRecord> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            [
                "kind",
                "lang",
                "label",
                "value",
                "as_of",
                "source",
                "source_url",
                "article_url"
            ]
        );
        reader.records().map(Result::unwrap).collect()
    };
    // The offensive's facts: one row per fact and language, its sources linked.
    let offensive = rows(&site.public("data/entities/offensive-2024.csv"));
    let toll = offensive
        .iter()
        .find(|r| &r[0] == "fact" && &r[1] == "en" && &r[3] == "311")
        .unwrap();
    assert_eq!(&toll[2], "Death toll");
    assert_eq!(&toll[5], "osdh");
    assert_eq!(
        &toll[6],
        "https://depeche.github.io/depeche/en/entities/osdh/"
    );
    let launched = offensive
        .iter()
        .find(|r| &r[1] == "fr" && &r[3] == "2024-11-27")
        .unwrap();
    // A source that is an article links to the article in the row's language.
    assert_eq!(
        &launched[6],
        "https://depeche.github.io/depeche/fr/articles/alep-offensive-hts/"
    );
    // The observatory's figures, reported by the dispatch in both languages.
    let osdh = rows(&site.public("data/entities/osdh.csv"));
    assert_eq!(
        osdh.iter().filter(|r| &r[0] == "figure").count(),
        8,
        "{osdh:?}"
    );
    let dead = osdh
        .iter()
        .find(|r| &r[1] == "fr" && &r[3] == "311")
        .unwrap();
    assert_eq!(&dead[2], "morts dans l'offensive");
    assert_eq!(
        &dead[7],
        "https://depeche.github.io/depeche/fr/articles/alep-offensive-hts/"
    );
    // An entity with neither has its header only.
    assert_eq!(rows(&site.public("data/entities/iran.csv")).len(), 0);
}

/// A label written as a spreadsheet formula is shown, never run, in every CSV file (a leading
/// `'`), and stays exact in `data/graph.json`.
#[test]
fn a_formula_in_a_label_is_never_run_by_a_spreadsheet() {
    let site = TestSite::shipped();
    let formula = "=HYPERLINK(\"https://evil.example\",\"morts\")";
    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "label: {fr: morts dans l'offensive,",
        &format!("label: {{fr: '{formula}',"),
    );
    site.build_ok(&[]);
    for file in ["data/figures.csv", "data/entities/osdh.csv"] {
        let csv = site.public(file);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let cells: Vec<String> = reader
            .records()
            .flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
            .collect();
        assert!(cells.contains(&format!("'{formula}")), "{file}: {csv}");
        assert!(
            cells
                .iter()
                .all(|c| !c.starts_with(['=', '+', '@']) && !c.starts_with("-2")),
            "{file}"
        );
    }
    assert!(
        site.public("data/graph.json")
            .contains("=HYPERLINK(\\\"https://evil.example\\\"")
    );
}

/// Every data file of every site the tests know (the shipped one and each fixture) is what
/// its documentation says: `graph.json` follows its schema, `graph.jsonld` is JSON, and every
/// CSV file parses with the same columns on every row. Both dumps have every object's keys in
/// one order, sorted, as serde_json writes a value: read and written again, they are the
/// same bytes.
#[test]
fn every_data_file_of_every_fixture_follows_its_format() {
    for (name, site) in [
        ("shipped", TestSite::shipped()),
        ("dispatch", TestSite::fixture("dispatch")),
        ("trilingual", TestSite::fixture("trilingual")),
    ] {
        site.build_ok(&[]);
        let graph: Value = serde_json::from_str(&site.public("data/graph.json")).unwrap();
        if let Err(why) = check(&graph) {
            panic!("{name}: data/graph.json does not follow its schema:\n{why}");
        }
        for dump in ["data/graph.json", "data/graph.jsonld"] {
            let written = site.public(dump);
            let value: Value =
                serde_json::from_str(&written).unwrap_or_else(|e| panic!("{name}: {dump}: {e}"));
            let again = serde_json::to_string(&value).unwrap();
            assert!(
                written.trim_end() == again,
                "{name}: {dump}: keys out of order"
            );
        }
        let data = site.path("public/data");
        for entry in walkdir::WalkDir::new(&data) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "csv") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let columns = reader.headers().unwrap().len();
            for record in reader.records() {
                let record = record.unwrap_or_else(|e| panic!("{name}: {entry:?}: {e}"));
                assert_eq!(record.len(), columns, "{name}: {}", entry.path().display());
            }
        }
    }
}

/// Every entity page of `lang` in a built site: its path under `public/` and its HTML.
fn entity_pages(site: &TestSite, lang: &str) -> Vec<(String, scraper::Html)> {
    let dir = site.path(&format!("public/{lang}/entities"));
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.path().join("index.html"))
        .filter(|page| page.is_file())
        .map(|page| {
            let rel = page
                .strip_prefix(site.path("public"))
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let doc = site.html(&rel);
            (rel, doc)
        })
        .collect()
}

/// A description is true on a day: wherever it is printed (the entity index, each entity
/// page's meta and Open Graph descriptions and JSON-LD, `data/graph.jsonld`, the previews, the
/// search records), its date goes with it.
#[test]
fn descriptions_carry_their_date_on_every_surface() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    // "(au 30 novembre 2024)", "(as of 8 December 2024)": each description with its own day.
    let dated = |lang: &str, text: &str| {
        let stamp = if lang == "fr" { "(au " } else { "(as of " };
        text.rfind(stamp).is_some_and(|at| {
            let day = &text[at + stamp.len()..text.len() - 1];
            text.ends_with(')') && day.ends_with(|c: char| c.is_ascii_digit())
        })
    };
    for lang in ["fr", "en"] {
        let index = site.html(&format!("{lang}/entities/index.html"));
        let descriptions = select(&index, ".desc");
        assert!(!descriptions.is_empty(), "{lang}");
        for desc in descriptions {
            let time = scraper::Selector::parse("time").unwrap();
            assert!(
                desc.select(&time).next().is_some(),
                "{lang}: undated in the index: {}",
                text(&desc)
            );
        }
        for (rel, doc) in entity_pages(&site, lang) {
            for css in [
                r#"meta[name="description"]"#,
                r#"meta[property="og:description"]"#,
            ] {
                for meta in select(&doc, css) {
                    let content = attr(&meta, "content");
                    assert!(dated(lang, &content), "{rel} {css}: {content}");
                }
            }
            for script in select(&doc, r#"script[type="application/ld+json"]"#) {
                let ld: Value = serde_json::from_str(&text(&script)).unwrap();
                if let Some(description) = ld["description"].as_str() {
                    assert!(dated(lang, description), "{rel} JSON-LD: {description}");
                }
            }
        }
        // The search records of entities carry the day their description holds.
        let records = site.path(&format!("public/{lang}/search/index/e"));
        let mut described = 0;
        for part in std::fs::read_dir(records).unwrap().flatten() {
            let records: Value =
                serde_json::from_str(&std::fs::read_to_string(part.path()).unwrap()).unwrap();
            // A record is its lines: kind, title, address, the day as shown, its ISO form, ...
            for record in records.as_array().unwrap() {
                described += 1;
                let lines: Vec<&str> = record.as_str().unwrap().split('\n').collect();
                let (shown, iso) = (lines[3], lines[4]);
                assert!(
                    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").is_ok(),
                    "{lang} search record: {record}"
                );
                assert!(
                    shown.chars().any(|c| c.is_ascii_digit()),
                    "{lang} search record: {record}"
                );
            }
        }
        assert!(described > 20, "{lang}: {described} search records");
        let previews: Value =
            serde_json::from_str(&site.read(&format!("public/{lang}/previews.json"))).unwrap();
        for (id, card) in previews.as_object().unwrap() {
            if card["description"].is_string() {
                assert!(card["as_of"].is_string(), "{lang} preview of {id}: {card}");
            }
        }
    }
    let ld: Value = serde_json::from_str(&site.read("public/data/graph.jsonld")).unwrap();
    for thing in ld["@graph"].as_array().unwrap() {
        for description in thing["description"].as_array().into_iter().flatten() {
            let text = description["@value"].as_str().unwrap();
            let lang = description["@language"].as_str().unwrap();
            assert!(dated(lang, text), "graph.jsonld: {text}");
        }
    }
}

/// A relation or a fact is true on a day or for a time: on the entity pages (every relation
/// and fact of the infobox shows its span or day), in `data/graph.json` (`as_of`, `from` or
/// `until` on each) and in `data/graph.jsonld` (a `Role` with its dates), none goes without.
#[test]
fn relations_and_facts_carry_their_time_on_every_surface() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let graph: Value = serde_json::from_str(&site.read("public/data/graph.json")).unwrap();
    let mut relations = 0;
    for entity in graph["entities"].as_array().unwrap() {
        for relation in entity["relations"].as_array().into_iter().flatten() {
            relations += 1;
            assert!(
                ["as_of", "from", "until"]
                    .iter()
                    .any(|k| relation[k].is_string()),
                "graph.json: undated relation of {}: {relation}",
                entity["id"]
            );
        }
        for fact in entity["facts"].as_array().into_iter().flatten() {
            assert!(
                fact["as_of"].is_string(),
                "graph.json: undated fact of {}: {fact}",
                entity["id"]
            );
        }
    }
    assert!(relations > 20, "{relations} relations");
    let ld: Value = serde_json::from_str(&site.read("public/data/graph.jsonld")).unwrap();
    let text_of = |v: &Value| v.to_string();
    assert!(
        text_of(&ld).contains("\"Role\""),
        "graph.jsonld has no dated Role"
    );
    for lang in ["fr", "en"] {
        let mut rows = 0;
        for (rel, doc) in entity_pages(&site, lang) {
            // A relation's span is words ("until 29 January 2025"), a fact's day a <time>.
            for row in select(&doc, ".infobox dd li, .facts dd") {
                rows += 1;
                let when = scraper::Selector::parse(".when, time").unwrap();
                let when = row
                    .select(&when)
                    .next()
                    .map(|m| text(&m))
                    .unwrap_or_default();
                assert!(
                    when.chars().any(|c| c.is_ascii_digit()),
                    "{rel}: a statement without its time: {}",
                    text(&row)
                );
            }
        }
        assert!(rows > 20, "{lang}: {rows} statements");
    }
}

/// What a dispatch is about is the editor's to say (`about:`); without it, the entities it
/// names most, its sources left out: the observatory it quotes five times is not its
/// subject. Unknown ids there are errors at the value.
#[test]
fn what_an_article_is_about_is_said_or_left_to_a_rule_without_its_sources() {
    let about = |site: &TestSite| -> Vec<String> {
        let doc = site.html("en/articles/aleppo-offensive-hts/index.html");
        let ld: Value = serde_json::from_str(&text(
            &select(&doc, r#"script[type="application/ld+json"]"#)[0],
        ))
        .unwrap();
        ld["about"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["url"].as_str().unwrap().to_string())
            .collect()
    };
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let said = about(&site);
    assert!(said[0].ends_with("/entities/offensive-2024/"), "{said:?}");
    assert_eq!(said.len(), 3, "{said:?}");

    for lang in ["fr", "en"] {
        site.edit(
            &format!("content/articles/alep-offensive-hts.{lang}.md"),
            "about: [offensive-2024, hts, aleppo]\n",
            "",
        );
    }
    site.build_ok(&[]);
    let ruled = about(&site);
    assert!(
        ruled.iter().all(|u| !u.ends_with("/entities/osdh/")),
        "a source is not the subject: {ruled:?}"
    );
    assert!(!ruled.is_empty());

    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "date: 2024-11-30\n",
        "date: 2024-11-30\nabout: [offensiv-2024]\n",
    );
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("offensiv-2024") && stderr.contains(":4:9"),
        "{stderr}"
    );
}
