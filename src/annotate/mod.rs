//! Stage 3: Markdown to HTML, with `[[id]]` / `[[id|text]]` annotations turned into links to
//! entity pages, an anchor on every mention, and the sentence around each mention kept for
//! backlinks. Each body is parsed once.

pub mod lexicon;
pub mod links;
pub mod snippet;

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

pub use lexicon::Lexicon;
pub use links::Targets;
pub use snippet::Snippet;

use crate::diagnostic::{Code, Diagnostic, SourceText};
use crate::urls::Urls;

/// One mention of an entity in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub entity: String,
    /// The `id` of the mention's `<a>` element, unique in the page.
    pub anchor: String,
    pub snippet: Snippet,
    /// Byte range of the annotation in the source file.
    pub span: (usize, usize),
}

/// A Markdown body rendered to HTML, with its mentions and any problems found.
#[derive(Debug, Clone, Default)]
pub struct Annotated {
    pub html: String,
    /// Plain text of the first paragraph.
    pub excerpt: Option<String>,
    pub mentions: Vec<Mention>,
    pub problems: Vec<Diagnostic>,
    /// Byte ranges of plain prose (outside code, links and annotations), when asked for: where
    /// unannotated mentions are looked for.
    pub text_spans: Vec<(usize, usize)>,
}

/// Settings shared by every document of a build.
pub struct Annotator<'a> {
    pub lexicon: &'a Lexicon,
    pub urls: &'a Urls,
    pub targets: &'a Targets,
    pub allow_html: bool,
    /// Record [`Annotated::text_spans`] (for `check --suggest`).
    pub collect_text: bool,
    /// Produce HTML and backlink sentences; `check` only needs the mentions and problems.
    pub render: bool,
}

fn options() -> Options {
    Options::ENABLE_WIKILINKS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
}

struct OpenMention {
    entity: String,
    anchor: String,
    /// Where the mention's visible text starts in the current block's text.
    block_start: usize,
    span: (usize, usize),
    /// `[[id]]` renders the entity's name and skips the id written inside.
    replaces_text: bool,
}

struct PendingSnippet {
    mention: usize,
    start: usize,
    end: usize,
}

impl Annotator<'_> {
    /// Renders `src.text[body_start..]` for a page in `lang`.
    pub fn annotate(&self, src: &SourceText, body_start: usize, lang: &str) -> Annotated {
        let body = &src.text[body_start..];
        let mut out = Annotated::default();
        let mut events: Vec<Event> = Vec::new();
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut open: Option<OpenMention> = None;
        // Wikilinks we could not resolve render as their plain text.
        let mut dropped_link = false;
        let mut block = String::new();
        let mut pending: Vec<PendingSnippet> = Vec::new();
        let mut code_depth = 0usize;
        // Inside a Markdown link or image: its text is not prose to suggest annotations in.
        let mut link_depth = 0usize;

        for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
            let span = (body_start + range.start, body_start + range.end);
            match event {
                Event::Start(Tag::Link {
                    link_type: LinkType::WikiLink { has_pothole },
                    dest_url,
                    ..
                }) => {
                    let id = dest_url.trim();
                    if id.is_empty() {
                        out.problems.push(
                            Diagnostic::at(Code::EmptyAnnotation, "empty annotation", src.locate(span.0, span.1))
                                .with_help("write an entity id inside the brackets, e.g. `[[aleppo]]`, or remove them"),
                        );
                        dropped_link = true;
                    } else if !self.lexicon.contains(id) {
                        out.problems.push(self.unknown_entity(src, id, span));
                        dropped_link = true;
                    } else {
                        let n = counts.entry(id.to_string()).or_default();
                        *n += 1;
                        let anchor = format!("m-{id}-{n}");
                        events.push(Event::Html(CowStr::from(link_open(
                            &anchor,
                            &self.urls.entity(lang, id),
                            id,
                        ))));
                        let replaces_text = !has_pothole;
                        let block_start = block.len();
                        if replaces_text {
                            let name = self.lexicon.name(id, lang).unwrap_or(id);
                            events.push(Event::Text(CowStr::from(name.to_string())));
                            block.push_str(name);
                        }
                        open = Some(OpenMention {
                            entity: id.to_string(),
                            anchor,
                            block_start,
                            span,
                            replaces_text,
                        });
                    }
                }
                Event::End(TagEnd::Link) if open.is_some() || dropped_link => {
                    if let Some(m) = open.take() {
                        events.push(Event::Html(CowStr::Borrowed("</a>")));
                        pending.push(PendingSnippet {
                            mention: out.mentions.len(),
                            start: m.block_start,
                            end: block.len(),
                        });
                        out.mentions.push(Mention {
                            entity: m.entity,
                            anchor: m.anchor,
                            snippet: Snippet::default(),
                            span: m.span,
                        });
                    }
                    dropped_link = false;
                }
                _ if open.as_ref().is_some_and(|m| m.replaces_text) => {}
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    link_depth += 1;
                    let dest_url =
                        self.link_destination(src, dest_url, span, lang, &mut out.problems);
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }))
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    link_depth += 1;
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url: safe_url(dest_url),
                        title,
                        id,
                    }))
                }
                Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                    link_depth = link_depth.saturating_sub(1);
                    events.push(Event::End(end));
                }
                Event::Html(_) | Event::InlineHtml(_) if !self.allow_html => {}
                Event::Text(text) => {
                    if code_depth == 0 {
                        self.check_brackets(src, span, &mut out.problems);
                    }
                    let prose =
                        code_depth == 0 && link_depth == 0 && open.is_none() && !dropped_link;
                    if self.collect_text && prose && src.text.get(span.0..span.1) == Some(&*text) {
                        out.text_spans.push(span);
                    }
                    block.push_str(&text);
                    events.push(Event::Text(text));
                }
                Event::Code(code) => {
                    block.push_str(&code);
                    events.push(Event::Code(code));
                }
                Event::SoftBreak | Event::HardBreak => {
                    block.push(' ');
                    events.push(event);
                }
                Event::Start(tag) => {
                    if is_block(&tag) {
                        flush_block(&mut block, &mut pending, &mut out.mentions, self.render);
                    }
                    if matches!(tag, Tag::CodeBlock(_)) {
                        code_depth += 1;
                    }
                    events.push(Event::Start(tag));
                }
                Event::End(tag) => {
                    if tag == TagEnd::Paragraph && out.excerpt.is_none() {
                        out.excerpt = Some(block.trim().to_string());
                    }
                    if matches!(tag, TagEnd::CodeBlock) {
                        code_depth = code_depth.saturating_sub(1);
                    }
                    if is_block_end(tag) {
                        flush_block(&mut block, &mut pending, &mut out.mentions, self.render);
                    }
                    events.push(Event::End(tag));
                }
                other => events.push(other),
            }
        }
        flush_block(&mut block, &mut pending, &mut out.mentions, self.render);
        if self.render {
            // Every document's HTML stays in memory until its page is written: sized from the
            // source (annotations grow into links) and trimmed, rather than left to doubling.
            out.html.reserve(body.len() + body.len() / 2);
            pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
            out.html.shrink_to_fit();
        }
        out
    }

    /// Rewrites links to content files to their pages; drops script URLs.
    fn link_destination<'e>(
        &self,
        src: &SourceText,
        dest: CowStr<'e>,
        span: (usize, usize),
        lang: &str,
        problems: &mut Vec<Diagnostic>,
    ) -> CowStr<'e> {
        if !links::is_content_link(&dest) {
            return safe_url(dest);
        }
        match self.targets.resolve(self.urls, &src.path, &dest, lang) {
            links::Resolved::Url(url) => CowStr::from(url),
            links::Resolved::Missing(closest) => {
                let d = Diagnostic::at(
                    Code::BrokenLink,
                    format!("link to `{dest}`, which is not an article or entity of this site"),
                    src.locate(span.0, span.1),
                );
                problems.push(match closest {
                    Some(name) => d.with_help(format!("did you mean `{name}`? links are relative to this file")),
                    None => d.with_help("link to an article as `<key>.<lang>.md` or to an entity as `../entities/<id>.yaml`"),
                });
                dest
            }
        }
    }

    fn unknown_entity(&self, src: &SourceText, id: &str, span: (usize, usize)) -> Diagnostic {
        let d = Diagnostic::at(
            Code::UnknownEntity,
            format!("unknown entity `{id}`"),
            src.locate(span.0, span.1),
        );
        match self.lexicon.suggest(id) {
            Some(known) => d.with_help(format!("did you mean `{known}`? write `[[{known}|...]]`")),
            None => d.with_help(format!(
                "create content/entities/{id}.yaml, or fix the id inside the brackets"
            )),
        }
    }

    /// `[[` that pulldown-cmark did not turn into a wikilink is an unclosed or empty annotation.
    fn check_brackets(
        &self,
        src: &SourceText,
        span: (usize, usize),
        problems: &mut Vec<Diagnostic>,
    ) {
        let rest = &src.text[span.0..];
        if !rest.starts_with("[[") {
            return;
        }
        let line = rest.lines().next().unwrap_or("");
        let closed = line.find("]]");
        let inner = closed.map(|i| &line[2..i]);
        let d = match inner {
            Some(inner) if inner.trim().is_empty() || inner.trim_start().starts_with('|') => {
                Diagnostic::at(
                    Code::EmptyAnnotation,
                    "annotation without an entity id",
                    src.locate(span.0, span.0 + closed.unwrap_or(0) + 2),
                )
                .with_help(
                    "write an entity id first, e.g. `[[aleppo|Alep]]`, or remove the brackets",
                )
            }
            Some(_) => return,
            None => Diagnostic::at(
                Code::UnclosedAnnotation,
                "unclosed annotation",
                src.locate(span.0, span.0 + 2),
            )
            .with_help("close it with `]]` on the same line, e.g. `[[aleppo|Alep]]`"),
        };
        problems.push(d);
    }
}

fn link_open(anchor: &str, href: &str, entity: &str) -> String {
    let mut s = String::with_capacity(64 + href.len());
    s.push_str("<a class=\"mention\" id=\"");
    let _ = escape_html(&mut s, anchor);
    s.push_str("\" href=\"");
    let _ = escape_href(&mut s, href);
    s.push_str("\" data-entity=\"");
    let _ = escape_html(&mut s, entity);
    s.push_str("\">");
    s
}

fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::Item
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::TableCell
            | Tag::FootnoteDefinition(_)
            | Tag::List(_)
    )
}

fn is_block_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::TableCell
            | TagEnd::FootnoteDefinition
            | TagEnd::List(_)
    )
}

/// Closes the current block of text: every mention in it gets its sentence.
fn flush_block(
    block: &mut String,
    pending: &mut Vec<PendingSnippet>,
    mentions: &mut [Mention],
    render: bool,
) {
    for p in pending.drain(..) {
        if render {
            mentions[p.mention].snippet = snippet::around(block, p.start, p.end);
        }
    }
    block.clear();
}

/// Editors are trusted with text, not script: URLs that run code or embed data are dropped.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    if ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|bad| scheme.starts_with(bad))
    {
        CowStr::Borrowed("")
    } else {
        url
    }
}

#[cfg(test)]
mod tests;
