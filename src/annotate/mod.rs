//! Stage 3: Markdown to HTML, with `[[id]]` / `[[id|text]]` annotations turned into links to
//! entity pages, an anchor on every mention, and the sentence around each mention kept for
//! backlinks. Each body is parsed once.

pub mod brackets;
pub mod lexicon;
pub mod links;
pub mod snippet;

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

pub use lexicon::Lexicon;
pub use links::Targets;
pub use snippet::Snippet;

use crate::diagnostic::{Code, Diagnostic, Location, SourceText};
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

/// Markdown nested deeper than this is refused: browsers and HTML tools handle nesting by
/// recursion, and no article needs a hundred levels of lists or quotes.
pub const MAX_NESTING: usize = 100;

/// Problems kept per file: a file with thousands of the same mistake reports the first ones
/// and how many more, in bounded time and memory.
pub const MAX_PROBLEMS: usize = 100;

/// One file's problems, the first [`MAX_PROBLEMS`] kept and the rest counted.
#[derive(Default)]
struct Problems {
    list: Vec<Diagnostic>,
    more: usize,
}

impl Problems {
    /// `make` runs only for a problem that is kept.
    fn report(&mut self, make: impl FnOnce() -> Diagnostic) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(make());
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self, src: &SourceText) -> Vec<Diagnostic> {
        self.list
            .sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.col)));
        if self.more > 0 {
            self.list.push(
                Diagnostic::at(
                    Code::TooManyErrors,
                    format!("{} more error(s) in this file are not shown", self.more),
                    Location::file_only(&src.path),
                )
                .with_help(format!(
                    "fix the {MAX_PROBLEMS} shown above and check again"
                )),
            );
        }
        self.list
    }
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
        let mut problems = Problems::default();
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
        // Elements open around the current event, Markdown's and raw HTML's.
        let mut depth = 0usize;
        let mut too_deep = false;
        // Source ranges of prose, adjoining ones merged: where broken brackets are looked for.
        let mut prose_runs: Vec<(usize, usize)> = Vec::new();

        for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
            let span = (body_start + range.start, body_start + range.end);
            match &event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                Event::Html(html) | Event::InlineHtml(html) if self.allow_html => {
                    depth = depth.saturating_add_signed(html_depth_change(html));
                }
                _ => {}
            }
            if depth > MAX_NESTING && !too_deep {
                too_deep = true;
                problems.report(|| {
                    Diagnostic::at(
                        Code::TooDeep,
                        format!("the text is nested more than {MAX_NESTING} levels deep"),
                        src.locate(span.0, span.1),
                    )
                    .with_help("flatten these lists, quotes or HTML elements: pages cannot nest them this deep")
                });
            }
            match event {
                Event::Start(Tag::Link {
                    link_type: LinkType::WikiLink { has_pothole },
                    dest_url,
                    ..
                }) => {
                    let id = dest_url.trim();
                    if id.is_empty() {
                        problems.report(|| {
                            Diagnostic::at(Code::EmptyAnnotation, "empty annotation", src.locate(span.0, span.1))
                                .with_help("write an entity id inside the brackets, e.g. `[[aleppo]]`, or remove them")
                        });
                        dropped_link = true;
                    } else if !self.lexicon.contains(id) {
                        problems.report(|| self.unknown_entity(src, id, span));
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
                    let dest_url = self.link_destination(src, dest_url, span, lang, &mut problems);
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
                    let dest_url = checked_url(src, dest_url, span, &mut problems);
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
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
                    let prose =
                        code_depth == 0 && link_depth == 0 && open.is_none() && !dropped_link;
                    if code_depth == 0 {
                        match prose_runs.last_mut() {
                            Some(run) if run.1 == span.0 => run.1 = span.1,
                            _ => prose_runs.push(span),
                        }
                    }
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
        let broken = self.broken_brackets(src, &prose_runs, &mut problems);
        if broken {
            // Suggestions would only add brackets to broken ones.
            out.text_spans.clear();
        }
        if self.render && !too_deep {
            // Every document's HTML stays in memory until its page is written: sized from the
            // source (annotations grow into links) and trimmed, rather than left to doubling.
            out.html.reserve(body.len() + body.len() / 2);
            pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
            out.html.shrink_to_fit();
        }
        out.problems = problems.finish(src);
        out
    }

    /// Rewrites links to content files to their pages; refuses script URLs.
    fn link_destination<'e>(
        &self,
        src: &SourceText,
        dest: CowStr<'e>,
        span: (usize, usize),
        lang: &str,
        problems: &mut Problems,
    ) -> CowStr<'e> {
        if !links::is_content_link(&dest) {
            return checked_url(src, dest, span, problems);
        }
        match self.targets.resolve(self.urls, &src.path, &dest, lang) {
            links::Resolved::Url(url) => CowStr::from(url),
            links::Resolved::Missing(closest) => {
                problems.report(|| {
                    let d = Diagnostic::at(
                        Code::BrokenLink,
                        format!("link to `{dest}`, which is not an article or entity of this site"),
                        src.locate(span.0, span.1),
                    );
                    match closest {
                        Some(name) => d.with_help(format!("did you mean `{name}`? links are relative to this file")),
                        None => d.with_help("link to an article as `<key>.<lang>.md` or to an entity as `../entities/<id>.yaml`"),
                    }
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

    /// Reports every `[[` and `]]` left in the prose (see [`brackets`]); true if any.
    fn broken_brackets(
        &self,
        src: &SourceText,
        runs: &[(usize, usize)],
        problems: &mut Problems,
    ) -> bool {
        let mut any = false;
        for &(start, end) in runs {
            for (at, broken) in brackets::scan(&src.text[start..end]) {
                any = true;
                let at = start + at;
                problems.report(|| match broken {
                    brackets::Broken::Empty { end } => Diagnostic::at(
                        Code::EmptyAnnotation,
                        "annotation without an entity id",
                        src.locate(at, start + end),
                    )
                    .with_help("write an entity id first, e.g. `[[aleppo|Alep]]`, or remove the brackets"),
                    brackets::Broken::Unclosed => Diagnostic::at(
                        Code::UnclosedAnnotation,
                        "unclosed annotation: this `[[` has no `]]` of its own",
                        src.locate(at, at + 2),
                    )
                    .with_help("close it with `]]` on the same line, e.g. `[[aleppo|Alep]]`"),
                    brackets::Broken::StrayClose => Diagnostic::at(
                        Code::UnclosedAnnotation,
                        "`]]` closes no annotation",
                        src.locate(at, at + 2),
                    )
                    .with_help("open the annotation with `[[`, e.g. `[[aleppo|Alep]]`, or remove the brackets"),
                });
            }
        }
        any
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
    if render && !pending.is_empty() {
        let sentences = snippet::Sentences::new(block);
        for p in pending.iter() {
            mentions[p.mention].snippet = sentences.around(p.start, p.end);
        }
    }
    pending.clear();
    block.clear();
}

/// How much raw HTML opens (positive) or closes: start tags of elements that have an end tag,
/// minus end tags.
fn html_depth_change(html: &str) -> isize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let mut change = 0isize;
    for tag in html.split('<').skip(1) {
        if let Some(rest) = tag.strip_prefix('/') {
            if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                change -= 1;
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let self_closing = tag.split('>').next().is_some_and(|t| t.ends_with('/'));
        if !name.is_empty() && !self_closing && !VOID.contains(&name.as_str()) {
            change += 1;
        }
    }
    change
}

/// Is this a URL that runs code, embeds data or reads local files? Browsers ignore spaces and
/// control characters around and inside the scheme, compare it in any case, and so do we, after
/// undoing percent-encoding.
pub fn is_unsafe_url(url: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(url).decode_utf8_lossy();
    let scheme: String = decoded
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|bad| scheme.starts_with(bad))
}

/// The URL, or nothing with an error when it is unsafe: such URLs are never emitted.
fn checked_url<'e>(
    src: &SourceText,
    url: CowStr<'e>,
    span: (usize, usize),
    problems: &mut Problems,
) -> CowStr<'e> {
    if !is_unsafe_url(&url) {
        return url;
    }
    problems.report(|| {
        Diagnostic::at(
            Code::UnsafeUrl,
            "a `javascript:`, `vbscript:`, `data:` or `file:` URL",
            src.locate(span.0, span.1),
        )
        .with_help("link to an `https://` address or to a file of the site; put images in static/")
    });
    CowStr::Borrowed("")
}

#[cfg(test)]
mod tests;
