//! Entity names by id and language: what annotations resolve against.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::did_you_mean;
use crate::load::EntitySource;
use crate::load::events::Span;

/// A written form (name or alias) of an entity in one language, and when it names it (see
/// [`EntitySource::written_forms`]).
#[derive(Debug, Clone)]
pub struct Form {
    /// As written.
    pub text: String,
    /// The entity it names.
    pub id: String,
    /// When it names it.
    pub when: Span,
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
            for (lang, text, when, _) in e.written_forms() {
                lexicon.forms.push((text.to_string(), e.id.clone()));
                lexicon
                    .forms_by_lang
                    .entry(lang.to_string())
                    .or_default()
                    .push(Form {
                        text: text.to_string(),
                        id: e.id.clone(),
                        when,
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

    /// Everything it holds, written out in a stable order: what a cache of annotations
    /// depends on.
    pub(crate) fn described(&self) -> String {
        let mut names: Vec<_> = self.names.iter().collect();
        names.sort();
        format!("{names:?} {:?} {:?}", self.forms, self.forms_by_lang)
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
