//! Writes a deterministic synthetic depeche site for benchmarks and scale tests:
//! bilingual article pairs of about 600 words per language, with headings, lists, emphasis and
//! links, about a dozen annotations each drawn from a Zipf-like distribution (a few hub
//! entities appear in most articles), and entity files in both languages.
//!
//! With `--hugo DIR` it also writes the same text as a Hugo site (translations by file name,
//! annotations as links, an `entities` taxonomy whose term pages list the articles), so the two
//! generators can be timed on the same work (see benches/README.md).
//!
//! cargo run --release --example gen_corpus -- --articles 1000 --entities 200 --out /tmp/corpus

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 1000)]
    articles: usize,
    #[arg(long, default_value_t = 200)]
    entities: usize,
    #[arg(long)]
    out: PathBuf,
    /// Also write the corpus as a Hugo site into this folder.
    #[arg(long)]
    hugo: Option<PathBuf>,
}

/// xorshift64*: deterministic across platforms and runs, no dependency needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Index in 0..n with probability proportional to 1/(i+1).
    fn zipf(&mut self, n: usize, harmonic: f64) -> usize {
        let mut target = (self.next() as f64 / u64::MAX as f64) * harmonic;
        for i in 0..n {
            target -= 1.0 / (i as f64 + 1.0);
            if target <= 0.0 {
                return i;
            }
        }
        n - 1
    }
}

const FR_WORDS: &str = "les forces ont pris le contrôle de la ville après une offensive selon des sources locales dans région nord combattants civils bilan frappes aériennes ont visé quartiers est ouest gouvernement rebelles factions alliées ont annoncé samedi vendredi mercredi renforts militaires";
const EN_WORDS: &str = "the forces have taken control of city after an offensive according to local sources in region north fighters civilians toll air strikes hit districts east west government rebels factions allied announced on Saturday Friday Wednesday military reinforcements said";
const HUBS: &[(&str, &str, &str, &str)] = &[
    ("aleppo", "place", "Alep", "Aleppo"),
    ("idlib", "place", "Idleb", "Idlib"),
    ("hts", "organization", "HTS", "HTS"),
    ("osdh", "organization", "OSDH", "SOHR"),
];
const KINDS: &[&str] = &["organization", "place", "person", "event", "other"];

fn entity(i: usize) -> (String, &'static str, String, String) {
    match HUBS.get(i) {
        Some(&(id, kind, fr, en)) => (id.to_string(), kind, fr.to_string(), en.to_string()),
        None => (
            format!("entity-{i:05}"),
            KINDS[i % KINDS.len()],
            format!("Entité {i}"),
            format!("Entity {i}"),
        ),
    }
}

fn sentence(rng: &mut Rng, words: &[&str], len: usize) -> String {
    let mut s = String::new();
    for w in 0..len {
        let word = words[rng.below(words.len())];
        if w == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                s.extend(first.to_uppercase());
                s.push_str(chars.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(word);
        }
    }
    s
}

fn body(rng: &mut Rng, lang: &str, mentions: &[usize]) -> String {
    let words: Vec<&str> = if lang == "fr" { FR_WORDS } else { EN_WORDS }
        .split(' ')
        .collect();
    let words = words.as_slice();
    let mut out = String::new();
    let mut pending = mentions.iter();
    for section in 0..4 {
        if section > 0 {
            let _ = writeln!(out, "## {}\n", sentence(rng, words, 4));
        }
        for _ in 0..3 {
            for _ in 0..4 {
                out.push_str(&sentence(rng, words, 9));
                if let Some(&m) = pending.next() {
                    let (id, _, fr, en) = entity(m);
                    if rng.below(2) == 0 {
                        let _ = write!(out, " [[{id}]]");
                    } else {
                        let _ = write!(out, " [[{id}|{}]]", if lang == "fr" { fr } else { en });
                    }
                }
                out.push_str(". ");
            }
            let _ = write!(
                out,
                "*{}*, [source](https://example.org/{}).\n\n",
                sentence(rng, words, 3),
                rng.below(1000)
            );
        }
        for _ in 0..3 {
            let _ = writeln!(out, "- {}", sentence(rng, words, 6));
        }
        out.push('\n');
    }
    out
}

/// `[[id]]` and `[[id|text]]` as the Markdown links Hugo renders in their place.
fn hugo_links(markdown: &str, lang: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 256);
    let mut rest = markdown;
    while let Some(start) = rest.find("[[") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find("]]") else {
            break;
        };
        let inner = &rest[start + 2..start + len];
        let (id, text) = match inner.split_once('|') {
            Some((id, text)) => (id, text.to_string()),
            None => {
                let (_, _, fr, en) = entity_by_id(inner);
                (inner, if lang == "fr" { fr } else { en })
            }
        };
        let _ = write!(out, "[{text}](/{lang}/entities/{id}/)");
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

fn entity_by_id(id: &str) -> (String, &'static str, String, String) {
    let index = HUBS
        .iter()
        .position(|h| h.0 == id)
        .or_else(|| id.strip_prefix("entity-").and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    entity(index)
}

const HUGO_CONFIG: &str = r#"baseURL = "http://localhost:1111/"
defaultContentLanguage = "fr"
defaultContentLanguageInSubdir = true
disableKinds = ["rss"]
[languages.fr]
weight = 1
title = "Corpus"
languageName = "Français"
[languages.en]
weight = 2
title = "Corpus"
languageName = "English"
[taxonomies]
entity = "entities"
[pagination]
pagerSize = 20
"#;

const HUGO_BASEOF: &str = r#"<!doctype html>
<html lang="{{ .Language.Lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}
<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a>{{ end }}</header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"#;

const HUGO_PAGE: &str = r#"{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2 January 2006" }}</time>
{{ .Content }}</article>
<aside><h2>Entities</h2><ul>{{ range .GetTerms "entities" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></aside>{{ end }}
"#;

const HUGO_TERM: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Params.description }}</p>
{{ $pager := .Paginate .Pages }}{{ range $pager.Pages }}<article><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<time>{{ .Date.Format "2 January 2006" }}</time><p>{{ .Summary }}</p></article>{{ end }}
{{ if $pager.HasPrev }}<a href="{{ $pager.Prev.URL }}">prev</a>{{ end }}{{ if $pager.HasNext }}<a href="{{ $pager.Next.URL }}">next</a>{{ end }}{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>{{ end }}</ul>{{ end }}
"#;

const HUGO_HOME: &str = r#"{{ define "main" }}{{ range where .Site.RegularPages "Section" "articles" }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2 January 2006" }}</time><p>{{ .Summary }}</p></article>{{ end }}{{ end }}
"#;

fn write_hugo_skeleton(dir: &std::path::Path) -> std::io::Result<()> {
    fs::create_dir_all(dir.join("layouts"))?;
    fs::create_dir_all(dir.join("static"))?;
    fs::write(dir.join("hugo.toml"), HUGO_CONFIG)?;
    for (name, text) in [
        ("baseof.html", HUGO_BASEOF),
        ("page.html", HUGO_PAGE),
        ("term.html", HUGO_TERM),
        ("taxonomy.html", HUGO_LIST),
        ("section.html", HUGO_LIST),
        ("home.html", HUGO_HOME),
    ] {
        fs::write(dir.join("layouts").join(name), text)?;
    }
    fs::write(
        dir.join("static/style.css"),
        "body{font-family:system-ui}\n",
    )
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let entities = args.entities.max(HUBS.len());
    let articles_dir = args.out.join("content/articles");
    let entities_dir = args.out.join("content/entities");
    fs::create_dir_all(&articles_dir)?;
    fs::create_dir_all(&entities_dir)?;
    fs::write(
        args.out.join("site.yaml"),
        "title: {fr: Corpus, en: Corpus}\nbase_url: http://localhost:1111/\nlanguages: [fr, en]\n",
    )?;
    if let Some(hugo) = &args.hugo {
        write_hugo_skeleton(hugo)?;
    }
    for i in 0..entities {
        let (id, kind, fr, en) = entity(i);
        if let Some(hugo) = &args.hugo {
            let dir = hugo.join("content/entities").join(&id);
            fs::create_dir_all(&dir)?;
            for (lang, name) in [("fr", &fr), ("en", &en)] {
                fs::write(
                    dir.join(format!("_index.{lang}.md")),
                    format!("---\ntitle: \"{name}\"\ndescription: \"{name}: {kind}\"\n---\n"),
                )?;
            }
        }
        let mut yaml = format!(
            "type: {kind}\nname: {{fr: \"{fr}\", en: \"{en}\"}}\naliases: {{fr: [\"{fr} alias\"], en: [\"{en} alias\"]}}\ndescription: {{fr: \"Description de {fr}.\", en: \"Description of {en}.\"}}\nunverified: [wikidata, coordinates]\nas_of: 2024-11-30\nsource: {{url: \"https://example.org/{fr}\", title: \"{fr}\"}}\n"
        );
        if i > 0 {
            let _ = write!(
                yaml,
                "relations:\n  - {{type: part_of, target: {}}}\n",
                entity(i / 2).0
            );
        }
        fs::write(entities_dir.join(format!("{id}.yaml")), yaml)?;
    }
    let harmonic: f64 = (0..entities).map(|i| 1.0 / (i as f64 + 1.0)).sum();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for a in 0..args.articles {
        let mentions: Vec<usize> = (0..12).map(|_| rng.zipf(entities, harmonic)).collect();
        let day = 1 + a % 28;
        let month = 1 + (a / 28) % 12;
        // Backwards from 2024: every article is in the past, so that both tools publish all
        // of them (Hugo, like depeche, holds back an article dated after today).
        let year = 2024 - a / (28 * 12);
        for lang in ["fr", "en"] {
            let title = if lang == "fr" {
                format!("Dépêche {a}")
            } else {
                format!("Dispatch {a}")
            };
            let date = format!("{year}-{month:02}-{day:02}");
            let markdown = body(&mut rng, lang, &mentions);
            if let Some(hugo) = &args.hugo {
                let dir = hugo.join("content/articles");
                fs::create_dir_all(&dir)?;
                let mut ids: Vec<String> = mentions.iter().map(|&m| entity(m).0).collect();
                ids.sort();
                ids.dedup();
                let hugo_text = format!(
                    "---\ntitle: {title}\ndate: {date}\nentities: [{}]\n---\n{}",
                    ids.join(", "),
                    hugo_links(&markdown, lang)
                );
                fs::write(dir.join(format!("a{a:06}.{lang}.md")), hugo_text)?;
            }
            let text = format!("---\ntitle: {title}\ndate: {date}\n---\n{markdown}");
            fs::write(articles_dir.join(format!("a{a:06}.{lang}.md")), text)?;
        }
    }
    println!(
        "wrote {} articles and {entities} entities to {}",
        args.articles,
        args.out.display()
    );
    Ok(())
}
