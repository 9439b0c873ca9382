//! Load, annotate and link, as one step: the content is read, annotated, checked by the lint
//! and suggestion rules, and linked into the graph.
//! What `build`, `check` and `serve` all start from.

mod kept;
pub(crate) mod lint;
pub(crate) mod suggest;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::annotate::{Annotated, Annotator, Lexicon, Targets};
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::graph::{Document, Graph};
use crate::load::{self, ArticleSource, EntitySource, references};
use crate::urls::Urls;
use suggest::Suggester;

pub(crate) use kept::Findings;
pub(crate) use kept::Kept;

/// What to analyse beyond the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AnalyzeOptions {
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// Look for unannotated mentions of known entities.
    pub suggest: bool,
    /// Validate only: skip the HTML and backlink sentences that pages need.
    pub check_only: bool,
}

/// The outcome of analysing a site: the graph when the content links, every diagnostic, and
/// the parts a later rebuild can reuse.
pub(crate) struct Analysis {
    pub config: Config,
    pub graph: Option<Graph>,
    /// Sorted: errors first, then warnings, then suggestions; by file and position.
    pub diagnostics: Vec<Diagnostic>,
    pub parts: Parts,
    /// What was found in each article, for the next build.
    pub findings: Findings,
}

/// Everything loaded and annotated, shared so that a rebuild re-reads only what changed.
pub struct Parts {
    /// Entity ids and names, for annotating.
    pub lexicon: Arc<Lexicon>,
    /// What content links can point to.
    pub targets: Arc<Targets>,
    /// Every annotated article version, drafts included, by file.
    pub documents: Vec<Arc<Document>>,
    /// Every entity.
    pub entities: Vec<Arc<EntitySource>>,
    /// Annotated entity prose, by (entity id, language).
    pub prose: HashMap<(String, String), String>,
}

/// Where content links can point: every published article's slug, every entity.
pub(crate) fn targets(
    articles: &[ArticleSource],
    entities: &[EntitySource],
    unreadable: &[(String, String)],
    drafts: bool,
) -> Targets {
    Targets {
        articles: articles
            .iter()
            .filter(|a| !a.front.waits(drafts))
            .map(|a| ((a.key.clone(), a.lang.clone()), a.front.slug.clone()))
            .collect(),
        entities: entities.iter().map(|e| e.id.clone()).collect(),
        unreadable: unreadable.to_vec(),
        unpublished: articles
            .iter()
            .filter(|a| a.front.waits(drafts))
            .map(|a| ((a.key.clone(), a.lang.clone()), a.front.draft && !drafts))
            .collect(),
    }
}

/// Loads, annotates, checks and links the whole site, collecting every problem. An article
/// whose findings are `kept` from the last build, made from the same files in the same
/// context, is not analysed again.
pub(crate) fn analyze(config: Config, options: AnalyzeOptions, mut kept: Kept) -> Analysis {
    let (mut content, mut problems) = load::load(&config, &std::mem::take(&mut kept.fronts));
    let lexicon = Arc::new(Lexicon::new(&content.entities, &content.broken_entity_ids));
    let urls = Urls::new(&config.base_path);
    let targets = Arc::new(targets(
        &content.articles,
        &content.entities,
        &content.broken_articles,
        options.drafts,
    ));
    // Articles keep the sentences their backlinks quote, not their HTML (made again when
    // their pages are rendered); entity prose is short and keeps its HTML.
    let annotator = Annotator {
        lexicon: &lexicon,
        urls: &urls,
        targets: &targets,
        allow_html: config.allow_html,
        link_every_mention: config.link_every_mention,
        collect_text: options.suggest,
        html: false,
        snippets: !options.check_only,
        text_limit: 0,
    };
    let prose_annotator = Annotator {
        html: !options.check_only,
        snippets: false,
        ..annotator
    };
    let lint_sources = |content: &load::Content| {
        lint::lint_sources(
            &content.entities,
            &content.flawed_entities,
            &content.broken_entity_ids,
            &content.articles,
            &content.flawed_articles,
            &config.languages,
        )
    };
    // Two passes over the whole site, one reading folders, the other the sources: side by side.
    let (context, mut sources_linted) = rayon::join(
        || kept::context(&config, options, &lexicon, &targets),
        || lint_sources(&content),
    );
    // A problem in the front matter of a file left unread is placed in its text: read then.
    let pointed_at: HashSet<&std::path::Path> = sources_linted
        .iter()
        .filter_map(|d| d.location.as_ref().map(|at| at.file.as_path()))
        .collect();
    let mut read = 0;
    for article in content.articles.iter_mut() {
        if article.unread && pointed_at.contains(&article.src.path.as_path()) {
            problems.extend(article.read_text(&config.root).err());
            read += 1;
        }
    }
    if read > 0 {
        sources_linted = lint_sources(&content);
    }
    let suggesters = options.suggest.then(|| suggesters(&config, &lexicon));
    if options.suggest {
        // A notice for `check --suggest`: a site of its own copy need not hear it on every build.
        problems.extend(lint::no_agency(&content.articles));
    }
    problems.extend(sources_linted);
    // The body of an article whose front matter has mistakes is checked all the same; the
    // article is not published, so nothing else is made of it.
    for article in &content.flawed_articles {
        let annotated = annotator.annotate(&article.src, article.body_start, &article.lang);
        lint::article_images(&config, article, &annotated, &mut problems);
        problems.extend(annotated.problems);
    }
    // Translation files whose key is misspelt, with the name each should have.
    let mut renames = Vec::new();
    let mut findings = Findings {
        context,
        ..Findings::default()
    };
    let documents = annotate_articles(
        Articles {
            config: &config,
            annotator: &annotator,
            suggesters: suggesters.as_ref(),
            flawed: &content.flawed_articles,
        },
        content.articles,
        |key| kept.entry(context, key),
        &mut problems,
        &mut renames,
        &mut findings,
    );
    drop(kept);
    let prose = annotate_prose(
        &config.root,
        &content.entities,
        &prose_annotator,
        suggesters.as_ref(),
        &mut problems,
    );
    // The prose of an entity whose file has mistakes is never published, but it is checked.
    annotate_prose(
        &config.root,
        &content.flawed_entities,
        &prose_annotator,
        suggesters.as_ref(),
        &mut problems,
    );
    problems.extend(lint_site_and_entities(
        &config,
        &documents,
        &content.entities,
    ));
    let entities: Vec<Arc<EntitySource>> = content.entities.into_iter().map(Arc::new).collect();
    let graph = link(&documents, &entities, &prose, options, &mut problems);
    // A relation to an entity whose file has errors is reported there, not once more here.
    problems.retain(|d| {
        d.code != Code::UnknownRelationTarget
            || !content
                .broken_entity_ids
                .iter()
                .any(|id| d.message.ends_with(&format!("unknown entity `{id}`")))
    });
    // A link to the name a misspelt file should have is right: the file is what to rename.
    for d in problems.iter_mut().filter(|d| d.code == Code::BrokenLink) {
        let meant = renames.iter().find(|(_, renamed)| {
            renamed
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| d.message.contains(n))
        });
        if let Some((typo, renamed)) = meant {
            d.help = Some(format!(
                "the link is right: the article's file is misnamed `{}`; rename it {}",
                typo.display(),
                renamed.display()
            ));
        }
    }
    sort(&mut problems);
    group_unknown_entities(&mut problems);
    Analysis {
        config,
        graph,
        diagnostics: problems,
        parts: Parts {
            lexicon,
            targets,
            documents,
            entities,
            prose,
        },
        findings,
    }
}

/// The warnings about the site's settings and its entities. An entity is in use when an
/// article mentions it or any file names it (a relation, a source, an event): the country a
/// mentioned capital is the capital of belongs in the graph, and so does an entity related to
/// one in use.
fn lint_site_and_entities(
    config: &Config,
    documents: &[Arc<Document>],
    entities: &[EntitySource],
) -> Vec<Diagnostic> {
    // Named in any field that can name an entity (`load::references`): a source, a relation,
    // an event's participants.
    let mentioned: HashSet<&str> = documents
        .iter()
        .flat_map(|d| {
            d.mentions
                .iter()
                .map(|m| &*m.entity)
                .chain(references::of_article(&d.front).into_iter().map(|r| r.1))
        })
        .chain(
            entities
                .iter()
                .flat_map(|e| references::of_entity(e).into_iter().map(|r| r.1)),
        )
        .collect();
    let in_use = references::in_use(entities.iter(), mentioned);
    let mut found = lint::lint_entities(entities, &in_use);
    found.extend(lint::lint_site(config));
    found
}

/// The suggestion finder of each language, when suggestions are asked for.
type Suggesters<'a> = HashMap<&'a str, Suggester>;

fn suggesters<'a>(config: &'a Config, lexicon: &Lexicon) -> Suggesters<'a> {
    config
        .languages
        .iter()
        .map(|l| (l.as_str(), Suggester::new(lexicon, l)))
        .collect()
}

/// How many articles are analysed between two reads of the kept findings.
const CHUNK: usize = 256;

/// What annotating articles reads besides their files.
struct Articles<'a> {
    config: &'a Config,
    annotator: &'a Annotator<'a>,
    suggesters: Option<&'a Suggesters<'a>>,
    /// Versions whose front matter has mistakes.
    flawed: &'a [ArticleSource],
}

/// One article (all its languages) at a time, in parallel: annotated, checked, and kept as
/// documents without their source text, so the site's text is not held twice. An article
/// whose findings `kept` gives for the same files is not annotated or checked again. What
/// was found in each article is recorded in `findings`.
fn annotate_articles(
    with: Articles<'_>,
    articles: Vec<ArticleSource>,
    mut kept: impl FnMut(&str) -> Option<kept::Written>,
    problems: &mut Vec<Diagnostic>,
    renames: &mut Vec<(std::path::PathBuf, std::path::PathBuf)>,
    findings: &mut Findings,
) -> Vec<Arc<Document>> {
    let Articles {
        config,
        annotator,
        suggesters,
        flawed,
    } = with;
    let mut by_key: BTreeMap<String, Vec<ArticleSource>> = BTreeMap::new();
    for article in articles {
        by_key.entry(article.key.clone()).or_default().push(article);
    }
    // Versions whose front matter has mistakes are versions all the same: a translation's
    // misspelt file name is paired with them too.
    let mut files: BTreeMap<&str, Vec<(String, std::path::PathBuf, crate::diagnostic::Location)>> =
        BTreeMap::new();
    for a in by_key.values().flatten().chain(flawed) {
        files.entry(a.key.as_str()).or_default().push((
            a.lang.clone(),
            a.src.path.clone(),
            a.front_matter_start(),
        ));
    }
    let versions: Vec<lint::Versions> = files
        .into_iter()
        .map(|(key, files)| lint::Versions {
            key: key.to_string(),
            files,
        })
        .collect();
    // In chunks, in the order of their keys, which is the order of the kept entries: one
    // chunk's entries are held at a time. Suggestions are not kept: `check --suggest`
    // analyses every article.
    let mut analysed = Vec::with_capacity(by_key.len());
    let mut articles = by_key.into_iter().peekable();
    while articles.peek().is_some() {
        let chunk: Vec<(String, Vec<ArticleSource>, Option<kept::Written>)> = articles
            .by_ref()
            .take(CHUNK)
            .map(|(key, versions)| {
                let entry = suggesters.is_none().then(|| kept(&key)).flatten();
                (key, versions, entry)
            })
            .collect();
        analysed.par_extend(chunk.into_par_iter().map(|(key, versions, entry)| {
            let reused = entry
                .and_then(kept::Written::decode)
                .and_then(|entry| entry.annotations(&versions));
            let was_kept = reused.is_some();
            let (versions, found) = match reused {
                Some((annotations, found)) => {
                    (versions.into_iter().zip(annotations).collect(), found)
                }
                None => analyse_article(config, annotator, &key, versions),
            };
            let mut suggested = Vec::new();
            for (article, annotated) in &versions {
                if let Some(s) = suggesters.and_then(|s| s.get(article.lang.as_str())) {
                    suggested.extend(s.suggest(
                        &article.src,
                        &annotated.text_spans,
                        None,
                        Some(article.front.date.day),
                    ));
                }
            }
            let documents: Vec<Arc<Document>> = versions
                .into_iter()
                .map(|(source, annotated)| Arc::new(Document::new(source, annotated)))
                .collect();
            (documents, key, found, suggested, was_kept)
        }));
    }
    let mut documents = Vec::new();
    let mut found_all = Vec::new();
    for (docs, key, found, mut suggested, was_kept) in analysed {
        documents.extend(docs);
        found_all.extend(found.iter().cloned());
        found_all.append(&mut suggested);
        findings.found.insert(key, found);
        findings.reused += usize::from(was_kept);
    }
    *renames = lint::misspelt_keys(config, &versions, &mut found_all);
    problems.append(&mut found_all);
    documents.sort_by(|a: &Arc<Document>, b| a.source.cmp(&b.source));
    documents
}

/// One article's versions annotated, with the problems found in them.
fn analyse_article(
    config: &Config,
    annotator: &Annotator,
    key: &str,
    mut versions: Vec<ArticleSource>,
) -> (Vec<(ArticleSource, Annotated)>, Vec<Diagnostic>) {
    // A version left unread (its file unchanged) is read now: its text is annotated again.
    let mut changed = Vec::new();
    for version in &mut versions {
        changed.extend(version.read_text(&config.root).err());
    }
    if !changed.is_empty() {
        let versions = versions.into_iter().map(|a| (a, Annotated::default()));
        return (versions.collect(), changed);
    }
    let versions: Vec<(ArticleSource, Annotated)> = versions
        .into_iter()
        .map(|a| {
            let annotated = annotator.annotate(&a.src, a.body_start, &a.lang);
            (a, annotated)
        })
        .collect();
    let mut found: Vec<Diagnostic> = versions
        .iter()
        .flat_map(|(_, a)| a.problems.iter().cloned())
        .collect();
    found.extend(lint::lint_article(config, key, &versions));
    (versions, found)
}

/// The HTML of each entity's prose, by (entity id, language).
fn annotate_prose(
    root: &std::path::Path,
    entities: &[EntitySource],
    annotator: &Annotator,
    suggesters: Option<&Suggesters>,
    problems: &mut Vec<Diagnostic>,
) -> HashMap<(String, String), String> {
    let mut prose = HashMap::new();
    for entity in entities {
        for (lang, src) in &entity.prose {
            let annotated = annotator.annotate(src, 0, lang);
            problems.extend(annotated.problems.iter().cloned());
            problems.extend(lint::missing_images(root, src, &annotated.local_images));
            if let Some(s) = suggesters.and_then(|s| s.get(lang.as_str())) {
                problems.extend(s.suggest(src, &annotated.text_spans, Some(&entity.id), None));
            }
            prose.insert((entity.id.clone(), lang.clone()), annotated.html);
        }
    }
    prose
}

/// The graph, or the problems that keep the content from linking. `check` links it too
/// (without co-mentions): the output paths, checked for collisions, depend on it.
fn link(
    documents: &[Arc<Document>],
    entities: &[Arc<EntitySource>],
    prose: &HashMap<(String, String), String>,
    options: AnalyzeOptions,
    problems: &mut Vec<Diagnostic>,
) -> Option<Graph> {
    let linked = if options.check_only {
        Graph::shape(documents, entities, options.drafts)
    } else {
        Graph::build(documents, entities, prose, options.drafts)
    };
    linked.map_err(|mut errs| problems.append(&mut errs)).ok()
}

/// One error per unknown id, however often it is used: the first use, with every other one
/// as a related location (the fix, creating the entity or correcting a typo, is one).
pub(crate) fn group_unknown_entities(problems: &mut Vec<Diagnostic>) {
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut kept = Vec::with_capacity(problems.len());
    for d in problems.drain(..) {
        if d.code != Code::UnknownEntity {
            kept.push(d);
            continue;
        }
        match first.get(&d.message) {
            Some(&at) => {
                let same: &mut Diagnostic = &mut kept[at];
                same.related.extend(d.location.map(|l| *l));
            }
            None => {
                first.insert(d.message.clone(), kept.len());
                kept.push(d);
            }
        }
    }
    for &at in first.values() {
        let d = &mut kept[at];
        if !d.related.is_empty() {
            d.message = format!("{} (used {} times)", d.message, d.related.len() + 1);
        }
    }
    *problems = kept;
}

/// Errors, then warnings, then suggestions; each by file and position, so output is stable.
/// A problem found twice at one place (by two passes over the same value) is reported once.
pub(crate) fn sort(problems: &mut Vec<Diagnostic>) {
    problems.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.location.as_ref().map(|l| (l.file.clone(), l.line, l.col));
        a.severity()
            .cmp(&b.severity())
            .then_with(|| key(a).cmp(&key(b)))
    });
    let mut seen = HashSet::new();
    problems.retain(|d| {
        let place = d.location.as_ref().map(|l| (l.file.clone(), l.line, l.col));
        seen.insert((d.code, d.message.clone(), place))
    });
}
