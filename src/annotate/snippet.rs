//! The sentence around a mention, for backlinks.

use serde::Serialize;

/// A sentence split around a mention: `before` + `mention` + `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub before: String,
    pub mention: String,
    pub after: String,
}

/// Longest context kept on each side of the mention, in characters.
const MAX_SIDE: usize = 240;

/// Cuts the sentence of `block` that holds the byte range `start..end`.
///
/// A sentence ends after `.`, `!`, `?` or `…` (and any closing quotes or brackets) followed by
/// white space. Scanning only around the mention keeps this linear in the snippet, not the
/// paragraph, which matters with hundreds of thousands of mentions.
pub fn around(block: &str, start: usize, end: usize) -> Snippet {
    let sentence_start = block[..start]
        .char_indices()
        .rev()
        .find(|&(i, c)| c.is_whitespace() && ends_sentence(&block[..i]))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let sentence_end = block[end..]
        .char_indices()
        .find(|&(i, c)| c.is_whitespace() && ends_sentence(&block[..end + i]))
        .map_or(block.len(), |(i, _)| {
            // French closing guillemets follow a space: « c'est fini. »
            let rest = &block[end + i..];
            let closers =
                rest.trim_start_matches(|c: char| c.is_whitespace() || CLOSERS.contains(&c));
            end + i + (rest.len() - closers.len())
        });
    Snippet {
        before: shorten_start(block[sentence_start..start].trim_start()),
        mention: block[start..end].to_string(),
        after: shorten_end(block[end..sentence_end].trim_end()),
    }
}

/// Marks that close a quotation or aside (ASCII quotes open as often as they close).
const CLOSERS: &[char] = &['»', '”', '’', ')', ']'];

/// Does `text` end a sentence: a terminator, then maybe closing quotes, brackets or spaces?
fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(|c: char| {
        c.is_whitespace() || CLOSERS.contains(&c) || c == '"' || c == '\''
    });
    trimmed.ends_with(['.', '!', '?', '…', '。', '！', '？'])
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
    fn sentences_end_after_closing_quotes() {
        let block = "Il a dit « c'est fini. » Puis Alep est tombée. Ensuite.";
        let s = block.find("Alep").unwrap();
        let snip = around(block, s, s + 4);
        assert_eq!(snip.before, "Puis ");
        assert_eq!(snip.after, " est tombée.");
        let first = around(block, 0, 2);
        assert_eq!(first.after, " a dit « c'est fini. »");
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
