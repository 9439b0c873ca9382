//! The text of an agency's (X)HTML body, block by block: each paragraph, heading, list item,
//! quotation or table cell becomes a paragraph of its own, its words as written (a line break
//! inside one is a space). Named entities (`&mdash;`) are decoded first: an XML parser knows
//! only the five of XML.

use roxmltree::Node;

/// Elements that hold a block of text of their own.
const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "td",
    "th",
    "dd",
    "dt",
    "figcaption",
    "caption",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "address",
    "ul",
    "ol",
    "dl",
    "table",
    "tr",
    "tbody",
    "thead",
    "figure",
    "body",
    "html",
];

/// Elements whose text is not the article's.
const SKIPPED: &[&str] = &["head", "script", "style", "title"];

/// The blocks of a fragment of HTML or XHTML; why it cannot be read, when it is not
/// well-formed.
pub(super) fn blocks(fragment: &str) -> Result<Vec<String>, String> {
    let wrapped = format!("<div>{}</div>", numeric_entities(fragment));
    let doc = roxmltree::Document::parse(&wrapped).map_err(|e| e.to_string())?;
    Ok(blocks_of(doc.root_element()))
}

/// The blocks under `node`.
pub(super) fn blocks_of(node: Node) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    walk(node, &mut out, &mut current);
    flush(&mut out, &mut current);
    out
}

fn walk(node: Node, out: &mut Vec<String>, current: &mut String) {
    for child in node.children() {
        if child.is_text() {
            current.push_str(child.text().unwrap_or_default());
            continue;
        }
        if !child.is_element() {
            continue;
        }
        let name = child.tag_name().name().to_ascii_lowercase();
        if SKIPPED.contains(&name.as_str()) {
            continue;
        }
        if name == "br" {
            current.push(' ');
        } else if BLOCKS.contains(&name.as_str()) {
            flush(out, current);
            walk(child, out, current);
            flush(out, current);
        } else {
            walk(child, out, current);
        }
    }
}

fn flush(out: &mut Vec<String>, current: &mut String) {
    if let Some(text) = super::non_empty(current) {
        out.push(text);
    }
    current.clear();
}

/// `&name;` written as the character it names, as a numeric reference an XML parser reads;
/// the five entities of XML, and names HTML does not know, are left as they are.
fn numeric_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let name_end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(rest.len(), |i| i + 1);
        let name = &rest[1..name_end];
        let closed = rest[name_end..].starts_with(';');
        if closed && !name.is_empty() && !matches!(name, "lt" | "gt" | "amp" | "quot" | "apos") {
            let entity = &rest[..=name_end];
            let decoded = html_escape::decode_html_entities(entity);
            if decoded != entity {
                for c in decoded.chars() {
                    out.push_str(&format!("&#x{:X};", u32::from(c)));
                }
                rest = &rest[name_end + 1..];
                continue;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_keeps_its_words() {
        let html = "<p>line one<br/>line two</p><h2>Sub head</h2><ul><li>item one</li><li>item <em>two</em></li></ul><blockquote><p>quoted</p></blockquote><table><tr><td>cell</td></tr></table><div>in div</div>";
        assert_eq!(
            blocks(html).unwrap(),
            [
                "line one line two",
                "Sub head",
                "item one",
                "item two",
                "quoted",
                "cell",
                "in div"
            ]
        );
    }

    #[test]
    fn named_entities_are_read() {
        assert_eq!(
            blocks("<p>Deux &mdash; trois&nbsp;: &eacute;t&eacute; &amp; &lt;b&gt;</p>").unwrap(),
            ["Deux — trois\u{a0}: été & <b>"]
        );
    }

    #[test]
    fn html_that_is_not_well_formed_says_why() {
        assert!(blocks("<p>un<p>deux").is_err());
        assert!(blocks("<p>a &unknownentity; b</p>").is_err());
    }
}
