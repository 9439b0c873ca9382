use std::path::Path;
use std::process::ExitCode;

use depeche::diagnostic::{count, printable};
use depeche::edit;
use depeche::rename;
use depeche::report::Format;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The entity's id now.
    old: String,
    /// Its new id: lowercase letters, digits and hyphens.
    new: String,
    /// Change the files (without it, print what would change).
    #[arg(long)]
    write: bool,
}

pub(crate) fn run(root: &Path, args: Args) -> ExitCode {
    let config = match super::config(root) {
        Ok(config) => config,
        Err(status) => return status,
    };
    let plan = match rename::plan(&config, &args.old, &args.new) {
        Ok(plan) => plan,
        Err(d) => {
            super::print(&[d], Format::Human);
            return ExitCode::FAILURE;
        }
    };
    let mentions: usize = plan.edits.iter().map(|e| e.applied.len()).sum();
    if !args.write {
        for edit in &plan.edits {
            super::print_diff(&edit::diff(edit));
        }
        for (from, to) in &plan.moves {
            println!(
                "rename {} → {}",
                printable(&from.display().to_string()),
                printable(&to.display().to_string())
            );
        }
        eprintln!(
            "rename-entity: would change {} in {} and rename {}; run again with --write",
            count(mentions as u64, "id", "ids"),
            count(plan.edits.len() as u64, "file", "files"),
            count(plan.moves.len() as u64, "file", "files")
        );
        return ExitCode::SUCCESS;
    }
    let what = format!("rename-entity {} {}", args.old, args.new);
    if let Err(d) = rename::apply(root, &plan, &what) {
        super::print(&[d], Format::Human);
        return ExitCode::FAILURE;
    }
    for (from, to) in &plan.moves {
        println!(
            "renamed {} → {}",
            printable(&from.display().to_string()),
            printable(&to.display().to_string())
        );
    }
    eprintln!(
        "rename-entity: changed {} in {} and renamed {}",
        count(mentions as u64, "id", "ids"),
        count(plan.edits.len() as u64, "file", "files"),
        count(plan.moves.len() as u64, "file", "files")
    );
    ExitCode::SUCCESS
}
