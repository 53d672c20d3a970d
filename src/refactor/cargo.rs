//! Cargo as verification runs it: the command lines for clippy (with check folded in) and
//! test, their environment, and what is read back from their output: clippy's diagnostics
//! from `--message-format=json`, and libtest's per-binary results.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use cargo_metadata::diagnostic::DiagnosticLevel;
use cargo_metadata::Message;

use crate::process::{Exit, Finished, Job};

/// `$CARGO` when cargo runs us, so the same toolchain verifies what it builds.
fn cargo_bin() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Environment of every cargo command: its own target dir, snapshot tests that cannot pass by
/// rewriting their snapshots, no secret for the code under test to read, and git confined to
/// the copy (`tree`'s parent is the ceiling).
pub fn job(args: &[&str], tree: &Path, target_dir: &Path, log: &Path, timeout: Duration) -> Job {
    let mut command_line = vec![cargo_bin()];
    command_line.extend(args.iter().map(OsString::from));
    let mut job = Job::new(command_line, tree, log, timeout)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("INSTA_UPDATE", "no")
        .env("INSTA_FORCE_PASS", "0")
        .env("CARGO_TERM_COLOR", "never")
        .confined(tree.parent().unwrap_or(tree), &[]);
    // Confined, the build writes only in the slot (its own temp dir included) and cargo's home.
    if let Some(slot) = target_dir.parent() {
        let tmp = slot.join("tmp-run");
        if std::fs::create_dir_all(&tmp).is_ok() {
            job = job.env("TMPDIR", &tmp);
        }
        job.confine_writes = Some(crate::sandbox::cargo_writable(slot));
    }
    job
}

pub const CLIPPY: &[&str] = &["clippy", "--message-format=json"];

/// Cargo's target selections, which `--all-targets` means together.
pub const TARGET_KINDS: &[(&str, &str)] = &[
    ("lib", "--lib"),
    ("bin", "--bins"),
    ("test", "--tests"),
    ("example", "--examples"),
    ("bench", "--benches"),
];

/// The kinds of targets (`bench`, `example`, ...) that failed only because they use
/// `#![feature]`, which this toolchain refuses (E0554: a bench on stable, typically), each with
/// the files that did.
pub fn nightly_only_targets(stdout: &[u8]) -> BTreeMap<String, Vec<String>> {
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for message in Message::parse_stream(stdout).flatten() {
        let Message::CompilerMessage(msg) = message else {
            continue;
        };
        if msg.message.code.as_ref().is_some_and(|c| c.code == "E0554") {
            for kind in &msg.target.kind {
                let kind = match kind.to_string().as_str() {
                    "bin" | "test" | "example" | "bench" => kind.to_string(),
                    _ => "lib".to_owned(),
                };
                let files = kinds.entry(kind).or_default();
                let file = msg.target.src_path.to_string();
                if !files.contains(&file) {
                    files.push(file);
                }
            }
        }
    }
    kinds
}

/// One compiler diagnostic, keyed without its line so that moved code is not "new".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiagnosticKey {
    pub lint: String,
    pub file: String,
    pub message: String,
}

#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    /// Warnings, counted per key.
    pub warnings: BTreeMap<DiagnosticKey, usize>,
    /// The code each key's warnings flag (their primary span's text, spaces collapsed).
    pub flagged: BTreeMap<DiagnosticKey, BTreeSet<String>>,
    /// Rendered errors and warnings, to show an agent what went wrong.
    pub rendered: BTreeMap<DiagnosticKey, String>,
    pub n_errors: usize,
    pub errors: Vec<String>,
    /// The lints among the errors (a `deny` level, `#![deny(warnings)]`, or a deny-by-default
    /// clippy lint a newer clippy added), once each.
    pub lint_errors: BTreeSet<String>,
    /// Errors that are not lints: the code does not compile.
    pub compile_errors: usize,
    /// The compiler's fixes for the errors that are a `_` in a signature it can name the type
    /// of (E0121), and how many such errors there were.
    pub placeholders: (usize, Vec<Fix>),
    /// Each warning's machine-applicable fix (clippy's and rustc's own), in the order they
    /// came: the replacements of one stand or fall together.
    pub suggestions: Vec<Suggestion>,
}

/// A replacement the compiler is sure of: `file` (relative to the tree), bytes, new text,
/// and the text it replaces, so that a copy of the file that has changed since is noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub file: String,
    pub bytes: std::ops::Range<usize>,
    pub replacement: String,
    pub original: String,
}

/// One warning's machine-applicable fix: the warning and every replacement it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub key: DiagnosticKey,
    pub fixes: Vec<Fix>,
}

impl Diagnostics {
    /// The fixes that remove every new warning, when each new warning is an import a change
    /// left unused (new in kind: none like it at baseline) and comes with a machine-applicable
    /// fix; `None` otherwise. Only imports: other fixes (an `_` before an unused variable)
    /// would hide what the warning is about.
    pub fn fixes_for_new(&self, baseline: &Diagnostics) -> Option<Vec<Fix>> {
        let mut fixes = Vec::new();
        for key in self.new_keys(baseline) {
            let before = baseline.warnings.get(key).copied().unwrap_or(0);
            let fixable = before == 0 && key.lint == "unused_imports";
            let found = (self.suggestions.iter()).filter(|s| s.key == *key);
            let found: Vec<&Fix> = found.flat_map(|s| &s.fixes).collect();
            if !fixable || found.is_empty() {
                return None;
            }
            fixes.extend(found.into_iter().cloned());
        }
        (!fixes.is_empty()).then_some(fixes)
    }

    /// The fixes that make the code compile when its only errors are placeholders the
    /// compiler names the type of (a helper returning `_`); `None` otherwise.
    pub fn placeholder_fixes(&self) -> Option<Vec<Fix>> {
        let (n, fixes) = &self.placeholders;
        let only = *n > 0 && *n == self.compile_errors && self.lint_errors.is_empty();
        only.then(|| fixes.clone())
    }

    /// Warnings the baseline did not have, rendered.
    pub fn new_warnings(&self, baseline: &Diagnostics) -> Vec<String> {
        self.new_keys(baseline)
            .map(|key| {
                self.rendered
                    .get(key)
                    .cloned()
                    .unwrap_or_else(|| key.message.clone())
            })
            .collect()
    }

    /// The keys `self` has more warnings of than `baseline`, but for those whose every
    /// warning flags code a warning of the baseline flagged (same lint, file and message): a
    /// function merged from copies that each return a large `Result` is warned about like
    /// them, and that is no warning the baseline did not have.
    fn new_keys<'a>(
        &'a self,
        baseline: &'a Diagnostics,
    ) -> impl Iterator<Item = &'a DiagnosticKey> {
        self.warnings.iter().filter_map(move |(key, n)| {
            let before = baseline.warnings.get(key).copied().unwrap_or(0);
            let known = |flagged: &BTreeSet<String>| {
                (baseline.flagged.get(key)).is_some_and(|seen| flagged.is_subset(seen))
            };
            let copies_only = before > 0 && self.flagged.get(key).is_some_and(known);
            (*n > before && !copies_only).then_some(key)
        })
    }
}

/// The machine-applicable replacements of a diagnostic and its children.
fn machine_fixes(diag: &cargo_metadata::diagnostic::Diagnostic) -> Vec<Fix> {
    use cargo_metadata::diagnostic::Applicability;
    std::iter::once(diag)
        .chain(&diag.children)
        .flat_map(|d| &d.spans)
        .filter(|span| span.suggestion_applicability == Some(Applicability::MachineApplicable))
        .filter_map(|span| {
            Some(Fix {
                file: span.file_name.clone(),
                bytes: span.byte_start as usize..span.byte_end as usize,
                replacement: span.suggested_replacement.clone()?,
                original: spanned_text(span),
            })
        })
        .collect()
}

/// The text a span covers, from the source lines the compiler quotes with it (columns
/// count characters, from 1).
fn spanned_text(span: &cargo_metadata::diagnostic::DiagnosticSpan) -> String {
    let last = span.text.len().saturating_sub(1);
    let lines: Vec<String> = (span.text.iter().enumerate())
        .map(|(i, line)| {
            let start = if i == 0 { line.highlight_start } else { 1 };
            let end = if i == last {
                line.highlight_end
            } else {
                usize::MAX
            };
            let chars = line.text.chars().skip(start.saturating_sub(1));
            chars.take(end.saturating_sub(start)).collect()
        })
        .collect();
    lines.join("\n")
}

/// Reads `--message-format=json` output; lines that are not cargo messages are skipped.
pub fn parse_diagnostics(stdout: &[u8]) -> Diagnostics {
    let mut out = Diagnostics::default();
    for message in Message::parse_stream(stdout).flatten() {
        let Message::CompilerMessage(msg) = message else {
            continue;
        };
        let diag = msg.message;
        let file = diag
            .spans
            .iter()
            .find(|s| s.is_primary)
            .map(|s| s.file_name.clone())
            .unwrap_or_default();
        let key = DiagnosticKey {
            lint: diag
                .code
                .as_ref()
                .map(|c| c.code.clone())
                .unwrap_or_default(),
            file,
            message: normalise(&diag.message),
        };
        let rendered = diag
            .rendered
            .clone()
            .unwrap_or_else(|| diag.message.clone());
        match diag.level {
            DiagnosticLevel::Error | DiagnosticLevel::Ice => {
                out.n_errors += 1;
                out.errors.push(rendered);
                if is_lint(&key.lint) {
                    out.lint_errors.insert(key.lint.clone());
                } else if !diag.message.starts_with("aborting due to") {
                    out.compile_errors += 1;
                    let fixes = (key.lint == "E0121").then(|| machine_fixes(&diag));
                    if let Some(fixes) = fixes.filter(|f| !f.is_empty()) {
                        out.placeholders.0 += 1;
                        out.placeholders.1.extend(fixes);
                    }
                }
            }
            DiagnosticLevel::Warning => {
                *out.warnings.entry(key.clone()).or_default() += 1;
                if let Some(span) = diag.spans.iter().find(|s| s.is_primary) {
                    let text = spanned_text(span);
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    out.flagged.entry(key.clone()).or_default().insert(text);
                }
                let fixes = machine_fixes(&diag);
                if !fixes.is_empty() {
                    out.suggestions.push(Suggestion {
                        key: key.clone(),
                        fixes,
                    });
                }
                out.rendered.insert(key, rendered);
            }
            _ => {}
        }
    }
    out
}

/// Whether a diagnostic code names a lint (`unused_variables`, `clippy::unused_io_amount`)
/// rather than a compiler error (`E0308`).
fn is_lint(code: &str) -> bool {
    let error_code =
        code.len() == 5 && code.starts_with('E') && code[1..].bytes().all(|b| b.is_ascii_digit());
    !code.is_empty() && !error_code
}

/// Messages that quote line numbers (`previous definition here at line 3`) would churn.
fn normalise(message: &str) -> String {
    message
        .split(|c: char| c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("N")
}

/// What a test binary reported.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TestBinary {
    pub passed: usize,
    pub failed: usize,
    pub ignored: BTreeSet<String>,
    pub failures: Vec<String>,
}

/// Per test binary (`unittests src/lib.rs (crate)`, `tests/x.rs (crate)`, `doctests crate`).
pub type TestResults = BTreeMap<String, TestBinary>;

/// Reads libtest's human output from `cargo test` (stdout and stderr together), or
/// cargo-nextest's status lines (`PASS [ 0.01s] (1/3) crate test::name`).
pub fn parse_tests(output: &str) -> TestResults {
    let mut results = TestResults::new();
    let mut current: Option<String> = None;
    for line in output.lines() {
        let line = line.trim_end();
        if let Some((status, binary, name)) = nextest_line(line) {
            let binary = results.entry(format!("nextest {binary}")).or_default();
            match status {
                "PASS" | "FLAKY" => binary.passed += 1,
                "SKIP" => {
                    binary.ignored.insert(name.to_string());
                }
                _ => {
                    binary.failed += 1;
                    binary.failures.push(name.to_string());
                }
            }
            continue;
        }
        if let Some(rest) = line.trim_start().strip_prefix("Running ") {
            current = Some(binary_key(rest));
            continue;
        }
        if let Some(name) = line.trim_start().strip_prefix("Doc-tests ") {
            current = Some(format!("doctests {name}"));
            continue;
        }
        let (Some(key), Some(rest)) = (&current, line.strip_prefix("test ")) else {
            continue;
        };
        let Some((name, outcome)) = rest.rsplit_once(" ... ") else {
            continue;
        };
        let binary = results.entry(key.clone()).or_default();
        match outcome {
            "ok" => binary.passed += 1,
            "FAILED" => {
                binary.failed += 1;
                binary.failures.push(name.to_string());
            }
            o if o.starts_with("ignored") => {
                binary.ignored.insert(name.to_string());
            }
            _ => {}
        }
    }
    results
}

/// A nextest result line: status, binary id, test name. Retries (`TRY 2 FAIL`) and the
/// summary lines are not results.
fn nextest_line(line: &str) -> Option<(&str, &str, &str)> {
    let line = line.trim_start();
    let (status, rest) = line.split_once(" [")?;
    if !matches!(
        status,
        "PASS"
            | "FLAKY"
            | "FAIL"
            | "SKIP"
            | "SIGSEGV"
            | "SIGABRT"
            | "SIGKILL"
            | "TIMEOUT"
            | "LEAK-FAIL"
    ) {
        return None;
    }
    let (_, rest) = rest.split_once("] ")?;
    let rest = rest.trim_start();
    // Newer nextest prints a counter, `(1/3)`, before the binary id.
    let rest = match rest.strip_prefix('(') {
        Some(counted) => counted.split_once(") ")?.1,
        None => rest,
    };
    let (binary, name) = rest.split_once(' ')?;
    Some((status, binary, name.trim()))
}

/// `unittests src/lib.rs (target/debug/deps/fixture-1a2b3c)` → `unittests src/lib.rs (fixture)`.
fn binary_key(running: &str) -> String {
    let Some((what, path)) = running.rsplit_once(" (") else {
        return running.to_string();
    };
    let path = path.trim_end_matches(')');
    let file = path.rsplit('/').next().unwrap_or(path);
    let name = file.rsplit_once('-').map_or(file, |(name, _)| name);
    match package_dir(Path::new(path), what) {
        Some((dir, source)) if !dir.is_empty() => {
            format!(
                "{} ({name})",
                what.replacen(source, &format!("{dir}/{source}"), 1)
            )
        }
        _ => format!("{what} ({name})"),
    }
}

/// The folder of the package a test binary was built from, and the binary's source as the
/// `Running` line names it (relative to that folder), read from the dep-info file cargo writes
/// beside the binary. Two packages' `tests/tests.rs (integration)` are otherwise one key, and
/// a reach that tests one of them would seem to have lost the other's tests.
fn package_dir<'a>(binary: &Path, what: &'a str) -> Option<(String, &'a str)> {
    let source = what.rsplit(' ').next()?;
    let info = std::fs::read_to_string(binary.with_extension("d")).ok()?;
    let (_, sources) = info.lines().next()?.split_once(": ")?;
    let found = sources.split_whitespace().find(|file| {
        *file == source
            || file
                .strip_suffix(source)
                .is_some_and(|dir| dir.ends_with('/'))
    })?;
    let dir = found[..found.len() - source.len()].trim_end_matches('/');
    Some((dir.to_string(), source))
}

/// Why `candidate`'s tests are worse than `baseline`'s, one sentence per problem.
pub fn compare_tests(baseline: &TestResults, candidate: &TestResults) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, now) in candidate {
        for name in &now.failures {
            problems.push(format!("test `{name}` in {key} failed"));
        }
        let Some(before) = baseline.get(key) else {
            continue;
        };
        // The specific cause first: an ignored test also lowers the passed count.
        for name in now.ignored.difference(&before.ignored) {
            problems.push(format!("test `{name}` in {key} is newly ignored"));
        }
        if now.passed < before.passed {
            problems.push(format!(
                "{key} passed {} tests, {} before the change",
                now.passed, before.passed
            ));
        }
    }
    problems
}

/// A command's outcome with its output, for gates and audit records.
#[derive(Debug)]
pub struct Ran {
    pub job: Job,
    pub finished: Finished,
}

impl Ran {
    pub fn stdout(&self) -> Vec<u8> {
        std::fs::read(&self.job.stdout).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.job.stderr).unwrap_or_default()).into_owned()
    }

    pub fn exit(&self) -> Exit {
        self.finished.exit
    }
}

/// The last `n` lines of `text`, for error messages and agent feedback.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod test {
    use super::*;

    const OUTPUT: &str = "\
     Running unittests src/lib.rs (target/debug/deps/fixture-0123abcd)

running 3 tests
test a::one ... ok
test a::two ... FAILED
test a::slow ... ignored, too slow

     Running tests/api.rs (target/debug/deps/api-99aa)
test works ... ok
   Doc-tests fixture
test src/lib.rs - f (line 3) ... ok
";

    #[test]
    fn binaries_of_two_packages_with_one_name_are_two_keys() {
        let deps = tempfile::tempdir().unwrap();
        let binary = |hash: &str, dir: &str| {
            let path = deps.path().join(format!("integration-{hash}"));
            let info = format!(
                "{}: {dir}tests/tests.rs {dir}tests/util.rs\n",
                path.display()
            );
            std::fs::write(path.with_extension("d"), info).unwrap();
            path.display().to_string()
        };
        let output = format!(
            "     Running tests/tests.rs ({})\ntest a ... ok\n\
             \x20    Running tests/tests.rs ({})\ntest b ... ok\ntest c ... ok\n",
            binary("01", "crates/matcher/"),
            binary("02", ""),
        );
        let results = parse_tests(&output);
        assert_eq!(
            results["crates/matcher/tests/tests.rs (integration)"].passed,
            1
        );
        assert_eq!(results["tests/tests.rs (integration)"].passed, 2);
    }

    #[test]
    fn parse_tests_counts_per_binary_without_hashes() {
        let results = parse_tests(OUTPUT);
        let unit = &results["unittests src/lib.rs (fixture)"];
        assert_eq!((unit.passed, unit.failed), (1, 1));
        assert_eq!(unit.failures, vec!["a::two"]);
        assert!(unit.ignored.contains("a::slow"));
        assert_eq!(results["tests/api.rs (api)"].passed, 1);
        assert_eq!(results["doctests fixture"].passed, 1);
    }

    #[test]
    fn compare_tests_names_failures_fewer_passes_and_new_ignores() {
        let baseline = parse_tests(
            &OUTPUT
                .replace("FAILED", "ok")
                .replace("ignored, too slow", "ok"),
        );
        let candidate = parse_tests(OUTPUT);
        let problems = compare_tests(&baseline, &candidate);
        assert!(problems
            .iter()
            .any(|p| p.contains("`a::two`") && p.contains("failed")));
        assert!(problems
            .iter()
            .any(|p| p.contains("passed 1 tests, 3 before")));
        assert!(problems
            .iter()
            .any(|p| p.contains("`a::slow`") && p.contains("newly ignored")));
        assert!(compare_tests(&baseline, &baseline).is_empty());
    }

    #[test]
    fn parse_tests_reads_nextest_status_lines() {
        let output = "\
    Starting 3 tests across 1 binary
        PASS [   0.017s] (1/3) fix-crate tests::a
        FAIL [   0.020s] (2/3) fix-crate tests::b
        SKIP [         ] (3/3) fix-crate tests::c
     Summary [   0.027s] 3 tests run: 1 passed, 1 failed, 1 skipped
";
        let results = parse_tests(output);
        let binary = &results["nextest fix-crate"];
        assert_eq!((binary.passed, binary.failed), (1, 1));
        assert_eq!(binary.failures, vec!["tests::b"]);
        assert!(binary.ignored.contains("tests::c"));
        assert_eq!(results.len(), 1);
    }

    #[test]
    fn diagnostics_ignore_line_numbers_in_messages() {
        assert_eq!(
            normalise("defined at line 12 and 3"),
            normalise("defined at line 40 and 7")
        );
    }

    /// A `compiler-message` line as clippy prints it, with one help suggestion.
    fn collapsible_if(spans: &serde_json::Value) -> String {
        let span = |v: &serde_json::Value| {
            let mut span = serde_json::json!({
                "file_name": "src/lib.rs", "line_start": 5, "line_end": 5, "column_start": 1,
                "column_end": 1, "is_primary": true, "label": null, "expansion": null,
                "suggestion_applicability": "MachineApplicable",
            });
            span.as_object_mut()
                .unwrap()
                .extend(v.as_object().unwrap().clone());
            span
        };
        let spans: Vec<_> = spans.as_array().unwrap().iter().map(span).collect();
        // The warning's own span suggests nothing: its help does.
        let mut primary = spans[0].clone();
        primary["suggested_replacement"] = serde_json::Value::Null;
        let message = serde_json::json!({
            "reason": "compiler-message", "package_id": "x 0.1.0 (path+file:///x)",
            "manifest_path": "/x/Cargo.toml",
            "target": {"kind": ["lib"], "crate_types": ["lib"], "name": "x",
                       "src_path": "/x/src/lib.rs", "edition": "2021", "doc": true,
                       "doctest": true, "test": true},
            "message": {
                "message": "this `if` statement can be collapsed",
                "code": {"code": "clippy::collapsible_if", "explanation": null},
                "level": "warning", "rendered": "warning: collapsible", "spans": [primary],
                "children": [{"message": "collapse", "code": null, "level": "help",
                              "spans": spans, "children": [], "rendered": null}],
            },
        });
        format!("{message}\n")
    }

    #[test]
    fn a_warning_on_a_copy_of_code_the_baseline_warned_about_is_not_new() {
        let flagging = |texts: &[&str]| {
            let lines: String = (texts.iter())
                .map(|text| {
                    collapsible_if(&serde_json::json!([{"byte_start": 0, "byte_end": 2,
                        "suggested_replacement": "",
                        "text": [{"text": text, "highlight_start": 1, "highlight_end": 99}]}]))
                })
                .collect();
            parse_diagnostics(lines.as_bytes())
        };
        let baseline = flagging(&["if a {"]);
        // The same code warned about once more (a merged copy), spacing aside: not new.
        assert!(flagging(&["if a {", "if  a {"])
            .new_warnings(&baseline)
            .is_empty());
        // Other code warned about: new, as is a first warning of its kind.
        assert_eq!(
            flagging(&["if a {", "if b {"])
                .new_warnings(&baseline)
                .len(),
            1
        );
        assert_eq!(flagging(&["if a {"]).new_warnings(&flagging(&[])).len(), 1);
    }

    #[test]
    fn a_suggestion_keeps_its_replacements_together_with_the_text_each_replaces() {
        let line = collapsible_if(&serde_json::json!([
            {"byte_start": 237, "byte_end": 239, "suggested_replacement": "",
             "text": [{"text": "    if age > 0 {", "highlight_start": 15, "highlight_end": 17}]},
            {"byte_start": 561, "byte_end": 567, "suggested_replacement": "",
             "text": [{"text": "        }", "highlight_start": 10, "highlight_end": 10},
                      {"text": "    }", "highlight_start": 1, "highlight_end": 6}]},
            {"byte_start": 248, "byte_end": 250, "suggested_replacement": "&&",
             "text": [{"text": "        if age < 365 {", "highlight_start": 9,
                       "highlight_end": 11}]},
        ]));
        let diagnostics = parse_diagnostics(line.as_bytes());
        assert_eq!(diagnostics.suggestions.len(), 1);
        let suggestion = &diagnostics.suggestions[0];
        assert_eq!(suggestion.key.lint, "clippy::collapsible_if");
        let fixes: Vec<(usize, &str, &str)> = (suggestion.fixes.iter())
            .map(|f| (f.bytes.start, f.original.as_str(), f.replacement.as_str()))
            .collect();
        assert_eq!(
            fixes,
            [(237, " {", ""), (561, "\n    }", ""), (248, "if", "&&")]
        );
    }
}
