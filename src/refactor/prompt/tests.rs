//! Tests of prompts, on small packages written to a temporary folder.

use std::fmt::Write as _;
use std::path::Path;

use super::manifest::package_of;
use super::{build, estimate_tokens, Feedback, Prompt};
use crate::refactor::finding::{Finding, FindingKind, Location};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A finding at `(file, first line, last line, item)` places.
fn finding(kind: FindingKind, title: &str, places: &[(&str, u32, u32, &str)]) -> Finding {
    Finding {
        id: "D1".to_string(),
        kind,
        fingerprint: 1,
        title: title.to_string(),
        suggestion: "extract a shared function".to_string(),
        locations: places
            .iter()
            .map(|&(file, start_line, end_line, item)| Location {
                file: file.to_string(),
                start_line,
                end_line,
                item: item.to_string(),
            })
            .collect(),
        size: 3.0,
        clone: None,
        smell: None,
    }
}

fn unbounded(root: &Path, finding: &Finding) -> Prompt {
    build(root, finding, None, usize::MAX)
}

const MANIFEST: &str = "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

/// A package whose three methods of `Holder` are the same shape: `Often` is named nine
/// times by them, `Rarely` three times, `Unused` never.
const HOLDER: &str = "\
use std::fmt::Write;

pub struct Often { pub a: u32 }
pub struct Rarely { pub b: u32 }
pub struct Unused { pub c: u32 }
pub struct Holder;

impl Holder {
    pub fn one(x: Often, y: Often, z: Often, r: Rarely) -> u32 {
        x.a + y.a + z.a + r.b
    }
    pub fn two(x: Often, y: Often, z: Often, r: Rarely) -> u32 {
        x.a + y.a + z.a + r.b
    }
    pub fn three(x: Often, y: Often, z: Often, r: Rarely) -> u32 {
        x.a + y.a + z.a + r.b
    }
}
";

fn holder_package() -> (tempfile::TempDir, Finding) {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "Cargo.toml", MANIFEST);
    write(tmp.path(), "src/lib.rs", HOLDER);
    let finding = finding(
        FindingKind::Dup,
        "3 methods of Holder are the same",
        &[
            ("src/lib.rs", 9, 11, "crate::Holder::one"),
            ("src/lib.rs", 12, 14, "crate::Holder::two"),
            ("src/lib.rs", 15, 17, "crate::Holder::three"),
        ],
    );
    (tmp, finding)
}

#[test]
fn stable_text_is_identical_for_two_different_findings() {
    let (tmp, dup) = holder_package();
    write(
        tmp.path(),
        "src/other.rs",
        "fn long() {\n    let x = 1;\n}\n",
    );
    let smell = finding(
        FindingKind::Smell,
        "function `long` is too long",
        &[("src/other.rs", 1, 3, "crate::other::long")],
    );
    let first = unbounded(tmp.path(), &dup);
    let second = build(tmp.path(), &smell, None, 10);
    assert_eq!(first.stable, second.stable);
    assert!(!first.stable.contains("Holder") && !first.stable.contains("D1"));
    assert!(first.stable.contains("<<<<<<< SEARCH") && first.stable.contains("## Example"));
    assert!(first.task.contains("3 methods of Holder are the same"));
    assert_eq!(first.text(), format!("{}{}", first.stable, first.task));
    assert!(first.text().starts_with("# Instructions"));
}

#[test]
fn an_instance_inside_an_impl_gets_its_impl_header_and_an_inline_mod_its_mod_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "Cargo.toml", MANIFEST);
    let lib = "\
pub mod inner {
    pub struct Stack<T>(Vec<T>);

    /// Docs are not part of the header.
    impl<T: Clone> Stack<T>
    where
        T: Default,
    {
        pub fn top(&self) -> Option<T> {
            self.0.last().cloned()
        }
    }
}
";
    write(tmp.path(), "src/lib.rs", lib);
    let finding = finding(
        FindingKind::Smell,
        "top is odd",
        &[("src/lib.rs", 9, 11, "crate::inner::Stack::top")],
    );
    let task = unbounded(tmp.path(), &finding).task;
    let impl_header = "    impl<T: Clone> Stack<T>\n    where\n        T: Default,\n    {\n";
    assert!(
        task.contains(&format!(
            "Inside, from src/lib.rs:5:\n\n```rust\n{impl_header}```"
        )),
        "{task}"
    );
    assert!(
        task.contains("Inside, from src/lib.rs:1:\n\n```rust\npub mod inner {\n```"),
        "{task}"
    );
    assert!(!task.contains("Docs are not part"), "{task}");
    assert!(
        task.contains("### 1. src/lib.rs:9-11 (`crate::inner::Stack::top`)\n\n"),
        "{task}"
    );
    assert!(
        task.contains("```rust\n        pub fn top(&self) -> Option<T> {\n            self.0.last().cloned()\n        }\n```"),
        "{task}"
    );
}

#[test]
fn imports_of_a_file_are_included_once() {
    let (tmp, finding) = holder_package();
    let task = unbounded(tmp.path(), &finding).task;
    assert_eq!(task.matches("use std::fmt::Write;").count(), 1, "{task}");
    assert!(
        task.contains("## Imports\n\nsrc/lib.rs:\n\n```rust\nuse std::fmt::Write;\n```"),
        "{task}"
    );
}

#[test]
fn a_used_struct_is_included_and_an_unused_one_is_not() {
    let (tmp, finding) = holder_package();
    let prompt = unbounded(tmp.path(), &finding);
    let task = &prompt.task;
    assert!(
        task.contains("`Often` (src/lib.rs:3):\n\n```rust\npub struct Often { pub a: u32 }\n```"),
        "{task}"
    );
    assert!(task.contains("pub struct Rarely { pub b: u32 }"), "{task}");
    assert!(!task.contains("Unused"), "{task}");
    // Ranked by use: `Often` is named more often than `Rarely`.
    assert!(task.find("`Often`").unwrap() < task.find("`Rarely`").unwrap());
    assert!(prompt.cut.is_empty());
}

#[test]
fn signatures_of_imported_items_come_without_bodies_and_skip_the_instances() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "Cargo.toml", MANIFEST);
    let fields: String = (0..20)
        .map(|i| format!("    pub f{i}: u32,\n"))
        .collect::<Vec<_>>()
        .concat();
    write(
        tmp.path(),
        "src/config.rs",
        &format!(
            "/// Settings.\n#[derive(Debug)]\npub struct Config {{\n{fields}}}\n\n\
             pub fn helper(x: u32) -> u32 {{\n    x + 41\n}}\n\n\
             pub trait Shape {{\n    fn area(&self) -> f64;\n    fn name(&self) -> String {{\n        String::new()\n    }}\n}}\n\n\
             impl Config {{\n    pub fn width(&self) -> u32 {{\n        self.f0\n    }}\n}}\n"
        ),
    );
    // Same names, but not what the code means: neither imported nor in its module.
    write(
        tmp.path(),
        "src/other.rs",
        "pub fn helper(y: i64) -> i64 {\n    y\n}\npub struct Config;\n",
    );
    let lib = "\
mod config;
mod other;
use config::{helper, Config, Shape};

pub fn left(c: &Config, s: &dyn Shape) -> u32 {
    helper(c.width()) + right(c, s)
}

pub fn right(c: &Config, s: &dyn Shape) -> u32 {
    helper(c.f1) + s.area() as u32
}
";
    write(tmp.path(), "src/lib.rs", lib);
    let finding = finding(
        FindingKind::Dup,
        "left and right",
        &[
            ("src/lib.rs", 5, 7, "crate::left"),
            ("src/lib.rs", 9, 11, "crate::right"),
        ],
    );
    let task = unbounded(tmp.path(), &finding).task;
    assert!(
        task.contains("pub fn helper(x: u32) -> u32 { ... }"),
        "{task}"
    );
    assert!(!task.contains("x + 41"), "{task}");
    assert!(
        !task.contains("i64") && !task.contains("src/other.rs"),
        "{task}"
    );
    assert!(
        task.contains("impl Config {\n    pub fn width(&self) -> u32 { ... }\n}"),
        "{task}"
    );
    assert!(task.contains("`Config` (src/config.rs:3):\n\n```rust\npub struct Config {\n    // 20 fields: f0, f1, f2"), "{task}");
    assert!(!task.contains("#[derive(Debug)]"), "{task}");
    assert!(
        task.contains(
            "pub trait Shape {\n    fn area(&self) -> f64;\n    fn name(&self) -> String;\n}"
        ),
        "{task}"
    );
    // `right` is an instance: its code is shown already.
    assert!(!task.contains("`right` ("), "{task}");
}

#[test]
fn the_edition_is_read_from_the_package_or_inherited_from_the_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\nedition = \"2024\"\n",
    );
    write(
        root,
        "crates/a/Cargo.toml",
        "[package]\nname = \"a\"\nedition.workspace = true\n",
    );
    write(
        root,
        "crates/a/src/lib.rs",
        "pub fn f() -> u32 {\n    1\n}\n",
    );
    write(
        root,
        "crates/b/Cargo.toml",
        "[package]\nname = \"b\"\nedition = \"2018\"\n",
    );
    write(root, "crates/c/Cargo.toml", "[package]\nname = \"c\"\n");
    let edition = |rel: &str| package_of(root, rel).and_then(|p| p.edition);
    assert_eq!(edition("crates/a/src/lib.rs").as_deref(), Some("2024"));
    assert_eq!(edition("crates/b/src/deep/x.rs").as_deref(), Some("2018"));
    assert_eq!(edition("crates/c/src/lib.rs").as_deref(), Some("2015"));
    assert_eq!(package_of(root, "src/lib.rs"), None);
    let finding = finding(
        FindingKind::Smell,
        "f",
        &[("crates/a/src/lib.rs", 1, 3, "a::f")],
    );
    let task = unbounded(root, &finding).task;
    assert!(
        task.contains("Rust edition 2024 (crates/a/Cargo.toml)."),
        "{task}"
    );
}

#[test]
fn a_tight_budget_cuts_signatures_first_and_never_the_first_two_instances() {
    let (tmp, finding) = holder_package();
    let full = unbounded(tmp.path(), &finding);
    // One token short: the least used signature goes, and nothing else.
    let tight = build(tmp.path(), &finding, None, full.tokens - 1);
    assert_eq!(tight.cut, ["signature of `Rarely` (src/lib.rs:4)"]);
    assert!(tight.tokens < full.tokens && !tight.task.contains("pub struct Rarely"));
    assert!(tight.task.contains("pub struct Often"));

    let none = build(tmp.path(), &finding, None, 0);
    assert_eq!(
        none.cut,
        [
            "signature of `Rarely` (src/lib.rs:4)",
            "signature of `Often` (src/lib.rs:3)",
            "imports of src/lib.rs",
            "enclosing `impl Holder {` (src/lib.rs:8)",
            "enclosing `impl Holder {` (src/lib.rs:8)",
            "enclosing `impl Holder {` (src/lib.rs:8)",
            "code of `crate::Holder::three` (src/lib.rs:15-17)",
        ]
    );
    let task = &none.task;
    assert!(task.contains("    pub fn one(x: Often, y: Often, z: Often, r: Rarely) -> u32 {\n"));
    assert!(task.contains("    pub fn two(x: Often, y: Often, z: Often, r: Rarely) -> u32 {\n"));
    assert!(!task.contains("pub fn three"), "{task}");
    assert!(task.contains(
        "### 3. src/lib.rs:15-17 (`crate::Holder::three`)\n\nNot shown, to fit the context \
         budget. It has the same shape as the code above."
    ));
    assert_eq!(none.tokens, estimate_tokens(&none.text()));
}

#[test]
fn feedback_is_trimmed_and_names_the_attempt() {
    let (tmp, finding) = holder_package();
    let errors = (1..=200)
        .map(|i| format!("error line {i}\n"))
        .collect::<Vec<_>>()
        .concat();
    let patch = format!("--- a/src/lib.rs\n+++ b/src/lib.rs\n{}", "+x\n".repeat(10));
    let feedback = Feedback {
        attempt: 2,
        errors: &errors,
        patch: Some(&patch),
    };
    let task = build(tmp.path(), &finding, Some(&feedback), usize::MAX).task;
    let section = &task[task.find("## Attempt 2 was refused").expect(&task)..];
    assert!(
        section.contains("Attempt 2 was refused:\n\n```text\nerror line 1\n"),
        "{section}"
    );
    assert!(section.contains("error line 200\n```"), "{section}");
    assert!(!section.contains("error line 100\n"), "{section}");
    assert!(section.contains("[... 142 lines elided ...]"), "{section}");
    assert!(section.contains("```diff\n--- a/src/lib.rs\n"), "{section}");
    assert!(section.contains("attempt 2 was not applied"), "{section}");
    // The feedback is never cut: not even by a budget of nothing.
    let cut = build(tmp.path(), &finding, Some(&feedback), 0).task;
    assert!(cut.contains("error line 200"));
}

#[test]
fn long_lines_of_feedback_are_cut_to_the_byte_allowance() {
    let errors = format!("{}\n", "é".repeat(5000)).repeat(10);
    let trimmed = super::feedback::trim(&errors);
    assert!(trimmed.len() <= 6000, "{}", trimmed.len());
    assert!(trimmed.lines().count() <= 60);
    assert!(trimmed.contains("lines elided") && trimmed.contains("line cut"));
    assert_eq!(super::feedback::trim("short\nerrors\n"), "short\nerrors");
}

#[test]
fn missing_files_and_rust_that_does_not_parse_degrade_to_the_lines() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "Cargo.toml", MANIFEST);
    write(
        tmp.path(),
        "src/bad.rs",
        "use std::io;\nfn broken( {\n    x\n",
    );
    let finding = finding(
        FindingKind::Dup,
        "broken",
        &[
            ("src/bad.rs", 2, 3, "crate::bad::broken"),
            ("src/gone.rs", 1, 2, "crate::gone::f"),
            ("src/bad.rs", 7, 9, "crate::bad::past"),
        ],
    );
    let task = unbounded(tmp.path(), &finding).task;
    assert!(task.contains("```rust\nfn broken( {\n    x\n```"), "{task}");
    assert!(
        task.contains("Not available: src/gone.rs could not be read"),
        "{task}"
    );
    assert!(
        task.contains("Not available: lines 7-9 are not in the file, which has 3 lines."),
        "{task}"
    );
    assert!(!task.contains("## Imports"), "{task}");
}

#[test]
fn estimate_tokens_is_bytes_over_four_rounded_up() {
    assert_eq!(estimate_tokens(""), 0);
    assert_eq!(estimate_tokens("abcd"), 1);
    assert_eq!(estimate_tokens("abcde"), 2);
    assert_eq!(estimate_tokens("é"), 1);
    let (tmp, finding) = holder_package();
    let prompt = unbounded(tmp.path(), &finding);
    assert_eq!(prompt.tokens, estimate_tokens(&prompt.text()));
    assert!(prompt.tokens > estimate_tokens(&prompt.stable));
}

#[test]
fn a_whole_module_over_budget_is_shown_as_an_outline_of_its_items() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.toml", MANIFEST);
    let mut module = String::from("use std::fmt;\n\npub struct Big { pub a: u32 }\n\nimpl Big {\n");
    for n in 0..40 {
        let _ = write!(
            module,
            "    pub fn method_{n}(&self) -> u32 {{\n        let x = self.a + {n};\n        x * 2\n    }}\n"
        );
    }
    module.push_str("}\n\npub fn helper(x: u32) -> u32 {\n    x + 1\n}\n");
    write(dir.path(), "src/lib.rs", &module);
    let lines = module.lines().count() as u32;
    let smell = finding(
        FindingKind::Smell,
        "module `demo` is a god module",
        &[("src/lib.rs", 1, lines, "demo")],
    );
    let whole = unbounded(dir.path(), &smell);
    assert!(
        whole.task.contains("let x = self.a + 39;"),
        "{}",
        whole.task
    );
    let tight = build(dir.path(), &smell, None, whole.tokens - 300);
    assert!(
        tight.tokens <= whole.tokens - 300,
        "{} of {}",
        tight.tokens,
        whole.tokens
    );
    assert!(
        tight.cut.iter().any(|c| c.contains("shown as an outline")),
        "{:?}",
        tight.cut
    );
    assert!(
        tight
            .task
            .contains("pub fn method_39(&self) -> u32 { ... }"),
        "{}",
        tight.task
    );
    assert!(tight.task.contains("pub fn helper(x: u32) -> u32 { ... }"));
    assert!(tight.task.contains("impl Big {"));
    assert!(!tight.task.contains("let x = self.a + 39;"));
    // A short instance is never outlined, however tight the budget.
    let short = finding(
        FindingKind::Dup,
        "copies",
        &[("src/lib.rs", 6, 9, "demo::Big::method_0")],
    );
    let prompt = build(dir.path(), &short, None, 10);
    assert!(
        prompt.task.contains("let x = self.a + 0;"),
        "{}",
        prompt.task
    );
}
