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
use depeche::annotate::Annotator;
use depeche::graph::Graph;
use depeche::load::front_matter;
use depeche::render::Page;
use depeche::site::{Options, Purpose, Site};
use depeche::source::SourceText;
use depeche::urls::Urls;
use depeche::write;

const ARTICLE: &str = "content/articles/alep-offensive-hts.fr.md";
const KEY: &str = "alep-offensive-hts";

fn stages(c: &mut Criterion) {
    let options = Options {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        ..Default::default()
    };
    let site = Site::load(&options, Purpose::Render).expect("the shipped site builds");
    let config = &site.config;
    let parts = &site.parts;
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
        link_every_mention: config.link_every_mention,
        collect_text: false,
        html: true,
        snippets: true,
        text_limit: 0,
    };
    group.bench_function("annotate_markdown", |b| {
        b.iter(|| annotator.annotate(black_box(&src), split.body_start, "fr"))
    });
    group.finish();

    let mut group = c.benchmark_group("site");
    group.bench_function("link_graph", |b| {
        b.iter(|| Graph::build(&parts.documents, &parts.entities, &parts.prose, false))
    });

    let render = |paths: &[&str]| -> Vec<Page> {
        paths
            .iter()
            .map(|path| site.render(path).expect("planned").expect("render"))
            .collect()
    };
    let article = [
        "fr/articles/alep-offensive-hts/index.html",
        "en/articles/aleppo-offensive-hts/index.html",
    ];
    let entity = [
        "fr/entities/aleppo/index.html",
        "en/entities/aleppo/index.html",
    ];
    group.bench_function("render_article_pages", |b| {
        b.iter(|| render(black_box(&article)))
    });
    group.bench_function("render_entity_pages", |b| {
        b.iter(|| render(black_box(&entity)))
    });

    let pages = render(&article);
    let page = &pages[0];
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
