//! How many lines of code two copies really share: what a merge saves, and the ranking.
//!
//! Spans overstate it. Doc comments, attributes and `#[cfg]`-gated scaffolding (tracing
//! events, fields that exist in one build) are not what a merge removes, and near-miss copies
//! share only what aligns. A line of the first copy counts when it holds more than braces and
//! punctuation, and each of its tokens outside attributes and gated code is aligned (Myers,
//! over blinded tokens) with the same token of the other copy, or with a name the other copy
//! renamed consistently and uses at least twice (a local). Types and literals that differ do
//! not count: copies that build different types are parallel APIs more often than one
//! function written twice, and a one-off name that differs is what the copies do differently.

use std::collections::HashMap;
use std::ops::Range;

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::analysis::source::token::{hash_str, is_local, Tok, TokClass};
use crate::analysis::source::ParsedFile;

/// The tokens of `ranges` outside attributes, each with whether it is gated code.
fn code_tokens(file: &ParsedFile, ranges: &[Range<u32>]) -> Vec<(Tok, bool)> {
    ranges
        .iter()
        .flat_map(Clone::clone)
        .filter(|&i| !file.is_attribute(i))
        .map(|i| (file.tokens[i as usize], file.is_gated(i)))
        .collect()
}

/// What the first of two copies shares with the other, in lines of code that hold a word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shared {
    /// Shared lines of real code.
    pub core: u32,
    /// Shared lines of `#[cfg]`-gated code only.
    pub gated: u32,
    /// Lines of real code of the first copy, shared or not.
    pub lines: u32,
    /// Lines of gated code of the first copy, shared or not.
    pub gated_lines: u32,
    /// Lines of real code that differ only in literals: a parameter of the merged function
    /// each, with no line of its own.
    pub literal_lines: u32,
    /// Lines of real code that differ in a name other than a local's or the item's own (a
    /// field, a method, a function, a variant): the merged function needs a closure or a
    /// selector for each, and every call site passes it.
    pub member_lines: u32,
}

/// More lines than this differing only in literals: a table of data (a palette, a keymap),
/// not logic to merge; nobody passes a function that many values to tell its copies apart.
const MAX_LITERAL_PARAMS: u32 = 4;

impl Shared {
    /// Whether the copies are tables of data: a merge would take a parameter per line.
    pub fn is_table(&self) -> bool {
        self.literal_lines > MAX_LITERAL_PARAMS
    }

    /// Lines a merge of the two copies saves: the lines they share, less one for each line
    /// that differs in more than literals (the merged function needs a parameter, a branch or
    /// a closure for it; a literal is an argument), and one more for a line that differs in
    /// a member's name (the closure or selector that picks it, at every call site).
    /// Gated scaffolding counts only along with at least `min_core` shared lines of real code,
    /// and never for more than those: nobody merges copies for their tracing events.
    pub fn saved(&self, min_core: u32) -> u32 {
        let (same, all) = if self.core >= min_core {
            (
                self.core + self.gated.min(self.core),
                self.lines + self.gated_lines.min(self.core),
            )
        } else {
            (self.core, self.lines)
        };
        (2 * same + self.literal_lines).saturating_sub(all + self.member_lines)
    }
}

/// Whether the type named at `i` is built there: a struct expression or a tuple
/// constructor (`= Guard {`, `Ok(Guard {`, `=> Frame::Group(`), not a return type
/// (`-> Guard {`) or a bound.
fn is_built(toks: &[Tok], i: usize) -> bool {
    let is = |k: usize, text: &str| {
        toks.get(k)
            .is_some_and(|t| t.class != TokClass::Ident && t.sym == hash_str(text))
    };
    if !(is(i + 1, "{") || is(i + 1, "(")) {
        return false;
    }
    // Back over the path: `a::b::Type`.
    let mut start = i;
    while start >= 3 && is(start - 1, ":") && is(start - 2, ":") {
        start -= 3;
    }
    let Some(before) = start.checked_sub(1) else {
        return false;
    };
    ["=", ",", ";", "(", "{", "[", "return", "break"]
        .iter()
        .any(|text| is(before, text))
        || (is(before, ">") && before > 0 && is(before - 1, "="))
}

/// The index of the delimiter that closes the one opened at `open`.
fn closing(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t.class {
            TokClass::Open => depth += 1,
            TokClass::Close => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    toks.len() - 1
}

/// Whether a line with these tokens holds a word, not only braces and punctuation.
fn has_word(line: &[Tok]) -> bool {
    line.iter()
        .any(|t| !matches!(t.class, TokClass::Punct | TokClass::Open | TokClass::Close))
}

/// Lines of `a`'s tokens in `ra` that `b`'s tokens in `rb` share (see the module
/// documentation).
pub fn shared_lines(
    a: &ParsedFile,
    ra: &[Range<u32>],
    b: &ParsedFile,
    rb: &[Range<u32>],
) -> Shared {
    let (ca, cb) = (code_tokens(a, ra), code_tokens(b, rb));
    let ta: Vec<Tok> = ca.iter().map(|c| c.0).collect();
    let tb: Vec<Tok> = cb.iter().map(|c| c.0).collect();
    let alignment = Alignment::of(&ta, &tb);
    let mut shared = Shared::default();
    let mut start = 0;
    while start < ta.len() {
        let line = ta[start].line;
        let end = start + ta[start..].iter().take_while(|t| t.line == line).count();
        if has_word(&ta[start..end]) {
            let gated = ca[start..end].iter().all(|c| c.1);
            let same = |i: usize| alignment.same(i);
            let literals =
                !(start..end).all(same) && (start..end).all(|i| same(i) || alignment.literal(i));
            let member = (start..end).any(|i| alignment.other_member(i));
            let same = (start..end).all(same);
            if gated {
                shared.gated_lines += 1;
                shared.gated += u32::from(same);
            } else {
                shared.lines += 1;
                shared.core += u32::from(same);
                shared.literal_lines += u32::from(literals);
                shared.member_lines += u32::from(member);
            }
        }
        start = end;
    }
    shared
}

/// How the tokens of one copy (`ta`) align with another's (`tb`): which token of `b` each
/// token of `a` is matched with, which names are renamed, and which tokens build a value of
/// another type.
struct Alignment<'t> {
    ta: &'t [Tok],
    tb: &'t [Tok],
    /// For each token of `a`, the token of `b` it aligns with.
    partner: Vec<Option<usize>>,
    renames: Renames,
    /// Tokens of `a` inside a value built of another type than in `b`.
    other_type: Vec<bool>,
}

impl<'t> Alignment<'t> {
    fn of(ta: &'t [Tok], tb: &'t [Tok]) -> Alignment<'t> {
        let partner = partners(ta, tb);
        let renames = Renames::of(ta, tb, &partner);
        let other_type = other_types(ta, tb, &partner);
        Alignment {
            ta,
            tb,
            partner,
            renames,
            other_type,
        }
    }

    /// Whether token `i` of `a` is the same in `b`, or a local `b` renamed consistently.
    fn same(&self, i: usize) -> bool {
        let (ta, tb) = (self.ta, self.tb);
        !self.other_type[i]
            && self.partner[i].is_some_and(|j| {
                ta[i].sym == tb[j].sym
                    || (is_local(ta, i) && self.renames.holds(ta[i].sym, tb[j].sym))
            })
    }

    /// Whether token `i` of `a` names another member than its partner in `b` does: a field,
    /// a method, a function or a variant, not a local and not the item's own name.
    fn other_member(&self, i: usize) -> bool {
        let (ta, tb) = (self.ta, self.tb);
        let own_name =
            i > 0 && ta[i - 1].class == TokClass::Keyword && ta[i - 1].sym == hash_str("fn");
        matches!(ta[i].class, TokClass::Ident | TokClass::TypeIdent)
            && !self.other_type[i]
            && !own_name
            && !is_local(ta, i)
            && self.partner[i].is_some_and(|j| ta[i].sym != tb[j].sym)
    }

    /// Whether token `i` of `a` is a literal aligned with a token of `b`.
    fn literal(&self, i: usize) -> bool {
        self.ta[i].class.is_literal() && self.partner[i].is_some() && !self.other_type[i]
    }
}

/// For each token of `ta`, the token of `tb` it aligns with (Myers over blinded tokens).
fn partners(ta: &[Tok], tb: &[Tok]) -> Vec<Option<usize>> {
    let blinded = |toks: &[Tok]| toks.iter().map(|t| t.blinded()).collect::<Vec<u32>>();
    let (ba, bb) = (blinded(ta), blinded(tb));
    let mut partner: Vec<Option<usize>> = vec![None; ta.len()];
    for op in capture_diff_slices(Algorithm::Myers, &ba, &bb) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                partner[old_index + k] = Some(new_index + k);
            }
        }
    }
    partner
}

/// The names of `a` renamed in `b`. A name's rename is the other name it aligns with most
/// often, strictly; the rename must hold both ways. (A name may also align with itself:
/// `pair` in `Finder { pair, .. }` against `Finder { pair: p, .. }`.)
struct Renames {
    /// For each name, the other name it aligns with most, how often, and whether uniquely.
    forward: HashMap<u32, (u32, u32, bool)>,
    backward: HashMap<u32, (u32, u32, bool)>,
}

impl Renames {
    fn of(ta: &[Tok], tb: &[Tok], partner: &[Option<usize>]) -> Renames {
        // How often each local of `a` aligns with each other name of `b`.
        let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
        for (i, j) in partner.iter().enumerate() {
            if let Some(j) = *j {
                if is_local(ta, i) && ta[i].sym != tb[j].sym {
                    *pairs.entry((ta[i].sym, tb[j].sym)).or_default() += 1;
                }
            }
        }
        let best = |from_a: bool| {
            let mut best: HashMap<u32, (u32, u32, bool)> = HashMap::new();
            for (&(x, y), &n) in &pairs {
                let (from, to) = if from_a { (x, y) } else { (y, x) };
                let entry = best.entry(from).or_insert((to, 0, false));
                if n > entry.1 {
                    *entry = (to, n, true);
                } else if n == entry.1 {
                    entry.2 = false;
                }
            }
            best
        };
        Renames {
            forward: best(true),
            backward: best(false),
        }
    }

    /// Whether `x` of `a` is renamed `y` in `b`.
    fn holds(&self, x: u32, y: u32) -> bool {
        self.forward
            .get(&x)
            .is_some_and(|&(to, _, unique)| unique && to == y)
            && self
                .backward
                .get(&y)
                .is_some_and(|&(to, _, unique)| unique && to == x)
    }
}

/// The tokens of `ta` inside a value of another type than the one `tb` builds there: a value
/// of another type is built field by field in another way, however alike the fields look
/// (`Guard { s: &self.s, .. }` against `OwnedGuard { s: &self.s, .. }`).
fn other_types(ta: &[Tok], tb: &[Tok], partner: &[Option<usize>]) -> Vec<bool> {
    let mut other_type = vec![false; ta.len()];
    for (i, j) in partner.iter().enumerate() {
        if let Some(j) = *j {
            if ta[i].class == TokClass::TypeIdent && ta[i].sym != tb[j].sym && is_built(ta, i) {
                let end = closing(ta, i + 1);
                other_type[i + 1..=end].fill(true);
            }
        }
    }
    other_type
}

#[cfg(test)]
mod test {
    use super::*;

    fn parse(src: &str) -> ParsedFile {
        crate::analysis::source::parse_str(src, "p", false).unwrap()
    }

    /// All of a parsed file's tokens, as the one range `shared_lines` compares.
    fn whole(file: &ParsedFile) -> Vec<Range<u32>> {
        let all = 0..file.tokens.len() as u32;
        vec![all]
    }

    fn shared(a: &str, b: &str) -> u32 {
        let (a, b) = (parse(a), parse(b));
        shared_lines(&a, &whole(&a), &b, &whole(&b)).core
    }

    #[test]
    fn consistent_renames_of_locals_are_shared_but_types_and_methods_are_not() {
        let a = "fn f(v: &[u32]) -> u32 {\n    let mut total = 0;\n    for x in v {\n        total += x;\n    }\n    total.min(Limit::MAX)\n}\n";
        // `total` renamed throughout: every line that holds a word is still shared.
        assert_eq!(shared(a, &a.replace("total", "sum")), 5);
        // A type or a method that differs is what the copies do differently.
        assert_eq!(shared(a, &a.replace("Limit", "Bound")), 4);
        assert_eq!(shared(a, &a.replace("min", "max")), 4);
    }

    #[test]
    fn fields_of_a_value_of_another_type_are_not_shared() {
        let a = "fn f(s: &S) -> Guard {\n    let n = s.len();\n    Guard {\n        s: &s.inner,\n        n,\n    }\n}\n";
        // Another return type is one line; the fields of another type are all different.
        assert_eq!(shared(a, &a.replace("-> Guard", "-> OwnedGuard")), 4);
        assert_eq!(shared(a, &a.replace("    Guard {", "    OwnedGuard {")), 2);
    }

    #[test]
    fn braces_attributes_and_gated_code_are_not_shared_lines() {
        let a = "fn f(a: u32) -> u32 {\n    let b = a + 1;\n    #[cfg(feature = \"trace\")]\n    trace(\n        b,\n    );\n    b\n}\n";
        // `fn`, `let`, `b`: the gated call is scaffolding, the attribute is no code, and `}`
        // holds no word.
        assert_eq!(shared(a, a), 3);
        let p = parse(a);
        let all = shared_lines(&p, &whole(&p), &p, &whole(&p));
        assert_eq!(
            (all.core, all.gated, all.lines, all.gated_lines),
            (3, 2, 3, 2)
        );
        // The gated lines count once enough real code is shared.
        assert_eq!((all.saved(3), all.saved(4)), (5, 3));
        // Never more scaffolding than real code.
        let tracing = Shared {
            core: 4,
            gated: 10,
            lines: 5,
            gated_lines: 10,
            literal_lines: 0,
            member_lines: 0,
        };
        assert_eq!(tracing.saved(4), 2 * (4 + 4) - (5 + 4));
        // A line that differs in a literal only costs nothing.
        let literal = Shared {
            literal_lines: 1,
            ..tracing
        };
        assert_eq!(literal.saved(4), 2 * (4 + 4) + 1 - (5 + 4));
    }
}
