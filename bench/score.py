#!/usr/bin/env python3
"""Score clone detectors against the ground truth made by bench/inject.py.

One run:
    python3 bench/score.py --format jscpd --injected OUT [--pristine OUT] [--name NAME]
All runs saved by bench/quality.sh (bench/work/results/<run>/meta.json):
    python3 bench/score.py --results bench/work/results [--markdown]

A truth clone counts as found when one reported group has instances that
overlap at least 2 of its truth instances (two different reported instances),
where an instance overlaps a truth instance when it is in the same file and
the line ranges intersect on >= 50% of the truth instance's lines.
Pairs (jscpd, similarity-rs) are groups of two.

Formats (the tool output file, paths relative to the scanned folder or absolute):
  cargo-loop     `cargo-loop dup --format json DIR` (groups[].instances[])
  jscpd          jscpd-report.json of `jscpd --reporters json --output DIR`
  cargo-dupes    stdout of `cargo dupes --path DIR --format json report`
  similarity-rs  stdout of `similarity-rs [--experimental-types] DIR` (text)
"""
import argparse
import json
import os
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(BENCH))
WORK = BENCH / "work"
TYPES = ["type1", "type2", "type3", "block", "cross_crate", "abstraction"]


def norm(path, roots):
    """Path relative to the scanned folder (`crate/src/x.rs`)."""
    p = path.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    for r in roots:
        if not r:
            continue
        r = str(r).rstrip("/") + "/"
        if p.startswith(r):
            return p[len(r):]
    # absolute path under some injected/ or pristine/ folder
    m = re.search(r"/(?:injected|pristine)/(.*)$", p)
    if m and os.path.isabs(p):
        return m.group(1)
    return p


# ----------------------------------------------------------- adapters ----

def load_cargo_loop(path, roots):
    doc = json.loads(Path(path).read_text())
    root = doc.get("root", "")
    groups = []
    for g in doc.get("groups", []):
        inst = []
        for i in g.get("instances", []):
            f = i["file"]
            if not os.path.isabs(f) and root:
                f = os.path.join(root, f)
            inst.append((norm(f, roots + [root]), int(i["start_line"]), int(i["end_line"])))
        groups.append(inst)
    return groups


def load_jscpd(path, roots):
    doc = json.loads(Path(path).read_text())
    groups = []
    for d in doc.get("duplicates", []):
        a, b = d["firstFile"], d["secondFile"]
        groups.append([(norm(a["name"], roots), int(a["start"]), int(a["end"])),
                       (norm(b["name"], roots), int(b["start"]), int(b["end"]))])
    return groups


def json_docs(text):
    dec = json.JSONDecoder()
    i, out = 0, []
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        if text[i] not in "[{":
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl + 1
            continue
        obj, i = dec.raw_decode(text, i)
        out.append(obj)
    return out


def load_cargo_dupes(path, roots):
    groups = []
    for doc in json_docs(Path(path).read_text()):
        if not isinstance(doc, list):
            continue
        for g in doc:
            if isinstance(g, dict) and "members" in g:
                groups.append([(norm(m["file"], roots), int(m["line_start"]), int(m["line_end"]))
                               for m in g["members"]])
    return groups


_SIM_FN = re.compile(r"^\s+(.+?):(\d+)-(\d+) .+? <-> (.+?):(\d+)-(\d+) ")
_SIM_TYPE = re.compile(r"^\s+(?:struct|enum|type|union)\s+\S+\s+\|\s+(.+?):(\d+)\s*$")
_type_span_cache = {}


def type_span(root, rel, line):
    """End line of the struct/enum starting at `line` (similarity-rs prints only the start)."""
    from rustlex import Source
    key = (str(root), rel)
    if key not in _type_span_cache:
        try:
            _type_span_cache[key] = Source((Path(root) / rel).read_text())
        except OSError:
            _type_span_cache[key] = None
    src = _type_span_cache[key]
    if src is None:
        return line
    best = None
    for it in src.items:
        if it.line <= line <= it.eline and it.kind in ("struct", "enum", "union", "type"):
            best = it
    return best.eline if best else line


def load_similarity_rs(path, roots):
    groups = []
    lines = Path(path).read_text(errors="replace").splitlines()
    pending = []
    for ln in lines:
        m = _SIM_FN.match(ln)
        if m:
            groups.append([(norm(m.group(1), roots), int(m.group(2)), int(m.group(3))),
                           (norm(m.group(4), roots), int(m.group(5)), int(m.group(6)))])
            continue
        m = _SIM_TYPE.match(ln)
        if m:
            rel = norm(m.group(1), roots)
            start = int(m.group(2))
            end = type_span(roots[0], rel, start) if roots and roots[0] else start
            pending.append((rel, start, end))
            if len(pending) == 2:
                groups.append(pending)
                pending = []
        elif ln.startswith("Similarity:") or not ln.strip():
            pending = [] if len(pending) != 1 else pending
    return groups


LOADERS = {"cargo-loop": load_cargo_loop, "jscpd": load_jscpd, "cargo-dupes": load_cargo_dupes,
           "similarity-rs": load_similarity_rs}


# ------------------------------------------------------------- scoring ---

def overlaps(t, r):
    """Does reported instance r cover >= 50% of truth instance t's lines?"""
    if t[0] != r[0]:
        return False
    lo, hi = max(t[1], r[1]), min(t[2], r[2])
    return hi >= lo and (hi - lo + 1) * 2 >= (t[2] - t[1] + 1)


def found(clone, groups, index):
    truth = [(f"{i['crate']}/{i['file']}", i["start_line"], i["end_line"]) for i in clone["instances"]]
    # group id -> {truth idx -> set(reported instance idx)}
    hits = {}
    for ti, t in enumerate(truth):
        for gi, ri in index.get(t[0], []):
            if overlaps(t, groups[gi][ri]):
                hits.setdefault(gi, {}).setdefault(ti, set()).add(ri)
    for gi, per in hits.items():
        if len(per) < 2:
            continue
        keys = list(per)
        for x in range(len(keys)):
            for y in range(x + 1, len(keys)):
                a, b = per[keys[x]], per[keys[y]]
                if any(p != q for p in a for q in b):
                    return True
    return False


MIN_TOKENS, MIN_LINES = 50, 6  # cargo loop's defaults (SPEC.md)
_sources = {}


def clone_size(clone):
    """(tokens, lines) of the clone's smallest instance in the injected tree: tokens outside
    comments (each punctuation character one token, as cargo loop counts them), lines from
    the first such token to the last."""
    sizes = []
    for i in clone["instances"]:
        path = WORK / "injected" / i["crate"] / i["file"]
        if path not in _sources:
            from rustlex import Source
            _sources[path] = Source(path.read_text())
        toks = [t for t in _sources[path].sig if i["start_line"] <= t.line <= i["end_line"]]
        lines = toks[-1].eline - toks[0].line + 1 if toks else 0
        sizes.append((len(toks), lines))
    return min(sizes)


def at_defaults(clone):
    """Is every instance of the clone at least as big as the default thresholds?"""
    tokens, lines = clone_size(clone)
    return tokens >= MIN_TOKENS and lines >= MIN_LINES


def score(truth, groups):
    index = {}
    for gi, g in enumerate(groups):
        for ri, inst in enumerate(g):
            index.setdefault(inst[0], []).append((gi, ri))
    res = {t: [0, 0] for t in TYPES}
    sub = {}
    for c in truth["clones"]:
        ok = found(c, groups, index)
        if not ok and os.environ.get("MISSED"):
            print("missed:", c["type"], c.get("desc", {}).get("kind", ""),
                  [f'{i["crate"]}/{i["file"]}:{i["start_line"]}-{i["end_line"]}' for i in c["instances"]], file=sys.stderr)
        res[c["type"]][1] += 1
        res[c["type"]][0] += ok
        if at_defaults(c):
            sub.setdefault("at_defaults", [0, 0])
            sub["at_defaults"][1] += 1
            sub["at_defaults"][0] += ok
        if c["type"] == "abstraction":
            k = c.get("desc", {}).get("kind", "?")
            sub.setdefault(k, [0, 0])
            sub[k][1] += 1
            sub[k][0] += ok
    return res, sub


def pct(a, b):
    return f"{100.0 * a / b:.0f}%" if b else "-"


def table(rows, markdown):
    head = ["run"] + TYPES + ["overall", "at defaults", "groups(pristine)", "groups(injected)", "time(s)"]
    body = []
    for r in rows:
        if r.get("error"):
            body.append([r["name"]] + [r["error"]] + [""] * (len(head) - 2))
            continue
        res = r["res"]
        tot = sum(v[0] for v in res.values()), sum(v[1] for v in res.values())
        cells = [r["name"]] + [f"{res[t][0]}/{res[t][1]}" for t in TYPES]
        big = r["sub"].get("at_defaults", [0, 0])
        cells += [f"{tot[0]}/{tot[1]} {pct(*tot)}", f"{big[0]}/{big[1]} {pct(*big)}",
                  "-" if r["pristine"] is None else str(r["pristine"]),
                  str(r["injected"]), r.get("time", "")]
        body.append(cells)
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(c) + " |" for c in body]
        return "\n".join(out)
    w = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    fmt = lambda cs: "  ".join(str(c).ljust(w[i]) for i, c in enumerate(cs))
    return "\n".join([fmt(head), fmt(["-" * x for x in w])] + [fmt(b) for b in body])


def run_one(name, fmt, injected, pristine, truth, roots_inj, roots_pri, extra=None):
    row = dict(name=name)
    try:
        groups = LOADERS[fmt](injected, roots_inj)
    except (OSError, ValueError, KeyError) as e:
        row["error"] = f"unreadable output ({e.__class__.__name__}; see the run's .stderr)"
        return row
    row["res"], row["sub"] = score(truth, groups)
    row["injected"] = len(groups)
    row["pristine"] = None
    if pristine and Path(pristine).exists():
        try:
            row["pristine"] = len(LOADERS[fmt](pristine, roots_pri))
        except (OSError, ValueError, KeyError):
            row["pristine"] = None
    if extra:
        row.update(extra)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", default=str(WORK / "truth.json"))
    ap.add_argument("--results", help="folder of runs saved by quality.sh")
    ap.add_argument("--format", choices=sorted(LOADERS))
    ap.add_argument("--injected", help="tool output on bench/work/injected")
    ap.add_argument("--pristine", help="tool output on bench/work/pristine")
    ap.add_argument("--name")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json", help="also write the scores here")
    args = ap.parse_args()
    truth = json.loads(Path(args.truth).read_text())
    inj_root, pri_root = str(WORK / "injected"), str(WORK / "pristine")
    roots_inj = [inj_root, os.path.relpath(inj_root), "bench/work/injected", "injected"]
    roots_pri = [pri_root, os.path.relpath(pri_root), "bench/work/pristine", "pristine"]
    rows = []
    if args.results:
        metas = sorted(Path(args.results).glob("*/meta.json"), key=lambda p: json.loads(p.read_text()).get("order", 0))
        for mp in metas:
            m = json.loads(mp.read_text())
            d = mp.parent
            if m.get("skipped"):
                rows.append(dict(name=m["name"], error=f"skipped: {m['skipped']}"))
                continue
            t = m.get("seconds_injected")
            if m.get("exit_injected", 0) != 0 and not (d / m["injected"]).exists():
                rows.append(dict(name=m["name"], error=f"failed: exit {m.get('exit_injected')}"))
                continue
            rows.append(run_one(m["name"], m["format"], d / m["injected"],
                                d / m["pristine"] if m.get("pristine") else None,
                                truth, roots_inj, roots_pri,
                                dict(time=f"{t:.1f}" if isinstance(t, (int, float)) else "")))
    else:
        if not (args.format and args.injected):
            ap.error("give --results, or --format and --injected")
        rows.append(run_one(args.name or args.format, args.format, args.injected, args.pristine,
                            truth, roots_inj, roots_pri))
    print(f"truth: {len(truth['clones'])} clones in {len(truth['crates'])} crates "
          f"({', '.join(truth['crates'])}); found = one group overlaps >= 2 instances (>= 50% lines); "
          f"at defaults = the clones whose every instance has >= {MIN_TOKENS} tokens and spans >= {MIN_LINES} lines\n")
    print(table(rows, args.markdown))
    subs = sorted({k for r in rows for k in r.get("sub", {}) if k != "at_defaults"})
    if subs:
        print("\nabstraction by kind: " + ", ".join(
            f"{k}={next((r['sub'][k][1] for r in rows if k in r.get('sub', {})), 0)}" for k in subs))
        for r in rows:
            if "sub" in r:
                print(f"  {r['name']}: " + ", ".join(f"{k} {r['sub'].get(k, [0, 0])[0]}" for k in subs))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=str))


if __name__ == "__main__":
    main()
