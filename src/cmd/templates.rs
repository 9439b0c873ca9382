use std::path::Path;
use std::process::ExitCode;

use depeche::diagnostic::printable;
use depeche::scaffold;

#[derive(clap::Subcommand)]
pub(crate) enum What {
    /// List the built-in templates and UI strings files.
    List,
    /// Copy a built-in template (or UI strings file) into the site's templates/ to change it
    /// there; the site then no longer receives that file's updates.
    Eject {
        /// e.g. `base.html` or `i18n/fr.yaml` (see `depeche templates list`).
        name: String,
    },
}

pub(crate) fn run(root: &Path, what: What) -> ExitCode {
    match what {
        What::List => {
            for (name, _) in scaffold::builtin_templates() {
                let overridden = root.join("templates").join(&name).is_file();
                println!(
                    "{name}{}",
                    if overridden {
                        "  (overridden by the site)"
                    } else {
                        ""
                    }
                );
            }
            ExitCode::SUCCESS
        }
        What::Eject { name } => match scaffold::eject(root, &name) {
            Ok(path) => {
                println!("created {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}", printable(&e.to_string()));
                ExitCode::FAILURE
            }
        },
    }
}
