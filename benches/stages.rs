//! Stage micro-benchmarks on the shipped dispatch, so a regression shows in the stage where it
//! happens: front matter, annotation with Markdown rendering, the link graph, template
//! rendering and minification.
//!
//!     cargo bench --bench stages
//!
//! `cargo test` runs each once, as a test that the benchmarks still work.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use depeche::analyze::{self, AnalyzeOptions};
use depeche::annotate::Annotator;
use depeche::build;
use depeche::graph::Graph;
use depeche::load::front_matter;
use depeche::render::{Renderer, Selection, Theme};
use depeche::source::SourceText;
use depeche::urls::Urls;
use depeche::write;

const ARTICLE: &str = "content/articles/alep-offensive-hts.fr.md";
const KEY: &str = "alep-offensive-hts";

fn stages(c: &mut Criterion) {
    let options = build::Options {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        ..Default::default()
    };
    let config = build::load_config(&options).expect("site.yaml");
    let analysis = analyze::analyze(config, AnalyzeOptions::default());
    assert!(!analysis.has_errors(), "the shipped site has errors");
    let config = &analysis.config;
    let parts = &analysis.parts;
    let text = std::fs::read_to_string(config.root.join(ARTICLE)).expect("the dispatch");
    let src = SourceText::new(ARTICLE, text);
    let split = front_matter::split(&src).expect("front matter");

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(src.text.len() as u64));
    group.bench_function("front_matter", |b| {
        b.iter(|| {
            let split = front_matter::split(black_box(&src)).expect("split");
            front_matter::parse(&src, split, KEY).expect("parse")
        })
    });

    let urls = Urls::new(&config.base_path);
    let annotator = Annotator {
        lexicon: &parts.lexicon,
        urls: &urls,
        targets: &parts.targets,
        allow_html: config.allow_html,
        collect_text: false,
        html: true,
        snippets: true,
    };
    group.bench_function("annotate_markdown", |b| {
        b.iter(|| annotator.annotate(black_box(&src), split.body_start, "fr"))
    });
    group.finish();

    let mut group = c.benchmark_group("site");
    group.bench_function("link_graph", |b| {
        b.iter(|| Graph::build(&parts.documents, &parts.entities, &parts.prose, false))
    });

    let graph = analysis.graph.as_ref().expect("graph");
    let theme = Theme::load(config).expect("templates");
    let bodies = analyze::Bodies::new(config, parts);
    let renderer = Renderer::new(config, graph, &theme, &bodies);
    let article = Selection {
        articles: [KEY.to_string()].into(),
        ..Selection::default()
    };
    let entity = Selection {
        entities: [("aleppo".to_string(), None)].into(),
        ..Selection::default()
    };
    group.bench_function("render_article_pages", |b| {
        b.iter(|| {
            renderer
                .render_selection(black_box(&article))
                .expect("render")
        })
    });
    group.bench_function("render_entity_pages", |b| {
        b.iter(|| {
            renderer
                .render_selection(black_box(&entity))
                .expect("render")
        })
    });

    let pages = renderer.render_selection(&article).expect("render");
    let page = pages
        .iter()
        .find(|p| p.path.starts_with("fr/"))
        .expect("the French article page");
    group.finish();

    let mut group = c.benchmark_group("write");
    group.throughput(Throughput::Bytes(page.content.len() as u64));
    group.bench_function("minify_article_page", |b| {
        b.iter(|| write::minify(black_box(&page.content)))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
