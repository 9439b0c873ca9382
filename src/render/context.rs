//! The data each template receives. Plain serialisable structs: templates never see the graph.

use serde::Serialize;

use super::{Lang, Renderer};
use crate::graph::Entity;

#[derive(Debug, Clone, Serialize)]
pub(super) struct SiteCtx {
    pub title: String,
    pub base_path: String,
    pub base_url: String,
    /// The image link previews show for pages without their own.
    pub share_image: Option<ShareImageCtx>,
    /// The files every page may load, by their URLs.
    pub files: SiteFiles,
}

/// The share image: its absolute URL, size in pixels and what it shows in the language.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ShareImageCtx {
    pub url: String,
    pub width: Option<usize>,
    pub height: Option<usize>,
    pub alt: Option<String>,
}

/// The URLs of the files every page may load (`site.files.style` in templates).
#[derive(Debug, Clone, Serialize)]
pub(super) struct SiteFiles {
    pub style: String,
    pub favicon: String,
    pub manifest: String,
    pub previews_script: String,
    /// The data of the language's preview cards.
    pub previews: String,
    pub search_script: String,
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
    /// Its Open Graph locale (`en_US`).
    pub og_locale: String,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Nav {
    pub home: String,
    pub entities: String,
    /// The language's timeline.
    pub timeline: String,
    /// The language's map.
    pub map: String,
    /// The language's graph of entities.
    pub graph: String,
    /// The language's search page, when the site has one.
    pub search: Option<String>,
    /// The language's Atom feed.
    pub feed: String,
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
    /// The page's Open Graph locale (`fr_FR`).
    pub og_locale: &'a str,
    /// Where the page stands in the site, as schema.org's `BreadcrumbList` (JSON); none for
    /// a home page.
    pub breadcrumbs: Option<String>,
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
    /// The image's absolute address, for link previews.
    pub image_url: Option<String>,
    pub tags: &'a [String],
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct EntityLink {
    pub name: String,
    pub url: String,
    pub count: usize,
    pub description: Option<String>,
    /// The day the description was true at.
    pub as_of: Option<AsOf>,
}

/// A day a statement was true at, as shown and as `<time datetime>` wants it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct AsOf {
    pub shown: String,
    pub iso: String,
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

/// A name that links to its entity's page when the site has one.
#[derive(Debug, Clone, Serialize)]
pub(super) struct NamedCtx {
    pub name: String,
    /// As a sentence cites it after "according to" ("l'OSDH", "the dispatch of 30 November
    /// 2024, “…”").
    pub cited: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct RelationCtx {
    pub label: String,
    pub name: String,
    pub url: String,
    /// When it held, as the language says it ("since 2017", "2015 – 8 December 2024").
    pub when: Option<String>,
    /// It has ended.
    pub past: bool,
    pub source: Option<NamedCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct LifespanCtx {
    pub when: String,
    /// It has ended.
    pub past: bool,
    pub source: Option<NamedCtx>,
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
    /// `organization`, `person`, `place`, `event` or `other`: templates word things by it.
    pub kind: &'static str,
    pub type_label: String,
    pub description: Option<&'a str>,
    pub prose: Option<&'a str>,
    pub aliases: Vec<&'a str>,
    pub wikidata: Option<&'a str>,
    pub wikidata_url: Option<String>,
    pub coordinates: Option<Coordinates>,
    pub relations: Vec<RelationCtx>,
    /// When it existed ("2017 – 29 January 2025"), and who says so.
    pub lifespan: Option<LifespanCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct MentionCtx {
    /// The sentence, in pieces: the mentions of the entity are `mark`ed.
    pub parts: Vec<PartCtx>,
    /// The first of these mentions in the article.
    pub href: String,
    /// The sentence opens with a quotation mark of its own: the page adds none around it.
    pub quoted: bool,
}

/// A piece of a quoted sentence.
#[derive(Debug, Clone, Serialize)]
pub(super) struct PartCtx {
    pub text: String,
    pub mark: bool,
}

/// The sentences of an article's mentions of an entity, each sentence once: mentions in the
/// same sentence (the same text around them) are marked together, so "Hayat Tahrir al-Sham
/// (HTS)" is quoted once with two marks.
pub(super) fn quoted(v: &crate::graph::ArticleVersion, entity: &str, url: &str) -> Vec<MentionCtx> {
    // Each sentence, the byte ranges of the mentions in it, the link to the first.
    type Quote = (String, Vec<(usize, usize)>, String);
    let mut quotes: Vec<Quote> = Vec::new();
    for mention in v.mentions.iter().filter(|m| &*m.entity == entity) {
        let Some(snippet) = mention.snippet.as_ref() else {
            continue;
        };
        let sentence = snippet.sentence().to_string();
        let range = snippet.mention_range();
        let mark = (range.start, range.end);
        match quotes.last_mut() {
            Some((last, marks, _)) if *last == sentence => marks.push(mark),
            _ => quotes.push((sentence, vec![mark], format!("{url}#{}", mention.anchor()))),
        }
    }
    quotes
        .into_iter()
        .map(|(sentence, marks, href)| {
            let mut parts = Vec::new();
            let mut at = 0;
            for (start, end) in marks {
                if start < at {
                    continue;
                }
                parts.push(PartCtx {
                    text: sentence[at..start].to_string(),
                    mark: false,
                });
                parts.push(PartCtx {
                    text: sentence[start..end].to_string(),
                    mark: true,
                });
                at = end;
            }
            parts.push(PartCtx {
                text: sentence[at..].to_string(),
                mark: false,
            });
            parts.retain(|p| !p.text.is_empty());
            let quoted = parts
                .first()
                .and_then(|p| p.text.trim_start().chars().next())
                .is_some_and(|c| matches!(c, '"' | '«' | '“' | '„' | '‘' | '\''));
            MentionCtx {
                parts,
                href,
                quoted,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct BacklinkCtx<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: String,
    pub date_iso: &'a str,
    pub mentions: Vec<MentionCtx>,
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
    /// Always empty, and `x_default` always `loc`: a page names its translations in its head.
    /// Kept so that a `sitemap.xml` a site ejected before still renders.
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
            name: entity.name_in(code),
            kind: src.kind.as_str(),
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
            wikidata_url: src.wikidata.as_ref().map(|q| crate::urls::wikidata_page(q)),
            coordinates: src
                .coordinates
                .map(|(lat, lon)| coordinates(&lang.strings, lat, lon)),
            lifespan: src.lifespan.as_ref().and_then(|l| {
                let when = match src.kind {
                    crate::load::EntityKind::Event => self.event_time(lang, &l.span),
                    _ => self.span_time(lang, &l.span),
                };
                Some(LifespanCtx {
                    when: when?,
                    past: l.span.ended_by(self.config.today()),
                    source: l.source.as_ref().map(|s| self.source_ctx(lang, s)),
                })
            }),
            relations: src
                .relations
                .iter()
                .filter_map(|r| {
                    let target = self.graph.entity(&r.target)?;
                    Some(RelationCtx {
                        label: lang.strings.relation(&r.kind).to_string(),
                        name: target.name_in(code).to_string(),
                        url: self.urls.entity(code, &r.target),
                        when: self.relation_time(lang, r),
                        past: r.ended_by(self.config.today()),
                        source: r.source.as_ref().map(|s| self.source_ctx(lang, s)),
                    })
                })
                .collect(),
        }
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
                    mentions: quoted(v, entity.id(), &url),
                    // Only the first sentences of each article are quoted.
                    more_mentions: v.mention_count(entity.id()).saturating_sub(
                        v.mentions
                            .iter()
                            .filter(|m| &*m.entity == entity.id())
                            .count(),
                    ),
                    url,
                })
            })
            .collect()
    }
}

pub(super) fn coordinates(strings: &super::i18n::Strings, lat: f64, lon: f64) -> Coordinates {
    Coordinates {
        lat,
        lon,
        text: strings.format_coordinates(lat, lon),
        map_url: crate::urls::openstreetmap(lat, lon),
    }
}
