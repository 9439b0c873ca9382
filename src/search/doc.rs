//! What the index holds of each page of a language: the text it is found by, field by field,
//! and the record a result shows (kind, title, address, date, passages).

use std::borrow::Cow;

use crate::diagnostic::floor_char_boundary;
use crate::graph::{ArticleVersion, Entity, Graph};

/// A part of a page's text, weighted: a word in a title says more about the page than the
/// same word in its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// An article's title.
    Title,
    /// An article's summary and dateline.
    Summary,
    /// The names and aliases, in the page's language, of the entities an article mentions.
    Mentioned,
    /// An article's text.
    Body,
    /// An entity's name in the page's language.
    Name,
    /// An entity's other names and aliases, in every language.
    Aliases,
    /// An entity's description.
    Description,
    /// An entity's prose.
    Prose,
}

impl Field {
    /// How much an occurrence weighs (BM25F's field weight).
    pub(crate) fn weight(self) -> f32 {
        match self {
            Field::Name => 20.0,
            Field::Aliases => 14.0,
            Field::Title => 12.0,
            Field::Summary | Field::Mentioned | Field::Description => 2.0,
            Field::Body | Field::Prose => 1.0,
        }
    }

    /// The length, in words, that a field of this kind is expected to have. BM25 divides by
    /// the corpus's average length; a fixed one keeps each page's scores its own, so that an
    /// edit changes the scores of the edited page only.
    pub(crate) fn usual_words(self) -> f32 {
        match self {
            Field::Name => 3.0,
            Field::Aliases => 10.0,
            Field::Title => 10.0,
            Field::Summary => 35.0,
            Field::Mentioned => 25.0,
            Field::Description => 20.0,
            Field::Body => 500.0,
            Field::Prose => 200.0,
        }
    }

    /// Whether it names the page (its title, an entity's names): see `score::HEADLINE_SCORE`.
    pub(crate) fn is_headline(self) -> bool {
        matches!(self, Field::Title | Field::Name | Field::Aliases)
    }

    /// How much a longer field dilutes its words (BM25's `b`): fully for text, a little for
    /// names and titles.
    pub(crate) fn length_effect(self) -> f32 {
        match self {
            Field::Body | Field::Prose | Field::Summary | Field::Description => 0.75,
            Field::Title | Field::Mentioned | Field::Aliases | Field::Name => 0.3,
        }
    }
}

/// Which numbering a page has in its language's index: articles and entities are numbered
/// apart, so that a new article (the newest, numbered last) renumbers nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum DocKind {
    Article,
    Entity,
}

/// One page of the index.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    /// Its text, field by field.
    pub fields: Vec<(Field, Cow<'a, str>)>,
    /// The names a reader may type to mean this entity (every language's names and aliases);
    /// none for an article.
    pub names: Vec<&'a str>,
    /// What a result shows (see [`record`]).
    pub record: String,
}

/// The text a record keeps, at most: the passages a result shows come from it; a longer
/// article is still found by all its words, and shows a passage from its first 32 KB.
const RECORD_TEXT_BYTES: usize = 32 * 1024;

/// What a result shows, a line each: the kind (`article` or the entity's type), title,
/// address, the date as the site writes it and its ISO form (empty lines where there is
/// none), then the passages, the first of which is shown when none holds the query's words.
/// Lines need no escaping (a field's line breaks become spaces, a passage is a line of its
/// text), so a record is its text: the build writes it as it is, `search.js` splits it.
fn record<'p>(
    kind: &str,
    title: &str,
    url: &str,
    date: Option<(&str, &str)>,
    passages: impl Iterator<Item = &'p str>,
) -> String {
    let (shown, iso) = date.unwrap_or_default();
    let mut out = String::with_capacity(256);
    for field in [kind, title, url, shown, iso] {
        push_line(&mut out, field);
    }
    let mut budget = RECORD_TEXT_BYTES;
    for passage in passages {
        if budget == 0 {
            break;
        }
        let cut = floor_char_boundary(passage, passage.len().min(budget));
        // A passage is a line of its text (see `passages`): nothing to look for in it.
        debug_assert!(!passage.contains(['\n', '\r']));
        out.push_str(&passage[..cut]);
        out.push('\n');
        budget -= cut;
    }
    out.pop();
    out
}

/// The most a record keeps of a field (a title): with [`RECORD_TEXT_BYTES`] of passages, a
/// record stays under the 64 KiB a pack's header can say, compressed or not. An address never
/// comes near it: a `base_url`'s path is at most 1 KB (`config.rs`), a slug a file's name.
const FIELD_BYTES: usize = 4 * 1024;

/// Line breaks, as a reader of a record may take them: made spaces in a field.
fn breaks_line(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Appends `field` (a title, an address: short), cut at [`FIELD_BYTES`], and a line break,
/// its own line breaks made spaces.
fn push_line(out: &mut String, field: &str) {
    let field = &field[..floor_char_boundary(field, field.len().min(FIELD_BYTES))];
    if field.contains(breaks_line) {
        out.extend(field.chars().map(|c| if breaks_line(c) { ' ' } else { c }));
    } else {
        out.push_str(field);
    }
    out.push('\n');
}

/// The passages of a text made block by block (one per line), blank ones left out; a
/// carriage return ends a passage too (a summary may hold one), so no passage holds either.
/// Line breaks are found by SIMD (`str::lines` looks for them a word at a time): a passage is
/// hundreds of bytes long.
fn passages(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr2_iter(b'\n', b'\r', text.as_bytes())
        .chain(std::iter::once(text.len()))
        .filter_map(move |end| {
            // Both ends are at ASCII bytes (or the text's end), hence at character boundaries.
            let line = text[start..end].trim();
            start = end + 1;
            (!line.is_empty()).then_some(line)
        })
}

/// An article's version: `text` is its body's text, block by block; `date` the day as the
/// site writes it; `url` its address.
pub(crate) fn article<'a>(
    graph: &'a Graph,
    version: &'a ArticleVersion,
    text: &'a str,
    date: &str,
    url: &str,
) -> Doc<'a> {
    let front = &version.front;
    let lang = version.lang.as_str();
    let mut summary = String::new();
    for part in [&front.dateline, &front.summary].into_iter().flatten() {
        summary.push_str(part);
        summary.push('\n');
    }
    // The names its entities go by in its language: an article is found by a name even where
    // its text says "the NGO" or "the jihadists".
    let mut mentioned = String::new();
    for name in version
        .mention_counts
        .iter()
        .filter_map(|(id, _)| graph.entity(id))
        .flat_map(|entity| names_in(entity, lang))
    {
        mentioned.push_str(name);
        mentioned.push('\n');
    }
    let lede = front.summary.as_deref();
    let record = record(
        "article",
        &front.title,
        url,
        Some((date, &front.date.day.to_string())),
        lede.into_iter().flat_map(passages).chain(passages(text)),
    );
    Doc {
        fields: vec![
            (Field::Title, Cow::Borrowed(front.title.as_str())),
            (Field::Summary, Cow::Owned(summary)),
            (Field::Mentioned, Cow::Owned(mentioned)),
            (Field::Body, Cow::Borrowed(text)),
        ],
        names: Vec::new(),
        record,
    }
}

/// An entity in one language: `prose` its prose's text, block by block; `as_of` the day its
/// description was true at, as the site writes it ("as of 30 November 2024").
pub(crate) fn entity<'a>(
    entity: &'a Entity,
    lang: &str,
    prose: &'a str,
    as_of: Option<(&str, &str)>,
    url: &str,
) -> Doc<'a> {
    let source = &entity.source;
    let name = source.name.get(lang).map_or(entity.id(), String::as_str);
    let mut names: Vec<&str> = all_names(entity).collect();
    names.sort_unstable();
    names.dedup();
    let others: Vec<&str> = names.iter().copied().filter(|n| *n != name).collect();
    let description = source.description.get(lang).map(String::as_str);
    let record = record(
        source.kind.as_str(),
        name,
        url,
        as_of,
        description
            .into_iter()
            .flat_map(passages)
            .chain(passages(prose)),
    );
    Doc {
        fields: vec![
            (Field::Name, Cow::Borrowed(name)),
            (Field::Aliases, Cow::Owned(others.join("\n"))),
            (Field::Description, Cow::Borrowed(description.unwrap_or(""))),
            (Field::Prose, Cow::Borrowed(prose)),
        ],
        names,
        record,
    }
}

/// An entity's name and aliases in one language.
fn names_in<'e>(entity: &'e Entity, lang: &str) -> impl Iterator<Item = &'e str> {
    let source = &entity.source;
    let aliases = source.aliases.get(lang).into_iter().flatten();
    source
        .name
        .get(lang)
        .into_iter()
        .chain(aliases)
        .map(String::as_str)
}

/// An entity's names and aliases in every language.
fn all_names(entity: &Entity) -> impl Iterator<Item = &str> {
    let source = &entity.source;
    source
        .name
        .values()
        .chain(source.aliases.values().flatten())
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record's lines as `search.js` reads them.
    fn lines(record: &str) -> Vec<&str> {
        record.split('\n').collect()
    }

    #[test]
    fn a_record_keeps_the_first_32_kb_of_text() {
        let long = "é".repeat(RECORD_TEXT_BYTES);
        let passages = ["lede", long.as_str(), "last"].into_iter();
        let made = record("article", "t", "/u/", None, passages);
        let lines = lines(&made);
        assert_eq!(lines.len(), 7, "the passage past the limit is left out");
        assert_eq!(lines[5], "lede");
        assert_eq!(lines[6].len(), RECORD_TEXT_BYTES - 4);
    }

    #[test]
    fn the_longest_record_fits_a_packs_header() {
        // Fields and passages as long as a record keeps, of text deflate shrinks little.
        let noise: String = (0u32..40_000)
            .map(|i| {
                char::from_u32(0x4E00 + (i.wrapping_mul(2_654_435_761) >> 20) % 20_000).unwrap()
            })
            .collect();
        let long = noise.as_str();
        let made = record(
            long,
            long,
            long,
            Some((long, long)),
            [long, long].into_iter(),
        );
        assert!(made.len() < usize::from(u16::MAX), "{}", made.len());
        assert!(super::super::pack::compress(&made).len() < usize::from(u16::MAX));
    }

    #[test]
    fn a_record_is_a_field_a_line_and_a_passage_a_line() {
        let lede = "A lede\nin two lines\rand a third\n";
        let passages = [lede]
            .into_iter()
            .flat_map(passages)
            .chain(passages("a\n\n  b \n"));
        let date = Some(("30 November 2024", "2024-11-30"));
        let made = record(
            "article",
            "A title\r\nthat\u{2028}wraps",
            "/u/",
            date,
            passages,
        );
        assert_eq!(
            lines(&made),
            [
                "article",
                "A title  that wraps",
                "/u/",
                "30 November 2024",
                "2024-11-30",
                "A lede",
                "in two lines",
                "and a third",
                "a",
                "b"
            ]
        );
        let undated = record("place", "Alep", "/fr/e/", None, std::iter::empty());
        assert_eq!(lines(&undated), ["place", "Alep", "/fr/e/", "", ""]);
    }
}
