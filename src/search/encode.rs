//! The index as files: the dictionary, sorted, cut into shards that a query loads one or two
//! of, and a root file listing where each shard starts.
//!
//! Shards are cut where the content says, not where a count falls: a word whose hash is a
//! multiple of [`RUN`] starts a run of words, and a run is cut into shards of about
//! [`SHARD_BYTES`] from its start. An edit that changes a few words changes the shards of
//! their runs only, and a full build cuts the same shards as an edited index.
//!
//! A shard is JSON: `w` its words (sorted as JavaScript compares strings), `g` each word's
//! group (an index into `p`), `p` each group's postings as `[articles holding it, articles,
//! entities holding it, entities]`, `n` the entity names whose first word falls in the shard
//! with the entities they name. Postings are a string of base64url digits: for each page, the
//! gap from the previous page number (base 32, little end first, a digit of 32 or more meaning
//! "more digits follow"), then its score (one digit, 1–63).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::Arc;

use super::index::{Group, Index, Postings, best};
use super::tokens::{Hasher, hasher};

/// One word in about this many starts a run (see the module's documentation).
const RUN: u64 = 32;

/// About how large a shard grows before it is cut.
pub(crate) const SHARD_BYTES: usize = 3 << 10;

const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Orders strings as JavaScript compares them (by UTF-16 code units), so that the search page
/// can find a word's shard by comparing it with the shards' first words.
pub(crate) fn js_order(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

fn push_number(out: &mut String, mut n: u32) {
    loop {
        let digit = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(char::from(DIGITS[digit]));
            return;
        }
        out.push(char::from(DIGITS[32 + digit]));
    }
}

/// Postings as the shards write them: the gap from the previous page, then the score.
pub(crate) fn encode_postings(pages: &[(u32, u8)], out: &mut String) {
    let mut next = 0;
    for &(page, score) in pages {
        push_number(out, page - next);
        out.push(char::from(DIGITS[usize::from(score.min(63))]));
        next = page + 1;
    }
}

/// `[articles holding it, articles, entities holding it, entities]`.
fn encode_group(group: &Group) -> String {
    let mut out = String::from("[");
    let one = |postings: &Postings, out: &mut String| {
        let _ = write!(out, "{},\"", postings.count);
        encode_postings(&best(&postings.pages), out);
        out.push('"');
    };
    one(&group.articles, &mut out);
    out.push(',');
    one(&group.entities, &mut out);
    out.push(']');
    out
}

/// The dictionary in the search page's order.
pub(crate) fn sorted_words(index: &Index) -> Vec<Arc<str>> {
    let mut words: Vec<Arc<str>> = index.words.keys().cloned().collect();
    words.sort_unstable_by(|a, b| js_order(a, b));
    words
}

/// Whether `word` starts a run.
pub(crate) fn starts_run(word: &str) -> bool {
    xxhash_rust::xxh3::xxh3_64(word.as_bytes()).is_multiple_of(RUN)
}

/// The runs of a sorted dictionary, as ranges of it.
pub(crate) fn runs(words: &[Arc<str>]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for (i, word) in words.iter().enumerate().skip(1) {
        if starts_run(word) {
            runs.push(start..i);
            start = i;
        }
    }
    if !words.is_empty() {
        runs.push(start..words.len());
    }
    runs
}

/// A shard: its first word and its JSON (names are added once every shard's range is known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shard {
    pub first: Arc<str>,
    /// `"w":[…],"g":[…],"p":[…]` without braces.
    body: String,
}

/// Cuts a run of the dictionary into shards.
pub(crate) fn encode_run(
    index: &Index,
    run: &[Arc<str>],
    cache: &mut HashMap<Arc<str>, Arc<str>, Hasher>,
) -> Vec<Shard> {
    let mut shards = Vec::new();
    let mut current = Building::default();
    for word in run {
        let Some(stem) = index.words.get(word) else {
            continue;
        };
        let encoded = cache.entry(Arc::clone(stem)).or_insert_with(|| {
            let group = index.groups.get(stem);
            Arc::from(group.map_or_else(|| encode_group(&Group::default()), encode_group))
        });
        let encoded = Arc::clone(encoded);
        if !current.words.is_empty()
            && current.size + current.cost(word, stem, &encoded) > SHARD_BYTES
        {
            shards.push(std::mem::take(&mut current).finish());
        }
        current.size += current.cost(word, stem, &encoded);
        current.add(word, stem, encoded);
    }
    if !current.words.is_empty() {
        shards.push(current.finish());
    }
    shards
}

struct Building<'a> {
    words: Vec<&'a Arc<str>>,
    word_groups: Vec<usize>,
    groups: HashMap<Arc<str>, usize, Hasher>,
    encoded: Vec<Arc<str>>,
    /// The length of its JSON so far.
    size: usize,
}

impl Default for Building<'_> {
    fn default() -> Self {
        Building {
            words: Vec::new(),
            word_groups: Vec::new(),
            groups: HashMap::with_hasher(hasher()),
            encoded: Vec::new(),
            size: r#""w":[],"g":[],"p":[]"#.len(),
        }
    }
}

impl<'a> Building<'a> {
    /// What a word adds to the JSON: itself quoted, its group's number, its group if new,
    /// and the commas between them (at most).
    fn cost(&self, word: &str, group: &Arc<str>, encoded: &str) -> usize {
        let number = self.groups.get(group).copied().unwrap_or(self.groups.len());
        let digits = number.checked_ilog10().unwrap_or(0) as usize + 1;
        let new = number == self.groups.len();
        word.len() + 3 + digits + 1 + if new { encoded.len() + 1 } else { 0 }
    }

    fn add(&mut self, word: &'a Arc<str>, group: &Arc<str>, encoded: Arc<str>) {
        let next = self.groups.len();
        let at = *self.groups.entry(Arc::clone(group)).or_insert(next);
        if at == next {
            self.encoded.push(encoded);
        }
        self.words.push(word);
        self.word_groups.push(at);
    }

    fn finish(self) -> Shard {
        let mut body = String::with_capacity(self.size + 32);
        body.push_str("\"w\":");
        let words: Vec<&str> = self.words.iter().map(|w| &***w).collect();
        body.push_str(&serde_json::to_string(&words).unwrap_or_default());
        body.push_str(",\"g\":");
        body.push_str(&serde_json::to_string(&self.word_groups).unwrap_or_default());
        body.push_str(",\"p\":[");
        for (i, group) in self.encoded.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(group);
        }
        body.push(']');
        Shard {
            first: Arc::clone(self.words[0]),
            body,
        }
    }
}

impl Shard {
    /// The shard's file: its words and groups, and the names whose first word it holds.
    pub(crate) fn json(&self, names: &[(&String, &Vec<u32>)]) -> String {
        let mut out = String::with_capacity(self.body.len() + 2);
        out.push('{');
        out.push_str(&self.body);
        if !names.is_empty() {
            out.push_str(",\"n\":");
            out.push_str(&serde_json::to_string(names).unwrap_or_default());
        }
        out.push('}');
        out
    }
}

/// Which shard holds `word`: the last whose first word is not after it.
pub(crate) fn shard_of(firsts: &[Arc<str>], word: &str) -> usize {
    firsts
        .partition_point(|first| js_order(first, word) != Ordering::Greater)
        .saturating_sub(1)
}

/// The entity names each shard holds: a name goes with the first word of its key.
pub(crate) fn names_by_shard<'i>(
    names: &'i BTreeMap<String, Vec<u32>>,
    firsts: &[Arc<str>],
) -> Vec<Vec<(&'i String, &'i Vec<u32>)>> {
    let mut by_shard = vec![Vec::new(); firsts.len()];
    if firsts.is_empty() {
        return by_shard;
    }
    for (key, pages) in names {
        let first = key.split(' ').next().unwrap_or(key);
        by_shard[shard_of(firsts, first)].push((key, pages));
    }
    by_shard
}

/// The file name of a shard: its first word's UTF-8, in hexadecimal.
pub(crate) fn shard_name(first: &str) -> String {
    let mut name = String::with_capacity(first.len() * 2);
    for byte in first.bytes() {
        let _ = write!(name, "{byte:02x}");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::doc::DocKind;
    use crate::search::score::Analysed;
    use crate::search::tokens::Term;

    #[test]
    fn postings_are_gaps_and_scores_in_base64url() {
        let mut out = String::new();
        encode_postings(&[(0, 63), (1, 1), (40, 2), (1100, 3)], &mut out);
        // 0 → "A" then score "_"; gap 0 → "A", "B"; gap 38 = 6 + 32·1 → "m" (32+6), "B";
        // gap 1059 = 3 + 32·1 + 1024·1 → "j" (32+3), "h" (32+1), "B".
        assert_eq!(out, "A_ABmBCjhBD");
    }

    #[test]
    fn strings_sort_as_javascript_sorts_them() {
        // U+1F600 sorts after U+FF5E (fullwidth tilde) by code point, before it in UTF-16.
        assert_eq!(js_order("\u{1F600}", "\u{FF5E}"), Ordering::Less);
        assert_eq!(js_order("alep", "alepp"), Ordering::Less);
        assert_eq!(js_order("z", "é"), Ordering::Less);
    }

    fn index_of(words: &[&str]) -> Index {
        let mut index = Index::complete();
        for (page, w) in words.iter().enumerate() {
            let analysed = Analysed {
                groups: vec![(Arc::from(*w), 9)],
                terms: vec![Term {
                    text: Arc::from(*w),
                    group: Arc::from(*w),
                }],
                names: vec![],
            };
            index.append(DocKind::Article, page as u32, &analysed);
        }
        index
    }

    #[test]
    fn shards_stay_under_their_size_and_an_edit_changes_only_its_run() {
        let words: Vec<String> = (0..3000).map(|i| format!("w{i:05}")).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let index = index_of(&refs);
        let sorted = sorted_words(&index);
        let all = |index: &Index, sorted: &[Arc<str>]| -> Vec<Shard> {
            let mut cache = HashMap::with_hasher(hasher());
            runs(sorted)
                .into_iter()
                .flat_map(|r| encode_run(index, &sorted[r], &mut cache))
                .collect()
        };
        let before = all(&index, &sorted);
        assert!(before.len() > 10);
        // Within the size, but for the braces and names the file adds.
        assert!(
            before.iter().all(|s| s.body.len() <= SHARD_BYTES),
            "{:?}",
            before.iter().map(|s| s.body.len()).max()
        );
        // One more word: only the shards of its run differ.
        let mut grown = refs.clone();
        grown.push("w01234x");
        let index2 = index_of(&grown);
        let sorted2 = sorted_words(&index2);
        let after = all(&index2, &sorted2);
        let changed = after.iter().filter(|s| !before.contains(s)).count();
        assert!(changed <= 3, "{changed} of {} shards changed", after.len());
    }

    #[test]
    fn a_word_is_found_in_the_last_shard_starting_at_or_before_it() {
        let firsts: Vec<Arc<str>> = ["b", "d", "f"].iter().map(|s| Arc::from(*s)).collect();
        assert_eq!(shard_of(&firsts, "a"), 0);
        assert_eq!(shard_of(&firsts, "b"), 0);
        assert_eq!(shard_of(&firsts, "c"), 0);
        assert_eq!(shard_of(&firsts, "d"), 1);
        assert_eq!(shard_of(&firsts, "zz"), 2);
        assert_eq!(shard_name("alep"), "616c6570");
        assert_eq!(shard_name("é"), "c3a9");
    }
}
