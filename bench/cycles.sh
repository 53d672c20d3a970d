#!/usr/bin/env bash
# Module-cycle scaling: wall time of `cargo loop smells` on a plain folder of N modules that
# depend on each other in one ring (m0 -> m1 -> ... -> m(N-1) -> m0), the worst case for a
# shortest-cycle search that starts from every module.
#
#   bench/cycles.sh [N...]          # default: 2000 8000 20000
#
# CARGO_LOOP picks the binary (default target/release/cargo-loop; build first with
# cargo build --release). The folders go to bench/work/cycles/ring-N.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
loop_bin=${CARGO_LOOP:-$here/../target/release/cargo-loop}
[ -x "$loop_bin" ] || { echo "no release build at $loop_bin: run cargo build --release" >&2; exit 2; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2000 8000 20000)
for n in "${sizes[@]}"; do
  dir="$here/work/cycles/ring-$n"
  if [ ! -f "$dir/lib.rs" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    python3 - "$n" "$dir" <<'PY'
import os, sys
n, d = int(sys.argv[1]), sys.argv[2]
with open(os.path.join(d, "lib.rs"), "w") as f:
    f.writelines(f"mod m{i};\n" for i in range(n))
for i in range(n):
    j = (i + 1) % n
    with open(os.path.join(d, f"m{i}.rs"), "w") as f:
        f.write(f"pub fn f{i}() {{\n    crate::m{j}::f{j}();\n}}\n")
PY
  fi
  start=$(date +%s.%N)
  out=$(cd "$dir" && "$loop_bin" loop smells --no-cache --format json . 2>/dev/null)
  end=$(date +%s.%N)
  cycle=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print([int(s["metrics"]["cycle_len"]) for s in d["smells"] if s["kind"]=="module_cycle"])')
  printf '%6d modules: %6.2f s, cycles %s\n' "$n" "$(echo "$end - $start" | bc)" "$cycle"
done
