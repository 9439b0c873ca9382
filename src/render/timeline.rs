//! Timelines: the site's, a page per language, and each entity's, on its page. Events come
//! from articles (in the page's language) and from event entities, each attributed to its
//! source; articles come in at their own date.

use chrono::Datelike;
use serde::Serialize;

use super::context::NamedCtx;
use super::{Lang, Page, Renderer};
use crate::diagnostic::Diagnostic;
use crate::graph::{Article, ArticleVersion, Entity, EventAt};
use crate::load::events::{Day, Event, When};
use crate::load::facts::SourceRef;
use crate::urls;

/// How many of the newest articles the site's timeline shows beside its events: the home
/// pages list them all.
const ARTICLES_SHOWN: usize = 100;

/// How many an entity's timeline shows: its backlinks list them all.
pub(super) const ENTITY_ARTICLES_SHOWN: usize = 10;

/// One entry of a timeline.
#[derive(Debug, Clone, Serialize)]
pub(super) struct EntryCtx {
    /// As the language writes it: `2011`, `mars 2020`, `27 novembre 2024`.
    pub date: String,
    /// `2011`, `2020-03`, `2024-11-27` (the start of a span).
    pub date_iso: String,
    /// `event` or `article`.
    pub kind: &'static str,
    pub label: String,
    /// The article's page, for an article.
    pub url: Option<String>,
    /// The entities it involves.
    pub entities: Vec<NamedCtx>,
    /// Who reports it.
    pub source: Option<NamedCtx>,
}

/// An event with its source, and the entity whose file holds it, if one does.
pub(super) struct Dated<'a> {
    event: &'a Event,
    source: SourceRef,
    holder: Option<&'a str>,
}

/// The entries of one year.
#[derive(Debug, Clone, Serialize)]
pub(super) struct YearCtx {
    pub year: i32,
    pub entries: Vec<EntryCtx>,
}

impl Renderer<'_> {
    /// A language's timeline page.
    pub(super) fn timeline_page(&self, lang: &Lang, path: String) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct Timeline {
            years: Vec<YearCtx>,
            /// Articles left out (the oldest), beyond [`ARTICLES_SHOWN`].
            articles_left_out: usize,
        }
        let (entries, articles_left_out) = self.timeline(lang, None, ARTICLES_SHOWN);
        let data = Timeline {
            years: by_year(entries),
            articles_left_out,
        };
        self.site_view(
            lang,
            path,
            (
                "timeline.html",
                urls::timeline_path,
                "timeline",
                "timeline_intro",
            ),
            data,
        )
    }

    /// The timeline of the site, or of one entity: its events and the newest articles, oldest
    /// first; and how many articles were left out.
    pub(super) fn timeline(
        &self,
        lang: &Lang,
        of: Option<&Entity>,
        shown: usize,
    ) -> (Vec<EntryCtx>, usize) {
        let code = lang.code.as_str();
        let involved = |dated: &Dated| {
            of.is_none_or(|e| {
                dated.holder == Some(e.id()) || dated.event.entities.iter().any(|id| id == e.id())
            })
        };
        let mut dated: Vec<(When, u8, EntryCtx)> = self
            .events_of(lang)
            .filter(|d| involved(d))
            .map(|d| (d.event.when, 0, self.event_entry(lang, d.event, &d.source)))
            .collect();
        let mentioning: Vec<&Article> = match of {
            Some(entity) => entity
                .backlinks
                .get(code)
                .into_iter()
                .flatten()
                .map(|b| &self.graph.articles[b.article])
                .collect(),
            None => self.graph.articles.iter().collect(),
        };
        // Articles are kept newest first: the first ones are the ones shown, and only they
        // are written out (a hub entity is mentioned by thousands).
        let mut articles: Vec<(When, &ArticleVersion)> = mentioning
            .iter()
            .filter_map(|a| a.versions.get(code))
            .map(|v| {
                let day = v.front.date.day;
                let start = Day {
                    year: day.year(),
                    month: Some(day.month()),
                    day: Some(day.day()),
                };
                (When { start, end: None }, v)
            })
            .collect();
        articles.sort_by_key(|a| std::cmp::Reverse(a.0));
        let left_out = articles.len().saturating_sub(shown);
        dated.extend(articles.into_iter().take(shown).map(|(when, v)| {
            let day = v.front.date.day;
            let entry = EntryCtx {
                date: lang.strings.format_date(day),
                date_iso: day.to_string(),
                kind: "article",
                label: v.front.title.clone(),
                url: Some(self.urls.of(&v.path)),
                entities: Vec::new(),
                source: None,
            };
            (when, 1, entry)
        }));
        dated.sort_by(|a, b| (a.0, a.1, &a.2.label).cmp(&(b.0, b.1, &b.2.label)));
        (dated.into_iter().map(|(_, _, e)| e).collect(), left_out)
    }

    /// Every event of the language (from its articles' versions, and from entities), with its
    /// source: an article's events default to the article, an entity's to the entity.
    fn events_of<'g>(&'g self, lang: &Lang) -> impl Iterator<Item = Dated<'g>> + 'g {
        let code = lang.code.clone();
        self.graph
            .events_in(&lang.code)
            .filter_map(move |at| match at {
                EventAt::Article { article, event } => {
                    let article = &self.graph.articles[article];
                    article.versions.get(&code)?;
                    let event = article.story.events.get(event)?;
                    let source = event.source.clone();
                    Some(Dated {
                        event,
                        source: source.unwrap_or_else(|| SourceRef::Named(article.key.clone())),
                        holder: None,
                    })
                }
                EventAt::Entity { entity, event } => {
                    let entity = &self.graph.entities[entity];
                    let event = entity.source.events.get(event)?;
                    let source = event.source.clone();
                    Some(Dated {
                        event,
                        source: source.unwrap_or_else(|| SourceRef::Named(entity.id().to_string())),
                        holder: Some(entity.id()),
                    })
                }
            })
    }

    fn event_entry(&self, lang: &Lang, event: &Event, source: &SourceRef) -> EntryCtx {
        let code = lang.code.as_str();
        let entities = event
            .entities
            .iter()
            .filter_map(|id| self.graph.entity(id))
            .map(|e| NamedCtx {
                name: e.name_in(code).to_string(),
                cited: e.name_in(code).to_string(),
                url: Some(self.urls.entity(code, e.id())),
            })
            .collect();
        let date = match event.when.end {
            Some(end) => lang
                .strings
                .get(&["span_format"])
                .unwrap_or("{start} – {end}")
                .replace("{start}", &lang.strings.format_day(&event.when.start))
                .replace("{end}", &lang.strings.format_day(&end)),
            None => lang.strings.format_day(&event.when.start),
        };
        EntryCtx {
            date,
            date_iso: event.when.start.iso(),
            kind: "event",
            label: event
                .label
                .get(code)
                .or(event.label.values().next())
                .cloned()
                .unwrap_or_default(),
            url: None,
            entities,
            source: Some(self.source_ctx(lang, source)),
        }
    }
}

/// Entries grouped by the year they begin in, in order.
pub(super) fn by_year(entries: Vec<EntryCtx>) -> Vec<YearCtx> {
    let mut years: Vec<YearCtx> = Vec::new();
    for entry in entries {
        let year: i32 = entry
            .date_iso
            .get(..4)
            .and_then(|y| y.parse().ok())
            .unwrap_or_default();
        match years.last_mut() {
            Some(last) if last.year == year => last.entries.push(entry),
            _ => years.push(YearCtx {
                year,
                entries: vec![entry],
            }),
        }
    }
    years
}
