#!/usr/bin/env python3
"""Precision benchmark on real crates nobody tuned the detectors on.

    python3 bench/precision.py fetch            # crates into bench/work/precision/<crate>
    python3 bench/precision.py run [--held-out|--fresh|--fresh2|--fresh3|--fresh4]  # dup + smells, JSON kept
    python3 bench/precision.py score [--held-out|--fresh|--fresh2|--fresh3|--fresh4] [--todo] [--outputs DIR]

The judgements live in bench/precision/<crate>.json, written by reading the code:
  dup:    [{"at": ["file:start-end", ...], "verdict": "worth|weak|noise", "why": "..."}]
  smells: [{"at": "file:start", "family": "function|cycle|needless_pub",
            "verdict": "agree|disagree", "why": "..."}]
A group of a new build takes the verdict of the judged entry it shares the most copies with
(a copy matches when it is in the same file and its lines overlap); a group that repeats a copy
of a group ranked above it is the same refactor reported twice and counts as weak. What no
judgement covers is listed as "unjudged" (--todo prints it with its code, to judge and add).
Dev crates were read while the rules were written; held-out crates are judged once, at the end.
"""
import argparse, io, json, os, subprocess, sys, tarfile, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work", "precision")
JUDGED = os.path.join(HERE, "precision")
DEV = ["just-1.40.0", "hyperfine-1.19.0", "mdbook-0.4.48", "bottom-0.10.2"]
HELD_OUT = ["tokei-12.1.2", "starship-1.22.1"]
# Judged once by a reviewer who did not write the rules (2026-12-05), on the build of b924511.
FRESH = ["fd-find-10.5.0", "indicatif-0.18.6"]
# Judged once by a reviewer who did not write the rules (2026-12-07), on the build of c8913d3.
FRESH2 = ["zoxide-0.9.8", "git-cliff-core-2.8.0"]
# Judged once by a reviewer who did not write the rules (2026-12-07, session 10), on the
# build of the commit that added them.
FRESH3 = ["du-dust-1.2.7", "xh-0.26.3", "handlebars-6.4.4"]
FRESH4 = ["lsd-1.1.5", "ouch-0.5.1", "pastel-0.10.0"]
BIN = os.environ.get("CARGO_LOOP", "/work/main/target/release/cargo-loop")
TOP = 10
FAMILIES = {"complex_function": "function", "long_function": "function",
            "deep_nesting": "function", "too_many_params": "function",
            "module_cycle": "cycle", "crate_cycle": "cycle", "needless_pub": "needless_pub"}
PER_FAMILY = {"function": 10, "cycle": 10, "needless_pub": 10}


SETS = {"dev": DEV, "held_out": HELD_OUT, "fresh": FRESH, "fresh2": FRESH2, "fresh3": FRESH3, "fresh4": FRESH4}


def crates(chosen):
    return SETS[chosen]


def fetch():
    os.makedirs(WORK, exist_ok=True)
    for crate in sum(SETS.values(), []):
        if os.path.isdir(os.path.join(WORK, crate)):
            continue
        name, version = crate.rsplit("-", 1)
        url = f"https://static.crates.io/crates/{name}/{name}-{version}.crate"
        data = urllib.request.urlopen(url).read()
        tarfile.open(fileobj=io.BytesIO(data)).extractall(WORK, filter="data")
        print("fetched", crate)


def run(chosen):
    for crate in crates(chosen):
        path = os.path.join(WORK, crate)
        for cmd in ("dup", "smells"):
            out = subprocess.run([BIN, "loop", cmd, "--no-cache", "--format", "json", path],
                                 capture_output=True, text=True)
            if out.returncode not in (0, 1):
                sys.exit(f"{crate}: cargo loop {cmd} failed:\n{out.stderr}")
            with open(os.path.join(WORK, f"{crate}.{cmd}.json"), "w") as f:
                f.write(out.stdout)


def span(inst):
    return inst["file"], inst["start_line"], inst["end_line"]


def parse_at(at):
    file, lines = at.rsplit(":", 1)
    start, _, end = lines.partition("-")
    return file, int(start), int(end or start)


def overlaps(a, b):
    return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]


def judge_group(group, judged, seen):
    spans = [span(i) for i in group["instances"]]
    if any(overlaps(s, t) for s in spans for t in seen):
        return "weak", "repeats a copy of a group ranked above"
    best, hits = None, 0
    for entry in judged:
        at = [parse_at(a) for a in entry["at"]]
        n = sum(any(overlaps(s, t) for t in at) for s in spans)
        if n > hits:
            best, hits = entry, n
    if best is None or hits < min(2, len(spans)):
        return "unjudged", ""
    return best["verdict"], best["why"]


def top_smells(smells):
    picked, count = [], {}
    for smell in smells:
        family = FAMILIES.get(smell["kind"])
        if family is None:
            continue
        loc = smell["locations"][0]
        key = (family, f'{loc["file"]}:{loc["start_line"]}')
        if any(key == p[0] for p in picked) or count.get(family, 0) >= PER_FAMILY[family]:
            continue
        count[family] = count.get(family, 0) + 1
        picked.append((key, smell))
    return picked


def judge_smell(key, judged):
    family, at = key
    for entry in judged:
        if entry["family"] == family and entry["at"] == at:
            return entry["verdict"], entry["why"]
    return "unjudged", ""


def excerpt(root, file, start, end, limit=40):
    try:
        with open(os.path.join(root, file), encoding="utf-8") as f:
            lines = f.readlines()[start - 1:min(end, start - 1 + limit)]
    except OSError:
        return ""
    return "".join(f"    {start + i:5} | {l}" for i, l in enumerate(lines))


def score_crate(crate, todo, outputs):
    root = os.path.join(WORK, crate)
    dup = json.load(open(os.path.join(outputs, f"{crate}.dup.json")))
    smells = json.load(open(os.path.join(outputs, f"{crate}.smells.json")))["smells"]
    # Notes say what a finding costs without asking for a change: counted apart.
    notes = sum(1 for s in smells if s.get("severity") == "note")
    smells = [s for s in smells if s.get("severity", "warning") == "warning"]
    path = os.path.join(JUDGED, f"{crate}.json")
    judged = json.load(open(path)) if os.path.exists(path) else {"dup": [], "smells": []}
    tally = {"worth": 0, "weak": 0, "noise": 0, "unjudged": 0}
    seen = []
    print(f"\n## {crate}: {len(dup['groups'])} groups, {len(smells)} warnings, {notes} notes")
    for group in dup["groups"][:TOP]:
        verdict, why = judge_group(group, judged["dup"], seen)
        seen += [span(i) for i in group["instances"]]
        tally[verdict] += 1
        at = ", ".join(f'{i["file"]}:{i["start_line"]}-{i["end_line"]}' for i in group["instances"])
        print(f'  {group["id"]:>4} {verdict:8} {group["kind"]:5} {at}')
        if verdict == "unjudged" and todo:
            for i in group["instances"][:3]:
                print(excerpt(root, *span(i)))
    stally = {"agree": 0, "disagree": 0, "unjudged": 0}
    for key, smell in top_smells(smells):
        verdict, _ = judge_smell(key, judged["smells"])
        stally[verdict] += 1
        print(f'  {smell["id"]:>4} {verdict:8} {smell["kind"]:16} {key[1]}  {smell["message"][:90]}')
        if verdict == "unjudged" and todo:
            loc = smell["locations"][0]
            print(excerpt(root, loc["file"], loc["start_line"], loc["end_line"], 25))
    return tally, stally


def score(chosen, todo, outputs):
    total, stotal = {}, {}
    rows = []
    for crate in crates(chosen):
        tally, stally = score_crate(crate, todo, outputs)
        rows.append((crate, tally, stally))
        for k, v in tally.items():
            total[k] = total.get(k, 0) + v
        for k, v in stally.items():
            stotal[k] = stotal.get(k, 0) + v
    print("\n| crate | worth | weak | noise | unjudged | smells agree | disagree | unjudged |")
    print("|---|---|---|---|---|---|---|---|")
    for crate, t, s in rows + [("total", total, stotal)]:
        print(f'| {crate} | {t["worth"]} | {t["weak"]} | {t["noise"]} | {t["unjudged"]} '
              f'| {s["agree"]} | {s["disagree"]} | {s["unjudged"]} |')
    judged = stotal["agree"] + stotal["disagree"]
    if judged:
        print(f"\nsmells agreed: {stotal['agree']}/{judged} = {100 * stotal['agree'] / judged:.0f}%")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("command", choices=["fetch", "run", "score"])
    which = p.add_mutually_exclusive_group()
    for name in SETS:
        if name != "dev":
            which.add_argument(f"--{name.replace('_', '-')}", dest="set", action="store_const",
                               const=name, help=f"the {name} crates instead of the dev ones")
    p.add_argument("--todo", action="store_true")
    p.add_argument("--outputs", default=WORK, help="where the JSON of `run` is (default: %(default)s)")
    a = p.parse_args()
    if a.command == "fetch":
        fetch()
    elif a.command == "run":
        fetch()
        run(a.set or "dev")
    else:
        score(a.set or "dev", a.todo, a.outputs)


if __name__ == "__main__":
    main()
