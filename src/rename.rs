//! `depeche rename-entity OLD NEW`: an entity's files get the new id, and so does every
//! annotation and relation that names it. No other byte changes; either every file is
//! changed or none is.

use std::fs;
use std::path::{Path, PathBuf};

use crate::annotate;
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Location, Replacement};
use crate::edit::FileChange;
use crate::load::references::{self, Names};
use crate::load::{check_id, front_matter};
use crate::source::{self, SourceText};
use crate::transaction::Transaction;

/// What a rename changes: file contents, then file names.
#[derive(Debug, Clone, Default)]
pub struct Rename {
    /// Files whose text changes (paths relative to the site root).
    pub edits: Vec<FileChange>,
    /// Files renamed: (from, to), relative to the site root.
    pub moves: Vec<(PathBuf, PathBuf)>,
}

/// Works out the rename of entity `old` to `new`, changing nothing yet.
pub fn plan(config: &Config, old: &str, new: &str) -> Result<Rename, Diagnostic> {
    let root = &config.root;
    let entities = Path::new("content/entities");
    // Before anything is read: an id is a name, never a path.
    check_id(old).map_err(|why| refuse(format!("`{old}` is not an entity id: it {why}")))?;
    check_id(new).map_err(|why| refuse(format!("`{new}` cannot be an entity id: it {why}")))?;
    let file = ["yaml", "yml"]
        .iter()
        .map(|ext| entities.join(format!("{old}.{ext}")))
        .find(|f| root.join(f).is_file())
        .ok_or_else(|| {
            refuse(format!(
                "there is no entity `{old}` (no content/entities/{old}.yaml)"
            ))
        })?;
    let mut moves = vec![(
        file.clone(),
        file.with_file_name(format!("{new}.{}", extension(&file))),
    )];
    for lang in &config.languages {
        let prose = entities.join(format!("{old}.{lang}.md"));
        if root.join(&prose).is_file() {
            moves.push((prose, entities.join(format!("{new}.{lang}.md"))));
        }
    }
    let taken = ["yaml", "yml"]
        .iter()
        .map(|ext| entities.join(format!("{new}.{ext}")))
        .chain(moves.iter().map(|(_, to)| to.clone()))
        .find(|f| root.join(f).exists());
    if let Some(taken) = taken {
        return Err(refuse(format!(
            "{} exists: entity `{new}` is already taken",
            taken.display()
        )));
    }
    // A link to a file inside the site is read by the build, but no edit writes through one:
    // one that names the entity stops the rename rather than leaving it behind.
    let (files, links) = files(root);
    for link in links {
        let inside = link
            .canonicalize()
            .ok()
            .zip(root.canonicalize().ok())
            .is_some_and(|(target, root)| target.starts_with(root));
        if inside && fs::read_to_string(&link).is_ok_and(|text| text.contains(old)) {
            return Err(refuse(format!(
                "{} is a symbolic link and may name `{old}`: rename-entity writes no file through a link",
                source::display_path(root, &link).display()
            ))
            .with_help("replace the link with a copy of the file it points to, then rename again"));
        }
    }
    let mut edits = Vec::new();
    for path in files {
        let rel = source::display_path(root, &path);
        let bytes = fs::read(&path).map_err(|e| io_error(&rel, &e))?;
        let Ok(stored) = String::from_utf8(bytes) else {
            // `check` reports it; a file that is not text names no entity.
            continue;
        };
        let bom = if stored.starts_with('\u{feff}') {
            "\u{feff}"
        } else {
            ""
        };
        let text = &stored[bom.len()..];
        let spans = if extension(&path) == "md" {
            markdown_spans(&rel, text, old)
        } else if rel.starts_with("content/entities") {
            field_spans(references::ENTITY, text, 0, text.len(), old)
        } else {
            Vec::new()
        };
        if spans.is_empty() {
            continue;
        }
        let replacements: Vec<Replacement> = spans
            .into_iter()
            .map(|(start, end)| Replacement {
                file: rel.clone(),
                start,
                end,
                text: new.to_string(),
            })
            .collect();
        let (after, applied) = crate::edit::apply(text, &replacements);
        edits.push(FileChange {
            path: rel,
            before: stored.clone(),
            after: format!("{bom}{after}"),
            applied,
        });
    }
    Ok(Rename { edits, moves })
}

/// Applies a rename as one edit of the site: every file or none, recovered by the next
/// command if this one is killed (see [`Transaction`]).
pub fn apply(root: &Path, rename: &Rename, what: &str) -> Result<(), Diagnostic> {
    let mut edit = Transaction::new(root, what);
    for change in &rename.edits {
        if !rename.moves.iter().any(|(from, _)| from == &change.path) {
            edit.write(&change.path, change.after.as_bytes());
        }
    }
    for (from, to) in &rename.moves {
        let content = match rename.edits.iter().find(|e| &e.path == from) {
            Some(change) => change.after.clone().into_bytes(),
            None => fs::read(root.join(from)).map_err(|e| io_error(from, &e))?,
        };
        edit.create(to, content);
        edit.remove(from);
    }
    edit.commit().map_err(|e| {
        Diagnostic::new(Code::WriteFailed, e.to_string(), None)
            .with_help("check the permissions and free space of the site's folder")
    })
}

/// Every Markdown and YAML file of `content/`, where annotations and relations are written:
/// the files, then those that are symbolic links (one walk).
fn files(root: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (links, files): (Vec<walkdir::DirEntry>, Vec<walkdir::DirEntry>) =
        walkdir::WalkDir::new(root.join("content"))
            .follow_links(false)
            .sort_by(crate::source::by_name)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() || e.file_type().is_symlink())
            .filter(|e| matches!(extension(e.path()), "md" | "yaml" | "yml"))
            .partition(|e| e.file_type().is_symlink());
    let paths =
        |all: Vec<walkdir::DirEntry>| all.into_iter().map(walkdir::DirEntry::into_path).collect();
    (paths(files), paths(links))
}

fn extension(path: &Path) -> &str {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
}

/// The ids in a Markdown file: an article's front matter fields, and the annotations of its
/// body or of an entity's prose.
fn markdown_spans(rel: &Path, text: &str, old: &str) -> Vec<(usize, usize)> {
    let src = SourceText::new(rel, text.to_string());
    let mut spans = Vec::new();
    let mut body_start = 0;
    if rel.starts_with("content/articles")
        && let Ok(split) = front_matter::split(&src)
    {
        body_start = split.body_start;
        spans = field_spans(
            references::ARTICLE,
            text,
            split.yaml_start,
            split.yaml_end,
            old,
        );
    }
    spans.extend(annotate::id_spans(text, body_start, old));
    let in_entities = rel.starts_with("content/entities");
    spans.extend(annotate::entity_file_spans(
        text,
        body_start,
        old,
        in_entities,
    ));
    spans
}

/// The ids in the fields of a YAML document that name entities (`load::references`).
fn field_spans(
    schema: &[(&str, Names)],
    text: &str,
    start: usize,
    end: usize,
    old: &str,
) -> Vec<(usize, usize)> {
    references::in_text(schema, text, start, end)
        .into_iter()
        .filter(|w| w.name == old && text.get(w.start..w.end) == Some(old))
        .map(|w| (w.start, w.end))
        .collect()
}

fn refuse(message: String) -> Diagnostic {
    Diagnostic::new(Code::InvalidFileName, message, None)
        .with_help("`depeche entities` lists the entities and their ids")
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::at(
        Code::WriteFailed,
        format!("cannot change {}: {e}", path.display()),
        Location::file_only(path),
    )
    .with_help("nothing was renamed; fix the file's permissions and run the command again")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_that_names_the_entity_is_renamed_and_no_other() {
        let text = "type: organization\nname: {fr: idlib, en: idlib}\nsource: idlib\nrelations:\n  - {type: part_of, target: idlib}\n  - type: x\n    target: \"idlib\"\n  - {type: y, target: idlib-province}\nfacts:\n  - label: {fr: a, en: a}\n    entity: 'idlib'\n    source: osdh\nevents:\n  - date: 2024\n    label: {fr: idlib, en: idlib}\n    entities: [hts, idlib]\n    source: idlib\n";
        let spans = field_spans(references::ENTITY, text, 0, text.len(), "idlib");
        let lines: Vec<usize> = spans
            .iter()
            .map(|&(s, e)| {
                assert_eq!(&text[s..e], "idlib");
                text[..s].lines().count()
            })
            .collect();
        assert_eq!(lines, [3, 5, 7, 11, 16, 17], "{spans:?}");
    }
}
