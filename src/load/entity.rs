//! Reading `content/entities/<id>.yaml`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::dates::PublishDate;
use super::events::Span;
use super::facts::{self, Fact, RawFact, RawSource, SourceRef};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Location};
use crate::source::SourceText;
use crate::yaml;
use crate::yaml::spans::{Places, Spans, join};

/// What an entity is. The order is the order of groups on pages; the names are those of the
/// `type:` field and of `depeche new entity --type`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// An armed group, a party, an agency, a government.
    Organization,
    /// A person.
    Person,
    /// A city, a region, a country.
    Place,
    /// A battle, a ceasefire, a war.
    Event,
    /// Anything else.
    Other,
}

impl EntityKind {
    /// The name written in entity files (`type: place`).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Organization => "organization",
            EntityKind::Person => "person",
            EntityKind::Place => "place",
            EntityKind::Event => "event",
            EntityKind::Other => "other",
        }
    }

    /// The schema.org type of pages' structured data.
    pub(crate) fn schema_org_type(self) -> &'static str {
        match self {
            EntityKind::Organization => "Organization",
            EntityKind::Person => "Person",
            EntityKind::Place => "Place",
            EntityKind::Event => "Event",
            EntityKind::Other => "Thing",
        }
    }
}

/// Facts an editor has deliberately left out until they are verified: `check` does not warn
/// about their absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unverified {
    /// Its Wikidata id.
    Wikidata,
    /// Its coordinates.
    Coordinates,
}

/// A typed link to another entity (`member_of: hts`), with when it held and who says so.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The relation, as written.
    pub kind: String,
    /// The other entity's id.
    pub target: String,
    /// When it held: a relation that ended is shown as past.
    pub span: Span,
    /// A day it was known to hold, when its span is not known.
    pub as_of: Option<PublishDate>,
    /// Where it comes from.
    pub source: Option<SourceRef>,
}

impl Relation {
    /// Whether it had ended by `today`.
    pub fn ended_by(&self, today: chrono::NaiveDate) -> bool {
        self.span.ended_by(today)
    }
}

/// A relation as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRelation {
    #[serde(rename = "type")]
    kind: String,
    target: String,
    from: Option<serde_yaml::Value>,
    until: Option<serde_yaml::Value>,
    as_of: Option<String>,
    source: Option<RawSource>,
}

impl RawRelation {
    /// The relation, or the problems that keep it from being one; `at` locates a field of it.
    fn checked(
        self,
        at: &dyn Fn(&str) -> Location,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Relation> {
        let start = problems.len();
        let span = Span::checked(self.from, self.until, "the relation", at, problems);
        let as_of = facts::as_of(self.as_of.as_deref(), &|| at("as_of"), problems);
        let source = RawSource::checked(self.source, &|| at("source"), problems);
        (problems.len() == start).then_some(Relation {
            kind: self.kind,
            target: self.target,
            span,
            as_of,
            source,
        })
    }
}

/// When an entity existed (founded, dissolved, fell), and who says so.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lifespan {
    /// From when until when.
    pub span: Span,
    /// Where the dates come from.
    pub source: Option<SourceRef>,
}

/// A lifespan as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLifespan {
    from: Option<serde_yaml::Value>,
    until: Option<serde_yaml::Value>,
    source: Option<RawSource>,
}

/// An alias as written: a name, or a name in use for a period only (`{name: forces
/// gouvernementales, until: 2024-12-08}`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawAlias {
    Name(String),
    Dated(RawDatedAlias),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDatedAlias {
    name: String,
    from: Option<serde_yaml::Value>,
    until: Option<serde_yaml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEntity {
    #[serde(rename = "type")]
    kind: Option<EntityKind>,
    #[serde(default)]
    name: BTreeMap<String, String>,
    #[serde(default)]
    description: BTreeMap<String, String>,
    #[serde(default)]
    aliases: BTreeMap<String, Vec<RawAlias>>,
    #[serde(default)]
    cited_as: BTreeMap<String, String>,
    wikidata: Option<String>,
    lifespan: Option<RawLifespan>,
    coordinates: Option<Vec<f64>>,
    #[serde(default)]
    relations: Vec<RawRelation>,
    #[serde(default)]
    unverified: Vec<Unverified>,
    as_of: Option<String>,
    source: Option<RawSource>,
    #[serde(default)]
    facts: Vec<RawFact>,
    #[serde(default)]
    events: Vec<super::events::RawEvent>,
}

/// An entity as its file describes it (relations not yet checked against other entities).
#[derive(Debug, Clone)]
pub struct EntitySource {
    /// The file name without `.yaml`: what `[[id]]` mentions name.
    pub id: String,
    /// The file's text, for diagnostics.
    pub src: SourceText,
    /// Its type.
    pub kind: EntityKind,
    /// Its name per language.
    pub name: BTreeMap<String, String>,
    /// One sentence per language.
    pub description: BTreeMap<String, String>,
    /// Other names per language, for suggestions.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// How a sentence names it as a source, after "according to", per language ("l'OSDH",
    /// "des médias gouvernementaux syriens"); its name otherwise.
    pub cited_as: BTreeMap<String, String>,
    /// The aliases in use for a period only, by language and alias.
    pub alias_spans: BTreeMap<(String, String), Span>,
    /// When it existed.
    pub lifespan: Option<Lifespan>,
    /// Its Wikidata id (`Q1234`).
    pub wikidata: Option<String>,
    /// Latitude and longitude, for places.
    pub coordinates: Option<(f64, f64)>,
    /// Its links to other entities.
    pub relations: Vec<Relation>,
    /// Facts left out on purpose.
    pub unverified: Vec<Unverified>,
    /// The day its description was true at.
    pub as_of: Option<PublishDate>,
    /// Where its description comes from.
    pub source: Option<SourceRef>,
    /// Dated, sourced statements about it.
    pub facts: Vec<Fact>,
    /// What happened, dated and sourced (an event entity's own timeline).
    pub events: Vec<super::events::Event>,
    /// Long-form prose per language, from `<id>.<lang>.md`.
    pub prose: BTreeMap<String, SourceText>,
    /// Where each value of its file is written: read once, when a diagnostic first asks.
    spans: Arc<OnceLock<Spans>>,
}

impl EntitySource {
    /// Its name and aliases in every language, each with when it names the entity (its
    /// lifespan, narrowed to the alias's own period) and whether it is an alias: what
    /// mentions are matched against.
    pub fn written_forms(&self) -> impl Iterator<Item = (&str, &str, Span, bool)> {
        let lifespan = self.lifespan.as_ref().map(|l| l.span).unwrap_or_default();
        let names = self.name.iter().map(|(l, n)| (l, n, false));
        let aliases = self
            .aliases
            .iter()
            .flat_map(|(l, list)| list.iter().map(move |a| (l, a, true)));
        names.chain(aliases).map(move |(lang, text, alias)| {
            let when = match self.alias_spans.get(&(lang.clone(), text.clone())) {
                Some(period) => lifespan.within(period),
                None => lifespan,
            };
            (lang.as_str(), text.as_str(), when, alias)
        })
    }

    /// Where `key: ... needle` is written in the file, for diagnostics.
    /// Where the value at `path` (`facts[1].source`) is written, or the nearest value
    /// that holds it.
    pub(crate) fn locate(&self, path: &str) -> crate::diagnostic::Location {
        self.spans
            .get_or_init(|| Spans::read(&self.src.text, 0, self.src.text.len()))
            .locate(&self.src, 0, path)
    }

    /// Whether the file writes a value at `path` (`relations[0].as_of`), read or not: a value
    /// that did not read has its own error, and is not also missing.
    pub(crate) fn written(&self, path: &str) -> bool {
        self.spans
            .get_or_init(|| Spans::read(&self.src.text, 0, self.src.text.len()))
            .at(path)
            .is_some()
    }
}

/// Reads an entity file's YAML, with every problem located in it.
pub fn parse(id: &str, src: SourceText, languages: &[String]) -> Result<EntitySource, Diagnostics> {
    Diagnostics::unless_any(parse_with_problems(id, src, languages))
}

/// The entity and every problem of its file. With problems, what reads is still given, so
/// that the ids it names can be checked; such an entity is never published.
pub(crate) fn parse_with_problems(
    id: &str,
    src: SourceText,
    languages: &[String],
) -> (Option<EntitySource>, Vec<Diagnostic>) {
    // Every mistake of the file at once: a field that does not read is left out, and the
    // checks of what it would have said are skipped.
    let partial = yaml::parse_all::<RawEntity>(&src, 0, src.text.len());
    let Some(raw) = partial.value else {
        return (None, partial.problems);
    };
    let mut problems = partial.problems;
    let broken = partial.broken;
    let text = &src.text;
    let at_key = |key: &str| {
        yaml::find_key(text, 0, text.len(), key)
            .map_or_else(|| src.locate(0, 0), |(s, e)| src.locate(s, e))
    };

    if raw.kind.is_none() && !broken.contains("type") {
        problems.push(
            Diagnostic::at(
                Code::MissingField,
                "missing required field `type`",
                src.locate(0, 0),
            )
            .with_help("add `type:` with one of organization, person, place, event, other"),
        );
    }
    if !broken.contains("name") {
        check_names(id, &raw, languages, &at_key("name"), &mut problems);
    }
    if let Some(q) = &raw.wikidata
        && !is_wikidata_id(q)
    {
        let at = at_key("wikidata");
        let mut d = Diagnostic::at(
            Code::InvalidWikidata,
            format!("`{q}` is not a Wikidata item id"),
            at.clone(),
        );
        // The number alone, or a lowercase q: the id is one letter away.
        let fixed = format!("Q{}", q.trim().trim_start_matches(['q', 'Q']));
        if is_wikidata_id(&fixed) {
            d = d.with_help(format!(
                "did you mean `{fixed}`? An item's id is `Q` and its number, as wikidata.org shows it"
            ));
            if let Some((s, e)) = yaml::find_key(text, 0, text.len(), "wikidata") {
                d = d.with_replacement(&src.path, s, e, fixed);
            }
        } else {
            d = d.with_help("use the item's Q-id as shown on wikidata.org, e.g. `Q41183`; leave the field out if unsure");
        }
        problems.push(d);
    }
    let coordinates = coordinates_of(
        raw.coordinates.as_deref(),
        &|| at_key("coordinates"),
        &mut problems,
    );
    let as_of = facts::as_of(raw.as_of.as_deref(), &|| at_key("as_of"), &mut problems);
    let source = RawSource::checked(raw.source, &|| at_key("source"), &mut problems);
    let places = Places::new(&src, 0, src.text.len());
    let facts: Vec<Fact> = raw
        .facts
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let at = |field: &str| places.locate(&join(&format!("facts[{i}]"), field));
            f.checked(languages, &at, &mut problems)
        })
        .collect();
    let events = raw
        .events
        .into_iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let at = |field: &str| places.locate(&join(&format!("events[{i}]"), field));
            e.checked(&at, &mut problems)
        })
        .collect();
    let lifespan = raw.lifespan.map(|l| {
        let at = |field: &str| places.locate(&join("lifespan", field));
        Lifespan {
            span: Span::checked(l.from, l.until, "the entity", &at, &mut problems),
            source: RawSource::checked(l.source, &|| at("source"), &mut problems),
        }
    });
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut alias_spans = BTreeMap::new();
    for (lang, list) in raw.aliases {
        for (i, alias) in list.into_iter().enumerate() {
            let name = match alias {
                RawAlias::Name(name) => name,
                RawAlias::Dated(dated) => {
                    let at =
                        |field: &str| places.locate(&join(&format!("aliases.{lang}[{i}]"), field));
                    let span =
                        Span::checked(dated.from, dated.until, "the alias", &at, &mut problems);
                    alias_spans.insert((lang.clone(), dated.name.clone()), span);
                    dated.name
                }
            };
            aliases.entry(lang.clone()).or_default().push(name);
        }
    }
    let relations = raw
        .relations
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let at = |field: &str| places.locate(&join(&format!("relations[{i}]"), field));
            r.checked(&at, &mut problems)
        })
        .collect();
    drop(places);
    // A type missing or not read is an error above: the entity is never published, and is
    // kept only for the ids it names to be checked, which its type does not change.
    debug_assert!(raw.kind.is_some() || !problems.is_empty());
    let kind = raw.kind.unwrap_or(EntityKind::Other);
    let entity = EntitySource {
        as_of,
        source,
        facts,
        events,
        id: id.to_string(),
        kind,
        name: trimmed(raw.name),
        description: trimmed(raw.description),
        aliases,
        cited_as: trimmed(raw.cited_as),
        alias_spans,
        lifespan,
        wikidata: raw.wikidata,
        coordinates,
        relations,
        unverified: raw.unverified,
        prose: BTreeMap::new(),
        src,
        spans: Arc::default(),
    };
    (Some(entity), problems)
}

/// A name in every language of the site.
fn check_names(
    id: &str,
    raw: &RawEntity,
    languages: &[String],
    at: &Location,
    problems: &mut Vec<Diagnostic>,
) {
    for lang in languages {
        if raw.name.get(lang).is_none_or(|n| n.trim().is_empty()) {
            problems.push(
                Diagnostic::at(
                    Code::MissingName,
                    format!("entity `{id}` has no name in `{lang}`"),
                    at.clone(),
                )
                .with_help(format!("add `{lang}: ...` under `name`")),
            );
        }
    }
}

/// `[latitude, longitude]` in degrees, within their ranges.
fn coordinates_of(
    value: Option<&[f64]>,
    at: &dyn Fn() -> crate::diagnostic::Location,
    problems: &mut Vec<Diagnostic>,
) -> Option<(f64, f64)> {
    match value? {
        &[lat, lon] if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
            Some((lat, lon))
        }
        _ => {
            problems.push(
                Diagnostic::at(
                    Code::InvalidCoordinates,
                    "coordinates must be [latitude, longitude] in degrees",
                    at(),
                )
                .with_help("latitude between -90 and 90, longitude between -180 and 180, e.g. `[36.2, 37.16]`"),
            );
            None
        }
    }
}

fn trimmed(map: BTreeMap<String, String>) -> BTreeMap<String, String> {
    map.into_iter()
        .map(|(k, v)| (k, v.trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn is_wikidata_id(q: &str) -> bool {
    q.strip_prefix('Q').is_some_and(|n| {
        !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs() -> Vec<String> {
        vec!["fr".into(), "en".into()]
    }

    #[test]
    fn parses_a_place() {
        let text = "type: place\nname: {fr: Alep, en: Aleppo}\nwikidata: Q41183\ncoordinates: [36.2, 37.16]\nrelations:\n  - {type: located_in, target: syria}\n";
        let e = parse("aleppo", SourceText::new("e.yaml", text.into()), &langs()).unwrap();
        assert_eq!(e.kind, EntityKind::Place);
        assert_eq!(e.name["en"], "Aleppo");
        assert_eq!(e.coordinates, Some((36.2, 37.16)));
        assert_eq!(e.relations[0].target, "syria");
    }

    #[test]
    fn a_relation_says_when_it_held_and_who_says_so() {
        let text = "type: organization\nname: {fr: G, en: G}\nrelations:\n  - type: supported_by\n    target: russia\n    from: 2015-09\n    until: 2024-12-08\n    source: {url: \"https://example.org/fall\", title: Fall}\n  - {type: based_in, target: damascus, as_of: 2024-11-30, source: afp}\n";
        let e = parse("g", SourceText::new("e.yaml", text.into()), &langs()).unwrap();
        let [past, held] = &e.relations[..] else {
            panic!("{:?}", e.relations)
        };
        assert_eq!(past.span.from.map(|d| d.iso()).as_deref(), Some("2015-09"));
        assert_eq!(
            past.span.until.map(|d| d.iso()).as_deref(),
            Some("2024-12-08")
        );
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // It held on its last day, and had ended the day after.
        assert!(past.ended_by(day("2024-12-09")));
        assert!(!past.ended_by(day("2024-12-08")));
        assert!(!held.ended_by(day("2026-12-05")));
        assert_eq!(
            held.as_of.as_ref().map(|d| d.raw.as_str()),
            Some("2024-11-30")
        );
        assert_eq!(held.source, Some(SourceRef::Named("afp".into())));
    }

    #[test]
    fn a_relation_with_a_bad_date_is_an_error_at_the_date() {
        let text = "type: organization\nname: {fr: G, en: G}\nrelations:\n  - type: supported_by\n    target: russia\n    from: 2024-12\n    until: 2015\n  - {type: based_in, target: damascus, from: soon}\n";
        let errs = parse("g", SourceText::new("e.yaml", text.into()), &langs()).unwrap_err();
        let got: Vec<_> = errs
            .iter()
            .map(|d| {
                let at = d.location.as_ref().unwrap();
                (d.code, at.line, at.col)
            })
            .collect();
        assert_eq!(
            got,
            vec![(Code::InvalidDate, 7, 12), (Code::InvalidDate, 8, 46)],
            "{errs:?}"
        );
    }

    #[test]
    fn reports_every_bad_field() {
        let text = "type: place\nname: {fr: Alep}\nwikidata: 41183\ncoordinates: [136.2, 37.16]\n";
        let errs = parse("aleppo", SourceText::new("e.yaml", text.into()), &langs()).unwrap_err();
        let got: Vec<_> = errs
            .iter()
            .map(|d| (d.code, d.location.as_ref().unwrap().line))
            .collect();
        assert_eq!(
            got,
            vec![
                (Code::MissingName, 2),
                (Code::InvalidWikidata, 3),
                (Code::InvalidCoordinates, 4)
            ]
        );
    }

    #[test]
    fn wikidata_ids() {
        assert!(is_wikidata_id("Q41183"));
        assert!(!is_wikidata_id("Q0"));
        assert!(!is_wikidata_id("q41183"));
        assert!(!is_wikidata_id("Q41183x"));
    }
}
