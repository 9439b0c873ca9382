//! Dates as editors write them: a day, or a timestamp of that day.

use chrono::{DateTime, NaiveDate};

/// A publication date as the editor wrote it, and the calendar day it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishDate {
    /// The calendar day.
    pub day: NaiveDate,
    /// The original value (`2024-11-30` or an RFC 3339 timestamp), for `<time datetime>`.
    pub raw: String,
}

impl PublishDate {
    /// A day (`2024-11-30`) or an RFC 3339 timestamp.
    pub fn parse(value: &str) -> Option<PublishDate> {
        let value = value.trim();
        let day = NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .ok()
            .filter(|_| value.len() == 10)
            .or_else(|| {
                DateTime::parse_from_rfc3339(value)
                    .ok()
                    .map(|t| t.date_naive())
            })?;
        Some(PublishDate {
            day,
            raw: value.to_string(),
        })
    }
}
