#!/usr/bin/env bash
# Speed benchmark: wall time and peak memory of `cargo loop dup` and its peers on growing
# slices of the corpus made by ../shared/corpus/fetch.sh, side by side in one session.
#
#   bench/speed.sh [CORPUS_DIR] [RUNS]     # defaults: /work/corpus, 3
#
# Slices (folders of hard-linked copies of vendored crates, under bench/work/speed/: the
# peers do not follow symbolic links):
#   250k, 1m   the first crates in name order until that many lines of .rs files
#   ra         the ra_ap_* crates (rust-analyzer's published crates)
#   all        the whole vendor folder
# Reports the median wall time and peak RSS of RUNS runs (one run when a run takes over a
# minute), cargo loop's own parse/detect split (from `-v`), and a warm second scan that
# reuses the cache. Tools that are not installed are skipped (bench/install-peers.sh);
# PEERS=0 skips them all; SLICES="250k ra" measures only those slices.
# Build first: cargo build --release.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:-/work/corpus}
runs=${2:-3}
vendor="$corpus/vendor"
work="$here/work/speed"
loop_bin=${CARGO_LOOP:-$here/../target/release/cargo-loop}
jscpd=${JSCPD:-$here/work/node_modules/.bin/jscpd}
timeout_s=${TIMEOUT:-900}
[ -d "$vendor" ] || { echo "no corpus at $vendor: run ../shared/corpus/fetch.sh $corpus" >&2; exit 2; }
[ -x "$loop_bin" ] || { echo "no release build at $loop_bin: run cargo build --release" >&2; exit 2; }

make_slice() { # name, line budget (0 = no limit), crate glob
  local name=$1 budget=$2 glob=$3 total=0 dir="$work/$1"
  rm -rf "$dir"; mkdir -p "$dir"
  for crate in "$vendor"/$glob; do
    [ -d "$crate" ] || continue
    local n
    n=$(find "$crate" -name '*.rs' -print0 | xargs -0 cat 2>/dev/null | wc -l)
    cp -al "$crate" "$dir/$(basename "$crate")"
    total=$((total + n))
    if [ "$budget" -gt 0 ] && [ "$total" -ge "$budget" ]; then break; fi
  done
  echo "$total" > "$dir.lines"
}

make_slice 250k 250000 '*'
make_slice 1m 1000000 '*'
make_slice ra 0 'ra_ap_*'
rm -rf "$work/all"; ln -s "$vendor" "$work/all"
find "$vendor" -name '*.rs' -print0 | xargs -0 cat | wc -l > "$work/all.lines"

# measure NAME SLICE -- command... : prints "median_wall median_rss_mib"
measure() {
  local name=$1 slice=$2; shift 3
  local walls=() rsss=() i
  for ((i = 0; i < runs; i++)); do
    local t
    t=$( { /usr/bin/time -f '%e %M' timeout "$timeout_s" "$@" > /dev/null 2> "$work/$name-$slice.err"; } 2>&1 | tail -1)
    [ -n "$t" ] || t=$(tail -1 "$work/$name-$slice.err")
    walls+=("${t% *}"); rsss+=("${t#* }")
    if awk "BEGIN{exit !(${t% *} > 60)}"; then break; fi
  done
  local w r
  w=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  r=$(printf '%s\n' "${rsss[@]}" | sort -n | awk '{a[NR]=$1} END{printf "%.0f", a[int((NR+1)/2)]/1024}')
  printf '%-22s %-5s %8ss %7s MiB\n' "$name" "$slice" "$w" "$r"
}

printf '%-22s %-5s %9s %11s\n' tool slice wall peak
for slice in ${SLICES:-250k ra 1m all}; do
  dir="$work/$slice"
  echo "-- $slice: $(cat "$work/$slice.lines") lines"
  measure cargo-loop "$slice" -- "$loop_bin" loop dup -q --no-cache --format json "$dir/"
  # The split of one run, and a cached second scan (cache under the slice's target/loop).
  rm -rf "$work/cache-$slice"
  "$loop_bin" loop dup -v --format json --out "$work/cache-$slice" "$dir/" 2>&1 >/dev/null | grep Scanned | sed 's/^ */   cargo-loop split: /'
  measure cargo-loop-cached "$slice" -- "$loop_bin" loop dup -q --format json --out "$work/cache-$slice" "$dir/"
  [ "${PEERS:-1}" = 0 ] && continue
  [ -x "$jscpd" ] && measure jscpd "$slice" -- "$jscpd" --format rust --min-tokens 50 --no-gitignore --silent --reporters json --output "$work/jscpd-out" "$dir/"
  [ -x "$jscpd" ] && measure jscpd-ignore-idents "$slice" -- "$jscpd" --format rust --min-tokens 50 --no-gitignore --silent --ignore-identifiers --ignore-literals --reporters json --output "$work/jscpd-out" "$dir/"
  command -v cargo-dupes > /dev/null && measure cargo-dupes "$slice" -- cargo-dupes --path "$dir/" --format json report
  command -v cargo-dupes > /dev/null && measure cargo-dupes-sub "$slice" -- cargo-dupes --path "$dir/" --format json --sub-function report
  if command -v similarity-rs > /dev/null && [ "$slice" != 1m ] && [ "$slice" != all ]; then
    measure similarity-rs "$slice" -- similarity-rs --experimental-types "$dir/"
  fi
done
