#!/usr/bin/env python3
"""Held-out benchmark of the built-in agent (issue 11): four small crates with twelve planted
duplicates (bench/builtin/heldout/TRUTH.md, truth.json) and behaviour tests their own suites
lack (heldout/hidden/<crate>.rs), written by someone who had not read the agent's code.

    cargo build --release && python3 bench/builtin/heldout.py [--work DIR] [--keep]

For each crate, on a fresh git copy: `cargo loop run --agent builtin --findings dup
--max-passes 5 --time-limit 900`, then a second `dup` scan, `cargo test`, `cargo clippy
--all-targets -- -D warnings`, the hidden tests (copied to tests/), and the changed files (only
.rs files may change). A planted duplicate is found when the first scan has a group with a
copy in each of its two places; removed when the second scan has no group with copies in
both of the functions (or types) that held them, and a file of it changed.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "heldout")
BIN = os.environ.get("CARGO_LOOP", os.path.join(HERE, "..", "..", "target", "release", "cargo-loop"))


def sh(cmd, cwd, env=None):
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    return out.returncode, out.stdout, out.stderr


def dup(dir):
    code, out, err = sh([BIN, "loop", "dup", "--format", "json", "--no-cache"], dir)
    if code not in (0, 1):
        sys.exit(f"dup failed in {dir}: {err}")
    return json.loads(out)["groups"]


def overlaps(loc, copy):
    return loc["file"] == copy["file"] and loc["start_line"] <= copy["end"] and copy["start"] <= loc["end_line"]


def covering(groups, copies):
    """The first group with an instance at each copy, and the items of those instances."""
    for group in groups:
        items = []
        for copy in copies:
            hit = [l for l in group["instances"] if overlaps(l, copy)]
            if not hit:
                break
            items.append(hit[0]["item"])
        else:
            return group, items
    return None, None


def still_there(groups, items):
    """Whether a group still has a copy in each of the places (`items`, one per copy)."""
    def holds(group):
        found = [l["item"] for l in group["instances"]]
        return all(found.count(i) >= items.count(i) for i in set(items))
    return any(holds(g) for g in groups)


def run_crate(name, work, truth, args):
    dir = os.path.join(work, name)
    shutil.copytree(os.path.join(DATA, "crates", name), dir)
    with open(os.path.join(dir, ".gitignore"), "w") as f:
        f.write("target/\n")
    git = ["git", "-c", "user.email=b@b", "-c", "user.name=b"]
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        sh(git + cmd, dir)
    before = dup(dir)
    cmd = [BIN, "loop", "run", "--agent", "builtin", "--findings", "dup", "--max-passes", "5",
           "--time-limit", "900"] + args.extra
    code, _, err = sh(cmd, dir)
    with open(os.path.join(work, f"{name}.run.log"), "w") as f:
        f.write(err)
    after = dup(dir)
    _, status, _ = sh(["git", "status", "--porcelain"], dir)
    changed = [line[3:] for line in status.splitlines()]
    checks = {
        "run exit": code,
        "only .rs changed": all(p.endswith(".rs") for p in changed),
        "cargo test": sh(["cargo", "test", "-q"], dir)[0] == 0,
        "clippy -D warnings": sh(["cargo", "clippy", "-q", "--all-targets", "--", "-D", "warnings"], dir)[0] == 0,
    }
    os.makedirs(os.path.join(dir, "tests"), exist_ok=True)
    shutil.copy(os.path.join(DATA, "hidden", f"{name}.rs"), os.path.join(dir, "tests", "hidden.rs"))
    code, out, err = sh(["cargo", "test", "-q", "--test", "hidden"], dir)
    checks["hidden tests"] = code == 0
    if code:
        print(err[-2000:], file=sys.stderr)
    rows = []
    for planted in (t for t in truth if t["crate"] == name):
        group, items = covering(before, planted["copies"])
        touched = any(c["file"] in changed for c in planted["copies"])
        removed = group is not None and touched and not still_there(after, items)
        rows.append((planted["id"], planted["kind"], group is not None, removed))
    return checks, rows, changed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("extra", nargs="*", help="more `run` flags, after --")
    args = parser.parse_args()
    truth = json.load(open(os.path.join(DATA, "truth.json")))
    work = args.work or tempfile.mkdtemp(prefix="heldout-")
    total = removed = 0
    for name in sorted({t["crate"] for t in truth}):
        checks, rows, changed = run_crate(name, work, truth, args)
        print(f"## {name}: changed {', '.join(changed) or 'nothing'}")
        print("   " + "; ".join(f"{k}: {v}" for k, v in checks.items()))
        for id, kind, found, gone in rows:
            print(f"   {id} kind {kind}: {'found' if found else 'MISSED by dup'}, {'removed' if gone else 'still there'}")
            total += 1
            removed += gone
    print(f"\nremoved {removed}/{total} planted duplicates (work in {work})")
    if not args.keep and not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
