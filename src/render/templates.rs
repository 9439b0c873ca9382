//! The template set: built-in defaults, overridden file by file by the site's `templates/`.

use std::path::Path;

use tera::Tera;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::source;

/// Templates every site can use without writing its own. Names keep their extension so that
/// autoescaping applies by suffix.
const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("entity.html", include_str!("../../templates/entity.html")),
    (
        "entities.html",
        include_str!("../../templates/entities.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    (
        "timeline.html",
        include_str!("../../templates/timeline.html"),
    ),
    ("map.html", include_str!("../../templates/map.html")),
    ("graph.html", include_str!("../../templates/graph.html")),
    (
        "components.html",
        include_str!("../../templates/components.html"),
    ),
    ("atom.xml", include_str!("../../templates/atom.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    (
        "sitemap_index.xml",
        include_str!("../../templates/sitemap_index.xml"),
    ),
];

pub(crate) fn builtin() -> &'static [(&'static str, &'static str)] {
    BUILTIN
}

/// The compiled templates and their sources, to locate errors.
pub(crate) struct Templates {
    pub tera: Tera,
    /// (name, text, whether it comes from the site's `templates/` rather than the built-ins)
    sources: Vec<(String, String, bool)>,
}

/// Compiles the template set once for the whole build.
pub(crate) fn load(root: &Path) -> Result<Templates, crate::diagnostic::Diagnostics> {
    let dir = root.join("templates");
    if let Some(outside) = source::folder_outside_site(root, &dir) {
        return Err(outside.into());
    }
    let mut sources: Vec<(String, String, bool)> = BUILTIN
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string(), false))
        .collect();
    if dir.is_dir() {
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            Diagnostic::at(
                Code::Unreadable,
                format!("cannot read templates/: {e}"),
                Location::file_only("templates"),
            )
        })?;
        let mut names: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        names.sort();
        for path in names {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !(name.ends_with(".html") || name.ends_with(".xml")) || path.is_dir() {
                continue;
            }
            let src = source::read(root, &path)?;
            match sources.iter_mut().find(|(n, _, _)| n == name) {
                Some(slot) => *slot = (name.to_string(), src.text, true),
                None => sources.push((name.to_string(), src.text, true)),
            }
        }
    }
    let mut templates = Templates {
        tera: Tera::new(),
        sources,
    };
    let pairs: Vec<(String, String)> = templates
        .sources
        .iter()
        .map(|(n, t, _)| (n.clone(), t.clone()))
        .collect();
    // Filters are checked when templates compile; each language registers its own afterwards.
    templates
        .tera
        .register_filter("plural", super::i18n::plural_filter("en"));
    if let Err(e) = templates.tera.add_raw_templates(pairs) {
        return Err(templates.compile_errors(&e).into());
    }
    Ok(templates)
}

impl Templates {
    /// Templates that fail to compile, each mistake at its place. Tera checks the names a
    /// template calls (filters, tests, functions, components) once all are parsed, and gives
    /// what it found as one message of reports, each `error: …` then ` --> name:line:column`
    /// (a column in characters, from 1) and the line underlined.
    fn compile_errors(&self, err: &tera::Error) -> Vec<Diagnostic> {
        let tera::ErrorKind::Msg(message) = err.kind() else {
            return vec![self.error(err)];
        };
        let located = |report: &str| -> Option<Diagnostic> {
            let mut lines = report.lines();
            let said = lines.next()?.strip_prefix("error: ")?;
            let place = lines.next()?.trim_start().strip_prefix("--> ")?;
            let (place, column) = place.rsplit_once(':')?;
            let (name, line) = place.rsplit_once(':')?;
            let (line, column): (usize, usize) = (line.parse().ok()?, column.parse().ok()?);
            let width = report.lines().last()?.matches('^').count().max(1);
            let (_, text) = self.source(name);
            let line_text = text?.split_inclusive('\n').nth(line.checked_sub(1)?)?;
            let line_start = line_text.as_ptr() as usize - text?.as_ptr() as usize;
            let mut chars = line_text.char_indices().skip(column.checked_sub(1)?);
            let start = line_start + chars.next()?.0;
            let end = chars
                .nth(width - 1)
                .map_or(line_start + line_text.len(), |(i, _)| line_start + i);
            Some(self.at(name, start..end, said))
        };
        let reports: Option<Vec<Diagnostic>> = message.split("\n\n").map(located).collect();
        match reports {
            Some(found) if !found.is_empty() => found,
            _ => vec![self.error(err)],
        }
    }

    /// A template's path as the editor knows it, and its text.
    fn source(&self, name: &str) -> (String, Option<&str>) {
        match self.sources.iter().find(|(n, _, _)| n == name) {
            Some((n, text, true)) => (format!("templates/{n}"), Some(text.as_str())),
            Some((n, text, false)) => (format!("{n} (built-in template)"), Some(text.as_str())),
            None => (name.to_string(), None),
        }
    }

    /// A mistake of template `name` at the bytes `range` of its text.
    fn at(&self, name: &str, range: std::ops::Range<usize>, message: &str) -> Diagnostic {
        let (path, text) = self.source(name);
        let location = match text {
            Some(text) => {
                let start = range.start.min(text.len());
                let end = range.end.clamp(start, text.len());
                crate::diagnostic::locate(Path::new(&path), text, start, end.max(start + 1))
            }
            None => Location::file_only(&path),
        };
        Diagnostic::at(Code::Template, message.to_string(), location)
            .with_help("fix the template; the built-in templates (templates/ in depeche's repository) show every variable available")
    }

    /// A template that fails to compile or render, located in the template's source.
    pub(crate) fn error(&self, err: &tera::Error) -> Diagnostic {
        let report = match err.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
            _ => None,
        };
        let Some(report) = report else {
            return Diagnostic::new(
                Code::Template,
                chain(err),
                Some(Location::file_only("templates")),
            )
            .with_help("fix the templates named above");
        };
        self.at(
            report.filename(),
            report.span().range.clone(),
            report.message(),
        )
    }
}

fn chain(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Templates get every address from their context (`urls.rs` makes them all): none is
    /// put together from the base path and a file name.
    #[test]
    fn built_in_templates_build_no_address() {
        for (name, text) in BUILTIN {
            for (at, _) in text.match_indices("base_path }}") {
                let next = text[at + "base_path }}".len()..].chars().next();
                assert!(
                    matches!(next, Some('"' | '\'' | '<' | '\n')),
                    "{name}: an address built in the template: {}",
                    &text[at..(at + 60).min(text.len())]
                );
            }
            assert!(!text.contains("base_url }}"), "{name}");
        }
    }
}
