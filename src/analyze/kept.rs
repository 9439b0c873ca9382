//! What the last build found in each article, kept in the build's cache for the next one: an
//! article whose files are the same, in the same context ([`context`]: this program, the
//! settings, the entities' names, the articles' addresses, the files of static/), is not
//! annotated or checked again. Its mentions, teaser and problems are read back instead, so a
//! warm build annotates only what changed.
//!
//! The file is a header (format, context) then, for each article, its key and its `postcard`
//! entry, each after its length. What does not read is not kept: those articles are analysed
//! as if there were no file.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::annotate::{Lexicon, Mention, Targets};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::Document;
use crate::source::within;

use super::AnalyzeOptions;

/// The file in the build's cache.
const FILE: &str = "analysis";
/// Its first bytes: change with anything that changes what an entry holds.
const MAGIC: &[u8] = concat!("depeche-analysis 1 ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();

/// What the analysis of one article (all its versions) found.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// Its versions, by file: what they were made from, and what annotating them found.
    versions: Vec<Version>,
    /// The problems found in them, before the site-wide checks.
    pub found: Vec<Diagnostic>,
}

/// One version of an article, as the last build annotated it.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Version {
    path: PathBuf,
    lang: String,
    /// The hash of its file ([`crate::load::digest`]).
    digest: u64,
    excerpt: Option<String>,
    mentions: Vec<Mention>,
    mention_counts: Vec<(Arc<str>, u32)>,
}

impl Version {
    /// What annotating the file again would give, when it is still the file it was made from.
    pub(crate) fn annotated(
        self,
        source: &crate::load::ArticleSource,
    ) -> Option<crate::annotate::Annotated> {
        let same = self.path == source.src.path
            && self.lang == source.lang
            && self.digest == source.digest;
        same.then(|| crate::annotate::Annotated {
            excerpt: self.excerpt,
            mentions: self.mentions,
            mention_counts: self.mention_counts,
            ..Default::default()
        })
    }
}

impl Entry {
    /// Its versions' annotations, in order, when `sources` are the files it was made from.
    pub(crate) fn annotations(
        self,
        sources: &[crate::load::ArticleSource],
    ) -> Option<(Vec<crate::annotate::Annotated>, Vec<Diagnostic>)> {
        if self.versions.len() != sources.len() {
            return None;
        }
        let annotated = self
            .versions
            .into_iter()
            .zip(sources)
            .map(|(version, source)| version.annotated(source))
            .collect::<Option<Vec<_>>>()?;
        Some((annotated, self.found))
    }
}

/// The last build's findings, read as they are asked for, in the order of their keys (the
/// order they are written in): one article's entry at a time is held, not the file.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    file: Option<BufReader<fs::File>>,
    context: u128,
    /// The next entry of the file: its key, and its bytes.
    next: Option<(String, Vec<u8>)>,
    /// The front matter the last build read, for loading.
    pub(crate) fronts: crate::load::KeptFronts,
}

impl Kept {
    /// The findings kept in `cache`; none when there are none or they do not read.
    pub(crate) fn open(cache: &Path) -> Kept {
        Kept {
            fronts: crate::load::KeptFronts::open(cache),
            ..Kept::opened(&cache.join(FILE)).unwrap_or_default()
        }
    }

    fn opened(path: &Path) -> io::Result<Kept> {
        let meta = fs::symlink_metadata(path)?;
        if !meta.is_file() {
            return Err(io::Error::other("not a file depeche wrote"));
        }
        let mut file = BufReader::with_capacity(1 << 16, fs::File::open(path)?);
        let mut magic = vec![0; MAGIC.len()];
        file.read_exact(&mut magic)?;
        if magic != MAGIC {
            return Err(io::Error::other("another format"));
        }
        let mut context = [0; 16];
        file.read_exact(&mut context)?;
        let mut kept = Kept {
            file: Some(file),
            context: u128::from_le_bytes(context),
            next: None,
            fronts: Default::default(),
        };
        kept.advance();
        Ok(kept)
    }

    /// The entry of the article `key`, when it was made in `context`. Keys must be asked for
    /// in order: the entries before `key` are passed over.
    pub(crate) fn entry(&mut self, context: u128, key: &str) -> Option<Written> {
        if context != self.context {
            return None;
        }
        while self
            .next
            .as_ref()
            .is_some_and(|(next, _)| next.as_str() < key)
        {
            self.advance();
        }
        if self.next.as_ref().is_some_and(|(next, _)| next == key) {
            let (_, bytes) = self.next.take()?;
            self.advance();
            return Some(Written(bytes));
        }
        None
    }

    /// Reads the next entry; at the end or at damage, there is none (and none after it).
    fn advance(&mut self) {
        self.next = self.file.as_mut().and_then(|file| {
            let key = String::from_utf8(read_part(file).ok()?).ok()?;
            Some((key, read_part(file).ok()?))
        });
        if self.next.is_none() {
            self.file = None;
        }
    }
}

/// A length, then that many bytes.
fn read_part(file: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0; 4];
    file.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    let mut bytes = Vec::new();
    // An entry is at most a few times its article's size, which is read whole: a length
    // larger than any file is damage, found by reading short.
    file.take(len as u64).read_to_end(&mut bytes)?;
    if bytes.len() != len {
        return Err(io::Error::other("damaged"));
    }
    Ok(bytes)
}

/// An article's entry as written.
#[derive(Debug)]
pub(crate) struct Written(Vec<u8>);

impl Written {
    /// The entry; `None` when it does not read.
    pub(crate) fn decode(self) -> Option<Entry> {
        postcard::from_bytes(&self.0).ok()
    }
}

/// The findings of this analysis, to write once the build's output is in place.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    /// The context they were made in ([`context`]).
    pub context: u128,
    /// The problems found in each article, by key.
    pub found: BTreeMap<String, Vec<Diagnostic>>,
    /// How many articles were not analysed again: the last build's findings held.
    pub reused: usize,
}

/// The entry of one article, borrowed from the documents it made.
#[derive(Serialize)]
struct EntryRef<'a> {
    versions: Vec<VersionRef<'a>>,
    found: &'a [Diagnostic],
}

#[derive(Serialize)]
struct VersionRef<'a> {
    path: &'a Path,
    lang: &'a str,
    digest: u64,
    excerpt: &'a Option<String>,
    mentions: &'a [Mention],
    mention_counts: &'a [(Arc<str>, u32)],
}

impl<'a> VersionRef<'a> {
    fn of(doc: &'a Document) -> Self {
        VersionRef {
            path: &doc.source,
            lang: &doc.lang,
            digest: doc.digest,
            excerpt: &doc.excerpt,
            mentions: &doc.mentions,
            mention_counts: &doc.mention_counts,
        }
    }
}

impl Findings {
    /// Writes the findings of every article of `documents` into `cache`, replacing the last
    /// build's. A failure leaves none: the next build analyses everything.
    pub(crate) fn save(&self, cache: &Path, documents: &[Arc<Document>]) {
        let mut by_key: BTreeMap<&str, Vec<VersionRef>> = BTreeMap::new();
        for doc in documents {
            by_key
                .entry(&doc.key)
                .or_default()
                .push(VersionRef::of(doc));
        }
        let entries = by_key.into_iter().filter_map(|(key, versions)| {
            let found = self.found.get(key)?;
            Some((key, EntryRef { versions, found }))
        });
        let path = cache.join(FILE);
        let partial = cache.join(format!("{FILE}.partial"));
        let written =
            write(&partial, self.context, entries).and_then(|()| fs::rename(&partial, &path));
        if written.is_err() {
            let _ = fs::remove_file(&partial);
            let _ = fs::remove_file(&path);
        }
    }

    /// Writes the front matter of `documents` into `cache`, for the next build to read
    /// instead of their files: only once a build has succeeded, since a file found changed
    /// under its stamp while pages were rendered must be read again by the next one.
    pub(crate) fn save_fronts(cache: &Path, documents: &[Arc<Document>]) {
        crate::load::KeptFronts::save(
            cache,
            documents.iter().map(|d| crate::load::Front {
                path: &d.source,
                digest: d.digest,
                stamp: d.stamp,
                entry: crate::load::FrontEntry {
                    body_start: d.body_start,
                    body_len: d.body_len,
                    front_digest: d.front_digest,
                    front: &d.front,
                },
            }),
        );
    }
}

/// Writes entries, which come in the order of their keys.
fn write<'a>(
    path: &Path,
    context: u128,
    entries: impl Iterator<Item = (&'a str, EntryRef<'a>)>,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, crate::transaction::create_fresh(path)?);
    out.write_all(MAGIC)?;
    out.write_all(&context.to_le_bytes())?;
    let mut buffer = Vec::new();
    for (key, entry) in entries {
        buffer.clear();
        let bytes =
            postcard::to_extend(&entry, std::mem::take(&mut buffer)).map_err(io::Error::other)?;
        for part in [key.as_bytes(), &bytes] {
            let len = u32::try_from(part.len()).map_err(io::Error::other)?;
            out.write_all(&len.to_le_bytes())?;
            out.write_all(part)?;
        }
        buffer = bytes;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// Everything besides an article's own files that what is found in it depends on: this
/// program, the settings and options, today (an article waits for its day), the entities'
/// names and aliases, where every article and entity is (links are checked against them),
/// the files of static/ (images are checked against them) and the names in the articles'
/// folder (a translation is missing unless its file exists).
pub(crate) fn context(
    config: &Config,
    options: AnalyzeOptions,
    lexicon: &Lexicon,
    targets: &Targets,
) -> u128 {
    let mut h = Xxh3::new();
    let mut add_bytes = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    let mut add = |text: &str| add_bytes(text.as_bytes());
    add(env!("CARGO_PKG_VERSION"));
    // A program rebuilt from other sources may annotate otherwise.
    if let Some(program) = crate::source::program_stamp() {
        add(&program);
    }
    // The site as named from its root: `-r site` and `-r /path/to/site` build the same one.
    let portable = Config {
        root: PathBuf::new(),
        output_dir: within(&config.root, &config.output_dir).to_path_buf(),
        ..config.clone()
    };
    add(&format!("{portable:?}"));
    add(&config.today().to_string());
    add(&format!("{options:?}"));
    add(&lexicon.described());
    // Every address, each string after its length: tens of thousands at 10,000 articles.
    let mut articles: Vec<_> = targets.articles.iter().collect();
    articles.sort_unstable();
    for ((key, lang), slug) in articles {
        for part in [key, lang, slug] {
            add(part);
        }
    }
    let mut unpublished: Vec<_> = targets.unpublished.iter().collect();
    unpublished.sort_unstable();
    add(&format!(
        "{:?} {:?} {unpublished:?}",
        targets.entities, targets.unreadable
    ));
    // Images are looked for as the site publishes static/: never through a link.
    let statics = walkdir::WalkDir::new(config.root.join("static")).sort_by(crate::source::by_name);
    let mut line = Vec::new();
    let mut add_entry = |entry: &walkdir::DirEntry, leads: bool| {
        let kind = entry.file_type();
        line.clear();
        line.extend_from_slice(
            within(&config.root, entry.path())
                .as_os_str()
                .as_encoded_bytes(),
        );
        line.push(match () {
            _ if kind.is_symlink() => b'l',
            _ if kind.is_dir() => b'd',
            _ if kind.is_file() => b'f',
            _ => b'o',
        });
        line.push(u8::from(leads));
        add_bytes(&line);
    };
    for entry in statics.into_iter().filter_map(Result::ok) {
        add_entry(&entry, true);
    }
    // A translation is missing unless a file of its name exists, whatever it holds: every
    // name in the articles' folder, and where it leads (only a link needs looking up).
    let articles = walkdir::WalkDir::new(config.root.join("content").join("articles"))
        .sort_by(crate::source::by_name);
    for entry in articles.into_iter().filter_map(Result::ok) {
        let leads = !entry.file_type().is_symlink() || entry.path().exists();
        add_entry(&entry, leads);
    }
    h.digest128()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(path: &str, digest: u64) -> Version {
        Version {
            path: path.into(),
            lang: "fr".into(),
            digest,
            excerpt: Some(format!("excerpt of {path}")),
            mentions: Vec::new(),
            mention_counts: vec![(Arc::from("aleppo"), 2)],
        }
    }

    /// Writes an entry for each key, its one version's digest the key's position.
    fn written(dir: &Path, context: u128, keys: &[&str]) {
        let versions: Vec<Version> = keys
            .iter()
            .enumerate()
            .map(|(i, key)| version(&format!("{key}.fr.md"), i as u64))
            .collect();
        let found = Vec::new();
        let entries = keys.iter().zip(&versions).map(|(key, v)| {
            let version = VersionRef {
                path: &v.path,
                lang: &v.lang,
                digest: v.digest,
                excerpt: &v.excerpt,
                mentions: &v.mentions,
                mention_counts: &v.mention_counts,
            };
            let entry = EntryRef {
                versions: vec![version],
                found: &found,
            };
            (*key, entry)
        });
        write(&dir.join(FILE), context, entries).unwrap();
    }

    fn digest_of(kept: &mut Kept, context: u128, key: &str) -> Option<u64> {
        let entry = kept.entry(context, key)?.decode()?;
        Some(entry.versions[0].digest)
    }

    #[test]
    fn entries_are_read_back_in_the_order_of_their_keys() {
        let dir = tempfile::tempdir().unwrap();
        written(dir.path(), 7, &["a", "b", "c", "d"]);
        let mut kept = Kept::open(dir.path());
        // `b` is not asked for: passed over. A key with no entry has none.
        assert_eq!(digest_of(&mut kept, 7, "a"), Some(0));
        assert_eq!(digest_of(&mut kept, 7, "bb"), None);
        assert_eq!(digest_of(&mut kept, 7, "c"), Some(2));
        let entry = kept.entry(7, "d").unwrap().decode().unwrap();
        assert_eq!(entry.versions[0].path, Path::new("d.fr.md"));
        assert_eq!(
            entry.versions[0].excerpt.as_deref(),
            Some("excerpt of d.fr.md")
        );
        assert_eq!(entry.versions[0].mention_counts, [(Arc::from("aleppo"), 2)]);
        assert_eq!(digest_of(&mut kept, 7, "e"), None);
    }

    #[test]
    fn findings_of_another_context_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        written(dir.path(), 7, &["a", "b"]);
        let mut kept = Kept::open(dir.path());
        assert_eq!(digest_of(&mut kept, 8, "a"), None);
        assert_eq!(digest_of(&mut kept, 8, "b"), None);
    }

    #[test]
    fn a_damaged_file_keeps_nothing_past_the_damage() {
        let dir = tempfile::tempdir().unwrap();
        written(dir.path(), 7, &["a", "b", "c"]);
        let path = dir.path().join(FILE);
        let whole = fs::read(&path).unwrap();
        // Cut inside the last entry: the entries before it read, not the cut one.
        fs::write(&path, &whole[..whole.len() - 3]).unwrap();
        let mut kept = Kept::open(dir.path());
        assert_eq!(digest_of(&mut kept, 7, "a"), Some(0));
        assert_eq!(digest_of(&mut kept, 7, "b"), Some(1));
        assert_eq!(digest_of(&mut kept, 7, "c"), None);
        // Another program's file, or another version's, is no file at all.
        fs::write(&path, b"depeche-analysis 0 0.0.1\n").unwrap();
        assert_eq!(digest_of(&mut Kept::open(dir.path()), 7, "a"), None);
        let mut lengths = whole.clone();
        let first_length = MAGIC.len() + 16;
        lengths[first_length..first_length + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        fs::write(&path, &lengths).unwrap();
        assert_eq!(digest_of(&mut Kept::open(dir.path()), 7, "a"), None);
    }

    #[test]
    fn an_entry_of_another_number_of_versions_is_not_used() {
        let entry = Entry {
            versions: vec![version("a.fr.md", 1)],
            found: Vec::new(),
        };
        // A version added or removed since: the article is analysed again. (A version
        // whose file changed is refused by its digest: the incremental tests edit one.)
        assert!(entry.annotations(&[]).is_none(), "not the same versions");
    }
}
