//! Stage 6: minify, write into a staging directory beside the output, then swap it in.
//! A failed build never touches the previous output; an interrupted swap is repaired next time.

mod manifest;

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use manifest::Manifest;
pub use manifest::Record;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::render::Page;

/// What a build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub files: usize,
    pub bytes: u64,
}

/// Typed I/O failure naming the path involved.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct WriteError {
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl From<WriteError> for Diagnostic {
    fn from(e: WriteError) -> Self {
        Diagnostic::new(
            Code::Unreadable,
            e.to_string(),
            Some(Location::file_only(&e.path)),
        )
        .with_help("check the permissions and free space of the output directory's parent")
    }
}

fn io<T>(action: &'static str, path: &Path, result: io::Result<T>) -> Result<T, WriteError> {
    result.map_err(|source| WriteError {
        action,
        path: path.to_path_buf(),
        source,
    })
}

/// The absolute, lexically normalised form of a path that may not exist yet.
fn normalize(path: &Path) -> PathBuf {
    crate::source::normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Refuses output directories whose replacement would destroy the user's sources.
pub fn check_output_dir(config: &Config) -> Result<(), Diagnostic> {
    let root = normalize(&config.root);
    let out = normalize(&config.output_dir);
    let refuse = |why: String| {
        Err(Diagnostic::new(
            Code::UnsafeOutputDir,
            format!("refusing to write the site to {}: {why}", out.display()),
            Some(Location::file_only(crate::config::CONFIG_FILE)),
        )
        .with_help(
            "set `output_dir` in site.yaml (or --output) to a dedicated folder such as `public`",
        ))
    };
    if out.parent().is_none() {
        return refuse("it is the file system root".into());
    }
    if root.starts_with(&out) {
        return refuse("it is the site root or one of its parents".into());
    }
    for source_dir in ["content", "templates", "static"] {
        if out.starts_with(root.join(source_dir)) {
            return refuse(format!("it is inside the site's {source_dir}/ folder"));
        }
    }
    if out.exists() && !out.is_dir() {
        return refuse("it exists and is not a directory".into());
    }
    Ok(())
}

struct Sibling {
    staging: PathBuf,
    old: PathBuf,
    manifest: PathBuf,
}

fn siblings(out: &Path) -> Sibling {
    let parent = out.parent().unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    Sibling {
        staging: parent.join(format!(".{name}.depeche-staging")),
        old: parent.join(format!(".{name}.depeche-old")),
        manifest: parent.join(format!(".{name}.depeche-manifest")),
    }
}

/// Repairs an interrupted swap: the previous output parked aside goes back into place.
pub fn recover(out: &Path) -> Result<(), WriteError> {
    let s = siblings(out);
    if !out.exists() && s.old.exists() {
        io("restore", &s.old, fs::rename(&s.old, out))?;
    }
    Ok(())
}

/// The folder a build writes into, beside the output, swapped in by [`Staging::finish`].
///
/// The previous output is kept aside (`.<output>.depeche-old`) and becomes the next build's
/// staging folder: overwriting files that exist is far cheaper than deleting a tree of
/// thousands of files and creating it again. A half-written staging folder left by an
/// interrupted build is reused the same way: every file is rewritten or pruned.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// What the earlier builds wrote.
    known: Manifest,
}

impl Staging {
    pub fn open(config: &Config) -> Result<Staging, Diagnostic> {
        check_output_dir(config)?;
        let out = normalize(&config.output_dir);
        recover(&out)?;
        let s = siblings(&out);
        if !s.staging.exists() && s.old.exists() {
            io("reuse", &s.old, fs::rename(&s.old, &s.staging))?;
        }
        io("create", &s.staging, fs::create_dir_all(&s.staging))?;
        Ok(Staging {
            out,
            dir: s.staging,
            known: Manifest::load(&s.manifest),
        })
    }

    /// Writes one page (minified when it is HTML); returns what [`Staging::finish`] records
    /// of it. Safe to call from many threads.
    pub fn write(&self, page: &Page) -> Result<Record, WriteError> {
        let path = self.dir.join(&page.path);
        let hash = manifest::hash(page.content.as_bytes());
        let existing = fs::metadata(&path).ok();
        // The staging folder holds an earlier build: a file made from the same page is left
        // alone, neither minified nor written, which spares most of a rebuild's work.
        if let Some(meta) = &existing
            && let Some(record) = self.known.find(&page.path, meta)
            && record.hash == hash
        {
            return Ok(*record);
        }
        let minified;
        let content = if page.path.ends_with(".html") {
            minified = minify(&page.content);
            &minified[..]
        } else {
            page.content.as_bytes()
        };
        let meta = match existing {
            Some(meta)
                if meta.len() == content.len() as u64
                    && fs::read(&path).is_ok_and(|old| old == content) =>
            {
                meta
            }
            _ => write_file(&path, content)?,
        };
        Ok(Record::new(hash, &meta))
    }

    /// Copies `static/`, removes what this build did not write, and swaps the folder in.
    pub fn finish(self, config: &Config, pages: &[(Page, Record)]) -> Result<Report, Diagnostic> {
        let mut written: HashSet<PathBuf> =
            pages.iter().map(|(p, _)| self.dir.join(&p.path)).collect();
        let copied = copy_static(&config.root.join("static"), &self.dir, &mut written)?;
        prune(&self.dir, &written)?;
        let s = siblings(&self.out);
        let records = pages
            .iter()
            .map(|(page, record)| (page.path.clone(), *record))
            .collect();
        io("write", &s.manifest, self.known.save(&s.manifest, records))?;
        if s.old.exists() {
            io("remove", &s.old, fs::remove_dir_all(&s.old))?;
        }
        if self.out.exists() {
            io("move aside", &self.out, fs::rename(&self.out, &s.old))?;
        }
        io(
            "move into place",
            &self.dir,
            fs::rename(&self.dir, &self.out),
        )?;
        Ok(Report {
            files: pages.len() + copied.0,
            bytes: pages.iter().map(|(_, record)| record.len).sum::<u64>() + copied.1,
        })
    }
}

/// Creates or truncates a file and writes it, creating its folder when missing; returns its
/// metadata once written.
fn write_file(path: &Path, content: &[u8]) -> Result<fs::Metadata, WriteError> {
    let mut file = match fs::File::create(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                io("create", parent, fs::create_dir_all(parent))?;
            }
            io("write", path, fs::File::create(path))?
        }
        file => io("write", path, file)?,
    };
    io("write", path, file.write_all(content))?;
    io("write", path, file.metadata())
}

/// Removes from the staging directory whatever this build did not write, and the folders
/// left empty. Folders are read in parallel: at tens of thousands of pages (a folder each),
/// the walk is mostly waiting on system calls.
fn prune(dir: &Path, keep: &HashSet<PathBuf>) -> Result<(), WriteError> {
    prune_folder(dir, keep).map(|_| ())
}

/// Prunes one folder; tells whether anything in it was kept.
fn prune_folder(dir: &Path, keep: &HashSet<PathBuf>) -> Result<bool, WriteError> {
    let entries: Vec<fs::DirEntry> = io("read", dir, fs::read_dir(dir))?
        .filter_map(Result::ok)
        .collect();
    entries
        .par_iter()
        .map(|entry| {
            let path = entry.path();
            // Symbolic links are removed or kept like files, never followed.
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                let kept = prune_folder(&path, keep)?;
                if !kept {
                    // Refused if something appeared meanwhile: then it stays.
                    let _ = fs::remove_dir(&path);
                }
                Ok(kept)
            } else if keep.contains(&path) {
                Ok(true)
            } else {
                io("remove", &path, fs::remove_file(&path))?;
                Ok(false)
            }
        })
        .try_reduce(|| false, |a, b| Ok(a || b))
}

/// Any change to what this produces must change the manifest's `FORMAT`, or rebuilds would
/// keep files minified the old way.
pub fn minify(html: &str) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    cfg.minify_css = true;
    minify_html::minify(html.as_bytes(), &cfg)
}

/// Copies `static/` byte for byte. Symlinks are not followed, so nothing outside the site leaks in.
fn copy_static(
    from: &Path,
    to: &Path,
    written: &mut HashSet<PathBuf>,
) -> Result<(usize, u64), WriteError> {
    if !from.is_dir() {
        return Ok((0, 0));
    }
    let (mut files, mut bytes) = (0, 0);
    for entry in walkdir::WalkDir::new(from)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| WriteError {
            action: "read",
            path: e
                .path()
                .map_or_else(|| from.to_path_buf(), Path::to_path_buf),
            source: e
                .into_io_error()
                .unwrap_or_else(|| io::Error::other("walk error")),
        })?;
        let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            io("create", &target, fs::create_dir_all(&target))?;
        } else if entry.file_type().is_file() {
            bytes += io("copy", entry.path(), fs::copy(entry.path(), &target))?;
            files += 1;
            written.insert(target);
        }
    }
    Ok((files, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(root: &Path, out: &str) -> Config {
        Config {
            root: root.to_path_buf(),
            title: Default::default(),
            base_url: "https://x.org/".into(),
            base_path: "/".into(),
            languages: vec!["fr".into()],
            output_dir: root.join(out),
            allow_html: false,
            backlinks_per_page: 20,
            cname: None,
            articles_per_page: 50,
        }
    }

    #[test]
    fn refuses_dangerous_output_dirs() {
        let root = Path::new("/srv/site");
        for bad in [
            ".",
            "..",
            "content",
            "content/x",
            "templates",
            "static",
            "/",
            "../..",
        ] {
            let err = check_output_dir(&config(root, bad)).unwrap_err();
            assert_eq!(err.code, Code::UnsafeOutputDir, "{bad}");
        }
        assert!(check_output_dir(&config(root, "public")).is_ok());
        assert!(check_output_dir(&config(root, "../site-public")).is_ok());
    }

    #[test]
    fn recovers_an_interrupted_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = siblings(&out);
        fs::create_dir_all(&s.old).unwrap();
        fs::write(s.old.join("index.html"), "old").unwrap();
        recover(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert!(!s.old.exists());
    }

    #[test]
    fn staging_reuse_prunes_what_the_build_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("stage");
        fs::create_dir_all(dir.join("fr/old-article")).unwrap();
        fs::write(dir.join("fr/old-article/index.html"), "stale").unwrap();
        fs::write(dir.join("keep.html"), "x").unwrap();
        let keep: HashSet<PathBuf> = [dir.join("keep.html")].into_iter().collect();
        prune(&dir, &keep).unwrap();
        assert!(dir.join("keep.html").exists());
        assert!(!dir.join("fr").exists());
    }
}
