//! Dates as editors write them: a day, or a timestamp of that day.

use chrono::{DateTime, NaiveDate};

/// A publication date as the editor wrote it, and the calendar day it names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublishDate {
    /// The calendar day.
    pub day: NaiveDate,
    /// The original value (`2024-11-30` or an RFC 3339 timestamp), for `<time datetime>`.
    pub raw: String,
}

/// Why `value` is not a date: the calendar's reason when it is written as one
/// (`2024-12-32`: December has 31 days), else that it is not written as one.
pub(crate) fn not_a_date(value: &str) -> String {
    let value = value.trim();
    match calendar_reason(value) {
        Some(why) => format!("`{value}` is not a date: {why}"),
        None => format!("`{value}` is not a valid date"),
    }
}

/// What the calendar says against a value written as a month or a day (`2024-13`: there is
/// no month 13; `2024-12-32`: December 2024 has 31 days).
pub(crate) fn calendar_reason(value: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let number = |s: &str| s.parse::<u32>().ok();
    let day_part = value.trim().split('T').next().unwrap_or_default();
    let parts: Vec<&str> = day_part.splitn(3, '-').collect();
    let (year, month) = match parts[..] {
        [y, m] | [y, m, _] if y.len() == 4 => (number(y)?, number(m)?),
        _ => return None,
    };
    let Some(name) = month.checked_sub(1).and_then(|i| MONTHS.get(i as usize)) else {
        return Some(format!(
            "there is no month {month} (months run from 01 to 12)"
        ));
    };
    let [_, _, day] = parts[..] else {
        return None;
    };
    let day = number(day)?;
    let days = (28..=31)
        .rev()
        .find(|&n| NaiveDate::from_ymd_opt(year as i32, month, n).is_some())
        .unwrap_or(31);
    (day == 0 || day > days).then(|| format!("{name} {year} has {days} days"))
}

/// How to write a publication date, without a date that would read like a correction.
pub(crate) const DAY_FORMAT: &str =
    "write the day as `YYYY-MM-DD`, or the day and time as `YYYY-MM-DDThh:mm:ss+01:00`";

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
