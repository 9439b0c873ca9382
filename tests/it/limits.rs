//! Bounded time and memory on any input: each hostile article, as large as a plain one, is
//! checked and built in about the time of the plain one and in memory proportional to its size.
//!
//! The default run uses 2 MB articles and generous margins, on CPU time (smaller articles
//! would let fixed costs exceed the memory budget). The benchmark of docs/safety.md runs the
//! same cases at 20 MB on a release build and prints the table:
//!
//!     DEPECHE_HOSTILE_MB=20 cargo test --release --test it limits:: -- --ignored --nocapture

use std::time::{Duration, Instant};

use crate::common::*;

/// One hostile article body of about `size` bytes, and whether it must fail to build.
struct Case {
    name: &'static str,
    body: fn(usize) -> String,
    fails: bool,
}

fn repeat_to(size: usize, unit: &str) -> String {
    unit.repeat(size / unit.len().max(1))
}

/// Paragraphs of about 64 KiB made of `unit`, then a short paragraph: as hostile as can be
/// within the size of a section (see docs/safety.md).
fn paragraphs_of(size: usize, unit: &str) -> String {
    let paragraph = format!("{}\n\nSuite.\n\n", repeat_to(64 << 10, unit));
    repeat_to(size, &paragraph)
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "plain article",
            // The shipped dispatch's text, over and over: a real article's density of
            // annotations, links and paragraphs.
            body: |n| {
                let dispatch = std::fs::read_to_string(
                    repo().join("content/articles/alep-offensive-hts.fr.md"),
                )
                .unwrap();
                let body = dispatch.splitn(3, "---\n").nth(2).unwrap().to_string();
                repeat_to(n, &format!("{body}\n"))
            },
            fails: false,
        },
        Case {
            name: "one paragraph of it all",
            body: |n| repeat_to(n, "[[aleppo|Alep]] "),
            fails: true,
        },
        Case {
            name: "sentences of 4,000 annotations",
            body: |n| paragraphs_of(n, "[[aleppo|Alep]] "),
            fails: false,
        },
        Case {
            name: "lines of [[",
            body: |n| paragraphs_of(n, "[["),
            fails: true,
        },
        Case {
            name: "lines of [[ and spaces",
            body: |n| paragraphs_of(n, "[[ x "),
            fails: true,
        },
        Case {
            name: "unknown annotations",
            body: |n| paragraphs_of(n, "[[nulle-part]] "),
            fails: true,
        },
        Case {
            name: "lists 90 deep",
            body: |n| {
                let block: String = (0..90)
                    .map(|i| format!("{}- x\n", "  ".repeat(i)))
                    .collect::<String>()
                    + "\nfin\n\n";
                repeat_to(n, &block)
            },
            fails: false,
        },
        Case {
            name: "quotes 5,000 deep",
            body: |n| format!("{}x\n\nSuite.\n\n", "> ".repeat(5000)).repeat((n / 10_010).max(1)),
            fails: true,
        },
        Case {
            name: "lines without spaces",
            body: |n| paragraphs_of(n, "a"),
            fails: false,
        },
        Case {
            name: "emphasis, links and code",
            body: |n| paragraphs_of(n, "*a* **b** [c](https://example.org/) `d` "),
            fails: false,
        },
        Case {
            name: "script links",
            body: |n| paragraphs_of(n, "[x](javascript:alert(1)) "),
            fails: true,
        },
    ]
}

/// Wall time and peak resident memory (bytes) of one `depeche` run in `site`.
#[cfg(unix)]
#[allow(
    clippy::zombie_processes,
    reason = "reaped by wait4, which also reports its memory"
)]
/// Runs depeche: whether it succeeded, its wall time, its CPU time (user and system, all
/// threads) and its peak RSS.
fn measure(site: &TestSite, args: &[&str]) -> (bool, Duration, Duration, u64) {
    use std::os::unix::process::ExitStatusExt;
    // Untimed: no run pays for flushing the files an earlier one wrote.
    let _ = std::process::Command::new("sync").status();
    let started = Instant::now();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_depeche"))
        .args(args)
        .current_dir(site.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for this child only.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid we hold, writing into the locals above.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    let elapsed = started.elapsed();
    let status = std::process::ExitStatus::from_raw(status);
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    (
        status.success(),
        elapsed,
        cpu,
        usage.ru_maxrss as u64 * 1024,
    )
}

fn site_with(body: &str) -> TestSite {
    let site = TestSite::shipped();
    site.write(
        "content/articles/big.fr.md",
        format!("---\ntitle: Gros\ndate: 2024-11-30\n---\n{body}"),
    );
    site
}

struct Row {
    name: &'static str,
    bytes: usize,
    /// pulldown-cmark alone, parsing the same text (best of three).
    parser: Duration,
    check: Duration,
    build: Duration,
    /// CPU time: what the assertions hold, since wall time on a shared machine also counts
    /// waiting for the cores and for the file system.
    check_cpu: Duration,
    build_cpu: Duration,
    rss: u64,
}

/// The median of `runs` measures of a command; builds start from an empty output folder.
#[cfg(unix)]
fn median_of(runs: usize, site: &TestSite, args: &[&str]) -> (bool, Duration, Duration, u64) {
    let mut all: Vec<(bool, Duration, Duration, u64)> = (0..runs)
        .map(|_| {
            for dir in ["public", ".public.depeche-old", ".public.depeche-staging"] {
                let _ = std::fs::remove_dir_all(site.path(dir));
            }
            measure(site, args)
        })
        .collect();
    all.sort_by_key(|&(_, _, cpu, _)| cpu);
    let peak = all.iter().map(|&(_, _, _, rss)| rss).max().unwrap_or(0);
    let (ok, wall, cpu, _) = all[all.len() / 2];
    (ok, wall, cpu, peak)
}

#[cfg(unix)]
fn run_all(size: usize, runs: usize) -> (Vec<Row>, u64) {
    let empty = site_with("Texte.\n");
    let (_, _, _, base_rss) = measure(&empty, &["build"]);
    let mut rows = Vec::new();
    for case in cases() {
        let body = (case.body)(size);
        let site = site_with(&body);
        let (checked, check, check_cpu, check_rss) = median_of(runs, &site, &["check"]);
        let (built, build, build_cpu, build_rss) = median_of(runs, &site, &["build"]);
        assert_eq!(checked, !case.fails, "{}: check", case.name);
        assert_eq!(built, !case.fails, "{}: build", case.name);
        rows.push(Row {
            name: case.name,
            bytes: body.len(),
            parser: Duration::ZERO,
            check,
            build,
            check_cpu,
            build_cpu,
            rss: check_rss.max(build_rss),
        });
    }
    // The parser's own time, measured last: memory this process takes would count in the
    // peak of the commands it starts afterwards.
    for (row, case) in rows.iter_mut().zip(cases()) {
        let body = (case.body)(size);
        let options = pulldown_cmark::Options::ENABLE_WIKILINKS
            | pulldown_cmark::Options::ENABLE_TABLES
            | pulldown_cmark::Options::ENABLE_FOOTNOTES
            | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
            | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES;
        row.parser = (0..3)
            .map(|_| {
                let started = Instant::now();
                pulldown_cmark::Parser::new_ext(&body, options).for_each(drop);
                started.elapsed()
            })
            .min()
            .unwrap_or_default();
    }
    (rows, base_rss)
}

#[cfg(unix)]
fn assert_within(rows: &[Row], base_rss: u64, time_factor: f64, memory_factor: u64) {
    let plain = &rows[0];
    let slowest = plain.check_cpu.max(plain.build_cpu).as_secs_f64();
    for row in rows {
        let time = row.check_cpu.max(row.build_cpu).as_secs_f64();
        // Dense markup costs the Markdown parser itself more per byte (its time alone on
        // some inputs exceeds twice the whole plain build): depeche's own share is what is
        // held to the factor.
        let parser = row.parser.as_secs_f64();
        assert!(
            time <= time_factor * slowest + parser + 0.1,
            "{}: {time:.2} s of CPU against {slowest:.2} s for a plain article ({parser:.2} s in the parser alone)",
            row.name
        );
        let budget = base_rss + memory_factor * row.bytes as u64;
        assert!(
            row.rss <= budget,
            "{}: peak {} MiB over the budget of {} MiB",
            row.name,
            row.rss >> 20,
            budget >> 20
        );
    }
}

#[cfg(unix)]
#[test]
fn hostile_articles_cost_about_what_a_plain_one_does() {
    let (rows, base_rss) = run_all(2 << 20, 1);
    // Generous: a debug build on a shared machine, and sizes where fixed costs (a section's
    // parse tree, the allocator's arenas) still weigh; the benchmark holds the targets.
    assert_within(&rows, base_rss, 4.0, 40);
}

#[cfg(unix)]
#[test]
#[ignore = "benchmark: run by hand, see the module documentation"]
fn hostile_articles_benchmark() {
    let mb: usize = std::env::var("DEPECHE_HOSTILE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let (rows, base_rss) = run_all(mb << 20, 3);
    println!("| input ({mb} MB) | check | build | parser alone | peak RSS | RSS / size |");
    // Medians of 3 runs; builds into an empty folder.
    println!("| --- | --- | --- | --- | --- | --- |");
    for row in &rows {
        println!(
            "| {} | {:.2} s | {:.2} s | {:.2} s | {} MiB | {:.1}x |",
            row.name,
            row.check.as_secs_f64(),
            row.build.as_secs_f64(),
            row.parser.as_secs_f64(),
            row.rss >> 20,
            (row.rss.saturating_sub(base_rss)) as f64 / row.bytes as f64
        );
    }
    println!(
        "(a site without the article peaks at {} MiB)",
        base_rss >> 20
    );
    assert_within(&rows, base_rss, 2.0, 20);
}
