//! Each output folder's manifest (`.depeche-manifest`, inside the folder): the list of every
//! file depeche wrote there. It is depeche's mark of ownership, the only list pruning deletes
//! from, and a cache: a page rendered exactly as before, whose file is still the one written
//! then (same size, modification and change times), is neither minified nor written again.
//!
//! Before a build writes into a folder, the paths it is about to write are added to the folder's
//! manifest without a record (pending), so that a build killed half-way leaves no file that
//! depeche cannot recognise as its own.

use std::collections::HashMap;
use std::fs::Metadata;
use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

pub(crate) use crate::urls::{MANIFEST as FILE, MANIFEST_TEMP as TEMP_FILE};

/// The first line: changes whenever what a record's hash stands for changes (minification,
/// file layout), so that records of an older depeche are not trusted as a cache. The paths of
/// any format still prove ownership.
const MAGIC: &str = "depeche-manifest";
const FORMAT: &str = concat!("depeche-manifest 5 ", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Record {
    /// xxh3-128 of the page as rendered, before minification.
    pub hash: u128,
    /// Size of the file written.
    pub len: u64,
    /// Its modification time, in nanoseconds since the epoch.
    pub mtime: u128,
    /// Its change time, in nanoseconds since the epoch.
    pub ctime: u128,
}

impl Record {
    pub(crate) fn new(hash: u128, written: SizeAndTime) -> Record {
        Record {
            hash,
            len: written.len,
            mtime: written.mtime,
            ctime: written.ctime,
        }
    }

    /// A record's fields as its line holds them: hash, size, modification and change times.
    fn parse(fields: &[&str]) -> Option<Record> {
        let [hash, len, mtime, ctime] = fields else {
            return None;
        };
        Some(Record {
            hash: u128::from_str_radix(hash, 16).ok()?,
            len: len.parse().ok()?,
            mtime: mtime.parse().ok()?,
            ctime: ctime.parse().ok()?,
        })
    }

    /// Whether the file is still the one written: same size, modification and change times.
    pub(crate) fn describes(&self, stamp: SizeAndTime) -> bool {
        self.len == stamp.len && self.mtime == stamp.mtime && self.ctime == stamp.ctime
    }
}

/// What a record is checked against: a file's size, modification and change times, as found.
/// A write moves both times, and the change time cannot be set back by hand (`touch -r` and
/// `cp -p` set the other): a page edited by hand is not taken for the one depeche wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SizeAndTime {
    pub len: u64,
    pub mtime: u128,
    pub ctime: u128,
}

impl SizeAndTime {
    pub(crate) fn of(meta: &Metadata) -> SizeAndTime {
        SizeAndTime {
            len: meta.len(),
            mtime: mtime(meta),
            ctime: ctime(meta),
        }
    }
}

/// A file's modification time, in nanoseconds since the epoch (0 when unknown).
fn mtime(meta: &Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// A file's change time, in nanoseconds since the epoch (0 where the system keeps none).
fn ctime(meta: &Metadata) -> u128 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let (secs, nanos) = (meta.ctime(), meta.ctime_nsec());
        u128::try_from(secs).map_or(0, |s| {
            s * 1_000_000_000 + u128::try_from(nanos).unwrap_or(0)
        })
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}

pub(crate) fn hash(content: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(content)
}

/// Every file depeche wrote (or is about to write) in one folder, by `/`-separated relative path;
/// `None` for a file whose record is unknown (pending, or from an older format).
#[derive(Debug, Default, Clone)]
pub(crate) struct Manifest {
    pub files: HashMap<String, Option<Record>>,
    /// Folders a build is about to fill with files named as they are made (`fr/search/index/`):
    /// everything in them is depeche's. Written as pending paths ending with `/`.
    pub folders: Vec<String>,
}

impl Manifest {
    /// Reads the manifest of `dir`: `Ok(None)` when there is none (the folder is not depeche's).
    pub(crate) fn read(dir: &Path) -> io::Result<Option<Manifest>> {
        Manifest::read_file(&dir.join(FILE))
    }

    /// Reads a manifest file: `Ok(None)` when it is absent or not a manifest.
    pub(crate) fn read_file(path: &Path) -> io::Result<Option<Manifest>> {
        // A manifest planted as a link to a pipe or a device would block or exhaust the build.
        match crate::source::read_own_file(path, 1 << 30) {
            Ok(bytes) => Ok(Manifest::parse(&String::from_utf8_lossy(&bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `None` unless the text is a manifest; records of another format are dropped, paths kept.
    fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        let header = lines.next()?;
        if header.split(' ').next() != Some(MAGIC) {
            return None;
        }
        let trusted = header == FORMAT;
        let mut manifest = Manifest::default();
        for line in lines {
            if let Some(path) = line.strip_prefix("- ") {
                if path.ends_with('/') {
                    manifest.folders.push(path.to_string());
                } else {
                    manifest.files.insert(path.to_string(), None);
                }
                continue;
            }
            // Earlier formats have no change time: their paths are read, not their records.
            let wanted = if trusted { 5 } else { 4 };
            let fields: Vec<&str> = line.splitn(wanted, ' ').collect();
            let Some((path, record)) = fields.split_last().filter(|_| fields.len() == wanted)
            else {
                continue;
            };
            let record = Record::parse(record).filter(|_| trusted);
            manifest.files.insert(path.to_string(), record);
        }
        Some(manifest)
    }

    /// Whether depeche wrote (or is about to write) the file at `path`.
    pub(crate) fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
            || self
                .folders
                .iter()
                .any(|folder| path.starts_with(folder.as_str()))
    }

    /// The record of the file at `path`, if one describes it as found (`stamp`).
    pub(crate) fn find(&self, path: &str, stamp: SizeAndTime) -> Option<&Record> {
        self.files
            .get(path)?
            .as_ref()
            .filter(|r| r.describes(stamp))
    }

    /// Writes the manifest into `dir`: beside, then renamed, so a crash leaves the old one whole.
    pub(crate) fn save(&self, dir: &Path) -> io::Result<()> {
        let tmp = dir.join(TEMP_FILE);
        std::fs::write(&tmp, self.text())?;
        std::fs::rename(&tmp, dir.join(FILE))
    }

    /// Adds pending paths (`- path` lines) at the end of the manifest written in `dir`: far
    /// less than writing it again, when a build adds a few files to tens of thousands. A line
    /// torn by a crash names no file of depeche's, and nothing is written before it is whole.
    pub(crate) fn append_pending(dir: &Path, paths: &[String]) -> io::Result<()> {
        use std::io::Write;
        let mut lines = String::from("\n");
        for path in paths {
            lines.push_str("- ");
            lines.push_str(path);
            lines.push('\n');
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(FILE))?
            .write_all(lines.as_bytes())
    }

    /// What the manifest of an output of these files (path and size) weighs, as `text` writes
    /// it after a build: its first line, and a record a file whose times have 19 digits (every
    /// time from 2001 to 2286; an older one makes this an upper bound).
    pub(crate) fn size_for<'a>(files: impl IntoIterator<Item = (&'a str, Option<u64>)>) -> u64 {
        let digits = |n: u64| n.checked_ilog10().map_or(1, |d| d as u64 + 1);
        let records: u64 = files
            .into_iter()
            .map(|(path, len)| {
                32 + 1 + digits(len.unwrap_or(0)) + 1 + 19 + 1 + 19 + 1 + path.len() as u64 + 1
            })
            .sum();
        FORMAT.len() as u64 + 1 + records
    }

    /// The manifest as its file holds it.
    pub(crate) fn text(&self) -> String {
        use std::fmt::Write;
        let mut paths: Vec<&String> = self.files.keys().chain(&self.folders).collect();
        // Sorted, so that the same build writes the same manifest.
        paths.sort_unstable();
        let mut text = String::with_capacity(80 * (paths.len() + 1));
        text.push_str(FORMAT);
        text.push('\n');
        for path in paths {
            // Paths are relative, `/`-separated and never hold a newline: they come from
            // checked slugs, ids and `static/` names (see `outputs`).
            match self.files.get(path).copied().flatten() {
                Some(r) => {
                    let _ = writeln!(
                        text,
                        "{:032x} {} {} {} {path}",
                        r.hash, r.len, r.mtime, r.ctime
                    );
                }
                None => {
                    let _ = writeln!(text, "- {path}");
                }
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_foretold_is_the_size_written() {
        let mut manifest = Manifest::default();
        let at = 1_796_642_136_027_717_680;
        for (path, len) in [
            ("404.html", 1062),
            (".nojekyll", 0),
            ("fr/é/index.html", 12_345_678),
        ] {
            let written = SizeAndTime {
                len,
                mtime: at,
                ctime: at + 1,
            };
            manifest
                .files
                .insert(path.to_string(), Some(Record::new(u128::MAX >> 3, written)));
        }
        let files = manifest
            .files
            .iter()
            .map(|(p, r)| (p.as_str(), r.map(|r| r.len)));
        assert_eq!(Manifest::size_for(files), manifest.text().len() as u64);
    }

    #[test]
    fn round_trips_records_and_pending_paths() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("page.html");
        std::fs::write(&file, "<p>x</p>").unwrap();
        let meta = std::fs::metadata(&file).unwrap();
        let record = Record::new(hash(b"<p>x</p>"), SizeAndTime::of(&meta));
        let mut manifest = Manifest::default();
        manifest
            .files
            .insert("en/a b/index.html".to_string(), Some(record));
        manifest.files.insert("fr/new/index.html".to_string(), None);
        manifest.folders.push("fr/search/index/".to_string());
        manifest.save(dir.path()).unwrap();

        let loaded = Manifest::read(dir.path()).unwrap().unwrap();
        assert_eq!(
            loaded.find("en/a b/index.html", SizeAndTime::of(&meta)),
            Some(&record)
        );
        assert!(loaded.contains("fr/new/index.html"));
        assert_eq!(
            loaded.find("fr/new/index.html", SizeAndTime::of(&meta)),
            None
        );
        assert!(loaded.contains("fr/search/index/t/616c6570.json"));
        assert!(!loaded.contains("fr/search/other.json"));
        assert!(!dir.path().join(TEMP_FILE).exists());
    }

    #[test]
    fn other_formats_prove_ownership_but_are_not_trusted_as_a_cache() {
        let old = "depeche-manifest 1 0.0.1\n0000000000000000000000000000002a 8 1 a.html\n";
        let m = Manifest::parse(old).unwrap();
        assert_eq!(m.files.get("a.html"), Some(&None));
        // The last format without change times: its paths, spaces and all.
        let four = "depeche-manifest 4 0.1.0\n0000000000000000000000000000002a 8 1 en/a b.html\n";
        let m = Manifest::parse(four).unwrap();
        assert_eq!(m.files.get("en/a b.html"), Some(&None));
        assert!(Manifest::parse("<!doctype html>\n").is_none());
        assert!(Manifest::parse("").is_none());
    }

    /// An edit of the same length whose modification time is set back (`touch -r`, `cp -p`)
    /// still moves the change time.
    #[cfg(unix)]
    #[test]
    fn a_file_edited_with_its_size_and_time_kept_is_not_described() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("page.html");
        std::fs::write(&file, "<p>x</p>").unwrap();
        let written = std::fs::metadata(&file).unwrap();
        let record = Record::new(1, SizeAndTime::of(&written));
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&file, "<p>y</p>").unwrap();
        let edited = std::fs::File::options().write(true).open(&file).unwrap();
        edited.set_modified(written.modified().unwrap()).unwrap();
        let now = SizeAndTime::of(&std::fs::metadata(&file).unwrap());
        assert_eq!((now.len, now.mtime), (record.len, record.mtime));
        assert!(!record.describes(now), "{record:?} {now:?}");
    }

    #[test]
    fn a_file_changed_since_is_not_described() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("page.html");
        std::fs::write(&file, "<p>x</p>").unwrap();
        let record = Record::new(1, SizeAndTime::of(&std::fs::metadata(&file).unwrap()));
        std::fs::write(&file, "<p>longer</p>").unwrap();
        let mut manifest = Manifest::default();
        manifest.files.insert("page.html".to_string(), Some(record));
        assert_eq!(
            manifest.find(
                "page.html",
                SizeAndTime::of(&std::fs::metadata(&file).unwrap())
            ),
            None
        );
    }
}
