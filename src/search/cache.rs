//! What the last build found in each page's words, kept beside the output folder, so that a
//! page whose searchable text did not change is not read word by word again.
//!
//! Each thread of a build writes a segment of its own as it analyses pages: every page's
//! groups (with their scores) and terms by the segment's numbers, keyed by a hash of the
//! page's fields, then the table of those numbers' words. The next build reads the tables and
//! where each page's entry is, and reads an entry only when it meets its page again. A cache
//! that cannot be read is no cache: the pages are analysed as if it were not there.
//!
//! An entry holds as long as its key does, so a build adds a segment of the pages it analysed
//! and keeps the last builds' segments ([`Cache::appendable`]). Once they are many, or hold
//! many entries no page has any more, a build writes every page's entry again, in segments
//! that replace them all.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::doc::Doc;
use super::score::Numbered;
use crate::transaction::create_fresh;

/// The first line of a segment: changes with anything that changes what a page's words are
/// analysed into (the tokeniser, the stemmers, the scores), since depeche's version does.
const MAGIC: &[u8] = concat!("depeche-search-cache 4 ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();
const END: &[u8; 4] = b"END!";

/// The key of a page's entry: a hash of its fields, which are all its words are made of.
pub(crate) fn key(doc: &Doc) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (field, text) in &doc.fields {
        hasher.update(&[*field as u8]);
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hasher.digest128()
}

/// A segment's words: its terms (with their group's number) and its groups, by number.
pub(crate) struct Table {
    pub terms: Vec<(Arc<str>, u32)>,
    pub groups: Vec<Arc<str>>,
}

struct Segment {
    /// The whole file, read once to check it: entries are taken from it, not read again.
    bytes: Vec<u8>,
    table: Arc<Table>,
}

/// The last builds' segments for one language.
#[derive(Default)]
pub(crate) struct Cache {
    segments: Vec<Segment>,
    /// Each page's entry: its segment and where it starts.
    entries: HashMap<u128, (usize, u64)>,
    /// The segment files found, read or not.
    files: usize,
    /// The generation of the newest segment found: a build's segments are named after it.
    generation: u32,
}

/// The largest segment read.
const MAX_SEGMENT_BYTES: u64 = 256 << 20;

/// Past this many segments per thread, a build writes them all again as one per thread.
const SEGMENTS_PER_THREAD: usize = 8;

/// A page's entry, read back: its groups and terms by its segment's numbers.
pub(crate) struct Entry {
    pub numbered: Numbered,
    pub table: Arc<Table>,
    /// Which segment it is from (numbers differ from segment to segment).
    pub segment: usize,
}

/// Where a build of `generation` puts the `n`th segment of `lang`. A dot, which no language
/// code has, ends the code: `pt`'s segments are not `pt-BR`'s, nor `es`'s `es-419`'s. Names
/// sort by generation.
pub(crate) fn segment_path(dir: &Path, lang: &str, generation: u32, n: usize) -> PathBuf {
    dir.join(format!("search-{lang}.{generation:08}-{n}.cache"))
}

/// The generation and number in the name of a segment of `lang` (`suffix`: `.cache`, or
/// `.cache.tmp` while it is written). A segment of the format before generations
/// (`search-{lang}-{n}.cache`) is of generation 0.
fn segment_numbers(name: &str, lang: &str, suffix: &str) -> Option<(u32, u32)> {
    let rest = name
        .strip_prefix("search-")?
        .strip_prefix(lang)?
        .strip_suffix(suffix)?;
    let number = |digits: &str| {
        let plain = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        plain.then(|| digits.parse::<u32>().ok()).flatten()
    };
    match rest.strip_prefix('.') {
        Some(numbers) => {
            let (generation, n) = numbers.split_once('-')?;
            Some((number(generation)?, number(n)?))
        }
        None => Some((0, number(rest.strip_prefix('-')?)?)),
    }
}

/// The generation in a segment's file name; 0 for a name of another form.
fn generation_of(path: &Path, lang: &str) -> u32 {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| segment_numbers(n, lang, ".cache"))
        .map_or(0, |(generation, _)| generation)
}

/// The files of a language's segments in `dir`.
fn segments(dir: &Path, lang: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| segment_numbers(n, lang, ".cache").is_some())
        })
        .collect();
    found.sort();
    found
}

impl Cache {
    /// The segments a build of `lang` left in `dir`; none where they cannot be read.
    pub(crate) fn open(dir: &Path, lang: &str) -> Cache {
        let mut cache = Cache::default();
        for path in segments(dir, lang) {
            cache.files += 1;
            cache.generation = cache.generation.max(generation_of(&path, lang));
            if let Ok((segment, entries)) = read_segment(&path, lang) {
                let at = cache.segments.len();
                cache.segments.push(segment);
                for (key, offset) in entries {
                    cache.entries.insert(key, (at, offset));
                }
            }
        }
        cache
    }

    /// Whether a build of `pages` pages may keep these segments and add its own: they are
    /// few enough to read, and most of their entries are of pages the site still has.
    pub(crate) fn appendable(&self, pages: usize) -> bool {
        let threads = rayon::current_num_threads();
        self.files > 0
            && self.generation < u32::MAX
            && self.files + threads <= SEGMENTS_PER_THREAD * threads
            && self.entries.len() <= 2 * pages + 64
    }

    /// The generation of the segments a build writes: after the last builds' when it keeps
    /// them ([`Cache::appendable`]).
    pub(crate) fn next_generation(&self, appending: bool) -> u32 {
        if appending { self.generation + 1 } else { 0 }
    }

    /// The entry of the page whose fields hash to `key`.
    pub(crate) fn get(&self, key: u128) -> Option<Entry> {
        let &(at, offset) = self.entries.get(&key)?;
        let segment = &self.segments[at];
        let numbered = read_entry(&segment.bytes, offset).ok()?;
        Some(Entry {
            numbered,
            table: Arc::clone(&segment.table),
            segment: at,
        })
    }
}

fn read_u32(bytes: &[u8], at: &mut usize) -> io::Result<u32> {
    let slice = bytes
        .get(*at..*at + 4)
        .ok_or_else(|| io::Error::other("truncated"))?;
    *at += 4;
    Ok(u32::from_le_bytes(
        slice.try_into().map_err(io::Error::other)?,
    ))
}

fn read_str(bytes: &[u8], at: &mut usize) -> io::Result<Arc<str>> {
    let len = bytes
        .get(*at..*at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
        .ok_or_else(|| io::Error::other("truncated"))?;
    *at += 2;
    let text = bytes
        .get(*at..*at + len)
        .ok_or_else(|| io::Error::other("truncated"))?;
    *at += len;
    Ok(Arc::from(
        std::str::from_utf8(text).map_err(io::Error::other)?,
    ))
}

/// A segment: its table, and each entry's key and offset.
/// The first line of a segment, then its language's: a segment is read only for the index it
/// was written for (a file renamed by hand is no cache).
fn header(lang: &str) -> Vec<u8> {
    [MAGIC, lang.as_bytes(), b"\n"].concat()
}

fn read_segment(path: &Path, lang: &str) -> io::Result<(Segment, Vec<(u128, u64)>)> {
    let header = header(lang);
    let mut file = File::open(path)?;
    // Past this, no build wrote it (a 100,000-article site's segments are tens of MB).
    if file.metadata()?.len() > MAX_SEGMENT_BYTES {
        return Err(io::Error::other("larger than any segment a build writes"));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    // The footer: where the table starts, a hash of everything before the footer, `END!`. A
    // segment changed by anything but a build (a disk error, a hand) is not read.
    let footer = bytes
        .len()
        .checked_sub(20)
        .filter(|&f| bytes.starts_with(&header) && &bytes[f + 16..] == END)
        .filter(|&f| bytes[f + 8..f + 16] == xxhash_rust::xxh3::xxh3_64(&bytes[..f]).to_le_bytes())
        .ok_or_else(|| io::Error::other("not a segment, or changed since it was written"))?;
    let table_at = u64::from_le_bytes(
        bytes[footer..footer + 8]
            .try_into()
            .map_err(io::Error::other)?,
    ) as usize;
    let mut at = table_at;
    let terms = read_u32(&bytes, &mut at)?;
    let mut table = Table {
        terms: Vec::with_capacity(terms as usize),
        groups: Vec::new(),
    };
    for _ in 0..terms {
        let text = read_str(&bytes, &mut at)?;
        table.terms.push((text, read_u32(&bytes, &mut at)?));
    }
    for _ in 0..read_u32(&bytes, &mut at)? {
        table.groups.push(read_str(&bytes, &mut at)?);
    }
    let mut entries = Vec::new();
    let mut at = header.len();
    while at < table_at {
        let key = bytes
            .get(at..at + 16)
            .ok_or_else(|| io::Error::other("truncated"))?;
        entries.push((
            u128::from_le_bytes(key.try_into().map_err(io::Error::other)?),
            at as u64,
        ));
        at += 16;
        let len = read_u32(&bytes, &mut at)? as usize;
        at += len;
    }
    let table = Arc::new(table);
    Ok((Segment { bytes, table }, entries))
}

fn read_entry(segment: &[u8], offset: u64) -> io::Result<Numbered> {
    let truncated = || io::Error::other("truncated");
    let offset = usize::try_from(offset).map_err(|_| truncated())?;
    let head = segment.get(offset..offset + 20).ok_or_else(truncated)?;
    let len = u32::from_le_bytes([head[16], head[17], head[18], head[19]]) as usize;
    let body = segment
        .get(offset + 20..offset + 20 + len)
        .ok_or_else(truncated)?;
    let mut at = 0;
    let mut numbered = Numbered::default();
    let mut last = 0;
    for _ in 0..read_leb128(body, &mut at)? {
        last += read_leb128(body, &mut at)?;
        let score = *body.get(at).ok_or_else(|| io::Error::other("truncated"))?;
        at += 1;
        numbered.groups.push((last, score));
    }
    let mut last = 0;
    for _ in 0..read_leb128(body, &mut at)? {
        last += read_leb128(body, &mut at)?;
        numbered.terms.push(last);
    }
    Ok(numbered)
}

fn leb128(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_leb128(bytes: &[u8], at: &mut usize) -> io::Result<u32> {
    let mut n = 0u32;
    for shift in (0..35).step_by(7) {
        let byte = *bytes
            .get(*at)
            .ok_or_else(|| io::Error::other("truncated"))?;
        *at += 1;
        n |= u32::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
        if byte < 0x80 {
            return Ok(n);
        }
    }
    Err(io::Error::other("overlong number"))
}

/// A segment being written by one thread: entries as pages are analysed, then its table.
pub(crate) struct SegmentWriter {
    out: Hashed,
    written: u64,
    path: PathBuf,
    body: Vec<u8>,
    entries: usize,
    /// The writing thread's numbers of the terms and of the groups the entries hold: the
    /// table has those words only, numbered by their places here.
    terms: Renumbering,
    groups: Renumbering,
}

/// Numbers of one numbering, given numbers of another in the order they are first met.
#[derive(Default)]
struct Renumbering {
    new: HashMap<u32, u32>,
    old: Vec<u32>,
}

impl Renumbering {
    fn of(&mut self, old: u32) -> u32 {
        *self.new.entry(old).or_insert_with(|| {
            self.old.push(old);
            (self.old.len() - 1) as u32
        })
    }
}

impl SegmentWriter {
    /// A new segment at `path` (renamed into place by [`SegmentWriter::finish`]).
    pub(crate) fn create(path: PathBuf, lang: &str) -> io::Result<SegmentWriter> {
        let mut out = Hashed {
            out: BufWriter::with_capacity(1 << 16, create_fresh(&temporary(&path))?),
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        };
        let header = header(lang);
        out.write_all(&header)?;
        Ok(SegmentWriter {
            out,
            written: header.len() as u64,
            path,
            body: Vec::new(),
            entries: 0,
            terms: Renumbering::default(),
            groups: Renumbering::default(),
        })
    }

    /// A page's entry, given by the writing thread's numbers and written by the segment's:
    /// its key, its length, then its groups and terms, each list sorted and written as gaps
    /// in LEB128.
    pub(crate) fn entry(&mut self, key: u128, numbered: &Numbered) -> io::Result<()> {
        let body = &mut self.body;
        body.clear();
        let mut groups: Vec<(u32, u8)> = numbered
            .groups
            .iter()
            .map(|&(group, score)| (self.groups.of(group), score))
            .collect();
        groups.sort_unstable();
        leb128(body, groups.len() as u32);
        let mut last = 0;
        for (group, score) in groups {
            leb128(body, group - last);
            body.push(score);
            last = group;
        }
        let mut terms: Vec<u32> = numbered.terms.iter().map(|&t| self.terms.of(t)).collect();
        terms.sort_unstable();
        leb128(body, terms.len() as u32);
        let mut last = 0;
        for term in terms {
            leb128(body, term - last);
            last = term;
        }
        self.out.write_all(&key.to_le_bytes())?;
        self.out.write_all(&(body.len() as u32).to_le_bytes())?;
        self.out.write_all(body)?;
        self.written += 20 + body.len() as u64;
        self.entries += 1;
        Ok(())
    }

    /// Writes the table of the words its entries hold, given the text and group of a term
    /// and the text of a group by the thread's numbers, and leaves the segment ready to be
    /// put in place: returns where it is and where it goes. A segment without entries is
    /// removed: `None`.
    pub(crate) fn finish(
        mut self,
        term: impl Fn(u32) -> (Arc<str>, u32),
        group: impl Fn(u32) -> Arc<str>,
    ) -> io::Result<Option<(PathBuf, PathBuf)>> {
        if self.entries == 0 {
            drop(self.out);
            fs::remove_file(temporary(&self.path))?;
            return Ok(None);
        }
        let table = self.written;
        self.out
            .write_all(&(self.terms.old.len() as u32).to_le_bytes())?;
        for &old in &self.terms.old {
            let (text, its_group) = term(old);
            write_str(&mut self.out, &text)?;
            let its_group = self.groups.of(its_group);
            self.out.write_all(&its_group.to_le_bytes())?;
        }
        self.out
            .write_all(&(self.groups.old.len() as u32).to_le_bytes())?;
        for &old in &self.groups.old {
            write_str(&mut self.out, &group(old))?;
        }
        let digest = self.out.hasher.digest();
        self.out.write_all(&table.to_le_bytes())?;
        self.out.write_all(&digest.to_le_bytes())?;
        self.out.write_all(END)?;
        self.out.flush()?;
        Ok(Some((temporary(&self.path), self.path)))
    }
}

/// A segment's file, hashed as it is written.
struct Hashed {
    out: BufWriter<File>,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl Write for Hashed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.out.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn write_str(out: &mut impl Write, text: &str) -> io::Result<()> {
    // Terms are at most 48 bytes (`tokens::MAX_TERM_BYTES`), stems shorter.
    let bytes = &text.as_bytes()[..text.len().min(u16::MAX as usize)];
    out.write_all(&(bytes.len() as u16).to_le_bytes())?;
    out.write_all(bytes)
}

fn temporary(path: &Path) -> PathBuf {
    path.with_extension("cache.tmp")
}

/// Puts a build's finished segments of `lang` in place, beside the last builds' when it
/// kept them (`appending`), else instead of them, and removes any left by a build that did
/// not finish.
pub(crate) fn replace(
    dir: &Path,
    lang: &str,
    finished: Vec<(PathBuf, PathBuf)>,
    appending: bool,
) -> io::Result<()> {
    if !appending {
        for old in segments(dir, lang) {
            fs::remove_file(old)?;
        }
    }
    for (from, to) in finished {
        fs::rename(from, to)?;
    }
    for entry in fs::read_dir(dir)?.flatten() {
        let name = entry.file_name();
        if segment_numbers(&name.to_string_lossy(), lang, ".cache.tmp").is_some() {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// What the last build made of an article's page (the key of its entry; no hashes) or of a
/// pack of records (no key; the hashes of its file, as the output's manifest has it and as
/// the index's generation reads it). Found by the digest of what it is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Made {
    pub key: u128,
    pub content: u128,
    pub text: u64,
}

/// The first bytes of a language's [`Made`] pages; the records follow, of [`MADE_BYTES`]. It
/// changes with what a pack holds: packs kept from a build of another format would be wrong.
const PAGES_MAGIC: &[u8] =
    concat!("depeche-search-pages 4 ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();
const MADE_BYTES: usize = 16 + 16 + 16 + 8;

fn pages_file(dir: &Path, lang: &str) -> PathBuf {
    dir.join(format!("search-{lang}.pages"))
}

/// The pages the last build made in `lang`, by the digest of their inputs; none when the
/// file is missing or damaged.
pub(crate) fn read_pages(dir: &Path, lang: &str) -> HashMap<u128, Made> {
    let Ok(bytes) = crate::source::read_own_file(&pages_file(dir, lang), 256 << 20) else {
        return HashMap::new();
    };
    // Last, a hash of everything before it: a file changed by anything but a build is not
    // read (a swapped key would give a page another's entry).
    let Some((body, hash)) = bytes.split_last_chunk::<8>() else {
        return HashMap::new();
    };
    if *hash != xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() {
        return HashMap::new();
    }
    let Some(records) = body.strip_prefix(PAGES_MAGIC) else {
        return HashMap::new();
    };
    if records.len() % MADE_BYTES != 0 {
        return HashMap::new();
    }
    let u128_at =
        |b: &[u8], at: usize| u128::from_le_bytes(b[at..at + 16].try_into().unwrap_or_default());
    records
        .chunks_exact(MADE_BYTES)
        .map(|r| {
            let made = Made {
                key: u128_at(r, 16),
                content: u128_at(r, 32),
                text: u64::from_le_bytes(r[48..56].try_into().unwrap_or_default()),
            };
            (u128_at(r, 0), made)
        })
        .collect()
}

/// Records the pages this build made in `lang` for the next (beside, then renamed).
pub(crate) fn write_pages(dir: &Path, lang: &str, pages: &[(u128, Made)]) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(PAGES_MAGIC.len() + pages.len() * MADE_BYTES);
    bytes.extend_from_slice(PAGES_MAGIC);
    for (inputs, made) in pages {
        bytes.extend_from_slice(&inputs.to_le_bytes());
        bytes.extend_from_slice(&made.key.to_le_bytes());
        bytes.extend_from_slice(&made.content.to_le_bytes());
        bytes.extend_from_slice(&made.text.to_le_bytes());
    }
    let path = pages_file(dir, lang);
    let temp = path.with_extension("pages.tmp");
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    bytes.extend_from_slice(&hash.to_le_bytes());
    let mut file = create_fresh(&temp)?;
    file.write_all(&bytes)?;
    drop(file);
    fs::rename(temp, path)
}

/// Forgets the pages of `lang` (when the cache's entries they name are gone).
pub(crate) fn forget_pages(dir: &Path, lang: &str) {
    let _ = fs::remove_file(pages_file(dir, lang));
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::search::doc::{DocKind, Field};
    use crate::search::index::Part;

    fn doc(text: &'static str) -> Doc<'static> {
        Doc {
            fields: vec![
                (Field::Title, Cow::Borrowed("Alep")),
                (Field::Body, Cow::Borrowed(text)),
            ],
            names: vec![],
            record: String::new(),
        }
    }

    /// A build of `texts` into the cache in `dir`: the words it read, and its segments.
    fn build(dir: &Path, texts: &[&'static str]) -> (usize, Vec<PathBuf>) {
        let cache = Cache::open(dir, "fr");
        let appending = cache.appendable(texts.len());
        let path = segment_path(dir, "fr", cache.next_generation(appending), 0);
        let mut part = Part::writing("fr", SegmentWriter::create(path, "fr").ok(), appending);
        for (page, text) in texts.iter().enumerate() {
            part.add(DocKind::Article, page as u32, &doc(text), Some(&cache));
        }
        let read = part.analyzer.words_read();
        let finished = part.finish_cache().expect("written");
        replace(dir, "fr", finished.into_iter().collect(), appending).expect("replaced");
        (read, segments(dir, "fr"))
    }

    #[test]
    fn a_build_adds_a_segment_of_the_pages_it_read_and_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let texts = [
            "Alep et Idleb, l'offensive",
            "les combats à Alep",
            "Idleb, Hama",
        ];
        let (read, first) = build(dir.path(), &texts);
        assert!(read > 0);
        assert_eq!(first.len(), 1);
        // Nothing read, nothing written.
        let (read, same) = build(dir.path(), &texts);
        assert_eq!((read, &same), (0, &first));
        // One page changed: a segment of it alone, beside the first.
        let edited = [
            "Alep et Idleb, l'offensive",
            "les combats à Alep",
            "Homs encerclée",
        ];
        let (read, second) = build(dir.path(), &edited);
        assert!(read > 0);
        assert_eq!(second.len(), 2, "{second:?}");
        let cache = Cache::open(dir.path(), "fr");
        assert_eq!(cache.entries.len(), 4);
        let words: Vec<&str> = cache.segments[1]
            .table
            .terms
            .iter()
            .map(|(t, _)| &**t)
            .collect();
        assert!(
            words.contains(&"homs") && !words.contains(&"idleb"),
            "{words:?}"
        );
        // Both segments are read: neither version of the page is read word by word again.
        for texts in [&texts, &edited] {
            let (read, _) = build(dir.path(), texts);
            assert_eq!(read, 0);
        }
    }

    #[test]
    fn many_segments_or_many_pages_gone_are_written_again_as_one() {
        let threads = rayon::current_num_threads();
        let cache = |files: usize, entries: usize| Cache {
            files,
            entries: (0..entries as u128).map(|k| (k, (0, 0))).collect(),
            ..Cache::default()
        };
        assert!(cache(2, 100).appendable(100));
        assert!(!cache(0, 0).appendable(100));
        assert!(!cache(SEGMENTS_PER_THREAD * threads, 100).appendable(100));
        assert!(!cache(2, 300).appendable(100));
        // A page changed in every build: each adds a segment, until they are written again.
        let dir = tempfile::tempdir().unwrap();
        let mut counts = Vec::new();
        for i in 0..SEGMENTS_PER_THREAD * threads + 1 {
            let text: &'static str = Box::leak(format!("Hama, jour {i}").into_boxed_str());
            let (_, found) = build(dir.path(), &["Alep", "Idleb", text]);
            counts.push(found.len());
        }
        let most = SEGMENTS_PER_THREAD * threads - threads + 1;
        let expected: Vec<usize> = (1..=most).chain(1..=counts.len() - most).collect();
        assert_eq!(counts, expected);
    }

    #[test]
    fn a_pages_file_changed_by_hand_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let made = |key| Made {
            key,
            content: 1,
            text: 2,
        };
        write_pages(dir.path(), "fr", &[(1, made(10)), (2, made(20))]).unwrap();
        assert_eq!(read_pages(dir.path(), "fr").len(), 2);
        // The two pages' entries swapped: each would be given the other's words.
        let path = pages_file(dir.path(), "fr");
        let mut bytes = fs::read(&path).unwrap();
        let key = PAGES_MAGIC.len() + 16;
        bytes.swap(key, key + MADE_BYTES);
        fs::write(&path, &bytes).unwrap();
        assert!(read_pages(dir.path(), "fr").is_empty());
    }

    #[test]
    fn a_segment_larger_than_a_build_writes_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        build(dir.path(), &["Alep", "Idleb"]);
        let segment = &segments(dir.path(), "fr")[0];
        fs::File::options()
            .write(true)
            .open(segment)
            .unwrap()
            .set_len(MAX_SEGMENT_BYTES + 1)
            .unwrap();
        assert!(Cache::open(dir.path(), "fr").entries.is_empty());
    }

    #[test]
    fn a_language_s_segments_are_not_those_of_a_longer_code() {
        let of = |name: &str, lang: &str| segment_numbers(name, lang, ".cache");
        let path = segment_path(Path::new(""), "pt", 1, 0);
        assert_eq!(of(&path.to_string_lossy(), "pt"), Some((1, 0)));
        for (name, lang) in [
            ("search-pt-BR.00000001-0.cache", "pt"),
            ("search-es-419.00000001-0.cache", "es"),
            ("search-es-419-0.cache", "es"),
            ("search-es-4294967295.00000001-0.cache", "es"),
            ("search-pt.00000001-0.cache.tmp", "pt"),
            ("search-pt.99999999999-0.cache", "pt"),
        ] {
            assert_eq!(of(name, lang), None, "{name} is not {lang}'s");
        }
        assert_eq!(of("search-es-419.00000002-1.cache", "es-419"), Some((2, 1)));
        // Of the format before generations.
        assert_eq!(of("search-es-419-1.cache", "es-419"), Some((0, 1)));
        assert_eq!(of("search-es-1.cache", "es"), Some((0, 1)));
        assert_eq!(
            generation_of(Path::new("search-pt.00000007-1.cache"), "pt"),
            7
        );
        // The last generation there is: the next build writes them all again.
        let last = Cache {
            files: 1,
            generation: u32::MAX,
            ..Cache::default()
        };
        assert!(!last.appendable(10));
    }
}
