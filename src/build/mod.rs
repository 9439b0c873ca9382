//! The pipeline, stage by stage: config → load → annotate → graph → render → write.
//!
//! A build after another makes only what changed: nothing, when no file the site is made
//! from changed; otherwise every output whose inputs' digest differs from the last build's
//! ([`outputs::Inputs`]), the others kept as the output holds them.

mod last;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use crate::analyze::{Findings, Kept};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::hosts::{self, Footprint};
use crate::outputs::Inputs;
use crate::render::{Made, Page};
use crate::search;
use crate::site::{BuildError, Earlier, Options, Purpose, Site, load_config};
use crate::source::within;
use crate::write::{self, Record, Report};

/// What a build did.
#[derive(Debug)]
pub struct Built {
    /// The configuration it built with.
    pub config: Config,
    /// The files written.
    pub report: Report,
    /// What the output holds, measured against the host's limits before it was swapped in.
    pub footprint: Footprint,
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
    /// Outputs kept from the last build, made from the same inputs.
    pub kept: usize,
    /// Articles not analysed again: what the last build found in them still held.
    pub reanalysis_saved: usize,
}

/// Builds the site into its output directory. On any error the previous output is untouched
/// and no staging folder is left behind.
pub fn build(options: &Options) -> Result<Built, BuildError> {
    let start = Instant::now();
    let config = load_config(options)?;
    // Before anything else: a folder depeche may not replace is refused before any work. The
    // output's files are read from here on, beside the work (see `Output::settle`).
    let mut output = write::Output::claim(&config, options.force)?;
    // What the site is made from, read before it is: an edit during the build is seen by the
    // next one.
    let (fingerprinted, site_inputs) = fingerprint(&config, options);
    let cache = output.cache_dir().map(Path::to_path_buf);
    // `--force` adopts files into the output, which only a build that writes can record.
    let unchanged = cache
        .as_deref()
        .filter(|_| !options.force)
        .and_then(|dir| last::unchanged_since(dir, fingerprinted));
    if unchanged.is_some() {
        output.settle()?;
    }
    if let Some((warnings, pages)) = unchanged.and_then(|w| Some((w, output.intact()?))) {
        return Ok(Built {
            pages,
            report: Report::default(),
            footprint: Footprint::default(),
            config,
            warnings: Vec::new(),
            elapsed: start.elapsed(),
            stages: vec![("unchanged", start.elapsed())],
            unchanged: Some(warnings),
            kept: 0,
            reanalysis_saved: 0,
        });
    }
    output.claim_aside();
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    // What the last build found in each article: an article whose files did not change is
    // not analysed again. Read whole builds too (`--force`): findings are keyed by content.
    let kept = cache.as_deref().map(Kept::open).unwrap_or_default();
    // Which files of the output are as the last build wrote them, looked up beside the
    // analysis (it has long stretches on one thread): only a build that keeps them asks.
    let warm = cache.is_some() && !options.force;
    let (site, held) = std::thread::scope(|s| {
        let held = s.spawn(|| {
            output.settle()?;
            Ok::<_, Diagnostic>(if warm {
                output.unchanged()
            } else {
                HashMap::new()
            })
        });
        let site = Site::from_config(config, options.drafts, Purpose::Render, kept);
        (
            site,
            held.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
        )
    });
    // A folder depeche may not replace is what stops the build first, as it would have
    // before the content was read.
    let held = held?;
    let mut site = site?;
    site.graph.forget_relinking();
    // What the analysis found holds whatever becomes of this build (it is keyed by the files'
    // content): written beside the rest of it.
    let reanalysis_saved = site.findings.reused;
    let records = cache
        .as_deref()
        .and_then(crate::transaction::records_folder);
    let _saving = records.map(Path::to_path_buf).map(|dir| {
        let findings = std::mem::take(&mut site.findings);
        let documents = site.parts.documents.clone();
        Background::spawn(move || findings.save(&dir, &documents))
    });
    stage("load+annotate+link");
    // A folder kept aside that depeche may not replace is refused while the last build's
    // records still stand: the build after the user moves the stray file keeps its outputs.
    output.settle_aside()?;
    let made_before = cache.as_deref().map(last::take_outputs);
    // A first build keeps no cache (see `Output::cache_dir`): nothing to compare, or record.
    let inputs = cache
        .is_some()
        .then(|| Inputs::new(&site.config, &site.graph, site_inputs));
    let digests: Vec<Option<u128>> = match &inputs {
        Some(inputs) => site.plan.par_iter().map(|o| inputs.of(o)).collect(),
        None => Vec::new(),
    };
    let made_before = made_before.filter(|_| !options.force);
    let staging = output.stage(&site.plan, held)?;
    let keepable = made_before
        .map(|before| keepable(&site, &digests, before, &staging))
        .unwrap_or_default();
    let kept = keepable
        .into_par_iter()
        .map(|page| Ok((staging.keep(&page.path)?, page)))
        .map(|kept: Result<_, write::WriteError>| kept.map(|(record, page)| (page, record)))
        .collect::<Result<Vec<(Page, Record)>, _>>()
        .map_err(Diagnostic::from)
        .inspect_err(|_| staging.abandon())?;
    let kept_count = kept.len();
    stage("compare");
    let write = |made: Made<'_>| staging.write_made(made).map_err(Diagnostic::from);
    let holds = |path: &str, hash: u128| staging.holds_as(path, hash);
    let earlier = inputs.as_ref().map(|inputs| Earlier {
        kept,
        index: search::Earlier {
            inputs,
            holds: &holds,
        },
    });
    let pages = site
        .produce(&write, cache.as_deref(), earlier)
        .inspect_err(|_| staging.abandon())?;
    stage("render+minify+write");
    // Past the host's limits the deploy would fail: the output is not swapped in.
    let files: Vec<(&str, Option<u64>)> = pages
        .iter()
        .map(|(page, record)| (page.path.as_str(), Some(record.len)))
        .chain(
            site.statics
                .iter()
                .map(|(path, from)| (path.as_str(), crate::outputs::published_len(path, from))),
        )
        .collect();
    let manifest = crate::write::manifest::Manifest::size_for(files.iter().copied());
    let footprint = crate::outputs::footprint(&site.plan, files, manifest);
    let limits = hosts::judge(site.config.host, &footprint, site.config.host_at.as_ref());
    if limits.iter().any(Diagnostic::is_error) {
        staging.abandon();
        return Err(limits.into());
    }
    site.warnings.extend(limits);
    let report = staging.finish(&site.statics, &pages)?;
    stage("static+swap");
    if let Some(dir) = &cache {
        let warnings = site.warnings.iter().filter(|d| !d.is_error()).count();
        let by_path: HashMap<&str, u128> = site
            .plan
            .iter()
            .zip(&digests)
            .filter_map(|(o, d)| Some((o.path.as_str(), (*d)?)))
            .collect();
        let made = pages
            .iter()
            .filter_map(|(page, _)| Some((*by_path.get(page.path.as_str())?, page.clone())));
        // Without them, the next build does all the work: they are only a saving.
        rayon::join(
            || last::save(dir, fingerprinted, warnings, made),
            || Findings::save_fronts(dir, &site.parts.documents),
        );
    }
    let html_pages = pages
        .iter()
        .filter(|(p, _)| p.path.ends_with(".html"))
        .count();
    let (config, warnings) = (site.config.clone(), std::mem::take(&mut site.warnings));
    // Tens of thousands of documents and pages are freed off the build's path, not waited for.
    drop(on_a_thread(move || drop((site, pages))));
    Ok(Built {
        pages: html_pages,
        config,
        report,
        footprint,
        warnings,
        elapsed: start.elapsed(),
        stages,
        unchanged: None,
        kept: kept_count,
        reanalysis_saved,
    })
}

/// Work on a thread of its own, waited for when dropped: whichever way the build ends, it
/// is done when the build returns.
struct Background(Option<std::thread::JoinHandle<()>>);

impl Background {
    fn spawn(work: impl FnOnce() + Send + 'static) -> Background {
        Background(on_a_thread(work))
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take()
            && let Err(panic) = handle.join()
            && !std::thread::panicking()
        {
            std::panic::resume_unwind(panic);
        }
    }
}

/// Runs `work` on a thread of its own, or at once when the system refuses one.
fn on_a_thread(work: impl FnOnce() + Send + 'static) -> Option<std::thread::JoinHandle<()>> {
    let work = std::sync::Arc::new(std::sync::Mutex::new(Some(work)));
    let take = |work: &std::sync::Mutex<Option<_>>| work.lock().ok().and_then(|mut w| w.take());
    let shared = std::sync::Arc::clone(&work);
    let spawned = std::thread::Builder::new().spawn(move || {
        if let Some(work) = take(&shared) {
            work();
        }
    });
    if spawned.is_err()
        && let Some(work) = take(&work)
    {
        work();
    }
    spawned.ok()
}

/// The outputs of the plan the last build made from the same inputs (`before`), which the
/// output still holds as it wrote them: each with its page's sitemap fields.
fn keepable(
    site: &Site,
    digests: &[Option<u128>],
    mut before: HashMap<String, (u128, last::Made)>,
    staging: &write::Staging,
) -> Vec<Page> {
    site.plan
        .iter()
        .zip(digests)
        .filter_map(|(output, digest)| {
            let (was, made) = before.remove(&output.path)?;
            (Some(was) == *digest && staging.holds(&output.path)).then(|| made.page())
        })
        .collect()
}

/// Everything the output depends on, hashed: this program, the options, today's date (an
/// article waits for its day), `site.yaml`, and the name, size and times of every file of
/// `content/`, `templates/` and `static/` (as `make` judges a file changed, with the change
/// time, which cannot be set back by hand). Then the same
/// without the articles' files, which [`Inputs`] tells apart by their content.
fn fingerprint(config: &Config, options: &Options) -> (u128, u128) {
    let (mut whole, mut site) = (Xxh3::new(), Xxh3::new());
    let mut add = |bytes: &[u8], article: bool| {
        for h in [&mut whole, &mut site]
            .into_iter()
            .take(if article { 1 } else { 2 })
        {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
    };
    add(env!("CARGO_PKG_VERSION").as_bytes(), false);
    if let Some(meta) = std::env::current_exe().ok().and_then(|p| p.metadata().ok()) {
        add(&stamp(&meta), false);
    }
    // Paths as named from the site's root: `-r site` and `-r /path/to/site` build the same one.
    let settings = format!(
        "{:?} {:?} {} {}",
        options.base_url,
        within(&config.root, &config.output_dir),
        options.drafts,
        options.future
    );
    add(settings.as_bytes(), false);
    add(config.today().to_string().as_bytes(), false);
    let file = std::fs::read(config.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    add(&file, false);
    let articles = config.root.join("content").join("articles");
    for dir in ["content", "templates", "static"] {
        let walk = walkdir::WalkDir::new(config.root.join(dir))
            .follow_links(false)
            .sort_by(crate::source::by_name);
        for entry in walk.into_iter().filter_map(Result::ok) {
            let path = entry.path();
            let article = path.starts_with(&articles)
                && entry.file_type().is_file()
                && path.extension().is_some_and(|e| e == "md");
            add(
                within(&config.root, path).as_os_str().as_encoded_bytes(),
                article,
            );
            // A folder's time changes with the names in it, which are read apart.
            if let Some(meta) = entry.metadata().ok().filter(|m| !m.is_dir()) {
                add(&stamp(&meta), article);
            }
            // A link is read through: what it leads to is what changes.
            if entry.path_is_symlink()
                && let Ok(target) = std::fs::metadata(path)
            {
                add(&stamp(&target), article);
            }
        }
    }
    (whole.digest128(), site.digest128())
}

/// A file's kind, size, and modification and change times: an edit whose modification time
/// is set back by hand (`touch -r`, `cp -p`) still moves the change time.
fn stamp(meta: &std::fs::Metadata) -> [u8; 41] {
    let kind = meta.file_type();
    let kind = match () {
        _ if kind.is_symlink() => b'l',
        _ if kind.is_dir() => b'd',
        _ if kind.is_file() => b'f',
        _ => b'o',
    };
    let found = write::manifest::SizeAndTime::of(meta);
    let mut stamp = [kind; 41];
    stamp[1..9].copy_from_slice(&found.len.to_le_bytes());
    stamp[9..25].copy_from_slice(&found.mtime.to_le_bytes());
    stamp[25..].copy_from_slice(&found.ctime.to_le_bytes());
    stamp
}
