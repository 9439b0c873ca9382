//! Which folders a build may replace. depeche owns an output folder only when it carries
//! depeche's manifest (or is empty or absent); it never writes through a symbolic link, never
//! replaces the site, its sources, the home folder or the file system root, and never deletes a
//! file it did not write: a folder holding one is refused before anything is moved.

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::manifest::{self, Manifest, SizeAndTime};
use crate::diagnostic::{Code, Diagnostic, Location};

/// The output folder and the two folders depeche keeps beside it.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub out: PathBuf,
    /// Where the next site is written before it is swapped in.
    pub staging: PathBuf,
    /// The previous site, kept to be overwritten by the next build (cheaper than a fresh tree).
    pub old: PathBuf,
    /// Where depeche 0.1 kept the manifest of both folders, beside the output.
    pub legacy_manifest: PathBuf,
    /// What a build keeps for the next (the search index's analysis of each page): never
    /// published, and safe to delete.
    pub cache: PathBuf,
}

impl Layout {
    pub(crate) fn new(out: &Path) -> Layout {
        let out = absolute(out);
        let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = out
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        Layout {
            staging: parent.join(format!(".{name}.depeche-staging")),
            old: parent.join(format!(".{name}.depeche-old")),
            legacy_manifest: parent.join(format!(".{name}.depeche-manifest")),
            cache: parent.join(format!(".{name}.depeche-cache")),
            out,
        }
    }
}

/// The absolute, lexically normalised form of a path that may not exist yet.
pub(super) fn absolute(path: &Path) -> PathBuf {
    crate::source::normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// A folder as diagnostics show paths: relative to the site root when inside it.
fn shown(root: &Path, path: &Path) -> String {
    let shown = crate::source::display_path(&absolute(root), path);
    // The root itself is named, not left blank.
    if shown.as_os_str().is_empty() {
        return ".".to_string();
    }
    shown.display().to_string()
}

/// The path with every symbolic link in its existing part resolved: where it really leads.
/// A `..` after a link goes up from where the link leads.
pub(crate) fn resolved(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut walked = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                walked = walked.canonicalize().unwrap_or(walked);
                walked.pop();
            }
            Component::CurDir => {}
            other => walked.push(other),
        }
    }
    let mut existing = walked.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return walked,
        }
    }
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn refusal(root: &Path, out: &Path, code: Code, why: String, help: &str) -> Diagnostic {
    // No location: the folder may come from site.yaml or from --output; the message names it.
    Diagnostic::new(
        code,
        format!("refusing to write the site to {}: {why}", shown(root, out)),
        None,
    )
    .with_help(help.to_string())
}

const DEDICATED: &str =
    "set `output_dir` in site.yaml (or --output) to a folder of its own, such as `public`";

/// Every home folder depeche knows of, whatever `HOME` says: `HOME`, the current user's
/// from the system's user database, and those of the people listed in `/etc/passwd` (root,
/// and the ids from 1000 that systems give to people; service accounts' "homes" such as
/// `/var/www` are not theirs to keep).
fn home_folders() -> Vec<PathBuf> {
    let mut homes: Vec<PathBuf> = std::env::home_dir().into_iter().collect();
    #[cfg(unix)]
    {
        if let Some(own) = own_home() {
            homes.push(own);
        }
        let listed = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        homes.extend(listed.lines().filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            let uid: u32 = fields.get(2)?.parse().ok()?;
            let home = fields.get(5)?;
            let person = uid == 0 || (1000..65534).contains(&uid);
            (person && home.len() > 1 && home.starts_with('/')).then(|| PathBuf::from(home))
        }));
    }
    homes
}

/// The current user's home folder, from the user database (not `HOME`).
#[cfg(unix)]
fn own_home() -> Option<PathBuf> {
    use std::ffi::CStr;
    use std::os::unix::ffi::OsStrExt;
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0 as libc::c_char; 16 * 1024];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes into `entry` and `buffer`, both ours and large enough (it
    // fails with ERANGE otherwise), and sets `found` to `entry` or null.
    let failed = unsafe {
        libc::getpwuid_r(
            libc::geteuid(),
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        )
    };
    if failed != 0 || found.is_null() || entry.pw_dir.is_null() {
        return None;
    }
    // SAFETY: pw_dir points into `buffer`, a NUL-terminated string set by getpwuid_r.
    let dir = unsafe { CStr::from_ptr(entry.pw_dir) };
    let dir = std::ffi::OsStr::from_bytes(dir.to_bytes());
    (!dir.is_empty()).then(|| PathBuf::from(dir))
}

/// Whether the folder at `path` (if there is one) belongs to the user depeche runs as: a
/// build never replaces another user's files, `--force` or not.
fn owned_by_me(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path)
            // SAFETY: geteuid has no preconditions.
            .map_or(true, |meta| meta.uid() == unsafe { libc::geteuid() })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        true
    }
}

/// Output folders no option can make acceptable: the file system root, a home folder (any
/// user's), the site, the current folder or any of their parents, the site's sources; a
/// symbolic link, or a path through one inside the site; a folder of another user.
pub(crate) fn refuse_unsafe(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let refuse = |why: String| Err(refusal(root, out, Code::UnsafeOutputDir, why, DEDICATED));
    let root = absolute(root);
    let out = absolute(out);
    let homes: Vec<PathBuf> = home_folders().iter().map(|h| absolute(h)).collect();
    let cwd = std::env::current_dir().ok();
    // Checked as written and as resolved, so that `..` and links cannot disguise a folder.
    for (out, root) in [
        (out.clone(), root.clone()),
        (resolved(&out), resolved(&root)),
    ] {
        if out.parent().is_none() {
            return refuse("it is the file system root".into());
        }
        if homes
            .iter()
            .any(|h| h.starts_with(&out) || resolved(h).starts_with(&out))
        {
            return refuse("it is a home folder or one of its parents".into());
        }
        if root.starts_with(&out) {
            return refuse("it is the site root or one of its parents".into());
        }
        if cwd.as_ref().is_some_and(|c| c.starts_with(&out)) {
            return refuse("it is the current folder or one of its parents".into());
        }
        for source in ["content", "templates", "static", ".git"] {
            if out.starts_with(root.join(source)) {
                return refuse(format!("it is inside the site's {source}/ folder"));
            }
        }
    }
    if out.starts_with(&root) {
        // Every folder on the way from the site to the output must be a real folder.
        let mut path = root.clone();
        for part in out.strip_prefix(&root).unwrap_or(&out).components() {
            path.push(part);
            if is_symlink(&path) {
                return Err(refusal(
                    &root,
                    &out,
                    Code::UnsafeOutputDir,
                    format!("{} is a symbolic link", shown(&root, &path)),
                    "depeche never writes through a symbolic link: point `output_dir` at a real folder",
                ));
            }
        }
    }
    let layout = Layout::new(&out);
    for path in [&layout.out, &layout.staging, &layout.old, &layout.cache] {
        if is_symlink(path) {
            return Err(refusal(
                &root,
                &out,
                Code::UnsafeOutputDir,
                format!("{} is a symbolic link", shown(&root, path)),
                "depeche never writes through a symbolic link: remove the link, or point `output_dir` at a real folder",
            ));
        }
    }
    if out.exists() && !out.is_dir() {
        return refuse("it exists and is not a folder".into());
    }
    for path in [&layout.out, &layout.staging, &layout.old] {
        if !owned_by_me(path) {
            return refuse(format!("{} belongs to another user", shown(&root, path)));
        }
    }
    Ok(())
}

/// What a folder holds, by `/`-separated path relative to it.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// Regular files, each with its size and modification time as found (`None` when they
    /// could not be read): what tells a file as depeche wrote it.
    pub files: Vec<(String, Option<SizeAndTime>)>,
    /// Symbolic links, devices, sockets, names that are not UTF-8: never depeche's.
    pub foreign: Vec<String>,
    /// Folders with nothing in them: no build makes one, so one is removed (it holds
    /// nothing to lose) when the folder is next written.
    pub empty: Vec<String>,
}

/// Lists a folder, with each file's stamp. The entries of a large folder are read in
/// parallel, a small one's on the thread that found it: most folders of a site are a page's
/// own, holding its `index.html`, and a task for each cost more than reading it.
pub(super) fn scan(dir: &Path) -> io::Result<Scan> {
    /// Entries read on one thread.
    const SHARE: usize = 32;
    fn walk(dir: &Path, rel: &str, scan: &mut Scan) -> io::Result<()> {
        let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<io::Result<_>>()?;
        if entries.is_empty() && !rel.is_empty() {
            scan.empty.push(rel.to_string());
        }
        if entries.len() <= SHARE {
            return entries.iter().try_for_each(|entry| visit(entry, rel, scan));
        }
        let parts: Vec<Scan> = entries
            .par_chunks(SHARE)
            .map(|share| {
                let mut part = Scan::default();
                for entry in share {
                    visit(entry, rel, &mut part)?;
                }
                Ok(part)
            })
            .collect::<io::Result<_>>()?;
        for mut part in parts {
            scan.files.append(&mut part.files);
            scan.foreign.append(&mut part.foreign);
            scan.empty.append(&mut part.empty);
        }
        Ok(())
    }
    fn visit(entry: &std::fs::DirEntry, rel: &str, scan: &mut Scan) -> io::Result<()> {
        let name = entry.file_name();
        let utf8 = name.to_str().is_some();
        let name = name.to_string_lossy();
        let path = if rel.is_empty() {
            name.into_owned()
        } else {
            format!("{rel}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() && utf8 {
            walk(&entry.path(), &path, scan)
        } else if kind.is_file() && utf8 {
            // Looked at from its open folder (std's `DirEntry::metadata`), not by its path.
            scan.files
                .push((path, entry.metadata().ok().map(|m| SizeAndTime::of(&m))));
            Ok(())
        } else {
            scan.foreign.push(path);
            Ok(())
        }
    }
    let mut scan = Scan::default();
    walk(dir, "", &mut scan)?;
    Ok(scan)
}

/// A folder of depeche's, as found before the build: its manifest and what it holds.
#[derive(Debug)]
pub(super) struct Owned {
    pub manifest: Manifest,
    pub scan: Scan,
    /// Files were adopted with --force: the manifest must be written back to stay true.
    pub adopted: bool,
    /// The manifest is the folder's own file, as read.
    pub on_disk: bool,
}

impl Owned {
    /// Files in the folder that its manifest does not list, symbolic links and the like
    /// included. One it lists was adopted with `--force` (or took the place of a file depeche
    /// wrote): it is removed when the folder is rewritten, never followed, so it is no
    /// stranger.
    pub(super) fn strangers(&self) -> Vec<&str> {
        let mut found: Vec<&str> = self
            .scan
            .files
            .iter()
            .map(|(path, _)| path)
            .chain(&self.scan.foreign)
            .filter(|f| {
                *f != manifest::FILE && *f != manifest::TEMP_FILE && !self.manifest.contains(f)
            })
            .map(String::as_str)
            .collect();
        found.sort_unstable();
        found
    }
}

/// Reads one of the output folders: `Ok(None)` when absent. A folder without a manifest counts
/// as depeche's when it is empty, when depeche 0.1's manifest lies beside it, or with `force`
/// (its files then count as written by depeche, to be replaced); otherwise it is refused.
pub(super) fn claim_folder(
    root: &Path,
    dir: &Path,
    out: &Path,
    legacy: Option<&Manifest>,
    force: bool,
) -> Result<Option<Owned>, Diagnostic> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(root, dir, e)),
    };
    if !meta.is_dir() {
        return Err(refusal(
            root,
            out,
            Code::UnsafeOutputDir,
            format!("{} exists and is not a folder", shown(root, dir)),
            "move it away: depeche keeps its own folders under that name",
        ));
    }
    let scan = scan(dir).map_err(|e| unreadable(root, dir, e))?;
    let read = Manifest::read(dir);
    let on_disk = matches!(read, Ok(Some(_)));
    let manifest = match read {
        Ok(Some(m)) => m,
        Ok(None) => match legacy {
            Some(m) => m.clone(),
            None if scan.files.is_empty() && scan.foreign.is_empty() => Manifest::default(),
            None if force => Manifest::default(),
            None => {
                return Err(refusal(
                    root,
                    out,
                    Code::OutputNotOwned,
                    format!(
                        "{} is not empty and was not written by depeche (it has no {} file)",
                        shown(root, dir),
                        manifest::FILE
                    ),
                    "depeche replaces the whole folder it builds into: choose a new or empty folder, or pass --force to let depeche replace everything in this one",
                ));
            }
        },
        Err(e) => return Err(unreadable(root, dir, e)),
    };
    let mut owned = Owned {
        manifest,
        scan,
        adopted: false,
        on_disk,
    };
    let strangers: Vec<String> = owned.strangers().into_iter().map(String::from).collect();
    if strangers.is_empty() {
        return Ok(Some(owned));
    }
    if !force {
        return Err(strangers_error(root, dir, out, &strangers));
    }
    // Adopted: from now on these files are depeche's to replace. Links and special files are
    // never written through: they are removed when the folder is next rewritten.
    for path in strangers {
        owned.manifest.files.insert(path, None);
    }
    owned.adopted = true;
    Ok(Some(owned))
}

fn strangers_error(root: &Path, dir: &Path, out: &Path, strangers: &[String]) -> Diagnostic {
    const SHOWN: usize = 10;
    let mut list: Vec<String> = strangers
        .iter()
        .take(SHOWN)
        .map(|s| shown(root, &dir.join(s)))
        .collect();
    if strangers.len() > SHOWN {
        list.push(format!("and {} more", strangers.len() - SHOWN));
    }
    refusal(
        root,
        out,
        Code::OutputNotOwned,
        format!(
            "{} holds {} that depeche did not write: {}",
            shown(root, dir),
            if strangers.len() == 1 {
                "a file".to_string()
            } else {
                format!("{} files", strangers.len())
            },
            list.join(", ")
        ),
        "depeche never deletes what it did not write, and each build replaces this folder: move these files into static/ to publish them with the site, or delete them; --force lets depeche replace them",
    )
}

fn unreadable(root: &Path, dir: &Path, e: io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::Unreadable,
        format!("cannot read {}: {e}", shown(root, dir)),
        Some(Location::file_only(dir)),
    )
    .with_help(format!(
        "check the permissions of the output folder, and that {} there is the regular file depeche wrote (delete a link or anything else under that name)",
        manifest::FILE
    ))
}

/// Locks the folder that holds the output and depeche's folders beside it, for the whole
/// build, so that two builds never interleave there. The lock is on the folder itself (made
/// first if missing, so that two first builds lock the same folder), released when the file
/// is dropped or by the system when the process dies: a killed build never leaves it taken.
pub(super) fn lock(root: &Path, layout: &Layout) -> Result<Option<std::fs::File>, Diagnostic> {
    let Some(parent) = layout.out.parent() else {
        return Ok(None);
    };
    std::fs::create_dir_all(parent).map_err(|e| unreadable(root, parent, e))?;
    // Windows cannot open a folder as a file; builds there are not locked.
    #[cfg(not(unix))]
    {
        let _ = root;
        Ok(None)
    }
    #[cfg(unix)]
    {
        let folder = std::fs::File::open(parent).map_err(|e| unreadable(root, parent, e))?;
        match folder.try_lock() {
            Ok(()) => Ok(Some(folder)),
            Err(std::fs::TryLockError::WouldBlock) => Err(refusal(
                root,
                &layout.out,
                Code::OutputNotOwned,
                "another depeche build is writing there".into(),
                "wait for that build to end, then build again",
            )),
            Err(std::fs::TryLockError::Error(e)) => Err(unreadable(root, parent, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn every_persons_home_is_known_whatever_home_says() {
        let homes = home_folders();
        if let Some(own) = own_home() {
            assert!(homes.contains(&own));
        }
        let listed = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        if let Some(root) = listed.lines().find(|l| l.starts_with("root:")) {
            let home = root.split(':').nth(5).unwrap();
            assert!(homes.contains(&PathBuf::from(home)), "{homes:?}");
        }
        // Service accounts' folders are not homes to keep.
        assert!(!homes.contains(&PathBuf::from("/bin")));
    }

    #[test]
    fn refuses_dangerous_output_dirs() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        for bad in [
            ".",
            "..",
            "content",
            "content/x",
            "templates",
            "static/out",
            ".git",
            "/",
            "../..",
        ] {
            let err = refuse_unsafe(&root, &root.join(bad)).unwrap_err();
            assert_eq!(err.code, Code::UnsafeOutputDir, "{bad}");
        }
        // The site's root is named.
        let err = refuse_unsafe(&root, &root).unwrap_err();
        assert!(err.message.contains("the site to .:"), "{}", err.message);
        if let Some(home) = std::env::home_dir() {
            assert!(refuse_unsafe(&root, &home).is_err());
        }
        assert!(refuse_unsafe(&root, &root.join("public")).is_ok());
        assert!(refuse_unsafe(&root, &root.join("../site-public")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symbolic_links_on_the_way() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(tmp.path().join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(root.join("content"), root.join("public")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), root.join("build")).unwrap();
        for bad in ["public", "build/site", "content/../public"] {
            let err = refuse_unsafe(&root, &root.join(bad)).unwrap_err();
            assert_eq!(err.code, Code::UnsafeOutputDir, "{bad}");
        }
    }

    #[test]
    fn claims_only_folders_depeche_wrote() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        assert!(
            claim_folder(tmp.path(), &out, &out, None, false)
                .unwrap()
                .is_none()
        );
        std::fs::create_dir_all(out.join("empty/folder")).unwrap();
        assert!(
            claim_folder(tmp.path(), &out, &out, None, false)
                .unwrap()
                .is_some()
        );
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = claim_folder(tmp.path(), &out, &out, None, false).unwrap_err();
        assert_eq!(err.code, Code::OutputNotOwned);
        let forced = claim_folder(tmp.path(), &out, &out, None, true)
            .unwrap()
            .unwrap();
        assert!(forced.manifest.contains("notes.txt"));

        let mut manifest = Manifest::default();
        manifest.files.insert("index.html".into(), None);
        manifest.save(&out).unwrap();
        std::fs::write(out.join("index.html"), "x").unwrap();
        let err = claim_folder(tmp.path(), &out, &out, None, false).unwrap_err();
        assert!(err.message.contains("notes.txt"), "{}", err.message);
        assert!(!err.message.contains("index.html"), "{}", err.message);
        std::fs::remove_file(out.join("notes.txt")).unwrap();
        assert!(
            claim_folder(tmp.path(), &out, &out, None, false)
                .unwrap()
                .is_some()
        );
    }
}
