#!/usr/bin/env python3
"""`kill -9` of `cargo loop fix` at many instants: the user's tree must hold, for every file,
either its old or its new content, whole, and still build.

    python3 bench/kill.py [--instants N] [--seed S]

Works on a git copy of test-fixtures/fix-crate in bench/work/kill/ with the scripted agent that
merges its duplicate. One full run measures how long a pass takes (T) and what the kept tree
looks like; then each instant resets the tree, starts `cargo loop fix`, sends SIGKILL to it after
a uniformly drawn delay in [0, 1.1 T] (its children, which run in their own process groups,
are killed right after, as a machine shutdown would), and checks every file and `cargo check`.
A last plain run checks that the next pass recovers the scratch copy.
Needs a release build: cargo build --release.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOOP = os.environ.get("CARGO_LOOP", str(ROOT / "target/release/cargo-loop"))
WORK = HERE / "work/kill"
GIT = ["git", "-c", "user.name=k", "-c", "user.email=k@k"]


def run(cmd, cwd, check=True):
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if check and done.returncode != 0:
        sys.exit(f"{cmd} failed: {done.stderr[-2000:]}")
    return done


def files(tree):
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("*") if p.is_file() and "target" not in p.relative_to(tree).parts and ".git" not in p.relative_to(tree).parts}


def descendants(pid):
    out, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent:
                out.append(int(entry.name))
                frontier.append(int(entry.name))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--instants", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    random.seed(args.seed)
    shutil.rmtree(WORK, ignore_errors=True)
    tree = WORK / "crate"
    shutil.copytree(ROOT / "test-fixtures/fix-crate", tree, ignore=shutil.ignore_patterns("target"))
    (tree / ".gitignore").write_text("target/\n")
    run(["git", "init", "-q"], tree)
    run(["git", "add", "-A"], tree)
    run(GIT + ["commit", "-qm", "base"], tree)
    agent = f"cmd:sh {ROOT / 'test-fixtures/agents/agent.sh'} merge"
    cmd = [LOOP, "loop", "fix", "-q", "--agent", agent]
    old = files(tree)
    start = time.monotonic()
    run(cmd, tree)
    t_pass = time.monotonic() - start
    new = files(tree)
    changed = sorted(p for p in new if new[p] != old.get(p))
    print(f"a full pass takes {t_pass:.2f}s and changes {changed}")
    counts = {"old": 0, "new": 0, "mixed": 0, "broken": 0, "leftover tmp": 0}
    for i in range(args.instants):
        run(["git", "checkout", "-q", "--", "."], tree)
        delay = random.uniform(0, 1.1 * t_pass)
        proc = subprocess.Popen(cmd, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        children = descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for child in children:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        now = files(tree)
        tmp = [p for p in now if p.endswith(".tmp")]
        now = {p: b for p, b in now.items() if not p.endswith(".tmp")}
        state = "old" if now == old else "new" if now == new else "mixed"
        for p in now:
            if now[p] != old.get(p) and now[p] != new.get(p):
                state = "mixed"
        counts[state] += 1
        counts["leftover tmp"] += bool(tmp)
        builds = run(["cargo", "check", "-q"], tree, check=False).returncode == 0
        counts["broken"] += not builds
        print(f"instant {i}: killed after {delay:.3f}s: {state}{', temp file left' if tmp else ''}{'' if builds else ', DOES NOT BUILD'}", flush=True)
    run(["git", "checkout", "-q", "--", "."], tree)
    recovered = run(cmd, tree, check=False)
    print(f"\n{args.instants} instants: {counts}; a later pass {'succeeds' if recovered.returncode == 0 and files(tree) == new else 'FAILS'}")


if __name__ == "__main__":
    main()
