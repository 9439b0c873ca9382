//! `depeche check` and `depeche annotate`: every problem of the site without writing any
//! output, and the annotations it suggests, applied in place on request.

pub mod apply;

use std::path::Path;

use crate::analyze::{self, AnalyzeOptions};
use crate::build;
use crate::diagnostic::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub drafts: bool,
    pub suggest: bool,
}

/// Every diagnostic for the site at `root`: errors, warnings and (if asked) suggestions.
pub fn run(root: &Path, base_url: Option<&str>, options: Options) -> Vec<Diagnostic> {
    let build_options = build::Options {
        root: root.to_path_buf(),
        base_url: base_url.map(str::to_string),
        ..Default::default()
    };
    let config = match build::load_config(&build_options) {
        Ok(config) => config,
        Err(e) => return e.diagnostics,
    };
    let mut setup = crate::render::check_setup(&config);
    // Only `build` writes, but an output folder it would refuse is worth knowing early.
    if let Err(mut refused) = crate::write::refuse_unsafe(&config.root, &config.output_dir) {
        let file = config.root.join(crate::config::CONFIG_FILE);
        if let Ok(src) = crate::source::read(&config.root, &file)
            && let Some((start, end)) =
                crate::yaml::find_key(&src.text, 0, src.text.len(), "output_dir")
        {
            refused.location = Some(Box::new(src.locate(start, end)));
        }
        setup.push(refused);
    }
    let mut diagnostics = analyze::analyze(
        config,
        AnalyzeOptions {
            drafts: options.drafts,
            suggest: options.suggest,
            check_only: true,
        },
    )
    .diagnostics;
    // Setup errors (templates, UI strings) come first, as rendering would meet them first.
    diagnostics.splice(0..0, setup);
    diagnostics
}

/// `check`'s verdict: failure on any error, or on any warning with `--deny-warnings`.
pub fn fails(diagnostics: &[Diagnostic], deny_warnings: bool) -> bool {
    diagnostics.iter().any(|d| match d.severity {
        Severity::Error => true,
        Severity::Warning => deny_warnings,
        Severity::Suggestion => false,
    })
}
