//! Every page's JSON-LD, and graph.jsonld, against what schema.org and search engines expect
//! of each type (`tests/fixtures/rich-results.json`, a dated copy of what depeche relies on).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::*;

/// Recommended properties the shipped content cannot give, and why.
const UNAVAILABLE: [(&str, &str, &str); 1] = [(
    "NewsArticle",
    "author",
    "the dispatch names no author (a `byline:` gives one)",
)];

struct Expected {
    required: Vec<String>,
    recommended: Vec<String>,
    properties: Vec<String>,
}

fn expectations() -> BTreeMap<String, Expected> {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/rich-results.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    doc["types"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, t)| {
            let expected = Expected {
                required: list(&t["required"]),
                recommended: list(&t["recommended"]),
                properties: list(&t["properties"]),
            };
            (name.clone(), expected)
        })
        .collect()
}

/// How strictly to check.
#[derive(Clone, Copy)]
struct Strictness {
    /// The required properties (a page's data, read for rich results; not the open data).
    required: bool,
    /// The recommended properties of the page's own subject too.
    recommended: bool,
}

/// What is wrong with `value` (found in `place`) and everything in it; `top` for the page's
/// own subject.
fn problems(
    value: &Value,
    place: &str,
    top: bool,
    strict: Strictness,
    expected: &BTreeMap<String, Expected>,
    found: &mut Vec<String>,
) {
    match value {
        Value::Array(items) => {
            for item in items {
                problems(item, place, top, strict, expected, found);
            }
        }
        Value::Object(map) => {
            if let Some(kind) = map.get("@type").and_then(Value::as_str) {
                let Some(e) = expected.get(kind) else {
                    found.push(format!("{place}: `{kind}` is not a type depeche relies on"));
                    return;
                };
                for key in map.keys().filter(|k| !k.starts_with('@')) {
                    if !e.properties.contains(key) {
                        found.push(format!("{place}: `{kind}` has no property `{key}`"));
                    }
                }
                for key in e.required.iter().filter(|_| strict.required) {
                    if !map.contains_key(key) {
                        found.push(format!("{place}: `{kind}` lacks the required `{key}`"));
                    }
                }
                let unavailable = |key: &str| UNAVAILABLE.iter().any(|u| u.0 == kind && u.1 == key);
                if top && strict.recommended {
                    for key in e.recommended.iter().filter(|k| !unavailable(k)) {
                        if !map.contains_key(key) {
                            found.push(format!("{place}: `{kind}` lacks the recommended `{key}`"));
                        }
                    }
                }
            }
            for (key, inner) in map {
                // `@graph` holds top-level subjects; every other value is nested in one.
                let nested_top = key == "@graph";
                problems(inner, place, nested_top, strict, expected, found);
            }
        }
        _ => {}
    }
}

fn json_ld_of(html: &str) -> Vec<Value> {
    let doc = scraper::Html::parse_document(html);
    select(&doc, r#"script[type="application/ld+json"]"#)
        .iter()
        .map(|s| serde_json::from_str(&text(s)).unwrap())
        .collect()
}

#[test]
fn every_page_describes_itself_as_schema_org_and_search_engines_expect() {
    let expected = expectations();
    let mut found = Vec::new();
    for (site, shipped) in [
        (TestSite::shipped(), true),
        (TestSite::fixture("trilingual"), false),
    ] {
        site.build_ok(&[]);
        let public = site.path("public");
        let mut pages = 0;
        for entry in walkdir::WalkDir::new(&public)
            .into_iter()
            .filter_map(Result::ok)
        {
            let rel = entry
                .path()
                .strip_prefix(&public)
                .unwrap()
                .to_string_lossy()
                .to_string();
            if !rel.ends_with(".html") {
                continue;
            }
            let html = std::fs::read_to_string(entry.path()).unwrap();
            let docs = json_ld_of(&html);
            let types: Vec<&str> = docs.iter().filter_map(|d| d["@type"].as_str()).collect();
            // Where the page stands: a trail from the home, on every page but the homes and
            // the error page; the homes say what the site is.
            let home = rel.matches('/').count() <= 1 && rel.ends_with("index.html");
            if home {
                assert!(types.contains(&"WebSite"), "{rel}: {types:?}");
            } else if !rel.ends_with("404.html") {
                assert!(types.contains(&"BreadcrumbList"), "{rel}: {types:?}");
            }
            let strict = Strictness {
                required: true,
                recommended: shipped,
            };
            for doc in &docs {
                problems(doc, &rel, true, strict, &expected, &mut found);
            }
            pages += 1;
        }
        assert!(pages > 10);
        let graph: Value = serde_json::from_str(&site.read("public/data/graph.jsonld")).unwrap();
        let open_data = Strictness {
            required: false,
            recommended: false,
        };
        problems(
            &graph,
            "data/graph.jsonld",
            false,
            open_data,
            &expected,
            &mut found,
        );
    }
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_trail_leads_from_the_home_to_the_page() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let docs = json_ld_of(&site.read("public/en/entities/hts/index.html"));
    let trail = docs
        .iter()
        .find(|d| d["@type"] == "BreadcrumbList")
        .unwrap();
    let steps: Vec<(u64, &str, &str)> = trail["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let name = i["name"].as_str().unwrap();
            (
                i["position"].as_u64().unwrap(),
                name,
                i["item"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                1,
                "Annotated dispatches",
                "https://depeche.github.io/depeche/en/"
            ),
            (
                2,
                "Entity index",
                "https://depeche.github.io/depeche/en/entities/"
            ),
            (
                3,
                "Hayat Tahrir al-Sham",
                "https://depeche.github.io/depeche/en/entities/hts/"
            ),
        ]
    );
    // An event says where it took place.
    let docs = json_ld_of(&site.read("public/en/entities/ceasefire-2020/index.html"));
    let event = docs.iter().find(|d| d["@type"] == "Event").unwrap();
    assert_eq!(event["startDate"], "2020-03-06");
    assert_eq!(event["location"][0]["@type"], "Place");
    // The share image comes with its size and what it shows.
    let doc = site.html("fr/index.html");
    let meta = |p: &str| {
        attr(
            &select(&doc, &format!(r#"meta[property="{p}"]"#))[0],
            "content",
        )
    };
    assert_eq!(meta("og:image:width"), "1200");
    assert_eq!(meta("og:image:height"), "630");
    assert!(meta("og:image:alt").contains("organisations, lieux et personnes"));
}
