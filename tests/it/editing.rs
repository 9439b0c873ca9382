//! The editor's tools: `annotate` (diff and --write), `new article`, `new entity`, `init`.

use crate::common::*;

const FR: &str = "content/articles/alep-offensive-hts.fr.md";
const EN: &str = "content/articles/alep-offensive-hts.en.md";

/// Removes some annotations (keeping their visible text), so `annotate` has work to do.
fn strip(site: &TestSite, rel: &str, annotations: &[&str]) {
    for a in annotations {
        let close = a.find("]]").unwrap();
        let shown = a[2..close].split_once('|').unwrap().1;
        site.edit(rel, a, &format!("{shown}{}", &a[close + 2..]));
    }
}

#[test]
fn annotate_write_restores_stripped_annotations_byte_for_byte() {
    let site = TestSite::frozen();
    let original = std::fs::read(site.path(EN)).unwrap();
    strip(
        &site,
        EN,
        &[
            "[[aleppo|Aleppo]] on Friday",
            "[[hama|Hama]]",
            "[[osdh|Syrian Observatory for Human Rights]]",
        ],
    );
    let out = site.depeche(&["annotate", "--write", EN]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read(site.path(EN)).unwrap() == original,
        "{}",
        site.read(EN)
    );
    assert!(
        stdout.contains(&format!("{EN}:17:52: Aleppo → [[aleppo|Aleppo]]")),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("added 3 annotations in 1 file"));
}

/// A table's `|` ends its cell: `annotate --write` writes an annotation there as
/// `[[id\|words]]`, which the build reads as any other and `rename-entity` renames.
#[test]
fn annotations_in_a_table_escape_their_bar_from_annotate_to_rename() {
    let site = TestSite::frozen();
    let table = "\n\n| Who | Where |\n| --- | --- |\n| [[hts\\|Hayat Tahrir al-Sham]] | Aleppo and Hama |\n";
    site.write(EN, format!("{}{table}", site.read(EN)));
    let out = site.depeche(&["annotate", "--write", EN]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        site.read(EN).contains(
            "| [[hts\\|Hayat Tahrir al-Sham]] | [[aleppo\\|Aleppo]] and [[hama\\|Hama]] |\n"
        ),
        "{}",
        site.read(EN)
    );
    // Nothing said about the table's line (the file's others may have warnings of their own).
    let row = site
        .read(EN)
        .lines()
        .position(|l| l.starts_with("| [[hts"))
        .unwrap()
        + 1;
    let checks_clean = || {
        let check = site.depeche(&["check"]);
        let said = String::from_utf8_lossy(&check.stderr).into_owned();
        assert!(check.status.success(), "{said}");
        assert!(!said.contains(&format!("{EN}:{row}:")), "{said}");
    };
    checks_clean();
    site.build_ok(&[]);
    let page = site.html("en/articles/aleppo-offensive-hts/index.html");
    let mentions: Vec<String> = select(&page, "td .mention")
        .iter()
        .map(|a| attr(a, "id"))
        .collect();
    assert_eq!(mentions, ["m-hts-6", "m-aleppo-6", "m-hama-2"]);
    let out = site.depeche(&["rename-entity", "hama", "hamah", "--write"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        site.read(EN).contains("[[hamah\\|Hama]] |"),
        "{}",
        site.read(EN)
    );
    checks_clean();
}

#[test]
fn annotate_keeps_crlf_and_bom() {
    let site = TestSite::frozen();
    let crlf = site.read(FR).replace('\n', "\r\n");
    let original = [b"\xEF\xBB\xBF".as_slice(), crlf.as_bytes()].concat();
    site.write(FR, &original);
    strip(&site, FR, &["[[hama|Hama]]", "[[latakia|Lattaquié]]"]);
    assert!(site.depeche(&["annotate", "--write"]).status.success());
    assert!(
        std::fs::read(site.path(FR)).unwrap() == original,
        "{}",
        site.read(FR)
    );
}

#[test]
fn annotate_without_write_shows_a_diff_and_changes_nothing() {
    let site = TestSite::frozen();
    strip(&site, FR, &["[[hama|Hama]]"]);
    let before = site.read(FR);
    let out = site.depeche(&["annotate"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("--- a/{FR}")), "{stdout}");
    assert!(
        stdout.contains("+Pendant la [[syrian-civil-war|guerre civile]]"),
        "{stdout}"
    );
    assert!(stdout.contains("[[hama|Hama]]"));
    assert!(stdout.contains(", Hama et [["), "{stdout}");
    assert_eq!(site.read(FR), before);
}

#[test]
fn annotate_refuses_to_touch_a_site_with_errors() {
    let site = TestSite::frozen();
    strip(&site, FR, &["[[hama|Hama]]"]);
    site.edit(EN, "date: 2024-11-30", "date: 2024-11-31");
    let before = site.read(FR);
    let out = site.depeche(&["annotate", "--write"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no file was changed"));
    assert_eq!(site.read(FR), before);
}

#[test]
fn a_bracket_closed_by_another_annotation_is_an_error_that_annotate_never_touches() {
    let site = TestSite::frozen();
    strip(&site, FR, &["[[hama|Hama]]"]);
    // One bracket missing, another annotation later on the line.
    site.edit(FR, "[[aleppo|Alep]] après", "[[aleppo|Alep] après");
    let before = site.read(FR);
    let check = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0006]"), "{stderr}");
    let out = site.depeche(&["annotate", "--write"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        site.read(FR),
        before,
        "annotate rewrote a file with broken brackets"
    );
    let build = site.depeche(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(!site.path("public").exists());
}

#[test]
fn new_article_creates_every_language_and_checks_clean() {
    let site = TestSite::frozen();
    // Dated today as the site's time zone has it (14 hours ahead of UTC here): the day
    // before or after the command, should it run across midnight.
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}time_zone: \"+14:00\"\n"));
    let day = || {
        let zone = chrono::FixedOffset::east_opt(14 * 3600).unwrap();
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        chrono::DateTime::from_timestamp(secs, 0)
            .unwrap()
            .with_timezone(&zone)
            .date_naive()
            .to_string()
    };
    let before = day();
    let out = site.depeche(&["new", "article", "idlib-calm"]);
    let after = day();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("created content/articles/idlib-calm.fr.md"));
    assert!(stdout.contains("created content/articles/idlib-calm.en.md"));
    let fr = site.read("content/articles/idlib-calm.fr.md");
    assert!(
        fr.contains(&format!("date: {before}")) || fr.contains(&format!("date: {after}")),
        "{fr}"
    );
    assert!(fr.contains("draft: true"));
    let check = site.depeche(&["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stderr).contains("W0007"));
    site.build_ok(&["--drafts"]);
    assert!(
        site.path("public/en/articles/idlib-calm/index.html")
            .is_file()
    );
    // Never overwrite; reject bad keys.
    let again = site.depeche(&["new", "article", "idlib-calm"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad = site.depeche(&["new", "article", "Bad_Key"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a valid key"));
}

#[test]
fn new_entity_has_every_field_and_checks_clean() {
    let site = TestSite::frozen();
    let out = site.depeche(&["new", "entity", "damascus", "--type", "place"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = site.read("content/entities/damascus.yaml");
    for field in [
        "type: place",
        "name:\n  fr: \"Damascus\"\n  en: \"Damascus\"",
        "description:",
        "aliases:",
        "coordinates",
        "wikidata",
    ] {
        assert!(yaml.contains(field), "{field} missing from:\n{yaml}");
    }
    let check = site.depeche(&["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stderr).contains("no article mentions `damascus`"));
    site.build_ok(&[]);
    assert!(
        site.path("public/fr/entities/damascus/index.html")
            .is_file()
    );
    assert_eq!(
        site.depeche(&["new", "entity", "damascus", "--type", "place"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn init_creates_a_site_that_builds_and_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("newsroom");
    init_site(&dir);
    for rel in ["site.yaml", ".github/workflows/pages.yml", FR, EN] {
        assert!(dir.join(rel).is_file(), "init did not write {rel}");
    }
    // The built-in templates and stylesheet apply until the site overrides one on purpose: a
    // copy would never receive their fixes.
    assert!(!dir.join("templates").exists());
    assert!(!dir.join("static").exists());
    let site = TestSite::at(&dir);
    let check = site.depeche(&["check", "--deny-warnings"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    site.build_ok(&[]);
    assert!(site.path("public/fr/entities/aleppo/index.html").is_file());
    for asset in [
        "style.css",
        "previews.js",
        "search.js",
        "favicon.svg",
        "map.svg",
    ] {
        assert!(
            site.path(&format!("public/{asset}")).is_file(),
            "no {asset}"
        );
    }
    // Refuses a folder that is not empty.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_depeche"))
        .args(["init", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn a_template_is_ejected_on_purpose_then_overrides_the_built_in_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("newsroom");
    init_site(&dir);
    let site = TestSite::at(&dir);
    let listed = site.depeche(&["templates", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    for name in ["base.html", "article.html", "sitemap.xml", "i18n/fr.yaml"] {
        assert!(listed.lines().any(|l| l == name), "{listed}");
    }

    let out = site.depeche(&["templates", "eject", "base.html"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        site.read("templates/base.html"),
        std::fs::read_to_string(repo().join("templates/base.html")).unwrap(),
        "the ejected copy is the built-in template"
    );
    let listed = site.depeche(&["templates", "list"]);
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("base.html  (overridden by the site)")
    );
    // Never over an existing file, and only names that exist.
    site.edit("templates/base.html", "<body", "<body data-ejected=\"yes\"");
    let again = site.depeche(&["templates", "eject", "base.html"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(site.read("templates/base.html").contains("data-ejected"));
    let unknown = site.depeche(&["templates", "eject", "bsae.html"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("base.html, home.html"));

    // The changed copy is what pages use; the other templates are still the built-in ones.
    site.build_ok(&[]);
    let home = site.public("fr/index.html");
    assert!(home.contains("data-ejected=yes"), "{home}");
}

/// Templates a site ejected before the sitemap stopped repeating each page's translations
/// and before a backlink's quote became its own link still render: the fields they read are
/// kept (empty, or as before).
#[test]
fn templates_ejected_by_an_earlier_release_still_build() {
    let site = TestSite::shipped();
    site.write(
        "templates/sitemap.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
{% for entry in entries %}<url>
<loc>{{ entry.loc }}</loc>{% if entry.lastmod %}
<lastmod>{{ entry.lastmod }}</lastmod>{% endif %}
{% if entry.alternates | length > 1 %}{% for alt in entry.alternates %}<xhtml:link rel="alternate" hreflang="{{ alt.lang }}" href="{{ alt.absolute }}"/>
{% endfor %}<xhtml:link rel="alternate" hreflang="x-default" href="{{ entry.x_default }}"/>
{% endif %}</url>
{% endfor %}</urlset>
"#,
    );
    site.write(
        "templates/entity.html",
        r#"{% extends "base.html" %}{% block main %}<p class="old">{{ t.ui.go_to_mention }}</p>{% endblock main %}"#,
    );
    site.build_ok(&[]);
    assert!(
        site.public("en/entities/hts/index.html")
            .contains("go to the mention")
    );
    assert!(
        site.public("fr/entities/hts/index.html")
            .contains("aller à la mention")
    );
    let sitemap = site.public("sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://depeche.github.io/depeche/fr/articles/alep-offensive-hts/</loc>"
        ),
        "{sitemap}"
    );
}

/// The pagination bar is one component: a site that changes it changes every list.
#[test]
fn one_ejected_component_changes_every_pagination_bar() {
    let site = TestSite::frozen();
    site.edit(
        "site.yaml",
        "output_dir: public",
        "output_dir: public\narticles_per_page: 1\nbacklinks_per_page: 1",
    );
    for lang in ["fr", "en"] {
        site.write(
            &format!("content/articles/note.{lang}.md"),
            "---\ntitle: Note\ndate: 2024-12-01\n---\n[[aleppo]].\n",
        );
    }
    let out = site.depeche(&["templates", "eject", "components.html"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site.edit(
        "templates/components.html",
        "<nav class=\"pagination\"",
        "<nav class=\"pagination pager\"",
    );
    site.build_ok(&[]);
    for page in ["fr/index.html", "fr/entities/aleppo/index.html"] {
        let doc = site.html(page);
        assert_eq!(select(&doc, "nav.pagination.pager").len(), 1, "{page}");
    }
}

#[test]
fn completions_cover_every_command_in_each_shell() {
    let site = TestSite::frozen();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = site.depeche(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for command in ["build", "serve", "check", "annotate", "init", "force"] {
            assert!(
                script.contains(command),
                "{shell} completions lack {command}"
            );
        }
    }
    assert_eq!(
        site.depeche(&["completions", "tcsh"]).status.code(),
        Some(2)
    );
}

#[test]
fn version_names_the_commit_when_built_from_git() {
    let out = TestSite::frozen().depeche(&["--version"]);
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(
        version.starts_with(&format!("depeche {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    if repo().join(".git").exists() {
        let hash = version.trim().rsplit(['(', ')']).nth(1).unwrap_or_default();
        assert!(
            hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{version}"
        );
    }
}

/// Every file of the content tree, by path, for before/after comparisons.
fn content_files(site: &TestSite) -> std::collections::BTreeMap<String, String> {
    walkdir::WalkDir::new(site.path("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(site.root()).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

/// `rename-entity` shows what it would change, then changes exactly that: the entity's files
/// and every annotation and relation naming it, no other byte.
#[test]
fn rename_entity_changes_every_reference_and_nothing_else() {
    let site = TestSite::frozen();
    // Links to the entity's files name it too; code does not.
    site.edit(
        FR,
        "du pays.",
        "du pays ([fiche](../entities/idlib.yaml), [récit](../entities/idlib.fr.md#histoire), `[[idlib]]`).",
    );
    let before = content_files(&site);
    let preview = site.depeche(&["rename-entity", "idlib", "idleb"]);
    assert!(preview.status.success());
    let shown = String::from_utf8_lossy(&preview.stdout);
    assert!(shown.contains("+++ b/content/entities/hts.yaml"), "{shown}");
    assert!(shown.contains("rename content/entities/idlib.yaml → content/entities/idleb.yaml"));
    assert!(!shown.contains('\u{1b}'), "piped output is plain: {shown}");
    assert_eq!(content_files(&site), before, "the preview changed files");
    // The frozen copy predates dated, sourced relations: what it warns about stays the same.
    let problems_before = problems_after(&site, "idlib", "idleb");

    let out = site.depeche(&["rename-entity", "idlib", "idleb", "--write"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = content_files(&site);
    let renamed = |path: &str| path.replace("entities/idlib.", "entities/idleb.");
    let expected: std::collections::BTreeMap<String, String> = before
        .iter()
        .map(|(path, text)| {
            let text = text
                .replace("[[idlib|", "[[idleb|")
                .replace("[[idlib]]", "[[idleb]]")
                .replace("target: idlib}", "target: idleb}")
                .replace("entities/idlib.", "entities/idleb.")
                .replace("`[[idleb]]`", "`[[idlib]]`");
            (renamed(path), text)
        })
        .collect();
    assert_eq!(after, expected);
    assert_eq!(problems_after(&site, "idlib", "idleb"), problems_before);
    site.build_ok(&[]);
    assert!(
        site.public("fr/entities/idleb/index.html")
            .contains("Idleb")
    );

    // Refused, changing nothing: a taken id, an unknown one, an invalid one.
    let now = content_files(&site);
    for args in [
        ["hts", "idleb"],
        ["nowhere", "somewhere"],
        ["hts", "Bad Id"],
    ] {
        let out = site.depeche(&["rename-entity", args[0], args[1], "--write"]);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(content_files(&site), now, "{args:?} changed files");
    }
}

/// `entities` lists every entity with its names and mentions; `--unused` the ones no article
/// mentions; `--format json` one record per line.
#[test]
fn entities_are_listed_with_their_mentions() {
    let site = TestSite::frozen();
    site.write(
        "content/entities/homs.yaml",
        "type: place\nname:\n  fr: Homs\n  en: Homs\nunverified: [wikidata, coordinates]\n",
    );
    // Mentioned by a draft only: in use, since deleting it would break the draft.
    site.write(
        "content/entities/tartous-port.yaml",
        "type: place\nname:\n  fr: Port de Tartous\n  en: Port of Tartus\nunverified: [wikidata, coordinates]\n",
    );
    for lang in ["fr", "en"] {
        site.write(
            &format!("content/articles/brouillon.{lang}.md"),
            "---\ntitle: Brouillon\ndate: 2024-12-01\ndraft: true\n---\nLe [[tartous-port]].\n",
        );
    }
    // Related to an entity in use, it is shown on that one's page: in use too.
    site.write(
        "content/entities/tartus.yaml",
        "type: place\nname:\n  fr: Tartous\n  en: Tartus\nunverified: [wikidata, coordinates]\nrelations:\n  - {type: located_in, target: syria, as_of: 2024-11-30, source: osdh}\n",
    );
    let out = site.depeche(&["entities"]);
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    let aleppo = table.lines().find(|l| l.starts_with("aleppo ")).unwrap();
    assert!(aleppo.contains("place") && aleppo.contains("Alep") && aleppo.contains("Aleppo"));
    assert!(table.contains("homs "), "{table}");

    let unused =
        String::from_utf8_lossy(&site.depeche(&["entities", "--unused"]).stdout).into_owned();
    let ids: Vec<&str> = unused
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| !id.chars().next().unwrap().is_ascii_digit())
        .collect();
    assert_eq!(ids, vec!["homs"], "{unused}");
    // What `check` calls unused is the same.
    let out = site.depeche(&["check", "--format", "json"]);
    let warned: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|d| d["code"] == "W0004")
        .filter_map(|d| Some(d["file"].as_str()?.to_string()))
        .collect();
    assert_eq!(warned, vec!["content/entities/homs.yaml"]);

    let json = String::from_utf8_lossy(&site.depeche(&["entities", "--format", "json"]).stdout)
        .into_owned();
    let records: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let aleppo = records.iter().find(|r| r["id"] == "aleppo").unwrap();
    assert_eq!(aleppo["type"], "place");
    assert_eq!(aleppo["name"]["fr"], "Alep");
    assert_eq!(aleppo["mentions"]["fr"], 5);
    assert_eq!(aleppo["articles"]["en"], 1);
}

/// `annotate` colours its diff on a terminal, words that change highlighted, and prints it
/// plain when piped.
#[test]
fn annotate_colours_its_diff_only_on_a_terminal() {
    let site = TestSite::frozen();
    strip(&site, EN, &["[[hama|Hama]]"]);
    let plain = site.depeche(&["annotate"]);
    let plain = String::from_utf8_lossy(&plain.stdout);
    assert!(plain.contains("+") && !plain.contains('\u{1b}'), "{plain}");
    let coloured = std::process::Command::new(env!("CARGO_BIN_EXE_depeche"))
        .arg("annotate")
        .env("CLICOLOR_FORCE", "1")
        .current_dir(site.root())
        .output()
        .unwrap();
    let coloured = String::from_utf8_lossy(&coloured.stdout);
    // The changed words in reverse video, inside a green added line.
    assert!(coloured.contains("\u{1b}[7m"), "{coloured:?}");
    assert!(coloured.contains("[[hama|Hama]]"), "{coloured}");
}

/// Titles and names given on the command line are written quoted, so French typography
/// (`Syrie : …`, `L'offensive`) is valid YAML; one value fills every language, `lang=` one.
#[test]
fn new_takes_titles_and_names_per_language() {
    let site = TestSite::frozen();
    let out = site.depeche(&[
        "new",
        "article",
        "homs-siege",
        "--title",
        "fr=Syrie : l'offensive \"Aube\" vers Homs",
        "--title",
        "en=Syria: the \"Dawn\" offensive towards Homs",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fr = site.read("content/articles/homs-siege.fr.md");
    assert!(
        fr.contains("title: \"Syrie : l'offensive \\\"Aube\\\" vers Homs\"\n"),
        "{fr}"
    );
    let out = site.depeche(&["new", "entity", "homs", "--type", "place", "--name", "Homs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = site.read("content/entities/homs.yaml");
    assert!(
        yaml.contains("name:\n  fr: \"Homs\"\n  en: \"Homs\"\n"),
        "{yaml}"
    );
    site.build_ok(&["--drafts"]);
    assert!(
        site.public("fr/articles/homs-siege/index.html")
            .contains("<h1>Syrie : l'offensive \"Aube\" vers Homs</h1>")
    );
    let unknown = site.depeche(&["new", "article", "x", "--title", "de=Hallo"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("language `de` is not configured"));
    assert!(!site.path("content/articles/x.fr.md").exists());
}

/// `init --empty` makes a site without the sample dispatch that checks clean and builds.
#[test]
fn init_empty_makes_a_clean_site_without_the_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("newsroom");
    init_site_with(&dir, &["--empty"]);
    assert!(dir.join("content/articles").is_dir());
    assert!(
        !dir.join("content/articles/alep-offensive-hts.fr.md")
            .exists()
    );
    let run = |args: &[&str]| depeche_in(&dir, args);
    let check = run(&["check", "--deny-warnings"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(run(&["build"]).status.success());
    assert!(dir.join("public/fr/index.html").is_file());
}

/// A rename that cannot write one file changes none: here a dangling link (planted by a
/// hostile branch) stands where the entity's new file goes; nothing is written through it.
#[test]
fn a_rename_that_fails_changes_nothing() {
    let site = TestSite::frozen();
    let before = content_files(&site);
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("planted.yaml");
    let link = site.path("content/entities/idleb.yaml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = site.depeche(&["rename-entity", "idlib", "idleb", "--write"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert!(!target.exists(), "a file was written through the link");
    std::fs::remove_file(&link).unwrap();
    assert_eq!(content_files(&site), before);
}

/// The problems `check` reports, without the entity's old and new ids: what a rename must
/// leave as it was.
fn problems_after(site: &TestSite, old: &str, new: &str) -> Vec<String> {
    let out = site.depeche(&["check", "--format", "json"]);
    let mut found: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let d: serde_json::Value = serde_json::from_str(l).unwrap();
            format!("{} {} {}", d["code"], d["file"], d["message"])
                .replace(&format!("`{new}`"), "`ID`")
                .replace(&format!(": {new}`"), ": ID`")
                .replace(&format!(": {old}`"), ": ID`")
                .replace(&format!("`{old}`"), "`ID`")
                .replace(&format!("/{new}."), "/ID.")
                .replace(&format!("/{old}."), "/ID.")
        })
        .collect();
    found.sort();
    found
}

/// Whatever entity is renamed, to whatever free id, the site checks as it did before: every
/// field that can name an entity (annotations, relations, sources, figures, events, facts, in
/// every language) follows the rename.
#[test]
fn renaming_any_entity_leaves_a_site_that_checks_as_before() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    for (site_name, make) in [
        ("shipped", TestSite::shipped as fn() -> TestSite),
        ("trilingual", || TestSite::fixture("trilingual")),
    ] {
        let pristine = make();
        let ids: Vec<String> = std::fs::read_dir(pristine.path("content/entities"))
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                name.strip_suffix(".yaml").map(str::to_string)
            })
            .collect();
        let before = problems_after(&pristine, "", "\u{0}");
        if site_name == "shipped" {
            assert!(before.is_empty(), "{before:?}");
        }
        let mut runner = TestRunner::new(Config {
            cases: 12,
            failure_persistence: None,
            ..Config::default()
        });
        let strategy = (0..ids.len(), "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?");
        runner
            .run(&strategy, |(pick, new)| {
                let old = &ids[pick];
                prop_assume!(!ids.contains(&new));
                let site = make();
                let out = site.depeche(&["rename-entity", old, &new, "--write"]);
                prop_assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                prop_assert_eq!(
                    problems_after(&site, old, &new),
                    problems_after(&pristine, old, &new),
                    "{}: {} → {}",
                    site_name,
                    old,
                    new
                );
                if site_name == "shipped" {
                    let check = site.depeche(&["check", "--deny-warnings"]);
                    prop_assert!(check.status.success(), "{old} → {new}");
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{site_name}: {e}"));
    }
}

/// Every file of the site a command may edit (content and templates), with its bytes.
fn sources(site: &TestSite) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut all = snapshot(&site.path("content"));
    for (path, bytes) in snapshot(&site.path("templates")) {
        all.insert(format!("templates/{path}"), bytes);
    }
    all
}

/// Puts the site's sources back as `state` holds them.
fn restore(site: &TestSite, state: &std::collections::BTreeMap<String, Vec<u8>>) {
    for (path, _) in sources(site) {
        let rel = if path.starts_with("templates/") {
            path.clone()
        } else {
            format!("content/{path}")
        };
        std::fs::remove_file(site.path(&rel)).unwrap();
    }
    for (path, bytes) in state {
        let rel = if path.starts_with("templates/") {
            path.clone()
        } else {
            format!("content/{path}")
        };
        site.write(&rel, bytes);
    }
}

/// Runs `args` from the state `before` again and again, killed at random moments: the next
/// command (`check`) finds the site wholly before the edit or wholly after it (`after`), and
/// checks it without error.
fn killed_at_random_moments(site: &TestSite, args: &[&str], rounds: usize) {
    let before = sources(site);
    let started = std::time::Instant::now();
    let run = site.depeche(args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let window = started.elapsed().as_micros() as u64;
    let after = sources(site);
    assert!(before != after, "{args:?} changed nothing");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = crate::safety::Lcg(seed);
    let mut kills = 0;
    for round in 0..rounds {
        restore(site, &before);
        let mut child = spawn_in(site.root(), args, std::process::Stdio::null());
        std::thread::sleep(std::time::Duration::from_micros(rng.below(window)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        let check = site.depeche(&["check"]);
        let stderr = String::from_utf8_lossy(&check.stderr);
        assert!(
            check.status.success(),
            "{args:?}, round {round} (seed {seed}): check fails:\n{stderr}"
        );
        let now = sources(site);
        assert!(
            now == before || now == after,
            "{args:?}, round {round} (seed {seed}): the site is neither before nor after the edit"
        );
        assert!(!site.path(depeche::transaction::JOURNAL).exists());
    }
    eprintln!("{args:?}: {kills} of {rounds} killed (seed {seed})");
}

/// Each command that edits the site, killed at random moments, leaves it wholly before or
/// wholly after the edit once the next command has run.
#[test]
fn editing_commands_killed_at_random_moments_leave_the_site_before_or_after() {
    let site = TestSite::shipped();
    // Enough files for a rename to take a while.
    let text = site.read(FR);
    for n in 0..150 {
        site.write(
            &format!("content/articles/copie-{n}.fr.md"),
            text.replace(
                "date: 2024-11-30",
                &format!("date: 2024-10-{:02}", n % 28 + 1),
            ),
        );
    }
    killed_at_random_moments(&site, &["rename-entity", "osdh", "sohr", "--write"], 40);
    strip(&site, FR, &["[[idlib|Idleb]]"]);
    killed_at_random_moments(&site, &["annotate", "--write"], 15);
    killed_at_random_moments(
        &site,
        &["new", "article", "breve", "--title", "fr=Brève"],
        10,
    );
    // The shipped site keeps its own copy of every template: one is given back to the
    // built-in, to be ejected.
    std::fs::remove_file(site.path("templates/base.html")).unwrap();
    killed_at_random_moments(&site, &["templates", "eject", "base.html"], 10);
}

/// An id is a name, never a path: `rename-entity` refuses one before it reads a file, and
/// `new` and `templates eject` never write through a link to outside the site.
#[test]
fn edits_stay_inside_the_site() {
    let site = TestSite::frozen();
    let decoy = tempfile::tempdir().unwrap();
    std::fs::write(decoy.path().join("victim.yaml"), "kept").unwrap();
    let before = content_files(&site);
    let old = format!("{}/victim", decoy.path().display());
    for old in [old.as_str(), "../../x", "content/entities/hts"] {
        let out = site.depeche(&["rename-entity", old, "new-id", "--write"]);
        assert_eq!(out.status.code(), Some(1), "{old}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("is not an entity id"), "{stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(decoy.path().join("victim.yaml")).unwrap(),
        "kept"
    );
    assert_eq!(content_files(&site), before);

    let outside = decoy.path().join("written");
    for (link, args) in [
        (
            "content/articles/breve.fr.md",
            vec!["new", "article", "breve"],
        ),
        (
            "content/entities/homs.yaml",
            vec!["new", "entity", "homs", "--type", "place"],
        ),
        (
            "templates/base.html",
            vec!["templates", "eject", "base.html"],
        ),
    ] {
        std::fs::create_dir_all(site.path(link).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&outside, site.path(link)).unwrap();
        let out = site.depeche(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            !outside.exists(),
            "{args:?} wrote through the link: {stderr}"
        );
        std::fs::remove_file(site.path(link)).unwrap();
    }
    assert_eq!(content_files(&site), before);
}

/// A journal planted by a hostile branch is followed only as depeche writes one: not through
/// a link, not into `.git/`, not with new files taken from elsewhere in the site.
#[test]
fn a_planted_journal_never_reaches_outside_the_site() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("victim"), "precious").unwrap();
    let journals = [
        r#"{"what":"x","state":"committing","entries":[{"target":"content/linked/victim","staged":null,"aside":"content/linked/.victim.1-0.depeche-old"}]}"#,
        r#"{"what":"x","state":"staged","entries":[{"target":"content/linked/victim","staged":"content/linked/.victim.1-0.depeche-new","aside":"content/linked/.victim.1-0.depeche-old"}]}"#,
        r#"{"what":"x","state":"done","entries":[{"target":"content/x","staged":null,"aside":"content/linked/victim"}]}"#,
        r#"{"what":"x","state":"committing","entries":[{"target":".git/hooks/post-commit","staged":".git/hooks/.post-commit.1-0.depeche-new","aside":".git/hooks/.post-commit.1-0.depeche-old"}]}"#,
        r#"{"what":"x","state":"committing","entries":[{"target":"static/leak.txt","staged":"content/payload","aside":"static/.leak.txt.1-0.depeche-old"}]}"#,
    ];
    for journal in journals {
        let site = TestSite::frozen();
        std::os::unix::fs::symlink(outside.path(), site.path("content/linked")).unwrap();
        site.write("content/payload", "#!/bin/sh\n");
        std::fs::create_dir_all(site.path(".git/hooks")).unwrap();
        site.write(".git/hooks/.post-commit.1-0.depeche-new", "#!/bin/sh\n");
        site.write(depeche::transaction::JOURNAL, journal);
        let out = site.depeche(&["check"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{journal}: {stderr}");
        assert!(stderr.contains("cannot be finished"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(outside.path().join("victim")).unwrap(),
            "precious"
        );
        assert!(!site.path(".git/hooks/post-commit").exists());
        assert!(!site.path("static/leak.txt").exists());
        assert!(site.path("content/payload").exists());
    }
}

/// Files depeche keeps for itself, planted as links to a pipe or a device, are refused at
/// once: a journal, an output's manifest, the build's records.
#[test]
fn depeches_own_files_planted_as_links_to_a_pipe_or_a_device_are_refused() {
    let site = TestSite::frozen();
    site.build_ok(&[]);
    site.build_ok(&[]);
    let pipe = site.dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    for (file, target) in [
        (depeche::transaction::JOURNAL, pipe.as_path()),
        (
            depeche::transaction::JOURNAL,
            std::path::Path::new("/dev/zero"),
        ),
        ("public/.depeche-manifest", pipe.as_path()),
        (
            "public/.depeche-manifest",
            std::path::Path::new("/dev/zero"),
        ),
        (
            ".public.depeche-cache/outputs",
            std::path::Path::new("/dev/zero"),
        ),
        (".public.depeche-cache/inputs", pipe.as_path()),
    ] {
        let path = site.path(file);
        let kept = path.with_extension("kept");
        let had = path.exists();
        if had {
            std::fs::rename(&path, &kept).unwrap();
        }
        std::os::unix::fs::symlink(target, &path).unwrap();
        let started = std::time::Instant::now();
        let mut child = spawn_in(site.root(), &["build"], std::process::Stdio::null());
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > std::time::Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("`build` waits on {file} linked to {}", target.display());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::fs::remove_file(&path).unwrap();
        if had {
            std::fs::rename(&kept, &path).unwrap();
        }
    }
}

/// `rename-entity` writes no file through a link: an article that is a link to a file of the
/// site naming the entity stops the rename, and nothing changes.
#[test]
fn a_rename_stops_at_an_article_that_is_a_link() {
    let site = TestSite::frozen();
    site.write(
        "notes/ext.fr.md",
        "---\ntitle: Note\ndate: 2024-12-01\n---\nTexte sur [[hts|HTS]].\n",
    );
    std::os::unix::fs::symlink(
        site.path("notes/ext.fr.md"),
        site.path("content/articles/ext.fr.md"),
    )
    .unwrap();
    let before = content_files(&site);
    let out = site.depeche(&["rename-entity", "hts", "hts-x", "--write"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
    assert_eq!(content_files(&site), before);
}
