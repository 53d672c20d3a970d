#!/usr/bin/env python3
"""Verification per candidate on a multi-crate workspace: ripgrep's, rebuilt from crates.io.

    python3 bench/verify_workspace.py [--dir /work/bench-rg] [--runs 3]

Setup (once): `cargo vendor` of a throwaway manifest depending on ripgrep 14 fetches ripgrep
and its own crates (grep, grep-cli, grep-matcher, grep-printer, grep-regex, grep-searcher,
globset, ignore); they are laid out as ripgrep's workspace (the crates under `crates/`, a
`[patch.crates-io]` so ripgrep builds them from there), made a git repository.

Loop side: a small correct edit in one crate (a private name renamed), proposed by a scripted
agent to `cargo loop fix --dry-run --finding D1`: the time from its `edit` record to its
`decision` record (clippy with check folded in, tests of the packages the edit can reach,
re-analysis, restore). The baseline is not counted: the scratch target is warm after the first
run. In place: the same edit applied to the workspace, then `cargo check && cargo clippy &&
cargo test` on the whole workspace with a warm target dir, then reverted. Every target but the
benches, which need nightly (`#![feature(test)]`): what a stable user runs, and what cargo loop
leaves out too; the doc tests run on both sides (the target list leaves them out of `cargo
test`, so they are one more command in place).
Prints per candidate, medians and the ratio. Needs a release build: cargo build --release.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

sys.dont_write_bytecode = True
from verify import sh, ts  # noqa: E402  (bench/verify.py, beside this script)
HERE = Path(__file__).resolve().parent
LOOP = os.environ.get("CARGO_LOOP", str(HERE.parent / "target/release/cargo-loop"))
CRATES = ["globset", "grep", "grep-cli", "grep-matcher", "grep-printer", "grep-regex",
          "grep-searcher", "ignore"]
# All targets but benches (nightly only here). ripgrep 14.1.1 fails a deny-by-default lint of
# clippy 1.95 (unused_io_amount): lints capped at warn, as cargo loop caps them for such a
# baseline, so both sides compile every crate.
TARGETS = ["--workspace", "--lib", "--bins", "--tests", "--examples"]
COMMANDS = [["cargo", "check", *TARGETS],
            ["cargo", "clippy", *TARGETS, "--", "--cap-lints", "warn"],
            ["cargo", "test", *TARGETS],
            # The doc tests `cargo test` runs, which the target list above leaves out; the
            # pipeline's `cargo test` runs them too.
            ["cargo", "test", "--workspace", "--doc"]]

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

# Small correct edits (a parameter renamed, a comment added), one per crate of a different
# depth: globset is built by ignore, grep-cli and ripgrep; grep-searcher by grep, grep-printer
# and ripgrep.
EDITS = [
    ("crates/globset/src/glob.rs",
     "fn starts_with(needle: &[u8], haystack: &[u8]) -> bool {\n"
     "    needle.len() <= haystack.len() && needle == &haystack[..needle.len()]\n}",
     "fn starts_with(prefix: &[u8], haystack: &[u8]) -> bool {\n"
     "    prefix.len() <= haystack.len() && prefix == &haystack[..prefix.len()]\n}"),
    ("crates/grep-searcher/src/line_buffer.rs",
     "    let first_pos = bytes.find_byte(src)?;\n",
     "    // The first replacement is where the loop below starts.\n"
     "    let first_pos = bytes.find_byte(src)?;\n"),
]

def agent_for(root, edit):
    path, old, new = edit
    # A SEARCH section is whole lines: the text's own last newline is not a blank line.
    old, new = old.rstrip("\n"), new.rstrip("\n")
    script = root / "agent.sh"
    script.write_text(f"#!/bin/sh\ncat > /dev/null\ncat <<'EOF'\n{path}\n<<<<<<< SEARCH\n{old}\n"
                      f"=======\n{new}\n>>>>>>> REPLACE\nEOF\n")
    return script

def loop_side(ws, root, edit):
    """The pipeline's time for `edit`, from its edit record to its decision (every gate runs:
    the rename leaves the targeted finding, so the analysis gate rejects it last)."""
    out = root / "out"
    sh([LOOP, "loop", "fix", "-q", "--dry-run", "--attempts", "1", "--finding", "D1",
        "--agent", f"cmd:sh {agent_for(root, edit)}", "--out", str(out)], ws)
    records = [json.loads(l) for l in (out / "audit.jsonl").read_text().splitlines()]
    run = records[-1]["run"]
    mine = [r for r in records if r.get("run") == run]
    edit_record = next(r for r in mine if r["event"] == "edit")
    decision = next(r for r in mine if r["event"] == "decision")
    return ts(decision) - ts(edit_record), decision

def in_place(ws, edit, target):
    path, old, new = edit
    file = ws / path
    original = file.read_text()
    assert old in original, path
    file.write_text(original.replace(old, new, 1))
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    try:
        return sum(sh(cmd, ws, env) for cmd in COMMANDS)
    finally:
        file.write_text(original)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="/work/bench-rg")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = Path(args.dir)
    ws = setup(root)
    target = root / "target-in-place"
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    for cmd in COMMANDS[:2] + [COMMANDS[2] + ["--no-run"]]:
        sh(cmd, ws, env)  # warm, as a developer's target is
    shutil.rmtree(root / "out", ignore_errors=True)
    loop_times, place_times = [], []
    for i in range(args.runs):
        for edit in EDITS:
            verify, decision = loop_side(ws, root, edit)
            place = in_place(ws, edit, target)
            # Only a run through every gate is comparable (the rename ends at analysis).
            if decision["step"] == "analysis":
                loop_times.append(verify)
                place_times.append(place)
            print(f"run {i} {edit[0]}: pipeline {verify:.1f}s ({decision['outcome']} at "
                  f"{decision['step']}), in place {place:.1f}s", flush=True)
    med = statistics.median
    print(f"\npipeline median {med(loop_times):.1f}s, in place median {med(place_times):.1f}s, "
          f"ratio {med(loop_times) / med(place_times):.2f}")

if __name__ == "__main__":
    main()
