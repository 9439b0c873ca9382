//! Who an entity is linked to: on its page, a list of its neighbours (the relations either
//! way, in words, and the dispatches they share); on the site's graph page, an arc diagram of
//! the entities and their relations.
//!
//! Both read at any width: the list is text, which the browser lays out, and the diagram is
//! a column of names, one per row, with the links drawn as arcs beside them. A column is as
//! narrow as its longest name, so the drawing is the same at 320 px as at 1280 px, where a
//! circle or a force-directed layout has to be shrunk into illegibility or scrolled. Rows
//! follow the links (a breadth-first walk from the most mentioned entity), so linked
//! entities sit near each other and most arcs are short. The same content gives the same
//! SVG byte for byte.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::context::EntityLink;
use super::{Lang, Renderer};
use crate::graph::Entity;
use crate::load::Relation;

/// How many entities the site's graph draws at most, the most mentioned first.
const SITE_SHOWN: usize = 24;
/// How many lines for dispatches in common it draws at most.
const SITE_LINES: usize = 40;
/// How many of the entities not drawn it names (the others are counted).
const NOT_DRAWN_NAMED: usize = 30;
/// The diagram's width, in the units of its labels' pixels: a 320 px phone shows it at about
/// nine tenths of its size, a wider screen at its size.
const WIDTH: f64 = 320.0;
/// Where the entities' points stand; the arcs use the room on their left.
const POINT_X: f64 = 64.0;
/// The height of a row: a name and, under it, its kind and mentions.
const ROW: f64 = 40.0;
/// Room above the first row and below the last.
const MARGIN: f64 = 24.0;
/// The longest name drawn whole: about what fits right of the points in 14 px bold. Longer
/// names are cut at a word and whole in the link's title.
const LABEL_CHARS: usize = 27;

/// A neighbour of an entity, on its page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct TieCtx {
    pub name: String,
    pub url: String,
    /// The relations, as the language names them, each with its end if it ended (empty for
    /// dispatches in common only).
    pub relation: String,
    /// The relations with the time each held, in full (for the item's title).
    pub when: String,
    /// How many dispatches mention both.
    pub shared: usize,
    /// `shared` against the most any neighbour shares, in fifths (1 to 5): the length of the
    /// bar drawn beside the count; 0 for none, or when every neighbour shares as many.
    pub bar: usize,
    /// Every relation between the two has ended.
    pub past: bool,
}

/// What links a neighbour to the entity.
#[derive(Default)]
struct Tie {
    relations: Vec<String>,
    /// Each relation with the time it held, in full: what the item's title says ("Based
    /// in (as of 30 November 2024)").
    dated: Vec<String>,
    /// How many of the relations have ended.
    ended: usize,
    shared: usize,
}

impl Tie {
    /// Every relation between the two has ended.
    fn past(&self) -> bool {
        !self.relations.is_empty() && self.ended == self.relations.len()
    }
}

impl Renderer<'_> {
    /// The entity's neighbours, related ones first, then by dispatches in common, then by
    /// name; empty when it has none.
    pub(super) fn neighbourhood(&self, lang: &Lang, entity: &Entity) -> (Vec<TieCtx>, usize) {
        let code = lang.code.as_str();
        let mut ties = self.ties(lang, entity);
        ties.retain(|&i, _| self.graph.entities[i].id() != entity.id());
        // Bars only where counts differ: equal bars would say nothing.
        let counts = || ties.values().map(|t| t.shared).filter(|&n| n > 0);
        let (fewest, most) = (counts().min().unwrap_or(0), counts().max().unwrap_or(0));
        let most = if fewest == most { 0 } else { most };
        let mut list: Vec<TieCtx> = ties
            .into_iter()
            .map(|(i, tie)| {
                let other = &self.graph.entities[i];
                TieCtx {
                    name: other.name_in(code).to_string(),
                    url: self.urls.entity(code, other.id()),
                    relation: if tie.relations.is_empty() {
                        String::new()
                    } else {
                        format!("{}{}", tie.relations.join(", "), colon(lang))
                    },
                    when: tie.dated.join(", "),
                    shared: tie.shared,
                    bar: if most == 0 {
                        0
                    } else {
                        (tie.shared * 5).div_ceil(most)
                    },
                    past: tie.past(),
                }
            })
            .collect();
        list.sort_by(|a, b| {
            let key = |t: &TieCtx| (t.relation.is_empty(), std::cmp::Reverse(t.shared));
            key(a)
                .cmp(&key(b))
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        // Entities named with it beyond those listed: counted under the list.
        let listed = list.iter().filter(|t| t.shared > 0).count();
        let more = entity.co_mentioned().saturating_sub(listed);
        (list, more)
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
            let end = self
                .relation_end_year(lang, r)
                .filter(|_| r.ended_by(today));
            let said = match &end {
                Some(end) => format!("{label} ({end})"),
                None => label,
            };
            // A relation both sides state (allies) is said once.
            if !tie.relations.contains(&said) {
                tie.relations.push(said);
                tie.ended += usize::from(end.is_some());
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
        // A related entity's dispatches in common, whether or not among the most shared.
        for (&i, tie) in &mut ties {
            tie.shared = tie.shared.max(entity.shared_with(i));
        }
        ties
    }
}

/// The colon that ends a label in the language (` :` in French, `:` in English), as its
/// relations' labels end.
fn colon(lang: &Lang) -> &str {
    let full = lang.strings.relation("based_in");
    &full[relation(lang, "based_in").len()..]
}

/// A relation's label without the colon it takes in the infobox (`Siège :`).
fn relation<'a>(lang: &'a Lang, kind: &'a str) -> &'a str {
    lang.strings
        .relation(kind)
        .trim_end_matches([':', ' ', '\u{a0}', '\u{202f}'])
}

/// An entity drawn in the site's graph: a row.
#[derive(Debug, Clone, Serialize)]
pub(super) struct RowCtx {
    pub name: String,
    /// The name as drawn, cut at a word if long.
    pub label: String,
    pub url: String,
    /// Its kind, as the language names it.
    pub kind: String,
    /// How many dispatches of the language mention it.
    pub mentions: usize,
    /// The row's middle.
    pub y: f64,
}

/// A link drawn in the site's graph: an arc between two rows.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ArcCtx {
    /// The arc, as an SVG path.
    pub d: String,
    /// A relation (solid) rather than dispatches in common (dashed).
    pub related: bool,
    /// The relation has ended (dotted, faded).
    pub past: bool,
    pub weight: f64,
    /// What it stands for, in words: its title, and an item of the list under the drawing.
    pub title: String,
}

/// What the site's graph page needs.
#[derive(Debug, Clone, Serialize)]
pub(super) struct SiteGraphCtx {
    pub name: String,
    pub width: f64,
    pub height: f64,
    pub point_x: f64,
    pub rows: Vec<RowCtx>,
    pub arcs: Vec<ArcCtx>,
    /// Whether lines stand for dispatches in common too: only when some pairs share more
    /// dispatches than others (with one dispatch, every pair shares it, and such lines would
    /// say nothing).
    pub co_mentions: bool,
    /// Entities with no link to draw, the most mentioned first, and how many more there are.
    pub not_drawn: Vec<EntityLink>,
    pub not_drawn_more: usize,
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
            graph: SiteGraphCtx,
        }
        let graph = self.site_graph(lang);
        self.site_view(
            lang,
            path,
            (
                "graph.html",
                crate::urls::graph_path,
                "site_graph",
                "site_graph_intro",
            ),
            GraphPage { graph },
        )
    }

    /// The site's graph in one language: the entities linked by a relation (or, when the
    /// dispatches tell pairs apart, by the dispatches they share most), in rows, with arcs.
    pub(super) fn site_graph(&self, lang: &Lang) -> SiteGraphCtx {
        let code = lang.code.as_str();
        let entities = &self.graph.entities;
        let mentioned = |i: usize| entities[i].backlinks.get(code).map_or(0, Vec::len);
        let today = self.config.today();
        // Every link there is: relations, then pairs that share more dispatches than the
        // fewest any pair shares.
        let mut links: Vec<Link> = Vec::new();
        let mut stated: BTreeSet<(usize, usize, &str)> = BTreeSet::new();
        for (i, e) in entities.iter().enumerate() {
            for r in &e.source.relations {
                let Some(j) = self.graph.index_of(&r.target).filter(|&j| j != i) else {
                    continue;
                };
                // A relation both sides state (allies) is one arc.
                if stated.insert((i.min(j), i.max(j), r.kind.as_str())) {
                    links.push(Link::Relation(i, j, r, r.ended_by(today)));
                }
            }
        }
        let pairs: Vec<(usize, usize, usize)> = entities
            .iter()
            .enumerate()
            .flat_map(|(i, e)| {
                e.co_mentions
                    .iter()
                    .filter(move |(j, _)| i < *j)
                    .map(move |&(j, c)| (i, j, c))
            })
            .collect();
        let fewest = pairs.iter().map(|p| p.2).min().unwrap_or(0);
        let co_mentions = pairs.iter().any(|p| p.2 > fewest);
        let mut shared: Vec<(usize, usize, usize)> =
            pairs.into_iter().filter(|p| p.2 > fewest).collect();
        shared.sort_by_key(|&(i, j, c)| (std::cmp::Reverse(c), i, j));
        shared.truncate(SITE_LINES);
        let strongest = shared.first().map_or(1, |s| s.2).max(1);
        links.extend(shared.into_iter().map(|(i, j, c)| Link::Shared(i, j, c)));
        // The most mentioned of the linked entities, in rows that follow their links.
        let mut linked: Vec<usize> = links
            .iter()
            .flat_map(|l| [l.ends().0, l.ends().1])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut degree: BTreeMap<usize, usize> = BTreeMap::new();
        for l in &links {
            let (a, b) = l.ends();
            *degree.entry(a).or_default() += 1;
            *degree.entry(b).or_default() += 1;
        }
        let rank = |i: &usize| {
            (
                std::cmp::Reverse(mentioned(*i)),
                std::cmp::Reverse(degree.get(i).copied().unwrap_or(0)),
                entities[*i].name_in(code).to_lowercase(),
            )
        };
        linked.sort_by_key(rank);
        let linked = choose(&linked, &links);
        let order = walk(&linked, &links);
        let row_of: BTreeMap<usize, usize> =
            order.iter().enumerate().map(|(r, &i)| (i, r)).collect();
        let y = |row: usize| MARGIN + ROW * (row as f64 + 0.5);
        let rows: Vec<RowCtx> = order
            .iter()
            .enumerate()
            .map(|(row, &i)| {
                let e = &entities[i];
                let name = e.name_in(code).to_string();
                RowCtx {
                    label: cut_at_word(&name, LABEL_CHARS),
                    url: self.urls.entity(code, e.id()),
                    kind: lang
                        .strings
                        .get(&["types", e.source.kind.as_str()])
                        .unwrap_or(e.source.kind.as_str())
                        .to_string(),
                    mentions: mentioned(i),
                    y: y(row),
                    name,
                }
            })
            .collect();
        let span = |link: &Link| {
            let (a, b) = link.ends();
            Some(row_of.get(&a)?.abs_diff(*row_of.get(&b)?))
        };
        let longest = ROW * links.iter().filter_map(span).max().unwrap_or(1) as f64 / 2.0;
        let arcs = links
            .iter()
            .filter_map(|link| {
                let (a, b) = link.ends();
                let (ra, rb) = (*row_of.get(&a)?, *row_of.get(&b)?);
                let (top, bottom) = (y(ra.min(rb)), y(ra.max(rb)));
                let d = arc(top, bottom, longest);
                let (name_a, name_b) = (entities[a].name_in(code), entities[b].name_in(code));
                Some(match *link {
                    Link::Relation(_, _, r, past) => {
                        // "Hayat Tahrir al-Sham, Led by: Abu Mohammed al-Jolani (until 29 January 2025)"
                        let said = lang.strings.relation(&r.kind);
                        let mut title = format!("{name_a}, {said} {name_b}");
                        if let Some(when) = self.relation_time(lang, r) {
                            title.push_str(&format!(" ({when})"));
                        }
                        ArcCtx {
                            d,
                            related: true,
                            past,
                            weight: 2.0,
                            title,
                        }
                    }
                    Link::Shared(_, _, count) => ArcCtx {
                        d,
                        related: false,
                        past: false,
                        weight: round(1.0 + 3.0 * count as f64 / strongest as f64),
                        title: format!("{name_a}, {name_b}: {count}"),
                    },
                })
            })
            .collect();
        let drawn: BTreeSet<usize> = order.iter().copied().collect();
        let mut others: Vec<usize> = (0..entities.len()).filter(|i| !drawn.contains(i)).collect();
        others.sort_by_key(rank);
        let not_drawn_more = others.len().saturating_sub(NOT_DRAWN_NAMED);
        let not_drawn = others
            .into_iter()
            .take(NOT_DRAWN_NAMED)
            .map(|i| EntityLink {
                name: entities[i].name_in(code).to_string(),
                url: self.urls.entity(code, entities[i].id()),
                count: mentioned(i),
                description: None,
                as_of: None,
            })
            .collect();
        SiteGraphCtx {
            name: lang
                .strings
                .get(&["ui", "site_graph"])
                .unwrap_or_default()
                .to_string(),
            width: WIDTH,
            height: round(2.0 * MARGIN + ROW * rows.len() as f64),
            point_x: POINT_X,
            rows,
            arcs,
            co_mentions,
            not_drawn,
            not_drawn_more,
        }
    }
}

/// A link between two entities of the site's graph.
enum Link<'r> {
    /// From the entity that states it, to its target; whether it has ended.
    Relation(usize, usize, &'r Relation, bool),
    /// Two entities and the dispatches they share.
    Shared(usize, usize, usize),
}

impl Link<'_> {
    fn ends(&self) -> (usize, usize) {
        match *self {
            Link::Relation(a, b, ..) | Link::Shared(a, b, _) => (a, b),
        }
    }
}

/// The first [`SITE_SHOWN`] of `ranked` that each have a link to another of them: an entity
/// whose every link goes to one not drawn would stand alone; its row goes to the next.
fn choose(ranked: &[usize], links: &[Link]) -> Vec<usize> {
    let mut alone: BTreeSet<usize> = BTreeSet::new();
    // A few rounds settle it: each leaves out at least one more.
    for _ in 0..16 {
        let chosen: Vec<usize> = (ranked.iter().copied())
            .filter(|i| !alone.contains(i))
            .take(SITE_SHOWN)
            .collect();
        let set: BTreeSet<usize> = chosen.iter().copied().collect();
        let linked_in = |i: usize| {
            links.iter().any(|l| {
                let (a, b) = l.ends();
                (a == i && set.contains(&b)) || (b == i && set.contains(&a))
            })
        };
        let lone: Vec<usize> = chosen.iter().copied().filter(|&i| !linked_in(i)).collect();
        if lone.is_empty() {
            return chosen;
        }
        alone.extend(lone);
    }
    Vec::new()
}

/// The rows of `chosen` (most mentioned first): a breadth-first walk along the links from the
/// most mentioned entity not yet placed, each entity's neighbours in the order of `chosen`.
fn walk(chosen: &[usize], links: &[Link]) -> Vec<usize> {
    let rank: BTreeMap<usize, usize> = chosen.iter().enumerate().map(|(r, &i)| (i, r)).collect();
    let mut next: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for link in links {
        let (a, b) = link.ends();
        if let (Some(&ra), Some(&rb)) = (rank.get(&a), rank.get(&b)) {
            next.entry(ra).or_default().insert(rb);
            next.entry(rb).or_default().insert(ra);
        }
    }
    let mut placed = vec![false; chosen.len()];
    let mut order = Vec::with_capacity(chosen.len());
    for start in 0..chosen.len() {
        if placed[start] {
            continue;
        }
        placed[start] = true;
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(r) = queue.pop_front() {
            order.push(chosen[r]);
            for &n in next.get(&r).into_iter().flatten() {
                if !placed[n] {
                    placed[n] = true;
                    queue.push_back(n);
                }
            }
        }
    }
    order
}

/// The arc from the point at `top` to the point at `bottom`, bulging left: half an ellipse,
/// as wide as its span is long against `longest` (the longest arc's), so that arcs of
/// different spans stay apart, within the room left of the points.
fn arc(top: f64, bottom: f64, longest: f64) -> String {
    let ry = (bottom - top) / 2.0;
    let rx = (8.0 + (POINT_X - 16.0) * ry / longest.max(ry)).min(ry.max(8.0));
    format!(
        "M{x} {top}A{rx} {ry} 0 0 0 {x} {bottom}",
        x = POINT_X,
        rx = round(rx),
        ry = round(ry),
    )
}

/// `name` if it has at most `max` characters; else its words that fit, and an ellipsis.
fn cut_at_word(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let mut cut = String::new();
    for word in name.split(' ') {
        let wanted = cut.chars().count() + usize::from(!cut.is_empty()) + word.chars().count();
        if wanted > max - 1 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        // One long word: cut it where it must be.
        cut = name.chars().take(max - 1).collect();
    }
    format!("{}…", cut.trim_end_matches([',', ';', ':', '-', ' ']))
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_at_a_word() {
        assert_eq!(cut_at_word("Alep", 23), "Alep");
        assert_eq!(
            cut_at_word("Observatoire syrien des droits de l'homme", 23),
            "Observatoire syrien…"
        );
        assert_eq!(
            cut_at_word("Cessez-le-feu de mars 2020 à Idleb", 23),
            "Cessez-le-feu de mars…"
        );
        assert_eq!(cut_at_word(&"x".repeat(40), 23).chars().count(), 23);
    }

    #[test]
    fn rows_follow_the_links() {
        // 0 is most mentioned; 3 is linked to 0, 1 to 2: 0 and 3 sit together, then 1 and 2.
        let links = [Link::Shared(0, 3, 2), Link::Shared(1, 2, 2)];
        assert_eq!(walk(&[0, 1, 2, 3], &links), vec![0, 3, 1, 2]);
    }

    #[test]
    fn arcs_stay_left_of_the_points_and_inside_the_drawing() {
        let longest = ROW * SITE_SHOWN as f64 / 2.0;
        let mut widths = Vec::new();
        for rows in 1..SITE_SHOWN {
            let bottom = MARGIN + ROW * rows as f64;
            let d = arc(MARGIN, bottom, longest);
            let rx: f64 = d
                .split('A')
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(POINT_X - rx >= 8.0 && rx > 0.0, "{d}");
            widths.push(rx);
        }
        // Longer arcs are wider: arcs of different spans do not run together.
        assert!(widths.windows(2).all(|w| w[0] < w[1]), "{widths:?}");
    }
}
