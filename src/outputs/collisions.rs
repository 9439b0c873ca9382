//! Files of the plan that would land on one another: two sources for one file, a file where a
//! folder must be, paths that differ only by case or Unicode normalisation (which
//! case-insensitive and normalising file systems such as macOS's and Windows' merge).

use std::collections::HashMap;
use std::fmt;

use unicode_normalization::UnicodeNormalization;

use super::{Origin, Output};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::graph::Graph;
use crate::urls;

impl Origin {
    fn location(&self) -> Option<Location> {
        match self {
            Origin::Article(file) | Origin::Static(file) => Some(Location::file_only(file)),
            Origin::Entity(id) => Some(Location::file_only(format!("content/entities/{id}.yaml"))),
            Origin::Site(_) => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Article(file) | Origin::Static(file) => write!(f, "{}", file.display()),
            Origin::Entity(id) => write!(f, "the page of entity `{id}`"),
            Origin::Site(what) => write!(f, "the site's {what}"),
        }
    }
}

/// A planned file and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Planned {
    path: String,
    origin: Origin,
    /// The folder it makes every file of, if any.
    folder: Option<String>,
}

/// The form under which case-insensitive, normalising file systems store a path.
fn folded(path: &str) -> String {
    // Nearly every path is ASCII, which composes to itself.
    if path.is_ascii() {
        return path.to_ascii_lowercase();
    }
    path.nfc().collect::<String>().to_lowercase()
}

/// Finds every pair of planned files that would land on the same file, or where one needs a
/// folder the other makes a file of, on any of the file systems a site is cloned onto.
pub(crate) fn collisions(plan: &[Output], graph: &Graph) -> Vec<Diagnostic> {
    let planned: Vec<Planned> = plan
        .iter()
        .map(|output| Planned {
            path: output.path.clone(),
            origin: output.origin(graph),
            folder: output.folder().map(str::to_string),
        })
        .collect();
    collisions_among(&planned)
}

fn collisions_among(plan: &[Planned]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut by_name: HashMap<String, &Planned> = HashMap::with_capacity(plan.len());
    let names: Vec<String> = plan.iter().map(|p| folded(&p.path)).collect();
    for (planned, name) in plan.iter().zip(&names) {
        if let Origin::Static(file) = &planned.origin
            && ([urls::MANIFEST, urls::MANIFEST_TEMP].contains(&planned.path.as_str())
                || planned.path.split('/').next() == Some(urls::STAGING_TEMP))
        {
            problems.push(
                Diagnostic::at(
                    Code::DuplicateOutput,
                    format!("{} is a name depeche keeps for its own use", file.display()),
                    Location::file_only(file),
                )
                .with_help("rename or remove this file"),
            );
            continue;
        }
        match by_name.entry(name.clone()) {
            std::collections::hash_map::Entry::Occupied(first) => {
                problems.push(collision(first.get(), planned));
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(planned);
            }
        }
    }
    // A file where another file's folder must be.
    let mut folders: HashMap<String, &Planned> = HashMap::new();
    for (planned, name) in plan.iter().zip(&names) {
        let mut at = name.len();
        while let Some(slash) = name[..at].rfind('/') {
            if folders.insert(name[..slash].to_string(), planned).is_some() {
                break;
            }
            at = slash;
        }
    }
    let mut files: Vec<(&String, &&Planned)> = by_name.iter().collect();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (name, file) in &files {
        if let Some(inside) = folders.get(*name) {
            problems.push(collision(file, inside));
        }
    }
    // A file inside a folder that an output makes whole.
    for owner in plan {
        let Some(folder) = owner.folder.as_deref().map(folded) else {
            continue;
        };
        for (name, file) in &files {
            if name.starts_with(&folder) && file.path != owner.path {
                problems.push(
                    Diagnostic::new(
                        Code::DuplicateOutput,
                        format!(
                            "{} ({}) is inside {folder}, which {} makes whole",
                            file.path, file.origin, owner.origin
                        ),
                        file.origin.location(),
                    )
                    .with_help(
                        "move or rename the file: depeche writes this folder's files itself",
                    ),
                );
            }
        }
    }
    problems
}

fn collision(first: &Planned, second: &Planned) -> Diagnostic {
    let (primary, other) = match (&first.origin, &second.origin) {
        (_, Origin::Static(_)) => (second, first),
        _ => (first, second),
    };
    let message = if first.path == second.path {
        format!(
            "{} and {} would both be written to {}",
            primary.origin, other.origin, primary.path
        )
    } else if folded(&first.path) == folded(&second.path) {
        format!(
            "{} ({}) and {} ({}) differ only by case or accents' encoding: file systems that ignore case or normalise names (macOS, Windows) would keep only one",
            primary.path, primary.origin, other.path, other.origin
        )
    } else {
        format!(
            "{} ({}) is a file where {} ({}) needs a folder",
            first.path, first.origin, second.path, second.origin
        )
    };
    let help = match primary.origin {
        Origin::Static(_) => "rename or move the file in static/: generated pages take precedence",
        Origin::Article(_) => "give one of the articles a different `slug` in its front matter",
        _ => "rename one of the two sources",
    };
    let mut locations = [&primary.origin, &other.origin]
        .into_iter()
        .filter_map(Origin::location);
    let first_location = locations.next();
    Diagnostic::new(Code::DuplicateOutput, message, first_location)
        .with_related(locations.collect())
        .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn planned(path: &str, origin: Origin) -> Planned {
        Planned {
            path: path.to_string(),
            origin,
            folder: None,
        }
    }

    #[test]
    fn a_path_is_folded_alike_whatever_its_letters() {
        assert_eq!(folded("EN/Articles/Alep.HTML"), "en/articles/alep.html");
        // Composed or not, capital or not: one file on a folding file system.
        assert_eq!(folded("fr/E\u{301}te\u{301}.html"), folded("fr/été.html"));
        assert_eq!(folded("fr/ÉTÉ.html"), "fr/été.html");
    }

    #[test]
    fn nothing_may_be_written_into_the_search_index_folder() {
        let index = Planned {
            folder: Some("fr/search/index/".into()),
            ..planned("fr/search/index/root.json", Origin::Site("search index"))
        };
        let found = collisions_among(&[
            index,
            planned("fr/search/index.html", Origin::Site("search page")),
            planned(
                "fr/search/index/t/616c6570.json",
                Origin::Static("static/fr/search/index/t/616c6570.json".into()),
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.contains("inside fr/search/index/"),
            "{}",
            found[0].message
        );
        assert_eq!(
            found[0].location.as_ref().unwrap().file,
            PathBuf::from("static/fr/search/index/t/616c6570.json")
        );
    }

    fn article(path: &str, file: &str) -> Planned {
        planned(path, Origin::Article(file.into()))
    }

    #[test]
    fn case_and_normalisation_collide_but_accents_do_not() {
        let nfc = "fr/articles/caf\u{e9}/index.html";
        let nfd = "fr/articles/cafe\u{301}/index.html";
        let found = collisions_among(&[
            article("fr/articles/Foo/index.html", "a.fr.md"),
            article("fr/articles/foo/index.html", "b.fr.md"),
            article(nfc, "c.fr.md"),
            article(nfd, "d.fr.md"),
            article("fr/articles/cafe/index.html", "e.fr.md"),
        ]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found.iter().all(|d| d.code == Code::DuplicateOutput));
        assert!(found[0].message.contains("differ only by case"));
        let files: Vec<_> = found
            .iter()
            .flat_map(|d| {
                d.location
                    .iter()
                    .map(|l| l.file.clone())
                    .chain(d.related.iter().map(|l| l.file.clone()))
            })
            .collect();
        for f in ["a.fr.md", "b.fr.md", "c.fr.md", "d.fr.md"] {
            assert!(files.contains(&PathBuf::from(f)), "{f}: {files:?}");
        }
    }

    #[test]
    fn static_files_cannot_replace_pages_or_their_folders() {
        let found = collisions_among(&[
            planned("404.html", Origin::Site("404 page")),
            article("fr/articles/alep/index.html", "content/articles/alep.fr.md"),
            planned("404.html", Origin::Static("static/404.html".into())),
            planned(
                "fr/articles/alep",
                Origin::Static("static/fr/articles/alep".into()),
            ),
            planned(
                "fr/articles/alep/photo.jpg",
                Origin::Static("static/fr/articles/alep/photo.jpg".into()),
            ),
            planned(
                urls::MANIFEST,
                Origin::Static("static/.depeche-manifest".into()),
            ),
            planned(
                ".depeche-new/0",
                Origin::Static("static/.depeche-new/0".into()),
            ),
        ]);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(
            found[0]
                .message
                .contains("would both be written to 404.html")
        );
        assert_eq!(
            found[0].location.as_ref().unwrap().file,
            PathBuf::from("static/404.html")
        );
        assert!(found[1].message.contains("keeps for its own use"));
        assert!(found[2].message.contains("keeps for its own use"));
        assert!(
            found[3].message.contains("needs a folder"),
            "{}",
            found[3].message
        );
    }
}
