//! Proper names in an article that no entity claims: runs of capitalised words outside the
//! annotations, offered to the editor as entities to create. A sentence's first word alone is
//! never taken (it may be any word), nor one of the words sentences start with.

use std::collections::BTreeMap;

use unicode_segmentation::UnicodeSegmentation;

/// A name no entity claims, and how often the article writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// As written.
    pub name: String,
    /// An id to create it under.
    pub id: String,
    /// How many times it appears.
    pub count: usize,
}

/// Small words that join the capitalised words of one name (`Hayat Tahrir al-Sham`, `Banque
/// de France`). English `of` and `the` are left out: they join two names as often as one
/// (`John Smith of the United Nations`).
const JOINERS: &[&str] = &[
    "al", "el", "ad", "as", "ash", "bin", "ibn", "abu", "de", "du", "des", "la", "le", "van",
    "von", "der",
];

/// Capitalised words that start sentences without naming anything.
const SENTENCE_WORDS: &[&str] = &[
    "a",
    "after",
    "according",
    "an",
    "and",
    "après",
    "au",
    "aux",
    "avant",
    "but",
    "c",
    "ce",
    "ces",
    "cette",
    "d",
    "dans",
    "de",
    "des",
    "du",
    "elle",
    "elles",
    "en",
    "et",
    "for",
    "he",
    "il",
    "ils",
    "in",
    "it",
    "l",
    "la",
    "le",
    "les",
    "mais",
    "on",
    "pour",
    "selon",
    "she",
    "since",
    "sur",
    "the",
    "their",
    "these",
    "they",
    "this",
    "un",
    "une",
    "we",
    "while",
];

/// English writes days and months with a capital; they name no entity.
const CALENDAR: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Names outside annotations, most frequent first.
pub fn unknown_names(body: &str) -> Vec<Candidate> {
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for paragraph in prose_outside_annotations(body) {
        for name in runs(&paragraph) {
            *found.entry(name).or_default() += 1;
        }
    }
    let mut out: Vec<Candidate> = found
        .into_iter()
        .map(|(name, count)| Candidate {
            id: super::slug(&name),
            name,
            count,
        })
        .filter(|c| !c.id.is_empty() && !CALENDAR.contains(&c.name.to_lowercase().as_str()))
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

/// The body's paragraphs as text: `[[id|text]]` read as its text, `[[id]]` as its id.
pub fn plain_paragraphs_of(body: &str) -> Vec<String> {
    body.split("\n\n")
        .map(|p| replace_annotations(p, |id, text| text.unwrap_or(id).to_string()))
        .filter_map(|p| super::non_empty(&p))
        .collect()
}

/// The paragraphs with each annotation made a break between names.
fn prose_outside_annotations(body: &str) -> Vec<String> {
    body.split("\n\n")
        .map(|p| replace_annotations(p, |_, _| " · ".to_string()))
        .collect()
}

fn replace_annotations(text: &str, with: impl Fn(&str, Option<&str>) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = find_open(rest) {
        let Some(close) = rest[open..].find("]]") else {
            break;
        };
        out.push_str(&rest[..open]);
        let inner = &rest[open + 2..open + close];
        let (id, shown) = match inner.split_once('|') {
            Some((id, shown)) => (id, Some(shown)),
            None => (inner, None),
        };
        out.push_str(&with(id, shown));
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

/// The first `[[` that opens an annotation: not escaped (`\[\[`, as text from a feed is).
fn find_open(text: &str) -> Option<usize> {
    // Overlapping: in `\\[[[`, the second `[` is escaped and the annotation opens after it.
    text.match_indices('[')
        .map(|(i, _)| i)
        .find(|&i| text[i..].starts_with("[[") && !text[..i].ends_with('\\'))
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// The runs of capitalised words of a paragraph.
fn runs(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    // Where the run's text starts, and whether a sentence starts there.
    let mut sentence_start = true;
    let mut run_at_start = false;
    let mut gap = String::new();
    let flush = |run: &mut Vec<&str>, at_start: bool, out: &mut Vec<String>| {
        while run.last().is_some_and(|w| !capitalised(w)) {
            run.pop();
        }
        if at_start
            && run
                .first()
                .is_some_and(|w| SENTENCE_WORDS.contains(&w.to_lowercase().as_str()))
        {
            run.remove(0);
            while run.first().is_some_and(|w| !capitalised(w)) {
                run.remove(0);
            }
        }
        // A sentence's first word alone may be any word.
        if run.len() > 1 || !at_start && !run.is_empty() {
            out.push(run.concat());
        }
        run.clear();
    };
    let mut pieces: Vec<&str> = Vec::new();
    for token in paragraph.split_word_bounds() {
        // An elided article or preposition (`l'armée`, `d'Alep`) is not part of a name.
        let token = match token.split_once(['\'', '\u{2019}']) {
            Some((elided, rest)) if elided.chars().count() <= 2 && !rest.is_empty() => rest,
            _ => token,
        };
        let is_word = token.chars().any(char::is_alphanumeric);
        if is_word {
            let joins = !run.is_empty() && JOINERS.contains(&token.to_lowercase().as_str());
            if capitalised(token) || joins {
                if run.is_empty() {
                    run_at_start = sentence_start;
                    pieces.clear();
                } else {
                    run.append(&mut pieces);
                }
                run.push(token);
            } else {
                flush(&mut run, run_at_start, &mut out);
            }
            sentence_start = false;
            gap.clear();
        } else {
            gap.push_str(token);
            // Words of one name are joined by one space, a hyphen or an apostrophe.
            let joining = matches!(token, " " | "-" | "'" | "\u{2019}") && gap.chars().count() == 1;
            if joining && !run.is_empty() {
                pieces.push(token);
            } else {
                flush(&mut run, run_at_start, &mut out);
                pieces.clear();
            }
            if token.contains(['.', '!', '?', ':', '«', '"', '(', '\u{201C}']) {
                sentence_start = true;
            }
        }
    }
    flush(&mut run, run_at_start, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outside_annotations_are_found() {
        let body = "Les rebelles de Hayat Tahrir al-Sham sont entrés à [[aleppo|Alep]] avec l'Armée nationale syrienne.\n\nSelon Rami Abdel Rahmane, Damas se tait. Markets reopened on Sunday.";
        let names: Vec<String> = unknown_names(body).into_iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "Armée",
                "Damas",
                "Hayat Tahrir al-Sham",
                "Rami Abdel Rahmane"
            ]
        );
    }

    #[test]
    fn annotations_read_as_their_text() {
        assert_eq!(
            plain_paragraphs_of("et \\[\\[[[hts|hts]]\\]\\] non"),
            ["et \\[\\[hts\\]\\] non"]
        );
        assert_eq!(
            plain_paragraphs_of("Un [[hts|HTS]] et [[osdh]].\n\nDeux"),
            ["Un HTS et osdh.", "Deux"]
        );
    }
}
