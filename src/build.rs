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
    /// Nothing the site is made from changed since the last build, whose output is intact:
    /// nothing was done. `warnings` is then empty; this many were found then.
    pub unchanged: Option<usize>,
}

/// Builds the site into its output directory. On any error the previous output is untouched
/// and no staging folder is left behind.
pub fn build(options: &Options) -> Result<Built, BuildError> {
    let start = Instant::now();
    let config = load_config(options)?;
    // What the site is made from, read before it is: an edit during the build is seen by the
    // next one.
    let inputs = fingerprint(&config, options);
    // Before anything else: a folder depeche may not replace is refused before any work.
    let output = write::Output::claim(&config, options.force)?;
    // `--force` adopts files into the output, which only a build that writes can record.
    let last = output
        .cache_dir()
        .filter(|_| !options.force)
        .and_then(|dir| last_build(dir, inputs));
    if let Some((warnings, pages)) = last.and_then(|w| Some((w, output.intact()?))) {
        return Ok(Built {
            pages,
            report: Report::default(),
            config,
            warnings: Vec::new(),
            elapsed: start.elapsed(),
            stages: vec![("unchanged", start.elapsed())],
            unchanged: Some(warnings),
        });
    }
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
    if let Some(dir) = &cache {
        let warnings = site.warnings.iter().filter(|d| !d.is_error()).count();
        // Without it, the next build does all the work: it is only a saving.
        let _ = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(dir.join(INPUTS), format!("{inputs:032x} {warnings}\n")));
    }
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
        unchanged: None,
    })
}

/// Beside the output, in the build's cache: the fingerprint of what the last build was made
/// from, and how many warnings it had.
const INPUTS: &str = "inputs";

/// The warnings of the last build, when it was made from `inputs`.
fn last_build(cache: &Path, inputs: u128) -> Option<usize> {
    let text = std::fs::read_to_string(cache.join(INPUTS)).ok()?;
    let (hash, warnings) = text.trim().split_once(' ')?;
    (u128::from_str_radix(hash, 16).ok()? == inputs).then(|| warnings.parse().ok())?
}

/// Everything the output depends on, hashed: this program, the options, today's date (an
/// article waits for its day), `site.yaml`, and the name, size and time of every file of
/// `content/`, `templates/` and `static/` (as `make` judges a file changed).
fn fingerprint(config: &Config, options: &Options) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut add = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    add(env!("CARGO_PKG_VERSION").as_bytes());
    if let Some(meta) = std::env::current_exe().ok().and_then(|p| p.metadata().ok()) {
        add(&stamp(&meta));
    }
    add(format!(
        "{:?} {:?} {} {}",
        options.base_url, config.output_dir, options.drafts, options.future
    )
    .as_bytes());
    add(config.today().to_string().as_bytes());
    add(&std::fs::read(config.root.join(crate::config::CONFIG_FILE)).unwrap_or_default());
    for dir in ["content", "templates", "static"] {
        let walk = walkdir::WalkDir::new(config.root.join(dir))
            .follow_links(false)
            .sort_by_file_name();
        for entry in walk.into_iter().filter_map(Result::ok) {
            add(entry.path().as_os_str().as_encoded_bytes());
            if let Ok(meta) = entry.metadata() {
                add(&stamp(&meta));
            }
        }
    }
    h.digest128()
}

/// A file's kind, size and modification time.
fn stamp(meta: &std::fs::Metadata) -> Vec<u8> {
    let mtime = write::manifest::mtime(meta);
    format!("{:?} {} {mtime}", meta.file_type(), meta.len()).into_bytes()
}
