//! Writes a deterministic synthetic depeche site for benchmarks and scale tests:
//! bilingual article pairs of about 600 words per language, with headings, lists, emphasis and
//! links, about a dozen annotations each drawn from a Zipf-like distribution (a few hub
//! entities appear in most articles), and entity files in both languages.
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
    for i in 0..entities {
        let (id, kind, fr, en) = entity(i);
        let mut yaml = format!(
            "type: {kind}\nname: {{fr: \"{fr}\", en: \"{en}\"}}\naliases: {{fr: [\"{fr} alias\"], en: [\"{en} alias\"]}}\ndescription: {{fr: \"Description de {fr}.\", en: \"Description of {en}.\"}}\nunverified: [wikidata, coordinates]\n"
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
        let year = 2000 + a / (28 * 12);
        for lang in ["fr", "en"] {
            let title = if lang == "fr" {
                format!("Dépêche {a}")
            } else {
                format!("Dispatch {a}")
            };
            let text = format!(
                "---\ntitle: {title}\ndate: {year}-{month:02}-{day:02}\n---\n{}",
                body(&mut rng, lang, &mentions)
            );
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
