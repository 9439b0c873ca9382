//! What the site holds, for editors: every entity with its type, names and how often the
//! published articles mention it (`depeche entities`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::load::EntityKind;
use crate::site::Site;

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
    /// The file that defines it.
    pub file: String,
}

impl EntityRow {
    /// Whether no published article mentions it.
    pub fn unused(&self) -> bool {
        self.mentions.values().all(|&n| n == 0)
    }
}

/// Every entity of the site, by id.
pub fn entities(site: &Site) -> Vec<EntityRow> {
    let graph = &site.graph;
    graph
        .entities
        .iter()
        .map(|entity| {
            let mut mentions = BTreeMap::new();
            let mut articles = BTreeMap::new();
            for lang in &site.config.languages {
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
                file: entity.source.src.path.display().to_string(),
            }
        })
        .collect()
}
