//! What the last two builds wrote: for each output file, a hash of the page it was made from,
//! with the file's size and modification time. A page rendered exactly as before, whose file
//! is still the one written then, is neither minified nor written again: on a rebuild that is
//! most of the site.
//!
//! The record is a cache and nothing more: a file whose size or time does not match (edited by
//! hand, written by another tool, or belonging to the other of the two output folders) is
//! simply minified and compared again, and an unreadable manifest counts as empty.

use std::collections::HashMap;
use std::fs::Metadata;
use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

/// Changes whenever what a page's hash stands for changes (minification, file layout), so
/// that records of an older depeche are ignored.
const FORMAT: &str = concat!("depeche-manifest 1 ", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// xxh3-128 of the page as rendered, before minification.
    pub hash: u128,
    /// Size of the file written.
    pub len: u64,
    /// Its modification time, in nanoseconds since the epoch.
    pub mtime: u128,
}

impl Record {
    pub fn new(hash: u128, meta: &Metadata) -> Record {
        Record {
            hash,
            len: meta.len(),
            mtime: mtime(meta),
        }
    }

    fn describes(&self, meta: &Metadata) -> bool {
        self.len == meta.len() && self.mtime == mtime(meta)
    }
}

fn mtime(meta: &Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

pub fn hash(content: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(content)
}

/// The records of the latest build and of the one before, whose output folders alternate.
#[derive(Debug, Default)]
pub struct Manifest {
    pub latest: HashMap<String, Record>,
    pub earlier: HashMap<String, Record>,
}

impl Manifest {
    /// Reads a manifest; anything unreadable or from another format gives an empty one.
    pub fn load(path: &Path) -> Manifest {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| Manifest::parse(&text))
            .unwrap_or_default()
    }

    fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        if lines.next()? != FORMAT {
            return None;
        }
        let mut manifest = Manifest::default();
        let mut section = &mut manifest.latest;
        for line in lines {
            match line {
                "[latest]" => section = &mut manifest.latest,
                "[earlier]" => section = &mut manifest.earlier,
                _ => {
                    let mut fields = line.splitn(4, ' ');
                    let hash = u128::from_str_radix(fields.next()?, 16).ok()?;
                    let len = fields.next()?.parse().ok()?;
                    let mtime = fields.next()?.parse().ok()?;
                    let path = fields.next()?.to_string();
                    section.insert(path, Record { hash, len, mtime });
                }
            }
        }
        Some(manifest)
    }

    /// The record of the file at `path`, if one describes it as it is on disk now.
    pub fn find(&self, path: &str, meta: &Metadata) -> Option<&Record> {
        [&self.latest, &self.earlier]
            .into_iter()
            .filter_map(|records| records.get(path))
            .find(|r| r.describes(meta))
    }

    /// Writes the manifest with `written` as the latest build; the latest so far becomes the
    /// earlier one. Written beside and renamed, so a crash leaves the old one whole.
    pub fn save(self, path: &Path, written: HashMap<String, Record>) -> io::Result<()> {
        use std::fmt::Write;
        let mut text = String::with_capacity(64 * (written.len() + self.latest.len()));
        text.push_str(FORMAT);
        text.push('\n');
        for (name, records) in [("[latest]", &written), ("[earlier]", &self.latest)] {
            text.push_str(name);
            text.push('\n');
            for (path, r) in records {
                // Paths are relative, `/`-separated and never hold a newline (they come from
                // slugs and entity ids).
                let _ = writeln!(text, "{:032x} {} {} {path}", r.hash, r.len, r.mtime);
            }
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_other_formats() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("page.html");
        std::fs::write(&file, "<p>x</p>").unwrap();
        let meta = std::fs::metadata(&file).unwrap();
        let record = Record::new(hash(b"<p>x</p>"), &meta);
        let manifest_path = dir.path().join("manifest");
        let written = HashMap::from([("en/a b/index.html".to_string(), record)]);
        Manifest::default().save(&manifest_path, written).unwrap();

        let loaded = Manifest::load(&manifest_path);
        assert_eq!(loaded.find("en/a b/index.html", &meta), Some(&record));
        assert!(loaded.earlier.is_empty());

        // A second save moves these records to the earlier build.
        loaded.save(&manifest_path, HashMap::new()).unwrap();
        let again = Manifest::load(&manifest_path);
        assert!(again.latest.is_empty());
        assert_eq!(again.find("en/a b/index.html", &meta), Some(&record));

        std::fs::write(&manifest_path, "depeche-manifest 0\n[latest]\n").unwrap();
        assert!(Manifest::load(&manifest_path).latest.is_empty());
    }

    #[test]
    fn a_file_changed_since_is_not_described() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("page.html");
        std::fs::write(&file, "<p>x</p>").unwrap();
        let record = Record::new(1, &std::fs::metadata(&file).unwrap());
        std::fs::write(&file, "<p>longer</p>").unwrap();
        let manifest = Manifest {
            latest: HashMap::from([("page.html".to_string(), record)]),
            earlier: HashMap::new(),
        };
        assert_eq!(
            manifest.find("page.html", &std::fs::metadata(&file).unwrap()),
            None
        );
    }
}
