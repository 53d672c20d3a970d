//! Unified diffs of [`FileChange`]s, for the patches a run keeps and the reports that show them.
//!
//! The output is what `git apply` and `patch -p1` read: `--- a/path` and `+++ b/path` headers,
//! `/dev/null` on the side where the file does not exist, and Myers hunks with three lines of
//! context. The `similar` crate is used here only.

use similar::{Algorithm, DiffOp, TextDiff};

use crate::refactor::change::FileChange;

/// Lines of unchanged context around each hunk, as `diff -u` and git use.
const CONTEXT: usize = 3;

/// The changes as one unified diff, file after file in the given order; no-ops are left out.
pub fn unified(changes: &[FileChange]) -> String {
    changes
        .iter()
        .filter(|change| !change.is_noop())
        .map(file_diff)
        .collect()
}

fn file_diff(change: &FileChange) -> String {
    let old_name = side_name("a", &change.path, change.before.as_ref());
    let new_name = side_name("b", &change.path, change.after.as_ref());
    let old = change.before.as_deref().unwrap_or_default();
    let new = change.after.as_deref().unwrap_or_default();
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(CONTEXT)
        .header(&old_name, &new_name)
        .to_string();
    if text.is_empty() {
        // An empty file created or deleted has no hunks; the headers still say what happens.
        return format!("--- {old_name}\n+++ {new_name}\n");
    }
    text
}

/// Whole lines `start_line..=end_line` (from 1) of a file as it was, and the text that takes
/// their place (no final line break): a suggestion as code review tools apply one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Replacement {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    pub text: String,
}

/// The change to an existing file as line replacements, one per hunk. A hunk that only adds
/// or only removes lines takes in the line before it (after it, at the top of the file), so
/// no replacement is empty on either side; a created or deleted file has none.
pub fn replacements(change: &FileChange) -> Vec<Replacement> {
    let (Some(old), Some(new)) = (change.before.as_deref(), change.after.as_deref()) else {
        return Vec::new();
    };
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_lines(old, new);
    let (old_lines, new_lines) = (diff.old_slices(), diff.new_slices());
    diff.grouped_ops(0)
        .iter()
        .filter_map(|ops| {
            let (first, last) = (ops.first()?, ops.last()?);
            let span = |r: fn(&DiffOp) -> std::ops::Range<usize>| r(first).start..r(last).end;
            let (mut old, mut new) = (span(DiffOp::old_range), span(DiffOp::new_range));
            if old.is_empty() || new.is_empty() {
                // Widen by one unchanged line, the same on both sides.
                if old.start > 0 {
                    (old.start, new.start) = (old.start - 1, new.start - 1);
                } else if old.end < old_lines.len() {
                    (old.end, new.end) = (old.end + 1, new.end + 1);
                }
            }
            let text = new_lines[new].concat();
            Some(Replacement {
                path: change.path.clone(),
                start_line: u32::try_from(old.start + 1).ok()?,
                end_line: u32::try_from(old.end).ok()?,
                text: text
                    .strip_suffix('\n')
                    .unwrap_or(&text)
                    .trim_end_matches('\r')
                    .to_owned(),
            })
        })
        .collect()
}

fn side_name(prefix: &str, path: &str, content: Option<&String>) -> String {
    match content {
        Some(_) => format!("{prefix}/{path}"),
        None => "/dev/null".to_owned(),
    }
}

#[cfg(test)]
mod test {
    use std::fs;

    use super::*;
    use crate::refactor::edit::{apply_answer, EditRules};

    fn change(path: &str, before: Option<&str>, after: Option<&str>) -> FileChange {
        FileChange::new(path, before, after)
    }

    #[test]
    fn a_modified_file_has_a_and_b_headers_and_a_hunk_with_three_lines_of_context() {
        let before = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let after = "1\n2\n3\n4\nfive\n6\n7\n8\n";
        let diff = unified(&[change("src/lib.rs", Some(before), Some(after))]);
        assert_eq!(
            diff,
            "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn a_created_file_comes_from_dev_null() {
        let diff = unified(&[change("src/new.rs", None, Some("fn a() {}\nfn b() {}\n"))]);
        assert_eq!(
            diff,
            "--- /dev/null\n+++ b/src/new.rs\n@@ -0,0 +1,2 @@\n+fn a() {}\n+fn b() {}\n"
        );
    }

    #[test]
    fn a_deleted_file_goes_to_dev_null() {
        let diff = unified(&[change("src/old.rs", Some("fn a() {}\n"), None)]);
        assert_eq!(
            diff,
            "--- a/src/old.rs\n+++ /dev/null\n@@ -1 +0,0 @@\n-fn a() {}\n"
        );
    }

    #[test]
    fn an_empty_file_created_still_gets_its_headers() {
        let diff = unified(&[change("src/empty.rs", None, Some(""))]);
        assert_eq!(diff, "--- /dev/null\n+++ b/src/empty.rs\n");
    }

    #[test]
    fn no_ops_are_left_out_and_files_follow_the_given_order() {
        let diff = unified(&[
            change("b.rs", Some("x\n"), Some("y\n")),
            change("same.rs", Some("s\n"), Some("s\n")),
            change("a.rs", Some("x\n"), Some("z\n")),
        ]);
        assert!(!diff.contains("same.rs"), "{diff}");
        let b = diff.find("+++ b/b.rs").unwrap();
        let a = diff.find("+++ b/a.rs").unwrap();
        assert!(b < a, "{diff}");
        assert_eq!(unified(&[]), "");
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        let diff = unified(&[change("a.txt", Some("a\nb\n"), Some("a\nc"))]);
        assert!(
            diff.ends_with("-b\n+c\n\\ No newline at end of file\n"),
            "{diff}"
        );
    }

    /// Applies replacements as a review tool does: each range of old lines becomes its text.
    fn replaced(old: &str, edits: &[Replacement]) -> String {
        let lines: Vec<&str> = old.lines().collect();
        let mut out = Vec::new();
        let mut next = 1;
        for edit in edits {
            out.extend(
                lines[next - 1..edit.start_line as usize - 1]
                    .iter()
                    .map(|l| (*l).to_owned()),
            );
            out.push(edit.text.clone());
            next = edit.end_line as usize + 1;
        }
        out.extend(lines[next - 1..].iter().map(|l| (*l).to_owned()));
        out.join("\n") + "\n"
    }

    #[test]
    fn replacements_cover_whole_lines_and_are_never_empty() {
        let old = "a\nb\nc\nd\ne\n";
        let cases = [
            ("a\nB\nc\nd\ne\n", vec![(2, 2, "B")]),
            ("a\nb\nc\nnew\nd\ne\n", vec![(3, 3, "c\nnew")]),
            ("a\nb\nd\ne\n", vec![(2, 3, "b")]),
            ("top\na\nb\nc\nd\ne\n", vec![(1, 1, "top\na")]),
            ("A\nb\nc\nd\nE\n", vec![(1, 1, "A"), (5, 5, "E")]),
        ];
        for (new, expected) in cases {
            let edits = replacements(&change("x.rs", Some(old), Some(new)));
            let got: Vec<(u32, u32, &str)> = (edits.iter())
                .map(|e| (e.start_line, e.end_line, e.text.as_str()))
                .collect();
            assert_eq!(got, expected, "{new:?}");
            assert_eq!(replaced(old, &edits), new);
        }
        assert!(replacements(&change("n.rs", None, Some("x\n"))).is_empty());
    }

    #[test]
    fn a_rendered_diff_applies_back_to_the_same_changes() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("src")).unwrap();
        let lib = (1..=30)
            .map(|i| format!("line {i}\n"))
            .collect::<Vec<_>>()
            .concat();
        let crlf = "fn a() {\r\n    one();\r\n}\r\n";
        fs::write(root.path().join("src/lib.rs"), &lib).unwrap();
        fs::write(root.path().join("src/crlf.rs"), crlf).unwrap();
        fs::write(root.path().join("src/old.rs"), "fn old() {}\n").unwrap();
        fs::write(root.path().join("tail.txt"), "a\nb").unwrap();
        let changes = vec![
            change(
                "src/lib.rs",
                Some(&lib),
                Some(
                    &lib.replace("line 3\n", "")
                        .replace("line 20\n", "line 20\nline 20.5\n"),
                ),
            ),
            change("src/crlf.rs", Some(crlf), Some(&crlf.replace("one", "uno"))),
            change("src/old.rs", Some("fn old() {}\n"), None),
            change("src/new.rs", None, Some("fn new() {}\n")),
            change("tail.txt", Some("a\nb"), Some("a\nb\nc\n")),
        ];
        let rules = EditRules {
            root: root.path(),
            denied: &|_| None,
        };
        let diff = unified(&changes);
        assert_eq!(apply_answer(&diff, &rules), Ok(changes), "{diff}");
    }
}
