//! The data each template receives. Plain serialisable structs: templates never see the graph.

use serde::Serialize;

use super::pages::{coordinates, name_in};
use super::{Lang, Renderer};
use crate::graph::Entity;

#[derive(Debug, Clone, Serialize)]
pub(super) struct SiteCtx {
    pub title: String,
    pub base_path: String,
    pub base_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Alternate {
    pub lang: String,
    pub absolute: String,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct SwitchLink {
    pub lang: String,
    pub name: String,
    pub dir: String,
    pub href: String,
    /// False when the page has no translation in that language (the link goes to its home).
    pub available: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Nav {
    pub home: String,
    pub entities: String,
}

/// What every page template gets.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Common<'a> {
    pub lang: &'a str,
    pub dir: &'a str,
    pub site: &'a SiteCtx,
    pub nav: &'a Nav,
    pub canonical: String,
    pub alternates: Vec<Alternate>,
    pub x_default: String,
    pub switcher: Vec<SwitchLink>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Teaser {
    pub title: String,
    pub url: String,
    pub date: String,
    pub date_iso: String,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct ArticleCtx<'a> {
    pub title: &'a str,
    pub date: String,
    pub date_iso: &'a str,
    pub html: &'a str,
    pub credit: Option<&'a str>,
    pub alt: Option<&'a str>,
    pub image: Option<String>,
    pub tags: &'a [String],
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct EntityLink {
    pub name: String,
    pub url: String,
    pub count: usize,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct EntityGroup {
    pub kind: &'static str,
    pub label: String,
    pub entities: Vec<EntityLink>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Translation {
    pub lang: String,
    pub name: String,
    pub dir: String,
    pub url: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct RelationCtx {
    pub label: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Coordinates {
    pub lat: f64,
    pub lon: f64,
    pub text: String,
    pub map_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct EntityCtx<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub type_label: String,
    pub description: Option<&'a str>,
    pub prose: Option<&'a str>,
    pub aliases: Vec<&'a str>,
    pub wikidata: Option<&'a str>,
    pub wikidata_url: Option<String>,
    pub coordinates: Option<Coordinates>,
    pub relations: Vec<RelationCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct MentionCtx<'a> {
    pub before: &'a str,
    pub mention: &'a str,
    pub after: &'a str,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct BacklinkCtx<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: String,
    pub date_iso: &'a str,
    pub mentions: Vec<MentionCtx<'a>>,
    /// Mentions in the article beyond the sentences quoted.
    pub more_mentions: usize,
}

/// One entry of a pagination bar: a page, or (`gap`) the pages left out between two entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    pub gap: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Pagination {
    pub current: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The first and last pages and those around the current one, with gaps between: a
    /// bar of every page would make a hub entity's pages grow with the square of its mentions.
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct SitemapEntry {
    pub loc: String,
    pub lastmod: Option<String>,
    pub alternates: Vec<Alternate>,
    pub x_default: String,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct NotFoundLang<'a> {
    pub lang: &'a str,
    pub dir: &'a str,
    pub t: &'a serde_yaml::Value,
    pub home: String,
}

/// What entity pages show, built from the graph for one language.
impl Renderer<'_> {
    /// The entity itself: names, facts, relations.
    pub(super) fn entity_ctx<'e>(&self, lang: &Lang, entity: &'e Entity) -> EntityCtx<'e> {
        let code = lang.code.as_str();
        let src = &entity.source;
        EntityCtx {
            id: entity.id(),
            name: name_in(entity, code),
            type_label: lang
                .strings
                .get(&["types", src.kind.as_str()])
                .unwrap_or(src.kind.as_str())
                .to_string(),
            description: src.description.get(code).map(String::as_str),
            prose: entity.prose_html.get(code).map(String::as_str),
            aliases: src
                .aliases
                .get(code)
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect(),
            wikidata: src.wikidata.as_deref(),
            wikidata_url: src
                .wikidata
                .as_ref()
                .map(|q| format!("https://www.wikidata.org/wiki/{q}")),
            coordinates: src
                .coordinates
                .map(|(lat, lon)| coordinates(&lang.strings, lat, lon)),
            relations: src
                .relations
                .iter()
                .filter_map(|r| {
                    let target = self.graph.entity(&r.target)?;
                    Some(RelationCtx {
                        label: lang.strings.relation(&r.kind).to_string(),
                        name: name_in(target, code).to_string(),
                        url: self.urls.entity(code, &r.target),
                    })
                })
                .collect(),
        }
    }

    /// The entities most often named in the same articles.
    pub(super) fn co_mentions_ctx(&self, code: &str, entity: &Entity) -> Vec<EntityLink> {
        entity
            .co_mentions
            .iter()
            .map(|&(other, count)| {
                let e = &self.graph.entities[other];
                EntityLink {
                    name: name_in(e, code).to_string(),
                    url: self.urls.entity(code, e.id()),
                    count,
                    description: None,
                }
            })
            .collect()
    }

    /// One page of the articles that mention the entity, with the sentences they say it in.
    pub(super) fn backlinks_ctx(
        &self,
        lang: &Lang,
        entity: &Entity,
        page: usize,
    ) -> Vec<BacklinkCtx<'_>> {
        let code = lang.code.as_str();
        let all = entity.backlinks.get(code).map_or(&[][..], Vec::as_slice);
        let per_page = self.config.backlinks_per_page;
        all.iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .filter_map(|b| {
                let v = self.graph.articles[b.article].versions.get(code)?;
                let url = self.urls.of(&v.path);
                Some(BacklinkCtx {
                    title: &v.front.title,
                    date: lang.strings.format_date(v.front.date.day),
                    date_iso: &v.front.date.raw,
                    mentions: b
                        .mentions
                        .iter()
                        .filter_map(|&m| {
                            let mention = &v.mentions[m];
                            let snippet = mention.snippet.as_deref()?;
                            Some(MentionCtx {
                                before: &snippet.before,
                                mention: &snippet.mention,
                                after: &snippet.after,
                                href: format!("{url}#{}", mention.anchor()),
                            })
                        })
                        .collect(),
                    // Only the first sentences of each article are quoted.
                    more_mentions: v
                        .mention_count(entity.id())
                        .saturating_sub(b.mentions.len()),
                    url,
                })
            })
            .collect()
    }
}
