//! Statements with their source and the date they were true at: an entity's facts, the
//! figures an article reports. A knowledge site built from wire copy says where each statement
//! comes from and when it held.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::dates::PublishDate;
use crate::diagnostic::{Code, Diagnostic, Location};

/// Where a statement comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub enum SourceRef {
    /// An entity (`osdh`) or an article (`alep-offensive-hts`) of the site, by id or key.
    Named(String),
    /// A page elsewhere.
    Link {
        /// Its address.
        url: String,
        /// Its title, as the site shows the link.
        title: String,
    },
}

/// What a fact says.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub enum FactValue {
    /// A number, as written (`311`, `2.5`).
    Number(f64),
    /// A day.
    Date(PublishDate),
    /// Text, per language (one text for every language when written once).
    Text(BTreeMap<String, String>),
    /// Another entity, by id.
    Entity(String),
}

/// A statement about an entity, or a figure an article reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub struct Fact {
    /// What it is, per language (`Fondation` / `Founded`).
    pub label: BTreeMap<String, String>,
    /// Its value.
    pub value: FactValue,
    /// The day it was true at.
    pub as_of: Option<PublishDate>,
    /// Where it comes from.
    pub source: Option<SourceRef>,
}

/// A source as written: an id or key, or a link.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawSource {
    Named(String),
    Link { url: String, title: String },
}

/// A fact as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFact {
    #[serde(default)]
    label: BTreeMap<String, String>,
    value: Option<serde_yaml::Value>,
    entity: Option<String>,
    as_of: Option<String>,
    source: Option<RawSource>,
}

impl RawSource {
    /// The source a statement names (`source`, written at `at()`); `None`, with the problem
    /// reported, for a link that is not a web address.
    pub(crate) fn checked(
        source: Option<RawSource>,
        at: &dyn Fn() -> Location,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<SourceRef> {
        match source? {
            RawSource::Named(name) => Some(SourceRef::Named(name.trim().to_string())),
            RawSource::Link { url, title } => {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    problems.push(Diagnostic::at(
                        Code::InvalidValue,
                        format!("the source `{url}` is not a web address"),
                        at(),
                    )
                    .with_help("give an `https://` address, or the id of an entity or the key of an article of the site"));
                    return None;
                }
                Some(SourceRef::Link { url, title })
            }
        }
    }
}

/// A day written as a fact's or a description's `as_of`.
pub(crate) fn as_of(
    value: Option<&str>,
    at: &dyn Fn() -> Location,
    problems: &mut Vec<Diagnostic>,
) -> Option<PublishDate> {
    let value = value?;
    let date = PublishDate::parse(value);
    if date.is_none() {
        // A year or a month is a span, which `from` and `until` say; `as_of` is one day.
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let partial = match value.split_once('-') {
            Some((year, month)) => digits(year, 4) && digits(month, 2),
            None => digits(value, 4),
        };
        let message = if partial {
            format!("`as_of: {value}` is not a day: `as_of` names the day it was true at")
        } else {
            super::dates::not_a_date(value)
        };
        problems.push(
            Diagnostic::at(Code::InvalidDate, message, at()).with_help(
                "write the day the statement was true at, e.g. `as_of: 2024-11-30`; for a relation known over a year or a month, write `from:` and `until:`",
            ),
        );
    }
    date
}

impl RawFact {
    /// The fact, or the problems that keep it from being one. `at` locates a field of it
    /// (`""`: the fact itself). A figure an article reports (no `languages`: its labels are
    /// the article's) is a number.
    pub(crate) fn checked(
        self,
        languages: &[String],
        at: &dyn Fn(&str) -> Location,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Fact> {
        let start = problems.len();
        for lang in languages {
            if self.label.get(lang).is_none_or(|l| l.trim().is_empty()) {
                problems.push(
                    Diagnostic::at(
                        Code::MissingField,
                        format!("a fact has no label in `{lang}`"),
                        at("label"),
                    )
                    .with_help(format!("add `{lang}: …` under the fact's `label`")),
                );
            }
        }
        let figure = languages.is_empty();
        let mut wrong = None;
        let value = match (self.value, self.entity) {
            (Some(value), None) => match value_of(&value, languages) {
                Ok(FactValue::Number(n)) => Some(FactValue::Number(n)),
                Ok(_) if figure => {
                    let written = serde_yaml::to_string(&value).unwrap_or_default();
                    wrong = Some(
                        Diagnostic::at(
                            Code::InvalidValue,
                            format!("a figure is a number: `{}` is not one", written.trim()),
                            at("value"),
                        )
                        .with_help("write the number alone (`value: 300`); words such as “about” go in its label"),
                    );
                    None
                }
                Ok(value) => Some(value),
                Err(why) => {
                    wrong = Some(
                        Diagnostic::at(Code::InvalidValue, why, at("value")).with_help(
                            "write a number such as `311` or `2.5`, a date, or text in quotes",
                        ),
                    );
                    None
                }
            },
            (None, Some(id)) => Some(FactValue::Entity(id.trim().to_string())),
            _ => None,
        };
        if let Some(wrong) = wrong {
            problems.push(wrong);
        } else if value.is_none() {
            problems.push(
                Diagnostic::at(
                    Code::InvalidValue,
                    "a fact needs one `value` (a number, a date, text) or one `entity`",
                    at(""),
                )
                .with_help("e.g. `value: 2017-01-28`, `value: {fr: …, en: …}` or `entity: hts`"),
            );
        }
        let as_of = as_of(self.as_of.as_deref(), &|| at("as_of"), problems);
        let source = RawSource::checked(self.source, &|| at("source"), problems);
        let label = self
            .label
            .into_iter()
            .map(|(l, t)| (l, t.trim().to_string()))
            .collect();
        (problems.len() == start).then_some(Fact {
            label,
            value: value?,
            as_of,
            source,
        })
    }
}

/// A number, a day (`2017-01-28`), text for every language, or text per language; why not,
/// for a number that is not finite (`.nan`, `.inf`: no data format can hold it).
fn value_of(value: &serde_yaml::Value, languages: &[String]) -> Result<FactValue, String> {
    use serde_yaml::Value;
    let nothing =
        || "a fact needs one `value` (a number, a date, text) or one `entity`".to_string();
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() => Ok(FactValue::Number(x)),
            Some(x) => Err(format!("`{x}` is not a finite number")),
            None => Err(format!("`{n}` is not a finite number")),
        },
        Value::String(s) => Ok(match PublishDate::parse(s) {
            Some(day) if s.len() == 10 => FactValue::Date(day),
            _ => FactValue::Text(languages.iter().map(|l| (l.clone(), s.clone())).collect()),
        }),
        Value::Mapping(map) => {
            let texts: BTreeMap<String, String> = map
                .iter()
                .filter_map(|(k, v)| {
                    Some((k.as_str()?.to_string(), v.as_str()?.trim().to_string()))
                })
                .collect();
            if texts.is_empty() {
                Err(nothing())
            } else {
                Ok(FactValue::Text(texts))
            }
        }
        _ => Err(nothing()),
    }
}
