//! An entity's neighbourhood as an SVG on its page: the entity in the middle, the entities it
//! is related to or mentioned with around it, each a link.
//!
//! The layout is radial, computed here: a neighbourhood is a star (every edge touches the
//! middle), for which a circle is the layout a force-directed or layered one converges to,
//! without their iterations or their dependence on a seed. Neighbours are placed clockwise
//! from the top in a fixed order (relations first, then the most co-mentioned, then by name),
//! so the same content gives the same SVG byte for byte. Labels sit outside the circle,
//! anchored away from it: with at most 16 around a circle, neighbours' labels do not overlap.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Lang, Renderer};
use crate::graph::Entity;
use crate::load::Relation;

/// How many neighbours a graph shows; the others are counted.
const SHOWN: usize = 12;
/// The drawing's size and the circle the neighbours sit on.
const EGO: Frame = Frame {
    width: 820.0,
    height: 460.0,
    radius: 150.0,
};
/// How many entities the site's graph shows, the most mentioned, and how many of the lines
/// between them that stand for dispatches in common.
const SITE_SHOWN: usize = 16;
const SITE_LINES: usize = 40;
const SITE: Frame = Frame {
    width: 960.0,
    height: 620.0,
    radius: 210.0,
};

/// A drawing's size, and the circle its entities sit on, around its middle.
#[derive(Clone, Copy)]
struct Frame {
    width: f64,
    height: f64,
    radius: f64,
}
/// The longest label shown whole; longer names are cut (and whole in the link's title).
const LABEL_CHARS: usize = 24;

/// A neighbour on the drawing.
#[derive(Debug, Clone, Serialize)]
pub(super) struct NodeCtx {
    pub name: String,
    /// The name as drawn, cut if long.
    pub label: String,
    pub url: String,
    pub x: f64,
    pub y: f64,
    /// Where the label starts, and which way it runs (`start`, `middle`, `end`).
    pub label_x: f64,
    pub label_y: f64,
    pub anchor: &'static str,
    /// The relations, as the language names them (empty for co-mentions only).
    pub relation: String,
    /// The relations with the time each held, for the node's title and the description.
    pub when: String,
    /// How many dispatches mention both.
    pub shared: usize,
    /// The edge's width: more shared dispatches, a thicker line.
    pub weight: f64,
    /// A typed relation (drawn solid) rather than co-mentions only (dashed).
    pub related: bool,
    /// Every relation drawn has ended (drawn faded).
    pub past: bool,
}

/// A line between two entities.
#[derive(Debug, Clone, Serialize)]
pub(super) struct EdgeCtx {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub weight: f64,
    /// A typed relation (solid) rather than dispatches in common only (dashed).
    pub related: bool,
    /// Every relation it stands for has ended (faded).
    pub past: bool,
    /// What the line stands for, with when it held (its title, read on hover and by
    /// assistive technology); empty for dispatches in common.
    pub title: String,
}

/// The entity a neighbourhood is drawn around.
#[derive(Debug, Clone, Serialize)]
pub(super) struct CentreCtx {
    pub x: f64,
    pub y: f64,
    pub name: String,
}

/// What the graph template needs.
#[derive(Debug, Clone, Serialize)]
pub(super) struct GraphCtx {
    pub width: f64,
    pub height: f64,
    /// What the drawing shows, for its title.
    pub name: String,
    /// The entity in the middle, for a neighbourhood.
    pub centre: Option<CentreCtx>,
    pub nodes: Vec<NodeCtx>,
    pub edges: Vec<EdgeCtx>,
    /// Entities left out beyond those drawn.
    pub hidden: usize,
}

/// What links a neighbour to the entity.
#[derive(Default)]
struct Tie {
    relations: Vec<String>,
    /// Each relation with the time it held, in full: what the drawing's title and
    /// description say ("Based in: as of 30 November 2024").
    dated: Vec<String>,
    /// How many of the relations have ended.
    ended: usize,
    shared: usize,
}

impl Tie {
    /// Every relation between the two has ended: the line is drawn as past.
    fn past(&self) -> bool {
        !self.relations.is_empty() && self.ended == self.relations.len()
    }
}

impl Renderer<'_> {
    /// The entity's neighbourhood, or `None` when it has none.
    pub(super) fn neighbourhood(&self, lang: &Lang, entity: &Entity) -> Option<GraphCtx> {
        let code = lang.code.as_str();
        let mut ties = self.ties(lang, entity);
        ties.retain(|&i, _| self.graph.entities[i].id() != entity.id());
        if ties.is_empty() {
            return None;
        }
        let mut ranked: Vec<(usize, Tie)> = ties.into_iter().collect();
        ranked.sort_by(|(a, x), (b, y)| {
            let name = |i: usize| self.graph.entities[i].name_in(code).to_lowercase();
            (
                x.relations.is_empty(),
                std::cmp::Reverse(x.shared),
                name(*a),
            )
                .cmp(&(
                    y.relations.is_empty(),
                    std::cmp::Reverse(y.shared),
                    name(*b),
                ))
        });
        let hidden = ranked.len().saturating_sub(SHOWN);
        ranked.truncate(SHOWN);
        let most = ranked
            .iter()
            .map(|(_, t)| t.shared)
            .max()
            .unwrap_or(0)
            .max(1);
        let n = ranked.len();
        let nodes: Vec<NodeCtx> = ranked
            .into_iter()
            .enumerate()
            .map(|(k, (i, tie))| {
                let other = &self.graph.entities[i];
                self.node(lang, other, EGO, angle(k, n), &tie, most)
            })
            .collect();
        let (cx, cy) = (EGO.width / 2.0, EGO.height / 2.0);
        let edges = nodes
            .iter()
            .map(|node| EdgeCtx {
                x1: cx,
                y1: cy,
                x2: node.x,
                y2: node.y,
                weight: node.weight,
                related: node.related,
                past: node.past,
                title: node.when.clone(),
            })
            .collect();
        let name = entity.name_in(code).to_string();
        Some(GraphCtx {
            width: EGO.width,
            height: EGO.height,
            centre: Some(CentreCtx {
                x: cx,
                y: cy,
                name: name.clone(),
            }),
            name,
            nodes,
            edges,
            hidden,
        })
    }

    /// What links each other entity to this one: relations either way, dispatches in common.
    fn ties(&self, lang: &Lang, entity: &Entity) -> BTreeMap<usize, Tie> {
        let mut ties: BTreeMap<usize, Tie> = BTreeMap::new();
        let today = self.config.today();
        // A relation that ended says so: "Supported by (until 2024)".
        let mut tie = |i: usize, r: &Relation, label: String| {
            let tie = ties.entry(i).or_default();
            tie.dated.push(match self.relation_time(lang, r) {
                Some(when) => format!("{label} ({when})"),
                None => label.clone(),
            });
            match self
                .relation_end_year(lang, r)
                .filter(|_| r.ended_by(today))
            {
                Some(end) => {
                    tie.relations.push(format!("{label} ({end})"));
                    tie.ended += 1;
                }
                None => tie.relations.push(label),
            }
        };
        for r in &entity.source.relations {
            if let Some(i) = self.graph.index_of(&r.target) {
                tie(i, r, relation(lang, &r.kind).to_string());
            }
        }
        // Relations other entities state about this one, labelled from their side.
        let this = self.graph.index_of(entity.id());
        for &(i, j) in this.map_or(&[][..], |t| self.graph.incoming(t)) {
            let r = &self.graph.entities[i].source.relations[j];
            let inverse = lang.strings.get(&["relations_inverse", &r.kind]);
            tie(
                i,
                r,
                inverse.map_or_else(|| format!("← {}", relation(lang, &r.kind)), str::to_string),
            );
        }
        for &(i, shared) in &entity.co_mentions {
            ties.entry(i).or_default().shared = shared;
        }
        ties
    }

    fn node(
        &self,
        lang: &Lang,
        other: &Entity,
        frame: Frame,
        angle: f64,
        tie: &Tie,
        most: usize,
    ) -> NodeCtx {
        let code = lang.code.as_str();
        let Spot {
            x,
            y,
            label_x,
            label_y,
            anchor,
        } = spot(frame, angle);
        let name = other.name_in(code).to_string();
        let label = if name.chars().count() > LABEL_CHARS {
            let cut: String = name.chars().take(LABEL_CHARS - 1).collect();
            format!("{}…", cut.trim_end())
        } else {
            name.clone()
        };
        NodeCtx {
            label,
            url: self.urls.entity(code, other.id()),
            x: round(x),
            y: round(y),
            label_x: round(label_x),
            label_y: round(label_y),
            anchor,
            relation: tie.relations.join(", "),
            when: tie.dated.join(", "),
            shared: tie.shared,
            weight: round(1.0 + 4.0 * tie.shared as f64 / most as f64),
            related: !tie.relations.is_empty(),
            past: tie.past(),
            name,
        }
    }
}

/// A relation's label without the colon it takes in the infobox (`Siège :`).
fn relation<'a>(lang: &'a Lang, kind: &'a str) -> &'a str {
    lang.strings
        .relation(kind)
        .trim_end_matches([':', ' ', '\u{a0}', '\u{202f}'])
}

impl Renderer<'_> {
    /// A language's graph page.
    pub(super) fn graph_page(
        &self,
        lang: &Lang,
        path: String,
    ) -> Result<super::Page, crate::diagnostic::Diagnostic> {
        #[derive(Serialize)]
        struct GraphPage {
            graph: GraphCtx,
        }
        let graph = self.site_graph(lang);
        self.site_view(
            lang,
            path,
            ("graph.html", crate::urls::graph_path, "site_graph_intro"),
            GraphPage { graph },
        )
    }

    /// The site's graph in one language: its most mentioned entities around a circle, lines
    /// for their relations and for the dispatches they share most.
    pub(super) fn site_graph(&self, lang: &Lang) -> GraphCtx {
        let code = lang.code.as_str();
        let mentioned = |e: &Entity| e.backlinks.get(code).map_or(0, Vec::len);
        let mut ranked: Vec<usize> = (0..self.graph.entities.len()).collect();
        ranked.sort_by_key(|&i| {
            let e = &self.graph.entities[i];
            (
                std::cmp::Reverse(mentioned(e)),
                e.name_in(code).to_lowercase(),
            )
        });
        let hidden = ranked.len().saturating_sub(SITE_SHOWN);
        ranked.truncate(SITE_SHOWN);
        let most = ranked
            .iter()
            .map(|&i| mentioned(&self.graph.entities[i]))
            .max()
            .unwrap_or(0)
            .max(1);
        let n = ranked.len();
        let nodes: Vec<NodeCtx> = ranked
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let e = &self.graph.entities[i];
                let tie = Tie {
                    shared: mentioned(e),
                    ..Tie::default()
                };
                self.node(lang, e, SITE, angle(k, n), &tie, most)
            })
            .collect();
        let place: BTreeMap<usize, &NodeCtx> = ranked.iter().copied().zip(&nodes).collect();
        let edges = self.site_edges(lang, &place);
        GraphCtx {
            width: SITE.width,
            height: SITE.height,
            name: lang
                .strings
                .get(&["ui", "site_graph"])
                .unwrap_or_default()
                .to_string(),
            centre: None,
            nodes: nodes
                .into_iter()
                .map(|n| NodeCtx {
                    relation: String::new(),
                    when: String::new(),
                    ..n
                })
                .collect(),
            edges,
            hidden,
        }
    }
    /// The lines between the entities drawn: their relations, and the dispatches the pairs
    /// that share the most have in common.
    fn site_edges(&self, lang: &Lang, place: &BTreeMap<usize, &NodeCtx>) -> Vec<EdgeCtx> {
        let line =
            |a: &NodeCtx, b: &NodeCtx, weight: f64, related: bool, past: bool, title| EdgeCtx {
                x1: a.x,
                y1: a.y,
                x2: b.x,
                y2: b.y,
                weight: round(weight),
                related,
                past,
                title,
            };
        let today = self.config.today();
        let mut edges = Vec::new();
        for (&i, a) in place {
            for r in &self.graph.entities[i].source.relations {
                let target = self.graph.index_of(&r.target);
                if let Some(b) = target.and_then(|j| place.get(&j)) {
                    // "Hayat Tahrir al-Sham, Led by: Abu Mohammed al-Jolani (until 29 January 2025)"
                    let mut title = format!("{}, {} {}", a.name, relation(lang, &r.kind), b.name);
                    if let Some(when) = self.relation_time(lang, r) {
                        title.push_str(&format!(" ({when})"));
                    }
                    edges.push(line(a, b, 2.0, true, r.ended_by(today), title));
                }
            }
        }
        let mut shared: Vec<(usize, usize, usize)> = place
            .keys()
            .flat_map(|&i| {
                let e = &self.graph.entities[i];
                e.co_mentions
                    .iter()
                    .filter(move |(j, _)| i < *j)
                    .map(move |&(j, c)| (i, j, c))
            })
            .filter(|(_, j, _)| place.contains_key(j))
            .collect();
        shared.sort_by_key(|&(i, j, c)| (std::cmp::Reverse(c), i, j));
        shared.truncate(SITE_LINES);
        let strongest = shared.first().map_or(1, |s| s.2).max(1);
        for (i, j, c) in shared {
            edges.push(line(
                place[&i],
                place[&j],
                1.0 + 3.0 * c as f64 / strongest as f64,
                false,
                false,
                String::new(),
            ));
        }
        edges
    }
}

/// Where a node and its label go.
struct Spot {
    x: f64,
    y: f64,
    label_x: f64,
    label_y: f64,
    anchor: &'static str,
}

/// The node at `angle` on the frame's circle, and its label: above the top node, below the
/// bottom one, running away from the circle beside the others.
fn spot(frame: Frame, angle: f64) -> Spot {
    let (cos, sin) = (angle.cos(), angle.sin());
    let x = frame.width / 2.0 + frame.radius * cos;
    let y = frame.height / 2.0 + frame.radius * sin;
    let anchor = if cos > 0.1 {
        "start"
    } else if cos < -0.1 {
        "end"
    } else {
        "middle"
    };
    let (label_x, label_y) = match anchor {
        "middle" if sin < 0.0 => (x, y - 26.0),
        "middle" => (x, y + 24.0),
        _ => (x + 12.0 * cos.signum(), y + 5.0),
    };
    Spot {
        x,
        y,
        label_x,
        label_y,
        anchor,
    }
}

/// The `k`th of `n` places on a circle, clockwise from the top.
fn angle(k: usize, n: usize) -> f64 {
    -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n.max(1) as f64
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A label's box: two lines (name, then relation or count) of [`LABEL_CHARS`] characters
    /// at most, about 9 px a character in the 15 px bold of the style sheet.
    fn label_box(spot: &Spot) -> (f64, f64, f64, f64) {
        let width = LABEL_CHARS as f64 * 9.0;
        let left = match spot.anchor {
            "start" => spot.label_x,
            "end" => spot.label_x - width,
            _ => spot.label_x - width / 2.0,
        };
        (left, spot.label_y - 15.0, left + width, spot.label_y + 17.0)
    }

    #[test]
    fn labels_stay_apart_and_inside_the_drawing() {
        for (frame, most) in [(EGO, SHOWN), (SITE, SITE_SHOWN)] {
            for n in 1..=most {
                let boxes: Vec<_> = (0..n)
                    .map(|k| label_box(&spot(frame, angle(k, n))))
                    .collect();
                for (i, a) in boxes.iter().enumerate() {
                    assert!(
                        a.0 >= 0.0 && a.2 <= frame.width,
                        "{n} nodes: label {i} leaves the drawing: {a:?}"
                    );
                    assert!(
                        a.1 >= 0.0 && a.3 <= frame.height,
                        "{n} nodes: label {i}: {a:?}"
                    );
                    for (j, b) in boxes.iter().enumerate().skip(i + 1) {
                        let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
                        assert!(apart, "{n} nodes: labels {i} and {j} overlap: {a:?} {b:?}");
                    }
                }
            }
        }
    }
}
