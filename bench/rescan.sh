#!/usr/bin/env bash
# Rescan after a one-file change, as a share of a cold scan: `cargo loop scan` over the
# corpus's crates matching a prefix (default ra_ap_*, rust-analyzer's published crates;
# ra-ap-* are the rustc crates it vendors),
# analysed as a plain folder. Cold is --no-cache (every file parsed); one-file appends a
# function to one file before each run, with the caches of the run before it.
# Run in release mode:
#   cargo build --release && bench/rescan.sh [CORPUS_VENDOR_DIR] [PREFIX] [RUNS]
set -euo pipefail
corpus=${1:-/work/corpus/vendor}; prefix=${2:-ra_ap_}; runs=${3:-5}
bin=${CARGO_LOOP:-$(cd "$(dirname "$0")/.." && pwd)/target/release/cargo-loop}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for crate in "$corpus"/"$prefix"*; do
  [ -d "$crate/src" ] && cp -r "$crate/src" "$work/$(basename "$crate")"
done
echo "tree: $(find "$work" -name '*.rs' | wc -l) files, $(find "$work" -name '*.rs' -print0 | xargs -0 cat | wc -l) lines"
scan() { "$bin" loop scan "$work" --out "$work/.out" -q --format json "$@" >/dev/null; }
time_of() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
target=$(find "$work" -name '*.rs' -not -path '*/.out/*' | sort | sed -n '10p')
scan  # fills the caches
for i in $(seq "$runs"); do time_of scan --no-cache; done > "$work/cold.txt"
for i in $(seq "$runs"); do
  printf '\npub fn loop_bench_edit_%s(x: u32) -> u32 {\n    x + %s\n}\n' "$i" "$i" >> "$target"
  time_of scan
done > "$work/one.txt"
cold=$(median < "$work/cold.txt"); one=$(median < "$work/one.txt")
echo "cold: $(tr '\n' ' ' < "$work/cold.txt")-> median $cold s"
echo "one-file: $(tr '\n' ' ' < "$work/one.txt")-> median $one s"
echo "share: $(echo "scale=3; $one / $cold" | bc)"
