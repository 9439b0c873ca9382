//! Markdown links between content files (`[voir](other.en.md)`, `[Alep](../entities/aleppo.yaml)`),
//! resolved to the pages they become. A link to a file that does not exist is an error.

use std::collections::HashMap;
use std::path::Path;

use crate::urls::Urls;

/// What a content link can point to: articles by (key, language) → slug, and entity ids.
#[derive(Debug, Default)]
pub struct Targets {
    /// Published articles' slugs, by (key, language).
    pub articles: HashMap<(String, String), String>,
    /// Entity ids.
    pub entities: Vec<String>,
    /// Article versions whose files could not be read: a link to one is not a second error
    /// (the build stops on the file's own).
    pub unreadable: Vec<(String, String)>,
    /// Article versions that are not published (drafts, or dated after today), by (key,
    /// language): whether each is a draft.
    pub unpublished: HashMap<(String, String), bool>,
}

/// Is this destination a link to a content file (rather than a URL or an anchor)?
pub(super) fn is_content_link(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let has_scheme = path
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.contains('/'));
    !has_scheme
        && !path.starts_with('/')
        && [".md", ".yaml", ".yml"]
            .iter()
            .any(|ext| path.ends_with(ext))
}

pub enum Resolved {
    Url(String),
    /// Not found; the closest existing file name, if any.
    Missing(Option<String>),
    /// An article that is not published: a draft (`true`) or one dated after today.
    Unpublished {
        draft: bool,
    },
}

impl Targets {
    /// Resolves `dest`, written in the file `from` (relative to the site root), for a page in `lang`.
    pub fn resolve(&self, urls: &Urls, from: &Path, dest: &str, lang: &str) -> Resolved {
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let joined = crate::source::normalize(&from.parent().unwrap_or(Path::new("")).join(path));
        // Articles may be in subfolders of content/articles/; entities are not.
        let section = if joined.starts_with("content/articles") {
            Some("articles")
        } else if joined.parent() == Some(Path::new("content/entities")) {
            Some("entities")
        } else {
            None
        };
        let name = joined.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // An article that exists but is not published: whether it is a draft.
        let mut waiting = None;
        let url = match section {
            Some("articles") => name
                .strip_suffix(".md")
                .and_then(|stem| stem.rsplit_once('.'))
                .and_then(|(key, l)| {
                    let version = (key.to_string(), l.to_string());
                    match self.articles.get(&version) {
                        Some(slug) => Some(urls.article(l, slug)),
                        None if self.unreadable.contains(&version) => Some(urls.article(l, key)),
                        None => {
                            waiting = self.unpublished.get(&version).copied();
                            None
                        }
                    }
                }),
            Some("entities") => {
                let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
                let (id, l) = match stem.rsplit_once('.') {
                    Some((id, l)) if name.ends_with(".md") => (id, l),
                    _ => (stem, lang),
                };
                self.entities
                    .iter()
                    .any(|e| e == id)
                    .then(|| urls.entity(l, id))
            }
            _ => None,
        };
        match url {
            Some(url) => Resolved::Url(match fragment {
                Some(f) => format!("{url}#{f}"),
                None => url,
            }),
            None => match waiting {
                Some(draft) => Resolved::Unpublished { draft },
                None => Resolved::Missing(self.closest(name)),
            },
        }
    }

    fn closest(&self, name: &str) -> Option<String> {
        let files: Vec<String> = self
            .articles
            .keys()
            .map(|(k, l)| format!("{k}.{l}.md"))
            .chain(self.entities.iter().map(|e| format!("{e}.yaml")))
            .collect();
        crate::diagnostic::did_you_mean(name, files.iter().map(String::as_str)).map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> Targets {
        let mut t = Targets::default();
        t.articles
            .insert(("alep".into(), "en".into()), "aleppo".into());
        t.entities.push("idlib".into());
        t
    }

    fn url(from: &str, dest: &str) -> Option<String> {
        match targets().resolve(&Urls::new("/b/"), Path::new(from), dest, "fr") {
            Resolved::Url(u) => Some(u),
            Resolved::Missing(_) | Resolved::Unpublished { .. } => None,
        }
    }

    #[test]
    fn recognises_content_links() {
        assert!(is_content_link("alep.en.md"));
        assert!(is_content_link("../entities/idlib.yaml#x"));
        assert!(!is_content_link("https://example.org/a.md"));
        assert!(!is_content_link("/fr/"));
        assert!(!is_content_link("#m-hts-1"));
        assert!(!is_content_link("mailto:a@b.md"));
    }

    #[test]
    fn resolves_articles_and_entities() {
        let a = "content/articles/x.fr.md";
        assert_eq!(
            url(a, "alep.en.md").as_deref(),
            Some("/b/en/articles/aleppo/")
        );
        assert_eq!(
            url(a, "./alep.en.md#top").as_deref(),
            Some("/b/en/articles/aleppo/#top")
        );
        assert_eq!(
            url(a, "../entities/idlib.yaml").as_deref(),
            Some("/b/fr/entities/idlib/")
        );
        assert_eq!(
            url(a, "../entities/idlib.en.md").as_deref(),
            Some("/b/en/entities/idlib/")
        );
        assert_eq!(
            url("content/entities/hts.fr.md", "idlib.yaml").as_deref(),
            Some("/b/fr/entities/idlib/")
        );
        assert_eq!(url(a, "alep.fr.md"), None);
        assert_eq!(url(a, "../../site.yaml"), None);
    }
}
