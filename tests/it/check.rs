//! `depeche check`: one fixture per diagnostic, snapshotted in all three formats, plus the
//! command's exit status and options.

use crate::common::*;
use depeche::check;
use depeche::diagnostic::{Code, Diagnostic};
use depeche::report::{self, Format};

const FR: &str = "content/articles/alep-offensive-hts.fr.md";
const EN: &str = "content/articles/alep-offensive-hts.en.md";

type Breaker = fn(&TestSite);

/// A way to provoke each diagnostic on a copy of the shipped site.
fn cases() -> Vec<(Code, Breaker)> {
    vec![
        (Code::InvalidUtf8, |s| {
            let mut bytes = s.read(FR).into_bytes();
            let at = bytes.windows(6).position(|w| w == b"civils").unwrap();
            bytes[at + 1] = 0xE9;
            s.write(FR, bytes);
        }),
        (Code::YamlSyntax, |s| {
            s.edit(FR, "date: 2024-11-30", "date: [2024-11-30")
        }),
        (Code::FactsDisagree, |s| {
            s.edit(
                FR,
                "date: 2024-11-30\n",
                "date: 2024-11-30\nfigures:\n  - {value: 311, label: {fr: morts, en: dead}, source: osdh}\n",
            );
            s.edit(
                EN,
                "date: 2024-11-30\n",
                "date: 2024-11-30\nfigures:\n  - {value: 312, label: {fr: morts, en: dead}, source: osdh}\n",
            );
        }),
        (Code::OverHostLimit, |s| {
            let yaml = s.read("site.yaml");
            s.write("site.yaml", format!("{yaml}host: cloudflare-pages\n"));
            sparse(s, "static/archive.zip", 26 << 20);
        }),
        (Code::NearHostLimit, |s| {
            sparse(s, "static/archive.zip", 900_000_000)
        }),
        (Code::UnknownEntity, |s| {
            s.edit(FR, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après")
        }),
        (Code::MissingField, |s| {
            s.edit(
                EN,
                "title: Jihadists and rebels have taken control of most of Aleppo\n",
                "",
            )
        }),
        (Code::InvalidDate, |s| {
            s.edit(EN, "date: 2024-11-30", "date: 2024-11-31")
        }),
        (Code::UnclosedAnnotation, |s| {
            s.edit(FR, "du pays.", "du [[syria pays.")
        }),
        (Code::EmptyAnnotation, |s| {
            s.edit(FR, "du pays.", "du [[]] pays.")
        }),
        (Code::UnknownRelationTarget, |s| {
            s.edit(
                "content/entities/aleppo.yaml",
                "target: syria",
                "target: syrie",
            )
        }),
        (Code::MissingName, |s| {
            s.edit("content/entities/idlib.yaml", "  en: Idlib\n", "")
        }),
        (Code::InvalidWikidata, |s| {
            s.edit("content/entities/aleppo.yaml", "Q41183", "Q-41183")
        }),
        (Code::InvalidCoordinates, |s| {
            s.edit("content/entities/aleppo.yaml", "[36.2, 37.16]", "[36.2]")
        }),
        (Code::InvalidSlug, |s| {
            s.edit(EN, "slug: aleppo-offensive-hts", "slug: ../../etc")
        }),
        (Code::DuplicateOutput, |s| {
            let copy = s
                .read(EN)
                .replace("title: Jihadists", "title: Copy of jihadists");
            s.write("content/articles/aleppo-copy.en.md", copy);
        }),
        (Code::DuplicateEntity, |s| {
            let hama = s.read("content/entities/hama.yaml");
            s.write("content/entities/hama.yml", hama);
        }),
        (Code::UnsafeOutputDir, |s| {
            s.edit("site.yaml", "output_dir: public", "output_dir: content")
        }),
        (Code::InvalidConfig, |s| {
            s.edit("site.yaml", "languages: [fr, en]", "languages: [fr, EN]")
        }),
        (Code::MissingFrontMatter, |s| {
            s.write("content/articles/note.fr.md", "title: Note\n\nTexte.\n")
        }),
        (Code::InvalidFileName, |s| {
            s.write("content/articles/notes.md", "---\ntitle: x\n---\n")
        }),
        (Code::UnknownLanguage, |s| {
            s.write(
                "content/articles/note.de.md",
                "---\ntitle: x\ndate: 2024-11-30\n---\n",
            )
        }),
        (Code::MissingTranslationFile, |s| {
            s.edit(
                "site.yaml",
                "languages: [fr, en]",
                "languages: [fr, en, ar]",
            );
            s.edit(
                "site.yaml",
                "  en: Annotated dispatches\n",
                "  en: Annotated dispatches\n  ar: برقيات\n",
            );
        }),
        (Code::Template, |s| {
            s.write(
                "templates/article.html",
                "{% extends \"base.html\" %}{% block main %}{{ article.title {% endblock main %}",
            )
        }),
        (Code::BrokenLink, |s| {
            s.edit(
                FR,
                "du pays.",
                "du pays. [Lire en anglais](alep-offensive.en.md)",
            )
        }),
        (Code::TooManyErrors, |s| {
            s.edit(FR, "du pays.", &"du pays. [[nulle-part]]".repeat(150))
        }),
        (Code::TooDeep, |s| {
            let nested: String = (0..150)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect();
            s.edit(FR, "du pays.", &format!("du pays.\n\n{nested}"))
        }),
        (Code::UnsafeUrl, |s| {
            s.edit(FR, "du pays.", "du pays. [Voir](JavaScript:alert(1))")
        }),
        (Code::TooLarge, |s| {
            s.edit(
                FR,
                "du pays.",
                &format!("du pays. {}", "mot ".repeat(300_000)),
            )
        }),
        (Code::SymlinkOutsideSite, |s| {
            let outside = s.path("../outside.fr.md");
            std::fs::write(&outside, "---\ntitle: x\ndate: 2024-11-30\n---\n").unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(&outside, s.path("content/articles/outside.fr.md")).unwrap();
        }),
        (Code::LinkNotPublished, |s| {
            s.write("photos/alep.jpg", [0xFF, 0xD8, 0xFF]);
            std::fs::create_dir_all(s.path("static")).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(s.path("photos"), s.path("static/photos")).unwrap();
        }),
        (Code::LinkOutsideSite, |s| {
            let outside = s.path("../outside.html");
            std::fs::write(&outside, "{{ secret }}").unwrap();
            #[cfg(unix)]
            std::fs::create_dir_all(s.path("templates")).unwrap();
            std::os::unix::fs::symlink(&outside, s.path("templates/article.html")).unwrap_or_else(
                |_| {
                    std::fs::remove_file(s.path("templates/article.html")).unwrap();
                    std::os::unix::fs::symlink(&outside, s.path("templates/article.html")).unwrap();
                },
            );
        }),
        (Code::MissingTranslation, |s| {
            std::fs::remove_file(s.path(EN)).unwrap()
        }),
        (Code::AnnotationParity, |s| {
            s.edit(EN, "[[al-qaida|Al-Qaeda]]", "Al-Qaeda")
        }),
        (Code::UnusedEntity, |s| {
            s.write(
                "content/entities/damascus.yaml",
                "type: place\nname: {fr: Damas, en: Damascus}\nunverified: [wikidata, coordinates]\n",
            )
        }),
        (Code::MissingWikidata, |s| {
            s.edit("content/entities/hts.yaml", "unverified: [wikidata]\n", "")
        }),
        (Code::MissingCoordinates, |s| {
            s.edit(
                "content/entities/syria.yaml",
                "unverified: [coordinates]\n",
                "",
            )
        }),
        (Code::Draft, |s| {
            s.edit(EN, "date: 2024-11-30\n", "date: 2024-11-30\ndraft: true\n")
        }),
        (Code::EmptyBody, |s| {
            s.write(
                "content/articles/note.fr.md",
                "---\ntitle: Note\ndate: 2024-11-30\n---\n\n",
            )
        }),
        (Code::UnannotatedMention, |s| {
            s.edit(FR, "d'[[aleppo|Alep]] après", "d'Alep après")
        }),
        (Code::AmbiguousAlias, |s| {
            s.edit(
                "content/entities/al-qaida.yaml",
                "fr: [Al-Qaida]",
                "fr: [Al-Qaida, OSDH]",
            )
        }),
        (Code::AmbiguousMention, |s| {
            s.edit(
                "content/entities/al-qaida.yaml",
                "fr: [Al-Qaida]",
                "fr: [Al-Qaida, OSDH]",
            );
            s.edit(FR, "du pays.", "du pays. Selon l'OSDH.");
        }),
        // The shipped dispatch does not name its agency: the notice is there as shipped.
        (Code::NoAgency, |_| {}),
        (Code::UnknownField, |s| {
            s.edit(
                FR,
                "date: 2024-11-30\n",
                "date: 2024-11-30\nsumary: Alep tombe.\n",
            )
        }),
        (Code::InvalidValue, |s| {
            s.edit("content/entities/aleppo.yaml", "type: place", "type: city")
        }),
        (Code::CommentInValue, |s| {
            s.edit(
                FR,
                "majeure partie d'Alep\n",
                "majeure partie d'Alep #Syrie\n",
            )
        }),
        (Code::AnnotationInValue, |s| {
            s.edit(
                FR,
                "date: 2024-11-30\n",
                "date: 2024-11-30\nsummary: \"Les [[hts|djihadistes]] prennent Alep.\"\n",
            )
        }),
        (Code::Placeholder, |s| {
            s.write(
                "content/articles/note.fr.md",
                "---\ntitle: \"TODO: fr title of note\"\ndate: 2024-11-30\n---\nTexte.\n",
            )
        }),
        (Code::HtmlDropped, |s| {
            s.edit(
                FR,
                "du pays.",
                "du pays.\n\n<iframe src=\"https://video.example/alep\"></iframe>\n",
            )
        }),
        (Code::DateMismatch, |s| {
            s.edit(EN, "date: 2024-11-30", "date: 2024-12-01")
        }),
        (Code::FutureDate, |s| {
            s.write(
                "content/articles/later.fr.md",
                "---\ntitle: Plus tard\ndate: 2099-01-01\n---\nTexte.\n",
            )
        }),
        (Code::CnameMismatch, |s| {
            let config = s.read("site.yaml");
            s.write("site.yaml", format!("{config}cname: news.example.org\n"));
        }),
        (Code::UnknownUiString, |s| {
            s.write(
                "templates/i18n/en.yaml",
                "ui:\n  mentons:\n    one: mention\n    other: mentions\n",
            )
        }),
        (Code::FrontMatterInProse, |s| {
            let prose = s.read("content/entities/aleppo.fr.md");
            s.write(
                "content/entities/aleppo.fr.md",
                format!("---\ntitle: Alep\n---\n{prose}"),
            );
        }),
        (Code::MissingImage, |s| {
            s.edit(FR, "du pays.", "du pays.\n\n![Alep](/images/nowhere.jpg)\n")
        }),
        (Code::MissingAlt, |s| {
            s.write("static/images/alep.jpg", [0xFF, 0xD8, 0xFF]);
            s.edit(
                FR,
                "date: 2024-11-30\n",
                "date: 2024-11-30\nimage: /images/alep.jpg\n",
            );
        }),
        (Code::UnknownReference, |s| {
            s.edit(
                "content/entities/aleppo.yaml",
                "source: alep-offensive-hts",
                "source: afp",
            )
        }),
        (Code::Undated, |s| {
            s.edit("content/entities/aleppo.yaml", "as_of: 2024-11-30\n", "")
        }),
        (Code::Unsourced, |s| {
            s.edit(
                "content/entities/aleppo.yaml",
                "source: alep-offensive-hts\n",
                "",
            )
        }),
        (Code::UnreadFile, |s| {
            s.write("content/articles/alep-notes.fr.markdown", "Notes.\n")
        }),
    ]
}

/// The mistakes editors make daily in YAML, each reported at its cause, in their words, with
/// the fixed line (and, where there is one, a machine-applicable replacement).
#[test]
fn yaml_mistakes_are_explained_where_they_are_made() {
    let entity = "content/entities/aleppo.yaml";
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        (
            "colon-in-title",
            FR,
            "title: Djihadistes et rebelles",
            "title: Syrie : djihadistes et rebelles",
        ),
        (
            "apostrophe-in-single-quotes",
            FR,
            "title: Djihadistes et rebelles ont pris le contrôle de la majeure partie d'Alep",
            "title: 'L'offensive sur Alep'",
        ),
        (
            "text-after-quotation",
            FR,
            "title: Djihadistes et rebelles ont pris le contrôle de la majeure partie d'Alep",
            "title: \"Nous ne partirons pas\", affirme Damas",
        ),
        (
            "unclosed-quote",
            FR,
            "title: Djihadistes",
            "title: \"Djihadistes",
        ),
        (
            "no-space-after-colon",
            FR,
            "date: 2024-11-30",
            "date:2024-11-30",
        ),
        ("indented-key", FR, "date: 2024-11-30", "  date: 2024-11-30"),
        (
            "unknown-field",
            FR,
            "date: 2024-11-30\n",
            "date: 2024-11-30\nsumary: Alep tombe.\n",
        ),
        (
            "draft-yes",
            FR,
            "date: 2024-11-30\n",
            "date: 2024-11-30\ndraft: yes\n",
        ),
        ("entity-type-city", entity, "type: place", "type: city"),
        (
            "unverified-typo",
            entity,
            "coordinates: [36.2, 37.16]",
            "coordinates: [36.2, 37.16]\nunverified: [wikidta]",
        ),
        (
            "coordinates-as-text",
            entity,
            "[36.2, 37.16]",
            "\"36.2, 37.16\"",
        ),
        (
            "malformed-timestamp",
            FR,
            "date: 2024-11-30",
            "date: 2024-11-30 14h30",
        ),
        (
            "blank-line-before-fence",
            FR,
            "---\ntitle:",
            "\n---\ntitle:",
        ),
        (
            "empty-title",
            FR,
            "title: Djihadistes et rebelles ont pris le contrôle de la majeure partie d'Alep",
            "title:",
        ),
        (
            "comment-in-title",
            FR,
            "majeure partie d'Alep\n",
            "majeure partie d'Alep #Syrie\n",
        ),
    ];
    for (name, file, from, to) in cases {
        let site = TestSite::nested();
        site.edit(file, from, to);
        let found = check::run(site.root(), None, check::Options::default());
        let shown: Vec<&Diagnostic> = found
            .iter()
            .filter(|d| {
                d.location
                    .as_ref()
                    .is_some_and(|l| l.file.ends_with(file.rsplit('/').next().unwrap()))
            })
            .filter(|d| d.code != Code::UnannotatedMention)
            .collect();
        assert!(
            !shown.is_empty(),
            "{name}: nothing reported in {file}: {found:#?}"
        );
        let mut text = String::new();
        for d in shown {
            text.push_str(&d.render());
            if let Some(r) = &d.replacement {
                text.push_str(&format!(
                    "   = replacement: bytes {}..{} with {:?}\n",
                    r.start, r.end, r.text
                ));
            }
        }
        insta::assert_snapshot!(format!("yaml-{name}"), text);
    }
}

/// A language version that fails to load has its own error: the article is not also said to
/// have no version in that language.
#[test]
fn a_broken_version_is_not_also_a_missing_one() {
    let site = TestSite::nested();
    site.edit(EN, "date: 2024-11-30", "date: [2024-11-30");
    let found = check::run(site.root(), None, check::Options::default());
    assert!(
        found.iter().any(|d| d.code == Code::YamlSyntax),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|d| d.code == Code::MissingTranslation),
        "{found:#?}"
    );
}

/// An annotation in any field is found where it is written: an article's front matter (the
/// case above), a label nested in it, an entity's YAML, the site's settings.
#[test]
fn an_annotation_in_any_field_is_said_where_it_is() {
    let site = TestSite::shipped();
    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "label: {fr: morts dans l'offensive",
        "label: {fr: \"morts dans l'offensive selon l'[[osdh|OSDH]]\"",
    );
    let entity = "content/entities/aleppo.yaml";
    let description = site
        .read(entity)
        .lines()
        .find(|l| l.trim_start().starts_with("fr: ") && l.contains("Syrie"))
        .expect("a French line naming Syria")
        .to_string();
    site.edit(
        entity,
        &description,
        &description.replacen("Syrie", "[[syria]]", 1),
    );
    site.edit(
        "site.yaml",
        "  fr: Dépêches annotées",
        "  fr: Dépêches [[hts|HTS]]",
    );
    let found: Vec<String> = check::run(site.root(), None, check::Options::default())
        .iter()
        .filter(|d| d.code == Code::AnnotationInValue)
        .map(|d| {
            let at = d.location.as_ref().unwrap();
            format!("{}:{} {}", at.file.display(), at.line, d.message)
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found.iter().any(|f| f.contains(".fr.md:")
            && f.contains("`figures.label` would publish `[[osdh|OSDH]]`")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("content/entities/aleppo.yaml:") && f.contains("`[[syria]]`")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("site.yaml:3 `title.fr`")),
        "{found:#?}"
    );
}

/// Codes `check` cannot meet: what the output folder holds only matters to `build` (see
/// tests/safety.rs), and an unreadable file cannot be staged for a test run as root.
const NOT_FROM_CHECK: &[Code] = &[
    Code::OutputNotOwned,
    Code::Unreadable,
    Code::ChangedDuringBuild,
    Code::WriteFailed,
    Code::InvalidFeed,
];

/// A file of `len` bytes that takes no room on disk.
fn sparse(site: &TestSite, rel: &str, len: u64) {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
}

fn run(breaker: Breaker) -> Vec<Diagnostic> {
    let site = TestSite::nested();
    breaker(&site);
    check::run(
        site.root(),
        None,
        check::Options {
            suggest: true,
            ..Default::default()
        },
    )
}

/// A template that compiles but fails on a page is found by `check`, which renders a site's
/// own templates into nothing, with the template's file and line.
#[test]
fn check_renders_the_sites_own_templates() {
    let site = TestSite::shipped();
    site.write(
        "templates/entity.html",
        "{% extends \"base.html\" %}{% block main %}\n{% if entity.coordinates %}{{ entity.coordinates.txt }}{% endif %}{% endblock main %}",
    );
    let out = site.depeche(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[E0021]"), "{stderr}");
    assert!(stderr.contains("--> templates/entity.html:2:"), "{stderr}");
    assert!(stderr.contains("txt"), "{stderr}");
    // Nothing was written.
    assert!(!site.path("public").exists());
}

#[test]
fn every_diagnostic_has_a_case() {
    let covered: Vec<Code> = cases().into_iter().map(|(c, _)| c).collect();
    for code in Code::ALL {
        assert!(
            covered.contains(code) || NOT_FROM_CHECK.contains(code),
            "no check test provokes {} {}",
            code.id(),
            code.name()
        );
    }
}

#[test]
fn each_diagnostic_in_every_format() {
    for (code, breaker) in cases() {
        let diagnostics = run(breaker);
        let mine: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.code == code).collect();
        assert!(
            !mine.is_empty(),
            "{} not reported; got {diagnostics:#?}",
            code.name()
        );
        let mut text = String::new();
        for d in &mine {
            text.push_str(&d.render());
            text.push_str(&report::render(d, Format::Json));
            text.push_str(&report::render(d, Format::Github));
            text.push('\n');
        }
        insta::assert_snapshot!(format!("{}-{}", code.id(), code.name()), text);
    }
}

#[test]
fn the_shipped_site_checks_clean_even_with_deny_warnings() {
    let site = TestSite::shipped();
    let out = site.depeche(&["check", "--deny-warnings", "--suggest"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Only the notice that the dispatch does not name its agency, which it does not.
    assert!(stderr.contains("check passed: 1 suggestion"), "{stderr}");
    assert!(stderr.contains("S0003"), "{stderr}");
    let plain = site.depeche(&["check", "--deny-warnings"]);
    let stderr = String::from_utf8_lossy(&plain.stderr);
    assert!(stderr.contains("check: no problems found"), "{stderr}");
}

#[test]
fn exit_status_follows_errors_and_deny_warnings() {
    let site = TestSite::shipped();
    site.edit(EN, "[[al-qaida|Al-Qaeda]]", "Al-Qaeda");
    let warned = site.depeche(&["check"]);
    assert_eq!(warned.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&warned.stderr).contains("check passed: 1 warning"));
    assert_eq!(
        site.depeche(&["check", "--deny-warnings"]).status.code(),
        Some(1)
    );
    site.edit(FR, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après");
    site.edit(EN, "date: 2024-11-30", "date: 2024-13-01");
    let failed = site.depeche(&["check"]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    // The English version no longer loads: its error stands alone, without a warning that
    // it is missing.
    assert!(stderr.contains("check failed: 2 errors\n"), "{stderr}");
    // Nothing is written by check.
    assert!(!site.path("public").exists());
}

#[test]
fn machine_formats_go_to_stdout_one_record_per_line() {
    let site = TestSite::frozen();
    site.edit(FR, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après");
    site.edit(EN, "[[al-qaida|Al-Qaeda]]", "Al-Qaeda");
    let json = site.depeche(&["check", "--format", "json"]);
    let stdout = String::from_utf8_lossy(&json.stdout);
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let codes: Vec<&str> = records
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"E0003") && codes.contains(&"W0003"),
        "{codes:?}"
    );
    assert_eq!(json.status.code(), Some(1));
    let github = site.depeche(&["check", "--format", "github"]);
    let stdout = String::from_utf8_lossy(&github.stdout);
    assert!(
        stdout
            .lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!(
        "::error file={FR},line=6,col=64,endColumn=78,title=E0003 unknown-entity::"
    )));
}

#[test]
fn build_refuses_what_check_rejects() {
    let site = TestSite::shipped();
    site.edit(FR, "du pays.", "du pays. [Lire](nulle-part.en.md)");
    let out = site.depeche(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[E0022]"));
    assert!(!site.path("public").exists());
}

/// An id used in several places that names no entity is one error, at its first use, with the
/// others as related locations and the command that creates the entity.
#[test]
fn an_unknown_id_is_one_error_with_every_use() {
    let site = TestSite::nested();
    site.edit(FR, "du pays.", "du pays, vers [[homs|Homs]].");
    site.edit(
        FR,
        "d'[[aleppo|Alep]] après",
        "d'[[aleppo|Alep]] et de [[homs|Homs]] après",
    );
    site.edit(EN, "[[hama|Hama]]", "[[homs|Homs]]");
    let found = check::run(site.root(), None, check::Options::default());
    let unknown: Vec<&Diagnostic> = found
        .iter()
        .filter(|d| d.code == Code::UnknownEntity)
        .collect();
    assert_eq!(unknown.len(), 1, "{found:#?}");
    let d = unknown[0];
    assert_eq!(d.related.len(), 2, "{d:#?}");
    assert!(d.message.contains("used 3 times"), "{}", d.message);
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("depeche new entity homs --type"),
        "{:?}",
        d.help
    );
}

/// An event is dated by its start: one without (no lifespan, or only its end) is undated, at
/// its type, with what to add.
#[test]
fn an_event_without_a_start_is_undated_where_its_type_says_event() {
    let site = TestSite::shipped();
    let file = "content/entities/offensive-2024.yaml";
    let text = site.read(file);
    let start = text.find("lifespan:").unwrap();
    let end = start + text[start..].find("relations:").unwrap();
    site.write(file, format!("{}{}", &text[..start], &text[end..]));
    let out = site.depeche(&["check", "--deny-warnings"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("offensive-2024.yaml:1:7")
            && stderr.contains("the event `offensive-2024` has no start"),
        "{stderr}"
    );
    assert!(stderr.contains("add `lifespan:` with `from:`"), "{stderr}");
    // A start alone is enough.
    site.write(
        file,
        format!(
            "{}lifespan:\n  from: 2024-11-27\n  source: alep-offensive-hts\n{}",
            &text[..start],
            &text[end..]
        ),
    );
    let out = site.depeche(&["check", "--deny-warnings"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Errors `check` reports on a copy of the shipped site after `edit`, as (code, line).
fn errors_after(edit: impl FnOnce(&TestSite)) -> Vec<(String, String)> {
    let site = TestSite::shipped();
    edit(&site);
    let out = site.depeche(&["check", "--format", "json"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                format!("{}:{}", d["file"].as_str().unwrap_or_default(), d["line"]),
            )
        })
        .collect()
}

/// N independent mistakes in one file give N errors in one run, each where it is made: a
/// mistake in one field does not hide the others, nor the body's.
#[test]
fn every_mistake_of_a_file_in_one_run() {
    let fr = "content/articles/alep-offensive-hts.fr.md";
    let article = errors_after(|s| {
        s.edit(fr, "date: 2024-11-30\n", "date: 2024-11-31\nsumary: x\n");
        s.edit(
            fr,
            "    source: osdh\n  - value: 183",
            "    sourc: osdh\n  - value: 183",
        );
        s.edit(
            fr,
            "[offensive-2024, hts, syrian-government]",
            "[offensive-2024, htss, syrian-government]",
        );
        s.edit(fr, "d'[[aleppo|Alep]] après", "d'[[alepo|Alep]] après");
    });
    let want = |list: &[(&str, &str, u32)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(code, file, line)| (code.to_string(), format!("{file}:{line}")))
            .collect()
    };
    let mut got = article.clone();
    got.sort();
    let mut expected = want(&[
        ("E0005", fr, 3),
        ("E0032", fr, 4),
        ("E0032", fr, 9),
        ("E0035", fr, 35),
        ("E0003", fr, 50),
    ]);
    expected.sort();
    assert_eq!(got, expected);

    let moscow = "content/entities/moscow.yaml";
    let mut entity = errors_after(|s| {
        s.edit(moscow, "type: place", "type: plac");
        s.edit(moscow, "wikidata: Q649", "wikidata: 649");
        s.edit(
            moscow,
            "coordinates: [55.76, 37.62]",
            "coordinates: [155.76, 37.62]",
        );
        s.edit(
            moscow,
            "as_of: 2024-11-30\n",
            "as_of: 2024-11-30\ncolour: red\n",
        );
    });
    entity.sort();
    let mut expected = want(&[
        ("E0033", moscow, 1),
        ("E0010", moscow, 8),
        ("E0011", moscow, 9),
        ("E0032", moscow, 13),
    ]);
    expected.sort();
    assert_eq!(entity, expected);

    let mut config = errors_after(|s| {
        s.edit(
            "site.yaml",
            "base_url: https://depeche.github.io/depeche/",
            "base_url: {x: 1}",
        );
        s.edit(
            "site.yaml",
            "output_dir: public\n",
            "output_dir: public\nallow_html: maybe\narticles_per_pag: 10\nlink_every_mention: [x\n",
        );
    });
    config.sort();
    let mut expected = want(&[
        ("E0002", "site.yaml", 10),
        ("E0033", "site.yaml", 5),
        ("E0033", "site.yaml", 8),
        ("E0032", "site.yaml", 9),
    ]);
    expected.sort();
    assert_eq!(config, expected);
}

/// A version read only in part (too large to cut into sections) is not said to miss the
/// entities its translation annotates: what it annotates past the cut is not known.
#[test]
fn a_version_read_in_part_is_not_compared_with_its_translation() {
    let site = TestSite::shipped();
    site.edit(
        FR,
        "du pays.",
        &format!("du pays. {}", "mot ".repeat(300_000)),
    );
    let out = site.depeche(&["check", "--format", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"code\":\"E0028\""), "{stdout}");
    assert!(!stdout.contains("\"code\":\"W0003\""), "{stdout}");
}

/// A date or a source written but not read is an error, and is not also reported missing
/// (W0019, W0020): for a description, a relation.
#[test]
fn a_value_that_does_not_read_is_not_also_missing() {
    let site = TestSite::shipped();
    let hts = "content/entities/hts.yaml";
    let text = site.read(hts);
    let text = text.replacen("as_of: 2017-01-28", "as_of: 2017-02-30", 1);
    let (head, tail) = text.split_once("\nas_of: ").unwrap();
    let (_, rest) = tail.split_once('\n').unwrap();
    site.write(hts, format!("{head}\nas_of: 2024-11-31\n{rest}"));
    let out = site.depeche(&["check", "--format", "json"]);
    let found: Vec<(String, String)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|d| d["file"] == hts)
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found.iter().filter(|(code, _)| code == "E0005").count(),
        2,
        "{found:#?}"
    );
    assert!(!found.iter().any(|(code, _)| code == "W0019"), "{found:#?}");
}

/// A file with a mistake still has the ids it names checked, its images too.
#[test]
fn a_file_with_a_mistake_still_has_its_names_and_images_checked() {
    let damascus = "content/entities/damascus.yaml";
    let mut entity = errors_after(|s| {
        s.write(
            damascus,
            "type: place\nname: {fr: Damas, en: Damascus}\nwikidata: 3766\nrelations:\n  - {type: located_in, target: syriaa, as_of: 2024-11-30, source: osdh}\nfacts:\n  - label: {fr: Population, en: Population}\n    value: 2000000\n    as_of: 2024-02-03\n    source: nowhere\n",
        );
    });
    entity.sort();
    let at = |code: &str, line: u32| (code.to_string(), format!("{damascus}:{line}"));
    assert_eq!(entity, [at("E0008", 5), at("E0010", 3), at("E0035", 10)]);

    // Its prose is checked too.
    let mut entity = errors_after(|s| {
        s.write(
            "content/entities/aleppo.yaml",
            format!("{}bogus: 1\n", s.read("content/entities/aleppo.yaml")),
        );
        s.write(
            "content/entities/aleppo.en.md",
            format!(
                "{}\nA [[nowhere]] here.\n",
                s.read("content/entities/aleppo.en.md")
            ),
        );
    });
    entity.sort();
    let prose = TestSite::shipped().read("content/entities/aleppo.en.md");
    let yaml = TestSite::shipped().read("content/entities/aleppo.yaml");
    let at_in = |code: &str, file: &str, line: usize| (code.to_string(), format!("{file}:{line}"));
    assert_eq!(
        entity,
        [
            at_in(
                "E0003",
                "content/entities/aleppo.en.md",
                prose.lines().count() + 2
            ),
            at_in(
                "E0032",
                "content/entities/aleppo.yaml",
                yaml.lines().count() + 1
            ),
        ]
    );

    // Its type misspelt or missing: the rest is checked all the same.
    for kind in ["type: city\n", ""] {
        let mut entity = errors_after(|s| {
            s.write(
                damascus,
                format!("{kind}name: {{fr: Damas, en: Damascus}}\nwikidata: X2\nrelations:\n  - {{type: located_in, target: syriaa, as_of: 2024-11-30, source: osdh}}\n"),
            );
        });
        entity.sort();
        let line = |n: u32| n - u32::from(kind.is_empty());
        let typed = if kind.is_empty() {
            at("E0004", 1)
        } else {
            at("E0033", 1)
        };
        let mut wanted = vec![at("E0008", line(5)), at("E0010", line(3)), typed];
        wanted.sort();
        assert_eq!(entity, wanted, "{kind}");
    }

    let fr = "content/articles/alep-offensive-hts.fr.md";
    let mut article = errors_after(|s| {
        s.edit(
            fr,
            "date: 2024-11-30\n",
            "date: 2024-13-05\nimage: /images/nope.jpg\n",
        );
    });
    article.sort();
    assert_eq!(
        article,
        [
            ("E0005".to_string(), format!("{fr}:3")),
            ("E0034".to_string(), format!("{fr}:4"))
        ]
    );
}

/// A link to the name a misspelt translation file should have is right: the help says to
/// rename the file, not to copy its typo into the link.
#[test]
fn a_link_to_a_misnamed_translation_says_to_rename_the_file() {
    let site = TestSite::shipped();
    std::fs::rename(
        site.path("content/articles/alep-offensive-hts.en.md"),
        site.path("content/articles/alep-ofensive-hts.en.md"),
    )
    .unwrap();
    let out = site.depeche(&["check"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !said.contains("did you mean `alep-ofensive-hts.en.md`"),
        "{said}"
    );
    assert!(
        said.contains("the link is right: the article's file is misnamed `content/articles/alep-ofensive-hts.en.md`; rename it content/articles/alep-offensive-hts.en.md"),
        "{said}"
    );
}

/// A relation's source names an entity or an article like every other source.
#[test]
fn a_relations_source_that_names_nothing_is_an_error() {
    let hts = "content/entities/hts.yaml";
    let errors = errors_after(|s| {
        s.edit(
            hts,
            "relations:\n",
            "relations:\n  - {type: based_in, target: idlib, as_of: 2024-11-30, source: wikipedya}\n",
        )
    });
    assert_eq!(errors, [("E0035".to_string(), format!("{hts}:16"))]);
}

/// static/ is published without following symbolic links, and everything that looks for a
/// file there agrees: an image or share image reached through a link is missing, and the
/// link is named, on a first build, in `check`, and on a build that keeps its findings.
#[cfg(unix)]
#[test]
fn an_image_reached_through_a_link_in_static_is_missing() {
    let site = TestSite::frozen();
    site.write("static/photos/alep.jpg", [0xFF, 0xD8, 0xFF]);
    site.edit(FR, "du pays.", "du pays.\n\n![Alep](/photos/alep.jpg)\n");
    site.build_ok(&[]);
    assert!(site.path("public/photos/alep.jpg").is_file());
    // The folder moves out of static/, and a link takes its place.
    std::fs::rename(site.path("static/photos"), site.path("photos")).unwrap();
    std::os::unix::fs::symlink(site.path("photos"), site.path("static/photos")).unwrap();
    for args in [&["build"][..], &["check"]] {
        let out = site.depeche(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("warning[W0025]"), "{stderr}");
        assert!(stderr.contains("--> static/photos:1:1"), "{stderr}");
        assert!(
            stderr.contains("`/photos/alep.jpg` is not a file of static/"),
            "{stderr}"
        );
    }
    // The failed build left the last site as it was.
    assert!(site.path("public/photos/alep.jpg").is_file());
    site.edit(FR, "\n\n![Alep](/photos/alep.jpg)\n", "");
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        format!("{config}share_image: photos/alep.jpg\n"),
    );
    let out = site.depeche(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("share_image `photos/alep.jpg` is not a file in static/"),
        "{stderr}"
    );
    site.write("site.yaml", config);
    let out = site.depeche(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!site.path("public/photos").exists());
    let warned = site.depeche(&["check"]);
    assert!(String::from_utf8_lossy(&warned.stderr).contains("warning[W0025]"));
    // static/ itself may lead to a folder of the site: what it holds is published, unwarned.
    std::fs::remove_file(site.path("static/photos")).unwrap();
    site.write("static/kept.txt", "kept");
    std::fs::rename(site.path("static"), site.path("assets")).unwrap();
    std::os::unix::fs::symlink("assets", site.path("static")).unwrap();
    let checked = site.depeche(&["check"]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(
        checked.status.success() && !stderr.contains("W0025"),
        "{stderr}"
    );
    site.build_ok(&[]);
    assert_eq!(site.read("public/kept.txt"), "kept");
}
