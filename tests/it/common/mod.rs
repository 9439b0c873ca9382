//! Helpers shared by the integration tests: temp copies of sites, builds, HTML parsing.
#![allow(dead_code)]

pub(crate) mod server;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real binary in `dir`.
/// Starts the real binary in `dir`, its output discarded but for `stderr`'s, to be killed or
/// waited on by the test.
pub(crate) fn spawn_in(
    dir: &Path,
    args: &[&str],
    stderr: std::process::Stdio,
) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_depeche"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start depeche")
}

pub(crate) fn depeche_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_depeche"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run depeche")
}

/// `depeche init <dir>` with `options` (`--empty`), which must succeed.
pub(crate) fn init_site_with(dir: &Path, options: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_depeche"))
        .arg("init")
        .args(options)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `depeche init <dir>`, which must succeed.
pub(crate) fn init_site(dir: &Path) {
    init_site_with(dir, &[]);
}

/// A throwaway copy of a site (the shipped one by default), built and inspected in isolation.
pub(crate) struct TestSite {
    pub dir: tempfile::TempDir,
    /// The site's root inside `dir` (`dir` itself unless made with [`TestSite::nested`]).
    pub root: PathBuf,
}

impl TestSite {
    /// A copy of the frozen dispatch site in `<tmp>/site`, so that `../` is still a throwaway
    /// folder.
    pub(crate) fn nested() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        let frozen = repo().join("tests/fixtures/dispatch");
        for entry in ["site.yaml", "content"] {
            copy_tree(&frozen.join(entry), &root.join(entry));
        }
        copy_tree(&repo().join("static"), &root.join("static"));
        TestSite { dir, root }
    }

    /// A copy of `tests/fixtures/dispatch`: the shipped dispatch as it was when the diagnostic
    /// and editing tests were written, on the built-in templates. Editing the shipped content
    /// does not move the lines and columns these tests expect.
    pub(crate) fn frozen() -> Self {
        let site = Self::fixture("dispatch");
        // The stylesheet is the shipped one: nothing in these tests depends on it.
        copy_tree(&repo().join("static"), &site.path("static"));
        site
    }

    /// An existing folder (kept by the caller), for sites made by `depeche init`.
    pub(crate) fn at(root: &Path) -> Self {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
            root: root.to_path_buf(),
        }
    }

    /// A copy of the site shipped in this repository.
    pub(crate) fn shipped() -> Self {
        Self::copy_of(&repo(), &["site.yaml", "content", "templates", "static"])
    }

    /// A copy of a fixture site under tests/fixtures/.
    pub(crate) fn fixture(name: &str) -> Self {
        let root = repo().join("tests/fixtures").join(name);
        Self::copy_of(&root, &["site.yaml", "content", "templates", "static"])
    }

    fn copy_of(from: &Path, entries: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for entry in entries {
            let src = from.join(entry);
            if src.exists() {
                copy_tree(&src, &dir.path().join(entry));
            }
        }
        let root = dir.path().to_path_buf();
        TestSite { dir, root }
    }

    /// The shipped site with generated entities and dispatches added: places close together
    /// (names compete for room on the map), long names, relations and dispatches in common of
    /// every count (the site's graph draws both).
    pub(crate) fn generated() -> Self {
        let site = TestSite::shipped();
        let mut seed: u64 = 42;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for i in 0..12 {
            let (lat, lon) = (
                35.3 + next(150) as f64 / 100.0,
                36.2 + next(150) as f64 / 100.0,
            );
            let name = ["Tell", "Kafr", "Ain", "Jisr al-Shughur el"][i % 4];
            site.write(
                &format!("content/entities/gen-place-{i}.yaml"),
                format!(
                    "type: place\nname: {{fr: {name} {i}, en: {name} {i}}}\ncoordinates: [{lat:.3}, {lon:.3}]\nunverified: [wikidata]\n"
                ),
            );
        }
        for i in 0..8 {
            let place = next(12);
            let ally = (i + 1) % 8;
            site.write(
                &format!("content/entities/gen-group-{i}.yaml"),
                format!(
                    "type: organization\nname: {{fr: Front uni de la résistance populaire numéro {i}, en: United Front of the Popular Resistance number {i}}}\nunverified: [wikidata]\nrelations:\n  - {{type: based_in, target: gen-place-{place}, as_of: 2024-11-30, source: alep-offensive-hts}}\n  - {{type: ally, target: gen-group-{ally}, from: 2020-01, until: 2024-01, source: alep-offensive-hts}}\n"
                ),
            );
        }
        // A name that is one long word, and one in Arabic: neither may widen a page.
        site.write(
            "content/entities/gen-long.yaml",
            format!(
                "type: organization\nname: {{fr: {w}, en: {w}}}\nunverified: [wikidata]\n",
                w = "Ittihadalquwwatalmuqawamaalshaabiyyafilmintaqaalshamaliyya"
            ),
        );
        site.write(
            "content/entities/gen-arabic.yaml",
            "type: place\nname: {fr: قرية الشمالية, en: قرية الشمالية}\ncoordinates: [35.9, 36.9]\nunverified: [wikidata]\n",
        );
        for n in 0..16 {
            let mut ids: Vec<String> = (0..5)
                .map(|_| match next(3) {
                    0 => format!("gen-place-{}", next(12)),
                    1 => format!("gen-group-{}", next(8)),
                    _ => ["hts", "aleppo", "osdh", "idlib-city"][next(4) as usize].to_string(),
                })
                .collect();
            ids.dedup();
            let mentions: String = ids.iter().map(|id| format!("[[{id}]] ")).collect();
            for lang in ["fr", "en"] {
                site.write(
                    &format!("content/articles/gen-{n}.{lang}.md"),
                    format!(
                        "---\ntitle: Dispatch {n}\ndate: 2024-11-{:02}\n---\nText {mentions}.\n",
                        n + 1
                    ),
                );
            }
        }
        site
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub(crate) fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Replaces the first occurrence of `from` in a file; panics if absent so tests stay honest.
    pub(crate) fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, text.replacen(from, to, 1));
    }

    /// Runs the real binary in the site's root.
    pub(crate) fn depeche(&self, args: &[&str]) -> Output {
        depeche_in(self.root(), args)
    }

    /// Builds and asserts success; returns stdout.
    pub(crate) fn build_ok(&self, args: &[&str]) -> String {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let out = self.depeche(&all);
        assert!(
            out.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub(crate) fn public(&self, rel: &str) -> String {
        self.read(&format!("public/{rel}"))
    }

    pub(crate) fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.public(rel))
    }
}

pub(crate) fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(from, to).unwrap();
    }
}

/// Every file under `dir` with its bytes, keyed by relative path.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// The files of a built site as published: without depeche's own manifest, whose records
/// (file times) differ between two builds of the same site.
pub(crate) fn published(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(dir);
    files.remove(".depeche-manifest");
    files
}

pub(crate) fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
    doc.select(&selector).collect()
}

/// The elements under `el` that `css` selects.
pub(crate) fn select_in<'a>(
    el: &scraper::ElementRef<'a>,
    css: &str,
) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
    el.select(&selector).collect()
}

pub(crate) fn text(el: &scraper::ElementRef) -> String {
    el.text().collect::<String>()
}

/// The entity a mention names, from its anchor (`m-<entity>-<number>`).
pub(crate) fn mentioned_entity(el: &scraper::ElementRef) -> String {
    let id = attr(el, "id");
    let rest = id
        .strip_prefix("m-")
        .unwrap_or_else(|| panic!("{id:?} is not a mention's anchor"));
    let (entity, number) = rest.rsplit_once('-').unwrap();
    assert!(number.parse::<u32>().is_ok(), "{id:?}");
    entity.to_string()
}

pub(crate) fn attr(el: &scraper::ElementRef, name: &str) -> String {
    el.value().attr(name).unwrap_or_default().to_string()
}

/// A test that cannot run here says so on the terminal (the harness hides what a passing
/// test prints) and passes; where `DEPECHE_TEST_NO_SKIP` is set (`.ci/run` sets it), it fails
/// instead, so a CI run cannot go green without it.
pub(crate) fn skip(why: &str) {
    if std::env::var_os("DEPECHE_TEST_NO_SKIP").is_some() {
        panic!("{why}; DEPECHE_TEST_NO_SKIP is set, so this test may not be skipped");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "\nSKIPPED: {why}\n");
}
