#!/usr/bin/env python3
"""Compare cargo loop's per-function complexity with rust-code-analysis (RCA).

    python3 bench/complexity.py CRATE_DIR [CRATE_DIR ...]

Runs `rust-code-analysis-cli -m -O json` and `cargo-loop smells --tests --max-cyclomatic 0
--max-cognitive 0` (so every function is reported with its metrics) on each crate's `src/`,
matches functions by file, name and first line (within two lines: RCA starts at the
visibility, cargo loop at the signature), and prints the share of functions where the two
agree, with the differences grouped by their size.

Needs `cargo install rust-code-analysis-cli` and a release build of cargo loop
(CARGO_LOOP, default target/release/cargo-loop).
"""
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
LOOP = os.environ.get("CARGO_LOOP", str(Path(__file__).resolve().parent.parent / "target/release/cargo-loop"))


def rca_functions(src: Path):
    out = Path(tempfile.mkdtemp())
    subprocess.run(["rust-code-analysis-cli", "-m", "-O", "json", "-p", str(src), "-o", str(out)], check=True, capture_output=True)
    functions = []
    for path in out.rglob("*.json"):
        doc = json.loads(path.read_text())
        rel = os.path.relpath(doc["name"], src)

        def walk(node):
            if node["kind"] == "function":
                m = node["metrics"]
                # RCA's sums include nested closures and functions as spaces of their own.
                functions.append((rel, node["name"], node["start_line"], m["cyclomatic"]["sum"], m["cognitive"]["sum"], m["nargs"]["total_closures"]))
            for child in node.get("spaces", []):
                walk(child)

        walk(doc)
    return functions


def loop_functions(src: Path):
    run = subprocess.run(
        [LOOP, "smells", "-q", "--no-cache", "--tests", "--format", "json", "--max-cyclomatic", "0", "--max-cognitive", "0", str(src)],
        check=True,
        capture_output=True,
        text=True,
    )
    doc = json.loads(run.stdout)
    functions = []
    for smell in doc["smells"]:
        if smell["kind"] != "complex_function":
            continue
        loc = smell["locations"][0]
        name = smell["message"].split("`")[1]
        functions.append((loc["file"], name, loc["start_line"], smell["metrics"]["cyclomatic"], smell["metrics"]["cognitive"]))
    return functions


def compare(crate: Path):
    src = crate / "src"
    rca = rca_functions(src)
    ours = loop_functions(src)
    by_key = collections.defaultdict(list)
    for f in rca:
        by_key[(f[0], f[1])].append(f)
    matched = []
    for rel, name, line, cyc, cog in ours:
        candidates = [f for f in by_key.get((rel, name), []) if abs(f[2] - line) <= 2]
        if candidates:
            matched.append(((rel, name, line, cyc, cog), candidates[0]))
    n = len(matched)
    cyc_same = sum(1 for o, r in matched if o[3] == r[3])
    cog_same = sum(1 for o, r in matched if o[4] == r[4])
    diffs = collections.Counter(int(o[3] - r[3]) for o, r in matched if o[3] != r[3])
    with_closures = sum(1 for o, r in matched if o[3] != r[3] and r[5] > 0)
    print(f"{crate.name}: {len(ours)} functions here, {len(rca)} in RCA, {n} matched")
    print(f"  cyclomatic agrees on {cyc_same}/{n} ({100 * cyc_same / max(n, 1):.1f}%), cognitive on {cog_same}/{n} ({100 * cog_same / max(n, 1):.1f}%)")
    print(f"  cyclomatic differences (ours - RCA): {dict(sorted(diffs.items()))}; {with_closures} of them in functions with closures")
    return matched


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        compare(Path(arg))
