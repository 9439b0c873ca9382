//! YAML parsing with diagnostics that point into the enclosing file.

use serde::de::DeserializeOwned;

use crate::diagnostic::{Code, Diagnostic, SourceText};

/// Parses `src.text[start..end]` as YAML. Errors carry the location in the whole file, so a
/// mistake on the third line of front matter is reported on line 4 of the article.
pub fn parse<T: DeserializeOwned>(
    src: &SourceText,
    start: usize,
    end: usize,
) -> Result<T, Diagnostic> {
    let yaml = &src.text[start..end];
    serde_yaml::from_str(yaml).map_err(|err| {
        let location = match err.location() {
            Some(at) => src.locate(start + at.index(), start + at.index() + 1),
            None => src.locate(start, start),
        };
        Diagnostic::at(Code::YamlSyntax, message_without_position(&err), location)
            .with_help("fix the YAML syntax here (check indentation, colons and quotes)")
    })
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
pub fn find_key(text: &str, start: usize, end: usize, key: &str) -> Option<(usize, usize)> {
    let mut offset = start;
    for line in text[start..end].split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(rest) = bare.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let value = rest.trim();
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

/// Finds the first occurrence of `needle` as a YAML scalar after `key:` anywhere (nested keys
/// included): used to point at one relation's target or one alias.
pub fn find_value(
    text: &str,
    start: usize,
    end: usize,
    key: &str,
    needle: &str,
) -> Option<(usize, usize)> {
    let mut offset = start;
    for line in text[start..end].split_inclusive('\n') {
        if let Some(k) = line.find(&format!("{key}:")) {
            let after = k + key.len() + 1;
            if let Some(v) = line[after..].find(needle) {
                let s = offset + after + v;
                return Some((s, s + needle.len()));
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn finds_keys_and_values() {
        let text = "type: place\nwikidata:  Q41\nrelations:\n  - {type: part_of, target: syria}\n";
        let (s, e) = find_key(text, 0, text.len(), "wikidata").unwrap();
        assert_eq!(&text[s..e], "Q41");
        let (s, e) = find_value(text, 0, text.len(), "target", "syria").unwrap();
        assert_eq!(&text[s..e], "syria");
        assert!(find_key(text, 0, text.len(), "name").is_none());
    }
}
