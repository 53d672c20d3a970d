#!/usr/bin/env python3
"""Verification overhead of `cargo loop fix` on a real crate made standalone.

    python3 bench/verify.py [--runs N] [--cold-runs N] [--crate regex-syntax]

Copies the crate from the corpus (../shared/corpus/fetch.sh) to bench/work/verify/, makes it a
workspace and a git repository (without its benches, which need nightly), and measures, alternating the two sides:

* warm: one small correct edit (a private parameter renamed in `src/unicode.rs`) verified
  through `cargo loop fix --dry-run` (the time from the `edit` record to the `decision`
  record of the audit trail: clippy with check folded in, the tests, re-analysis, restore),
  against the same edit applied in place and `cargo check --all-targets && cargo clippy
  --all-targets && cargo test` with a warm target dir, then reverted;
* cold: the first baseline of `cargo loop fix` (fresh out dir: scratch copy, clippy, tests,
  analysis), against the same three commands in place with a fresh target dir.

Prints medians and ratios. The edit keeps the finding (it is a rename), so the analysis gate
rejects it at the very end: every gate runs, which is what is timed.
Needs a release build: cargo build --release.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
LOOP = os.environ.get("CARGO_LOOP", str(HERE.parent / "target/release/cargo-loop"))
VENDOR = Path(os.environ.get("CORPUS_VENDOR", "/work/corpus/vendor"))
WORK = HERE / "work/verify"
OLD = "fn canonical_prop(\n    normalized_name: &str,\n) -> Result<Option<&'static str>, Error> {"
NEW = "fn canonical_prop(\n    normalised_name: &str,\n) -> Result<Option<&'static str>, Error> {"
AGENT = f"""#!/bin/sh
cat > /dev/null
cat <<'EOF'
src/unicode.rs
<<<<<<< SEARCH
{OLD}
=======
{NEW}
>>>>>>> REPLACE
src/unicode.rs
<<<<<<< SEARCH
    imp(normalized_name)
}}

/// Find the canonical property value for the given normalized property
=======
    imp(normalised_name)
}}

/// Find the canonical property value for the given normalized property
>>>>>>> REPLACE
EOF
"""


def sh(cmd, cwd, env=None, check=True):
    start = time.monotonic()
    run = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if check and run.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    return time.monotonic() - start


def prepare(crate_name):
    crate = WORK / crate_name
    if crate.exists():
        shutil.rmtree(crate)
    shutil.copytree(VENDOR / crate_name, crate, symlinks=True)
    (crate / ".cargo-checksum.json").unlink(missing_ok=True)
    # The benches need nightly (`#![feature(test)]`): drop them, as a stable user would.
    shutil.rmtree(crate / "benches", ignore_errors=True)
    manifest = (crate / "Cargo.toml").read_text()
    manifest = manifest.replace('[[bench]]\nname = "bench"\npath = "benches/bench.rs"\n', "")
    (crate / "Cargo.toml").write_text(manifest + "\n[workspace]\n")
    (crate / ".gitignore").write_text("target/\n")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "base"]):
        sh(cmd, crate)
    agent = WORK / "agent.sh"
    agent.write_text(AGENT)
    return crate, agent


def in_place(crate, target):
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    total = 0.0
    for cmd in (["cargo", "check", "--all-targets"], ["cargo", "clippy", "--all-targets"], ["cargo", "test"]):
        total += sh(cmd, crate, env)
    return total


def audit(out):
    return [json.loads(line) for line in (out / "audit.jsonl").read_text().splitlines()]


def ts(record):
    # RFC 3339 with milliseconds, UTC.
    from datetime import datetime
    return datetime.strptime(record["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def fix(crate, agent, out):
    cmd = [LOOP, "loop", "fix", "-q", "--dry-run", "--attempts", "1", "--finding", "D1", "--agent", f"cmd:sh {agent}", "--out", str(out)]
    sh(cmd, crate)
    records = audit(out)
    run = records[-1]["run"]
    mine = [r for r in records if r["run"] == run]
    edit = next(r for r in mine if r["event"] == "edit")
    decision = next(r for r in mine if r["event"] == "decision")
    baseline = sum(r["duration_ms"] for r in mine if r["event"] == "step" and r["candidate"] == "baseline") / 1000
    start = ts(next(r for r in mine if r["event"] == "run_start"))
    first_prompt = ts(next(r for r in mine if r["event"] == "prompt"))
    return ts(decision) - ts(edit), baseline, first_prompt - start, decision


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--crate", default="regex-syntax")
    args = parser.parse_args()
    crate, agent = prepare(args.crate)
    # D1 must be the near-miss pair this edit touches; check once.
    scan = json.loads(subprocess.run([LOOP, "loop", "dup", "--format", "json", "--no-cache", "-q"], cwd=crate, capture_output=True, text=True).stdout)
    print("targeted finding:", scan["groups"][0]["id"], [i["item"] for i in scan["groups"][0]["instances"]])

    cold_loop, cold_place, cold_loop_wall = [], [], []
    for i in range(args.cold_runs):
        out = WORK / f"out-cold-{i}"
        shutil.rmtree(out, ignore_errors=True)
        _, baseline, until_prompt, _ = fix(crate, agent, out)
        cold_loop.append(baseline)
        cold_loop_wall.append(until_prompt)
        target = WORK / f"target-cold-{i}"
        shutil.rmtree(target, ignore_errors=True)
        cold_place.append(in_place(crate, target))
        print(f"cold {i}: fix baseline steps {baseline:.1f}s (run start to first prompt {until_prompt:.1f}s), in place {cold_place[-1]:.1f}s", flush=True)

    warm_out = WORK / "out-cold-0"
    warm_target = WORK / "target-cold-0"
    loop_times, place_times = [], []
    unicode = crate / "src/unicode.rs"
    original = unicode.read_text()
    edited = original.replace(OLD, NEW).replace("    imp(normalized_name)\n}\n\n/// Find the canonical property value", "    imp(normalised_name)\n}\n\n/// Find the canonical property value")
    assert edited != original
    for i in range(args.runs):
        verify, _, _, decision = fix(crate, agent, warm_out)
        loop_times.append(verify)
        unicode.write_text(edited)
        place_times.append(in_place(crate, warm_target))
        unicode.write_text(original)
        print(f"warm {i}: pipeline {verify:.2f}s ({decision['outcome']} at {decision['step']}), in place {place_times[-1]:.2f}s", flush=True)

    med = statistics.median
    print(f"\nwarm: pipeline median {med(loop_times):.2f}s, in place {med(place_times):.2f}s, ratio {med(loop_times) / med(place_times):.2f}")
    print(f"cold: baseline steps median {med(cold_loop):.1f}s (whole run to first prompt {med(cold_loop_wall):.1f}s), in place {med(cold_place):.1f}s, "
          f"ratio {med(cold_loop) / med(cold_place):.2f} (whole: {med(cold_loop_wall) / med(cold_place):.2f})")


if __name__ == "__main__":
    main()
