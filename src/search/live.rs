//! The indexes `serve` keeps: every posting of every page, so that an edited article can be
//! taken out and put back, and the files exactly as a build would write them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use super::doc::{Doc, DocKind};
use super::encode::{self, Shard};
use super::index::Index;
use super::score::{self, Analysed, Scratch};
use super::tokens::{Analyzer, hasher};
use super::{File, Numbering, Pages, analyse_all, finish, hash, lock, pack, pack_file, page};
use crate::diagnostic::Diagnostic;
use crate::render::Renderer;

/// Every language's index.
pub(crate) struct Live {
    langs: Vec<LiveLang>,
}

struct LiveLang {
    code: String,
    numbering: Numbering,
    index: Index,
    articles: Vec<Analysed>,
    /// Each article's record, compressed as its pack holds it.
    compressed: Vec<Vec<u8>>,
    /// The record files (packs and entities' files), by path relative to the output folder.
    records: BTreeMap<String, Arc<[u8]>>,
    /// The shard files, the same way.
    shards: BTreeMap<String, Arc<[u8]>>,
    root: (String, Arc<[u8]>),
    /// The shards of each run of the dictionary, by its first word.
    runs: HashMap<Arc<str>, Run>,
}

/// A run of the dictionary: its words and its shards.
struct Run {
    words: Vec<Arc<str>>,
    shards: Vec<Shard>,
}

impl Live {
    /// Indexes every language of the site.
    pub(crate) fn new(r: &Renderer) -> Result<Live, Diagnostic> {
        let langs = (0..r.config().languages.len())
            .map(|lang| LiveLang::new(r, lang))
            .collect::<Result<_, _>>()?;
        Ok(Live { langs })
    }

    /// A file of the indexes, by path relative to the output folder.
    pub(crate) fn file(&self, path: &str) -> Option<Arc<[u8]>> {
        self.langs.iter().find_map(|l| {
            if l.root.0 == path {
                Some(Arc::clone(&l.root.1))
            } else {
                l.records.get(path).or_else(|| l.shards.get(path)).cloned()
            }
        })
    }

    /// Takes the edited articles' versions out and puts their new ones in; rewrites the
    /// files whose content changed. Returns the paths of the files rewritten or removed.
    pub(crate) fn update(
        &mut self,
        r: &Renderer,
        articles: &BTreeSet<String>,
    ) -> Result<Vec<String>, Diagnostic> {
        let mut changed = Vec::new();
        for (lang, live) in self.langs.iter_mut().enumerate() {
            changed.extend(live.update(r, lang, articles)?);
        }
        Ok(changed)
    }
}

impl LiveLang {
    fn new(r: &Renderer, lang: usize) -> Result<LiveLang, Diagnostic> {
        let code = r.config().languages[lang].clone();
        let numbering = Numbering::of(r.graph(), &code);
        let records = Mutex::new(BTreeMap::new());
        let compressed = Mutex::new(vec![Vec::new(); numbering.articles.len()]);
        let file = |(path, text): File| -> Result<(), Diagnostic> {
            lock(&records).insert(path, Arc::from(text.into_bytes()));
            Ok(())
        };
        let record = |n: usize, record: String| -> Result<(), Diagnostic> {
            lock(&compressed)[n] = pack::compress(&record);
            Ok(())
        };
        let mut index = Index::complete();
        let mut articles = Vec::new();
        let pages = Pages {
            articles: &|_| true,
            pool: &Mutex::new(Vec::new()),
            work: &|| (Analyzer::new(&code), Scratch::default()),
            each: &|(analyzer, scratch): &mut (Analyzer, Scratch), _, _, doc: &Doc| {
                score::analyse(doc, analyzer, scratch)
            },
            record: &record,
            file: &file,
        };
        analyse_all(r, lang, &numbering, &pages, |kind, n, analysed| {
            index.append(kind, n, &analysed);
            if kind == DocKind::Article {
                articles.push(analysed);
            }
        })?;
        let compressed = compressed
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut records = records
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (p, records_of_pack) in compressed.chunks(pack::PER_PACK).enumerate() {
            records.insert(
                pack_file(&code, p),
                Arc::from(pack::assemble(records_of_pack)),
            );
        }
        let mut live = LiveLang {
            code,
            numbering,
            index,
            articles,
            compressed,
            records,
            shards: BTreeMap::new(),
            root: Default::default(),
            runs: HashMap::new(),
        };
        live.publish(&BTreeSet::new());
        Ok(live)
    }

    /// Re-indexes the versions of `keys` in this language.
    fn update(
        &mut self,
        r: &Renderer,
        lang: usize,
        keys: &BTreeSet<String>,
    ) -> Result<Vec<String>, Diagnostic> {
        let graph = r.graph();
        let numbering = Numbering::of(graph, &self.code);
        if numbering.articles.len() != self.numbering.articles.len()
            || numbering.entities != self.numbering.entities
            || numbering
                .articles
                .iter()
                .zip(&self.numbering.articles)
                .any(|(a, b)| graph.articles[*a].key != graph.articles[*b].key)
        {
            // Pages renumbered (an article added, removed or redated): everything changes.
            let old: BTreeMap<String, Arc<[u8]>> = self.all_files();
            *self = LiveLang::new(r, lang)?;
            let new = self.all_files();
            return Ok(differences(&old, &new));
        }
        self.numbering = numbering;
        let mut dirty = BTreeSet::new();
        let (mut analyzer, mut scratch) = (Analyzer::new(&self.code), Scratch::default());
        let mut packs = BTreeSet::new();
        for n in 0..self.numbering.articles.len() {
            if !keys.contains(&graph.articles[self.numbering.articles[n]].key) {
                continue;
            }
            let with = |doc: &Doc| score::analyse(doc, &mut analyzer, &mut scratch);
            let (analysed, record) =
                page(r, lang, DocKind::Article, n, &self.numbering, None, with)?;
            let old = std::mem::replace(&mut self.articles[n], analysed);
            self.index.remove(DocKind::Article, n as u32, &old);
            self.index
                .insert(DocKind::Article, n as u32, &self.articles[n]);
            for term in old.terms.iter().chain(&self.articles[n].terms) {
                dirty.insert(Arc::clone(&term.text));
                dirty.insert(Arc::clone(&term.group));
            }
            let compressed = pack::compress(&record);
            if self.compressed[n] != compressed {
                self.compressed[n] = compressed;
                packs.insert(pack::slot(n).0);
            }
        }
        let mut changed = Vec::new();
        for p in packs {
            let records = self
                .compressed
                .chunks(pack::PER_PACK)
                .nth(p)
                .unwrap_or_default();
            let path = pack_file(&self.code, p);
            self.records
                .insert(path.clone(), Arc::from(pack::assemble(records)));
            changed.push(path);
        }
        let before = self.all_files();
        self.publish(&dirty);
        let after = self.all_files();
        changed.extend(differences(&before, &after));
        Ok(changed)
    }

    /// Encodes the shards again, those of runs holding a `dirty` word or group or whose words
    /// changed (all of them at first), and the root.
    fn publish(&mut self, dirty: &BTreeSet<Arc<str>>) {
        let words = encode::sorted_words(&self.index);
        let mut runs = HashMap::new();
        let mut cache = HashMap::with_hasher(hasher());
        let mut shards = Vec::new();
        for range in encode::runs(&words) {
            let run = &words[range];
            let first = Arc::clone(&run[0]);
            let clean = run.iter().all(|w| {
                !dirty.contains(w)
                    && self
                        .index
                        .words
                        .get(w)
                        .is_some_and(|group| !dirty.contains(group))
            });
            let kept = self
                .runs
                .remove(&first)
                .filter(|previous| clean && previous.words.as_slice() == run);
            let encoded = match kept {
                Some(previous) => previous.shards,
                None => encode::encode_run(&self.index, run, &mut cache),
            };
            shards.extend(encoded.iter().cloned());
            let run = Run {
                words: run.to_vec(),
                shards: encoded,
            };
            runs.insert(first, run);
        }
        self.runs = runs;
        let records = self
            .records
            .iter()
            .map(|(p, t)| (p.clone(), hash(t)))
            .collect();
        let (files, root) = finish(&self.code, &self.numbering, &self.index, &shards, records);
        self.shards = files
            .into_iter()
            .map(|(p, t)| (p, Arc::from(t.into_bytes())))
            .collect();
        self.root = (root.0, Arc::from(root.1.into_bytes()));
    }

    fn all_files(&self) -> BTreeMap<String, Arc<[u8]>> {
        let mut all = self.records.clone();
        all.extend(self.shards.iter().map(|(p, t)| (p.clone(), Arc::clone(t))));
        all.insert(self.root.0.clone(), Arc::clone(&self.root.1));
        all
    }
}

/// The paths whose content differs between two sets of files (added, changed or removed).
fn differences(
    old: &BTreeMap<String, Arc<[u8]>>,
    new: &BTreeMap<String, Arc<[u8]>>,
) -> Vec<String> {
    let mut paths: Vec<String> = new
        .iter()
        .filter(|(p, t)| old.get(*p) != Some(t))
        .map(|(p, _)| p.clone())
        .collect();
    paths.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    paths
}
