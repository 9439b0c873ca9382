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
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
];

pub fn builtin() -> &'static [(&'static str, &'static str)] {
    BUILTIN
}

/// Compiles the template set once for the whole build.
pub fn load(root: &Path) -> Result<Tera, Diagnostic> {
    let dir = root.join("templates");
    let mut templates: Vec<(String, String)> = BUILTIN
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
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
            if !(name.ends_with(".html") || name.ends_with(".xml")) || !path.is_file() {
                continue;
            }
            let src = source::read(root, &path)?;
            match templates.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = src.text,
                None => templates.push((name.to_string(), src.text)),
            }
        }
    }
    let mut tera = Tera::new();
    tera.add_raw_templates(templates)
        .map_err(|e| template_error(&e))?;
    Ok(tera)
}

/// A template that fails to compile or render, shown with Tera's own explanation.
pub fn template_error(err: &tera::Error) -> Diagnostic {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Diagnostic::new(
        Code::Template,
        message,
        Some(Location::file_only("templates")),
    )
    .with_help("fix the template named above; the built-in templates show every variable available")
}
