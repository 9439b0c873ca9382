//! The search index: depeche's own, one per language, static files that `search.js` reads.
//!
//! Every article version and entity of a language is a page of its index. Its words are
//! segmented, folded and stemmed ([`tokens`]), scored field by field ([`score`]), gathered by
//! stem ([`index`]) and written ([`encode`]) as:
//!
//! - a small root file listing where each shard of the dictionary starts, and the index's
//!   generation (the hash of all its files: the search page asks for every other file with
//!   it, so a browser never mixes files of two builds);
//! - shards of the sorted dictionary, with each word's group and each group's postings (the
//!   best [`index::CAP`] pages per kind with their scores, and how many pages hold it);
//! - the articles' records, [`pack::PER_PACK`] to a file (`a/<n>.bin`, each record
//!   compressed on its own and read by a range request), and one file per
//!   [`ENTITIES_PER_FILE`] entities (`e/<n>.json`): what a result shows, with the page's
//!   text in passages, so the search page can show the passage that matched.
//!
//! A query loads the root, the shards of its words and the records of its ten best results.
//! Articles are numbered oldest first and entities by id, each kind on its own, so that the
//! next article is numbered last and renumbers nothing. Scores depend on their page alone, and
//! shards are cut where the dictionary's content says: an edit rewrites the files of the
//! words it touches, and `serve`'s index after an edit is byte for byte a build's.

mod cache;
mod collect;
mod doc;
mod encode;
mod index;
mod live;
mod pack;
mod score;
mod tokens;

pub(crate) use collect::{Collector, Earlier};
pub(crate) use live::Live;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::graph::Graph;
use crate::render::Renderer;
use crate::urls;
use doc::{Doc, DocKind};
use encode::Shard;
use index::Index;

/// How many entities' records share a file: an entity's record is short.
pub(crate) const ENTITIES_PER_FILE: usize = 16;

/// The version of the files' format, in the root file: `search.js` refuses another.
const FORMAT: u32 = 4;

/// Pages analysed on one thread at a time, with one analyser (its cache of words).
const CHUNK: usize = 128;

/// The pages of a language's index in their numbering.
struct Numbering {
    /// The articles with a version in the language, oldest first, by index into the graph.
    articles: Vec<usize>,
    /// How many entities (numbered as in the graph, by id).
    entities: usize,
}

impl Numbering {
    fn of(graph: &Graph, code: &str) -> Numbering {
        Numbering {
            articles: (0..graph.articles.len())
                .rev()
                .filter(|&a| graph.articles[a].versions.contains_key(code))
                .collect(),
            entities: graph.entities.len(),
        }
    }
}

/// A file of the index: its path relative to the output folder, and its text.
type File = (String, String);

/// The file of a pack of article records.
fn pack_file(code: &str, pack: usize) -> String {
    urls::search_file_path(code, urls::SEARCH_ARTICLE, &pack.to_string())
}

/// The record file of a group of entities.
fn entities_file(code: &str, group: usize) -> String {
    urls::search_file_path(code, urls::SEARCH_ENTITIES, &group.to_string())
}

/// Makes the page numbered `number` of `kind` and hands it to `with`; returns what `with`
/// made of it, and its record. An article's `text` is read from its file unless given.
fn page<T>(
    r: &Renderer,
    lang: usize,
    kind: DocKind,
    number: usize,
    numbering: &Numbering,
    text: Option<&str>,
    with: impl FnOnce(&Doc) -> T,
) -> Result<(T, String), Diagnostic> {
    let graph = r.graph();
    let code = r.config().languages[lang].as_str();
    let doc = match kind {
        DocKind::Article => {
            let version = &graph.articles[numbering.articles[number]].versions[code];
            let read;
            let text = match text {
                Some(text) => text,
                None => {
                    read = r.article_text(version)?;
                    &read
                }
            };
            let date = r.date(lang, version.front.date.day);
            let url = r.urls().article(code, &version.front.slug);
            let doc = doc::article(graph, version, text, &date, &url);
            return Ok((with(&doc), doc.record));
        }
        DocKind::Entity => &graph.entities[number],
    };
    let prose = r.prose_text(doc, code);
    let as_of = r.as_of(lang, doc);
    let iso = doc.source.as_of.as_ref().map(|d| d.day.to_string());
    let as_of = as_of.as_deref().zip(iso.as_deref());
    let url = r.urls().entity(code, doc.id());
    let doc = doc::entity(doc, code, &prose, as_of, &url);
    Ok((with(&doc), doc.record))
}

/// What [`analyse_all`] does with each page.
struct Pages<'a, W, T, X> {
    /// Every article, or only those this says (by number).
    articles: &'a (dyn Fn(usize) -> bool + Sync),
    /// Each thread's working state, made once per thread (so each word is stemmed once) and
    /// kept in a pool.
    pool: &'a Mutex<Vec<W>>,
    work: &'a (dyn Fn() -> W + Sync),
    /// What to make of a page.
    each: &'a (dyn Fn(&mut W, DocKind, u32, &Doc) -> T + Sync),
    /// Told each article's record (by number) as soon as it exists.
    record: &'a (dyn Fn(usize, String) -> Result<(), X> + Sync),
    /// Told each file of entities' records as soon as it exists.
    file: &'a (dyn Fn(File) -> Result<(), X> + Sync),
}

/// Every page of a language (every entity, the articles `pages.articles` says), `CHUNK` at a
/// time in parallel: `take` receives what `pages.each` made of each, with its number, in
/// order.
fn analyse_all<W: Send, T: Send, X: Send + From<Diagnostic>>(
    r: &Renderer,
    lang: usize,
    numbering: &Numbering,
    pages: &Pages<'_, W, T, X>,
    mut take: impl FnMut(DocKind, u32, T),
) -> Result<(), X> {
    let code = r.config().languages[lang].as_str();
    let (each, file) = (pages.each, pages.file);
    let pooled = || Pooled::take(pages.pool, pages.work);
    let numbers: Vec<usize> = (0..numbering.articles.len())
        .filter(|&n| (pages.articles)(n))
        .collect();
    for chunk in numbers.chunks(CHUNK) {
        let done: Vec<Result<T, X>> = chunk
            .par_iter()
            .map_init(pooled, |w, &n| {
                let with = |doc: &Doc| each(w, DocKind::Article, n as u32, doc);
                let (made, record) = page(r, lang, DocKind::Article, n, numbering, None, with)?;
                (pages.record)(n, record)?;
                Ok(made)
            })
            .collect();
        for (&n, made) in chunk.iter().zip(done) {
            take(DocKind::Article, n as u32, made?);
        }
    }
    let groups: Vec<usize> = (0..numbering.entities.div_ceil(ENTITIES_PER_FILE)).collect();
    for chunk in groups.chunks(CHUNK / ENTITIES_PER_FILE) {
        let done: Vec<Result<Vec<T>, X>> = chunk
            .par_iter()
            .map_init(pooled, |w, &g| {
                let last = numbering.entities.min((g + 1) * ENTITIES_PER_FILE);
                let mut records = Vec::new();
                let mut made = Vec::new();
                for n in g * ENTITIES_PER_FILE..last {
                    let with = |doc: &Doc| each(w, DocKind::Entity, n as u32, doc);
                    let (m, record) = page(r, lang, DocKind::Entity, n, numbering, None, with)?;
                    made.push(m);
                    records.push(record);
                }
                // Records need no escaping but for JSON, which quotes their line breaks.
                let json = serde_json::to_string(&records).unwrap_or_default();
                file((entities_file(code, g), json))?;
                Ok(made)
            })
            .collect();
        for (&g, made) in chunk.iter().zip(done) {
            for (i, m) in made?.into_iter().enumerate() {
                take(DocKind::Entity, (g * ENTITIES_PER_FILE + i) as u32, m);
            }
        }
    }
    Ok(())
}

/// A thread's working state, taken from a pool (or made) and given back when dropped.
struct Pooled<'p, W> {
    work: Option<W>,
    pool: &'p Mutex<Vec<W>>,
}

impl<'p, W> Pooled<'p, W> {
    fn take(pool: &'p Mutex<Vec<W>>, make: impl Fn() -> W) -> Pooled<'p, W> {
        let work = lock(pool).pop().unwrap_or_else(make);
        Pooled {
            work: Some(work),
            pool,
        }
    }
}

impl<W> Drop for Pooled<'_, W> {
    fn drop(&mut self) {
        if let Some(work) = self.work.take() {
            lock(self.pool).push(work);
        }
    }
}

impl<W> std::ops::Deref for Pooled<'_, W> {
    type Target = W;

    fn deref(&self) -> &W {
        self.work.as_ref().expect("taken until dropped")
    }
}

impl<W> std::ops::DerefMut for Pooled<'_, W> {
    fn deref_mut(&mut self) -> &mut W {
        self.work.as_mut().expect("taken until dropped")
    }
}

/// The shards of an index, from its runs, each encoded once per group.
fn shards(index: &Index) -> Vec<Shard> {
    let words = encode::sorted_words(index);
    let mut cache = HashMap::with_hasher(tokens::hasher());
    encode::runs(&words)
        .into_iter()
        .flat_map(|run| encode::encode_run(index, &words[run], &mut cache))
        .collect()
}

/// The shard files and the root file of an index, given the hash of every record file.
fn finish(
    code: &str,
    numbering: &Numbering,
    index: &Index,
    shards: &[Shard],
    mut hashes: Vec<(String, u64)>,
) -> (Vec<File>, File) {
    let firsts: Vec<Arc<str>> = shards.iter().map(|s| Arc::clone(&s.first)).collect();
    let names = encode::names_by_shard(&index.names, &firsts);
    let files: Vec<File> = shards
        .iter()
        .zip(&names)
        .map(|(shard, names)| {
            let name = encode::shard_name(&shard.first);
            let path = urls::search_file_path(code, urls::SEARCH_SHARD, &name);
            (path, shard.json(names))
        })
        .collect();
    hashes.extend(files.iter().map(|(p, text)| (p.clone(), hash(text))));
    let root = root(numbering, &firsts, generation(hashes));
    (files, (urls::search_root_path(code), root))
}

fn hash(content: impl AsRef<[u8]>) -> u64 {
    xxhash_rust::xxh3::xxh3_64(content.as_ref())
}

/// The hash of every file of an index but its root.
fn generation(mut hashes: Vec<(String, u64)>) -> u64 {
    hashes.sort_unstable();
    let mut all = Vec::with_capacity(hashes.len() * 48);
    for (path, hash) in hashes {
        all.extend_from_slice(path.as_bytes());
        all.push(0);
        all.extend_from_slice(&hash.to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&all)
}

/// The root file: what the search page needs to find every other file.
fn root(numbering: &Numbering, firsts: &[Arc<str>], generation: u64) -> String {
    let firsts: Vec<&str> = firsts.iter().map(|f| &**f).collect();
    serde_json::json!({
        "format": FORMAT,
        "v": format!("{generation:016x}"),
        "articles": numbering.articles.len(),
        "entities": numbering.entities,
        "entities_per_file": ENTITIES_PER_FILE,
        "articles_per_file": pack::PER_PACK,
        "shard": urls::SEARCH_SHARD,
        "article": urls::SEARCH_ARTICLE,
        "entity": urls::SEARCH_ENTITIES,
        "shards": firsts,
    })
    .to_string()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::collections::BTreeMap;

    use super::doc::Field;
    use super::index::Part;
    use super::tokens::{fold, words};
    use super::*;

    /// Postings as the shards write them, read back.
    fn decode(text: &str) -> Vec<(u32, u8)> {
        let digits = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let value = |c: u8| digits.iter().position(|d| *d == c).unwrap() as u32;
        let bytes = text.as_bytes();
        let (mut out, mut next, mut i) = (Vec::new(), 0, 0);
        while i < bytes.len() {
            let (mut gap, mut scale) = (0, 1);
            loop {
                let digit = value(bytes[i]);
                i += 1;
                gap += (digit & 31) * scale;
                scale *= 32;
                if digit < 32 {
                    break;
                }
            }
            out.push((next + gap, value(bytes[i]) as u8));
            i += 1;
            next += gap + 1;
        }
        out
    }

    /// The index of `texts` (articles numbered in order) as its shard files, read back:
    /// each word with its articles.
    fn published(texts: &[String]) -> BTreeMap<String, Vec<u32>> {
        let mut part = Part::new("fr");
        for (n, text) in texts.iter().enumerate() {
            let doc = Doc {
                fields: vec![(Field::Body, Cow::Borrowed(text.as_str()))],
                names: vec![],
                record: String::new(),
            };
            part.add(DocKind::Article, n as u32, &doc, None);
        }
        let index = Index::merge(vec![part]);
        let numbering = Numbering {
            articles: (0..texts.len()).collect(),
            entities: 0,
        };
        let (files, (_, root)) = finish("fr", &numbering, &index, &shards(&index), vec![]);
        let root: serde_json::Value = serde_json::from_str(&root).unwrap();
        let mut found = BTreeMap::new();
        for first in root["shards"].as_array().unwrap() {
            let name = encode::shard_name(first.as_str().unwrap());
            let path = urls::search_file_path("fr", urls::SEARCH_SHARD, &name);
            let text = &files.iter().find(|(p, _)| *p == path).unwrap().1;
            let shard: serde_json::Value = serde_json::from_str(text).unwrap();
            for (i, word) in shard["w"].as_array().unwrap().iter().enumerate() {
                let group = &shard["p"][shard["g"][i].as_u64().unwrap() as usize];
                let pages = decode(group[1].as_str().unwrap());
                found.insert(
                    word.as_str().unwrap().to_string(),
                    pages.iter().map(|p| p.0).collect(),
                );
            }
        }
        found
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Every word of every page, folded as the search page folds a query, is in the
        /// published dictionary, and its group lists the page.
        #[test]
        fn every_word_of_a_page_finds_the_page(
            texts in proptest::collection::vec(
                "([A-Za-zéÉàçœ]{1,8}(['’-][a-zé]{1,6})?[ ,.;:()«»]{1,3}|[0-9]{1,4} |حَلَب |al-Sham ){1,40}",
                1..12,
            )
        ) {
            let index = published(&texts);
            for (n, text) in texts.iter().enumerate() {
                words(text, |word, _| {
                    let term = fold(word);
                    if term.is_empty() || term.len() > tokens::MAX_TERM_BYTES {
                        return;
                    }
                    let pages = index.get(&term);
                    assert!(pages.is_some_and(|p| p.contains(&(n as u32))), "{word:?} ({term}) does not find page {n}: {pages:?}");
                });
            }
        }
    }
}
