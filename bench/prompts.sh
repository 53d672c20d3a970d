#!/usr/bin/env bash
# Prompt sizes an LLM agent would get, per candidate, on real crates of the corpus:
# `cargo loop fix --show-prompts --format json` over every finding (no agent is called).
# Usage: cargo build --release && bench/prompts.sh [CORPUS_VENDOR_DIR] [CONTEXT_TOKENS]
set -euo pipefail
vendor=${1:-../corpus/vendor}
budget=${2:-4000}
bin="$(dirname "$0")/../target/release/cargo-loop"
out=$(mktemp -d)
for crate in clap_builder hashbrown regex-syntax; do
  "$bin" loop fix "$vendor/$crate/src" --max-candidates 100000 --show-prompts --format json \
    --context-tokens "$budget" --no-cache --out "$out/$crate" >"$out/$crate.json" 2>/dev/null
  python3 - "$crate" "$out/$crate.json" <<'PY'
import collections, json, statistics, sys
crate, path = sys.argv[1], sys.argv[2]
prompts = json.load(open(path))
tokens = sorted(p["tokens"] for p in prompts)
p95 = tokens[max(0, int(len(tokens) * 0.95) - 1)]
cuts = collections.Counter(c.split(" ")[0] for p in prompts for c in p["cut"])
print(f"{crate}: {len(tokens)} prompts, median {statistics.median(tokens):.0f} tokens, "
      f"p95 {p95}, max {tokens[-1]}; {sum(1 for p in prompts if p['cut'])} cut: {dict(cuts)}")
PY
done
rm -rf "$out"
