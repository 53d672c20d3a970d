"""A small Rust lexer and item scanner, enough for the benchmark scripts.

It is not a parser: it splits source text into tokens (respecting strings,
raw strings, chars, lifetimes and nested comments), matches brackets, and
finds top-level items (and the items of `impl`/`trait` blocks).
"""
import bisect
import re

_RAW = re.compile(r'(?:br|cr|r)(#*)"')
_STR = re.compile(r'[bc]?"')
_IDENT = re.compile(r'(?:r#)?[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_\u0080-\U0010ffff]*')
_NUM = re.compile(r'[0-9][0-9A-Za-z_]*')


class Tok:
    __slots__ = ("kind", "text", "start", "end", "line", "eline")

    def __init__(self, kind, text, start, end):
        self.kind, self.text, self.start, self.end = kind, text, start, end
        self.line = self.eline = 0

    def __repr__(self):
        return f"Tok({self.kind},{self.text!r},L{self.line})"


def lex(src):
    toks = []
    i, n = 0, len(src)
    prev_sig = None
    while i < n:
        c = src[i]
        if c.isspace():
            j = i + 1
            while j < n and src[j].isspace():
                j += 1
            kind = "ws"
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            kind = "comment"
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth += 1
                    j += 2
                elif src.startswith("*/", j):
                    depth -= 1
                    j += 2
                else:
                    j += 1
            kind = "comment"
        elif (m := _RAW.match(src, i)) and (c in "bcr"):
            close = '"' + m.group(1)
            j = src.find(close, m.end())
            j = n if j < 0 else j + len(close)
            kind = "str"
        elif (m := _STR.match(src, i)):
            j = m.end()
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            j += 1
            kind = "str"
        elif c == "'" or (c == "b" and src.startswith("b'", i)):
            q = i + (1 if c == "b" else 0)
            if q + 1 < n and src[q + 1] == "\\":
                j = q + 3
                while j < n and src[j] != "'":
                    j += 1
                j += 1
                kind = "char"
            elif q + 2 < n and src[q + 2] == "'":
                j = q + 3
                kind = "char"
            else:
                m = _IDENT.match(src, q + 1)
                j = m.end() if m else q + 1
                kind = "lifetime"
        elif (m := _IDENT.match(src, i)):
            j = m.end()
            kind = "ident"
        elif c.isdigit():
            if prev_sig is not None and prev_sig.text == ".":
                j = i
                while j < n and src[j].isdigit():
                    j += 1
            else:
                j = _NUM.match(src, i).end()
                if (j + 1 < n and src[j] == "." and src[j + 1].isdigit()):
                    j = _NUM.match(src, j + 1).end()
                if (src[j - 1] in "eE" and not src[i:j].startswith(("0x", "0b", "0o"))
                        and j + 1 < n and src[j] in "+-" and src[j + 1].isdigit()):
                    j = _NUM.match(src, j + 1).end()
            kind = "num"
        else:
            j = i + 1
            kind = "punct"
        t = Tok(kind, src[i:j], i, j)
        toks.append(t)
        if kind not in ("ws", "comment"):
            prev_sig = t
        i = j
    starts = [0] + [k + 1 for k, ch in enumerate(src) if ch == "\n"]
    for t in toks:
        t.line = bisect.bisect_right(starts, t.start)
        t.eline = bisect.bisect_right(starts, max(t.start, t.end - 1))
    return toks


class Source:
    """A lexed file: all tokens, significant tokens and bracket matches."""

    def __init__(self, text):
        self.text = text
        self.toks = lex(text)
        self.sig = [t for t in self.toks if t.kind not in ("ws", "comment")]
        self.match = {}
        stack = []
        pairs = {")": "(", "]": "[", "}": "{"}
        for k, t in enumerate(self.sig):
            if t.kind != "punct":
                continue
            if t.text in "([{":
                stack.append(k)
            elif t.text in ")]}":
                while stack and self.sig[stack[-1]].text != pairs[t.text]:
                    stack.pop()
                if stack:
                    o = stack.pop()
                    self.match[o] = k
                    self.match[k] = o
        self.items = parse_items(self, 0, len(self.sig))

    def t(self, k):
        return self.sig[k].text

    def span_text(self, a, b):
        """Source text from sig token a to sig token b inclusive."""
        return self.text[self.sig[a].start:self.sig[b].end]


class Item:
    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.children = []

    def __repr__(self):
        return f"Item({self.kind} {self.name} L{self.line}-{self.eline})"


_QUAL = {"unsafe", "async", "default", "safe", "auto"}
_KW = {"fn", "struct", "enum", "union", "trait", "impl", "mod", "use", "type",
       "static", "const", "macro_rules"}


def parse_items(src, i, end, depth=0):
    sig, match = src.sig, src.match
    items = []
    while i < end:
        attr_start = i
        has_cfg = False
        attrs = []
        while i < end and sig[i].text == "#":
            j = i + 1
            if j < end and sig[j].text == "!":
                j += 1
            if j >= end or sig[j].text != "[" or j not in match:
                break
            if j + 1 < end and sig[j + 1].text in ("cfg", "test"):
                has_cfg = True
            attrs.append((i, match[j]))
            i = match[j] + 1
        if i >= end:
            break
        start = i
        if sig[i].text == "pub":
            i += 1
            if i < end and sig[i].text == "(" and i in match:
                i = match[i] + 1
        kind = None
        name = None
        quals = []
        while i < end:
            tx = sig[i].text
            if tx in _QUAL and i + 1 < end and sig[i + 1].kind == "ident":
                quals.append(tx)
                i += 1
                continue
            if tx == "const" and i + 1 < end and sig[i + 1].text in ("fn", "unsafe", "async", "extern"):
                quals.append(tx)
                i += 1
                continue
            if tx == "extern":
                nx = sig[i + 1].text if i + 1 < end else ""
                if nx == "crate":
                    kind = "extern_crate"
                elif sig[i + 1].kind == "str" and i + 2 < end and sig[i + 2].text == "{":
                    kind = "extern_block"
                elif nx == "{":
                    kind = "extern_block"
                elif sig[i + 1].kind == "str":
                    quals.append("extern")
                    i += 2
                    continue
                else:
                    quals.append("extern")
                    i += 1
                    continue
                break
            if tx == "union" and i + 1 < end and sig[i + 1].kind == "ident" and i + 2 < end and sig[i + 2].text in ("{", "<"):
                kind = "union"
                break
            if tx in _KW and sig[i].kind == "ident":
                kind = tx
                if tx == "macro_rules":
                    kind = "macro"
                break
            if sig[i].kind == "ident" and i + 1 < end and sig[i + 1].text == "!":
                kind = "macro"
                break
            break
        kw = i
        if kind is None:
            # unknown: skip to next ';' or a brace group
            j = i
            while j < end and sig[j].text not in (";", "{"):
                j = match.get(j, j) + 1 if sig[j].text in "([" else j + 1
            if j < end and sig[j].text == "{":
                j = match.get(j, j)
            i = j + 1
            continue
        body = None
        if kind in ("fn", "struct", "enum", "union", "trait", "impl", "mod", "extern_block"):
            if kind != "impl" and kind != "extern_block" and kw + 1 < end:
                name = sig[kw + 1].text
            j = kw + 1
            while j < end:
                tx = sig[j].text
                if tx in ("(", "[") and j in match:
                    j = match[j] + 1
                    continue
                if tx == "{" or tx == ";":
                    break
                j += 1
            if j < end and sig[j].text == "{" and j in match:
                body = j
                e = match[j]
            else:
                e = j
        elif kind == "macro":
            j = kw + 1
            while j < end and sig[j].text not in ("(", "[", "{"):
                j += 1
            e = match.get(j, j)
            if sig[j].text != "{" and e + 1 < end and sig[e + 1].text == ";":
                e += 1
            name = sig[kw].text
        else:
            if kind in ("type", "const", "static") and kw + 1 < end:
                name = sig[kw + 1].text
                if name == "mut" and kw + 2 < end:
                    name = sig[kw + 2].text
            j = kw + 1
            while j < end and sig[j].text != ";":
                j = match[j] + 1 if (sig[j].text in "([{" and j in match) else j + 1
            e = j
        e = min(e, end - 1)
        it = Item(kind=kind, name=name, attr_start=attr_start, start=start, kw=kw,
                  body=body, end=e, has_cfg=has_cfg, attrs=attrs, quals=quals,
                  line=sig[start].line, eline=sig[e].eline)
        if kind in ("impl", "trait") and body is not None:
            it.children = parse_items(src, body + 1, e, depth + 1)
            for ch in it.children:
                ch.parent = it
        items.append(it)
        i = e + 1
    return items


def impl_is_trait(src, it):
    """True when an impl block is `impl ... Trait for Type`."""
    for k in range(it.kw + 1, it.body):
        if src.t(k) == "for" and not (k + 1 < it.body and src.t(k + 1) == "<"):
            return True
    return False


def fn_parts(src, it):
    """For a fn item: (name_idx, params_open, params_close, ret_arrow or None, where_idx or None)."""
    sig = src.sig
    k = it.kw + 1
    name_idx = k
    k += 1
    angle = 0
    while k < it.body:
        tx = sig[k].text
        if tx == "<":
            angle += 1
        elif tx == ">" and sig[k - 1].text != "-":
            angle -= 1
        elif tx == "(" and angle == 0:
            break
        elif tx in "([" and k in src.match:
            k = src.match[k]
        k += 1
    popen = k
    pclose = src.match.get(popen, popen)
    arrow = None
    where = None
    k = pclose + 1
    while k < it.body:
        tx = sig[k].text
        if tx == "-" and sig[k + 1].text == ">" and arrow is None:
            arrow = k
        elif tx == "where":
            where = k
            break
        elif tx in "([" and k in src.match:
            k = src.match[k]
        k += 1
    return name_idx, popen, pclose, arrow, where


def body_statements(src, open_idx, close_idx):
    """Top-level statements of a block: list of (first_sig, last_sig)."""
    sig, match = src.sig, src.match
    stmts = []
    k = open_idx + 1
    while k < close_idx:
        s = k
        while k < close_idx:
            tx = sig[k].text
            if tx == ";":
                break
            if tx in "([" and k in match:
                k = match[k] + 1
                continue
            if tx == "{" and k in match:
                k = match[k]
                nx = sig[k + 1].text if k + 1 < close_idx else ";"
                if nx in ("else", ".", "?", ";", ")", ",", "as") or (
                        sig[k + 1].kind == "punct" and nx not in ("#", "}", "{", "(", "[", "|", "&", "*", "!", "-")):
                    k += 1
                    continue
                if sig[s].text in ("let",):
                    k += 1
                    continue
                break
            k += 1
        e = min(k, close_idx - 1)
        if sig[s].text == "#" and s + 1 < close_idx:
            pass
        stmts.append((s, e))
        k = e + 1
    return stmts
