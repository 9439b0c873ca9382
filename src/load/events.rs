//! Dated events, from an article's front matter or an event entity's file: what the site's
//! timeline shows, each with the entities it involves and its source.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::facts::{RawSource, SourceRef};
use crate::diagnostic::{Code, Diagnostic, Location};

/// A year, a month or a day: as precise as the source is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, Deserialize,
)]
pub struct Day {
    /// The year.
    pub year: i32,
    /// The month (1–12), when known.
    pub month: Option<u32>,
    /// The day of the month, when known (then the month is too).
    pub day: Option<u32>,
}

impl Day {
    /// `2011`, `2020-03` or `2024-11-27`.
    pub fn parse(text: &str) -> Option<Day> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: Option<u32> = parts.next().map(str::parse).transpose().ok()?;
        let day: Option<u32> = parts.next().map(str::parse).transpose().ok()?;
        if !(1..=9999).contains(&year) || month.is_some_and(|m| !(1..=12).contains(&m)) {
            return None;
        }
        if let (Some(m), Some(d)) = (month, day) {
            chrono::NaiveDate::from_ymd_opt(year, m, d)?;
        }
        Some(Day { year, month, day })
    }

    /// As written in YAML: a bare year is a number.
    pub(crate) fn from_yaml(value: &serde_yaml::Value) -> Option<Day> {
        match value {
            serde_yaml::Value::Number(n) => Day::parse(&n.to_string()),
            serde_yaml::Value::String(s) => Day::parse(s),
            _ => None,
        }
    }

    /// The first calendar day it covers (1 January of a year, the 1st of a month).
    pub fn first_day(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .unwrap_or(chrono::NaiveDate::MIN)
    }

    /// The last calendar day it covers (31 December of a year, the end of a month).
    pub fn last_day(&self) -> chrono::NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => chrono::NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => chrono::NaiveDate::from_ymd_opt(self.year, m, 1)
                .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
                .and_then(|next| next.pred_opt()),
            _ => chrono::NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .unwrap_or(chrono::NaiveDate::MAX)
    }

    /// `2024`, `2024-11` or `2024-11-27`.
    pub(crate) fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }
}

/// When something held (a relation, an entity's life, an alias in use): from a day, until a
/// day, each as precise as known, either or both left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// When it began.
    pub from: Option<Day>,
    /// When it ended.
    pub until: Option<Day>,
}

impl Span {
    /// The span written as `from` and `until` (YAML values), each checked at its value by
    /// `at(field)`; `what` names the thing in messages ("the relation").
    pub(crate) fn checked(
        from: Option<serde_yaml::Value>,
        until: Option<serde_yaml::Value>,
        what: &str,
        at: &dyn Fn(&str) -> Location,
        problems: &mut Vec<Diagnostic>,
    ) -> Span {
        let mut day = |field: &str, value: Option<serde_yaml::Value>| {
            let value = value?;
            let day = Day::from_yaml(&value);
            if day.is_none() {
                let written = serde_yaml::to_string(&value).unwrap_or_default();
                problems.push(
                    Diagnostic::at(
                        Code::InvalidDate,
                        super::dates::not_a_date(&written),
                        at(field),
                    )
                    .with_help(format!(
                        "write a year, a month or a day, e.g. `{field}: 2015`, `{field}: 2020-03` or `{field}: 2024-12-08`"
                    )),
                );
            }
            day
        };
        let span = Span {
            from: day("from", from),
            until: day("until", until),
        };
        if let (Some(from), Some(until)) = (span.from, span.until)
            && until.last_day() < from.first_day()
        {
            problems.push(
                Diagnostic::at(
                    Code::InvalidDate,
                    format!(
                        "{what} ends ({}) before it begins ({})",
                        until.iso(),
                        from.iso()
                    ),
                    at("until"),
                )
                .with_help("`from` is when it began, `until` when it ended"),
            );
        }
        span
    }

    /// Whether it held on `day` (an open end holds forever that way).
    pub fn holds_on(&self, day: chrono::NaiveDate) -> bool {
        self.from.is_none_or(|f| f.first_day() <= day)
            && self.until.is_none_or(|u| day <= u.last_day())
    }

    /// Whether it had ended by `today`.
    pub fn ended_by(&self, today: chrono::NaiveDate) -> bool {
        self.until.is_some_and(|u| u.last_day() < today)
    }

    /// The days in both: the later start, the earlier end.
    pub fn within(&self, other: &Span) -> Span {
        let later = |a: Option<Day>, b: Option<Day>| match (a, b) {
            (Some(a), Some(b)) => Some(if b.first_day() > a.first_day() { b } else { a }),
            (a, b) => a.or(b),
        };
        let earlier = |a: Option<Day>, b: Option<Day>| match (a, b) {
            (Some(a), Some(b)) => Some(if b.last_day() < a.last_day() { b } else { a }),
            (a, b) => a.or(b),
        };
        Span {
            from: later(self.from, other.from),
            until: earlier(self.until, other.until),
        }
    }

    /// Whether some day is in both.
    pub fn overlaps(&self, other: &Span) -> bool {
        let starts = |s: &Span| s.from.map_or(chrono::NaiveDate::MIN, |d| d.first_day());
        let ends = |s: &Span| s.until.map_or(chrono::NaiveDate::MAX, |d| d.last_day());
        starts(self) <= ends(other) && starts(other) <= ends(self)
    }
}

/// When an event happened: a day (or month, or year), or a span.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, Deserialize,
)]
pub struct When {
    /// When it began (or happened).
    pub start: Day,
    /// When it ended, for a span.
    pub end: Option<Day>,
}

/// Something that happened, as a source reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Event {
    /// When.
    pub when: When,
    /// What, per language.
    pub label: BTreeMap<String, String>,
    /// The entities it involves, by id.
    pub entities: Vec<String>,
    /// Who reports it; an article's events default to the article itself.
    pub source: Option<SourceRef>,
}

/// An event as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEvent {
    date: Option<serde_yaml::Value>,
    #[serde(default)]
    label: BTreeMap<String, String>,
    #[serde(default)]
    entities: Vec<String>,
    source: Option<RawSource>,
}

impl RawEvent {
    /// The event, or the problems that keep it from being one; `at` locates a field of it
    /// (`""`: the event itself).
    pub(crate) fn checked(
        self,
        at: &dyn Fn(&str) -> Location,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Event> {
        let when = self.date.as_ref().and_then(when_of);
        if when.is_none() {
            let written = self
                .date
                .as_ref()
                .and_then(|d| serde_yaml::to_string(d).ok())
                .unwrap_or_default();
            problems.push(
                Diagnostic::at(
                    Code::InvalidDate,
                    match super::dates::calendar_reason(&written) {
                        Some(why) => format!("an event's date `{}` is not a date: {why}", written.trim()),
                        None => format!(
                            "an event's date `{}` is not a year, a month or a day",
                            written.trim()
                        ),
                    },
                    at("date"),
                )
                .with_help("write a year (`YYYY`), a month (`YYYY-MM`), a day (`YYYY-MM-DD`), or a span `{from: YYYY-MM-DD, to: YYYY-MM-DD}`"),
            );
        }
        if self.label.values().all(|l| l.trim().is_empty()) {
            problems.push(
                Diagnostic::at(Code::MissingField, "an event has no label", at(""))
                    .with_help("add `label: {fr: …, en: …}`: what happened, in each language"),
            );
        }
        let source = RawSource::checked(self.source, &|| at("source"), problems);
        Some(Event {
            when: when?,
            label: self
                .label
                .into_iter()
                .map(|(l, t)| (l, t.trim().to_string()))
                .collect(),
            entities: self
                .entities
                .into_iter()
                .map(|e| e.trim().to_string())
                .collect(),
            source,
        })
    }
}

fn when_of(value: &serde_yaml::Value) -> Option<When> {
    if let serde_yaml::Value::Mapping(span) = value {
        let start = Day::from_yaml(span.get("from")?)?;
        let end = Day::from_yaml(span.get("to")?)?;
        return (start <= end).then_some(When {
            start,
            end: Some(end),
        });
    }
    Some(When {
        start: Day::from_yaml(value)?,
        end: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_months_and_days_sort_in_time() {
        let d = |s: &str| Day::parse(s).unwrap();
        assert!(d("2011") < d("2016"));
        assert!(d("2020-03") < d("2024-11-27"));
        assert!(d("2024-11-27") < d("2024-11-29"));
        assert_eq!(d("2020-03").iso(), "2020-03");
        assert_eq!(Day::parse("2024-02-30"), None);
        assert_eq!(Day::parse("2024-13"), None);
        assert_eq!(Day::parse("soon"), None);
    }

    #[test]
    fn a_span_must_not_end_before_it_starts() {
        let span: serde_yaml::Value =
            serde_yaml::from_str("{from: 2024-11-30, to: 2024-11-27}").unwrap();
        assert_eq!(when_of(&span), None);
        let span: serde_yaml::Value =
            serde_yaml::from_str("{from: 2024-11-27, to: 2024-11-30}").unwrap();
        assert!(when_of(&span).is_some_and(|w| w.end.is_some()));
        let year: serde_yaml::Value = serde_yaml::from_str("2011").unwrap();
        assert_eq!(when_of(&year).map(|w| w.start.year), Some(2011));
    }
}
