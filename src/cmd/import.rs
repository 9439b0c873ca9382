use std::path::{Path, PathBuf};
use std::process::ExitCode;

use depeche::check;
use depeche::diagnostic::{Code, Diagnostic, Severity, printable};
use depeche::edit;
use depeche::import::{self, Action, Request};
use depeche::report::Format;
use depeche::source::SourceText;
use depeche::transaction::{EditError, Transaction};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Feed files: NewsML-G2 (.xml), ninjs (.json) or plain text (headline, then paragraphs).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The language of items whose feed does not say it (plain text), e.g. `fr`.
    #[arg(long)]
    lang: Option<String>,
    /// The article's key (default: from the agency's slug or the headline).
    #[arg(long)]
    key: Option<String>,
    /// Import as drafts (`draft: true`).
    #[arg(long)]
    draft: bool,
    /// Record a newer version of an item already imported in its article's `updates`.
    #[arg(long)]
    update: bool,
}

/// How many names that match no entity are listed.
const CANDIDATES_SHOWN: usize = 12;

pub(crate) fn run(root: &Path, args: Args) -> ExitCode {
    let config = match super::config(root) {
        Ok(config) => config,
        Err(status) => return status,
    };
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for file in &args.files {
        match import::read(file) {
            Ok((format, read)) => {
                eprintln!(
                    "{}: {}, {}",
                    file.display(),
                    depeche::diagnostic::count(read.len() as u64, "text item", "text items"),
                    format.name()
                );
                items.extend(read);
            }
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return refuse(&problems);
    }
    let request = Request {
        lang: args.lang,
        key: args.key,
        draft: args.draft,
        update: args.update,
    };
    let plan = match import::plan(root, &config.languages, config.today(), &items, &request) {
        Ok(plan) => plan,
        Err(problems) => return refuse(&problems),
    };
    for known in &plan.known {
        let path = known.path.display();
        match (known.had, known.got) {
            (Some(had), Some(got)) if got > had => println!(
                "{path}: this is version {got} of its item; the article records version {had}. To record the correction in its `updates`, run the same import with `--update`"
            ),
            (None, Some(got)) if got > 1 => println!(
                "{path}: this is version {got} of its item, a correction. To record it in the article's `updates`, run the same import with `--update`"
            ),
            (Some(had), Some(got)) if got < had => println!(
                "{path}: the article records version {had} of this item, newer than this one ({got}); nothing to do"
            ),
            _ => println!("{path}: this item is already imported; nothing to do"),
        }
    }
    if plan.actions.is_empty() {
        return ExitCode::SUCCESS;
    }
    let mut edit = Transaction::new(root, "import");
    for action in &plan.actions {
        match action {
            Action::Create { path, text, .. } => edit.create(path, text.as_bytes()),
            Action::Update { path, text, .. } => edit.write(path, text.as_bytes()),
        }
    }
    if let Err(e) = edit.commit() {
        let e = match e {
            EditError::Exists(rel) => format!(
                "{} already exists; depeche never overwrites an article: import it with `--key <another-key>`",
                rel.display()
            ),
            e => e.to_string(),
        };
        eprintln!("error: {}; nothing was written", printable(&e));
        return ExitCode::FAILURE;
    }
    let mut created = Vec::new();
    for action in &plan.actions {
        match action {
            Action::Create { path, lang, .. } => {
                println!("created {}", path.display());
                created.push((path.clone(), lang.as_str()));
            }
            Action::Update {
                path,
                versions,
                changes,
                ..
            } => {
                let version = versions.1.map_or(String::new(), |v| format!(" {v}"));
                println!(
                    "{}: recorded version{version} of its item in `updates` and `updated`; its text is yours to correct:",
                    path.display()
                );
                super::print_diff(changes);
            }
        }
    }
    for note in &plan.notes {
        eprintln!("note: {}", printable(note));
    }
    if !created.is_empty() {
        annotate(root, &created);
    }
    eprintln!(
        "next: `depeche check`, then `depeche serve` to read {}",
        if created.len() == 1 { "it" } else { "them" }
    );
    ExitCode::SUCCESS
}

fn refuse(problems: &[Diagnostic]) -> ExitCode {
    super::print(problems, Format::Human);
    eprintln!("error: nothing was imported; no file was written");
    ExitCode::FAILURE
}

/// Annotates the new files' unambiguous mentions, lists the ambiguous ones, and the names no
/// entity claims.
fn annotate(root: &Path, created: &[(PathBuf, &str)]) {
    let files: Vec<PathBuf> = created.iter().map(|(p, _)| p.clone()).collect();
    let options = check::Options {
        drafts: true,
        future: true,
        suggest: true,
    };
    let diagnostics = check::run(root, None, options);
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() {
        eprintln!(
            "note: the site has {} (`depeche check` lists them), so the new {} not annotated; once they are fixed, run `depeche annotate --write {}`",
            depeche::diagnostic::count(errors.len() as u64, "error", "errors"),
            if files.len() == 1 {
                "file was"
            } else {
                "files were"
            },
            paths(&files)
        );
        return;
    }
    let ours = |d: &&Diagnostic| {
        d.severity() == Severity::Suggestion
            && d.location
                .as_ref()
                .is_some_and(|l| files.iter().any(|c| c == &l.file))
    };
    let suggestions: Vec<Diagnostic> = diagnostics.iter().filter(ours).cloned().collect();
    match edit::changes(root, &suggestions, &files) {
        Ok(changes) => {
            let mut edit = Transaction::new(root, "import (annotations)");
            for change in &changes {
                edit.write(&change.path, change.after.as_bytes());
            }
            match edit.commit() {
                Ok(()) => {
                    for change in &changes {
                        println!(
                            "{}: annotated {} of known entities",
                            change.path.display(),
                            depeche::diagnostic::count(
                                change.applied.len() as u64,
                                "mention",
                                "mentions"
                            )
                        );
                    }
                }
                Err(e) => eprintln!(
                    "note: the annotations could not be written ({}); run `depeche annotate --write {}`",
                    printable(&e.to_string()),
                    paths(&files)
                ),
            }
        }
        Err(e) => eprintln!(
            "note: the new files could not be read again to annotate them ({}); run `depeche annotate --write {}`",
            printable(&e.to_string()),
            paths(&files)
        ),
    }
    let ambiguous: Vec<Diagnostic> = suggestions
        .into_iter()
        .filter(|d| d.code == Code::AmbiguousMention)
        .collect();
    if !ambiguous.is_empty() {
        eprintln!("these mentions were left for you to annotate:");
        super::print(&ambiguous, Format::Human);
    }
    for (path, lang) in created {
        let Ok(text) = std::fs::read_to_string(root.join(path)) else {
            continue;
        };
        let src = SourceText::new(path.clone(), text);
        let Ok(split) = depeche::load::front_matter::split(&src) else {
            continue;
        };
        let names = import::names::unknown_names(&src.text[split.body_start..]);
        if names.is_empty() {
            continue;
        }
        println!(
            "{}: names that match no entity (create the ones the site should know):",
            path.display()
        );
        for c in names.iter().take(CANDIDATES_SHOWN) {
            println!(
                "  {} ({}×): depeche new entity {} --type <organization|person|place|event|other> --name {lang}={}",
                printable(&c.name),
                c.count,
                c.id,
                shell_quoted(&c.name)
            );
        }
        if names.len() > CANDIDATES_SHOWN {
            println!("  … and {} more", names.len() - CANDIDATES_SHOWN);
        }
    }
}

fn paths(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A value as a POSIX shell reads it back whole.
fn shell_quoted(value: &str) -> String {
    if value
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}
