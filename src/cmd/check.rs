use std::path::Path;
use std::process::ExitCode;

use depeche::check;
use depeche::report::{self, Format};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Also suggest annotations for unannotated mentions of known entities.
    #[arg(long)]
    suggest: bool,
    /// Check drafts as if they were published.
    #[arg(long)]
    drafts: bool,
    /// Include articles dated after today (left out until their date otherwise).
    #[arg(long)]
    future: bool,
    /// Base URL to check with instead of site.yaml's.
    #[arg(long)]
    base_url: Option<String>,
}

pub(crate) fn run(root: &Path, args: Args) -> ExitCode {
    let format = args.format;
    let options = check::Options {
        drafts: args.drafts,
        future: args.future,
        suggest: args.suggest,
    };
    let diagnostics = check::run(root, args.base_url.as_deref(), options);
    super::print(&diagnostics, format);
    let failed = check::fails(&diagnostics, args.deny_warnings);
    if format == Format::Human {
        let summary = report::summary(&diagnostics);
        match (failed, summary.is_empty()) {
            (_, true) => eprintln!("check: no problems found"),
            (true, false) => eprintln!("check failed: {summary}"),
            (false, false) => eprintln!("check passed: {summary}"),
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
