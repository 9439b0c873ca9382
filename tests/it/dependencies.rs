//! The dependency tree stays lean: the minifier pulls in no proc-macro crate (`syn`, `quote`,
//! `proc-macro2`), which would bring most of a compiler front end into every build.
//! Reads Cargo.lock, offline.

use std::collections::{BTreeMap, BTreeSet};

/// (name, version) → the entries of its `dependencies` list ("name" or "name version").
fn packages(lock: &str) -> BTreeMap<(String, String), Vec<String>> {
    let mut packages = BTreeMap::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
                .map(|v| v.trim_end_matches('"').to_string())
        };
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            continue;
        };
        let mut dependencies = Vec::new();
        if let Some(list) = block.split("dependencies = [").nth(1) {
            for line in list.lines() {
                let line = line.trim();
                if line.starts_with(']') {
                    break;
                }
                let entry = line.trim_matches(|c| c == '"' || c == ',');
                if !entry.is_empty() {
                    // "name version (source)" or "name version" or "name".
                    dependencies.push(entry.split(" (").next().unwrap_or(entry).to_string());
                }
            }
        }
        packages.insert((name, version), dependencies);
    }
    packages
}

/// Every package name reachable from `root` (any version of it).
fn closure(packages: &BTreeMap<(String, String), Vec<String>>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = vec![root.to_string()];
    while let Some(entry) = todo.pop() {
        let mut parts = entry.split(' ');
        let name = parts.next().unwrap_or_default().to_string();
        let version = parts.next();
        for ((n, v), deps) in packages {
            if *n == name && version.is_none_or(|want| want == v) && seen.insert(format!("{n} {v}"))
            {
                todo.extend(deps.iter().cloned());
            }
        }
    }
    seen.into_iter()
        .map(|p| p.split(' ').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_minifier_brings_no_proc_macro_crate() {
    let lock = std::fs::read_to_string(crate::common::repo().join("Cargo.lock")).unwrap();
    let packages = packages(&lock);
    let minifier = closure(&packages, "minify-html");
    assert!(
        minifier.contains("minify-html") && minifier.contains("memchr"),
        "{minifier:?}"
    );
    for macro_crate in ["syn", "quote", "proc-macro2"] {
        assert!(
            !minifier.contains(macro_crate),
            "minify-html depends on {macro_crate} again: {minifier:?}"
        );
    }
    // The check itself can see a proc-macro crate where there is one.
    assert!(closure(&packages, "thiserror").contains("syn"));
}

#[test]
fn pagefind_and_what_only_it_needed_stay_out() {
    let lock = std::fs::read_to_string(crate::common::repo().join("Cargo.lock")).unwrap();
    let packages = packages(&lock);
    // Pagefind and the crates that came with it alone: the search index is depeche's own.
    // (`minifier`, which came with it, is back on its own: it minifies the stylesheet.)
    for gone in [
        "pagefind",
        "lol_html",
        "twelf",
        "wax",
        "pagefind_stem",
        "charabia",
    ] {
        assert!(
            !packages.keys().any(|(name, _)| name == gone),
            "{gone} is back in Cargo.lock"
        );
    }
}

/// Every package the binary is built from: `cargo tree` over the normal and build
/// dependencies, offline, from Cargo.lock.
#[test]
fn the_dependency_graph_stays_small() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .current_dir(crate::common::repo())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8(out.stdout).unwrap();
    let unique: BTreeSet<String> = listed
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            Some(format!("{} {}", parts.next()?, parts.next()?))
        })
        .collect();
    // 157 when Pagefind left (256 with it); 154 with saphyr's parser in and an unused flate2
    // out; 155 with tokio-io-timeout (serve's send timeout); 156 with imagesize (the share
    // image's width and height, read from its header); 157 with minifier (the stylesheet); 168
    // with `import`'s roxmltree and boon (IPTC's ninjs schema: boon brings regex, base64 and
    // fluent-uri); 169 with html-escape (named entities in an agency's HTML body); 171 with
    // miniz_oxide and adler2 (the search index's records, compressed), then libdeflater and
    // libdeflate-sys in their place; 172 with rustc-hash (the search index's word maps,
    // hashed for every word of every page); 174 with postcard and cobs (what a build found in
    // each article, kept for the next). A new dependency raises this on purpose.
    assert!(
        unique.len() <= 174,
        "{} packages: {unique:#?}",
        unique.len()
    );
    assert!(unique.iter().any(|p| p.starts_with("rust-stemmers ")));
}
