//! The whole Markdown stage on any text: no panic, no stack overflow, bounded problems.
#![no_main]

use std::sync::OnceLock;

use depeche::annotate::{Annotator, Lexicon, MAX_PROBLEMS, Targets};
use depeche::source::SourceText;
use depeche::load::entity;
use depeche::urls::Urls;
use libfuzzer_sys::fuzz_target;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let langs = vec!["fr".to_string(), "en".to_string()];
        let entities: Vec<_> = [
            ("aleppo", "type: place\nname: {fr: Alep, en: Aleppo}\n"),
            ("hts", "type: organization\nname: {fr: HTS, en: HTS}\n"),
        ]
        .iter()
        .map(|(id, yaml)| {
            entity::parse(id, SourceText::new("e.yaml", yaml.to_string()), &langs).unwrap()
        })
        .collect();
        Lexicon::new(&entities, &[])
    })
}

fuzz_target!(|body: &str| {
    let urls = Urls::new("/depeche/");
    let targets = Targets::default();
    for allow_html in [false, true] {
        let annotator = Annotator {
            lexicon: lexicon(),
            urls: &urls,
            targets: &targets,
            allow_html,
            link_every_mention: allow_html,
            collect_text: true,
            html: true,
            snippets: true,
            text_limit: 0,
        };
        let src = SourceText::new("content/articles/a.fr.md", body.to_string());
        let out = annotator.annotate(&src, 0, "fr");
        assert!(out.problems.len() <= MAX_PROBLEMS + 1);
    }
});
