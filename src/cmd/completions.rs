use std::process::ExitCode;

use clap::CommandFactory;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The shell to complete in.
    shell: clap_complete::Shell,
}

/// Prints the completion script for `shell` (e.g. `depeche completions bash > ~/.local/share/bash-completion/completions/depeche`).
pub(crate) fn run(args: Args) -> ExitCode {
    let mut command = crate::Cli::command();
    clap_complete::generate(args.shell, &mut command, "depeche", &mut std::io::stdout());
    ExitCode::SUCCESS
}
