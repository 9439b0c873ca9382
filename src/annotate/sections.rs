//! Long documents are parsed a section at a time. pulldown-cmark holds a tree of the whole
//! text it parses, up to 80 times the text's size for a line of brackets; cutting a long
//! document where Markdown cannot carry anything across the cut bounds that memory without
//! changing the page.
//!
//! A cut is safe before a line that follows a blank line, starts in the first column and does
//! not start a list item, quote or table (such a line closes every open list, quote and
//! indented code), outside fenced code and multi-line HTML blocks. Reference-style link
//! definitions and footnotes join distant parts of a text: a long document may not use them.

/// Documents up to this size are parsed whole; longer ones by sections of up to this size.
pub(super) const SECTION_BYTES: usize = 256 << 10;

/// Why a long document cannot be cut into sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Uncuttable {
    /// No safe cut within [`SECTION_BYTES`] from this offset.
    LongSection { start: usize },
    /// A reference-style definition (`[x]: url`) or footnote (`[^1]: text`) at this offset.
    Definition { start: usize },
}

/// The sections of `body`, as byte ranges covering it in order; one when it is short.
pub(super) fn split(body: &str) -> Result<Vec<(usize, usize)>, Uncuttable> {
    if body.len() <= SECTION_BYTES {
        return Ok(vec![(0, body.len())]);
    }
    let mut cuts = vec![0];
    let mut fence: Option<(u8, usize)> = None;
    let mut html_end: Option<&str> = None;
    let mut after_blank = false;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let text = line.trim_end_matches(['\n', '\r']);
        let indent = text.len() - text.trim_start_matches(' ').len();
        let content = &text[indent..];
        if let Some((ch, len)) = fence {
            let run = content.bytes().take_while(|&b| b == ch).count();
            if indent < 4 && run >= len && content[run..].trim().is_empty() {
                fence = None;
            }
            after_blank = false;
            continue;
        }
        if let Some(end) = html_end {
            if text.to_ascii_lowercase().contains(end) {
                html_end = None;
            }
            after_blank = false;
            continue;
        }
        if text.trim().is_empty() {
            after_blank = true;
            continue;
        }
        if indent < 4 && is_definition(content) {
            return Err(Uncuttable::Definition { start });
        }
        if after_blank && indent == 0 && starts_paragraph(content) {
            let last = *cuts.last().unwrap_or(&0);
            if start - last >= SECTION_BYTES / 2 {
                cuts.push(start);
            }
        }
        if start - cuts.last().unwrap_or(&0) > SECTION_BYTES {
            return Err(Uncuttable::LongSection {
                start: *cuts.last().unwrap_or(&0),
            });
        }
        after_blank = false;
        if indent < 4 {
            let run = content
                .bytes()
                .take_while(|&b| b == b'`' || b == b'~')
                .count();
            if run >= 3
                && content
                    .bytes()
                    .skip(1)
                    .take(run - 1)
                    .all(|b| b == content.as_bytes()[0])
            {
                fence = Some((content.as_bytes()[0], run));
                continue;
            }
            html_end = html_block_end(content);
            if html_end.is_some_and(|end| content.to_ascii_lowercase()[1..].contains(end)) {
                html_end = None;
            }
        }
    }
    if offset - cuts.last().unwrap_or(&0) > SECTION_BYTES {
        return Err(Uncuttable::LongSection {
            start: *cuts.last().unwrap_or(&0),
        });
    }
    let mut sections: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    sections.push((*cuts.last().unwrap_or(&0), body.len()));
    Ok(sections)
}

/// A line that can only start a paragraph: not a list item, quote, table row, heading
/// underline, HTML or code.
fn starts_paragraph(content: &str) -> bool {
    let Some(first) = content.chars().next() else {
        return false;
    };
    if !first.is_alphanumeric() {
        return false;
    }
    // `1.` or `1)` starts an ordered list item.
    let digits = content.bytes().take_while(u8::is_ascii_digit).count();
    !(digits > 0 && matches!(content.as_bytes().get(digits), Some(b'.' | b')')))
}

/// `[label]: destination` or `[^note]: text` at the start of a line.
fn is_definition(content: &str) -> bool {
    let Some(rest) = content.strip_prefix('[') else {
        return false;
    };
    let Some(close) = rest.find(']') else {
        return false;
    };
    close > 0 && !rest[..close].contains('[') && rest[close + 1..].starts_with(':')
}

/// For a line opening an HTML block that may hold blank lines (CommonMark's kinds 1 to 5): the
/// text that ends it.
fn html_block_end(content: &str) -> Option<&'static str> {
    let lower = content.to_ascii_lowercase();
    for (open, end) in [
        ("<script", "</script>"),
        ("<pre", "</pre>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
    ] {
        if lower.starts_with(open)
            && lower[open.len()..]
                .chars()
                .next()
                .is_none_or(|c| c == '>' || c.is_whitespace())
        {
            return Some(end);
        }
    }
    if lower.starts_with("<!--") {
        return Some("-->");
    }
    if lower.starts_with("<![cdata[") {
        return Some("]]>");
    }
    if lower.starts_with("<?") {
        return Some("?>");
    }
    if lower.starts_with("<!") && lower[2..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Some(">");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_documents_are_one_section() {
        assert_eq!(split("a\n\n[x]: /y\n"), Ok(vec![(0, 11)]));
    }

    #[test]
    fn long_documents_are_cut_between_paragraphs_only() {
        let paragraph = format!("{}\n\n", "mot ".repeat(1000));
        let list = "- un\n\n- deux\n\n";
        let fenced = "```\ncode\n\nPas une coupe\n```\n\n";
        let unit = format!("{paragraph}{list}{fenced}> cite\n\n    code\n\nSuite\n\n");
        let body = unit.repeat(3 * SECTION_BYTES / unit.len());
        let sections = split(&body).unwrap();
        assert!(sections.len() >= 3, "{}", sections.len());
        assert_eq!(sections.first().unwrap().0, 0);
        assert_eq!(sections.last().unwrap().1, body.len());
        for pair in sections.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
            let cut = &body[pair[1].0..];
            assert!(
                cut.starts_with("mot") || cut.starts_with("Suite"),
                "{:?}",
                &cut[..20]
            );
            assert!(body[..pair[1].0].ends_with("\n\n"));
        }
    }

    #[test]
    fn a_document_cut_into_sections_renders_as_it_would_whole() {
        let unit = "# Titre\n\nUn paragraphe *avec* de l'**emphase** et [un lien](https://x.org).\nSuite\n\n\
                    - un\n- deux\n\n  suite de deux\n\n1. premier\n\n> cite\n> encore\n\n    code\n\n    code\n\n\
                    ```\nfence\n\nPas une coupe\n```\n\n<!--\ncommentaire\n\nSuite\n-->\n\n\
                    | a | b |\n|---|---|\n| 1 | 2 |\n\nTexte ~~barré~~ final.\n\n";
        let body = unit.repeat(3 * SECTION_BYTES / unit.len());
        let sections = split(&body).unwrap();
        assert!(sections.len() >= 4);
        let options = super::super::options();
        let mut whole = String::new();
        pulldown_cmark::html::push_html(
            &mut whole,
            pulldown_cmark::Parser::new_ext(&body, options),
        );
        let mut cut = String::new();
        pulldown_cmark::html::push_html(
            &mut cut,
            sections
                .iter()
                .flat_map(|&(s, e)| pulldown_cmark::Parser::new_ext(&body[s..e], options)),
        );
        assert!(whole == cut, "the sections render differently");
    }

    #[test]
    fn long_documents_without_a_safe_cut_or_with_definitions_are_refused() {
        let flood = "[[".repeat(SECTION_BYTES);
        assert_eq!(split(&flood), Err(Uncuttable::LongSection { start: 0 }));
        let list = "- item\n\n".repeat(SECTION_BYTES / 4);
        assert!(matches!(split(&list), Err(Uncuttable::LongSection { .. })));
        let fence = format!("```\n{}```\n", "x\n\nSuite\n\n".repeat(SECTION_BYTES / 4));
        assert!(matches!(split(&fence), Err(Uncuttable::LongSection { .. })));
        let defs = format!(
            "{}[1]: https://x.org\n",
            "Mot.\n\n".repeat(SECTION_BYTES / 3)
        );
        assert!(matches!(split(&defs), Err(Uncuttable::Definition { .. })));
    }
}
