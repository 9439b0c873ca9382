//! Where each value of a YAML document is written. serde_yaml reads values without their
//! places; a diagnostic about a nested value (`figures[2].source`) and an edit of one
//! (`rename-entity`) look the place up here, read again from the text by saphyr's parser.

use std::cell::OnceCell;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::diagnostic::Location;
use crate::source::SourceText;

/// One value: a scalar, or the start of a list or map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Value {
    /// Keys and positions from the root: `figures[2].source`, `name.fr`.
    pub(crate) path: String,
    /// Byte range in the file of the value as written (quotes left out); for a list or a map
    /// under a key, the key's.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The scalar, as YAML reads it; empty for a list or a map.
    pub(crate) text: String,
    /// Byte range of its key as written (quotes and a `? ` marker included), for a value of a
    /// map; of the value itself otherwise.
    pub(crate) key: (usize, usize),
}

impl Value {
    /// The path with every position left out (`figures[].source`): the field it is a value of.
    pub(crate) fn field(&self) -> String {
        field_of(&self.path)
    }
}

/// Every value of a document, in the order written.
#[derive(Debug, Default)]
pub(crate) struct Spans {
    values: Vec<Value>,
}

enum Frame {
    Map {
        key: Option<String>,
        key_at: (usize, usize),
    },
    List {
        index: usize,
    },
}

impl Spans {
    /// The values of `text[start..end]`, with byte ranges in `text`. A document that does not
    /// parse has none (its syntax error is reported where it is parsed for its data).
    pub(crate) fn read(text: &str, start: usize, end: usize) -> Spans {
        let yaml = &text[start..end];
        // Too deep to parse at once: refused where it is parsed for its data.
        if super::depth::too_deep(yaml).is_some() {
            return Spans::default();
        }
        // saphyr counts in characters; diagnostics and edits need bytes.
        let bytes: Vec<usize> = yaml
            .char_indices()
            .map(|(i, _)| i)
            .chain([yaml.len()])
            .collect();
        let byte = |chars: usize| start + bytes.get(chars).copied().unwrap_or(yaml.len());
        let mut values = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        for item in Parser::new_from_str(yaml) {
            let Ok((event, span)) = item else {
                return Spans::default();
            };
            let (from, to) = (byte(span.start.index()), byte(span.end.index()));
            match event {
                Event::Scalar(value, style, ..) => {
                    if let Some(Frame::Map {
                        key: key @ None,
                        key_at,
                    }) = stack.last_mut()
                    {
                        *key = Some(value.into_owned());
                        *key_at = (from, to);
                        continue;
                    }
                    let quoted =
                        matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
                    let (from, to) = if quoted && to > from + 1 {
                        (from + 1, to - 1)
                    } else {
                        (from, to)
                    };
                    let key = match stack.last() {
                        Some(Frame::Map { key_at, .. }) => *key_at,
                        _ => (from, to),
                    };
                    values.push(Value {
                        path: path_of(&stack),
                        start: from,
                        end: to,
                        text: value.into_owned(),
                        key,
                    });
                    next(&mut stack);
                }
                Event::Alias(_) => {
                    if let Some(Frame::Map {
                        key: key @ None, ..
                    }) = stack.last_mut()
                    {
                        *key = Some(String::new());
                        continue;
                    }
                    next(&mut stack);
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let (start, end) = match stack.last() {
                        Some(Frame::Map { key_at, .. }) => *key_at,
                        _ => (from, from),
                    };
                    values.push(Value {
                        path: path_of(&stack),
                        start,
                        end,
                        text: String::new(),
                        key: (start, end),
                    });
                    stack.push(match event {
                        Event::MappingStart(..) => Frame::Map {
                            key: None,
                            key_at: (from, from),
                        },
                        _ => Frame::List { index: 0 },
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    next(&mut stack);
                }
                _ => {}
            }
        }
        Spans { values }
    }

    /// Every value, in the order written.
    pub(crate) fn values(&self) -> &[Value] {
        &self.values
    }

    /// The value at `path` (`figures[2].source`).
    pub(crate) fn at(&self, path: &str) -> Option<&Value> {
        self.values.iter().find(|v| v.path == path)
    }
}

/// Locates the values of one YAML document of a file by their paths, reading the document
/// for its places only when a diagnostic first asks.
pub(crate) struct Places<'a> {
    src: &'a SourceText,
    start: usize,
    end: usize,
    spans: OnceCell<Spans>,
}

impl<'a> Places<'a> {
    /// The document `src.text[start..end]`.
    pub(crate) fn new(src: &'a SourceText, start: usize, end: usize) -> Places<'a> {
        Places {
            src,
            start,
            end,
            spans: OnceCell::new(),
        }
    }

    /// The value at `path` (`figures[2].source`), else the nearest value that holds it, else
    /// the document's first character.
    pub(crate) fn locate(&self, path: &str) -> Location {
        self.spans
            .get_or_init(|| Spans::read(&self.src.text, self.start, self.end))
            .locate(self.src, self.start, path)
    }
}

impl Spans {
    /// The value at `path` in `src`, which these spans were read from (the document starting
    /// at `start`), else the nearest value that holds it, else the document's first character.
    pub(crate) fn locate(&self, src: &SourceText, start: usize, path: &str) -> Location {
        let mut path = path;
        loop {
            if let Some(value) = self.at(path) {
                return src.locate(value.start, value.end);
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None => return src.locate(start, start),
            }
        }
    }
}

/// A top-level field of a block document, as written: from its key's line to the next
/// top-level key (comments and blank lines in between are its).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Lines of `text[start..end]`, each with its byte offset.
fn lines_in(text: &str, start: usize, end: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut at = start;
    text[start..end].split_inclusive('\n').map(move |line| {
        let here = at;
        at += line.len();
        (here, line)
    })
}

fn starts_entry(line: &str) -> bool {
    let first = line.chars().next();
    first.is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-')
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The top-level field whose lines hold the byte `at`.
pub(crate) fn top_entry(text: &str, start: usize, end: usize, at: usize) -> Option<Entry> {
    let (offset, line) = lines_in(text, start, end)
        .filter(|&(offset, line)| offset <= at && starts_entry(line))
        .last()?;
    let key = line
        .split(':')
        .next()
        .unwrap_or_default()
        .trim()
        .trim_matches(['"', '\''])
        .to_string();
    let last = lines_in(text, offset, end)
        .skip(1)
        .find(|&(_, line)| starts_entry(line))
        .map_or(end, |(next, _)| next);
    Some(Entry {
        key,
        start: offset,
        end: last,
    })
}

/// In a field that is a block list, the item whose lines hold the byte `at` (its `- ` line to
/// the next item at the same indentation); `None` when `at` is on the field's own line or the
/// field is no block list.
pub(crate) fn list_item(text: &str, entry: &Entry, at: usize) -> Option<(usize, usize)> {
    let lines: Vec<(usize, &str)> = lines_in(text, entry.start, entry.end).skip(1).collect();
    let item_indent = lines
        .iter()
        .find(|(_, l)| l.trim_start().starts_with('-'))
        .map(|(_, l)| indent(l))?;
    let is_item = |l: &str| indent(l) == item_indent && l.trim_start().starts_with('-');
    let first = lines
        .iter()
        .rposition(|&(offset, l)| offset <= at && is_item(l))?;
    let last = lines[first + 1..]
        .iter()
        .find(|&&(_, l)| {
            !l.trim().is_empty() && !l.trim_start().starts_with('#') && indent(l) <= item_indent
        })
        .map_or(entry.end, |&(offset, _)| offset);
    Some((lines[first].0, last))
}

/// `base` and a field under it: `figures[2]` and `source` → `figures[2].source`.
pub(crate) fn join(base: &str, field: &str) -> String {
    match (base.is_empty(), field.is_empty()) {
        (_, true) => base.to_string(),
        (true, false) => field.to_string(),
        (false, false) => format!("{base}.{field}"),
    }
}

/// After a value: a map waits for its next key, a list counts one more item.
fn next(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key, .. }) => *key = None,
        Some(Frame::List { index }) => *index += 1,
        None => {}
    }
}

fn path_of(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Map { key, .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key.as_deref().unwrap_or_default());
            }
            Frame::List { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// `events[1].entities[0]` → `events[].entities[]`.
pub(crate) fn field_of(path: &str) -> String {
    let mut field = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                field.push('[');
            }
            ']' => {
                in_index = false;
                field.push(']');
            }
            _ if in_index => {}
            c => field.push(c),
        }
    }
    field
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_values_are_found_where_they_are_written() {
        let text = "---\ntitle: « Alep »\nfigures:\n  - label: {fr: morts, en: dead}\n    source: osdh\n  - source: \"afp\"\nevents:\n  - entities: [hts, 'alep']\n---\n";
        let end = text.rfind("---").unwrap();
        let spans = Spans::read(text, 4, end);
        let at = |path: &str| {
            let v = spans
                .at(path)
                .unwrap_or_else(|| panic!("{path}: {spans:?}"));
            (&text[v.start..v.end], v.text.as_str())
        };
        assert_eq!(at("title"), ("« Alep »", "« Alep »"));
        assert_eq!(at("figures[0].label.en"), ("dead", "dead"));
        assert_eq!(at("figures[0].source"), ("osdh", "osdh"));
        assert_eq!(at("figures[1].source"), ("afp", "afp"));
        assert_eq!(at("events[0].entities[0]"), ("hts", "hts"));
        assert_eq!(at("events[0].entities[1]"), ("alep", "alep"));
        let source = spans.at("figures[0].source").unwrap();
        assert_eq!(source.field(), "figures[].source");
        // Byte offsets, not characters: the line of `source: osdh` after the guillemets.
        assert_eq!(text[..source.start].lines().count(), 5);
    }

    #[test]
    fn a_document_that_does_not_parse_has_no_values() {
        assert!(Spans::read("a: [b", 0, 5).values().is_empty());
    }
}
