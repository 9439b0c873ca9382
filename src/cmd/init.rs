use std::path::PathBuf;
use std::process::ExitCode;

use depeche::scaffold;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The folder to create (it must not exist, or be empty).
    dir: PathBuf,
    /// Without the sample dispatch and its entities.
    #[arg(long)]
    empty: bool,
}

pub(crate) fn run(args: Args) -> ExitCode {
    match scaffold::init(&args.dir, !args.empty) {
        Ok(paths) => {
            for p in &paths {
                println!("created {}", p.display());
            }
            println!(
                "\nA new site is ready. Next:\n  cd {}\n  depeche serve     # preview, reloading as you edit\n  depeche build\nTo publish it on GitHub Pages, push it to a GitHub repository and set Settings → Pages →\nSource to \"GitHub Actions\": .github/workflows/pages.yml checks every pull request and\npublishes the default branch.",
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
