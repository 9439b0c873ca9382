//! Every file the site produces, as one list: the registry of output kinds and the plan of a
//! site's outputs, known before anything is rendered or written.
//!
//! Each [`Kind`] declares its templates ([`Kind::templates`]), what it is made from
//! ([`Output::source`], which tells a rebuild which edits change it) and its path (through
//! [`crate::urls`]). The build journals the plan before writing, `serve` re-renders from it,
//! and [`collisions`] checks it for files that would land on one another.

mod collisions;
mod inputs;

pub(crate) use collisions::collisions;
pub(crate) use inputs::Inputs;

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::graph::{Entity, Graph};
use crate::source;
use crate::urls;

/// The most URLs a sitemap file lists. The protocol allows 50,000; smaller files also keep
/// the memory one takes to render small (31,906 entries in one took 86 MiB).
pub(crate) const SITEMAP_URLS: usize = 5_000;

/// One kind of output. Languages, articles and entities are indexes into the configuration's
/// languages and the graph's articles and entities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A page of a language's home, listing its articles; `root` for the copy of the default
    /// language's first page at the site root.
    Home {
        lang: usize,
        page: usize,
        root: bool,
    },
    /// The entities of a language, by type.
    EntityIndex { lang: usize },
    /// An article in one language.
    Article { lang: usize, article: usize },
    /// A page of an entity's backlinks in one language.
    Entity {
        lang: usize,
        entity: usize,
        page: usize,
    },
    /// The Atom feed of a language's latest articles.
    Feed { lang: usize },
    /// The Atom feed of the latest articles that mention an entity, in one language.
    EntityFeed { lang: usize, entity: usize },
    /// `404.html`, in every language.
    NotFound,
    /// The sitemap (`part` 0: `sitemap.xml`, the urlset or the index of the parts).
    Sitemap { part: usize },
    /// What the preview cards of a language's entity mentions show (`<lang>/previews.json`).
    Previews { lang: usize },
    /// A language's search page.
    Search { lang: usize },
    /// A language's timeline: events and articles in time.
    Timeline { lang: usize },
    /// A language's map of the places with coordinates.
    Map { lang: usize },
    /// A language's graph of the most mentioned entities and what links them.
    Graph { lang: usize },
    /// `map.svg`: the countries' outlines every map draws.
    MapOutlines,
    /// A language's search index: its root file, and beside it, in the folder the plan
    /// reserves for it, its shards and records (see [`Output::folder`]).
    SearchIndex { lang: usize },
    /// `robots.txt`, naming the sitemap.
    Robots,
    /// `site.webmanifest`: the site's name and icon for browsers that install it.
    Manifest,
    /// `.nojekyll`: GitHub Pages serves the site as is.
    NoJekyll,
    /// `CNAME`, for a custom domain.
    Cname,
    /// A file copied from `static/`.
    Static(PathBuf),
    /// A built-in file (the style sheet, scripts, icon) the site's `static/` does not replace.
    Asset(usize),
    /// An entity's facts and the figures articles report from it, as CSV
    /// (`data/entities/<id>.csv`).
    EntityData { entity: usize },
    /// The knowledge graph, or the reported figures, as open data.
    Data(DataFile),
}

/// The files of open data under `data/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataFile {
    /// `data/graph.json`.
    Graph,
    /// `data/graph.jsonld`.
    JsonLd,
    /// `data/figures.csv`.
    Figures,
}

impl DataFile {
    /// Every one, with its path in the output.
    pub(crate) const ALL: [(DataFile, &'static str); 3] = [
        (DataFile::Graph, urls::DATA_GRAPH),
        (DataFile::JsonLd, urls::DATA_GRAPH_LD),
        (DataFile::Figures, urls::DATA_FIGURES),
    ];
}

/// The files every page may ask for, published at the site's root unless the site's `static/`
/// has its own of the same name.
pub(crate) const ASSETS: &[(&str, &str)] = &[
    (urls::STYLE, include_str!("../../static/style.css")),
    (
        urls::PREVIEWS_SCRIPT,
        include_str!("../../static/previews.js"),
    ),
    (urls::SEARCH_SCRIPT, include_str!("../../static/search.js")),
    (urls::FAVICON, include_str!("../../static/favicon.svg")),
];

/// Whether the file at `path` is a stylesheet, published minified.
pub(crate) fn is_stylesheet(path: &str) -> bool {
    path.ends_with(".css")
}

/// A stylesheet as published: without its comments and the spaces they and the rules do not
/// need. One the minifier cannot read is published as written.
pub(crate) fn minified_css(css: &str) -> String {
    minifier::css::minify(css).map_or_else(|_| css.to_string(), |m| m.to_string())
}

/// The size a file of `static/` is published at (a stylesheet minified), as the build will
/// write it; `None` when it cannot be read.
pub(crate) fn published_len(path: &str, from: &std::path::Path) -> Option<u64> {
    if is_stylesheet(path) {
        let css = std::fs::read_to_string(from).ok()?;
        Some(minified_css(&css).len() as u64)
    } else {
        std::fs::metadata(from).ok().map(|m| m.len())
    }
}

/// One file of the output: its `/`-separated path relative to the output folder and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Output {
    pub path: String,
    pub kind: Kind,
}

/// What an output is made from: a rebuild renders again the outputs whose source an edit
/// touches. Every output also depends on the configuration and its templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source<'a> {
    /// One article (all its languages).
    Article(&'a str),
    /// One page of an entity's backlinks.
    Entity { id: &'a str, page: usize },
    /// Everything about an entity's backlinks (its feed lists the newest, on any page).
    EntityBacklinks(&'a str),
    /// A language's listings: one home page, or (`None`) a listing of every article.
    Listing { lang: &'a str, page: Option<usize> },
    /// Every page's path, languages and date.
    Pages,
    /// The text of every article and entity.
    Content,
    /// What every article says in its front matter, its teaser, and which entities it
    /// mentions how often: not the rest of its text.
    Knowledge,
    /// Only the configuration and the templates.
    Site,
    /// A file of `static/`.
    Static,
}

/// When an output is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// On its own, in parallel with the others.
    Page,
    /// After every page, from their paths, languages and dates.
    Summary,
    /// Beside the pages, from every article's and entity's text.
    Index,
    /// Written as it is made, never held whole: a file that grows with the site.
    Stream,
    /// Copied, not rendered.
    Copy,
}

impl Kind {
    /// Whether the sitemap lists it: a page of a language that search engines should find
    /// (not the root's copy of the home, a search page, a feed or a file).
    pub(crate) fn in_sitemap(&self) -> bool {
        match self {
            Kind::Home { root, .. } => !root,
            Kind::EntityData { .. } => false,
            Kind::EntityIndex { .. }
            | Kind::Article { .. }
            | Kind::Entity { .. }
            | Kind::Timeline { .. }
            | Kind::Map { .. }
            | Kind::Graph { .. } => true,
            Kind::Feed { .. }
            | Kind::EntityFeed { .. }
            | Kind::NotFound
            | Kind::Search { .. }
            | Kind::SearchIndex { .. }
            | Kind::Sitemap { .. }
            | Kind::Robots
            | Kind::Manifest
            | Kind::NoJekyll
            | Kind::Cname
            | Kind::Previews { .. }
            | Kind::MapOutlines
            | Kind::Data(_)
            | Kind::Asset(_)
            | Kind::Static(_) => false,
        }
    }

    /// The templates it is rendered with (a change to any other template, a partial or the
    /// base layout, renders everything again).
    pub(crate) fn templates(&self) -> &'static [&'static str] {
        match self {
            Kind::Home { .. } => &["home.html"],
            Kind::EntityData { .. } => &[],
            Kind::EntityIndex { .. } => &["entities.html"],
            Kind::Article { .. } => &["article.html"],
            Kind::Entity { .. } => &["entity.html"],
            Kind::Feed { .. } | Kind::EntityFeed { .. } => &["atom.xml"],
            Kind::NotFound => &["404.html"],
            Kind::Search { .. } => &["search.html"],
            Kind::Timeline { .. } => &["timeline.html"],
            Kind::Map { .. } => &["map.html"],
            Kind::Graph { .. } => &["graph.html"],
            Kind::Sitemap { .. } => &["sitemap.xml", "sitemap_index.xml"],
            Kind::Previews { .. }
            | Kind::SearchIndex { .. }
            | Kind::Robots
            | Kind::Manifest
            | Kind::NoJekyll
            | Kind::Cname
            | Kind::Asset(_)
            | Kind::Data(_)
            | Kind::MapOutlines
            | Kind::Static(_) => &[],
        }
    }

    pub(crate) fn stage(&self) -> Stage {
        match self {
            Kind::Home { .. }
            | Kind::EntityIndex { .. }
            | Kind::Article { .. }
            | Kind::Entity { .. }
            | Kind::EntityData { .. }
            | Kind::Feed { .. }
            | Kind::EntityFeed { .. }
            | Kind::NotFound
            | Kind::Previews { .. }
            | Kind::Search { .. }
            | Kind::Timeline { .. }
            | Kind::Map { .. }
            | Kind::Graph { .. }
            | Kind::MapOutlines
            | Kind::Robots
            | Kind::Manifest
            | Kind::NoJekyll
            | Kind::Asset(_)
            | Kind::Cname => Stage::Page,
            Kind::Data(_) => Stage::Stream,
            Kind::Sitemap { .. } => Stage::Summary,
            Kind::SearchIndex { .. } => Stage::Index,
            Kind::Static(_) => Stage::Copy,
        }
    }
}

impl Kind {
    /// What `check` and `build` call outputs of this kind when they say what weighs most.
    pub(crate) fn group(&self) -> &'static str {
        match self {
            Kind::Article { .. } => "article pages",
            Kind::Entity { page: 1, .. } => "entity pages",
            Kind::Entity { .. } => "entity pages past the first",
            Kind::EntityFeed { .. } => "entity feeds",
            Kind::SearchIndex { .. } => "search index",
            Kind::EntityData { .. } | Kind::Data(_) => "open data",
            Kind::Home { .. } => "home pages",
            Kind::Sitemap { .. } => "sitemaps",
            Kind::Static(_) | Kind::Asset(_) | Kind::MapOutlines => "static files",
            Kind::Previews { .. } => "link previews",
            Kind::EntityIndex { .. }
            | Kind::Feed { .. }
            | Kind::Search { .. }
            | Kind::Timeline { .. }
            | Kind::Map { .. }
            | Kind::Graph { .. }
            | Kind::NotFound
            | Kind::Robots
            | Kind::Manifest
            | Kind::NoJekyll
            | Kind::Cname => "other pages and files",
        }
    }
}

/// What the files of a plan weigh: each file given as its path and size (unknown: `None`),
/// counted under the kind of the output that makes it, and the manifest that lists them
/// (`manifest` bytes), which goes where the output goes (a bucket keeps it).
pub(crate) fn footprint(
    plan: &[Output],
    files: Vec<(&str, Option<u64>)>,
    manifest: u64,
) -> crate::hosts::Footprint {
    let by_path: std::collections::HashMap<&str, &Kind> =
        plan.iter().map(|o| (o.path.as_str(), &o.kind)).collect();
    let folders: Vec<&Output> = plan.iter().filter(|o| o.folder().is_some()).collect();
    let grouped = files.into_iter().map(|(path, size)| {
        let kind = by_path
            .get(path)
            .copied()
            .or_else(|| folders.iter().find(|o| o.makes(path)).map(|o| &o.kind));
        (path, size, kind.map_or("static files", Kind::group))
    });
    crate::hosts::Footprint::of(grouped.chain(std::iter::once((
        urls::MANIFEST,
        Some(manifest),
        "other pages and files",
    ))))
}

impl Output {
    /// The folder it makes every file of, for an output of more files than one (named when
    /// it is made): the folder of its planned file, which no other output may write into.
    pub(crate) fn folder(&self) -> Option<&str> {
        match self.kind {
            Kind::SearchIndex { .. } => self.path.rfind('/').map(|at| &self.path[..=at]),
            _ => None,
        }
    }

    /// Whether it makes the file at `path` (relative to the output folder).
    pub(crate) fn makes(&self, path: &str) -> bool {
        self.path == path
            || self.folder().is_some_and(|folder| {
                path.starts_with(folder) && !path[folder.len()..].contains("..")
            })
    }

    /// What it is made from, looked up in the graph it was planned from.
    pub(crate) fn source<'g>(&self, config: &'g Config, graph: &'g Graph) -> Source<'g> {
        let lang = |l: usize| config.languages[l].as_str();
        match self.kind {
            // The first page also names the entities most mentioned: any edit may change it.
            Kind::Home { lang: l, page, .. } => Source::Listing {
                lang: lang(l),
                page: (page > 1).then_some(page),
            },
            Kind::EntityIndex { lang: l } => Source::Listing {
                lang: lang(l),
                page: None,
            },
            Kind::Article { article, .. } => Source::Article(&graph.articles[article].key),
            Kind::Entity { entity, page, .. } => Source::Entity {
                id: graph.entities[entity].id(),
                page,
            },
            Kind::Feed { lang: l } => Source::Listing {
                lang: lang(l),
                page: None,
            },
            Kind::EntityFeed { entity, .. } => Source::EntityBacklinks(graph.entities[entity].id()),
            // Its facts, and the figures of the articles that name it as their source.
            Kind::EntityData { entity } => Source::EntityBacklinks(graph.entities[entity].id()),
            Kind::Sitemap { .. } => Source::Pages,
            Kind::SearchIndex { .. } => Source::Content,
            // Entities, and what articles say in their front matter and whom they mention.
            Kind::Data(_) | Kind::Timeline { .. } => Source::Knowledge,
            // Made of entities only: an entity's edit rebuilds the site.
            Kind::NotFound
            | Kind::Previews { .. }
            | Kind::Search { .. }
            | Kind::Robots
            | Kind::Manifest
            | Kind::NoJekyll
            | Kind::Cname => Source::Site,
            Kind::Asset(_) | Kind::MapOutlines => Source::Static,
            // Made of entities and how often articles mention them, and dated like the pages
            // that list the articles.
            Kind::Map { .. } | Kind::Graph { .. } => Source::Knowledge,
            Kind::Static(_) => Source::Static,
        }
    }

    /// Where it comes from, for error messages.
    pub(crate) fn origin(&self, graph: &Graph) -> Origin {
        match &self.kind {
            Kind::Article { lang: _, article } => {
                let version = graph.articles[*article]
                    .versions
                    .values()
                    .find(|v| v.path == self.path);
                Origin::Article(version.map(|v| v.doc.source.clone()).unwrap_or_default())
            }
            Kind::Entity { entity, .. } | Kind::EntityData { entity } => {
                Origin::Entity(graph.entities[*entity].id().to_string())
            }
            Kind::Home { .. } => Origin::Site("home page"),
            Kind::EntityIndex { .. } => Origin::Site("entity index"),
            Kind::Feed { .. } => Origin::Site("feed"),
            Kind::EntityFeed { entity, .. } => {
                Origin::Entity(graph.entities[*entity].id().to_string())
            }
            Kind::NotFound => Origin::Site("404 page"),
            Kind::Sitemap { .. } => Origin::Site("sitemap"),
            Kind::NoJekyll => Origin::Site("GitHub Pages marker"),
            Kind::Robots => Origin::Site("robots.txt"),
            Kind::Previews { .. } => Origin::Site("entity previews"),
            Kind::Search { .. } => Origin::Site("search page"),
            Kind::Timeline { .. } => Origin::Site("timeline"),
            Kind::Map { .. } => Origin::Site("map"),
            Kind::Graph { .. } => Origin::Site("graph"),
            Kind::MapOutlines => Origin::Site("map outlines"),
            Kind::SearchIndex { .. } => Origin::Site("search index"),
            Kind::Manifest => Origin::Site("web app manifest"),
            Kind::Cname => Origin::Site("CNAME file"),
            Kind::Static(file) => Origin::Static(file.clone()),
            Kind::Asset(_) => Origin::Site("built-in asset"),
            Kind::Data(_) => Origin::Site("open data"),
        }
    }
}

/// Where a planned file comes from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// An article's page: its source file.
    Article(PathBuf),
    /// An entity's page: its id.
    Entity(String),
    /// A page depeche makes for the site (home, indexes, 404, sitemaps, hosting files).
    Site(&'static str),
    /// A file copied from `static/`: its path relative to the site root.
    Static(PathBuf),
}

/// How many pages list the articles of `lang` on its home.
pub(crate) fn home_pages(config: &Config, graph: &Graph, lang: &str) -> usize {
    let n = graph
        .articles
        .iter()
        .filter(|a| a.versions.contains_key(lang))
        .count();
    n.div_ceil(config.articles_per_page).max(1)
}

/// How many pages list an entity's backlinks in `lang`.
pub(crate) fn entity_pages(config: &Config, entity: &Entity, lang: &str) -> usize {
    let n = entity.backlinks.get(lang).map_or(0, Vec::len);
    n.div_ceil(config.backlinks_per_page).max(1)
}

/// The pages a language has once: its entity index, feed, previews, views and search.
fn language_pages(config: &Config, lang: usize, code: &str) -> Vec<(String, Kind)> {
    let mut pages = vec![
        (urls::entities_path(code), Kind::EntityIndex { lang }),
        (urls::feed_path(code), Kind::Feed { lang }),
        (urls::previews_path(code), Kind::Previews { lang }),
        (urls::timeline_path(code), Kind::Timeline { lang }),
        (urls::map_path(code), Kind::Map { lang }),
        (urls::graph_path(code), Kind::Graph { lang }),
    ];
    if config.build_search_index {
        pages.push((urls::search_path(code), Kind::Search { lang }));
        pages.push((urls::search_root_path(code), Kind::SearchIndex { lang }));
    }
    pages
}

/// Every file a full build writes: the pages in the order they are rendered, then the
/// summaries, the hosting files and `static/`.
pub(crate) fn plan(config: &Config, graph: &Graph, statics: &[(String, PathBuf)]) -> Vec<Output> {
    let mut plan = Vec::new();
    let mut add = |path: String, kind: Kind| plan.push(Output { path, kind });
    add(
        urls::ROOT_HOME.into(),
        Kind::Home {
            lang: 0,
            page: 1,
            root: true,
        },
    );
    for (lang, code) in config.languages.iter().enumerate() {
        for (path, kind) in language_pages(config, lang, code) {
            add(path, kind);
        }
        let homes = home_pages(config, graph, code);
        for page in 1..=homes {
            let root = false;
            add(
                urls::home_page_path(code, page),
                Kind::Home { lang, page, root },
            );
        }
        for (article, a) in graph.articles.iter().enumerate() {
            if let Some(version) = a.versions.get(code) {
                add(version.path.clone(), Kind::Article { lang, article });
            }
        }
        for (entity, e) in graph.entities.iter().enumerate() {
            let pages = entity_pages(config, e, code);
            for page in 1..=pages {
                let path = urls::entity_path(code, e.id(), page);
                add(path, Kind::Entity { lang, entity, page });
            }
            add(
                urls::entity_feed_path(code, e.id()),
                Kind::EntityFeed { lang, entity },
            );
        }
    }
    add(urls::NOT_FOUND.into(), Kind::NotFound);
    let listed = plan.iter().filter(|o| o.kind.in_sitemap()).count();
    let mut add = |path: String, kind: Kind| plan.push(Output { path, kind });
    add(urls::SITEMAP.into(), Kind::Sitemap { part: 0 });
    if listed > SITEMAP_URLS {
        for part in 1..=listed.div_ceil(SITEMAP_URLS) {
            add(urls::sitemap_path(part), Kind::Sitemap { part });
        }
    }
    add(urls::MAP_OUTLINES.into(), Kind::MapOutlines);
    for (entity, e) in graph.entities.iter().enumerate() {
        add(urls::entity_data_path(e.id()), Kind::EntityData { entity });
    }
    for (file, path) in DataFile::ALL {
        add(path.into(), Kind::Data(file));
    }
    add(urls::ROBOTS.into(), Kind::Robots);
    add(urls::WEB_MANIFEST.into(), Kind::Manifest);
    add(urls::NO_JEKYLL.into(), Kind::NoJekyll);
    if config.cname.is_some() {
        add(urls::CNAME.into(), Kind::Cname);
    }
    for (path, file) in statics {
        let shown = source::display_path(&config.root, file);
        add(path.clone(), Kind::Static(shown));
    }
    for (asset, (path, _)) in ASSETS.iter().enumerate() {
        // The search page's script is no use to a site without one.
        let unused = *path == urls::SEARCH_SCRIPT && !config.build_search_index;
        if !unused && !statics.iter().any(|(p, _)| p == path) {
            add(path.to_string(), Kind::Asset(asset));
        }
    }
    plan
}

fn link_not_published(root: &Path, path: &Path) -> Diagnostic {
    let shown = source::display_path(root, path);
    Diagnostic::at(
        Code::LinkNotPublished,
        "symbolic link not published: static/ is copied without following links",
        Location::file_only(&shown),
    )
    .with_help("copy the file or folder into static/ instead of linking to it")
}

/// Every regular file under `static/`, as (path in the output, file). Symbolic links are not
/// followed, and said so: nothing outside the site is published.
pub(crate) fn static_files(root: &Path) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>) {
    let dir = root.join("static");
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if !dir.is_dir() {
        return (files, problems);
    }
    if let Some(outside) = source::folder_outside_site(root, &dir) {
        problems.push(outside);
        return (files, problems);
    }
    for entry in walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .sort_by(crate::source::by_name)
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(source::walk_error(root, &dir, &e));
                continue;
            }
        };
        let kind = entry.file_type();
        if kind.is_symlink() {
            // `static/` itself may be a link into the site (one out of it is refused above):
            // what it leads to is published, and only the links below it are not.
            if entry.depth() > 0 {
                problems.push(link_not_published(root, entry.path()));
            }
            continue;
        }
        if !kind.is_file() {
            // A pipe would block the copy.
            if !kind.is_dir() {
                problems.push(source::special_file(root, entry.path()));
            }
            continue;
        }
        let shown = source::display_path(root, entry.path());
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        match parts {
            Some(parts) if parts.iter().all(|p| !p.contains(char::is_control)) => {
                // Published composed (NFC), as pages are, whatever form the disk keeps.
                let published: String = parts.join("/").nfc().collect();
                files.push((published, entry.path().to_path_buf()));
            }
            _ => problems.push(
                Diagnostic::at(
                    Code::InvalidFileName,
                    format!(
                        "{}: the name is not valid UTF-8 or holds control characters",
                        shown.display()
                    ),
                    Location::file_only(&shown),
                )
                .with_help("rename the file: published file names become URLs"),
            ),
        }
    }
    (files, problems)
}
