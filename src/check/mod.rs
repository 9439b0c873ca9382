//! `depeche check` and `depeche annotate`: every problem of the site without writing any
//! output, and the annotations it suggests, applied in place on request.

use std::collections::HashMap;
use std::path::Path;

use crate::analyze::Kept;
use crate::diagnostic::{Diagnostic, Severity};
use crate::site::{self, Purpose, Site};

/// What `check` looks at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// Include articles dated after today.
    pub future: bool,
    /// Look for unannotated mentions of known entities.
    pub suggest: bool,
}

/// Every diagnostic for the site at `root`: errors, warnings and (if asked) suggestions.
pub fn run(root: &Path, base_url: Option<&str>, options: Options) -> Vec<Diagnostic> {
    let site_options = site::Options {
        root: root.to_path_buf(),
        base_url: base_url.map(str::to_string),
        drafts: options.drafts,
        future: options.future,
        ..Default::default()
    };
    let config = match site::load_config(&site_options) {
        Ok(config) => config,
        Err(e) => return e.diagnostics,
    };
    // Only `build` writes, but an output folder it would refuse is worth knowing early.
    let refused = crate::write::refuse_unsafe(&config.root, &config.output_dir)
        .err()
        .map(|refused| at_output_dir(&config, refused));
    // A template can compile and still fail on some page (an undefined variable, a misspelt
    // `t.ui.x`): the site's own templates and UI strings are rendered, every page, into
    // nothing. The built-in ones are tested with depeche itself.
    let render = has_own_templates(&config.root) && refused.is_none();
    let purpose = Purpose::Check {
        suggest: options.suggest,
        render,
    };
    let mut diagnostics = match Site::from_config(config, options.drafts, purpose, Kept::default())
    {
        Ok(site) => {
            let limits = against_the_host(&site);
            let mut found = if render {
                render_into_nothing(site)
            } else {
                site.warnings
            };
            found.extend(limits);
            found
        }
        Err(e) => e.diagnostics,
    };
    diagnostics.splice(0..0, refused);
    diagnostics
}

/// The refusal of the output folder, pointed at its line in site.yaml.
fn at_output_dir(config: &crate::config::Config, mut refused: Diagnostic) -> Diagnostic {
    let file = config.root.join(crate::config::CONFIG_FILE);
    if let Ok(src) = crate::source::read(&config.root, &file)
        && let Some((start, end)) =
            crate::yaml::find_key(&src.text, 0, src.text.len(), "output_dir")
    {
        refused.location = Some(Box::new(src.locate(start, end)));
    }
    refused
}

/// The output a build would write, held to the host's limits before anything is built: every
/// file of the plan, sized as the last build wrote it (the files the search index names as it
/// makes them are known from that build only); a file no build has written yet counts with
/// an unknown size.
fn against_the_host(site: &Site) -> Vec<Diagnostic> {
    let last = crate::write::manifest::Manifest::read(&site.config.output_dir)
        .ok()
        .flatten()
        .unwrap_or_default();
    let statics: HashMap<&str, &Path> = site
        .statics
        .iter()
        .map(|(path, from)| (path.as_str(), from.as_path()))
        .collect();
    let size = |path: &str| match statics.get(path) {
        Some(from) => crate::outputs::published_len(path, from),
        None => last.files.get(path).copied().flatten().map(|r| r.len),
    };
    let folders: Vec<_> = site.plan.iter().filter(|o| o.folder().is_some()).collect();
    let named_as_made = last.files.keys().filter(|path| {
        folders
            .iter()
            .any(|o| o.makes(path) && o.path != path.as_str())
    });
    let files = site
        .plan
        .iter()
        .map(|o| o.path.as_str())
        .chain(named_as_made.map(String::as_str))
        .map(|path| (path, size(path)))
        .collect::<Vec<_>>();
    let manifest = crate::write::manifest::Manifest::size_for(files.iter().copied());
    let footprint = crate::outputs::footprint(&site.plan, files, manifest);
    crate::hosts::judge(site.config.host, &footprint, site.config.host_at.as_ref())
}

/// Whether the site has templates or UI strings of its own in `templates/`.
fn has_own_templates(root: &Path) -> bool {
    walkdir::WalkDir::new(root.join("templates"))
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| e.file_type().is_file())
}

/// Renders every page and keeps none; the first page that fails is reported.
fn render_into_nothing(site: Site) -> Vec<Diagnostic> {
    let mut diagnostics = site.warnings.clone();
    if let Err(d) = site.produce(&|_| Ok(()), None, None) {
        diagnostics.insert(0, d);
    }
    diagnostics
}

/// `check`'s verdict: failure on any error, or on any warning with `--deny-warnings`.
/// Warnings of the codes in `allowed` never fail it: they are shown, and left to the reader.
pub fn fails(
    diagnostics: &[Diagnostic],
    deny_warnings: bool,
    allowed: &[crate::diagnostic::Code],
) -> bool {
    diagnostics.iter().any(|d| match d.severity() {
        Severity::Error => true,
        Severity::Warning => deny_warnings && !allowed.contains(&d.code),
        Severity::Suggestion => false,
    })
}
