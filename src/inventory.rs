//! What the site holds, for editors: every entity with its type, names and how often the
//! published articles mention it (`depeche entities`).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::graph::Graph;
use crate::load::{EntityKind, references};

/// One entity, as `depeche entities` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRow {
    /// Its id: what `[[id]]` names.
    pub id: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Its name per language.
    pub name: BTreeMap<String, String>,
    /// Mentions in published articles, per language.
    pub mentions: BTreeMap<String, usize>,
    /// Published articles that mention it, per language.
    pub articles: BTreeMap<String, usize>,
    /// Fields of other files that name it (sources, relations, events, facts): an entity
    /// nothing mentions is still used when one of them names it.
    pub named_by: usize,
    /// The file that defines it.
    pub file: String,
    /// Whether it is in use: mentioned, named by a file, or related to an entity in use
    /// (`references::in_use`, as `check` says).
    #[serde(skip)]
    pub in_use: bool,
}

impl EntityRow {
    /// Whether no published article mentions it, no file names it and it relates to no
    /// entity in use (which would show it on its page): what can be deleted without
    /// changing the site.
    pub fn unused(&self) -> bool {
        !self.in_use
    }
}

/// Every entity of the graph, by id, with its names and mentions in `languages`.
pub fn entities(languages: &[String], graph: &Graph) -> Vec<EntityRow> {
    let mut named: HashMap<&str, usize> = HashMap::new();
    let fronts = graph
        .articles
        .iter()
        .flat_map(|a| a.versions.values())
        .flat_map(|v| references::of_article(&v.front));
    let files = graph
        .entities
        .iter()
        .flat_map(|e| references::of_entity(&e.source));
    for (_, name, _) in fronts.chain(files) {
        *named.entry(name).or_default() += 1;
    }
    let mentioned = graph.entities.iter().filter(|entity| {
        languages
            .iter()
            .any(|lang| entity.backlinks.get(lang).is_some_and(|b| !b.is_empty()))
    });
    let in_use = references::in_use(
        graph.entities.iter().map(|e| &*e.source),
        mentioned
            .map(|e| e.id())
            .chain(named.keys().copied())
            .collect(),
    );
    graph
        .entities
        .iter()
        .map(|entity| {
            let mut mentions = BTreeMap::new();
            let mut articles = BTreeMap::new();
            for lang in languages {
                let backlinks = entity.backlinks.get(lang).map_or(&[][..], Vec::as_slice);
                let count = backlinks
                    .iter()
                    .filter_map(|b| graph.articles[b.article].versions.get(lang))
                    .map(|v| v.doc.mention_count(entity.id()))
                    .sum();
                mentions.insert(lang.clone(), count);
                articles.insert(lang.clone(), backlinks.len());
            }
            EntityRow {
                id: entity.id().to_string(),
                kind: entity.source.kind,
                name: entity.source.name.clone(),
                mentions,
                articles,
                named_by: named.get(entity.id()).copied().unwrap_or_default(),
                file: entity.source.src.path.display().to_string(),
                in_use: in_use.contains(entity.id()),
            }
        })
        .collect()
}
