//! `depeche new` and `depeche init`: correct files to start from, never overwriting anything.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::hosts::Host;
use crate::load::{EntityKind, check_id};
use crate::render::{i18n, templates};
use crate::transaction::{EditError, Transaction};

/// Why a file to start from was not made.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The key or id cannot name a file and a URL.
    #[error("`{0}` is not a valid key or id: it {1}")]
    InvalidId(String, &'static str),
    /// The file exists.
    #[error("{} already exists; depeche never overwrites files", .0.display())]
    Exists(PathBuf),
    /// The folder for a new site is not empty.
    #[error("{} exists and is not empty; choose a new folder", .0.display())]
    NotEmpty(PathBuf),
    /// A value is given for a language the site does not have.
    #[error("language `{0}` is not configured in site.yaml (the languages are {1})")]
    UnknownLanguage(String, String),
    /// No built-in template has this name.
    #[error("there is no built-in template `{0}`; the built-in ones are: {1}")]
    UnknownTemplate(String, String),
    /// The files cannot be written safely (a link on the way, a file that cannot be made).
    #[error(transparent)]
    Edit(#[from] EditError),
    /// A file cannot be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

/// Writes every file (paths under `root`), or none, as one edit of the site (see
/// [`Transaction`]): never over an existing file, never through a link.
fn write_new(
    root: &Path,
    what: &str,
    files: Vec<(PathBuf, String)>,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let mut edit = Transaction::new(root, what);
    for (path, text) in &files {
        let rel = path.strip_prefix(root).unwrap_or(path);
        edit.create(rel, text.as_bytes());
    }
    edit.commit().map_err(|e| match e {
        EditError::Exists(rel) => ScaffoldError::Exists(root.join(rel)),
        e => ScaffoldError::Edit(e),
    })?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

fn valid(id: &str) -> Result<(), ScaffoldError> {
    check_id(id).map_err(|why| ScaffoldError::InvalidId(id.to_string(), why))
}

/// A value in YAML double quotes: any title or name can be written so.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `content/articles/<key>.<lang>.md` for every configured language, as a draft dated today,
/// with the given titles (by language; a placeholder for the others).
pub fn new_article(
    config: &Config,
    key: &str,
    date: &str,
    titles: &BTreeMap<String, String>,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    valid(key)?;
    let files = config
        .languages
        .iter()
        .map(|lang| {
            let path = config.root.join("content/articles").join(format!("{key}.{lang}.md"));
            let title = titles
                .get(lang)
                .map_or_else(|| quoted(&format!("TODO: {lang} title of {key}")), |t| quoted(t));
            let text = format!(
                "---\ntitle: {title}\ndate: {date}\ndraft: true\n# summary: one or two sentences for the home page\n# credit: photo caption and credit\n---\n<!-- Write the text here. Annotate mentions as [[entity-id]] or [[entity-id|words as written]]. -->\n"
            );
            (path, text)
        })
        .collect();
    write_new(&config.root, &format!("new article {key}"), files)
}

/// `content/entities/<id>.yaml` with every per-language field present, named as given (by
/// language; from the id for the others).
pub fn new_entity(
    config: &Config,
    id: &str,
    kind: EntityKind,
    names: &BTreeMap<String, String>,
) -> Result<PathBuf, ScaffoldError> {
    valid(id)?;
    let placeholder: String = id
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        })
        .collect::<Vec<_>>()
        .join(" ");
    let per_lang = |value: &dyn Fn(&str) -> String| -> String {
        config
            .languages
            .iter()
            .map(|l| format!("  {l}: {}\n", value(l)))
            .collect()
    };
    let name = |lang: &str| quoted(names.get(lang).map_or(placeholder.as_str(), String::as_str));
    let mut text = format!(
        "type: {}\nname:\n{}description:\n{}aliases:\n{}",
        kind.as_str(),
        per_lang(&name),
        per_lang(&|_| "\"\"".to_string()),
        per_lang(&|_| "[]".to_string()),
    );
    text.push_str(
        "# wikidata: Q…            # the item id from wikidata.org; leave out when unsure\n",
    );
    if kind == EntityKind::Place {
        text.push_str("# coordinates: [lat, lon]  # degrees\n");
    }
    text.push_str("relations: []               # e.g. - {type: located_in, target: syria}\n");
    let path = config
        .root
        .join("content/entities")
        .join(format!("{id}.yaml"));
    write_new(
        &config.root,
        &format!("new entity {id}"),
        vec![(path.clone(), text)],
    )
    .map(|_| path)
}

macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../", $path))),)*]
    };
}

/// The shipped sample: the annotated dispatch, its translation and its entities.
pub(crate) const SAMPLE_CONTENT: &[(&str, &str)] = embedded![
    "content/articles/alep-offensive-hts.fr.md",
    "content/articles/alep-offensive-hts.en.md",
    "content/entities/abu-mohammed-al-jolani.yaml",
    "content/entities/al-nusra-front.yaml",
    "content/entities/al-qaida.yaml",
    "content/entities/aleppo.yaml",
    "content/entities/aleppo.en.md",
    "content/entities/aleppo.fr.md",
    "content/entities/aleppo-governorate.yaml",
    "content/entities/ankara.yaml",
    "content/entities/ceasefire-2020.yaml",
    "content/entities/hama.yaml",
    "content/entities/hama-governorate.yaml",
    "content/entities/hts.yaml",
    "content/entities/hts.en.md",
    "content/entities/hts.fr.md",
    "content/entities/idlib.yaml",
    "content/entities/idlib-city.yaml",
    "content/entities/idlib.en.md",
    "content/entities/idlib.fr.md",
    "content/entities/iran.yaml",
    "content/entities/latakia.yaml",
    "content/entities/latakia-governorate.yaml",
    "content/entities/moscow.yaml",
    "content/entities/offensive-2024.yaml",
    "content/entities/osdh.yaml",
    "content/entities/osdh.en.md",
    "content/entities/osdh.fr.md",
    "content/entities/russia.yaml",
    "content/entities/syria.yaml",
    "content/entities/syrian-civil-war.yaml",
    "content/entities/syrian-government.yaml",
    "content/entities/syrian-state-media.yaml",
    "content/entities/turkey.yaml",
    "content/entities/united-kingdom.yaml",
];

const SITE_YAML: &str = "\
# depeche site configuration. The first language is the default one.
title:
  fr: Mon site de dépêches
  en: My dispatch site
base_url: http://localhost:1111/   # e.g. https://user.github.io/repo/ for GitHub Pages
languages: [fr, en]
output_dir: public
";

/// The GitHub workflow of a new site published on `host`, if depeche has one for it (file
/// name, text): it checks pull requests and publishes the default branch with the released
/// depeche of the version that wrote it, to GitHub Pages or to an S3-compatible bucket.
pub(crate) fn workflow(host: Host) -> Option<(&'static str, String)> {
    let (name, text) = match host {
        Host::GithubPages => ("pages.yml", include_str!("pages.yml")),
        Host::S3 => ("s3.yml", include_str!("s3.yml")),
        _ => return None,
    };
    let repository = env!("CARGO_PKG_REPOSITORY");
    let repository = repository
        .strip_prefix("https://github.com/")
        .unwrap_or(repository);
    Some((
        name,
        text.replace(
            "      # @INSTALL_DEPECHE@ (src/scaffold/install.yml)\n",
            include_str!("install.yml"),
        )
        .replace("@DEPECHE_VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("@DEPECHE_REPOSITORY@", repository),
    ))
}

/// Creates a new, working site in `dir` (which must be absent or empty), published on `host`.
pub fn init(dir: &Path, sample: bool, host: Host) -> Result<Vec<PathBuf>, ScaffoldError> {
    if dir.exists() && fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    let site_yaml = match host {
        Host::GithubPages => SITE_YAML.to_string(),
        _ => format!(
            "{}host: {}\n",
            SITE_YAML.replace(
                "e.g. https://user.github.io/repo/ for GitHub Pages",
                "the address readers will use, e.g. https://news.example.org/"
            ),
            host.name()
        ),
    };
    let mut files = vec![
        (dir.join("site.yaml"), site_yaml),
        // The output, and the previous output that builds keep aside to reuse.
        (
            dir.join(".gitignore"),
            "/public\n/.public.depeche-*\n".to_string(),
        ),
    ];
    if let Some((name, text)) = workflow(host) {
        files.push((dir.join(".github/workflows").join(name), text));
    }
    // No templates and no stylesheet: the built-in ones apply, with their fixes and new
    // fields and classes, until the site overrides one on purpose (`depeche templates
    // eject`, or its own `static/style.css`).
    if sample {
        for (path, text) in SAMPLE_CONTENT {
            files.push((dir.join(path), text.to_string()));
        }
    } else {
        // Git keeps no empty folder: these say where content goes.
        for folder in ["content/articles", "content/entities"] {
            files.push((dir.join(folder).join(".gitkeep"), String::new()));
        }
    }
    fs::create_dir_all(dir).map_err(|source| ScaffoldError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    write_new(dir, "init", files)
}

/// What `depeche templates eject` can copy into a site: every built-in template, then the
/// built-in UI strings, by their path under `templates/`.
pub fn builtin_templates() -> Vec<(String, &'static str)> {
    let mut all: Vec<(String, &'static str)> = templates::builtin()
        .iter()
        .map(|(name, text)| (name.to_string(), *text))
        .collect();
    for lang in ["fr", "en"] {
        if let Some(text) = i18n::builtin(lang) {
            all.push((format!("i18n/{lang}.yaml"), text));
        }
    }
    all
}

/// Copies one built-in template (or UI strings file) into the site's `templates/`, to be
/// changed there; never over an existing file.
pub fn eject(root: &Path, name: &str) -> Result<PathBuf, ScaffoldError> {
    let all = builtin_templates();
    let Some((_, text)) = all.iter().find(|(n, _)| n == name) else {
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        return Err(ScaffoldError::UnknownTemplate(
            name.to_string(),
            names.join(", "),
        ));
    };
    let path = root.join("templates").join(name);
    write_new(
        root,
        &format!("templates eject {name}"),
        vec![(path.clone(), text.to_string())],
    )
    .map(|_| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_the_whole_shipped_content() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut shipped: Vec<String> = walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        shipped.sort();
        let mut embedded: Vec<String> = SAMPLE_CONTENT.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(embedded, shipped);
    }
}
