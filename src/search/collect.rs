//! The index a build publishes, made from each article's text as its page is rendered (the
//! page reads the article's Markdown anyway), then from the articles no page read and from
//! the entities, once every page is done.
//!
//! Each thread gathers the pages it analyses in a [`Part`], by its own numbering of words,
//! keeping the best postings only: pages can come in any order, and the index holds no more
//! than it publishes.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

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
}

impl<'e, R: Send> Collector<'e, R> {
    /// Gathers the indexes of every output of the index stage in `plan`, handing each file to
    /// `emit` as soon as it exists.
    pub(crate) fn new(
        config: &Config,
        graph: &Graph,
        plan: &[Output],
        emit: &'e (dyn Fn(Page) -> Result<R, Diagnostic> + Sync),
    ) -> Collector<'e, R> {
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
                }
            })
            .collect();
        Collector { langs, emit }
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
                work: &|| Part::new(code),
                each: &|part: &mut Part, kind, n, doc: &doc::Doc| part.add(kind, n, doc),
                file: &|file| self.write(lang, file),
            };
            analyse_all(r, lang.lang, &lang.numbering, &pages, |_, _, ()| {})?;
            let parts = std::mem::take(&mut *lock(&lang.parts));
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
            let mut part = Pooled::take(&lang.parts, || Part::new(code));
            part.add(DocKind::Article, n, doc);
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
