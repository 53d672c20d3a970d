//! What extracting a copied block into a function costs at its interface, and whether the
//! block is its function's prologue.
//!
//! A block is merged by extracting it: its free variables become parameters and the locals it
//! defines that are used after it become the return value. When that interface is wide, the
//! signature and every call spread over a line per value and eat what the merge saves: a run
//! of `let`s wiring a few calls together is copied data flow, not a missing function. And a
//! short run that opens each function (load, then adjust one setting) is a setup idiom.

use std::collections::HashSet;
use std::ops::Range;

use crate::analysis::source::token::{hash_str, is_local, TokClass};
use crate::analysis::source::{ParsedFile, StmtSeq, UnitKind};

/// The values a block would take and give back if it were extracted from its function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Interface {
    /// Locals (and `self`) bound before the block and used in it.
    pub inputs: u32,
    /// Locals bound in the block and used after it, before its enclosing block closes.
    pub outputs: u32,
}

impl Interface {
    /// Whether more values cross the block's edges than it has lines of code: copied
    /// wiring between calls, whose extracted function would be mostly signature.
    pub(super) fn is_wiring(self, lines: u32) -> bool {
        self.inputs + self.outputs >= lines
    }
}

/// The innermost function or method whose body holds `block`.
fn enclosing_body(file: &ParsedFile, block: &Range<u32>) -> Option<Range<u32>> {
    file.units
        .iter()
        .filter(|u| matches!(u.kind, UnitKind::Fn | UnitKind::Method))
        .map(|u| u.body.clone())
        .filter(|body| body.start < block.start && block.end <= body.end)
        .min_by_key(|body| body.end - body.start)
}

/// The interface of the block of tokens `block` (see the module documentation), when it can
/// be as wide as the block's `lines`; an empty one when it cannot.
pub(super) fn interface(file: &ParsedFile, block: &Range<u32>, lines: u32) -> Interface {
    let Some(body) = enclosing_body(file, block) else {
        return Interface::default();
    };
    let toks = &file.tokens[..body.end as usize];
    let self_sym = hash_str("self");
    let locals_in = |range: Range<u32>| -> HashSet<u32> {
        range
            .filter(|&i| {
                let t = toks[i as usize];
                is_local(toks, i as usize) || (t.class == TokClass::Keyword && t.sym == self_sym)
            })
            .map(|i| toks[i as usize].sym)
            .collect()
    };
    let scope_end = enclosing_seq(file, block).map_or(body.end, seq_end);
    let inside = locals_in(block.clone());
    if (inside.len() as u32) < lines {
        // Fewer names than lines: whatever crosses the edges, it is no wiring.
        return Interface::default();
    }
    let before = locals_in(body.start..block.start);
    let after = locals_in(block.end..scope_end.min(body.end));
    Interface {
        inputs: inside.intersection(&before).count() as u32,
        outputs: inside
            .difference(&before)
            .filter(|s| after.contains(s))
            .count() as u32,
    }
}

/// The innermost statement sequence (block) that holds `block`.
fn enclosing_seq<'f>(file: &'f ParsedFile, block: &Range<u32>) -> Option<&'f StmtSeq> {
    file.seqs
        .iter()
        .filter(|seq| {
            seq.stmts.first().is_some_and(|s| s.start <= block.start)
                && seq.stmts.last().is_some_and(|s| block.end <= s.end)
        })
        .min_by_key(|seq| seq_end(seq) - seq.stmts[0].start)
}

fn seq_end(seq: &StmtSeq) -> u32 {
    seq.stmts.last().map_or(0, |s| s.end)
}

/// Whether `block` opens the body of a function or method: the body's statements before it,
/// if any, are all `let` bindings (the setup a command handler or a draw call starts with).
pub(super) fn is_prologue(file: &ParsedFile, block: &Range<u32>) -> bool {
    let let_sym = hash_str("let");
    let Some(seq) = enclosing_seq(file, block) else {
        return false;
    };
    let opens_a_body = file
        .units
        .iter()
        .filter(|u| matches!(u.kind, UnitKind::Fn | UnitKind::Method))
        .any(|u| u.body.start + 1 == seq.stmts[0].start);
    opens_a_body
        && seq
            .stmts
            .iter()
            .take_while(|s| s.start < block.start)
            .all(|s| {
                file.tokens
                    .get(s.start as usize)
                    .is_some_and(|t| t.sym == let_sym)
            })
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use crate::analysis::detectors::find::test::detect;
    use crate::analysis::detectors::GroupKind;

    /// A setup run: load a book from the arguments and apply one of them.
    const SETUP: &str = "    let book_dir = dir_of(args);
    let mut book = Book::load(book_dir)?;

    if let Some(dest_dir) = args.get_one::<PathBuf>(\"dest-dir\") {
        book.config.build.build_dir = dest_dir.into();
    }
";

    fn handler(name: &str, before: &str, tail: &str) -> String {
        format!("fn {name}(args: &Args) -> Result<()> {{\n{before}{SETUP}{tail}    Ok(())\n}}\n")
    }

    fn blocks(sources: &[&str]) -> usize {
        let groups = detect(sources);
        groups.iter().filter(|g| g.kind == GroupKind::Block).count()
    }

    #[test]
    fn a_short_setup_opening_each_function_is_a_prologue_not_a_copy() {
        let build = handler("build", "", "    book.build()?;\n");
        let tail = "    for chapter in book.chapters() {\n        if chapter.is_draft() {\n            continue;\n        }\n        chapter.test(&args.library_paths)?;\n        println!(\"{}\", chapter.name);\n    }\n";
        let chapter = "    let chapter = args.get_one::<String>(\"chapter\");\n";
        assert_eq!(blocks(&[&build, &handler("test", chapter, tail)]), 0);
        // The same run after a statement that does something is code to extract.
        assert_eq!(
            blocks(&[&build, &handler("test", "    check(args)?;\n", tail)]),
            1
        );
    }

    /// `lets` lines, each binding one value from two earlier ones.
    fn wiring(name: &str, lets: usize, guard: &str, fold: &str) -> String {
        let mut body = format!("fn {name}(a: u32, b: u32, c: u32, d: u32) -> u32 {{\n{guard}");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
        for i in 0..lets {
            let (x, y) = (names[i], names[i + 3]);
            let _ = writeln!(body, "    let {y}{i} = mix({x}, {y}, \"{x}\", 0x{i}ff);");
        }
        let used: Vec<String> = (0..lets).map(|i| format!("{}{i}", names[i + 3])).collect();
        let _ = writeln!(body, "    {fold}(&[{}])\n}}", used.join(", "));
        body
    }

    #[test]
    fn wiring_whose_interface_is_wider_than_its_lines_is_not_a_copy() {
        let guard = "    if a > b {\n        return 0;\n    }\n    let mut seen = HashSet::new();\n    for item in items(a) {\n        if !seen.insert(item.id) {\n            log::warn!(\"twice: {}\", item.id);\n        }\n    }\n";
        let first = wiring("first", 8, guard, "sum");
        let busy = "    while c < d {\n        c = step(c);\n        if c % 7 == 0 {\n            log(c, d);\n        } else {\n            d -= shrink(d);\n        }\n    }\n    check(a, b)?;\n";
        let second = wiring("second", 8, busy, "product");
        // Lines passing values in and out: the extracted function would be all signature.
        assert_eq!(blocks(&[&first, &second]), 0);
    }

    #[test]
    fn a_block_with_a_narrow_interface_is_a_copy() {
        let run = "    let mut total = 0;
    for x in items {
        if x.weight > limit {
            total += x.weight * 2;
        } else {
            total -= 1;
        }
    }
    out.push(total);
";
        let host = |name: &str, before: &str| {
            format!("fn {name}(items: &[Item], limit: u64, out: &mut Vec<u64>) {{\n{before}{run}    out.sort();\n}}\n")
        };
        let other = "    let mut seen = HashSet::new();\n    for item in items {\n        if !seen.insert(item.id) {\n            log::warn!(\"twice: {}\", item.id);\n        }\n    }\n";
        let (a, b) = (host("a", "    out.clear();\n"), host("b", other));
        assert_eq!(blocks(&[&a, &b]), 1);
    }
}
