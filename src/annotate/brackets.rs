//! Broken annotation brackets. pulldown-cmark turns every well-formed `[[id]]` and
//! `[[id|text]]` into a wikilink; any `[[` or `]]` still left in the prose is a mistake: an
//! annotation never closed, closed by another annotation's `]]`, without an id, or a stray `]]`.
//! One pass over the text, whatever it holds.

/// What is wrong at a place in the prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broken {
    /// `[[` not closed by its own `]]`.
    Unclosed,
    /// `[[]]`, `[[ ]]` or `[[|text]]`: brackets without an entity id.
    Empty {
        /// The byte after the `]]`.
        end: usize,
    },
    /// `]]` that closes nothing.
    StrayClose,
}

/// Every broken bracket in `text`, as (byte offset, what), in order. `text` is the source of
/// prose that pulldown-cmark did not turn into annotations. A bracket escaped with a
/// backslash is text: `\[[hts]]`, `[\[hts]]` and `\[\[hts\]\]` write the brackets themselves,
/// and the `]]` that closes them is no stray.
pub fn scan(text: &str) -> Vec<(usize, Broken)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // Double brackets written as text (one of them escaped), not closed yet.
    let mut literal = 0usize;
    let mut i = 0;
    while i + 1 < bytes.len() {
        // Prose is mostly free of brackets: jump to the next one.
        match memchr::memchr2(b'[', b']', &bytes[i..]) {
            Some(next) => i += next,
            None => break,
        }
        if i + 1 >= bytes.len() {
            break;
        }
        if escaped(bytes, i) {
            if bytes[i] == b'[' {
                let next = bytes.get(i + 1..i + 3);
                // Counted once per pair: at its first bracket, or at this one after a `[`
                // that is not escaped itself.
                let after_open = i >= 2 && bytes[i - 2] == b'[' && !escaped(bytes, i - 2);
                if after_open || next.is_some_and(|n| n[0] == b'[' || n == b"\\[") {
                    literal += 1;
                }
                // `\[[` is text followed by a single bracket.
                i += if bytes[i + 1] == b'[' { 2 } else { 1 };
            } else {
                i += 1;
            }
            continue;
        }
        match (bytes[i], bytes[i + 1]) {
            (b'[', b'[') => {
                // `[[[` opens at its last two brackets, as pulldown-cmark reads it.
                let mut open = i;
                while bytes.get(open + 2) == Some(&b'[') {
                    open += 1;
                }
                match empty_annotation(text, open + 2) {
                    Some(end) => {
                        found.push((open, Broken::Empty { end }));
                        i = end;
                    }
                    None => {
                        found.push((open, Broken::Unclosed));
                        i = open + 2;
                    }
                }
            }
            (b']', b']') => {
                match literal.checked_sub(1) {
                    Some(left) => literal = left,
                    None => found.push((i, Broken::StrayClose)),
                }
                i += 2;
            }
            (b']', b'\\') if bytes.get(i + 2) == Some(&b']') && literal > 0 => {
                literal -= 1;
                i += 3;
            }
            _ => i += 1,
        }
    }
    found
}

/// Whether the byte at `at` follows an odd number of backslashes.
fn escaped(bytes: &[u8], at: usize) -> bool {
    bytes[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// After a `[[` at `after - 2`: the end of `]]` when only blanks, or a `|` and text, come before
/// it on the same line. Stops at the first bracket or line end, so each byte is read once.
fn empty_annotation(text: &str, after: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = after;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    // `[[\|words]]`, as a table's cell writes the bar, is as empty.
    if bytes.get(i) == Some(&b'\\') && bytes.get(i + 1) == Some(&b'|') {
        i += 1;
    }
    if bytes.get(i) == Some(&b'|') {
        while !matches!(bytes.get(i), None | Some(b'[' | b']' | b'\n')) {
            i += 1;
        }
    }
    (bytes.get(i) == Some(&b']') && bytes.get(i + 1) == Some(&b']')).then_some(i + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_kind_of_broken_bracket() {
        assert_eq!(scan("texte sans crochets"), vec![]);
        assert_eq!(scan("[[homs|Homs] puis "), vec![(0, Broken::Unclosed)]);
        assert_eq!(scan("a [[]] b"), vec![(2, Broken::Empty { end: 6 })]);
        assert_eq!(scan("[[ | x]]"), vec![(0, Broken::Empty { end: 8 })]);
        assert_eq!(scan("[[\\|x]]"), vec![(0, Broken::Empty { end: 7 })]);
        assert_eq!(scan("fin]] ici"), vec![(3, Broken::StrayClose)]);
        assert_eq!(
            scan("[[[x"),
            vec![(1, Broken::Unclosed)],
            "the innermost pair opens"
        );
        assert_eq!(
            scan("[[a\n]]"),
            vec![(0, Broken::Unclosed), (4, Broken::StrayClose)]
        );
    }

    #[test]
    fn escaped_brackets_are_text() {
        for text in [
            "\\[[hts]]",
            "[\\[hts]]",
            "\\[\\[hts]]",
            "\\[\\[hts\\]\\]",
            "\\[[hts\\]]",
            "voir \\[[hts]] et \\[[idlib|Idlib]] ici",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
        // An escaped backslash escapes nothing.
        assert_eq!(scan("\\\\[[hts"), vec![(2, Broken::Unclosed)]);
        // Each literal pair closes once.
        assert_eq!(scan("\\[[a]] b]]"), vec![(8, Broken::StrayClose)]);
        assert_eq!(scan("\\[\\[a]] b]]"), vec![(9, Broken::StrayClose)]);
    }

    #[test]
    fn is_linear_on_a_flood_of_brackets() {
        let started = std::time::Instant::now();
        assert_eq!(scan(&"[[".repeat(50_000)).len(), 1);
        assert_eq!(scan(&"[[ ".repeat(50_000)).len(), 50_000);
        assert_eq!(scan(&"[[|".repeat(50_000)).len(), 50_000);
        // Generous: a quadratic scan would take minutes.
        assert!(started.elapsed().as_secs() < 5);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn every_report_points_at_brackets_in_order(text in "[\\[\\]| a\n]{0,200}") {
                let found = scan(&text);
                let mut last = None;
                for &(at, broken) in &found {
                    prop_assert!(last.is_none_or(|l| l < at), "out of order: {found:?}");
                    last = Some(at);
                    match broken {
                        Broken::Unclosed => prop_assert!(text[at..].starts_with("[[")),
                        Broken::StrayClose => prop_assert!(text[at..].starts_with("]]")),
                        Broken::Empty { end } => {
                            prop_assert!(text[at..].starts_with("[["));
                            prop_assert!(end > at + 2 && text[..end].ends_with("]]"));
                            prop_assert!(!text[at..end].contains('\n'));
                        }
                    }
                }
                let pairs = text.matches("[[").count() + text.matches("]]").count();
                prop_assert!(found.len() <= pairs);
            }

            #[test]
            fn text_without_double_brackets_is_clean(text in "[^\\[\\]]{0,100}(\\[[a-z]{0,5}\\]|[a-z ]){0,10}") {
                prop_assert!(scan(&text).is_empty());
            }
        }
    }
}
