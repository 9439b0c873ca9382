//! A plain-text dispatch: the headline on the first line (after an optional `date YYYY-MM-DD`
//! as wire archives write it), then paragraphs separated by blank lines.

use super::{Item, non_empty, plain_paragraphs};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceText;

pub(super) fn items(src: &SourceText) -> Result<Vec<Item>, Diagnostic> {
    let text = src.text.replace("\r\n", "\n");
    let trimmed = text.trim_start();
    let (first, rest) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
    let (date, headline) = dated(first.trim());
    let Some(headline) = non_empty(headline) else {
        return Err(Diagnostic::at(
            Code::InvalidFeed,
            "the first line, the headline, is empty",
            src.locate(0, 0),
        )
        .with_help(
            "write the headline on the first line, then a blank line, then the paragraphs",
        ));
    };
    Ok(vec![Item {
        at: Some(src.locate(0, 0)),
        headline: Some(headline),
        first_created: date,
        paragraphs: plain_paragraphs(rest),
        ..Item::default()
    }])
}

/// `date 2024-11-30 Titre` → the date and the headline; a month alone (`date 2024-11`) is no
/// publication date, and is left for the editor.
fn dated(line: &str) -> (Option<String>, &str) {
    let Some(rest) = line.strip_prefix("date ") else {
        return (None, line);
    };
    let (value, headline) = rest.trim_start().split_once(' ').unwrap_or((rest, ""));
    let day = crate::load::PublishDate::parse(value)
        .is_some()
        .then(|| value.to_string());
    let is_date = value.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    if is_date {
        (day, headline.trim())
    } else {
        (None, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_date_is_read_and_a_month_is_no_date() {
        assert_eq!(
            dated("date 2024-11-30 Alep"),
            (Some("2024-11-30".into()), "Alep")
        );
        assert_eq!(dated("date 2024-11 Alep"), (None, "Alep"));
        assert_eq!(dated("Alep"), (None, "Alep"));
    }
}
