#!/usr/bin/env bash
# How big the HTML report of a large scan is, and how long headless chromium takes to open it.
#
#   bench/report_render.sh [CORPUS_DIR] [RUNS]     # defaults: /work/corpus, 5
#
# Scans CORPUS_DIR/vendor (the crates of ../shared/corpus/fetch.sh) as a plain folder with
# `cargo-loop loop scan DIR --format html`, the page going to bench/work/report/report.html,
# then loads it RUNS times in headless chromium (a fresh profile each time) and takes a
# screenshot of the first 1400x1800 pixels: that waits for the page to be parsed, laid out,
# its script run and painted. Prints the page's size, the median wall time of those runs, the
# median for a one-line page (chromium's own start-up), and their difference: the time the
# page itself costs. Goal: the page opens in under 3 s.
# Needs a release build (cargo build --release) and chromium (apt-get install -y chromium).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:-/work/corpus}
runs=${2:-5}
vendor="$corpus/vendor"
loop_bin=${CARGO_LOOP:-${CARGO_TARGET_DIR:-$here/../target}/release/cargo-loop}
out="$here/work/report"
[ -d "$vendor" ] || { echo "no corpus at $vendor: run ../shared/corpus/fetch.sh $corpus" >&2; exit 2; }
[ -x "$loop_bin" ] || { echo "no release build at $loop_bin: run cargo build --release" >&2; exit 2; }
command -v chromium >/dev/null || { echo "no chromium: apt-get install -y chromium" >&2; exit 2; }
mkdir -p "$out"

start=$(date +%s.%N)
"$loop_bin" loop scan "$vendor" --format html --no-cache --out "$out" -q
end=$(date +%s.%N)
page="$out/report.html"
echo "scan and write: $(echo "$end - $start" | bc) s"
echo "report.html: $(stat -c %s "$page") bytes"

# Wall time of one headless load and screenshot of URL, in seconds.
load() {
  local profile
  profile=$(mktemp -d)
  local s e
  s=$(date +%s.%N)
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size=1400,1800 --screenshot="$out/shot.png" "$1" \
    >/dev/null 2>&1
  e=$(date +%s.%N)
  rm -rf "$profile"
  echo "$e - $s" | bc
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

page_times=$(for _ in $(seq "$runs"); do load "file://$page"; done)
blank_times=$(for _ in $(seq "$runs"); do load "data:text/html,<p>blank</p>"; done)
page_median=$(echo "$page_times" | median)
blank_median=$(echo "$blank_times" | median)
echo "chromium, report.html: median $page_median s of $runs ($(echo $page_times))"
echo "chromium, blank page:  median $blank_median s of $runs"
echo "the page's own cost:   $(echo "$page_median - $blank_median" | bc) s"
