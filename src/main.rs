//! The `depeche` command line. Each subcommand lives in `cmd/` and delegates to the library.

mod cmd;

// Rendering and minifying allocate heavily from both threads; glibc's allocator spends a fifth
// of a large build in malloc and free, mimalloc far less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "depeche",
    version = env!("DEPECHE_VERSION"),
    about = "Builds a multilingual, cross-linked knowledge site from annotated dispatches"
)]
/// The command line.
pub struct Cli {
    /// The site's root directory (where site.yaml is); by default the nearest folder, from
    /// the current one up, that holds site.yaml.
    #[arg(long, short = 'r', global = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (public/ by default).
    Build(cmd::build::Args),
    /// List what an upload must do to make a published copy match the output: the files
    /// whose content changed since it was uploaded, and those depeche no longer writes.
    Changes(cmd::changes::Args),
    /// Preview the site with live reload; never touches the output directory.
    Serve(cmd::serve::Args),
    /// Report every problem of the site without writing anything.
    Check(cmd::check::Args),
    /// Annotate unannotated mentions of known entities (a diff, or in place with --write).
    Annotate(cmd::annotate::Args),
    /// Import wire copy (NewsML-G2, ninjs or plain text) as annotated articles.
    Import(cmd::import::Args),
    /// List the entities with their names and how often articles mention them.
    Entities(cmd::entities::Args),
    /// Rename an entity: its files, every annotation and relation that names it.
    RenameEntity(cmd::rename::Args),
    /// Create a new article (in every language) or entity.
    #[command(subcommand)]
    New(cmd::new::What),
    /// Create a new, working site in a new folder.
    Init(cmd::init::Args),
    /// List the built-in templates, or copy one into the site to override it.
    #[command(subcommand)]
    Templates(cmd::templates::What),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(cmd::completions::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_)) {
        quiet_on_closed_pipe();
    }
    let found = || match &cli.root {
        Some(root) => Ok(root.clone()),
        None => depeche::site::find_root(Path::new(".")).map_err(|d| {
            cmd::print(&[d], depeche::report::Format::Human);
            ExitCode::FAILURE
        }),
    };
    // Every command on a site first finishes an edit a killed one left there.
    let root = || found().and_then(|root| cmd::recover(&root).map(|()| root));
    let ran = match cli.command {
        Command::Init(args) => return cmd::init::run(args),
        Command::Completions(args) => return cmd::completions::run(args),
        Command::Build(args) => root().map(|r| cmd::build::run(&r, args)),
        Command::Serve(args) => root().map(|r| cmd::serve::run(&r, args)),
        Command::Changes(args) => root().map(|r| cmd::changes::run(&r, args)),
        Command::Check(args) => root().map(|r| cmd::check::run(&r, args)),
        Command::Annotate(args) => root().map(|r| cmd::annotate::run(&r, args)),
        Command::New(what) => root().map(|r| cmd::new::run(&r, what)),
        Command::Import(args) => root().map(|r| cmd::import::run(&r, args)),
        Command::Entities(args) => root().map(|r| cmd::entities::run(&r, args)),
        Command::RenameEntity(args) => root().map(|r| cmd::rename::run(&r, args)),
        Command::Templates(what) => root().map(|r| cmd::templates::run(&r, what)),
    };
    ran.unwrap_or_else(|failed| failed)
}

/// Like other command-line tools, stop quietly when the reader of our output goes away
/// (`depeche check | head -1`): Rust ignores SIGPIPE, which turns the next write into a panic.
/// `serve` keeps it ignored, as a server must, and never panics on a closed output.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
