//! Where a site is published, and the limits that host publishes: a site past them fails at
//! deploy, after the build, so `check` and `build` measure the output against them first.
//!
//! Only limits a host documents are here; a host that documents none that a site of text
//! reaches has none, and the output is only measured.

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic, Location, count, thousands};

/// A host a site can be published on (`host:` in site.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Host {
    /// GitHub Pages, the default.
    #[default]
    GithubPages,
    /// Cloudflare Pages on its free plan.
    CloudflarePages,
    /// Cloudflare Pages on a paid plan.
    CloudflarePagesPaid,
    /// GitLab Pages on GitLab.com.
    GitlabPages,
    /// Netlify.
    Netlify,
    /// An S3-compatible bucket, usually behind a CDN.
    S3,
}

/// What a host allows one site. `None`: nothing published that a site of text reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The whole site, in bytes.
    pub bytes: Option<u64>,
    /// Files (and, when `folders_count`, folders).
    pub files: Option<u64>,
    /// Whether folders count as files (GitLab counts every entry of the archive).
    pub folders_count: bool,
    /// One file, in bytes.
    pub file_bytes: Option<u64>,
    /// Where the host publishes them.
    pub source: &'static str,
}

const GB: u64 = 1_000_000_000;
const MIB: u64 = 1 << 20;

/// At this share of a limit, a warning: the next articles may cross it.
const NEAR: f64 = 0.8;

/// How many of the largest files a footprint keeps, to name those past a host's limit.
const LARGEST: usize = 3;

impl Host {
    /// Every host, with its name in site.yaml.
    pub const ALL: [(Host, &'static str); 6] = [
        (Host::GithubPages, "github-pages"),
        (Host::CloudflarePages, "cloudflare-pages"),
        (Host::CloudflarePagesPaid, "cloudflare-pages-paid"),
        (Host::GitlabPages, "gitlab-pages"),
        (Host::Netlify, "netlify"),
        (Host::S3, "s3"),
    ];

    /// The host named `name` in site.yaml.
    pub fn named(name: &str) -> Option<Host> {
        Host::ALL.iter().find(|(_, n)| *n == name).map(|(h, _)| *h)
    }

    /// Its name in site.yaml.
    pub fn name(self) -> &'static str {
        Host::ALL
            .iter()
            .find(|(h, _)| *h == self)
            .map_or("github-pages", |(_, n)| n)
    }

    /// The limits it publishes.
    pub fn limits(self) -> Limits {
        let none = Limits {
            bytes: None,
            files: None,
            folders_count: false,
            file_bytes: None,
            source: "",
        };
        match self {
            Host::GithubPages => Limits {
                bytes: Some(GB),
                source: "https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits",
                ..none
            },
            Host::CloudflarePages => Limits {
                files: Some(20_000),
                file_bytes: Some(25 * MIB),
                source: "https://developers.cloudflare.com/pages/platform/limits/",
                ..none
            },
            Host::CloudflarePagesPaid => Limits {
                files: Some(100_000),
                file_bytes: Some(25 * MIB),
                source: "https://developers.cloudflare.com/pages/platform/limits/",
                ..none
            },
            Host::GitlabPages => Limits {
                bytes: Some(GB),
                files: Some(200_000),
                folders_count: true,
                source: "https://docs.gitlab.com/user/gitlab_com/#gitlab-pages",
                ..none
            },
            Host::Netlify | Host::S3 => none,
        }
    }
}

/// What an output holds, measured or foreseen, and what it is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Its files.
    pub files: u64,
    /// Its folders, the output's own excepted.
    pub folders: u64,
    /// Their size in bytes (as far as known: see `unknown`).
    pub bytes: u64,
    /// Files whose size is not known yet (`check` before any build).
    pub unknown: u64,
    /// The largest files, largest first (three at most): path and size.
    pub largest: Vec<(String, u64)>,
    /// Per kind of output: its name, files, bytes, and files of unknown size; largest first.
    pub groups: Vec<(&'static str, u64, u64, u64)>,
}

impl Footprint {
    /// Measures files given as (path relative to the output, size if known, kind of output).
    pub fn of<'a>(
        files: impl IntoIterator<Item = (&'a str, Option<u64>, &'static str)>,
    ) -> Footprint {
        let mut footprint = Footprint::default();
        let mut groups: HashMap<&'static str, (u64, u64, u64)> = HashMap::new();
        let mut folders = std::collections::HashSet::new();
        for (path, size, group) in files {
            footprint.files += 1;
            let mut at = path;
            while let Some(slash) = at.rfind('/') {
                at = &at[..slash];
                if !folders.insert(at) {
                    break;
                }
            }
            let entry = groups.entry(group).or_default();
            entry.0 += 1;
            match size {
                Some(size) => {
                    footprint.bytes += size;
                    entry.1 += size;
                    let larger =
                        |(p, s): &(String, u64)| size > *s || (size == *s && path < p.as_str());
                    let at = footprint
                        .largest
                        .iter()
                        .position(larger)
                        .unwrap_or(footprint.largest.len());
                    if at < LARGEST {
                        footprint.largest.insert(at, (path.to_string(), size));
                        footprint.largest.truncate(LARGEST);
                    }
                }
                None => {
                    footprint.unknown += 1;
                    entry.2 += 1;
                }
            }
        }
        footprint.folders = folders.len() as u64;
        footprint.groups = groups
            .into_iter()
            .map(|(g, (f, b, u))| (g, f, b, u))
            .collect();
        footprint
            .groups
            .sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(b.0)));
        footprint
    }

    /// Its size and files in a line: `659.2 MB in 56,264 files`.
    pub fn summary(&self) -> String {
        format!("{} in {}", megabytes(self.bytes), files(self.files))
    }

    /// The three kinds of output that weigh most, by bytes or by files.
    fn biggest(&self, by_files: bool) -> String {
        let mut groups = self.groups.clone();
        if by_files {
            groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        }
        groups
            .iter()
            .take(3)
            .map(|(name, files, bytes, unknown)| match unknown {
                0 => format!("{name} {} in {}", megabytes(*bytes), self::files(*files)),
                _ if unknown == files => {
                    format!("{name} in {} not yet built", self::files(*files))
                }
                _ => format!(
                    "{name} {} in {} and {} not yet built",
                    megabytes(*bytes),
                    self::files(*files - *unknown),
                    thousands(*unknown)
                ),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How a footprint stands against a host's limits: an error past any, a warning near one.
/// `at` is where the host is chosen (site.yaml's `host:`), when it is written.
pub fn judge(host: Host, footprint: &Footprint, at: Option<&Location>) -> Vec<Diagnostic> {
    let limits = host.limits();
    let name = host.name();
    let mut found = Vec::new();
    let entries = footprint.files
        + if limits.folders_count {
            footprint.folders + 1
        } else {
            0
        };
    let what_files = if limits.folders_count {
        "files and folders"
    } else {
        "files"
    };
    let mut measure = |value: u64, limit: Option<u64>, what: String, by_files: bool| {
        let Some(limit) = limit else { return };
        let code = if value > limit {
            Code::OverHostLimit
        } else if value as f64 >= limit as f64 * NEAR {
            Code::NearHostLimit
        } else {
            return;
        };
        let verb = if value > limit { "is over" } else { "is near" };
        let chosen = if at.is_none() {
            " (the host when site.yaml names none)"
        } else {
            ""
        };
        found.push(
            Diagnostic::new(
                code,
                format!("the output {verb} the limit of {name}{chosen}: {what}"),
                at.cloned(),
            )
            .with_help(format!(
                "most of it: {}; lighten the site (docs/publishing.md#weight), or publish it where it fits (`host:` in site.yaml, docs/publishing.md#hosts); the limits of {name}: {}",
                footprint.biggest(by_files),
                limits.source
            )),
        );
    };
    let (total, limit) = sizes(footprint.bytes, limits.bytes.unwrap_or(0));
    measure(
        footprint.bytes,
        limits.bytes,
        format!("{total} for at most {limit}{}", unknown_sizes(footprint)),
        false,
    );
    measure(
        entries,
        limits.files,
        format!(
            "{} {what_files} for at most {}",
            thousands(entries),
            thousands(limits.files.unwrap_or(0))
        ),
        true,
    );
    if let (Some((_, size)), Some(limit)) = (footprint.largest.first(), limits.file_bytes) {
        // Past the limit, the files past it; near it, the files near it.
        let from = if *size > limit {
            limit as f64 + 1.0
        } else {
            limit as f64 * NEAR
        };
        let named: Vec<String> = footprint
            .largest
            .iter()
            .filter(|(_, s)| *s as f64 >= from)
            .map(|(path, s)| {
                let (s, _) = sizes(*s, limit);
                format!("`{path}` is {s}")
            })
            .collect();
        measure(
            *size,
            Some(limit),
            format!(
                "{} for at most {} per file",
                named.join(", "),
                sizes(*size, limit).1
            ),
            false,
        );
    }
    found
}

/// A size and a limit, in megabytes, or in bytes where megabytes would make them look equal.
fn sizes(size: u64, limit: u64) -> (String, String) {
    let (a, b) = (megabytes(size), megabytes(limit));
    if a == b && size != limit {
        (
            format!("{} bytes", thousands(size)),
            format!("{} bytes", thousands(limit)),
        )
    } else {
        (a, b)
    }
}

fn unknown_sizes(footprint: &Footprint) -> String {
    match footprint.unknown {
        0 => String::new(),
        n => format!(" (and {} not yet built)", files(n)),
    }
}

/// Bytes in decimal megabytes, as hosts state their limits: `659.2 MB`.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// A count of files: `1 file`, `56,264 files`.
fn files(n: u64) -> String {
    count(n, "file", "files")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn footprint(files: &[(&'static str, u64, &'static str)]) -> Footprint {
        Footprint::of(files.iter().map(|(p, s, g)| (*p, Some(*s), *g)))
    }

    #[test]
    fn every_name_reads_back() {
        for (host, name) in Host::ALL {
            assert_eq!(Host::named(name), Some(host));
            assert_eq!(host.name(), name);
        }
        assert_eq!(Host::named("github"), None);
    }

    #[test]
    fn measures_files_folders_and_the_largest() {
        let f = footprint(&[
            ("fr/articles/a/index.html", 10, "article pages"),
            ("fr/articles/b/index.html", 30, "article pages"),
            ("fr/atom.xml", 30, "feeds"),
        ]);
        assert_eq!((f.files, f.bytes, f.folders), (3, 70, 4));
        assert_eq!(
            f.largest,
            [
                ("fr/articles/b/index.html".into(), 30),
                ("fr/atom.xml".into(), 30),
                ("fr/articles/a/index.html".into(), 10)
            ]
        );
        assert_eq!(f.groups[0], ("article pages", 2, 40, 0));
    }

    #[test]
    fn past_a_limit_is_an_error_near_it_a_warning_and_below_nothing() {
        let big = footprint(&[("a.html", 1_100_000_000, "article pages")]);
        let near = footprint(&[("a.html", 850_000_000, "article pages")]);
        let small = footprint(&[("a.html", 1_000, "article pages")]);
        let over = judge(Host::GithubPages, &big, None);
        assert_eq!(over.len(), 1);
        assert!(over[0].is_error());
        assert!(
            over[0].message.contains("1100.0 MB for at most 1000.0 MB"),
            "{}",
            over[0].message
        );
        let warned = judge(Host::GithubPages, &near, None);
        assert_eq!(warned.len(), 1);
        assert!(!warned[0].is_error());
        assert!(judge(Host::GithubPages, &small, None).is_empty());
        assert!(judge(Host::S3, &big, None).is_empty());
    }

    #[test]
    fn gitlab_counts_folders_and_cloudflare_one_file() {
        let files: Vec<(String, Option<u64>)> = (0..120_000)
            .map(|i| (format!("fr/articles/{i}/index.html"), Some(10)))
            .collect();
        let f = Footprint::of(files.iter().map(|(p, s)| (p.as_str(), *s, "article pages")));
        // 120,000 files and 120,003 folders (the output's own too): past GitLab's 200,000
        // entries.
        let d = &judge(Host::GitlabPages, &f, None)[0];
        assert!(
            d.is_error() && d.message.contains("240,003 files and folders"),
            "{}",
            d.message
        );
        // One file and its folder, in the output's: three entries.
        let one = footprint(&[("a/b.html", 1, "article pages")]);
        assert_eq!((one.files, one.folders), (1, 1));
        let heavy = footprint(&[("data/graph.json", 30 * MIB, "open data")]);
        let d = judge(Host::CloudflarePages, &heavy, None);
        assert!(d[0].is_error() && d[0].message.contains("`data/graph.json`"));
    }

    #[test]
    fn the_help_names_the_biggest_contributors() {
        let f = footprint(&[
            ("fr/entities/x/atom.xml", 600_000_000, "entity feeds"),
            ("fr/articles/a/index.html", 500_000_000, "article pages"),
            ("robots.txt", 10, "other files"),
        ]);
        let d = &judge(Host::GithubPages, &f, None)[0];
        let help = d.help.as_deref().unwrap_or_default();
        assert!(
            help.starts_with("most of it: entity feeds 600.0 MB in 1 file, article pages 500.0 MB"),
            "{help}"
        );
    }

    #[test]
    fn sizes_that_round_alike_are_given_in_bytes_and_every_large_file_is_named() {
        let f = footprint(&[
            ("big.bin", 25 * MIB + 1, "static files"),
            ("small.bin", 10, "static files"),
            ("next.bin", 24 * MIB, "static files"),
        ]);
        let d = &judge(Host::CloudflarePages, &f, None)[0];
        assert!(
            d.message
                .ends_with("`big.bin` is 26,214,401 bytes for at most 26,214,400 bytes per file"),
            "{}",
            d.message
        );
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(56_264), "56,264");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
