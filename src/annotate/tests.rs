use super::*;
use crate::load::entity;

fn lexicon() -> Lexicon {
    let langs = vec!["fr".to_string(), "en".to_string()];
    let entities = [
        (
            "aleppo",
            "type: place\nname: {fr: Alep, en: Aleppo}\naliases: {en: [Halab]}\n",
        ),
        (
            "hts",
            "type: organization\nname: {fr: HTS, en: HTS}\naliases: {fr: [Hayat Tahrir al-Sham]}\n",
        ),
    ]
    .map(|(id, yaml)| entity::parse(id, SourceText::new("e.yaml", yaml.into()), &langs).unwrap());
    Lexicon::new(&entities, &[])
}

fn run(body: &str, allow_html: bool) -> Annotated {
    let lexicon = lexicon();
    let urls = Urls::new("/base/");
    let mut targets = Targets::default();
    targets
        .articles
        .insert(("other".into(), "en".into()), "other-slug".into());
    targets.entities.push("aleppo".into());
    let annotator = Annotator {
        lexicon: &lexicon,
        urls: &urls,
        targets: &targets,
        allow_html,
        link_every_mention: false,
        collect_text: true,
        html: true,
        snippets: true,
        text_limit: 0,
    };
    let text = format!("---\ntitle: t\n---\n{body}");
    let src = SourceText::new("content/articles/a.fr.md", text);
    annotator.annotate(&src, 16, "fr")
}

#[test]
fn bare_annotation_renders_the_name_in_the_page_language() {
    let out = run("La ville d'[[aleppo]] est prise.\n", false);
    assert_eq!(
        out.html,
        "<p>La ville d'<a class=\"mention\" id=\"m-aleppo-1\" href=\"/base/fr/entities/aleppo/\">Alep</a> est prise.</p>\n"
    );
    assert_eq!(out.mentions[0].snippet.as_ref().unwrap().mention(), "Alep");
    assert_eq!(
        out.mentions[0].snippet.as_ref().unwrap().before(),
        "La ville d'"
    );
}

#[test]
fn piped_annotation_keeps_the_writers_words_and_formatting() {
    let out = run(
        "Les [[hts|*factions*]] avancent. Puis [[hts|HTS]] encore.\n",
        false,
    );
    assert!(
        out.html.contains(">\u{3c}em>factions</em></a>"),
        "{}",
        out.html
    );
    let anchors: Vec<_> = out.mentions.iter().map(|m| m.anchor()).collect();
    assert_eq!(anchors, ["m-hts-1", "m-hts-2"]);
    assert_eq!(out.mentions[1].snippet.as_ref().unwrap().before(), "Puis ");
    assert_eq!(
        out.mentions[1].snippet.as_ref().unwrap().after(),
        " encore."
    );
    assert!(out.problems.is_empty());
}

#[test]
fn mention_spans_point_at_the_source() {
    let out = run("x\n\ny [[aleppo|Alep]]\n", false);
    let (s, e) = out.mentions[0].span;
    assert_eq!(
        &"---\ntitle: t\n---\nx\n\ny [[aleppo|Alep]]\n"[s..e],
        "[[aleppo|Alep]]"
    );
}

#[test]
fn unknown_entity_suggests_by_id_name_or_alias() {
    let out = run("un [[alepo]] et [[halab|H]] et [[zzz]]\n", false);
    let got: Vec<_> = out
        .problems
        .iter()
        .map(|d| {
            (
                d.code,
                d.location.as_ref().unwrap().col,
                d.help.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(got[0].0, Code::UnknownEntity);
    assert_eq!(got[0].1, 4);
    assert!(got[0].2.contains("`aleppo`"), "{}", got[0].2);
    assert!(got[1].2.contains("`aleppo`"), "{}", got[1].2);
    assert!(
        got[2].2.contains("depeche new entity zzz --type"),
        "{}",
        got[2].2
    );
    assert_eq!(out.problems[0].location.as_ref().unwrap().line, 4);
}

#[test]
fn unclosed_and_empty_annotations() {
    let out = run(
        "a [[aleppo b\n\nc [[]] d [[ ]] e [[|x]]\n\n`[[code]]` fine\n",
        false,
    );
    let codes: Vec<_> = out
        .problems
        .iter()
        .map(|d| {
            (
                d.code,
                d.location.as_ref().unwrap().line,
                d.location.as_ref().unwrap().col,
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            (Code::UnclosedAnnotation, 4, 3),
            (Code::EmptyAnnotation, 6, 3),
            (Code::EmptyAnnotation, 6, 10),
            (Code::EmptyAnnotation, 6, 18),
        ]
    );
}

#[test]
fn raw_html_and_script_urls_are_dropped_by_default() {
    let out = run(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y]( JaVa\tScript:1) ![i](data:image/png;base64,xx) <b>b</b> [ok](https://example.org)\n",
        false,
    );
    assert!(!out.html.contains("<script"), "{}", out.html);
    assert!(!out.html.contains("<b>"));
    assert!(!out.html.to_lowercase().contains("javascript"));
    assert!(!out.html.contains("data:"));
    assert!(out.html.contains("href=\"https://example.org\""));
    let unsafe_urls: Vec<_> = out
        .problems
        .iter()
        .filter(|d| d.code == Code::UnsafeUrl)
        .collect();
    assert_eq!(unsafe_urls.len(), 2, "{:#?}", out.problems);
    let allowed = run("<b>b</b>\n", true);
    assert!(allowed.html.contains("<b>b</b>"));
}

#[test]
fn annotation_text_is_escaped() {
    let out = run("[[hts|<i>x</i> & y]]\n", false);
    assert!(out.html.contains("&amp; y</a>"), "{}", out.html);
    assert!(!out.html.contains("<i>"));
}

#[test]
fn content_links_become_page_urls_and_broken_ones_are_errors() {
    let out = run(
        "[en](other.en.md#x) [a](../entities/aleppo.yaml) [b](othr.en.md)\n",
        false,
    );
    assert!(
        out.html
            .contains("href=\"/base/en/articles/other-slug/#x\""),
        "{}",
        out.html
    );
    assert!(
        out.html.contains("href=\"/base/fr/entities/aleppo/\""),
        "{}",
        out.html
    );
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].code, Code::BrokenLink);
    assert!(
        out.problems[0]
            .help
            .as_deref()
            .unwrap()
            .contains("`other.en.md`")
    );
}

#[test]
fn prose_spans_skip_code_links_and_annotations() {
    let body = "## Alep {#alep}\n\nAlep et `Alep` puis [Alep](https://x.org) et [[aleppo|Alep]] fin\n\n```\nAlep\n```\n";
    let out = run(body, false);
    let text = format!("---\ntitle: t\n---\n{body}");
    let spans: Vec<&str> = out
        .text_spans
        .iter()
        .map(|t| &text[t.start..t.end])
        .collect();
    assert_eq!(spans, ["Alep", "Alep et ", " puis ", " et ", " fin"]);
    assert!(
        out.html.contains("<h2 id=\"alep\">Alep</h2>"),
        "{}",
        out.html
    );
}

#[test]
fn every_encoding_of_a_script_url_is_refused() {
    for url in [
        "javascript:alert(1)",
        "JAVASCRIPT:x",
        " \tjava\nscript:x",
        "java%73cript:x",
        "%6A%61%76%61script:x",
        "vbscript:x",
        "Data:text/html,x",
        "file:///etc/passwd",
    ] {
        assert!(crate::urls::is_unsafe(url), "{url}");
    }
    for url in [
        "https://x.org/javascript:",
        "/fr/",
        "mailto:a@b.c",
        "datafile.html",
    ] {
        assert!(!crate::urls::is_unsafe(url), "{url}");
    }
    let out = run("[a](&#106;avascript:x) ![b](FILE:///etc/passwd)\n", false);
    assert_eq!(out.problems.len(), 2, "{:#?}", out.problems);
    assert!(!out.html.contains("avascript") && !out.html.contains("etc/passwd"));
}

#[test]
fn a_bracket_closed_by_another_annotation_is_an_error() {
    let out = run("Les [[homs|Homs] et [[aleppo|Alep]] ; fin]] ici.\n", false);
    let found: Vec<_> = out
        .problems
        .iter()
        .map(|d| (d.code, d.location.as_ref().unwrap().col))
        .collect();
    assert_eq!(
        found,
        vec![
            (Code::UnclosedAnnotation, 5),
            (Code::UnclosedAnnotation, 42)
        ]
    );
    assert!(
        out.text_spans.is_empty(),
        "no suggestions around broken brackets"
    );
}

#[test]
fn nesting_beyond_the_limit_is_an_error_not_a_crash() {
    let deep = |n: usize| {
        (0..n)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect::<String>()
    };
    assert!(run(&deep(20), false).problems.is_empty());
    let out = run(&deep(300), false);
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    assert_eq!(out.problems[0].code, Code::TooDeep);
    let quotes = format!("{}x\n", "> ".repeat(2000));
    assert_eq!(run(&quotes, false).problems[0].code, Code::TooDeep);
    let html = "<div>".repeat(2000);
    let dropped = run(&html, false).problems;
    assert!(
        dropped.iter().all(|d| d.code == Code::HtmlDropped),
        "dropped HTML does not nest: {dropped:#?}"
    );
    assert_eq!(run(&html, true).problems[0].code, Code::TooDeep);
}

#[test]
fn problems_per_file_are_capped() {
    let body = "[[nope]] ".repeat(5000);
    let out = run(&body, false);
    assert_eq!(out.problems.len(), MAX_PROBLEMS + 1);
    let last = out.problems.last().unwrap();
    assert_eq!(last.code, Code::TooManyErrors);
    assert!(last.message.starts_with("4,900 more"), "{}", last.message);
}

#[test]
fn many_mentions_in_one_sentence_get_their_sentence_in_linear_time() {
    let body = format!("{}fin.\n", "[[aleppo]]-".repeat(20_000));
    let started = std::time::Instant::now();
    let out = run(&body, false);
    assert!(
        out.mentions[0]
            .snippet
            .as_ref()
            .unwrap()
            .after()
            .ends_with('…')
    );
    // Only the first mentions of each entity are kept, with their sentence: what its page
    // quotes. The others are counted.
    assert_eq!(out.mentions.len(), SENTENCES_PER_ENTITY as usize);
    assert!(out.mentions.iter().all(|m| m.snippet.is_some()));
    assert_eq!(out.mention_counts, vec![(Arc::from("aleppo"), 20_000)]);
    assert!(out.html.contains("id=\"m-aleppo-20000\""));
    // Generous for a debug build; quadratic work took 24 s in release.
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn dropped_html_is_reported_once_per_file_and_comments_are_not() {
    let out = run(
        "Texte.\n\n<iframe src=\"https://x.org\"></iframe>\n\n<!-- note -->\n\n<video></video>\n",
        false,
    );
    let dropped: Vec<_> = out
        .problems
        .iter()
        .filter(|d| d.code == Code::HtmlDropped)
        .collect();
    assert_eq!(dropped.len(), 1, "{:#?}", out.problems);
    assert!(
        dropped[0].message.contains("and 1 more"),
        "{}",
        dropped[0].message
    );
    assert!(
        dropped[0]
            .location
            .as_ref()
            .unwrap()
            .line_text
            .contains("<iframe")
    );
    assert!(run("<!-- only a note -->\n", false).problems.is_empty());
    assert!(run("<iframe></iframe>\n", true).problems.is_empty());
}

/// A name and its abbreviation side by side are one mention with two anchors; the same
/// entity named again further on counts again.
#[test]
fn a_name_and_its_abbreviation_count_once() {
    let out = run(
        "[[hts|Hayat Tahrir al-Sham]] ([[hts|HTS]]) a pris [[aleppo|Alep]]. Plus tard, [[hts|HTS]] et [[aleppo|Alep]], [[aleppo|Alep]].",
        false,
    );
    let count = |id: &str| {
        out.mention_counts
            .iter()
            .find(|(e, _)| &**e == id)
            .map(|(_, n)| *n)
    };
    assert_eq!(count("hts"), Some(2));
    // "Alep, Alep": a comma alone between two mentions is not a new one either.
    assert_eq!(count("aleppo"), Some(2));
    for anchor in ["m-hts-1", "m-hts-2", "m-hts-3", "m-aleppo-3"] {
        assert!(out.html.contains(anchor), "{anchor}: {}", out.html);
    }
}

#[test]
fn footnotes_are_numbered_in_order_with_anchors_of_their_own() {
    let out = run(
        "Un fait.[^main] Un autre.[^a b]\n\n[^a b]: Deux.\n[^main]: [Une source](https://example.org) \"x\".\n",
        false,
    );
    let html = out.html;
    // A label is never an id of the page (`main` is the skip link's target).
    assert!(!html.contains("id=\"main\""), "{html}");
    assert!(html.contains("<a href=\"#fn-main\">1</a>"), "{html}");
    assert!(html.contains("<a href=\"#fn-a-b\">2</a>"), "{html}");
    assert!(
        html.contains("id=\"fn-main\"><sup class=\"footnote-definition-label\">1</sup>"),
        "{html}"
    );
    assert!(
        html.contains("id=\"fn-a-b\"><sup class=\"footnote-definition-label\">2</sup>"),
        "{html}"
    );
}

#[test]
fn in_a_table_an_annotation_writes_its_bar_escaped_and_a_cut_one_says_so() {
    let table = "| Qui | Où |\n| --- | --- |\n| [[hts\\|Hayat Tahrir al-Sham]] | Alep |\n";
    let out = run(table, false);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.mentions.len(), 1);
    assert!(
        out.html
            .contains("<td><a class=\"mention\" id=\"m-hts-1\" href=\"/base/fr/entities/hts/\"")
            && out.html.contains(">Hayat Tahrir al-Sham</a></td>"),
        "{}",
        out.html
    );
    // Prose in a cell is known as such: a suggestion there escapes its `|`.
    let alep = out
        .text_spans
        .iter()
        .find(|t| t.end - t.start == 4)
        .unwrap();
    assert!(alep.in_table);
    let prose = run("Alep tombe.\n", false);
    assert!(!prose.text_spans[0].in_table);

    // Outside a table too, the escaped form is the same annotation.
    let out = run("La ville d'[[aleppo\\|Halab]].\n", false);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(&*out.mentions[0].entity, "aleppo");

    // Written as in prose, the table's `|` cuts the annotation: both halves say why.
    let out = run(&table.replace("\\|", "|"), false);
    let found: Vec<_> = out
        .problems
        .iter()
        .map(|d| (d.code, d.location.as_ref().unwrap().col, d.help.clone()))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    for (code, _, help) in &found {
        assert_eq!(*code, Code::UnclosedAnnotation);
        assert!(
            help.as_deref()
                .unwrap_or("")
                .contains("a `|` ends the cell"),
            "{help:?}"
        );
    }
    assert_eq!((found[0].1, found[1].1), (3, 29));
    assert!(
        found[0]
            .2
            .as_deref()
            .unwrap_or("")
            .ends_with("`[[hts\\|Hayat Tahrir al-Sham]]`")
    );
    // Elsewhere, an unclosed annotation gets the usual help, even with `[[`, `|` and `]]` on
    // its line.
    for text in ["a [[aleppo|b\n", "a [[aleppo b | c]]\n"] {
        let out = run(text, false);
        assert!(
            !out.problems[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("table"),
            "{text}"
        );
    }
    // In a cell, the help of an unknown entity writes the bar as the cell needs it.
    let out = run(&table.replace("hts\\|", "htss\\|"), false);
    assert_eq!(out.problems[0].code, Code::UnknownEntity);
    assert!(
        out.problems[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("`[[hts\\|...]]`")
    );
}

#[test]
fn an_annotation_without_an_id_or_without_words_is_an_error() {
    for text in [
        "d'[[aleppo|]].\n",
        "d'[[aleppo| ]].\n",
        "d'[[\\|Alep]].\n",
        "| a |\n| - |\n| [[\\|Alep]] |\n",
    ] {
        let out = run(text, false);
        let codes: Vec<Code> = out.problems.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::EmptyAnnotation], "{text}");
        assert!(!out.html.contains("<a "), "{text}: {}", out.html);
    }
}
