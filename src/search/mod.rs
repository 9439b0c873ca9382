//! The search index: one Pagefind bundle per language (`<lang>/pagefind/`), so that each
//! language searches its own pages and a reader's browser loads only the fragments a query
//! needs.
//!
//! Records are made from the content, not from the rendered pages: an article gives its title,
//! dateline, summary, the names (and aliases, in every language) of the entities it mentions
//! and its text, up to `search_text_chars`; an entity gives its names and aliases in every
//! language, weighted so that a search for a name lists the entity first, its description and
//! its prose. Each language is indexed on its own thread while the pages render.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, RwLock, mpsc};
use std::thread::JoinHandle;

use pulldown_cmark_escape::{escape_html, escape_html_body_text};
use rayon::prelude::*;

use crate::analyze::Bodies;
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::graph::{ArticleVersion, Entity, Graph};
use crate::urls::Urls;

/// The folder of a language's bundle, relative to the output folder.
pub(crate) fn bundle_dir(lang: &str) -> String {
    format!("{lang}/pagefind/")
}

/// The file every bundle has, which the plan lists for it; the others are named by Pagefind
/// after their content.
pub(crate) const ENTRY_FILE: &str = "pagefind-entry.json";

/// Weights Pagefind gives words (a heading's words weigh 7 by default, the text 1).
const NAME_WEIGHT: u8 = 10;
const TITLE_WEIGHT: u8 = 6;
const ALIAS_WEIGHT: u8 = 8;
const MENTION_WEIGHT: u8 = 2;

/// One page of the index: its address and a small HTML document of what it is found by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub lang: usize,
    pub url: String,
    pub html: String,
}

/// A file of a bundle: its path relative to the output folder and its bytes.
pub(crate) type BundleFile = (String, Vec<u8>);

/// Indexes the whole site: every bundle's files, relative to the output folder.
pub(crate) fn index(
    config: &Config,
    graph: &Graph,
    bodies: &Bodies,
) -> Result<Vec<BundleFile>, Diagnostic> {
    let indexer = Indexer::start(config);
    let added = add_all(&indexer, config, graph, bodies);
    let bundles = indexer.finish();
    added.and(bundles)
}

/// Hands every record of the site to `indexer`.
pub(crate) fn add_all(
    indexer: &Indexer,
    config: &Config,
    graph: &Graph,
    bodies: &Bodies,
) -> Result<(), Diagnostic> {
    if !indexer.is_active() {
        return Ok(());
    }
    // Made in parallel, a chunk at a time, and added in order: Pagefind numbers pages in the
    // order they come, and the same site must give the same files.
    let urls = Urls::new(&config.base_path);
    let limit = config.search_text_chars;
    let make = |source: &Source| match *source {
        Source::Article(lang, version) => {
            article_record(graph, bodies, &urls, limit, lang, version)
        }
        Source::Entity(lang, code, entity) => {
            Ok(entity_record(bodies, &urls, limit, lang, code, entity))
        }
    };
    for chunk in sources(config, graph).chunks(256) {
        let made: Vec<Result<Record, Diagnostic>> = chunk.par_iter().map(make).collect();
        for record in made {
            indexer.add(record?);
        }
    }
    Ok(())
}

/// What a record is made from.
enum Source<'a> {
    Article(usize, &'a ArticleVersion),
    Entity(usize, &'a str, &'a Entity),
}

/// Every record of the site, in order: articles, then entities, each in every language.
fn sources<'a>(config: &'a Config, graph: &'a Graph) -> Vec<Source<'a>> {
    let languages = || config.languages.iter().enumerate();
    let articles = graph.articles.iter().flat_map(|article| {
        languages()
            .filter_map(|(lang, code)| Some(Source::Article(lang, article.versions.get(code)?)))
    });
    let entities = graph.entities.iter().flat_map(|entity| {
        languages().map(move |(lang, code)| Source::Entity(lang, code.as_str(), entity))
    });
    articles.chain(entities).collect()
}

/// The record of one article's version.
pub(crate) fn article_record(
    graph: &Graph,
    bodies: &Bodies,
    urls: &Urls,
    limit: usize,
    lang: usize,
    version: &ArticleVersion,
) -> Result<Record, Diagnostic> {
    let text = bodies.text(version, limit)?;
    let front = &version.front;
    let mut html = Document::new(&version.lang);
    html.meta("date", &front.date.raw);
    html.meta("kind", "article");
    if let Some(description) = front.summary.as_ref().or(version.excerpt.as_ref()) {
        html.meta(
            "description",
            &crate::render::short_description(description),
        );
    }
    html.heading(&front.title, TITLE_WEIGHT);
    if let Some(dateline) = &front.dateline {
        html.text(dateline, None);
    }
    if let Some(summary) = &front.summary {
        html.text(summary, None);
    }
    // The names the entities go by in this language: an article is found by a name even where
    // its text says "the NGO" or "the jihadists".
    let mentioned: Vec<&str> = version
        .mention_counts
        .iter()
        .filter_map(|(id, _)| graph.entity(id))
        .flat_map(|entity| names_in(entity, &version.lang))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    html.text(&mentioned.join(" · "), Some(MENTION_WEIGHT));
    html.text(&text, None);
    Ok(Record {
        lang,
        url: urls.article(&version.lang, &front.slug),
        html: html.finish(),
    })
}

/// The record of an entity in one language.
pub(crate) fn entity_record(
    bodies: &Bodies,
    urls: &Urls,
    limit: usize,
    lang: usize,
    code: &str,
    entity: &Entity,
) -> Record {
    let source = &entity.source;
    let name = source.name.get(code).map_or(entity.id(), String::as_str);
    let mut html = Document::new(code);
    html.meta("kind", source.kind.as_str());
    if let Some(description) = source.description.get(code) {
        html.meta(
            "description",
            &crate::render::short_description(description),
        );
    }
    html.heading(name, NAME_WEIGHT);
    let names: BTreeSet<&str> = all_names(entity).collect();
    // What the search page compares a query with, to list the entity it names first.
    html.meta(
        "names",
        &names.iter().copied().collect::<Vec<_>>().join("|"),
    );
    let others: BTreeSet<&str> = names.into_iter().filter(|n| *n != name).collect();
    html.text(
        &others.into_iter().collect::<Vec<_>>().join(" · "),
        Some(ALIAS_WEIGHT),
    );
    if let Some(description) = source.description.get(code) {
        html.text(description, None);
    }
    if let Some(prose) = source.prose.get(code) {
        html.text(&bodies.prose_text(prose, code, limit), None);
    }
    Record {
        lang,
        url: urls.entity(code, entity.id()),
        html: html.finish(),
    }
}

/// An entity's name and aliases in one language.
fn names_in<'e>(entity: &'e Entity, lang: &str) -> impl Iterator<Item = &'e str> {
    let source = &entity.source;
    let aliases = source.aliases.get(lang).into_iter().flatten();
    source
        .name
        .get(lang)
        .into_iter()
        .chain(aliases)
        .map(String::as_str)
}

/// An entity's names and aliases in every language.
fn all_names(entity: &Entity) -> impl Iterator<Item = &str> {
    let source = &entity.source;
    source
        .name
        .values()
        .chain(source.aliases.values().flatten())
        .map(String::as_str)
}

/// The HTML Pagefind reads a record from: its language, a heading that is the result's title,
/// weighted paragraphs, and metadata the search page shows.
struct Document {
    html: String,
}

impl Document {
    fn new(lang: &str) -> Document {
        let mut html = String::from("<html lang=\"");
        let _ = escape_html(&mut html, lang);
        html.push_str("\"><body>");
        Document { html }
    }

    fn meta(&mut self, key: &str, value: &str) {
        self.html.push_str("<span data-pagefind-meta=\"");
        let _ = escape_html(&mut self.html, &format!("{key}:{value}"));
        self.html.push_str("\"></span>");
    }

    fn heading(&mut self, title: &str, weight: u8) {
        self.html.push_str("<h1 data-pagefind-weight=\"");
        self.html.push_str(&weight.to_string());
        self.html.push_str("\">");
        let _ = escape_html_body_text(&mut self.html, title);
        self.html.push_str("</h1>");
    }

    fn text(&mut self, text: &str, weight: Option<u8>) {
        if text.trim().is_empty() {
            return;
        }
        match weight {
            Some(weight) => {
                self.html.push_str("<p data-pagefind-weight=\"");
                self.html.push_str(&weight.to_string());
                self.html.push_str("\">");
            }
            None => self.html.push_str("<p>"),
        }
        let _ = escape_html_body_text(&mut self.html, text);
        self.html.push_str("</p>");
    }

    fn finish(mut self) -> String {
        self.html.push_str("</body></html>");
        self.html
    }
}

/// Each language's index, on its own thread, which takes records as they come and publishes
/// its bundle when asked. `serve` keeps one alive: an edited article's record replaces the
/// old one (Pagefind keeps one record per address) and the bundle is made again from every
/// record, without reading the others again.
pub(crate) struct Indexer {
    lanes: Vec<Lane>,
    files: Bundles,
}

/// The files of every published bundle, by path relative to the output folder.
pub(crate) type Bundles = Arc<RwLock<BTreeMap<String, Arc<[u8]>>>>;

enum Command {
    Add(Record),
    Publish(mpsc::Sender<Result<(), String>>),
}

struct Lane {
    code: String,
    commands: mpsc::Sender<Command>,
    thread: JoinHandle<()>,
}

impl Indexer {
    /// One index per language of the site; none when the site builds no search index.
    pub(crate) fn start(config: &Config) -> Indexer {
        let files: Bundles = Arc::default();
        let languages = if config.build_search_index {
            config.languages.as_slice()
        } else {
            &[]
        };
        let lanes = languages
            .iter()
            .map(|code| {
                let (commands, received) = mpsc::channel();
                let lang = code.clone();
                let published = Arc::clone(&files);
                let thread = std::thread::spawn(move || serve_lane(&lang, received, &published));
                Lane {
                    code: code.clone(),
                    commands,
                    thread,
                }
            })
            .collect();
        Indexer { lanes, files }
    }

    /// Whether there is an index to keep.
    pub(crate) fn is_active(&self) -> bool {
        !self.lanes.is_empty()
    }

    /// Hands a record to its language's index.
    pub(crate) fn add(&self, record: Record) {
        if let Some(lane) = self.lanes.get(record.lang) {
            // A lane that stopped says so when asked to publish.
            let _ = lane.commands.send(Command::Add(record));
        }
    }

    /// Makes every bundle from the records added so far and waits until they are published.
    pub(crate) fn publish(&self) -> Result<(), Diagnostic> {
        let replies: Vec<_> = self
            .lanes
            .iter()
            .map(|lane| {
                let (reply, done) = mpsc::channel();
                let _ = lane.commands.send(Command::Publish(reply));
                (lane, done)
            })
            .collect();
        for (lane, done) in replies {
            let result = done
                .recv()
                .unwrap_or_else(|_| Err("the indexing thread stopped".into()));
            result.map_err(|why| {
                Diagnostic::new(
                    Code::WriteFailed,
                    format!("the search index of `{}` failed: {why}", lane.code),
                    None,
                )
            })?;
        }
        Ok(())
    }

    /// Has every bundle made again, without waiting: the old ones are served meanwhile.
    pub(crate) fn publish_later(&self) {
        for lane in &self.lanes {
            let (reply, _) = mpsc::channel();
            let _ = lane.commands.send(Command::Publish(reply));
        }
    }

    /// The published files, shared with the threads that publish them again.
    pub(crate) fn files(&self) -> Bundles {
        Arc::clone(&self.files)
    }

    /// Publishes, stops the threads, and returns every bundle's files.
    pub(crate) fn finish(self) -> Result<Vec<BundleFile>, Diagnostic> {
        let published = self.publish();
        for lane in self.lanes {
            drop(lane.commands);
            let _ = lane.thread.join();
        }
        published?;
        let files = std::mem::take(&mut *write(&self.files));
        Ok(files
            .into_iter()
            .map(|(path, bytes)| (path, bytes.to_vec()))
            .collect())
    }
}

fn write(files: &Bundles) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Arc<[u8]>>> {
    files
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One language's index: adds what it receives, publishes when asked, until its commands end.
fn serve_lane(lang: &str, commands: mpsc::Receiver<Command>, published: &Bundles) {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let runtime = tokio::runtime::Builder::new_current_thread().build();
    let options = PagefindServiceConfig::builder()
        .force_language(lang.to_string())
        .build();
    let index = PagefindIndex::new(Some(options));
    let (runtime, mut index) = match (runtime, index) {
        (Ok(runtime), Ok(index)) => (runtime, index),
        (runtime, index) => {
            let why = runtime
                .err()
                .map(|e| e.to_string())
                .or_else(|| index.err().map(|e| e.to_string()))
                .unwrap_or_default();
            for command in commands {
                if let Command::Publish(reply) = command {
                    let _ = reply.send(Err(why.clone()));
                }
            }
            return;
        }
    };
    let mut failed: Option<String> = None;
    for command in commands {
        match command {
            Command::Add(record) => {
                let added =
                    runtime.block_on(index.add_html_file(None, Some(record.url), record.html));
                if let Err(e) = added {
                    failed.get_or_insert(e.to_string());
                }
            }
            Command::Publish(reply) => {
                let result = match failed.take() {
                    Some(why) => Err(why),
                    None => runtime
                        .block_on(index.get_files())
                        .map(|files| replace_bundle(published, lang, files))
                        .map_err(|e| e.to_string()),
                };
                let _ = reply.send(result);
            }
        }
    }
}

/// Puts a language's new bundle in place of its old one. Pagefind's own user interfaces are
/// left out: the site has its own.
fn replace_bundle(published: &Bundles, lang: &str, files: Vec<pagefind::api::SyntheticFile>) {
    let dir = bundle_dir(lang);
    let mut all = write(published);
    all.retain(|path, _| !path.starts_with(&dir));
    for file in files {
        let Some(name) = file.filename.to_str().map(|n| n.replace('\\', "/")) else {
            continue;
        };
        let unused = name.contains("-ui.")
            || name.starts_with("pagefind-highlight")
            || name.starts_with("playground/");
        if !unused {
            all.insert(format!("{dir}{name}"), file.contents.into());
        }
    }
}
