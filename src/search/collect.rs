//! The index a build publishes, made from each article's text as its page is rendered (the
//! page reads the article's Markdown anyway), then from the articles no page read and from
//! the entities, once every page is done.
//!
//! Each thread gathers the pages it analyses in a [`Part`], by its own numbering of words,
//! keeping the best postings only: pages can come in any order, and the index holds no more
//! than it publishes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use super::cache::{self, Cache, Made, SegmentWriter};
use super::doc::{self, DocKind};
use super::index::{Index, Part};
use super::{
    File, Numbering, Pages, Pooled, analyse_all, finish, hash, lock, pack, pack_file, page, shards,
};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::Graph;
use crate::outputs::{Inputs, Kind, Output};
use crate::render::{Page, Renderer, TextSink};

/// What an earlier build left that the index can keep: the digest of what each article is
/// made from, and whether the output holds a file as the last build wrote it (by the
/// hash of its content).
#[derive(Clone, Copy)]
pub(crate) struct Earlier<'e> {
    pub inputs: &'e Inputs<'e>,
    pub holds: &'e (dyn Fn(&str, u128) -> bool + Sync),
}

/// Writes a file of the index; returns what the build keeps of it.
type Emit<'e, R> = &'e (dyn Fn(Page) -> Result<R, Diagnostic> + Sync);
type EmitBytes<'e, R> = &'e (dyn Fn(&str, &[u8]) -> Result<R, Diagnostic> + Sync);

/// The search indexes of a build's plan, gathering pages; see the module's documentation.
pub(crate) struct Collector<'e, R> {
    langs: Vec<Lang<R>>,
    emit: Emit<'e, R>,
    /// Writes a file that is not text (a pack of records).
    emit_bytes: EmitBytes<'e, R>,
    /// Keeps a file the output holds as the last build wrote it.
    keep: &'e (dyn Fn(&str) -> Result<R, Diagnostic> + Sync),
    /// The folder of the cache, where there is one.
    cache: Option<PathBuf>,
    earlier: Option<Earlier<'e>>,
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
    /// The packs begun and not written yet: each article's record, compressed, once made.
    packs: Mutex<HashMap<usize, Vec<Option<Vec<u8>>>>>,
    /// Whether each pack has been written (or kept).
    packed: Vec<AtomicBool>,
    /// What each pack written was, for the next build.
    packs_made: Mutex<HashMap<usize, Made>>,
    /// What each article's page was made into, by number: the key of its entry in the cache,
    /// and its record's hashes.
    made: Mutex<HashMap<u32, Made>>,
    /// What the last build made of each article's page, by the digest of its inputs.
    made_before: HashMap<u128, Made>,
    /// What the last build found in each page's words.
    cache: Cache,
    /// How many segments of the cache its parts have begun.
    segments: AtomicUsize,
    /// Whether the segments of `cache` are kept, the parts writing the pages they lack.
    appending: bool,
    /// The generation of the segments the parts write.
    generation: u32,
}

impl<'e, R: Send> Collector<'e, R> {
    /// Gathers the indexes of every output of the index stage in `plan`, handing each file to
    /// `emit` as soon as it exists.
    /// `cache` is the folder where each build leaves what it found in each page's words for the
    /// next (none: every page is read).
    /// With `earlier`, an article's page made from the same inputs as in the last build is
    /// not read again: its entry in the cache and its record file are kept.
    pub(crate) fn new(
        (config, graph, plan): (&Config, &Graph, &[Output]),
        (emit, emit_bytes): (Emit<'e, R>, EmitBytes<'e, R>),
        keep: &'e (dyn Fn(&str) -> Result<R, Diagnostic> + Sync),
        cache: Option<&Path>,
        earlier: Option<Earlier<'e>>,
    ) -> Collector<'e, R> {
        let cache = cache
            .and_then(crate::transaction::records_folder)
            .map(Path::to_path_buf);
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
                let read = cache
                    .as_deref()
                    .map_or_else(Cache::default, |dir| Cache::open(dir, &code));
                let appending = read.appendable(numbering.articles.len() + numbering.entities);
                Lang {
                    packed: (0..numbering.articles.len().div_ceil(pack::PER_PACK))
                        .map(|_| AtomicBool::new(false))
                        .collect(),
                    packs: Mutex::new(HashMap::new()),
                    packs_made: Mutex::new(HashMap::new()),
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
                    made: Mutex::new(HashMap::new()),
                    made_before: match (&cache, earlier) {
                        (Some(dir), Some(_)) => cache::read_pages(dir, &config.languages[lang]),
                        _ => HashMap::new(),
                    },
                    generation: read.next_generation(appending),
                    cache: read,
                    segments: AtomicUsize::new(0),
                    appending,
                }
            })
            .collect();
        Collector {
            langs,
            emit,
            emit_bytes,
            keep,
            cache,
            earlier,
        }
    }

    /// The digest of what article `n`'s page in `lang` is made from.
    fn inputs_of(&self, lang: &Lang<R>, n: u32) -> Option<u128> {
        let earlier = self.earlier?;
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(
            &earlier
                .inputs
                .article(lang.numbering.articles[n as usize])
                .to_le_bytes(),
        );
        h.update(lang.code.as_bytes());
        h.update(&n.to_le_bytes());
        Some(h.digest128())
    }

    /// The digest of what pack `p` of `lang` is made from: its articles' inputs.
    fn pack_inputs(&self, lang: &Lang<R>, p: usize) -> Option<u128> {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(b"pack");
        h.update(&(p as u64).to_le_bytes());
        let first = p * pack::PER_PACK;
        for n in first..first + pack::len(p, lang.numbering.articles.len()) {
            h.update(&self.inputs_of(lang, n as u32)?.to_le_bytes());
        }
        Some(h.digest128())
    }

    /// Gathers the articles whose pages the last build made from the same inputs, from their
    /// entries in the cache.
    fn gather_kept(&self, lang: &Lang<R>) {
        if self.earlier.is_none() {
            return;
        }
        let numbers: Vec<u32> = (0..lang.gathered.len() as u32)
            .filter(|&n| !lang.gathered[n as usize].load(Ordering::Relaxed))
            .collect();
        let kept: Vec<(u32, Made)> = numbers
            .par_iter()
            .map_init(
                || Pooled::take(&lang.parts, || self.part(lang)),
                |part, &n| {
                    let made = *lang.made_before.get(&self.inputs_of(lang, n)?)?;
                    let entry = lang.cache.get(made.key)?;
                    part.add_entry(n, made.key, &entry);
                    lang.gathered[n as usize].store(true, Ordering::Relaxed);
                    Some((n, made))
                },
            )
            .flatten()
            .collect();
        lock(&lang.made).extend(kept);
    }

    /// Takes article `n`'s record into its pack, and writes the pack once it is whole.
    fn record(&self, lang: &Lang<R>, n: usize, record: &str) -> Result<(), Diagnostic> {
        let (p, slot) = pack::slot(n);
        let compressed = pack::compress(record);
        let whole = {
            let mut packs = lock(&lang.packs);
            let len = pack::len(p, lang.numbering.articles.len());
            let slots = packs.entry(p).or_insert_with(|| vec![None; len]);
            slots[slot] = Some(compressed);
            let complete = slots.iter().all(Option::is_some);
            complete.then(|| packs.remove(&p)).flatten()
        };
        match whole {
            Some(slots) => self.write_pack(lang, p, slots.into_iter().flatten().collect()),
            None => Ok(()),
        }
    }

    fn write_pack(
        &self,
        lang: &Lang<R>,
        p: usize,
        records: Vec<Vec<u8>>,
    ) -> Result<(), Diagnostic> {
        lang.packed[p].store(true, Ordering::Relaxed);
        let bytes = pack::assemble(&records);
        let path = pack_file(&lang.code, p);
        let kept = (self.emit_bytes)(&path, &bytes)?;
        let text = hash(&bytes);
        if self.earlier.is_some() {
            // A pack has no entry of its own in the cache (`key`): its articles have theirs.
            let made = Made {
                key: 0,
                content: xxhash_rust::xxh3::xxh3_128(&bytes),
                text,
            };
            lock(&lang.packs_made).insert(p, made);
        }
        lock(&lang.written).push((path, text, kept));
        Ok(())
    }

    /// Writes the packs not written yet: kept as the last build wrote them when every
    /// article in them was made from the same inputs, else with the records not made in this
    /// build made now (from the article's text, which is not analysed again).
    fn finish_packs(&self, r: &Renderer, lang: &Lang<R>) -> Result<(), Diagnostic> {
        for p in 0..lang.packed.len() {
            if lang.packed[p].load(Ordering::Relaxed) {
                continue;
            }
            let path = pack_file(&lang.code, p);
            let before = self
                .pack_inputs(lang, p)
                .and_then(|inputs| lang.made_before.get(&inputs))
                .filter(|made| self.earlier.is_some_and(|e| (e.holds)(&path, made.content)));
            if let Some(&made) = before {
                lock(&lang.written).push((path.clone(), made.text, (self.keep)(&path)?));
                lock(&lang.packs_made).insert(p, made);
                continue;
            }
            let len = pack::len(p, lang.numbering.articles.len());
            let slots = lock(&lang.packs)
                .remove(&p)
                .unwrap_or_else(|| vec![None; len]);
            let mut records = Vec::with_capacity(len);
            for (slot, record) in slots.into_iter().enumerate() {
                let n = p * pack::PER_PACK + slot;
                records.push(match record {
                    Some(record) => record,
                    None => {
                        let kind = DocKind::Article;
                        let ((), made) =
                            page(r, lang.lang, kind, n, &lang.numbering, None, |_| ())?;
                        pack::compress(&made)
                    }
                });
            }
            self.write_pack(lang, p, records)?;
        }
        Ok(())
    }

    /// Records what article `n`'s page was made into: its entry's key (its record is kept
    /// with its pack, which has hashes of its own).
    fn made(&self, lang: &Lang<R>, n: u32, key: u128) {
        if self.earlier.is_some() {
            let made = Made {
                key,
                content: 0,
                text: 0,
            };
            lock(&lang.made).insert(n, made);
        }
    }

    /// A part for one of a language's threads, writing a segment of the cache.
    fn part(&self, lang: &Lang<R>) -> Part {
        let writer = self.cache.as_deref().and_then(|dir| {
            let n = lang.segments.fetch_add(1, Ordering::Relaxed);
            let path = cache::segment_path(dir, &lang.code, lang.generation, n);
            SegmentWriter::create(path, &lang.code).ok()
        });
        Part::writing(&lang.code, writer, lang.appending)
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
        // Languages side by side: each has parts that run on one thread (merging, sharding).
        let made: Vec<Vec<R>> = self
            .langs
            .par_iter()
            .map(|lang| self.finish_lang(r, lang))
            .collect::<Result<_, _>>()?;
        Ok(made.into_iter().flatten().collect())
    }

    fn finish_lang(&self, r: &Renderer, lang: &Lang<R>) -> Result<Vec<R>, Diagnostic> {
        let code = lang.code.as_str();
        self.gather_kept(lang);
        let pages = Pages {
            articles: &|n| !lang.gathered[n].load(Ordering::Relaxed),
            pool: &lang.parts,
            work: &|| self.part(lang),
            each: &|part: &mut Part, kind, n, doc: &doc::Doc| {
                let key = part.add(kind, n, doc, Some(&lang.cache));
                if kind == DocKind::Article {
                    self.made(lang, n, key);
                }
            },
            record: &|n, record| self.record(lang, n, &record),
            file: &|file| self.write(lang, file),
        };
        analyse_all(r, lang.lang, &lang.numbering, &pages, |_, _, ()| {})?;
        self.finish_packs(r, lang)?;
        let mut parts = std::mem::take(&mut *lock(&lang.parts));
        if let Some(dir) = &self.cache {
            let finished: Option<Vec<_>> = parts.iter_mut().map(Part::finish_cache).collect();
            // A segment that failed leaves the cache out: the next build reads every page.
            let whole = finished.is_some();
            let finished = finished.unwrap_or_default().into_iter().flatten().collect();
            let _ = cache::replace(dir, code, finished, lang.appending && whole);
            self.save_made(dir, lang, whole);
        }
        let index = Index::merge(parts);
        let shards = shards(&index);
        let written = std::mem::take(&mut *lock(&lang.written));
        let hashes = written.iter().map(|(p, h, _)| (p.clone(), *h)).collect();
        let (files, root) = finish(code, &lang.numbering, &index, &shards, hashes);
        let mut all: Vec<R> = written.into_iter().map(|(_, _, kept)| kept).collect();
        for (path, text) in files.into_iter().chain([root]) {
            all.push((self.emit)(Page::plain(path, text))?);
        }
        Ok(all)
    }
}

impl<R: Send> Collector<'_, R> {
    /// Leaves the next build what each article's page was made into, when the cache holds
    /// every page's entry (`whole`) and each page's inputs are known.
    fn save_made(&self, dir: &Path, lang: &Lang<R>, whole: bool) {
        let made = std::mem::take(&mut *lock(&lang.made));
        let packs = std::mem::take(&mut *lock(&lang.packs_made));
        let pages: Option<Vec<(u128, Made)>> = (0..lang.gathered.len() as u32)
            .map(|n| Some((self.inputs_of(lang, n)?, *made.get(&n)?)))
            .chain(
                (0..lang.packed.len()).map(|p| Some((self.pack_inputs(lang, p)?, *packs.get(&p)?))),
            )
            .collect();
        match pages.filter(|_| whole) {
            Some(pages) => {
                if cache::write_pages(dir, &lang.code, &pages).is_err() {
                    cache::forget_pages(dir, &lang.code);
                }
            }
            None => cache::forget_pages(dir, &lang.code),
        }
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
        let with = |doc: &doc::Doc| {
            let mut part = Pooled::take(&lang.parts, || self.part(lang));
            let key = part.add(DocKind::Article, n, doc, Some(&lang.cache));
            self.made(lang, n, key);
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
        self.record(lang, n as usize, &record)
    }
}
