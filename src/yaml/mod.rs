//! YAML parsing with diagnostics that point into the enclosing file: the one place that
//! reads YAML and locates its fields.

pub mod depth;
mod explain;
pub(crate) mod spans;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceText;

/// Parses `src.text[start..end]` as YAML. Errors carry the location in the whole file, so a
/// mistake on the third line of front matter is reported on line 4 of the article, and say
/// what the mistake is when it is a known one ([`explain`]).
pub(crate) fn parse<T: DeserializeOwned>(
    src: &SourceText,
    start: usize,
    end: usize,
) -> Result<T, Diagnostic> {
    let yaml = &src.text[start..end];
    nested_within_bounds(src, start, end)?;
    // Maps deserialised into structs reject a repeated key, but maps of languages keep the
    // last value silently: a generic parse first finds duplicates at any depth.
    let value = match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
        Err(err) => {
            return Err(duplicate(src, start, end, &err)
                .or_else(|| explain::syntax(src, start, end, &err))
                .unwrap_or_else(|| unexplained(src, start, &err)));
        }
        Ok(value) => value,
    };
    // Written as an escape (`"\e[2J"`), a control character passes the file's own check.
    // Only an escape can write one: most YAML has no backslash at all.
    if yaml.contains('\\')
        && let Some(c) = forbidden_in(&value)
    {
        return Err(crate::source::forbidden_character(
            c,
            escape_at(src, start, end),
        ));
    }
    // The value already read spares a second reading of the text. A value does not type
    // scalars as the text does (`title: 2024` is a number, but reads into a string), and
    // its errors have no position: any error reads the text again, and so does a tag,
    // which the two readers need not treat alike.
    if plain(&value)
        && let Ok(typed) = serde_yaml::from_value(value)
    {
        return Ok(typed);
    }
    serde_yaml::from_str(yaml).map_err(|err| {
        duplicate(src, start, end, &err)
            .or_else(|| explain::schema(src, start, end, &err))
            .unwrap_or_else(|| unexplained(src, start, &err))
    })
}

/// What reads of a document with mistakes: its value with each mistaken field or list item
/// left out, every mistake (one per field or item), and the top-level fields left out whole,
/// whose checks are skipped: the mistake already says what is wrong with them.
pub(crate) struct Partial<T> {
    pub(crate) value: Option<T>,
    pub(crate) problems: Vec<Diagnostic>,
    pub(crate) broken: std::collections::BTreeSet<String>,
}

/// Past this many mistakes in one document, the rest wait for the next run.
const MAX_MISTAKES: usize = 32;

/// [`parse`], going on after a mistake: the top-level field that holds it (or, in a list of
/// maps, the item) is blanked out, byte for byte, and the document read again, so that one
/// run of `check` reports every independent mistake of a file.
pub(crate) fn parse_all<T: DeserializeOwned>(
    src: &SourceText,
    start: usize,
    end: usize,
) -> Partial<T> {
    let mut partial = Partial {
        value: None,
        problems: Vec::new(),
        broken: Default::default(),
    };
    // Most files have no mistake: read as they are, without a copy.
    let first = match parse::<T>(src, start, end) {
        Ok(value) => {
            partial.value = Some(value);
            return partial;
        }
        Err(mistake) => mistake,
    };
    let mut text = src.text.clone();
    // Fields some of whose items were left out: an error on their own line is the blank's.
    let mut thinned: Vec<usize> = Vec::new();
    let mut next = Some(first);
    for _ in 0..MAX_MISTAKES {
        let mistake = match next.take() {
            Some(mistake) => mistake,
            None => {
                match parse::<T>(&SourceText::new(src.path.clone(), text.clone()), start, end) {
                    Ok(value) => {
                        partial.value = Some(value);
                        return partial;
                    }
                    Err(mistake) => mistake,
                }
            }
        };
        // A required field left out for its own mistake is missing only because of it.
        if partial.broken.iter().any(|k| {
            mistake.message == format!("missing field `{k}`")
                || mistake
                    .message
                    .starts_with(&format!("missing required field `{k}`"))
        }) {
            return partial;
        }
        let Some(at) = mistake
            .location
            .as_ref()
            .filter(|l| l.line > 0)
            .map(|l| line_start(&text, l.line))
            .filter(|&at| at >= start && at < end)
        else {
            partial.problems.push(mistake);
            return partial;
        };
        let Some(entry) = spans::top_entry(&text, start, end, at) else {
            partial.problems.push(mistake);
            return partial;
        };
        let item = spans::list_item(&text, &entry, at);
        let (s, e) = match item {
            Some(item) => {
                thinned.push(entry.start);
                partial.problems.push(mistake);
                item
            }
            None => {
                if !(thinned.contains(&entry.start) && at == entry.start) {
                    partial.problems.push(mistake);
                }
                partial.broken.insert(entry.key.clone());
                // A field indented under this one by mistake is left out with it.
                for line in text[entry.start..entry.end].lines().skip(1) {
                    if let Some((key, _)) = line.trim_start().split_once(':')
                        && !key.is_empty()
                        && key.chars().all(|c| c.is_alphanumeric() || c == '_')
                    {
                        partial.broken.insert(key.to_string());
                    }
                }
                (entry.start, entry.end)
            }
        };
        if text[s..e].bytes().all(|b| b.is_ascii_whitespace()) {
            return partial;
        }
        blank(&mut text, s, e);
    }
    partial
}

/// The byte offset where 1-based `line` starts.
fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    memchr::memchr_iter(b'\n', text.as_bytes())
        .nth(line - 2)
        .map_or(text.len(), |i| i + 1)
}

/// Replaces `text[start..end]` with spaces, byte for byte, keeping its line breaks.
fn blank(text: &mut String, start: usize, end: usize) {
    let blanked: String = text[start..end]
        .chars()
        .map(|c| {
            if c == '\n' {
                "\n".to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    text.replace_range(start..end, &blanked);
}

/// The first forbidden character (see [`crate::source::forbidden`]) in any key or value.
/// Whether `value` has no tag.
fn plain(value: &serde_yaml::Value) -> bool {
    use serde_yaml::Value;
    match value {
        Value::Sequence(items) => items.iter().all(plain),
        Value::Mapping(map) => map.iter().all(|(k, v)| plain(k) && plain(v)),
        Value::Tagged(_) => false,
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
    }
}

fn forbidden_in(value: &serde_yaml::Value) -> Option<char> {
    use serde_yaml::Value;
    match value {
        Value::String(s) => s.chars().find(|&c| crate::source::forbidden(c)),
        Value::Sequence(items) => items.iter().find_map(forbidden_in),
        Value::Mapping(map) => map
            .iter()
            .find_map(|(k, v)| forbidden_in(k).or_else(|| forbidden_in(v))),
        Value::Tagged(tagged) => forbidden_in(&tagged.value),
        _ => None,
    }
}

/// Where the YAML escape that writes a forbidden character stands (`\e`, `\x1b`, `\u202e`…).
fn escape_at(src: &SourceText, start: usize, end: usize) -> crate::diagnostic::Location {
    let yaml = &src.text[start..end];
    let decoded = |i: usize| -> Option<(char, usize)> {
        let rest = yaml.get(i + 1..)?;
        let hex = |n: usize| {
            let digits = rest.get(1..1 + n)?;
            char::from_u32(u32::from_str_radix(digits, 16).ok()?).map(|c| (c, 1 + n))
        };
        match rest.chars().next()? {
            '0' => Some(('\0', 1)),
            'a' => Some(('\u{7}', 1)),
            'b' => Some(('\u{8}', 1)),
            'e' => Some(('\u{1b}', 1)),
            'f' => Some(('\u{c}', 1)),
            'v' => Some(('\u{b}', 1)),
            'N' => Some(('\u{85}', 1)),
            'x' => hex(2),
            'u' => hex(4),
            'U' => hex(8),
            _ => None,
        }
    };
    let found = yaml.match_indices('\\').find_map(|(i, _)| {
        decoded(i)
            .filter(|(c, _)| crate::source::forbidden(*c))
            .map(|(_, len)| (i, len))
    });
    match found {
        Some((i, len)) => src.locate(start + i, start + i + 1 + len),
        None => src.locate(start, start),
    }
}

/// Refuses YAML whose flow collections nest past [`depth::MAX_DEPTH`], before any parser
/// reads it (see [`depth`]). Every YAML file the site reads goes through here.
pub(crate) fn nested_within_bounds(
    src: &SourceText,
    start: usize,
    end: usize,
) -> Result<(), Diagnostic> {
    match depth::too_deep(&src.text[start..end]) {
        None => Ok(()),
        Some(at) => Err(Diagnostic::at(
            Code::YamlSyntax,
            format!(
                "lists or maps in brackets are nested more than {} levels deep here",
                depth::MAX_DEPTH
            ),
            src.locate(start + at, start + at + 1),
        )
        .with_help("no field of a site needs this depth: remove the extra brackets")),
    }
}

/// serde reports a key given twice at the start of its mapping: point at the second one.
fn duplicate(
    src: &SourceText,
    start: usize,
    end: usize,
    err: &serde_yaml::Error,
) -> Option<Diagnostic> {
    let at = err.location().map_or(start, |at| start + at.index());
    let message = message_without_position(err);
    let key = duplicate_key(&message)?;
    let (s, e) = repeated_key(&src.text, start, end, key)
        .or_else(|| second_occurrence(&src.text, at, end, key))?;
    Some(
        Diagnostic::at(Code::YamlSyntax, message.clone(), src.locate(s, e)).with_help(format!(
            "`{key}` is given twice: keep one of the two `{key}:` lines"
        )),
    )
}

/// A mistake none of the known ones: the parser's own words, at the place it stopped.
fn unexplained(src: &SourceText, start: usize, err: &serde_yaml::Error) -> Diagnostic {
    let at = err.location().map_or(start, |at| start + at.index());
    Diagnostic::at(
        Code::YamlSyntax,
        message_without_position(err),
        src.locate(at, at + 1),
    )
    .with_help("fix the YAML here; a value with `: `, `#` or quotes in it goes in quotes")
}

/// Text values cut short by a comment: in YAML, ` #` outside quotes starts a comment, so
/// `title: Homs encerclée #Syrie` publishes "Homs encerclée". `keys` are the top-level fields to
/// look at, with the fields nested under them (`name:` → `  fr: …`).
pub(crate) fn values_cut_by_comments(
    src: &SourceText,
    start: usize,
    end: usize,
    keys: &[&str],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut parent = "";
    let mut offset = start;
    for raw in src.text[start..end].split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let line_start = offset;
        offset += raw.len();
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        if indent == 0 {
            parent = key;
        }
        let value_start = value.len() - value.trim_start().len();
        let value = value.trim();
        if !keys.contains(&parent)
            || value.starts_with(['"', '\'', '#', '|', '>'])
            || !value.contains(" #")
        {
            continue;
        }
        let at = line_start + indent + key.len() + 1 + value_start;
        let cut = value.find(" #").unwrap_or(value.len());
        let field = if indent == 0 {
            key.to_string()
        } else {
            format!("{parent}.{key}")
        };
        let fixed = format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
        found.push(
            Diagnostic::at(
                Code::CommentInValue,
                format!(
                    "`{field}` stops at ` #`: YAML reads `{}` as a comment",
                    &value[cut + 1..]
                ),
                src.locate(at + cut + 1, at + value.len()),
            )
            .with_help(format!(
                "put the value in quotes: `{}: {fixed}`",
                trimmed.split_once(':').map_or(key, |k| k.0)
            ))
            .with_replacement(&src.path, at, at + value.len(), fixed),
        );
    }
    found
}

/// Annotations written in YAML values: `[[hts|HTS]]` is markup of the text below the front
/// matter (and of an entity's prose), read nowhere else; in a field, a title, a summary, a
/// label or a name, it would be published as written.
pub(crate) fn annotations_in_values(src: &SourceText, start: usize, end: usize) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // The keys that hold the current line, with their indents: `figures.label.fr`.
    let mut path: Vec<(usize, &str)> = Vec::new();
    let mut offset = start;
    for raw in src.text[start..end].split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let line_start = offset;
        offset += raw.len();
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let item = trimmed.strip_prefix("- ");
        let key_indent = indent + if item.is_some() { 2 } else { 0 };
        let key = item
            .unwrap_or(trimmed)
            .split_once(':')
            .map(|(key, _)| key.trim())
            .filter(|key| {
                !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
        if key.is_some() || item.is_some() {
            while path.last().is_some_and(|&(at, _)| at >= key_indent) {
                path.pop();
            }
        }
        if let Some(key) = key {
            path.push((key_indent, key));
        }
        let mut from = 0;
        while let Some(open) = line[from..].find("[[").map(|i| from + i) {
            let Some(close) = line[open + 2..].find("]]").map(|i| open + 2 + i) else {
                break;
            };
            from = close + 2;
            // After ` #` outside quotes, YAML reads a comment.
            let before = &line[..open];
            if before.contains(" #") && !before.contains(['"', '\'']) {
                break;
            }
            let annotation = &line[open..close + 2];
            let words = line[open + 2..close].split_once('|').map(|(_, w)| w.trim());
            let field: Vec<&str> = path.iter().map(|&(_, key)| key).collect();
            let field = field.join(".");
            let at = line_start + open;
            let d = Diagnostic::at(
                Code::AnnotationInValue,
                format!(
                    "`{field}` would publish `{annotation}` as written: annotations are read in the text only"
                ),
                src.locate(at, at + annotation.len()),
            );
            found.push(match words.filter(|w| !w.is_empty()) {
                Some(words) => d
                    .with_help(format!("write its words: `{words}`"))
                    .with_replacement(&src.path, at, at + annotation.len(), words.to_string()),
                None => d.with_help("write the entity's name"),
            });
        }
    }
    found
}

/// The key of a "duplicate field `x`" or "duplicate entry with key \"x\"" message.
fn duplicate_key(message: &str) -> Option<&str> {
    for (lead, close) in [
        ("duplicate field `", '`'),
        ("duplicate entry with key \"", '"'),
    ] {
        if let Some(at) = message.find(lead) {
            return message[at + lead.len()..].split(close).next();
        }
    }
    None
}

/// Where `key:` is written the second time in the block mapping that starts at `from`, at the
/// same indentation.
fn second_occurrence(text: &str, from: usize, end: usize, key: &str) -> Option<(usize, usize)> {
    let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
    let indent = from - line_start;
    let mut offset = line_start;
    let mut seen = 0;
    for line in text[line_start..end].split_inclusive('\n') {
        let (lead, rest) = line.split_at(line.len() - line.trim_start().len());
        if lead.len() == indent
            && let Some(after) = rest.strip_prefix(key)
            && after.trim_start().starts_with(':')
        {
            seen += 1;
            if seen == 2 {
                let s = offset + lead.len();
                return Some((s, s + key.len()));
            }
        }
        offset += line.len();
    }
    None
}

/// Where `key` is written the second time in one map, however it is written (plain, quoted,
/// or as an explicit `? key`): the first value path named by `key` that comes twice.
fn repeated_key(text: &str, start: usize, end: usize, key: &str) -> Option<(usize, usize)> {
    let spans = spans::Spans::read(text, start, end);
    let mut seen = std::collections::HashSet::new();
    spans
        .values()
        .iter()
        .filter(|v| v.path.rsplit('.').next() == Some(key))
        .find(|v| !seen.insert(v.path.as_str()))
        .map(|v| v.key)
}

/// serde_yaml appends " at line L column C" to its messages; we show the position ourselves.
fn message_without_position(err: &serde_yaml::Error) -> String {
    let full = err.to_string();
    match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}

/// Finds where a top-level `key:` is written, for diagnostics about a field's value.
/// Returns the byte range of the value (or of the key when the value is empty).
pub(crate) fn find_key(text: &str, start: usize, end: usize, key: &str) -> Option<(usize, usize)> {
    let mut offset = start;
    for line in text[start..end].split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(rest) = bare.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let mut value = rest.trim();
            // A comment after a plain value is not part of it.
            if !value.starts_with(['"', '\'']) {
                value = value.split(" #").next().unwrap_or(value).trim_end();
            }
            if value.is_empty() {
                return Some((offset, offset + key.len()));
            }
            let value_start = offset + key.len() + 1 + (rest.len() - rest.trim_start().len());
            return Some((value_start, value_start + value.len()));
        }
        offset += line.len();
    }
    None
}

/// Where `key:` is first written as a key, at any depth: the key's byte range.
pub(crate) fn find_nested_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
        {
            let s = offset + line.len() - trimmed.len();
            return Some((s, s + key.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        value: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: Option<String>,
        count: Option<u32>,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[test]
    fn a_document_reads_as_its_text_says_whichever_way_it_is_read() {
        let read = |text: &str| {
            let src = SourceText::new("d.yaml", text.to_string());
            parse::<Doc>(&src, 0, text.len())
        };
        // A number where text is expected is the text as written.
        let doc = read("title: 2024\ncount: 3\n").expect("reads");
        assert_eq!(doc.title.as_deref(), Some("2024"));
        assert_eq!(doc.count, Some(3));
        let doc = read("title: 1.50\n").expect("reads");
        assert_eq!(doc.title.as_deref(), Some("1.50"));
        // A number for a key names no field, though a field has a number of its own.
        let err = read("0: T\n").expect_err("no field is called 0");
        assert_eq!(err.location.as_ref().map(|l| l.line), Some(1), "{err:?}");
        // A tagged value reads as before.
        let doc = read("title: !x T\n").expect("reads");
        assert_eq!(doc.title.as_deref(), Some("T"));
    }

    #[test]
    fn every_mistake_is_found_and_the_rest_reads() {
        let text = "title: T\ncount: many\nitems:\n  - value: 1\n  - valu: 2\n  - value: x\n  - value: 4\ncolour: red\n";
        let src = SourceText::new("d.yaml", text.to_string());
        let partial = parse_all::<Doc>(&src, 0, text.len());
        let lines: Vec<usize> = partial
            .problems
            .iter()
            .filter_map(|d| d.location.as_ref().map(|l| l.line))
            .collect();
        assert_eq!(lines, [2, 5, 6, 8], "{:#?}", partial.problems);
        let doc = partial.value.expect("what reads");
        assert_eq!(doc.title.as_deref(), Some("T"));
        assert_eq!(doc.items.len(), 2);
        assert!(partial.broken.contains("count") && partial.broken.contains("colour"));
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let text = "---\ntitle: ok\ndate: [unclosed\n---\nbody\n".to_string();
        let src = SourceText::new("a.fr.md", text);
        let end = src.text.find("\n---\n").unwrap() + 1;
        let err = parse::<serde_yaml::Value>(&src, 4, end).unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!(err.code, Code::YamlSyntax);
        assert!(loc.line >= 3, "{loc}");
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn a_duplicate_key_is_reported_where_it_is_repeated() {
        let text = "---\ntitle: A\ndate: 2024-11-30\ntitle: B\n---\n".to_string();
        let src = SourceText::new("a.fr.md", text);
        let err = parse::<std::collections::BTreeMap<String, String>>(&src, 4, 39).unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.col), (4, 1), "{}", err.message);
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Entity {
            name: String,
            wikidata: String,
        }
        let text = "name: x\nwikidata: Q1\nwikidata: Q2\n".to_string();
        let nested = "name:\n  fr: a\n  en: b\n  fr: c\nwikidata: Q1\n".to_string();
        let src = SourceText::new("e.yaml", nested);
        let err = parse::<Entity>(&src, 0, src.text.len()).unwrap_err();
        assert_eq!(err.location.unwrap().line, 4, "{}", err.message);
        let src = SourceText::new("e.yaml", text);
        let err = parse::<Entity>(&src, 0, src.text.len()).unwrap_err();
        assert_eq!(err.location.unwrap().line, 3, "{}", err.message);
        assert!(err.help.unwrap().contains("`wikidata` is given twice"));
    }

    #[test]
    fn finds_keys() {
        let text = "type: place\nwikidata:  Q41  # Aleppo\nrelations:\n  - {type: part_of, target: syria}\n";
        let (s, e) = find_key(text, 0, text.len(), "wikidata").unwrap();
        assert_eq!(&text[s..e], "Q41");
        assert!(find_key(text, 0, text.len(), "name").is_none());
    }

    #[test]
    fn an_annotation_in_any_field_is_found_where_it_is_written() {
        let text = "title: \"Les [[hts|djihadistes]] à Alep\"\nsummary: [[aleppo]] tombe\n# [[not]] a value\nfigures:\n  - value: 311\n    label: {fr: \"morts selon l'[[osdh\\\\|OSDH]]\"}\nnote: x #[[comment]]\n";
        let src = SourceText::new("a.fr.md", text.to_string());
        let found = annotations_in_values(&src, 0, text.len());
        let seen: Vec<(String, usize, usize, Option<String>)> = found
            .iter()
            .map(|d| {
                let at = d.location.as_ref().unwrap();
                let fix = d.replacement.as_ref().map(|r| r.text.clone());
                (d.message.clone(), at.line, at.col, fix)
            })
            .collect();
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(
            seen[0]
                .0
                .starts_with("`title` would publish `[[hts|djihadistes]]`")
        );
        assert_eq!(
            (seen[0].1, seen[0].2, seen[0].3.as_deref()),
            (1, 13, Some("djihadistes"))
        );
        assert!(
            seen[1]
                .0
                .starts_with("`summary` would publish `[[aleppo]]`")
        );
        assert_eq!((seen[1].1, seen[1].2, seen[1].3.as_deref()), (2, 10, None));
        assert!(
            seen[2].0.starts_with("`figures.label` would publish"),
            "{seen:?}"
        );
        assert_eq!((seen[2].1, seen[2].3.as_deref()), (6, Some("OSDH")));

        // Block style, list items and a value on the line after its key: the whole path.
        let text = "events:\n  - date: 2016\n    label:\n      fr: Raids sur\n        [[aleppo|Alep]]\n  - {date: 2020, label: \"[[idlib]]\"}\n";
        let src = SourceText::new("a.fr.md", text.to_string());
        let fields: Vec<String> = annotations_in_values(&src, 0, text.len())
            .iter()
            .map(|d| d.message.split('`').nth(1).unwrap_or("").to_string())
            .collect();
        assert_eq!(fields, ["events.label.fr", "events"]);
    }
}
