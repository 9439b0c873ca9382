//! The site `serve` shows, kept in memory: every output is made when it is first asked for,
//! kept within a budget of bytes, and forgotten when an edit changes what it is made from.
//! An edited article is re-read and re-annotated alone and relinked in the graph in place
//! (every other document and link is kept); the outputs the edit touches are forgotten: the
//! article in each language, the pages of the entities it names before and after the edit,
//! the listing pages that show it, the outputs made from the whole content (the open data,
//! the timeline, the graphs, the previews), and the sitemap when dates or pages change.
//! Nothing is rendered ahead of a request. Anything else (an entity, the configuration, a
//! new or renamed article) loads the site again; a template change forgets the outputs that
//! use it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::analyze;
use crate::annotate::Annotator;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::{Document, Graph};
use crate::load::{self, references};
use crate::outputs::{self, Output, Source, Stage};
use crate::render::{Page, Theme};
use crate::search::Live;
use crate::site::{BuildError, Options, Purpose, Site};
use crate::urls::Urls;

/// A loaded site with everything needed to make any of its outputs and to follow an edit.
/// Outputs are rendered when asked for and kept within a budget of bytes: a site of 30,000
/// pages is not held whole, nor rendered before anyone asks.
pub struct Session {
    options: Options,
    site: Site,
    /// The outputs served from memory (pages, summaries, streamed files), by path.
    paths: BTreeSet<String>,
    /// The path, languages and date of each page rendered since it last changed, without its
    /// content: what the sitemap is made from.
    known: Mutex<BTreeMap<String, Page>>,
    cache: Mutex<PageCache>,
    /// The search index, made when first asked for (a preview is rarely searched, and the
    /// index of a large site takes seconds and hundreds of MiB), then kept and updated after
    /// each edit of articles.
    search: Mutex<Option<Live>>,
}

/// What an edit changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// Outputs the edit may have changed: forgotten, and rendered again when next asked for
    /// (some may come out byte-identical to before).
    pub changed: Vec<String>,
    /// Pages that no longer exist.
    pub removed: Vec<String>,
    /// True when the whole site was rebuilt.
    pub full: bool,
}

impl Session {
    /// The site loaded, keeping at most `cache_bytes` of rendered outputs; none is rendered
    /// yet.
    pub fn start(options: &Options, cache_bytes: usize) -> Result<Session, BuildError> {
        let site = Site::load(options, Purpose::Render)?;
        Ok(Session {
            paths: served(&site.plan),
            known: Mutex::new(BTreeMap::new()),
            search: Mutex::new(None),
            options: options.clone(),
            site,
            cache: Mutex::new(PageCache::new(cache_bytes)),
        })
    }

    /// The configuration of the site.
    pub fn config(&self) -> &Config {
        &self.site.config
    }

    /// How the session was started, to start a fresh one.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The content of the page at `path` (relative to the output folder), rendered now if it
    /// is not kept; `None` when the site has no such page.
    pub fn page(&self, path: &str) -> Option<Result<Arc<[u8]>, Diagnostic>> {
        if let Some(content) = lock(&self.cache).get(path) {
            return Some(Ok(content));
        }
        if let Some(file) = self.index_file(path) {
            return Some(file);
        }
        if !self.paths.contains(path) {
            return None;
        }
        let rendered = match self.site.render(path) {
            Some(rendered) => rendered,
            None => self.summary(path)?,
        };
        match rendered {
            Ok(mut page) => {
                let content = lock(&self.cache).insert(path, &std::mem::take(&mut page.content));
                lock(&self.known).insert(page.path.clone(), page);
                Some(Ok(content))
            }
            Err(d) => Some(Err(d)),
        }
    }

    /// A file of an output of the index stage (the search index), made when one is first
    /// asked for.
    fn index_file(&self, path: &str) -> Option<Result<Arc<[u8]>, Diagnostic>> {
        let indexed = |o: &Output| o.kind.stage() == Stage::Index && o.makes(path);
        if !self.site.plan.iter().any(indexed) {
            return None;
        }
        let mut search = lock(&self.search);
        if search.is_none() {
            match Live::new(&self.site.renderer()) {
                Ok(live) => *search = Some(live),
                Err(d) => return Some(Err(d)),
            }
        }
        Some(Ok(search.as_ref()?.file(path)?))
    }

    /// A summary (a sitemap), made from every listed page's path, languages and date: the
    /// pages not rendered since they last changed are rendered first (in parallel; their
    /// content is not kept).
    fn summary(&self, path: &str) -> Option<Result<Page, Diagnostic>> {
        let renderer = self.site.renderer();
        let missing: Vec<&Output> = {
            let known = lock(&self.known);
            self.site
                .plan
                .iter()
                .filter(|o| o.kind.in_sitemap() && !known.contains_key(&o.path))
                .collect()
        };
        let rendered = match renderer.render_pages(&missing) {
            Ok(pages) => pages,
            Err(d) => return Some(Err(d)),
        };
        let mut known = lock(&self.known);
        for page in rendered {
            known.insert(page.path.clone(), page.without_content());
        }
        let all: Vec<&Page> = known.values().collect();
        match renderer.summaries(&all) {
            Ok(summaries) => summaries.into_iter().find(|s| s.path == path).map(Ok),
            Err(d) => Some(Err(d)),
        }
    }

    /// Whether the site reads an article under `folder` (an absolute path): a folder of the
    /// content moved away changes the site.
    pub(crate) fn reads_under(&self, folder: &std::path::Path) -> bool {
        let Ok(rel) = folder.strip_prefix(&self.site.config.root) else {
            return false;
        };
        self.site
            .parts
            .documents
            .iter()
            .any(|d| d.source.starts_with(rel))
    }

    /// Whether the site has an output at `path` that `serve` makes.
    pub(crate) fn has_page(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    /// The paths of every output `serve` makes.
    pub fn paths(&self) -> Vec<String> {
        self.paths.iter().cloned().collect()
    }

    /// Number of HTML pages.
    pub fn page_count(&self) -> usize {
        self.paths.iter().filter(|p| p.ends_with(".html")).count()
    }

    /// Rebuilds after changes to `changed` (absolute paths). On error the session is unchanged.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, BuildError> {
        match self.try_update(changed)? {
            Some(update) => Ok(update),
            None => {
                let fresh = Session::start(&self.options, lock(&self.cache).budget)?;
                Ok(self.replace(fresh))
            }
        }
    }

    /// Rebuilds after changes to `changed` (absolute paths), unless they need a full build
    /// (`None`): `serve` makes that one aside and swaps it in with [`Session::replace`], so
    /// that the last good site is served meanwhile. On error the session is unchanged.
    pub(crate) fn try_update(&mut self, changed: &[PathBuf]) -> Result<Option<Update>, BuildError> {
        // A symbolic link is judged by the full build's walk, which skips links leaving the site.
        let linked = changed
            .iter()
            .any(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()));
        if linked {
            return Ok(None);
        }
        let root = &self.site.config.root;
        let templates_dir = root.join("templates");
        let only_templates = changed.iter().all(|p| {
            p.parent() == Some(templates_dir.as_path())
                && p.extension().is_some_and(|e| e == "html" || e == "xml")
        });
        if only_templates {
            return self.update_templates(changed).map(Some);
        }
        let articles_dir = root.join("content").join("articles");
        let only_articles = changed
            .iter()
            .all(|p| p.starts_with(&articles_dir) && p.extension().is_some_and(|e| e == "md"));
        if !only_articles {
            return Ok(None);
        }
        self.update_articles(changed)
    }

    /// Takes the place of this session by the same site loaded afresh.
    pub fn replace(&mut self, fresh: Session) -> Update {
        let removed = self.paths.difference(&fresh.paths).cloned().collect();
        *self = fresh;
        Update {
            changed: self.paths.iter().cloned().collect(),
            removed,
            full: true,
        }
    }

    /// Templates changed: recompile them all, forget the outputs that use them (every output,
    /// when one is a layout or a partial that no kind of output names).
    fn update_templates(&mut self, changed: &[PathBuf]) -> Result<Update, BuildError> {
        let theme = Theme::load(&self.site.config)?;
        let names: BTreeSet<&str> = changed
            .iter()
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()))
            .collect();
        let plan = &self.site.plan;
        let everything = names
            .iter()
            .any(|name| !plan.iter().any(|o| o.kind.templates().contains(name)));
        let uses = |output: &Output| {
            everything || output.kind.templates().iter().any(|t| names.contains(t))
        };
        let touched = touched(plan, uses);
        self.site.theme = theme;
        Ok(self.forget(&touched, false))
    }

    /// The incremental path; `None` when the edit changes what other pages link to.
    fn update_articles(&mut self, changed: &[PathBuf]) -> Result<Option<Update>, BuildError> {
        let Some(edit) = self.edit(changed)? else {
            return Ok(None);
        };
        let drafts = self.options.drafts;
        let footprint = |graph: &Graph| Footprint::measure(graph, &edit.keys, &edit.fresh);
        let before = footprint(&self.site.graph);
        let shown = |docs: &[Arc<Document>]| -> Vec<Arc<Document>> {
            docs.iter()
                .filter(|d| !d.front.waits(drafts))
                .cloned()
                .collect()
        };
        // Relinking the edited articles alone is the common case; a date that reorders the
        // articles renumbers every backlink, so that takes a new graph.
        let site = &mut self.site;
        if !site.graph.replace_documents(&shown(&edit.fresh)) {
            let parts = &site.parts;
            site.graph = Graph::build(&edit.documents, &parts.entities, &parts.prose, drafts)?;
        }
        site.plan = outputs::plan(&site.config, &site.graph, &site.statics);
        let selection = before.selection(
            &footprint(&site.graph),
            site.config.backlinks_per_page,
            site.config.articles_per_page,
        );
        // The sitemap gives each page's date: it changes when an edited article's date
        // does, or when an entity gains or loses an article (its newest may change).
        let dated = |docs: &[Arc<Document>]| -> BTreeSet<(String, String, String, Option<String>)> {
            docs.iter()
                .map(|d| {
                    let updated = d.front.updated.as_ref().map(|u| u.raw.clone());
                    (
                        d.key.clone(),
                        d.lang.clone(),
                        d.front.date.raw.clone(),
                        updated,
                    )
                })
                .collect()
        };
        let relisted = dated(&edit.replaced) != dated(&edit.fresh)
            || selection.entities.values().any(Option::is_none);
        site.parts.documents = edit.documents;
        let site = &self.site;
        let touched = touched(&site.plan, |o| {
            selection.wants(o.source(&site.config, &site.graph))
        });
        let mut update = self.forget(&touched, relisted);
        let mut search = lock(&self.search);
        if let Some(live) = search.as_mut() {
            match live.update(&self.site.renderer(), &edit.keys) {
                Ok(files) => update.changed.extend(files),
                // Made again when next asked for.
                Err(_) => *search = None,
            }
        }
        Ok(Some(update))
    }

    /// Forgets the outputs `wanted` and those the plan no longer has, and the summaries when
    /// `relisted` or when pages came or went: each is made again when next asked for.
    fn forget(&mut self, wanted: &HashSet<String>, relisted: bool) -> Update {
        let paths = served(&self.site.plan);
        let removed: Vec<String> = self.paths.difference(&paths).cloned().collect();
        let added = paths.difference(&self.paths).next().is_some();
        let summaries = relisted || added || !removed.is_empty();
        let mut changed: Vec<String> = self
            .site
            .plan
            .iter()
            .filter(|o| {
                (summaries && o.kind.stage() == Stage::Summary)
                    || (wanted.contains(&o.path) && paths.contains(&o.path))
            })
            .map(|o| o.path.clone())
            .collect();
        changed.sort();
        changed.dedup();
        let mut cache = lock(&self.cache);
        let mut known = lock(&self.known);
        for path in changed.iter().chain(&removed) {
            cache.remove(path);
            known.remove(path);
        }
        drop((cache, known));
        self.paths = paths;
        Update {
            changed,
            removed,
            full: false,
        }
    }

    /// The edited articles read and annotated again, or `None` when the edit adds, removes or
    /// renames a page: other pages link to articles by slug, so that takes a full build.
    fn edit(&self, changed: &[PathBuf]) -> Result<Option<Edit>, BuildError> {
        let config = &self.site.config;
        let changed_files: HashSet<PathBuf> = changed
            .iter()
            .map(|p| crate::source::display_path(&config.root, p))
            .collect();
        let sources = read_articles(config, changed)?;
        // The documents the edit replaces, and the site without them.
        let (replaced, mut documents): (Vec<Arc<Document>>, Vec<Arc<Document>>) = self
            .site
            .parts
            .documents
            .iter()
            .cloned()
            .partition(|d| changed_files.contains(&d.source));
        if !same_pages(&replaced, &sources, self.options.drafts) {
            return Ok(None);
        }
        let fresh = self.annotate(sources)?;
        // A figure's source lists it on its own page: a change of figures relinks everything.
        let figures =
            |docs: &[Arc<Document>]| -> Vec<(String, String, Vec<crate::load::facts::Fact>)> {
                let mut all: Vec<_> = docs
                    .iter()
                    .map(|d| (d.key.clone(), d.lang.clone(), d.front.figures.clone()))
                    .collect();
                all.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
                all
            };
        if figures(&replaced) != figures(&fresh) {
            return Ok(None);
        }
        let keys = replaced
            .iter()
            .chain(&fresh)
            .map(|d| d.key.clone())
            .collect();
        for doc in &fresh {
            let at = documents
                .binary_search_by(|d| d.source.cmp(&doc.source))
                .unwrap_or_else(|at| at);
            documents.insert(at, Arc::clone(doc));
        }
        Ok(Some(Edit {
            keys,
            replaced,
            fresh,
            documents,
        }))
    }
}

/// Articles edited, before and after.
struct Edit {
    /// The keys of the articles edited.
    keys: BTreeSet<String>,
    /// Their documents before the edit.
    replaced: Vec<Arc<Document>>,
    /// Their documents now.
    fresh: Vec<Arc<Document>>,
    /// Every document of the site after the edit, by file.
    documents: Vec<Arc<Document>>,
}

impl Session {
    /// The edited articles, annotated alone against the site's entities and articles; any
    /// error stops the rebuild.
    fn annotate(
        &self,
        sources: Vec<load::ArticleSource>,
    ) -> Result<Vec<Arc<Document>>, BuildError> {
        let config = &self.site.config;
        let parts = &self.site.parts;
        let urls = Urls::new(&config.base_path);
        let annotator = Annotator {
            lexicon: &parts.lexicon,
            urls: &urls,
            targets: &parts.targets,
            allow_html: config.allow_html,
            link_every_mention: config.link_every_mention,
            collect_text: false,
            html: false,
            snippets: true,
            text_limit: 0,
        };
        let mut problems = Vec::new();
        let mut fresh = Vec::new();
        for source in sources {
            let annotated = annotator.annotate(&source.src, source.body_start, &source.lang);
            problems.extend(annotated.problems.iter().filter(|d| d.is_error()).cloned());
            fresh.push(Arc::new(Document::new(source, annotated)));
        }
        if !problems.is_empty() {
            analyze::sort(&mut problems);
            analyze::group_unknown_entities(&mut problems);
            return Err(problems.into());
        }
        Ok(fresh)
    }
}

/// The changed article files that still exist, read and split; any error stops the rebuild.
fn read_articles(
    config: &Config,
    changed: &[PathBuf],
) -> Result<Vec<load::ArticleSource>, BuildError> {
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for path in changed.iter().filter(|p| p.is_file()) {
        match load::load_article(config, path) {
            Ok(source) => sources.push(source),
            Err(mut errs) => problems.append(&mut errs),
        }
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(problems.into())
    }
}

/// Whether the edit keeps the same published pages (key, language and slug of each).
fn same_pages(replaced: &[Arc<Document>], sources: &[load::ArticleSource], drafts: bool) -> bool {
    let published = |key: &str, lang: &str, slug: &str, waits: bool| {
        (!waits).then(|| (key.to_string(), lang.to_string(), slug.to_string()))
    };
    let before: BTreeSet<_> = replaced
        .iter()
        .filter_map(|d| published(&d.key, &d.lang, &d.front.slug, d.front.waits(drafts)))
        .collect();
    let after: BTreeSet<_> = sources
        .iter()
        .filter_map(|s| published(&s.key, &s.lang, &s.front.slug, s.front.waits(drafts)))
        .collect();
    before == after
}

/// The paths of the outputs of `plan` that `touches`.
fn touched(plan: &[Output], touches: impl Fn(&Output) -> bool) -> HashSet<String> {
    plan.iter()
        .filter(|o| touches(o))
        .map(|o| o.path.clone())
        .collect()
}

/// The outputs `serve` makes from memory: pages, summaries and streamed files (the search
/// index's files are the index's, and `static/` is read from disk).
fn served(plan: &[Output]) -> BTreeSet<String> {
    plan.iter()
        .filter(|o| matches!(o.kind.stage(), Stage::Page | Stage::Summary | Stage::Stream))
        .map(|o| o.path.clone())
        .collect()
}

/// The cache or the index, even if a thread panicked while holding it (it is then only
/// incomplete).
fn lock<T>(held: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    held.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Rendered pages kept for serving again; beyond its budget of bytes, the pages kept longest
/// are dropped first (they are rendered again when asked for).
struct PageCache {
    budget: usize,
    bytes: usize,
    pages: HashMap<String, Arc<[u8]>>,
    /// Paths in the order they were kept; some may have been removed since.
    order: VecDeque<String>,
}

impl PageCache {
    fn new(budget: usize) -> Self {
        PageCache {
            budget,
            bytes: 0,
            pages: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.pages.get(path).cloned()
    }

    /// Keeps `content` as the page at `path` if it fits the budget, and returns it shared.
    fn insert(&mut self, path: &str, content: &str) -> Arc<[u8]> {
        let content: Arc<[u8]> = Arc::from(content.as_bytes());
        if content.len() > self.budget {
            self.remove(path);
            return content;
        }
        match self.pages.insert(path.to_string(), Arc::clone(&content)) {
            Some(old) => self.bytes -= old.len(),
            None => self.order.push_back(path.to_string()),
        }
        self.bytes += content.len();
        while self.bytes > self.budget {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.remove(&oldest);
        }
        // Paths removed since they were kept linger in `order`: drop them now and then.
        if self.order.len() > 2 * self.pages.len() + 64 {
            let mut seen = HashSet::new();
            let pages = &self.pages;
            self.order
                .retain(|p| pages.contains_key(p) && seen.insert(p.clone()));
        }
        content
    }

    fn remove(&mut self, path: &str) {
        if let Some(old) = self.pages.remove(path) {
            self.bytes -= old.len();
        }
    }
}

/// The outputs an edit of some articles touches: those articles' pages, some or all pages of
/// these entities (`None`: all), some or all listings of these languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Selection {
    articles: BTreeSet<String>,
    entities: BTreeMap<String, Option<BTreeSet<usize>>>,
    listing_languages: BTreeMap<String, Option<BTreeSet<usize>>>,
}

impl Selection {
    fn wants(&self, source: Source) -> bool {
        let page_of = |map: &BTreeMap<String, Option<BTreeSet<usize>>>, key: &str, page| {
            map.get(key)
                .is_some_and(|pages| pages.as_ref().is_none_or(|p| p.contains(&page)))
        };
        match source {
            Source::Article(key) => self.articles.contains(key),
            Source::Entity { id, page } => page_of(&self.entities, id, page),
            Source::EntityBacklinks(id) => self.entities.contains_key(id),
            Source::Listing {
                lang,
                page: Some(page),
            } => page_of(&self.listing_languages, lang, page),
            Source::Listing { lang, page: None } => self.listing_languages.contains_key(lang),
            // The open data holds every article; the search index, among these outputs, is
            // updated apart from them, page by page (see `search::Live`).
            Source::Content | Source::Knowledge => !self.articles.is_empty(),
            // Summaries follow from the pages; the rest does not depend on articles.
            Source::Pages | Source::Site | Source::Static => false,
        }
    }
}

/// What an edit to the articles `keys` can change, measured on the graph before and after
/// it: the listings of their languages and the pages of the entities they name.
struct Footprint {
    keys: BTreeSet<String>,
    /// Per language: how many articles its listing shows, and where the edited ones sit.
    listings: BTreeMap<String, (usize, Vec<usize>)>,
    entities: BTreeMap<String, Option<Shape>>,
    /// Entities the edited articles name in their fields (a figure's source, an event's
    /// participants): their pages show those figures and events. And the entities whose
    /// files cite an edited article as their source: their pages show its title.
    named: BTreeSet<String>,
    /// Articles that cite an edited one as a source: their pages show its title.
    citing: BTreeSet<String>,
}

impl Footprint {
    /// `fresh` are the edited documents, whose mentions count even before they are linked.
    fn measure(graph: &Graph, keys: &BTreeSet<String>, fresh: &[Arc<Document>]) -> Footprint {
        let mut ids: BTreeSet<&str> = fresh
            .iter()
            .flat_map(|d| d.mentions.iter().map(|m| &*m.entity))
            .collect();
        let mut langs: BTreeSet<&str> = fresh.iter().map(|d| d.lang.as_str()).collect();
        let edited: Vec<&crate::graph::Article> =
            keys.iter().filter_map(|k| graph.article(k)).collect();
        let mut named = BTreeSet::new();
        for doc in fresh.iter().map(|d| &**d).chain(
            edited
                .iter()
                .flat_map(|a| a.versions.values().map(|v| &*v.doc)),
        ) {
            named.extend(
                references::of_article(&doc.front)
                    .into_iter()
                    .map(|(_, name, _)| name.to_string()),
            );
        }
        for version in edited.iter().flat_map(|a| a.versions.values()) {
            langs.insert(&version.lang);
            ids.extend(version.mentions.iter().map(|m| &*m.entity));
        }
        let listings = langs
            .into_iter()
            .map(|lang| {
                let mut count = 0;
                let mut at = Vec::new();
                for article in graph
                    .articles
                    .iter()
                    .filter(|a| a.versions.contains_key(lang))
                {
                    if keys.contains(&article.key) {
                        at.push(count);
                    }
                    count += 1;
                }
                (lang.to_string(), (count, at))
            })
            .collect();
        let entities = ids
            .into_iter()
            .map(|id| {
                let shape = graph.entity(id).map(|e| entity_shape(graph, e, keys));
                (id.to_string(), shape)
            })
            .collect();
        let cites_edited = |names: Vec<(String, &str, references::Names)>| {
            names
                .iter()
                .any(|(_, name, kind)| *kind == references::Names::Source && keys.contains(*name))
        };
        named.extend(
            graph
                .entities
                .iter()
                .filter(|e| cites_edited(references::of_entity(&e.source)))
                .map(|e| e.id().to_string()),
        );
        let citing = graph
            .articles
            .iter()
            .filter(|a| {
                a.versions
                    .values()
                    .any(|v| cites_edited(references::of_article(&v.front)))
            })
            .map(|a| a.key.clone())
            .collect();
        Footprint {
            keys: keys.clone(),
            listings,
            entities,
            named,
            citing,
        }
    }

    /// The pages to render again. A listing or entity whose shape is unchanged (same counts,
    /// the edited articles at the same places) only needs the pages that show those articles.
    fn selection(&self, after: &Footprint, per_page: usize, articles_per_page: usize) -> Selection {
        let mut selection = Selection {
            articles: self
                .keys
                .iter()
                .chain(&self.citing)
                .chain(&after.citing)
                .cloned()
                .collect(),
            ..Selection::default()
        };
        for lang in self.listings.keys().chain(after.listings.keys()) {
            let pages = match (self.listings.get(lang), after.listings.get(lang)) {
                (Some(old), Some(new)) if old == new => {
                    Some(old.1.iter().map(|p| p / articles_per_page + 1).collect())
                }
                _ => None,
            };
            selection.listing_languages.insert(lang.clone(), pages);
        }
        for id in self.entities.keys().chain(after.entities.keys()) {
            let pages = match (self.entities.get(id), after.entities.get(id)) {
                // The first page too: its timeline shows the newest articles of them all.
                (Some(Some(old)), Some(Some(new))) if old == new => Some(
                    old.positions
                        .iter()
                        .flat_map(|(_, positions)| positions.iter().map(|p| p / per_page + 1))
                        .chain([1])
                        .collect(),
                ),
                _ => None,
            };
            selection.entities.insert(id.clone(), pages);
        }
        for id in self.named.iter().chain(&after.named) {
            selection.entities.insert(id.clone(), None);
        }
        selection
    }
}

/// What decides an entity's pages besides the edited articles' own text: how many backlinks
/// each language has, where the edited articles sit among them, and the co-mentions.
#[derive(PartialEq, Eq)]
struct Shape {
    positions: Vec<(String, Vec<usize>)>,
    counts: Vec<(String, usize)>,
    co_mentions: Vec<(String, usize)>,
}

fn entity_shape(graph: &Graph, entity: &crate::graph::Entity, keys: &BTreeSet<String>) -> Shape {
    Shape {
        positions: entity
            .backlinks
            .iter()
            .map(|(lang, list)| {
                let at = list
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| keys.contains(&graph.articles[b.article].key))
                    .map(|(i, _)| i)
                    .collect();
                (lang.clone(), at)
            })
            .collect(),
        counts: entity
            .backlinks
            .iter()
            .map(|(l, list)| (l.clone(), list.len()))
            .collect(),
        co_mentions: entity
            .co_mentions
            .iter()
            .map(|&(e, n)| (graph.entities[e].id().to_string(), n))
            .collect(),
    }
}
