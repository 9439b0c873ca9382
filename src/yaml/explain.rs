//! What went wrong in a block of YAML, in the editor's words. The parser's messages ("mapping
//! values are not allowed in this context") describe its state, not the mistake; French
//! typography (`Syrie : les rebelles`, `L'offensive`, «quotes» after a quotation) makes the same
//! few mistakes daily. Each is recognised on the line that causes it, and the fixed line is
//! given, as help and as a machine-applicable replacement.

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::source::SourceText;

/// A tab in a line's indentation, which YAML forbids: named, shown, and replaced with the
/// spaces the line before calls for (one level under a `key:` or a list item, else the same).
fn tab_indent(src: &SourceText, lines: &[Line], stop: usize) -> Option<Diagnostic> {
    let mut previous: Option<&Line> = None;
    for line in lines.iter().take_while(|l| l.start <= stop) {
        let lead = &line.text[..line.indent()];
        if let Some(tab) = lead.find('\t') {
            let spaces = previous.map_or(0, |p| {
                let text = p.text.trim_end();
                let deeper = text.ends_with(':') || p.text.trim_start().starts_with("- ");
                p.indent() + if deeper { 2 } else { 0 }
            });
            let fixed = format!("{}{}", " ".repeat(spaces), line.text.trim_start());
            let at = line.start + tab;
            return Some(
                Diagnostic::at(
                    Code::YamlSyntax,
                    "a tab (shown as `→`) indents this line: YAML indents with spaces only",
                    src.locate(at, at + 1),
                )
                .with_help(format!(
                    "replace the indentation with spaces: `{}`",
                    fixed.trim_end()
                ))
                .with_replacement(
                    &src.path,
                    line.start,
                    line.start + line.indent(),
                    " ".repeat(spaces),
                ),
            );
        }
        if !line.is_blank() {
            previous = Some(line);
        }
    }
    None
}

/// One line of the block: where it starts in the file, and its text without the line break.
#[derive(Clone, Copy)]
struct Line<'a> {
    start: usize,
    text: &'a str,
}

impl<'a> Line<'a> {
    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start().len()
    }

    /// `key` and the byte offset (in the line) just after its colon, for `key: value` lines.
    fn key(&self) -> Option<(&'a str, usize)> {
        let text = self.text.trim_start();
        let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?;
        if end == 0 || !text[end..].starts_with(':') {
            return None;
        }
        Some((&text[..end], self.indent() + end + 1))
    }

    fn is_blank(&self) -> bool {
        let text = self.text.trim();
        text.is_empty() || text.starts_with('#')
    }
}

fn lines(text: &str, start: usize, end: usize) -> Vec<Line<'_>> {
    let mut offset = start;
    text[start..end]
        .split_inclusive('\n')
        .map(|raw| {
            let line = Line {
                start: offset,
                text: raw.trim_end_matches(['\n', '\r']),
            };
            offset += raw.len();
            line
        })
        .collect()
}

/// A value written in double quotes, with `\` and `"` escaped.
fn double_quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A value written in single quotes, with `'` doubled.
fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A diagnostic for `line`, whose value (from byte `value_at` of the line) should be `fixed`.
fn fix_value(
    src: &SourceText,
    line: Line,
    value_at: usize,
    message: String,
    what: &str,
    fixed: String,
) -> Diagnostic {
    let head = &line.text[..value_at];
    let value_start = line.start + value_at;
    let value_end = line.start + line.text.trim_end().len();
    Diagnostic::at(
        Code::YamlSyntax,
        message,
        src.locate(value_start, value_end),
    )
    .with_help(format!("{what}: `{}{fixed}`", head.trim_start()))
    .with_replacement(&src.path, value_start, value_end, fixed)
}

/// The block failed to parse: the mistake on the line that causes it, or `None` when it is
/// none of the known ones.
pub(super) fn syntax(
    src: &SourceText,
    start: usize,
    end: usize,
    error: &serde_yaml::Error,
) -> Option<Diagnostic> {
    let message = error.to_string();
    let lines = lines(&src.text, start, end);
    if let Some(open) = opening_quote(&message, &lines) {
        return Some(unclosed_quote(src, lines[open.0], open.1));
    }
    // The parser stops at or after the mistake, never before it.
    let stop = error.location().map_or(end, |at| start + at.index());
    if let Some(found) = tab_indent(src, &lines, stop) {
        return Some(found);
    }
    if let Some(first) = lines.iter().find(|l| !l.is_blank())
        && first.indent() > 0
    {
        let fixed = first.text.trim_start();
        return Some(
            Diagnostic::at(
                Code::YamlSyntax,
                "the first field is indented",
                src.locate(first.start, first.start + first.indent()),
            )
            .with_help(format!(
                "start each field at the beginning of its line: `{fixed}`"
            ))
            .with_replacement(&src.path, first.start, first.start + first.indent(), ""),
        );
    }
    let mut previous: Option<Line> = None;
    for &line in lines.iter().take_while(|l| l.start <= stop) {
        if line.is_blank() {
            continue;
        }
        if let Some(found) = indented_key(src, line, previous).or_else(|| value(src, line)) {
            return Some(found);
        }
        previous = Some(line);
    }
    None
}

/// The line and column (0-based, in bytes) of the quote a "while scanning a quoted scalar at
/// line L column C" message names.
fn opening_quote(message: &str, lines: &[Line]) -> Option<(usize, usize)> {
    let (_, at) = message.split_once("while scanning a quoted scalar at line ")?;
    let (line, rest) = at.split_once(" column ")?;
    let column: usize = rest
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    let line: usize = line.parse().ok()?;
    let text = lines.get(line.checked_sub(1)?)?.text;
    // The column counts characters.
    let byte = text.char_indices().nth(column.checked_sub(1)?)?.0;
    Some((line - 1, byte))
}

fn unclosed_quote(src: &SourceText, line: Line, quote_at: usize) -> Diagnostic {
    let quote = &line.text[quote_at..quote_at + 1];
    let end = line.start + line.text.trim_end().len();
    let fixed = format!("{}{quote}", line.text.trim());
    Diagnostic::at(
        Code::YamlSyntax,
        format!("this `{quote}` is never closed"),
        src.locate(line.start + quote_at, line.start + quote_at + 1),
    )
    .with_help(format!(
        "close the quote at the end of the value: `{fixed}`"
    ))
    .with_replacement(&src.path, end, end, quote)
}

/// `  date: …` indented under a field that already has a value.
fn indented_key(src: &SourceText, line: Line, previous: Option<Line>) -> Option<Diagnostic> {
    let previous = previous?;
    let (parent, after) = previous.key()?;
    let parent_value = previous.text[after..].trim();
    let (key, _) = line.key()?;
    if line.indent() <= previous.indent()
        || parent_value.is_empty()
        || parent_value.starts_with(['|', '>', '&', '!'])
    {
        return None;
    }
    let fixed = format!(
        "{}{}",
        &previous.text[..previous.indent()],
        line.text.trim_start()
    );
    Some(
        Diagnostic::at(
            Code::YamlSyntax,
            format!("`{key}` is indented under `{parent}`, which already has a value"),
            src.locate(line.start, line.start + line.indent()),
        )
        .with_help(format!(
            "start `{key}` where `{parent}` starts: `{}`",
            fixed.trim_start()
        ))
        .with_replacement(&src.path, line.start, line.start + line.text.len(), fixed),
    )
}

/// The value of a `key: value` line, when its quoting breaks it.
fn value(src: &SourceText, line: Line) -> Option<Diagnostic> {
    let (key, after) = line.key()?;
    let rest = &line.text[after..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        // `date:2024-12-07` is one plain word, not a key and its value.
        let fixed = format!(
            "{}: {}",
            line.text.trim_start().split_at(after - line.indent() - 1).0,
            rest
        );
        let colon = line.start + after;
        return Some(
            Diagnostic::at(
                Code::YamlSyntax,
                format!("`{key}:` needs a space after the colon"),
                src.locate(line.start + line.indent(), colon + rest.len()),
            )
            .with_help(format!("write `{fixed}`"))
            .with_replacement(&src.path, colon, colon, " "),
        );
    }
    let value_at = after + (rest.len() - rest.trim_start().len());
    let value = line.text[value_at..].trim_end();
    if let Some(inner) = value.strip_prefix('\'') {
        let close = closing_single_quote(inner)?;
        let trailing = inner[close + 1..].trim();
        if trailing.is_empty() || trailing.starts_with('#') {
            return None;
        }
        // `'L'offensive…'`: the apostrophe closed the quotes.
        let text = inner.strip_suffix('\'').unwrap_or(inner);
        return Some(fix_value(
            src,
            line,
            value_at,
            format!(
                "the `'` after `{}` ends the quoted `{key}`",
                &inner[..close]
            ),
            "write it in double quotes",
            double_quoted(text),
        ));
    }
    if let Some(inner) = value.strip_prefix('"') {
        let close = closing_double_quote(inner)?;
        let trailing = inner[close + 1..].trim();
        if trailing.is_empty() || trailing.starts_with('#') {
            return None;
        }
        // `"Nous ne partirons pas", affirme Damas`: a quotation opens the value.
        return Some(fix_value(
            src,
            line,
            value_at,
            format!("text follows the closing quote of `{key}`"),
            "put the whole value in single quotes",
            single_quoted(value),
        ));
    }
    if let Some(found) = unclosed_bracket(src, line, value_at, value) {
        return Some(found);
    }
    let plain = !value.starts_with(['[', '{', '|', '>', '&', '*', '!', '#']);
    if plain && (value.contains(": ") || value.ends_with(':')) {
        // `Syrie : les rebelles…`: `: ` starts a key in YAML.
        return Some(fix_value(
            src,
            line,
            value_at,
            format!("the `: ` in `{key}` makes YAML read a new field"),
            "put the value in quotes",
            double_quoted(value),
        ));
    }
    None
}

/// A flow list or mapping (`[…`, `{…`) opened and never closed on its line.
fn unclosed_bracket(
    src: &SourceText,
    line: Line,
    value_at: usize,
    value: &str,
) -> Option<Diagnostic> {
    let (open, close) = [('[', ']'), ('{', '}')]
        .into_iter()
        .find(|(open, close)| value.starts_with(*open) && !value.contains(*close))?;
    let at = line.start + value_at;
    let end = line.start + line.text.trim_end().len();
    Some(
        Diagnostic::at(
            Code::YamlSyntax,
            format!("this `{open}` is never closed"),
            src.locate(at, at + 1),
        )
        .with_help(format!(
            "close it at the end of the line: `{}{close}`, or remove it",
            line.text.trim()
        ))
        .with_replacement(&src.path, end, end, close.to_string()),
    )
}

/// The byte index of the `'` that closes a single-quoted value (`''` is an escaped quote).
fn closing_single_quote(inner: &str) -> Option<usize> {
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The byte index of the `"` that closes a double-quoted value.
fn closing_double_quote(inner: &str) -> Option<usize> {
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The block parsed but does not fit its schema: an unknown field, a value of the wrong type.
pub(super) fn schema(
    src: &SourceText,
    start: usize,
    end: usize,
    error: &serde_yaml::Error,
) -> Option<Diagnostic> {
    let full = error.to_string();
    let message = full.split(" at line ").next().unwrap_or(&full);
    let at = start + error.location()?.index();
    let line = lines(&src.text, start, end)
        .into_iter()
        .rev()
        .find(|l| l.start <= at)?;
    let in_line = at - line.start;
    // Nested fields are named by their path (`relations[0]: unknown field …`).
    let (path, what) = [
        "unknown field `",
        "unknown variant `",
        "invalid type: ",
        "invalid value: ",
    ]
    .iter()
    .find_map(|lead| {
        message
            .find(lead)
            .map(|i| (message[..i].trim_end_matches(": "), &message[i..]))
    })?;
    // `relations[0].type` → `type`; `unverified[0]` → `unverified`.
    let last = path.rsplit('.').next().unwrap_or(path);
    let field = last.split('[').next().unwrap_or(last);
    if let Some(rest) = what.strip_prefix("unknown field `") {
        let name = rest.split('`').next()?;
        return Some(unknown_field(
            src,
            line,
            in_line,
            name,
            &expected(rest),
            path,
        ));
    }
    if let Some(rest) = what.strip_prefix("unknown variant `") {
        let value = rest.split('`').next()?;
        return Some(unknown_variant(
            src,
            line,
            in_line,
            field,
            value,
            &expected(rest),
        ));
    }
    // An item of a list is named with its place (`coordinates[0]`), and is itself the value.
    let (field, item) = match last.ends_with(']') {
        true => (last, true),
        false => (field, false),
    };
    Some(wrong_type(src, line, in_line, field, item, what))
}

/// How long the item of a flow list or map (`[a, "b", c]`) starting `text` is: a quoted one
/// to its closing quote, another to the next `,`, `]` or `}`.
fn flow_item_len(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, quote @ ('"' | '\''))) => {
            let mut escaped = false;
            for (i, c) in chars {
                match c {
                    '\\' if quote == '"' && !escaped => escaped = true,
                    c if c == quote && !escaped => return i + 1,
                    _ => escaped = false,
                }
            }
            text.len()
        }
        _ => text.find([',', ']', '}']).unwrap_or(text.len()),
    }
}

/// The names listed after "expected" in serde's messages.
fn expected(rest: &str) -> Vec<&str> {
    let Some((_, list)) = rest.split_once("expected ") else {
        return Vec::new();
    };
    list.split('`').skip(1).step_by(2).collect()
}

fn unknown_field(
    src: &SourceText,
    line: Line,
    in_line: usize,
    name: &str,
    fields: &[&str],
    path: &str,
) -> Diagnostic {
    let key_start = line.start + in_line.min(line.text.len());
    let key_start = line.text[in_line.min(line.text.len())..]
        .find(name)
        .map_or(key_start, |i| key_start + i);
    let place = if path.is_empty() {
        String::new()
    } else {
        format!(" in `{path}`")
    };
    let list = fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let d = Diagnostic::at(
        Code::UnknownField,
        format!("unknown field `{name}`{place}"),
        src.locate(key_start, key_start + name.len()),
    );
    if let Some((_, now)) = RENAMED
        .iter()
        .find(|(old, now)| *old == name && fields.contains(now))
    {
        return d
            .with_help(format!("`{name}` is now `{now}`: rename it"))
            .with_replacement(&src.path, key_start, key_start + name.len(), *now);
    }
    match did_you_mean(name, fields.iter().copied()) {
        Some(close) => d
            .with_help(format!(
                "did you mean `{close}`? The fields here are {list}"
            ))
            .with_replacement(&src.path, key_start, key_start + name.len(), close),
        None => d.with_help(format!(
            "the fields here are {list}; remove or rename this one"
        )),
    }
}

/// Fields known by another name before, with their name now: an article's agency was its
/// `source`, a word now kept for where a statement comes from.
const RENAMED: &[(&str, &str)] = &[("source", "agency")];

/// Words an editor may write for an entity type, and the type they mean.
const TYPE_WORDS: &[(&str, &str)] = &[
    ("city", "place"),
    ("town", "place"),
    ("village", "place"),
    ("country", "place"),
    ("region", "place"),
    ("province", "place"),
    ("governorate", "place"),
    ("location", "place"),
    ("group", "organization"),
    ("party", "organization"),
    ("army", "organization"),
    ("militia", "organization"),
    ("agency", "organization"),
    ("government", "organization"),
    ("ngo", "organization"),
    ("company", "organization"),
    ("organisation", "organization"),
    ("people", "person"),
    ("human", "person"),
    ("battle", "event"),
    ("war", "event"),
    ("offensive", "event"),
];

fn unknown_variant(
    src: &SourceText,
    line: Line,
    in_line: usize,
    field: &str,
    value: &str,
    allowed: &[&str],
) -> Diagnostic {
    let value_start = line.start + in_line.min(line.text.len());
    let list = allowed
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let meant = did_you_mean(value, allowed.iter().copied()).or_else(|| {
        let word = value.to_lowercase();
        TYPE_WORDS
            .iter()
            .find(|(w, t)| *w == word && allowed.contains(t))
            .map(|(_, t)| *t)
    });
    let d = Diagnostic::at(
        Code::InvalidValue,
        format!("`{value}` is not a valid `{field}`"),
        src.locate(value_start, value_start + value.len()),
    );
    match meant {
        Some(meant) => d
            .with_help(format!("write `{meant}`; the values are {list}"))
            .with_replacement(&src.path, value_start, value_start + value.len(), meant),
        None => d.with_help(format!("write one of {list}")),
    }
}

fn wrong_type(
    src: &SourceText,
    line: Line,
    in_line: usize,
    field: &str,
    item: bool,
    what: &str,
) -> Diagnostic {
    let value_at = in_line.min(line.text.len());
    let value_start = line.start + value_at;
    let rest = &line.text[value_at..];
    let value = match item {
        true => rest[..flow_item_len(rest)].trim_end(),
        false => rest.trim_end(),
    };
    let value_end = value_start + value.len();
    let d = |message: String| {
        Diagnostic::at(
            Code::InvalidValue,
            message,
            src.locate(value_start, value_end),
        )
    };
    let unquoted = value.trim_matches(['"', '\'']);
    if what.ends_with("expected a boolean") {
        let meant = match unquoted.to_lowercase().as_str() {
            "yes" | "y" | "on" | "oui" | "vrai" => Some("true"),
            "no" | "n" | "off" | "non" | "faux" => Some("false"),
            _ => None,
        };
        let d = d(format!("`{field}` is `true` or `false`, not `{value}`"))
            .with_help(format!("write `{field}: true` or `{field}: false`"));
        return match meant {
            Some(meant) => d.with_replacement(&src.path, value_start, value_end, meant),
            None => d,
        };
    }
    if what.ends_with("expected a sequence") {
        let numbers: Vec<&str> = unquoted.split(',').map(str::trim).collect();
        if numbers.len() > 1 && numbers.iter().all(|n| n.parse::<f64>().is_ok()) {
            let fixed = format!("[{}]", numbers.join(", "));
            return d(format!("`{field}` is a list, not text"))
                .with_help(format!("write `{field}: {fixed}`"))
                .with_replacement(&src.path, value_start, value_end, fixed);
        }
        return d(format!("`{field}` is a list"))
            .with_help(format!("write the items in brackets: `{field}: [a, b]`"));
    }
    let expected = in_words(what.rsplit("expected ").next().unwrap_or(what));
    // A number in quotes: the quotes are the mistake.
    if expected == "a number" && value != unquoted && unquoted.parse::<f64>().is_ok() {
        return d(format!("`{field}` is a number, not text"))
            .with_help(format!("write `{unquoted}` without quotes"))
            .with_replacement(&src.path, value_start, value_end, unquoted.to_string());
    }
    // The value itself when serde quotes it (`integer `-3``): "a number, not a number" says
    // nothing.
    let quoted = what
        .split('`')
        .nth(1)
        .filter(|_| what.matches('`').count() >= 2);
    let found = what
        .strip_prefix("invalid type: ")
        .or_else(|| what.strip_prefix("invalid value: "))
        .and_then(|w| w.split(',').next())
        .map(|w| match quoted {
            Some(value) => format!("`{value}`"),
            None => in_words(w.split(' ').next().unwrap_or(w)).to_string(),
        });
    let message = match found {
        Some(found) => format!("`{field}` is {expected}, not {found}"),
        None => format!("`{field}` is {expected}"),
    };
    let help = if expected == "text" {
        format!("write it on the same line as `{field}:`, in quotes if it holds `: ` or ` #`")
    } else {
        format!("write {expected} after `{field}:`")
    };
    d(message).with_help(help)
}

/// serde's names for kinds of values, as an editor would say them.
fn in_words(kind: &str) -> &str {
    match kind.trim() {
        "a string" | "string" => "text",
        "a sequence" | "sequence" => "a list",
        "a map" | "map" => "a set of fields",
        "a boolean" | "boolean" => "`true` or `false`",
        "usize" | "u64" | "u32" => "a whole number, 0 or more",
        "integer" | "floating" | "f64" | "i64" => "a number",
        "unit" => "empty",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain(yaml: &str) -> Diagnostic {
        let src = SourceText::new("a.fr.md", yaml.to_string());
        let error = serde_yaml::from_str::<serde_yaml::Value>(yaml).unwrap_err();
        syntax(&src, 0, yaml.len(), &error).expect("explained")
    }

    fn fixed(yaml: &str) -> String {
        let d = explain(yaml);
        let r = d.replacement.expect("a replacement");
        format!("{}{}{}", &yaml[..r.start], r.text, &yaml[r.end..])
    }

    #[test]
    fn french_typography_is_quoted_for_the_editor() {
        assert_eq!(
            fixed("title: Syrie : les rebelles aux portes de Homs\ndate: 2024-12-07\n"),
            "title: \"Syrie : les rebelles aux portes de Homs\"\ndate: 2024-12-07\n"
        );
        assert_eq!(
            fixed("title: 'L'offensive rebelle'\ndate: 2024-12-07\n"),
            "title: \"L'offensive rebelle\"\ndate: 2024-12-07\n"
        );
        assert_eq!(
            fixed("title: \"Nous ne partirons pas\", affirme Damas\n"),
            "title: '\"Nous ne partirons pas\", affirme Damas'\n"
        );
        // Each fix parses, to the text the editor meant.
        for yaml in [
            "title: Syrie : les rebelles\n",
            "title: 'L'offensive'\n",
            "title: \"Non\", dit-il\n",
        ] {
            let v: serde_yaml::Value = serde_yaml::from_str(&fixed(yaml)).unwrap();
            assert!(v["title"].as_str().is_some(), "{yaml}");
        }
    }

    #[test]
    fn an_item_of_a_list_is_the_value_underlined() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Place {
            coordinates: Vec<f64>,
        }
        let wrong = |yaml: &str| {
            let src = SourceText::new("a.yaml", yaml.to_string());
            let error = serde_yaml::from_str::<Place>(yaml).unwrap_err();
            let d = schema(&src, 0, yaml.len(), &error).expect("explained");
            let at = d.location.clone().unwrap();
            (d, at.col, at.len)
        };
        let (d, col, end) = wrong("coordinates: [\"36.2\", 37.16]\n");
        assert_eq!(d.message, "`coordinates[0]` is a number, not text");
        assert_eq!((col, end), (15, 6));
        assert_eq!(d.replacement.map(|r| r.text), Some("36.2".to_string()));
        let (d, col, end) = wrong("coordinates: [36.2, 'a, b']\n");
        assert_eq!(d.message, "`coordinates[1]` is a number, not text");
        assert_eq!((col, end), (21, 6));
    }

    #[test]
    fn mistakes_are_found_where_they_are_made() {
        let d = explain("title: \"Homs encerclée\ndate: 2024-12-07\nsummary: x\n");
        let at = d.location.as_ref().unwrap();
        assert_eq!((at.line, at.col), (1, 8), "{}", d.message);
        assert!(d.message.contains("never closed"));
        let d = explain("title: Homs\ndate:2024-12-07\nsummary: x\n");
        assert_eq!(d.location.as_ref().unwrap().line, 2);
        assert!(d.help.as_deref().unwrap().contains("`date: 2024-12-07`"));
        let d = explain("title: Homs\n  date: 2024-12-07\nsummary: x\n");
        assert_eq!(d.location.as_ref().unwrap().line, 2);
        assert!(d.message.contains("indented under `title`"));
        let d = explain(" title: Homs\ndate: 2024-12-07\n");
        assert!(d.message.contains("first field is indented"));
    }
}
