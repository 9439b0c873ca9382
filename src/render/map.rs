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
    /// Which countries' names are drawn, wide and narrow: a country's name gives way to a
    /// place's that has nowhere else to go.
    countries: Vec<(bool, bool)>,
}

/// A country's name on the map, at its point.
#[derive(Debug, Clone, Serialize)]
pub(super) struct LabelCtx {
    pub name: String,
    pub x: f64,
    pub y: f64,
    /// Whether it is drawn on the wide drawing, and on the narrow one.
    pub wide: bool,
    pub narrow: bool,
    /// Whether it may give way to a place's name: every country's but the map's focus.
    #[serde(skip)]
    pub yields: bool,
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
    /// How many dispatches of the language name it: the most named choose where their
    /// names go first.
    #[serde(skip)]
    pub mentions: usize,
    /// Where its name is written: above the point, or beside or below it when that would
    /// cover another name or point; `None` where every side would (the point stays, named
    /// by its link's title, and the list under the map names it).
    pub wide: Option<Label>,
    /// The same when the map is drawn narrow (on a phone), in larger letters.
    pub narrow: Option<Label>,
}

/// Where a name is written and which way it runs (`start`, `middle`, `end`).
#[derive(Debug, Clone, Copy, Serialize)]
pub(super) struct Label {
    pub x: f64,
    pub y: f64,
    pub anchor: &'static str,
}

/// The size of places' names, in the map's pixels, and of countries' names: as drawn on a
/// screen wide enough to show the map at 480 px or more (names of 14 px and more), and
/// narrower (the style sheet switches at that width; on a 320 px phone the map is drawn at
/// half its size, names of 14 px).
const PLACE_SIZE: f64 = 17.0;
const COUNTRY_SIZE: f64 = 15.0;
const NARROW_PLACE_SIZE: f64 = 28.0;
const NARROW_COUNTRY_SIZE: f64 = 24.0;
/// The size of the name on a place's locator map, drawn at about 220 px.
const LOCATOR_SIZE: f64 = 40.0;
/// How far inside the frame a place must be to be drawn: a point at its edge or in its
/// corner reads as cut off (Ankara), and is listed under the map instead.
const EDGE: f64 = 40.0;

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
    /// A place's locator: its point and name only, small, beside its infobox.
    pub locator: bool,
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
            ("map.html", crate::urls::map_path, "map_title", "map_intro"),
            MapPage { map },
        )
    }

    /// The locator map of a place's page: where it is, and nothing else; `None` for an
    /// entity without coordinates in the frame.
    pub(super) fn place_map(&self, lang: &Lang, entity: &Entity) -> Option<MapCtx> {
        let mut map = self.map_ctx(lang, Some(entity));
        map.places.retain(|p| p.current);
        map.elsewhere.clear();
        map.countries.clear();
        map.locator = true;
        let size = (map.width, map.height);
        for place in &mut map.places {
            // A name too long for the locator is left to the page's heading.
            let label = place_label(place, &[], &[], size, LOCATOR_SIZE);
            let chars = place.name.chars().count();
            let b = text_box(
                label.x,
                label.y,
                label.anchor,
                chars,
                LOCATOR_SIZE,
                PER_CHAR,
            );
            place.wide = (cost(b, &[], &[], size) < CLEAR).then_some(label);
            place.narrow = None;
        }
        (!map.places.is_empty()).then_some(map)
    }

    /// Every place with coordinates, those in the frame with their names placed.
    fn places(&self, lang: &Lang, countries: &[LabelCtx]) -> Places {
        let code = lang.code.as_str();
        let (width, height) = size();
        let inside = |x: f64, y: f64| {
            (EDGE..=width - EDGE).contains(&x) && (EDGE..=height - EDGE).contains(&y)
        };
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
                mentions: e.backlinks.get(code).map_or(0, Vec::len),
                wide: None,
                narrow: None,
            };
            if inside(x, y) {
                placed.inside.push(place);
            } else {
                placed.elsewhere.push(place);
            }
        }
        placed.countries = place_labels(&mut placed.inside, countries, (width, height));
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
                    wide: true,
                    narrow: true,
                    yields: c.code != "SYR",
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
        let mut countries = countries;
        for (country, &(wide, narrow)) in countries.iter_mut().zip(&placed.countries) {
            (country.wide, country.narrow) = (wide, narrow);
        }
        countries.retain(|c| c.wide || c.narrow);
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
            locator: false,
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
        y - size * 0.95 - 1.0,
        left + width + 4.0,
        y + size * 0.25 + 1.0,
    )
}

/// Places each name, for the wide drawing and the narrow one: see [`place_all`]. Which
/// countries' names stay on each.
fn place_labels(
    places: &mut [PlaceCtx],
    countries: &[LabelCtx],
    size: (f64, f64),
) -> Vec<(bool, bool)> {
    let (wide, wide_countries) = place_all(places, countries, size, PLACE_SIZE, COUNTRY_SIZE);
    let (narrow, narrow_countries) = place_all(
        places,
        countries,
        size,
        NARROW_PLACE_SIZE,
        NARROW_COUNTRY_SIZE,
    );
    for ((p, wide), narrow) in places.iter_mut().zip(wide).zip(narrow) {
        (p.wide, p.narrow) = (wide, narrow);
    }
    wide_countries.into_iter().zip(narrow_countries).collect()
}

/// Where each place's name goes in letters of `letters` px, if anywhere (see
/// [`place_label`]), and which countries' names (in `country_letters` px) stay. The current
/// place chooses first, then the most named, then from the top. A name that covers something wherever it goes
/// may still take the place of a country's name, which is then not drawn; otherwise it is
/// left out.
fn place_all(
    places: &[PlaceCtx],
    countries: &[LabelCtx],
    size: (f64, f64),
    letters: f64,
    country_letters: f64,
) -> (Vec<Option<Label>>, Vec<bool>) {
    let dots: Vec<Box> = places.iter().map(|p| dot(p.x, p.y)).collect();
    let country_boxes: Vec<Box> = countries
        .iter()
        .map(|c| {
            text_box(
                c.x,
                c.y,
                "middle",
                c.name.chars().count(),
                country_letters,
                0.75,
            )
        })
        .collect();
    let mut kept = vec![true; countries.len()];
    let mut names: Vec<Box> = Vec::new();
    let mut labels = vec![None; places.len()];
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by_key(|&i| {
        let p = &places[i];
        (
            !p.current,
            std::cmp::Reverse(p.mentions),
            p.y as i64,
            p.x as i64,
        )
    });
    for i in order {
        let others: Vec<Box> = (dots.iter().enumerate())
            .filter(|&(j, _)| j != i)
            .map(|(_, d)| *d)
            .collect();
        let chars = places[i].name.chars().count();
        let boxed = |l: &Label| text_box(l.x, l.y, l.anchor, chars, letters, PER_CHAR);
        let with_countries: Vec<Box> = (country_boxes.iter().zip(&kept))
            .filter(|&(_, &k)| k)
            .map(|(b, _)| *b)
            .chain(names.iter().copied())
            .collect();
        let label = place_label(&places[i], &with_countries, &others, size, letters);
        let label = if cost(boxed(&label), &with_countries, &others, size) < CLEAR {
            label
        } else {
            let fixed: Vec<Box> = (country_boxes.iter().zip(countries))
                .filter(|&(_, c)| !c.yields)
                .map(|(b, _)| *b)
                .chain(names.iter().copied())
                .collect();
            let label = place_label(&places[i], &fixed, &others, size, letters);
            if cost(boxed(&label), &fixed, &others, size) >= CLEAR {
                continue;
            }
            for (country, keep) in country_boxes.iter().zip(kept.iter_mut()) {
                *keep &= overlap(*country, boxed(&label)) == 0.0;
            }
            label
        };
        names.push(boxed(&label));
        labels[i] = Some(label);
    }
    (labels, kept)
}

/// Less covered than this (in square pixels) is not covered: the sums of areas carry
/// rounding errors.
const CLEAR: f64 = 0.01;

/// How wide a letter of a place's name is, against its size (bold sans-serif, generous).
const PER_CHAR: f64 = 0.68;

/// The box a place's point covers.
fn dot(x: f64, y: f64) -> Box {
    const DOT: f64 = 8.0;
    (x - DOT, y - DOT, x + DOT, y + DOT)
}

/// How much of `b` covers what is `taken` or the `dots`, or lies outside the frame.
fn cost(b: Box, taken: &[Box], dots: &[Box], (width, height): (f64, f64)) -> f64 {
    let outside = (b.2 - b.0) * (b.3 - b.1) - overlap(b, (0.0, 0.0, width, height));
    let covered: f64 = taken.iter().chain(dots).map(|t| overlap(b, *t)).sum();
    covered + outside
}

/// Where the name of `p`, in letters of `letters` px, covers no name `taken`, no other point
/// and stays in the frame: above its point if it can, else to the right, to the left or
/// below; where every side covers something, the side that covers least. (Not at a corner
/// nor hanging below its side: there a name reads as the name of the next point.)
fn place_label(p: &PlaceCtx, taken: &[Box], dots: &[Box], size: (f64, f64), letters: f64) -> Label {
    let chars = p.name.chars().count();
    let gap = letters * 0.65;
    let sides = [
        (p.x, p.y - gap - 1.0, "middle"),
        (p.x + gap, p.y + letters * 0.35, "start"),
        (p.x - gap, p.y + letters * 0.35, "end"),
        (p.x, p.y + gap + letters * 0.8, "middle"),
    ];
    let side_cost = |&(x, y, anchor): &(f64, f64, &str)| {
        cost(
            text_box(x, y, anchor, chars, letters, PER_CHAR),
            taken,
            dots,
            size,
        )
    };
    let best = sides
        .iter()
        .enumerate()
        .min_by(|a, b| {
            // The first side with nothing covered wins; ties go to the earlier side.
            (side_cost(a.1), a.0)
                .partial_cmp(&(side_cost(b.1), b.0))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(|(_, side)| *side)
        .unwrap_or(sides[0]);
    Label {
        x: round(best.0),
        y: round(best.1),
        anchor: best.2,
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
            mentions: 0,
            wide: None,
            narrow: None,
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
        // Each place's name's box on one drawing, where it is drawn there.
        let boxes = |label: fn(&PlaceCtx) -> Option<Label>, letters: f64| -> Vec<(usize, Box)> {
            (places.iter().enumerate())
                .filter_map(|(i, p)| {
                    let l = label(p)?;
                    let chars = p.name.chars().count();
                    Some((i, text_box(l.x, l.y, l.anchor, chars, letters, PER_CHAR)))
                })
                .collect()
        };
        let wide = boxes(|p| p.wide, PLACE_SIZE);
        assert_eq!(
            wide.len(),
            places.len(),
            "every name is drawn wide: {places:?}"
        );
        let narrow = boxes(|p| p.narrow, NARROW_PLACE_SIZE);
        assert!(
            narrow.len() >= 3,
            "most names are drawn narrow too: {places:?}"
        );
        for boxes in [wide, narrow] {
            for (k, &(i, a)) in boxes.iter().enumerate() {
                assert!(
                    a.0 >= -4.0 && a.1 >= -2.0,
                    "{} leaves the frame: {a:?}",
                    places[i].name
                );
                for &(j, b) in boxes.iter().skip(k + 1) {
                    assert_eq!(
                        overlap(a, b),
                        0.0,
                        "{} and {}",
                        places[i].name,
                        places[j].name
                    );
                }
                for (j, p) in places.iter().enumerate() {
                    assert!(
                        i == j || overlap(a, dot(p.x, p.y)) == 0.0,
                        "{} covers {}",
                        places[i].name,
                        p.name
                    );
                }
            }
        }
    }
}
