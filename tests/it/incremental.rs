//! The rebuild `serve` runs after an edit must give exactly the site a full build gives:
//! after each edit below, every page of the session is compared with a fresh build.

use std::collections::BTreeMap;

use crate::common::{TestSite, published};
use depeche::incremental::{Session, Update};
use depeche::site::Options;

const ENTITIES: [&str; 6] = ["aleppo", "hts", "idlib", "osdh", "russia", "turkey"];

/// The shipped site plus nine short notes in both languages, with small pages so that
/// backlinks and home pages are paginated.
fn site() -> TestSite {
    let site = TestSite::shipped();
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        format!("{config}backlinks_per_page: 2\narticles_per_page: 3\n"),
    );
    // Named by no article until an edit below.
    site.write(
        "content/entities/homs.yaml",
        "type: place\nname:\n  fr: Homs\n  en: Homs\ndescription:\n  fr: Ville de Syrie.\n  en: City in Syria.\nunverified: [wikidata, coordinates]\n",
    );
    for n in 1..=9 {
        let named = |shift: usize| ENTITIES[(n + shift) % ENTITIES.len()];
        for (lang, title, words) in [
            ("fr", "Note", "Texte de la note"),
            ("en", "Note", "Text of the note"),
        ] {
            site.write(
                &format!("content/articles/note-{n}.{lang}.md"),
                format!(
                    "---\ntitle: {title} {n}\ndate: 2024-12-{n:02}\n---\n{words} {n} sur [[{}]] et [[{}]].\n\n[[aleppo]] encore.\n",
                    named(0),
                    named(2),
                ),
            );
        }
    }
    site
}

fn options(site: &TestSite) -> Options {
    Options {
        root: site.root().to_path_buf(),
        ..Options::default()
    }
}

/// Fails with the first differing page, and the place where it differs, when the session's
/// site is not the one a full build makes from the same files.
fn assert_same_as_full_build(session: &Session, site: &TestSite, step: &str) {
    let full = Session::start(&options(site), KEEP_ALL).expect("full build");
    let (got, want) = (contents(session), contents(&full));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{step}: not the same pages as a full build"
    );
    for (path, expected) in &want {
        let actual = &got[path];
        if actual != expected {
            let at = actual
                .bytes()
                .zip(expected.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let around = |s: &str| {
                let bytes = &s.as_bytes()[at.saturating_sub(80)..(at + 80).min(s.len())];
                String::from_utf8_lossy(bytes).into_owned()
            };
            panic!(
                "{step}: {path} differs from a full build at byte {at}\n  incremental: {}\n  full build:  {}",
                around(actual),
                around(expected)
            );
        }
    }
}

/// Every page is kept once rendered, so a page a rebuild failed to render again would be
/// served stale, and found here.
const KEEP_ALL: usize = usize::MAX;

/// Every page of the session, as it would serve it.
fn contents(session: &Session) -> BTreeMap<String, String> {
    session
        .paths()
        .into_iter()
        .map(|path| {
            let bytes = session.page(&path).expect("listed").expect("renders");
            let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
            (path, text)
        })
        .collect()
}

/// A file, a text in it, and what replaces that text.
type Edit = (String, &'static str, &'static str);

fn update(session: &mut Session, site: &TestSite, files: &[&str]) -> Update {
    let paths: Vec<_> = files.iter().map(|f| site.path(f)).collect();
    session.update(&paths).expect("rebuild")
}

#[test]
fn every_incremental_rebuild_matches_a_full_build() {
    let site = site();
    let mut session = Session::start(&options(&site), KEEP_ALL).expect("first build");
    let total = session.page_count();
    let note = |n: usize, lang: &str| format!("content/articles/note-{n}.{lang}.md");

    let steps: Vec<(&str, Vec<Edit>)> = vec![
        (
            "text only",
            vec![(
                note(4, "en"),
                "Text of the note",
                "Revised text of the note",
            )],
        ),
        (
            "a mention added",
            vec![(note(4, "fr"), "encore.", "encore, et [[homs|Homs]].")],
        ),
        (
            "a hub mention removed",
            vec![(note(2, "en"), "[[aleppo]] encore.", "Nothing more.")],
        ),
        (
            "both languages at once",
            vec![
                (note(6, "fr"), "[[aleppo]] encore.", "[[iran]] encore."),
                (note(6, "en"), "[[aleppo]] encore.", "[[iran]] encore."),
            ],
        ),
        (
            "every mention of an entity gone",
            vec![(note(4, "fr"), " et [[homs|Homs]]", "")],
        ),
    ];
    for (step, edits) in &steps {
        for (file, from, to) in edits {
            site.edit(file, from, to);
        }
        let files: Vec<&str> = edits.iter().map(|(f, _, _)| f.as_str()).collect();
        let done = update(&mut session, &site, &files);
        assert!(!done.full, "{step}: took the full build");
        // HTML pages (feeds and sitemaps follow them).
        let pages = done.changed.iter().filter(|p| p.ends_with(".html")).count();
        assert!(
            pages < total / 3,
            "{step}: rendered {pages} of {total} pages"
        );
        assert_same_as_full_build(&session, &site, step);
    }

    // The dispatch names most entities, and a dozen cite it as their source: its new title
    // makes many pages again, every one that shows it.
    let dispatch = "content/articles/alep-offensive-hts.en.md";
    site.edit(dispatch, "title: ", "title: Updated ");
    let done = update(&mut session, &site, &[dispatch]);
    assert!(!done.full);
    assert_same_as_full_build(&session, &site, "a title that entities cite");

    // A new date moves the article in every list: the graph is rebuilt, the rest stays partial.
    site.edit(&note(5, "fr"), "date: 2024-12-05", "date: 2025-01-15");
    let done = update(&mut session, &site, &[&note(5, "fr")]);
    assert!(!done.full, "a date change took the full build");
    assert_same_as_full_build(&session, &site, "a date that reorders the articles");

    // A broken edit leaves the session as it was; fixing it rebuilds.
    site.edit(&note(7, "en"), "encore.", "encore, [[nowhere]].");
    let before = contents(&session);
    assert!(session.update(&[site.path(&note(7, "en"))]).is_err());
    let after = contents(&session);
    assert!(before == after, "a failed rebuild changed the session");
    site.edit(&note(7, "en"), ", [[nowhere]]", " [[osdh]]");
    update(&mut session, &site, &[&note(7, "en")]);
    assert_same_as_full_build(&session, &site, "after fixing a broken edit");

    // A draft leaves the site: a full build, still identical.
    site.edit(&note(8, "en"), "date:", "draft: true\ndate:");
    let done = update(&mut session, &site, &[&note(8, "en")]);
    assert!(done.full);
    assert_same_as_full_build(&session, &site, "an article made a draft");
}

/// `serve` keeps a budget of pages and renders the others when asked: a session that keeps
/// none serves the same site, before and after an edit.
#[test]
fn pages_rendered_on_request_are_the_pages_kept() {
    let site = site();
    let mut lazy = Session::start(&options(&site), 0).expect("first build");
    assert_eq!(
        contents(&lazy),
        contents(&Session::start(&options(&site), KEEP_ALL).unwrap())
    );
    let note = "content/articles/note-3.fr.md";
    site.edit(note, "Texte de la note", "Nouveau texte, sur [[homs]],");
    update(&mut lazy, &site, &[note]);
    assert_same_as_full_build(&lazy, &site, "an edit to a session that keeps no page");
    assert!(lazy.page("fr/nowhere/index.html").is_none());
}

/// How many files a build said it kept from the last one.
fn kept(stdout: &str) -> usize {
    said(stdout, " kept from the last build: ", "file")
}

/// The count a line of the build's holding `marker` gives of `what` before it (`1 file`,
/// `2,345 files`); 0 without such a line.
fn said(stdout: &str, marker: &str, what: &str) -> usize {
    let many = format!(" {what}s");
    let one = format!(" {what}");
    stdout
        .lines()
        .find_map(|l| Some(l.trim().split_once(marker)?.0))
        .map_or(0, |n| {
            let n = n.strip_suffix(&many).or_else(|| n.strip_suffix(&one));
            n.expect("a count")
                .replace(',', "")
                .parse()
                .expect("a count")
        })
}

/// A build after an edit keeps the outputs whose inputs did not change and makes the rest:
/// after each edit below, the output is byte for byte what a build into an empty folder
/// makes from the same files.
#[test]
fn every_warm_build_matches_a_cold_build() {
    let site = site();
    let cold = tempfile::tempdir().unwrap();
    let cold_out = cold.path().join("out");
    let compare = |step: &str| {
        let _ = std::fs::remove_dir_all(&cold_out);
        site.build_ok(&["--output", cold_out.to_str().unwrap()]);
        let (warm, cold) = (published(&site.path("public")), published(&cold_out));
        assert_eq!(
            warm.keys().collect::<Vec<_>>(),
            cold.keys().collect::<Vec<_>>(),
            "{step}: not the same files as a cold build"
        );
        for (path, bytes) in &cold {
            assert!(
                warm[path] == *bytes,
                "{step}: {path} differs from a cold build"
            );
        }
    };
    site.build_ok(&[]);
    // The first build into an existing output keeps the digests the next ones compare with.
    assert_eq!(kept(&site.build_ok(&[])), 0);
    // Files untouched for two seconds when a build reads them are not read by the next one
    // while their size and times stay the same: every step below leaves all but its own
    // files unread, their text read only if their article is annotated again.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let note = |n: usize, lang: &str| format!("content/articles/note-{n}.{lang}.md");
    let steps: Vec<(&str, Vec<Edit>, bool)> = vec![
        (
            "a title",
            vec![(note(4, "en"), "title: Note 4", "title: Note four")],
            true,
        ),
        (
            "a sentence that names no one",
            vec![(note(7, "en"), "encore.", "encore. And again.")],
            true,
        ),
        (
            "the first paragraph, which is the teaser",
            vec![(
                note(7, "fr"),
                "Texte de la note 7",
                "Premier texte de la note 7",
            )],
            true,
        ),
        (
            "a mention added",
            vec![(note(4, "fr"), "encore.", "encore, et [[homs|Homs]].")],
            true,
        ),
        (
            "a hub mention removed",
            vec![(note(2, "en"), "[[aleppo]] encore.", "Nothing more.")],
            true,
        ),
        (
            "both languages at once",
            vec![
                (note(6, "fr"), "[[aleppo]] encore.", "[[iran]] encore."),
                (note(6, "en"), "[[aleppo]] encore.", "[[iran]] encore."),
            ],
            true,
        ),
        (
            "a figure reported from a source",
            vec![(
                note(3, "en"),
                "date:",
                "figures:\n  - value: 12\n    label: {fr: morts, en: dead}\n    source: osdh\ndate:",
            )],
            true,
        ),
        (
            "an event with participants",
            vec![(
                note(3, "fr"),
                "date:",
                "events:\n  - date: 2024-11-27\n    label: {fr: Début, en: Start}\n    entities: [hts]\ndate:",
            )],
            true,
        ),
        (
            "the title of an article that entities cite as their source",
            vec![(
                "content/articles/alep-offensive-hts.en.md".into(),
                "title: ",
                "title: Updated ",
            )],
            true,
        ),
        (
            "that title again",
            vec![(
                "content/articles/alep-offensive-hts.en.md".into(),
                "title: Updated ",
                "title: Updated twice ",
            )],
            true,
        ),
        (
            "a date that reorders the articles",
            vec![(note(5, "fr"), "date: 2024-12-05", "date: 2025-01-15")],
            false,
        ),
        (
            "an article made a draft",
            vec![(note(8, "en"), "date:", "draft: true\ndate:")],
            false,
        ),
        (
            "an entity's description",
            vec![(
                "content/entities/homs.yaml".into(),
                "Ville de Syrie.",
                "Ville de l'ouest de la Syrie.",
            )],
            false,
        ),
        (
            "a template",
            vec![(
                "templates/article.html".into(),
                "</article>",
                "</article>\n",
            )],
            false,
        ),
        (
            "the page sizes",
            vec![(
                "site.yaml".into(),
                "articles_per_page: 3",
                "articles_per_page: 4",
            )],
            false,
        ),
    ];
    for (step, edits, partial) in &steps {
        for (file, from, to) in edits {
            let before = site.read(file);
            site.edit(file, from, to);
            assert_ne!(before, site.read(file), "{step}: the edit changed nothing");
        }
        let kept = kept(&site.build_ok(&[]));
        // An edit of articles' text keeps most files; what every output depends on, none.
        assert_eq!(kept > 0, *partial, "{step}: kept {kept} files");
        compare(step);
    }
    // A new article, then a deleted one.
    site.write(
        &note(10, "fr"),
        "---\ntitle: Note 10\ndate: 2024-12-10\n---\nTexte sur [[hts]].\n",
    );
    site.build_ok(&[]);
    compare("a new article");
    std::fs::remove_file(site.path(&note(1, "en"))).unwrap();
    site.build_ok(&[]);
    compare("a deleted article");
    // A page of the output changed by hand is made again, not kept.
    let page = "fr/articles/note-2/index.html";
    site.write(&format!("public/{page}"), "changed by hand");
    site.edit(&note(9, "fr"), "Texte de la note", "Texte revu de la note");
    site.build_ok(&[]);
    compare("a page of the output changed by hand");
}

/// The digest of what each output was made from, as the last build recorded it.
fn inputs_digests(site: &TestSite) -> BTreeMap<String, String> {
    let recorded = site.read(".public.depeche-cache/outputs");
    recorded
        .lines()
        .skip(1)
        .map(|line| {
            let made: serde_json::Value = serde_json::from_str(line).expect("a line of JSON");
            (
                made["p"].as_str().unwrap().to_string(),
                made["d"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The open data, the timeline, the map and the site graph say what articles' front matter
/// says and whom they mention, not the rest of their text: an edit of a sentence keeps them,
/// while a new teaser, a new mention or a new title makes them again. Each build is a cold
/// build's.
#[test]
fn outputs_made_of_what_articles_say_of_themselves_are_kept_when_only_a_sentence_changes() {
    let site = site();
    let cold = tempfile::tempdir().unwrap();
    let cold_out = cold.path().join("out");
    let made_of_knowledge = [
        "data/graph.json",
        "data/graph.jsonld",
        "data/figures.csv",
        "fr/timeline/index.html",
        "en/timeline/index.html",
        "fr/map/index.html",
        "en/graph/index.html",
    ];
    let note = "content/articles/note-7.en.md";
    let page = "en/articles/note-7/index.html";
    site.build_ok(&[]);
    site.build_ok(&[]);
    let mut before = inputs_digests(&site);
    for known in made_of_knowledge.iter().chain([&page]) {
        assert!(before.contains_key(*known), "{known} is recorded");
    }
    for (step, from, to, remade) in [
        (
            "a sentence that names no one",
            "encore.",
            "encore. And again.",
            false,
        ),
        (
            "the teaser",
            "Text of the note 7",
            "First text of the note 7",
            true,
        ),
        ("a mention", "And again.", "And [[homs|Homs]].", true),
        ("the title", "title: Note 7", "title: Note seven", true),
    ] {
        site.edit(note, from, to);
        site.build_ok(&[]);
        let after = inputs_digests(&site);
        assert_ne!(
            before[page], after[page],
            "{step}: the article's page is made again"
        );
        for output in made_of_knowledge {
            assert_eq!(
                before[output] != after[output],
                remade,
                "{step}: {output} made again?"
            );
        }
        let _ = std::fs::remove_dir_all(&cold_out);
        site.build_ok(&["--output", cold_out.to_str().unwrap()]);
        assert!(
            published(&site.path("public")) == published(&cold_out),
            "{step}: the warm build is not a cold build's"
        );
        before = after;
    }
}

/// How many articles a build said it did not analyse again.
fn not_analysed_again(stdout: &str) -> usize {
    said(stdout, " not analysed again: ", "article")
}

/// Every article of the site, by key.
fn article_keys(site: &TestSite) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(site.path("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| Some(name.strip_suffix(".md")?.rsplit_once('.')?.0.to_string()))
        .collect()
}

/// A build into `output`, made by the library.
fn built(site: &TestSite, output: &std::path::Path) -> depeche::build::Built {
    let options = Options {
        output_dir: Some(output.to_path_buf()),
        ..options(site)
    };
    depeche::build::build(&options).expect("builds")
}

/// A warm build reads what the last build found in the articles whose files did not change
/// instead of analysing them again, and reports exactly what a cold build reports.
#[test]
fn a_warm_build_analyses_only_the_articles_that_changed() {
    let site = site();
    // Warnings in a file no edit below touches: no English version, a placeholder title.
    site.write(
        "content/articles/note-11.fr.md",
        "---\ntitle: TODO\ndate: 2024-12-11\n---\nTexte sur [[hts]].\n",
    );
    let keys = article_keys(&site).len();
    let note = "content/articles/note-4.en.md";
    site.build_ok(&[]);
    // The first build into an existing output records what it found.
    assert_eq!(not_analysed_again(&site.build_ok(&[])), 0);
    site.edit(note, "title: Note 4", "title: Note four");
    let stdout = site.build_ok(&[]);
    assert_eq!(not_analysed_again(&stdout), keys - 1, "{stdout}");
    // A file of findings that does not read is no file: everything is analysed again.
    let findings = site.path(".public.depeche-cache/analysis");
    assert!(
        findings.is_file(),
        "the findings are kept beside the output"
    );
    std::fs::write(
        &findings,
        b"depeche-analysis 1 \x00\x01 not what depeche wrote",
    )
    .unwrap();
    site.edit(note, "Note four", "Note 4 again");
    assert_eq!(not_analysed_again(&site.build_ok(&[])), 0);
    // The same warnings as a cold build's (this program, the tests', keeps findings of its
    // own: its first build analyses everything).
    let public = site.path("public");
    built(&site, &public);
    site.edit(note, "again", "once more");
    let warm = built(&site, &public);
    assert_eq!(warm.reanalysis_saved, keys - 1);
    let warnings = &warm.warnings;
    assert!(
        warnings.iter().any(|d| d.code.id() == "W0010")
            && warnings.iter().any(|d| d.code.id() == "W0002"),
        "the unchanged article's warnings are reported: {warnings:?}"
    );
    let cold = tempfile::tempdir().unwrap();
    let cold = built(&site, &cold.path().join("out"));
    assert_eq!(cold.reanalysis_saved, 0);
    assert_eq!(
        *warnings, cold.warnings,
        "a warm build's warnings are a cold build's"
    );
}

/// An article that is a link to a file elsewhere in the site: an edit of that file is an
/// edit of the article, which a build with "nothing changed" would miss.
#[cfg(unix)]
#[test]
fn an_edit_of_the_file_a_linked_article_leads_to_is_built() {
    let site = site();
    site.write(
        "drafts/linked.fr.md",
        "---\ntitle: Premier titre\ndate: 2024-12-03\n---\nTexte sur [[hts]].\n",
    );
    std::os::unix::fs::symlink(
        "../../drafts/linked.fr.md",
        site.path("content/articles/linked.fr.md"),
    )
    .unwrap();
    site.build_ok(&[]);
    site.build_ok(&[]);
    site.edit("drafts/linked.fr.md", "Premier titre", "Second titre");
    site.build_ok(&[]);
    let page = site.read("public/fr/articles/linked/index.html");
    assert!(page.contains("Second titre"), "the edit is built: {page}");
}

/// However the site's folder is named (`-r site`, `-r /path/to/site`, or from inside it), a
/// build keeps what the last build found and made.
#[test]
fn a_warm_build_is_warm_whichever_way_the_root_is_named() {
    let site = site();
    let keys = article_keys(&site).len();
    let root = site.root().to_path_buf();
    let parent = root.parent().unwrap();
    let name = root.file_name().unwrap().to_str().unwrap();
    let absolute = root.to_str().unwrap();
    let ways: [(&std::path::Path, Vec<&str>); 3] = [
        (parent, vec!["-r", name, "build"]),
        (parent, vec!["-r", absolute, "build"]),
        (&root, vec!["build"]),
    ];
    let build = |(dir, args): &(&std::path::Path, Vec<&str>)| {
        let out = crate::common::depeche_in(dir, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    build(&ways[0]);
    build(&ways[0]);
    for (n, way) in ways.iter().cycle().skip(1).take(4).enumerate() {
        let note = "content/articles/note-4.en.md";
        site.write(note, format!("{}\nMore, {n}.\n", site.read(note)));
        let stdout = build(way);
        assert_eq!(
            not_analysed_again(&stdout),
            keys - 1,
            "{:?}: {stdout}",
            way.1
        );
        assert!(kept(&stdout) > 0, "{:?}: {stdout}", way.1);
    }
}

/// What is found in an unchanged article depends on other files too: the articles it links
/// to, the entities it names, the images of static/. A change to any of them analyses it
/// again.
#[test]
fn a_warm_build_checks_unchanged_articles_against_what_changed() {
    let site = site();
    site.write("static/images/photo.png", [0x89, b'P', b'N', b'G']);
    site.edit(
        "content/articles/note-1.fr.md",
        "Texte de la note",
        "![Une photo](/images/photo.png)\n\nVoir [la note 2](note-2.fr.md). Texte de la note",
    );
    site.build_ok(&[]);
    site.build_ok(&[]);
    // The build fails with `code`, found in `file`, whose text did not change.
    let fails = |code: &str, file: &str| {
        let out = site.depeche(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{code} is found");
        assert!(stderr.contains(code) && stderr.contains(file), "{stderr}");
    };
    // The image it shows is deleted.
    std::fs::remove_file(site.path("static/images/photo.png")).unwrap();
    fails("E0034", "note-1.fr.md");
    site.write("static/images/photo.png", [0x89, b'P', b'N', b'G']);
    site.build_ok(&[]);
    // The article it links to is made a draft: the link leads nowhere now.
    let linked = "content/articles/note-2.fr.md";
    site.edit(linked, "date:", "draft: true\ndate:");
    fails("E0022", "note-1.fr.md");
    site.edit(linked, "draft: true\n", "");
    site.build_ok(&[]);
    // The folder of static/ an image it shows is in is replaced by a link to it: static/ is
    // published without following links, so the image is missing.
    site.write("static/linked/z.png", [0x89, b'P', b'N', b'G']);
    site.edit(
        "content/articles/note-3.fr.md",
        "Texte de la note",
        "![Z](/linked/z.png)\n\nTexte de la note",
    );
    site.build_ok(&[]);
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("linked");
    std::fs::rename(site.path("static/linked"), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, site.path("static/linked")).unwrap();
    site.edit(
        "content/articles/note-5.fr.md",
        "Texte de la note",
        "Texte revu",
    );
    fails("E0034", "note-3.fr.md");
    std::fs::remove_file(site.path("static/linked")).unwrap();
    site.edit(
        "content/articles/note-3.fr.md",
        "![Z](/linked/z.png)\n\n",
        "",
    );
    site.build_ok(&[]);
    // An entity it names is deleted.
    std::fs::remove_file(site.path("content/entities/russia.yaml")).unwrap();
    fails("E0003", "note-2.en.md");
}

/// A problem in the front matter of an article file a warm build leaves unread (its stamp
/// unchanged) is placed where a cold build places it: the file is read for it.
#[test]
fn a_warning_in_the_front_matter_of_an_unread_file_is_placed_in_its_text() {
    let site = site();
    let file = "content/articles/note-1.en.md";
    site.edit(
        file,
        "date:",
        "figures:\n  - value: 12\n    label: {fr: morts, en: dead}\ndate:",
    );
    let warnings = |args: &[&str]| {
        let out = site.depeche(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stderr).into_owned();
        let placed: Vec<String> = text
            .lines()
            .filter(|l| l.contains("note-1.en.md:"))
            .map(str::to_string)
            .collect();
        assert!(!placed.is_empty(), "no warning about {file}: {text}");
        placed
    };
    let cold = warnings(&["check"]);
    assert!(cold.iter().all(|l| !l.contains(":1:1")), "{cold:?}");
    site.build_ok(&[]);
    site.build_ok(&[]);
    // Settled, then read by a build that keeps its stamp; the next leaves it unread.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    site.edit(
        "content/articles/note-2.en.md",
        "encore.",
        "encore, toujours.",
    );
    site.build_ok(&[]);
    site.edit(
        "content/articles/note-3.en.md",
        "encore.",
        "encore, toujours.",
    );
    assert_eq!(warnings(&["build"]), cold);
}

/// The front matter kept for the next build is written only by a build that succeeds: one
/// stopped after its pages were rendered (here by a host's limit) leaves none, so that a file
/// found changed under its stamp while pages were rendered is read by the next build.
#[test]
fn a_build_stopped_after_rendering_keeps_no_front_matter_for_the_next() {
    let site = site();
    let kept = site.path(".public.depeche-cache/front-matter");
    site.build_ok(&[]);
    site.edit(
        "content/articles/note-2.en.md",
        "encore.",
        "encore, toujours.",
    );
    site.build_ok(&[]);
    assert!(
        kept.is_file(),
        "a build that succeeds keeps the front matter"
    );
    let yaml = site.read("site.yaml");
    site.write("site.yaml", format!("{yaml}host: cloudflare-pages\n"));
    let big = site.path("static/archive.zip");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(26 << 20)
        .unwrap();
    let out = site.depeche(&["build"]);
    assert!(!out.status.success(), "past the host's limit");
    assert!(!kept.exists(), "a build that failed kept the front matter");
    std::fs::remove_file(&big).unwrap();
    site.write("site.yaml", yaml);
    site.build_ok(&[]);
    assert!(kept.is_file());
}
