use std::path::{Path, PathBuf};
use std::process::ExitCode;

use depeche::check;
use depeche::diagnostic::{Diagnostic, Severity, printable};
use depeche::edit;
use depeche::report::Format;
use depeche::transaction::Transaction;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Write the annotations into the files (otherwise print a diff).
    #[arg(long)]
    write: bool,
    /// Only these files (default: every article and entity prose file).
    files: Vec<PathBuf>,
}

pub(crate) fn run(root: &Path, args: Args) -> ExitCode {
    // Unpublished articles are annotated too: they will be published.
    let options = check::Options {
        drafts: true,
        future: true,
        suggest: true,
    };
    let diagnostics = check::run(root, None, options);
    let (suggestions, problems): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
        .into_iter()
        .partition(|d| d.severity() == Severity::Suggestion);
    let errors: Vec<Diagnostic> = problems.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        super::print(&errors, Format::Human);
        eprintln!("error: fix these errors first; no file was changed");
        return ExitCode::FAILURE;
    }
    let only = match relative_to_root(root, &args.files) {
        Ok(only) => only,
        Err(missing) => {
            eprintln!(
                "error: {} is not a file of the site at {}",
                missing.display(),
                root.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let changes = match edit::changes(root, &suggestions, &only) {
        Ok(changes) => changes,
        Err(e) => {
            eprintln!(
                "error: cannot read a file to annotate: {}",
                printable(&e.to_string())
            );
            return ExitCode::FAILURE;
        }
    };
    let count: usize = changes.iter().map(|c| c.applied.len()).sum();
    if args.write {
        // Every file or none, recovered by the next command if this one is killed.
        let mut transaction = Transaction::new(root, "annotate --write");
        for change in &changes {
            transaction.write(&change.path, change.after.as_bytes());
        }
        if let Err(e) = transaction.commit() {
            eprintln!("error: {}", printable(&e.to_string()));
            return ExitCode::FAILURE;
        }
    }
    for change in &changes {
        if !args.write {
            super::print_diff(&edit::diff(change));
            continue;
        }
        for r in &change.applied {
            let (line, col) = position(&change.before, r.start);
            println!(
                "{}:{line}:{col}: {} → {}",
                change.path.display(),
                &change.before[r.start..r.end],
                r.text
            );
        }
    }
    let verb = if args.write { "added" } else { "would add" };
    eprintln!(
        "annotate: {verb} {} in {}",
        depeche::diagnostic::count(count as u64, "annotation", "annotations"),
        depeche::diagnostic::count(changes.len() as u64, "file", "files")
    );
    ExitCode::SUCCESS
}

/// 1-based line and character column of a byte offset (BOM excluded from columns).
fn position(text: &str, offset: usize) -> (usize, usize) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn relative_to_root(root: &Path, files: &[PathBuf]) -> Result<Vec<PathBuf>, PathBuf> {
    let root = root.canonicalize().map_err(|_| root.to_path_buf())?;
    files
        .iter()
        .map(|f| {
            f.canonicalize()
                .ok()
                .and_then(|abs| abs.strip_prefix(&root).ok().map(Path::to_path_buf))
                .ok_or_else(|| f.clone())
        })
        .collect()
}
