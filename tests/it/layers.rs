//! The pipeline's layers, read from the source: a module uses only modules below it
//! (config → load → annotate → graph → analyze → outputs → render → search → write, then the
//! site and the commands), and no file uses, through others, a file that uses it. The check
//! reads `crate::…` and `super::…` paths in the code (tests left out), the way a reader
//! follows them; a new module gets its place in [`LAYERS`].

use std::collections::{BTreeMap, BTreeSet};

use crate::common::repo;

/// Every top-level module, lowest first; modules of one layer do not use each other.
const LAYERS: &[&[&str]] = &[
    &["diagnostic"],
    &["source", "urls"],
    &["yaml", "report", "transaction", "hosts"],
    &["config"],
    &["load"],
    &["annotate"],
    &["graph"],
    &["analyze"],
    &["outputs"],
    &["render"],
    &["search"],
    &["write"],
    &["site"],
    &["edit", "import", "inventory", "scaffold", "changes"],
    &["rename", "check", "incremental", "build"],
    &["serve"],
];

/// Every source file of the library (by path under `src/`, `/`-separated) with its code
/// before its tests.
fn sources() -> BTreeMap<String, String> {
    let src = repo().join("src");
    walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(e.path()).unwrap();
            let code = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_string();
            (rel, code)
        })
        // The binary's command line sits above everything and is not part of the library.
        .filter(|(rel, _)| rel != "main.rs" && rel != "lib.rs" && !rel.starts_with("cmd/"))
        .collect()
}

/// The module path of a file: `render/pages.rs` → [render, pages], `render/mod.rs` → [render].
fn module_of(file: &str) -> Vec<String> {
    let trimmed = file
        .strip_suffix("/mod.rs")
        .or_else(|| file.strip_suffix(".rs"))
        .unwrap_or(file);
    trimmed.split('/').map(str::to_string).collect()
}

/// The file a module path names, or the nearest module above it that has one.
fn file_of(files: &BTreeMap<String, String>, path: &[String]) -> Option<String> {
    (1..=path.len()).rev().find_map(|n| {
        let joined = path[..n].join("/");
        [format!("{joined}.rs"), format!("{joined}/mod.rs")]
            .into_iter()
            .find(|f| files.contains_key(f))
    })
}

/// The module paths a file's code names: `crate::a::b`, `super::c`, and the items of
/// `use crate::a::{b, c::d}` groups.
fn named_paths(file: &str, code: &str) -> Vec<Vec<String>> {
    let me = module_of(file);
    let parent: Vec<String> = me[..me.len() - 1].to_vec();
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        for (at, _) in code.match_indices(start) {
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let rest = &code[at + start.len()..];
            let path_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            let path: Vec<String> = rest[..path_len]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let base = if start == "crate::" {
                Vec::new()
            } else {
                parent.clone()
            };
            let full: Vec<String> = base.iter().cloned().chain(path.iter().cloned()).collect();
            out.push(full.clone());
            // A group: `{b, c::d}` after the path.
            if let Some(group) = rest[path_len..].strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let item = item.trim();
                    if item.starts_with(|c: char| c.is_ascii_lowercase()) {
                        let mut path = full.clone();
                        path.extend(
                            item.split("::")
                                .map(|s| s.split(' ').next().unwrap_or(s).to_string()),
                        );
                        out.push(path);
                    }
                }
            }
        }
    }
    out
}

/// Which file uses which (a file's own module and tests left out).
fn file_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    files
        .iter()
        .map(|(file, code)| {
            let uses = named_paths(file, code)
                .iter()
                .filter_map(|path| file_of(&files, path))
                .filter(|used| used != file)
                .collect();
            (file.clone(), uses)
        })
        .collect()
}

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("src/{module} has no layer in tests/it/layers.rs: give it one"))
}

#[test]
fn every_module_uses_only_modules_below_it() {
    let mut upward = Vec::new();
    for (file, uses) in file_graph() {
        let from = module_of(&file)[0].clone();
        for used in uses {
            let to = module_of(&used)[0].clone();
            if from != to && layer_of(&to) >= layer_of(&from) {
                upward.push(format!("src/{file} uses src/{used} ({from} → {to})"));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "arrows that do not point down the layers:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_file_uses_itself_through_others() {
    let graph = file_graph();
    // Tarjan's strongly connected components, iteratively: any of more than one file is a cycle.
    let names: Vec<&String> = graph.keys().collect();
    let at: BTreeMap<&String, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            graph[*n]
                .iter()
                .filter_map(|u| at.get(u).copied())
                .collect()
        })
        .collect();
    let n = names.len();
    let (mut index, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut next, mut cycles) = (Vec::new(), 0, Vec::new());
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0)];
        while let Some(&(v, child)) = work.last() {
            if child == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on[v] = true;
            }
            if let Some(&w) = edges[v].get(child) {
                let last = work.len() - 1;
                work[last].1 += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on[w] = false;
                    component.push(names[w].clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    cycles.push(component);
                }
            }
        }
    }
    assert!(cycles.is_empty(), "files that use each other: {cycles:#?}");
}

/// The check reads what a reader follows: `super::{…}` groups, `use crate::…` and paths in code.
#[test]
fn the_layer_check_reads_every_kind_of_path() {
    let paths = named_paths(
        "render/pages.rs",
        "use super::{context::Thing, Lang};\nuse crate::write::Output;\nfn f() { crate::search::go(); }",
    );
    let names: BTreeSet<String> = paths.iter().map(|p| p.join("::")).collect();
    for wanted in ["render::context", "write::Output", "search::go", "render"] {
        assert!(
            names.iter().any(|n| n.starts_with(wanted)),
            "{wanted}: {names:?}"
        );
    }
    assert!(layer_of("write") > layer_of("render"));
}
