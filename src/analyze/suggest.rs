//! Unannotated mentions: text that names a known entity (any name or alias in the page's
//! language) but carries no annotation. Matching ignores case and diacritics (Idleb = IDLEB =
//! idléb), respects word boundaries (Alep, not Alepin) and prefers the longest name.

use aho_corasick::{AhoCorasick, MatchKind};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::annotate::{Form, Lexicon, TextSpan, annotation_bar};
use crate::diagnostic::{Code, Diagnostic, Replacement};
use crate::source::SourceText;

/// Finds unannotated names in the prose of one language.
pub(crate) struct Suggester {
    matcher: Option<AhoCorasick>,
    /// Per pattern, every entity the written form may name (an alias two entities claim has
    /// two), each with when it names it.
    candidates: Vec<Vec<Form>>,
}

/// Lowercased text without diacritics, with the byte offset in the original of each byte.
fn fold(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        let c = if c == '\u{2019}' { '\'' } else { c };
        for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
            for l in d.to_lowercase() {
                folded.push(l);
                origin.resize(folded.len(), i);
            }
        }
    }
    origin.push(text.len());
    (folded, origin)
}

/// A written form as mentions are matched against it: lower case, without diacritics.
pub(crate) fn fold_form(text: &str) -> String {
    fold(text).0
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

impl Suggester {
    pub(crate) fn new(lexicon: &Lexicon, lang: &str) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut candidates: Vec<Vec<Form>> = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for form in lexicon.forms(lang) {
            let (folded, _) = fold(&form.text);
            if folded.chars().count() < 2 {
                continue;
            }
            let at = *seen.entry(folded.clone()).or_insert_with(|| {
                patterns.push(folded);
                candidates.push(Vec::new());
                candidates.len() - 1
            });
            candidates[at].push(form.clone());
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        Suggester {
            matcher,
            candidates,
        }
    }

    /// Suggestions for the prose spans of `src`. `owner` is the entity whose own prose this
    /// is, if any: an entity page does not need to link to itself. `day` is the article's
    /// date: a name is proposed only for an entity that existed then, under a name then in
    /// use. A name more than one entity may have then is listed with them, never annotated
    /// for the editor.
    pub(crate) fn suggest(
        &self,
        src: &SourceText,
        spans: &[TextSpan],
        owner: Option<&str>,
        day: Option<chrono::NaiveDate>,
    ) -> Vec<Diagnostic> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut more = 0usize;
        for span in spans {
            let (start, end) = (span.start, span.end);
            let bar = annotation_bar(span.in_table);
            let text = &src.text[start..end];
            let (folded, origin) = fold(text);
            for m in matcher.find_iter(&folded) {
                let before = folded[..m.start()].chars().next_back();
                let after = folded[m.end()..].chars().next();
                if is_word_char(before) || is_word_char(after) {
                    continue;
                }
                let mut ids: Vec<&str> = self.candidates[m.pattern().as_usize()]
                    .iter()
                    .filter(|form| day.is_none_or(|day| form.when.holds_on(day)))
                    .map(|form| form.id.as_str())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                if owner.is_some_and(|owner| ids.contains(&owner)) {
                    continue;
                }
                if ids.is_empty() {
                    // Only entities that did not bear this name on the article's day.
                    let mut outside: Vec<&str> = self.candidates[m.pattern().as_usize()]
                        .iter()
                        .map(|form| form.id.as_str())
                        .filter(|id| owner != Some(*id))
                        .collect();
                    outside.sort_unstable();
                    outside.dedup();
                    if let (Some(day), false) = (day, outside.is_empty()) {
                        let (s, e) = (start + origin[m.start()], start + origin[m.end()]);
                        let written = &src.text[s..e];
                        let listed: Vec<String> =
                            outside.iter().map(|id| format!("`{id}`")).collect();
                        out.push(
                            Diagnostic::at(
                                Code::AmbiguousMention,
                                format!(
                                    "`{written}` is a name of {}, but not on {day}, the article's date: it is not annotated for you",
                                    listed.join(" or ")
                                ),
                                src.locate(s, e),
                            )
                            .with_help(format!(
                                "if it is meant, annotate it by hand: `[[{}{bar}{written}]]`",
                                outside[0]
                            )),
                        );
                    }
                    continue;
                }
                if out.len() == MAX_SUGGESTIONS {
                    more += 1;
                    continue;
                }
                let (s, e) = (start + origin[m.start()], start + origin[m.end()]);
                let written = &src.text[s..e];
                let [id] = ids[..] else {
                    let listed: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
                    out.push(
                        Diagnostic::at(
                            Code::AmbiguousMention,
                            format!(
                                "`{written}` may name {}: it is not annotated for you",
                                listed.join(" or ")
                            ),
                            src.locate(s, e),
                        )
                        .with_help(format!(
                            "annotate it by hand with the one meant, e.g. `[[{}{bar}{written}]]`",
                            ids[0]
                        )),
                    );
                    continue;
                };
                let annotation = format!("[[{id}{bar}{written}]]");
                let mut d = Diagnostic::at(
                    Code::UnannotatedMention,
                    format!("`{written}` names `{id}` but is not annotated"),
                    src.locate(s, e),
                )
                .with_help(format!(
                    "annotate it: `{annotation}` (`depeche annotate --write` does it)"
                ));
                d.replacement = Some(Box::new(Replacement {
                    file: src.path.clone(),
                    start: s,
                    end: e,
                    text: annotation,
                }));
                out.push(d);
            }
        }
        if more > 0 {
            out.push(
                Diagnostic::at(
                    Code::UnannotatedMention,
                    match more {
                        1 => "1 more unannotated mention in this file is not shown".to_string(),
                        more => format!(
                            "{} more unannotated mentions in this file are not shown",
                            crate::diagnostic::thousands(more as u64)
                        ),
                    },
                    crate::diagnostic::Location::file_only(&src.path),
                )
                .with_help("apply these (`depeche annotate --write`), then check again"),
            );
        }
        out
    }
}

/// Suggestions kept per file; the rest are counted.
pub(crate) const MAX_SUGGESTIONS: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::entity;

    fn whole(text: &str) -> TextSpan {
        TextSpan {
            start: 0,
            end: text.len(),
            in_table: false,
        }
    }

    fn suggester(lang: &str) -> Suggester {
        let langs = vec!["fr".to_string(), "en".to_string()];
        let entities = [
            ("aleppo", "type: place\nname: {fr: Alep, en: Aleppo}\n"),
            ("idlib", "type: place\nname: {fr: Idleb, en: Idlib}\naliases: {fr: [province d'Idleb]}\n"),
            ("osdh", "type: organization\nname: {fr: Observatoire syrien des droits de l'homme, en: SOHR}\naliases: {fr: [OSDH]}\n"),
            ("syria", "type: place\nname: {fr: Syrie, en: Syria}\n"),
        ]
        .map(|(id, y)| entity::parse(id, SourceText::new("e.yaml", y.into()), &langs).unwrap());
        Suggester::new(&Lexicon::new(&entities, &[]), lang)
    }

    fn found(lang: &str, text: &str) -> Vec<String> {
        let src = SourceText::new("a.md", text.to_string());
        suggester(lang)
            .suggest(&src, &[whole(text)], None, None)
            .into_iter()
            .map(|d| d.replacement.unwrap().text)
            .collect()
    }

    #[test]
    fn ignores_case_and_diacritics_on_word_boundaries() {
        assert_eq!(
            found("fr", "IDLEB, idleb et Idléb"),
            ["[[idlib|IDLEB]]", "[[idlib|idleb]]", "[[idlib|Idléb]]"]
        );
        assert_eq!(
            found("fr", "Alep mais pas Alepin ni TéléAlep"),
            ["[[aleppo|Alep]]"]
        );
    }

    #[test]
    fn apostrophes_and_longest_match() {
        assert_eq!(
            found("fr", "selon l'OSDH et l’OSDH"),
            ["[[osdh|OSDH]]", "[[osdh|OSDH]]"]
        );
        assert_eq!(
            found("fr", "dans la province d'Idleb"),
            ["[[idlib|province d'Idleb]]"]
        );
        assert_eq!(
            found("fr", "l'Observatoire syrien des droits de l'homme a dit"),
            ["[[osdh|Observatoire syrien des droits de l'homme]]"]
        );
    }

    /// An entity is proposed only for an article dated within its lifespan and the period of
    /// the alias matched; a name two entities had then is listed, never annotated.
    #[test]
    fn names_are_proposed_for_their_time_and_ambiguous_ones_are_listed() {
        let langs = vec!["fr".to_string(), "en".to_string()];
        let entities = [
            ("syrian-government", "type: organization\nname: {fr: Gouvernement syrien, en: Syrian government}\naliases:\n  fr: [régime syrien, {name: forces gouvernementales, until: 2024-12-08}]\nlifespan: {until: 2024-12-08}\n"),
            ("transitional-government", "type: organization\nname: {fr: Gouvernement de transition, en: Transitional government}\naliases:\n  fr: [{name: forces gouvernementales, from: 2024-12}]\n"),
        ]
        .map(|(id, y)| entity::parse(id, SourceText::new("e.yaml", y.into()), &langs).unwrap());
        let suggester = Suggester::new(&Lexicon::new(&entities, &[]), "fr");
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let text = "les forces gouvernementales et le régime syrien";
        let src = SourceText::new("a.md", text.to_string());
        let on = |d: &str| suggester.suggest(&src, &[whole(text)], None, day(d));
        let codes = |found: &[Diagnostic]| -> Vec<(Code, Option<String>)> {
            found
                .iter()
                .map(|d| (d.code, d.replacement.as_ref().map(|r| r.text.clone())))
                .collect()
        };
        assert_eq!(
            codes(&on("2024-11-30")),
            [
                (
                    Code::UnannotatedMention,
                    Some("[[syrian-government|forces gouvernementales]]".into())
                ),
                (
                    Code::UnannotatedMention,
                    Some("[[syrian-government|régime syrien]]".into())
                ),
            ]
        );
        // Both governments had forces in December 2024: listed, not annotated.
        let december = on("2024-12-05");
        assert_eq!(december[0].code, Code::AmbiguousMention);
        assert!(december[0].replacement.is_none());
        assert!(december[0].message.contains("transitional-government"));
        // The interim president's forces: only the government of the day is proposed; the
        // fallen one's name is listed with it, never annotated.
        let march = on("2025-03-01");
        assert_eq!(
            codes(&march),
            [
                (
                    Code::UnannotatedMention,
                    Some("[[transitional-government|forces gouvernementales]]".into())
                ),
                (Code::AmbiguousMention, None)
            ]
        );
        assert!(
            march[1].message.contains(
                "`régime syrien` is a name of `syrian-government`, but not on 2025-03-01"
            ),
            "{}",
            march[1].message
        );
    }

    #[test]
    fn only_the_page_language() {
        assert_eq!(found("en", "Alep and Aleppo"), ["[[aleppo|Aleppo]]"]);
    }

    #[test]
    fn replacement_spans_are_exact_bytes() {
        let text = "Déjà à Idléb.";
        let src = SourceText::new("a.md", text.to_string());
        let d = &suggester("fr").suggest(&src, &[whole(text)], None, None)[0];
        let r = d.replacement.as_ref().unwrap();
        assert_eq!(&text[r.start..r.end], "Idléb");
        assert_eq!(d.location.as_ref().unwrap().col, 8);
    }
}
