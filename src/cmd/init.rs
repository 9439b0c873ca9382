use std::path::PathBuf;
use std::process::ExitCode;

use depeche::hosts::Host;
use depeche::scaffold;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The folder to create (it must not exist, or be empty).
    dir: PathBuf,
    /// Without the sample dispatch and its entities.
    #[arg(long)]
    empty: bool,
    /// Where the site will be published: its limits are checked, and for `github-pages` and
    /// `s3` a GitHub workflow that publishes it is written.
    #[arg(long, default_value = "github-pages", value_parser = host_named)]
    host: Host,
}

fn host_named(name: &str) -> Result<Host, String> {
    Host::named(name).ok_or_else(|| {
        let names: Vec<&str> = Host::ALL.iter().map(|(_, n)| *n).collect();
        format!("not a host depeche knows; use one of {}", names.join(", "))
    })
}

pub(crate) fn run(args: Args) -> ExitCode {
    match scaffold::init(&args.dir, !args.empty, args.host) {
        Ok(paths) => {
            for p in &paths {
                println!("created {}", p.display());
            }
            let publish = match args.host {
                Host::GithubPages => "To publish it on GitHub Pages, push it to a GitHub repository and set Settings → Pages →\nSource to \"GitHub Actions\": .github/workflows/pages.yml checks every pull request and\npublishes the default branch.".to_string(),
                Host::S3 => "To publish it to an S3-compatible bucket, push it to a GitHub repository and set the\nvariables and secrets .github/workflows/s3.yml lists at its top: it checks every pull\nrequest and uploads what changed on the default branch (docs/publishing.md).".to_string(),
                host => format!(
                    "To publish it, upload public/ with the tools of {}; `depeche check` and `depeche build`\nhold the site to its limits (docs/publishing.md).",
                    host.name()
                ),
            };
            println!(
                "\nA new site is ready. Next:\n  cd {}\n  depeche serve     # preview, reloading as you edit\n  depeche build\n{publish}",
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
