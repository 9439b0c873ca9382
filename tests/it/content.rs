//! How the content folder is read: articles kept in dated subfolders, files depeche does not
//! read, articles that wait for their date, versions that do not agree.

use crate::common::*;
use depeche::check;
use depeche::diagnostic::{Code, Diagnostic};
use depeche::incremental::Session;
use depeche::site::Options;

const FR: &str = "content/articles/alep-offensive-hts.fr.md";
const EN: &str = "content/articles/alep-offensive-hts.en.md";

fn diagnostics(site: &TestSite) -> Vec<Diagnostic> {
    check::run(site.root(), None, check::Options::default())
}

fn codes(found: &[Diagnostic]) -> Vec<Code> {
    found.iter().map(|d| d.code).collect()
}

/// Wire archives are kept by date: articles in subfolders of content/articles/ are published
/// like any other, under their key; `serve` rebuilds them incrementally.
#[test]
fn articles_can_be_kept_in_dated_subfolders() {
    let site = TestSite::frozen();
    let note = "---\ntitle: Note\ndate: 2024-12-01\n---\nTexte sur [[aleppo|Alep]].\n";
    site.write("content/articles/2024/12/note.fr.md", note);
    site.write(
        "content/articles/2024/12/note.en.md",
        note.replace("Texte sur [[aleppo|Alep]]", "Text on [[aleppo|Aleppo]]"),
    );
    let found = diagnostics(&site);
    assert!(!found.iter().any(Diagnostic::is_error), "{found:#?}");
    site.build_ok(&[]);
    assert!(
        site.public("fr/articles/note/index.html")
            .contains("Texte sur")
    );
    assert!(
        site.public("fr/entities/aleppo/index.html")
            .contains("/fr/articles/note/")
    );

    let options = Options {
        root: site.root().to_path_buf(),
        ..Options::default()
    };
    let mut session = Session::start(&options, usize::MAX).unwrap();
    site.edit(
        "content/articles/2024/12/note.fr.md",
        "Texte sur",
        "Nouveau texte sur",
    );
    let update = session
        .update(&[site.path("content/articles/2024/12/note.fr.md")])
        .unwrap();
    assert!(!update.full, "an edit in a subfolder took a full build");
    let page = session
        .page("fr/articles/note/index.html")
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&page).contains("Nouveau texte sur"));
}

/// A key is the article's identity whatever folder it is in: the same version twice is an error.
#[test]
fn the_same_article_in_two_folders_is_an_error() {
    let site = TestSite::frozen();
    let text = site.read(FR);
    site.write("content/articles/2024/alep-offensive-hts.fr.md", &text);
    let found = diagnostics(&site);
    let twice: Vec<&Diagnostic> = found
        .iter()
        .filter(|d| d.code == Code::DuplicateOutput)
        .collect();
    assert_eq!(twice.len(), 1, "{found:#?}");
    assert!(
        twice[0].message.contains("both the `fr` version"),
        "{}",
        twice[0].message
    );
    assert_eq!(twice[0].related.len(), 1);
}

/// Every file in content/ is either read or reported: nothing is dropped in silence.
#[test]
fn files_depeche_does_not_read_are_reported() {
    let site = TestSite::frozen();
    site.write("content/articles/alep.fr.markdown", "Texte.\n");
    site.write("content/articles/notes.txt", "Notes.\n");
    site.write("content/articles/photo.jpg", [0xFF, 0xD8, 0xFF]);
    let found = diagnostics(&site);
    let unread: Vec<&Diagnostic> = found
        .iter()
        .filter(|d| d.code == Code::UnreadFile)
        .collect();
    assert_eq!(unread.len(), 3, "{found:#?}");
    let help = |name: &str| {
        unread
            .iter()
            .find(|d| d.message.contains(name))
            .and_then(|d| d.help.clone())
            .unwrap_or_default()
    };
    assert!(help("alep.fr.markdown").contains("`.md`"));
    assert!(help("photo.jpg").contains("static/"));
    // Warnings: the site still builds, and fails under --deny-warnings.
    site.build_ok(&[]);
    let denied = site.depeche(&["check", "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));
}

/// An article dated after today waits for its day, as in Hugo; `--future` publishes it now.
#[test]
fn articles_dated_after_today_wait_for_their_day() {
    let site = TestSite::frozen();
    site.write(
        "content/articles/later.fr.md",
        "---\ntitle: Plus tard\ndate: 2099-01-01\n---\nTexte.\n",
    );
    let found = diagnostics(&site);
    assert!(codes(&found).contains(&Code::FutureDate), "{found:#?}");
    site.build_ok(&[]);
    assert!(!site.path("public/fr/articles/later").exists());
    site.build_ok(&["--future"]);
    assert!(site.path("public/fr/articles/later/index.html").exists());
    // `--drafts` adds drafts, not what waits for its day, and says so.
    let out = site.depeche(&["build", "--drafts"]);
    assert!(out.status.success());
    assert!(!site.path("public/fr/articles/later").exists());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("W0013"), "{said}");
    site.build_ok(&["--drafts", "--future"]);
    assert!(site.path("public/fr/articles/later/index.html").exists());
}

/// A version with no text gets one warning, not one per entity its translation annotates; a
/// scaffold's comment is not text.
#[test]
fn an_empty_version_is_one_warning() {
    let site = TestSite::frozen();
    let text = site.read(EN);
    let fence = text.find("\n---\n").unwrap() + 5;
    site.write(
        EN,
        format!("{}<!-- Write the text here. -->\n", &text[..fence]),
    );
    let found = diagnostics(&site);
    let about_en: Vec<Code> = found
        .iter()
        .filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|l| l.file.to_string_lossy().ends_with(EN))
                || d.message.contains("`en` version")
        })
        .map(|d| d.code)
        .collect();
    assert_eq!(about_en, vec![Code::EmptyBody], "{found:#?}");
    assert!(
        !codes(&found).contains(&Code::AnnotationParity),
        "{found:#?}"
    );
}

/// A link to an article that exists but is not published says why it leads nowhere.
#[test]
fn a_link_to_an_unpublished_article_says_it_is_not_published() {
    let site = TestSite::frozen();
    let note = |extra: &str| format!("---\ntitle: Note\ndate: {extra}\n---\nTexte.\n");
    site.write(
        "content/articles/brouillon.fr.md",
        note("2024-12-01\ndraft: true"),
    );
    site.write("content/articles/plus-tard.fr.md", note("2999-01-01"));
    site.edit(
        FR,
        "du pays.",
        "du pays. [Voir](brouillon.fr.md), [puis](plus-tard.fr.md), [ou](nulle-part.fr.md).",
    );
    let found = diagnostics(&site);
    let broken: Vec<&Diagnostic> = found
        .iter()
        .filter(|d| d.code == Code::BrokenLink)
        .collect();
    let says = |file: &str, message: &str, help: &str| {
        let d = broken
            .iter()
            .find(|d| d.message.contains(file))
            .unwrap_or_else(|| panic!("no error for {file}: {found:#?}"));
        assert!(d.message.contains(message), "{}", d.message);
        assert!(d.help.as_deref().unwrap_or("").contains(help), "{d:?}");
    };
    says(
        "brouillon.fr.md",
        "not published: it is a draft",
        "--drafts",
    );
    says(
        "plus-tard.fr.md",
        "not published: it is dated after today",
        "--future",
    );
    says("nulle-part.fr.md", "not an article or entity", "");
}

/// A draft in one language says that the other is published without it.
#[test]
fn a_draft_in_one_language_names_the_version_published_alone() {
    let site = TestSite::frozen();
    site.edit(EN, "date: 2024-11-30\n", "date: 2024-11-30\ndraft: true\n");
    let found = diagnostics(&site);
    let draft = found.iter().find(|d| d.code == Code::Draft).unwrap();
    assert!(
        draft
            .message
            .contains("the `fr` version is published without it"),
        "{}",
        draft.message
    );
}

/// Images go in static/ and are written from the site's root (`/images/photo.jpg`): pages
/// reach them under the base path of a GitHub Pages project; links between articles in
/// subfolders resolve as the others do.
#[test]
fn images_and_links_reach_their_files_under_the_sub_path() {
    let site = TestSite::frozen();
    site.write("static/images/alep.jpg", [0xFF, 0xD8, 0xFF]);
    site.write(
        "content/articles/2024/12/note.fr.md",
        "---\ntitle: Note\ndate: 2024-12-01\nimage: /images/alep.jpg\n---\n![La citadelle](/images/alep.jpg)\n\nVoir [la version anglaise](note.en.md) et [la dépêche](../../alep-offensive-hts.fr.md).\n",
    );
    site.write(
        "content/articles/2024/12/note.en.md",
        "---\ntitle: Note\ndate: 2024-12-01\n---\nText.\n",
    );
    site.build_ok(&[]);
    let page = site.public("fr/articles/note/index.html");
    // Minified: attribute values without quotes.
    assert_eq!(
        page.matches("src=/depeche/images/alep.jpg").count(),
        2,
        "{page}"
    );
    assert!(!page.contains("src=/images/"), "{page}");
    assert!(
        page.contains("<a href=/depeche/en/articles/note/>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=/depeche/fr/articles/alep-offensive-hts/>"),
        "{page}"
    );
    assert!(site.path("public/images/alep.jpg").is_file());
}
