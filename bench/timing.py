#!/usr/bin/env python3
"""Time the duplicate detectors (wall clock and peak RSS) on big inputs.

    python3 bench/timing.py [--targets ra,corpus] [--tools jscpd,cargo-dupes,...]

Targets:
  ra      all ra_ap_* crates of the corpus, copied into one folder (/work/bench-ra)
  corpus  the whole corpus, /work/corpus/vendor
Each run is `nice -n 19 /usr/bin/time -f '%e %M' timeout 900 <tool>`. A tool whose
first run takes under a minute is run 3 times and the median is kept.
Results: bench/work/results/timing.json and timing.md (a table).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
RESULTS = WORK / "results"
VENDOR = Path(os.environ.get("CORPUS_VENDOR", "/work/corpus/vendor"))
RA = Path(os.environ.get("BENCH_RA", "/work/bench-ra"))
JSCPD = os.environ.get("JSCPD", str(WORK / "node_modules/.bin/jscpd"))
CARGO_LOOP = os.environ.get("CARGO_LOOP", "/work/main/target/release/cargo-loop")
TIMEOUT = int(os.environ.get("TIMEOUT", "900"))


def loop_cmd():
    if subprocess.run([CARGO_LOOP, "dup", "--help"], capture_output=True).returncode == 0:
        return [CARGO_LOOP, "dup"]
    return [CARGO_LOOP, "loop", "dup"]


def tools():
    return {
        "jscpd": lambda d, o: [JSCPD, "--format", "rust", "--min-tokens", "50", "--no-gitignore",
                               "--reporters", "json", "--output", o, str(d)],
        "jscpd-ignore-idents": lambda d, o: [JSCPD, "--format", "rust", "--min-tokens", "50", "--no-gitignore",
                                             "--ignore-identifiers", "--ignore-literals",
                                             "--reporters", "json", "--output", o, str(d)],
        "cargo-dupes": lambda d, o: ["cargo-dupes", "--path", str(d), "--format", "json", "report"],
        "cargo-dupes-sub": lambda d, o: ["cargo-dupes", "--path", str(d), "--format", "json", "--sub-function", "report"],
        "similarity-rs": lambda d, o: ["similarity-rs", str(d)],
        "cargo-loop": lambda d, o: loop_cmd() + ["--format", "json", "--no-cache", str(d)],
    }


def prepare_ra():
    if RA.exists() and any(RA.iterdir()):
        return RA
    RA.mkdir(parents=True, exist_ok=True)
    for d in sorted(VENDOR.glob("ra_ap_*")):
        shutil.copytree(d, RA / d.name)
    return RA


def one_run(cmd, log):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["nice", "-n", "19", "/usr/bin/time", "-o", tf.name, "-f", "%e %M", "timeout", str(TIMEOUT)] + cmd
        with open(log, "w") as lf:
            p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=lf)
        last = (Path(tf.name).read_text().strip().splitlines() or ["0 0"])[-1].split()
    secs, rss = float(last[0]), int(last[1])
    return p.returncode, secs, rss


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--targets", default="ra,corpus")
    ap.add_argument("--tools", default=",".join(tools()))
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out_json = RESULTS / "timing.json"
    rows = json.loads(out_json.read_text()) if out_json.exists() else []
    tl = tools()
    for target in args.targets.split(","):
        d = prepare_ra() if target == "ra" else VENDOR
        for name in args.tools.split(","):
            if name == "cargo-loop" and not os.access(CARGO_LOOP, os.X_OK):
                print(f"{target} {name}: skipped ({CARGO_LOOP} not found)", flush=True)
                continue
            runs = []
            with tempfile.TemporaryDirectory() as tmp:
                cmd = tl[name](d, tmp)
                for i in range(3):
                    log = RESULTS / f"timing-{target}-{name}-{i + 1}.stderr"
                    rc, secs, rss = one_run(cmd, log)
                    runs.append(dict(exit=rc, seconds=secs, max_rss_kib=rss))
                    print(f"{target} {name} run {i + 1}: exit {rc}, {secs:.1f}s, {rss // 1024} MiB", flush=True)
                    if secs >= 60 or rc != 0:
                        break
            med = statistics.median(r["seconds"] for r in runs)
            rss = statistics.median(r["max_rss_kib"] for r in runs)
            rows = [r for r in rows if not (r["target"] == target and r["tool"] == name)]
            rows.append(dict(target=target, tool=name, command=" ".join(cmd), runs=runs,
                             median_seconds=med, median_max_rss_kib=rss,
                             timed_out=any(r["exit"] == 124 for r in runs),
                             failed=any(r["exit"] not in (0, 1) for r in runs)))
            out_json.write_text(json.dumps(rows, indent=1))
    lines = ["| target | tool | wall (s) | peak RSS (MiB) | runs | note |", "|---|---|---|---|---|---|"]
    for r in rows:
        note = f"timeout {TIMEOUT}s" if r["timed_out"] else ("exit " + ",".join(str(x["exit"]) for x in r["runs"]) if r["failed"] else "")
        lines.append(f"| {r['target']} | {r['tool']} | {r['median_seconds']:.1f} | {r['median_max_rss_kib'] / 1024:.0f} | {len(r['runs'])} | {note} |")
    (RESULTS / "timing.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
