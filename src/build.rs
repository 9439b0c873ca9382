//! The pipeline, stage by stage: config → load → annotate → graph → render → write.

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::render::StreamError;
use crate::site::{BuildError, Options, Purpose, Site, load_config};
use crate::write::{self, Report};

/// What a build did.
#[derive(Debug)]
pub struct Built {
    /// The configuration it built with.
    pub config: Config,
    /// The files written.
    pub report: Report,
    /// How many HTML pages.
    pub pages: usize,
    /// Warnings and suggestions found.
    pub warnings: Vec<Diagnostic>,
    /// How long it took.
    pub elapsed: Duration,
    /// Time spent in each stage, in order.
    pub stages: Vec<(&'static str, Duration)>,
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
    let site = Site::from_config(config, options.drafts, Purpose::Render)?;
    stage("load+annotate+link");
    let staging = output.stage(&site.plan)?;
    // Each page is minified and written as soon as it is rendered: the site is never all in
    // memory at once.
    let pages = site
        .renderer()
        .render_streaming(&site.plan, |page| staging.write(page))
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
