//! Edits of content files that commands make (`annotate --write`, `rename-entity`): each
//! file's text before and after, changing no byte but the replaced ones, shown as a diff.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Replacement};

/// One file's text before and after the annotations, as stored on disk (BOM included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Path relative to the site root.
    pub path: PathBuf,
    /// The text before.
    pub before: String,
    /// The text after.
    pub after: String,
    /// The replacements made.
    pub applied: Vec<Replacement>,
}

/// Replaces each span with its annotation. Spans are byte ranges of the text without BOM;
/// overlapping ones (which suggestions never produce) keep the first.
pub fn apply(text: &str, replacements: &[Replacement]) -> (String, Vec<Replacement>) {
    let mut sorted: Vec<&Replacement> = replacements.iter().collect();
    sorted.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len() + 32 * sorted.len());
    let mut applied = Vec::new();
    let mut at = 0;
    for r in sorted {
        if r.start < at || r.end > text.len() {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(&r.text);
        at = r.end;
        applied.push(r.clone());
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// Groups the suggestions by file and computes each file's new text. `only` restricts the
/// files (paths relative to the site root); empty means every file.
pub fn changes(
    root: &Path,
    suggestions: &[Diagnostic],
    only: &[PathBuf],
) -> std::io::Result<Vec<FileChange>> {
    let mut by_file: std::collections::BTreeMap<&Path, Vec<Replacement>> = Default::default();
    for r in suggestions.iter().filter_map(|d| d.replacement.as_deref()) {
        if only.is_empty() || only.iter().any(|p| p == &r.file) {
            by_file.entry(r.file.as_path()).or_default().push(r.clone());
        }
    }
    let mut out = Vec::new();
    for (file, replacements) in by_file {
        let before = std::fs::read_to_string(root.join(file))?;
        let (bom, text) = match before.strip_prefix('\u{feff}') {
            Some(rest) => ("\u{feff}", rest),
            None => ("", before.as_str()),
        };
        let (after, applied) = apply(text, &replacements);
        out.push(FileChange {
            path: file.to_path_buf(),
            after: format!("{bom}{after}"),
            before,
            applied,
        });
    }
    Ok(out)
}

/// A unified diff of one change, for review before `--write`, with ANSI styles: removed
/// lines red, added ones green, and within them the words that changed in reverse video.
/// Printed through `anstream`, the styles are dropped when the output is not a terminal.
pub fn diff(change: &FileChange) -> String {
    use anstyle::{AnsiColor, Effects, Style};
    use similar::ChangeTag;
    let name = crate::diagnostic::printable(&change.path.display().to_string()).into_owned();
    let bold = Style::new().effects(Effects::BOLD);
    let hunk = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
    let diff = similar::TextDiff::from_lines(&change.before, &change.after);
    let mut out = format!("{bold}--- a/{name}\n+++ b/{name}{bold:#}\n");
    for group in diff.grouped_ops(1) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        out.push_str(&format!(
            "{hunk}@@ -{},{} +{},{} @@{hunk:#}\n",
            old.start + 1,
            old.len(),
            new.start + 1,
            new.len()
        ));
        for op in &group {
            for line in diff.iter_inline_changes(op) {
                let (sign, style) = match line.tag() {
                    ChangeTag::Delete => ('-', Style::new().fg_color(Some(AnsiColor::Red.into()))),
                    ChangeTag::Insert => {
                        ('+', Style::new().fg_color(Some(AnsiColor::Green.into())))
                    }
                    ChangeTag::Equal => (' ', Style::new()),
                };
                let word = style.effects(Effects::INVERT);
                out.push_str(&format!("{style}{sign}"));
                for (changed, text) in line.iter_strings_lossy() {
                    let text = crate::diagnostic::printable(text.trim_end_matches('\n'));
                    if changed {
                        out.push_str(&format!("{word}{text}{word:#}{style}"));
                    } else {
                        out.push_str(&text);
                    }
                }
                out.push_str(&format!("{style:#}\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: usize, end: usize, text: &str) -> Replacement {
        Replacement {
            file: "a.md".into(),
            start,
            end,
            text: text.into(),
        }
    }

    #[test]
    fn replaces_only_the_spans() {
        let text = "x Alep\r\ny Idleb\r\n";
        let (out, applied) = apply(
            text,
            &[r(10, 15, "[[idlib|Idleb]]"), r(2, 6, "[[aleppo|Alep]]")],
        );
        assert_eq!(out, "x [[aleppo|Alep]]\r\ny [[idlib|Idleb]]\r\n");
        assert_eq!(applied.len(), 2);
    }

    #[test]
    fn overlapping_spans_keep_the_first() {
        let (out, applied) = apply("Alep", &[r(0, 4, "[[a|Alep]]"), r(1, 3, "x")]);
        assert_eq!(out, "[[a|Alep]]");
        assert_eq!(applied.len(), 1);
    }
}
