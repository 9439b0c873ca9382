//! Every place a file of `content/` can name an entity, in one inventory. `check` (a name
//! that is no entity), `rename-entity` (every place to change), `entities` (who names an
//! entity besides mentions) and the incremental rebuild (which entity pages an edit touches)
//! all read it, so a field added to a schema is known to all of them or to none — and a test
//! fails until the field is listed here.
//!
//! Mentions in Markdown (`[[id]]`, links to an entity's files) are found by `annotate`.

use super::entity::EntitySource;
use super::events::Event;
use super::facts::{Fact, FactValue, SourceRef};
use super::front_matter::FrontMatter;
use crate::yaml::spans::Spans;

/// What a field's value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Names {
    /// Never an entity: text, dates, numbers, languages.
    Nothing,
    /// An entity, by id.
    Entity,
    /// A source: an entity by id or an article by key (or, in a map, a web page).
    Source,
    /// An entity by id, or free text (an article's `agency: AFP`).
    EntityOrText,
}

/// Every field of an article's front matter (`[]` stands for any position in a list).
pub(crate) const ARTICLE: &[(&str, Names)] = &[
    ("title", Names::Nothing),
    ("date", Names::Nothing),
    ("summary", Names::Nothing),
    ("slug", Names::Nothing),
    ("draft", Names::Nothing),
    ("image", Names::Nothing),
    ("credit", Names::Nothing),
    ("tags", Names::Nothing),
    ("about", Names::Nothing),
    ("about[]", Names::Entity),
    ("alt", Names::Nothing),
    ("agency", Names::EntityOrText),
    ("rights", Names::Nothing),
    ("translator", Names::Nothing),
    ("dateline", Names::Nothing),
    ("byline", Names::Nothing),
    ("original_language", Names::Nothing),
    ("updated", Names::Nothing),
    ("updates", Names::Nothing),
    ("updates[].date", Names::Nothing),
    ("updates[].note", Names::Nothing),
    ("figures", Names::Nothing),
    ("figures[].label", Names::Nothing),
    ("figures[].value", Names::Nothing),
    ("figures[].entity", Names::Entity),
    ("figures[].as_of", Names::Nothing),
    ("figures[].source", Names::Source),
    ("events", Names::Nothing),
    ("events[].date", Names::Nothing),
    ("events[].label", Names::Nothing),
    ("events[].entities[]", Names::Entity),
    ("events[].source", Names::Source),
    ("wire", Names::Nothing),
    ("wire.id", Names::Nothing),
    ("wire.version", Names::Nothing),
];

/// Every field of an entity's file.
pub(crate) const ENTITY: &[(&str, Names)] = &[
    ("type", Names::Nothing),
    ("name", Names::Nothing),
    ("description", Names::Nothing),
    ("aliases", Names::Nothing),
    ("cited_as", Names::Nothing),
    ("wikidata", Names::Nothing),
    ("coordinates", Names::Nothing),
    ("relations", Names::Nothing),
    ("relations[].type", Names::Nothing),
    ("relations[].target", Names::Entity),
    ("relations[].from", Names::Nothing),
    ("relations[].until", Names::Nothing),
    ("relations[].as_of", Names::Nothing),
    ("relations[].source", Names::Source),
    ("lifespan", Names::Nothing),
    ("lifespan.from", Names::Nothing),
    ("lifespan.until", Names::Nothing),
    ("lifespan.source", Names::Source),
    ("aliases[].name", Names::Nothing),
    ("aliases[].from", Names::Nothing),
    ("aliases[].until", Names::Nothing),
    ("unverified", Names::Nothing),
    ("as_of", Names::Nothing),
    ("source", Names::Source),
    ("facts", Names::Nothing),
    ("facts[].label", Names::Nothing),
    ("facts[].value", Names::Nothing),
    ("facts[].entity", Names::Entity),
    ("facts[].as_of", Names::Nothing),
    ("facts[].source", Names::Source),
    ("events", Names::Nothing),
    ("events[].date", Names::Nothing),
    ("events[].label", Names::Nothing),
    ("events[].entities[]", Names::Entity),
    ("events[].source", Names::Source),
];

/// What a field names, by its path without positions (`figures[].source`).
pub(crate) fn names(schema: &[(&str, Names)], field: &str) -> Names {
    schema
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(Names::Nothing, |&(_, names)| names)
}

/// Every name an article's front matter gives in a field that can name an entity.
pub(crate) fn of_article(front: &FrontMatter) -> Vec<(String, &str, Names)> {
    let mut out = Vec::new();
    if let Some(agency) = &front.agency {
        out.push(("agency".to_string(), agency.as_str(), Names::EntityOrText));
    }
    for (i, id) in front.about.iter().enumerate() {
        out.push((format!("about[{i}]"), id.as_str(), Names::Entity));
    }
    facts(&mut out, "figures", &front.figures);
    events(&mut out, &front.events);
    out
}

/// Every name an entity's file gives in a field that can name an entity.
/// The entities in use, from those `named` (mentioned by an article, or named in a field of
/// any file): with them, every entity related to one in use, which is shown on that one's page
/// (the city of a mentioned governorate), until nothing joins (a chain of them). What `check`
/// warns of as unused and what `depeche entities --unused` lists are the others.
pub(crate) fn in_use<'a>(
    entities: impl Iterator<Item = &'a EntitySource> + Clone,
    mut named: std::collections::HashSet<&'a str>,
) -> std::collections::HashSet<&'a str> {
    loop {
        let joining: Vec<&str> = entities
            .clone()
            .filter(|e| !named.contains(e.id.as_str()))
            .filter(|e| {
                e.relations
                    .iter()
                    .any(|r| named.contains(r.target.as_str()))
            })
            .map(|e| e.id.as_str())
            .collect();
        if joining.is_empty() {
            return named;
        }
        named.extend(joining);
    }
}

pub(crate) fn of_entity(entity: &EntitySource) -> Vec<(String, &str, Names)> {
    let mut out = Vec::new();
    for (i, relation) in entity.relations.iter().enumerate() {
        out.push((
            format!("relations[{i}].target"),
            relation.target.as_str(),
            Names::Entity,
        ));
        if let Some(SourceRef::Named(name)) = &relation.source {
            out.push((
                format!("relations[{i}].source"),
                name.as_str(),
                Names::Source,
            ));
        }
    }
    if let Some(SourceRef::Named(name)) = &entity.source {
        out.push(("source".to_string(), name.as_str(), Names::Source));
    }
    if let Some(SourceRef::Named(name)) = entity.lifespan.as_ref().and_then(|l| l.source.as_ref()) {
        out.push(("lifespan.source".to_string(), name.as_str(), Names::Source));
    }
    facts(&mut out, "facts", &entity.facts);
    events(&mut out, &entity.events);
    out
}

fn facts<'a>(out: &mut Vec<(String, &'a str, Names)>, field: &str, facts: &'a [Fact]) {
    for (i, fact) in facts.iter().enumerate() {
        if let FactValue::Entity(id) = &fact.value {
            out.push((format!("{field}[{i}].entity"), id.as_str(), Names::Entity));
        }
        if let Some(SourceRef::Named(name)) = &fact.source {
            out.push((format!("{field}[{i}].source"), name.as_str(), Names::Source));
        }
    }
}

fn events<'a>(out: &mut Vec<(String, &'a str, Names)>, events: &'a [Event]) {
    for (i, event) in events.iter().enumerate() {
        for (j, id) in event.entities.iter().enumerate() {
            out.push((
                format!("events[{i}].entities[{j}]"),
                id.as_str(),
                Names::Entity,
            ));
        }
        if let Some(SourceRef::Named(name)) = &event.source {
            out.push((format!("events[{i}].source"), name.as_str(), Names::Source));
        }
    }
}

/// Every name written, as text, in a field of `schema` that can name an entity: the YAML of
/// `text[start..end]`, read for its places. What `rename-entity` changes.
pub(crate) fn in_text(
    schema: &[(&str, Names)],
    text: &str,
    start: usize,
    end: usize,
) -> Vec<Written> {
    Spans::read(text, start, end)
        .values()
        .iter()
        .filter(|v| !v.text.is_empty() && v.start < v.end)
        .filter_map(|v| {
            let names = names(schema, &v.field());
            (names != Names::Nothing).then(|| Written {
                path: v.path.clone(),
                name: v.text.clone(),
                names,
                start: v.start,
                end: v.end,
            })
        })
        .collect()
}

/// A name as a file writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written {
    pub(crate) path: String,
    pub(crate) name: String,
    pub(crate) names: Names,
    /// Byte range of the name in the file.
    pub(crate) start: usize,
    pub(crate) end: usize,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde::de::DeserializeOwned;

    use super::*;
    use crate::load::{entity, events, facts, front_matter};
    use crate::source::SourceText;

    /// The fields a struct of the schema accepts, as serde lists them for an unknown one.
    fn fields_of<T: DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        let err = serde_yaml::from_str::<T>("not_a_field_of_any_schema: 1").unwrap_err();
        let message = err.to_string();
        let list = message
            .split("expected one of ")
            .nth(1)
            .or_else(|| message.split("expected ").nth(1))
            .unwrap_or_else(|| panic!("{message}"));
        list.split([',', ' '])
            .filter(|w| *w != "or")
            .map(|f| f.trim().trim_matches(['`', ' ']).to_string())
            .map(|f| f.split('`').next().unwrap_or_default().to_string())
            .filter(|f| !f.is_empty())
            .collect()
    }

    /// Every field of every struct of the two schemas, with the path it is written at.
    fn every_field() -> (BTreeSet<String>, BTreeSet<String>) {
        let under = |prefix: &str, fields: Vec<String>| -> Vec<String> {
            fields.into_iter().map(|f| format!("{prefix}{f}")).collect()
        };
        let mut article = BTreeSet::new();
        article.extend(under("", fields_of::<front_matter::RawFrontMatter>()));
        article.extend(under(
            "updates[].",
            fields_of::<front_matter::RawCorrection>(),
        ));
        article.extend(under("figures[].", fields_of::<facts::RawFact>()));
        article.extend(under("events[].", fields_of::<events::RawEvent>()));
        article.extend(under("wire.", fields_of::<front_matter::Wire>()));
        let mut entity = BTreeSet::new();
        entity.extend(under("", fields_of::<entity::RawEntity>()));
        entity.extend(under("relations[].", fields_of::<entity::RawRelation>()));
        entity.extend(under("lifespan.", fields_of::<entity::RawLifespan>()));
        entity.extend(under("aliases[].", fields_of::<entity::RawDatedAlias>()));
        entity.extend(under("facts[].", fields_of::<facts::RawFact>()));
        entity.extend(under("events[].", fields_of::<events::RawEvent>()));
        (article, entity)
    }

    #[test]
    fn every_field_of_both_schemas_says_whether_it_names_an_entity() {
        let (article, entity) = every_field();
        assert!(
            article.contains("figures[].source") && entity.contains("relations[].target"),
            "{article:?} {entity:?}"
        );
        for (schema, fields, name) in [(ARTICLE, article, "ARTICLE"), (ENTITY, entity, "ENTITY")] {
            let listed: BTreeSet<String> = schema
                .iter()
                // A list of ids is listed by its items: `events[].entities[]`.
                .map(|(f, _)| f.trim_end_matches("[]").to_string())
                .collect();
            let missing: Vec<&String> = fields.difference(&listed).collect();
            assert!(
                missing.is_empty(),
                "fields missing from references::{name}: {missing:?} — say what each names"
            );
            let unknown: Vec<&String> = listed.difference(&fields).collect();
            assert!(
                unknown.is_empty(),
                "{name} lists fields no schema has: {unknown:?}"
            );
        }
    }

    const ARTICLE_TEXT: &str = "---\ntitle: t\ndate: 2024-11-30\nagency: afp\nfigures:\n  - label: {fr: morts, en: dead}\n    value: 3\n    as_of: 2024-11-30\n    source: osdh\n  - label: {fr: x, en: x}\n    entity: 'alep'\n    source: {url: https://example.org, title: Ex}\nevents:\n  - date: 2024-11-27\n    label: {fr: a, en: a}\n    entities: [hts, \"idlib\"]\n    source: osdh\n---\nbody\n";

    #[test]
    fn the_parsed_front_matter_and_its_text_name_the_same_entities_at_the_same_places() {
        let src = SourceText::new("a.fr.md", ARTICLE_TEXT.to_string());
        let split = front_matter::split(&src).unwrap();
        let front = front_matter::parse(&src, split, "a").unwrap();
        let parsed: Vec<(String, String, Names)> = of_article(&front)
            .into_iter()
            .map(|(p, n, k)| (p, n.to_string(), k))
            .collect();
        let written: Vec<(String, String, Names)> =
            in_text(ARTICLE, &src.text, split.yaml_start, split.yaml_end)
                .into_iter()
                .map(|w| (w.path, w.name, w.names))
                .collect();
        assert_eq!(parsed, written);
        assert_eq!(parsed.len(), 6, "{parsed:?}");
    }

    #[test]
    fn the_parsed_entity_and_its_text_name_the_same_entities_at_the_same_places() {
        let text = "type: organization\nname: {fr: A, en: A}\nsource: osdh\nrelations:\n  - {type: allied_with, target: hts}\nfacts:\n  - label: {fr: Chef, en: Leader}\n    entity: jolani\n    as_of: 2024-11-30\n    source: \"afp\"\nevents:\n  - date: 2024\n    label: {fr: a, en: a}\n    entities: [alep]\n";
        let langs = ["fr".to_string(), "en".to_string()];
        let parsed =
            entity::parse("x", SourceText::new("x.yaml", text.to_string()), &langs).unwrap();
        let from_struct: Vec<(String, String, Names)> = of_entity(&parsed)
            .into_iter()
            .map(|(p, n, k)| (p, n.to_string(), k))
            .collect();
        let mut written: Vec<(String, String, Names)> = in_text(ENTITY, text, 0, text.len())
            .into_iter()
            .map(|w| (w.path, w.name, w.names))
            .collect();
        // The struct lists relations first; the file may write them anywhere.
        written.sort();
        let mut sorted = from_struct.clone();
        sorted.sort();
        assert_eq!(sorted, written);
        assert_eq!(from_struct.len(), 5, "{from_struct:?}");
    }
}
