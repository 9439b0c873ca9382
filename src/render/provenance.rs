//! Where an article comes from and when it changed (source, dateline, translation, updates),
//! and the schema.org data pages carry for search engines and other tools.

use serde::Serialize;
use serde_json::{Value, json};

use super::context::{NamedCtx, Translation};
use super::{Lang, Renderer};
use crate::graph::{Article, ArticleVersion, Entity};
use crate::load::facts::SourceRef;
use crate::urls;

#[derive(Debug, Clone, Serialize)]
pub(super) struct UpdateCtx {
    pub date: String,
    pub date_iso: String,
    pub note: Option<String>,
}

/// What an article page says of its provenance.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ProvenanceCtx {
    pub agency: Option<NamedCtx>,
    pub dateline: Option<String>,
    pub byline: Option<String>,
    pub rights: Option<String>,
    pub translator: Option<String>,
    /// The time of publication (`14:30`), when the date carries one.
    pub time: Option<String>,
    /// Set on a translation: the original version.
    pub original: Option<Translation>,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub updates: Vec<UpdateCtx>,
}

/// `14:30` from `2024-11-30T14:30:00+01:00`: the time as the dispatch gives it.
fn time_of(raw: &str) -> Option<String> {
    let (_, time) = raw.split_once('T')?;
    Some(time.get(..5)?.to_string())
}

impl Renderer<'_> {
    /// `translations` are the article's other versions: a translation's original is among them.
    pub(super) fn provenance(
        &self,
        lang: &Lang,
        v: &ArticleVersion,
        translations: &[Translation],
    ) -> ProvenanceCtx {
        let front = &v.front;
        let original = front
            .original_language
            .as_deref()
            .and_then(|orig| translations.iter().find(|t| t.lang == orig))
            .cloned();
        ProvenanceCtx {
            agency: front
                .agency
                .as_ref()
                .map(|s| self.source_ctx(lang, &SourceRef::Named(s.clone()))),
            dateline: front.dateline.clone(),
            byline: front.byline.clone(),
            rights: front.rights.clone(),
            translator: front.translator.clone(),
            time: time_of(&front.date.raw),
            original,
            updated: front
                .updated
                .as_ref()
                .map(|u| lang.strings.format_date(u.day)),
            updated_iso: front.updated.as_ref().map(|u| u.raw.clone()),
            updates: front
                .updates
                .iter()
                .map(|u| UpdateCtx {
                    date: lang.strings.format_date(u.date.day),
                    date_iso: u.date.raw.clone(),
                    note: u.note.get(&lang.code).cloned(),
                })
                .collect(),
        }
    }

    /// The site as schema.org's `WebSite`: its name, address and language, and how to search
    /// it (when it has search).
    pub(super) fn website_json_ld(&self, lang: &Lang) -> String {
        let mut doc = json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": lang.site.title,
            "url": self.urls.absolute(&urls::home_path(&lang.code)),
            "inLanguage": lang.code,
        });
        if self.config.build_search_index {
            let search = self.urls.absolute(&urls::search_path(&lang.code));
            doc["potentialAction"] = json!({
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": format!("{search}?q={{query}}")},
                "query-input": "required name=query",
            });
        }
        script_safe(&doc)
    }

    /// schema.org's `BreadcrumbList` of a page: the language's home, then each step down to
    /// the page (`trail`: names and paths).
    pub(super) fn breadcrumbs_json_ld(&self, lang: &Lang, trail: &[(&str, String)]) -> String {
        let home = (lang.site.title.as_str(), urls::home_path(&lang.code));
        let items: Vec<Value> = std::iter::once(&home)
            .chain(trail)
            .enumerate()
            .map(|(i, (name, path))| {
                json!({
                    "@type": "ListItem",
                    "position": i + 1,
                    "name": name,
                    "item": self.urls.absolute(path),
                })
            })
            .collect();
        script_safe(&json!({
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": items,
        }))
    }

    /// An article's image as a link elsewhere gives it: absolute when it is a file of the site.
    pub(super) fn image_url(&self, image: &str) -> String {
        let local = self.urls.site_file(image);
        match local.strip_prefix(&self.config.base_path) {
            Some(rest) if local.starts_with('/') => self.urls.absolute(rest),
            _ => local,
        }
    }

    /// An entity as schema.org describes it: its type, page, Wikidata item and, for a place,
    /// its coordinates.
    pub(super) fn thing(&self, lang: &Lang, e: &Entity) -> Value {
        let mut thing = json!({
            "@type": e.source.kind.schema_org_type(),
            "name": e.name_in(&lang.code),
            "url": self.urls.absolute(&urls::entity_path(&lang.code, e.id(), 1)),
        });
        if let Some(q) = &e.source.wikidata {
            thing["sameAs"] = crate::urls::wikidata_item(q).into();
        }
        // An event is read for when and where it took place, wherever it is named.
        if e.source.kind == crate::load::EntityKind::Event {
            Self::lifespan_json_ld(e, &mut thing);
            self.schema_org_relations(e, &mut thing, &|place| self.thing(lang, place));
        }
        thing
    }

    /// schema.org `NewsArticle`: its publisher, source, dates, language, the versions it
    /// translates or is translated into, and the entities it is about and mentions, tied to
    /// Wikidata as Wikipedia does.
    pub(super) fn article_json_ld(
        &self,
        lang: &Lang,
        article: &Article,
        v: &ArticleVersion,
    ) -> String {
        let front = &v.front;
        // In the order the article first names them.
        let first_named = |id: &str| {
            v.mentions
                .iter()
                .position(|m| &*m.entity == id)
                .unwrap_or(usize::MAX)
        };
        let mut entities: Vec<(&Entity, usize)> = v
            .mention_counts
            .iter()
            .filter_map(|(id, n)| Some((self.graph.entity(id)?, *n as usize)))
            .collect();
        entities.sort_by_key(|(e, _)| first_named(e.id()));
        let about: Vec<&Entity> = if front.about.is_empty() {
            // The entities it names most, its sources left out: an observatory or an agency
            // quoted is not what a dispatch is about.
            let sources = article_sources(front, &article.story);
            let subjects: Vec<&(&Entity, usize)> = entities
                .iter()
                .filter(|(e, _)| !sources.contains(e.id()))
                .collect();
            let most = subjects.iter().map(|(_, n)| *n).max().unwrap_or(0);
            subjects
                .into_iter()
                .filter(|(_, n)| *n == most)
                .map(|(e, _)| *e)
                .collect()
        } else {
            front
                .about
                .iter()
                .filter_map(|id| self.graph.entity(id))
                .collect()
        };
        let mut doc = json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": front.title,
            "datePublished": front.date.raw,
            "inLanguage": lang.code,
            "url": self.urls.absolute(&v.path),
            "publisher": {
                "@type": "Organization",
                "name": lang.site.title,
                "url": self.urls.absolute(&urls::home_path(&lang.code)),
            },
            "about": about.iter().map(|e| self.thing(lang, e)).collect::<Vec<_>>(),
        });
        // What it is about, it mentions: each entity is described once, under the stronger of
        // the two (it was twice, a tenth of an article page).
        let mentions: Vec<Value> = entities
            .iter()
            .filter(|(e, _)| !about.iter().any(|a| a.id() == e.id()))
            .map(|(e, _)| self.thing(lang, e))
            .collect();
        if !mentions.is_empty() {
            doc["mentions"] = mentions.into();
        }
        // What search engines show for a news article: its summary, its page as the main
        // thing on it, and a picture (its own, else the site's).
        if let Some(description) = front.summary.as_ref().or(v.excerpt.as_ref()) {
            doc["description"] = description.clone().into();
        }
        doc["mainEntityOfPage"] = json!({"@type": "WebPage", "@id": doc["url"].clone()});
        let image = front
            .image
            .as_deref()
            .map(|image| self.image_url(image))
            .or_else(|| {
                self.config
                    .share_image
                    .as_ref()
                    .map(|image| self.urls.absolute(&image.file))
            });
        if let Some(image) = image {
            doc["image"] = image.into();
        }
        // Never modified, it was last modified when published.
        let modified = front
            .updated
            .as_ref()
            .or(front.updates.last().map(|u| &u.date))
            .unwrap_or(&front.date);
        doc["dateModified"] = modified.raw.clone().into();
        if let Some(agency) = &front.agency {
            doc["sourceOrganization"] = match self.graph.entity(agency) {
                Some(e) => self.thing(lang, e),
                None => json!({"@type": "Organization", "name": agency}),
            };
        }
        if let Some(dateline) = &front.dateline {
            doc["dateline"] = dateline.clone().into();
        }
        if let Some(byline) = &front.byline {
            doc["author"] = json!({"@type": "Person", "name": byline});
        }
        if let Some(rights) = &front.rights {
            doc["copyrightNotice"] = rights.clone().into();
        }
        if let Some(translator) = &front.translator {
            // A person or a desk: schema.org takes either, and which is not said.
            doc["translator"] = json!({"name": translator});
        }
        let version_url = |l: &str| {
            article
                .versions
                .get(l)
                .map(|x| json!({"@id": self.urls.absolute(&x.path)}))
        };
        match front.original_language.as_deref() {
            Some(orig) if orig != lang.code => {
                if let Some(original) = version_url(orig) {
                    doc["translationOfWork"] = original;
                }
            }
            Some(_) => {
                let translations: Vec<Value> = article
                    .versions
                    .keys()
                    .filter(|l| **l != lang.code)
                    .filter_map(|l| version_url(l))
                    .collect();
                if !translations.is_empty() {
                    doc["workTranslation"] = translations.into();
                }
            }
            None => {}
        }
        script_safe(&doc)
    }

    /// An entity's lifespan in schema.org's words: an organisation's `foundingDate` and
    /// `dissolutionDate`, an event's `startDate` and `endDate` (a person's and a place's are
    /// left out: birth and death, or a founding, say more than a lifespan does).
    pub(super) fn lifespan_json_ld(e: &Entity, doc: &mut Value) {
        let Some(lifespan) = &e.source.lifespan else {
            return;
        };
        let (start, end) = match e.source.kind {
            crate::load::EntityKind::Organization => ("foundingDate", "dissolutionDate"),
            crate::load::EntityKind::Event => ("startDate", "endDate"),
            _ => return,
        };
        if let Some(from) = &lifespan.span.from {
            doc[start] = from.iso().into();
        }
        if let Some(until) = &lifespan.span.until {
            doc[end] = until.iso().into();
        }
    }

    /// schema.org data for an entity's page: `Organization`, `Place` with its `geo`, `Person`,
    /// `Event`, tied to its Wikidata item.
    pub(super) fn entity_json_ld(&self, lang: &Lang, e: &Entity) -> String {
        let mut doc = self.thing(lang, e);
        Self::lifespan_json_ld(e, &mut doc);
        doc["@context"] = "https://schema.org".into();
        if let Some(description) = self.dated_description(lang, e, false) {
            doc["description"] = description.into();
        }
        if let Some(aliases) = e.source.aliases.get(&lang.code).filter(|a| !a.is_empty()) {
            doc["alternateName"] = aliases.clone().into();
        }
        if let Some((lat, lon)) = e.source.coordinates {
            doc["geo"] = json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
        }
        // An event's are in its `thing` already.
        if e.source.kind != crate::load::EntityKind::Event {
            self.schema_org_relations(e, &mut doc, &|target| self.thing(lang, target));
        }
        script_safe(&doc)
    }
}

/// JSON for a `<script>` element: `<` only occurs inside JSON strings, where `\u003c` means
/// the same and cannot close the element.
fn script_safe(doc: &Value) -> String {
    doc.to_string().replace('<', "\\u003c")
}

/// The entities an article quotes as its sources: its own `source`, and those of its figures
/// and events.
fn article_sources<'a>(
    front: &'a crate::load::FrontMatter,
    story: &'a crate::load::story::Story,
) -> std::collections::HashSet<&'a str> {
    fn named(source: &Option<SourceRef>) -> Option<&str> {
        match source {
            Some(SourceRef::Named(name)) => Some(name.as_str()),
            _ => None,
        }
    }
    front
        .agency
        .as_deref()
        .into_iter()
        .chain(story.figures.iter().filter_map(|f| named(&f.source)))
        .chain(story.events.iter().filter_map(|e| named(&e.source)))
        .collect()
}
