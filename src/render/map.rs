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

/// The places of the map: in its frame, names placed, and elsewhere (listed under it).
#[derive(Debug, Default)]
pub(super) struct Places {
    inside: Vec<PlaceCtx>,
    elsewhere: Vec<PlaceCtx>,
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
    /// Where its name is written, and which way it runs (`start`, `middle`, `end`): above
    /// the point, or beside or below it when that would cover another name or point.
    pub label_x: f64,
    pub label_y: f64,
    pub anchor: &'static str,
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

    /// Every place with coordinates, those in the frame with their names placed.
    fn places(&self, lang: &Lang, countries: &[LabelCtx]) -> Places {
        let code = lang.code.as_str();
        let (width, height) = size();
        let inside = |x: f64, y: f64| (0.0..=width).contains(&x) && (0.0..=height).contains(&y);
        let mut placed = Places::default();
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
                current: false,
                label_x: round(x),
                label_y: round(y - 10.0),
                anchor: "middle",
            };
            if inside(x, y) {
                placed.inside.push(place);
            } else {
                placed.elsewhere.push(place);
            }
        }
        place_labels(&mut placed.inside, countries, (width, height));
        placed
    }

    /// A map of the region with every place that has coordinates; `current` is marked.
    pub(super) fn map_ctx(&self, lang: &Lang, current: Option<&Entity>) -> MapCtx {
        let code = lang.code.as_str();
        let (width, height) = size();
        let countries: Vec<LabelCtx> = outlines()
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
        let index = self
            .theme
            .langs
            .iter()
            .position(|l| l.code == lang.code)
            .unwrap_or_default();
        let placed = self.map_places[index].get_or_init(|| self.places(lang, &countries));
        let current = current.map(|c| self.urls.entity(code, c.id()));
        let mark = |list: &[PlaceCtx]| -> Vec<PlaceCtx> {
            list.iter()
                .map(|p| PlaceCtx {
                    current: current.as_ref() == Some(&p.url),
                    ..p.clone()
                })
                .collect()
        };
        let (mut places, elsewhere) = (mark(&placed.inside), mark(&placed.elsewhere));
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

/// A rectangle: left, top, right, bottom.
type Box = (f64, f64, f64, f64);

fn overlap(a: Box, b: Box) -> f64 {
    let w = (a.2.min(b.2) - a.0.max(b.0)).max(0.0);
    let h = (a.3.min(b.3) - a.1.max(b.1)).max(0.0);
    w * h
}

/// The box of a text of `chars` characters at `size` px, written from `x` with `anchor`, its
/// baseline at `y`: an estimate (no font is at hand), generous rather than tight.
fn text_box(x: f64, y: f64, anchor: &str, chars: usize, size: f64, per_char: f64) -> Box {
    let width = chars as f64 * size * per_char;
    let left = match anchor {
        "start" => x,
        "end" => x - width,
        _ => x - width / 2.0,
    };
    // A little air around it: names that touch read as one.
    (
        left - 4.0,
        y - size * 0.8 - 2.0,
        left + width + 4.0,
        y + size * 0.25 + 2.0,
    )
}

/// Places each name where it covers no other name, point or country name and stays in the
/// frame: above its point if it can, else to the right, to the left or below; where every
/// side covers something, the side that covers least. The current place chooses first.
fn place_labels(places: &mut [PlaceCtx], countries: &[LabelCtx], (width, height): (f64, f64)) {
    const SIZE: f64 = 17.0;
    const PER_CHAR: f64 = 0.62;
    const DOT: f64 = 8.0;
    let dots: Vec<Box> = places
        .iter()
        .map(|p| (p.x - DOT, p.y - DOT, p.x + DOT, p.y + DOT))
        .collect();
    let mut taken: Vec<Box> = countries
        .iter()
        .map(|c| text_box(c.x, c.y, "middle", c.name.chars().count(), 15.0, 0.75))
        .collect();
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by_key(|&i| (!places[i].current, places[i].y as i64, places[i].x as i64));
    for i in order {
        let p = &places[i];
        let chars = p.name.chars().count();
        let sides = [
            (p.x, p.y - 12.0, "middle"),
            (p.x + 11.0, p.y + 6.0, "start"),
            (p.x - 11.0, p.y + 6.0, "end"),
            (p.x, p.y + 25.0, "middle"),
        ];
        let cost = |&(x, y, anchor): &(f64, f64, &str)| {
            let b = text_box(x, y, anchor, chars, SIZE, PER_CHAR);
            let outside = (b.2 - b.0) * (b.3 - b.1) - overlap(b, (0.0, 0.0, width, height));
            let covered: f64 = taken.iter().map(|t| overlap(b, *t)).sum::<f64>()
                + dots
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, d)| overlap(b, *d))
                    .sum::<f64>();
            covered + outside
        };
        let best = sides
            .iter()
            .enumerate()
            .min_by(|a, b| {
                // The first side with nothing covered wins; ties go to the earlier side.
                (cost(a.1), a.0)
                    .partial_cmp(&(cost(b.1), b.0))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .map(|(_, side)| *side)
            .unwrap_or(sides[0]);
        taken.push(text_box(best.0, best.1, best.2, chars, SIZE, PER_CHAR));
        let p = &mut places[i];
        p.label_x = round(best.0);
        p.label_y = round(best.1);
        p.anchor = best.2;
    }
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

#[cfg(test)]
mod label_tests {
    use super::*;

    fn place(name: &str, x: f64, y: f64) -> PlaceCtx {
        PlaceCtx {
            name: name.into(),
            url: String::new(),
            x,
            y,
            current: false,
            label_x: x,
            label_y: y,
            anchor: "middle",
        }
    }

    /// Points close together (Idlib, Aleppo and Latakia on the regional map) get names that
    /// cover neither each other nor a point, and stay in the frame.
    #[test]
    fn names_of_close_places_do_not_cover_each_other() {
        let mut places = vec![
            place("Aleppo", 290.0, 300.0),
            place("Idlib", 260.0, 318.0),
            place("Latakia", 212.0, 345.0),
            place("Hama", 268.0, 372.0),
            place("Ankara", 5.0, 20.0),
        ];
        place_labels(&mut places, &[], (700.0, 760.0));
        let boxes: Vec<Box> = places
            .iter()
            .map(|p| {
                text_box(
                    p.label_x,
                    p.label_y,
                    p.anchor,
                    p.name.chars().count(),
                    17.0,
                    0.62,
                )
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(
                a.0 >= -4.0 && a.1 >= -2.0,
                "{} leaves the frame: {a:?}",
                places[i].name
            );
            for (j, b) in boxes.iter().enumerate().skip(i + 1) {
                assert_eq!(
                    overlap(*a, *b),
                    0.0,
                    "{} and {}",
                    places[i].name,
                    places[j].name
                );
            }
            for (j, p) in places.iter().enumerate() {
                let dot = (p.x - 8.0, p.y - 8.0, p.x + 8.0, p.y + 8.0);
                assert!(
                    i == j || overlap(*a, dot) == 0.0,
                    "{} covers {}",
                    places[i].name,
                    p.name
                );
            }
        }
    }
}
