#!/usr/bin/env bash
# `--jobs 2` against `--jobs 1`: wall time of the same `cargo loop run --agent builtin` on a
# generated crate with MODULES modules, each holding one pair of copied functions (one
# finding per file, so candidates can run at once), median of RUNS, and the ratio.
# Every run starts from a fresh copy of the crate whose scratch slots were warmed by a first
# run with the same --jobs (so both compare verification, not a cold first build).
# Also checks that both keep the same refactors (same tree afterwards).
# Run in release mode:
#   cargo build --release && bench/jobs.sh [MODULES] [RUNS]
set -euo pipefail
modules=${1:-8}; runs=${2:-3}
bin=${CARGO_LOOP:-$(cd "$(dirname "$0")/.." && pwd)/target/release/cargo-loop}
work=$(mktemp -d); trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT  # KEEP=1: leave it
python3 - "$work/crate" "$modules" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
# Statement shapes; each module's pair uses its own sequence, so pairs do not match each other.
shapes = [
    "acc = acc.wrapping_add(v);",
    "if v > acc {{ acc = v; }}",
    "acc ^= v << {k};",
    "for _ in 0..{k} {{ acc = acc.rotate_left(3); }}",
    "let w = v.saturating_sub({k}); acc |= w;",
    "while acc > 1000 {{ acc /= 2; }}",
    "acc = match v % 3 {{ 0 => acc.wrapping_add(1), 1 => acc.wrapping_sub(1), _ => acc }};",
    "acc = acc.max(v).min(v.wrapping_mul({k}));",
]
os.makedirs(f"{root}/src")
open(f"{root}/Cargo.toml", "w").write('[package]\nname = "jobs-bench"\nversion = "0.1.0"\nedition = "2021"\n')
lib = []
for m in range(n):
    pick = random.Random(m)
    picks = [pick.choice(shapes).format(k=m % 5 + 1) for _ in range(8)]
    body = "\n".join(f"        {p}" for p in picks)
    def fn(name):
        return (f"pub fn {name}(values: &[u64]) -> u64 {{\n    let mut acc = 0u64;\n"
                f"    for &v in values {{\n{body}\n    }}\n    acc\n}}\n")
    tests = (f"#[cfg(test)]\nmod tests {{\n    #[test]\n    fn both_agree() {{\n"
             f"        let v = [3, 9, 27, 81];\n        assert_eq!(super::first_{m}(&v), super::second_{m}(&v));\n    }}\n}}\n")
    open(f"{root}/src/m{m}.rs", "w").write(f"//! Module {m}.\n\n{fn(f'first_{m}')}\n{fn(f'second_{m}')}\n{tests}")
    lib.append(f"pub mod m{m};")
open(f"{root}/src/lib.rs", "w").write("//! Generated for bench/jobs.sh.\n\n" + "\n".join(lib) + "\n")
PY
(cd "$work/crate" && cargo generate-lockfile -q --offline 2>/dev/null || true)
"$bin" loop dup --manifest-path "$work/crate/Cargo.toml" --no-cache | tail -1
time_of() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
loop_run() {  # loop_run JOBS DIR
  "$bin" loop run --manifest-path "$2/Cargo.toml" --agent builtin --allow-no-vcs \
    --max-candidates "$modules" --jobs "$1" --out "$work/out-$1" -q
}
for jobs in 1 2; do
  rm -rf "$work/run-$jobs"; cp -r "$work/crate" "$work/run-$jobs"
  loop_run "$jobs" "$work/run-$jobs" >/dev/null 2>&1  # warms the slots
  for i in $(seq "$runs"); do
    rm -rf "$work/run-$jobs"; cp -r "$work/crate" "$work/run-$jobs"
    time_of loop_run "$jobs" "$work/run-$jobs"
  done > "$work/times-$jobs.txt"
  echo "--jobs $jobs: $(tr '\n' ' ' < "$work/times-$jobs.txt")-> median $(median < "$work/times-$jobs.txt") s"
done
if diff -r -q -x target "$work/run-1/src" "$work/run-2/src" >/dev/null; then
  echo "same tree after --jobs 1 and --jobs 2"
else
  echo "DIFFERENT trees after --jobs 1 and --jobs 2"; exit 1
fi
echo "ratio (--jobs 2 / --jobs 1): $(echo "scale=3; $(median < "$work/times-2.txt") / $(median < "$work/times-1.txt")" | bc)"
