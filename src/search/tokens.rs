//! Words as the search index stores them, and as `search.js` folds a reader's query: Unicode
//! word segmentation (UAX #29), case and diacritics folded (NFKD without combining marks,
//! then lower case), French elisions and the English possessive dropped, hyphenated names
//! kept both whole and split, Arabic letters normalised as Lucene's Arabic analyser does.
//! A Snowball stemmer groups the folded words of one stem, so that a query finds every form.
//!
//! `static/search.js` repeats [`fold`] and [`words`] for queries: a change here is a change
//! there, and `tests/it/search.rs` runs both on the same words.

use std::collections::HashMap;
use std::sync::Arc;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// Longer words are indexed by their first 48 bytes (an address, a German compound): the
/// query's word is cut the same way, so it still finds them.
pub(crate) const MAX_TERM_BYTES: usize = 48;

/// French elided articles and conjunctions, dropped with their apostrophe (`l'offensive`).
const ELISIONS: [&str; 13] = [
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// The apostrophes a word may hold (typewriter, typographic right and left, modifier
/// letter, fullwidth).
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{FF07}')
}

/// Invisible characters that pasted copy leaves inside words (soft hyphen, zero-width
/// space, joiners, direction marks, word joiner, byte order mark): a word is the same
/// without them.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Invisible characters that Unicode's word rules take as a break (zero-width space, the
/// direction isolates, the Mongolian vowel separator): taken out before a text is read for
/// words, so that they do not split one.
fn splits_words(c: char) -> bool {
    matches!(c, '\u{180E}' | '\u{200B}' | '\u{2066}'..='\u{2069}')
}

/// The hyphens that join a compound (`al-Sham`, `cessez-le-feu`).
fn is_hyphen(s: &str) -> bool {
    matches!(s, "-" | "\u{2010}" | "\u{2011}")
}

/// Appends the folded form of `word` to `out`: compatibility forms decomposed, combining
/// marks (accents, Arabic short vowels) and apostrophes dropped, lower case, Arabic alef,
/// ya and ta marbuta forms unified, tatweel removed, ligatures spelt out.
pub(crate) fn fold_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(
            word.bytes()
                .filter(|b| *b != b'\'')
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
        return;
    }
    for c in word.nfkd() {
        if is_combining_mark(c)
            || is_apostrophe(c)
            || is_invisible(c)
            || c == '\u{0640}'
            || c.is_whitespace()
        {
            continue;
        }
        for lower in c.to_lowercase() {
            match lower {
                // Alef with hamza or madda decompose to alef and a mark; alef wasla does not.
                '\u{0671}' => out.push('\u{0627}'),
                '\u{0649}' => out.push('\u{064A}'),
                '\u{0629}' => out.push('\u{0647}'),
                'œ' => out.push_str("oe"),
                'æ' => out.push_str("ae"),
                'ß' => out.push_str("ss"),
                other => out.push(other),
            }
        }
    }
}

/// The folded form of `word`.
pub(crate) fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// `word` without a French elision before its first apostrophe or an English possessive.
fn strip_clitics(word: &str) -> &str {
    // U+2018, U+2019, U+02BC and U+FF07 start with these bytes in UTF-8.
    if !word
        .bytes()
        .any(|b| b == b'\'' || b == 0xE2 || b == 0xCA || b == 0xEF)
    {
        return word;
    }
    let Some((at, apostrophe)) = word.char_indices().find(|(_, c)| is_apostrophe(*c)) else {
        return word;
    };
    let head = &word[..at];
    let tail = &word[at + apostrophe.len_utf8()..];
    if !tail.is_empty() && ELISIONS.iter().any(|e| head.eq_ignore_ascii_case(e)) {
        return strip_clitics(tail);
    }
    if tail == "s" || tail == "S" {
        return head;
    }
    word
}

/// Calls `each` with every word of `text` as the index and the search page see it: each
/// word on its own (`false`), then, after the last part of a hyphenated compound, the
/// compound without its hyphens (`true`): `al`, `sham`, `alsham`.
///
/// Words are found by Unicode's rules (UAX #29). No word spans white space, so each run
/// between spaces is segmented on its own: most runs are ASCII, which the segmenter reads
/// much faster than a text with one accent anywhere, and a run of ASCII letters and digits
/// is one word.
pub(crate) fn words(text: &str, mut each: impl FnMut(&str, bool)) {
    for run in text.split_ascii_whitespace() {
        if run.is_ascii() || !run.contains(splits_words) {
            run_words(run, &mut each);
        } else {
            let joined: String = run.chars().filter(|&c| !splits_words(c)).collect();
            run_words(&joined, &mut each);
        }
    }
}

/// The words of one run of text between spaces (no word or compound spans a space).
fn run_words(run: &str, each: &mut impl FnMut(&str, bool)) {
    if let Some(word) = lone_ascii_word(run) {
        each(word, false);
        return;
    }
    let mut compound = Compound::default();
    for (start, segment) in run.unicode_word_indices() {
        compound.word(run, start, segment, each);
    }
    compound.close(each);
}

/// The word of an ASCII run that holds one: letters and digits with only punctuation around
/// them (`(Alep),`). Punctuation joins letters or digits into a word only between two of
/// them (UAX #29's rules WB6 to WB12), and `_` is left to the segmenter, which joins with it.
fn lone_ascii_word(run: &str) -> Option<&str> {
    let punctuation = |b: u8| b.is_ascii_punctuation() && b != b'_';
    let core = run.trim_matches(|c: char| c.is_ascii() && punctuation(c as u8));
    let lone = !core.is_empty() && core.bytes().all(|b| b.is_ascii_alphanumeric());
    lone.then_some(core)
}

/// The hyphenated compound being read.
#[derive(Default)]
struct Compound {
    joined: String,
    parts: usize,
    last_end: usize,
}

/// A word of a run as the analyser numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// Its term's number, or [`Token::NONE`] for a word not indexed.
    pub term: u32,
    /// Its group's number.
    pub group: u32,
    /// A hyphenated compound made of the words before it.
    pub compound: bool,
}

impl Token {
    pub(crate) const NONE: u32 = u32::MAX;
}

/// How many runs an analyser remembers: past that, each new one is read every time.
const MAX_RUNS: usize = 1 << 20;

impl Compound {
    fn word(&mut self, text: &str, start: usize, segment: &str, each: &mut impl FnMut(&str, bool)) {
        if !(self.parts > 0 && is_hyphen(&text[self.last_end..start])) {
            self.close(each);
        }
        let word = strip_clitics(segment);
        each(word, false);
        self.joined.push_str(word);
        self.parts += 1;
        self.last_end = start + segment.len();
    }

    fn close(&mut self, each: &mut impl FnMut(&str, bool)) {
        if self.parts > 1 {
            each(&self.joined, true);
        }
        self.joined.clear();
        self.parts = 0;
    }
}

/// A word of the index: its folded form and the stem it shares with the other forms of the
/// word (its group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub text: Arc<str>,
    pub group: Arc<str>,
}

/// Hashes the analyser's words: a run of text is looked up for every word of every page, so
/// the hash of a short string is most of the cost. No seed: nothing depends on the order of
/// its maps, and a build must not depend on chance anyway.
pub(crate) type Hasher = rustc_hash::FxBuildHasher;

pub(crate) fn hasher() -> Hasher {
    rustc_hash::FxBuildHasher
}

/// Folds and stems the words of one language, numbering each word and group it meets: a
/// corpus uses a few thousand words many times, and each is folded and stemmed once.
pub(crate) struct Analyzer {
    stemmer: Option<Stemmer>,
    /// Each word as written, and its term's number (`None`: not indexed).
    seen: HashMap<Box<str>, Option<u32>, Hasher>,
    /// Each run of text between spaces, and its words (`(Alep),` is one word, `l'offensive`
    /// one, `al-Sham` three): most runs come back many times.
    runs: HashMap<Box<str>, u32, Hasher>,
    /// The words of each run remembered, by number.
    run_tokens: Vec<Box<[Token]>>,
    tokens: Vec<Token>,
    /// Terms by folded text.
    numbers: HashMap<Arc<str>, u32, Hasher>,
    /// Terms by number, with their group's number.
    terms: Vec<(Term, u32)>,
    /// Groups by stem.
    group_numbers: HashMap<Arc<str>, u32, Hasher>,
    /// Groups by number.
    groups: Vec<Arc<str>>,
    scratch: String,
}

/// The Snowball stemmer for a language code, where there is one.
fn stemmer(lang: &str) -> Option<Stemmer> {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    let algorithm = match primary.to_ascii_lowercase().as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

impl Analyzer {
    /// The analyser of a language (`fr`, `en`, `ar`, ...); words of a language without a
    /// stemmer are their own group.
    pub(crate) fn new(lang: &str) -> Analyzer {
        Analyzer {
            stemmer: stemmer(lang),
            seen: HashMap::with_hasher(hasher()),
            runs: HashMap::with_hasher(hasher()),
            run_tokens: Vec::new(),
            tokens: Vec::new(),
            numbers: HashMap::with_hasher(hasher()),
            terms: Vec::new(),
            group_numbers: HashMap::with_hasher(hasher()),
            groups: Vec::new(),
            scratch: String::new(),
        }
    }

    /// The number of the term `word` is indexed as; `None` for a word too long to index.
    pub(crate) fn number(&mut self, word: &str) -> Option<u32> {
        if let Some(number) = self.seen.get(word) {
            return *number;
        }
        let number = self.analyze(word);
        self.seen.insert(word.into(), number);
        number
    }

    /// The words of a run of text between spaces, numbered.
    pub(crate) fn run(&mut self, run: &str) -> &[Token] {
        if let Some(&known) = self.runs.get(run) {
            return &self.run_tokens[known as usize];
        }
        let mut tokens = std::mem::take(&mut self.tokens);
        tokens.clear();
        let joined: String;
        let words_of = if run.is_ascii() || !run.contains(splits_words) {
            run
        } else {
            joined = run.chars().filter(|&c| !splits_words(c)).collect();
            &joined
        };
        run_words(words_of, &mut |word, compound| {
            let term = self.number(word).unwrap_or(Token::NONE);
            let group = if term == Token::NONE {
                Token::NONE
            } else {
                self.term(term).1
            };
            tokens.push(Token {
                term,
                group,
                compound,
            });
        });
        self.tokens = tokens;
        if self.runs.len() < MAX_RUNS {
            let number = self.run_tokens.len();
            self.run_tokens.push(self.tokens.as_slice().into());
            self.runs.insert(run.into(), number as u32);
            return &self.run_tokens[number];
        }
        &self.tokens
    }

    /// Numbers a term found before (by this analyser or another, with this group): the
    /// number it has here.
    pub(crate) fn intern(&mut self, text: &Arc<str>, group: &Arc<str>) -> u32 {
        if let Some(&number) = self.numbers.get(text) {
            return number;
        }
        let next = self.groups.len() as u32;
        let group_number = *self.group_numbers.entry(Arc::clone(group)).or_insert(next);
        if group_number == next {
            self.groups.push(Arc::clone(group));
        }
        let number = self.terms.len() as u32;
        self.numbers.insert(Arc::clone(text), number);
        let term = Term {
            text: Arc::clone(text),
            group: Arc::clone(&self.groups[group_number as usize]),
        };
        self.terms.push((term, group_number));
        number
    }

    /// How many different words (as written) it has read.
    #[cfg(test)]
    pub(crate) fn words_read(&self) -> usize {
        self.seen.len()
    }

    /// A term by number, with its group's number.
    pub(crate) fn term(&self, number: u32) -> &(Term, u32) {
        &self.terms[number as usize]
    }

    /// How many groups it has numbered.
    pub(crate) fn groups(&self) -> usize {
        self.groups.len()
    }

    /// A group's stem by number.
    pub(crate) fn group(&self, number: u32) -> &Arc<str> {
        &self.groups[number as usize]
    }

    /// How many terms it has numbered.
    pub(crate) fn terms(&self) -> usize {
        self.terms.len()
    }

    fn analyze(&mut self, word: &str) -> Option<u32> {
        self.scratch.clear();
        fold_into(word, &mut self.scratch);
        if self.scratch.len() > MAX_TERM_BYTES {
            let mut cut = MAX_TERM_BYTES;
            while !self.scratch.is_char_boundary(cut) {
                cut -= 1;
            }
            self.scratch.truncate(cut);
        }
        if self.scratch.is_empty() {
            return None;
        }
        if let Some(number) = self.numbers.get(self.scratch.as_str()) {
            return Some(*number);
        }
        let text: Arc<str> = Arc::from(self.scratch.as_str());
        // Decided on the folded form, not on the word as written: every way of writing a
        // term ("Régions", "regions", "ⅽities" with a Roman numeral) must give the same group,
        // whichever comes first, or two builds of the same pages could differ.
        let stemmable = text.chars().any(char::is_alphabetic) && !text.contains(char::is_numeric);
        let group = match &self.stemmer {
            Some(stemmer) if stemmable => {
                let stem = stemmer.stem(&text);
                if stem.is_empty() || *stem == *text {
                    Arc::clone(&text)
                } else {
                    Arc::from(fold(&stem))
                }
            }
            _ => Arc::clone(&text),
        };
        let next = self.groups.len() as u32;
        let group_number = *self.group_numbers.entry(Arc::clone(&group)).or_insert(next);
        if group_number == next {
            self.groups.push(Arc::clone(&group));
        }
        let number = self.terms.len() as u32;
        self.numbers.insert(Arc::clone(&text), number);
        self.terms.push((Term { text, group }, group_number));
        Some(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        words(text, |w, _| out.push(fold(w)));
        out
    }

    #[test]
    fn case_and_diacritics_fold_away() {
        for (word, folded) in [
            ("Idleb", "idleb"),
            ("idleb", "idleb"),
            ("İdleb", "idleb"),
            ("IDLEB", "idleb"),
            ("Alep", "alep"),
            ("Hayat Tahrir al-Cham", "hayat"),
            ("régime", "regime"),
            ("Ankara", "ankara"),
            ("Œuvre", "oeuvre"),
            ("ﬁn", "fin"),
            ("Straße", "strasse"),
            ("Čakovec", "cakovec"),
        ] {
            assert_eq!(fold(word.split(' ').next().unwrap()), folded, "{word}");
        }
    }

    #[test]
    fn arabic_letters_are_normalised() {
        // Short vowels (tashkeel) and tatweel go; alef forms, alef maksura and ta marbuta unify.
        assert_eq!(fold("حَلَب"), "حلب");
        assert_eq!(fold("حلـــب"), "حلب");
        assert_eq!(fold("أحمد"), "احمد");
        assert_eq!(fold("إدلب"), "ادلب");
        assert_eq!(fold("آمنة"), "امنه");
        assert_eq!(fold("ٱلشام"), "الشام");
        assert_eq!(fold("مصطفى"), "مصطفي");
        assert_eq!(fold("هيئة"), fold("هيئه"));
    }

    #[test]
    fn french_elisions_and_english_possessives_are_dropped() {
        assert_eq!(all("l'offensive d'Alep"), ["offensive", "alep"]);
        assert_eq!(all("qu'elle jusqu'à lorsqu'ils"), ["elle", "a", "ils"]);
        assert_eq!(all("l’Observatoire"), ["observatoire"]);
        assert_eq!(all("Assad's forces"), ["assad", "forces"]);
        // Not an elision: kept whole, without its apostrophe.
        assert_eq!(all("aujourd'hui"), ["aujourdhui"]);
    }

    #[test]
    fn hyphenated_names_are_kept_whole_and_split() {
        assert_eq!(all("al-Sham"), ["al", "sham", "alsham"]);
        assert_eq!(
            all("le cessez-le-feu de mars"),
            ["le", "cessez", "le", "feu", "cessezlefeu", "de", "mars"]
        );
        // A dash between spaced words joins nothing.
        assert_eq!(all("Alep - Idlib"), ["alep", "idlib"]);
        assert_eq!(
            all("Hayat Tahrir al-Cham (HTC)"),
            ["hayat", "tahrir", "al", "cham", "alcham", "htc"]
        );
    }

    #[test]
    fn ascii_runs_read_alone_are_segmented_as_unicode_segments_them() {
        let text = "(Alep), \"HTS\" 2024. -word word- 'quoted' U.S. e.g. 3,5 a_b x.y: \
                    l'offensive (al-Sham) ... --- ¿qué? Ma'arrat";
        let mut ours = Vec::new();
        words(text, |w, compound| {
            if !compound {
                ours.push(w.to_string());
            }
        });
        let theirs: Vec<String> = text
            .unicode_words()
            .map(|w| strip_clitics(w).to_string())
            .collect();
        assert_eq!(ours, theirs);
    }

    proptest::proptest! {
        /// Reading each run between spaces alone never changes the words the index holds.
        /// (The segmenter joins a combining mark to a space before it, into a "word" that
        /// folds to nothing.)
        #[test]
        fn every_text_is_segmented_as_unicode_segments_it(
            text in "[ a-zA-Z0-9_.,;:'\"()\\-!?/é’«»\u{a0}\u{0627}\u{064e}]{0,60}"
        ) {
            let terms = |words: Vec<&str>| -> Vec<String> {
                words.into_iter().map(fold).filter(|t| !t.is_empty()).collect()
            };
            let mut ours = Vec::new();
            let mut kept = Vec::new();
            words(&text, |w, compound| {
                if !compound {
                    kept.push(w.to_string());
                }
            });
            ours.extend(terms(kept.iter().map(String::as_str).collect()));
            let theirs = terms(text.unicode_words().map(strip_clitics).collect());
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn numbers_are_kept() {
        assert_eq!(
            all("311 morts, dont 2024"),
            ["311", "morts", "dont", "2024"]
        );
        assert_eq!(all("3,5 millions"), ["3,5", "millions"]);
    }

    fn group(a: &mut Analyzer, w: &str) -> String {
        let n = a.number(w).unwrap();
        a.term(n).0.group.to_string()
    }

    #[test]
    fn forms_of_a_word_share_a_group() {
        let mut fr = Analyzer::new("fr");
        assert_eq!(group(&mut fr, "offensives"), group(&mut fr, "offensive"));
        assert_eq!(group(&mut fr, "Combattants"), group(&mut fr, "combattant"));
        let n = fr.number("Résidence").unwrap();
        assert_eq!(fr.term(n).0.text.as_ref(), "residence");
        assert_eq!(fr.number("residence"), Some(n));
        // However a term is first written, its group is the same.
        let (mut first, mut second) = (Analyzer::new("fr"), Analyzer::new("fr"));
        assert_eq!(group(&mut first, "Régions"), group(&mut second, "regions"));
        // Even when only the folded form is a word: U+217D is a numeral, and folds to `c`.
        for (a, b) in [("\u{217D}ities", "cities"), ("cities", "\u{217D}ities")] {
            let (mut first, mut second) = (Analyzer::new("en"), Analyzer::new("en"));
            assert_eq!(group(&mut first, a), group(&mut second, b));
            assert_eq!(group(&mut first, b), group(&mut second, a));
        }
        let mut en = Analyzer::new("en");
        assert_eq!(group(&mut en, "residences"), group(&mut en, "residence"));
        assert_eq!(group(&mut en, "fighters"), group(&mut en, "fighter"));
        // Numbers are not stemmed.
        assert_eq!(group(&mut en, "311"), "311");
        let mut ar = Analyzer::new("ar");
        assert_eq!(group(&mut ar, "الكتاب"), group(&mut ar, "كتاب"));
        // A language without a stemmer: each word is its own group.
        let mut xx = Analyzer::new("xx");
        assert_eq!(group(&mut xx, "Words"), "words");
    }

    #[test]
    fn overlong_words_are_indexed_by_their_first_bytes() {
        let mut en = Analyzer::new("en");
        let long = en.number(&"a".repeat(MAX_TERM_BYTES + 7));
        assert!(long.is_some());
        assert_eq!(long, en.number(&"a".repeat(MAX_TERM_BYTES)));
        // Cut on a character, never inside one.
        let mut fr = Analyzer::new("fr");
        assert!(fr.number(&"é".repeat(MAX_TERM_BYTES)).is_some());
    }

    #[test]
    fn invisible_characters_and_every_apostrophe_leave_the_word_as_it_is() {
        for written in [
            "xylo\u{00AD}phone",
            "xylo\u{200D}phone",
            "xylo\u{200C}phone",
            "xylo\u{2060}phone",
            "\u{FEFF}xylophone",
            "xylo\u{061C}phone",
        ] {
            assert_eq!(fold(written), "xylophone", "{written:?}");
        }
        // Those the word rules break at do not split the word either.
        for written in [
            "xylo\u{200B}phone",
            "xylo\u{2066}phone\u{2069}",
            "xylo\u{180E}phone",
        ] {
            assert_eq!(all(written), ["xylophone"], "{written:?}");
        }
        assert_eq!(
            all("d\u{2018}Alep et l\u{FF07}armée"),
            ["alep", "et", "armee"]
        );
    }
}
