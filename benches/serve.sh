#!/usr/bin/env bash
# What `depeche serve` costs on a site: how long it takes to start and its peak memory then
# (VmHWM), then, edit after edit of one article, how long from the save until the article's
# page, asked for over HTTP, shows the edit. Not part of the test suite: run it by hand.
#
#   benches/serve.sh SITE [edits]        e.g. benches/serve.sh /tmp/depeche-bench/depeche-10000 10
#
# Needs curl. The article edited is the first English one by name; it is put back at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
site=$1
edits=${2:-10}
cargo build --release --quiet --bin depeche
depeche=$PWD/target/release/depeche

log=$(mktemp)
started=$(date +%s%N)
"$depeche" -r "$site" serve --port 0 > "$log" 2>&1 &
server=$!
article=$(find "$site/content/articles" -name '*.en.md' | sort | sed -n 1p)
original=$(mktemp)
cp "$article" "$original"
trap 'kill $server 2>/dev/null; cp "$original" "$article"; rm -f "$log" "$original"' EXIT
until grep -q '^Serving' "$log"; do
  kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.01
done
ready=$(date +%s%N)
url=$(grep -o 'http://[^ ]*' "$log" | head -1)
echo "started in $(( (ready - started) / 1000000 )) ms, VmHWM $(awk '/VmHWM/ {print $2 / 1024 " MiB"}' /proc/$server/status)"

key=$(basename "$article" .en.md)
slug=$(sed -n 's/^slug: *//p' "$article" | head -1)
page="${url}en/articles/${slug:-$key}/"
curl -sf "$page" > /dev/null
samples=()
for ((i = 1; i <= edits; i++)); do
  marker="Edited for the benchmark, $i of $edits, $RANDOM."
  cp "$original" "$article"
  printf '\n%s\n' "$marker" >> "$article"
  saved=$(date +%s%N)
  until curl -sf "$page" | grep -q "$marker"; do sleep 0.005; done
  samples+=($(( ($(date +%s%N) - saved) / 1000000 )))
  sleep 0.3
done
sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
echo "edit visible over HTTP after (ms): median $(echo "$sorted" | sed -n "$(( (edits + 1) / 2 ))p"), min $(echo "$sorted" | head -1), max $(echo "$sorted" | tail -1) over $edits edits"
echo "VmHWM after the edits: $(awk '/VmHWM/ {print $2 / 1024 " MiB"}' /proc/$server/status)"
grep '^Updated' "$log" | tail -3
