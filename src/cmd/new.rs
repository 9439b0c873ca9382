use std::path::Path;
use std::process::ExitCode;

use depeche::diagnostic::printable;
use depeche::load::EntityKind;
use std::collections::BTreeMap;

use depeche::scaffold::{self, ScaffoldError};

#[derive(clap::Subcommand)]
pub(crate) enum What {
    /// content/articles/<key>.<lang>.md for every configured language, as a draft dated today.
    Article {
        /// Lowercase letters, digits and hyphens, e.g. `alep-offensive`.
        key: String,
        /// The title: `--title "…"` for every language, or per language,
        /// `--title fr="…" --title en="…"`.
        #[arg(long = "title", value_name = "[LANG=]TITLE")]
        titles: Vec<String>,
    },
    /// content/entities/<id>.yaml with every per-language field.
    Entity {
        /// Lowercase letters, digits and hyphens, e.g. `aleppo`.
        id: String,
        /// What the entity is.
        #[arg(long = "type", value_enum)]
        kind: EntityKind,
        /// Its name: `--name "…"` for every language, or per language,
        /// `--name fr=Alep --name en=Aleppo`.
        #[arg(long = "name", value_name = "[LANG=]NAME")]
        names: Vec<String>,
    },
}

pub(crate) fn run(root: &Path, what: What) -> ExitCode {
    let config = match super::config(root) {
        Ok(config) => config,
        Err(status) => return status,
    };
    let written = match what {
        What::Article { key, titles } => {
            per_language(&config.languages, &titles).and_then(|titles| {
                scaffold::new_article(&config, &key, &config.today().to_string(), &titles)
            })
        }
        What::Entity { id, kind, names } => per_language(&config.languages, &names)
            .and_then(|names| scaffold::new_entity(&config, &id, kind, &names).map(|p| vec![p])),
    };
    match written {
        Ok(paths) => {
            for p in paths {
                println!("created {}", p.strip_prefix(root).unwrap_or(&p).display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// `["Titre"]` for every language, or `["fr=Titre", "en=Title"]` one by one.
fn per_language(
    languages: &[String],
    values: &[String],
) -> Result<BTreeMap<String, String>, ScaffoldError> {
    let mut out = BTreeMap::new();
    for value in values {
        let tagged = value.split_once('=').filter(|(lang, _)| {
            !lang.is_empty() && lang.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        });
        match tagged {
            Some((lang, text)) if languages.iter().any(|l| l == lang) => {
                out.insert(lang.to_string(), text.trim().to_string());
            }
            Some((lang, _)) => {
                return Err(ScaffoldError::UnknownLanguage(
                    lang.to_string(),
                    languages.join(", "),
                ));
            }
            None => {
                for lang in languages {
                    out.insert(lang.clone(), value.trim().to_string());
                }
            }
        }
    }
    Ok(out)
}
