//! Maps: the region's outlines once, as `map.svg`; a map page per language whose places are
//! links to their pages, named in the page's language; a place's page marks it.

use crate::common::*;

#[test]
fn the_map_page_links_every_place_with_coordinates_in_its_language() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let outlines = site.public("map.svg");
    assert!(outlines.starts_with("<svg"), "{}", &outlines[..80]);
    assert!(outlines.contains("class=focus") || outlines.contains("class=\"focus\""));
    for (lang, aleppo, syria) in [("fr", "Alep", "Syrie"), ("en", "Aleppo", "Syria")] {
        let doc = site.html(&format!("{lang}/map/index.html"));
        let svg = &select(&doc, "figure.map svg")[0];
        assert_eq!(attr(svg, "role"), "group");
        let image = &select(&doc, "figure.map svg image")[0];
        assert_eq!(attr(image, "href"), "/depeche/map.svg");
        let places: Vec<(String, String)> = select(&doc, "svg a.map-place")
            .iter()
            .map(|a| (attr(a, "href"), text(&select_in(a, "text.wide")[0])))
            .collect();
        assert!(
            places.contains(&(
                format!("/depeche/{lang}/entities/aleppo/"),
                aleppo.to_string()
            )),
            "{lang}: {places:?}"
        );
        // Every place with coordinates: the cities apart from their governorates.
        for city in ["idlib-city", "hama", "latakia"] {
            assert!(
                places
                    .iter()
                    .any(|p| p.0.ends_with(&format!("/entities/{city}/"))),
                "{lang}: {city} not on the map: {places:?}"
            );
        }
        // Ankara would stand in the frame's corner: it is listed under the map instead.
        assert!(!places.iter().any(|p| p.0.ends_with("/entities/ankara/")));
        assert!(
            select(&doc, ".map-list a")
                .iter()
                .any(|a| attr(a, "href").ends_with("/entities/ankara/"))
        );
        // Each place is named by its link's title, and in words wide or narrow; a narrow
        // name is drawn only where it covers nothing.
        for a in select(&doc, "svg a.map-place") {
            let title = text(&select_in(&a, "title")[0]);
            assert_eq!(text(&select_in(&a, "text.wide")[0]), title);
            assert!(
                select_in(&a, "text.narrow")
                    .iter()
                    .all(|t| text(t) == title)
            );
        }
        assert!(!select(&doc, "svg text.narrow").is_empty(), "{lang}");
        let countries: Vec<String> = select(&doc, "text.map-country").iter().map(text).collect();
        assert!(countries.contains(&syria.to_string()), "{countries:?}");
        // Moscow is outside the frame: listed under the map, not drawn.
        assert!(!places.iter().any(|p| p.0.ends_with("/entities/moscow/")));
        assert!(
            select(&doc, ".map-list a")
                .iter()
                .any(|a| attr(a, "href").ends_with("/entities/moscow/"))
        );
    }
}

#[test]
fn a_place_page_marks_the_place_and_others_have_no_map() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let doc = site.html("en/entities/aleppo/index.html");
    let current = select(&doc, "svg a.map-place.current");
    assert_eq!(current.len(), 1);
    assert_eq!(attr(&current[0], "href"), "/depeche/en/entities/aleppo/");
    assert_eq!(attr(&current[0], "aria-current"), "page");
    // A locator: that place only, beside the infobox.
    assert_eq!(
        select(&doc, ".infobox-row figure.map.locator a.map-place").len(),
        1
    );
    let hts = site.html("en/entities/hts/index.html");
    assert!(select(&hts, "figure.map").is_empty());
    // Outside the frame, no map.
    let moscow = site.html("en/entities/moscow/index.html");
    assert!(select(&moscow, "figure.map").is_empty());
}
