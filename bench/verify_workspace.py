#!/usr/bin/env python3
"""Verification per candidate on a multi-crate workspace: ripgrep's, rebuilt from crates.io.

    python3 bench/verify_workspace.py [--dir /work/bench-rg] [--candidates 8] [--runs 1]

Setup (once): `cargo vendor` of a throwaway manifest depending on ripgrep 14 fetches ripgrep
and its own crates (grep, grep-cli, grep-matcher, grep-printer, grep-regex, grep-searcher,
globset, ignore); they are laid out as ripgrep's workspace (the crates under `crates/`, a
`[patch.crates-io]` so ripgrep builds them from there), made a git repository.

Loop side: `cargo loop fix --agent builtin --findings dup --dry-run --jobs 1` over the first
`--candidates` findings; for every candidate that reached verification, the time from its
`edit` record to its `decision` record (clippy with check folded in, tests of the packages the
edit can reach, re-analysis, restore). The baseline is not counted: the scratch target is warm.
In place: each verified patch applied to the workspace, then `cargo check && cargo clippy &&
cargo test` on the whole workspace with a warm target dir, then reverted. Every target but the
benches, which need nightly (`#![feature(test)]`): what a stable user runs, and what cargo loop
leaves out too.
Prints per candidate, medians and the ratio. Needs a release build: cargo build --release.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
LOOP = os.environ.get("CARGO_LOOP", str(HERE.parent / "target/release/cargo-loop"))
CRATES = ["globset", "grep", "grep-cli", "grep-matcher", "grep-printer", "grep-regex",
          "grep-searcher", "ignore"]


def sh(cmd, cwd, env=None, check=True):
    start = time.monotonic()
    run = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if check and run.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{run.stdout[-2000:]}\n{run.stderr[-3000:]}")
    return time.monotonic() - start


def setup(root):
    if (root / "ws/.git").exists():
        return root / "ws"
    fetch = root / "fetch"
    (fetch / "src").mkdir(parents=True, exist_ok=True)
    (fetch / "src/lib.rs").write_text("")
    (fetch / "Cargo.toml").write_text(
        '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n'
        '[dependencies]\nripgrep = "14"\n[workspace]\n')
    sh(["cargo", "vendor", "-q", "vendor"], fetch)
    ws = root / "ws"
    shutil.rmtree(ws, ignore_errors=True)
    shutil.copytree(fetch / "vendor/ripgrep", ws)
    for name in CRATES:
        shutil.copytree(fetch / "vendor" / name, ws / "crates" / name)
    for checksum in ws.rglob(".cargo-checksum.json"):
        checksum.unlink()
    members = ", ".join(f'"crates/{n}"' for n in CRATES)
    patch = "".join(f'{n} = {{ path = "crates/{n}" }}\n' for n in CRATES)
    manifest = (ws / "Cargo.toml").read_text()
    (ws / "Cargo.toml").write_text(
        manifest + f"\n[workspace]\nmembers = [{members}]\n\n[patch.crates-io]\n{patch}")
    (ws / ".gitignore").write_text("target/\n")
    (ws / "Cargo.lock").unlink(missing_ok=True)
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"],
                ["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "base"]):
        sh(cmd, ws)
    return ws


def ts(record):
    return datetime.strptime(record["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def loop_side(ws, out, candidates):
    shutil.rmtree(out, ignore_errors=True)
    sh([LOOP, "loop", "fix", "-q", "--agent", "builtin", "--findings", "dup", "--dry-run",
        "--jobs", "1", "--max-candidates", str(candidates), "--out", str(out)], ws)
    records = [json.loads(l) for l in (out / "audit.jsonl").read_text().splitlines()]
    edits = {r["candidate"]: r for r in records if r["event"] == "edit"}
    rows = []
    for r in records:
        if r["event"] == "decision" and r.get("candidate") in edits:
            patch = re.search(r"\(([^()]*patch\.diff)\)", r.get("reason", ""))
            rows.append((r["finding"], ts(r) - ts(edits[r["candidate"]]), r["outcome"],
                         r["step"], patch and patch.group(1)))
    return rows


# All targets but benches (nightly only here).
TARGETS = ["--workspace", "--lib", "--bins", "--tests", "--examples"]
# ripgrep 14.1.1 fails a deny-by-default lint of clippy 1.95 (unused_io_amount): lints capped at
# warn, as cargo loop caps them for such a baseline, so both sides compile every crate.
COMMANDS = [["cargo", "check", *TARGETS],
            ["cargo", "clippy", *TARGETS, "--", "--cap-lints", "warn"],
            ["cargo", "test", *TARGETS]]


def in_place(ws, patch, target):
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    sh(["git", "apply", patch], ws)
    try:
        return sum(sh(cmd, ws, env) for cmd in COMMANDS)
    finally:
        sh(["git", "checkout", "--", "."], ws)
        sh(["git", "clean", "-fdq"], ws)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="/work/bench-rg")
    parser.add_argument("--candidates", type=int, default=8)
    args = parser.parse_args()
    root = Path(args.dir)
    ws = setup(root)
    target = root / "target-in-place"
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    for cmd in COMMANDS[:2] + [COMMANDS[2] + ["--no-run"]]:
        sh(cmd, ws, env)  # warm, as a developer's target is
    rows = loop_side(ws, root / "out", args.candidates)
    loop_times, place_times = [], []
    for finding, verify, outcome, step, patch in rows:
        line = f"{finding}: pipeline {verify:.1f}s ({outcome} at {step})"
        if patch:
            place = in_place(ws, patch, target)
            loop_times.append(verify)
            place_times.append(place)
            line += f", in place {place:.1f}s, ratio {verify / place:.2f}"
        print(line, flush=True)
    if not loop_times:
        sys.exit("no candidate passed verification: nothing to compare")
    med = statistics.median
    print(f"\n{len(loop_times)} verified candidates: pipeline median {med(loop_times):.1f}s, "
          f"in place median {med(place_times):.1f}s, ratio {med(loop_times) / med(place_times):.2f}")


if __name__ == "__main__":
    main()
