#!/usr/bin/env bash
# `cargo loop ci` on a warm cache after a one-file change, in a ~500k-line tree of published
# crates (the corpus of ../shared/corpus/fetch.sh, analysed as a plain folder), against a
# baseline written first. Prints each run's wall time and the median of each kind:
#   cold      --no-cache: every file parsed
#   unchanged warm cache, nothing changed
#   one-file  warm cache, one file edited (a function appended) before each run
# Run in release mode:
#   cargo build --release && bench/ci_warm.sh [CORPUS_VENDOR_DIR] [LINES] [RUNS]
set -euo pipefail
corpus=${1:-/work/corpus/vendor}; want=${2:-500000}; runs=${3:-5}
bin=${CARGO_LOOP:-$(cd "$(dirname "$0")/.." && pwd)/target/release/cargo-loop}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tree="$work/tree"; mkdir -p "$tree"
lines=0
for crate in $(ls "$corpus" | sort); do
  [ -d "$corpus/$crate/src" ] || continue
  n=$(find "$corpus/$crate/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)
  cp -r "$corpus/$crate/src" "$tree/$crate"
  lines=$((lines + n))
  [ "$lines" -ge "$want" ] && break
done
echo "tree: $(find "$tree" -name '*.rs' | wc -l) files, $lines lines"
out="$work/out"
ci() { "$bin" loop ci "$tree" --out "$out" --baseline "$work/baseline.json" --fail-on never -q "$@" >/dev/null; }
time_of() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
"$bin" loop baseline "$tree" --out "$out" --baseline "$work/baseline.json" -q
target=$(find "$tree" -name '*.rs' | sort | sed -n '100p')
for kind in cold unchanged one-file; do
  for i in $(seq "$runs"); do
    case $kind in
      cold) time_of ci --no-cache ;;
      unchanged) time_of ci ;;
      one-file)
        printf '\npub fn loop_bench_edit_%s(x: u32) -> u32 {\n    x + %s\n}\n' "$i" "$i" >> "$target"
        time_of ci ;;
    esac
  done | tee "$work/$kind.txt" | sed "s/^/$kind /"
  echo "median $kind: $(median < "$work/$kind.txt") s"
done
