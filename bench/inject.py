#!/usr/bin/env python3
"""Plant known clones into copies of real crates and record the ground truth.

    python3 bench/inject.py [--force] [--per-type N] [--seed S]

Copies a fixed set of crates from the corpus (/work/corpus/vendor) to
bench/work/pristine/<crate> and bench/work/injected/<crate>, plants clones
into the injected copies with a fixed seed, checks that the injected crates
still compile (`cargo check --offline`, nice -n 19, -j 1), drops the
injections that break the build, and writes bench/work/truth.json.

Both copies are made Cargo workspaces (bench/work/{pristine,injected}/Cargo.toml)
whose members are the crates; their manifests lose dev-dependencies, benches,
tests, examples and the optional dependencies that are not in the corpus, so
that they build offline. No .rs file of the pristine copies is changed.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from rustlex import Source, impl_is_trait, fn_parts, body_statements  # noqa: E402

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
VENDOR = Path(os.environ.get("CORPUS_VENDOR", "/work/corpus/vendor"))
TARGET = os.environ.get("CARGO_TARGET_DIR", "/work/bench-target")
CRATES = ["regex-syntax", "serde_json", "memchr", "semver", "itertools", "smallvec"]
TYPES = ["type1", "type2", "type3", "block", "cross_crate", "abstraction"]
ABS_KINDS = ["struct_copy", "enum_copy", "trait_copy", "impl_x3", "field_group"]
OVERGEN = 1.6
# crates of the set that link std by default (others are no_std)
STD_CRATES = ["semver", "itertools"]
STD_ONLY = {"Vec", "String", "Box", "vec", "format", "ToString", "ToOwned", "std"}


def needs_std(fn):
    return any(t in STD_ONLY for t in fn.texts)

COMMENTS = [
    "fast path first", "keep this in sync with the caller", "the common case",
    "bounds are checked above", "see the module docs", "TODO: revisit once stable",
    "cheap check before the real work", "handle what is left", "edge case: empty input",
    "order matters here", "no allocation on this path", "invariant holds from here on",
]
SUFFIXES = ["alt", "again", "copy", "bis", "v2", "other", "second", "dup", "fallback", "local"]
NEW_NAMES = ["acc", "cur", "tmp", "pos", "val", "item", "idx", "buf", "out", "cnt",
             "lhs", "rhs", "probe", "cursor", "slot", "entry", "piece", "part", "elem", "node"]
TYPE_NAMES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel",
              "India", "Juliet", "Kilo", "Lima", "Mike", "November", "Oscar", "Papa",
              "Quebec", "Romeo", "Sierra", "Tango", "Uniform", "Victor", "Whiskey",
              "Xray", "Yankee", "Zulu"]
KEYWORDS = {"if", "match", "while", "return", "in", "for", "loop", "let", "else", "as", "mut",
            "ref", "move", "unsafe", "break", "continue", "where", "impl", "dyn", "fn", "Some", "Ok", "Err", "pub"}
PRIMS = {"u8": "u16", "u16": "u32", "u32": "u64", "u64": "u128", "i32": "i64",
         "i64": "i128", "usize": "u64", "f32": "f64"}
STD_UPPER = {"Option", "Some", "None", "Result", "Ok", "Err", "Self", "Vec", "String",
             "Box", "Default", "From", "Into", "Iterator", "IntoIterator", "Sized",
             "Fn", "FnMut", "FnOnce", "Copy", "Clone", "Send", "Sync", "PartialEq", "Eq",
             "PartialOrd", "Ord", "ToString", "AsRef", "AsMut", "Extend", "DoubleEndedIterator",
             "ExactSizeIterator", "ToOwned", "TryFrom", "TryInto"}
STD_MACROS = {"debug_assert", "debug_assert_eq", "debug_assert_ne", "assert", "assert_eq",
              "assert_ne", "matches", "unreachable", "panic", "write", "writeln", "format",
              "vec", "todo", "unimplemented", "concat", "stringify", "cfg", "format_args"}
PAD_PRE = [
    "let mut pad_steps: usize = 0;\nwhile pad_steps < 3 {\n    pad_steps += 1;\n}",
    "let pad_limit = core::mem::size_of::<u64>();\nif pad_limit == 0 {\n    return;\n}",
    "let pad_marks = [1u8, 2, 3, 4];\nlet mut pad_sum = 0u32;\nfor m in pad_marks.iter() {\n    pad_sum += u32::from(*m);\n}",
    "let pad_flag = cfg!(debug_assertions);\nif pad_flag && core::hint::black_box(false) {\n    return;\n}",
]
PAD_POST = [
    "let pad_tail = [0u8; 4];\nif pad_tail.len() != 4 {\n    return;\n}",
    "let mut pad_count = 0usize;\nfor pad_i in 0..4usize {\n    pad_count = pad_count.wrapping_add(pad_i);\n}\nlet _ = pad_count;",
    "let pad_done = core::hint::black_box(true);\nif !pad_done {\n    return;\n}",
    "let pad_end: u64 = 7;\nlet _ = pad_end.wrapping_mul(3);",
]
INSERTS = [
    "debug_assert!(core::mem::size_of::<usize>() >= 4, \"unexpected pointer width\");",
    "let _probe_{n} = core::hint::black_box({n}usize);",
    "if cfg!(debug_assertions) {{ let _ = core::mem::align_of::<u64>(); }}",
    "let _guard_{n}: u32 = {n};",
]


# ----------------------------------------------------------------- helpers --

def log(*a):
    print(*a, file=sys.stderr, flush=True)


def vendored_packages():
    names = set()
    for d in VENDOR.iterdir():
        m = re.match(r"^(.*?)(-\d+\.\d+\.\d+.*)?$", d.name)
        names.add(m.group(1))
    return names


def patch_manifest(path, vendored):
    """Make a published manifest build offline as a workspace member."""
    text = path.read_text()
    data = tomllib.loads(text)
    out, skip, removed = [], False, set()
    for line in text.splitlines():
        m = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", line)
        if m:
            hdr = m.group(1)
            parts = [p.strip().strip('"') for p in re.findall(r'"[^"]*"|[^.]+', hdr)]
            skip = False
            if line.strip().startswith("[[") and parts[0] in ("bench", "test", "example"):
                skip = True
            elif "dev-dependencies" in parts or parts[0] in ("features", "profile", "workspace"):
                skip = True
            elif ("dependencies" in parts or "build-dependencies" in parts) and parts[-1] not in ("dependencies", "build-dependencies"):
                dep = parts[-1]
                tbl = data
                for p in parts:
                    tbl = tbl.get(p, {}) if isinstance(tbl, dict) else {}
                pkg = tbl.get("package", dep) if isinstance(tbl, dict) else dep
                if pkg not in vendored:
                    skip = True
                    removed.add(dep)
        if not skip:
            out.append(line)
    feats = data.get("features", {})
    out.append("")
    out.append("[features]")
    for name, vals in feats.items():
        keep = []
        for v in vals:
            base = v[4:] if v.startswith("dep:") else v.split("/")[0].rstrip("?")
            if base in removed:
                continue
            keep.append(v)
        out.append(f"{json.dumps(name)} = {json.dumps(keep)}")
    path.write_text("\n".join(out) + "\n")
    return sorted(removed)


def write_cargo_config():
    cfg = WORK / ".cargo" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(
        "# Resolve crates.io dependencies from the vendored corpus, offline.\n"
        "[source.crates-io]\nreplace-with = \"vendored\"\n\n"
        f"[source.vendored]\ndirectory = \"{VENDOR}\"\n\n[net]\noffline = true\n")


def make_copies(force):
    vendored = vendored_packages()
    write_cargo_config()
    for which in ("pristine", "injected"):
        root = WORK / which
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        for c in CRATES:
            shutil.copytree(VENDOR / c, root / c, ignore=shutil.ignore_patterns(".cargo-checksum.json", "Cargo.lock", "target"))
            removed = patch_manifest(root / c / "Cargo.toml", vendored)
        members = ", ".join(json.dumps(c) for c in CRATES)
        (root / "Cargo.toml").write_text(
            f"# Benchmark workspace made by bench/inject.py\n[workspace]\nresolver = \"2\"\nmembers = [{members}]\n")


def cargo_check(root):
    """cargo check the workspace's libs; returns (ok, [compiler messages])."""
    env = dict(os.environ, CARGO_TARGET_DIR=TARGET)
    cmd = ["nice", "-n", "19", "cargo", "check", "--offline", "-j", "1", "--workspace", "--lib", "--keep-going",
           "--message-format=json"]
    p = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    msgs = []
    for line in p.stdout.splitlines():
        try:
            m = json.loads(line)
        except ValueError:
            continue
        if m.get("reason") == "compiler-message":
            msgs.append(m)
    if p.returncode != 0 and not any(m["message"]["level"] == "error" for m in msgs):
        log(p.stderr[-3000:])
    return p.returncode == 0, msgs, p


def compiled_files(root):
    """Source files rustc read for each crate's lib (from dep-info)."""
    env = dict(os.environ, CARGO_TARGET_DIR=TARGET)
    ok, msgs, p = cargo_check(root)
    if not ok:
        log(p.stderr[-4000:])
        sys.exit("pristine crates do not build")
    files = {c: set() for c in CRATES}
    for line in p.stdout.splitlines():
        try:
            m = json.loads(line)
        except ValueError:
            continue
        if m.get("reason") != "compiler-artifact":
            continue
        mp = Path(m["manifest_path"]).parent
        if mp.parent != root.resolve():
            continue
        crate = mp.name
        for fn in m["filenames"]:
            if fn.endswith(".rmeta"):
                d = Path(fn)
                dep = d.with_name(d.name[3:]).with_suffix(".d")
                if dep.exists():
                    for ln in dep.read_text().split("\n"):
                        if not ln.endswith(":") or " " in ln:
                            continue
                        pth = Path(ln[:-1])
                        if not pth.is_absolute():
                            pth = root.resolve() / pth
                        if str(pth).startswith(str(mp) + "/") and str(pth).endswith(".rs"):
                            files[crate].add(os.path.relpath(pth, mp))
    return files


# ------------------------------------------------------------ candidates --

class Fn:
    """A function candidate: a free fn or a method of an inherent impl."""

    def __init__(self, crate, file, src, it, impl):
        self.crate, self.file, self.src, self.it, self.impl = crate, file, src, it, impl
        self.key = f"{crate}/{file}:{it.line}"
        self.name = it.name
        self.line = it.line
        self.eline = it.eline
        self.nlines = it.eline - it.line + 1
        self.texts = [src.t(k) for k in range(it.start, it.end + 1)]
        self.uses_self = "self" in self.texts or "Self" in self.texts


def fn_ok(src, it, impl):
    if it.kind != "fn" or it.body is None or it.has_cfg:
        return False
    if impl is not None and (impl.has_cfg or impl_is_trait(src, impl)):
        return False
    texts = [src.t(k) for k in range(it.start, it.end + 1)]
    for k in range(len(texts) - 1):
        if texts[k] in ("self", "super") and texts[k + 1] == ":":
            return False
    if "macro_rules" in texts or "extern" in it.quals or "#" in texts[it.body - it.start:]:
        return False
    return 8 <= it.eline - it.line + 1 <= 80


def collect(crate, root, files):
    fns, structs, enums, traits, trait_impls = [], [], [], [], []
    sources = {}
    for f in sorted(files):
        if not f.startswith("src/") or "unicode_tables" in f:
            continue
        src = Source((root / crate / f).read_text())
        sources[f] = src
        for it in src.items:
            if it.kind == "fn" and fn_ok(src, it, None):
                fns.append(Fn(crate, f, src, it, None))
            elif it.kind == "impl" and it.body is not None:
                for ch in it.children:
                    if fn_ok(src, ch, it):
                        fns.append(Fn(crate, f, src, ch, it))
                if not it.has_cfg and impl_is_trait(src, it) and it.eline - it.line >= 5:
                    trait_impls.append((f, src, it))
            elif it.kind in ("struct", "enum", "trait") and not it.has_cfg and it.body is not None:
                if "#" in [src.t(k) for k in range(it.body, it.end)] and it.kind == "trait":
                    continue
                (structs if it.kind == "struct" else enums if it.kind == "enum" else traits).append((f, src, it))
    return dict(fns=fns, structs=structs, enums=enums, traits=traits, trait_impls=trait_impls,
                sources=sources)


# ---------------------------------------------------------- transforms ----

def fn_tokens(src, it):
    """All tokens (with ws/comments) of an item from its first non-attribute token."""
    a, b = src.sig[it.start].start, src.sig[it.end].end
    return [t for t in src.toks if t.start >= a and t.end <= b]


def render(toks, repl):
    """Join tokens; repl maps id(tok) -> replacement text."""
    return "".join(repl.get(id(t), t.text) for t in toks)


def strip_vis(src, it, repl):
    """Blank out `pub` / `pub(...)` (and the space after it) of an item."""
    if src.t(it.start) != "pub":
        return
    last = it.start
    repl[id(src.sig[last])] = ""
    k = it.start + 1
    if src.t(k) == "(" and k in src.match:
        last = src.match[k]
        for j in range(k, last + 1):
            repl[id(src.sig[j])] = ""
    # blank everything (ws/comments) between the removed tokens and the next one
    a, b = src.sig[it.start].start, src.sig[last + 1].start
    for t in src.toks:
        if a <= t.start < b:
            repl[id(t)] = ""


def local_names(src, it):
    """Params, let bindings and for-loop variables of a fn."""
    name_idx, popen, pclose, _, _ = fn_parts(src, it)
    sig = src.sig
    names = set()
    for k in range(popen + 1, pclose):
        if (sig[k].kind == "ident" and sig[k + 1].text == ":" and sig[k + 2].text != ":"
                and sig[k - 1].text in ("(", ",", "mut") and sig[k].text != "self"):
            names.add(sig[k].text)
    for k in range(it.body, it.end):
        tx = sig[k].text
        if tx == "let":
            j = k + 1
            if sig[j].text == "mut":
                j += 1
            if sig[j].kind == "ident" and sig[j + 1].text in (":", "=", ";") and sig[j].text[0].islower():
                if not (sig[j + 1].text == ":" and sig[j + 2].text == ":"):
                    names.add(sig[j].text)
        elif tx == "for" and sig[k + 1].kind == "ident" and sig[k + 2].text == "in":
            names.add(sig[k + 1].text)
    names.discard("_")
    names -= pattern_names(src, it)
    return {n for n in names if not n.startswith("_") and n[0].islower()}


def rename_locals(src, it, rng, repl, fraction=1.0):
    names = sorted(local_names(src, it))
    if fraction < 1.0:
        names = [n for n in names if rng.random() < fraction]
    if not names:
        return {}
    used = {src.t(k) for k in range(it.start, it.end + 1)}
    mapping = {}
    pool = NEW_NAMES[:]
    rng.shuffle(pool)
    for n in names:
        cand = None
        for p in pool:
            if p not in used and p not in mapping.values():
                cand = p
                break
        if cand is None:
            cand = f"{n}_{len(mapping)}x"
        pool.remove(cand) if cand in pool else None
        mapping[n] = cand
    sig = src.sig
    name_idx = fn_parts(src, it)[0]
    for k in range(it.start, it.end + 1):
        t = sig[k]
        if t.kind == "str" and "{" in t.text:
            new = t.text
            for a, b in mapping.items():
                new = re.sub(r"\{" + re.escape(a) + r"([}:])", "{" + b + r"\1", new)
            if new != t.text:
                repl[id(t)] = new
            continue
        if t.kind != "ident" or t.text not in mapping or k == name_idx:
            continue
        prev, nxt = sig[k - 1].text, sig[k + 1].text
        if prev == "." or nxt == "!" or (nxt == ":" and sig[k + 2].text == ":") or (prev == ":" and sig[k - 2].text == ":"):
            continue
        new = mapping[t.text]
        if nxt == ":" and prev not in ("let", "mut", "(", ",", "|") :
            continue  # struct literal field name
        if nxt == ":" and prev in (",", "(") and k > fn_parts(src, it)[2]:
            # inside the body: `Foo { a: x, b: y }` field names
            continue
        if prev in ("{", ",") and nxt in ("}", ","):
            # maybe struct-literal shorthand: expand `x` into `x: new`
            o = k - 1
            depth = 0
            while o > it.body:
                tx = sig[o].text
                if tx in ")]}" and o in src.match:
                    o = src.match[o]
                elif tx in "([{":
                    break
                o -= 1
            if sig[o].text == "{" and sig[o - 1].kind == "ident" and sig[o - 1].text[:1].isupper():
                new = f"{t.text}: {new}"
        repl[id(t)] = new
    return mapping


def change_literals(src, it, rng, repl, count):
    sig = src.sig
    cands = []
    macros = macro_ranges(src, it)
    for k in range(it.body + 1, it.end):
        t = sig[k]
        if in_ranges(k, macros):
            continue
        if t.kind == "num" and sig[k - 1].text not in (".", ";") and re.fullmatch(r"\d+(_?[iu](8|16|32|64|128|size))?", t.text):
            # not an array length `[x; N]` and not inside generics
            cands.append(k)
        elif t.kind == "str" and t.text.startswith('"') and len(t.text) >= 2 and "{" not in t.text:
            cands.append(k)
    rng.shuffle(cands)
    done = 0
    for k in cands[:count]:
        t = sig[k]
        if t.kind == "num":
            m = re.fullmatch(r"(\d+)(.*)", t.text)
            v = int(m.group(1))
            nv = v + 1 if v < 200 else v - 1
            repl[id(t)] = f"{nv}{m.group(2)}"
        else:
            body = t.text[1:-1]
            repl[id(t)] = '"' + (body + " (alt)" if body else "none") + '"'
        done += 1
    return done


def change_prim(src, it, rng, repl):
    sig = src.sig
    cands = [k for k in range(it.body + 1, it.end) if sig[k].text in PRIMS and sig[k - 1].text == "as"]
    if not cands:
        return False
    k = rng.choice(cands)
    repl[id(sig[k])] = PRIMS[sig[k].text]
    return True


def relayout(text, rng, comments=True, reindent=True):
    """Change indentation/brace layout and add comments, safely w.r.t. multi-line tokens."""
    src = Source(text)
    unsafe_lines = set()
    for t in src.toks:
        if t.kind in ("str", "comment") and t.eline > t.line:
            unsafe_lines.update(range(t.line + 1, t.eline + 1))
    line_last = {}
    for t in src.toks:
        if t.kind != "ws":
            line_last[t.eline] = t
    lines = text.split("\n")
    out = []
    unit = rng.choice([2, 3, 8]) if reindent else 4
    for no, line in enumerate(lines, 1):
        if no in unsafe_lines:
            out.append(line)
            continue
        stripped = line.lstrip(" ")
        ind = len(line) - len(stripped)
        if reindent:
            ind = (ind // 4) * unit + ind % 4
        new = " " * ind + stripped
        last = line_last.get(no)
        if no == 1 and new.endswith(" {") and rng.random() < 0.6:
            new = new[:-2] + "\n{"
        if comments and stripped and no > 1 and last is not None and last.text == ";" and last.kind == "punct":
            r = rng.random()
            if r < 0.18:
                out.append(" " * ind + "// " + rng.choice(COMMENTS))
            elif r < 0.3:
                new = new + "  // " + rng.choice(COMMENTS)
            elif r < 0.38:
                out.append("")
        out.append(new)
    res = "\n".join(out)
    if comments and "// " not in res:
        first_nl = res.find("\n")
        res = res[:first_nl + 1] + " " * unit + "// " + rng.choice(COMMENTS) + "\n" + res[first_nl + 1:]
    return res


def dedent(text, col):
    """Remove `col` leading spaces from lines after the first (item copied from an impl)."""
    lines = text.split("\n")
    res = [lines[0]]
    for ln in lines[1:]:
        n = len(ln) - len(ln.lstrip(" "))
        res.append(ln[min(n, col):])
    return "\n".join(res)


def shift(text, remove, add):
    """Remove up to `remove` leading spaces from every line, then add `add`."""
    out = []
    for ln in text.split("\n"):
        k = len(ln) - len(ln.lstrip(" "))
        ln = ln[min(k, remove):]
        out.append((" " * add + ln) if ln.strip() else ln)
    return "\n".join(out)


def line_col(src, k):
    t = src.sig[k]
    return t.start - (src.text.rfind("\n", 0, t.start) + 1)


def indent(text, n):
    return "\n".join((" " * n + ln) if ln.strip() else ln for ln in text.split("\n"))


def item_col(src, it):
    t = src.sig[it.start]
    return t.start - (src.text.rfind("\n", 0, t.start) + 1)


def attrs_text(src, it):
    out = []
    for a, b in it.attrs:
        txt = src.span_text(a, b)
        if "\n" in txt:
            txt = " ".join(x.strip() for x in txt.split("\n"))
        if txt.startswith("#[doc") or txt.startswith("#[cfg"):
            continue
        out.append(txt)
    return out


# ------------------------------------------------------------- planning ---

class Plan:
    """One injection: chunks to append to files, and instances of the clone."""

    def __init__(self, id, type, crate, desc):
        self.id, self.type, self.crate, self.desc = id, type, crate, desc
        self.chunks = []       # (crate, file, text, [(inst_idx, start_off, end_off)], new_file)
        self.instances = []    # dict(crate, file, start_line, end_line) or None until applied
        self.mods = []


def impl_header(fn):
    """`impl<...> Type<...> ` text of the inherent impl holding the method."""
    src, impl = fn.src, fn.impl
    return src.span_text(impl.kw, impl.body - 1)


def fn_copy_text(fn, rng, newname, mode, repl=None):
    """Text of a copy of fn (no attributes of docs), renamed, dedented to column 0."""
    src, it = fn.src, fn.it
    repl = {} if repl is None else repl
    strip_vis(src, it, repl)
    repl[id(src.sig[fn_parts(src, it)[0]])] = newname
    text = render(fn_tokens(src, it), repl)
    text = dedent(text, item_col(src, it))
    return text


def wrap_method(fn, text, extra_attrs=()):
    """Wrap a fn text for placement: inside an inherent impl if it is a method."""
    attrs = [a for a in attrs_text(fn.src, fn.it)]
    body = "\n".join(attrs + [text])
    if fn.impl is not None:
        head = impl_header(fn).rstrip()
        return head + " {\n" + indent(body, 4) + "\n}", head.count("\n") + 1 + len(attrs)
    return body, len(attrs)


def place(plan, crate, file, text, marks, rng, same_file_p, sources, counter):
    """Put an item text either at the end of `file` or into a new child module file."""
    if rng.random() < same_file_p:
        chunk = "\n#[allow(dead_code, unused)]\n" + text + "\n"
        plan.chunks.append((crate, file, chunk, [(i, a + 2, b + 2) for i, a, b in marks], False))
        return "same_file"
    n = counter()
    d = os.path.dirname(file)
    child = f"{d}/__inj_{n}.rs" if d else f"__inj_{n}.rs"
    header = "#![allow(dead_code, unused, non_snake_case, non_camel_case_types, unused_imports)]\nuse super::*;\n\n"
    plan.chunks.append((crate, child, header + text + "\n",
                        [(i, a + 3, b + 3) for i, a, b in marks], True))
    plan.chunks.append((crate, file, f"\n#[path = \"__inj_{n}.rs\"]\nmod __inj_{n};\n", [], False))
    return "child_module"


def orig_instance(fn_or_src, file, crate, line, eline):
    return dict(crate=crate, file=file, start_line=line, end_line=eline)


def plan_fn_copy(typ, fn, rng, all_idents, counter, sources):
    plan = Plan(None, typ, fn.crate, {})
    src, it = fn.src, fn.it
    plan.instances += [orig_instance(src, fn.file, fn.crate, fn.line, fn.eline), None]
    repl = {}
    newname = f"{fn.name}_{rng.choice(SUFFIXES)}"
    while newname in all_idents[fn.crate]:
        newname += "2"
    all_idents[fn.crate].add(newname)
    d = plan.desc
    d.update(source=fn.key, name=fn.name, new_name=newname)
    if typ == "type2":
        m = rename_locals(src, it, rng, repl)
        lit = change_literals(src, it, rng, repl, rng.randint(1, 2))
        prim = change_prim(src, it, rng, repl) if rng.random() < 0.35 else False
        d.update(renamed=m, literals_changed=lit, primitive_changed=prim)
    elif typ == "type3":
        if rng.random() < 0.5:
            d["renamed"] = rename_locals(src, it, rng, repl, fraction=0.5)
    text = fn_copy_text(fn, rng, newname, typ, repl)
    if typ == "type3":
        text, edits = type3_edit(text, rng, counter)
        if not edits:
            return None
        d["edits"] = edits
    if typ in ("type1", "type2", "type3"):
        text = relayout(text, rng, comments=(typ != "type2" or rng.random() < 0.5),
                        reindent=(typ == "type1" or rng.random() < 0.5))
    wrapped, off = wrap_method(fn, text)
    end_off = off + text.count("\n")
    same_p = 0.0 if typ == "type1" else 0.3
    d["placement"] = place(plan, fn.crate, fn.file, wrapped, [(1, off, end_off)], rng, same_p, sources, counter)
    return plan


def type3_edit(text, rng, counter):
    """Insert, remove or change one or two top-level statements of a fn text."""
    src = Source(text)
    fn_item = src.items[0] if src.items else None
    if fn_item is None or fn_item.kind != "fn" or fn_item.body is None:
        return text, []
    stmts = body_statements(src, fn_item.body, fn_item.end)
    if len(stmts) < 4:
        return text, []
    lines = text.split("\n")
    # statements that occupy whole lines
    whole = []
    for s, e in stmts:
        a, b = src.sig[s], src.sig[e]
        before = text[text.rfind("\n", 0, a.start) + 1:a.start]
        nl = text.find("\n", b.end)
        after = text[b.end:nl if nl >= 0 else len(text)]
        if before.strip() == "" and (after.strip() == "" or after.strip().startswith("//")):
            whole.append((s, e))
    edits = []
    ops = rng.sample(["insert", "remove", "change"], k=rng.choice([1, 1, 2]))
    remove_lines = set()
    inserts = {}
    replace = {}
    n_stmts = len(stmts)
    mid = [x for x in whole if stmts.index(x) not in (0, n_stmts - 1)]
    for op in ops:
        if op == "insert" and mid:
            s, e = rng.choice(mid)
            ln = src.sig[e].eline
            ind = len(lines[src.sig[s].line - 1]) - len(lines[src.sig[s].line - 1].lstrip())
            n = counter()
            inserts[ln] = " " * ind + rng.choice(INSERTS).format(n=n)
            edits.append(f"insert after line {ln}")
        elif op == "remove":
            cands = [x for x in mid if src.t(x[0]) != "let" and src.t(x[1]) == ";"
                     and "return" not in [src.t(k) for k in range(x[0], x[1] + 1)]
                     and src.sig[x[1]].eline - src.sig[x[0]].line < 6]
            if cands:
                s, e = rng.choice(cands)
                remove_lines.update(range(src.sig[s].line, src.sig[e].eline + 1))
                edits.append(f"remove lines {src.sig[s].line}-{src.sig[e].eline}")
        elif op == "change":
            cands = []
            macros = macro_ranges(src, fn_item)
            for s, e in stmts[1:]:
                for k in range(s, e + 1):
                    t = src.sig[k]
                    if in_ranges(k, macros):
                        continue
                    if t.kind == "punct" and t.text in "+-" and src.t(k + 1) not in ("=", ">") and src.t(k - 1) not in ("+", "-", "=") \
                            and (src.sig[k - 1].kind in ("ident", "num") or src.t(k - 1) in (")", "]")) and src.sig[k - 1].text not in ("return", "in", "as"):
                        cands.append(("op", k))
                    elif t.kind == "punct" and t.text in "<>" and src.t(k + 1) not in ("=", "<", ">") and src.t(k - 1) not in ("<", ">", "-", "=") \
                            and src.sig[k - 1].kind in ("ident", "num") and src.sig[k + 1].kind in ("ident", "num") and src.sig[k + 1].text[:1].islower():
                        cands.append(("cmp", k))
                    elif t.kind == "num" and src.t(k - 1) not in (".", ";") and re.fullmatch(r"\d+", t.text):
                        cands.append(("num", k))
            if cands:
                kind, k = rng.choice(cands)
                t = src.sig[k]
                if kind == "op":
                    replace[k] = "-" if t.text == "+" else "+"
                elif kind == "cmp":
                    replace[k] = t.text + "="
                else:
                    replace[k] = str(int(t.text) + 2)
                edits.append(f"change {t.text!r} on line {t.line}")
    if not edits:
        return text, []
    if replace:
        repl = {id(src.sig[k]): v for k, v in replace.items()}
        text = "".join(repl.get(id(t), t.text) for t in src.toks)
        lines = text.split("\n")
    out = []
    for no, ln in enumerate(lines, 1):
        if no in remove_lines:
            continue
        out.append(ln)
        if no in inserts:
            out.append(inserts[no])
    return "\n".join(out), edits


def plan_block(fn, rng, all_idents, counter, sources):
    src, it = fn.src, fn.it
    stmts = body_statements(src, it.body, it.end)
    if len(stmts) < 4:
        return None
    def texts(a, b):
        return [src.t(k) for k in range(a, b + 1)]
    best = None
    for k in range(3, len(stmts)):
        run = stmts[:k]
        a, b = run[0][0], run[-1][1]
        if src.t(b) not in (";", "}"):
            break
        tx = texts(a, b)
        if "return" in tx or "?" in tx:
            break
        nl = src.sig[b].eline - src.sig[a].line + 1
        if nl >= 6:
            best = (a, b)
            break
    if best is None:
        return None
    a, b = best
    name_idx, popen, pclose, arrow, where = fn_parts(src, it)
    newname = f"{fn.name}_part_{rng.choice(SUFFIXES)}"
    while newname in all_idents[fn.crate]:
        newname += "2"
    all_idents[fn.crate].add(newname)
    quals = " ".join(q for q in it.quals if q in ("unsafe", "async"))
    head = (quals + " " if quals else "") + "fn " + newname + src.text[src.sig[name_idx].end:src.sig[pclose].end]
    if where is not None:
        head += " " + src.span_text(where, it.body - 1)
    col = item_col(src, it)
    run_text = shift(" " * line_col(src, a) + src.text[src.sig[a].start:src.sig[b].end], col + 4, 4)
    pre = rng.choice(PAD_PRE)
    post = rng.choice(PAD_POST)
    body = indent(pre, 4) + "\n" + run_text + "\n" + indent(post, 4)
    start_off = head.count("\n") + 1 + pre.count("\n") + 1
    end_off = start_off + run_text.count("\n")
    text = head + " {\n" + body + "\n}"
    attrs = [t for t in attrs_text(src, it) if "target_feature" in t or "inline" in t]
    if fn.impl is not None:
        inner = "\n".join(attrs + [text])
        ih = impl_header(fn).rstrip()
        wrapped = ih + " {\n" + indent(inner, 4) + "\n}"
        off = ih.count("\n") + 1 + len(attrs)
    else:
        wrapped = "\n".join(attrs + [text])
        off = len(attrs)
    plan = Plan(None, "block", fn.crate, dict(source=fn.key, new_name=newname,
                                                 statements=len([s for s in stmts if s[0] >= a and s[1] <= b])))
    plan.instances += [orig_instance(src, fn.file, fn.crate, src.sig[a].line, src.sig[b].eline), None]
    place(plan, fn.crate, fn.file, wrapped, [(1, off + start_off, off + end_off)], rng, 0.0, sources, counter)
    return plan


def closure_params(src, it):
    """Names bound as closure parameters in a fn body."""
    sig = src.sig
    names = set()
    k = it.body
    while k < it.end:
        if sig[k].text == "|" and sig[k - 1].text in ("(", ",", "=", "move", "{", ";", "return", "||"):
            j = k + 1
            while j < it.end and sig[j].text != "|" and j - k < 16:
                if sig[j].kind == "ident" and sig[j + 1].text in (":", ",", "|", ")"):
                    names.add(sig[j].text)
                j += 1
            k = j + 1
            continue
        k += 1
    return names


def pattern_names(src, it):
    """Names that occur in binding positions we do not rename consistently."""
    sig = src.sig
    out = set()
    for k in range(it.body, it.end):
        t = sig[k]
        if t.kind != "ident":
            continue
        prev, nxt = sig[k - 1].text, sig[k + 1].text
        if prev in ("|", "ref", "@") or nxt in ("|", "@"):
            out.add(t.text)
        elif prev == "(" and sig[k - 2].kind == "ident" and sig[k - 2].text[:1].isupper():
            out.add(t.text)
        elif prev == "," and nxt in (")", ",") :
            # maybe inside a tuple pattern: `(a, b)`; find the opener
            o = k
            while o > it.body and not (sig[o].text == "(" and src.match.get(o, 0) > k):
                o -= 1
            if sig[o - 1].kind == "ident" and sig[o - 1].text[:1].isupper() or sig[o - 1].text in ("let", "for", "|"):
                out.add(t.text)
    return out | closure_params(src, it)


def macro_ranges(src, it):
    """(open, close) sig indices of macro invocation arguments inside an item."""
    sig = src.sig
    out = []
    for k in range(it.start, it.end):
        if sig[k].text == "!" and sig[k - 1].kind == "ident" and sig[k + 1].text in "([{" and (k + 1) in src.match:
            out.append((k + 1, src.match[k + 1]))
    return out


def in_ranges(k, ranges):
    return any(a < k < b for a, b in ranges)


def self_contained(fn):
    src, it = fn.src, fn.it
    locals_ = local_names(src, it)
    sig = src.sig
    generics = set()
    name_idx, popen, _, _, _ = fn_parts(src, it)
    for k in range(name_idx + 1, popen):
        if sig[k].kind == "ident" and sig[k - 1].text in ("<", ",") and sig[k + 1].text in (":", ",", ">", "="):
            generics.add(sig[k].text)
    closure = closure_params(src, it)
    if "unsafe" in fn.texts:
        return False
    for k in range(it.start, it.end + 1):
        t = sig[k]
        if t.kind != "ident":
            continue
        tx = t.text
        prev, nxt = sig[k - 1].text, sig[k + 1].text
        if prev == "." or (prev == ":" and sig[k - 2].text == ":"):
            continue
        if tx in ("self", "Self", "crate", "super"):
            return False
        if nxt == "!":
            if tx not in STD_MACROS:
                return False
            continue
        if tx[0].isupper():
            if tx not in STD_UPPER and tx not in generics and not (len(tx) > 1 and tx.isupper()):
                return False
            if len(tx) > 1 and tx.isupper() and tx not in generics:
                return False
            continue
        if nxt == "(" and tx not in locals_ and tx not in closure and k != name_idx and tx not in KEYWORDS:
            if prev not in ("fn",):
                return False
        if nxt == ":" and sig[k + 2].text == ":" and tx not in ("core", "std", "u8", "u16", "u32", "u64", "usize", "i32", "i64", "isize", "char", "str", "u128", "i8", "i16"):
            return False
    return True


def plan_cross(fn, target_crate, rng, counter, sources):
    plan = Plan(None, "cross_crate", fn.crate, dict(source=fn.key, to_crate=target_crate))
    plan.instances += [orig_instance(fn.src, fn.file, fn.crate, fn.line, fn.eline), None]
    text = fn_copy_text(fn, rng, fn.name, "cross")
    text = relayout(text, rng, comments=rng.random() < 0.5, reindent=rng.random() < 0.5)
    attrs = [t for t in attrs_text(fn.src, fn.it) if "inline" in t]
    body = "\n".join(attrs + [text])
    n = counter()
    header = "#![allow(dead_code, unused)]\n\n"
    off = 2 + len(attrs)
    plan.chunks.append((target_crate, f"src/__inj_{n}.rs", header + body + "\n",
                        [(1, off, off + text.count("\n"))], True))
    plan.chunks.append((target_crate, "src/lib.rs", f"\n#[path = \"__inj_{n}.rs\"]\nmod __inj_{n};\n", [], False))
    plan.desc["placement"] = "new root module"
    return plan


def external_fns():
    """Self-contained free fns of other corpus crates (for cross-crate pairs)."""
    out = []
    skip = ("windows", "ra_ap", "ra-ap", "icu_", "libc", "zerovec", "syn", "tokio")
    for d in sorted(VENDOR.iterdir()):
        if d.name in CRATES or d.name.startswith(skip) or not (d / "src").exists():
            continue
        for f in sorted((d / "src").rglob("*.rs")):
            try:
                src = Source(f.read_text())
            except (UnicodeDecodeError, IndexError, KeyError):
                continue
            for it in src.items:
                if it.kind == "fn" and fn_ok(src, it, None):
                    fn = Fn(d.name, str(f.relative_to(d)), src, it, None)
                    if self_contained(fn):
                        out.append(fn)
    return out


def plan_cross_external(fn, crate_a, crate_b, rng, counter):
    """A self-contained fn of another corpus crate, copied into two crates of the set."""
    plan = Plan(None, "cross_crate", crate_a, dict(source=f"corpus:{fn.key}", to_crates=[crate_a, crate_b]))
    plan.instances += [None, None]
    for idx, tgt in enumerate((crate_a, crate_b)):
        text = fn_copy_text(fn, rng, fn.name, "cross")
        text = relayout(text, rng, comments=rng.random() < 0.5, reindent=rng.random() < 0.5)
        n = counter()
        plan.chunks.append((tgt, f"src/__inj_{n}.rs", "#![allow(dead_code, unused)]\n\n" + text + "\n",
                            [(idx, 2, 2 + text.count("\n"))], True))
        plan.chunks.append((tgt, "src/lib.rs", f"\n#[path = \"__inj_{n}.rs\"]\nmod __inj_{n};\n", [], False))
    plan.desc["placement"] = "new root modules"
    return plan


def fields_of(src, it):
    """Named fields of a struct: list of (first_sig, comma_sig_or_last)."""
    sig = src.sig
    out = []
    k = it.body + 1
    while k < it.end:
        s = k
        while sig[s].text == "#" and s + 1 in src.match:
            s = src.match[s + 1] + 1
        angle = 0
        j = s
        while j < it.end:
            tx = sig[j].text
            if tx in "([{" and j in src.match:
                j = src.match[j] + 1
                continue
            if tx == "<":
                angle += 1
            elif tx == ">" and sig[j - 1].text != "-":
                angle -= 1
            elif tx == "," and angle == 0:
                break
            j += 1
        out.append((s, min(j, it.end - 1)))
        k = j + 1
    return out


def plan_abstraction(sub, crate, col, rng, counter, sources, used):
    names = TYPE_NAMES[:]
    rng.shuffle(names)
    def fresh(base):
        for nm in names:
            cand = f"{nm}{base}"
            if cand not in used:
                used.add(cand)
                return cand
        return None
    if sub in ("struct_copy", "enum_copy", "trait_copy"):
        pool = {"struct_copy": col["structs"], "enum_copy": col["enums"], "trait_copy": col["traits"]}[sub]
        cands = []
        for f, src, it in pool:
            if it.key_used if hasattr(it, "key_used") else False:
                continue
            if sub == "struct_copy" and len(fields_of(src, it)) >= 3 and it.eline - it.line >= 4:
                cands.append((f, src, it))
            if sub == "enum_copy" and it.eline - it.line >= 4:
                cands.append((f, src, it))
            if sub == "trait_copy" and sum(1 for c in it.children if c.kind == "fn") >= 2:
                cands.append((f, src, it))
        if not cands:
            return None
        f, src, it = rng.choice(cands)
        it.key_used = True
        newname = fresh(it.name)
        repl = {}
        strip_vis(src, it, repl)
        repl[id(src.sig[it.kw + 1])] = newname
        if sub == "trait_copy":
            for ch in it.children:
                if ch.kind == "fn" and ch.body is not None:
                    # drop the default body: keep the signature
                    btoks = [t for t in src.toks if t.start >= src.sig[ch.body].start and t.end <= src.sig[ch.end].end]
                    for t in btoks:
                        repl[id(t)] = ""
                    repl[id(btoks[0])] = ";"
                    # remove whitespace before the body
                    prev = src.toks[src.toks.index(btoks[0]) - 1]
                    if prev.kind == "ws":
                        repl[id(prev)] = ""
                    # also drop `where` clauses? keep them
        text = dedent(render(fn_tokens(src, it), repl), item_col(src, it))
        plan = Plan(None, "abstraction", crate, dict(kind=sub, source=f"{crate}/{f}:{it.line}", new_name=newname))
        plan.instances += [dict(crate=crate, file=f, start_line=it.line, end_line=it.eline), None]
        plan.desc["placement"] = place(plan, crate, f, text, [(1, 0, text.count("\n"))], rng, 0.3, sources, counter)
        return plan
    if sub == "impl_x3":
        structs = {it.name: (f, src, it) for f, src, it in col["structs"] if it.body is not None}
        cands = []
        for f, src, it in col["trait_impls"]:
            # `impl Trait for Name {` with Name a non-generic struct of the crate, impl not generic
            toks = [src.t(k) for k in range(it.kw, it.body)]
            if len(toks) < 4 or toks[1] == "<" or toks[-2] != "for":
                continue
            tname = toks[-1]
            if tname in structs and "<" not in [structs[tname][1].t(k) for k in range(structs[tname][2].kw, structs[tname][2].body or structs[tname][2].end)]:
                if not getattr(it, "key_used", False) and it.eline - it.line <= 60:
                    cands.append((f, src, it, structs[tname]))
        if not cands:
            return None
        f, src, it, (sf, ssrc, sit) = rng.choice(cands)
        it.key_used = True
        tname = sit.name
        plan = Plan(None, "abstraction", crate, dict(kind=sub, source=f"{crate}/{f}:{it.line}", type=tname))
        plan.instances.append(dict(crate=crate, file=f, start_line=it.line, end_line=it.eline))
        parts, marks, line = [], [], 0
        newnames = []
        for i in range(3):
            nn = fresh(tname)
            newnames.append(nn)
            srepl = {}
            strip_vis(ssrc, sit, srepl)
            srepl[id(ssrc.sig[sit.kw + 1])] = nn
            stext = dedent(render(fn_tokens(ssrc, sit), srepl), item_col(ssrc, sit))
            irepl = {id(src.sig[k]): nn for k in range(it.kw, it.end + 1)
                     if src.t(k) == tname and src.t(k - 1) != ":"}
            itext = dedent(render(fn_tokens(src, it), irepl), item_col(src, it))
            parts.append(stext)
            line += stext.count("\n") + 1
            marks.append((len(plan.instances) + i, line, line + itext.count("\n")))
            parts.append(itext)
            line += itext.count("\n") + 1
        text = "\n".join(parts)
        plan.instances += [None, None, None]
        plan.desc["new_types"] = newnames
        plan.desc["placement"] = place(plan, crate, f, text, marks, rng, 0.0, sources, counter)
        return plan
    if sub == "field_group":
        cands = []
        for f, src, it in col["structs"]:
            if getattr(it, "key_used", False) or src.t(it.kw + 2) == "<":
                continue
            fl = fields_of(src, it)
            if len(fl) >= 4 and "'" not in src.span_text(it.body, it.end):
                cands.append((f, src, it, fl))
        if not cands:
            return None
        f, src, it, fl = rng.choice(cands)
        it.key_used = True
        g = rng.randint(3, min(4, len(fl)))
        s0 = rng.randint(0, len(fl) - g)
        grp = fl[s0:s0 + g]
        a, b = grp[0][0], grp[-1][1]
        gtext = src.text[src.sig[a].start:src.sig[b].end]
        if src.t(b) != ",":
            gtext += ","
        gtext = shift(" " * line_col(src, a) + gtext, item_col(src, it), 0)
        plan = Plan(None, "abstraction", crate, dict(kind=sub, source=f"{crate}/{f}:{it.line}", fields=g))
        plan.instances.append(dict(crate=crate, file=f, start_line=src.sig[a].line, end_line=src.sig[b].eline))
        pads = ["extra_id: u64,", "extra_flags: u32,", "extra_enabled: bool,", "extra_weight: f64,",
                "extra_tag: char,", "extra_count: usize,", "extra_limit: Option<u32>,"]
        parts, marks, line = [], [], 0
        for i in range(3):
            nn = fresh("Record")
            rng.shuffle(pads)
            before = pads[:rng.randint(1, 2)]
            after = pads[3:3 + rng.randint(1, 2)]
            st = [f"struct {nn} {{"] + ["    " + p for p in before]
            gstart = line + len(st)
            st += gtext.split("\n")
            gend = line + len(st) - 1
            st += ["    " + p for p in after] + ["}"]
            marks.append((1 + i, gstart, gend))
            parts.append("\n".join(st))
            line += len(st)
        plan.instances += [None, None, None]
        plan.desc["placement"] = place(plan, crate, f, "\n".join(parts), marks, rng, 0.0, sources, counter)
        return plan
    return None


# ------------------------------------------------------------- applying ---

def apply(plans, active):
    """Rewrite bench/work/injected/<crate> from pristine + active plans; fill instances."""
    root = WORK / "injected"
    prist = WORK / "pristine"
    files = {}   # (crate, file) -> list of lines-text chunks
    owners = {}  # (crate, file) -> list of (start_line, end_line, plan_id)
    for c in CRATES:
        # restore pristine files that may have been touched
        pass
    touched = set()
    for p in plans:
        if p.id not in active:
            continue
        for crate, file, text, marks, new in p.chunks:
            key = (crate, file)
            if key not in files:
                if new:
                    files[key] = ""
                else:
                    files[key] = (prist / crate / file).read_text()
                    if not files[key].endswith("\n"):
                        files[key] += "\n"
            base_lines = files[key].count("\n")
            start = base_lines + 1
            files[key] += text
            n = text.count("\n")
            owners.setdefault(key, []).append((start, start + n, p.id))
            for idx, a, b in marks:
                p.instances[idx] = dict(crate=crate, file=file, start_line=start + a, end_line=start + b)
    # reset injected tree to pristine, then write files
    for c in CRATES:
        for path in (root / c).rglob("__inj_*.rs"):
            path.unlink()
        for path in (prist / c / "src").rglob("*.rs"):
            rel = path.relative_to(prist / c)
            dst = root / c / rel
            if dst.read_text() != path.read_text():
                shutil.copyfile(path, dst)
    for (crate, file), text in files.items():
        (root / crate / file).parent.mkdir(parents=True, exist_ok=True)
        (root / crate / file).write_text(text)
    return owners


def blame(msgs, owners, plans_by_id):
    """Map compiler errors to the plan ids owning their spans."""
    bad, unmapped = set(), []
    for m in msgs:
        msg = m["message"]
        if msg["level"] != "error":
            continue
        crate = Path(m["target"]["src_path"]).parts
        # find crate name from manifest in package_id or target src path
        src_path = Path(m["target"]["src_path"])
        crate = None
        for c in CRATES:
            if f"/injected/{c}/" in str(src_path):
                crate = c
        found = set()
        def walk(spans):
            for sp in spans:
                fn = sp["file_name"]
                fn = fn.split(f"/injected/{crate}/", 1)[-1] if f"/injected/{crate}/" in fn else fn
                if fn.startswith(crate + "/"):
                    fn = fn[len(crate) + 1:]
                for a, b, pid in owners.get((crate, fn), []):
                    if a <= sp["line_start"] <= b:
                        found.add(pid)
                if sp.get("expansion"):
                    walk([sp["expansion"]["span"]])
        walk(msg["spans"])
        for ch in msg.get("children", []):
            walk(ch.get("spans", []))
        if not found and msg["spans"]:
            unmapped.append((crate, msg["rendered"][:400] if msg.get("rendered") else msg["message"]))
        for pid in found:
            bad.add((pid, (msg.get("rendered") or msg["message"]).split("\n")[0][:200]))
    return bad, unmapped


# ----------------------------------------------------------------- main ---

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=20251125)
    ap.add_argument("--per-type", type=int, default=20)
    ap.add_argument("--force", action="store_true", help="redo even if truth.json exists")
    args = ap.parse_args()
    truth_path = WORK / "truth.json"
    if truth_path.exists() and not args.force:
        log(f"{truth_path} exists; use --force to redo")
        return
    WORK.mkdir(parents=True, exist_ok=True)
    log("copying crates ...")
    make_copies(args.force)
    log("cargo check pristine ...")
    compiled = compiled_files(WORK / "pristine")
    rng = random.Random(args.seed)
    cols = {}
    all_idents = {}
    sources = {}
    for c in CRATES:
        cols[c] = collect(c, WORK / "pristine", compiled[c])
        all_idents[c] = set()
        for f, src in cols[c]["sources"].items():
            all_idents[c].update(t.text for t in src.sig if t.kind == "ident")
        log(f"{c}: {len(compiled[c])} compiled files, {len(cols[c]['fns'])} fn candidates, "
            f"{len(cols[c]['structs'])} structs, {len(cols[c]['enums'])} enums, {len(cols[c]['traits'])} traits, "
            f"{len(cols[c]['trait_impls'])} trait impls")
    n_counter = [0]
    def counter():
        n_counter[0] += 1
        return n_counter[0]
    used_fns = set()
    used_types = set().union(*all_idents.values())
    plans = []
    want = int(args.per_type * OVERGEN)

    def round_robin(pool_by_crate, make, count):
        out = []
        order = CRATES[:]
        lists = {c: list(v) for c, v in pool_by_crate.items()}
        for c in lists:
            rng.shuffle(lists[c])
        idx = 0
        misses = 0
        while len(out) < count and misses < len(order) * 3:
            c = order[idx % len(order)]
            idx += 1
            made = None
            while lists.get(c) and made is None:
                cand = lists[c].pop()
                made = make(c, cand)
            if made is None:
                misses += 1
                continue
            misses = 0
            out.append(made)
        return out

    def fn_pool(pred):
        return {c: [f for f in cols[c]["fns"] if f.key not in used_fns and pred(f)] for c in CRATES}

    def use(fn):
        used_fns.add(fn.key)

    for typ in ("type1", "type2", "type3"):
        def make(c, fn, typ=typ):
            if fn.key in used_fns:
                return None
            p = plan_fn_copy(typ, fn, rng, all_idents, counter, sources)
            if p:
                use(fn)
            return p
        plans += round_robin(fn_pool(lambda f: True), make, want)

    def make_block(c, fn):
        if fn.key in used_fns:
            return None
        p = plan_block(fn, rng, all_idents, counter, sources)
        if p:
            use(fn)
        return p
    plans += round_robin(fn_pool(lambda f: True), make_block, want)

    def make_cross(c, fn):
        if fn.key in used_fns or not self_contained(fn):
            return None
        tgt = rng.choice([x for x in (STD_CRATES if needs_std(fn) else CRATES) if x != c])
        use(fn)
        return plan_cross(fn, tgt, rng, counter, sources)
    cross = round_robin(fn_pool(lambda f: f.impl is None or "self" not in f.texts), make_cross, want)
    if len(cross) < want:
        ext = external_fns()
        rng.shuffle(ext)
        for fn in ext[:want - len(cross)]:
            a, b = rng.sample(STD_CRATES if needs_std(fn) else CRATES, 2)
            cross.append(plan_cross_external(fn, a, b, rng, counter))
    # interleave in-set and external pairs so that trimming keeps both kinds
    inset = [p for p in cross if not p.desc["source"].startswith("corpus:")]
    ext_p = [p for p in cross if p.desc["source"].startswith("corpus:")]
    cross = []
    while inset or ext_p:
        if inset:
            cross.append(inset.pop(0))
        if ext_p:
            cross.append(ext_p.pop(0))
    plans += cross

    per_sub = max(1, int(round(want / len(ABS_KINDS))))
    abs_lists = []
    for sub in ABS_KINDS:
        def make_abs(c, _x, sub=sub):
            return plan_abstraction(sub, c, cols[c], rng, counter, sources, used_types)
        abs_lists.append(round_robin({c: list(range(6)) for c in CRATES}, make_abs, per_sub))
    for i in range(per_sub):
        for lst in abs_lists:
            if i < len(lst):
                plans.append(lst[i])

    counts = {}
    for p in plans:
        counts[p.type] = counts.get(p.type, 0) + 1
        p.id = f"{p.type}-{counts[p.type]:02d}"
    log("planned:", counts)
    plans_by_id = {p.id: p for p in plans}
    active = [p.id for p in plans]
    dropped = []
    for round_no in range(1, 12):
        owners = apply(plans, set(active))
        log(f"round {round_no}: cargo check with {len(active)} injections ...")
        ok, msgs, proc = cargo_check(WORK / "injected")
        if ok:
            break
        bad, unmapped = blame(msgs, owners, plans_by_id)
        if not bad:
            log("errors not attributable to an injection:")
            for c, r in unmapped[:5]:
                log(c, r)
            if not unmapped:
                log(proc.stderr[-3000:])
            # bisect on the crate that fails: drop its most recent injections one by one
            crates_bad = {c for c, _ in unmapped} or set(CRATES)
            victims = [pid for pid in reversed(active) if plans_by_id[pid].chunks and any(ch[0] in crates_bad for ch in plans_by_id[pid].chunks)]
            bad = {(victims[0], "unattributed error")} if victims else set()
            if not bad:
                sys.exit("cannot make injected crates build")
        for pid, why in sorted(bad):
            if pid in active:
                active.remove(pid)
                dropped.append(dict(id=pid, type=plans_by_id[pid].type, reason=why,
                                    desc=plans_by_id[pid].desc))
        log(f"  dropped {len(bad)}")
    else:
        sys.exit("still not building after 11 rounds")
    # trim to per-type target (keep the earliest ids of each type)
    keep, per = [], {}
    for pid in active:
        t = plans_by_id[pid].type
        if per.get(t, 0) < args.per_type:
            keep.append(pid)
            per[t] = per.get(t, 0) + 1
    if len(keep) != len(active):
        active = keep
        owners = apply(plans, set(active))
        log(f"final cargo check with {len(active)} injections ...")
        ok, msgs, proc = cargo_check(WORK / "injected")
        if not ok:
            log(proc.stderr[-3000:])
            sys.exit("final check failed")
    clones = []
    for pid in active:
        p = plans_by_id[pid]
        clones.append(dict(id=p.id, type=p.type, crate=p.crate, instances=p.instances, desc=p.desc))
    truth = dict(seed=args.seed, crates=CRATES, per_type=args.per_type, clones=clones,
                 dropped=dropped, counts=per,
                 note="instance files are relative to bench/work/injected/<crate>")
    truth_path.write_text(json.dumps(truth, indent=1))
    log(f"wrote {truth_path}: {per}; dropped {len(dropped)}")


if __name__ == "__main__":
    main()
