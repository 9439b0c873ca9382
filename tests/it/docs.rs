//! Every command the guides in docs/ show is run here, on the site of this repository, and
//! the output they show must be the output it gives: the docs cannot drift from the tool.
//!
//! A `console` block is a list of `$ command` lines, each followed by the output it prints
//! (`stdout`, then `stderr`). Times in milliseconds and port numbers may differ; nothing
//! else. A command shown without output must succeed. A block that needs the site in some
//! state first (an editor's typo) gets it from [`setup`], keyed by its first command.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::*;

const FR: &str = "content/articles/alep-offensive-hts.fr.md";
const EN: &str = "content/articles/alep-offensive-hts.en.md";

/// A `console` block of a guide.
struct Block {
    place: String,
    file: PathBuf,
    indent: usize,
    /// Each command, with the output shown under it and the line of the guide (0-based)
    /// where that output starts.
    steps: Vec<(String, Vec<String>, usize)>,
}

fn blocks() -> Vec<Block> {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let mut blocks = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let mut current: Option<(Block, usize)> = None;
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            match current.as_mut() {
                None if trimmed == "```console" => {
                    let indent = line.len() - trimmed.len();
                    let place = format!("docs/{name}:{}", n + 1);
                    current = Some((
                        Block {
                            place,
                            file: file.clone(),
                            indent,
                            steps: Vec::new(),
                        },
                        indent,
                    ));
                }
                None => {}
                Some(_) if trimmed == "```" => blocks.push(current.take().unwrap().0),
                Some((block, indent)) => {
                    let line = line.get(*indent..).unwrap_or(trimmed);
                    match line.strip_prefix("$ ") {
                        Some(command) => block.steps.push((command.to_string(), Vec::new(), n + 1)),
                        None => block.steps.last_mut().unwrap().1.push(line.to_string()),
                    }
                }
            }
        }
    }
    blocks
}

/// The state a block's commands start from, by the guide and the block's first command.
fn setup(guide: &str, first: &str) -> Option<fn(&TestSite)> {
    let typos: fn(&TestSite) = |s| {
        s.edit(FR, "d'[[aleppo|Alep]] après", "d'[[alep|Alep]] après");
        s.edit(FR, "[[moscow|Moscou]]", "Moscou");
        s.edit(EN, "[[al-qaida|Al-Qaeda]]", "Al-Qaeda");
    };
    let unannotated: fn(&TestSite) = |s| {
        s.edit(FR, "[[moscow|Moscou]]", "Moscou");
        s.edit(EN, "[[al-qaida|Al-Qaeda]]", "Al-Qaeda");
    };
    let nothing: fn(&TestSite) = |_| {};
    // This repository's templates/ holds the built-in templates; a site has none until it
    // ejects one.
    let own_templates_only: fn(&TestSite) =
        |s| std::fs::remove_dir_all(s.path("templates")).unwrap();
    Some(match (guide, first) {
        ("authoring.md", "depeche check" | "depeche check --format github") => typos,
        ("authoring.md", "depeche annotate --write") => unannotated,
        ("content.md", "depeche templates list") => own_templates_only,
        ("templates.md", "depeche templates eject entity.html") => own_templates_only,
        ("publishing.md", "depeche check") => nothing,
        ("authoring.md", "depeche import wire/aleppo.newsml.xml") => |s| {
            let feed = repo().join("tests/fixtures/wire/aleppo.newsml.xml");
            s.write("wire/aleppo.newsml.xml", std::fs::read(feed).unwrap());
        },
        (_, first) => match first {
            "depeche new article idlib-calm"
            | "depeche new entity damascus --type place"
            | "depeche serve"
            | "depeche init newsroom"
            | "depeche init aleppo"
            | "depeche init aleppo --host s3"
            | "git init -b main"
            | "depeche rename-entity idlib idleb --write"
            | "depeche entities"
            | "depeche init --empty newsroom" => nothing,
            _ => return None,
        },
    })
}

/// Commands shown for the reader to run elsewhere: they are not depeche's.
fn not_depeche(command: &str) -> bool {
    command.starts_with("git ")
}

/// Splits a command line as a shell would (quotes, `#` comments); no expansions.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, '#') if !started => break,
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// Times and ports change from run to run: the digits of `N ms` and of `127.0.0.1:N`.
fn free_numbers(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(|c: char| c.is_ascii_digit()) {
        let digits = rest[at..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |n| at + n);
        out.push_str(&rest[..at]);
        let free = rest[digits..].starts_with(" ms") || out.ends_with("127.0.0.1:");
        out.push_str(if free { "N" } else { &rest[at..digits] });
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Runs `depeche serve` until it says it is serving, and returns that line.
fn serve_line(dir: &Path, args: &[String]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_depeche"))
        .args(args)
        .args(["--port", "0"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    line
}

/// Writes what a command printed into its guide in place of what the guide showed
/// (`DEPECHE_BLESS_DOCS=1`, after a change that alters output on purpose; review the diff).
fn bless<'a>(block: &Block, at: usize, shown: usize, output: impl Iterator<Item = &'a str>) {
    let text = std::fs::read_to_string(&block.file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let pad = " ".repeat(block.indent);
    let fresh: Vec<String> = output.map(|l| format!("{pad}{l}")).collect();
    lines.splice(at..at + shown, fresh);
    std::fs::write(&block.file, lines.join("\n") + "\n").unwrap();
}

#[test]
fn every_command_in_the_guides_runs_and_prints_what_they_show() {
    let blocks = blocks();
    assert!(
        blocks.len() >= 8,
        "the guides' console blocks were not found"
    );
    for block in blocks {
        let first = &block.steps[0].0;
        let guide = block
            .place
            .trim_start_matches("docs/")
            .split(':')
            .next()
            .unwrap();
        let prepare = setup(guide, first)
            .unwrap_or_else(|| panic!("{}: no setup for a block starting `{first}`", block.place));
        let site = TestSite::shipped();
        prepare(&site);
        let mut dir = site.root().to_path_buf();
        for (command, shown, output_line) in &block.steps {
            let mut output = String::new();
            let mut all_ok = true;
            for part in command.split("&&").map(str::trim) {
                if not_depeche(part) {
                    continue;
                }
                let args = words(part);
                match args.first().map(String::as_str) {
                    Some("cd") => dir = dir.join(&args[1]),
                    Some("depeche") if args.get(1).is_some_and(|a| a == "serve") => {
                        output.push_str(&serve_line(&dir, &args[1..]));
                    }
                    Some("depeche") => {
                        let out = Command::new(env!("CARGO_BIN_EXE_depeche"))
                            .args(&args[1..])
                            .current_dir(&dir)
                            .output()
                            .unwrap();
                        all_ok &= out.status.success();
                        output.push_str(&String::from_utf8_lossy(&out.stdout));
                        output.push_str(&String::from_utf8_lossy(&out.stderr));
                    }
                    _ => panic!(
                        "{}: `{part}` is not a command the guides may show",
                        block.place
                    ),
                }
            }
            if shown.is_empty() {
                assert!(all_ok, "{}: `{command}` failed:\n{output}", block.place);
                continue;
            }
            let got: Vec<String> = output.lines().map(free_numbers).collect();
            let want: Vec<String> = shown.iter().map(|l| free_numbers(l)).collect();
            if got != want && std::env::var_os("DEPECHE_BLESS_DOCS").is_some() {
                bless(&block, *output_line, shown.len(), output.lines());
                continue;
            }
            assert_eq!(
                got.join("\n"),
                want.join("\n"),
                "{}: `{command}` prints something else than the guide shows",
                block.place
            );
        }
    }
}

/// The keys a page's template receives, from Tera's dump of its whole context: every
/// `"name": ` in it (text around, such as an article's body, may hold quotes of its own).
fn context_keys(dump: &str) -> std::collections::BTreeSet<String> {
    let mut keys = std::collections::BTreeSet::new();
    for (at, _) in dump.match_indices('"') {
        let rest = &dump[at + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        let after = &rest[name.len()..];
        if !name.is_empty() && (after.starts_with("\": ") || after.starts_with("\":&")) {
            keys.insert(name);
        }
    }
    keys
}

/// The variables docs/templates.md lists for each template are the ones it receives.
#[test]
fn the_templates_guide_lists_variables_the_templates_receive() {
    let site = TestSite::shipped();
    std::fs::remove_dir_all(site.path("templates")).unwrap();
    for name in [
        "home", "article", "entity", "entities", "search", "timeline", "map", "graph", "404",
    ] {
        site.write(
            &format!("templates/{name}.html"),
            "{{ __tera_context | safe }}",
        );
    }
    site.write("templates/sitemap.xml", "{{ __tera_context | safe }}");
    site.write("templates/atom.xml", "{{ __tera_context | safe }}");
    site.build_ok(&[]);
    let page = |path: &str| context_keys(&site.public(path));
    let home = page("fr/index.html");
    let pages = [
        ("Every page", home.clone()),
        ("`home.html`", home),
        // The English version is a translation, with a corrections log.
        (
            "`article.html`",
            page("en/articles/aleppo-offensive-hts/index.html"),
        ),
        // A place (coordinates) and a source of figures (what it reported).
        (
            "`entity.html`",
            page("fr/entities/aleppo/index.html")
                .union(&page("fr/entities/osdh/index.html"))
                .cloned()
                .collect(),
        ),
        ("`entities.html`", page("fr/entities/index.html")),
        ("`search.html`", page("fr/search/index.html")),
        ("`timeline.html`", page("fr/timeline/index.html")),
        ("`map.html`", page("fr/map/index.html")),
        ("`graph.html`", page("fr/graph/index.html")),
        ("`404.html`", page("404.html")),
        ("`sitemap.xml`", page("sitemap.xml")),
        ("`atom.xml`", page("fr/entities/hts/atom.xml")),
    ];
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md"))
            .unwrap();
    let mut checked = 0;
    for section in guide.split("\n### ").skip(1) {
        let (title, body) = section.split_once('\n').unwrap();
        let keys = &pages
            .iter()
            .find(|(name, _)| title.starts_with(name))
            .unwrap_or_else(|| panic!("no page for the section `{title}`"))
            .1;
        for row in body.lines().filter(|l| l.starts_with("| `")) {
            // `sitemaps` only exists beyond 5,000 pages.
            if row.starts_with("| `sitemaps`") {
                continue;
            }
            let names = row
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|code| !code.ends_with(".html") && !code.ends_with(".xml"))
                .flat_map(|code| code.split('.'))
                .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .filter(|w| !["ltr", "rtl"].contains(w));
            for name in names {
                assert!(
                    keys.contains(name),
                    "docs/templates.md, {title}: `{name}` is not a variable of the page ({keys:?})"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "only {checked} variables checked");
}

/// Every fenced block of README.md and docs/, with its file, line and info string.
struct Fenced {
    place: String,
    info: String,
    body: String,
    /// The last non-blank line before it (a `<!-- not run: … -->` marker).
    before: String,
    /// Whether its closing fence is where it ends.
    closed: bool,
}

fn fenced_blocks() -> Vec<Fenced> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(root).unwrap().display().to_string();
        out.extend(fenced_in(&name, &text));
    }
    out
}

/// The fenced blocks of one Markdown text.
fn fenced_in(name: &str, text: &str) -> Vec<Fenced> {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
    let mut out = Vec::new();
    let mut current: Option<(usize, String, String)> = None;
    for (event, range) in Parser::new_ext(text, Options::all()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => "(indented)".to_string(),
                };
                current = Some((range.start, info, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, _, body)) = current.as_mut() {
                    body.push_str(&t);
                }
            }
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                let Some((start, info, body)) = current.take() else {
                    continue;
                };
                let line = text[..start].matches('\n').count() + 1;
                let before = text[..start]
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let whole = text[start..range.end].trim_end();
                let closed = whole.ends_with("```") || whole.ends_with("~~~");
                out.push(Fenced {
                    place: format!("{name}:{line}"),
                    info,
                    body,
                    before,
                    closed,
                });
            }
            _ => {}
        }
    }
    out
}

/// A block whose fences are lost: unclosed (it swallows the rest), holding a fence line or a
/// heading, or indented instead of fenced.
fn malformed(b: &Fenced) -> bool {
    let lost_fence = b
        .body
        .lines()
        .any(|l| l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~"));
    let swallowed_heading = b.body.lines().any(|l| l.starts_with("## "));
    !b.closed || lost_fence || swallowed_heading || b.info == "(indented)"
}

/// Every fenced block in the docs is run by a test (`console` blocks, above; the README's two
/// commands, below) or says, just above it, why it is not (`<!-- not run: reason -->`); a fence
/// that is lost (an unclosed block swallowing what follows, a fence line inside a block) fails.
#[test]
fn every_fenced_block_is_run_or_says_why_not() {
    let blocks = fenced_blocks();
    assert!(blocks.len() > 30, "{} blocks found", blocks.len());
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    let mut problems = Vec::new();
    for b in &blocks {
        if malformed(b) {
            problems.push(format!(
                "{}: a malformed block (a fence lost or unclosed, a heading inside, or indented)",
                b.place
            ));
            continue;
        }
        let language = b.info.split_whitespace().next().unwrap_or_default();
        let reason = b
            .before
            .strip_prefix("<!-- not run:")
            .and_then(|r| r.strip_suffix("-->"))
            .map(str::trim);
        let run = match (b.place.starts_with("docs/"), language) {
            (true, "console") => true,
            // The README's test command is the one CI runs; its build command is run below.
            (false, "sh") if b.body.trim().starts_with("cargo test") => {
                assert!(
                    ci.lines().any(|l| l.trim() == b.body.trim()),
                    "{}: `{}` is not the command .ci/run runs",
                    b.place,
                    b.body.trim()
                );
                true
            }
            (false, "sh") if b.body.trim().starts_with("cargo run --release -- ") => {
                let args = words(b.body.trim().trim_start_matches("cargo run --release -- "));
                let site = TestSite::shipped();
                let out = site.depeche(&args.iter().map(String::as_str).collect::<Vec<_>>());
                assert!(
                    out.status.success(),
                    "{}: the README's command fails",
                    b.place
                );
                true
            }
            _ => false,
        };
        match (run, reason) {
            (true, Some(_)) => problems.push(format!("{}: run, and marked not run", b.place)),
            (false, None) => problems.push(format!(
                "{}: a `{language}` block no test runs: run it, or write `<!-- not run: why -->` above it",
                b.place
            )),
            (false, Some(why)) if why.split_whitespace().count() < 3 => {
                problems.push(format!("{}: say why it is not run", b.place))
            }
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_lost_fence_is_found() {
    // An opening fence lost: the block runs on, heading and all, to the end.
    let unclosed = "# Guide\n\n```console\n$ depeche check\n\n## 8. Next\n\ntext\n";
    // A closing fence lost: the next block's opening fence is read as its text.
    let run_on = "```sh\ncargo test\n\ntext\n\n```console\n$ depeche check\n```\n";
    let indented = "Text:\n\n    cargo test\n";
    for text in [unclosed, run_on, indented] {
        let blocks = fenced_in("guide.md", text);
        assert!(blocks.iter().any(malformed), "not found in {text:?}");
    }
    let whole = "```sh\ncargo test\n```\n\n## 8. Next\n";
    assert!(!fenced_in("guide.md", whole).iter().any(malformed));
}

/// The README's speed figures name the commit and the configuration they were measured with.
/// A change of a default that the figures depend on fails here until they are measured again
/// and the line says the new configuration.
#[test]
fn the_speed_figures_name_the_configuration_they_were_measured_with() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("Measured at commit "))
        .expect(
            "the Speed section's `Measured at commit … with the default configuration: …` line",
        );
    let commit = line["Measured at commit ".len()..]
        .split_whitespace()
        .next()
        .unwrap_or_default();
    assert!(
        commit.len() >= 7 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
        "{line}"
    );
    let stated: Vec<(String, String)> = line
        .split("default configuration: ")
        .nth(1)
        .unwrap_or_default()
        .trim_end_matches('.')
        .split(", ")
        .filter_map(|kv| kv.split_once(": "))
        .map(|(k, v)| {
            (
                k.trim_matches('`').to_string(),
                v.trim_matches('`').to_string(),
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: {fr: T, en: T}\nbase_url: https://example.org/\nlanguages: [fr, en]\n",
    )
    .unwrap();
    let config = depeche::config::Config::load(dir.path(), None).unwrap();
    let actual: Vec<(String, String)> = [
        ("build_search_index", config.build_search_index.to_string()),
        ("articles_per_page", config.articles_per_page.to_string()),
        ("backlinks_per_page", config.backlinks_per_page.to_string()),
        ("link_every_mention", config.link_every_mention.to_string()),
        ("allow_html", config.allow_html.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(
        stated, actual,
        "the default configuration changed: measure the Speed figures again and update {line:?}"
    );
}
