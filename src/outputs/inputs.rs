//! What each output is made from, as one digest: a build keeps a file of the last build
//! whose digest is unchanged instead of rendering it again.
//!
//! Every output depends on the site (`site`: the program, the options, `site.yaml`, the
//! templates, `static/`, the entities' files, today) and on the articles' outline (every
//! article's key, languages, paths and dates, which order and number every listing); then
//! on the articles its [`Source`] names, each by the digest of its files. A change to the
//! site or the outline makes every output again; an edit of one article's text makes the
//! outputs whose source holds it.

use std::collections::HashMap;

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use super::{Output, Source, Stage};
use crate::config::Config;
use crate::graph::{Entity, Graph};
use crate::load::references;

/// The digests of a graph's articles, and what is shared by every output.
pub(crate) struct Inputs<'g> {
    config: &'g Config,
    graph: &'g Graph,
    /// Each article's files, by index into the graph's articles.
    articles: Vec<u128>,
    /// Each article's files and those of the articles it cites as sources.
    cited_too: Vec<u128>,
    /// The site and the articles' outline.
    common: u128,
    /// Every article.
    content: u128,
    /// Every article's front matter, teaser and mention counts ([`Source::Knowledge`]).
    knowledge: u128,
    /// Each entity's backlinks as every page of them shows them (see [`Inputs::entity`]),
    /// then all of them, by index into the graph's entities.
    entities: Vec<(u128, u128)>,
    /// The articles each language lists, in the graph's order: its home pages page them.
    listed: HashMap<&'g str, Vec<usize>>,
}

impl<'g> Inputs<'g> {
    /// `site` is the digest of everything the outputs depend on besides the articles.
    pub(crate) fn new(config: &'g Config, graph: &'g Graph, site: u128) -> Inputs<'g> {
        let articles: Vec<u128> = graph
            .articles
            .iter()
            .map(|article| {
                let mut h = Xxh3::new();
                for version in article.versions.values() {
                    h.update(&version.doc.digest.to_le_bytes());
                }
                h.digest128()
            })
            .collect();
        let mut outline = Xxh3::new();
        outline.update(&site.to_le_bytes());
        for article in &graph.articles {
            write(&mut outline, &article.key);
            for version in article.versions.values() {
                let front = &version.front;
                write(&mut outline, &version.lang);
                write(&mut outline, &version.path);
                write(&mut outline, &front.date.raw);
                write(&mut outline, front.updated.as_ref().map_or("", |u| &u.raw));
            }
        }
        let mut content = Xxh3::new();
        for digest in &articles {
            content.update(&digest.to_le_bytes());
        }
        let mut knowledge = Xxh3::new();
        for version in graph.articles.iter().flat_map(|a| a.versions.values()) {
            knowledge.update(&version.doc.front_digest.to_le_bytes());
            write(
                &mut knowledge,
                version.doc.excerpt.as_deref().unwrap_or("\0"),
            );
            knowledge.update(&(version.doc.mention_counts.len() as u64).to_le_bytes());
            for (id, count) in &version.doc.mention_counts {
                write(&mut knowledge, id);
                knowledge.update(&count.to_le_bytes());
            }
        }
        let mut named: HashMap<&str, Vec<usize>> = HashMap::new();
        // Each article's own digest, then those of the articles it cites as sources: its
        // pages show their titles.
        let mut cited_too = articles.clone();
        for (a, article) in graph.articles.iter().enumerate() {
            let mut h = Xxh3::new();
            h.update(&articles[a].to_le_bytes());
            for version in article.versions.values() {
                let names = references::of_article(&version.front);
                for &c in &cited(graph, &names) {
                    h.update(&articles[c].to_le_bytes());
                }
                for (_, name, _) in names {
                    let list = named.entry(name).or_default();
                    if list.last() != Some(&a) {
                        list.push(a);
                    }
                }
            }
            cited_too[a] = h.digest128();
        }
        let entities = graph
            .entities
            .par_iter()
            .map(|e| {
                // The articles its own file cites as sources: its page shows their titles.
                let cited = cited(graph, &references::of_entity(&e.source));
                entity(
                    graph,
                    &articles,
                    e,
                    named.get(e.id()).map_or(&[][..], Vec::as_slice),
                    &cited,
                )
            })
            .collect();
        let mut listed: HashMap<&str, Vec<usize>> = HashMap::new();
        for (a, article) in graph.articles.iter().enumerate() {
            for lang in article.versions.keys() {
                listed.entry(lang.as_str()).or_default().push(a);
            }
        }
        Inputs {
            config,
            graph,
            listed,
            articles,
            cited_too,
            common: outline.digest128(),
            content: content.digest128(),
            knowledge: knowledge.digest128(),
            entities,
        }
    }

    /// The digest of what the article at `index` in the graph is made from, with what every
    /// output depends on: what a page made from it alone (its search record) is made from.
    pub(crate) fn article(&self, index: usize) -> u128 {
        let mut h = Xxh3::new();
        h.update(&self.common.to_le_bytes());
        h.update(&self.articles[index].to_le_bytes());
        h.digest128()
    }

    /// The digest of what `output` is made from; `None` for an output made again by every
    /// build (a summary of every page, the search index, a copied file).
    pub(crate) fn of(&self, output: &Output) -> Option<u128> {
        if !matches!(output.kind.stage(), Stage::Page | Stage::Stream) {
            return None;
        }
        let mut h = Xxh3::new();
        h.update(&self.common.to_le_bytes());
        write(&mut h, &output.path);
        write(&mut h, &format!("{:?}", output.kind));
        match output.source(self.config, self.graph) {
            Source::Article(key) => {
                if let Some(a) = self.graph.article_at(key) {
                    h.update(&self.cited_too[a].to_le_bytes());
                }
            }
            Source::Entity { id, page } => {
                if let Some(e) = self.graph.index_of(id) {
                    let (shape, all) = self.entities[e];
                    h.update(&shape.to_le_bytes());
                    if page == 1 {
                        // Its timeline shows the newest of them all.
                        h.update(&all.to_le_bytes());
                    }
                    let per_page = self.config.backlinks_per_page;
                    for backlinks in self.graph.entities[e].backlinks.values() {
                        let end = (page * per_page).min(backlinks.len());
                        let start = ((page - 1) * per_page).min(end);
                        for b in &backlinks[start..end] {
                            h.update(&self.articles[b.article].to_le_bytes());
                        }
                    }
                }
            }
            Source::EntityBacklinks(id) => {
                if let Some(e) = self.graph.index_of(id) {
                    let (shape, all) = self.entities[e];
                    h.update(&shape.to_le_bytes());
                    h.update(&all.to_le_bytes());
                }
            }
            Source::Listing {
                lang,
                page: Some(page),
            } => {
                let listed = self.listed.get(lang).map_or(&[][..], Vec::as_slice);
                h.update(&(listed.len() as u64).to_le_bytes());
                let per_page = self.config.articles_per_page;
                for &a in listed.iter().skip((page - 1) * per_page).take(per_page) {
                    h.update(&self.articles[a].to_le_bytes());
                }
            }
            Source::Listing { page: None, .. } | Source::Content | Source::Pages => {
                h.update(&self.content.to_le_bytes());
            }
            Source::Knowledge => h.update(&self.knowledge.to_le_bytes()),
            Source::Site | Source::Static => {}
        }
        Some(h.digest128())
    }
}

/// What every page of an entity's backlinks shows of them: how many there are in each
/// language and how often they name it, its co-mentions, and the articles that name it in
/// their front matter (`named`); then every backlink's article.
fn entity(
    graph: &Graph,
    articles: &[u128],
    entity: &Entity,
    named: &[usize],
    cited: &[usize],
) -> (u128, u128) {
    let (mut shape, mut all) = (Xxh3::new(), Xxh3::new());
    for (lang, backlinks) in &entity.backlinks {
        write(&mut shape, lang);
        shape.update(&(backlinks.len() as u64).to_le_bytes());
        for b in backlinks {
            all.update(&articles[b.article].to_le_bytes());
        }
        // Kept with the backlinks: not counted again from every article's mentions.
        let mentions = entity.mentions.get(lang).copied().unwrap_or(0);
        shape.update(&(mentions as u64).to_le_bytes());
    }
    for &(other, shared) in &entity.co_mentions {
        shape.update(&(other as u64).to_le_bytes());
        shape.update(&(shared as u64).to_le_bytes());
    }
    // How many it is named with, and with each entity it is related to either way.
    shape.update(&(entity.co_mentioned() as u64).to_le_bytes());
    let this = graph.index_of(entity.id());
    let stated = (entity.source.relations.iter()).filter_map(|r| graph.index_of(&r.target));
    let incoming = this
        .map_or(&[][..], |t| graph.incoming(t))
        .iter()
        .map(|&(i, _)| i);
    for other in stated.chain(incoming) {
        shape.update(&(entity.shared_with(other) as u64).to_le_bytes());
    }
    for &a in named.iter().chain(cited) {
        shape.update(&articles[a].to_le_bytes());
    }
    (shape.digest128(), all.digest128())
}

/// The articles among the names a file gives as sources.
fn cited(graph: &Graph, names: &[(String, &str, references::Names)]) -> Vec<usize> {
    names
        .iter()
        .filter(|(_, _, names)| *names == references::Names::Source)
        .filter_map(|(_, name, _)| graph.article_at(name))
        .collect()
}

/// A string, delimited by its length.
fn write(h: &mut Xxh3, text: &str) {
    h.update(&(text.len() as u64).to_le_bytes());
    h.update(text.as_bytes());
}
