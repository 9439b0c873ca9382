//! `depeche import`: wire copy as agencies send it — IPTC NewsML-G2, IPTC ninjs (1.x and 2.x)
//! or plain text (a headline, then paragraphs) — read into [`Item`]s, each planned as an
//! article's file ([`plan`]). A feed that cannot be read is refused whole, with the line and
//! column of the mistake in the feed, before anything is written.

mod article;
mod html;
pub mod names;
mod newsml;
mod ninjs;
mod plain;

use std::path::{Path, PathBuf};

pub use article::{Action, Known, Plan, Request, plan};

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::source::SourceText;
use unicode_normalization::UnicodeNormalization;

/// The largest feed file read: an agency's text item is a few kilobytes, a package of them a
/// few hundred; anything larger is not a dispatch.
pub const MAX_FEED_BYTES: u64 = 4 * 1024 * 1024;

/// One text item of a feed, as the agency wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// Where the item starts in its feed file.
    pub at: Option<Location>,
    /// The agency's identifier (a NewsML-G2 `guid`, a ninjs `uri`).
    pub id: Option<String>,
    /// Its version: a correction is a newer version of the same identifier.
    pub version: Option<u64>,
    /// The language of its text.
    pub lang: Option<String>,
    /// The headline.
    pub headline: Option<String>,
    /// The agency's slug for the story, shared by its versions in other languages.
    pub slugline: Option<String>,
    /// When it was first created, as the feed writes it (with its time zone).
    pub first_created: Option<String>,
    /// When this version was created.
    pub version_created: Option<String>,
    /// Where (and when) it was filed.
    pub dateline: Option<String>,
    /// Who wrote it.
    pub byline: Option<String>,
    /// The agency that provides it.
    pub agency: Option<String>,
    /// Its summary.
    pub summary: Option<String>,
    /// Copyright and usage terms.
    pub rights: Option<String>,
    /// Subjects and keywords, by name.
    pub tags: Vec<String>,
    /// The paragraphs of its text, verbatim.
    pub paragraphs: Vec<String>,
    /// Pictures sent with it: recorded, never downloaded.
    pub pictures: Vec<Picture>,
    /// A note from the agency to editors (what a correction changed).
    pub ednote: Option<String>,
    /// The identifier of the item it translates.
    pub translated_from: Option<String>,
}

/// A picture that comes with an item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picture {
    /// Where the agency serves it.
    pub href: Option<String>,
    /// Its caption.
    pub caption: Option<String>,
    /// Its credit line.
    pub credit: Option<String>,
}

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// IPTC NewsML-G2 (XML): a `newsItem`, or a `newsMessage` of several.
    NewsMl,
    /// IPTC ninjs (JSON), 1.x or 2.x.
    Ninjs,
    /// A headline on the first line, then paragraphs separated by blank lines.
    Plain,
}

impl Format {
    /// How the format is named to users.
    pub fn name(self) -> &'static str {
        match self {
            Format::NewsMl => "NewsML-G2",
            Format::Ninjs => "ninjs",
            Format::Plain => "plain text",
        }
    }
}

/// Reads a feed file: its format, told by its first character, and its text items.
pub fn read(path: &Path) -> Result<(Format, Vec<Item>), Diagnostic> {
    let shown = PathBuf::from(path);
    let bytes = read_capped(path).map_err(|e| {
        Diagnostic::at(
            Code::Unreadable,
            format!("cannot read {}: {e}", shown.display()),
            Location::file_only(&shown),
        )
    })?;
    let Some(bytes) = bytes else {
        return Err(Diagnostic::at(
            Code::TooLarge,
            format!(
                "{} is larger than {} MiB: it is not a dispatch",
                shown.display(),
                MAX_FEED_BYTES / (1024 * 1024)
            ),
            Location::file_only(&shown),
        )
        .with_help("import the text items one by one, or check that this is the agency's file"));
    };
    let src = crate::source::decode(shown, bytes)?;
    parse(&src)
}

/// Reads a feed already in memory.
pub fn parse(src: &SourceText) -> Result<(Format, Vec<Item>), Diagnostic> {
    let first = src.text.trim_start_matches(|c: char| c.is_whitespace());
    // A file named as JSON or XML is read as such, broken or not: never as plain text.
    let extension = src
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = match extension.as_deref() {
        Some("json") => Format::Ninjs,
        Some("xml" | "nml") => Format::NewsMl,
        _ if first.starts_with('<') => Format::NewsMl,
        _ if first.starts_with(['{', '[']) => Format::Ninjs,
        _ => Format::Plain,
    };
    let items = match format {
        Format::NewsMl => newsml::items(src)?,
        Format::Ninjs => ninjs::items(src)?,
        Format::Plain => plain::items(src)?,
    };
    if items.is_empty() {
        return Err(Diagnostic::at(
            Code::InvalidFeed,
            format!("the {} file holds no text item", format.name()),
            src.locate(0, 0),
        )
        .with_help("pictures and packages that only refer to items elsewhere are not imported: import the text items' own files"));
    }
    Ok((format, items))
}

/// The file's bytes, or `None` past [`MAX_FEED_BYTES`] (read no further than that).
fn read_capped(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a folder, a named pipe or a device)",
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FEED_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FEED_BYTES).then_some(bytes))
}

/// Lowercase ASCII words joined by hyphens, at most six of them (`Alep : l'offensive` →
/// `alep-l-offensive`).
pub(crate) fn slug(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = folded.split_whitespace().take(6).collect();
    let mut key = words.join("-");
    key.truncate(60);
    key.trim_end_matches('-').to_string()
}

/// Text as it stands in a feed: runs of spaces, tabs and line breaks (the layout of the XML or
/// JSON) made one space, the ends trimmed. Nothing else is touched: quotes, dashes and the
/// no-break spaces of French typography stay the agency's.
pub(crate) fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `Some` of the collapsed text, when there is any.
pub(crate) fn non_empty(text: &str) -> Option<String> {
    Some(collapse(text)).filter(|t| !t.is_empty())
}

/// Paragraphs of a plain-text body: separated by blank lines, or, when it has none, by line
/// breaks.
pub(crate) fn plain_paragraphs(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n");
    let blocks: Vec<&str> = if text.contains("\n\n") {
        text.split("\n\n").collect()
    } else {
        text.split('\n').collect()
    };
    blocks.into_iter().filter_map(non_empty).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_split_at_blank_lines_else_at_line_breaks() {
        assert_eq!(
            plain_paragraphs("Un\nsuite.\n\n  Deux  \n\n\n"),
            ["Un suite.", "Deux"]
        );
        assert_eq!(plain_paragraphs("Un\r\nDeux"), ["Un", "Deux"]);
    }

    #[test]
    fn the_first_character_tells_the_format() {
        let src = SourceText::new("a.txt", "Titre\n\nTexte.\n".to_string());
        assert_eq!(parse(&src).map(|(f, _)| f).ok(), Some(Format::Plain));
        let src = SourceText::new("a.json", " {\"uri\": 3}".to_string());
        let err = parse(&src).err().and_then(|d| d.location.map(|l| l.line));
        assert_eq!(err, Some(1));
    }
}
