//! Times the incremental rebuild `serve` runs after an edit to one article, through the same
//! library code: load the site into a session, then edit one article N times and rebuild.
//!
//! cargo run --release --example incremental -- --site /tmp/corpus --edits 20

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use depeche::incremental::Session;
use depeche::site;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    site: PathBuf,
    #[arg(long, default_value_t = 20)]
    edits: usize,
    /// The article to edit (relative to the site), by default the middle one.
    #[arg(long)]
    article: Option<PathBuf>,
}

fn main() {
    let args = Args::parse();
    let root = args.site.canonicalize().expect("site folder");
    let options = site::Options {
        root: root.clone(),
        ..Default::default()
    };
    let start = Instant::now();
    let mut session = match Session::start(&options, usize::MAX) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!(
        "initial in-memory build: {} ms, {} pages",
        start.elapsed().as_millis(),
        session.page_count()
    );
    let article = args.article.map_or_else(
        || {
            let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("content/articles"))
                .expect("articles")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".en.md"))
                .collect();
            files.sort();
            files[files.len() / 2].clone()
        },
        |a| root.join(a),
    );
    let original = std::fs::read_to_string(&article).expect("article");
    let mut samples = Vec::new();
    let mut rendered = 0;
    for i in 0..args.edits {
        let edited = original.replacen("\n---\n", &format!("\n---\nEdit number {i}.\n\n"), 1);
        std::fs::write(&article, edited).expect("write");
        let t = Instant::now();
        let update = session
            .update(std::slice::from_ref(&article))
            .expect("rebuild");
        // Visible: the edited article's page made again, as the reloading tab asks for it.
        let page = update
            .changed
            .iter()
            .find(|p| p.contains("/articles/") && p.ends_with(".html"))
            .expect("the article's page changed");
        session.page(page).expect("planned").expect("renders");
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
        rendered = update.changed.len();
        assert!(!update.full, "the edit took the full-build path");
    }
    std::fs::write(&article, original).expect("restore");
    samples.sort_by(f64::total_cmp);
    println!(
        "edit of {} to its page made again ({} outputs changed): median {:.1} ms, min {:.1} ms, max {:.1} ms over {} edits",
        article.file_name().unwrap_or_default().to_string_lossy(),
        rendered,
        samples[samples.len() / 2],
        samples[0],
        samples[samples.len() - 1],
        samples.len()
    );
}
