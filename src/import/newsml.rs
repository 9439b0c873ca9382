//! IPTC NewsML-G2: a `newsItem`, or a `newsMessage` whose `itemSet` holds several (text
//! items, and the pictures sent with them). Read with roxmltree, which refuses a DTD, so no
//! entity of the file can expand; the fields relied on are checked where they are read.

use roxmltree::{Document, Node, ParsingOptions};

use super::{Item, Picture, collapse, non_empty, plain_paragraphs};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceText;

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Enough for any package of items; a bound on what a hostile file can make the parser hold.
const MAX_NODES: u32 = 500_000;

pub(super) fn items(src: &SourceText) -> Result<Vec<Item>, Diagnostic> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(&src.text, options).map_err(|e| syntax(src, &e))?;
    // A character reference (`&#x1B;`, `&#x202E;`) writes what the file itself may not hold.
    for node in doc.descendants() {
        let texts = node
            .text()
            .filter(|_| node.is_text())
            .into_iter()
            .chain(node.attributes().map(|a| a.value()));
        if let Some(c) = texts
            .flat_map(str::chars)
            .find(|&c| crate::source::forbidden(c))
        {
            let start = node.range().start;
            return Err(crate::source::forbidden_character(
                c,
                src.locate(start, start + 1),
            ));
        }
    }
    let root = doc.root_element();
    let news_items: Vec<Node> = match root.tag_name().name() {
        "newsItem" => vec![root],
        "newsMessage" => root
            .descendants()
            .filter(|n| n.has_tag_name_local("newsItem"))
            .collect(),
        "packageItem" => Vec::new(),
        other => {
            return Err(at(
                src,
                root,
                format!("`<{other}>` is not a NewsML-G2 item: the file must hold a `<newsItem>` or a `<newsMessage>`"),
            )
            .with_help("import a NewsML-G2 file, a ninjs file (JSON) or a plain-text dispatch"));
        }
    };
    let mut pictures: Vec<(Option<&str>, Picture)> = Vec::new();
    let mut texts: Vec<(Vec<&str>, Item)> = Vec::new();
    for node in news_items {
        match class(node).as_deref() {
            Some("text") | None => texts.push((links(node), text_item(src, node)?)),
            Some("picture" | "graphic") => pictures.push((node.attribute("guid"), picture(node))),
            Some(_) => {}
        }
    }
    // A text item that links to pictures of the message has those; when none links to any,
    // the pictures sent with them illustrate them all.
    let linked = |refs: &[&str], guid: Option<&str>| guid.is_some_and(|g| refs.contains(&g));
    let any_link = texts
        .iter()
        .any(|(refs, _)| pictures.iter().any(|(guid, _)| linked(refs, *guid)));
    Ok(texts
        .into_iter()
        .map(|(refs, mut item)| {
            item.pictures = pictures
                .iter()
                .filter(|(guid, _)| !any_link || linked(&refs, *guid))
                .map(|(_, p)| p.clone())
                .collect();
            item
        })
        .collect())
}

trait LocalName {
    fn has_tag_name_local(&self, name: &str) -> bool;
}

impl LocalName for Node<'_, '_> {
    fn has_tag_name_local(&self, name: &str) -> bool {
        self.is_element() && self.tag_name().name() == name
    }
}

/// The items an item links to (`itemMeta/link/@residref`).
fn links<'a>(item: Node<'a, '_>) -> Vec<&'a str> {
    child(item, "itemMeta")
        .into_iter()
        .flat_map(|m| m.children())
        .filter(|n| n.has_tag_name_local("link"))
        .filter_map(|l| l.attribute("residref"))
        .collect()
}

/// The item's class, from `itemMeta/itemClass/@qcode` (`ninat:text` → `text`).
fn class(item: Node) -> Option<String> {
    let qcode = child(item, "itemMeta")
        .and_then(|m| child(m, "itemClass"))
        .and_then(|c| c.attribute("qcode").or_else(|| c.attribute("uri")))?;
    Some(
        qcode
            .rsplit([':', '/'])
            .next()
            .unwrap_or(qcode)
            .to_ascii_lowercase(),
    )
}

fn text_item(src: &SourceText, node: Node) -> Result<Item, Diagnostic> {
    let meta = child(node, "itemMeta");
    let content = child(node, "contentMeta");
    let rights = child(node, "rightsInfo");
    let version = match node.attribute("version") {
        None => None,
        Some(v) => Some(v.trim().parse::<u64>().map_err(|_| {
            at(
                src,
                node,
                format!("`version=\"{v}\"` is not a version number"),
            )
            .with_help("NewsML-G2 numbers an item's versions 1, 2, 3…")
        })?),
    };
    let lang = node
        .attribute((XML_NS, "lang"))
        .or_else(|| find(content, "language").and_then(|l| l.attribute("tag")))
        .map(str::to_string);
    let headline = text_of(content, "headline");
    let paragraphs = body(src, node)?;
    if headline.is_none() {
        return Err(at(src, node, "this text item has no `<headline>` in its `<contentMeta>`".into())
            .with_help("an article needs a title: add the headline to the feed, or write the article with `depeche new article`"));
    }
    let byline = text_of(content, "by").or_else(|| {
        let names: Vec<String> = content
            .into_iter()
            .flat_map(|c| c.children().filter(|n| n.has_tag_name_local("creator")))
            .filter_map(name_of)
            .collect();
        (!names.is_empty()).then(|| names.join(", "))
    });
    let rights = [
        text_of(rights, "copyrightNotice"),
        text_of(rights, "usageTerms"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let tags = content
        .into_iter()
        .flat_map(|c| c.children())
        .filter_map(|n| {
            if n.has_tag_name_local("subject") {
                name_in(n, lang.as_deref())
            } else if n.has_tag_name_local("keyword") {
                text(n)
            } else {
                None
            }
        })
        .collect();
    let description = content.and_then(|c| {
        let all: Vec<Node> = c
            .children()
            .filter(|n| n.has_tag_name_local("description"))
            .collect();
        all.iter()
            .find(|d| d.attribute("role").is_some_and(|r| r.ends_with("summary")))
            .or(all.first())
            .and_then(|d| text(*d))
    });
    let translated_from = meta
        .into_iter()
        .flat_map(|m| m.children())
        .filter(|n| n.has_tag_name_local("link"))
        .find(|l| {
            l.attribute("rel")
                .is_some_and(|r| r.ends_with("translatedFrom"))
        })
        .and_then(|l| l.attribute("residref").or_else(|| l.attribute("href")))
        .map(str::to_string);
    Ok(Item {
        at: Some(src.locate(node.range().start, node.range().start + 1)),
        id: node.attribute("guid").map(str::to_string),
        version,
        lang,
        headline,
        slugline: text_of(content, "slugline"),
        first_created: text_of(meta, "firstCreated").or_else(|| text_of(content, "contentCreated")),
        version_created: text_of(meta, "versionCreated"),
        dateline: text_of(content, "dateline")
            .or_else(|| find(content, "located").and_then(name_of)),
        byline,
        agency: find(meta, "provider").and_then(|p| {
            name_of(p).or_else(|| {
                // A provider given by its code alone (`nprov:AFP`) is named by the code.
                p.attribute("qcode")
                    .and_then(|q| q.rsplit(':').next())
                    .and_then(non_empty)
            })
        }),
        summary: description,
        rights: (!rights.is_empty()).then(|| rights.join(" — ")),
        tags,
        paragraphs,
        pictures: Vec::new(),
        ednote: text_of(meta, "edNote"),
        translated_from,
    })
}

/// The paragraphs of `contentSet`: the `<p>` of an `inlineXML` (XHTML), or an `inlineData`'s
/// text.
fn body(src: &SourceText, item: Node) -> Result<Vec<String>, Diagnostic> {
    let Some(set) = child(item, "contentSet") else {
        return Err(at(
            src,
            item,
            "this text item has no `<contentSet>`: it has no text".into(),
        )
        .with_help("a text item carries its text in `<contentSet><inlineXML>` or `<inlineData>`"));
    };
    // Every rendition of the text the set holds (XHTML, HTML written as data, plain text):
    // the one with the most paragraphs; HTML that does not read is an error only when no
    // other rendition gives the text.
    let mut best: Vec<String> = Vec::new();
    let mut unread: Option<(Node, String)> = None;
    let mut found = false;
    for content in set.children().filter(|n| n.is_element()) {
        let blocks = match content.tag_name().name() {
            "inlineXML" => super::html::blocks_of(content),
            "inlineData" => {
                let text = all_text(content);
                let kind = content.attribute("contenttype").unwrap_or("text/plain");
                if kind.contains("html") {
                    match super::html::blocks(&text) {
                        Ok(blocks) => blocks,
                        Err(why) => {
                            unread.get_or_insert((content, why));
                            continue;
                        }
                    }
                } else {
                    plain_paragraphs(&text)
                }
            }
            _ => continue,
        };
        found = true;
        if blocks.len() > best.len() {
            best = blocks;
        }
    }
    match unread {
        Some((content, why)) if best.is_empty() => {
            return Err(at(src, content, format!("the HTML body cannot be read: {why}"))
                .with_help("depeche reads a body of well-formed XHTML or plain text: ask the agency for either, or add an `inlineData` of `text/plain`"));
        }
        _ if found || unread.is_some() => return Ok(best),
        _ => {}
    }
    Err(at(src, set, "the `<contentSet>` holds no `<inlineXML>` or `<inlineData>`: the text is not in the file".into())
        .with_help("a text that is only referred to (`<remoteContent>`) must be fetched from the agency and imported as its own file"))
}

fn picture(item: Node) -> Picture {
    let content = child(item, "contentMeta");
    let caption = content.and_then(|c| {
        c.children()
            .filter(|n| n.has_tag_name_local("description"))
            .find(|d| d.attribute("role").is_none_or(|r| r.ends_with("caption")))
            .and_then(text)
    });
    let credit = content
        .and_then(|c| child(c, "creditline"))
        .and_then(text)
        .or_else(|| content.and_then(|c| child(c, "by")).and_then(text));
    let href = child(item, "contentSet")
        .into_iter()
        .flat_map(|s| s.children())
        .filter(|n| n.has_tag_name_local("remoteContent"))
        .find_map(|r| r.attribute("href").or_else(|| r.attribute("residref")))
        .map(str::to_string);
    Picture {
        href,
        caption,
        credit,
    }
}

fn find<'a, 'i>(parent: Option<Node<'a, 'i>>, name: &str) -> Option<Node<'a, 'i>> {
    parent.and_then(|p| child(p, name))
}

fn text_of(parent: Option<Node>, name: &str) -> Option<String> {
    find(parent, name).and_then(text)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name_local(name))
}

/// Every piece of text under `node`, in order.
fn all_text(node: Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

fn text(node: Node) -> Option<String> {
    non_empty(&all_text(node))
}

/// A concept's name: its `<name>`, else its `literal`.
fn name_of(node: Node) -> Option<String> {
    child(node, "name")
        .and_then(text)
        .or_else(|| node.attribute("literal").and_then(non_empty))
}

/// A subject's name in the item's language, else its first.
fn name_in(node: Node, lang: Option<&str>) -> Option<String> {
    let names: Vec<Node> = node
        .children()
        .filter(|n| n.has_tag_name_local("name"))
        .collect();
    names
        .iter()
        .find(|n| lang.is_some_and(|l| n.attribute((XML_NS, "lang")) == Some(l)))
        .or(names.first())
        .and_then(|n| text(*n))
        .or_else(|| node.attribute("literal").map(collapse))
}

fn at(src: &SourceText, node: Node, message: String) -> Diagnostic {
    let start = node.range().start;
    let end = src.text[start..]
        .find('>')
        .map_or(start + 1, |i| start + i + 1);
    Diagnostic::at(Code::InvalidFeed, message, src.locate(start, end))
}

/// A file that is not well-formed XML, or declares a DTD.
fn syntax(src: &SourceText, err: &roxmltree::Error) -> Diagnostic {
    let pos = err.pos();
    let offset = match err {
        // Shown at the declaration, not where the parser stopped.
        roxmltree::Error::DtdDetected => src.text.find("<!DOCTYPE").unwrap_or(0),
        _ => offset_of(&src.text, pos.row as usize, pos.col as usize),
    };
    let (message, help) = match err {
        roxmltree::Error::DtdDetected => (
            "the file declares a DTD (`<!DOCTYPE …>`), which NewsML-G2 does not use".to_string(),
            "delete the `<!DOCTYPE …>` declaration: entities it defines could expand the file without bound",
        ),
        roxmltree::Error::NodesLimitReached => (
            format!("the file has more than {MAX_NODES} XML nodes: it is not a dispatch"),
            "import the text items one by one",
        ),
        _ => (
            format!("the file is not well-formed XML: {err}"),
            "fix the XML at this place (the agency's file may have been cut or edited by hand)",
        ),
    };
    Diagnostic::at(Code::InvalidFeed, message, src.locate(offset, offset + 1)).with_help(help)
}

/// The byte offset of a 1-based row and column (in characters).
pub(super) fn offset_of(text: &str, row: usize, col: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1))
        .map(str::len)
        .sum();
    text[line_start..]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(text.len(), |(i, _)| line_start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> SourceText {
        SourceText::new("feed.xml", text.to_string())
    }

    #[test]
    fn a_dtd_is_refused_where_it_stands() {
        let d = items(&src(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n<newsItem/>",
        ))
        .err()
        .map(|d| (d.location.map(|l| l.line), d.message));
        let (line, message) = d.unwrap_or_default();
        assert_eq!(line, Some(2));
        assert!(message.contains("DTD"), "{message}");
    }

    #[test]
    fn offsets_count_characters() {
        assert_eq!(offset_of("ab\nçé<", 2, 3), 7);
    }
}
