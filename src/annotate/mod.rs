//! Stage 3: Markdown to HTML, with `[[id]]` / `[[id|text]]` annotations turned into links to
//! entity pages, an anchor on every mention, and the sentence around each mention kept for
//! backlinks. Each body is parsed once.

pub mod brackets;
mod lexicon;
mod links;
mod sections;
mod snippet;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

pub use lexicon::{Form, Lexicon};
pub use links::Targets;
pub use snippet::Snippet;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::source::SourceText;
use crate::urls::Urls;

/// One mention of an entity in a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mention {
    /// The entity's id, shared by every mention of it.
    pub entity: Arc<str>,
    /// 1 for the document's first mention of the entity, 2 for the second...
    pub number: u32,
    /// The sentence around the mention, kept for the first [`SENTENCES_PER_ENTITY`] mentions
    /// of each entity: what its page quotes.
    pub snippet: Option<Snippet>,
    /// Byte range of the annotation in the source file.
    pub span: (usize, usize),
}

impl Mention {
    /// The `id` of the mention's `<a>` element, unique in the page.
    pub fn anchor(&self) -> String {
        format!("m-{}-{}", self.entity, self.number)
    }
}

/// How many sentences an entity's page quotes from one article; the rest are counted.
pub(crate) const SENTENCES_PER_ENTITY: u32 = 10;

/// A Markdown body rendered to HTML, with its mentions and any problems found.
#[derive(Debug, Clone, Default)]
pub struct Annotated {
    /// The body as HTML, when asked for.
    pub html: String,
    /// Plain text of the first paragraph.
    pub excerpt: Option<String>,
    /// The first [`SENTENCES_PER_ENTITY`] mentions of each entity, in order: what backlinks
    /// quote. A long article can hold hundreds of thousands; `mention_counts` counts them all.
    pub mentions: Vec<Mention>,
    /// How many times each entity is mentioned, by id; a name and its abbreviation side by
    /// side ("Hayat Tahrir al-Sham (HTS)") count once.
    pub mention_counts: Vec<(Arc<str>, u32)>,
    /// Problems found, located in the file.
    pub problems: Vec<Diagnostic>,
    /// The text, block by block, up to [`Annotator::text_limit`] bytes (a block is never cut):
    /// what the search index holds.
    pub text: String,
    /// Plain prose (outside code, links and annotations), when asked for: where unannotated
    /// mentions are looked for.
    pub text_spans: Vec<TextSpan>,
    /// Images of the site the text shows (`/images/photo.jpg`), with where each is written:
    /// they must be in static/.
    pub local_images: Vec<(String, (usize, usize))>,
}

/// A byte range of plain prose in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextSpan {
    /// Where it starts.
    pub start: usize,
    /// Where it ends (excluded).
    pub end: usize,
    /// In a table's cell, where a `|` ends the cell: an annotation there is written
    /// `[[id\|words]]`.
    pub in_table: bool,
}

/// The entity id of an annotation's target: in a table's cell, `[[id\|words]]` keeps the
/// backslash that kept its `|` from ending the cell.
pub(crate) fn annotation_id(dest: &str) -> &str {
    let id = dest.trim();
    id.strip_suffix('\\').map_or(id, str::trim_end)
}

/// Settings shared by every document of a build.
pub struct Annotator<'a> {
    /// The entities mentions can name.
    pub lexicon: &'a Lexicon,
    /// The URL layout, for links to entities and articles.
    pub urls: &'a Urls,
    /// What content links can point to.
    pub targets: &'a Targets,
    /// Keep raw HTML (`allow_html` in site.yaml); else it is dropped.
    pub allow_html: bool,
    /// Link every mention (`link_every_mention` in site.yaml); else the first of each entity
    /// in each section, the others keeping their anchor for backlinks.
    pub link_every_mention: bool,
    /// Record [`Annotated::text_spans`] (for `check --suggest`).
    pub collect_text: bool,
    /// Produce the HTML: a page's body, made when the page is rendered.
    pub html: bool,
    /// Keep the sentence around each mention: what the backlinks of entity pages quote.
    pub snippets: bool,
    /// Keep the text, up to about this many bytes, in [`Annotated::text`] (0: none).
    pub text_limit: usize,
}

fn options() -> Options {
    Options::ENABLE_WIKILINKS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
}

/// Where each annotation naming `id` writes it: the byte range of the id inside `[[…]]`, in
/// `text[body_start..]` parsed as a page body is (annotations in code are not annotations).
pub(crate) fn id_spans(text: &str, body_start: usize, id: &str) -> Vec<(usize, usize)> {
    let body = &text[body_start..];
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { .. },
                dest_url,
                ..
            }) if annotation_id(&dest_url) == id => {
                let inside = body[range.start..].strip_prefix("[[")?;
                let lead = inside.len() - inside.trim_start().len();
                let start = body_start + range.start + 2 + lead;
                text[start..]
                    .starts_with(id)
                    .then_some((start, start + id.len()))
            }
            _ => None,
        })
        .collect()
}

/// Where each Markdown link to one of entity `id`'s files (`../entities/id.yaml`, or
/// `id.fr.md` from another entity's prose, `in_entities`) writes the id: the byte ranges of
/// the file name's stem, in `text[body_start..]`.
pub(crate) fn entity_file_spans(
    text: &str,
    body_start: usize,
    id: &str,
    in_entities: bool,
) -> Vec<(usize, usize)> {
    let body = &text[body_start..];
    let names_entity = |dest: &str| {
        let path = dest.split(['#', '?']).next().unwrap_or(dest);
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        let entities = match folder {
            "" => in_entities,
            folder => folder == "entities" || folder.ends_with("/entities"),
        };
        entities && name.split('.').next() == Some(id) && links::is_content_link(path)
    };
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                ..
            }) if names_entity(&dest_url) => {
                // The destination is written after `](`, once, at the end of the link.
                let source = &body[range.clone()];
                let at = source.rfind(&*dest_url)?;
                let name_at = at + dest_url.rfind('/').map_or(0, |i| i + 1);
                let start = body_start + range.start + name_at;
                Some((start, start + id.len()))
            }
            _ => None,
        })
        .collect()
}

struct OpenMention {
    entity: Arc<str>,
    /// A link, or (`false`) a span that only carries the anchor.
    linked: bool,
    number: u32,
    /// Where the mention's visible text starts in the current block's text.
    block_start: usize,
    span: (usize, usize),
    /// `[[id]]` renders the entity's name and skips the id written inside.
    replaces_text: bool,
}

/// Markdown nested deeper than this is refused: browsers and HTML tools handle nesting by
/// recursion, and no article needs a hundred levels of lists or quotes.
pub(crate) const MAX_NESTING: usize = 100;

/// Problems kept per file: a file with thousands of the same mistake reports the first ones
/// and how many more, in bounded time and memory.
pub const MAX_PROBLEMS: usize = 100;

/// One file's problems, the first [`MAX_PROBLEMS`] kept and the rest counted.
#[derive(Default)]
struct Problems {
    list: Vec<Diagnostic>,
    more: usize,
    /// Where checking stopped, in a long file with too many problems.
    stopped_at: Option<usize>,
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

    fn full(&self) -> bool {
        self.list.len() >= MAX_PROBLEMS
    }

    fn finish(mut self, src: &SourceText) -> Vec<Diagnostic> {
        self.list
            .sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.col)));
        if let Some(at) = self.stopped_at {
            let message = match self.more {
                0 => "the file is not checked beyond this line".to_string(),
                more => {
                    format!(
                        "{} more, and the file is not checked beyond this line",
                        crate::diagnostic::count(more as u64, "error", "errors")
                    )
                }
            };
            let d = Diagnostic::at(Code::TooManyErrors, message, src.locate(at, at));
            self.list
                .push(d.with_help("fix the errors shown above and check again"));
        } else if self.more > 0 {
            self.list.push(
                Diagnostic::at(
                    Code::TooManyErrors,
                    match self.more {
                        1 => "1 more error in this file is not shown".to_string(),
                        more => format!(
                            "{} more errors in this file are not shown",
                            crate::diagnostic::thousands(more as u64)
                        ),
                    },
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

/// Per entity id: the shared id, how many mentions so far (each has its anchor), how many of
/// them count (see [`counts_again`]), where the last one ended in the source, and (when
/// rendering) the mention link's markup before and after its number.
struct Counted {
    entity: Arc<str>,
    numbered: u32,
    counted: u32,
    last_end: usize,
    markup: (String, String),
}

/// Whether a mention counts as another, after one of the same entity that ended at
/// `last_end`: not when only a bracket or a few spaces and signs part them, as a name and its
/// abbreviation do ("Hayat Tahrir al-Sham (HTS)": one mention, two anchors).
fn counts_again(text: &str, last_end: usize, start: usize) -> bool {
    let Some(between) = text.get(last_end..start) else {
        return true;
    };
    let glue =
        |c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',' | '/' | '–' | '—');
    last_end == 0 || between.chars().count() > 3 || !between.chars().all(glue)
}

/// The state of one document's pass over pulldown-cmark's events.
struct Pass<'s> {
    src: &'s SourceText,
    lang: &'s str,
    out: Annotated,
    problems: Problems,
    counts: HashMap<String, Counted>,
    open: Option<OpenMention>,
    /// Wikilinks we could not resolve render as their plain text.
    dropped_link: bool,
    /// The text of the current block, for the sentences around mentions.
    block: String,
    pending: Vec<PendingSnippet>,
    code_depth: usize,
    /// Source ranges of the tables met so far: a `|` there ends a cell.
    tables: Vec<(usize, usize)>,
    /// Inside a Markdown link or image: its text is not prose to suggest annotations in.
    link_depth: usize,
    /// Elements open around the current event, Markdown's and raw HTML's.
    depth: usize,
    too_deep: bool,
    /// Source ranges of prose, adjoining ones merged: where broken brackets are looked for.
    prose_runs: Vec<(usize, usize)>,
    /// The first raw HTML element left out of the page, and how many were.
    dropped_html: Option<((usize, usize), usize)>,
    /// Entities already linked in the current section (a heading starts a new one).
    linked: HashSet<Arc<str>>,
    /// The number of each footnote, in the order first named.
    notes: HashMap<String, usize>,
}

impl Pass<'_> {
    fn note_number(&mut self, label: &str) -> usize {
        let next = self.notes.len() + 1;
        *self.notes.entry(label.to_string()).or_insert(next)
    }
}

/// A footnote's anchor: prefixed, so that a label never takes an id of the page (`main`, a
/// mention's `m-hts-1`), and one token, as an id must be.
fn note_anchor(label: &str) -> String {
    let token: String = label
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    let mut escaped = String::from("fn-");
    let _ = escape_html(&mut escaped, &token);
    escaped
}

impl Annotator<'_> {
    /// Renders `src.text[body_start..]` for a page in `lang`. The events stream from the
    /// parser to the HTML: a long document is never held as a list of events.
    pub fn annotate(&self, src: &SourceText, body_start: usize, lang: &str) -> Annotated {
        let body = &src.text[body_start..];
        let mut pass = Pass::new(src, lang);
        let mut html = String::new();
        let sections = match sections::split(body) {
            Ok(sections) => sections,
            Err(why) => {
                pass.problems.report(|| too_large(src, body_start, why));
                let mut out = pass.out;
                out.problems = pass.problems.finish(src);
                return out;
            }
        };
        if self.html {
            // Sized from the source, each annotation growing into a link, so that a long
            // document's HTML is not copied as it grows; trimmed below.
            let annotations = memchr::memmem::find_iter(body.as_bytes(), b"[[").count();
            html.reserve(body.len() + body.len() / 4 + annotations * 96);
        }
        if self.text_limit > 0 {
            // The text is the body less its markup: sized from it, not copied as it grows.
            pass.out.text.reserve(body.len().min(self.text_limit));
        }
        let mut broken = false;
        for (start, end) in sections {
            let mut parser = Parser::new_ext(&body[start..end], options()).into_offset_iter();
            let mut ready: VecDeque<Event> = VecDeque::new();
            let pass = &mut pass;
            let events = std::iter::from_fn(|| {
                loop {
                    if let Some(event) = ready.pop_front() {
                        return Some(event);
                    }
                    let (event, range) = parser.next()?;
                    let span = (
                        body_start + start + range.start,
                        body_start + start + range.end,
                    );
                    self.step(pass, event, span, &mut ready);
                    // Too deep a text is an error: its page will not be written.
                    if !self.html || pass.too_deep {
                        ready.clear();
                    }
                }
            });
            // Sections end between paragraphs: rendered one after the other, they make the
            // HTML of the whole.
            if self.html {
                pulldown_cmark::html::push_html(&mut html, events);
            } else {
                events.for_each(drop);
            }
            pass.flush_block(self.snippets, self.text_limit);
            broken |= self.broken_brackets(src, &pass.prose_runs, &pass.tables, &mut pass.problems);
            pass.prose_runs.clear();
            if (pass.problems.full() || pass.too_deep) && end < body.len() {
                // Enough to fix for now: the rest of a long file is not worth the time.
                pass.problems.stopped_at = Some(body_start + end);
                break;
            }
        }
        let html = (self.html && !pass.too_deep).then_some(html);
        pass.finish(html, broken)
    }

    /// Takes one parser event; pushes what the page shows for it onto `ready`.
    fn step<'e>(
        &self,
        p: &mut Pass<'_>,
        event: Event<'e>,
        span: (usize, usize),
        ready: &mut VecDeque<Event<'e>>,
    ) {
        self.track_depth(p, &event, span);
        let src = p.src;
        match event {
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) => self.open_annotation(p, has_pothole, &dest_url, span, ready),
            Event::End(TagEnd::Link) if p.open.is_some() || p.dropped_link => {
                close_annotation(p, ready)
            }
            _ if p.open.as_ref().is_some_and(|m| m.replaces_text) => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                p.link_depth += 1;
                let dest_url = self.link_destination(src, dest_url, span, p.lang, &mut p.problems);
                ready.push_back(Event::Start(Tag::Link {
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
                p.link_depth += 1;
                if dest_url.starts_with('/') && !dest_url.starts_with("//") {
                    p.out.local_images.push((dest_url.to_string(), span));
                }
                let dest_url =
                    self.under_base_path(checked_url(src, dest_url, span, &mut p.problems));
                ready.push_back(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                p.link_depth = p.link_depth.saturating_sub(1);
                ready.push_back(Event::End(end));
            }
            Event::Html(html) | Event::InlineHtml(html) if !self.allow_html => {
                // Comments are the editor's notes; elements were meant to be seen.
                let tag = html.trim_start();
                if tag.starts_with('<') && !tag.starts_with("<!--") && !tag.starts_with("</") {
                    let first = p.dropped_html.map_or(span, |(first, _)| first);
                    let count = p.dropped_html.map_or(0, |(_, n)| n);
                    p.dropped_html = Some((first, count + 1));
                }
            }
            Event::Text(text) => self.text(p, text, span, ready),
            Event::Code(code) => {
                p.block.push_str(&code);
                ready.push_back(Event::Code(code));
            }
            Event::SoftBreak | Event::HardBreak => {
                p.block.push(' ');
                ready.push_back(event);
            }
            Event::FootnoteReference(label) => {
                let n = p.note_number(&label);
                ready.push_back(Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{}\">{n}</a></sup>",
                    note_anchor(&label)
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                p.flush_block(self.snippets, self.text_limit);
                let n = p.note_number(&label);
                ready.push_back(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{n}</sup>",
                    note_anchor(&label)
                ))));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                p.flush_block(self.snippets, self.text_limit);
                ready.push_back(Event::Html(CowStr::Borrowed("</div>")));
            }
            Event::Start(tag) => self.start_tag(p, tag, ready),
            Event::End(tag) => self.end_tag(p, tag, ready),
            other => ready.push_back(other),
        }
    }

    /// A block closes the sentence of the mentions before it; code is not prose.
    fn start_tag<'e>(&self, p: &mut Pass<'_>, tag: Tag<'e>, ready: &mut VecDeque<Event<'e>>) {
        if is_block(&tag) {
            p.flush_block(self.snippets, self.text_limit);
        }
        if matches!(tag, Tag::CodeBlock(_)) {
            p.code_depth += 1;
        }
        // A heading starts a section: its first mention of each entity is a link again.
        if matches!(tag, Tag::Heading { .. }) {
            p.linked.clear();
        }
        ready.push_back(Event::Start(tag));
    }

    /// The end of the first paragraph is the excerpt; a block's end closes its sentences.
    fn end_tag<'e>(&self, p: &mut Pass<'_>, tag: TagEnd, ready: &mut VecDeque<Event<'e>>) {
        if tag == TagEnd::Paragraph && p.out.excerpt.is_none() {
            p.out.excerpt = Some(p.block.trim().to_string());
        }
        if matches!(tag, TagEnd::CodeBlock) {
            p.code_depth = p.code_depth.saturating_sub(1);
        }
        if is_block_end(tag) {
            p.flush_block(self.snippets, self.text_limit);
        }
        ready.push_back(Event::End(tag));
    }

    /// Counts nesting (a list and its item are one level), and reports text nested too deep.
    fn track_depth(&self, p: &mut Pass<'_>, event: &Event<'_>, span: (usize, usize)) {
        let src = p.src;
        if let Event::Start(Tag::Table(_)) = event {
            p.tables.push(span);
        }
        match event {
            // A list level is one, not two (the list and its item); table parts likewise.
            Event::Start(Tag::Item | Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::Item | TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell) =>
                {}
            Event::Start(_) => p.depth += 1,
            Event::End(_) => p.depth = p.depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) if self.allow_html => {
                p.depth = p.depth.saturating_add_signed(html_depth_change(html));
            }
            _ => {}
        }
        if p.depth > MAX_NESTING && !p.too_deep {
            p.too_deep = true;
            p.problems.report(|| {
                Diagnostic::at(
                    Code::TooDeep,
                    format!("the text is nested more than {MAX_NESTING} levels deep"),
                    src.locate(span.0, span.1),
                )
                .with_help("flatten these lists, quotes or HTML elements: pages cannot nest them this deep")
            });
        }
    }

    /// `[[id]]` or `[[id|words]]`: a link to the entity's page, numbered, its name written
    /// when the annotation gives none; unknown or empty ids are reported and left as text.
    fn open_annotation<'e>(
        &self,
        p: &mut Pass<'_>,
        has_pothole: bool,
        dest_url: &str,
        span: (usize, usize),
        ready: &mut VecDeque<Event<'e>>,
    ) {
        let src = p.src;
        let id = annotation_id(dest_url);
        if id.is_empty() {
            p.problems.report(|| {
                Diagnostic::at(
                    Code::EmptyAnnotation,
                    "empty annotation",
                    src.locate(span.0, span.1),
                )
                .with_help(
                    "write an entity id inside the brackets, e.g. `[[aleppo]]`, or remove them",
                )
            });
            p.dropped_link = true;
        } else if has_pothole && no_words(&src.text[span.0..span.1]) {
            p.problems.report(|| {
                Diagnostic::at(
                    Code::EmptyAnnotation,
                    "annotation without words after its `|`: the page would show an empty link",
                    src.locate(span.0, span.1),
                )
                .with_help(format!(
                    "write the words after `|`, or `[[{id}]]` for the entity's name"
                ))
            });
            p.dropped_link = true;
        } else if !self.lexicon.contains(id) {
            let tables = &p.tables;
            p.problems
                .report(|| self.unknown_entity(src, id, span, tables));
            p.dropped_link = true;
        } else {
            if !p.counts.contains_key(id) {
                let markup = if self.html {
                    link_open(id, &self.urls.entity(p.lang, id))
                } else {
                    Default::default()
                };
                let counted = Counted {
                    entity: Arc::from(id),
                    numbered: 0,
                    counted: 0,
                    last_end: 0,
                    markup,
                };
                p.counts.insert(id.to_string(), counted);
            }
            let Some(Counted {
                entity,
                numbered,
                counted,
                last_end,
                markup,
            }) = p.counts.get_mut(id)
            else {
                return;
            };
            *numbered += 1;
            if counts_again(&src.text, *last_end, span.0) {
                *counted += 1;
            }
            *last_end = span.1;
            let (entity, number) = (Arc::clone(entity), *numbered);
            // One link per entity and section is enough to reach its page; the other mentions
            // keep their anchor, which backlinks point at.
            let linked = self.link_every_mention || p.linked.insert(Arc::clone(&entity));
            if self.html {
                use std::fmt::Write as _;
                let mut open = String::with_capacity(markup.0.len() + markup.1.len() + 64);
                if linked {
                    open.push_str(&markup.0);
                    let _ = write!(open, "{number}");
                    open.push_str(&markup.1);
                    let name = self.lexicon.name(id, p.lang).unwrap_or(id);
                    open.push_str(&accessible_name(&src.text[span.0..span.1], name));
                    open.push('>');
                } else {
                    open.push_str("<span class=\"mention\" id=\"m-");
                    let _ = escape_html(&mut open, id);
                    let _ = write!(open, "-{number}\">");
                }
                ready.push_back(Event::Html(CowStr::from(open)));
            }
            let replaces_text = !has_pothole;
            let block_start = p.block.len();
            if replaces_text {
                let name = self.lexicon.name(id, p.lang).unwrap_or(id);
                ready.push_back(Event::Text(CowStr::from(name.to_string())));
                p.block.push_str(name);
            }
            p.open = Some(OpenMention {
                entity,
                linked,
                number,
                block_start,
                span,
                replaces_text,
            });
        }
    }

    /// Prose: recorded for the sentence around mentions and for suggestions, passed through.
    fn text<'e>(
        &self,
        p: &mut Pass<'_>,
        text: CowStr<'e>,
        span: (usize, usize),
        ready: &mut VecDeque<Event<'e>>,
    ) {
        let src = p.src;
        // Files hold no control character; a character reference (`&#27;`) can still write one.
        let referenced = src
            .text
            .get(span.0..span.1)
            .is_some_and(|s| s.contains('&'));
        if let Some(c) = referenced
            .then(|| text.chars().find(|&c| crate::source::forbidden(c)))
            .flatten()
        {
            p.problems
                .report(|| crate::source::forbidden_character(c, src.locate(span.0, span.1)));
        }
        let prose = p.code_depth == 0 && p.link_depth == 0 && p.open.is_none() && !p.dropped_link;
        if p.code_depth == 0 {
            // A character escaped with a backslash (`[[\|Alep]]`) is text of its own, after it.
            let escaped = |end: usize| end + 1 == span.0 && src.text.as_bytes()[end] == b'\\';
            match p.prose_runs.last_mut() {
                Some(run) if run.1 == span.0 || escaped(run.1) => run.1 = span.1,
                _ => p.prose_runs.push(span),
            }
        }
        if self.collect_text && prose && src.text.get(span.0..span.1) == Some(&*text) {
            p.out.text_spans.push(TextSpan {
                start: span.0,
                end: span.1,
                in_table: in_a_table(&p.tables, span.0),
            });
        }
        p.block.push_str(&text);
        ready.push_back(Event::Text(text));
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
            return self.under_base_path(checked_url(src, dest, span, problems));
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
            links::Resolved::Unpublished { draft } => {
                problems.report(|| {
                    let (what, help) = if draft {
                        (
                            "a draft (`draft: true`)",
                            "publish it first (remove `draft: true`); to preview the two together, build or serve with `--drafts`",
                        )
                    } else {
                        (
                            "dated after today",
                            "link to it once its day has come; to preview the two together, build or serve with `--future`",
                        )
                    };
                    Diagnostic::at(
                        Code::BrokenLink,
                        format!("link to `{dest}`, an article that is not published: it is {what}"),
                        src.locate(span.0, span.1),
                    )
                    .with_help(help)
                });
                dest
            }
        }
    }

    /// A root-relative address (`/images/photo.jpg`) names a file of the site: it goes under
    /// the site's base path, as GitHub Pages serves a project under `/<repository>/`.
    fn under_base_path<'e>(&self, url: CowStr<'e>) -> CowStr<'e> {
        if url.starts_with('/') && !url.starts_with("//") {
            CowStr::from(self.urls.site_file(&url))
        } else {
            url
        }
    }

    fn unknown_entity(
        &self,
        src: &SourceText,
        id: &str,
        span: (usize, usize),
        tables: &[(usize, usize)],
    ) -> Diagnostic {
        let d = Diagnostic::at(
            Code::UnknownEntity,
            format!("unknown entity `{id}`"),
            src.locate(span.0, span.1),
        );
        match self.lexicon.suggest(id) {
            Some(known) => {
                let bar = annotation_bar(in_a_table(tables, span.0));
                d.with_help(format!("did you mean `{known}`? write `[[{known}{bar}...]]`"))
            }
            None => d.with_help(format!(
                "create it with `depeche new entity {id} --type <organization|person|place|event|other>`, or fix the id inside the brackets"
            )),
        }
    }

    /// Reports every `[[` and `]]` left in the prose (see [`brackets`]); true if any.
    fn broken_brackets(
        &self,
        src: &SourceText,
        runs: &[(usize, usize)],
        tables: &[(usize, usize)],
        problems: &mut Problems,
    ) -> bool {
        let mut any = false;
        for &(start, end) in runs {
            // An escaped bracket's run starts at the bracket: its backslash is looked at too.
            let escapes = src.text.as_bytes()[..start]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            let start = start - escapes;
            for (at, broken) in brackets::scan(&src.text[start..end]) {
                any = true;
                let at = start + at;
                problems.report(|| match broken {
                    brackets::Broken::Empty { end } => Diagnostic::at(
                        Code::EmptyAnnotation,
                        "annotation without an entity id",
                        src.locate(at, start + end),
                    )
                    .with_help(if in_a_table(tables, at) {
                        "write an entity id first, e.g. `[[aleppo\\|Alep]]` in a table, or remove the brackets"
                    } else {
                        "write an entity id first, e.g. `[[aleppo|Alep]]`, or remove the brackets"
                    }),
                    brackets::Broken::Unclosed => Diagnostic::at(
                        Code::UnclosedAnnotation,
                        "unclosed annotation: this `[[` has no `]]` of its own",
                        src.locate(at, at + 2),
                    )
                    .with_help(match cut_by_a_cell(&src.text, tables, at) {
                        Some(fixed) => cut_help(&fixed),
                        None if in_a_table(tables, at) => {
                            "close it with `]]` on the same line; in a table, write its bar `\\|`, e.g. `[[aleppo\\|Alep]]`".into()
                        }
                        None => "close it with `]]` on the same line, e.g. `[[aleppo|Alep]]`".into(),
                    }),
                    brackets::Broken::StrayClose => Diagnostic::at(
                        Code::UnclosedAnnotation,
                        "`]]` closes no annotation",
                        src.locate(at, at + 2),
                    )
                    .with_help(match cut_by_a_cell(&src.text, tables, at) {
                        Some(fixed) => cut_help(&fixed),
                        None => "open the annotation with `[[`, e.g. `[[aleppo|Alep]]`, or remove the brackets".into(),
                    }),
                });
            }
        }
        any
    }
}

/// `[[aleppo|]]`: a bar, then nothing before the closing brackets.
fn no_words(annotation: &str) -> bool {
    annotation
        .strip_suffix("]]")
        .and_then(|inner| inner.split_once('|'))
        .is_some_and(|(_, words)| words.trim().is_empty())
}

/// Tables are met in order and never nested: the last one met holds `at`, or none does.
fn in_a_table(tables: &[(usize, usize)], at: usize) -> bool {
    tables
        .iter()
        .rev()
        .find(|&&(start, _)| start <= at)
        .is_some_and(|&(_, end)| at < end)
}

/// What separates an annotation's id from its words: in a table's cell, where a `|` would
/// end the cell, `\\|`.
pub(crate) fn annotation_bar(in_table: bool) -> &'static str {
    if in_table { "\\|" } else { "|" }
}

fn cut_help(fixed: &str) -> String {
    format!("in a table, a `|` ends the cell: write the annotation's `|` as `\\|`: `{fixed}`")
}

/// When the bracket at `at` belongs to an annotation that a table's `|` cut in two (on its
/// line, `[[`, then a `|`, then `]]`, with the bracket among them), the annotation as a cell
/// writes it.
fn cut_by_a_cell(text: &str, tables: &[(usize, usize)], at: usize) -> Option<String> {
    if !in_a_table(tables, at) {
        return None;
    }
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[start..end];
    let at = at - start;
    line.match_indices("[[").find_map(|(open, _)| {
        let bar = open + line[open..].find('|')?;
        let close = bar + line[bar..].find("]]")?;
        (open <= at && at <= close && !line[..bar].ends_with('\\'))
            .then(|| format!("{}\\{}", &line[open..bar], &line[bar..close + 2]))
    })
}

/// A mention link's opening tag, around the mention's number (`m-<id>-<number>`).
fn link_open(entity: &str, href: &str) -> (String, String) {
    let mut before = String::from("<a class=\"mention\" id=\"m-");
    let _ = escape_html(&mut before, entity);
    before.push('-');
    let mut after = String::from("\" href=\"");
    let _ = escape_href(&mut after, href);
    after.push('"');
    (before, after)
}

/// ` aria-label="ONG (Observatoire syrien des droits de l'homme)"` when the words of the
/// annotation (`[[osdh|ONG]]`) do not say which entity the link leads to; nothing otherwise.
/// The label starts with the visible words, as a link's accessible name should.
fn accessible_name(annotation: &str, name: &str) -> String {
    let words = annotation
        .trim_start_matches("[[")
        .trim_end_matches("]]")
        .split_once('|')
        .map(|(_, words)| words.replace(['*', '_', '`'], ""))
        .unwrap_or_default();
    let words = words.trim();
    if words.is_empty() || words.to_lowercase() == name.to_lowercase() {
        return String::new();
    }
    let mut attr = String::from(" aria-label=\"");
    let _ = escape_html(&mut attr, &format!("{words} ({name})"));
    attr.push('"');
    attr
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

/// The end of an annotation: its mention is kept, with its sentence to come when the block ends.
fn close_annotation(p: &mut Pass<'_>, ready: &mut VecDeque<Event<'_>>) {
    if let Some(m) = p.open.take() {
        let close = if m.linked { "</a>" } else { "</span>" };
        ready.push_back(Event::Html(CowStr::Borrowed(close)));
        if m.number <= SENTENCES_PER_ENTITY {
            p.pending.push(PendingSnippet {
                mention: p.out.mentions.len(),
                start: m.block_start,
                end: p.block.len(),
            });
            p.out.mentions.push(Mention {
                entity: m.entity,
                number: m.number,
                snippet: None,
                span: m.span,
            });
        }
    }
    p.dropped_link = false;
}

/// A file too large to parse in sections: where, and what to do.
fn too_large(src: &SourceText, body_start: usize, why: sections::Uncuttable) -> Diagnostic {
    let kib = sections::SECTION_BYTES >> 10;
    let (start, message, help) = match why {
        sections::Uncuttable::LongSection { start } => (
            start,
            format!(
                "this file is over {kib} KiB and has no paragraph break for over {kib} KiB from here"
            ),
            "split the text with blank lines followed by paragraphs, or into several articles",
        ),
        sections::Uncuttable::Definition { start } => (
            start,
            format!("reference-style links and footnotes cannot be used in a file over {kib} KiB"),
            "write the link inline, `[text](url)`, or split the text into several articles",
        ),
    };
    let at = body_start + start;
    Diagnostic::at(Code::TooLarge, message, src.locate(at, at)).with_help(help)
}

impl<'a> Pass<'a> {
    fn new(src: &'a SourceText, lang: &'a str) -> Self {
        Pass {
            src,
            lang,
            out: Annotated::default(),
            problems: Problems::default(),
            counts: HashMap::new(),
            open: None,
            dropped_link: false,
            block: String::new(),
            pending: Vec::new(),
            code_depth: 0,
            tables: Vec::new(),
            link_depth: 0,
            depth: 0,
            too_deep: false,
            prose_runs: Vec::new(),
            dropped_html: None,
            linked: HashSet::new(),
            notes: HashMap::new(),
        }
    }
}

impl Pass<'_> {
    /// What annotating found: counts sorted by id, the HTML when it was made, the problems.
    fn finish(mut self, html: Option<String>, broken: bool) -> Annotated {
        let src = self.src;
        let mut out = self.out;
        out.mention_counts = self
            .counts
            .into_values()
            .map(|c| (c.entity, c.counted))
            .collect();
        out.mention_counts.sort_unstable();
        if broken {
            // Suggestions would only add brackets to broken ones.
            out.text_spans.clear();
        }
        if let Some(mut html) = html {
            html.shrink_to_fit();
            out.html = html;
        }
        if let Some((span, count)) = self.dropped_html {
            self.problems.report(|| html_dropped(src, span, count));
        }
        out.problems = self.problems.finish(src);
        out
    }
}

/// Raw HTML was left out of a page: say so once per file, at the first element.
fn html_dropped(src: &SourceText, span: (usize, usize), count: usize) -> Diagnostic {
    let line_end = src.text[span.0..span.1]
        .find('\n')
        .map_or(span.1, |i| span.0 + i);
    let more = match count {
        1 => String::new(),
        n => format!(" (and {} more in this file)", n - 1),
    };
    Diagnostic::at(
        Code::HtmlDropped,
        format!("raw HTML is left out of the page{more}"),
        src.locate(span.0, line_end),
    )
    .with_help("pages show Markdown only; if this HTML is yours and trusted, set `allow_html: true` in site.yaml to keep it")
}

impl Pass<'_> {
    /// Closes the current block of text: every mention in it gets its sentence, and the text
    /// is kept while [`Annotated::text`] holds less than `text_limit` bytes.
    fn flush_block(&mut self, snippets: bool, text_limit: usize) {
        if snippets && !self.pending.is_empty() {
            let sentences = snippet::Sentences::new(&self.block);
            for p in &self.pending {
                self.out.mentions[p.mention].snippet = Some(sentences.around(p.start, p.end));
            }
        }
        let block = self.block.trim();
        if self.out.text.len() < text_limit && !block.is_empty() {
            if !self.out.text.is_empty() {
                self.out.text.push('\n');
            }
            self.out.text.push_str(block);
        }
        self.pending.clear();
        self.block.clear();
    }
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

/// The URL, or nothing with an error when it is unsafe: such URLs are never emitted.
fn checked_url<'e>(
    src: &SourceText,
    url: CowStr<'e>,
    span: (usize, usize),
    problems: &mut Problems,
) -> CowStr<'e> {
    if !crate::urls::is_unsafe(&url) {
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
