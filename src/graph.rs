//! Stage 4: the cross-link model. Pairs translations, resolves relations, collects every
//! mention into backlinks and co-mentions, and checks what spans files (relation targets,
//! output-path collisions), so rendering cannot fail because of content.

use std::collections::{BTreeMap, HashMap};
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::annotate::{Annotated, Mention};
use crate::diagnostic::{Code, Diagnostic, Location, did_you_mean};
use crate::load::story::Story;
use crate::load::{ArticleSource, EntitySource, FrontMatter};
use crate::urls;

/// One language version of an article, annotated: what the graph links and pages show.
/// Shared (`Arc`) so that a rebuild after one edit reuses every other document as is.
///
/// It holds no HTML: the body of an article is made again from its file when its page is
/// rendered (see `render::ArticleBodies`), so that a build never holds the HTML of every
/// article at once, which would be most of its memory.
#[derive(Debug)]
pub struct Document {
    /// The article it is a version of.
    pub key: String,
    /// Its language.
    pub lang: String,
    /// Its front matter.
    pub front: FrontMatter,
    /// Byte offset where the Markdown body starts in the file.
    pub body_start: usize,
    /// Hash of the file as annotated: the body is made again from exactly that text.
    pub digest: u64,
    /// Hash of its front matter's text: what the outputs made of every article's front
    /// matter (not of its text) depend on.
    pub front_digest: u64,
    /// Bytes of Markdown in the body: its HTML is at least as long.
    pub body_len: usize,
    /// Plain text of the first paragraph: the teaser, kept only when there is no summary.
    pub excerpt: Option<String>,
    /// The first mentions of each entity (see [`Annotated::mentions`]).
    pub mentions: Vec<Mention>,
    /// How many times each entity is mentioned, sorted by id.
    pub mention_counts: Vec<(Arc<str>, u32)>,
    /// Source file, relative to the site root.
    pub source: PathBuf,
    /// Its file's stamp when it was read, if it was settled then (see [`crate::source::Stamp`]).
    pub(crate) stamp: Option<crate::source::Stamp>,
}

impl Document {
    /// How many times the document mentions `entity`.
    pub(crate) fn mention_count(&self, entity: &str) -> usize {
        self.mention_counts
            .binary_search_by(|(id, _)| (**id).cmp(entity))
            .map_or(0, |i| self.mention_counts[i].1 as usize)
    }

    /// A document from its file and what annotating it found.
    pub fn new(source: ArticleSource, annotated: Annotated) -> Self {
        let excerpt = annotated.excerpt.filter(|_| source.front.summary.is_none());
        Document {
            key: source.key,
            lang: source.lang,
            front: source.front,
            body_start: source.body_start,
            digest: source.digest,
            front_digest: source.front_digest,
            body_len: source.body_len,
            excerpt,
            mentions: annotated.mentions,
            mention_counts: annotated.mention_counts,
            source: source.src.path,
            stamp: source.stamp,
        }
    }
}

/// A document placed in the site.
#[derive(Debug, Clone)]
pub struct ArticleVersion {
    /// The document.
    pub doc: Arc<Document>,
    /// Output file, relative to the output directory.
    pub path: String,
}

impl Deref for ArticleVersion {
    type Target = Document;

    fn deref(&self) -> &Document {
        &self.doc
    }
}

/// An article in all the languages it exists in, paired by key.
#[derive(Debug)]
pub struct Article {
    /// The file name without language and extension, shared by its versions.
    pub key: String,
    /// Its versions, by language.
    pub versions: BTreeMap<String, ArticleVersion>,
    /// What it reports, said once for all its versions.
    pub story: Story,
}

impl Article {
    fn new(key: String, versions: BTreeMap<String, ArticleVersion>) -> Article {
        let mut article = Article {
            key,
            versions,
            story: Story::default(),
        };
        article.tell();
        article
    }

    /// Merges the facts its versions declare (after a version changed).
    fn tell(&mut self) {
        let fronts = self.versions.iter().map(|(l, v)| (l.as_str(), &v.front));
        self.story = crate::load::story::merge(fronts).0;
    }
}

/// An article (by index into [`Graph::articles`]) that mentions an entity in one language;
/// its mentions of the entity are those of the version's mentions that name it (a hub entity
/// has hundreds of thousands of backlinks: each holds no more than its article).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlink {
    /// The article, by index into [`Graph::articles`].
    pub article: usize,
}

/// An entity with everything the site links to it.
#[derive(Debug)]
pub struct Entity {
    /// What its file says.
    pub source: Arc<EntitySource>,
    /// Its long-form prose, as HTML, by language.
    pub prose_html: BTreeMap<String, String>,
    /// Per language, newest article first.
    pub backlinks: BTreeMap<String, Vec<Backlink>>,
    /// Per language, how many times its articles mention it (kept with the backlinks).
    pub mentions: BTreeMap<String, usize>,
    /// Other entities named in the same articles, most frequent first: (entity index, articles).
    pub co_mentions: Vec<(usize, usize)>,
    /// Every co-mentioned entity with its count, kept so one article can be relinked alone.
    co_counts: rustc_hash::FxHashMap<usize, usize>,
    /// What a build keeps of `co_counts` once it forgets them: how many entities are named
    /// with it, and how often each it is related to (either way) is.
    co_kept: (usize, Vec<(usize, usize)>),
}

impl Entity {
    /// How many articles name both it and the entity `other` (an index into the entities).
    /// (Of an entity related to it, either way, once a build has forgotten the counts.)
    pub(crate) fn shared_with(&self, other: usize) -> usize {
        (self.co_counts.get(&other).copied())
            .or_else(|| self.co_kept.1.iter().find(|k| k.0 == other).map(|k| k.1))
            .unwrap_or(0)
    }

    /// How many other entities articles name with it.
    pub(crate) fn co_mentioned(&self) -> usize {
        self.co_counts.len().max(self.co_kept.0)
    }

    /// Its id: its file name, and what `[[id]]` mentions name.
    pub fn id(&self) -> &str {
        &self.source.id
    }

    /// Its name in `lang`, or its id where it has none.
    pub(crate) fn name_in(&self, lang: &str) -> &str {
        self.source.name.get(lang).map_or(self.id(), String::as_str)
    }
}

/// The linked content: articles paired by translation, entities with their backlinks.
#[derive(Debug)]
pub struct Graph {
    /// Newest first; ties broken by key so output is deterministic.
    pub articles: Vec<Article>,
    /// Sorted by id.
    pub entities: Vec<Entity>,
    entity_index: FxHashMap<String, usize>,
    /// Article key to index into `articles`.
    article_index: HashMap<String, usize>,
    /// What pages read from the whole graph, made once per change.
    derived: Derived,
}

/// How many co-mentioned entities an entity page shows.
const CO_MENTIONS_SHOWN: usize = 20;

impl Graph {
    /// The article with this key.
    pub fn article(&self, key: &str) -> Option<&Article> {
        self.article_index.get(key).map(|&i| &self.articles[i])
    }

    /// The entity with this id.
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entity_index.get(id).map(|&i| &self.entities[i])
    }

    /// Where the article `key` is in [`Graph::articles`].
    pub(crate) fn article_at(&self, key: &str) -> Option<usize> {
        self.article_index.get(key).copied()
    }

    /// Where the entity `id` is in [`Graph::entities`].
    pub(crate) fn index_of(&self, id: &str) -> Option<usize> {
        self.entity_index.get(id).copied()
    }

    /// Builds the model from annotated documents; `prose` maps (entity id, language) to the
    /// annotated prose.
    pub fn build(
        articles: &[Arc<Document>],
        entities: &[Arc<EntitySource>],
        prose: &HashMap<(String, String), String>,
        include_drafts: bool,
    ) -> Result<Graph, Vec<Diagnostic>> {
        Graph::build_with(articles, entities, prose, include_drafts, true)
    }

    /// The graph without co-mentions: the site's shape (which pages exist), all `check`
    /// needs, at a fraction of the cost.
    pub(crate) fn shape(
        articles: &[Arc<Document>],
        entities: &[Arc<EntitySource>],
        include_drafts: bool,
    ) -> Result<Graph, Vec<Diagnostic>> {
        Graph::build_with(articles, entities, &HashMap::new(), include_drafts, false)
    }

    fn build_with(
        articles: &[Arc<Document>],
        entities: &[Arc<EntitySource>],
        prose: &HashMap<(String, String), String>,
        include_drafts: bool,
        co_mentions: bool,
    ) -> Result<Graph, Vec<Diagnostic>> {
        let placed = Placed::new(articles, entities, include_drafts);
        if !placed.problems.is_empty() {
            return Err(placed.problems);
        }
        let Placed {
            entities,
            entity_index,
            by_key,
            ..
        } = placed;
        let mut articles: Vec<Article> = by_key
            .into_iter()
            .map(|(key, versions)| Article::new(key, versions))
            .collect();
        articles.sort_by_cached_key(|a| (std::cmp::Reverse(newest(a)), a.key.clone()));

        let mut entities: Vec<Entity> = entities
            .into_iter()
            .map(|source| {
                let prose_html = source
                    .prose
                    .keys()
                    .filter_map(|lang| {
                        let html = prose.get(&(source.id.clone(), lang.clone()))?;
                        Some((lang.clone(), html.clone()))
                    })
                    .collect();
                Entity {
                    source,
                    prose_html,
                    backlinks: BTreeMap::new(),
                    mentions: BTreeMap::new(),
                    co_mentions: Vec::new(),
                    co_counts: Default::default(),
                    co_kept: (0, Vec::new()),
                }
            })
            .collect();
        link_mentions(&articles, &mut entities, &entity_index, co_mentions);
        let article_index = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.key.clone(), i))
            .collect();
        let mut graph = Graph {
            articles,
            entities,
            entity_index,
            article_index,
            derived: Derived::default(),
        };
        graph.derive();
        Ok(graph)
    }

    /// Makes again what pages read from the whole graph; after any change to articles.
    fn derive(&mut self) {
        self.derived = Derived::of(self);
    }

    /// The articles with figures that `source` (an entity's id or an article's key) reports,
    /// in the order of the articles.
    pub(crate) fn reporting(&self, source: &str) -> &[usize] {
        self.derived
            .reporting
            .get(source)
            .map_or(&[], Vec::as_slice)
    }

    /// The relations other entities state about entity `e`: (entity stating it, index of the
    /// relation in its file).
    pub(crate) fn incoming(&self, e: usize) -> &[(usize, usize)] {
        &self.derived.incoming[e]
    }

    /// Every event in `lang`: those of the articles' versions in it, then the entities'.
    pub(crate) fn events_in(&self, lang: &str) -> impl Iterator<Item = EventAt> + '_ {
        let of_articles = self.derived.events.get(lang).map_or(&[][..], Vec::as_slice);
        of_articles
            .iter()
            .copied()
            .chain(self.derived.entity_events.iter().copied())
    }

    /// Puts edited documents in place of the versions they replace and relinks only their
    /// articles, instead of building the graph again. The edit must keep the site's shape:
    /// every document replaces a published version with the same slug, and no article's date
    /// moves it in the order. Returns `false`, with the graph untouched, when that is not so.
    pub(crate) fn replace_documents(&mut self, fresh: &[Arc<Document>]) -> bool {
        let mut by_article: BTreeMap<usize, Vec<&Arc<Document>>> = BTreeMap::new();
        for doc in fresh {
            let Some(&a) = self.article_index.get(&doc.key) else {
                return false;
            };
            match self.articles[a].versions.get(&doc.lang) {
                Some(v) if v.path == urls::article_path(&doc.lang, &doc.front.slug) => {}
                _ => return false,
            }
            by_article.entry(a).or_default().push(doc);
        }
        for (&a, docs) in &by_article {
            let article = &self.articles[a];
            let date = |lang: &str, version: &ArticleVersion| {
                docs.iter()
                    .find(|d| d.lang == lang)
                    .map_or(version.front.date.day, |d| d.front.date.day)
            };
            let moved = article.versions.iter().map(|(l, v)| date(l, v)).max();
            if moved != Some(newest(article)) {
                return false;
            }
        }
        for (a, docs) in by_article {
            self.unlink(a);
            for doc in docs {
                if let Some(version) = self.articles[a].versions.get_mut(&doc.lang) {
                    version.doc = Arc::clone(doc);
                }
            }
            self.articles[a].tell();
            self.link(a);
        }
        self.derive();
        true
    }

    /// Takes article `a` out of the backlinks and co-mention counts.
    fn unlink(&mut self, a: usize) {
        let article = &self.articles[a];
        for version in article.versions.values() {
            for e in entities_named(version, &self.entity_index) {
                let entity = &mut self.entities[e];
                let count = version.mention_count(entity.id());
                if let Some(total) = entity.mentions.get_mut(&version.lang) {
                    *total = total.saturating_sub(count);
                    if *total == 0 {
                        entity.mentions.remove(&version.lang);
                    }
                }
                let backlinks = &mut entity.backlinks;
                if let Some(list) = backlinks.get_mut(&version.lang) {
                    if let Ok(at) = list.binary_search_by_key(&a, |b| b.article) {
                        list.remove(at);
                    }
                    if list.is_empty() {
                        backlinks.remove(&version.lang);
                    }
                }
            }
        }
        let named = article_entities(article, &self.entity_index);
        count_co_mentions(&mut self.entities, &named, -1);
        self.refresh_co_mentions(&named);
    }

    /// Puts article `a` back into the backlinks, at its place, and the co-mention counts.
    fn link(&mut self, a: usize) {
        let article = &self.articles[a];
        for version in article.versions.values() {
            for e in entities_named(version, &self.entity_index) {
                let entity = &mut self.entities[e];
                let count = version.mention_count(entity.id());
                *entity.mentions.entry(version.lang.clone()).or_default() += count;
                let list = entity.backlinks.entry(version.lang.clone()).or_default();
                let at = list
                    .binary_search_by_key(&a, |b| b.article)
                    .unwrap_or_else(|at| at);
                list.insert(at, Backlink { article: a });
            }
        }
        let named = article_entities(article, &self.entity_index);
        count_co_mentions(&mut self.entities, &named, 1);
        self.refresh_co_mentions(&named);
    }

    /// Forgets what only relinking an article needs (how often each pair of entities is named
    /// together): a build never relinks, and a hub entity is named with thousands of others.
    pub(crate) fn forget_relinking(&mut self) {
        let mut related: Vec<Vec<usize>> = vec![Vec::new(); self.entities.len()];
        for (x, entity) in self.entities.iter().enumerate() {
            for r in &entity.source.relations {
                if let Some(&y) = self.entity_index.get(&r.target) {
                    related[x].push(y);
                    related[y].push(x);
                }
            }
        }
        for (entity, related) in self.entities.iter_mut().zip(related) {
            let shared = related
                .iter()
                .map(|&y| (y, entity.shared_with(y)))
                .collect();
            entity.co_kept = (entity.co_counts.len(), shared);
            entity.co_counts = Default::default();
        }
    }

    fn refresh_co_mentions(&mut self, changed: &[usize]) {
        for &e in changed {
            let entity = &mut self.entities[e];
            entity.co_mentions = top_co_mentions(&entity.co_counts);
        }
    }
}

/// Every document and entity at its place, with the problems that span files: what a build
/// links and what `check` validates.
struct Placed {
    /// Sorted by id, without duplicates.
    entities: Vec<Arc<EntitySource>>,
    entity_index: FxHashMap<String, usize>,
    by_key: BTreeMap<String, BTreeMap<String, ArticleVersion>>,
    problems: Vec<Diagnostic>,
}

impl Placed {
    fn new(
        articles: &[Arc<Document>],
        entities: &[Arc<EntitySource>],
        include_drafts: bool,
    ) -> Placed {
        let mut problems = Vec::new();
        let mut entities = entities.to_vec();
        entities.sort_by(|a, b| a.id.cmp(&b.id));
        check_duplicate_entities(&entities, &mut problems);
        entities.dedup_by(|a, b| a.id == b.id);
        let entity_index: FxHashMap<String, usize> = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        check_relations(&entities, &entity_index, &mut problems);

        let mut by_key: BTreeMap<String, BTreeMap<String, ArticleVersion>> = BTreeMap::new();
        for doc in articles {
            if doc.front.waits(include_drafts) {
                continue;
            }
            let path = urls::article_path(&doc.lang, &doc.front.slug);
            by_key.entry(doc.key.clone()).or_default().insert(
                doc.lang.clone(),
                ArticleVersion {
                    path,
                    doc: Arc::clone(doc),
                },
            );
        }
        check_output_collisions(&by_key, &mut problems);
        Placed {
            entities,
            entity_index,
            by_key,
            problems,
        }
    }
}

fn newest(article: &Article) -> chrono::NaiveDate {
    article
        .versions
        .values()
        .map(|v| v.front.date.day)
        .max()
        .unwrap_or_default()
}

/// Fills backlinks (per language, in article order), mention totals and co-mention counts.
fn link_mentions(
    articles: &[Article],
    entities: &mut [Entity],
    index: &FxHashMap<String, usize>,
    co_mentions: bool,
) {
    for (a, article) in articles.iter().enumerate() {
        for version in article.versions.values() {
            // Each entity counted, by its place: looked up once, not once per mention.
            let mut counts: Vec<(usize, usize)> = version
                .mention_counts
                .iter()
                .filter_map(|(id, n)| Some((*index.get(&**id)?, *n as usize)))
                .collect();
            counts.sort_unstable();
            for e in entities_named(version, index) {
                let entity = &mut entities[e];
                let count = counts
                    .binary_search_by_key(&e, |&(at, _)| at)
                    .map_or(0, |i| counts[i].1);
                let lang = &version.lang;
                if let Some(mentions) = entity.mentions.get_mut(lang) {
                    *mentions += count;
                } else {
                    entity.mentions.insert(lang.clone(), count);
                }
                let backlink = Backlink { article: a };
                if let Some(backlinks) = entity.backlinks.get_mut(lang) {
                    backlinks.push(backlink);
                } else {
                    entity.backlinks.insert(lang.clone(), vec![backlink]);
                }
            }
        }
    }
    if co_mentions {
        count_all_co_mentions(articles, entities, index);
    }
}

/// How often each pair of entities is named in one article, counted for each entity from
/// the articles that name it: entities apart, so on every core (a hub is named with
/// thousands of others).
fn count_all_co_mentions(
    articles: &[Article],
    entities: &mut [Entity],
    index: &FxHashMap<String, usize>,
) {
    let named: Vec<Vec<usize>> = articles
        .par_iter()
        .map(|article| article_entities(article, index))
        .collect();
    entities.par_iter_mut().enumerate().for_each(|(x, entity)| {
        let mut naming: Vec<usize> = entity
            .backlinks
            .values()
            .flatten()
            .map(|b| b.article)
            .collect();
        naming.sort_unstable();
        naming.dedup();
        for a in naming {
            for &y in named[a].iter().filter(|&&y| y != x) {
                *entity.co_counts.entry(y).or_default() += 1;
            }
        }
        entity.co_mentions = top_co_mentions(&entity.co_counts);
    });
}

/// The entities a version names, each once, in order.
fn entities_named(version: &ArticleVersion, index: &FxHashMap<String, usize>) -> Vec<usize> {
    let mut named: Vec<usize> = version
        .mentions
        .iter()
        .filter_map(|m| index.get(&*m.entity).copied())
        .collect();
    named.sort_unstable();
    named.dedup();
    named
}

/// Every entity an article names, in any language, sorted.
fn article_entities(article: &Article, index: &FxHashMap<String, usize>) -> Vec<usize> {
    let mut found: Vec<usize> = article
        .versions
        .values()
        .flat_map(|v| v.mentions.iter())
        .filter_map(|m| index.get(&*m.entity).copied())
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Adds (`delta` 1) or takes back (`delta` -1) one article naming all of `named` together.
fn count_co_mentions(entities: &mut [Entity], named: &[usize], delta: isize) {
    for &x in named {
        for &y in named.iter().filter(|&&y| y != x) {
            let counts = &mut entities[x].co_counts;
            let n = counts.entry(y).or_default();
            *n = n.saturating_add_signed(delta);
            if *n == 0 {
                counts.remove(&y);
            }
        }
    }
}

fn top_co_mentions(counts: &rustc_hash::FxHashMap<usize, usize>) -> Vec<(usize, usize)> {
    let mut list: Vec<(usize, usize)> = counts.iter().map(|(&e, &n)| (e, n)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(CO_MENTIONS_SHOWN);
    // Kept for the life of the site: a hub entity is named with thousands of others.
    list.shrink_to_fit();
    list
}

fn check_duplicate_entities(sorted: &[Arc<EntitySource>], problems: &mut Vec<Diagnostic>) {
    for pair in sorted.windows(2) {
        if pair[0].id == pair[1].id {
            problems.push(
                Diagnostic::new(
                    Code::DuplicateEntity,
                    format!("entity `{}` is defined twice", pair[0].id),
                    Some(Location::file_only(&pair[0].src.path)),
                )
                .with_related(vec![Location::file_only(&pair[1].src.path)])
                .with_help("keep one file per entity id"),
            );
        }
    }
}

/// The error for relation `i` of `e`, whose target is none of `ids`.
pub(crate) fn unknown_target<'a>(
    e: &EntitySource,
    i: usize,
    ids: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let rel = &e.relations[i];
    let d = Diagnostic::at(
        Code::UnknownRelationTarget,
        format!(
            "relation `{}` points to unknown entity `{}`",
            rel.kind, rel.target
        ),
        e.locate(&format!("relations[{i}].target")),
    );
    match did_you_mean(&rel.target, ids) {
        Some(known) => d.with_help(format!("did you mean `{known}`?")),
        None => d.with_help(format!(
            "create content/entities/{}.yaml or fix the target id",
            rel.target
        )),
    }
}

fn check_relations(
    entities: &[Arc<EntitySource>],
    index: &FxHashMap<String, usize>,
    problems: &mut Vec<Diagnostic>,
) {
    for e in entities {
        for (i, rel) in e.relations.iter().enumerate() {
            if index.contains_key(&rel.target) {
                continue;
            }
            let ids = entities.iter().map(|x| x.id.as_str());
            problems.push(unknown_target(e, i, ids));
        }
    }
}

fn check_output_collisions(
    by_key: &BTreeMap<String, BTreeMap<String, ArticleVersion>>,
    problems: &mut Vec<Diagnostic>,
) {
    let mut owners: BTreeMap<&str, Vec<&ArticleVersion>> = BTreeMap::new();
    for version in by_key.values().flat_map(BTreeMap::values) {
        owners.entry(&version.path).or_default().push(version);
    }
    for (path, versions) in owners {
        if versions.len() < 2 {
            continue;
        }
        let mut files = versions.iter().map(|v| Location::file_only(&v.source));
        let first = files.next();
        problems.push(
            Diagnostic::new(
                Code::DuplicateOutput,
                format!(
                    "{} articles would be written to the same page {path}",
                    versions.len()
                ),
                first,
            )
            .with_related(files.collect())
            .with_help("give each article a different `slug` in its front matter"),
        );
    }
}

/// An event, by where it is written: an article's version (in a language) or an entity's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventAt {
    /// Event `event` of article `article`'s story, told in the language.
    Article { article: usize, event: usize },
    /// Event `event` of entity `entity`.
    Entity { entity: usize, event: usize },
}

/// Indexes of the whole graph that pages read: found once per change of the graph rather
/// than by every page (an entity's page would otherwise scan every article).
#[derive(Debug, Default)]
struct Derived {
    /// The articles reporting figures from each source, by the source's name.
    reporting: HashMap<String, Vec<usize>>,
    /// The relations each entity is the target of, as (entity stating it, index of the
    /// relation in its file).
    incoming: Vec<Vec<(usize, usize)>>,
    /// The events of the articles' versions in each language.
    events: HashMap<String, Vec<EventAt>>,
    /// The events of the entities' files, in every language.
    entity_events: Vec<EventAt>,
}

impl Derived {
    fn of(graph: &Graph) -> Derived {
        let mut reporting: HashMap<String, Vec<usize>> = HashMap::new();
        let mut events: HashMap<String, Vec<EventAt>> = HashMap::new();
        for (a, article) in graph.articles.iter().enumerate() {
            for figure in &article.story.figures {
                if let Some(crate::load::facts::SourceRef::Named(name)) = &figure.source {
                    let list = reporting.entry(name.clone()).or_default();
                    if list.last() != Some(&a) {
                        list.push(a);
                    }
                }
            }
            // Every version tells the story's events, whichever version declares them.
            for lang in article.versions.keys() {
                let here = events.entry(lang.clone()).or_default();
                here.extend(
                    (0..article.story.events.len())
                        .map(|event| EventAt::Article { article: a, event }),
                );
            }
        }
        let mut incoming = vec![Vec::new(); graph.entities.len()];
        for (i, other) in graph.entities.iter().enumerate() {
            for (j, r) in other.source.relations.iter().enumerate() {
                if let Some(&target) = graph.entity_index.get(&r.target) {
                    incoming[target].push((i, j));
                }
            }
        }
        let entity_events = graph
            .entities
            .iter()
            .enumerate()
            .flat_map(|(entity, e)| {
                (0..e.source.events.len()).map(move |event| EventAt::Entity { entity, event })
            })
            .collect();
        Derived {
            reporting,
            incoming,
            events,
            entity_events,
        }
    }
}
