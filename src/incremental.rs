//! Rebuilding after an edit. An edited article is re-read and re-annotated alone; every other
//! document is reused; and only the pages the edit touches are rendered again: the article in
//! each language, the pages of the entities it mentions before and after the edit, and the
//! listings of its languages (plus the sitemap). Anything else (an entity, a template, the
//! configuration, a renamed slug) falls back to a full build.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::annotate::Annotator;
use crate::build::{self, AnalyzeOptions, BuildError, Parts};
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

fn fail(diagnostics: Vec<Diagnostic>) -> BuildError {
    BuildError { diagnostics }
}

impl Session {
    /// A full build into memory.
    pub fn start(options: &build::Options) -> Result<Session, BuildError> {
        let config = build::load_config(options)?;
        let analysis = build::analyze(
            config,
            AnalyzeOptions {
                drafts: options.drafts,
                suggest: false,
                check_only: false,
            },
        );
        if analysis.has_errors() {
            return Err(fail(analysis.diagnostics));
        }
        let (config, graph, parts) = match analysis.graph {
            Some(graph) => (analysis.config, graph, analysis.parts),
            None => return Err(fail(analysis.diagnostics)),
        };
        let theme = Theme::load(&config).map_err(fail)?;
        let pages = Renderer::new(&config, &graph, &theme)
            .render_all()
            .map_err(|d| fail(vec![d]))?;
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

    pub fn page(&self, path: &str) -> Option<&Page> {
        self.pages.get(path)
    }

    /// Number of HTML pages.
    pub fn page_count(&self) -> usize {
        self.pages.keys().filter(|p| p.ends_with(".html")).count()
    }

    /// Rebuilds after changes to `changed` (absolute paths). On error the session is unchanged.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, BuildError> {
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
        let theme = Theme::load(&self.config).map_err(fail)?;
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
                "404.html" | "sitemap.xml" => special.push(*name),
                // The base layout, or a partial that any page may include.
                _ => everything = true,
            }
        }
        let renderer = Renderer::new(&self.config, graph, &theme);
        let rendered = if everything {
            renderer.render_all()
        } else {
            let mut pages = renderer
                .render_selection(&selection)
                .map_err(|d| fail(vec![d]))?;
            if special.contains(&"404.html") {
                pages.push(renderer.not_found().map_err(|d| fail(vec![d]))?);
            }
            if special.contains(&"sitemap.xml") {
                let all: Vec<&Page> = self.pages.values().collect();
                pages.push(renderer.sitemap(&all).map_err(|d| fail(vec![d]))?);
            }
            Ok(pages)
        }
        .map_err(|d| fail(vec![d]))?;
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
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        for path in changed.iter().filter(|p| p.is_file()) {
            match load::load_article(config, path) {
                Ok(source) => sources.push(source),
                Err(mut errs) => problems.append(&mut errs),
            }
        }
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        // Other pages link to articles by slug: a new, removed or renamed page means a full build.
        let mut targets = self.parts.targets.articles.clone();
        for doc in self
            .parts
            .documents
            .iter()
            .filter(|d| changed_files.contains(&d.source))
        {
            targets.remove(&(doc.key.clone(), doc.lang.clone()));
        }
        for s in sources
            .iter()
            .filter(|s| self.options.drafts || !s.front.draft)
        {
            targets.insert((s.key.clone(), s.lang.clone()), s.front.slug.clone());
        }
        if targets != self.parts.targets.articles {
            return Ok(None);
        }

        let urls = Urls::new(&config.base_path);
        let annotator = Annotator {
            lexicon: &self.parts.lexicon,
            urls: &urls,
            targets: &self.parts.targets,
            allow_html: config.allow_html,
            collect_text: false,
            render: true,
        };
        let mut fresh = Vec::new();
        for source in sources {
            let annotated = annotator.annotate(&source.src, source.body_start, &source.lang);
            problems.extend(annotated.problems.iter().filter(|d| d.is_error()).cloned());
            fresh.push(Arc::new(Document::new(source, annotated)));
        }
        if !problems.is_empty() {
            build::sort(&mut problems);
            return Err(fail(problems));
        }

        let keys: BTreeSet<String> = self
            .parts
            .documents
            .iter()
            .filter(|d| changed_files.contains(&d.source))
            .chain(&fresh)
            .map(|d| d.key.clone())
            .collect();
        let mut documents: Vec<Arc<Document>> = self
            .parts
            .documents
            .iter()
            .filter(|d| !changed_files.contains(&d.source))
            .cloned()
            .collect();
        documents.extend(fresh);
        documents.sort_by(|a, b| a.source.cmp(&b.source));
        let graph = Graph::build(
            &documents,
            &self.parts.entities,
            &self.parts.prose,
            self.options.drafts,
        )
        .map_err(fail)?;

        let selection = affected(
            &self.graph,
            &graph,
            &keys,
            config.backlinks_per_page,
            config.articles_per_page,
        );
        let renderer = Renderer::new(config, &graph, &self.theme);
        let rendered = renderer
            .render_selection(&selection)
            .map_err(|d| fail(vec![d]))?;

        let stale: Vec<String> = self
            .pages
            .keys()
            .filter(|p| owned_by(p, &selection))
            .cloned()
            .collect();
        let mut update = Update::default();
        let fresh_paths: HashSet<&str> = rendered.iter().map(|p| p.path.as_str()).collect();
        for path in stale {
            if !fresh_paths.contains(path.as_str()) {
                self.pages.remove(&path);
                update.removed.push(path);
            }
        }
        // The sitemap lists every page with its translations and date: it changes only when a
        // page appears or goes, or a date moves. Rendering it for 30,000 pages is the cost of
        // a whole incremental rebuild, so it is skipped otherwise.
        let mut sitemap_changed = !update.removed.is_empty();
        for page in rendered {
            update.rendered.push(page.path.clone());
            match self.pages.insert(page.path.clone(), page) {
                Some(old) => {
                    let new = &self.pages[&old.path];
                    sitemap_changed |=
                        old.lastmod != new.lastmod || old.alternates != new.alternates;
                }
                None => sitemap_changed = true,
            }
        }
        if sitemap_changed {
            let all: Vec<&Page> = self.pages.values().collect();
            let sitemap = renderer.sitemap(&all).map_err(|d| fail(vec![d]))?;
            update.rendered.push(sitemap.path.clone());
            self.pages.insert(sitemap.path.clone(), sitemap);
        }

        self.parts.documents = documents;
        self.graph = graph;
        Ok(Some(update))
    }
}

/// The pages an edit to the articles `keys` touches, judged on the graph before and after.
/// An entity whose backlinks and co-mentions keep their shape (same count, the edited articles
/// at the same places) only needs the backlink pages that show those articles.
fn affected(
    before: &Graph,
    after: &Graph,
    keys: &BTreeSet<String>,
    per_page: usize,
    articles_per_page: usize,
) -> Selection {
    let mut selection = Selection {
        articles: keys.clone(),
        ..Selection::default()
    };
    let mut ids = BTreeSet::new();
    let mut langs = BTreeSet::new();
    for graph in [before, after] {
        for article in graph.articles.iter().filter(|a| keys.contains(&a.key)) {
            for version in article.versions.values() {
                langs.insert(version.lang.clone());
                ids.extend(version.mentions.iter().map(|m| m.entity.clone()));
            }
        }
    }
    // A home page shows the edited articles at their places; when none moved and the count is
    // the same, only the pages showing them change.
    for lang in langs {
        let places = |graph: &Graph| -> (usize, Vec<usize>) {
            let listed: Vec<&str> = graph
                .articles
                .iter()
                .filter(|a| a.versions.contains_key(&lang))
                .map(|a| a.key.as_str())
                .collect();
            let at = listed
                .iter()
                .enumerate()
                .filter(|(_, k)| keys.contains(**k))
                .map(|(i, _)| i)
                .collect();
            (listed.len(), at)
        };
        let (old, new) = (places(before), places(after));
        let pages = (old == new).then(|| old.1.iter().map(|p| p / articles_per_page + 1).collect());
        selection.listing_languages.insert(lang, pages);
    }
    for id in ids {
        let shape = |graph: &Graph| graph.entity(&id).map(|e| entity_shape(graph, e, keys));
        let pages = match (shape(before), shape(after)) {
            (Some(old), Some(new)) if old == new => Some(
                old.positions
                    .iter()
                    .flat_map(|(_, positions)| positions.iter().map(|p| p / per_page + 1))
                    .collect(),
            ),
            _ => None,
        };
        selection.entities.insert(id, pages);
    }
    selection
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
