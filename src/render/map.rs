//! Maps: Syria and its neighbours as a static SVG, from Natural Earth's outlines
//! (`map/outlines.json`, made by `tools/map/outlines.mjs`). The outlines are one shared file,
//! `map.svg`; each map (the map page of a language, a place's page) draws it as an image and
//! adds, in the page's language, the countries' names and the places as links.
//!
//! The projection is equirectangular with longitudes scaled by the cosine of the frame's
//! middle latitude: over 11 degrees of latitude, distances and shapes stay true to within a
//! few per cent, which is what a locator map needs.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{Lang, Renderer};
use crate::graph::Entity;

/// How many pixels a degree of latitude takes.
const SCALE: f64 = 56.0;

#[derive(Debug, Deserialize)]
struct Outlines {
    /// West, south, east, north, in degrees.
    frame: [f64; 4],
    countries: Vec<Country>,
}

#[derive(Debug, Deserialize)]
struct Country {
    /// ISO 3166-1 alpha-3: the key of its name in the UI strings (`countries.SYR`).
    code: String,
    /// Where its name goes, if it has one on the map.
    label: Option<[f64; 2]>,
    /// Its outline, rings of (longitude, latitude).
    rings: Vec<Vec<[f64; 2]>>,
}

fn outlines() -> &'static Outlines {
    static OUTLINES: OnceLock<Outlines> = OnceLock::new();
    OUTLINES.get_or_init(|| {
        serde_json::from_str(include_str!("map/outlines.json")).unwrap_or(Outlines {
            frame: [0.0, 0.0, 1.0, 1.0],
            countries: Vec::new(),
        })
    })
}

/// Longitude and latitude to pixels in the map's frame.
fn project(lon: f64, lat: f64) -> (f64, f64) {
    let [west, south, _, north] = outlines().frame;
    let squeeze = ((south + north) / 2.0).to_radians().cos();
    ((lon - west) * squeeze * SCALE, (north - lat) * SCALE)
}

/// The size of the map in pixels.
fn size() -> (f64, f64) {
    let [west, south, east, north] = outlines().frame;
    let (right, _) = project(east, north);
    let (_, bottom) = project(west, south);
    (right.round(), bottom.round())
}

/// A name on the map, at its point.
#[derive(Debug, Clone, Serialize)]
pub(super) struct LabelCtx {
    pub name: String,
    pub x: f64,
    pub y: f64,
}

/// A place on the map: a link to its page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct PlaceCtx {
    pub name: String,
    pub url: String,
    pub x: f64,
    pub y: f64,
    /// The place the page is about.
    pub current: bool,
}

/// What a map template needs.
#[derive(Debug, Clone, Serialize)]
pub(super) struct MapCtx {
    pub width: f64,
    pub height: f64,
    /// The shared outlines (`map.svg`).
    pub base: String,
    pub countries: Vec<LabelCtx>,
    pub places: Vec<PlaceCtx>,
    /// Places with coordinates outside the frame, listed under the map.
    pub elsewhere: Vec<PlaceCtx>,
}

impl Renderer<'_> {
    /// A language's map page.
    pub(super) fn map_page(
        &self,
        lang: &Lang,
        path: String,
    ) -> Result<super::Page, crate::diagnostic::Diagnostic> {
        #[derive(Serialize)]
        struct MapPage {
            map: MapCtx,
        }
        let map = self.map_ctx(lang, None);
        self.site_view(
            lang,
            path,
            ("map.html", crate::urls::map_path, "map_intro"),
            MapPage { map },
        )
    }

    /// The map of a place's page: `None` for an entity without coordinates in the frame.
    pub(super) fn place_map(&self, lang: &Lang, entity: &Entity) -> Option<MapCtx> {
        let map = self.map_ctx(lang, Some(entity));
        map.places.iter().any(|p| p.current).then_some(map)
    }

    /// A map of the region with every place that has coordinates; `current` is marked.
    pub(super) fn map_ctx(&self, lang: &Lang, current: Option<&Entity>) -> MapCtx {
        let code = lang.code.as_str();
        let (width, height) = size();
        let inside = |x: f64, y: f64| (0.0..=width).contains(&x) && (0.0..=height).contains(&y);
        let countries = outlines()
            .countries
            .iter()
            .filter_map(|c| {
                let [lon, lat] = c.label?;
                let name = lang.strings.get(&["countries", &c.code]).unwrap_or(&c.code);
                let (x, y) = project(lon, lat);
                Some(LabelCtx {
                    name: name.to_string(),
                    x: round(x),
                    y: round(y),
                })
            })
            .collect();
        let (mut places, mut elsewhere) = (Vec::new(), Vec::new());
        for e in &self.graph.entities {
            let Some((lat, lon)) = e.source.coordinates else {
                continue;
            };
            let (x, y) = project(lon, lat);
            let place = PlaceCtx {
                name: e.name_in(code).to_string(),
                url: self.urls.entity(code, e.id()),
                x: round(x),
                y: round(y),
                current: current.is_some_and(|c| c.id() == e.id()),
            };
            if inside(x, y) {
                places.push(place);
            } else {
                elsewhere.push(place);
            }
        }
        // The current place is drawn last, on top.
        places.sort_by_key(|p| p.current);
        MapCtx {
            width,
            height,
            base: self.urls.asset(crate::urls::MAP_OUTLINES),
            countries,
            places,
            elsewhere,
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `map.svg`: the countries' outlines, Syria marked, light and dark.
pub(super) fn base_svg() -> String {
    let (width, height) = size();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">\n"
    );
    svg.push_str(include_str!("map/style.svg"));
    for country in &outlines().countries {
        let mut d = String::new();
        for ring in &country.rings {
            for (i, [lon, lat]) in ring.iter().enumerate() {
                let (x, y) = project(*lon, *lat);
                d.push(if i == 0 { 'M' } else { 'L' });
                d.push_str(&format!("{:.1} {:.1}", x, y));
            }
            d.push('Z');
        }
        let class = if country.code == "SYR" {
            "focus"
        } else {
            "land"
        };
        svg.push_str(&format!("<path class=\"{class}\" d=\"{d}\"/>\n"));
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_holds_syria_and_its_neighbours_the_right_way_up() {
        let (width, height) = size();
        assert!(width > 500.0 && height > 500.0, "{width} × {height}");
        // Aleppo is north of Damascus and west of Deir ez-Zor.
        let aleppo = project(37.16, 36.2);
        let damascus = project(36.29, 33.51);
        let deir = project(40.14, 35.33);
        assert!(aleppo.1 < damascus.1 && aleppo.0 < deir.0);
        assert!(
            outlines()
                .countries
                .iter()
                .any(|c| c.code == "SYR" && !c.rings.is_empty())
        );
    }

    #[test]
    fn every_country_is_one_path_and_syria_the_focus_drawn_whole() {
        let svg = base_svg();
        let countries = &outlines().countries;
        let paths: Vec<&str> = svg.split("<path ").skip(1).collect();
        assert_eq!(paths.len(), countries.len());
        let focus: Vec<&&str> = paths
            .iter()
            .filter(|p| p.starts_with("class=\"focus\""))
            .collect();
        assert_eq!(focus.len(), 1, "one country is the focus");
        let syria = countries.iter().position(|c| c.code == "SYR").unwrap();
        assert!(paths[syria].starts_with("class=\"focus\""));
        // Syria, the focus, is drawn whole inside the view box; its neighbours may run out.
        let (width, height) = size();
        let d = paths[syria]
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        for point in d.split(['M', 'L', 'Z']).filter(|p| !p.is_empty()) {
            let (x, y) = point.split_once(' ').unwrap();
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!(
                (0.0..=width).contains(&x) && (0.0..=height).contains(&y),
                "{point}"
            );
        }
    }
}
