use std::path::Path;
use std::process::ExitCode;

use depeche::load::EntityKind;
use depeche::report::Format;
use depeche::scaffold;
use depeche::site;

#[derive(clap::Subcommand)]
pub(crate) enum What {
    /// content/articles/<key>.<lang>.md for every configured language, as a draft dated today.
    Article {
        /// Lowercase letters, digits and hyphens, e.g. `alep-offensive`.
        key: String,
    },
    /// content/entities/<id>.yaml with every per-language field.
    Entity {
        /// Lowercase letters, digits and hyphens, e.g. `aleppo`.
        id: String,
        /// What the entity is.
        #[arg(long = "type", value_enum)]
        kind: EntityKind,
    },
}

pub(crate) fn run(root: &Path, what: What) -> ExitCode {
    let options = site::Options {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let config = match site::load_config(&options) {
        Ok(config) => config,
        Err(e) => {
            super::print(&e.diagnostics, Format::Human);
            return ExitCode::FAILURE;
        }
    };
    let written = match what {
        What::Article { key } => scaffold::new_article(&config, &key, &scaffold::today()),
        What::Entity { id, kind } => scaffold::new_entity(&config, &id, kind).map(|p| vec![p]),
    };
    match written {
        Ok(paths) => {
            for p in paths {
                println!("created {}", p.strip_prefix(root).unwrap_or(&p).display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
