//! Items planned as articles' files: the key and language of each, its front matter (what the
//! feed says, mapped to the fields of docs/content.md) and its body, verbatim. An item already
//! imported is a correction when its version is newer: recorded in the article's `updates`
//! only when asked. Nothing here writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Item, Picture};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::load::front_matter::Wire;
use crate::source::SourceText;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The language of items whose feed does not say.
    pub lang: Option<String>,
    /// The key of every article made (else from the agency's slug or the headline).
    pub key: Option<String>,
    /// Make the articles drafts.
    pub draft: bool,
    /// Record a newer version of an imported item in its article's `updates`.
    pub update: bool,
}

/// A file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A new article's file.
    Create {
        /// Relative to the site's root.
        path: PathBuf,
        /// Its language.
        lang: String,
        /// Its text.
        text: String,
    },
    /// A correction recorded in an article imported before.
    Update {
        /// Relative to the site's root.
        path: PathBuf,
        /// Its new text.
        text: String,
        /// The version it had, and the one recorded.
        versions: (Option<u64>, Option<u64>),
        /// The agency's text of the new version, against the article's, as a diff.
        changes: String,
    },
}

/// An item imported before, not imported again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The article's file.
    pub path: PathBuf,
    /// The version the article records.
    pub had: Option<u64>,
    /// The version in the feed.
    pub got: Option<u64>,
}

/// What an import does.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The files to write.
    pub actions: Vec<Action>,
    /// Items already imported at this version or a newer one, or corrections not recorded.
    pub known: Vec<Known>,
    /// What the user should know (a date or language taken by default).
    pub notes: Vec<String>,
}

/// The front matter an import writes, in the order of docs/content.md.
#[derive(Serialize)]
struct Front<'a> {
    title: &'a str,
    date: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rights: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dateline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_language: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wire: Option<Wire>,
}

/// An article of the site: where it is, and the item it came from.
struct Existing {
    path: PathBuf,
    key: String,
    lang: String,
    wire: Option<Wire>,
}

/// Plans the files for `items` (read from `feed`), in a site at `root` with `languages`.
pub fn plan(
    root: &Path,
    languages: &[String],
    today: chrono::NaiveDate,
    items: &[Item],
    request: &Request,
) -> Result<Plan, Vec<Diagnostic>> {
    let existing = existing_articles(root);
    let mut plan = Plan::default();
    let mut problems = Vec::new();
    let mut keys: BTreeMap<String, String> = BTreeMap::new(); // the agency's slug or id → key
    let mut made: Vec<(String, String)> = Vec::new();
    for item in items {
        let at = item
            .at
            .clone()
            .unwrap_or_else(|| Location::file_only(Path::new("")));
        let Some(lang) = item
            .lang
            .as_deref()
            .map(primary)
            .or_else(|| request.lang.clone())
        else {
            problems.push(
                Diagnostic::at(Code::InvalidFeed, "the item does not say its language", at)
                    .with_help(format!(
                        "give it: `--lang {}`",
                        languages.first().map_or("fr", String::as_str)
                    )),
            );
            continue;
        };
        if !languages.contains(&lang) {
            problems.push(
                Diagnostic::at(
                    Code::InvalidFeed,
                    format!(
                        "the item is in `{lang}`, a language the site does not have (it has {})",
                        languages.join(", ")
                    ),
                    at,
                )
                .with_help(format!(
                    "to import it, add `{lang}` to `languages:` in site.yaml"
                )),
            );
            continue;
        }
        if let Some(id) = &item.id
            && let Some(before) = existing
                .iter()
                .find(|e| e.lang == lang && e.wire.as_ref().is_some_and(|w| &w.id == id))
        {
            let had = before.wire.as_ref().and_then(|w| w.version);
            let newer = matches!((had, item.version), (Some(h), Some(g)) if g > h)
                || (had.is_none() && item.version.is_some_and(|g| g > 1));
            if newer && request.update {
                match update(root, &before.path, item, &lang, today) {
                    Ok(action) => plan.actions.push(action),
                    Err(d) => problems.push(d),
                }
            } else {
                plan.known.push(Known {
                    path: before.path.clone(),
                    had,
                    got: item.version,
                });
            }
            keys.insert(id.clone(), before.key.clone());
            continue;
        }
        let key =
            match key_of(item, request, &keys, &existing) {
                Ok(key) => key,
                Err(why) => {
                    problems.push(Diagnostic::at(Code::InvalidFeed, why, at).with_help(
                        "choose the article's key: `--key <lowercase-words-with-hyphens>`",
                    ));
                    continue;
                }
            };
        for remembered in [&item.slugline, &item.id].into_iter().flatten() {
            keys.entry(remembered.clone())
                .or_insert_with(|| key.clone());
        }
        let taken = existing.iter().find(|e| e.key == key && e.lang == lang);
        if let Some(taken) = taken {
            problems.push(
                Diagnostic::at(
                    Code::InvalidFeed,
                    format!(
                        "{} already exists; depeche never overwrites an article",
                        taken.path.display()
                    ),
                    at,
                )
                .with_help("import it under another key: `--key <another-key>`"),
            );
            continue;
        }
        if made.contains(&(key.clone(), lang.clone())) {
            problems.push(
                Diagnostic::at(
                    Code::InvalidFeed,
                    format!("a second item in `{lang}` would be the article `{key}` too"),
                    at,
                )
                .with_help("import the items one at a time, each with its own `--key`"),
            );
            continue;
        }
        made.push((key.clone(), lang.clone()));
        let original = original_language(item, items, &existing, &lang);
        let given = item
            .first_created
            .as_deref()
            .or(item.version_created.as_deref());
        let dated = given.filter(|d| crate::load::PublishDate::parse(d).is_some());
        if dated.is_none() {
            plan.notes.push(format!(
                "content/articles/{key}.{lang}.md: {}, so it is dated today and made a draft: set `date:`, then remove `draft: true`",
                match given {
                    Some(d) => format!("the feed's date `{d}` is not a date depeche reads"),
                    None => "the feed gives no date".to_string(),
                }
            ));
        }
        let today = today.to_string();
        let date = dated.unwrap_or(&today);
        let draft = request.draft || dated.is_none();
        let text = article_text(root, item, date, draft, original.as_deref());
        plan.actions.push(Action::Create {
            path: PathBuf::from(format!("content/articles/{key}.{lang}.md")),
            lang,
            text,
        });
    }
    if problems.is_empty() {
        Ok(plan)
    } else {
        Err(problems)
    }
}

/// The language a translation was made from: the item's own when another item translates it.
fn original_language(
    item: &Item,
    items: &[Item],
    existing: &[Existing],
    lang: &str,
) -> Option<String> {
    match &item.translated_from {
        Some(from) => items
            .iter()
            .find(|i| i.id.as_ref() == Some(from))
            .and_then(|i| i.lang.as_deref().map(primary))
            .or_else(|| {
                existing
                    .iter()
                    .find(|e| e.wire.as_ref().is_some_and(|w| &w.id == from))
                    .map(|e| e.lang.clone())
            }),
        None => items
            .iter()
            .any(|i| i.translated_from.is_some() && i.translated_from == item.id)
            .then(|| lang.to_string()),
    }
}

/// `fr-FR` → `fr`: the site's languages are primary subtags.
fn primary(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or(lang)
        .to_ascii_lowercase()
}

/// The article's key: asked for, shared with an item of the same story (its slug, or the item
/// it translates), or made from the agency's slug or the headline.
fn key_of(
    item: &Item,
    request: &Request,
    keys: &BTreeMap<String, String>,
    existing: &[Existing],
) -> Result<String, String> {
    if let Some(key) = &request.key {
        crate::load::check_id(key).map_err(|why| format!("the key `{key}` {why}"))?;
        return Ok(key.clone());
    }
    let shared = [&item.translated_from, &item.slugline]
        .into_iter()
        .flatten()
        .find_map(|k| keys.get(k).cloned());
    if let Some(key) = shared {
        return Ok(key);
    }
    // A translation of an article already in the site takes its key.
    if let Some(from) = &item.translated_from
        && let Some(original) = existing
            .iter()
            .find(|e| e.wire.as_ref().is_some_and(|w| &w.id == from))
    {
        return Ok(original.key.clone());
    }
    let words = item
        .slugline
        .as_deref()
        .or(item.headline.as_deref())
        .unwrap_or_default();
    let key = super::slug(words);
    if key.is_empty() {
        return Err("no key can be made from the item's slug or headline (it has no Latin letters or digits)".into());
    }
    Ok(key)
}

/// The article's file: its front matter, the pictures recorded as comments, and the body.
fn article_text(
    root: &Path,
    item: &Item,
    date: &str,
    draft: bool,
    original: Option<&str>,
) -> String {
    let agency = item.agency.as_deref().map(|name| {
        // An agency the site has as an entity is named by its id.
        let id = super::slug(name);
        if !id.is_empty() && root.join(format!("content/entities/{id}.yaml")).is_file() {
            id
        } else {
            name.to_string()
        }
    });
    let updated = item.version_created.as_deref().filter(|v| {
        item.first_created
            .as_deref()
            .is_some_and(|first| first != *v)
            && crate::load::PublishDate::parse(v).is_some()
    });
    let front = Front {
        title: item.headline.as_deref().unwrap_or_default(),
        date,
        updated,
        summary: item.summary.as_deref(),
        draft,
        tags: item.tags.iter().map(String::as_str).collect(),
        agency,
        rights: item.rights.as_deref(),
        dateline: item.dateline.as_deref(),
        byline: item.byline.as_deref(),
        original_language: original,
        wire: item.id.clone().map(|id| Wire {
            id,
            version: item.version,
        }),
    };
    let yaml = serde_yaml::to_string(&front).unwrap_or_default();
    let mut out = format!("---\n{yaml}");
    for picture in &item.pictures {
        out.push_str(&picture_note(picture));
    }
    out.push_str("---\n");
    for paragraph in &item.paragraphs {
        out.push_str(&markdown_text(paragraph));
        out.push_str("\n\n");
    }
    out
}

/// A picture sent with the item, recorded as comments: the site has no licence to publish it
/// until an editor says so.
fn picture_note(picture: &Picture) -> String {
    let line = |label: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(|v| format!("#   {label}: {}\n", super::collapse(v)))
            .unwrap_or_default()
    };
    format!(
        "# A picture came with the item; it was not downloaded. To publish it, put the file\n# under static/ and set image:, alt: and credit:.\n{}{}{}",
        line("address", &picture.href),
        line("caption", &picture.caption),
        line("credit", &picture.credit),
    )
}

/// A paragraph as Markdown that renders to the same text: the characters Markdown would read
/// as markup are escaped, nothing else changes.
pub(crate) fn markdown_text(paragraph: &str) -> String {
    let mut out = String::with_capacity(paragraph.len() + 8);
    for c in paragraph.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    // A paragraph that starts like a heading, a quote, a list item or a rule.
    let starts_block = out.starts_with(['#', '>', '-', '+', '='])
        || out
            .find(|c: char| !c.is_ascii_digit())
            .is_some_and(|i| i > 0 && matches!(out[i..].chars().next(), Some('.' | ')')));
    if starts_block {
        let i = out.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
        out.insert(i, '\\');
    }
    out
}

/// The articles in the site, with the item each was imported from.
fn existing_articles(root: &Path) -> Vec<Existing> {
    #[derive(Deserialize)]
    struct Imported {
        wire: Option<Wire>,
    }
    let dir = root.join("content/articles");
    walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.strip_suffix(".md")?;
            let (key, lang) = name.rsplit_once('.')?;
            let path = e.path().strip_prefix(root).ok()?.to_path_buf();
            let text = std::fs::read_to_string(e.path()).ok()?;
            let src = SourceText::new(path.clone(), text);
            let wire = crate::load::front_matter::split(&src)
                .ok()
                .and_then(|split| {
                    serde_yaml::from_str::<Imported>(&src.text[split.yaml_start..split.yaml_end])
                        .ok()
                        .and_then(|i| i.wire)
                });
            Some(Existing {
                path,
                key: key.to_string(),
                lang: lang.to_string(),
                wire,
            })
        })
        .collect()
}

/// The article at `path` with a newer version of its item recorded: `wire.version`, `updated`
/// and an entry of `updates` (the agency's note, when it gives one). Its text is the editor's:
/// the agency's new text is shown beside it, not written.
fn update(
    root: &Path,
    path: &Path,
    item: &Item,
    lang: &str,
    today: chrono::NaiveDate,
) -> Result<Action, Diagnostic> {
    let text = std::fs::read_to_string(root.join(path)).map_err(|e| {
        Diagnostic::at(
            Code::Unreadable,
            format!("cannot read {}: {e}", path.display()),
            Location::file_only(path),
        )
    })?;
    let src = SourceText::new(path.to_path_buf(), text);
    let split = crate::load::front_matter::split(&src)?;
    let yaml = &src.text[split.yaml_start..split.yaml_end];
    let (kept, blocks, first_block) = without_blocks(yaml, &["updated", "updates", "wire"]);
    let mut updates: Vec<serde_yaml::Value> = blocks
        .get("updates")
        .and_then(|b| serde_yaml::from_str::<BTreeMap<String, Vec<serde_yaml::Value>>>(b).ok())
        .and_then(|mut m| m.remove("updates"))
        .unwrap_or_default();
    let had = blocks
        .get("wire")
        .and_then(|b| serde_yaml::from_str::<BTreeMap<String, Wire>>(b).ok())
        .and_then(|mut m| m.remove("wire"));
    let when = item
        .version_created
        .clone()
        .unwrap_or_else(|| today.to_string());
    let mut entry = serde_yaml::Mapping::new();
    entry.insert("date".into(), when.clone().into());
    if let Some(note) = &item.ednote {
        let mut notes = serde_yaml::Mapping::new();
        notes.insert(lang.into(), note.clone().into());
        entry.insert("note".into(), notes.into());
    }
    updates.push(entry.into());
    #[derive(Serialize)]
    struct Tail {
        updated: String,
        updates: Vec<serde_yaml::Value>,
        wire: Wire,
    }
    let tail = serde_yaml::to_string(&Tail {
        updated: when,
        updates,
        wire: Wire {
            id: item.id.clone().unwrap_or_default(),
            version: item.version,
        },
    })
    .unwrap_or_default();
    // Where the fields were, so that the comments after them stay after them.
    let (before, after) = kept.split_at(first_block.unwrap_or(kept.len()));
    let new_text = format!(
        "{}{before}{tail}{after}{}",
        &src.text[..split.yaml_start],
        &src.text[split.yaml_end..]
    );
    // What is written must read: a layout this edit does not foresee is left to the editor.
    let written = SourceText::new(path.to_path_buf(), new_text.clone());
    let reads = crate::load::front_matter::split(&written).is_ok_and(|s| {
        serde_yaml::from_str::<serde_yaml::Value>(&written.text[s.yaml_start..s.yaml_end]).is_ok()
    });
    if !reads {
        return Err(Diagnostic::at(
            Code::InvalidFeed,
            format!(
                "the correction cannot be recorded in {} without breaking its front matter",
                path.display()
            ),
            Location::file_only(path),
        )
        .with_help("record it by hand: add the version's date and note under `updates:`, and its number as `wire.version`"));
    }
    let body = &src.text[split.body_start..];
    let agency: String = item
        .paragraphs
        .iter()
        .map(|p| format!("{}\n", markdown_text(p)))
        .collect();
    let mine: String = super::names::plain_paragraphs_of(body)
        .into_iter()
        .map(|p| format!("{p}\n"))
        .collect();
    let changes = similar::TextDiff::from_lines(&mine, &agency)
        .unified_diff()
        .header("the article", "the agency's new version")
        .to_string();
    Ok(Action::Update {
        path: path.to_path_buf(),
        text: new_text,
        versions: (had.and_then(|w| w.version), item.version),
        changes,
    })
}

/// The YAML without the top-level `keys` (each with the lines that continue it), those blocks
/// by key, and where in what is kept the first of them stood.
fn without_blocks<'k>(
    yaml: &str,
    keys: &[&'k str],
) -> (String, BTreeMap<&'k str, String>, Option<usize>) {
    let mut kept = String::new();
    let mut first = None;
    let mut blocks: BTreeMap<&str, String> = BTreeMap::new();
    let mut current: Option<&str> = None;
    let lines: Vec<&str> = yaml.split_inclusive('\n').collect();
    let indented = |line: &str| line.starts_with([' ', '\t', '-']);
    for (i, &line) in lines.iter().enumerate() {
        // A comment at the margin belongs to the block it sits inside (more of the block
        // follows it); otherwise to no block, and it stays.
        let inside = line.starts_with('#')
            && lines[i + 1..]
                .iter()
                .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .is_some_and(|l| indented(l));
        let continues = indented(line) || line.trim().is_empty() || inside;
        if !continues {
            current = keys
                .iter()
                .find(|k| line.strip_prefix(**k).is_some_and(|r| r.starts_with(':')))
                .copied();
        }
        match current {
            Some(key) => {
                first.get_or_insert(kept.len());
                blocks.entry(key).or_default().push_str(line);
            }
            None => kept.push_str(line),
        }
    }
    (kept, blocks, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_ascii_words() {
        assert_eq!(
            super::super::slug("Syrie : l'offensive sur Alep, jour 3 — bilan"),
            "syrie-l-offensive-sur-alep-jour"
        );
        assert_eq!(super::super::slug("حلب"), "");
    }

    #[test]
    fn markup_is_escaped_and_quotes_are_not_touched() {
        assert_eq!(
            markdown_text("\"HTS\" [sic] *a*"),
            "\"HTS\" \\[sic\\] \\*a\\*"
        );
        assert_eq!(markdown_text("1. Un"), "1\\. Un");
        assert_eq!(markdown_text("# Un"), "\\# Un");
        assert_eq!(markdown_text("« Un » – l'ONG"), "« Un » – l'ONG");
    }

    #[test]
    fn blocks_are_taken_with_their_lines() {
        let (kept, blocks, first) = without_blocks(
            "title: T\nupdates:\n- date: 2023\n# between\n- date: 2024\n  note: x\nwire: {id: a}\n# kept\nend: 1\n",
            &["updates", "wire"],
        );
        assert_eq!(kept, "title: T\n# kept\nend: 1\n");
        assert_eq!(first, Some("title: T\n".len()));
        assert_eq!(
            blocks["updates"],
            "updates:\n- date: 2023\n# between\n- date: 2024\n  note: x\n"
        );
        assert_eq!(blocks["wire"], "wire: {id: a}\n");
    }
}
