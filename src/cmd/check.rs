use std::path::Path;
use std::process::ExitCode;

use depeche::check;
use depeche::diagnostic::Code;
use depeche::report::{self, Format};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// A warning that `--deny-warnings` still lets pass, by code or name (`W0023`,
    /// `near-host-limit`); may be given more than once.
    #[arg(long, value_name = "WARNING", value_parser = warning_named)]
    allow: Vec<Code>,
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
    let failed = check::fails(&diagnostics, args.deny_warnings, &args.allow);
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

fn warning_named(name: &str) -> Result<Code, String> {
    Code::ALL
        .iter()
        .copied()
        .find(|c| c.id().eq_ignore_ascii_case(name) || c.name() == name)
        .filter(|c| c.severity() == depeche::diagnostic::Severity::Warning)
        .ok_or_else(|| {
            "not a warning's code or name (`depeche check` prints them: W0023, near-host-limit)"
                .to_string()
        })
}
