//! UI strings per language, from `templates/i18n/<lang>.yaml`.
//!
//! Built-in files exist for `fr` and `en`; a site may override any key, and must provide a file
//! for any other language it configures. Missing keys fall back to the English file.

use std::path::Path;

use chrono::Datelike;
use serde_yaml::Value;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Location, did_you_mean};
use crate::source;
use crate::yaml;

pub(crate) const I18N_DIR: &str = "templates/i18n";

/// The built-in UI strings of `fr` and `en`.
pub(crate) fn builtin(lang: &str) -> Option<&'static str> {
    match lang {
        "fr" => Some(include_str!("../../templates/i18n/fr.yaml")),
        "en" => Some(include_str!("../../templates/i18n/en.yaml")),
        _ => None,
    }
}

/// One language's strings.
#[derive(Debug, Clone)]
pub(crate) struct Strings {
    pub lang: String,
    /// The merged YAML tree, handed to templates as `t`.
    pub tree: Value,
}

impl Strings {
    pub(crate) fn load(root: &Path, lang: &str) -> Result<Strings, Diagnostic> {
        let parse_builtin = |text: &str| serde_yaml::from_str::<Value>(text).unwrap_or(Value::Null);
        let path = root.join(I18N_DIR).join(format!("{lang}.yaml"));
        if let Some(outside) = source::folder_outside_site(root, &root.join(I18N_DIR)) {
            return Err(outside);
        }
        let site = if path.exists() {
            let src = source::read(root, &path)?;
            Some(yaml::parse::<Value>(&src, 0, src.text.len())?)
        } else {
            None
        };
        let mut tree = parse_builtin(builtin("en").unwrap_or_default());
        match (builtin(lang), site) {
            (Some(own), site) => {
                merge(&mut tree, parse_builtin(own));
                if let Some(site) = site {
                    merge(&mut tree, site);
                }
            }
            (None, Some(site)) => merge(&mut tree, site),
            (None, None) => {
                return Err(Diagnostic::at(
                    Code::MissingTranslationFile,
                    format!("no UI strings for language `{lang}`"),
                    Location::file_only(source::display_path(root, &path)),
                )
                .with_help(format!(
                    "create {I18N_DIR}/{lang}.yaml (copy en.yaml and translate it), or remove `{lang}` from site.yaml"
                )));
            }
        }
        Ok(Strings {
            lang: lang.to_string(),
            tree,
        })
    }

    pub(crate) fn get(&self, path: &[&str]) -> Option<&str> {
        let mut node = &self.tree;
        for key in path {
            node = node.get(*key)?;
        }
        node.as_str()
    }

    /// The plural forms of a string (`one: …`, `other: …`), in the order the file gives them.
    pub(crate) fn forms(&self, path: &[&str]) -> Vec<(String, String)> {
        let mut node = &self.tree;
        for key in path {
            match node.get(*key) {
                Some(next) => node = next,
                None => return Vec::new(),
            }
        }
        node.as_mapping()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
            .collect()
    }

    /// The language's own name for itself (e.g. `Français`), or its code.
    pub(crate) fn language_name(&self) -> &str {
        self.get(&["language_name"]).unwrap_or(&self.lang)
    }

    /// `ltr` or `rtl`.
    pub(crate) fn dir(&self) -> &str {
        match self.get(&["dir"]) {
            Some("rtl") => "rtl",
            _ => "ltr",
        }
    }

    /// A date the way this language writes it, e.g. `30 novembre 2024`.
    pub(crate) fn format_date(&self, day: chrono::NaiveDate) -> String {
        let month = self
            .tree
            .get("months")
            .and_then(|m| m.get(day.month0() as usize))
            .and_then(Value::as_str)
            .map_or_else(|| day.month().to_string(), str::to_string);
        let day_text = match (day.day(), self.get(&["first_day"])) {
            (1, Some(first)) => first.to_string(),
            (d, _) => d.to_string(),
        };
        self.get(&["date_format"])
            .unwrap_or("{day} {month} {year}")
            .replace("{day}", &day_text)
            .replace("{month}", &month)
            .replace("{year}", &day.year().to_string())
    }

    /// A year, a month or a day, as precise as it is: `2011`, `mars 2020`, `27 novembre 2024`.
    pub(crate) fn format_day(&self, day: &crate::load::events::Day) -> String {
        match (day.month, day.day) {
            (Some(m), Some(d)) => match chrono::NaiveDate::from_ymd_opt(day.year, m, d) {
                Some(date) => self.format_date(date),
                None => day.iso(),
            },
            (Some(m), None) => {
                let month = self
                    .tree
                    .get("months")
                    .and_then(|all| all.get(m as usize - 1))
                    .and_then(Value::as_str)
                    .map_or_else(|| m.to_string(), str::to_string);
                self.get(&["month_format"])
                    .unwrap_or("{month} {year}")
                    .replace("{month}", &month)
                    .replace("{year}", &day.year.to_string())
            }
            _ => day.year.to_string(),
        }
    }

    /// A number the way this language writes it: `2,5` in French, with its digits grouped
    /// (`number.group`: a narrow space in French, a comma in English).
    pub(crate) fn format_number(&self, n: f64) -> String {
        let decimal = self.get(&["number", "decimal"]).unwrap_or(".");
        let group = self.get(&["number", "group"]).unwrap_or("");
        let text = n.abs().to_string();
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 && whole.len() > 4 {
                grouped.push_str(group);
            }
            grouped.push(digit);
        }
        let sign = if n < 0.0 { "-" } else { "" };
        match fraction {
            "" => format!("{sign}{grouped}"),
            f => format!("{sign}{grouped}{decimal}{f}"),
        }
    }

    /// Coordinates the way this language writes them, e.g. `36.2° N, 37.16° E` or
    /// `36,2° N, 37,16° E`: the decimal mark and the compass letters come from the strings.
    pub(crate) fn format_coordinates(&self, lat: f64, lon: f64) -> String {
        let decimal = self.get(&["number", "decimal"]).unwrap_or(".");
        let number = |x: f64| x.abs().to_string().replace('.', decimal);
        let letter = |key: &str, fallback: &'static str| {
            self.get(&["compass", key]).unwrap_or(fallback).to_string()
        };
        let ns = if lat >= 0.0 {
            letter("north", "N")
        } else {
            letter("south", "S")
        };
        let ew = if lon >= 0.0 {
            letter("east", "E")
        } else {
            letter("west", "W")
        };
        self.get(&["coordinates_format"])
            .unwrap_or("{lat}° {ns}, {lon}° {ew}")
            .replace("{lat}", &number(lat))
            .replace("{ns}", &ns)
            .replace("{lon}", &number(lon))
            .replace("{ew}", &ew)
    }

    /// The label of a relation type, or the type itself when the file has none.
    pub(crate) fn relation<'a>(&'a self, kind: &'a str) -> &'a str {
        self.get(&["relations", kind]).unwrap_or(kind)
    }
}

/// Deep merge: maps merge key by key, anything else is replaced.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Mapping(base), Value::Mapping(over)) => {
            for (k, v) in over {
                match base.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        base.insert(k, v);
                    }
                }
            }
        }
        (slot, over) => *slot = over,
    }
}

/// The `plural` filter of one language: `{{ t.ui.articles | plural(n=count) }}` picks, from a
/// map of forms (`zero`, `one`, `two`, `few`, `many`, `other`), the one that CLDR's plural
/// rules give for `n` in this language ("0 dépêche" in French, "0 articles" in English, six
/// forms in Arabic), falling back to `other` when the language's strings lack that form.
pub(crate) fn plural_filter(
    lang: &str,
) -> impl Fn(&tera::Value, tera::Kwargs, &tera::State) -> tera::TeraResult<String> + Send + Sync + 'static
{
    use icu_plurals::{PluralCategory, PluralRules};
    let rules = lang
        .parse::<icu_locale_core::Locale>()
        .ok()
        .and_then(|locale| PluralRules::try_new_cardinal((&locale).into()).ok());
    move |forms, kwargs, _| {
        let n: u64 = kwargs.must_get("n")?;
        let Some(map) = forms.as_map() else {
            // A plain string has one form for every count.
            return Ok(forms.as_str().unwrap_or_default().to_string());
        };
        let category = match rules.as_ref().map(|r| r.category_for(n)) {
            Some(PluralCategory::Zero) => "zero",
            Some(PluralCategory::One) => "one",
            Some(PluralCategory::Two) => "two",
            Some(PluralCategory::Few) => "few",
            Some(PluralCategory::Many) => "many",
            Some(PluralCategory::Other) | None => "other",
        };
        let form = |name: &'static str| {
            map.get(&tera::value::Key::Str(name))
                .and_then(|v| v.as_str())
        };
        form(category)
            .or_else(|| form("other"))
            .map(str::to_string)
            .ok_or_else(|| {
                tera::Error::message("a counted UI string needs at least an `other` form")
            })
    }
}

/// Keys of the site's UI strings that are misspellings of built-in ones, in every language:
/// a template would silently get the built-in text instead.
pub(crate) fn misspelt_keys(config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for lang in &config.languages {
        misspelt_in(config, lang, &mut out);
    }
    out
}

/// Keys of `templates/i18n/<lang>.yaml` that are a letter or two away from a built-in key.
fn misspelt_in(config: &Config, lang: &str, out: &mut Vec<Diagnostic>) {
    let path = config.root.join(I18N_DIR).join(format!("{lang}.yaml"));
    let Ok(src) = crate::source::read(&config.root, &path) else {
        return;
    };
    let within_bounds = crate::yaml::nested_within_bounds(&src, 0, src.text.len()).is_ok();
    let Some(site) = within_bounds
        .then(|| serde_yaml::from_str::<Value>(&src.text).ok())
        .flatten()
    else {
        // The theme reports it.
        return;
    };
    let known = |text: Option<&str>| text.and_then(|t| serde_yaml::from_str::<Value>(t).ok());
    let builtins = [known(builtin("en")), known(builtin(lang))];
    let mut stack: Vec<(Vec<&str>, &Value)> = vec![(Vec::new(), &site)];
    while let Some((at, node)) = stack.pop() {
        let Value::Mapping(map) = node else { continue };
        let siblings: Vec<&str> = builtins
            .iter()
            .flatten()
            .filter_map(|b| at.iter().try_fold(b, |n, k| n.get(*k)))
            .filter_map(Value::as_mapping)
            .flat_map(|m| m.keys().filter_map(Value::as_str))
            .collect();
        for (key, value) in map {
            let Some(key) = key.as_str() else { continue };
            if siblings.contains(&key) {
                let mut path = at.clone();
                path.push(key);
                stack.push((path, value));
                continue;
            }
            let Some(meant) = did_you_mean(key, siblings.iter().copied()) else {
                continue;
            };
            let (s, e) = yaml::find_nested_key(&src.text, key).unwrap_or((0, 0));
            let dotted = |k: &str| at.iter().copied().chain([k]).collect::<Vec<_>>().join(".");
            out.push(
                Diagnostic::at(
                    Code::UnknownUiString,
                    format!(
                        "`{}` is not a UI string: templates read `{}`",
                        dotted(key),
                        dotted(meant)
                    ),
                    src.locate(s, e),
                )
                .with_help(format!(
                    "rename it `{meant}`, or the built-in text is shown instead"
                ))
                .with_replacement(&src.path, s, e, meant),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn strings(lang: &str) -> Strings {
        Strings::load(Path::new("/nonexistent"), lang).unwrap()
    }

    /// `count` and `forms` rendered through the `plural` filter of `lang`.
    fn counted(lang: &str, count: u64, forms: serde_json::Value) -> String {
        let mut tera = tera::Tera::new();
        tera.register_filter("plural", plural_filter(lang));
        let mut context = tera::Context::new();
        context.insert("n", &count);
        context.insert("forms", &forms);
        tera.render_str("{{ n }} {{ forms | plural(n=n) }}", &context, false)
            .unwrap()
    }

    #[test]
    fn counted_nouns_follow_each_languages_plural_rules() {
        let fr = serde_json::json!({"one": "dépêche", "other": "dépêches"});
        // French counts zero as singular; English does not.
        assert_eq!(counted("fr", 0, fr.clone()), "0 dépêche");
        assert_eq!(counted("fr", 1, fr.clone()), "1 dépêche");
        assert_eq!(counted("fr", 2, fr), "2 dépêches");
        let en = serde_json::json!({"one": "dispatch", "other": "dispatches"});
        assert_eq!(counted("en", 0, en.clone()), "0 dispatches");
        assert_eq!(counted("en", 1, en), "1 dispatch");
        // Arabic has six categories; a form missing from the strings falls back to `other`.
        let ar = serde_json::json!({
            "zero": "zero", "one": "one", "two": "two", "few": "few", "many": "many", "other": "other"
        });
        for (n, form) in [
            (0, "zero"),
            (1, "one"),
            (2, "two"),
            (3, "few"),
            (11, "many"),
            (100, "other"),
        ] {
            assert_eq!(counted("ar", n, ar.clone()), format!("{n} {form}"));
        }
        let partial = serde_json::json!({"one": "one", "other": "other"});
        assert_eq!(counted("ar", 3, partial), "3 other");
        // A plain string has one form for every count.
        assert_eq!(counted("fr", 5, serde_json::json!("fois")), "5 fois");
    }

    #[test]
    fn coordinates_in_each_language() {
        assert_eq!(
            strings("en").format_coordinates(36.2, 37.16),
            "36.2° N, 37.16° E"
        );
        assert_eq!(
            strings("fr").format_coordinates(36.2, 37.16),
            "36,2° N, 37,16° E"
        );
        assert_eq!(
            strings("fr").format_coordinates(-33.9, -18.4),
            "33,9° S, 18,4° O"
        );
        assert_eq!(
            strings("en").format_coordinates(-33.9, -18.4),
            "33.9° S, 18.4° W"
        );
    }

    #[test]
    fn dates_in_each_language() {
        let d = NaiveDate::from_ymd_opt(2024, 11, 30).unwrap();
        assert_eq!(strings("fr").format_date(d), "30 novembre 2024");
        assert_eq!(strings("en").format_date(d), "30 November 2024");
        let first = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap();
        assert_eq!(strings("fr").format_date(first), "1er décembre 2024");
        assert_eq!(strings("en").format_date(first), "1 December 2024");
    }

    #[test]
    fn unknown_language_needs_a_file() {
        let err = Strings::load(Path::new("/nonexistent"), "ar").unwrap_err();
        assert_eq!(err.code, Code::MissingTranslationFile);
    }

    #[test]
    fn site_files_override_single_keys() {
        let mut base: Value = serde_yaml::from_str("ui: {a: 1, b: 2}\ndir: ltr").unwrap();
        merge(&mut base, serde_yaml::from_str("ui: {b: 3}").unwrap());
        assert_eq!(base["ui"]["a"], Value::from(1));
        assert_eq!(base["ui"]["b"], Value::from(3));
    }
}
