//! A page's words and their scores: BM25F's term-frequency part, computed from the page alone
//! and quantised to 6 bits. The reader's browser multiplies it by the word's rarity (BM25's
//! idf), which it computes from the counts the index publishes: an edit changes the scores of
//! the edited page and the counts of its words, nothing else.

use std::sync::Arc;

use super::doc::Doc;
use super::tokens::{Analyzer, Term, Token, fold_into, words};

/// BM25's saturation: how fast more occurrences stop adding to a score.
const K1: f32 = 1.5;

/// The highest quantised score (scores are 1 to 63: one character of the shards' alphabet).
pub(crate) const MAX_SCORE: u8 = 63;

/// What the index keeps of a page: each group of words it holds with its score, the words
/// themselves (for the dictionary), and the keys of the names it goes by (for entities).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Analysed {
    /// Sorted by group.
    pub groups: Vec<(Arc<str>, u8)>,
    /// Sorted, each once.
    pub terms: Vec<Term>,
    /// A name's folded words joined by spaces (`hayat tahrir al sham`), sorted, each once.
    pub names: Vec<String>,
}

/// A page's groups and terms by the numbers one analyser gives them.
#[derive(Debug, Default)]
pub(crate) struct Numbered {
    /// Each group with its score.
    pub groups: Vec<(u32, u8)>,
    /// Each term, once.
    pub terms: Vec<u32>,
}

/// Counts for one thread's pages, by the numbers its analyser gives terms and groups.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Occurrences of each group in the field being read.
    field: Vec<u32>,
    field_groups: Vec<u32>,
    /// Weighted occurrences of each group in the page.
    weighted: Vec<f32>,
    /// Whether each group is in a headline field of the page.
    headline: Vec<bool>,
    /// Whether each term was met in the page.
    met: Vec<bool>,
}

/// Scores the words of `doc` into `out`, by the analyser's numbers; lists its terms too when
/// `terms` says (a build's dictionary is every term its analysers numbered).
pub(crate) fn analyse_numbered(
    doc: &Doc,
    analyzer: &mut Analyzer,
    scratch: &mut Scratch,
    out: &mut Numbered,
    terms: bool,
) {
    out.groups.clear();
    out.terms.clear();
    let mut touched: Vec<u32> = Vec::new();
    for (field, text) in &doc.fields {
        let mut length = 0u32;
        for run in text.split_ascii_whitespace() {
            for token in analyzer.run(run) {
                if !token.compound {
                    length += 1;
                }
                if token.term == Token::NONE {
                    continue;
                }
                let group = token.group as usize;
                if scratch.field.len() <= group {
                    scratch.field.resize(group + 64, 0);
                }
                if scratch.field[group] == 0 {
                    scratch.field_groups.push(group as u32);
                }
                scratch.field[group] += 1;
                if !terms {
                    continue;
                }
                let number = token.term as usize;
                if scratch.met.len() <= number {
                    scratch.met.resize(number + 64, false);
                }
                if !scratch.met[number] {
                    scratch.met[number] = true;
                    out.terms.push(number as u32);
                }
            }
        }
        let b = field.length_effect();
        let norm = 1.0 - b + b * length as f32 / field.usual_words();
        let weight = field.weight() / norm;
        if scratch.weighted.len() < scratch.field.len() {
            scratch.weighted.resize(scratch.field.len(), 0.0);
            scratch.headline.resize(scratch.field.len(), false);
        }
        for &group in &scratch.field_groups {
            let group = group as usize;
            if scratch.weighted[group] == 0.0 {
                touched.push(group as u32);
            }
            scratch.weighted[group] += weight * scratch.field[group] as f32;
            scratch.headline[group] |= field.is_headline();
            scratch.field[group] = 0;
        }
        scratch.field_groups.clear();
    }
    for &number in &out.terms {
        scratch.met[number as usize] = false;
    }
    for group in touched {
        let tf = std::mem::take(&mut scratch.weighted[group as usize]);
        let headline = std::mem::take(&mut scratch.headline[group as usize]);
        out.groups.push((group, quantise(tf / (K1 + tf), headline)));
    }
}

/// The keys of the names an entity goes by, sorted, each once.
pub(crate) fn name_keys(doc: &Doc) -> Vec<String> {
    let mut names: Vec<String> = doc.names.iter().map(|name| name_key(name)).collect();
    names.retain(|n| !n.is_empty());
    names.sort_unstable();
    names.dedup();
    names
}

/// Scores the words of `doc`, by their text.
pub(crate) fn analyse(doc: &Doc, analyzer: &mut Analyzer, scratch: &mut Scratch) -> Analysed {
    let mut numbered = Numbered::default();
    analyse_numbered(doc, analyzer, scratch, &mut numbered, true);
    let mut groups: Vec<(Arc<str>, u8)> = numbered
        .groups
        .iter()
        .map(|&(group, score)| (Arc::clone(analyzer.group(group)), score))
        .collect();
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut terms: Vec<Term> = numbered
        .terms
        .iter()
        .map(|&n| analyzer.term(n).0.clone())
        .collect();
    terms.sort_unstable_by(|a, b| a.text.cmp(&b.text));
    Analysed {
        groups,
        terms,
        names: name_keys(doc),
    }
}

/// The lowest score of a word in a headline (a title, an entity's names): 40 to 63, above
/// every word found only in the text (1 to 39). A word in a page's headline says more of the
/// page than any number of occurrences in its text, and when a word is on more pages than
/// the index lists, the pages it keeps are those that have it in their headline.
pub(crate) const HEADLINE_SCORE: u8 = 40;

/// A saturated score in [0, 1) as 1 to [`HEADLINE_SCORE`] − 1, or [`HEADLINE_SCORE`] to
/// [`MAX_SCORE`] for a word in a headline.
fn quantise(score: f32, headline: bool) -> u8 {
    let (low, high) = if headline {
        (HEADLINE_SCORE, MAX_SCORE)
    } else {
        (1, HEADLINE_SCORE - 1)
    };
    let span = f32::from(high - low);
    // Rounded by adding a half and truncating (the score is not negative): `f32::round` is a
    // call into the maths library, once for every word of every page.
    let steps = (score * span + 0.5) as u8;
    low.saturating_add(steps).clamp(low, high)
}

/// What a name is compared as: its folded words (compounds aside) joined by spaces. The
/// search page makes the same key of a query.
pub(crate) fn name_key(name: &str) -> String {
    let mut key = String::new();
    words(name, |word, compound| {
        if compound {
            return;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        fold_into(word, &mut key);
    });
    key
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::super::doc::Field;
    use super::*;

    fn doc<'a>(fields: Vec<(Field, &'a str)>, names: Vec<&'a str>) -> Doc<'a> {
        Doc {
            fields: fields
                .into_iter()
                .map(|(f, t)| (f, Cow::Borrowed(t)))
                .collect(),
            names,
            record: String::new(),
        }
    }

    fn score(a: &Analysed, group: &str) -> u8 {
        a.groups
            .iter()
            .find(|(g, _)| &**g == group)
            .map_or(0, |(_, s)| *s)
    }

    #[test]
    fn a_word_in_the_title_outweighs_the_same_word_in_the_text() {
        let mut analyzer = Analyzer::new("en");
        let mut scratch = Scratch::default();
        let a = analyse(
            &doc(
                vec![
                    (Field::Title, "Rebels take Aleppo"),
                    (Field::Body, "The rebels entered the city. Residents fled."),
                ],
                vec![],
            ),
            &mut analyzer,
            &mut scratch,
        );
        assert!(score(&a, "aleppo") > score(&a, "resid"), "{a:?}");
        // Both forms of "rebel" are one group, scored once.
        assert!(score(&a, "rebel") >= score(&a, "aleppo"));
        assert!(a.groups.iter().all(|(_, s)| (1..=MAX_SCORE).contains(s)));
        let texts: Vec<&str> = a.terms.iter().map(|t| &*t.text).collect();
        assert!(
            texts.contains(&"rebels") && texts.contains(&"residents"),
            "{texts:?}"
        );
    }

    #[test]
    fn more_occurrences_score_higher_up_to_a_point() {
        let mut analyzer = Analyzer::new("en");
        let mut scratch = Scratch::default();
        let once = analyse(
            &doc(vec![(Field::Body, "siege")], vec![]),
            &mut analyzer,
            &mut scratch,
        );
        let thrice = analyse(
            &doc(vec![(Field::Body, "siege siege siege")], vec![]),
            &mut analyzer,
            &mut scratch,
        );
        assert!(score(&thrice, "sieg") > score(&once, "sieg"));
        assert!(score(&thrice, "sieg") < MAX_SCORE);
    }

    #[test]
    fn names_are_keyed_by_their_folded_words() {
        assert_eq!(name_key("Hayat Tahrir al-Sham"), "hayat tahrir al sham");
        assert_eq!(
            name_key("Observatoire syrien des droits de l'homme"),
            "observatoire syrien des droits de homme"
        );
        assert_eq!(name_key("حَلَب"), "حلب");
        let mut analyzer = Analyzer::new("fr");
        let mut scratch = Scratch::default();
        let a = analyse(
            &doc(vec![(Field::Name, "OSDH")], vec!["OSDH", "SOHR", "osdh"]),
            &mut analyzer,
            &mut scratch,
        );
        assert_eq!(a.names, ["osdh", "sohr"]);
    }
}
