#!/usr/bin/env bash
# Quality benchmark: runs every duplicate detector on bench/work/pristine and
# bench/work/injected (made by bench/inject.py) and prints recall per clone type.
#
#   bench/quality.sh                 # all runs
#   bench/quality.sh cargo-loop      # only runs whose name starts with one of the words
#
# Outputs: bench/work/results/<run>/{pristine,injected}.* , meta.json, and
# bench/work/results/score.txt (the table).
# Env: CARGO_LOOP (default /work/main/target/release/cargo-loop), JSCPD
# (default bench/work/node_modules/.bin/jscpd), TIMEOUT (seconds per run, 900).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work="$here/work"
results="$work/results"
CARGO_LOOP=${CARGO_LOOP:-/work/main/target/release/cargo-loop}
JSCPD=${JSCPD:-$work/node_modules/.bin/jscpd}
TIMEOUT=${TIMEOUT:-900}
only=("$@")

if [ ! -f "$work/truth.json" ]; then
  python3 "$here/inject.py" || exit 1
fi
mkdir -p "$results"

wanted() {
  [ ${#only[@]} -eq 0 ] && return 0
  local w
  for w in "${only[@]}"; do [[ $1 == $w* ]] && return 0; done
  return 1
}

order=0
# run NAME FORMAT OUTKIND -- command... ; in the command, @DIR@ is the scanned
# folder and @OUT@ the output path. OUTKIND: stdout (output is the command's
# stdout) or jscpd (output folder with jscpd-report.json).
run() {
  local name=$1 fmt=$2 kind=$3; shift 4
  order=$((order + 1))
  wanted "$name" || return 0
  local d="$results/$name"
  rm -rf "$d"; mkdir -p "$d"
  local exe=${1}
  if ! command -v "$exe" >/dev/null 2>&1 && [ ! -x "$exe" ]; then
    echo "== $name: skipped ($exe not found)"
    printf '{"name":"%s","order":%d,"skipped":"%s not found"}\n' "$name" "$order" "$exe" > "$d/meta.json"
    return 0
  fi
  local side secs=() rss=() codes=()
  for side in pristine injected; do
    local out args=() a
    if [ "$kind" = jscpd ]; then out="$d/$side-jscpd"; else out="$d/$side.out"; fi
    for a in "$@"; do a=${a//@DIR@/.}; a=${a//@ABSDIR@/$work/$side}; args+=("${a//@OUT@/$out}"); done
    echo "== $name on $side: ${args[*]}"
    ( cd "$work/$side" && nice -n 19 /usr/bin/time -o "$d/$side.time" -f '%e %M' \
        timeout "$TIMEOUT" "${args[@]}" > "$d/$side.out.tmp" 2> "$d/$side.stderr" )
    local rc=$?
    if [ "$kind" = jscpd ]; then mv "$d/$side.out.tmp" "$d/$side.stdout"; else mv "$d/$side.out.tmp" "$d/$side.out"; fi
    codes+=("$rc")
    read -r s m < <(tail -1 "$d/$side.time")
    secs+=("${s:-null}"); rss+=("${m:-null}")
    echo "   exit $rc, ${s}s, max RSS ${m} KiB"
  done
  local inj=injected.out pri=pristine.out
  if [ "$kind" = jscpd ]; then inj=injected-jscpd/jscpd-report.json; pri=pristine-jscpd/jscpd-report.json; fi
  cat > "$d/meta.json" <<EOF
{"name": "$name", "order": $order, "format": "$fmt", "injected": "$inj", "pristine": "$pri",
 "command": "$(printf '%s ' "$@" | sed 's/"/\\"/g')",
 "exit_pristine": ${codes[0]}, "exit_injected": ${codes[1]},
 "seconds_pristine": ${secs[0]}, "seconds_injected": ${secs[1]},
 "max_rss_kib_pristine": ${rss[0]}, "max_rss_kib_injected": ${rss[1]}}
EOF
}

run jscpd                 jscpd         jscpd  -- "$JSCPD" --format rust --min-tokens 50 --no-gitignore --reporters json --output @OUT@ @DIR@
run jscpd-ignore-idents   jscpd         jscpd  -- "$JSCPD" --format rust --min-tokens 50 --no-gitignore --ignore-identifiers --ignore-literals --reporters json --output @OUT@ @DIR@
run jscpd-weak-ignore     jscpd         jscpd  -- "$JSCPD" --format rust --min-tokens 50 --no-gitignore --mode weak --ignore-identifiers --ignore-literals --reporters json --output @OUT@ @DIR@
run cargo-dupes           cargo-dupes   stdout -- cargo-dupes --path @DIR@ --format json report
run cargo-dupes-sub       cargo-dupes   stdout -- cargo-dupes --path @DIR@ --format json --sub-function report
run similarity-rs         similarity-rs stdout -- similarity-rs --experimental-types @DIR@
# `cargo-loop dup` or, as cargo passes it, `cargo-loop loop dup`: use whichever the binary accepts
loop_args=(dup)
if [ -x "$CARGO_LOOP" ] && ! "$CARGO_LOOP" dup --help >/dev/null 2>&1 && "$CARGO_LOOP" loop dup --help >/dev/null 2>&1; then
  loop_args=(loop dup)
fi
run cargo-loop            cargo-loop    stdout -- "$CARGO_LOOP" "${loop_args[@]}" --format json --no-cache @ABSDIR@

python3 "$here/score.py" --results "$results" | tee "$results/score.txt"
