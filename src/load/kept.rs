//! The front matter the last build read in each article file, kept in the build's cache for
//! the next one: a file whose text is the same (its path and [`super::digest`]) reads the
//! same, so it is not parsed again. Reading YAML was two fifths of loading a large site. A
//! file whose [`Stamp`] is the one it was read with is not even read: its text is read only
//! if it must be annotated again (see [`super::ArticleSource::read_text`]).
//!
//! The file is a header (format, program) then, for each article file, its path, its digest,
//! its stamp (empty when it is not trusted) and its `postcard` entry, each part after its
//! length. A file that does not read, or was written by another program, keeps nothing: every
//! front matter is parsed. It is taken from the cache as it is read, and written again by a
//! build that succeeds: one that fails (a file that changed under its stamp among its
//! reasons) leaves the next one to read every file.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::FrontMatter;
use crate::source::Stamp;

/// The file in the build's cache.
const FILE: &str = "front-matter";
/// Its first bytes: change with anything that changes what an entry holds.
const MAGIC: &[u8] = concat!("depeche-front-matter 2 ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();
/// The largest file read back (about 1 KB an article).
const LIMIT: u64 = 1 << 30;

/// What the last build read in the front matter of each article file, by path.
#[derive(Debug, Default)]
pub(crate) struct KeptFronts {
    by_path: HashMap<PathBuf, Kept>,
}

#[derive(Debug)]
struct Kept {
    digest: u64,
    stamp: Option<Stamp>,
    entry: Vec<u8>,
}

/// An article file's front matter as it was read: where its body starts, how long the body
/// is, the digest of the text before it, and what it says.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Entry<T> {
    pub(crate) body_start: usize,
    pub(crate) body_len: usize,
    pub(crate) front_digest: u64,
    pub(crate) front: T,
}

/// What a build keeps of one article file for the next.
pub(crate) struct Front<'a> {
    pub(crate) path: &'a Path,
    pub(crate) digest: u64,
    /// Its stamp when it was read, if it was settled then.
    pub(crate) stamp: Option<Stamp>,
    pub(crate) entry: Entry<&'a FrontMatter>,
}

impl KeptFronts {
    /// The front matter kept in `cache`, taken from it; none when there is none or it does
    /// not read.
    pub(crate) fn open(cache: &Path) -> KeptFronts {
        let path = cache.join(FILE);
        let kept = KeptFronts::opened(&path);
        if kept.is_some() {
            let _ = fs::remove_file(&path);
        }
        kept.unwrap_or_default()
    }

    /// Its header is checked before the rest is read: a file of another program, or not
    /// depeche's at all, costs a few bytes, not its size in memory.
    fn opened(path: &Path) -> Option<KeptFronts> {
        let meta = fs::symlink_metadata(path).ok()?;
        if !meta.is_file() || meta.len() > LIMIT {
            return None;
        }
        let mut file = fs::File::open(path).ok()?;
        let expected = header();
        let mut head = vec![0; expected.len()];
        file.read_exact(&mut head).ok()?;
        if head != expected {
            return None;
        }
        let mut entries = Vec::new();
        file.take(LIMIT).read_to_end(&mut entries).ok()?;
        KeptFronts::parse(&entries)
    }

    /// The entries after the header.
    fn parse(mut rest: &[u8]) -> Option<KeptFronts> {
        let mut part = || -> Option<&[u8]> {
            let (len, tail) = rest.split_first_chunk::<4>()?;
            let (part, tail) = tail.split_at_checked(u32::from_le_bytes(*len) as usize)?;
            rest = tail;
            Some(part)
        };
        let mut by_path = HashMap::new();
        while let Some(path) = part() {
            let digest = u64::from_le_bytes(part()?.try_into().ok()?);
            let stamp = match part()? {
                [] => None,
                bytes => Some(Stamp::from_bytes(bytes)?),
            };
            let entry = part()?.to_vec();
            let path = PathBuf::from(std::str::from_utf8(path).ok()?);
            by_path.insert(
                path,
                Kept {
                    digest,
                    stamp,
                    entry,
                },
            );
        }
        Some(KeptFronts { by_path })
    }

    /// The front matter of the file `path` as the last build read it, when its text still
    /// has `digest`.
    pub(crate) fn get(&self, path: &Path, digest: u64) -> Option<Entry<FrontMatter>> {
        let kept = self
            .by_path
            .get(path)
            .filter(|kept| kept.digest == digest)?;
        postcard::from_bytes(&kept.entry).ok()
    }

    /// The digest, stamp and front matter of the file `shown` (at `path`) as the last build
    /// read it, when its stamp is still the one it was read with: its text need not be read.
    pub(crate) fn unchanged(
        &self,
        shown: &Path,
        path: &Path,
    ) -> Option<(u64, Stamp, Entry<FrontMatter>)> {
        let kept = self.by_path.get(shown)?;
        let stamp = kept.stamp?;
        let now = fs::symlink_metadata(path).ok()?;
        if Stamp::of(&now) != Some(stamp) {
            return None;
        }
        Some((kept.digest, stamp, postcard::from_bytes(&kept.entry).ok()?))
    }

    /// Writes `fronts` into `cache`, replacing the last build's. A failure leaves none: the
    /// next build reads and parses every file.
    pub(crate) fn save<'a>(cache: &Path, fronts: impl Iterator<Item = Front<'a>>) {
        let path = cache.join(FILE);
        let partial = cache.join(format!("{FILE}.partial"));
        let written = write(&partial, fronts).and_then(|()| fs::rename(&partial, &path));
        if written.is_err() {
            let _ = fs::remove_file(&partial);
            let _ = fs::remove_file(&path);
        }
    }
}

fn write<'a>(path: &Path, fronts: impl Iterator<Item = Front<'a>>) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, crate::transaction::create_fresh(path)?);
    let part = |out: &mut BufWriter<fs::File>, bytes: &[u8]| -> io::Result<()> {
        let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(bytes)
    };
    out.write_all(&header())?;
    let mut buffer = Vec::new();
    for front in fronts {
        // A path that is not UTF-8 is not kept: such a file is parsed on every build.
        let Some(name) = front.path.to_str() else {
            continue;
        };
        buffer.clear();
        let bytes = postcard::to_extend(&front.entry, std::mem::take(&mut buffer))
            .map_err(io::Error::other)?;
        part(&mut out, name.as_bytes())?;
        part(&mut out, &front.digest.to_le_bytes())?;
        let stamp = front.stamp.map(Stamp::to_bytes);
        part(&mut out, stamp.as_ref().map_or(&[][..], |s| &s[..]))?;
        part(&mut out, &bytes)?;
        buffer = bytes;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// The file's first bytes: its format, then this program (one built from other sources may
/// read front matter otherwise), after its length.
fn header() -> Vec<u8> {
    let program = crate::source::program_stamp().unwrap_or_default();
    let mut header = MAGIC.to_vec();
    header.extend_from_slice(&(program.len() as u32).to_le_bytes());
    header.extend_from_slice(program.as_bytes());
    header
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceText;

    struct Read {
        path: PathBuf,
        digest: u64,
        body_start: usize,
        front: FrontMatter,
    }

    fn article(path: &str, yaml: &str) -> Read {
        let src = SourceText::new(path, format!("---\n{yaml}---\nBody.\n"));
        let split = crate::load::front_matter::split(&src).unwrap();
        let front = crate::load::front_matter::parse(&src, split, "a").unwrap();
        Read {
            path: path.into(),
            digest: super::super::digest(&src.text),
            body_start: split.body_start,
            front,
        }
    }

    fn front(read: &Read) -> Front<'_> {
        Front {
            path: &read.path,
            digest: read.digest,
            stamp: None,
            entry: Entry {
                body_start: read.body_start,
                body_len: 6,
                front_digest: 7,
                front: &read.front,
            },
        }
    }

    #[test]
    fn a_file_is_read_back_as_it_was_parsed_while_its_text_is_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let full = article(
            "content/articles/a.fr.md",
            "title: Alep\ndate: 2024-11-30\nsummary: Résumé\ntags: [syrie]\nfigures:\n  - value: 311\n    label: {fr: morts, en: dead}\n    source: osdh\n  - value: 4\n    label: {fr: civils, en: civilians}\n    source: {url: 'https://example.org/', title: Ailleurs}\nevents:\n  - date: 2020-03\n    label: {fr: Trêve, en: Ceasefire}\n    entities: [hts]\nwire: { id: 'urn:x', version: 2 }\nupdates:\n  - date: 2024-12-01\n    note: { fr: Corrigé }\n",
        );
        let bare = article(
            "content/articles/b.en.md",
            "title: Aleppo\ndate: 2024-11-30T10:00:00Z\nwire: { id: 'urn:y' }\n",
        );
        KeptFronts::save(dir.path(), [&full, &bare].into_iter().map(front));
        let kept = KeptFronts::open(dir.path());
        assert!(
            !dir.path().join(FILE).exists(),
            "taken from the cache as it is read"
        );
        for read in [&full, &bare] {
            let entry = kept.get(&read.path, read.digest).expect("kept");
            assert_eq!(entry.body_start, read.body_start);
            assert_eq!((entry.body_len, entry.front_digest), (6, 7));
            assert_eq!(format!("{:?}", entry.front), format!("{:?}", read.front));
            assert!(
                kept.get(&read.path, read.digest + 1).is_none(),
                "another text is parsed"
            );
        }
        assert!(
            kept.get(Path::new("content/articles/c.fr.md"), full.digest)
                .is_none()
        );
    }

    #[test]
    fn a_file_is_left_unread_only_while_its_stamp_is_the_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.fr.md");
        fs::write(&file, "---\ntitle: Alep\ndate: 2024-11-30\n---\nBody.\n").unwrap();
        let read = article(
            "content/articles/a.fr.md",
            "title: Alep\ndate: 2024-11-30\n",
        );
        let stamp = Stamp::of(&fs::metadata(&file).unwrap());
        let cache = tempfile::tempdir().unwrap();
        let keep = |stamp: Option<Stamp>| {
            KeptFronts::save(
                cache.path(),
                std::iter::once(Front {
                    stamp,
                    ..front(&read)
                }),
            );
            KeptFronts::open(cache.path())
        };
        let unchanged = keep(stamp).unchanged(&read.path, &file);
        assert_eq!(
            unchanged.map(|(digest, kept, _)| (digest, Some(kept))),
            stamp.map(|s| (read.digest, Some(s))),
            "the same stamp (none where the system keeps no change time)"
        );
        assert!(
            keep(None).unchanged(&read.path, &file).is_none(),
            "a file read before it settled is read again"
        );
        // The same size and modification time, another text: its change time moved.
        let modified = fs::metadata(&file).unwrap().modified().unwrap();
        fs::write(&file, "---\ntitle: Alpe\ndate: 2024-11-30\n---\nBody.\n").unwrap();
        fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        assert!(keep(stamp).unchanged(&read.path, &file).is_none());
    }

    #[test]
    fn a_file_that_does_not_read_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = article(
            "content/articles/a.fr.md",
            "title: Alep\ndate: 2024-11-30\n",
        );
        let file = dir.path().join(FILE);
        KeptFronts::save(dir.path(), std::iter::once(front(&a)));
        let bytes = fs::read(&file).unwrap();
        for cut in [MAGIC.len() - 1, MAGIC.len() + 3, bytes.len() - 1] {
            fs::write(&file, &bytes[..cut]).unwrap();
            assert!(
                KeptFronts::open(dir.path())
                    .get(&a.path, a.digest)
                    .is_none(),
                "cut at {cut}"
            );
        }
        let mut other = bytes.clone();
        other[MAGIC.len() + 4] ^= 1;
        fs::write(&file, other).unwrap();
        assert!(
            KeptFronts::open(dir.path())
                .get(&a.path, a.digest)
                .is_none(),
            "another program"
        );
        assert!(file.exists(), "a file not depeche's is left where it is");
    }
}
