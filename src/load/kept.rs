//! The front matter the last build read in each article, kept in the build's cache for the
//! next one: a file whose text is the same (its path and [`super::digest`]) reads the same, so
//! it is not parsed again. Reading YAML was two fifths of loading a large site.
//!
//! The file is a header (format, program) then, for each article file, its path, its digest
//! and its `postcard` entry, each part after its length. A file that does not read, or was
//! written by another program, keeps nothing: every front matter is parsed.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::FrontMatter;

/// The file in the build's cache.
const FILE: &str = "front-matter";
/// Its first bytes: change with anything that changes what an entry holds.
const MAGIC: &[u8] = concat!("depeche-front-matter 1 ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();
/// The largest file read back (about 1 KB an article).
const LIMIT: u64 = 1 << 30;

/// What the last build read in the front matter of each article file, by path.
#[derive(Debug, Default)]
pub(crate) struct KeptFronts {
    by_path: HashMap<PathBuf, (u64, Vec<u8>)>,
}

/// An article file's front matter as it was read: where its body starts, and what it says.
#[derive(Serialize, Deserialize)]
struct Entry<T> {
    body_start: usize,
    front: T,
}

impl KeptFronts {
    /// The front matter kept in `cache`; none when there is none or it does not read.
    pub(crate) fn open(cache: &Path) -> KeptFronts {
        KeptFronts::opened(&cache.join(FILE)).unwrap_or_default()
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
            let entry = part()?.to_vec();
            let path = PathBuf::from(std::str::from_utf8(path).ok()?);
            by_path.insert(path, (digest, entry));
        }
        Some(KeptFronts { by_path })
    }

    /// Where the body of the file `path` starts and its front matter, as the last build read
    /// them, when the file's text still has `digest`.
    pub(crate) fn get(&self, path: &Path, digest: u64) -> Option<(usize, FrontMatter)> {
        let (_, bytes) = self.by_path.get(path).filter(|(kept, _)| *kept == digest)?;
        let entry: Entry<FrontMatter> = postcard::from_bytes(bytes).ok()?;
        Some((entry.body_start, entry.front))
    }

    /// Writes the front matter of `articles` (path, digest, where the body starts, front
    /// matter) into `cache`, replacing the last build's. A failure leaves none: the next
    /// build parses every file.
    pub(crate) fn save<'a>(
        cache: &Path,
        articles: impl Iterator<Item = (&'a Path, u64, usize, &'a FrontMatter)>,
    ) {
        let path = cache.join(FILE);
        let partial = cache.join(format!("{FILE}.partial"));
        let written = write(&partial, articles).and_then(|()| fs::rename(&partial, &path));
        if written.is_err() {
            let _ = fs::remove_file(&partial);
            let _ = fs::remove_file(&path);
        }
    }
}

fn write<'a>(
    path: &Path,
    articles: impl Iterator<Item = (&'a Path, u64, usize, &'a FrontMatter)>,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, crate::transaction::create_fresh(path)?);
    let part = |out: &mut BufWriter<fs::File>, bytes: &[u8]| -> io::Result<()> {
        let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(bytes)
    };
    out.write_all(&header())?;
    let mut buffer = Vec::new();
    for (file, digest, body_start, front) in articles {
        // A path that is not UTF-8 is not kept: such a file is parsed on every build.
        let Some(name) = file.to_str() else { continue };
        buffer.clear();
        let entry = Entry { body_start, front };
        let bytes =
            postcard::to_extend(&entry, std::mem::take(&mut buffer)).map_err(io::Error::other)?;
        part(&mut out, name.as_bytes())?;
        part(&mut out, &digest.to_le_bytes())?;
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

    fn article(path: &str, yaml: &str) -> (PathBuf, u64, usize, FrontMatter) {
        let src = SourceText::new(path, format!("---\n{yaml}---\nBody.\n"));
        let split = crate::load::front_matter::split(&src).unwrap();
        let front = crate::load::front_matter::parse(&src, split, "a").unwrap();
        (
            path.into(),
            super::super::digest(&src.text),
            split.body_start,
            front,
        )
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
        KeptFronts::save(
            dir.path(),
            [&full, &bare]
                .into_iter()
                .map(|(p, d, b, f)| (p.as_path(), *d, *b, f)),
        );
        let kept = KeptFronts::open(dir.path());
        for (path, digest, body_start, front) in [&full, &bare] {
            let (start, read) = kept.get(path, *digest).expect("kept");
            assert_eq!(start, *body_start);
            assert_eq!(format!("{read:?}"), format!("{front:?}"));
            assert!(
                kept.get(path, digest + 1).is_none(),
                "another text is parsed"
            );
        }
        assert!(
            kept.get(Path::new("content/articles/c.fr.md"), full.1)
                .is_none()
        );
    }

    #[test]
    fn a_file_that_does_not_read_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = article(
            "content/articles/a.fr.md",
            "title: Alep\ndate: 2024-11-30\n",
        );
        KeptFronts::save(dir.path(), std::iter::once((a.0.as_path(), a.1, a.2, &a.3)));
        let file = dir.path().join(FILE);
        let bytes = fs::read(&file).unwrap();
        for cut in [MAGIC.len() - 1, MAGIC.len() + 3, bytes.len() - 1] {
            fs::write(&file, &bytes[..cut]).unwrap();
            assert!(
                KeptFronts::open(dir.path()).get(&a.0, a.1).is_none(),
                "cut at {cut}"
            );
        }
        let mut other = bytes.clone();
        other[MAGIC.len() + 4] ^= 1;
        fs::write(&file, other).unwrap();
        assert!(
            KeptFronts::open(dir.path()).get(&a.0, a.1).is_none(),
            "another program"
        );
    }
}
