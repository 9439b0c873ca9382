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
    let theme = crate::render::Theme::load(&config);
    let mut setup = theme.as_ref().err().cloned().unwrap_or_default();
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
    // A template can compile and still fail on some page (an undefined variable, a misspelt
    // `t.ui.x`): the site's own templates and UI strings are rendered, every page, into
    // nothing. The built-in ones are tested with depeche itself.
    let render = has_own_templates(&config.root) && setup.is_empty();
    let analysis = analyze::analyze(
        config,
        AnalyzeOptions {
            drafts: options.drafts,
            suggest: options.suggest,
            check_only: !render,
        },
    );
    let mut diagnostics = match (render, theme) {
        (true, Ok(theme)) if !analysis.has_errors() => render_into_nothing(analysis, &theme),
        _ => analysis.diagnostics,
    };
    // Setup errors (templates, UI strings) come first, as rendering would meet them first.
    diagnostics.splice(0..0, setup);
    diagnostics
}

/// Whether the site has templates or UI strings of its own in `templates/`.
fn has_own_templates(root: &Path) -> bool {
    walkdir::WalkDir::new(root.join("templates"))
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| e.file_type().is_file())
}

/// Renders every page and keeps none; the first page that fails is reported.
fn render_into_nothing(
    analysis: analyze::Analysis,
    theme: &crate::render::Theme,
) -> Vec<Diagnostic> {
    let site = match analysis.into_site() {
        Ok(site) => site,
        Err(e) => return e.diagnostics,
    };
    let renderer = crate::render::Renderer::new(&site.config, &site.graph, theme, &site.bodies);
    let mut diagnostics = site.warnings;
    if let Err(crate::render::StreamError::Render(d)) =
        renderer.render_streaming(|_| Ok::<(), std::convert::Infallible>(()))
    {
        diagnostics.insert(0, d);
    }
    diagnostics
}

/// `check`'s verdict: failure on any error, or on any warning with `--deny-warnings`.
pub fn fails(diagnostics: &[Diagnostic], deny_warnings: bool) -> bool {
    diagnostics.iter().any(|d| match d.severity() {
        Severity::Error => true,
        Severity::Warning => deny_warnings,
        Severity::Suggestion => false,
    })
}
