//! Stage 2: walk `content/`, read every article and entity file, split front matter.

pub(crate) mod dates;
pub mod entity;
pub mod events;
pub mod facts;
pub mod front_matter;
mod kept;
pub(crate) mod references;
pub mod story;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

pub use dates::PublishDate;
pub use entity::{EntityKind, EntitySource, Relation, Unverified};
pub use front_matter::FrontMatter;
pub(crate) use kept::{Entry as FrontEntry, Front, KeptFronts};

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Location};
use crate::source;
use crate::source::SourceText;

/// One language version of an article, read but not yet annotated.
#[derive(Debug, Clone)]
pub struct ArticleSource {
    /// The file name without language and extension: one article in every language.
    pub key: String,
    /// The language of this version.
    pub lang: String,
    /// The file's text.
    pub src: SourceText,
    /// Its validated front matter.
    pub front: FrontMatter,
    /// Byte offset where the Markdown body starts in `src.text`.
    pub body_start: usize,
    /// The hash of `src.text` ([`digest`]), taken once as the file is read.
    pub digest: u64,
    /// The hash of the text before the body: the front matter's.
    pub(crate) front_digest: u64,
    /// Bytes of Markdown in the body.
    pub(crate) body_len: usize,
    /// The file's stamp when it was read, if it was settled then: the next build need not
    /// read it while it keeps it.
    pub(crate) stamp: Option<source::Stamp>,
    /// The file was not read, its stamp being the one the last build read it with: `src`
    /// holds no text until [`ArticleSource::read_text`].
    pub(crate) unread: bool,
}

impl ArticleSource {
    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        debug_assert!(!self.unread, "the text of {:?} was not read", self.src.path);
        &self.src.text[self.body_start..]
    }

    /// Reads the text of a file left unread, which must be the text the last build read.
    pub(crate) fn read_text(&mut self, root: &Path) -> Result<(), Diagnostic> {
        if !self.unread {
            return Ok(());
        }
        let src = source::read_again(root, &root.join(&self.src.path))?;
        if digest(&src.text) != self.digest {
            // Its front matter, which the site was planned with, was the earlier text's.
            return Err(Diagnostic::at(
                Code::ChangedDuringBuild,
                format!(
                    "{} changed while the site was being built",
                    self.src.path.display()
                ),
                Location::file_only(&self.src.path),
            )
            .with_help("build again; the previous output is kept as it was"));
        }
        self.src = src;
        self.unread = false;
        Ok(())
    }

    /// Where its front matter begins: its first line.
    pub(crate) fn front_matter_start(&self) -> Location {
        if self.unread {
            // A kept front matter was read from a file that begins with its fence.
            Location::on_line(&self.src.path, 1, 1, 3, "---")
        } else {
            self.src.locate(0, 3)
        }
    }
}

/// The hash of an article's file: a document's file must still have it when its body is made
/// again, and what the last build found in it holds while it does.
pub(crate) fn digest(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// Everything under `content/`, in sorted order.
#[derive(Debug, Default)]
pub struct Content {
    /// Every version of every article.
    pub articles: Vec<ArticleSource>,
    /// Every entity.
    pub entities: Vec<EntitySource>,
    /// Ids of entity files that exist but could not be read: mentions of them are not
    /// reported as unknown on top of the file's own errors.
    pub broken_entity_ids: Vec<String>,
    /// Article files, by (key, language), that exist but could not be read: links to them
    /// are not reported as broken on top of the file's own errors.
    pub broken_articles: Vec<(String, String)>,
    /// Article files whose front matter has mistakes, as far as it reads: never published,
    /// their body and the ids in their front matter are still checked, so one run of
    /// `check` reports every mistake of a file.
    pub flawed_articles: Vec<ArticleSource>,
    /// Entity files with mistakes, as far as they read: never published, the ids they name
    /// are still checked.
    pub flawed_entities: Vec<EntitySource>,
}

/// Reads the whole content tree. Problems in one file do not stop the others from being read.
/// An article file whose text is one the last build read has its front matter from `kept`.
pub(crate) fn load(config: &Config, kept: &KeptFronts) -> (Content, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut content = Content::default();
    let root = &config.root;
    let content_dir = root.join("content");

    let paths = walk(root, &content_dir, &mut problems);
    // Reading and parsing files is independent per file; results keep the sorted order.
    let loaded: Vec<Loaded> = paths
        .par_iter()
        .map(|path| load_one(config, kept, &content_dir, path))
        .collect();
    let mut prose: Vec<(String, String, SourceText)> = Vec::new();
    content.articles.reserve(loaded.len());
    for item in loaded {
        match item {
            Loaded::Article(_, Ok(article)) => content.articles.push(article),
            Loaded::Article(version, Err((mut errs, flawed))) => {
                // What the mistakes keep from being checked, said once per file.
                let skipped = if flawed.is_some() {
                    "until the file is fixed, the article is left out of the site; its other fields and its body are checked"
                } else {
                    "until the file is fixed, the article is left out of the site, and its body is not checked"
                };
                say_what_waits(&mut errs, skipped);
                problems.append(&mut errs);
                content.broken_articles.push(version);
                content.flawed_articles.extend(flawed.map(|a| *a));
            }
            Loaded::Entity(_, Ok(entity)) => content.entities.push(entity),
            Loaded::Entity(id, Err((mut errs, flawed))) => {
                let skipped = if flawed.is_some() {
                    "until the file is fixed, the entity is left out of the site; the ids it names are checked"
                } else {
                    "until the file is fixed, the entity is left out of the site"
                };
                say_what_waits(&mut errs, skipped);
                problems.append(&mut errs);
                content.broken_entity_ids.push(id);
                content.flawed_entities.extend(flawed.map(|e| *e));
            }
            Loaded::Prose(id, lang, src, mut forbidden) => {
                problems.append(&mut forbidden);
                prose.push((id, lang, src));
            }
            Loaded::Problems(mut errs) => problems.append(&mut errs),
        }
    }

    problems.extend(same_article_twice(&content.articles));
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for (i, e) in content.entities.iter().enumerate() {
        by_id.insert(e.id.clone(), i);
    }
    for (id, lang, src) in prose {
        match by_id.get(&id) {
            Some(&i) => {
                content.entities[i].prose.insert(lang, src);
            }
            // An entity file with errors has its own; its prose is not a second problem, and
            // is checked with the entity when the file reads far enough to be kept.
            None if content.broken_entity_ids.contains(&id) => {
                if let Some(flawed) = content.flawed_entities.iter_mut().find(|e| e.id == id) {
                    flawed.prose.insert(lang, src);
                }
            }
            None => problems.push(
                Diagnostic::at(
                    Code::InvalidFileName,
                    format!("prose for entity `{id}`, which has no `{id}.yaml`"),
                    Location::file_only(&src.path),
                )
                .with_help(format!(
                    "create content/entities/{id}.yaml or rename this file"
                )),
            ),
        }
    }
    (content, problems)
}

/// Two files in different folders that are the same version of one article: keys (file
/// names) are the article's identity, whatever folder it is kept in.
fn same_article_twice(articles: &[ArticleSource]) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<(&str, &str), &ArticleSource> = BTreeMap::new();
    let mut problems = Vec::new();
    for article in articles {
        match seen.entry((&article.key, &article.lang)) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(article);
            }
            std::collections::btree_map::Entry::Occupied(first) => problems.push(
                Diagnostic::at(
                    Code::DuplicateOutput,
                    format!(
                        "{} and {} are both the `{}` version of article `{}`",
                        first.get().src.path.display(),
                        article.src.path.display(),
                        article.lang,
                        article.key
                    ),
                    Location::file_only(&article.src.path),
                )
                .with_related(vec![Location::file_only(&first.get().src.path)])
                .with_help("rename one of the two files: an article's key is its file name, in whatever folder"),
            ),
        }
    }
    problems
}

/// Adds to the first error of a file what waits for it to be fixed.
fn say_what_waits(errs: &mut Diagnostics, skipped: &str) {
    if let Some(first) = errs.0.iter_mut().find(|d| d.is_error()) {
        first.help = Some(match first.help.take() {
            Some(help) => format!("{help} ({skipped})"),
            None => skipped.to_string(),
        });
    }
}

/// Reads one article file, as `load` does for each: name, UTF-8, front matter.
pub(crate) fn load_article(config: &Config, path: &Path) -> Result<ArticleSource, Diagnostics> {
    let shown = source::display_path(&config.root, path);
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let (key, lang) = parse_name(name, "md", config, &shown)?;
    read_article(config, &KeptFronts::default(), path, key, lang).map_err(|(problems, _)| problems)
}

/// An article's problems, and the article as far as its front matter reads.
type Flawed = (Diagnostics, Option<Box<ArticleSource>>);

/// What one file of `content/` turned out to be.
enum Loaded {
    Article((String, String), Result<ArticleSource, Flawed>),
    Entity(
        String,
        Result<EntitySource, (Diagnostics, Option<Box<EntitySource>>)>,
    ),
    /// An entity's prose, with the forbidden characters blanked in it (reported beside).
    Prose(String, String, SourceText, Vec<Diagnostic>),
    Problems(Diagnostics),
}

fn load_one(config: &Config, kept: &KeptFronts, content_dir: &Path, path: &Path) -> Loaded {
    let root = &config.root;
    let rel = path.strip_prefix(content_dir).unwrap_or(path);
    let shown = source::display_path(root, path);
    let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
        return Loaded::Problems(bad_name(&shown, "the file name is not valid UTF-8").into());
    };
    let section = rel.components().next().and_then(|c| c.as_os_str().to_str());
    let nested = rel.components().count() > 2;
    match (section, file_extension(file_name)) {
        // Wire archives are kept by date (`articles/2024/12/`): the folders are the editor's.
        (Some("articles"), Some("md")) => match parse_name(file_name, "md", config, &shown) {
            Ok((key, lang)) => Loaded::Article(
                (key.to_string(), lang.to_string()),
                read_article(config, kept, path, key, lang),
            ),
            Err(d) => Loaded::Problems(d.into()),
        },
        (Some("entities"), Some("yaml" | "yml")) if !nested => {
            let id = file_name
                .rsplit_once('.')
                .map_or(file_name, |(stem, _)| stem);
            if let Err(why) = check_id(id) {
                return Loaded::Problems(
                    bad_name(&shown, &format!("entity id `{id}` {why}")).into(),
                );
            }
            let parsed = match source::read_blanked(root, path) {
                Err(d) => Err((d.into(), None)),
                Ok((src, forbidden)) => {
                    match entity::parse_with_problems(id, src, &config.languages) {
                        (Some(entity), problems) if problems.is_empty() && forbidden.is_empty() => {
                            Ok(entity)
                        }
                        (entity, problems) => Err((
                            forbidden.into_iter().chain(problems).collect(),
                            entity.map(Box::new),
                        )),
                    }
                }
            };
            Loaded::Entity(id.to_string(), parsed)
        }
        (Some("entities"), Some("md")) if !nested => {
            match parse_name(file_name, "md", config, &shown) {
                Ok((id, lang)) => match source::read_blanked(root, path) {
                    Ok((src, forbidden)) => Loaded::Prose(id, lang, src, forbidden),
                    Err(d) => Loaded::Problems(d.into()),
                },
                Err(d) => Loaded::Problems(d.into()),
            }
        }
        (_, Some("md" | "yaml" | "yml")) => Loaded::Problems(
            bad_name(&shown, "depeche does not know what to do with this file").into(),
        ),
        (_, ext) => Loaded::Problems(unread(&shown, ext).into()),
    }
}

/// A file in `content/` that depeche does not read, and so does not publish.
fn unread(shown: &Path, ext: Option<&str>) -> Diagnostic {
    let help = match ext.map(str::to_lowercase).as_deref() {
        Some("markdown" | "mdown" | "mkd" | "txt" | "text") => {
            "articles are Markdown files ending in `.md`: rename it `<key>.<lang>.md`"
        }
        _ => "images and other files a page shows go in static/, which is published as is",
    };
    Diagnostic::at(
        Code::UnreadFile,
        format!("{} is not read: it will not be published", shown.display()),
        Location::file_only(shown),
    )
    .with_help(help)
}

fn read_article(
    config: &Config,
    kept: &KeptFronts,
    path: &Path,
    key: String,
    lang: String,
) -> Result<ArticleSource, Flawed> {
    let shown = source::display_path(&config.root, path);
    // Today changes between builds: never kept.
    let scheduled = |front: &FrontMatter| !config.publish_future && front.date.day > config.today();
    // The key is the file's name, which is in the path the front matter is kept under.
    if let Some((digest, stamp, entry)) = kept.unchanged(&shown, path) {
        let mut front = entry.front;
        front.scheduled = scheduled(&front);
        return Ok(ArticleSource {
            key,
            lang,
            src: SourceText::new(shown, String::new()),
            front,
            body_start: entry.body_start,
            digest,
            front_digest: entry.front_digest,
            body_len: entry.body_len,
            stamp: Some(stamp),
            unread: true,
        });
    }
    let (src, stamp, forbidden) =
        source::read_stamped(&config.root, path).map_err(|d| (d.into(), None))?;
    let digest = digest(&src.text);
    let (body_start, front, mut problems) = match kept.get(&src.path, digest) {
        Some(entry) => (entry.body_start, Some(entry.front), Vec::new()),
        None => {
            let split = match front_matter::split(&src) {
                Ok(split) => split,
                Err(d) => return Err((forbidden.into_iter().chain([d]).collect(), None)),
            };
            let (front, problems) = front_matter::parse_with_problems(&src, split, &key);
            (split.body_start, front, problems)
        }
    };
    // A forbidden character is blanked in the text read: the rest of the file is checked.
    problems.splice(0..0, forbidden);
    let Some(mut front) = front else {
        return Err((problems.into(), None));
    };
    front.scheduled = scheduled(&front);
    let body_start = body_start.min(src.text.len());
    let article = ArticleSource {
        key,
        lang,
        front,
        body_start,
        digest,
        front_digest: self::digest(&src.text[..body_start]),
        body_len: src.text.len() - body_start,
        stamp,
        unread: false,
        src,
    };
    if problems.is_empty() {
        Ok(article)
    } else {
        Err((problems.into(), Some(Box::new(article))))
    }
}

/// Sorted walk that never leaves the site: symlinks are read only when they resolve inside it.
fn walk(root: &Path, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by(crate::source::by_name)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                problems.push(source::walk_error(root, dir, &err));
                continue;
            }
        };
        let path = entry.path();
        if entry.path_is_symlink() {
            // A folder's files would be read without being watched or fingerprinted: only
            // links to files are followed.
            let skipped = match path.canonicalize() {
                Err(_) => Some((
                    "symbolic link skipped: what it points to does not exist",
                    "remove it, or point it at a file inside the site",
                )),
                Ok(t) if !t.starts_with(&canonical_root) => Some((
                    "symbolic link skipped: it points out of the site",
                    "copy what it points to into the site instead of linking to it",
                )),
                Ok(t) if t.is_file() => None,
                Ok(t) if t.is_dir() => Some((
                    "symbolic link to a folder skipped: only links to files are followed",
                    "move the folder here, or link each file",
                )),
                Ok(_) => Some((
                    "symbolic link skipped: it does not point to a file",
                    "point it at a file inside the site",
                )),
            };
            if let Some((why, help)) = skipped {
                problems.push(
                    Diagnostic::at(
                        Code::SymlinkOutsideSite,
                        why,
                        Location::file_only(source::display_path(root, path)),
                    )
                    .with_help(help),
                );
                continue;
            }
        } else if !entry.file_type().is_file() {
            if !entry.file_type().is_dir() {
                problems.push(source::special_file(root, path));
            }
            continue;
        }
        files.push(path.to_path_buf());
    }
    files
}

fn file_extension(name: &str) -> Option<&str> {
    name.rsplit_once('.').map(|(_, ext)| ext)
}

/// Splits `<key>.<lang>.<ext>` and checks both parts.
fn parse_name(
    name: &str,
    ext: &str,
    config: &Config,
    shown: &Path,
) -> Result<(String, String), Diagnostic> {
    let stem = &name[..name.len() - ext.len() - 1];
    let Some((key, lang)) = stem.rsplit_once('.') else {
        return Err(
            bad_name(shown, "the name has no language suffix").with_help(format!(
                "name it `{stem}.{}.{ext}` (the suffix is one of the configured languages)",
                config.default_language()
            )),
        );
    };
    if !config.languages.iter().any(|l| l == lang) {
        return Err(Diagnostic::at(
            Code::UnknownLanguage,
            format!("language `{lang}` is not configured in site.yaml"),
            Location::file_only(shown),
        )
        .with_help(format!(
            "use one of: {}; or add `{lang}` to `languages` in site.yaml",
            config.languages.join(", ")
        )));
    }
    check_id(key).map_err(|why| bad_name(shown, &format!("key `{key}` {why}")))?;
    Ok((key.to_string(), lang.to_string()))
}

/// Article keys and entity ids: lowercase ASCII letters, digits and hyphens.
pub(crate) fn check_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("is empty");
    }
    if id.starts_with('-') || id.ends_with('-') {
        return Err("starts or ends with a hyphen");
    }
    // It names a page's folder (`entities/<id>/`, an article's default slug).
    if id.len() > front_matter::MAX_SEGMENT_BYTES {
        return Err("is too long for a file name (at most 140 bytes)");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("may only contain lowercase letters, digits and hyphens");
    }
    Ok(())
}

fn bad_name(shown: &Path, why: &str) -> Diagnostic {
    Diagnostic::at(
        Code::InvalidFileName,
        format!("{}: {why}", shown.display()),
        Location::file_only(shown),
    )
    .with_help("articles are content/articles/<key>.<lang>.md; entities are content/entities/<id>.yaml and <id>.<lang>.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(check_id("hts").is_ok());
        assert!(check_id("al-qaida").is_ok());
        assert!(check_id("Alep").is_err());
        assert!(check_id("a_b").is_err());
        assert!(check_id("-a").is_err());
        // `new` would otherwise make files that `check` then refuses.
        assert!(check_id(&"a".repeat(140)).is_ok());
        assert!(check_id(&"a".repeat(141)).is_err());
    }

    /// A file whose text the last build read has the front matter that build kept; another
    /// text is parsed. A file whose stamp is the one kept is not read until its text is
    /// needed, and then only if it is still the text kept.
    #[test]
    fn the_front_matter_of_a_file_read_before_is_not_parsed_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("site.yaml"),
            "title: {fr: T}\nbase_url: https://example.org/\nlanguages: [fr]\n",
        )
        .unwrap();
        let articles = root.join("content/articles");
        std::fs::create_dir_all(&articles).unwrap();
        let text = "---\ntitle: Lue\ndate: 2024-11-30\n---\nTexte.\n";
        let file = articles.join("a.fr.md");
        std::fs::write(&file, text).unwrap();
        let config = Config::load(root, None).unwrap();
        let loaded = |kept: &KeptFronts| {
            let (mut content, problems) = load(&config, kept);
            assert!(problems.is_empty(), "{problems:?}");
            content.articles.remove(0)
        };
        let read = loaded(&KeptFronts::default());
        assert_eq!(read.front.title, "Lue");
        assert!(!read.unread);
        assert_eq!(read.stamp, None, "a file just written has not settled");
        let mut kept_front = read.front.clone();
        kept_front.title = "Gardée".into();
        let cache = tempfile::tempdir().unwrap();
        let keep = |digest: u64, stamp: Option<source::Stamp>| {
            KeptFronts::save(
                cache.path(),
                std::iter::once(Front {
                    path: &read.src.path,
                    digest,
                    stamp,
                    entry: FrontEntry {
                        body_start: read.body_start,
                        body_len: read.body_len,
                        front_digest: read.front_digest,
                        front: &kept_front,
                    },
                }),
            );
            KeptFronts::open(cache.path())
        };
        assert_eq!(loaded(&keep(read.digest, None)).front.title, "Gardée");
        assert_eq!(loaded(&keep(read.digest ^ 1, None)).front.title, "Lue");
        // Kept as a build long after the file's last write keeps it: not read.
        let Some(stamp) = source::Stamp::of(&std::fs::metadata(&file).unwrap()) else {
            return; // A system without change times trusts no stamp.
        };
        let mut unread = loaded(&keep(read.digest, Some(stamp)));
        assert!(unread.unread);
        assert_eq!(unread.front.title, "Gardée");
        assert_eq!(unread.src.text, "");
        assert_eq!(
            (unread.body_start, unread.body_len, unread.front_digest),
            (read.body_start, read.body_len, read.front_digest)
        );
        unread.read_text(root).unwrap();
        assert_eq!((unread.src.text.as_str(), unread.unread), (text, false));
        assert_eq!(unread.body(), "Texte.\n");
        // A text that is not the one kept, under the same stamp, fails the build.
        let mut changed = loaded(&keep(read.digest ^ 1, Some(stamp)));
        assert!(changed.unread);
        let error = changed.read_text(root).unwrap_err();
        assert_eq!(error.code, Code::ChangedDuringBuild);
        assert!(
            error.message.contains("a.fr.md changed"),
            "{}",
            error.message
        );
    }
}
