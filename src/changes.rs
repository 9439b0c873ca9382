//! What an upload must do to make a published copy of the output match it: the files whose
//! content changed since the copy was made, and the files depeche no longer writes.
//!
//! Both sides are manifests (`.depeche-manifest`): the output's own, and the one the
//! published copy was uploaded with. A record's hash is the page's content; a manifest of
//! another depeche version carries no records, and then every file is uploaded again.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::write::manifest::Manifest;
use crate::write::{Layout, resolved};

/// How long a browser or a CDN may keep a file before asking again.
pub const REVALIDATE: &str = "public, max-age=0, must-revalidate";
/// Style sheets, scripts and images: their addresses do not change with their content, so
/// they are kept for a few minutes only.
pub const ASSET: &str = "public, max-age=300";

/// What an upload does.
#[derive(Debug, Default)]
pub struct Changes {
    /// Files to upload, by path relative to the output, with the headers to set.
    pub upload: Vec<Upload>,
    /// Files the published copy has that the output no longer does.
    pub delete: Vec<String>,
    /// Files the published copy already holds as they are.
    pub unchanged: usize,
    /// The file given as the published copy's manifest is not one (another file, damaged):
    /// every file is to upload, and nothing is known to delete.
    pub not_a_manifest: bool,
    /// Paths the published copy's manifest lists that no output holds (absolute, with `..`,
    /// the manifest itself): a manifest changed by hand. Never deleted.
    pub refused: Vec<String>,
    /// What the published copy holds while an upload is under way: its manifest without the
    /// records of the files the upload replaces or deletes. Put in place first, it makes a
    /// run that stops half way, even one followed by a revert, redo those files next time.
    pending: Manifest,
}

/// One file to upload.
#[derive(Debug, PartialEq, Eq)]
pub struct Upload {
    /// Its path relative to the output.
    pub path: String,
    /// Its size.
    pub len: u64,
    /// `Content-Type`.
    pub content_type: String,
    /// `Cache-Control`.
    pub cache_control: &'static str,
}

/// Why the changes cannot be listed.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    /// The output has no manifest: no build wrote it.
    #[error("{} holds no build of depeche (no {}): run `depeche build` first", .0.display(), crate::urls::MANIFEST)]
    NotBuilt(PathBuf),
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// To which file.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: io::Error,
    },
}

impl ChangesError {
    fn io(action: &'static str, path: &Path, source: io::Error) -> ChangesError {
        ChangesError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The changes from the copy uploaded with `published` (`None`: nothing is published yet) to
/// the output in `output`.
pub fn between(published: Option<&Path>, output: &Path) -> Result<Changes, ChangesError> {
    let now = Manifest::read(output)
        .map_err(|e| ChangesError::io("read", &output.join(crate::urls::MANIFEST), e))?
        .ok_or_else(|| ChangesError::NotBuilt(output.to_path_buf()))?;
    let mut changes = Changes::default();
    let before = match published {
        Some(path) => match Manifest::read_file(path) {
            Ok(Some(manifest)) => manifest,
            Ok(None) => {
                changes.not_a_manifest = true;
                Manifest::default()
            }
            Err(e) => return Err(ChangesError::io("read", path, e)),
        },
        None => Manifest::default(),
    };
    let mut paths: Vec<&String> = now.files.keys().collect();
    paths.sort_unstable();
    for path in paths {
        let record = now.files.get(path).copied().flatten();
        let held = before.files.get(path).copied().flatten();
        match (record, held) {
            (Some(new), Some(old)) if new.hash == old.hash && new.len == old.len => {
                changes.unchanged += 1;
            }
            _ => changes.upload.push(Upload {
                path: path.clone(),
                len: match record {
                    Some(r) => r.len,
                    None => fs::metadata(output.join(path)).map_or(0, |m| m.len()),
                },
                content_type: crate::urls::content_type(path),
                cache_control: cache_control(path),
            }),
        }
    }
    let (gone, refused): (Vec<String>, Vec<String>) = before
        .files
        .keys()
        .filter(|path| !now.files.contains_key(*path))
        .cloned()
        .partition(|path| of_an_output(path));
    changes.delete = gone;
    changes.delete.sort_unstable();
    changes.refused = refused;
    changes.refused.sort_unstable();
    changes.pending = before;
    for path in changes
        .upload
        .iter()
        .map(|u| &u.path)
        .chain(&changes.delete)
    {
        changes.pending.files.insert(path.clone(), None);
    }
    Ok(changes)
}

/// Whether `path` is one an output can hold: relative, `/`-separated, with no empty, `.` or
/// `..` part, no backslash or control character, and not the manifest. Any other, in the
/// published copy's manifest, was not written by a build, and an upload tool given it to
/// delete might reach out of the site.
fn of_an_output(path: &str) -> bool {
    path != crate::urls::MANIFEST
        && path != crate::urls::MANIFEST_TEMP
        && !path.chars().any(|c| c == '\\' || c.is_control())
        && path.split('/').all(|part| !matches!(part, "" | "." | ".."))
}

/// The `Cache-Control` a file is uploaded with.
pub fn cache_control(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "css" | "js" | "mjs" | "svg" | "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "ico"
        | "woff" | "woff2" => ASSET,
        _ => REVALIDATE,
    }
}

impl Changes {
    /// Lays the changes out in `dir` for an upload tool, in the order an upload uses them:
    /// `pending-manifest` (to put in place of the published copy's manifest first); each file
    /// to upload linked (or copied) under `upload/<n>/`, one folder per pair of headers,
    /// which `upload.tsv` lists (`n`, content type, cache control, files); `delete.txt`, the
    /// paths to delete; `manifest`, the output's own, to put in place last. `dir` must be new
    /// or empty, and outside the folders a build reads or writes (`forbidden`).
    pub fn lay_out(
        &self,
        output: &Path,
        dir: &Path,
        forbidden: &[&Path],
    ) -> Result<(), ChangesError> {
        let fail = |action: &'static str, path: &Path| {
            let path = path.to_path_buf();
            move |e| ChangesError::io(action, &path, e)
        };
        let refuse = |why: &str| {
            Err(ChangesError::io(
                "lay out the changes in",
                dir,
                io::Error::other(why.to_string()),
            ))
        };
        if dir.exists() && !dir.is_dir() {
            return refuse("it exists and is not a folder");
        }
        if !dir.exists() && fs::symlink_metadata(dir).is_ok() {
            return refuse("it is a symbolic link to nothing: give a new folder, or an empty one");
        }
        if fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
            return refuse("the folder is not empty");
        }
        let target = resolved(dir);
        if let Some(inside) = forbidden.iter().find(|f| target.starts_with(resolved(f))) {
            return refuse(&format!(
                "it is inside {}, which a build reads or writes: choose a folder outside it",
                inside.display()
            ));
        }
        // Nor in the folders a build keeps beside the output (`.public.depeche-old`).
        let layout = Layout::new(output);
        let beside = [&layout.staging, &layout.old, &layout.cache];
        if beside
            .iter()
            .any(|folder| target.starts_with(resolved(folder)))
        {
            return refuse("it is inside a folder depeche keeps beside the output");
        }
        let mut groups: BTreeMap<(&str, &str), Vec<&Upload>> = BTreeMap::new();
        for upload in &self.upload {
            groups
                .entry((&upload.content_type, upload.cache_control))
                .or_default()
                .push(upload);
        }
        let mut table = String::new();
        for (n, ((content_type, cache_control), files)) in groups.iter().enumerate() {
            let folder = dir.join("upload").join((n + 1).to_string());
            for upload in files {
                let to = folder.join(&upload.path);
                let from = output.join(&upload.path);
                if let Some(parent) = to.parent() {
                    fs::create_dir_all(parent).map_err(fail("create", parent))?;
                }
                if fs::hard_link(&from, &to).is_err() {
                    fs::copy(&from, &to).map_err(fail("copy", &from))?;
                }
            }
            table.push_str(&format!(
                "{}\t{content_type}\t{cache_control}\t{}\n",
                n + 1,
                files.len()
            ));
        }
        fs::create_dir_all(dir).map_err(fail("create", dir))?;
        let pending = dir.join("pending-manifest");
        fs::write(&pending, self.pending.text()).map_err(fail("write", &pending))?;
        // A copy, not a link: edited in the plan, the output's own would vouch for files it
        // did not write.
        let manifest = dir.join("manifest");
        let own = output.join(crate::urls::MANIFEST);
        fs::copy(&own, &manifest).map_err(fail("copy", &own))?;
        let tsv = dir.join("upload.tsv");
        fs::write(&tsv, table).map_err(fail("write", &tsv))?;
        let mut deleted = self.delete.join("\n");
        if !deleted.is_empty() {
            deleted.push('\n');
        }
        let delete = dir.join("delete.txt");
        fs::write(&delete, deleted).map_err(fail("write", &delete))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_an_output_holds_are_deleted() {
        for path in [
            "index.html",
            "fr/articles/a/index.html",
            "images/a b.jpg",
            ".nojekyll",
        ] {
            assert!(of_an_output(path), "{path}");
        }
        for path in [
            "../../../etc/passwd",
            "/abs/path",
            "fr/../../x",
            "fr//x",
            "./x",
            "x/",
            "",
            "a\\..\\b",
            "a\nb",
            ".depeche-manifest",
        ] {
            assert!(!of_an_output(path), "{path}");
        }
    }

    #[test]
    fn pages_are_revalidated_and_assets_kept_a_little() {
        assert_eq!(cache_control("fr/articles/a/index.html"), REVALIDATE);
        assert_eq!(cache_control("fr/search/index/t/61.json"), REVALIDATE);
        assert_eq!(cache_control("fr/entities/hts/atom.xml"), REVALIDATE);
        assert_eq!(cache_control("style.css"), ASSET);
        assert_eq!(cache_control("images/alep.JPG"), ASSET);
        assert_eq!(cache_control("data/figures.csv"), REVALIDATE);
        assert_eq!(cache_control("search.js"), ASSET);
    }
}
