//! Rebuilding after an edit. An edited article is re-read and re-annotated alone and relinked
//! in the graph in place (every other document and link is kept); only the pages the edit
//! touches are rendered again: the article in each language, the pages of the entities it
//! mentions before and after the edit, and the listing pages that show it (plus the sitemap,
//! when pages, dates or translations change). Anything else (an entity, the configuration, a
//! new or renamed article) falls back to a full build; a template change re-renders the pages
//! that use it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::analyze::{self, AnalyzeOptions, Bodies, Parts};
use crate::annotate::Annotator;
use crate::build::{self, BuildError};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::{Document, Graph};
use crate::load;
use crate::render::{Page, Renderer, Selection, Theme};
use crate::urls::Urls;

/// A built site kept in memory with everything needed to rebuild part of it.
pub struct Session {
    options: build::Options,
    config: Config,
    theme: Theme,
    parts: Parts,
    graph: Graph,
    pages: BTreeMap<String, Page>,
}

/// What a rebuild changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// Pages rendered again (some may be byte-identical to before).
    pub rendered: Vec<String>,
    /// Pages that no longer exist.
    pub removed: Vec<String>,
    /// True when the whole site was rebuilt.
    pub full: bool,
}

impl Session {
    /// A full build into memory.
    pub fn start(options: &build::Options) -> Result<Session, BuildError> {
        let config = build::load_config(options)?;
        let analysis = analyze::analyze(
            config,
            AnalyzeOptions {
                drafts: options.drafts,
                suggest: false,
                check_only: false,
            },
        );
        if analysis.has_errors() {
            return Err(analysis.diagnostics.into());
        }
        let (config, graph, parts) = match analysis.graph {
            Some(graph) => (analysis.config, graph, analysis.parts),
            None => return Err(analysis.diagnostics.into()),
        };
        let theme = Theme::load(&config).map_err(BuildError::from)?;
        let bodies = Bodies::new(&config, &parts);
        let pages = Renderer::new(&config, &graph, &theme, &bodies).render_all()?;
        Ok(Session {
            options: options.clone(),
            pages: pages.into_iter().map(|p| (p.path.clone(), p)).collect(),
            config,
            theme,
            parts,
            graph,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn pages(&self) -> impl Iterator<Item = &Page> {
        self.pages.values()
    }

    /// Hands over the content of a page, leaving it empty here: `serve` keeps the one copy it
    /// serves, and the session needs only each page's path, alternates and date to go on.
    pub fn take_content(&mut self, path: &str) -> Option<String> {
        self.pages
            .get_mut(path)
            .map(|page| std::mem::take(&mut page.content))
    }

    /// The paths of every page.
    pub fn paths(&self) -> Vec<String> {
        self.pages.keys().cloned().collect()
    }

    /// Number of HTML pages.
    pub fn page_count(&self) -> usize {
        self.pages.keys().filter(|p| p.ends_with(".html")).count()
    }

    /// Rebuilds after changes to `changed` (absolute paths). On error the session is unchanged.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, BuildError> {
        // A symbolic link is judged by the full build's walk, which skips links leaving the site.
        let linked = changed
            .iter()
            .any(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()));
        if linked {
            return self.rebuild_all();
        }
        let templates_dir = self.config.root.join("templates");
        let only_templates = changed.iter().all(|p| {
            p.parent() == Some(templates_dir.as_path())
                && p.extension().is_some_and(|e| e == "html" || e == "xml")
        });
        if only_templates {
            return self.update_templates(changed);
        }
        let articles_dir = self.config.root.join("content").join("articles");
        let only_articles = changed.iter().all(|p| {
            p.parent() == Some(articles_dir.as_path()) && p.extension().is_some_and(|e| e == "md")
        });
        if !only_articles {
            return self.rebuild_all();
        }
        match self.update_articles(changed)? {
            Some(update) => Ok(update),
            None => self.rebuild_all(),
        }
    }

    fn rebuild_all(&mut self) -> Result<Update, BuildError> {
        let fresh = Session::start(&self.options)?;
        let removed = self
            .pages
            .keys()
            .filter(|p| !fresh.pages.contains_key(*p))
            .cloned()
            .collect();
        *self = fresh;
        Ok(Update {
            rendered: self.pages.keys().cloned().collect(),
            removed,
            full: true,
        })
    }

    /// A template changed: recompile them all, render again the pages that use it.
    fn update_templates(&mut self, changed: &[PathBuf]) -> Result<Update, BuildError> {
        let theme = Theme::load(&self.config).map_err(BuildError::from)?;
        let names: BTreeSet<&str> = changed
            .iter()
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()))
            .collect();
        let graph = &self.graph;
        let mut selection = Selection::default();
        let mut special = Vec::new();
        let mut everything = false;
        for name in &names {
            match *name {
                "article.html" => selection
                    .articles
                    .extend(graph.articles.iter().map(|a| a.key.clone())),
                "entity.html" => selection
                    .entities
                    .extend(graph.entities.iter().map(|e| (e.id().to_string(), None))),
                "home.html" | "entities.html" => selection
                    .listing_languages
                    .extend(self.config.languages.iter().map(|l| (l.clone(), None))),
                "404.html" | "sitemap.xml" | "sitemap_index.xml" => special.push(*name),
                // The base layout, or a partial that any page may include.
                _ => everything = true,
            }
        }
        let bodies = Bodies::new(&self.config, &self.parts);
        let renderer = Renderer::new(&self.config, graph, &theme, &bodies);
        let rendered = if everything {
            renderer.render_all()
        } else {
            let mut pages = renderer.render_selection(&selection)?;
            if special.contains(&"404.html") {
                pages.push(renderer.not_found()?);
            }
            if special.iter().any(|name| name.starts_with("sitemap")) {
                let all: Vec<&Page> = self.pages.values().collect();
                pages.extend(renderer.sitemaps(&all)?);
            }
            Ok(pages)
        }?;
        let mut update = Update::default();
        for page in rendered {
            update.rendered.push(page.path.clone());
            self.pages.insert(page.path.clone(), page);
        }
        self.theme = theme;
        Ok(update)
    }

    /// The incremental path; `None` when the edit changes what other pages link to.
    fn update_articles(&mut self, changed: &[PathBuf]) -> Result<Option<Update>, BuildError> {
        let config = &self.config;
        let root = &config.root;
        let changed_files: HashSet<PathBuf> = changed
            .iter()
            .map(|p| crate::source::display_path(root, p))
            .collect();
        let sources = read_articles(config, changed)?;
        let drafts = self.options.drafts;
        // The documents the edit replaces, and the site without them.
        let (replaced, mut documents): (Vec<Arc<Document>>, Vec<Arc<Document>>) = self
            .parts
            .documents
            .iter()
            .cloned()
            .partition(|d| changed_files.contains(&d.source));
        // Other pages link to articles by slug: a new, removed or renamed page means a full build.
        if !same_pages(&replaced, &sources, drafts) {
            return Ok(None);
        }

        let fresh = self.annotate(sources)?;

        let keys: BTreeSet<String> = replaced
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

        let footprint = |graph: &Graph| Footprint::measure(graph, &keys, &fresh);
        let old = footprint(&self.graph);
        let shown = |docs: &[Arc<Document>]| -> Vec<Arc<Document>> {
            docs.iter()
                .filter(|d| drafts || !d.front.draft)
                .cloned()
                .collect()
        };
        // Relinking the edited articles alone is the common case; a date that reorders the
        // articles renumbers every backlink, so that takes a new graph.
        let rebuilt = if self.graph.replace_documents(&shown(&fresh)) {
            None
        } else {
            let graph = Graph::build(&documents, &self.parts.entities, &self.parts.prose, drafts)
                .map_err(BuildError::from)?;
            Some(graph)
        };
        let graph = rebuilt.as_ref().unwrap_or(&self.graph);
        let selection = old.selection(
            &footprint(graph),
            config.backlinks_per_page,
            config.articles_per_page,
        );
        let bodies = Bodies::new(config, &self.parts);
        let renderer = Renderer::new(config, graph, &self.theme, &bodies);
        let update = match apply(&renderer, &selection, &mut self.pages) {
            Ok(update) => update,
            Err(d) => {
                if rebuilt.is_none() {
                    self.graph.replace_documents(&shown(&replaced));
                }
                return Err(d.into());
            }
        };
        self.parts.documents = documents;
        if let Some(graph) = rebuilt {
            self.graph = graph;
        }
        Ok(Some(update))
    }
}

impl Session {
    /// The edited articles, annotated alone against the site's entities and articles; any
    /// error stops the rebuild.
    fn annotate(
        &self,
        sources: Vec<load::ArticleSource>,
    ) -> Result<Vec<Arc<Document>>, BuildError> {
        let urls = Urls::new(&self.config.base_path);
        let annotator = Annotator {
            lexicon: &self.parts.lexicon,
            urls: &urls,
            targets: &self.parts.targets,
            allow_html: self.config.allow_html,
            collect_text: false,
            html: false,
            snippets: true,
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
    let published = |key: &str, lang: &str, slug: &str, draft: bool| {
        (drafts || !draft).then(|| (key.to_string(), lang.to_string(), slug.to_string()))
    };
    let before: BTreeSet<_> = replaced
        .iter()
        .filter_map(|d| published(&d.key, &d.lang, &d.front.slug, d.front.draft))
        .collect();
    let after: BTreeSet<_> = sources
        .iter()
        .filter_map(|s| published(&s.key, &s.lang, &s.front.slug, s.front.draft))
        .collect();
    before == after
}

/// Renders the selected pages into `pages`, removing those that are gone. `pages` is left
/// as it was when rendering fails.
fn apply(
    renderer: &Renderer,
    selection: &Selection,
    pages: &mut BTreeMap<String, Page>,
) -> Result<Update, Diagnostic> {
    let rendered = renderer.render_selection(selection)?;
    let fresh_paths: HashSet<&str> = rendered.iter().map(|p| p.path.as_str()).collect();
    let mut removed: Vec<String> = pages
        .keys()
        .filter(|p| owned_by(p, selection) && !fresh_paths.contains(p.as_str()))
        .cloned()
        .collect();
    // Sitemaps list every page with its translations and date: they change only when a page
    // appears or goes, or a date moves. Rendering them for 30,000 pages is the cost of a
    // whole incremental rebuild, so they are skipped otherwise.
    let mut sitemap_changed = !removed.is_empty();
    for page in &rendered {
        sitemap_changed |= pages
            .get(&page.path)
            .is_none_or(|old| old.lastmod != page.lastmod || old.alternates != page.alternates);
    }
    let sitemaps = if sitemap_changed {
        let all: Vec<&Page> = pages
            .values()
            .filter(|p| !fresh_paths.contains(p.path.as_str()) && !removed.contains(&p.path))
            .chain(&rendered)
            .collect();
        let sitemaps = renderer.sitemaps(&all)?;
        // Fewer pages can mean fewer sitemap files.
        removed.extend(
            pages
                .keys()
                .filter(|p| p.starts_with("sitemaps/") && !sitemaps.iter().any(|s| &s.path == *p))
                .cloned(),
        );
        sitemaps
    } else {
        Vec::new()
    };
    for path in &removed {
        pages.remove(path);
    }
    let mut update = Update {
        removed,
        ..Update::default()
    };
    for page in rendered.into_iter().chain(sitemaps) {
        update.rendered.push(page.path.clone());
        pages.insert(page.path.clone(), page);
    }
    Ok(update)
}

/// What an edit to the articles `keys` can change, measured on the graph before and after
/// it: the listings of their languages and the pages of the entities they name.
struct Footprint {
    keys: BTreeSet<String>,
    /// Per language: how many articles its listing shows, and where the edited ones sit.
    listings: BTreeMap<String, (usize, Vec<usize>)>,
    entities: BTreeMap<String, Option<Shape>>,
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
        Footprint {
            keys: keys.clone(),
            listings,
            entities,
        }
    }

    /// The pages to render again. A listing or entity whose shape is unchanged (same counts,
    /// the edited articles at the same places) only needs the pages that show those articles.
    fn selection(&self, after: &Footprint, per_page: usize, articles_per_page: usize) -> Selection {
        let mut selection = Selection {
            articles: self.keys.clone(),
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
                (Some(Some(old)), Some(Some(new))) if old == new => Some(
                    old.positions
                        .iter()
                        .flat_map(|(_, positions)| positions.iter().map(|p| p / per_page + 1))
                        .collect(),
                ),
                _ => None,
            };
            selection.entities.insert(id.clone(), pages);
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

/// An entity selected with all its pages has them all rendered again, so one that is not
/// (fewer backlinks, fewer pages) is gone. Article paths never vanish on this path: a removed
/// or renamed article takes the full build.
fn owned_by(path: &str, selection: &Selection) -> bool {
    let mut parts = path.splitn(4, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some("entities"), Some(id)) => matches!(selection.entities.get(id), Some(None)),
        (Some(lang), Some("page"), Some(_)) => {
            matches!(selection.listing_languages.get(lang), Some(None))
        }
        _ => false,
    }
}
