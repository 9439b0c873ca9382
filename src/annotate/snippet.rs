//! The sentence around a mention, for backlinks.

/// A sentence around a mention: the text before it (cut at a word), the mention's text, the
/// text after it (cut at a word). Kept as one string with where the mention is: a site of
/// 100,000 articles keeps millions.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snippet {
    text: Box<str>,
    mention: (u32, u32),
}

impl Snippet {
    fn new(before: &str, mention: &str, after: &str) -> Snippet {
        let start = before.len();
        let end = start + mention.len();
        Snippet {
            text: [before, mention, after].concat().into(),
            mention: (start as u32, end as u32),
        }
    }

    /// The whole sentence.
    pub fn sentence(&self) -> &str {
        &self.text
    }

    /// Where the mention is in [`Snippet::sentence`].
    pub(crate) fn mention_range(&self) -> std::ops::Range<usize> {
        self.mention.0 as usize..self.mention.1 as usize
    }

    /// The text before the mention.
    pub fn before(&self) -> &str {
        &self.text[..self.mention.0 as usize]
    }

    /// The mention's text.
    pub fn mention(&self) -> &str {
        &self.text[self.mention_range()]
    }

    /// The text after the mention.
    pub fn after(&self) -> &str {
        &self.text[self.mention.1 as usize..]
    }
}

/// Longest context kept on each side of the mention, in characters.
const MAX_SIDE: usize = 240;

/// Marks that close a quotation or aside (ASCII quotes open as often as they close).
const CLOSERS: &[char] = &['»', '”', '’', ')', ']'];

/// Where the sentences of a block of text end, found in one pass so that any number of
/// mentions in one block costs time linear in the block.
///
/// A sentence ends after `.`, `!`, `?` or `…` (and any closing quotes or brackets) followed by
/// white space.
pub(super) struct Sentences<'b> {
    block: &'b str,
    /// For each sentence end: the white space after it, and where the next sentence starts
    /// (French closing guillemets follow a space: « c'est fini. » belongs to the sentence).
    ends: Vec<(usize, usize)>,
}

impl<'b> Sentences<'b> {
    pub(super) fn new(block: &'b str) -> Self {
        let mut ends = Vec::new();
        // Does the text so far end a sentence, closing marks and spaces aside?
        let mut terminated = false;
        let mut recorded = false;
        let mut iter = block.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            if c.is_whitespace() {
                if terminated && !recorded {
                    // The next sentence starts after any spaces and closing marks.
                    let mut next = i + c.len_utf8();
                    while let Some(&(j, d)) = iter.peek() {
                        if d.is_whitespace() || CLOSERS.contains(&d) {
                            next = j + d.len_utf8();
                            iter.next();
                        } else {
                            break;
                        }
                    }
                    ends.push((i, next));
                    recorded = true;
                }
            } else if CLOSERS.contains(&c) || c == '"' || c == '\'' {
                // Closing marks keep the sentence's end where it was.
            } else {
                terminated = matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？');
                recorded = false;
            }
        }
        Sentences { block, ends }
    }

    /// Cuts the sentence that holds the byte range `start..end`.
    pub(super) fn around(&self, start: usize, end: usize) -> Snippet {
        let block = self.block;
        // The last sentence end strictly before the mention starts it; the first at or
        // after the mention's end closes it.
        let before_ends = self.ends.partition_point(|&(space, _)| space < start);
        let sentence_start = before_ends
            .checked_sub(1)
            .map_or(0, |k| self.ends[k].1.min(start));
        let after = self.ends.partition_point(|&(space, _)| space < end);
        let sentence_end = self.ends.get(after).map_or(block.len(), |&(_, next)| next);
        Snippet::new(
            &shorten_start(block[sentence_start..start].trim_start()),
            &block[start..end],
            &shorten_end(block[end..sentence_end.max(end)].trim_end()),
        )
    }
}

/// The text's last [`MAX_SIDE`] characters, from a word start; reads only those.
fn shorten_start(text: &str) -> String {
    match text.char_indices().rev().nth(MAX_SIDE) {
        None => text.to_string(),
        Some((i, c)) => {
            let cut = &text[i + c.len_utf8()..];
            let from_word = cut.find(' ').map_or(cut, |i| &cut[i + 1..]);
            format!("…{from_word}")
        }
    }
}

/// The text's first [`MAX_SIDE`] characters, to a word end; reads only those.
fn shorten_end(text: &str) -> String {
    match text.char_indices().nth(MAX_SIDE) {
        None => text.to_string(),
        Some((i, _)) => {
            let cut = &text[..i];
            let to_word = cut.rfind(' ').map_or(cut, |i| &cut[..i]);
            format!("{to_word}…")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cuts the sentence of `block` that holds the byte range `start..end`.
    fn around(block: &str, start: usize, end: usize) -> Snippet {
        Sentences::new(block).around(start, end)
    }

    #[test]
    fn keeps_only_the_sentence_of_the_mention() {
        let block = "Premier point. Les raids russes sur Alep ont repris. Fin du texte.";
        let s = block.find("Alep").unwrap();
        let snip = around(block, s, s + 4);
        assert_eq!(snip.before(), "Les raids russes sur ");
        assert_eq!(snip.mention(), "Alep");
        assert_eq!(snip.after(), " ont repris.");
        assert_eq!(snip.sentence(), "Les raids russes sur Alep ont repris.");
    }

    #[test]
    fn sentences_end_after_closing_quotes() {
        let block = "Il a dit « c'est fini. » Puis Alep est tombée. Ensuite.";
        let s = block.find("Alep").unwrap();
        let snip = around(block, s, s + 4);
        assert_eq!(snip.before(), "Puis ");
        assert_eq!(snip.after(), " est tombée.");
        let first = around(block, 0, 2);
        assert_eq!(first.after(), " a dit « c'est fini. »");
    }

    #[test]
    fn shortens_long_sentences_at_word_boundaries() {
        let long = "mot ".repeat(100);
        let block = format!("{long}Alep {long}");
        let s = block.find("Alep").unwrap();
        let snip = around(&block, s, s + 4);
        assert!(snip.before().starts_with('…') && snip.before().chars().count() <= MAX_SIDE + 1);
        assert!(snip.after().ends_with('…') && snip.after().chars().count() <= MAX_SIDE + 1);
    }
}
