//! The sentence around a mention, for backlinks.

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

/// A sentence split around a mention: `before` + `mention` + `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub before: String,
    pub mention: String,
    pub after: String,
}

/// Longest context kept on each side of the mention, in characters.
const MAX_SIDE: usize = 240;

/// Cuts the sentence of `block` that holds the byte range `start..end` (UAX #29 sentences).
pub fn around(block: &str, start: usize, end: usize) -> Snippet {
    let mut sentence_start = 0;
    let mut sentence_end = block.len();
    for (i, sentence) in block.split_sentence_bound_indices() {
        let stop = i + sentence.len();
        if i <= start {
            sentence_start = i;
        }
        if stop >= end {
            sentence_end = stop;
            break;
        }
    }
    Snippet {
        before: shorten_start(block[sentence_start..start].trim_start()),
        mention: block[start..end].to_string(),
        after: shorten_end(block[end..sentence_end].trim_end()),
    }
}

fn shorten_start(text: &str) -> String {
    let count = text.chars().count();
    if count <= MAX_SIDE {
        return text.to_string();
    }
    let cut: String = text.chars().skip(count - MAX_SIDE).collect();
    let from_word = cut.find(' ').map_or(cut.as_str(), |i| &cut[i + 1..]);
    format!("…{from_word}")
}

fn shorten_end(text: &str) -> String {
    if text.chars().count() <= MAX_SIDE {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_SIDE).collect();
    let to_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{to_word}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_sentence_of_the_mention() {
        let block = "Premier point. Les raids russes sur Alep ont repris. Fin du texte.";
        let s = block.find("Alep").unwrap();
        let snip = around(block, s, s + 4);
        assert_eq!(snip.before, "Les raids russes sur ");
        assert_eq!(snip.mention, "Alep");
        assert_eq!(snip.after, " ont repris.");
    }

    #[test]
    fn shortens_long_sentences_at_word_boundaries() {
        let long = "mot ".repeat(100);
        let block = format!("{long}Alep {long}");
        let s = block.find("Alep").unwrap();
        let snip = around(&block, s, s + 4);
        assert!(snip.before.starts_with('…') && snip.before.chars().count() <= MAX_SIDE + 1);
        assert!(snip.after.ends_with('…') && snip.after.chars().count() <= MAX_SIDE + 1);
    }
}
