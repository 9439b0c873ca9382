//! Open data: the whole knowledge graph as JSON (`data/graph.json`, described by
//! `docs/schema/graph.schema.json`) and as schema.org JSON-LD (`data/graph.jsonld`), and the
//! figures articles report as CSV (`data/figures.csv`), for notebooks, spreadsheets and other
//! sites.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::Renderer;
use crate::diagnostic::{Code, Diagnostic};
use crate::graph::{Article, ArticleVersion, Entity};
use crate::load::facts::{Fact, FactValue, SourceRef};

/// The version of `graph.json`'s layout; it changes only when a field changes meaning or goes.
const GRAPH_VERSION: u32 = 1;

// The articles of the dumps, tens of thousands, written from these rather than built as
// `Value`s first. Fields are in the order serde_json writes a map's keys (sorted), as the
// entities' `Value`s are, so every object of a dump has its keys in one order.

/// An article of `graph.json`.
#[derive(serde::Serialize)]
struct ArticleData<'a> {
    key: &'a str,
    versions: Vec<VersionData<'a>>,
}

/// A version of an article of `graph.json`.
#[derive(serde::Serialize)]
struct VersionData<'a> {
    agency: Option<Value>,
    byline: Option<&'a str>,
    date: &'a str,
    dateline: Option<&'a str>,
    figures: Vec<Value>,
    lang: &'a str,
    mentions: Vec<MentionCount<'a>>,
    original_language: Option<&'a str>,
    rights: Option<&'a str>,
    summary: Option<&'a str>,
    title: &'a str,
    translator: Option<&'a str>,
    updated: Option<&'a str>,
    url: String,
}

#[derive(serde::Serialize)]
struct MentionCount<'a> {
    count: u32,
    entity: &'a str,
}

/// An article version of `graph.jsonld`.
#[derive(serde::Serialize)]
struct ArticleLd<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "datePublished")]
    date_published: &'a str,
    headline: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    mentions: Vec<IdLd<'a>>,
    #[serde(rename = "translationOfWork", skip_serializing_if = "Option::is_none")]
    translation_of_work: Option<IdLdOwned>,
}

#[derive(serde::Serialize)]
struct IdLd<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
}

#[derive(serde::Serialize)]
struct IdLdOwned {
    #[serde(rename = "@id")]
    id: String,
}

impl Renderer<'_> {
    /// `data/graph.json`: every entity with its names, facts and relations, every article
    /// with its versions and what they mention. Written thing by thing (a site of 100,000
    /// articles makes hundreds of megabytes), keys in order as serde_json orders them.
    pub(super) fn write_graph_json(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\"articles\":[")?;
        for (i, a) in self.graph.articles.iter().enumerate() {
            let versions: Vec<VersionData> = a
                .versions
                .values()
                .map(|v| self.version_data(a, v))
                .collect();
            separate(out, i)?;
            serde_json::to_writer(
                &mut *out,
                &ArticleData {
                    key: &a.key,
                    versions,
                },
            )?;
        }
        out.write_all(b"],\"entities\":[")?;
        for (i, e) in self.graph.entities.iter().enumerate() {
            separate(out, i)?;
            serde_json::to_writer(&mut *out, &self.entity_data(e))?;
        }
        out.write_all(b"],\"site\":")?;
        let site = json!({
            "title": self.config.title,
            "base_url": self.config.base_url,
            "languages": self.config.languages,
        });
        serde_json::to_writer(&mut *out, &site)?;
        writeln!(out, ",\"version\":{GRAPH_VERSION}}}")
    }

    fn entity_data(&self, e: &Entity) -> Value {
        let source = &e.source;
        let relations: Vec<Value> = source
            .relations
            .iter()
            .map(|r| {
                // Its qualifiers, `null` when not written: when it began and ended, the day it
                // was known to hold, who says so.
                json!({
                    "type": r.kind,
                    "target": r.target,
                    "from": r.span.from.map(|d| d.iso()),
                    "until": r.span.until.map(|d| d.iso()),
                    "as_of": r.as_of.as_ref().map(|d| &d.raw),
                    "source": r.source.as_ref().map(|s| self.source_data(s)),
                })
            })
            .collect();
        let mut data = json!({
            "id": e.id(),
            "type": source.kind.as_str(),
            "name": source.name,
            "aliases": source.aliases,
            "description": source.description,
            "wikidata": source.wikidata,
            "coordinates": source.coordinates.map(|(lat, lon)| json!({"lat": lat, "lon": lon})),
            "relations": relations,
            "as_of": source.as_of.as_ref().map(|d| &d.raw),
            "lifespan": source.lifespan.as_ref().map(|l| json!({
                "from": l.span.from.map(|d| d.iso()),
                "until": l.span.until.map(|d| d.iso()),
                "source": l.source.as_ref().map(|s| self.source_data(s)),
            })),
            "source": source.source.as_ref().map(|s| self.source_data(s)),
            "facts": source.facts.iter().map(|f| self.fact_data(f)).collect::<Vec<_>>(),
        });
        let mut urls = Map::new();
        let mut mentioned_in = Map::new();
        for code in &self.config.languages {
            urls.insert(
                code.clone(),
                self.urls
                    .absolute(&crate::urls::entity_path(code, e.id(), 1))
                    .into(),
            );
            let n = e.backlinks.get(code).map_or(0, Vec::len);
            mentioned_in.insert(code.clone(), n.into());
        }
        data["urls"] = urls.into();
        data["articles_mentioning"] = mentioned_in.into();
        data
    }

    fn version_data<'a>(&self, article: &'a Article, v: &'a ArticleVersion) -> VersionData<'a> {
        let front = &v.front;
        VersionData {
            agency: front
                .agency
                .as_ref()
                .map(|s| self.source_data(&SourceRef::Named(s.clone()))),
            byline: front.byline.as_deref(),
            date: &front.date.raw,
            dateline: front.dateline.as_deref(),
            figures: article
                .story
                .figures
                .iter()
                .map(|f| {
                    // A figure holds on the day of the article unless it says otherwise.
                    let mut data = self.fact_data(f);
                    data["as_of"] = f.as_of.as_ref().unwrap_or(&front.date).raw.clone().into();
                    data
                })
                .collect(),
            lang: &v.lang,
            mentions: v
                .mention_counts
                .iter()
                .map(|(id, count)| MentionCount {
                    count: *count,
                    entity: id,
                })
                .collect(),
            original_language: front.original_language.as_deref(),
            rights: front.rights.as_deref(),
            summary: front.summary.as_deref().or(v.excerpt.as_deref()),
            title: &front.title,
            translator: front.translator.as_deref(),
            updated: front.updated.as_ref().map(|d| d.raw.as_str()),
            url: self.urls.absolute(&v.path),
        }
    }

    fn fact_data(&self, fact: &Fact) -> Value {
        let value = match &fact.value {
            FactValue::Number(n) => json!({"number": number(*n)}),
            FactValue::Date(d) => json!({"date": d.raw}),
            FactValue::Text(text) => json!({"text": text}),
            FactValue::Entity(id) => json!({"entity": id}),
        };
        json!({
            "label": fact.label,
            "value": value,
            "as_of": fact.as_of.as_ref().map(|d| &d.raw),
            "source": fact.source.as_ref().map(|s| self.source_data(s)),
        })
    }

    /// A source as the data names it: an entity or article of the site, or a link.
    fn source_data(&self, source: &SourceRef) -> Value {
        match source {
            SourceRef::Link { url, title } => json!({"url": url, "title": title}),
            SourceRef::Named(name) if self.graph.entity(name).is_some() => json!({"entity": name}),
            SourceRef::Named(name) if self.graph.article(name).is_some() => {
                json!({"article": name})
            }
            SourceRef::Named(name) => json!({"name": name}),
        }
    }

    /// `data/graph.jsonld`: the entities and articles as schema.org things, each entity tied
    /// to its Wikidata item, names and descriptions tagged with their language. Written thing
    /// by thing.
    pub(super) fn write_graph_json_ld(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\"@context\":\"https://schema.org\",\"@graph\":[")?;
        let mut written = 0;
        for e in &self.graph.entities {
            separate(out, written)?;
            serde_json::to_writer(&mut *out, &self.entity_ld(e))?;
            written += 1;
        }
        // Every entity's identifier made once: articles name them 200,000 times at 10,000.
        let ids: std::collections::HashMap<&str, String> = self
            .graph
            .entities
            .iter()
            .map(|e| (e.id(), self.entity_id(e)))
            .collect();
        for article in &self.graph.articles {
            for v in article.versions.values() {
                let front = &v.front;
                let original = front.original_language.as_deref().filter(|o| *o != v.lang);
                let doc = ArticleLd {
                    id: self.urls.absolute(&v.path),
                    kind: "NewsArticle",
                    date_published: &front.date.raw,
                    headline: &front.title,
                    in_language: &v.lang,
                    mentions: v
                        .mention_counts
                        .iter()
                        .filter_map(|(id, _)| {
                            Some(IdLd {
                                id: ids.get(&**id)?,
                            })
                        })
                        .collect(),
                    translation_of_work: original.and_then(|o| article.versions.get(o)).map(
                        |original| IdLdOwned {
                            id: self.urls.absolute(&original.path),
                        },
                    ),
                };
                separate(out, written)?;
                serde_json::to_writer(&mut *out, &doc)?;
                written += 1;
            }
        }
        out.write_all(b"]}\n")
    }

    /// An entity's identifier in the dump: its page in the site's first language.
    fn entity_id(&self, e: &Entity) -> String {
        let lang = self.config.default_language();
        self.urls
            .absolute(&crate::urls::entity_path(lang, e.id(), 1))
    }

    fn entity_ld(&self, e: &Entity) -> Value {
        let source = &e.source;
        let tagged = |values: &mut dyn Iterator<Item = (&String, &String)>| -> Vec<Value> {
            values
                .map(|(lang, text)| json!({"@value": text, "@language": lang}))
                .collect()
        };
        let mut doc = json!({
            "@id": self.entity_id(e),
            "@type": source.kind.schema_org_type(),
            "identifier": e.id(),
            "name": tagged(&mut source.name.iter()),
            // Each with the day it was true at, as the pages' JSON-LD gives it.
            "description": self
                .theme
                .langs
                .iter()
                .filter_map(|l| Some((&l.code, self.dated_description(l, e, false)?)))
                .map(|(lang, text)| json!({"@value": text, "@language": lang}))
                .collect::<Vec<Value>>(),
        });
        let aliases = tagged(
            &mut source
                .aliases
                .iter()
                .flat_map(|(lang, names)| names.iter().map(move |n| (lang, n))),
        );
        if !aliases.is_empty() {
            doc["alternateName"] = aliases.into();
        }
        if let Some(q) = &source.wikidata {
            doc["sameAs"] = crate::urls::wikidata_item(q).into();
        }
        if let Some((lat, lon)) = source.coordinates {
            doc["geo"] = json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
        }
        Self::lifespan_json_ld(e, &mut doc);
        self.schema_org_relations(
            e,
            &mut doc,
            &|target| json!({"@id": self.entity_id(target)}),
        );
        doc
    }

    /// The relations of `e` that schema.org names without stretching them, into `doc`, each
    /// target as `link` gives it (the others are in graph.json). A relation with a span is a
    /// schema.org `Role`: the link, with when it held.
    pub(super) fn schema_org_relations(
        &self,
        e: &Entity,
        doc: &mut Value,
        link: &dyn Fn(&Entity) -> Value,
    ) {
        let source = &e.source;
        for relation in &source.relations {
            let Some(target) = self.graph.entity(&relation.target) else {
                continue;
            };
            let both =
                |a: &str, b: &str| source.kind.as_str() == a && target.source.kind.as_str() == b;
            let property = match relation.kind.as_str() {
                "located_in" if both("place", "place") => "containedInPlace",
                "located_in" if both("event", "place") => "location",
                "member_of" => "memberOf",
                "part_of" if both("organization", "organization") => "parentOrganization",
                "part_of" if both("place", "place") => "containedInPlace",
                "based_in" if both("organization", "place") => "location",
                _ => continue,
            };
            let mut link = link(target);
            if relation.span.from.is_some() || relation.span.until.is_some() {
                let mut role = json!({"@type": "Role", property: link});
                if let Some(from) = &relation.span.from {
                    role["startDate"] = from.iso().into();
                }
                if let Some(until) = &relation.span.until {
                    role["endDate"] = until.iso().into();
                }
                link = role;
            }
            match doc.get_mut(property).and_then(Value::as_array_mut) {
                Some(list) => list.push(link),
                None => doc[property] = json!([link]),
            }
        }
    }

    /// `data/figures.csv`: every figure every article version reports, a row each, with its
    /// label in the version's language and where it comes from.
    pub(super) fn write_figures_csv(&self, out: &mut dyn Write) -> Result<(), csv::Error> {
        let mut out = csv::Writer::from_writer(out);
        write_row(
            &mut out,
            [
                "article",
                "lang",
                "title",
                "url",
                "date",
                "value",
                "label",
                "as_of",
                "source",
                "source_url",
            ],
        )?;
        for article in &self.graph.articles {
            for v in article.versions.values() {
                for figure in &article.story.figures {
                    let (source, source_url) = self.source_cells(figure.source.as_ref(), &v.lang);
                    write_row(
                        &mut out,
                        [
                            article.key.as_str(),
                            &v.lang,
                            &v.front.title,
                            &self.urls.absolute(&v.path),
                            &v.front.date.raw,
                            &value_cell(&figure.value, &v.lang),
                            label_cell(figure, &v.lang),
                            &figure.as_of.as_ref().unwrap_or(&v.front.date).raw,
                            &source,
                            &source_url,
                        ],
                    )?;
                }
            }
        }
        out.flush()?;
        Ok(())
    }

    /// `data/entities/<id>.csv`: the entity's own facts in each language, then the figures
    /// each article version reports from it, a row each.
    pub(super) fn entity_csv(&self, entity: &Entity) -> Result<String, Diagnostic> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let failed = |e: csv::Error| {
            Diagnostic::new(
                Code::WriteFailed,
                format!("data/entities/{}.csv: {e}", entity.id()),
                None,
            )
        };
        write_row(
            &mut out,
            [
                "kind",
                "lang",
                "label",
                "value",
                "as_of",
                "source",
                "source_url",
                "article_url",
            ],
        )
        .map_err(failed)?;
        for lang in &self.config.languages {
            for fact in &entity.source.facts {
                let (source, source_url) = self.source_cells(fact.source.as_ref(), lang);
                let as_of = fact.as_of.as_ref().map_or("", |d| d.raw.as_str());
                write_row(
                    &mut out,
                    [
                        "fact",
                        lang,
                        label_cell(fact, lang),
                        &value_cell(&fact.value, lang),
                        as_of,
                        &source,
                        &source_url,
                        "",
                    ],
                )
                .map_err(failed)?;
            }
        }
        let from_it =
            |f: &&Fact| matches!(&f.source, Some(SourceRef::Named(n)) if n == entity.id());
        for &a in self.graph.reporting(entity.id()) {
            let article = &self.graph.articles[a];
            for v in article.versions.values() {
                for figure in article.story.figures.iter().filter(from_it) {
                    let (source, source_url) = self.source_cells(figure.source.as_ref(), &v.lang);
                    write_row(
                        &mut out,
                        [
                            "figure",
                            &v.lang,
                            label_cell(figure, &v.lang),
                            &value_cell(&figure.value, &v.lang),
                            &figure.as_of.as_ref().unwrap_or(&v.front.date).raw,
                            &source,
                            &source_url,
                            &self.urls.absolute(&v.path),
                        ],
                    )
                    .map_err(failed)?;
                }
            }
        }
        let bytes = out
            .into_inner()
            .map_err(|e| failed(e.into_error().into()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A source as two cells: its name (an id, or a link's title) and its address (the
    /// entity's page in `lang`, or the link).
    fn source_cells(&self, source: Option<&SourceRef>, lang: &str) -> (String, String) {
        match source {
            Some(SourceRef::Link { url, title }) => (title.clone(), url.clone()),
            Some(SourceRef::Named(name)) => {
                let entity = self.graph.entity(name).map(|e| {
                    self.urls
                        .absolute(&crate::urls::entity_path(lang, e.id(), 1))
                });
                let article = || {
                    let version = self.graph.article(name)?.versions.get(lang)?;
                    Some(self.urls.absolute(&version.path))
                };
                (name.clone(), entity.or_else(article).unwrap_or_default())
            }
            None => (String::new(), String::new()),
        }
    }
}

/// A fact's or figure's value as a cell: a number as written, a day, the text in `lang`, an
/// entity's id.
/// Writes a row of cells, each made safe to open in a spreadsheet.
fn write_row<W: Write, const N: usize>(
    out: &mut csv::Writer<W>,
    cells: [&str; N],
) -> Result<(), csv::Error> {
    out.write_record(cells.map(spreadsheet_safe))
}

/// A cell a spreadsheet will not run: text that starts as a formula would (`=`, `+`, `-`, `@`,
/// a tab or a carriage return) gets a leading `'`, as OWASP advises against CSV injection.
/// A number is left as it is (a negative one starts with `-`); the exact text stays in
/// `data/graph.json`.
pub fn spreadsheet_safe(cell: &str) -> String {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && cell.trim().parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn value_cell(value: &FactValue, lang: &str) -> String {
    match value {
        FactValue::Number(n) => number(*n).to_string(),
        FactValue::Date(d) => d.raw.clone(),
        FactValue::Text(text) => text
            .get(lang)
            .or(text.values().next())
            .cloned()
            .unwrap_or_default(),
        FactValue::Entity(id) => id.clone(),
    }
}

/// A fact's or figure's label in `lang`, or in the first language that has one.
fn label_cell<'f>(fact: &'f Fact, lang: &str) -> &'f str {
    fact.label
        .get(lang)
        .or(fact.label.values().next())
        .map_or("", String::as_str)
}

/// A number as its writer wrote it: `311`, not `311.0`.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        (n as i64).into()
    } else {
        n.into()
    }
}

/// The comma before every element of a list but the first. The files are one line: they are
/// for programs (`jq .` shows them indented), and a site of 10,000 articles makes a graph of
/// tens of megabytes.
fn separate(out: &mut dyn Write, index: usize) -> io::Result<()> {
    if index > 0 {
        out.write_all(b",")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn a_cell_that_a_spreadsheet_would_run_is_quoted_and_a_number_is_not() {
        for formula in [
            "=HYPERLINK(\"https://evil.example\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A2)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        for kept in ["-12", "+3.5", "311", "morts", "", "a=b"] {
            assert_eq!(spreadsheet_safe(kept), kept);
        }
    }
}
