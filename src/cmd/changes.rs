use std::path::{Path, PathBuf};
use std::process::ExitCode;

use depeche::changes;
use depeche::diagnostic::{count, thousands};
use depeche::hosts::megabytes;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The manifest (`.depeche-manifest`) the published copy was uploaded with; without it,
    /// or when the file does not exist, every file is to upload.
    #[arg(long, value_name = "MANIFEST")]
    since: Option<PathBuf>,
    /// Lay the changes out in this new folder for an upload tool: `upload/<n>/` (the files,
    /// one folder per content type and cache policy), `upload.tsv` (what each folder is),
    /// `delete.txt` (the paths to delete). Otherwise they are printed.
    #[arg(long, value_name = "DIR")]
    into: Option<PathBuf>,
    /// Output directory instead of site.yaml's output_dir.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

pub(crate) fn run(root: &Path, args: Args) -> ExitCode {
    let output = match args.output {
        Some(output) => output,
        None => match depeche::config::Config::load(root, None) {
            // A setting left out for a mistake could name another output: none is guessed.
            Ok(config) if config.problems.is_empty() => config.output_dir,
            Ok(config) => {
                super::print(&config.problems, depeche::report::Format::Human);
                return ExitCode::FAILURE;
            }
            Err(e) => {
                super::print(&e, depeche::report::Format::Human);
                return ExitCode::FAILURE;
            }
        },
    };
    // A plan laid out where a build reads or writes would be published, or swept away.
    let forbidden = [root, output.as_path()];
    // A link is there even when it leads nowhere: read, it is refused as any link is.
    let since = args
        .since
        .as_deref()
        .filter(|path| std::fs::symlink_metadata(path).is_ok());
    if let Some(path) = args.since.as_deref().filter(|_| since.is_none()) {
        eprintln!(
            "note: {} does not exist: nothing is published yet, every file is to upload",
            path.display()
        );
    }
    let listed = changes::between(since, &output).and_then(|found| {
        if let Some(dir) = &args.into {
            found.lay_out(&output, dir, &forbidden)?;
        } else {
            for upload in &found.upload {
                println!("upload {}", upload.path);
            }
            for path in &found.delete {
                println!("delete {path}");
            }
        }
        Ok(found)
    });
    match listed {
        Ok(found) => {
            if let Some(path) = since.filter(|_| found.not_a_manifest) {
                eprintln!(
                    "warning: {} is not a manifest depeche wrote: every file is to upload, and nothing is known to delete",
                    path.display()
                );
            }
            if let Some(path) = since.filter(|_| !found.refused.is_empty()) {
                // Shown escaped: the manifest comes from the bucket, not from a build.
                const SHOWN: usize = 5;
                let mut named: Vec<String> = found
                    .refused
                    .iter()
                    .take(SHOWN)
                    .map(|p| format!("`{}`", depeche::diagnostic::printable(p)))
                    .collect();
                if found.refused.len() > SHOWN {
                    named.push(format!("{} more", found.refused.len() - SHOWN));
                }
                eprintln!(
                    "warning: {} lists {} that no build writes ({}): not deleted; the manifest was changed by hand",
                    depeche::diagnostic::printable(&path.display().to_string()),
                    count(found.refused.len() as u64, "path", "paths"),
                    named.join(", ")
                );
            }
            let bytes: u64 = found.upload.iter().map(|u| u.len).sum();
            eprintln!(
                "{} to upload ({}), {} to delete, {} unchanged",
                count(found.upload.len() as u64, "file", "files"),
                megabytes(bytes),
                thousands(found.delete.len() as u64),
                thousands(found.unchanged as u64)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
