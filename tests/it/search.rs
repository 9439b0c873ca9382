//! The search index and pages: depeche's own index per language under the sub-path (a root
//! file, shards of the dictionary, records), a search page whose form leads to the entity
//! index without JavaScript, kept current by `serve` file by file, and none of it for a site
//! that turns it off. (Queries run in Chromium: `browser.rs`.)

use std::collections::BTreeMap;

use crate::common::*;
use depeche::incremental::Session;
use depeche::site::Options;

/// A language's index as a build wrote it: every file under its folder, by path relative to
/// the output, [`readable`].
fn index_files(site: &TestSite, lang: &str) -> BTreeMap<String, String> {
    index_in(site, "public", lang)
}

fn index_in(site: &TestSite, output: &str, lang: &str) -> BTreeMap<String, String> {
    published(&site.path(output))
        .into_iter()
        .filter(|(path, _)| path.starts_with(&format!("{lang}/search/index/")))
        .map(|(path, bytes)| (path.clone(), readable(&path, &bytes)))
        .collect()
}

/// A file of an index as text; a pack of article records (`a/<n>.bin`) as the hash of its
/// bytes (so that packs still compare byte for byte), then its records, each read alone as
/// `search.js` reads it: from the lengths the pack starts with, inflated (each a JSON string
/// on a line of its own).
fn readable(path: &str, bytes: &[u8]) -> String {
    if !path.ends_with(".bin") {
        return String::from_utf8(bytes.to_vec()).unwrap();
    }
    // 64 lengths (little-endian u16), then the records.
    let len = |i: usize| usize::from(u16::from_le_bytes([bytes[2 * i], bytes[2 * i + 1]]));
    let mut out = format!("{:032x}\n", xxhash_rust::xxh3::xxh3_128(bytes));
    let mut start = 2 * 64;
    for slot in (0..64).filter(|&s| len(s) > 0) {
        let record = miniz_oxide::inflate::decompress_to_vec(&bytes[start..start + len(slot)]);
        start += len(slot);
        let record = String::from_utf8(record.unwrap()).unwrap();
        out.push_str(&serde_json::to_string(&record).unwrap());
        out.push('\n');
    }
    out
}

/// Article `n`'s record, from the files of its index.
fn article_record(files: &BTreeMap<String, String>, dir: &str, n: usize) -> serde_json::Value {
    let per = json(&files[&format!("{dir}root.json")])["articles_per_file"]
        .as_u64()
        .unwrap() as usize;
    let line = files[&format!("{dir}a/{}.bin", n / per)]
        .lines()
        .nth(1 + n % per)
        .unwrap();
    record_of(json(line).as_str().unwrap())
}

/// A record's lines as `search.js` reads them (src/search/doc.rs): kind, title, address, date,
/// ISO date, passages.
fn record_of(text: &str) -> serde_json::Value {
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(lines.len() >= 5, "{text:?}");
    serde_json::json!({
        "k": lines[0], "t": lines[1], "u": lines[2], "d": lines[3], "dt": lines[4],
        "p": lines[5..],
    })
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A shard's file name: its first word's UTF-8 in hexadecimal.
fn hex(word: &str) -> String {
    word.bytes().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn each_language_has_its_own_index_and_a_search_page_that_works_without_javascript() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    for (lang, other) in [("fr", "en"), ("en", "fr")] {
        let files = index_files(&site, lang);
        let dir = format!("{lang}/search/index/");
        let root = json(&files[&format!("{dir}root.json")]);
        assert_eq!(root["format"], 4);
        // Every article and entity of the language: one article, 22 entities.
        let entities = std::fs::read_dir(site.path(&format!("public/{lang}/entities")))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_dir())
            .count() as u64;
        assert_eq!(root["articles"], 1, "{root}");
        assert_eq!(root["entities"].as_u64(), Some(entities), "{root}");
        // Each shard the root lists is there, starts with the word it is listed by, and its
        // words are in order; nothing else is in the folder.
        let shards: Vec<&str> = root["shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert!(shards.windows(2).all(|w| w[0] < w[1]), "{shards:?}");
        let per_file = root["entities_per_file"].as_u64().unwrap();
        let mut expected: Vec<String> = shards
            .iter()
            .map(|first| format!("{dir}t/{}.json", hex(first)))
            .chain([format!("{dir}root.json"), format!("{dir}a/0.bin")])
            .chain((0..entities.div_ceil(per_file)).map(|n| format!("{dir}e/{n}.json")))
            .collect();
        expected.sort();
        assert_eq!(files.keys().cloned().collect::<Vec<_>>(), expected);
        for first in &shards {
            let shard = json(&files[&format!("{dir}t/{}.json", hex(first))]);
            let words: Vec<&str> = shard["w"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap())
                .collect();
            assert_eq!(words[0], *first);
            assert!(words.windows(2).all(|w| w[0] < w[1]));
        }
        // The article's record shows its title, page, date and text, in its language.
        let record = article_record(&files, &dir, 0);
        assert_eq!(record["k"], "article");
        let url = record["u"].as_str().unwrap();
        let page = url.strip_prefix("/depeche/").unwrap();
        assert!(page.starts_with(&format!("{lang}/articles/")), "{url}");
        assert!(
            site.path(&format!("public/{page}index.html")).is_file(),
            "{url}"
        );
        assert_eq!(record["dt"], "2024-11-30");
        let passages = record["p"].as_array().unwrap();
        assert!(passages.len() > 5, "{record}");
        let first_entities = json(&files[&format!("{dir}e/0.json")]);
        assert_eq!(
            first_entities.as_array().unwrap().len() as u64,
            per_file.min(entities)
        );
        let entity = record_of(first_entities[0].as_str().unwrap());
        let url = entity["u"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("/depeche/{lang}/entities/")),
            "{entity}"
        );

        let page = site.html(&format!("{lang}/search/index.html"));
        let form = &select(&page, "form[role=search]")[0];
        assert_eq!(attr(form, "action"), format!("/depeche/{lang}/entities/"));
        // GET, the default (which the minifier leaves out).
        assert!(["", "get"].contains(&attr(form, "method").as_str()));
        assert_eq!(
            attr(form, "data-index"),
            format!("/depeche/{lang}/search/index/root.json")
        );
        let label = &select(&page, "label[for=search-q]")[0];
        assert!(!text(label).is_empty());
        assert_eq!(attr(&select(&page, "#search-q")[0], "name"), "q");
        let fallback = &select(&page, "noscript")[0];
        assert!(
            fallback
                .inner_html()
                .contains(&format!("/depeche/{lang}/entities/")),
            "{}",
            fallback.inner_html()
        );
        assert_eq!(
            attr(&select(&page, "meta[name=robots]")[0], "content"),
            "noindex"
        );
        // Every page's navigation leads to its language's search page.
        let home = site.html(&format!("{lang}/index.html"));
        assert!(
            select(&home, ".site-nav a")
                .iter()
                .any(|a| attr(a, "href") == format!("/depeche/{lang}/search/")),
            "{lang}: no link to the search page"
        );
        assert!(
            !site
                .public(&format!("{lang}/search/index.html"))
                .contains(&format!("/{other}/search/index/"))
        );
    }
    // Not for search engines.
    assert!(!site.public("sitemap.xml").contains("/search/"));
}

#[test]
fn the_same_site_gives_the_same_index_byte_for_byte() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let first = (index_files(&site, "fr"), index_files(&site, "en"));
    site.build_ok(&["--output", "again"]);
    let again = |lang: &str| index_in(&site, "again", lang);
    assert_eq!(first, (again("fr"), again("en")));
}

#[test]
fn a_site_can_go_without_search() {
    let site = TestSite::shipped();
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}build_search_index: false\n"));
    // The built-in script, not the site's own copy: it has no page to serve.
    std::fs::remove_file(site.path("static/search.js")).unwrap();
    site.build_ok(&[]);
    assert!(!site.path("public/search.js").exists());
    for lang in ["fr", "en"] {
        assert!(!site.path(&format!("public/{lang}/search")).exists());
        let home = site.public(&format!("{lang}/index.html"));
        assert!(
            !home.contains("/search/"),
            "{lang}: a link to no search page"
        );
    }
}

#[test]
fn nothing_from_static_lands_in_the_index_folder() {
    let site = TestSite::shipped();
    site.write("static/fr/search/index/root.json", "{}");
    let out = site.depeche(&["check"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("static/fr/search/index/root.json") && stderr.contains("search index"),
        "{stderr}"
    );
}

/// Every file of `lang`'s index as `serve` has it.
fn served_index(session: &Session, lang: &str) -> BTreeMap<String, String> {
    let root = format!("{lang}/search/index/root.json");
    let read = |path: &str| readable(path, &session.page(path).unwrap().unwrap());
    let root_text = read(&root);
    let index = json(&root_text);
    let dir = format!("{lang}/search/index/");
    let mut files = BTreeMap::from([(root, root_text)]);
    for first in index["shards"].as_array().unwrap() {
        let path = format!("{dir}t/{}.json", hex(first.as_str().unwrap()));
        files.insert(path.clone(), read(&path));
    }
    let per_pack = index["articles_per_file"].as_u64().unwrap();
    for n in 0..index["articles"].as_u64().unwrap().div_ceil(per_pack) {
        let path = format!("{dir}a/{n}.bin");
        files.insert(path.clone(), read(&path));
    }
    let per_file = index["entities_per_file"].as_u64().unwrap();
    for n in 0..index["entities"].as_u64().unwrap().div_ceil(per_file) {
        let path = format!("{dir}e/{n}.json");
        files.insert(path.clone(), read(&path));
    }
    files
}

/// The shipped site with `n` more articles in French and English, each with its own words
/// (drawn from a vocabulary of a few thousand made-up ones), so the index has many shards.
fn with_articles(n: usize) -> TestSite {
    let site = TestSite::shipped();
    let syllables = [
        "ka", "ri", "mal", "dar", "sa", "lim", "nour", "ha", "bib", "za", "yed", "fa", "rou", "qa",
        "ta", "mer", "an", "ous", "ja", "mil",
    ];
    let word = |i: usize| {
        let n = syllables.len();
        format!(
            "{}{}{}",
            syllables[i % n],
            syllables[i / n % n],
            syllables[i / (n * n) % n]
        )
    };
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for i in 0..n {
        for lang in ["fr", "en"] {
            let title: Vec<String> = (0..5).map(|_| word(next() % 4000)).collect();
            let body: Vec<String> = (0..80).map(|_| word(next() % 4000)).collect();
            site.write(
                &format!("content/articles/gen-{i}.{lang}.md"),
                format!(
                    "---\ntitle: {}\ndate: 2023-{:02}-{:02}\n---\n\n{}.\n",
                    title.join(" "),
                    i % 12 + 1,
                    i % 28 + 1,
                    body.join(" ")
                ),
            );
        }
    }
    site
}

#[test]
fn serve_rewrites_only_the_files_an_edit_touches_and_ends_with_a_builds_index() {
    let site = with_articles(150);
    let options = Options {
        root: site.root().to_path_buf(),
        ..Options::default()
    };
    let mut session = Session::start(&options, usize::MAX).unwrap();
    let before = served_index(&session, "en");
    let french = served_index(&session, "fr");
    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "title: Jihadists and rebels have taken control of most of Aleppo",
        "title: Jihadists and rebels have taken control of most of Aleppo, says a monitor",
    );
    let update = session
        .update(&[site.path("content/articles/alep-offensive-hts.en.md")])
        .unwrap();
    // Article 150 is in the third pack.
    let record = "en/search/index/a/2.bin";
    assert!(!update.full, "an edited article is rebuilt alone");
    let after = served_index(&session, "en");
    // The article's record, the root and the shards of the words it gained; not the rest.
    let rewritten: Vec<&String> = update
        .changed
        .iter()
        .filter(|p| p.starts_with("en/search/index/"))
        .collect();
    assert!(rewritten.contains(&&record.to_string()), "{rewritten:?}");
    assert!(rewritten.contains(&&"en/search/index/root.json".to_string()));
    let shards_before = before.keys().filter(|p| p.contains("/t/")).count();
    let shards_rewritten = rewritten.iter().filter(|p| p.contains("/t/")).count();
    assert!(
        (1..shards_before / 2).contains(&shards_rewritten),
        "{shards_rewritten} of {shards_before} shards rewritten: {rewritten:?}"
    );
    for (path, text) in &after {
        let changed = before.get(path) != Some(text);
        assert_eq!(changed, rewritten.contains(&path), "{path}");
    }
    assert_eq!(
        served_index(&session, "fr"),
        french,
        "the other language's index changed"
    );
    // Byte for byte what a build of the edited site writes.
    site.build_ok(&[]);
    assert_eq!(after, index_files(&site, "en"));
    assert!(after[record].contains("says a monitor"));
    assert!(
        article_record(&after, "en/search/index/", 150)["t"]
            .as_str()
            .unwrap()
            .ends_with("says a monitor")
    );
}

#[test]
fn a_build_after_an_edit_reuses_what_the_last_one_found_and_writes_the_same_index() {
    let site = with_articles(40);
    site.build_ok(&[]);
    // A first build keeps no cache (a CI runner would throw it away); the next one does,
    // beside the output, never in it.
    assert!(!site.path(".public.depeche-cache").exists());
    site.build_ok(&[]);
    assert!(site.path(".public.depeche-cache").is_dir());
    assert!(
        !published(&site.path("public"))
            .keys()
            .any(|p| p.contains("cache"))
    );
    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "had brought a precarious calm",
        "had brought a precarious and zanzibarian calm",
    );
    site.build_ok(&[]);
    let warm = (index_files(&site, "fr"), index_files(&site, "en"));
    assert!(warm.1.values().any(|text| text.contains("zanzibarian")));
    // A build with no cache (a new output folder) writes the same files.
    site.build_ok(&["--output", "cold"]);
    let cold = |lang: &str| index_in(&site, "cold", lang);
    assert_eq!(warm, (cold("fr"), cold("en")));

    // A cache changed by anything but a build is not read: the index is as a cold build's.
    for entry in std::fs::read_dir(site.path(".public.depeche-cache")).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        if let Some(at) = bytes.windows(9).position(|w| w == b"offensive") {
            bytes[at + 8] = b'X';
            std::fs::write(&path, bytes).unwrap();
        }
    }
    site.build_ok(&[]);
    assert_eq!(
        (index_files(&site, "fr"), index_files(&site, "en")),
        (cold("fr"), cold("en"))
    );

    // Nor is a language's cache renamed as another's, even for pages of the same text, which
    // each language's stemmer reads its own way.
    let same = "---\ntitle: Generally the same\ndate: 2024-11-29\n---\nGenerally, les généraux le disent: generals say it.\n";
    site.write("content/articles/same.fr.md", same);
    site.write("content/articles/same.en.md", same);
    site.build_ok(&[]);
    site.build_ok(&[]);
    site.build_ok(&["--output", "cold"]);
    let cache = site.path(".public.depeche-cache");
    let segments: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".cache"))
        .collect();
    assert!(
        segments.iter().any(|n| n.starts_with("search-fr.")),
        "{segments:?}"
    );
    assert!(
        segments.iter().any(|n| n.starts_with("search-en.")),
        "{segments:?}"
    );
    // Every segment of one language takes the name of the other's.
    for name in &segments {
        std::fs::rename(cache.join(name), cache.join(format!("{name}.swap"))).unwrap();
    }
    for name in &segments {
        let swapped = match name.strip_prefix("search-fr") {
            Some(rest) => format!("search-en{rest}"),
            None => name.replacen("search-en", "search-fr", 1),
        };
        std::fs::rename(cache.join(format!("{name}.swap")), cache.join(swapped)).unwrap();
    }
    site.build_ok(&[]);
    assert_eq!(
        (index_files(&site, "fr"), index_files(&site, "en")),
        (cold("fr"), cold("en"))
    );
}
