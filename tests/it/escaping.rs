//! Editors are trusted with text, not with script: every value is escaped where it lands.

use crate::common::*;

const EVIL_TITLE: &str = "Alep </title></script><script>alert(1)</script> \"q\" & 'a'";

fn evil_site() -> TestSite {
    let site = TestSite::shipped();
    let fr = "content/articles/alep-offensive-hts.fr.md";
    site.edit(
        fr,
        "title: Djihadistes et rebelles ont pris le contrôle de la majeure partie d'Alep",
        &format!(
            "title: '{}'\nsummary: '<img src=x onerror=alert(2)>'",
            EVIL_TITLE.replace('\'', "''")
        ),
    );
    site.edit(
        fr,
        "credit: Les forces",
        "credit: \"\\\"><svg onload=alert(3)> Les forces",
    );
    site.edit(fr, "Alsayed\n---", "Alsayed\"\n---");
    site.edit(
        fr,
        "pour la première fois depuis 2016.",
        "pour la première fois depuis 2016. <script>alert(4)</script> <b onclick=x>b</b>",
    );
    site.edit(
        "content/entities/aleppo.yaml",
        "fr: Deuxième ville de Syrie",
        "fr: <iframe src=//evil.example></iframe> Deuxième ville de Syrie",
    );
    site.edit(
        "content/entities/aleppo.yaml",
        "fr: [Halab]",
        "fr: ['\"><script>alert(6)</script>']",
    );
    site.build_ok(&[]);
    site
}

#[test]
fn front_matter_and_entity_values_are_escaped_everywhere() {
    let site = evil_site();
    for rel in [
        "fr/articles/alep-offensive-hts/index.html",
        "fr/index.html",
        "index.html",
        "fr/entities/aleppo/index.html",
        "fr/entities/index.html",
    ] {
        let doc = site.html(rel);
        // Structured data, and the preview cards' script from the site itself: nothing else.
        for script in select(&doc, "script") {
            let ours =
                attr(&script, "src").ends_with("/previews.js") && script.inner_html().is_empty();
            assert!(
                attr(&script, "type") == "application/ld+json" || ours,
                "{rel}: injected script"
            );
        }
        assert!(
            select(&doc, "[onerror], [onload], [onclick], iframe").is_empty(),
            "{rel}: injected element"
        );
        // The only SVG are a place's map and an entity's graph, drawn by the site.
        assert_eq!(
            select(&doc, "svg").len(),
            select(&doc, "figure.map > svg, figure.graph > svg").len(),
            "{rel}: injected SVG"
        );
        assert!(select(&doc, "a[href^='javascript']").is_empty(), "{rel}");
    }
    let doc = site.html("fr/articles/alep-offensive-hts/index.html");
    assert_eq!(text(&select(&doc, "article h1")[0]), EVIL_TITLE);
    assert!(text(&select(&doc, "title")[0]).starts_with(EVIL_TITLE));
    let description = attr(&select(&doc, "meta[name=description]")[0], "content");
    assert_eq!(description, "<img src=x onerror=alert(2)>");
    let json = text(&select(&doc, "script[type='application/ld+json']")[0]);
    let ld: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(ld["headline"], EVIL_TITLE);
    assert!(
        !json.contains("</"),
        "JSON-LD could close its script element: {json}"
    );
    let entity = site.html("fr/entities/aleppo/index.html");
    assert!(text(&select(&entity, ".lead")[0]).starts_with("<iframe"));
}

#[test]
fn script_urls_stop_the_build() {
    let site = TestSite::shipped();
    let fr = "content/articles/alep-offensive-hts.fr.md";
    site.edit(fr, "depuis 2016.", "depuis 2016. [x](javascript:alert(5))");
    let out = site.depeche(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[E0026]"));
    assert!(!site.path("public").exists());
    site.edit(fr, "[x](javascript:alert(5))", "");
    site.edit(
        fr,
        "date: 2024-11-30",
        "date: 2024-11-30\nimage: ' JavaScript:alert(1)'",
    );
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[E0026]") && stderr.contains(":4:"),
        "{stderr}"
    );
}
