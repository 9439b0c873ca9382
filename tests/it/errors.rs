//! Every kind of bad input stops the build with a located, actionable message, a non-zero exit,
//! and the previous output left exactly as it was.

use crate::common::*;

const FR: &str = "content/articles/alep-offensive-hts.fr.md";
const EN: &str = "content/articles/alep-offensive-hts.en.md";

/// Builds the good site, applies `break_it`, and checks that the build fails with messages
/// containing every `expected` string while `public/` stays byte-identical.
fn fails_keeping_output(break_it: impl FnOnce(&TestSite), expected: &[&str]) -> String {
    let site = TestSite::frozen();
    site.build_ok(&[]);
    let before = snapshot(&site.path("public"));
    assert!(before.len() > 30);
    break_it(&site);
    let out = site.depeche(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "build should fail:\n{stderr}");
    for needle in expected {
        assert!(stderr.contains(needle), "expected {needle:?} in:\n{stderr}");
    }
    assert!(stderr.contains("help:"), "no hint in:\n{stderr}");
    assert!(
        before == snapshot(&site.path("public")),
        "public/ changed after a failed build"
    );
    stderr
}

#[test]
fn malformed_yaml_front_matter() {
    fails_keeping_output(
        |s| s.edit(FR, "date: 2024-11-30", "date: [2024-11-30"),
        &["error[E0002]", &format!("{FR}:")],
    );
}

#[test]
fn missing_title() {
    fails_keeping_output(
        |s| {
            s.edit(
                FR,
                "title: Djihadistes et rebelles ont pris le contrôle de la majeure partie d'Alep\n",
                "",
            )
        },
        &[
            "error[E0004]",
            "missing required field `title`",
            &format!("{FR}:1:1"),
        ],
    );
}

#[test]
fn malformed_date() {
    fails_keeping_output(
        |s| s.edit(EN, "date: 2024-11-30", "date: 2024-11-31"),
        &[
            "error[E0005]",
            "`2024-11-31` is not a date: November 2024 has 30 days",
            &format!("{EN}:3:7"),
            "`YYYY-MM-DDThh:mm:ss+01:00`",
        ],
    );
}

#[test]
fn unknown_entity_suggests_the_closest_id() {
    fails_keeping_output(
        |s| s.edit(FR, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après"),
        &[
            "error[E0003]",
            "unknown entity `alepo`",
            &format!("{FR}:6:64"),
            "did you mean `aleppo`?",
            "^^^^^^^^^^^^^^",
        ],
    );
}

#[test]
fn unknown_entity_suggests_by_name_or_alias() {
    fails_keeping_output(
        |s| s.edit(EN, "[[aleppo|Aleppo]] after", "[[halab|Aleppo]] after"),
        &["unknown entity `halab`", "did you mean `aleppo`?"],
    );
}

#[test]
fn unclosed_annotation() {
    fails_keeping_output(
        |s| {
            s.edit(
                FR,
                "dans le nord-ouest du pays.",
                "dans le nord-ouest du [[syria pays.",
            )
        },
        &["error[E0006]", "unclosed annotation", &format!("{FR}:20:")],
    );
}

#[test]
fn relation_to_unknown_entity() {
    fails_keeping_output(
        |s| {
            s.edit(
                "content/entities/aleppo.yaml",
                "target: syria",
                "target: syrie",
            )
        },
        &[
            "error[E0008]",
            "points to unknown entity `syrie`",
            "content/entities/aleppo.yaml:14:32",
            "did you mean `syria`?",
        ],
    );
}

#[test]
fn entity_without_a_name_in_a_language() {
    fails_keeping_output(
        |s| s.edit("content/entities/idlib.yaml", "  en: Idlib\n", ""),
        &[
            "error[E0009]",
            "entity `idlib` has no name in `en`",
            "content/entities/idlib.yaml:2:",
        ],
    );
}

#[test]
fn invalid_wikidata_id() {
    fails_keeping_output(
        |s| {
            s.edit(
                "content/entities/aleppo.yaml",
                "wikidata: Q41183",
                "wikidata: 41183",
            )
        },
        &[
            "error[E0010]",
            "`41183` is not a Wikidata item id",
            "content/entities/aleppo.yaml:11:11",
        ],
    );
}

#[test]
fn invalid_coordinates() {
    fails_keeping_output(
        |s| {
            s.edit(
                "content/entities/aleppo.yaml",
                "[36.2, 37.16]",
                "[136.2, 37.16]",
            )
        },
        &["error[E0011]", "content/entities/aleppo.yaml:12:14"],
    );
}

#[test]
fn slug_must_be_a_plain_segment() {
    for bad in ["..", "a/b", "a\\\\b", "../../etc"] {
        fails_keeping_output(
            |s| {
                s.edit(
                    EN,
                    "slug: aleppo-offensive-hts",
                    &format!("slug: \"{bad}\""),
                )
            },
            &["error[E0012]", &format!("{EN}:4:7")],
        );
    }
}

#[test]
fn two_pages_with_the_same_output_path_name_every_file() {
    let stderr = fails_keeping_output(
        |s| {
            let copy = s
                .read(EN)
                .replace("title: Jihadists", "title: Copy of jihadists");
            s.write("content/articles/aleppo-copy.en.md", copy);
        },
        &[
            "error[E0013]",
            "2 articles would be written to the same page en/articles/aleppo-offensive-hts/index.html",
        ],
    );
    assert!(
        stderr.contains("content/articles/aleppo-copy.en.md"),
        "{stderr}"
    );
    assert!(stderr.contains(EN), "{stderr}");
}

#[test]
fn file_that_is_not_utf8() {
    fails_keeping_output(
        |s| {
            let mut bytes = s.read(FR).into_bytes();
            let at = bytes.windows(6).position(|w| w == b"civils").unwrap();
            bytes[at + 1] = 0xE9; // a Latin-1 "é" where UTF-8 is expected
            s.write(FR, bytes);
        },
        &["error[E0001]", "is not valid UTF-8", &format!("{FR}:10:")],
    );
}

#[test]
fn unknown_language_suffix() {
    fails_keeping_output(
        |s| {
            s.write(
                "content/articles/alep-offensive-hts.de.md",
                "---\ntitle: x\ndate: 2024-11-30\n---\n",
            )
        },
        &[
            "error[E0017]",
            "language `de` is not configured",
            "use one of: fr, en",
        ],
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let stderr = fails_keeping_output(
        |s| {
            s.edit(FR, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après");
            s.edit(EN, "date: 2024-11-30", "date: tomorrow");
            s.edit(
                "content/entities/hts.yaml",
                "target: al-qaida",
                "target: al-qaeda",
            );
        },
        &["E0003", "E0005", "E0008", "3 errors"],
    );
    assert_eq!(stderr.matches("error[E").count(), 3, "{stderr}");
}

#[test]
fn bom_and_crlf_change_nothing() {
    let lf = TestSite::frozen();
    lf.build_ok(&[]);
    let crlf = TestSite::frozen();
    for rel in [
        FR,
        EN,
        "content/entities/aleppo.yaml",
        "content/entities/aleppo.fr.md",
    ] {
        let text = crlf.read(rel).replace('\n', "\r\n");
        crlf.write(rel, [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat());
    }
    crlf.build_ok(&[]);
    assert!(
        published(&lf.path("public")) == published(&crlf.path("public")),
        "output differs"
    );

    // Errors are located on the same line and column as in the LF file.
    crlf.edit(FR, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après");
    let out = crlf.depeche(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{FR}:6:64")), "{stderr}");
    crlf.edit(FR, "date: 2024-11-30", "date: 2024-02-30");
    let stderr = String::from_utf8_lossy(&crlf.depeche(&["build"]).stderr).into_owned();
    assert!(stderr.contains(&format!("{FR}:3:7")), "{stderr}");
}

#[test]
fn refuses_output_dirs_that_would_destroy_sources() {
    let site = TestSite::frozen();
    let before = snapshot(site.root());
    for out in [
        ".",
        "..",
        "content",
        "content/articles",
        "templates",
        "static",
        "/",
    ] {
        let result = site.depeche(&["build", "--output", out]);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{out}: {stderr}");
        assert!(stderr.contains("error[E0019]"), "{out}: {stderr}");
    }
    assert!(
        before == snapshot(site.root()),
        "a refused build touched the site"
    );
}

#[test]
fn folders_named_like_depeches_own_but_not_written_by_it_are_refused() {
    for dir in [".public.depeche-staging", ".public.depeche-old"] {
        let site = TestSite::frozen();
        site.write(&format!("{dir}/notes.txt"), "mine");
        let out = site.depeche(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("error[E0023]") && stderr.contains(dir),
            "{stderr}"
        );
        assert_eq!(site.read(&format!("{dir}/notes.txt")), "mine");
        assert!(!site.path("public").exists());
    }
}

/// The folder the build before the last left is claimed beside the build's work: a file put
/// there by hand is refused before the folder is reused, and the site stays as it was.
#[test]
fn a_file_put_in_the_folder_kept_aside_is_refused_before_it_is_reused() {
    let site = TestSite::frozen();
    site.build_ok(&[]);
    site.edit(FR, "majeure partie", "plus grande partie");
    site.build_ok(&[]);
    let built = snapshot(&site.path("public"));
    site.write(".public.depeche-old/notes.txt", "mine");
    // Nothing to do: the folder is not touched, nor waited for.
    site.build_ok(&[]);
    site.edit(FR, "plus grande partie", "majeure partie");
    let out = site.depeche(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[E0023]") && stderr.contains(".public.depeche-old"),
        "{stderr}"
    );
    assert_eq!(site.read(".public.depeche-old/notes.txt"), "mine");
    assert!(built == snapshot(&site.path("public")));
}

#[test]
fn an_interrupted_swap_puts_the_previous_output_back() {
    let site = TestSite::frozen();
    site.build_ok(&[]);
    let built = snapshot(&site.path("public"));
    // The swap stopped after moving the output aside: only the parked copy remains.
    std::fs::rename(site.path("public"), site.path(".public.depeche-old")).unwrap();
    site.edit(EN, "date: 2024-11-30", "date: 2024-11-31");
    assert_eq!(site.depeche(&["build"]).status.code(), Some(1));
    assert!(
        built == snapshot(&site.path("public")),
        "the previous output was not restored"
    );
}

#[test]
fn rebuilds_reuse_the_previous_output_without_leaving_stale_files() {
    let site = TestSite::frozen();
    site.build_ok(&[]);
    site.edit(EN, "slug: aleppo-offensive-hts", "slug: aleppo-hts");
    site.build_ok(&[]);
    site.build_ok(&[]);
    assert!(
        site.path("public/en/articles/aleppo-hts/index.html")
            .is_file()
    );
    assert!(
        !site
            .path("public/en/articles/aleppo-offensive-hts")
            .exists()
    );
    let fresh = TestSite::frozen();
    fresh.edit(EN, "slug: aleppo-offensive-hts", "slug: aleppo-hts");
    fresh.build_ok(&[]);
    assert!(published(&fresh.path("public")) == published(&site.path("public")));
}

#[test]
fn rebuilds_leave_pages_rendered_as_before_and_redo_files_changed_since() {
    let site = TestSite::frozen();
    let page = "public/fr/articles/alep-offensive-hts/index.html";
    let modified = |site: &TestSite| {
        std::fs::metadata(site.path(page))
            .and_then(|m| m.modified())
            .unwrap()
    };
    // Output folders alternate: the third build writes into the first one's folder.
    site.build_ok(&[]);
    let (first, written) = (site.read(page), modified(&site));
    site.build_ok(&[]);
    // A file saved again, unchanged: the build runs (nothing changed is no build at all).
    site.write(EN, site.read(EN));
    site.build_ok(&[]);
    assert_eq!(
        modified(&site),
        written,
        "an unchanged page was written again"
    );
    assert_eq!(site.read(page), first);

    // An edit reaches the page in both folders, though older records of it exist.
    site.edit(FR, "majeure partie", "plus grande partie");
    for _ in 0..2 {
        site.build_ok(&[]);
        assert!(site.read(page).contains("plus grande partie"));
    }
    let expected = site.read(page);

    // A file changed by hand since its build, even to the same size, is made again.
    for dir in ["public", ".public.depeche-old"] {
        let file = page.replacen("public", dir, 1);
        let text = site.read(&file);
        site.write(&file, text.replacen("plus grande", "PLUS GRANDE", 1));
    }
    for _ in 0..2 {
        site.build_ok(&[]);
        assert!(
            site.read(page) == expected,
            "a file changed by hand was kept"
        );
    }
}

#[test]
fn symlinks_out_of_the_site_are_not_followed() {
    let site = TestSite::frozen();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.fr.md"),
        "---\ntitle: secret\ndate: 2024-01-01\n---\nSECRET\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.fr.md"),
        site.path("content/articles/secret.fr.md"),
    )
    .unwrap();
    let out = site.depeche(&["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning[W0001]"), "{stderr}");
    assert!(!site.path("public/fr/articles/secret").exists());
}

/// A link to a folder inside the site is not followed either, and a link to nothing is
/// skipped too: each warning says which, rather than that it leads out of the site.
#[cfg(unix)]
#[test]
fn links_to_a_folder_or_to_nothing_say_so() {
    let site = TestSite::frozen();
    // A folder of the test's own site, beside content/.
    site.write(
        "archive/more/note.fr.md",
        "---\ntitle: note\ndate: 2024-01-01\n---\nNote.\n",
    );
    let inside = site.path("archive/more");
    std::os::unix::fs::symlink(&inside, site.path("content/articles/more")).unwrap();
    std::os::unix::fs::symlink("nowhere.fr.md", site.path("content/articles/gone.fr.md")).unwrap();
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning[W0001]"), "{stderr}");
    assert!(
        stderr.contains("symbolic link to a folder skipped: only links to files are followed"),
        "{stderr}"
    );
    // A link to nothing says so, not that it leads out of the site.
    assert!(
        stderr.contains("symbolic link skipped: what it points to does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("points out of the site"), "{stderr}");
}

/// A folder the site reads whole (`templates/`, `templates/i18n/`, `static/`) that is a link
/// to a folder outside the site is an error in `check` and `build`: nothing in it is read or
/// published, and the previous output stays.
#[cfg(unix)]
#[test]
fn folders_linked_out_of_the_site_are_refused() {
    for folder in ["templates", "templates/i18n", "static"] {
        let site = TestSite::shipped();
        site.build_ok(&[]);
        let outside = tempfile::tempdir().unwrap();
        let moved = outside.path().join("moved");
        std::fs::rename(site.path(folder), &moved).unwrap();
        std::fs::write(moved.join("outside-mark.txt"), "OUTSIDE").unwrap();
        std::os::unix::fs::symlink(&moved, site.path(folder)).unwrap();
        let before = site.read("public/fr/index.html");
        for command in ["check", "build"] {
            let out = site.depeche(&[command]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{folder} {command}: {stderr}");
            assert!(
                stderr.contains("error[E0027]") && stderr.contains(&format!("{folder}/")),
                "{folder} {command}: {stderr}"
            );
            // Once, though every language reads its strings there.
            let told = stderr.matches(&format!("{folder}/ is reached")).count();
            assert_eq!(told, 1, "{folder} {command}: {stderr}");
        }
        assert_eq!(site.read("public/fr/index.html"), before);
        assert!(!site.path("public/outside-mark.txt").exists());
    }
    // A link that stays inside the site is read.
    let site = TestSite::shipped();
    std::fs::rename(site.path("templates"), site.path("theme")).unwrap();
    std::os::unix::fs::symlink("theme", site.path("templates")).unwrap();
    site.build_ok(&[]);
}

#[test]
fn missing_date() {
    fails_keeping_output(
        |s| s.edit(EN, "date: 2024-11-30\n", ""),
        &[
            "error[E0004]",
            "missing required field `date`",
            &format!("{EN}:1:1"),
        ],
    );
}

#[test]
fn malformed_title() {
    fails_keeping_output(
        |s| {
            s.edit(
                EN,
                "title: Jihadists and rebels",
                "title:\n  - Jihadists and rebels",
            )
        },
        &[
            "error[E0033]",
            "`title` is text, not a list",
            &format!("{EN}:3:"),
        ],
    );
}

#[test]
fn template_rendering_error_points_into_the_template() {
    let base = std::fs::read_to_string(repo().join("templates/article.html")).unwrap();
    let line = base
        .lines()
        .position(|l| l.contains("{{ article.title }}</h1>"))
        .unwrap()
        + 1;
    fails_keeping_output(
        |s| {
            s.write(
                "templates/article.html",
                base.replace("{{ article.title }}</h1>", "{{ article.headline }}</h1>"),
            );
        },
        &["error[E0021]", &format!("templates/article.html:{line}:")],
    );
}

/// A filter, test or function no template engine knows is an error at the name, in the file
/// of the template (also for the annotations a pull request shows), each of them.
#[test]
fn an_unknown_filter_test_or_function_points_at_its_name() {
    let base = std::fs::read_to_string(repo().join("templates/article.html")).unwrap();
    let (line, text) = base
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("{{ article.title }}</h1>"))
        .unwrap();
    let wrong = "{{ article.title | nosuchfilter }} {{ 1 is nosuchtest }} {{ nofunction() }}</h1>";
    let site = TestSite::shipped();
    site.write(
        "templates/article.html",
        base.replace("{{ article.title }}</h1>", wrong),
    );
    let edited = text.replace("{{ article.title }}</h1>", wrong);
    let out = site.depeche(&["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (name, said) in [
        ("nosuchfilter", "Unknown filter"),
        ("nosuchtest", "Unknown test"),
        ("nofunction", "Unknown function"),
    ] {
        let col = edited[..edited.find(name).unwrap()].chars().count() + 1;
        let at = format!("file=templates/article.html,line={},col={col},", line + 1);
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(&at) && l.contains(&format!("{said} `{name}`"))),
            "{at}\n{stdout}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_closed_output_stops_a_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let site = TestSite::frozen();
    site.edit(FR, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après");
    for args in [&["check", "--format", "json"][..], &["build"], &["check"]] {
        // Both outputs lead to a pipe nobody reads, as in `depeche check 2>&1 | head -0`.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_depeche"))
            .args(args)
            .current_dir(site.root())
            .stdout(writer.try_clone().unwrap())
            .stderr(writer)
            .status()
            .unwrap();
        assert_ne!(out.code(), Some(101), "{args:?} panicked");
        assert_eq!(out.signal(), Some(13), "{args:?}: {out:?}");
    }
}

/// An article's body is made again from its file when its page is rendered; if the file
/// changed since it was analysed, the page would not match its backlinks and listings, so the
/// build stops with E0029 rather than mixing the two versions.
#[test]
fn an_article_edited_during_the_build_stops_it() {
    use depeche::site::{Options, Purpose, Site};
    let site = TestSite::frozen();
    let options = Options {
        root: site.root().to_path_buf(),
        ..Default::default()
    };
    let site_model = Site::load(&options, Purpose::Render).unwrap();
    let page = "fr/articles/alep-offensive-hts/index.html";
    let html = site_model.render(page).unwrap().unwrap().content;
    assert!(html.contains("class=\"mention\""), "{html}");

    site.edit(FR, "Alep", "Aleppo");
    let e = site_model.render(page).unwrap().unwrap_err();
    assert_eq!(e.code.id(), "E0029");
    assert!(
        e.render()
            .contains("changed while the site was being built")
    );
}

/// Like git, depeche finds its site from any folder inside it; outside one, it names the
/// folder it searched from.
#[test]
fn the_site_is_found_from_any_folder_inside_it() {
    let run = |dir: &std::path::Path, args: &[&str]| depeche_in(dir, args);
    let site = TestSite::frozen();
    let inside = run(&site.path("content/articles"), &["check"]);
    assert!(
        inside.status.success(),
        "{}",
        String::from_utf8_lossy(&inside.stderr)
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = run(elsewhere.path(), &["check"]);
    assert_eq!(outside.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&outside.stderr);
    let searched = std::path::absolute(elsewhere.path()).unwrap();
    assert!(
        stderr.contains(&format!(
            "no site.yaml in {} or any folder above it",
            searched.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("depeche init"), "{stderr}");
    let named = run(&site.path("content"), &["--root", ".", "check"]);
    let stderr = String::from_utf8_lossy(&named.stderr);
    assert_eq!(named.status.code(), Some(1));
    assert!(stderr.contains("no site.yaml in "), "{stderr}");
    assert!(stderr.contains("content"), "{stderr}");
}

/// Every diagnostic about a value inside a list or a map points at that value, in an article's
/// front matter and in an entity's file, and a place is reported once.
#[test]
fn nested_values_are_reported_where_they_are_written_and_once() {
    let site = TestSite::frozen();
    let figures = "figures:\n  - label: {fr: morts, en: dead}\n    value: 311\n    as_of: 2024-11-30\n    source: osdh\n  - label: {fr: civils, en: civilians}\n    value: 28\n    as_of: 2024-11-30\n    source: osdhh\nevents:\n  - date: 2024-11-27\n    label: {fr: Début, en: Start}\n    entities: [hts, htss]\n    source: osdh\ndate: 2024-11-30";
    site.edit(EN, "date: 2024-11-30", figures);
    site.edit(
        "content/entities/hts.yaml",
        "type: organization",
        "type: organization\nfacts:\n  - label: {fr: Chef, en: Leader}\n    entity: jolanii\n    as_of: 2024-11-30\n    source: osdh\n  - label: {fr: Fondation, en: Founded}\n    value: 2017-01-28\n    as_of: 30/11/2024\n    source: osdh",
    );
    let out = site.depeche(&["check", "--format", "json"]);
    let found: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let text_of = |file: &str| site.read(file);
    // The line and column where `needle` is written after `after` in `file`.
    let place = |file: &str, after: &str, needle: &str| {
        let text = text_of(file);
        let at = text.find(after).unwrap() + after.len();
        let at = at + text[at..].find(needle).unwrap();
        let line = text[..at].matches('\n').count() + 1;
        let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
        (line as u64, col as u64)
    };
    let at = |d: &serde_json::Value| {
        (
            d["file"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
            d["column"].as_u64().unwrap(),
        )
    };
    let find = |message: &str| {
        let hits: Vec<&serde_json::Value> = found
            .iter()
            .filter(|d| d["message"].as_str().unwrap().contains(message))
            .collect();
        assert_eq!(hits.len(), 1, "{message}: {found:#?}");
        at(hits[0])
    };
    let hts = "content/entities/hts.yaml";
    for (message, file, after, needle) in [
        ("`osdhh`", EN, "civilians", "osdhh"),
        ("`htss`", EN, "entities: [hts, ", "htss"),
        ("`30/11/2024`", hts, "Founded", "30/11/2024"),
    ] {
        let (line, col) = place(file, after, needle);
        assert_eq!(find(message), (file.to_string(), line, col), "{message}");
    }
    // An entity whose file has errors is not also "unknown" where it is named (the frozen
    // copy's unsourced prose is warned about besides); the ids its file names are checked in
    // the same run (`jolanii`, independent of the date).
    let errors = found.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(errors, 4, "{found:#?}");
    find("`jolanii`");

    // Once its file loads, a fact's entity that names nothing is found where it is written.
    site.edit(hts, "30/11/2024", "2024-11-30");
    let out = site.depeche(&["check", "--format", "json"]);
    let found: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let jolanii = found
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("`jolanii`"))
        .unwrap_or_else(|| panic!("{found:#?}"));
    let (line, col) = place(hts, "facts:", "jolanii");
    assert_eq!(at(jolanii), (hts.to_string(), line, col));
    let mut places: Vec<_> = found
        .iter()
        .map(|d| (at(d), d["message"].clone()))
        .collect();
    let all = places.len();
    places.sort_by(|a, b| a.0.cmp(&b.0));
    places.dedup();
    assert_eq!(places.len(), all, "a problem reported twice: {found:#?}");
}

/// An escape sequence in an entity's name or an article is refused where it is written, and
/// shown escaped, never sent to the terminal, even in colour.
#[test]
fn control_characters_from_the_content_never_reach_the_terminal() {
    let site = TestSite::shipped();
    let idlib = "content/entities/idlib.yaml";
    let before = site.read(idlib);
    site.edit(
        idlib,
        "fr: Gouvernorat d'Idleb",
        "fr: \"Gouvernorat d'Idleb\\e[2J\\a\\u202E\\u2066\"",
    );
    let out = site.depeche(&["entities"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("the character \\u{1b} is not text"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    site.write(idlib, before);

    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "d'instaurer un calme précaire",
        "d'instaurer \u{1b}]0;pwned\u{7} [[nowhere]] un \u{202e}calme précaire",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_depeche"))
        .arg("check")
        .current_dir(site.root())
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("the character \\u{1b} is not text"),
        "{stderr}"
    );
    assert!(
        stderr.contains('\u{1b}'),
        "the test expects colours: {stderr:?}"
    );
    assert!(!stderr.contains("\u{1b}]0;pwned"), "{stderr:?}");
    assert!(stderr.contains("\\u{1b}]0;pwned\\u{7}"), "{stderr:?}");
    // A right-to-left override would show the rest of the line reversed.
    assert!(!stderr.contains('\u{202e}'), "{stderr:?}");

    // The editor's own arguments, quoted back in an error, are shown the same way.
    let id = "z\u{1b}[1m\u{2028}";
    for args in [
        &["new", "entity", id, "--type", "place"][..],
        &["new", "article", id],
    ] {
        let out = site.depeche(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(
            !stderr.contains('\u{1b}') && !stderr.contains('\u{2028}'),
            "{stderr:?}"
        );
        assert!(stderr.contains("z\\u{1b}[1m\\u{2028}"), "{stderr:?}");
    }
}

/// A figure is a number: text, `.nan` and `.inf` are errors at the value, not an empty cell or
/// a `null` that `graph.json`'s schema refuses. An entity's fact may be text, never `.nan`.
#[test]
fn a_figure_that_is_not_a_finite_number_is_an_error_at_its_value() {
    let refused = |break_it: &dyn Fn(&TestSite), expected: &[&str]| {
        let site = TestSite::shipped();
        break_it(&site);
        let out = site.depeche(&["check"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        for needle in expected {
            assert!(stderr.contains(needle), "expected {needle:?} in:\n{stderr}");
        }
    };
    // Where the value is: its text, inside the quotes.
    for (written, message, column) in [
        (
            "\"about 300\"",
            "a figure is a number: `about 300` is not one",
            13,
        ),
        (
            "about 300",
            "a figure is a number: `about 300` is not one",
            12,
        ),
        (".nan", "`NaN` is not a finite number", 12),
        (".inf", "`inf` is not a finite number", 12),
        ("-.inf", "`-inf` is not a finite number", 12),
    ] {
        refused(
            &|s| s.edit(FR, "  - value: 311", &format!("  - value: {written}")),
            &[message, &format!("{FR}:6:{column}")],
        );
    }
    refused(
        &|s| {
            let file = "content/entities/offensive-2024.yaml";
            s.edit(file, "    value: 311", "    value: .nan");
        },
        &[
            "`NaN` is not a finite number",
            "content/entities/offensive-2024.yaml:26:12",
        ],
    );
}

/// A file of `static/` whose name the disk keeps decomposed (NFD, as macOS writes it) is found
/// by an address typed composed (NFC), and published under the composed name the page links to.
#[test]
fn a_static_file_named_in_either_unicode_form_is_found_and_published_composed() {
    let site = TestSite::shipped();
    let decomposed = "images/cafe\u{301}.png";
    site.write(&format!("static/{decomposed}"), b"\x89PNG");
    site.edit(
        FR,
        "d'instaurer un calme précaire",
        "d'instaurer un calme précaire ![Le café](/images/caf\u{e9}.png)",
    );
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("not a file of static/"), "{stderr}");
    site.build_ok(&[]);
    assert!(site.path("public/images/caf\u{e9}.png").is_file());
    assert!(!site.path(&format!("public/{decomposed}")).exists());
}

/// A key given twice is reported where it is given the second time, however either is
/// written: plain, quoted, or as an explicit `? key`.
#[test]
fn a_repeated_key_is_reported_at_the_repetition_however_it_is_written() {
    for (first, second) in [
        ("title:", "\"title\":"),
        ("\"title\":", "title:"),
        ("'title':", "title:"),
        ("title:", "? title\n:"),
    ] {
        let stderr = fails_keeping_output(
            |s| {
                let text = s.read(FR);
                let text = text.replacen("title:", first, 1).replacen(
                    "date: 2024-11-30",
                    &format!("date: 2024-11-30\n{second} Encore"),
                    1,
                );
                s.write(FR, text);
            },
            &["E0002", "given twice"],
        );
        assert!(
            stderr.contains(&format!("{FR}:4:")),
            "{first} then {second}: {stderr}"
        );
    }
}

/// An escaped annotation written in running text builds, shown as its brackets.
#[test]
fn an_escaped_annotation_in_running_text_builds() {
    let site = TestSite::frozen();
    let text = site.read(FR);
    site.write(
        FR,
        format!("{text}\nLittéral \\[[hts]] ici, et \\[[idlib|Idleb]].\n"),
    );
    site.build_ok(&[]);
    let page = site.public("fr/articles/alep-offensive-hts/index.html");
    assert!(page.contains("Littéral [[hts]] ici"), "{page}");
}

/// An entity whose file has an error is reported there once: the relations of other
/// entities that point to it are not "unknown" on top of it.
#[test]
fn a_broken_entity_is_not_also_an_unknown_relation_target() {
    let site = TestSite::shipped();
    site.edit(
        "content/entities/hts.yaml",
        "  until: 2025-01-29\n",
        "  from: 2026-01-01\n  until: 2025-01-29\n",
    );
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/entities/hts.yaml"), "{stderr}");
    assert!(!stderr.contains("E0008"), "{stderr}");
}

/// A control or bidi-override character written in a file is reported where it is, each of
/// them, and the rest of the file is still checked: one run of `check` says every mistake.
/// So in an article's body and front matter, an entity's file and its prose.
#[test]
fn a_forbidden_character_does_not_stop_the_files_checking() {
    let site = TestSite::shipped();
    let article = "content/articles/alep-offensive-hts.fr.md";
    site.edit(
        article,
        "d'instaurer un calme",
        "d'\u{7}instaurer \u{7}un [[nowhere]] calme",
    );
    site.edit(article, "title: Djihadistes", "title: \u{1b}Djihadistes");
    site.edit(
        article,
        "date: 2024-11-30",
        "date: 2024-11-30\nunknown_field: 1",
    );
    site.edit(
        "content/entities/hts.yaml",
        "type: organization",
        "type: organization\n# \u{202e}",
    );
    site.edit(
        "content/entities/hts.yaml",
        "target: al-nusra-front",
        "target: al-nusra",
    );
    site.edit(
        "content/entities/aleppo.en.md",
        "is the country's",
        "is \u{85}the [[neverland]] country's",
    );
    let stderr = check_fails(&site);
    for (at, said) in [
        (
            "alep-offensive-hts.fr.md:2:8",
            "the character \\u{1b} is not text",
        ),
        ("alep-offensive-hts.fr.md:", "`unknown_field`"),
        ("alep-offensive-hts.fr.md:", "unknown entity `nowhere`"),
        (
            "entities/hts.yaml:2:3",
            "the character \\u{202e} is not text",
        ),
        ("entities/hts.yaml:", "`al-nusra`"),
        (
            "entities/aleppo.en.md:1:",
            "the character \\u{85} is not text",
        ),
        ("entities/aleppo.en.md:", "unknown entity `neverland`"),
    ] {
        let found = stderr
            .split("error[")
            .any(|d| d.contains(said) && d.contains(at));
        assert!(found, "{said} at {at}:\n{stderr}");
    }
    assert_eq!(
        stderr.matches("the character \\u{7} is not text").count(),
        2,
        "{stderr}"
    );

    // A file of many such characters says the first ten and how many more.
    site.write(
        article,
        format!("{}\n{}", site.read(article), "\u{1}".repeat(25)),
    );
    let stderr = check_fails(&site);
    assert_eq!(stderr.matches("is not text").count(), 10 + 2, "{stderr}");
    assert!(
        stderr.contains("18 more such characters in this file are not shown"),
        "{stderr}"
    );

    // In site.yaml too, beside its other mistakes.
    site.edit("site.yaml", "title:", "# \u{7}\ntitle:");
    site.edit(
        "site.yaml",
        "output_dir: public",
        "output_dir: public\nbacklinks_per_page: 0",
    );
    let stderr = check_fails(&site);
    assert!(
        stderr.contains("the character \\u{7} is not text"),
        "{stderr}"
    );
    assert!(stderr.contains("backlinks_per_page"), "{stderr}");
}

/// A mistake of site.yaml that leaves its settings readable (an unknown field, a value that
/// does not read) is said with the content's mistakes, in one run; a build stops at it.
#[test]
fn a_mistake_in_site_yaml_does_not_hide_the_contents() {
    let site = TestSite::shipped();
    site.edit(
        "site.yaml",
        "output_dir: public",
        "output_dir: public\nbogus_key: 1",
    );
    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "d'instaurer un calme",
        "d'instaurer [[nowhere]] un calme",
    );
    let stderr = check_fails(&site);
    assert!(stderr.contains("unknown field `bogus_key`"), "{stderr}");
    assert!(stderr.contains("unknown entity `nowhere`"), "{stderr}");
    let out = site.depeche(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!site.path("public").exists());
    // Without the address or the languages nothing else can be read: said alone.
    site.edit("site.yaml", "languages: [fr, en]", "languages: []");
    let stderr = check_fails(&site);
    assert!(!stderr.contains("unknown entity"), "{stderr}");
}

/// `check` fails; its standard error.
fn check_fails(site: &TestSite) -> String {
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    stderr
}

/// A control character written as a YAML escape in a field a page prints is refused at the
/// field: it would reach the page, and the terminal of whoever reads it quoted back.
#[test]
fn a_control_character_in_a_printed_field_is_refused() {
    let site = TestSite::shipped();
    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "translator: the Annotated dispatches desk",
        "translator: \"desk\\e[31mRED\\a\"",
    );
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the character \\u{1b} is not text"),
        "{stderr}"
    );
    // At the escape that writes it.
    let text = site.read("content/articles/alep-offensive-hts.en.md");
    let line = text[..text.find("translator:").unwrap()]
        .matches('\n')
        .count()
        + 1;
    let col = "translator: \"desk".len() + 1;
    assert!(
        stderr.contains(&format!("alep-offensive-hts.en.md:{line}:{col}")),
        "{stderr}"
    );

    // Written as a character reference in the text, it is refused at the reference.
    site.edit(
        "content/articles/alep-offensive-hts.en.md",
        "translator: \"desk\\e[31mRED\\a\"",
        "translator: desk",
    );
    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "d'instaurer un calme précaire",
        "d'instaurer un &#x202E;calme précaire",
    );
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the character \\u{202e} is not text"),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

/// `as_of` names one day: a year or a month there says so and points to `from` and `until`.
#[test]
fn as_of_with_a_year_says_it_names_a_day() {
    let site = TestSite::shipped();
    site.edit(
        "content/entities/hts.yaml",
        "as_of: 2025-07-08",
        "as_of: 2025-07",
    );
    let out = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`as_of: 2025-07` is not a day"), "{stderr}");
    assert!(stderr.contains("`from:` and `until:`"), "{stderr}");
}

/// `check`'s output on the shipped site after `edit`.
fn check_after(edit: impl FnOnce(&TestSite)) -> String {
    let site = TestSite::shipped();
    edit(&site);
    let out = site.depeche(&["check"]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_tab_in_the_indentation_is_named_shown_and_replaced() {
    for (from, to, shown, fixed) in [
        (
            "  - value: 311\n",
            "\t- value: 311\n",
            " 6 | →- value: 311",
            "`  - value: 311`",
        ),
        (
            "    label: {fr: morts dans l'offensive",
            "  \tlabel: {fr: morts dans l'offensive",
            " 7 |   →label:",
            "`    label: {fr: morts",
        ),
        (
            "original_language: fr\n",
            "original_language: fr\n\tdraft: false\n",
            " 5 | →draft: false",
            "`draft: false`",
        ),
    ] {
        let said = check_after(|s| s.edit(FR, from, to));
        assert!(
            said.contains("a tab (shown as `→`) indents this line"),
            "{said}"
        );
        assert!(said.contains(shown), "{shown:?} not in {said}");
        assert!(said.contains(fixed), "{fixed:?} not in {said}");
        assert!(!said.contains("quotes"), "{said}");
    }
}

#[test]
fn a_day_that_does_not_exist_says_why_and_proposes_no_date() {
    let said = check_after(|s| s.edit(FR, "date: 2024-11-30", "date: 2024-12-32"));
    assert!(
        said.contains("`2024-12-32` is not a date: December 2024 has 31 days"),
        "{said}"
    );
    assert!(!said.contains("2024-12-07"), "{said}");
    let said = check_after(|s| s.edit(FR, "date: 2024-11-30", "date: 2023-02-29"));
    assert!(said.contains("February 2023 has 28 days"), "{said}");
    let said = check_after(|s| s.edit(FR, "  - date: 2016\n", "  - date: 2016-13\n"));
    assert!(said.contains("there is no month 13"), "{said}");
}

#[test]
fn a_wikidata_number_without_its_q_is_given_one() {
    let site = TestSite::shipped();
    site.edit(
        "content/entities/moscow.yaml",
        "wikidata: Q649",
        "wikidata: 649",
    );
    let out = site.depeche(&["check", "--format", "json"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("did you mean `Q649`?"), "{said}");
    assert!(said.contains("\"replacement\":\"Q649\""), "{said}");
}

#[test]
fn an_id_inside_a_list_of_facts_is_located_at_itself_with_a_suggestion() {
    let said = check_after(|s| {
        s.edit(
            FR,
            "    entities: [offensive-2024, hts, syrian-government]",
            "    entities: [offensive-2024, htss, syrian-government]",
        )
    });
    assert!(
        said.contains("`htss` is not an entity of this site"),
        "{said}"
    );
    assert!(said.contains("did you mean `hts`?"), "{said}");
    assert!(said.contains("entities: [offensive-2024, htss,"), "{said}");
    let line = said
        .lines()
        .find(|l| l.contains("--> content/articles/alep-offensive-hts.fr.md:"))
        .unwrap_or_default();
    assert!(line.ends_with(":34:32"), "{line}");
}

#[test]
fn a_misspelt_translation_file_is_paired_with_its_article() {
    let said = check_after(|s| {
        std::fs::rename(
            s.path(EN),
            s.path("content/articles/alep-ofensive-hts.en.md"),
        )
        .unwrap();
    });
    assert!(
        said.contains("`content/articles/alep-ofensive-hts.en.md` looks like the `en` version of `alep-offensive-hts`"),
        "{said}"
    );
    assert!(
        said.contains("rename it content/articles/alep-offensive-hts.en.md"),
        "{said}"
    );
    assert!(!said.contains("has no `fr` version"), "{said}");
    assert!(!said.contains("has no `en` version"), "{said}");
}

#[test]
fn entities_are_listed_while_the_site_has_errors() {
    let site = TestSite::shipped();
    site.edit(FR, "date: 2024-11-30", "date: 2024-12-32");
    let out = site.depeche(&["entities", "--unused"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("the site has 1 error "), "{stderr}");
    let out = site.depeche(&["entities"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("\nhts "), "{listed}");
}

#[test]
fn site_yaml_values_are_shown_as_written() {
    let said = check_after(|s| {
        s.edit(
            "site.yaml",
            "languages: [fr, en]",
            "languages: [fr, en, EN]\narticles_per_page: -3",
        )
    });
    assert!(
        said.contains("`articles_per_page` is a whole number, 1 or more, not `-3`"),
        "{said}"
    );
    assert!(
        said.contains("site.yaml:6:21"),
        "the caret under `EN`: {said}"
    );
    // Zero is refused with the same words.
    let said = check_after(|s| {
        s.edit(
            "site.yaml",
            "languages: [fr, en]",
            "languages: [fr, en]\nbacklinks_per_page: 0",
        )
    });
    assert!(
        said.contains("`backlinks_per_page` is a whole number, 1 or more, not `0`"),
        "{said}"
    );
}

#[test]
fn a_caret_stops_where_a_long_line_is_cut() {
    let said = check_after(|s| {
        s.edit(
            "content/entities/aleppo.en.md",
            "(../articles/alep-offensive-hts.en.md)",
            "(../articles/alep-offensive-hts-nowhere-to-be-found-at-all.en.md)",
        )
    });
    let mut lines = said
        .lines()
        .skip_while(|l| !l.starts_with(" 5 | [^dispatch]"));
    let shown = lines.next().unwrap_or_default();
    let caret = lines.next().unwrap_or_default();
    assert!(shown.ends_with("..."), "the line is cut: {said}");
    assert!(
        caret.trim_start_matches([' ', '|']).starts_with('^'),
        "{said}"
    );
    assert!(
        caret.chars().count() <= shown.chars().count(),
        "{caret}\n{shown}"
    );
}
