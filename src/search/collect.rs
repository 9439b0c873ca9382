//! The index a build publishes, made from each article's text as its page is rendered (the
//! page reads the article's Markdown anyway), then from the articles no page read and from
//! the entities, once every page is done.
//!
//! Each thread gathers the pages it analyses in a [`Part`], by its own numbering of words,
//! keeping the best postings only: pages can come in any order, and the index holds no more
//! than it publishes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::cache::{self, Cache, SegmentWriter};
use super::doc::{self, DocKind};
use super::index::{Index, Part};
use super::{
    File, Numbering, Pages, Pooled, analyse_all, article_file, finish, hash, lock, page, shards,
};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::Graph;
use crate::outputs::{Kind, Output};
use crate::render::{Page, Renderer, TextSink};

/// The search indexes of a build's plan, gathering pages; see the module's documentation.
pub(crate) struct Collector<'e, R> {
    langs: Vec<Lang<R>>,
    emit: &'e (dyn Fn(Page) -> Result<R, Diagnostic> + Sync),
    /// The folder of the cache, where there is one.
    cache: Option<PathBuf>,
}

/// One language's index being gathered.
struct Lang<R> {
    lang: usize,
    code: String,
    numbering: Numbering,
    /// Each article's number, by index into the graph's articles.
    numbers: Vec<Option<u32>>,
    /// Whether each article (by number) has been gathered.
    gathered: Vec<AtomicBool>,
    parts: Mutex<Vec<Part>>,
    /// The record files written so far: path, hash of the content, what `emit` returned.
    written: Mutex<Vec<(String, u64, R)>>,
    /// What the last build found in each page's words.
    cache: Cache,
    /// How many segments of the cache its parts have begun.
    segments: AtomicUsize,
}

impl<'e, R: Send> Collector<'e, R> {
    /// Gathers the indexes of every output of the index stage in `plan`, handing each file to
    /// `emit` as soon as it exists.
    /// `cache` is the folder where each build leaves what it found in each page's words for the
    /// next (none: every page is read).
    pub(crate) fn new(
        config: &Config,
        graph: &Graph,
        plan: &[Output],
        emit: &'e (dyn Fn(Page) -> Result<R, Diagnostic> + Sync),
        cache: Option<&Path>,
    ) -> Collector<'e, R> {
        let cache = cache.and_then(cache::folder).map(Path::to_path_buf);
        let langs = plan
            .iter()
            .filter_map(|output| match output.kind {
                Kind::SearchIndex { lang } => Some(lang),
                _ => None,
            })
            .map(|lang| {
                let code = config.languages[lang].clone();
                let numbering = Numbering::of(graph, &code);
                let mut numbers = vec![None; graph.articles.len()];
                for (n, &article) in numbering.articles.iter().enumerate() {
                    numbers[article] = Some(n as u32);
                }
                Lang {
                    gathered: numbering
                        .articles
                        .iter()
                        .map(|_| AtomicBool::new(false))
                        .collect(),
                    lang,
                    code,
                    numbering,
                    numbers,
                    parts: Mutex::new(Vec::new()),
                    written: Mutex::new(Vec::new()),
                    cache: cache.as_deref().map_or_else(Cache::default, |dir| {
                        Cache::open(dir, &config.languages[lang])
                    }),
                    segments: AtomicUsize::new(0),
                }
            })
            .collect();
        Collector { langs, emit, cache }
    }

    /// A part for one of a language's threads, writing a segment of the cache.
    fn part(&self, lang: &Lang<R>) -> Part {
        let writer = self.cache.as_deref().and_then(|dir| {
            let n = lang.segments.fetch_add(1, Ordering::Relaxed);
            SegmentWriter::create(
                dir.join(format!("search-{}-{n}.cache", lang.code)),
                &lang.code,
            )
            .ok()
        });
        Part::writing(&lang.code, writer)
    }

    fn write(&self, lang: &Lang<R>, (path, text): File) -> Result<(), Diagnostic> {
        let hash = hash(&text);
        let kept = (self.emit)(Page::plain(path.clone(), text))?;
        lock(&lang.written).push((path, hash, kept));
        Ok(())
    }

    /// Gathers every page not gathered yet, then writes each index's shards and root;
    /// returns what `emit` returned for every file.
    pub(crate) fn finish(&self, r: &Renderer) -> Result<Vec<R>, Diagnostic> {
        let mut all = Vec::new();
        for lang in &self.langs {
            let code = lang.code.as_str();
            let pages = Pages {
                articles: &|n| !lang.gathered[n].load(Ordering::Relaxed),
                pool: &lang.parts,
                work: &|| self.part(lang),
                each: &|part: &mut Part, kind, n, doc: &doc::Doc| {
                    part.add(kind, n, doc, Some(&lang.cache))
                },
                file: &|file| self.write(lang, file),
            };
            analyse_all(r, lang.lang, &lang.numbering, &pages, |_, _, ()| {})?;
            let mut parts = std::mem::take(&mut *lock(&lang.parts));
            if let Some(dir) = &self.cache {
                let finished: Option<Vec<_>> = parts.iter_mut().map(Part::finish_cache).collect();
                // A segment that failed leaves the cache out: the next build reads every page.
                let _ = cache::replace(dir, code, finished.unwrap_or_default());
            }
            let index = Index::merge(parts);
            let shards = shards(&index);
            let written = std::mem::take(&mut *lock(&lang.written));
            let hashes = written.iter().map(|(p, h, _)| (p.clone(), *h)).collect();
            let (files, root) = finish(code, &lang.numbering, &index, &shards, hashes);
            all.extend(written.into_iter().map(|(_, _, kept)| kept));
            for (path, text) in files.into_iter().chain([root]) {
                all.push((self.emit)(Page::plain(path, text))?);
            }
        }
        Ok(all)
    }
}

impl<R: Send> TextSink for Collector<'_, R> {
    fn article_text(
        &self,
        r: &Renderer,
        lang: usize,
        article: usize,
        text: &str,
    ) -> Result<(), Diagnostic> {
        let Some(lang) = self.langs.iter().find(|l| l.lang == lang) else {
            return Ok(());
        };
        let Some(n) = lang.numbers[article] else {
            return Ok(());
        };
        // A page rendered twice is gathered once.
        if lang.gathered[n as usize].swap(true, Ordering::Relaxed) {
            return Ok(());
        }
        let code = lang.code.as_str();
        let with = |doc: &doc::Doc| {
            let mut part = Pooled::take(&lang.parts, || self.part(lang));
            part.add(DocKind::Article, n, doc, Some(&lang.cache));
        };
        let ((), record) = page(
            r,
            lang.lang,
            DocKind::Article,
            n as usize,
            &lang.numbering,
            Some(text),
            with,
        )?;
        self.write(lang, (article_file(code, n as usize), record))
    }
}
