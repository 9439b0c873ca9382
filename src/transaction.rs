//! Edits of the site's own files (`rename-entity`, `annotate --write`, `new`, `templates
//! eject`) as one transaction: every file or none, never through a symbolic link, never
//! outside the site, and recoverable when the process is killed.
//!
//! A transaction plans every change, then writes a journal at the site's root
//! ([`JOURNAL`]) before anything else; writes each new file beside its target under a fresh
//! name, created exclusively and synced; marks the journal `committing`; then moves each
//! original aside and each new file into its place; marks it `done`, removes the originals
//! and the journal. The next run of any command ([`recover`]) finds a journal left by a
//! killed one and rolls it back while nothing was replaced yet (`staged`), or completes it
//! once replacing began (`committing`, `done`), so the site is wholly before or wholly
//! after the edit.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A file made anew at `path`, for a build's own records: whatever is there first (a link, a
/// named pipe, an earlier file) is removed and the file created exclusively, so nothing is
/// written through a link or waits on a pipe.
pub(crate) fn create_fresh(path: &Path) -> io::Result<File> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// The folder a build keeps its records in, made if missing; `None` where it cannot be (the
/// records are then left out) or where it is not a plain folder.
pub(crate) fn records_folder(dir: &Path) -> Option<&Path> {
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => Some(dir),
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir(dir).ok().map(|()| dir),
        _ => None,
    }
}

/// The journal of an edit under way, at the site's root.
pub const JOURNAL: &str = ".depeche-edit";
/// The largest journal read back: one entry per file edited, a few hundred bytes each.
const JOURNAL_LIMIT: u64 = 64 << 20;

/// One planned change, by path relative to the site's root.
#[derive(Debug)]
enum Planned {
    /// The file is replaced, or made (`new`: it must not exist).
    Write {
        path: PathBuf,
        content: Vec<u8>,
        new: bool,
    },
    /// The file is removed.
    Remove { path: PathBuf },
}

/// Every change an edit makes, applied together by [`Transaction::commit`].
#[derive(Debug)]
pub struct Transaction {
    root: PathBuf,
    /// What the edit is, for the message of a later recovery (`rename-entity osdh sohr`).
    what: String,
    planned: Vec<Planned>,
}

/// Why an edit was refused or failed; the site is as it was before it.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// A path leaves the site, or runs through a symbolic link.
    #[error("{}: {why}; nothing was changed", .path.display())]
    Unsafe {
        /// The path, relative to the site.
        path: PathBuf,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A file to create exists.
    #[error("{} already exists; depeche never overwrites it, and nothing was changed", .0.display())]
    Exists(PathBuf),
    /// A file cannot be written, moved or read.
    #[error("cannot {action} {}: {source}; {state}", .path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
        /// Where that leaves the site.
        state: Cow<'static, str>,
    },
    /// Another edit's journal is there (a command is running, or one was killed and could
    /// not be recovered).
    #[error(
        "{JOURNAL} exists: another edit is under way or could not be recovered; nothing was changed"
    )]
    Busy,
}

impl EditError {
    /// The error, saying which files written beside their targets could not be removed.
    fn left_beside(self, left: &[PathBuf]) -> EditError {
        match self {
            EditError::Io {
                action,
                path,
                source,
                state,
            } if !left.is_empty() => EditError::Io {
                action,
                path,
                source,
                state: format!("{state}, but {}", leftovers(left)).into(),
            },
            other => other,
        }
    }
}

/// Files an edit wrote beside their targets and could not remove, as a sentence.
fn leftovers(left: &[PathBuf]) -> String {
    let names: Vec<String> = left.iter().map(|p| p.display().to_string()).collect();
    format!(
        "depeche could not remove what it wrote beside ({}): remove it by hand",
        names.join(", ")
    )
}

/// What happened to an edit a killed command left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// The edit, as its command named it.
    pub what: String,
    /// Completed, rolled back or undone.
    pub outcome: Outcome,
    /// Files the edit wrote beside their targets that could not be removed (a folder that
    /// allows no removal): the user is told to remove them.
    pub left: Vec<PathBuf>,
}

impl Recovered {
    /// What to do about [`Recovered::left`], if anything.
    pub fn left_note(&self) -> Option<String> {
        (!self.left.is_empty()).then(|| leftovers(&self.left))
    }
}

/// How an edit a killed command left was finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It had begun replacing files, and every one is now replaced.
    Completed,
    /// It had replaced nothing yet: its new files were removed.
    RolledBack,
    /// It had begun replacing files but one cannot be moved (why): the files it had replaced
    /// were put back.
    Undone(String),
}

/// The journal's content.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    what: String,
    state: State,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum State {
    /// New files are being written beside their targets; nothing is replaced yet.
    Staged,
    /// Originals are being moved aside and new files into place.
    Committing,
    /// Every file is in place; the originals are left to remove.
    Done,
}

/// A change as the journal records it: its target, the new file written beside it (none to
/// remove the target), and where the original is moved aside.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    target: PathBuf,
    staged: Option<PathBuf>,
    aside: PathBuf,
}

impl Transaction {
    /// An empty edit of the site at `root`, named `what` for the messages.
    pub fn new(root: &Path, what: impl Into<String>) -> Transaction {
        Transaction {
            root: root.to_path_buf(),
            what: what.into(),
            planned: Vec::new(),
        }
    }

    /// Replaces the file at `path` (relative to the root) with `content`.
    pub fn write(&mut self, path: impl Into<PathBuf>, content: impl Into<Vec<u8>>) {
        self.planned.push(Planned::Write {
            path: path.into(),
            content: content.into(),
            new: false,
        });
    }

    /// Makes the file at `path`, which must not exist.
    pub fn create(&mut self, path: impl Into<PathBuf>, content: impl Into<Vec<u8>>) {
        self.planned.push(Planned::Write {
            path: path.into(),
            content: content.into(),
            new: true,
        });
    }

    /// Removes the file at `path`.
    pub fn remove(&mut self, path: impl Into<PathBuf>) {
        self.planned.push(Planned::Remove { path: path.into() });
    }

    /// Applies every change, or none; see the module's documentation.
    pub fn commit(self) -> Result<(), EditError> {
        let journal_path = self.root.join(JOURNAL);
        if fs::symlink_metadata(&journal_path).is_ok() {
            return Err(EditError::Busy);
        }
        for planned in &self.planned {
            self.check(planned)?;
        }
        let id = std::process::id();
        let mut entries = Vec::new();
        for (n, planned) in self.planned.iter().enumerate() {
            let (path, writes) = match planned {
                Planned::Write { path, .. } => (path, true),
                Planned::Remove { path } => (path, false),
            };
            let beside = |tag: &str| {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                path.with_file_name(format!(".{}.{id}-{n}.{tag}", cut_name(&name)))
            };
            entries.push(Entry {
                target: path.clone(),
                staged: writes.then(|| beside("depeche-new")),
                aside: beside("depeche-old"),
            });
        }
        let mut journal = Journal {
            what: self.what.clone(),
            state: State::Staged,
            entries,
        };
        let untouched = "nothing was changed";
        save(&journal_path, &journal)
            .map_err(|e| io_error("write", &journal_path, e, untouched))?;
        if let Err(e) = self.stage(&journal) {
            let left = rollback(&self.root, &journal);
            return Err(e.left_beside(&left));
        }
        journal.state = State::Committing;
        save(&journal_path, &journal).map_err(|e| {
            let left = rollback(&self.root, &journal);
            io_error("write", &journal_path, e, untouched).left_beside(&left)
        })?;
        // From here on the edit is completed, or undone if a file cannot be moved; a killed
        // command leaves that to the next one.
        let Err((action, path, e)) = complete(&self.root, &mut journal) else {
            return Ok(());
        };
        if journal.state == State::Done {
            let state =
                "the edit is made; the next depeche command removes the originals left beside";
            return Err(io_error(action, &path, e, state));
        }
        Err(match undo(&self.root, &journal) {
            Ok(left) => io_error(
                action,
                &path,
                e,
                "nothing was changed: the files already replaced were put back",
            )
            .left_beside(&left),
            Err(_) => io_error(
                action,
                &path,
                e,
                "the edit is half made; the next depeche command completes it, or undoes it if the file still cannot be moved",
            ),
        })
    }

    /// Refuses a change whose path leaves the site or runs through a symbolic link, and a
    /// file to create that exists (even as a dangling link).
    fn check(&self, planned: &Planned) -> Result<(), EditError> {
        let (path, new) = match planned {
            Planned::Write { path, new, .. } => (path, *new),
            Planned::Remove { path } => (path, false),
        };
        let unsafe_path = |why| EditError::Unsafe {
            path: path.clone(),
            why,
        };
        if path.as_os_str().is_empty()
            || !path.components().all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(unsafe_path("not a path inside the site"));
        }
        let mut at = self.root.clone();
        let components: Vec<_> = path.components().collect();
        for (i, component) in components.iter().enumerate() {
            at.push(component);
            let last = i + 1 == components.len();
            match fs::symlink_metadata(&at) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(unsafe_path(
                        "a symbolic link is on the way; depeche never writes through one",
                    ));
                }
                Ok(_) if last && new => return Err(EditError::Exists(path.clone())),
                Ok(meta) if last && !meta.is_file() => {
                    return Err(unsafe_path("not a regular file"));
                }
                Ok(meta) if !last && !meta.is_dir() => {
                    return Err(unsafe_path("a file is where a folder is needed"));
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if last && !new {
                        return Err(unsafe_path("no such file"));
                    }
                    // The rest of the path is made by the edit.
                    break;
                }
                Err(e) => {
                    return Err(io_error("read", &at, e, "nothing was changed"));
                }
            }
        }
        Ok(())
    }

    /// Writes each new file beside its target, created exclusively and synced.
    fn stage(&self, journal: &Journal) -> Result<(), EditError> {
        let untouched = "nothing was changed";
        for entry in &journal.entries {
            // The original's place aside must be free: a file there (planted, or left by
            // another process with the same id) would be taken for the original.
            let aside = self.root.join(&entry.aside);
            if fs::symlink_metadata(&aside).is_ok() {
                let taken = io::Error::new(io::ErrorKind::AlreadyExists, "a file is in the way");
                return Err(io_error("use", &aside, taken, untouched));
            }
        }
        for (planned, entry) in self.planned.iter().zip(&journal.entries) {
            let (Planned::Write { content, .. }, Some(staged)) = (planned, &entry.staged) else {
                continue;
            };
            let staged = self.root.join(staged);
            if let Some(dir) = staged.parent() {
                fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e, untouched))?;
            }
            let written = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&staged)
                .and_then(|mut file| {
                    file.write_all(content)?;
                    file.sync_all()
                });
            written.map_err(|e| io_error("write", &staged, e, untouched))?;
            // A replaced file keeps its permissions (a read-only one stays read-only).
            if let Ok(meta) = fs::symlink_metadata(self.root.join(&entry.target))
                && meta.is_file()
            {
                fs::set_permissions(&staged, meta.permissions())
                    .map_err(|e| io_error("write", &staged, e, untouched))?;
            }
        }
        Ok(())
    }
}

fn io_error(
    action: &'static str,
    path: &Path,
    source: io::Error,
    state: &'static str,
) -> EditError {
    EditError::Io {
        action,
        path: path.to_path_buf(),
        source,
        state: state.into(),
    }
}

/// Writes the journal beside, synced, then renames it into place.
fn save(path: &Path, journal: &Journal) -> io::Result<()> {
    let temp = path.with_extension("tmp");
    let mut file = File::create(&temp)?;
    file.write_all(&serde_json::to_vec(journal).map_err(io::Error::other)?)?;
    file.sync_all()?;
    fs::rename(&temp, path)
}

/// Removes the new files of an edit that replaced nothing, then its journal; returns the
/// new files that could not be removed (relative to the site).
fn rollback(root: &Path, journal: &Journal) -> Vec<PathBuf> {
    let mut left = Vec::new();
    for staged in journal.entries.iter().filter_map(|e| e.staged.as_ref()) {
        match fs::remove_file(root.join(staged)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => left.push(staged.clone()),
            _ => {}
        }
    }
    let _ = fs::remove_file(root.join(JOURNAL));
    left
}

/// The longest part of a file's name kept in the names of the files beside it during an
/// edit: with the tag, those stay within the 255 bytes that file systems allow.
const KEPT_NAME: usize = 200;

fn cut_name(name: &str) -> &str {
    let mut end = name.len().min(KEPT_NAME);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Puts back what [`complete`] moved before it stopped (each new file back beside its target,
/// each original back in place), then removes the new files and the journal: the site is as
/// it was before the edit.
fn undo(root: &Path, journal: &Journal) -> io::Result<Vec<PathBuf>> {
    let exists = |p: &Path| fs::symlink_metadata(p).is_ok();
    for entry in journal.entries.iter().rev() {
        let (target, aside) = (root.join(&entry.target), root.join(&entry.aside));
        if let Some(staged) = entry.staged.as_ref().map(|s| root.join(s))
            && !exists(&staged)
            && exists(&target)
        {
            fs::rename(&target, &staged)?;
        }
        if exists(&aside) && !exists(&target) {
            fs::rename(&aside, &target)?;
        }
    }
    Ok(rollback(root, journal))
}

/// Moves every original aside and every new file into place (each step once: a step already
/// done is seen as done), then removes the originals and the journal.
fn complete(root: &Path, journal: &mut Journal) -> Result<(), (&'static str, PathBuf, io::Error)> {
    let exists = |p: &Path| fs::symlink_metadata(p).is_ok();
    if journal.state != State::Done {
        for entry in &journal.entries {
            let (target, aside) = (root.join(&entry.target), root.join(&entry.aside));
            let staged = entry.staged.as_ref().map(|s| root.join(s));
            // Not yet moved into place: the new file is still beside.
            let pending = staged.as_ref().is_none_or(|s| exists(s));
            if !pending {
                continue;
            }
            if exists(&target) && !exists(&aside) {
                fs::rename(&target, &aside).map_err(|e| ("move aside", target.clone(), e))?;
            }
            if let Some(staged) = staged {
                fs::rename(&staged, &target).map_err(|e| ("move into place", target.clone(), e))?;
            }
        }
        journal.state = State::Done;
        let path = root.join(JOURNAL);
        save(&path, journal).map_err(|e| ("write", path, e))?;
    }
    for entry in &journal.entries {
        let aside = root.join(&entry.aside);
        match fs::remove_file(&aside) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(("remove", aside, e)),
            _ => {}
        }
    }
    let path = root.join(JOURNAL);
    fs::remove_file(&path).map_err(|e| ("remove", path, e))
}

/// Whether `path` (relative) names a file of the site outside `.git/`, reached without a
/// symbolic link at any folder on the way or at the file itself.
fn confined(root: &Path, path: &Path) -> bool {
    if path.as_os_str().is_empty()
        || !path
            .components()
            .all(|c| matches!(c, Component::Normal(n) if n != ".git"))
    {
        return false;
    }
    let mut at = root.to_path_buf();
    for component in path.components() {
        at.push(component);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => return false,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    true
}

/// Finishes what an edit killed at the site at `root` left: rolled back if it had replaced
/// nothing, completed otherwise. `None` when there was none.
pub fn recover(root: &Path) -> Result<Option<Recovered>, EditError> {
    let path = root.join(JOURNAL);
    let text = match crate::source::read_own_file(&path, JOURNAL_LIMIT) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A journal killed while it was first written replaced nothing.
            let _ = fs::remove_file(path.with_extension("tmp"));
            return Ok(None);
        }
        Err(e) => return Err(io_error("read", &path, e, "the edit is left as it was")),
    };
    let _ = fs::remove_file(path.with_extension("tmp"));
    let mut journal: Journal = serde_json::from_slice(&text).map_err(|e| {
        io_error(
            "read",
            &path,
            io::Error::other(e),
            "the edit is left as it was",
        )
    })?;
    // A journal may have been planted (a hostile branch can commit one): it is followed only
    // as this module writes one.
    let inside = |p: &Path| confined(root, p);
    let beside = |e: &Entry| {
        let name = e.target.file_name().unwrap_or_default().to_string_lossy();
        let named = |p: &Path, tag: &str| {
            p.parent() == e.target.parent()
                && p.file_name().is_some_and(|n| {
                    let n = n.to_string_lossy();
                    n.starts_with(&format!(".{}.", cut_name(&name))) && n.ends_with(tag)
                })
        };
        named(&e.aside, ".depeche-old")
            && e.staged.as_deref().is_none_or(|s| named(s, ".depeche-new"))
    };
    let safe = journal.entries.iter().all(beside)
        && journal.entries.iter().all(|e| {
            inside(&e.target) && inside(&e.aside) && e.staged.as_deref().is_none_or(inside)
        });
    if !safe {
        return Err(io_error(
            "use",
            &path,
            io::Error::other("it names a file outside the site"),
            "the edit is left as it was",
        ));
    }
    let what = journal.what.clone();
    if journal.state == State::Staged {
        let left = rollback(root, &journal);
        return Ok(Some(Recovered {
            what,
            outcome: Outcome::RolledBack,
            left,
        }));
    }
    let mut left = Vec::new();
    let outcome = match complete(root, &mut journal) {
        Ok(()) => Outcome::Completed,
        // A file that cannot be moved (made immutable, its folder read-only) would stop every
        // command: the edit is undone instead, and the reason given.
        Err((action, path, e)) if journal.state != State::Done => {
            let why = format!("cannot {action} {}: {e}", path.display());
            left = undo(root, &journal).map_err(|undoing| {
                io_error(
                    "undo the edit at",
                    &path,
                    undoing,
                    "the edit is left half made",
                )
            })?;
            Outcome::Undone(why)
        }
        Err((action, path, e)) => {
            return Err(io_error(
                action,
                &path,
                e,
                "the edit is made; files are left beside",
            ));
        }
    };
    Ok(Some(Recovered {
        what,
        outcome,
        left,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_record_is_made_anew_never_through_a_link_nor_into_a_pipe() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::write(&outside, "kept").unwrap();
        let link = dir.path().join("record");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        create_fresh(&link).unwrap().write_all(b"new").unwrap();
        assert_eq!(fs::read_to_string(&outside).unwrap(), "kept");
        assert!(fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(fs::read_to_string(&link).unwrap(), "new");
        // Opened for writing, a pipe would wait for a reader for ever.
        let pipe = dir.path().join("pipe");
        let name = std::ffi::CString::new(pipe.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        create_fresh(&pipe).unwrap().write_all(b"new").unwrap();
        assert!(fs::symlink_metadata(&pipe).unwrap().is_file());
    }

    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content/articles")).unwrap();
        fs::write(dir.path().join("content/articles/a.fr.md"), "avant").unwrap();
        fs::write(dir.path().join("content/articles/b.fr.md"), "b").unwrap();
        dir
    }

    #[test]
    fn every_change_is_applied_and_nothing_is_left_beside() {
        let dir = site();
        let mut edit = Transaction::new(dir.path(), "test");
        edit.write("content/articles/a.fr.md", "après");
        edit.create("content/entities/new.yaml", "type: place");
        edit.remove("content/articles/b.fr.md");
        edit.commit().unwrap();
        let read = |p: &str| fs::read_to_string(dir.path().join(p)).ok();
        assert_eq!(read("content/articles/a.fr.md").as_deref(), Some("après"));
        assert_eq!(
            read("content/entities/new.yaml").as_deref(),
            Some("type: place")
        );
        assert_eq!(read("content/articles/b.fr.md"), None);
        let left: Vec<_> = walkdir::WalkDir::new(dir.path())
            .min_depth(1)
            .into_iter()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_path_outside_the_site_or_through_a_link_changes_nothing() {
        let dir = site();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("content/linked")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("target.md"),
            dir.path().join("content/articles/dangling.fr.md"),
        )
        .unwrap();
        for path in [
            "../escape.md",
            "/etc/passwd",
            "content/linked/x.md",
            "content/articles/dangling.fr.md",
        ] {
            let mut edit = Transaction::new(dir.path(), "test");
            edit.write("content/articles/a.fr.md", "après");
            edit.create(path, "x");
            assert!(edit.commit().is_err(), "{path}");
        }
        let mut edit = Transaction::new(dir.path(), "test");
        edit.write("content/articles/dangling.fr.md", "x");
        assert!(edit.commit().is_err());
        assert_eq!(
            fs::read_to_string(dir.path().join("content/articles/a.fr.md")).unwrap(),
            "avant"
        );
        assert!(fs::read_dir(outside.path()).unwrap().next().is_none());
    }

    #[test]
    fn a_journal_left_before_replacing_is_rolled_back_and_after_is_completed() {
        for (state, outcome) in [
            (State::Staged, Outcome::RolledBack),
            (State::Committing, Outcome::Completed),
        ] {
            let completed = outcome == Outcome::Completed;
            let dir = site();
            let root = dir.path();
            let staged = PathBuf::from("content/articles/.a.fr.md.1-0.depeche-new");
            fs::write(root.join(&staged), "après").unwrap();
            let journal = Journal {
                what: "test".into(),
                state,
                entries: vec![Entry {
                    target: "content/articles/a.fr.md".into(),
                    staged: Some(staged.clone()),
                    aside: "content/articles/.a.fr.md.1-0.depeche-old".into(),
                }],
            };
            save(&root.join(JOURNAL), &journal).unwrap();
            let recovered = recover(root).unwrap().unwrap();
            assert_eq!(recovered.outcome, outcome);
            let now = fs::read_to_string(root.join("content/articles/a.fr.md")).unwrap();
            assert_eq!(now, if completed { "après" } else { "avant" });
            assert!(!root.join(&staged).exists());
            assert!(!root.join(JOURNAL).exists());
            assert_eq!(recover(root).unwrap(), None);
        }
    }

    /// Makes `path` a file that cannot be moved: immutable as root (`chattr +i`), in a
    /// read-only folder otherwise. Undone when the guard is dropped; `None` when this system
    /// cannot.
    fn immovable(path: &Path) -> Option<Movable> {
        use std::os::unix::fs::PermissionsExt;
        use std::process::{Command, Stdio};
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            let chattr = |flag: &str| {
                Command::new("chattr")
                    .arg(flag)
                    .arg(path)
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            };
            if !chattr("+i") {
                return None;
            }
            let path = path.to_path_buf();
            return Some(Movable(Box::new(move || {
                let _ = Command::new("chattr").arg("-i").arg(&path).status();
            })));
        }
        let dir = path.parent()?.to_path_buf();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).ok()?;
        Some(Movable(Box::new(move || {
            let _ = fs::set_permissions(&dir, fs::Permissions::from_mode(0o755));
        })))
    }

    struct Movable(Box<dyn Fn()>);

    impl Drop for Movable {
        fn drop(&mut self) {
            (self.0)()
        }
    }

    fn skipped(why: &str) {
        assert!(
            std::env::var_os("DEPECHE_TEST_NO_SKIP").is_none(),
            "{why}; DEPECHE_TEST_NO_SKIP is set, so this test may not be skipped"
        );
        eprintln!("SKIPPED: {why}");
    }

    /// A file that cannot be moved aside stops the edit after others were replaced: they are
    /// put back, and the site is as before. Killed at that point, the next command does the
    /// same instead of refusing to run.
    #[test]
    fn a_file_that_cannot_be_moved_undoes_the_edit() {
        let dir = site();
        let root = dir.path();
        fs::create_dir_all(root.join("content/locked")).unwrap();
        fs::write(root.join("content/locked/c.yaml"), "c").unwrap();
        let Some(guard) = immovable(&root.join("content/locked/c.yaml")) else {
            return skipped("this system cannot make a file immovable");
        };
        let mut edit = Transaction::new(root, "test");
        edit.write("content/articles/a.fr.md", "après");
        edit.create("content/entities/new.yaml", "type: place");
        edit.remove("content/locked/c.yaml");
        let err = edit.commit().unwrap_err().to_string();
        assert!(err.contains("nothing was changed"), "{err}");
        let read = |p: &str| fs::read_to_string(root.join(p)).ok();
        assert_eq!(read("content/articles/a.fr.md").as_deref(), Some("avant"));
        assert_eq!(read("content/entities/new.yaml"), None);
        assert_eq!(read("content/locked/c.yaml").as_deref(), Some("c"));
        assert!(!root.join(JOURNAL).exists());

        // As a killed command leaves it: the first file replaced, the journal committing.
        let entry = |target: &str, n: usize, staged: bool| {
            let (folder, name) = target.rsplit_once('/').unwrap();
            Entry {
                target: target.into(),
                staged: staged.then(|| format!("{folder}/.{name}.1-{n}.depeche-new").into()),
                aside: format!("{folder}/.{name}.1-{n}.depeche-old").into(),
            }
        };
        let journal = Journal {
            what: "test".into(),
            state: State::Committing,
            entries: vec![
                entry("content/articles/a.fr.md", 0, true),
                entry("content/locked/c.yaml", 1, false),
            ],
        };
        let first = &journal.entries[0];
        fs::rename(root.join(&first.target), root.join(&first.aside)).unwrap();
        fs::write(root.join(&first.target), "après").unwrap();
        save(&root.join(JOURNAL), &journal).unwrap();
        let recovered = recover(root).unwrap().unwrap();
        assert!(
            matches!(&recovered.outcome, Outcome::Undone(why) if why.contains("c.yaml")),
            "{recovered:?}"
        );
        assert_eq!(read("content/articles/a.fr.md").as_deref(), Some("avant"));
        assert_eq!(read("content/locked/c.yaml").as_deref(), Some("c"));
        assert!(!root.join(&first.aside).exists());
        assert!(!root.join(JOURNAL).exists());
        drop(guard);
    }

    /// A file's name may be as long as the file system allows: the files kept beside it during
    /// the edit are named within the limit too.
    #[test]
    fn a_file_with_the_longest_name_is_edited() {
        let dir = site();
        let long = format!(
            "content/articles/{}.fr.md",
            "é".repeat(60) + &"x".repeat(120)
        );
        fs::write(dir.path().join(&long), "avant").unwrap();
        let mut edit = Transaction::new(dir.path(), "test");
        edit.write(long.as_str(), "après");
        edit.create(format!("{long}.bak"), "x");
        edit.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.path().join(&long)).unwrap(), "après");
    }

    /// A file where the edit moves an original aside is never taken for it.
    #[test]
    fn a_file_in_the_way_of_an_original_changes_nothing() {
        let dir = site();
        let id = std::process::id();
        let planted = dir
            .path()
            .join(format!("content/articles/.a.fr.md.{id}-0.depeche-old"));
        fs::write(&planted, "planted").unwrap();
        let mut edit = Transaction::new(dir.path(), "test");
        edit.write("content/articles/a.fr.md", "après");
        assert!(edit.commit().is_err());
        assert_eq!(
            fs::read_to_string(dir.path().join("content/articles/a.fr.md")).unwrap(),
            "avant"
        );
        assert_eq!(fs::read_to_string(&planted).unwrap(), "planted");
    }

    /// A folder where files can be made but not removed or renamed (`chattr +a`): the edit
    /// stops, and the message names the files it wrote beside and could not remove.
    #[test]
    fn files_that_cannot_be_removed_are_named() {
        let dir = site();
        let root = dir.path();
        let folder = root.join("content/articles");
        // SAFETY: geteuid has no preconditions.
        let append_only = unsafe { libc::geteuid() } == 0
            && std::process::Command::new("chattr")
                .arg("+a")
                .arg(&folder)
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        if !append_only {
            return skipped("this system cannot make a folder append-only");
        }
        let _undo = Movable(Box::new(move || {
            let _ = std::process::Command::new("chattr")
                .arg("-a")
                .arg(&folder)
                .status();
        }));
        let mut edit = Transaction::new(root, "test");
        edit.write("content/articles/a.fr.md", "après");
        let err = edit.commit().unwrap_err().to_string();
        assert!(err.contains("nothing was changed"), "{err}");
        assert!(
            err.contains("could not remove") && err.contains(".a.fr.md."),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(root.join("content/articles/a.fr.md")).unwrap(),
            "avant"
        );
    }
}
