use std::path::Path;
use std::process::ExitCode;

use depeche::inventory::{self, EntityRow};
use depeche::report::Format;
use depeche::site;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Only the entities no article mentions (drafts and articles dated after today
    /// included), no file names (as a source, a relation's target, an event's participant…)
    /// and that relate to no entity in use (a relation shows them on its page): those that
    /// can be deleted, the ones `check` warns of.
    #[arg(long)]
    unused: bool,
    /// A table, or one JSON record per line.
    #[arg(long, value_enum, default_value = "human")]
    format: ListFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

pub(crate) fn run(root: &Path, args: Args) -> ExitCode {
    // What may be deleted is what no article uses, a draft or one dated after today
    // included, as `check` says (W0004).
    let options = site::Options {
        root: root.to_path_buf(),
        drafts: args.unused,
        future: args.unused,
        ..Default::default()
    };
    // Listing what the site holds does not wait for it to be valid.
    let (config, graph, diagnostics) = match site::load_despite_errors(&options) {
        Ok(loaded) => loaded,
        Err(e) => {
            super::print(&e.diagnostics, Format::Human);
            eprintln!("error: the site cannot be read far enough to list its entities");
            return ExitCode::FAILURE;
        }
    };
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        eprintln!(
            "note: the site has {} (`depeche check` lists them); a file with an error is left out of this list and its counts",
            depeche::diagnostic::count(errors as u64, "error", "errors")
        );
    }
    let rows: Vec<EntityRow> = inventory::entities(&config.languages, &graph)
        .into_iter()
        .filter(|row| !args.unused || row.unused())
        .collect();
    match args.format {
        ListFormat::Json => {
            for row in &rows {
                println!("{}", serde_json::to_string(row).unwrap_or_default());
            }
        }
        ListFormat::Human => print!(
            "{}",
            depeche::diagnostic::printable(&table(&config.languages, &rows))
        ),
    }
    ExitCode::SUCCESS
}

/// Columns: id, type, the name in each language, mentions per language (articles), and how
/// many fields of other files name it.
fn table(languages: &[String], rows: &[EntityRow]) -> String {
    if rows.is_empty() {
        return "no entities\n".to_string();
    }
    let mut header = vec!["id".to_string(), "type".to_string()];
    header.extend(languages.iter().cloned());
    header.extend(languages.iter().map(|l| format!("mentions {l}")));
    header.push("named by".to_string());
    let mut lines = vec![header];
    for row in rows {
        let mut cells = vec![row.id.clone(), row.kind.as_str().to_string()];
        cells.extend(
            languages
                .iter()
                .map(|l| row.name.get(l).cloned().unwrap_or_default()),
        );
        cells.extend(languages.iter().map(|l| {
            let mentions = row.mentions.get(l).copied().unwrap_or(0);
            let articles = row.articles.get(l).copied().unwrap_or(0);
            format!("{mentions} ({articles})")
        }));
        cells.push(row.named_by.to_string());
        lines.push(cells);
    }
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "{} entit{}; mentions (articles) in published articles; fields of other files that name it\n",
        rows.len(),
        if rows.len() == 1 { "y" } else { "ies" }
    ));
    out
}
