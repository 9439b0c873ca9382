//! A language's inverted index: for each group of words (a stem), the pages holding it with
//! their scores; for each word, its group; for each entity name, the entity.
//!
//! A build adds pages in order and keeps at most [`CAP`] postings per group and kind, the
//! best scored: a word found on most pages ("the", "Aleppo" in a newsroom about Syria) would
//! otherwise make a megabyte shard that every query with it downloads. `serve` keeps every
//! posting, so that an edited page can be taken out and put back; both publish the same
//! [`CAP`] best, and so the same files.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::cache::{self, Cache, Entry, SegmentWriter};
use super::doc::{Doc, DocKind};
use super::score::{self, Analysed, HEADLINE_SCORE, Numbered, Scratch};
use super::tokens::{Analyzer, Hasher, hasher};

/// The most postings a group publishes for each kind of page, unless more pages have it in
/// their headline: then up to [`HEADLINE_CAP`] of those. A word that begins the headlines of
/// a sixth of a newsroom's dispatches (the city it covers) still finds each by its headline.
pub(crate) const CAP: usize = 1000;

/// See [`CAP`].
pub(crate) const HEADLINE_CAP: usize = 4000;

/// The pages of one kind that hold a group, with scores: page numbers ascending, but in a
/// bounded list still being gathered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Postings {
    pub pages: Vec<(u32, u8)>,
    /// How many pages hold it, including those past the cap.
    pub count: u32,
    /// How many postings the last pruning kept (a bounded list is pruned again at twice as
    /// many).
    kept: usize,
    /// The worst of them, (score, page): a page scored below it is counted, not kept.
    floor: (u8, u32),
}

impl Postings {
    /// Adds a page, in any order; with `bounded`, drops all but the best (see [`best`]) once
    /// it holds twice as many as it kept: what it drops is never among the best of all it is
    /// given, since only pages with the word in their headline raise the number kept, and
    /// they rank above every other.
    ///
    /// Once pruned, a page that ranks below every posting kept is only counted: more than
    /// [`CAP`] pages rank above it, and only pages with the word in their headline, which it
    /// has not, could raise the number published.
    #[inline]
    pub(crate) fn push(&mut self, page: u32, score: u8, bounded: bool) {
        self.count += 1;
        if bounded && self.kept > 0 && score < HEADLINE_SCORE && (score, page) < self.floor {
            return;
        }
        self.pages.push((page, score));
        if bounded && self.pages.len() >= 2 * self.kept.max(CAP) {
            self.prune();
        }
    }

    /// Keeps the best postings, and their floor (rarely: out of the way of `push`).
    #[inline(never)]
    fn prune(&mut self) {
        keep_best(&mut self.pages);
        self.kept = self.pages.len();
        self.floor = self
            .pages
            .iter()
            .map(|&(page, score)| (score, page))
            .min()
            .unwrap_or_default();
    }

    fn insert(&mut self, page: u32, score: u8) {
        let at = self.pages.partition_point(|(p, _)| *p < page);
        self.pages.insert(at, (page, score));
        self.count += 1;
    }

    fn remove(&mut self, page: u32) {
        if let Ok(at) = self.pages.binary_search_by_key(&page, |(p, _)| *p) {
            self.pages.remove(at);
            self.count -= 1;
        }
    }
}

/// The postings a list publishes: the [`CAP`] best, or as many as have the word in their
/// headline up to [`HEADLINE_CAP`] (score first, then the newer page: the higher number), by
/// page number.
pub(crate) fn best(pages: &[(u32, u8)]) -> Vec<(u32, u8)> {
    let mut kept = pages.to_vec();
    keep_best(&mut kept);
    kept.sort_unstable_by_key(|(p, _)| *p);
    kept
}

/// Drops all but the postings [`best`] publishes, leaving them in no order: a list pruned
/// as it grows is put in order once, when it is published.
fn keep_best(pages: &mut Vec<(u32, u8)>) {
    let headline = pages.iter().filter(|(_, s)| *s >= HEADLINE_SCORE).count();
    let limit = CAP.max(headline.min(HEADLINE_CAP));
    if pages.len() > limit {
        pages.select_nth_unstable_by(limit - 1, |a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        pages.truncate(limit);
    }
}

/// A group's postings for articles and for entities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Group {
    pub articles: Postings,
    pub entities: Postings,
}

impl Group {
    fn of(&mut self, kind: DocKind) -> &mut Postings {
        match kind {
            DocKind::Article => &mut self.articles,
            DocKind::Entity => &mut self.entities,
        }
    }
}

/// A language's index.
#[derive(Debug)]
pub(crate) struct Index {
    /// Keep only the best postings (a build); `serve` keeps them all.
    bounded: bool,
    /// Each word of the dictionary, with its group.
    pub words: HashMap<Arc<str>, Arc<str>, Hasher>,
    /// How many pages hold each word, kept by an index that pages are taken out of.
    word_pages: HashMap<Arc<str>, u32, Hasher>,
    pub groups: HashMap<Arc<str>, Group, Hasher>,
    /// Entity name keys and the entities going by each name.
    pub names: BTreeMap<String, Vec<u32>>,
}

impl Index {
    fn new(bounded: bool) -> Index {
        Index {
            bounded,
            words: HashMap::with_hasher(hasher()),
            word_pages: HashMap::with_hasher(hasher()),
            groups: HashMap::with_hasher(hasher()),
            names: BTreeMap::new(),
        }
    }

    /// An index that keeps every posting, so pages can be taken out (for `serve`).
    pub(crate) fn complete() -> Index {
        Index::new(false)
    }

    /// The index a build publishes, from what each thread gathered: every group's best
    /// postings, and every word.
    pub(crate) fn merge(parts: Vec<Part>) -> Index {
        let mut index = Index::new(true);
        for part in parts {
            let Part {
                analyzer,
                groups,
                names,
                ..
            } = part;
            for (number, group) in groups.into_iter().enumerate() {
                let stem = analyzer.group(number as u32);
                let merged = index.groups.entry(Arc::clone(stem)).or_default();
                for (into, from) in [
                    (&mut merged.articles, group.articles),
                    (&mut merged.entities, group.entities),
                ] {
                    into.count += from.count;
                    into.pages.extend(from.pages);
                    if into.pages.len() >= 2 * HEADLINE_CAP {
                        keep_best(&mut into.pages);
                    }
                }
            }
            // Every term a part's analyser numbered is in one of its pages.
            for number in 0..analyzer.terms() {
                let (term, _) = analyzer.term(number as u32);
                index
                    .words
                    .entry(Arc::clone(&term.text))
                    .or_insert_with(|| Arc::clone(&term.group));
            }
            for (name, page) in names {
                index.names.entry(name).or_default().push(page);
            }
        }
        for group in index.groups.values_mut() {
            for postings in [&mut group.articles, &mut group.entities] {
                postings.pages = best(&postings.pages);
            }
        }
        for pages in index.names.values_mut() {
            pages.sort_unstable();
        }
        index
    }

    /// Adds a page numbered after every page of its kind added so far.
    pub(crate) fn append(&mut self, kind: DocKind, page: u32, analysed: &Analysed) {
        let bounded = self.bounded;
        self.add_words(kind, page, analysed, |postings, score| {
            postings.push(page, score, bounded);
        });
    }

    /// Adds a page anywhere in the numbering (of an index that keeps every posting).
    pub(crate) fn insert(&mut self, kind: DocKind, page: u32, analysed: &Analysed) {
        debug_assert!(!self.bounded);
        self.add_words(kind, page, analysed, |postings, score| {
            postings.insert(page, score);
        });
    }

    fn add_words(
        &mut self,
        kind: DocKind,
        page: u32,
        analysed: &Analysed,
        mut add: impl FnMut(&mut Postings, u8),
    ) {
        for (group, score) in &analysed.groups {
            match self.groups.get_mut(group) {
                Some(g) => add(g.of(kind), *score),
                None => {
                    let mut g = Group::default();
                    add(g.of(kind), *score);
                    self.groups.insert(Arc::clone(group), g);
                }
            }
        }
        for term in &analysed.terms {
            match self.word_pages.get_mut(&term.text) {
                Some(pages) => *pages += 1,
                None => {
                    self.word_pages.insert(Arc::clone(&term.text), 1);
                    let group = Arc::clone(&term.group);
                    self.words.insert(Arc::clone(&term.text), group);
                }
            }
        }
        if kind == DocKind::Entity {
            for name in &analysed.names {
                let pages = self.names.entry(name.clone()).or_default();
                let at = pages.partition_point(|p| *p < page);
                pages.insert(at, page);
            }
        }
    }

    /// Takes out a page, as it was added.
    pub(crate) fn remove(&mut self, kind: DocKind, page: u32, analysed: &Analysed) {
        debug_assert!(!self.bounded);
        for (group, _) in &analysed.groups {
            if let Some(g) = self.groups.get_mut(group) {
                g.of(kind).remove(page);
                if g.articles.count == 0 && g.entities.count == 0 {
                    self.groups.remove(group);
                }
            }
        }
        for term in &analysed.terms {
            if let Some(pages) = self.word_pages.get_mut(&term.text) {
                *pages -= 1;
                if *pages == 0 {
                    self.word_pages.remove(&term.text);
                    self.words.remove(&term.text);
                }
            }
        }
        if kind == DocKind::Entity {
            for name in &analysed.names {
                if let Some(pages) = self.names.get_mut(name) {
                    pages.retain(|p| *p != page);
                    if pages.is_empty() {
                        self.names.remove(name);
                    }
                }
            }
        }
    }
}

/// What one thread gathers of a language's pages for a build, by its analyser's numbers:
/// merged into the [`Index`] once every page is read, so that no page's words are looked up
/// by their text.
pub(crate) struct Part {
    pub analyzer: Analyzer,
    scratch: Scratch,
    numbered: Numbered,
    /// By group number.
    groups: Vec<Group>,
    names: Vec<(String, u32)>,
    /// Where it writes what it finds for the next build, if anywhere.
    writer: Option<SegmentWriter>,
    /// Whether it writes the pages the cache had too: the segments it read are not kept.
    rewrites_cached: bool,
    /// For each segment of the cache met, its numbers' numbers here (`u32::MAX`: not yet).
    translated: HashMap<usize, (Vec<u32>, Vec<u32>)>,
}

impl Part {
    pub(crate) fn new(lang: &str) -> Part {
        Part {
            analyzer: Analyzer::new(lang),
            scratch: Scratch::default(),
            numbered: Numbered::default(),
            groups: Vec::new(),
            names: Vec::new(),
            writer: None,
            rewrites_cached: true,
            translated: HashMap::new(),
        }
    }

    /// A part that writes what it finds into a segment of the cache: every page, or, when
    /// the segments it reads are kept (`appending`), the pages they do not have.
    pub(crate) fn writing(lang: &str, writer: Option<SegmentWriter>, appending: bool) -> Part {
        Part {
            writer,
            rewrites_cached: !appending,
            ..Part::new(lang)
        }
    }

    /// Adds a page, in any order: the best postings do not depend on it. A page the cache
    /// knows (by its fields) is not read word by word again. Returns the key of its entry.
    pub(crate) fn add(
        &mut self,
        kind: DocKind,
        page: u32,
        doc: &Doc,
        cache: Option<&Cache>,
    ) -> u128 {
        let keyed = cache.is_some() || self.writer.is_some();
        let key = if keyed { cache::key(doc) } else { 0 };
        let cached = match cache.and_then(|c| c.get(key)) {
            Some(entry) => {
                self.translate(&entry);
                true
            }
            None => {
                score::analyse_numbered(
                    doc,
                    &mut self.analyzer,
                    &mut self.scratch,
                    &mut self.numbered,
                    self.writer.is_some(),
                );
                false
            }
        };
        self.post(kind, page, key, cached);
        if kind == DocKind::Entity {
            for name in score::name_keys(doc) {
                self.names.push((name, page));
            }
        }
        key
    }

    /// Adds an article's page as the cache's entry `key` has it, without its text.
    pub(crate) fn add_entry(&mut self, page: u32, key: u128, entry: &Entry) {
        self.translate(entry);
        self.post(DocKind::Article, page, key, true);
    }

    /// Posts the page's groups, as analysed last, and writes them into its segment unless
    /// they come from a segment that is kept (`cached`).
    fn post(&mut self, kind: DocKind, page: u32, key: u128, cached: bool) {
        if let Some(writer) = &mut self.writer
            && (self.rewrites_cached || !cached)
            && writer.entry(key, &self.numbered).is_err()
        {
            // No cache for the next build rather than a wrong one.
            self.writer = None;
        }
        if self.groups.len() < self.analyzer.groups() {
            self.groups
                .resize_with(self.analyzer.groups(), Group::default);
        }
        for &(group, score) in &self.numbered.groups {
            self.groups[group as usize].of(kind).push(page, score, true);
        }
    }

    /// A cached page's groups and terms, by this part's numbers.
    fn translate(&mut self, entry: &Entry) {
        let (terms, groups) = self.translated.entry(entry.segment).or_default();
        terms.resize(entry.table.terms.len(), u32::MAX);
        groups.resize(entry.table.groups.len(), u32::MAX);
        self.numbered.groups.clear();
        self.numbered.terms.clear();
        for &term in &entry.numbered.terms {
            let Some((text, group)) = entry.table.terms.get(term as usize) else {
                continue;
            };
            let Some(stem) = entry.table.groups.get(*group as usize) else {
                continue;
            };
            if terms[term as usize] == u32::MAX {
                let number = self.analyzer.intern(text, stem);
                terms[term as usize] = number;
                groups[*group as usize] = self.analyzer.term(number).1;
            }
            self.numbered.terms.push(terms[term as usize]);
        }
        for &(group, score) in &entry.numbered.groups {
            if let Some(&number) = groups.get(group as usize).filter(|n| **n != u32::MAX) {
                self.numbered.groups.push((number, score));
            }
        }
    }

    /// Finishes its segment of the cache: where it was written and where it goes (`None`
    /// inside: it wrote no page); `None` when it could not be written.
    pub(crate) fn finish_cache(
        &mut self,
    ) -> Option<Option<(std::path::PathBuf, std::path::PathBuf)>> {
        let writer = self.writer.take()?;
        let analyzer = &self.analyzer;
        let term = |n: u32| {
            let (term, group) = analyzer.term(n);
            (Arc::clone(&term.text), *group)
        };
        writer.finish(term, |n| Arc::clone(analyzer.group(n))).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tokens::Term;

    fn analysed(groups: &[(&str, u8)]) -> Analysed {
        Analysed {
            groups: groups.iter().map(|(g, s)| (Arc::from(*g), *s)).collect(),
            terms: groups
                .iter()
                .map(|(g, _)| Term {
                    text: Arc::from(*g),
                    group: Arc::from(*g),
                })
                .collect(),
            names: vec![],
        }
    }

    #[test]
    fn bounded_postings_keep_the_best_whatever_the_order_pages_come_in() {
        let mut bounded = Postings::default();
        let mut complete = Postings::default();
        // Pages in a scrambled order, as threads hand them over.
        for i in 0..5000u32 {
            let page = i * 7919 % 5000;
            let score = (page * 31 % 39 + 1) as u8;
            bounded.push(page, score, true);
            complete.push(page, score, false);
        }
        assert_eq!(bounded.count, 5000);
        assert_eq!(complete.pages.len(), 5000);
        assert!(bounded.pages.len() < 2 * CAP);
        let kept = best(&complete.pages);
        assert_eq!(best(&bounded.pages), kept);
        assert_eq!(kept.len(), CAP);
        assert!(kept.windows(2).all(|w| w[0].0 < w[1].0));
        let lowest_kept = kept.iter().map(|(_, s)| *s).min().unwrap();
        let dropped = complete.pages.iter().filter(|p| !kept.contains(p));
        assert!(dropped.map(|(_, s)| *s).all(|s| s <= lowest_kept));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]
        /// Whatever the scores and the order pages come in, a bounded list publishes what the
        /// complete one does: pages only counted were never among the best.
        #[test]
        fn a_bounded_list_publishes_what_a_complete_one_does(
            scores in proptest::collection::vec(1..=score::MAX_SCORE, 1..12_000),
            seed in 0u32..5000,
        ) {
            let mut bounded = Postings::default();
            let mut complete = Postings::default();
            let n = scores.len() as u32;
            // A stride coprime with the count visits every page once, out of order.
            let stride = (1..).map(|k| 7919 + k * n).find(|s| gcd(*s, n) == 1).unwrap_or(1);
            for i in 0..n {
                let page = (i * stride + seed) % n;
                bounded.push(page, scores[page as usize], true);
                complete.push(page, scores[page as usize], false);
            }
            proptest::prop_assert_eq!(bounded.count, n);
            proptest::prop_assert_eq!(best(&bounded.pages), best(&complete.pages));
        }
    }

    fn gcd(a: u32, b: u32) -> u32 {
        if b == 0 { a } else { gcd(b, a % b) }
    }

    #[test]
    fn every_page_with_the_word_in_its_headline_is_kept_up_to_its_own_cap() {
        // Pages with the word in their headline come late, among many with it in their text:
        // those kept early make room for them.
        for headlines in [1500u32, 3000, 6000] {
            let mut bounded = Postings::default();
            let mut complete = Postings::default();
            for page in 0..10_000u32 {
                let headline = page >= 10_000 - headlines;
                let score = if headline {
                    HEADLINE_SCORE + (page % 5) as u8
                } else {
                    (page % 39 + 1) as u8
                };
                bounded.push(page, score, true);
                complete.push(page, score, false);
            }
            let kept = best(&complete.pages);
            assert_eq!(best(&bounded.pages), kept, "{headlines}");
            assert_eq!(kept.len(), (headlines as usize).clamp(CAP, HEADLINE_CAP));
            let kept_headlines = kept.iter().filter(|(_, s)| *s >= HEADLINE_SCORE).count();
            assert_eq!(kept_headlines, (headlines as usize).min(HEADLINE_CAP));
        }
    }

    #[test]
    fn pages_gathered_by_threads_merge_into_the_index_of_one_reader() {
        use std::borrow::Cow;
        let doc = |text: &'static str| Doc {
            fields: vec![(crate::search::doc::Field::Body, Cow::Borrowed(text))],
            names: vec![],
            record: String::new(),
        };
        let texts = ["Alep et Idleb", "les combats à Alep", "Idleb, Hama", "Alep"];
        let mut one = Part::new("fr");
        let (mut a, mut b) = (Part::new("fr"), Part::new("fr"));
        let mut complete = Index::complete();
        let (mut analyzer, mut scratch) = (Analyzer::new("fr"), Scratch::default());
        for (page, text) in texts.iter().enumerate() {
            one.add(DocKind::Article, page as u32, &doc(text), None);
            let part = if page % 2 == 0 { &mut a } else { &mut b };
            part.add(DocKind::Article, page as u32, &doc(text), None);
            let analysed = score::analyse(&doc(text), &mut analyzer, &mut scratch);
            complete.append(DocKind::Article, page as u32, &analysed);
        }
        let merged = Index::merge(vec![a, b]);
        let single = Index::merge(vec![one]);
        assert_eq!(merged.groups, single.groups);
        assert_eq!(merged.words, single.words);
        assert_eq!(merged.groups, complete.groups);
        assert_eq!(merged.words, complete.words);
        assert_eq!(merged.groups["alep"].articles.pages.len(), 3);
    }

    #[test]
    fn a_page_the_cache_knows_is_not_read_again() {
        use std::borrow::Cow;
        let dir = tempfile::tempdir().unwrap();
        let doc = |text: &'static str| Doc {
            fields: vec![
                (crate::search::doc::Field::Title, Cow::Borrowed("Alep")),
                (crate::search::doc::Field::Body, Cow::Borrowed(text)),
            ],
            names: vec![],
            record: String::new(),
        };
        let texts = [
            "Alep et Idleb, l'offensive",
            "les combats à Alep",
            "Idleb, Hama",
        ];
        let writer = SegmentWriter::create(dir.path().join("search-fr-0.cache"), "fr").unwrap();
        let mut first = Part::writing("fr", Some(writer), false);
        for (page, text) in texts.iter().enumerate() {
            first.add(DocKind::Article, page as u32, &doc(text), None);
        }
        let finished = first.finish_cache().unwrap().unwrap();
        cache::replace(dir.path(), "fr", vec![finished], false).unwrap();
        let cache = Cache::open(dir.path(), "fr");
        // The second build's part reads no word of the pages the cache knows...
        let mut second = Part::new("fr");
        for (page, text) in texts.iter().enumerate() {
            second.add(DocKind::Article, page as u32, &doc(text), Some(&cache));
        }
        assert_eq!(second.analyzer.words_read(), 0);
        // ...and ends with the same index; a changed page is read.
        let (a, b) = (Index::merge(vec![first]), Index::merge(vec![second]));
        assert_eq!((&a.groups, &a.words), (&b.groups, &b.words));
        let mut third = Part::new("fr");
        third.add(DocKind::Article, 0, &doc("une autre dépêche"), Some(&cache));
        assert!(third.analyzer.words_read() > 0);
    }

    #[test]
    fn a_page_taken_out_leaves_the_index_as_if_never_added() {
        let mut index = Index::complete();
        index.append(DocKind::Article, 0, &analysed(&[("alep", 10), ("hts", 5)]));
        index.append(DocKind::Article, 2, &analysed(&[("alep", 20)]));
        let before = (index.words.clone(), index.groups.clone());
        let edited = analysed(&[("alep", 30), ("idlib", 3)]);
        index.insert(DocKind::Article, 1, &edited);
        assert_eq!(
            index.groups["alep"].articles.pages,
            [(0, 10), (1, 30), (2, 20)]
        );
        index.remove(DocKind::Article, 1, &edited);
        assert_eq!((index.words.clone(), index.groups.clone()), before);
    }
}
