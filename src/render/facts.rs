//! Dated, sourced statements on pages: an entity's facts and the date of its description, the
//! figures an article reports, and on a source's page the figures it reported.

use serde::Serialize;

use super::context::NamedCtx;
use super::{Lang, Renderer};
use crate::graph::{Article, ArticleVersion, Entity};
use crate::load::PublishDate;
use crate::load::entity::Relation;
use crate::load::events::{Day, Span};
use crate::load::facts::{Fact, FactValue, SourceRef};

/// A statement as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct FactCtx {
    pub label: String,
    pub value: String,
    /// Set when the value is an entity of the site.
    pub value_url: Option<String>,
    pub as_of: Option<String>,
    pub as_of_iso: Option<String>,
    pub source: Option<NamedCtx>,
}

/// The figures one article reports from a source.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ReportedCtx {
    pub title: String,
    pub url: String,
    pub date: String,
    pub date_iso: String,
    pub figures: Vec<FactCtx>,
}

/// When an entity's description was true, and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub(super) struct DescribedCtx {
    pub as_of: Option<String>,
    pub as_of_iso: Option<String>,
    pub source: Option<NamedCtx>,
}

impl Renderer<'_> {
    /// When a relation held, as `lang` says it: its span, its start or its end (each as
    /// precise as written), or the day it was known to hold.
    pub(super) fn relation_time(&self, lang: &Lang, relation: &Relation) -> Option<String> {
        self.span_time(lang, &relation.span).or_else(|| {
            relation.as_of.as_ref().map(|day| {
                let strings = &lang.strings;
                let as_of = strings.get(&["ui", "as_of"]).unwrap_or_default();
                format!("{as_of} {}", strings.format_date(day.day))
            })
        })
    }

    /// A span as `lang` says it: both ends, its start or its end, each as precise as written.
    pub(super) fn span_time(&self, lang: &Lang, span: &Span) -> Option<String> {
        self.time_of(lang, span, false)
    }

    /// When an event took place: as [`Self::span_time`], but one with a start and no known
    /// end "began" then (it did not go on "since").
    pub(super) fn event_time(&self, lang: &Lang, span: &Span) -> Option<String> {
        self.time_of(lang, span, true)
    }

    fn time_of(&self, lang: &Lang, span: &Span, began: bool) -> Option<String> {
        let strings = &lang.strings;
        let one = |which: &str, day: &Day| {
            let precision = match (day.month, day.day) {
                (_, Some(_)) => "day",
                (Some(_), None) => "month",
                _ => "year",
            };
            strings
                .get(&["relation_time", which, precision])
                .unwrap_or("{date}")
                .replace("{date}", &strings.format_day(day))
        };
        match (&span.from, &span.until) {
            (Some(from), Some(until)) => Some(
                strings
                    .get(&["relation_time", "span"])
                    .unwrap_or("{from} – {until}")
                    .replace("{from}", &strings.format_day(from))
                    .replace("{until}", &strings.format_day(until)),
            ),
            (Some(from), None) if began => Some(one("began", from)),
            (Some(from), None) => Some(one("since", from)),
            (None, Some(until)) => Some(one("until", until)),
            (None, None) => None,
        }
    }

    /// The end of a relation that ended, by its year only, as a drawing's label says it
    /// ("until 2024").
    pub(super) fn relation_end_year(&self, lang: &Lang, relation: &Relation) -> Option<String> {
        let until = relation.span.until?;
        let shown = lang
            .strings
            .get(&["relation_time", "until", "year"])
            .unwrap_or("{date}")
            .replace("{date}", &until.year.to_string());
        Some(shown)
    }

    /// Where a statement comes from: an entity or an article of the site, linked; a web page.
    pub(super) fn source_ctx(&self, lang: &Lang, source: &SourceRef) -> NamedCtx {
        match source {
            SourceRef::Link { url, title } => NamedCtx {
                name: title.clone(),
                cited: title.clone(),
                url: Some(url.clone()),
            },
            SourceRef::Named(name) => {
                if let Some(e) = self.graph.entity(name) {
                    let shown = e.name_in(&lang.code).to_string();
                    return NamedCtx {
                        // As a sentence names it after "according to": "l'OSDH".
                        cited: e
                            .source
                            .cited_as
                            .get(&lang.code)
                            .cloned()
                            .unwrap_or_else(|| shown.clone()),
                        name: shown,
                        url: Some(self.urls.entity(&lang.code, e.id())),
                    };
                }
                let version = self.graph.article(name).and_then(|a| {
                    a.versions
                        .get(&lang.code)
                        .or_else(|| a.versions.values().next())
                });
                match version {
                    // A dispatch is cited as one, with its date and its quoted title: its
                    // headline alone would read as the words of whoever it is about.
                    Some(v) => NamedCtx {
                        name: v.front.title.clone(),
                        cited: lang
                            .strings
                            .get(&["cited_article"])
                            .unwrap_or("{title}")
                            .replace("{date}", &lang.strings.format_date(v.front.date.day))
                            .replace("{title}", &v.front.title),
                        url: Some(self.urls.of(&v.path)),
                    },
                    None => NamedCtx {
                        name: name.clone(),
                        cited: name.clone(),
                        url: None,
                    },
                }
            }
        }
    }

    pub(super) fn fact_ctx(
        &self,
        lang: &Lang,
        fact: &Fact,
        default_as_of: Option<&PublishDate>,
    ) -> FactCtx {
        let code = lang.code.as_str();
        let (value, value_url) = match &fact.value {
            FactValue::Number(n) => (lang.strings.format_number(*n), None),
            FactValue::Date(day) => (lang.strings.format_date(day.day), None),
            FactValue::Text(texts) => (
                texts
                    .get(code)
                    .or_else(|| texts.values().next())
                    .cloned()
                    .unwrap_or_default(),
                None,
            ),
            FactValue::Entity(id) => match self.graph.entity(id) {
                Some(e) => (
                    e.name_in(code).to_string(),
                    Some(self.urls.entity(code, id)),
                ),
                None => (id.clone(), None),
            },
        };
        let as_of = fact.as_of.as_ref().or(default_as_of);
        FactCtx {
            label: fact.label.get(code).cloned().unwrap_or_default(),
            value,
            value_url,
            as_of: as_of.map(|d| lang.strings.format_date(d.day)),
            as_of_iso: as_of.map(|d| d.raw.clone()),
            source: fact.source.as_ref().map(|s| self.source_ctx(lang, s)),
        }
    }

    /// The figures an article reports (whichever version declares them), each as of the
    /// version's date unless it says.
    pub(super) fn figures_ctx(
        &self,
        lang: &Lang,
        article: &Article,
        v: &ArticleVersion,
    ) -> Vec<FactCtx> {
        article
            .story
            .figures
            .iter()
            .map(|f| self.fact_ctx(lang, f, Some(&v.front.date)))
            .collect()
    }

    pub(super) fn described_ctx(&self, lang: &Lang, entity: &Entity) -> DescribedCtx {
        let src = &entity.source;
        DescribedCtx {
            as_of: src.as_of.as_ref().map(|d| lang.strings.format_date(d.day)),
            as_of_iso: src.as_of.as_ref().map(|d| d.raw.clone()),
            source: src.source.as_ref().map(|s| self.source_ctx(lang, s)),
        }
    }

    pub(super) fn facts_ctx(&self, lang: &Lang, entity: &Entity) -> Vec<FactCtx> {
        entity
            .source
            .facts
            .iter()
            .map(|f| self.fact_ctx(lang, f, None))
            .collect()
    }

    /// The figures articles in this language report from `entity`, newest article first.
    pub(super) fn reported_ctx(&self, lang: &Lang, entity: &Entity) -> Vec<ReportedCtx> {
        let by_entity =
            |f: &&Fact| matches!(&f.source, Some(SourceRef::Named(n)) if n == entity.id());
        let articles = self.graph.reporting(entity.id());
        articles
            .iter()
            .map(|&a| &self.graph.articles[a])
            .filter_map(|article| Some((article, article.versions.get(&lang.code)?)))
            .filter(|(article, _)| article.story.figures.iter().any(|f| by_entity(&f)))
            .map(|(article, v)| ReportedCtx {
                title: v.front.title.clone(),
                url: self.urls.of(&v.path),
                date: lang.strings.format_date(v.front.date.day),
                date_iso: v.front.date.raw.clone(),
                figures: article
                    .story
                    .figures
                    .iter()
                    .filter(by_entity)
                    .map(|f| self.fact_ctx(lang, f, Some(&v.front.date)))
                    .collect(),
            })
            .collect()
    }
}
