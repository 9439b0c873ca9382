//! Entity names by id and language: what annotations resolve against.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::did_you_mean;
use crate::load::EntitySource;
use crate::load::events::Span;

/// A written form (name or alias) of an entity in one language, and when it names it: within
/// the entity's lifespan and, for an alias in use for a period only, that period.
#[derive(Debug, Clone)]
pub struct Form {
    /// As written.
    pub text: String,
    /// The entity it names.
    pub id: String,
    /// The entity's lifespan.
    pub lifespan: Span,
    /// The alias's own period.
    pub period: Span,
}

impl Form {
    /// Whether it names its entity on `day`.
    pub fn names_on(&self, day: chrono::NaiveDate) -> bool {
        self.lifespan.holds_on(day) && self.period.holds_on(day)
    }
}

/// Names of every entity in every language, and every written form (name or alias) that
/// points back to an id.
#[derive(Debug, Default)]
pub struct Lexicon {
    names: HashMap<String, BTreeMap<String, String>>,
    forms: Vec<(String, String)>,
    /// Per language, for finding unannotated mentions.
    forms_by_lang: BTreeMap<String, Vec<Form>>,
}

impl Lexicon {
    /// `unreadable` lists ids whose files exist but failed to load: they count as known.
    pub fn new(entities: &[EntitySource], unreadable: &[String]) -> Self {
        let mut lexicon = Lexicon::default();
        for id in unreadable {
            lexicon.names.insert(id.clone(), BTreeMap::new());
        }
        for e in entities {
            lexicon.names.insert(e.id.clone(), e.name.clone());
            lexicon.forms.push((e.id.clone(), e.id.clone()));
            let names = e.name.iter();
            let aliases = e
                .aliases
                .iter()
                .flat_map(|(l, list)| list.iter().map(move |a| (l, a)));
            let lifespan = e.lifespan.as_ref().map(|l| l.span).unwrap_or_default();
            for (lang, form) in names.chain(aliases) {
                lexicon.forms.push((form.clone(), e.id.clone()));
                let period = e
                    .alias_spans
                    .get(&(lang.clone(), form.clone()))
                    .copied()
                    .unwrap_or_default();
                lexicon
                    .forms_by_lang
                    .entry(lang.clone())
                    .or_default()
                    .push(Form {
                        text: form.clone(),
                        id: e.id.clone(),
                        lifespan,
                        period,
                    });
            }
        }
        lexicon
    }

    /// Every name and alias written in `lang`, with the id it names.
    pub fn forms(&self, lang: &str) -> &[Form] {
        self.forms_by_lang.get(lang).map_or(&[], Vec::as_slice)
    }

    /// Whether an entity has this id.
    pub fn contains(&self, id: &str) -> bool {
        self.names.contains_key(id)
    }

    /// The entity's name in `lang`.
    pub fn name(&self, id: &str, lang: &str) -> Option<&str> {
        self.names.get(id)?.get(lang).map(String::as_str)
    }

    /// The id an editor most likely meant, matching ids, names and aliases in every language.
    pub fn suggest(&self, wanted: &str) -> Option<&str> {
        let form = did_you_mean(wanted, self.forms.iter().map(|(f, _)| f.as_str()))?;
        self.forms
            .iter()
            .find(|(f, _)| f == form)
            .map(|(_, id)| id.as_str())
    }
}
