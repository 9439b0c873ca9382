//! The shipped site's GitHub Pages workflow runs exactly the steps tested here; `cname`
//! writes a CNAME file; large sites get a sitemap index.

#![cfg(unix)]

use crate::common::*;

fn workflow() -> serde_yaml::Value {
    let text = std::fs::read_to_string(repo().join(".github/workflows/pages.yml")).unwrap();
    serde_yaml::from_str(&text).expect("pages.yml is valid YAML")
}

/// The script of one step of the build job.
fn step(name: &str) -> String {
    workflow()["jobs"]["build"]["steps"]
        .as_sequence()
        .expect("build steps")
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("no step {name:?}"))
        .to_string()
}

/// Runs a step's script as GitHub does, in the site, with the depeche under test on PATH and
/// `BASE_URL` set as the workflow sets it from `actions/configure-pages`.
fn run_step(site: &TestSite, name: &str, base_url: &str) -> std::process::Output {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_depeche"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    std::process::Command::new("bash")
        .args([
            "--noprofile",
            "--norc",
            "-eo",
            "pipefail",
            "-c",
            &step(name),
        ])
        .current_dir(site.root())
        .env("PATH", path)
        .env("BASE_URL", base_url)
        .output()
        .unwrap()
}

#[test]
fn workflow_deploys_with_the_official_actions() {
    let yaml = workflow();
    let uses = |job: &str| -> Vec<String> {
        yaml["jobs"][job]["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|s| s["uses"].as_str().map(str::to_string))
            .collect()
    };
    let (build, deploy) = (uses("build"), uses("deploy"));
    for action in ["actions/configure-pages@", "actions/upload-pages-artifact@"] {
        assert!(
            build.iter().any(|u| u.starts_with(action)),
            "{action} in {build:?}"
        );
    }
    assert!(
        deploy
            .iter()
            .any(|u| u.starts_with("actions/deploy-pages@"))
    );
    // Only the deploy job may publish; the workflow as a whole reads the repository only.
    assert_eq!(yaml["permissions"]["contents"], "read");
    assert_eq!(yaml["jobs"]["deploy"]["permissions"]["pages"], "write");
    assert_eq!(yaml["jobs"]["deploy"]["permissions"]["id-token"], "write");
    assert_eq!(yaml["jobs"]["build"]["permissions"]["pages"], "read");
}

#[test]
fn workflow_check_and_build_steps_work_on_the_shipped_site() {
    let site = TestSite::shipped();
    let out = run_step(&site, "Check the content", "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run_step(&site, "Build the site", "https://user.github.io/aleppo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = site.html("fr/index.html");
    let css = &select(&doc, "link[rel=stylesheet]")[0];
    assert_eq!(attr(css, "href"), "/aleppo/style.css");
    assert!(site.path("public/.nojekyll").is_file());
}

#[test]
fn a_broken_article_fails_the_check_step_with_inline_annotations() {
    let site = TestSite::shipped();
    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "[[aleppo|Alep]] après",
        "[[alepo|Alep]] après",
    );
    let out = run_step(&site, "Check the content", "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("::error file=content/articles/alep-offensive-hts.fr.md,line=6,col=64")
    );
}

#[test]
fn cname_writes_a_cname_file() {
    let site = TestSite::shipped();
    site.edit(
        "site.yaml",
        "output_dir: public",
        "output_dir: public\ncname: depeches.example.org",
    );
    site.build_ok(&[]);
    assert_eq!(site.public("CNAME"), "depeches.example.org\n");
    site.edit(
        "site.yaml",
        "cname: depeches.example.org",
        "cname: https://depeches.example.org/",
    );
    let out = site.depeche(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a domain name"));
}

#[test]
fn large_sites_get_a_sitemap_index_listing_every_page_once() {
    let site = TestSite::shipped();
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        format!("{config}articles_per_page: 1\nbacklinks_per_page: 1\n"),
    );
    // About 5,100 language pages: just more than one sitemap file holds.
    for n in 1..=640 {
        for lang in ["fr", "en"] {
            site.write(
                &format!("content/articles/note-{n}.{lang}.md"),
                format!("---\ntitle: Note {n}\ndate: 2024-12-01\n---\n[[aleppo]] et [[hts]].\n"),
            );
        }
    }
    site.build_ok(&[]);
    let base = "https://depeche.github.io/depeche/";

    let index = site.public("sitemap.xml");
    assert!(index.contains("<sitemapindex"), "{index}");
    let parts: Vec<&str> = index
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .collect();
    assert!(parts.len() >= 2, "{index}");
    let mut listed = std::collections::BTreeSet::new();
    for part in parts {
        let rel = part.strip_prefix(base).expect("sitemap under the base URL");
        let xml = site.public(rel);
        let urls = xml.matches("<url>").count();
        assert!((1..=5_000).contains(&urls), "{rel} lists {urls} URLs");
        for loc in xml.split("<loc>").skip(1) {
            let loc = loc.split("</loc>").next().unwrap_or_default().to_string();
            assert!(listed.insert(loc.clone()), "{loc} is listed twice");
        }
    }

    // Every page of every language, and nothing else.
    let public = site.path("public");
    let mut pages = std::collections::BTreeSet::new();
    for lang in ["fr", "en"] {
        for entry in walkdir::WalkDir::new(public.join(lang)) {
            let entry = entry.unwrap();
            if entry.file_name() == "index.html" {
                let rel = entry
                    .path()
                    .strip_prefix(&public)
                    .unwrap()
                    .to_string_lossy();
                pages.insert(format!("{base}{}", rel.trim_end_matches("index.html")));
            }
        }
    }
    assert!(pages.len() > 5_000, "only {} pages", pages.len());
    assert!(
        listed == pages,
        "the sitemaps do not list exactly the site's pages"
    );
}
