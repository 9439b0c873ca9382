//! The pipeline, stage by stage: config → load → annotate → graph → render → write.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::analyze::{AnalyzeOptions, analyze};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::render::{Renderer, StreamError, Theme};
use crate::write::{self, Report};

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site's root directory (holding `site.yaml`).
    pub root: PathBuf,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Overrides `output_dir` from site.yaml (relative to the current directory).
    pub output_dir: Option<PathBuf>,
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// Let the build replace an output folder that depeche did not write (never the site, its
    /// sources, the home folder or the file system root).
    pub force: bool,
}

/// Why a build stopped: every problem found, errors first.
#[derive(Debug, thiserror::Error)]
#[error("the build stopped: {} error(s)", diagnostics.iter().filter(|d| d.is_error()).count())]
pub struct BuildError {
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Diagnostic> for BuildError {
    fn from(d: Diagnostic) -> Self {
        BuildError {
            diagnostics: vec![d],
        }
    }
}

impl From<Diagnostics> for BuildError {
    fn from(all: Diagnostics) -> Self {
        BuildError {
            diagnostics: all.into(),
        }
    }
}

impl From<Vec<Diagnostic>> for BuildError {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        BuildError { diagnostics }
    }
}

#[derive(Debug)]
pub struct Built {
    pub config: Config,
    pub report: Report,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Time spent in each stage, in order.
    pub stages: Vec<(&'static str, Duration)>,
}

pub fn load_config(options: &Options) -> Result<Config, BuildError> {
    let mut config =
        Config::load(&options.root, options.base_url.as_deref()).map_err(BuildError::from)?;
    if let Some(out) = &options.output_dir {
        config.output_dir = std::path::absolute(out).unwrap_or_else(|_| out.clone());
    }
    Ok(config)
}

/// Builds the site into its output directory. On any error the previous output is untouched
/// and no staging folder is left behind.
pub fn build(options: &Options) -> Result<Built, BuildError> {
    let start = Instant::now();
    let config = load_config(options)?;
    // Before anything else: a folder depeche may not replace is refused before any work.
    let output = write::Output::claim(&config, options.force)?;
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let analysis = analyze(
        config,
        AnalyzeOptions {
            drafts: options.drafts,
            suggest: false,
            check_only: false,
        },
    );
    let site = analysis.into_site()?;
    stage("load+annotate+link");
    let theme = Theme::load(&site.config)?;
    let staging = output.stage(&site.plan)?;
    // Each page is minified and written as soon as it is rendered: the site is never all in
    // memory at once.
    let pages = Renderer::new(&site.config, &site.graph, &theme, &site.bodies)
        .render_streaming(|page| staging.write(page))
        .map_err(|e| {
            staging.abandon();
            match e {
                StreamError::Render(d) => BuildError::from(d),
                StreamError::Sink(e) => BuildError::from(Diagnostic::from(e)),
            }
        })?;
    stage("render+minify+write");
    let report = staging.finish(&site.statics, &pages)?;
    stage("static+swap");
    Ok(Built {
        pages: pages
            .iter()
            .filter(|(p, _)| p.path.ends_with(".html"))
            .count(),
        config: site.config,
        report,
        warnings: site.warnings,
        elapsed: start.elapsed(),
        stages,
    })
}
