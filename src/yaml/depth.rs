//! A linear pre-scan of YAML for flow collections nested too deep: the parser takes time
//! quadratic in their depth (80 KB of `[[[[…` took 3.7 s, 200 KB 32 s), so a file nested past
//! [`MAX_DEPTH`] is refused before the parser sees it.

/// Deeper than any site's data needs; shallow enough to parse at once.
pub const MAX_DEPTH: usize = 32;

/// Where in `yaml` (a byte offset) a flow collection opens past [`MAX_DEPTH`], if one does.
/// Brackets in quotes or comments, and in text that does not start a value (`title: a [b]`),
/// open nothing.
pub fn too_deep(yaml: &str) -> Option<usize> {
    let mut depth = 0usize;
    // The last character of the line that is not a space, outside quotes: a bracket opens a
    // collection only where a value starts (after `:`, `-`, `?`, `,`, another bracket, or at
    // the start of a line).
    let mut before: Option<u8> = None;
    let bytes = yaml.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => before = None,
            b' ' | b'\t' | b'\r' => {}
            b'#' if before.is_none() || i > 0 && matches!(bytes[i - 1], b' ' | b'\t') => {
                // A comment, to the end of the line.
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if starts_value(before, depth) => {
                i = end_of_quoted(bytes, i);
                before = Some(c);
                continue;
            }
            b'[' | b'{' if starts_value(before, depth) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
                before = Some(c);
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                before = Some(c);
            }
            // A bracket inside text is text.
            b'[' | b'{' => before = Some(b'a'),
            _ => before = Some(c),
        }
        i += 1;
    }
    None
}

/// Whether a value can start after `before`.
fn starts_value(before: Option<u8>, depth: usize) -> bool {
    match before {
        None => true,
        Some(b':' | b'-' | b'?' | b'[' | b'{') => true,
        Some(b',') => depth > 0,
        Some(_) => false,
    }
}

/// The byte after the quoted scalar that starts at `start` (`'…'` with `''` for a quote,
/// `"…"` with backslash escapes). A quote not closed on its line is taken for text (a quote
/// inside a block scalar would otherwise hide the rest of the file from the scan): the byte
/// after it.
fn end_of_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => return start + 1,
            b'\\' if quote == b'"' && bytes.get(i + 1) != Some(&b'\n') => i += 2,
            c if c == quote => {
                if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_the_limit_is_found_where_it_goes_too_deep() {
        let deep = format!("a: {}1{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(too_deep(&deep), Some(3 + MAX_DEPTH));
        let fine = format!("a: {}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(too_deep(&fine), None);
        let mapped = format!("a: {}", "{b: ".repeat(40));
        assert!(too_deep(&mapped).is_some());
        let listed = "- [".repeat(40);
        assert!(too_deep(&listed).is_some());
    }

    #[test]
    fn brackets_in_text_quotes_and_comments_open_nothing() {
        let many = "[".repeat(100);
        for text in [
            format!("title: voir {many}"),
            format!("title: \"{many}\""),
            format!("title: '{many} l''autre'"),
            format!("title: x # {many}"),
            format!("# {many}\ntitle: x"),
            format!("a: [\"{many}\", '{many}']"),
            format!("summary: >\n  texte {many}"),
        ] {
            assert_eq!(too_deep(&text), None, "{text}");
        }
        // A quote left open on its line (in a block scalar) hides nothing after it.
        let hidden = format!("q: |\n  \"\nz: {}1{}", "[".repeat(100), "]".repeat(100));
        assert!(too_deep(&hidden).is_some());
        let hidden = format!("q: |\n  'x\nz: {}1{}", "[".repeat(100), "]".repeat(100));
        assert!(too_deep(&hidden).is_some());
    }

    #[test]
    fn the_scan_is_linear() {
        // A megabyte of brackets is judged at once (the parser took minutes).
        let huge = "[".repeat(1 << 20);
        assert_eq!(too_deep(&huge), Some(MAX_DEPTH));
    }
}
