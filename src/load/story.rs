//! The facts of a story belong to the article, not to one translation: the figures and events
//! its versions declare are merged into one list, each said once (in any version, with a label
//! per language), and where two versions say the same fact differently the difference is
//! reported rather than silently shown twice.

use std::collections::BTreeMap;

use super::FrontMatter;
use super::events::Event;
use super::facts::Fact as FigureFact;

/// What an article reports, from all its versions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Story {
    /// Its figures, each once, labels from every version.
    pub figures: Vec<FigureFact>,
    /// Its dated events, each once, labels from every version.
    pub events: Vec<Event>,
}

/// Where two versions say one fact differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// `figures` or `events`.
    pub field: &'static str,
    /// The version that says it first, and the index of the fact in its file.
    pub first: (String, usize),
    /// The version that says it otherwise, and the index there.
    pub other: (String, usize),
    /// What differs, in words.
    pub what: String,
    /// The field of the fact that differs (`value`, `label`), or empty for the whole fact.
    pub part: &'static str,
}

/// The facts of the versions (language, front matter) merged, the original version's first;
/// and how versions disagree.
pub fn merge<'a>(
    versions: impl IntoIterator<Item = (&'a str, &'a FrontMatter)>,
) -> (Story, Vec<Disagreement>) {
    let mut versions: Vec<(String, &FrontMatter)> = versions
        .into_iter()
        .map(|(lang, f)| (lang.to_string(), f))
        .collect();
    // The version filed first holds the facts as filed.
    versions.sort_by_key(|(lang, f)| f.original_language.as_deref() != Some(lang.as_str()));
    let mut story = Story::default();
    let mut disagreements = Vec::new();
    let (mut figures_from, mut events_from) = (Vec::new(), Vec::new());
    for (lang, front) in &versions {
        let mut figures = Told::new(&mut story.figures, &mut figures_from, "figures");
        for (i, figure) in front.figures.iter().enumerate() {
            figures.tell(figure, (lang.clone(), i), &mut disagreements);
        }
        let mut events = Told::new(&mut story.events, &mut events_from, "events");
        for (i, event) in front.events.iter().enumerate() {
            events.tell(event, (lang.clone(), i), &mut disagreements);
        }
    }
    (story, disagreements)
}

/// A kind of fact a story tells: figures and events.
trait Fact: Clone {
    fn label(&self) -> &BTreeMap<String, String>;
    fn label_mut(&mut self) -> &mut BTreeMap<String, String>;
    /// The same fact, whatever its labels.
    fn same(&self, other: &Self) -> bool;
    /// How `other`, with a label of this one, says something else, and the field that differs.
    fn otherwise(&self, other: &Self, label: &str) -> (String, &'static str);
}

impl Fact for FigureFact {
    fn label(&self) -> &BTreeMap<String, String> {
        &self.label
    }
    fn label_mut(&mut self) -> &mut BTreeMap<String, String> {
        &mut self.label
    }
    fn same(&self, other: &Self) -> bool {
        same_figure(self, other)
    }
    fn otherwise(&self, other: &Self, label: &str) -> (String, &'static str) {
        let what = format!(
            "the figure labelled “{label}” is {} in one and {} in the other",
            describe(self),
            describe(other)
        );
        (
            what,
            if self.value == other.value {
                ""
            } else {
                "value"
            },
        )
    }
}

impl Fact for Event {
    fn label(&self) -> &BTreeMap<String, String> {
        &self.label
    }
    fn label_mut(&mut self) -> &mut BTreeMap<String, String> {
        &mut self.label
    }
    fn same(&self, other: &Self) -> bool {
        same_event(self, other)
    }
    fn otherwise(&self, _: &Self, label: &str) -> (String, &'static str) {
        let what = format!("the event labelled “{label}” has another date, entities or source");
        (what, "")
    }
}

/// One list of a story as it is told, with where each fact was first said.
struct Told<'s, T> {
    facts: &'s mut Vec<T>,
    from: &'s mut Vec<(String, usize)>,
    field: &'static str,
}

impl<'s, T: Fact> Told<'s, T> {
    fn new(facts: &'s mut Vec<T>, from: &'s mut Vec<(String, usize)>, field: &'static str) -> Self {
        Told { facts, from, field }
    }

    /// Adds `fact`, said by version `here`: merged with the same fact said before, or new;
    /// a version that says one fact otherwise is recorded.
    fn tell(&mut self, fact: &T, here: (String, usize), out: &mut Vec<Disagreement>) {
        let disagree = |at: usize, what: String, part: &'static str| Disagreement {
            field: self.field,
            first: self.from[at].clone(),
            other: here.clone(),
            what,
            part,
        };
        if let Some(at) = self.facts.iter().position(|f| f.same(fact)) {
            if let Some(what) = merge_labels(self.facts[at].label_mut(), fact.label()) {
                out.push(disagree(at, what, "label"));
            }
            return;
        }
        let shared = self
            .facts
            .iter()
            .enumerate()
            .find_map(|(at, f)| shared_label(f.label(), fact.label()).map(|l| (at, l)));
        if let Some((at, label)) = shared {
            let (what, part) = self.facts[at].otherwise(fact, &label);
            out.push(disagree(at, what, part));
        }
        self.facts.push(fact.clone());
        self.from.push(here);
    }
}

/// A figure as a reader would compare it: its value, and its day and source when it says them.
fn describe(f: &FigureFact) -> String {
    use super::facts::{FactValue, SourceRef};
    let mut out = match &f.value {
        FactValue::Number(n) => n.to_string(),
        FactValue::Date(d) => d.raw.clone(),
        FactValue::Text(t) => format!("“{}”", t.values().next().cloned().unwrap_or_default()),
        FactValue::Entity(id) => format!("`{id}`"),
    };
    if let Some(day) = &f.as_of {
        out.push_str(&format!(" as of {}", day.raw));
    }
    match &f.source {
        Some(SourceRef::Named(name)) => out.push_str(&format!(" from `{name}`")),
        Some(SourceRef::Link { url, .. }) => out.push_str(&format!(" from <{url}>")),
        None => {}
    }
    out
}

/// One figure: the same value, day and source (its labels may be in other languages).
fn same_figure(a: &FigureFact, b: &FigureFact) -> bool {
    a.value == b.value && a.as_of == b.as_of && a.source == b.source
}

/// One event: the same date, entities and source.
fn same_event(a: &Event, b: &Event) -> bool {
    let sorted = |e: &Event| {
        let mut ids = e.entities.clone();
        ids.sort();
        ids
    };
    a.when == b.when && a.source == b.source && sorted(a) == sorted(b)
}

/// Adds the labels `more` gives in languages `labels` lacks; says how they differ where both
/// give one.
fn merge_labels(
    labels: &mut BTreeMap<String, String>,
    more: &BTreeMap<String, String>,
) -> Option<String> {
    let mut differ = Vec::new();
    for (lang, text) in more {
        match labels.get(lang) {
            Some(had) if had.trim() != text.trim() => {
                differ.push(format!("“{had}” and “{text}” ({lang})"));
            }
            Some(_) => {}
            None => {
                labels.insert(lang.clone(), text.clone());
            }
        }
    }
    (!differ.is_empty()).then(|| format!("its labels differ: {}", differ.join(", ")))
}

/// A label both give in one language, the same.
fn shared_label(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Option<String> {
    a.iter()
        .find(|(lang, text)| b.get(*lang).is_some_and(|t| t.trim() == text.trim()))
        .map(|(_, text)| text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceText;

    fn front(lang: &str, yaml: &str) -> FrontMatter {
        let text = format!("---\ntitle: t\ndate: 2024-11-30\n{yaml}---\n");
        let src = SourceText::new(format!("a.{lang}.md"), text);
        let split = crate::load::front_matter::split(&src).unwrap();
        crate::load::front_matter::parse(&src, split, "a").unwrap()
    }

    #[test]
    fn a_fact_said_in_one_version_is_every_versions_and_twice_is_once() {
        let fr = front(
            "fr",
            "original_language: fr\nfigures:\n  - {value: 311, label: {fr: morts}, source: osdh}\nevents:\n  - {date: 2024-11-27, label: {fr: offensive, en: offensive}, entities: [hts]}\n",
        );
        let en = front(
            "en",
            "figures:\n  - {value: 311, label: {en: dead}, source: osdh}\n",
        );
        let (story, disagreements) = merge([("en", &en), ("fr", &fr)]);
        assert!(disagreements.is_empty(), "{disagreements:?}");
        assert_eq!(story.figures.len(), 1);
        assert_eq!(story.figures[0].label.len(), 2, "labels of both versions");
        assert_eq!(story.events.len(), 1);
    }

    #[test]
    fn two_versions_that_say_one_fact_differently_are_reported() {
        let fr = front(
            "fr",
            "figures:\n  - {value: 311, label: {fr: morts, en: dead}, source: osdh}\n",
        );
        let en = front(
            "en",
            "figures:\n  - {value: 312, label: {fr: morts, en: dead}, source: osdh}\n",
        );
        let (story, disagreements) = merge([("fr", &fr), ("en", &en)]);
        assert_eq!(story.figures.len(), 2);
        assert_eq!(disagreements.len(), 1);
        assert_eq!(disagreements[0].first, ("fr".to_string(), 0));
        assert_eq!(disagreements[0].other, ("en".to_string(), 0));
        let relabelled = front(
            "en",
            "figures:\n  - {value: 311, label: {fr: tués, en: dead}, source: osdh}\n",
        );
        let (story, disagreements) = merge([("fr", &fr), ("en", &relabelled)]);
        assert_eq!(story.figures.len(), 1);
        assert!(
            disagreements[0].what.contains("“morts” and “tués” (fr)"),
            "{disagreements:?}"
        );
    }
}
