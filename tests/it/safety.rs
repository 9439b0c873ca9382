//! The output folder: depeche replaces only what it wrote, never writes through a symbolic
//! link, and leaves the previous site whole whatever stops a build (an error, a failure while
//! rendering, SIGKILL at any moment).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

const FR: &str = "content/articles/alep-offensive-hts.fr.md";

fn refused(site: &TestSite, args: &[&str], code: &str) -> String {
    let out = site.depeche(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} was accepted: {stderr}"
    );
    assert!(
        stderr.contains(&format!("error[{code}]")),
        "{args:?}: {stderr}"
    );
    stderr
}

fn depeche_with_home(site: &TestSite, home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_depeche"))
        .args(args)
        .current_dir(site.root())
        .env("HOME", home)
        .output()
        .unwrap()
}

#[test]
fn a_folder_depeche_did_not_write_is_refused_before_anything_moves() {
    let site = TestSite::nested();
    let documents = site.dir.path().join("documents");
    std::fs::create_dir_all(documents.join("letters")).unwrap();
    std::fs::write(documents.join("letters/a.txt"), "precious").unwrap();
    let before = snapshot(&documents);
    let out = documents.to_str().unwrap();
    // By --output, by site.yaml, outside the site and inside it.
    let stderr = refused(&site, &["build", "--output", out], "E0023");
    assert!(stderr.contains("documents is not empty and was not written by depeche"));
    assert!(stderr.contains("--force"), "{stderr}");
    site.edit(
        "site.yaml",
        "output_dir: public",
        "output_dir: ../documents",
    );
    refused(&site, &["build"], "E0023");
    assert!(
        before == snapshot(&documents),
        "a refused build touched a file"
    );
    let beside: Vec<_> = std::fs::read_dir(site.dir.path()).unwrap().collect();
    assert_eq!(beside.len(), 2, "a refused build made a folder");

    site.edit(
        "site.yaml",
        "output_dir: ../documents",
        "output_dir: public",
    );
    // A folder that was never built: refused as a whole.
    site.write("public/notes.txt", "mine");
    refused(&site, &["build"], "E0023");
    std::fs::remove_file(site.path("public/notes.txt")).unwrap();
    // An empty folder is taken; once built, a file a user adds is named.
    site.build_ok(&[]);
    site.write("public/notes.txt", "mine");
    let stderr = refused(&site, &["build"], "E0023");
    assert!(stderr.contains("public/notes.txt"), "{stderr}");
    assert_eq!(site.read("public/notes.txt"), "mine");
    assert!(!site.path(".public.depeche-staging").exists());
    // The output is read beside the content, and refused all the same, before the content's
    // own errors: they are not what stops this build.
    site.edit(FR, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après");
    let stderr = refused(&site, &["build"], "E0023");
    assert!(!stderr.contains("alepo"), "{stderr}");
    assert_eq!(site.read("public/notes.txt"), "mine");
    site.edit(FR, "d'[[alepo|Alep]] après", "d'[[aleppo|Alep]] après");
    std::fs::remove_file(site.path("public/notes.txt")).unwrap();
    site.build_ok(&[]);
}

/// A file put by hand into the folder a build keeps aside is refused too, and the build that
/// refuses it keeps the last build's records: once the file is moved away, the next build
/// keeps the outputs that did not change instead of making everything.
#[test]
fn a_stray_file_in_the_folder_kept_aside_is_refused_and_the_records_kept() {
    let site = TestSite::nested();
    site.build_ok(&[]);
    site.build_ok(&[]);
    let stray = ".public.depeche-old/notes.txt";
    site.write(stray, "mine");
    site.edit(FR, "d'[[aleppo|Alep]] après", "d'[[aleppo|Alep]], après");
    let stderr = refused(&site, &["build"], "E0023");
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert_eq!(site.read(stray), "mine");
    std::fs::remove_file(site.path(stray)).unwrap();
    let said = site.build_ok(&[]);
    assert!(said.contains("files kept from the last build"), "{said}");
}

#[test]
fn force_replaces_a_foreign_folder_but_never_the_home_the_site_or_its_sources() {
    let site = TestSite::nested();
    let home = site.dir.path().join("home");
    std::fs::create_dir_all(home.join("docs")).unwrap();
    std::fs::write(home.join("docs/a.txt"), "precious").unwrap();
    let before = snapshot(site.dir.path());
    let parent = site.dir.path().to_str().unwrap().to_string();
    let home_str = home.to_str().unwrap().to_string();
    for out in [
        home_str.as_str(),
        parent.as_str(),
        ".",
        "content",
        "static/x",
        "/",
    ] {
        for force in [false, true] {
            let mut args = vec!["build", "--output", out];
            if force {
                args.push("--force");
            }
            let result = depeche_with_home(&site, &home, &args);
            let stderr = String::from_utf8_lossy(&result.stderr);
            assert_eq!(result.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(stderr.contains("error[E0019]"), "{args:?}: {stderr}");
        }
    }
    assert!(
        before == snapshot(site.dir.path()),
        "a refused build touched a file"
    );

    // A folder of the user's own, with --force: replaced by the site.
    site.write("old-site/page.html", "old");
    site.build_ok(&["--output", "old-site", "--force"]);
    assert!(site.path("old-site/fr/index.html").is_file());
    assert!(!site.path("old-site/page.html").exists());
    // The adopted file stays in depeche's spare folder until the next build replaces it.
    site.build_ok(&["--output", "old-site"]);
    // Saved again, unchanged: the build runs (nothing changed is no build at all).
    let article = "content/articles/alep-offensive-hts.fr.md";
    site.write(article, site.read(article));
    site.build_ok(&["--output", "old-site"]);
    assert!(!site.path(".old-site.depeche-old/page.html").exists());

    // A file added to a folder depeche built, adopted with --force, is replaced in turn.
    site.write("old-site/notes.txt", "mine");
    refused(&site, &["build", "--output", "old-site"], "E0023");
    site.build_ok(&["--output", "old-site", "--force"]);
    for _ in 0..3 {
        site.write(article, site.read(article));
        site.build_ok(&["--output", "old-site"]);
    }
    assert!(!site.path("old-site/notes.txt").exists());
    assert!(!site.path(".old-site.depeche-old/notes.txt").exists());

    // A link adopted with --force is removed, never followed, and the next builds (which
    // rewrite the folder it ended in) go on without --force.
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("keep.txt"), "mine").unwrap();
        std::os::unix::fs::symlink(outside.path(), site.path("old-site/elsewhere")).unwrap();
        refused(&site, &["build", "--output", "old-site"], "E0023");
        site.build_ok(&["--output", "old-site", "--force"]);
        for _ in 0..3 {
            site.write(article, site.read(article));
            site.build_ok(&["--output", "old-site"]);
        }
        assert!(std::fs::symlink_metadata(site.path("old-site/elsewhere")).is_err());
        assert!(std::fs::symlink_metadata(site.path(".old-site.depeche-old/elsewhere")).is_err());
        assert_eq!(
            std::fs::read_to_string(outside.path().join("keep.txt")).unwrap(),
            "mine"
        );
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_never_written_through() {
    let site = TestSite::nested();
    let sources = snapshot(&site.path("content"));
    std::os::unix::fs::symlink("content", site.path("public")).unwrap();
    refused(&site, &["build"], "E0019");
    std::fs::remove_file(site.path("public")).unwrap();

    let elsewhere = site.dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.path("public")).unwrap();
    let stderr = refused(&site, &["build"], "E0019");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    std::fs::remove_file(site.path("public")).unwrap();

    // A link on the way to the output, and depeche's own folders replaced by links.
    std::os::unix::fs::symlink(&elsewhere, site.path("out")).unwrap();
    refused(&site, &["build", "--output", "out/site"], "E0019");
    std::fs::remove_file(site.path("out")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.path(".public.depeche-old")).unwrap();
    refused(&site, &["build"], "E0019");
    std::fs::remove_file(site.path(".public.depeche-old")).unwrap();

    // A link put inside the output is a file depeche did not write.
    site.build_ok(&[]);
    std::os::unix::fs::symlink(site.path("content"), site.path("public/fr/articles/x")).unwrap();
    refused(&site, &["build"], "E0023");
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
    assert!(
        sources == snapshot(&site.path("content")),
        "sources changed"
    );
}

/// A link that took the place of a page depeche wrote is neither followed nor kept: the next
/// build writes the page again, and what the link led to is untouched.
#[cfg(unix)]
#[test]
fn a_link_in_place_of_a_page_is_replaced_not_followed() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("secret.txt");
    std::fs::write(&target, "secret").unwrap();
    let page = site.path("public/robots.txt");
    let written = std::fs::read(&page).unwrap();
    std::fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(&target, &page).unwrap();
    site.build_ok(&[]);
    let meta = std::fs::symlink_metadata(&page).unwrap();
    assert!(meta.is_file(), "the link was kept");
    assert_eq!(std::fs::read(&page).unwrap(), written);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "secret");
}

#[cfg(unix)]
#[test]
fn two_builds_never_write_the_same_output_at_once() {
    use std::os::fd::AsRawFd;
    let site = TestSite::shipped();
    site.build_ok(&[]);
    // Another build holds the folder that holds the output.
    let held = std::fs::File::open(site.root()).unwrap();
    // SAFETY: flock on a file this test owns.
    assert_eq!(
        unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    let before = snapshot(&site.path("public"));
    let stderr = refused(&site, &["build"], "E0023");
    assert!(stderr.contains("another depeche build"), "{stderr}");
    assert!(before == snapshot(&site.path("public")));
    drop(held);
    site.build_ok(&[]);
}

#[test]
fn a_failure_while_rendering_leaves_the_previous_output_and_no_staging_folder() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    site.build_ok(&[]);
    let before = snapshot(&site.path("public"));
    // Compiles, but fails for the entity pages only, after other pages were written.
    site.edit(
        "templates/entity.html",
        "{% block main %}",
        "{% block main %}{{ no_such_variable.field }}",
    );
    let out = site.depeche(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0021]"), "{stderr}");
    assert!(
        before == snapshot(&site.path("public")),
        "the output changed"
    );
    assert!(!site.path(".public.depeche-staging").exists());
}

/// A site big enough for a build to take a while, so kills land in every stage.
fn large_site(articles: usize) -> TestSite {
    let site = TestSite::shipped();
    for i in 0..articles {
        site.write(
            &format!("content/articles/gen-{i}.fr.md"),
            format!(
                "---\ntitle: Dépêche {i}\ndate: 2024-11-{:02}\n---\nLes combats continuent à [[aleppo|Alep]] et à [[idlib|Idleb]], selon l'[[osdh|OSDH]] ({i}).\n",
                1 + i % 28
            ),
        );
    }
    site
}

/// 64-bit LCG: enough randomness for kill times, with a seed printed for replay.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

#[cfg(unix)]
#[test]
fn builds_killed_at_random_moments_leave_the_old_site_or_the_new_one() {
    let site = large_site(150);
    let titles = ["title:\n  fr: Version A", "title:\n  fr: Version B"];
    let set_version = |v: usize| {
        let text = site.read("site.yaml");
        let text = text
            .replace(titles[0], "title:\n  fr: Dépêches annotées")
            .replace(titles[1], "title:\n  fr: Dépêches annotées");
        site.write(
            "site.yaml",
            text.replacen("title:\n  fr: Dépêches annotées", titles[v], 1),
        );
    };
    // The complete site of each version; then how long a rebuild takes.
    let mut expected = Vec::new();
    for v in 0..2 {
        set_version(v);
        site.build_ok(&[]);
        expected.push(published(&site.path("public")));
    }
    assert!(expected[0] != expected[1]);
    let mut rebuild = Duration::ZERO;
    for v in [0, 1] {
        set_version(v);
        let started = Instant::now();
        site.build_ok(&[]);
        rebuild = rebuild.max(started.elapsed());
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("kill seed {seed}, rebuild time {rebuild:?}");
    let mut rng = Lcg(seed);
    let window = rebuild.as_micros() as u64;
    let mut kills = 0;
    let mut current = 1;
    let mut round = 0;
    while kills < 60 && round < 400 {
        round += 1;
        // Switch versions now and then, so kills hit rebuilds in both directions.
        if round % 3 == 0 {
            current = 1 - current;
            set_version(current);
        }
        let mut child = spawn_in(site.root(), &["build"], std::process::Stdio::null());
        std::thread::sleep(Duration::from_micros(rng.below(window)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        let now = published(&site.path("public"));
        assert!(
            now == expected[0] || now == expected[1],
            "round {round} (seed {seed}): the output is neither whole site"
        );
        assert!(site.path("public/.depeche-manifest").is_file());
    }
    assert!(kills >= 50, "only {kills} builds were killed (seed {seed})");
    // The next build recovers and completes.
    site.build_ok(&[]);
    assert!(published(&site.path("public")) == expected[current]);
    assert!(!site.path(".public.depeche-staging").exists());
}

#[test]
fn pages_that_differ_only_by_case_or_normalisation_are_an_error() {
    let site = TestSite::shipped();
    let article =
        |slug: &str| format!("---\ntitle: T\ndate: 2024-11-30\nslug: {slug}\n---\nTexte.\n");
    site.write("content/articles/a.fr.md", article("Caf\u{e9}"));
    site.write("content/articles/b.fr.md", article("cafe\u{301}"));
    site.write("content/articles/c.fr.md", article("cafe"));
    for command in ["check", "build"] {
        let stderr = refused(&site, &[command], "E0013");
        assert_eq!(stderr.matches("error[E0013]").count(), 1, "{stderr}");
        let error = stderr.split("error[E0013]").nth(1).unwrap();
        let error = error.split("warning[").next().unwrap();
        assert!(error.contains("content/articles/a.fr.md"), "{stderr}");
        assert!(error.contains("content/articles/b.fr.md"), "{stderr}");
        assert!(!error.contains("c.fr.md"), "{stderr}");
    }
    // The same word in NFD and NFC is one page: slugs are written in NFC.
    std::fs::remove_file(site.path("content/articles/a.fr.md")).unwrap();
    site.build_ok(&[]);
    assert!(
        site.path("public/fr/articles/caf\u{e9}/index.html")
            .is_file()
    );
}

#[test]
fn a_static_file_cannot_replace_a_generated_page() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    let before = snapshot(&site.path("public"));
    for (file, page) in [
        ("static/404.html", "404.html"),
        ("static/sitemap.xml", "sitemap.xml"),
        ("static/FR/Index.html", "fr/index.html"),
        (
            "static/fr/articles/alep-offensive-hts",
            "fr/articles/alep-offensive-hts",
        ),
    ] {
        site.write(file, "mine");
        for command in ["check", "build"] {
            let stderr = refused(&site, &[command], "E0013");
            assert!(stderr.contains(file), "{stderr}");
            assert!(stderr.contains(page), "{stderr}");
        }
        std::fs::remove_file(site.path(file)).unwrap();
    }
    assert!(before == snapshot(&site.path("public")));
    let _ = FR;
}

/// A hard-linked copy of the output (`cp -al public snapshot`) shares its files' inodes: a
/// build never writes into a file it replaces, so the copy keeps what it held.
#[test]
fn a_hard_linked_copy_of_the_output_is_never_changed_by_later_builds() {
    let site = TestSite::shipped();
    site.build_ok(&[]);
    site.build_ok(&[]);
    let public = site.path("public");
    let snapshot = site.path("snapshot");
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        let to = snapshot.join(entry.path().strip_prefix(&public).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::hard_link(entry.path(), &to).unwrap();
        }
    }
    let before = published(&snapshot);
    // Two builds later, the folder the snapshot shares files with is written into again
    // (it is the staging folder of the second), with every kind of output changed: pages,
    // feeds, open data, the search index and a file of `static/`.
    for round in ["une", "deux", "trois"] {
        site.edit(
            "content/articles/alep-offensive-hts.fr.md",
            "d'instaurer un calme précaire",
            &format!("d'instaurer un calme précaire ({round})"),
        );
        site.write("static/note.txt", round);
        site.build_ok(&[]);
    }
    assert!(site.public("note.txt") == "trois");
    assert!(
        published(&snapshot) == before,
        "a build changed a file of the hard-linked copy"
    );
}

/// Two first builds into an output whose folder does not exist yet lock the same folder: one
/// builds, the other is refused or builds after it, and the output is whole.
#[test]
fn two_first_builds_into_a_missing_folder_do_not_interleave() {
    let site = TestSite::shipped();
    site.build_ok(&["--output", "expected"]);
    let expected = published(&site.path("expected"));
    for round in 0..3 {
        let out = format!("new-{round}/public");
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_depeche"))
                .args(["build", "--output", &out])
                .current_dir(site.root())
                .output()
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(spawn);
            let b = s.spawn(spawn);
            (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
        });
        for run in [&a, &b] {
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(
                run.status.success() || stderr.contains("another depeche build"),
                "{stderr}"
            );
        }
        assert!(a.status.success() || b.status.success());
        assert!(
            published(&site.path(&out)) == expected,
            "round {round}: the output is not a whole build"
        );
    }
}

/// A named pipe where the site has a file (a translation, an article, site.yaml) would block
/// every read: it is refused before it is opened, with its name, and nothing waits.
#[test]
fn a_named_pipe_in_the_site_is_refused_not_waited_on() {
    for file in [
        "templates/i18n/fr.yaml",
        "content/articles/alep-offensive-hts.fr.md",
        "site.yaml",
    ] {
        let site = TestSite::shipped();
        std::fs::remove_file(site.path(file)).unwrap();
        let made = Command::new("mkfifo")
            .arg(site.path(file))
            .status()
            .unwrap();
        assert!(made.success());
        for command in ["check", "build"] {
            let started = Instant::now();
            let mut child = spawn_in(site.root(), &[command], std::process::Stdio::piped());
            while child.try_wait().unwrap().is_none() {
                if started.elapsed() > Duration::from_secs(20) {
                    child.kill().unwrap();
                    panic!("`depeche {command}` waits on the pipe at {file}");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{command} with a pipe at {file}");
            assert!(
                stderr.contains("not a regular file") && stderr.contains(file),
                "{command}, {file}: {stderr}"
            );
        }
    }
}

/// `--force` never takes a folder of another user: as root, a folder given to `nobody`; as
/// anyone else, a system folder root owns. Refused before anything moves.
#[test]
fn force_never_takes_another_users_folder() {
    use std::os::unix::fs::MetadataExt;
    let site = TestSite::shipped();
    let theirs = site.dir.path().join("theirs");
    std::fs::create_dir_all(theirs.join("docs")).unwrap();
    std::fs::write(theirs.join("docs/a.txt"), "precious").unwrap();
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    let out = if me == 0 {
        std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
        theirs.clone()
    } else {
        let system = Path::new("/usr/share/doc");
        assert_ne!(std::fs::metadata(system).unwrap().uid(), me);
        system.to_path_buf()
    };
    let before = snapshot(&theirs);
    let stderr = refused(
        &site,
        &["build", "--force", "--output", out.to_str().unwrap()],
        "E0019",
    );
    assert!(stderr.contains("belongs to another user"), "{stderr}");
    assert!(snapshot(&theirs) == before);
}
