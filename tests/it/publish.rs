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
    // The same, each edit of the same length with its file's modification time set back
    // (`touch -r`, `cp -p`): the change time still moves.
    let article = "content/articles/alep-offensive-hts.fr.md";
    same_size_and_time(&site.path(article), "calme précaire", "CALME PRÉCAIRE");
    assert!(!up_to_date(&[]));
    assert!(site.public(page).contains("CALME PRÉCAIRE"));
    same_size_and_time(&site.path("public/en/index.html"), "<main", "<MAIN");
    assert!(!up_to_date(&[]));
    assert_eq!(site.public("en/index.html"), home);
}

/// A page changed by hand in the output, its size and modification time kept, is made again,
/// and stays so build after build (the folder kept aside is the next build's starting point).
#[test]
fn a_page_changed_by_hand_with_its_size_and_time_kept_is_made_again() {
    let site = TestSite::shipped();
    let note = "content/articles/note.fr.md";
    site.write(note, "---\ntitle: Note\ndate: 2024-12-02\n---\nUne note.\n");
    site.build_ok(&[]);
    site.build_ok(&[]);
    let page = "en/articles/aleppo-offensive-hts/index.html";
    let made = site.public(page);
    same_size_and_time(&site.path(&format!("public/{page}")), "Aleppo", "ALEPPO");
    // Each build has something to do: another article's text changes.
    for n in 0..3 {
        let text = site.read(note);
        site.write(note, format!("{text}\nRévision {n}.\n"));
        site.build_ok(&[]);
        assert_eq!(site.public(page), made, "build {n}");
    }
}

/// Replaces `from` with `to` (of the same length) in the file at `path`, then sets its
/// modification time back to what it was.
fn same_size_and_time(path: &std::path::Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let before = std::fs::metadata(path).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    // A change time after the first: file systems keep times to a clock tick.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(path, text.replace(from, to)).unwrap();
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(before).unwrap();
}

/// A file of `len` bytes that takes no room on disk.
fn sparse(site: &TestSite, rel: &str, len: u64) {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
}

/// Runs `check`, which must fail saying each of `wanted`, the error at the `host:` line that
/// follows `config`; its standard error.
fn check_fails_at_host(site: &TestSite, config: &str, wanted: &[&str]) -> String {
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for want in wanted {
        assert!(stderr.contains(want), "{stderr}\nwanted: {want}");
    }
    let line = config.lines().count() + 1;
    assert!(
        stderr.contains(&format!("--> site.yaml:{line}:7")),
        "{stderr}"
    );
    stderr
}

/// `build` says what it wrote, in the units hosts state their limits in.
#[test]
fn build_prints_the_outputs_size_and_files() {
    let site = TestSite::shipped();
    let out = site.build_ok(&[]);
    let files = walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    // The manifest included: it goes where the output goes.
    assert!(site.path("public/.depeche-manifest").exists());
    let said = format!(" MB in {files} files) into ");
    assert!(out.contains(&said), "{out}\nwanted {said}");
}

/// The files of a folder and their bytes, all of them.
fn weighed(dir: &std::path::Path) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            files += 1;
            bytes += entry.metadata().unwrap().len();
        }
    }
    (files, bytes)
}

/// What `build` holds to the host's limits is what it writes, to the byte and the file, its
/// manifest and minified stylesheet included: a site one byte over 1 GB must not pass.
#[test]
fn the_output_a_build_measures_is_the_output_it_writes() {
    let site = TestSite::shipped();
    sparse(&site, "static/archive/recordings.zip", 123_456_789);
    for _ in 0..2 {
        let built = depeche::build::build(&depeche::site::Options {
            root: site.root().to_path_buf(),
            ..Default::default()
        })
        .expect("builds");
        let footprint = (built.footprint.files, built.footprint.bytes);
        assert_eq!(footprint, weighed(&site.path("public")));
        site.edit("content/articles/alep-offensive-hts.fr.md", "Alep", "Alep ");
    }
}

/// `check` measures the output the next build would write to the byte, its manifest
/// included: a file that brings it to 1 GB passes (with a warning), a byte more fails.
#[test]
fn check_holds_the_output_to_the_byte() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let (_, bytes) = weighed(&site.path("public"));
    let path = "archive/recordings.zip";
    // The file, and its record in the manifest: a hash, its size (nine digits), two times
    // of nineteen, its path, four spaces and a line feed.
    let big = 1_000_000_000 - bytes - (32 + 9 + 19 + 19 + path.len() as u64 + 5);
    sparse(&site, &format!("static/{path}"), big);
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("1000.0 MB for at most 1000.0 MB"),
        "{stderr}"
    );
    sparse(&site, &format!("static/{path}"), big + 1);
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("1,000,000,001 bytes for at most 1,000,000,000 bytes"),
        "{stderr}"
    );
}

/// Past GitHub Pages' 1 GB (the host when site.yaml names none), `check` fails before any
/// build, and says what weighs most.
#[test]
fn check_fails_a_site_over_its_hosts_limit_naming_the_biggest_contributors() {
    let site = TestSite::shipped();
    sparse(&site, "static/archive/recordings.zip", 1_200_000_000);
    let out = site.depeche(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[E0037]"), "{stderr}");
    assert!(
        stderr.contains("the output is over the limit of github-pages (the host when site.yaml names none): 1200."),
        "{stderr}"
    );
    assert!(
        stderr.contains("most of it: static files 1200."),
        "{stderr}"
    );
    // Before any build, pages are counted and their sizes said unknown.
    assert!(stderr.contains("files not yet built"), "{stderr}");
    assert!(!site.path("public").exists());

    // Another host, named in site.yaml, where it fits: the error is gone; where one file is
    // too large, it points at the `host:` line.
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}host: s3\n"));
    assert_eq!(site.depeche(&["check"]).status.code(), Some(0));
    site.write("site.yaml", format!("{config}host: cloudflare-pages\n"));
    check_fails_at_host(
        &site,
        &config,
        &["`archive/recordings.zip` is 1200.0 MB for at most 26.2 MB per file"],
    );
}

/// A build past the limit leaves the previous output as it was, and a build near it warns.
#[test]
fn build_over_the_limit_keeps_the_previous_output_and_near_it_warns() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let before = site.public("fr/index.html");
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}host: cloudflare-pages\n"));
    sparse(&site, "static/recordings.zip", 26 << 20);
    let out = site.depeche(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0037]"), "{stderr}");
    assert!(
        stderr.contains("the previous output was left as it was"),
        "{stderr}"
    );
    assert!(!site.path("public/recordings.zip").exists());
    assert_eq!(site.public("fr/index.html"), before);

    sparse(&site, "static/recordings.zip", 21 << 20);
    let out = site.depeche(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning[W0023]"), "{stderr}");
    assert!(
        stderr.contains("is near the limit of cloudflare-pages"),
        "{stderr}"
    );
    assert!(site.path("public/recordings.zip").exists());
}

#[test]
fn an_unknown_host_is_a_located_error_listing_the_known_ones() {
    let site = TestSite::shipped();
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}host: github\n"));
    check_fails_at_host(
        &site,
        &config,
        &[
            "`github` is not a host depeche knows",
            "github-pages, cloudflare-pages",
        ],
    );
}

/// `depeche changes` compares the output with the manifest a published copy was uploaded with.
#[test]
fn changes_lists_what_an_upload_must_do() {
    let site = TestSite::shipped();
    let out = site.depeche(&["changes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no build of depeche"));

    site.build_ok(&[]);
    let manifest = site.path("public/.depeche-manifest");
    let files = std::fs::read_to_string(&manifest).unwrap().lines().count() - 1;
    // Nothing published: every file is to upload.
    let out = site.depeche(&["changes", "--since", "published-manifest"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("does not exist: nothing is published yet"),
        "{stderr}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("upload ")).count(),
        files
    );
    assert!(stdout.contains("upload fr/index.html\n"), "{stdout}");

    // Published as it is: nothing to do.
    std::fs::copy(&manifest, site.path("published-manifest")).unwrap();
    let out = site.depeche(&["changes", "--since", "published-manifest"]);
    assert!(String::from_utf8_lossy(&out.stdout).is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!(
            "0 files to upload (0.0 MB), 0 to delete, {files} unchanged"
        )),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A file that is not a manifest is said so: nothing is known to delete.
    site.write("garbage", "not a manifest\n");
    let out = site.depeche(&["changes", "--since", "garbage"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("garbage is not a manifest depeche wrote"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{files} files to upload")),
        "{stderr}"
    );

    // A folder to lay the changes out in must be new, or empty, and outside what a build
    // reads or writes.
    site.write("plan/notes.txt", "mine");
    for (into, why) in [
        ("plan", "the folder is not empty"),
        ("plan/notes.txt", "it exists and is not a folder"),
        ("public/plan", "which a build reads or writes"),
        ("static/plan", "which a build reads or writes"),
    ] {
        let out = site.depeche(&["changes", "--into", into]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{into}: {stderr}");
        assert!(stderr.contains(why), "{into}: {stderr}");
    }
    assert_eq!(site.read("plan/notes.txt"), "mine");
    assert!(!site.path("public/plan").exists() && !site.path("static/plan").exists());
    // Nor through a link, or a `..` that comes back into the site.
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(site.path("public"), elsewhere.path().join("link")).unwrap();
    let empty = elsewhere.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    // From `empty` up to the root of the file system, then down into the site.
    let up = "../".repeat(empty.components().count() - 1);
    let down = site.root().join("static/plan");
    let back = empty.join(format!(
        "{up}{}",
        down.to_str().unwrap().trim_start_matches('/')
    ));
    for into in [elsewhere.path().join("link/plan"), back] {
        let out = site.depeche(&["changes", "--into", into.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", into.display());
        assert!(stderr.contains("which a build reads or writes"), "{stderr}");
    }
    assert!(!site.path("public/plan").exists() && !site.path("static/plan").exists());

    // Laid out: what to put first, the files by headers, what to delete, what to put last.
    let elsewhere = tempfile::tempdir().unwrap();
    let plan = elsewhere.path().join("plan");
    let out = site.depeche(&[
        "changes",
        "--since",
        "published-manifest",
        "--into",
        plan.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(plan.join("upload.tsv")).unwrap(),
        ""
    );
    assert_eq!(
        std::fs::read_to_string(plan.join("delete.txt")).unwrap(),
        ""
    );
    assert_eq!(
        std::fs::read(plan.join("manifest")).unwrap(),
        std::fs::read(&manifest).unwrap()
    );
    assert!(
        std::fs::read_to_string(plan.join("pending-manifest"))
            .unwrap()
            .starts_with("depeche-manifest ")
    );
    // The plan's manifest is its own: edited there, the output's is not.
    std::fs::write(plan.join("manifest"), "edited\n").unwrap();
    assert_ne!(std::fs::read(&manifest).unwrap(), b"edited\n");
}

/// A published manifest changed by hand to name paths no build writes (out of the site, the
/// manifest itself) gets no deletion of them, and is said so; links given to `--since` and
/// `--into` are said to be links, even when they lead nowhere.
#[test]
fn changes_deletes_only_what_a_build_wrote() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let manifest = site.read("public/.depeche-manifest");
    let record = manifest.lines().nth(1).unwrap();
    let (fields, _) = record.rsplit_once(' ').unwrap();
    let crafted: String = [
        "../../../etc/evil",
        "/abs/path",
        ".depeche-manifest",
        "x\u{1b}[2J",
        "gone.html",
    ]
    .iter()
    .map(|path| format!("{fields} {path}\n"))
    .collect();
    site.write("published", format!("{manifest}{crafted}"));
    let out = site.depeche(&["changes", "--since", "published"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stdout, "delete gone.html\n");
    // Each named, escaped: the manifest is the bucket's, not a build's.
    assert!(
        stderr.contains("published lists 4 paths that no build writes (`../../../etc/evil`, `.depeche-manifest`, `/abs/path`, `x\\u{1b}[2J`): not deleted"),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");

    let elsewhere = tempfile::tempdir().unwrap();
    let nowhere = elsewhere.path().join("nowhere");
    let link = elsewhere.path().join("link");
    std::os::unix::fs::symlink(&nowhere, &link).unwrap();
    let out = site.depeche(&["changes", "--since", link.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("a link"), "{stderr}");
    let out = site.depeche(&["changes", "--into", link.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("it is a symbolic link to nothing"),
        "{stderr}"
    );
    assert!(!nowhere.exists());

    // A mistake in site.yaml could hide which output is meant: none is guessed.
    site.edit(
        "site.yaml",
        "output_dir: public",
        "output_dir: public\nbogus_key: 1",
    );
    let out = site.depeche(&["changes"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("unknown field `bogus_key`"), "{stderr}");
}

/// Near a limit, `check --deny-warnings` fails, unless the warning is allowed: the workflows
/// `init` writes say so on the pull request and still publish.
#[test]
fn a_site_near_its_hosts_limit_can_still_be_published() {
    let site = TestSite::shipped();
    sparse(&site, "static/recordings.zip", 900_000_000);
    let out = site.depeche(&["check", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
    let out = site.depeche(&["check", "--deny-warnings", "--allow", "near-host-limit"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning[W0023]"), "{stderr}");
    let out = site.depeche(&["check", "--allow", "W0023", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(0));
    // Only warnings can be allowed.
    let out = site.depeche(&["check", "--allow", "E0037"]);
    assert_eq!(out.status.code(), Some(2));
}
