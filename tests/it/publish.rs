//! Publishing: `cname` writes a CNAME file; large sites get a sitemap index. (The GitHub
//! workflows are tested in `workflows.rs`.)

use crate::common::*;

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
            // Search pages are for readers only (noindex), not in the sitemap.
            let search = entry.path().parent().is_some_and(|p| p.ends_with("search"));
            if entry.file_name() == "index.html" && !search {
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

/// A build with nothing changed since the last one touches nothing and says so; a change to
/// what the site is made from, to the options, or to the output itself builds again, and the
/// output is what a full build makes.
#[test]
fn a_build_with_nothing_changed_does_nothing_and_any_change_builds_again() {
    let site = TestSite::shipped();
    let up_to_date = |args: &[&str]| site.build_ok(args).contains("Nothing changed");
    site.build_ok(&[]);
    // The second build keeps what the third compares with.
    assert!(!up_to_date(&[]));
    let page = "fr/articles/alep-offensive-hts/index.html";
    let written = std::fs::metadata(site.path(&format!("public/{page}")))
        .unwrap()
        .modified()
        .unwrap();
    assert!(up_to_date(&[]));
    let again = std::fs::metadata(site.path(&format!("public/{page}")))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(written, again, "an up-to-date build wrote the page");

    // An edit of an article.
    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "d'instaurer un calme précaire",
        "d'instaurer un calme précaire, révisé,",
    );
    assert!(!up_to_date(&[]));
    assert!(site.public(page).contains("calme précaire, révisé,"));
    assert!(up_to_date(&[]));
    // A template.
    let base = site.read("templates/base.html");
    site.write("templates/base.html", format!("{base}\n"));
    assert!(!up_to_date(&[]));
    // The options.
    assert!(!up_to_date(&["--drafts"]));
    assert!(!up_to_date(&[]));
    // A page of the output removed, or changed by hand.
    std::fs::remove_file(site.path("public/en/index.html")).unwrap();
    assert!(!up_to_date(&[]));
    assert!(site.path("public/en/index.html").is_file());
    let home = site.public("en/index.html");
    site.write("public/en/index.html", format!("{home}<!-- by hand -->"));
    assert!(!up_to_date(&[]));
    assert_eq!(site.public("en/index.html"), home);
    assert!(up_to_date(&[]));
}
