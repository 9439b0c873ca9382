//! An entity's neighbourhood as an SVG on its page: the entity in the middle, the entities it
//! is related to or mentioned with around it, each a link.
//!
//! The layout is radial, computed here: a neighbourhood is a star (every edge touches the
//! middle), for which a circle is the layout a force-directed or layered one converges to,
//! without their iterations or their dependence on a seed. Neighbours are placed clockwise
//! from the top in a fixed order (relations first, then the most co-mentioned, then by name),
//! so the same content gives the same SVG byte for byte. Labels sit outside the circle,
//! anchored away from it, so that at most [`SHOWN`] neighbours they do not overlap.

use std::collections::BTreeMap;

use serde::Serialize;

use super::pages::name_in;
use super::{Lang, Renderer};
use crate::graph::Entity;

/// How many neighbours a graph shows; the others are counted.
const SHOWN: usize = 12;
/// The drawing's size and the circle the neighbours sit on.
const WIDTH: f64 = 820.0;
const HEIGHT: f64 = 460.0;
const RADIUS: f64 = 150.0;
/// The longest label shown whole; longer names are cut (and whole in the link's title).
const LABEL_CHARS: usize = 26;

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
    /// How many dispatches mention both.
    pub shared: usize,
    /// The edge's width: more shared dispatches, a thicker line.
    pub weight: f64,
    /// A typed relation (drawn solid) rather than co-mentions only (dashed).
    pub related: bool,
}

/// What the graph template needs.
#[derive(Debug, Clone, Serialize)]
pub(super) struct GraphCtx {
    pub width: f64,
    pub height: f64,
    pub cx: f64,
    pub cy: f64,
    pub name: String,
    pub nodes: Vec<NodeCtx>,
    /// Neighbours left out beyond [`SHOWN`].
    pub hidden: usize,
}

/// What links a neighbour to the entity.
#[derive(Default)]
struct Tie {
    relations: Vec<String>,
    shared: usize,
}

impl Renderer<'_> {
    /// The entity's neighbourhood, or `None` when it has none.
    pub(super) fn neighbourhood(&self, lang: &Lang, entity: &Entity) -> Option<GraphCtx> {
        let code = lang.code.as_str();
        let mut ties: BTreeMap<usize, Tie> = BTreeMap::new();
        let index_of = |id: &str| self.graph.entities.iter().position(|e| e.id() == id);
        for r in &entity.source.relations {
            if let Some(i) = index_of(&r.target) {
                let label = relation(lang, &r.kind).to_string();
                ties.entry(i).or_default().relations.push(label);
            }
        }
        // Relations other entities state about this one, labelled from their side.
        for (i, other) in self.graph.entities.iter().enumerate() {
            for r in other
                .source
                .relations
                .iter()
                .filter(|r| r.target == entity.id())
            {
                let label = format!("← {}", relation(lang, &r.kind));
                ties.entry(i).or_default().relations.push(label);
            }
        }
        for &(i, shared) in &entity.co_mentions {
            ties.entry(i).or_default().shared = shared;
        }
        ties.retain(|&i, _| self.graph.entities[i].id() != entity.id());
        if ties.is_empty() {
            return None;
        }
        let mut ranked: Vec<(usize, Tie)> = ties.into_iter().collect();
        ranked.sort_by(|(a, x), (b, y)| {
            let name = |i: usize| name_in(&self.graph.entities[i], code).to_lowercase();
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
        let nodes = ranked
            .into_iter()
            .enumerate()
            .map(|(k, (i, tie))| {
                let other = &self.graph.entities[i];
                let angle =
                    -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n as f64;
                self.node(lang, other, angle, &tie, most)
            })
            .collect();
        Some(GraphCtx {
            width: WIDTH,
            height: HEIGHT,
            cx: WIDTH / 2.0,
            cy: HEIGHT / 2.0,
            name: name_in(entity, code).to_string(),
            nodes,
            hidden,
        })
    }

    fn node(&self, lang: &Lang, other: &Entity, angle: f64, tie: &Tie, most: usize) -> NodeCtx {
        let code = lang.code.as_str();
        let (cos, sin) = (angle.cos(), angle.sin());
        let (x, y) = (WIDTH / 2.0 + RADIUS * cos, HEIGHT / 2.0 + RADIUS * sin);
        let anchor = if cos > 0.3 {
            "start"
        } else if cos < -0.3 {
            "end"
        } else {
            "middle"
        };
        // Above the top node, below the bottom one, beside the others.
        let (label_x, label_y) = match anchor {
            "middle" if sin < 0.0 => (x, y - 26.0),
            "middle" => (x, y + 24.0),
            _ => (x + 12.0 * cos.signum(), y + 5.0),
        };
        let name = name_in(other, code).to_string();
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
            shared: tie.shared,
            weight: round(1.0 + 4.0 * tie.shared as f64 / most as f64),
            related: !tie.relations.is_empty(),
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

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
