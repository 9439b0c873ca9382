//! Splitting and reading an article's YAML front matter.

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::dates::PublishDate;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Location};
use crate::source::SourceText;
use crate::yaml;
use crate::yaml::spans::{Places, join};

/// An article's validated front matter.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct FrontMatter {
    /// The headline.
    pub title: String,
    /// When it was published.
    pub date: PublishDate,
    /// A summary for listings and descriptions (else the first paragraph).
    pub summary: Option<String>,
    /// The URL segment for this language (defaults to the article key).
    pub slug: String,
    /// Left out of the site unless `--drafts`.
    pub draft: bool,
    /// Dated after today: left out of the site until its date, unless `--future`.
    pub scheduled: bool,
    /// An image of the article.
    pub image: Option<String>,
    /// Who to credit for the image.
    pub credit: Option<String>,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// What it is about, by entity id, as its editor says (its JSON-LD `about`); empty: the
    /// entities it mentions most, its sources left out.
    pub about: Vec<String>,
    /// What the image shows, for readers who cannot see it.
    pub alt: Option<String>,
    /// The agency or outlet whose copy it reproduces: an entity id, or a name.
    pub agency: Option<String>,
    /// The terms it is reproduced under (`© AFP`, a licence).
    pub rights: Option<String>,
    /// Who translated this version, or the desk that did.
    pub translator: Option<String>,
    /// Where and when it was filed, as the dispatch says (`Beyrouth, 30 nov 2024`).
    pub dateline: Option<String>,
    /// Who wrote it.
    pub byline: Option<String>,
    /// The language it was filed in; a version in another language is a translation.
    pub original_language: Option<String>,
    /// When it was last changed.
    pub updated: Option<PublishDate>,
    /// Its corrections and updates, oldest first.
    pub updates: Vec<Correction>,
    /// The figures it reports, each with its source and date.
    pub figures: Vec<super::facts::Fact>,
    /// The dated events it reports, for the timeline; their source is the article unless
    /// they name another.
    pub events: Vec<super::events::Event>,
    /// The agency's item it was imported from (`depeche import`).
    // Written whole: `Wire` leaves out a version it does not have, which a compact format
    // cannot read back.
    #[serde(with = "whole_wire")]
    pub wire: Option<Wire>,
}

mod whole_wire {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Wire;

    pub(super) fn serialize<S: Serializer>(wire: &Option<Wire>, s: S) -> Result<S::Ok, S::Error> {
        wire.as_ref().map(|w| (&w.id, w.version)).serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Wire>, D::Error> {
        let wire = Option::<(String, Option<u64>)>::deserialize(d)?;
        Ok(wire.map(|(id, version)| Wire { id, version }))
    }
}

/// The agency's identifier of the item an article was imported from, and its version: a
/// newer version of the same item is a correction.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Wire {
    /// A NewsML-G2 `guid`, a ninjs `uri`.
    pub id: String,
    /// The version imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

/// One entry of an article's corrections and updates log.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct Correction {
    /// When it was made.
    pub date: PublishDate,
    /// What changed, per language.
    pub note: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCorrection {
    date: String,
    #[serde(default)]
    note: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFrontMatter {
    title: Option<String>,
    date: Option<String>,
    summary: Option<String>,
    slug: Option<String>,
    #[serde(default)]
    draft: bool,
    image: Option<String>,
    credit: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    about: Vec<String>,
    alt: Option<String>,
    agency: Option<String>,
    rights: Option<String>,
    translator: Option<String>,
    dateline: Option<String>,
    byline: Option<String>,
    original_language: Option<String>,
    updated: Option<String>,
    #[serde(default)]
    updates: Vec<RawCorrection>,
    #[serde(default)]
    figures: Vec<super::facts::RawFact>,
    #[serde(default)]
    events: Vec<super::events::RawEvent>,
    wire: Option<Wire>,
}

impl FrontMatter {
    /// Whether the article waits: a draft, unless `--drafts` shows drafts (`include_drafts`),
    /// or dated after today (`scheduled`, which `--future` leaves false).
    pub(crate) fn waits(&self, include_drafts: bool) -> bool {
        (self.draft && !include_drafts) || self.scheduled
    }
}

/// Byte ranges of the front matter YAML and of the body within a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// First byte of the YAML.
    pub yaml_start: usize,
    /// Byte after the YAML (the closing fence starts there).
    pub yaml_end: usize,
    /// First byte of the body, after the closing fence.
    pub body_start: usize,
}

/// Finds the `---` fences. The first line must be a fence; the next fence line closes it.
pub fn split(src: &SourceText) -> Result<Split, Diagnostic> {
    let text = &src.text;
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end_matches(['\n', '\r']) != "---" {
        return Err(not_front_matter(src));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for line in lines {
        if line.trim_end_matches(['\n', '\r']) == "---" {
            return Ok(Split {
                yaml_start,
                yaml_end: offset,
                body_start: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::at(
        Code::MissingFrontMatter,
        "the front matter is never closed",
        src.locate(0, 3),
    )
    .with_help("add a line with only `---` after the last front matter field"))
}

/// Why a file does not start with front matter: blank lines before the fence, or none at all.
fn not_front_matter(src: &SourceText) -> Diagnostic {
    let text = &src.text;
    let blank: usize = text
        .split_inclusive('\n')
        .take_while(|l| l.trim().is_empty())
        .map(str::len)
        .sum();
    if blank > 0 && text[blank..].starts_with("---") {
        let lines = text[..blank].matches('\n').count();
        return Diagnostic::at(
            Code::MissingFrontMatter,
            format!(
                "{lines} blank line{} before the opening `---`: front matter starts on the first line",
                if lines == 1 { "" } else { "s" }
            ),
            src.locate(blank, blank + 3),
        )
        .with_help("delete the blank lines above `---`")
        .with_replacement(&src.path, 0, blank, "");
    }
    // The first word, not the whole line: a line can be a paragraph long.
    let first_word = text
        .find(|c: char| c.is_whitespace())
        .unwrap_or(text.len())
        .min(40);
    Diagnostic::at(
        Code::MissingFrontMatter,
        "the file does not start with front matter",
        src.locate(0, crate::diagnostic::floor_char_boundary(text, first_word)),
    )
    .with_help(
        "start the file with a `---` line, then `title:` and `date:`, then a closing `---` line",
    )
}

/// Parses and validates the front matter; `key` is the default slug.
pub fn parse(src: &SourceText, split: Split, key: &str) -> Result<FrontMatter, Diagnostics> {
    Diagnostics::unless_any(parse_with_problems(src, split, key))
}

/// The front matter and every problem found in it. With problems, what reads is still given
/// (a date that does not read is 1 January of year 1) so that the rest of the file can be
/// checked; such an article is never published.
pub(crate) fn parse_with_problems(
    src: &SourceText,
    split: Split,
    key: &str,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    // Every mistake of the front matter at once: a field that does not read is left out, and
    // the checks of what it would have said are skipped.
    let partial = yaml::parse_all::<RawFrontMatter>(src, split.yaml_start, split.yaml_end);
    let Some(raw) = partial.value else {
        return (None, partial.problems);
    };
    let mut problems = partial.problems;
    let broken = |key: &str| partial.broken.contains(key);
    let field = |name: &str| {
        yaml::find_key(&src.text, split.yaml_start, split.yaml_end, name)
            .map(|(s, e)| src.locate(s, e))
    };
    let fence = || src.locate(0, 3);

    let mut unchecked = Vec::new();
    let title = if broken("title") {
        String::new()
    } else {
        title_of(raw.title.as_deref(), &field, &fence, &mut unchecked)
    };
    let date = if broken("date") {
        None
    } else {
        date_of(raw.date.as_deref(), &field, &fence, &mut unchecked)
    };
    problems.append(&mut unchecked);

    let slug = slug_of(raw.slug.as_deref(), key, &field, &fence, &mut problems);
    check_addresses(&raw, &field, &fence, &mut problems);
    let (updated, updates) = history(&raw, date.as_ref(), &field, &fence, &mut problems);
    // Labels are checked against the site's languages with the rest of the article.
    let places = Places::new(src, split.yaml_start, split.yaml_end);
    let figures = raw
        .figures
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let at = |field: &str| places.locate(&join(&format!("figures[{i}]"), field));
            f.checked(&[], &at, &mut problems)
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
    let text = |value: Option<String>| {
        value
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let date = date.unwrap_or_else(|| PublishDate {
        day: chrono::NaiveDate::MIN,
        raw: String::new(),
    });
    let front = FrontMatter {
        alt: text(raw.alt),
        agency: text(raw.agency),
        rights: text(raw.rights),
        translator: text(raw.translator),
        dateline: text(raw.dateline),
        byline: text(raw.byline),
        original_language: raw.original_language,
        updated,
        updates,
        figures,
        events,
        wire: raw.wire,
        title,
        date,
        summary: raw
            .summary
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        slug,
        draft: raw.draft,
        scheduled: false,
        image: raw.image,
        credit: raw
            .credit
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        tags: raw.tags,
        about: raw.about.iter().map(|id| id.trim().to_string()).collect(),
    };
    (Some(front), problems)
}

/// The URL segment of the page: `slug`, or the key. One spelling per word: macOS and Windows
/// store names normalised, so an NFD slug and its NFC twin must be the same page.
fn slug_of(
    slug: Option<&str>,
    key: &str,
    field: &dyn Fn(&str) -> Option<Location>,
    fence: &dyn Fn() -> Location,
    problems: &mut Vec<Diagnostic>,
) -> String {
    let slug: String = slug.map_or_else(|| key.to_string(), |s| s.nfc().collect());
    if let Err(why) = check_segment(&slug) {
        problems.push(
            Diagnostic::at(
                Code::InvalidSlug,
                format!("slug `{slug}` {why}"),
                field("slug").unwrap_or_else(fence),
            )
            .with_help(
                "use a single URL segment of letters, digits and hyphens, e.g. `alep-offensive`",
            ),
        );
    }
    slug
}

/// The image's address is not a script, and the language of filing is a language code.
fn check_addresses(
    raw: &RawFrontMatter,
    field: &dyn Fn(&str) -> Option<Location>,
    fence: &dyn Fn() -> Location,
    problems: &mut Vec<Diagnostic>,
) {
    if let Some(image) = raw.image.as_deref()
        && crate::urls::is_unsafe(image)
    {
        problems.push(
            Diagnostic::at(
                Code::UnsafeUrl,
                "`image` is a `javascript:`, `vbscript:`, `data:` or `file:` URL",
                field("image").unwrap_or_else(fence),
            )
            .with_help("give the path of an image under static/, or an `https://` address"),
        );
    }
    if let Some(lang) = raw.original_language.as_deref()
        && !is_language_code(lang)
    {
        problems.push(
            Diagnostic::at(
                Code::InvalidValue,
                format!("`{lang}` is not a language code"),
                field("original_language").unwrap_or_else(fence),
            )
            .with_help(
                "write the code of the language the dispatch was filed in, e.g. `fr` or `en`",
            ),
        );
    }
}

/// When the article last changed, and its corrections log: none before its date.
fn history(
    raw: &RawFrontMatter,
    published: Option<&PublishDate>,
    field: &dyn Fn(&str) -> Option<Location>,
    fence: &dyn Fn() -> Location,
    problems: &mut Vec<Diagnostic>,
) -> (Option<PublishDate>, Vec<Correction>) {
    let updated = later_date(
        raw.updated.as_deref(),
        "updated",
        published,
        field,
        fence,
        problems,
    );
    let updates = raw
        .updates
        .iter()
        .filter_map(|u| {
            let date = later_date(Some(&u.date), "updates", published, field, fence, problems)?;
            Some(Correction {
                date,
                note: u.note.clone(),
            })
        })
        .collect();
    (updated, updates)
}

/// The title, required and not empty.
fn title_of(
    title: Option<&str>,
    field: &dyn Fn(&str) -> Option<Location>,
    fence: &dyn Fn() -> Location,
    problems: &mut Vec<Diagnostic>,
) -> String {
    match title.map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        // `title: ""`, or `title:` with nothing after it.
        _ if field("title").is_some() => {
            problems.push(
                Diagnostic::at(
                    Code::MissingField,
                    "the title is empty",
                    field("title").unwrap_or_else(fence),
                )
                .with_help("write the article's headline after `title:`"),
            );
            String::new()
        }
        _ => {
            problems.push(
                Diagnostic::at(
                    Code::MissingField,
                    "missing required field `title`",
                    fence(),
                )
                .with_help("add a `title:` line to the front matter"),
            );
            String::new()
        }
    }
}

/// A lowercase language code (`fr`, `pt-br`).
fn is_language_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 12
        && code.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// A date that cannot come before the publication (`updated`, a correction's date).
fn later_date(
    value: Option<&str>,
    key: &str,
    published: Option<&PublishDate>,
    field: &dyn Fn(&str) -> Option<Location>,
    fence: &dyn Fn() -> Location,
    problems: &mut Vec<Diagnostic>,
) -> Option<PublishDate> {
    let value = value?;
    let at = || field(key).unwrap_or_else(fence);
    let Some(date) = PublishDate::parse(value) else {
        problems.push(
            Diagnostic::at(Code::InvalidDate, super::dates::not_a_date(value), at())
                .with_help(super::dates::DAY_FORMAT),
        );
        return None;
    };
    if published.is_some_and(|p| date.day < p.day) {
        problems.push(
            Diagnostic::at(
                Code::InvalidDate,
                format!("`{key}` ({value}) comes before the article's date"),
                at(),
            )
            .with_help("an update is made after the article is published: check both dates"),
        );
        return None;
    }
    Some(date)
}

/// The publication date, required.
fn date_of(
    date: Option<&str>,
    field: &dyn Fn(&str) -> Option<Location>,
    fence: &dyn Fn() -> Location,
    problems: &mut Vec<Diagnostic>,
) -> Option<PublishDate> {
    match date {
        Some(value) => PublishDate::parse(value).or_else(|| {
            problems.push(
                Diagnostic::at(
                    Code::InvalidDate,
                    super::dates::not_a_date(value),
                    field("date").unwrap_or_else(fence),
                )
                .with_help(super::dates::DAY_FORMAT),
            );
            None
        }),
        None => {
            let (message, at) = match field("date") {
                Some(at) => ("the date is empty", at),
                None => ("missing required field `date`", fence()),
            };
            problems.push(
                Diagnostic::at(Code::MissingField, message, at)
                    .with_help("write the day it was published, e.g. `date: 2024-11-30`"),
            );
            None
        }
    }
}

pub(crate) const MAX_SEGMENT_BYTES: usize = 140;

/// A URL path segment must stay a single segment: no separators, no dot segments, no spaces.
pub fn check_segment(segment: &str) -> Result<(), &'static str> {
    if segment.is_empty() {
        return Err("is empty");
    }
    if segment.contains(['/', '\\']) {
        return Err("contains a path separator");
    }
    if segment.starts_with('.') {
        return Err("starts with a dot");
    }
    // File systems cap a name at 255 bytes; some (eCryptfs) at 143.
    if segment.len() > MAX_SEGMENT_BYTES {
        return Err("is too long for a file name (at most 140 bytes)");
    }
    if !segment
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err("contains characters other than letters, digits, `-`, `_` and `.`");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn src(text: &str) -> SourceText {
        SourceText::new("content/articles/a.fr.md", text.to_string())
    }

    #[test]
    fn splits_fences_with_crlf() {
        let s = src("---\r\ntitle: T\r\n---\r\nBody\r\n");
        let split = split(&s).unwrap();
        assert_eq!(&s.text[split.yaml_start..split.yaml_end], "title: T\r\n");
        assert_eq!(&s.text[split.body_start..], "Body\r\n");
    }

    #[test]
    fn unclosed_front_matter() {
        let err = split(&src("---\ntitle: T\nBody\n")).unwrap_err();
        assert_eq!(err.code, Code::MissingFrontMatter);
    }

    #[test]
    fn a_file_without_front_matter_is_shown_by_its_first_word() {
        let paragraph =
            "Les djihadistes et leurs alliés ont pris la majeure partie d'Alep ".repeat(5);
        let err = split(&src(&paragraph)).unwrap_err();
        let at = err.location.unwrap();
        assert_eq!((at.line, at.col, at.len), (1, 1, 3));
        assert!(at.line_text.chars().count() < 120, "{}", at.line_text);
        let err = split(&src("\n\n---\ntitle: T\n---\n")).unwrap_err();
        assert!(
            err.message.starts_with("2 blank lines before"),
            "{}",
            err.message
        );
        assert_eq!(err.location.unwrap().line, 3);
        assert_eq!(err.replacement.unwrap().end, 2);
    }

    #[test]
    fn reads_fields_and_defaults_slug() {
        let s = src("---\ntitle: Alep\ndate: 2024-11-30\ncredit: AP\n---\n");
        let fm = parse(&s, split(&s).unwrap(), "alep").unwrap();
        assert_eq!(fm.title, "Alep");
        assert_eq!(fm.slug, "alep");
        assert_eq!(fm.date.day, NaiveDate::from_ymd_opt(2024, 11, 30).unwrap());
        assert_eq!(fm.credit.as_deref(), Some("AP"));
    }

    #[test]
    fn accepts_rfc3339_dates() {
        let d = PublishDate::parse("2024-11-30T23:30:00+02:00").unwrap();
        assert_eq!(d.day, NaiveDate::from_ymd_opt(2024, 11, 30).unwrap());
        assert!(PublishDate::parse("2024-13-01").is_none());
        assert!(PublishDate::parse("30/11/2024").is_none());
        assert!(PublishDate::parse("2024-1-3").is_none());
    }

    #[test]
    fn reports_each_bad_field_at_its_line() {
        let s = src("---\ndate: 2024-02-30\nslug: ../etc\n---\n");
        let errs = parse(&s, split(&s).unwrap(), "a").unwrap_err();
        let codes: Vec<_> = errs
            .iter()
            .map(|d| (d.code, d.location.as_ref().unwrap().line))
            .collect();
        assert_eq!(
            codes,
            vec![
                (Code::MissingField, 1),
                (Code::InvalidDate, 2),
                (Code::InvalidSlug, 3)
            ]
        );
    }

    #[test]
    fn segments() {
        assert!(check_segment("alep-2024").is_ok());
        assert!(check_segment("..").is_err());
        assert!(check_segment("a/b").is_err());
        assert!(check_segment("a\\b").is_err());
        assert!(check_segment("a b").is_err());
        assert!(check_segment("").is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn line() -> impl Strategy<Value = String> {
            // Lines of YAML-ish text, fences and near-fences among them.
            prop_oneof![
                "[a-z]{1,8}: [a-zé ]{0,12}",
                Just("---".to_string()),
                Just("--- ".to_string()),
                Just("----".to_string()),
                Just(String::new()),
                "[^\n]{0,20}",
            ]
        }

        proptest! {
            #[test]
            fn any_text_splits_or_fails_cleanly(text in "(?s).{0,200}") {
                let src = src(&text);
                if let Ok(split) = split(&src) {
                    prop_assert!(split.yaml_start <= split.yaml_end);
                    prop_assert!(split.yaml_end <= split.body_start);
                    prop_assert!(split.body_start <= text.len());
                    prop_assert!(text.is_char_boundary(split.yaml_end));
                    prop_assert!(text.starts_with("---\n") || text.starts_with("---\r\n"));
                }
            }

            #[test]
            fn the_fences_are_found_where_they_are(
                yaml in prop::collection::vec(line().prop_filter("no fence", |l| l.trim_end_matches('\r') != "---"), 0..8),
                body in "(?s).{0,80}",
                crlf in any::<bool>(),
            ) {
                let nl = if crlf { "\r\n" } else { "\n" };
                let front: String = yaml.iter().map(|l| format!("{l}{nl}")).collect();
                let text = format!("---{nl}{front}---{nl}{body}");
                let split = split(&src(&text)).unwrap();
                prop_assert_eq!(&text[split.yaml_start..split.yaml_end], front.as_str());
                prop_assert_eq!(&text[split.body_start..], body.as_str());
                // The closing fence is located on its own line number.
                let fence_line = text[..split.yaml_end].matches('\n').count() + 1;
                let at = src(&text).locate(split.yaml_end, split.yaml_end + 3);
                prop_assert_eq!(at.line, fence_line);
                prop_assert_eq!(at.col, 1);
            }

            #[test]
            fn accepted_slugs_stay_one_short_path_segment(slug in "(?s).{0,160}") {
                if check_segment(&slug).is_ok() {
                    prop_assert!(!slug.is_empty() && slug.len() <= MAX_SEGMENT_BYTES);
                    let path = crate::urls::article_path("fr", &slug);
                    let parts: Vec<_> = std::path::Path::new(&path).components().collect();
                    prop_assert_eq!(parts.len(), 4, "{}", path);
                    prop_assert!(parts.iter().all(|c| matches!(c, std::path::Component::Normal(_))));
                }
            }
        }
    }
}
