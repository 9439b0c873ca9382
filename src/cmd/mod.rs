//! One module per subcommand: its arguments and its `run`.

pub(crate) mod annotate;
pub(crate) mod build;
pub(crate) mod changes;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod entities;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod rename;
pub(crate) mod serve;
pub(crate) mod templates;

use std::io::Write;

use depeche::diagnostic::Diagnostic;
use depeche::report::{self, Format};
use depeche::transaction::{Outcome, Recovered};

/// Finishes an edit of the site a killed command left (see `depeche::transaction`), saying
/// what became of it; the exit status when it cannot be finished.
pub(crate) fn recover(root: &std::path::Path) -> Result<(), std::process::ExitCode> {
    match depeche::transaction::recover(root) {
        Ok(None) => Ok(()),
        Ok(Some(recovered)) => {
            let left = recovered.left_note();
            let Recovered { what, outcome, .. } = recovered;
            let what = depeche::diagnostic::printable(&what);
            match outcome {
                Outcome::Completed => eprintln!(
                    "note: `depeche {what}` was stopped while it replaced files; it is now complete"
                ),
                Outcome::RolledBack => eprintln!(
                    "note: `depeche {what}` was stopped before it changed any file; it was undone, run it again"
                ),
                Outcome::Undone(why) => eprintln!(
                    "note: `depeche {what}` was stopped while it replaced files, and cannot be completed ({}); the files it had replaced were put back",
                    depeche::diagnostic::printable(&why)
                ),
            }
            if let Some(note) = left {
                eprintln!("note: {}", depeche::diagnostic::printable(&note));
            }
            Ok(())
        }
        Err(e) => {
            eprintln!(
                "error: an interrupted edit of the site cannot be finished: {}",
                depeche::diagnostic::printable(&e.to_string())
            );
            eprintln!(
                "  help: move {} away once the files are as they should be",
                depeche::transaction::JOURNAL
            );
            Err(std::process::ExitCode::FAILURE)
        }
    }
}

/// Prints diagnostics: human text on stderr (coloured on a terminal), machine formats on stdout.
pub(crate) fn print(diagnostics: &[Diagnostic], format: Format) {
    let text: String = diagnostics
        .iter()
        .map(|d| report::render(d, format))
        .collect();
    let _ = match format {
        Format::Human => anstream::stderr().write_all(text.as_bytes()),
        Format::Json | Format::Github => anstream::stdout().write_all(text.as_bytes()),
    };
}

/// Prints a unified diff: coloured by line, and by word within changed lines, on a terminal;
/// plain when piped.
pub(crate) fn print_diff(diff: &str) {
    let _ = anstream::stdout().write_all(diff.as_bytes());
}

/// The site's configuration, or the exit status after printing why it cannot be read.
pub(crate) fn config(
    root: &std::path::Path,
) -> Result<depeche::config::Config, std::process::ExitCode> {
    let options = depeche::site::Options {
        root: root.to_path_buf(),
        ..Default::default()
    };
    depeche::site::load_config(&options).map_err(|e| {
        print(&e.diagnostics, Format::Human);
        std::process::ExitCode::FAILURE
    })
}
