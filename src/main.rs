//! The `depeche` command line. Each subcommand delegates to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use depeche::build::{self, BuildError};

#[derive(Parser)]
#[command(
    name = "depeche",
    version,
    about = "Builds a multilingual, cross-linked knowledge site from annotated dispatches"
)]
struct Cli {
    /// The site's root directory (where site.yaml is).
    #[arg(long, short = 'r', global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (public/ by default).
    Build {
        /// Base URL to use instead of site.yaml's (e.g. https://user.github.io/repo/).
        #[arg(long)]
        base_url: Option<String>,
        /// Output directory instead of site.yaml's output_dir.
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
        /// Include articles marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            base_url,
            output,
            drafts,
        } => {
            let options = build::Options {
                root: cli.root,
                base_url,
                output_dir: output,
                drafts,
            };
            match build::build(&options) {
                Ok(built) => {
                    for w in &built.warnings {
                        eprint!("{w}");
                    }
                    println!(
                        "Built {} pages ({} files, {:.1} KiB) into {} in {} ms",
                        built.pages,
                        built.report.files,
                        built.report.bytes as f64 / 1024.0,
                        built.config.output_dir.display(),
                        built.elapsed.as_millis()
                    );
                    ExitCode::SUCCESS
                }
                Err(err) => report_failure(&err),
            }
        }
    }
}

fn report_failure(err: &BuildError) -> ExitCode {
    for d in &err.diagnostics {
        eprint!("{d}");
    }
    eprintln!("error: {err}; the previous output was left as it was");
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
