use std::path::{Path, PathBuf};
use std::process::ExitCode;

use depeche::build;
use depeche::diagnostic::count;
use depeche::report::Format;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Base URL to use instead of site.yaml's (e.g. https://user.github.io/repo/).
    #[arg(long)]
    base_url: Option<String>,
    /// Output directory instead of site.yaml's output_dir.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include articles dated after today (left out until their date otherwise).
    #[arg(long)]
    future: bool,
    /// Let depeche replace everything in an output folder it did not write (never the site,
    /// its sources, the home folder or the file system root).
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(root: &Path, args: Args) -> ExitCode {
    let options = depeche::site::Options {
        root: root.to_path_buf(),
        base_url: args.base_url,
        output_dir: args.output,
        drafts: args.drafts,
        future: args.future,
        force: args.force,
    };
    match build::build(&options) {
        Ok(built) if built.unchanged.is_some() => {
            let warnings = built.unchanged.unwrap_or_default();
            if warnings > 0 {
                eprintln!(
                    "warning: {}, as in the last build; `depeche check` lists them",
                    count(warnings as u64, "warning", "warnings")
                );
            }
            println!(
                "Nothing changed since the last build: {} is up to date ({}), checked in {} ms",
                built.config.output_dir.display(),
                count(built.pages as u64, "page", "pages"),
                built.elapsed.as_millis()
            );
            ExitCode::SUCCESS
        }
        Ok(built) => {
            // A long list belongs to `depeche check`; the build shows the first few.
            const SHOWN: usize = 10;
            let warnings: Vec<_> = built
                .warnings
                .iter()
                .filter(|d| !d.is_error())
                .cloned()
                .collect();
            super::print(&warnings[..warnings.len().min(SHOWN)], Format::Human);
            if warnings.len() > SHOWN {
                eprintln!(
                    "warning: {} more not shown; `depeche check` lists them all",
                    count((warnings.len() - SHOWN) as u64, "warning", "warnings")
                );
            }
            println!(
                "Built {} ({}) into {} in {} ms",
                count(built.pages as u64, "page", "pages"),
                built.footprint.summary(),
                built.config.output_dir.display(),
                built.elapsed.as_millis()
            );
            if built.reanalysis_saved > 0 {
                println!(
                    "  {} not analysed again: {}",
                    count(built.reanalysis_saved as u64, "article", "articles"),
                    match built.reanalysis_saved {
                        1 => "its file did not change",
                        _ => "their files did not change",
                    }
                );
            }
            if built.kept > 0 {
                println!(
                    "  {} kept from the last build: what {} made from did not change",
                    count(built.kept as u64, "file", "files"),
                    match built.kept {
                        1 => "it is",
                        _ => "they are",
                    }
                );
            }
            let stages: Vec<String> = built
                .stages
                .iter()
                .map(|(name, t)| format!("{name} {} ms", t.as_millis()))
                .collect();
            println!("  ({})", stages.join(", "));
            ExitCode::SUCCESS
        }
        Err(err) => {
            super::print(&err.diagnostics, Format::Human);
            eprintln!("error: {err}; the previous output was left as it was");
            ExitCode::FAILURE
        }
    }
}
