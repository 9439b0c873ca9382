//! The pipeline, stage by stage: config → load → annotate → graph → render → write.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::render::Made;
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
    let mut site = Site::from_config(config, options.drafts, Purpose::Render)?;
    site.graph.forget_relinking();
    stage("load+annotate+link");
    let cache = output.cache_dir().map(Path::to_path_buf);
    let staging = output.stage(&site.plan)?;
    let write = |made: Made<'_>| staging.write_made(made).map_err(Diagnostic::from);
    let pages = site
        .produce(&write, cache.as_deref())
        .inspect_err(|_| staging.abandon())?;
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
