//! One module per subcommand: its arguments and its `run`.

pub mod annotate;
pub mod build;
pub mod check;
pub mod completions;
pub mod init;
pub mod new;
pub mod serve;
pub mod templates;

use std::io::Write;

use depeche::diagnostic::Diagnostic;
use depeche::report::{self, Format};

/// Prints diagnostics: human text on stderr (coloured on a terminal), machine formats on stdout.
pub fn print(diagnostics: &[Diagnostic], format: Format) {
    let text: String = diagnostics
        .iter()
        .map(|d| report::render(d, format))
        .collect();
    let _ = match format {
        Format::Human => anstream::stderr().write_all(text.as_bytes()),
        Format::Json | Format::Github => anstream::stdout().write_all(text.as_bytes()),
    };
}
