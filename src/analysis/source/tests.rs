use super::*;
use crate::analysis::source::token::TokClass;

fn parse(src: &str) -> ParsedFile {
    parse_str(src, "krate", false).unwrap()
}

#[test]
fn records_functions_methods_and_impls_with_item_paths() {
    let file = parse(
            "mod inner {\n    pub fn free(a: u32) -> u32 {\n        a + 1\n    }\n}\nstruct S;\nimpl S {\n    fn method(&self) {}\n}\n",
        );
    let items: Vec<(&str, UnitKind, u32, u32)> = file
        .units
        .iter()
        .map(|u| (u.item.as_str(), u.kind, u.start_line, u.end_line))
        .collect();
    assert_eq!(
        items,
        vec![
            ("krate::inner::free", UnitKind::Fn, 2, 4),
            ("krate::<impl S>", UnitKind::Impl, 7, 9),
            ("krate::S::method", UnitKind::Method, 8, 8),
        ]
    );
}

#[test]
fn statement_ranges_cover_each_statement() {
    let file = parse("fn f(v: &mut Vec<u32>) {\n    let a = v.len();\n    v.push(a as u32);\n    if a > 2 { v.clear(); }\n}\n");
    let seq = &file.seqs[0];
    assert_eq!(seq.stmts.len(), 3);
    let lines: Vec<u32> = seq
        .stmts
        .iter()
        .map(|r| file.tokens[r.start as usize].line)
        .collect();
    assert_eq!(lines, vec![2, 3, 4]);
    // The last statement ends just before the closing brace of the body.
    let last = seq.stmts[2].clone();
    assert_eq!(file.tokens[last.end as usize - 1].class, TokClass::Close);
    assert_eq!(file.tokens[last.end as usize].line, 5);
}

#[test]
fn doc_comments_and_comments_do_not_change_tokens() {
    let a = parse("/// Adds.\nfn f(a: u32) -> u32 {\n    // one\n    a + 1\n}\n");
    let b = parse("fn f(a: u32) -> u32 { a + 1 }\n");
    let syms = |f: &ParsedFile| f.tokens.iter().map(|t| t.sym).collect::<Vec<_>>();
    assert_eq!(syms(&a), syms(&b));
}

#[test]
fn test_code_is_skipped_unless_asked_for() {
    let src = "#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { assert!(true); }\n}\n#[test]\nfn u() {}\n";
    assert!(parse_str(src, "k", false).unwrap().units.is_empty());
    assert_eq!(parse_str(src, "k", true).unwrap().units.len(), 2);
}

#[test]
fn syntax_error_reports_line_and_column() {
    let err = parse_str("fn ok() {}\nfn broken( {\n}\n", "k", false).unwrap_err();
    match err {
        SourceError::Syntax { line, .. } => assert!(line >= 2, "{line}"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn end_of_input_points_at_the_last_line() {
    let err = parse_str("fn ok() {}\n\n/// Dangling doc comment.\n", "k", false).unwrap_err();
    assert!(
        matches!(err, SourceError::Syntax { line: 3, .. }),
        "{err:?}"
    );
}

#[test]
fn lex_error_is_reported() {
    let err = parse_str("fn ok() {}\nfn f() {\n    let s = \"ab;\n}\n", "k", false).unwrap_err();
    assert!(
        matches!(
            err,
            SourceError::Syntax {
                line: 3,
                column: 13,
                ..
            }
        ),
        "{err:?}"
    );
    let err = parse_str(
        "/* a { */\nfn f() {\n    let c = '{';\n    let s = r#\"}\"#;\n    g(]\n}\n",
        "k",
        false,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            SourceError::Syntax {
                line: 5,
                column: 7,
                ..
            }
        ),
        "{err:?}"
    );
    let err = parse_str("fn f<'a>(x: &'a str) {\n", "k", false).unwrap_err();
    assert!(
        matches!(
            err,
            SourceError::Syntax {
                line: 1,
                column: 22,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn allow_marker_suppresses_the_next_item() {
    let file = parse("// cargo-loop: allow(duplicate)\n#[inline]\nfn f() {\n    let a = 1;\n    let b = 2;\n}\nfn g() {}\n");
    assert!(file.units[0].suppressed);
    assert!(file.seqs[0].suppressed);
    assert!(!file.units[1].suppressed);
}

/// A marker on a module covers everything inside it: an inline module's items, and the file
/// of an out-of-line one (its declaration carries the rules to the scan).
#[test]
fn allow_marker_on_a_module_covers_what_is_inside() {
    let file = parse(
        "// cargo-loop: allow(duplicate)\nmod m {\n    fn f() {\n        let a = 1;\n    }\n}\n\
         fn g() {}\n#[cfg(unix)]\n// cargo-loop: allow(long-function)\npub mod out;\nmod plain;\n",
    );
    assert!(file.units[0].suppressed);
    assert!(!file.units[1].suppressed);
    let allows: Vec<(&str, Vec<String>)> = (file.mods.iter())
        .map(|d| (d.name.as_str(), d.allows.clone()))
        .collect();
    assert_eq!(
        allows,
        [("out", vec!["long-function".to_owned()]), ("plain", vec![])]
    );
}

#[test]
fn out_of_line_modules_are_recorded_with_path_attributes() {
    let file = parse("mod a;\n#[path = \"x/y.rs\"]\nmod b;\nmod c {\n    mod d;\n}\n#[cfg_attr(unix, path = \"unix.rs\")]\n#[cfg_attr(windows, path = \"windows.rs\")]\nmod sys;\n");
    let mods: Vec<(&str, Option<&str>, Vec<String>)> = file
        .mods
        .iter()
        .map(|m| {
            (
                m.name.as_str(),
                m.path_attr.as_deref(),
                m.inline_parents.clone(),
            )
        })
        .collect();
    assert_eq!(
        mods,
        vec![
            ("a", None, vec![]),
            ("b", Some("x/y.rs"), vec![]),
            ("d", None, vec!["c".to_string()]),
            ("sys", Some("unix.rs"), vec![]),
            ("sys", Some("windows.rs"), vec![]),
            ("sys", None, vec![])
        ]
    );
}

#[test]
fn trivial_bodies_are_flagged() {
    let file = parse("impl S {\n    fn name(&self) -> &str { &self.name }\n    fn new(x: u32) -> Self { Self { x, y: Vec::new() } }\n    fn work(&self) -> u32 { let a = 1; a }\n}\n");
    let trivial: Vec<bool> = file
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Method)
        .map(|u| u.trivial)
        .collect();
    assert_eq!(trivial, vec![true, true, false]);
}

#[test]
#[allow(clippy::too_many_lines)] // one table of bodies, trivial and not, read as one
fn delegations_and_setters_are_trivial_but_logic_is_not() {
    let file = parse(
        "impl S {
    fn a(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<usize> {
        self.project().inner.poll_write(cx, buf)
    }
    fn b(&self, f: impl FnOnce() -> R) -> R {
        self.registration().try_io(Interest::READABLE, || f())
    }
    async fn c(&mut self) -> Option<()> {
        self.inner.recv().await;
        Some(())
    }
    fn d(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        self.inner.poll_recv(cx).map(Some)
    }
    fn e(&mut self, buf: &[u8]) -> Poll<usize> {
        Pin::new(&mut self.std).poll_write(cx, buf)
    }
    fn f(&mut self, n: usize) {
        self.lock.s.release(n);
        #[cfg(feature = \"tracing\")]
        self.span.in_scope(|| trace!(locked = false));
    }
    fn g(&mut self, f: F) -> &mut Self {
        self.after_start = Some(Arc::new(f));
        self
    }
    fn h(&self) -> usize {
        self.items.iter().map(|x| x.len()).sum()
    }
    fn i(&self) -> u32 {
        let n = self.inner.get();
        n + 1
    }
    fn j(&self) -> bool {
        if self.a { self.b.check() } else { false }
    }
    fn k(lit: &Literal) -> Properties {
        let inner = PropertiesI {
            minimum_len: Some(lit.0.len()),
            look_set: LookSet::empty(),
            utf8: core::str::from_utf8(&lit.0).is_ok(),
        };
        Properties(Box::new(inner))
    }
    fn l(lit: &Literal) -> Properties {
        let inner = PropertiesI { minimum_len: lit.iter().map(|b| b.len()).sum() };
        Properties(Box::new(inner))
    }
    fn m(iter: I) -> (Tee<I>, Tee<I>) {
        let t1 = Tee { rcbuffer: Rc::new(RefCell::new(iter)), id: true };
        let t2 = Tee { rcbuffer: t1.rcbuffer.clone(), id: false };
        (t1, t2)
    }
}
",
    );
    let trivial: Vec<(&str, bool)> = file
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Method)
        .map(|u| (u.item.rsplit("::").next().unwrap(), u.trivial))
        .collect();
    assert_eq!(
        trivial,
        vec![
            ("a", true),
            ("b", true),
            ("c", true),
            ("d", true),
            ("e", true),
            // The gated statement is scaffolding: one forwarding call is left.
            ("f", true),
            ("g", true),
            // A pipeline of closures, a local, a branch: logic.
            ("h", false),
            ("i", false),
            ("j", false),
            // A value stated field by field, then wrapped: a constructor.
            ("k", true),
            // A field computed by a closure pipeline: logic.
            ("l", false),
            // Two values built and tied together: logic.
            ("m", false),
        ]
    );
}

/// A god module is measured by its own code: an inline child counts for itself, and test
/// modules that are not analysed count for nobody.
#[test]
fn module_code_lines_leave_out_inline_children_and_skipped_tests() {
    let src = "pub fn a() {}\npub fn b() {}\nmod inner {\n    pub fn c() {}\n    pub fn d() {}\n}\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        assert!(true);\n    }\n}\n";
    let parsed = parse_str(src, "k", false).unwrap();
    let lines = |path: &str| {
        parsed
            .modules
            .iter()
            .find(|m| m.path == path)
            .unwrap()
            .code_lines
    };
    // `a`, `b` and the `#[cfg(test)]` attribute line before the skipped module.
    assert!(lines("k") <= 3, "{}", lines("k"));
    assert_eq!(lines("k::inner"), 4);
    let with_tests = parse_str(src, "k", true).unwrap();
    assert_eq!(
        with_tests
            .modules
            .iter()
            .find(|m| m.path == "k::tests")
            .unwrap()
            .code_lines,
        6
    );
}

#[test]
fn only_gated_instrumentation_is_scaffolding_other_gated_code_is_code() {
    let file = parse(
        "fn f(a: u32) -> u32 {
    #[cfg(feature = \"simd\")]
    let b = fast(a);
    #[cfg(not(feature = \"simd\"))]
    let b = slow(a);
    #[cfg(debug_assertions)]
    debug!(\"b = {b}\");
    #[cfg(feature = \"log\")]
    note(b);
    b
}
",
    );
    let unit = &file.units[0];
    // `fn`, both `let b`, `b`, `}`: the logging call and the `log` feature's call aside.
    assert_eq!(file.logic_lines(unit.tokens.clone()), 5);
}

#[test]
fn code_lines_leave_out_comments_blank_lines_and_attributes() {
    let file = parse(
        "/// Doc.
#[inline]
fn f(a: u32) -> u32 {
    // a comment

    #[allow(unused)]
    let b = a
        + 1;
    #[cfg(feature = \"tracing\")]
    trace(b);
    b
}
",
    );
    let unit = &file.units[0];
    assert_eq!((unit.start_line, unit.end_line), (3, 12));
    // `fn`, `let b`, `+ 1`, `trace`, `b`, `}`.
    assert_eq!(file.code_lines(unit.tokens.clone()), 6);
    // The gated statement aside.
    assert_eq!(file.logic_lines(unit.tokens.clone()), 5);
    let first_attr = file.tokens_on_lines(6, 6);
    assert!(first_attr.clone().all(|i| file.is_attribute(i)));
    let gated = file.tokens_on_lines(10, 10);
    assert!(gated
        .clone()
        .all(|i| file.is_gated(i) && !file.is_attribute(i)));
}

/// How deeply `text` nests, as [`too_deep`] counts levels.
fn depth(text: &str) -> usize {
    depth::walk(&text.parse().unwrap(), usize::MAX).0
}

#[test]
fn nesting_past_the_limit_is_refused_before_parsing_with_its_position() {
    // Parsed on a test thread's small stack, either would overflow it.
    let blocks = format!(
        "fn ok() {{}}\nfn f() {}{}\n",
        "{".repeat(2000),
        "}".repeat(2000)
    );
    let err = parse_str(&blocks, "k", false).unwrap_err();
    // `fn f() ` is 7 columns; the brace past the limit is the 129th.
    assert!(
        matches!(
            err,
            SourceError::TooDeep {
                line: 2,
                column: 136
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.position(), (Some(2), Some(136)));
    assert!(err.warning().contains("128 levels"), "{}", err.warning());
    let parens = format!("fn g() {{ {}1{} }}", "(".repeat(3000), ")".repeat(3000));
    let err = parse_str(&parens, "k", false).unwrap_err();
    assert!(
        matches!(err, SourceError::TooDeep { line: 1, .. }),
        "{err:?}"
    );
    let generics = format!("type T = {}u8{};", "Vec<".repeat(3000), ">".repeat(3000));
    assert_eq!(too_deep(&generics), Some((1, 9 + 4 * 129)));
    assert_eq!(too_deep(&blocks), Some((2, 136)));
    let shallow = format!("fn f() {}{}", "{".repeat(100), "}".repeat(100));
    assert_eq!(too_deep(&shallow), None);
    // Text that does not lex is syn's to refuse, without recursing.
    assert_eq!(too_deep("fn f() { \"unterminated }"), None);
}

#[test]
fn nesting_counts_delimiters_and_generics_but_not_comparisons() {
    assert_eq!(depth("type T = Vec<Vec<u8>>;"), 2);
    assert_eq!(depth("type T = Vec<Option<(u8, Box<[u8; 4]>)>>;"), 5);
    // A comma ends a clause (`f(a < b, c < d)`): generic arguments after one count from it.
    assert_eq!(depth("type T = HashMap<u8, Vec<(u8, Box<[u8; 4]>)>>;"), 4);
    assert_eq!(depth("fn f() -> Vec<u8> { x >= 1 && a << 2 > b }"), 1);
    assert_eq!(depth("fn f() { g::<Vec<u8>>() }"), 3);
    // Comparisons are not associative: however many a condition or a match holds, they do not
    // add up.
    let condition = format!("fn f() {{ if {} {{}} }}", vec!["a < b"; 300].join(" && "));
    assert_eq!(depth(&condition), 2);
    let arms = format!(
        "fn f(x: u8) -> u8 {{ match x {{ {} _ => 0 }} }}",
        "y if y < 3 => 1, ".repeat(300)
    );
    assert_eq!(depth(&arms), 3);
    let chain = format!("fn f() {{ {} }}", "if a < b {} else ".repeat(300) + "{}");
    assert_eq!(depth(&chain), 2);
    let calls = format!("fn f() {{ {} }}", "let _ = a < b;\n".repeat(300));
    assert_eq!(depth(&calls), 2);
}

#[test]
fn characters_that_do_not_lex_are_located() {
    let located = |text: &str| match parse_str(text, "k", false).unwrap_err() {
        SourceError::Lex {
            line,
            column,
            message,
        } => (line, column, message),
        other => panic!("unexpected {other:?}"),
    };
    let (line, column, message) = located("fn a() {}\nfn b() { let x = 1;\0 let y = 2; }\n");
    assert_eq!((line, column), (2, 20));
    assert!(message.contains("NUL"), "{message}");
    // A carriage return is whitespace, but not in a literal or a doc comment.
    let (line, column, message) = located("fn a() {}\nfn b() { let x = \"a\rb\"; }\n");
    assert_eq!((line, column), (2, 20));
    assert!(
        message.contains("carriage return") && message.contains("string"),
        "{message}"
    );
    let (line, column, message) = located("fn a() {}\n/// doc\r here\nfn b() {}\n");
    assert_eq!((line, column), (2, 8));
    assert!(message.contains("doc comment"), "{message}");
    let (line, column, _) = located("fn a() {\n    let c = r#\"x\ry\"#;\n}\n");
    assert_eq!((line, column), (2, 17));
    let (line, column, message) = located("fn a() { let s = 1€; }");
    assert_eq!((line, column), (1, 19));
    assert!(message.contains('€'), "{message}");
    assert!(parse_str(
        "fn a() {}\r\nfn b() { let x = 1;\r let y = 2; }\r\n",
        "k",
        false
    )
    .is_ok());
    assert!(parse_str("// plain\r comment\n/*\r*/ fn a() {}\n", "k", false).is_ok());
}

#[test]
fn cfg_if_branches_and_attributes_give_modules_and_units_their_cfg() {
    use crate::analysis::source::cfg::Cfg;
    let file = parse(
        "cfg_if::cfg_if! {
    if #[cfg(unix)] {
        mod unix;
    } else if #[cfg(windows)] {
        mod windows;
    } else {
        mod other;
    }
}
#[cfg(feature = \"x\")]
impl S {
    #[cfg(unix)]
    fn f() {}
}
",
    );
    let unix = Cfg::Flag("unix".to_string());
    let windows = Cfg::Flag("windows".to_string());
    let not = |c: &Cfg| Cfg::Not(Box::new(c.clone()));
    let cfgs: Vec<Option<Cfg>> = file.mods.iter().map(|m| m.cfg.clone()).collect();
    assert_eq!(
        cfgs,
        [
            Some(unix.clone()),
            Some(Cfg::All(vec![not(&unix), windows.clone()])),
            Some(Cfg::All(vec![not(&unix), not(&windows)])),
        ]
    );
    let method = file.units.iter().find(|u| u.item.ends_with("::f")).unwrap();
    let feature = Cfg::Key("feature".to_string(), "x".to_string());
    assert_eq!(method.cfg, Some(Cfg::All(vec![feature, unix])));
}

#[test]
fn generated_files_are_known_by_their_header() {
    use super::read::generated_marker;
    let generated = [
        "// @generated by some-tool\nfn f() {}",
        "// DO NOT EDIT THIS FILE. IT WAS AUTOMATICALLY GENERATED BY:\n//\n//   ucd-generate\n",
        "//! DO NOT EDIT! This file is generated by `xtask`.\n",
        "//! Generated by `cargo xtask codegen grammar`, do not edit by hand.\n",
        "#![allow(dead_code)]\n// This file is auto-generated by the build script\n",
        "// --- Autogenerated from scripts/autogen.py ---\n",
        "/* automatically generated by rust-bindgen 0.69 */\n",
    ];
    for text in generated {
        assert!(generated_marker(text).is_some(), "{text}");
    }
    let written = [
        "//! This module shows an example of code generated by the macro.\n",
        "// Do not check docs for helpers generated by the input macro.\n",
        "// NOTE: do not edit this list without updating `kinds.rs`.\n",
        "fn generated_by() {}\n",
        "\n\n\n\n\n// Generated by hand-written macro below\n",
    ];
    for text in written {
        assert_eq!(generated_marker(text), None, "{text}");
    }
}

#[test]
fn shorthand_fields_are_spelled_out_so_a_renamed_copy_has_the_same_canonical_form() {
    let form = |src: &str| {
        let file = parse(src);
        let unit = &file.units[0];
        token::canonical(&file.tokens[unit.tokens.start as usize..unit.tokens.end as usize])
    };
    let original = form(
        "fn new(needle: &[u8], pair: Pair) -> Finder {\n    let v1 = needle[0];\n    \
         Finder { pair, v1 }\n}\n",
    );
    let renamed = form(
        "fn new_copy(cnt: &[u8], pos: Pair) -> Finder {\n    let probe = cnt[0];\n    \
         Finder { pair: pos, v1: probe }\n}\n",
    );
    assert_eq!(original, renamed);
    // Locals swapped between the fields: not a consistent rename.
    let swapped = form(
        "fn new_copy(cnt: &[u8], pos: Pair) -> Finder {\n    let probe = cnt[0];\n    \
         Finder { pair: probe, v1: pos }\n}\n",
    );
    assert_ne!(original, swapped);
    // Spelled out where the shorthand was, on its line: lines of code do not change.
    let file = parse("fn f(a: u8) -> P {\n    P { a }\n}\n");
    let lines: Vec<u32> = file.tokens.iter().map(|t| t.line).collect();
    // `P { a : a }`
    assert_eq!(lines.iter().filter(|&&l| l == 2).count(), 6);
    assert_eq!(file.code_lines(0..file.tokens.len() as u32), 3);
}
