//! `--in-diff`: a unified diff (`git diff`), parsed into the lines its new side touches per
//! file, checked against the tree, and used to narrow a report to the findings in touched
//! code. Owns the hunk parser (`@@ -a,b +c,d @@`) and the mapping from the diff's paths
//! (relative to the repository) to the report's (relative to the workspace root).
//!
//! A line is touched when the new side adds it (a changed line is removed and added); a
//! deletion touches the lines either side of it, since removing code can make two copies
//! equal. Deleted files touch nothing; a renamed file is known by its new path.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::report::Report;
use crate::error::UsageError;

/// A parsed diff: the files its new side has, in the order it names them.
#[derive(Debug, Default, PartialEq)]
struct Diff {
    files: Vec<FileDiff>,
}

/// One file of the diff, by its new path (relative to the repository root).
#[derive(Debug, PartialEq)]
struct FileDiff {
    path: String,
    hunks: Vec<Hunk>,
}

/// One hunk: the new side's lines, as the diff states them, and which it touches.
#[derive(Debug, PartialEq)]
struct Hunk {
    /// First line of the new side (1-based; 0 when the new side is empty).
    new_start: u32,
    /// The new side's lines (context and added).
    lines: Vec<String>,
    /// Lines of the new side the hunk adds, or next to a deletion.
    touched: Vec<u32>,
}

/// The lines a diff touches, per file relative to the workspace root (sorted).
#[derive(Debug, Default)]
pub struct Touched(BTreeMap<String, Vec<u32>>);

/// Reads the diff `--in-diff` names (`-`: stdin) and checks it against the tree of the
/// workspace at `root`.
pub fn read(source: &Path, root: &Path) -> anyhow::Result<Touched> {
    let text = read_text(source)?;
    let diff =
        parse(&text).map_err(|e| UsageError(format!("--in-diff {}: {e}", source.display())))?;
    let top = repository_top(root);
    diff.check(&top)?;
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let prefix = inside.strip_prefix(&top).unwrap_or(Path::new(""));
    Ok(Touched(diff.touched_under(prefix)))
}

fn read_text(source: &Path) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    let read = if source == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(source).map(|b| bytes = b)
    };
    read.map_err(|e| {
        UsageError(format!(
            "--in-diff {}: cannot read it: {e}",
            source.display()
        ))
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The repository's top folder (the diff's paths are relative to it), or the workspace root
/// outside git.
fn repository_top(root: &Path) -> PathBuf {
    let out = Command::new("git")
        .current_dir(root)
        .args(["rev-parse", "--show-toplevel"])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output();
    let top = match out {
        Ok(out) if out.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        }
        _ => root.to_path_buf(),
    };
    top.canonicalize().unwrap_or(top)
}

impl Touched {
    /// Keeps the groups with a copy in touched lines and the smells with a location there.
    pub fn narrow(&self, report: &mut Report) {
        let files = &report.files;
        let hit = |file: usize, start: u32, end: u32| {
            (files.get(file))
                .and_then(|f| self.0.get(&f.rel))
                .is_some_and(|lines| {
                    let first = lines.partition_point(|&l| l < start);
                    lines.get(first).is_some_and(|&l| l <= end)
                })
        };
        (report.groups)
            .retain(|g| (g.instances.iter()).any(|i| hit(i.file, i.start_line, i.end_line)));
        // The copies the diff touches first: annotations point at a group's first copy.
        for group in &mut report.groups {
            (group.instances).sort_by_key(|i| !hit(i.file, i.start_line, i.end_line));
        }
        (report.smells)
            .retain(|s| (s.locations.iter()).any(|l| hit(l.file, l.start_line, l.end_line)));
    }
}

impl Diff {
    /// Fails, naming the file and line, where the new side differs from the file in `top`.
    fn check(&self, top: &Path) -> Result<(), UsageError> {
        for file in &self.files {
            let mismatch = |line: u32, why: &str| {
                UsageError(format!(
                    "the diff does not match the tree at {}:{line}{why}: regenerate it",
                    file.path
                ))
            };
            let Some(hunk) = file.hunks.iter().find(|h| !h.lines.is_empty()) else {
                continue;
            };
            let bytes = std::fs::read(top.join(&file.path))
                .map_err(|_| mismatch(hunk.new_start, " (no such file)"))?;
            let text = String::from_utf8_lossy(&bytes);
            let mut lines: Vec<&str> = text.split('\n').collect();
            if text.ends_with('\n') {
                lines.pop();
            }
            for hunk in &file.hunks {
                for (n, expected) in (hunk.new_start..).zip(&hunk.lines) {
                    if lines.get(n as usize - 1) != Some(&expected.as_str()) {
                        return Err(mismatch(n, ""));
                    }
                }
            }
        }
        Ok(())
    }

    /// The touched lines (sorted) of the files under `prefix`, by their path relative to it.
    fn touched_under(&self, prefix: &Path) -> BTreeMap<String, Vec<u32>> {
        let mut touched: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for file in &self.files {
            let Ok(rel) = Path::new(&file.path).strip_prefix(prefix) else {
                continue;
            };
            let lines = touched
                .entry(rel.to_string_lossy().into_owned())
                .or_default();
            lines.extend(file.hunks.iter().flat_map(|h| h.touched.iter().copied()));
            lines.sort_unstable();
            lines.dedup();
        }
        touched
    }
}

/// Parses a unified diff; the error names the diff's line (1-based).
fn parse(text: &str) -> Result<Diff, String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut diff = Diff::default();
    let mut at = 0;
    let mut seen_header = false;
    // The new path of the current file: None before any, Some(None) for a deleted file.
    let mut current: Option<Option<String>> = None;
    while at < lines.len() {
        let line = lines[at];
        if line.starts_with("diff --git ") {
            seen_header = true;
            current = None;
            at += 1;
        } else if let Some(old) = line.strip_prefix("--- ") {
            path_of(old).map_err(|e| format!("line {}: {e}", at + 1))?;
            let new = lines.get(at + 1).and_then(|l| l.strip_prefix("+++ "));
            let new =
                new.ok_or_else(|| format!("line {}: `---` without `+++` after it", at + 1))?;
            let path = path_of(new).map_err(|e| format!("line {}: {e}", at + 2))?;
            seen_header = true;
            current = Some(path.clone());
            if let Some(path) = path {
                diff.files.push(FileDiff {
                    path,
                    hunks: Vec::new(),
                });
            }
            at += 2;
        } else if line.starts_with("@@") {
            let Some(path) = &current else {
                return Err(format!(
                    "line {}: a hunk before any `---`/`+++` file header",
                    at + 1
                ));
            };
            let (hunk, next) = hunk(&lines, at)?;
            if path.is_some() {
                diff.files
                    .last_mut()
                    .expect("pushed with its path")
                    .hunks
                    .push(hunk);
            }
            at = next;
        } else {
            at += 1;
        }
    }
    if !seen_header && !text.trim().is_empty() {
        return Err("not a unified diff: no `diff --git` or `---`/`+++` file header".into());
    }
    Ok(diff)
}

/// A `---`/`+++` path without its `a/`/`b/` prefix, unquoted; None for `/dev/null`.
fn path_of(field: &str) -> Result<Option<String>, String> {
    // A tab ends the name (diff -u puts the date after it).
    let field = field
        .split('\t')
        .next()
        .unwrap_or(field)
        .trim_end_matches('\r');
    let name = if field.starts_with('"') {
        unquote(field)?
    } else {
        field.to_owned()
    };
    if name == "/dev/null" {
        return Ok(None);
    }
    if name.is_empty() {
        return Err("a file header without a path".into());
    }
    let name = (name.strip_prefix("a/").or_else(|| name.strip_prefix("b/")))
        .map_or(name.clone(), str::to_owned);
    Ok(Some(name))
}

/// Git's C-style quoted path: `"sp\303\251cial \"x\".rs"`.
fn unquote(field: &str) -> Result<String, String> {
    let bad = || format!("a badly quoted path: {field}");
    let inner = (field.strip_prefix('"').and_then(|f| f.strip_suffix('"'))).ok_or_else(bad)?;
    let mut bytes = Vec::new();
    let mut chars = inner.bytes();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        let escaped = chars.next().ok_or_else(bad)?;
        bytes.push(match escaped {
            b'n' => b'\n',
            b't' => b'\t',
            b'a' => 7,
            b'b' => 8,
            b'f' => 12,
            b'v' => 11,
            b'r' => b'\r',
            b'0'..=b'7' => {
                let (d2, d3) = (chars.next().ok_or_else(bad)?, chars.next().ok_or_else(bad)?);
                let digits = [escaped, d2, d3];
                let octal = std::str::from_utf8(&digits).map_err(|_| bad())?;
                u8::from_str_radix(octal, 8).map_err(|_| bad())?
            }
            other => other,
        });
    }
    String::from_utf8(bytes).map_err(|_| bad())
}

/// The hunk whose header is `lines[at]`, and the index of the line after it.
fn hunk(lines: &[&str], at: usize) -> Result<(Hunk, usize), String> {
    let header = lines[at];
    let malformed = || format!("line {}: a malformed hunk header: {header}", at + 1);
    let (mut old_left, new_start, mut new_left) = header_counts(header).ok_or_else(malformed)?;
    let mut hunk = Hunk {
        new_start,
        lines: Vec::new(),
        touched: Vec::new(),
    };
    // With no lines on the new side, `c` is the line before the deletion.
    let mut next_new = if new_left == 0 {
        new_start + 1
    } else {
        new_start
    };
    let mut i = at + 1;
    while old_left > 0 || new_left > 0 {
        let Some(&line) = lines
            .get(i)
            .filter(|_| i + 1 < lines.len() || !lines[i].is_empty())
        else {
            return Err(format!(
                "line {}: the hunk ends early (the diff is cut short)",
                at + 1
            ));
        };
        let rest = line.get(1..).unwrap_or("");
        match line.as_bytes().first() {
            // An empty line is a context line whose space an editor trimmed.
            Some(b' ') | None if old_left > 0 && new_left > 0 => {
                hunk.lines.push(rest.to_owned());
                (old_left, new_left, next_new) = (old_left - 1, new_left - 1, next_new + 1);
            }
            Some(b'+') if new_left > 0 => {
                hunk.lines.push(rest.to_owned());
                hunk.touched.push(next_new);
                (new_left, next_new) = (new_left - 1, next_new + 1);
            }
            Some(b'-') if old_left > 0 => {
                hunk.touched
                    .extend([next_new.saturating_sub(1).max(1), next_new]);
                old_left -= 1;
            }
            Some(b'\\') => {}
            _ => {
                return Err(format!(
                    "line {}: not a line of the hunk at line {} (or its counts are wrong): {line}",
                    i + 1,
                    at + 1
                ))
            }
        }
        i += 1;
    }
    // `\ No newline at end of file` after the hunk's last line.
    if lines.get(i).is_some_and(|l| l.starts_with('\\')) {
        i += 1;
    }
    Ok((hunk, i))
}

/// `@@ -a[,b] +c[,d] @@ ...` as (b, c, d); a count left out is 1.
fn header_counts(header: &str) -> Option<(u32, u32, u32)> {
    let rest = header.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<(u32, u32)> {
        match r.split_once(',') {
            Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let ((_, old_count), (new_start, new_count)) = (range(old)?, range(new)?);
    if new_start == 0 && new_count > 0 {
        return None;
    }
    Some((old_count, new_start, new_count))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{parse, Diff};

    const TWO_FILES: &str = "\
diff --git a/src/a.rs b/src/a.rs
index 1111111..2222222 100644
--- a/src/a.rs
+++ b/src/a.rs
@@ -1,3 +1,4 @@ fn main() {
 fn a() {
+    let x = 1;
     a();
 }
@@ -10,2 +11,2 @@
 fn b() {
-    old();
+    new();
diff --git a/src/b.rs b/src/b.rs
--- a/src/b.rs
+++ b/src/b.rs
@@ -4 +4 @@
-x
+y
\\ No newline at end of file
";

    fn touched(diff: &Diff) -> Vec<(String, Vec<u32>)> {
        diff.touched_under(Path::new("")).into_iter().collect()
    }

    #[test]
    fn several_files_and_hunks_give_the_added_lines_and_the_lines_around_deletions() {
        let diff = parse(TWO_FILES).unwrap();
        assert_eq!(diff.files.len(), 2);
        assert_eq!(diff.files[0].hunks.len(), 2);
        assert_eq!(diff.files[0].hunks[1].new_start, 11);
        let lines = &diff.files[0].hunks[0].lines;
        assert_eq!(lines, &["fn a() {", "    let x = 1;", "    a();", "}"]);
        assert_eq!(
            touched(&diff),
            [
                ("src/a.rs".to_owned(), vec![2, 11, 12]),
                ("src/b.rs".to_owned(), vec![3, 4])
            ]
        );
    }

    #[test]
    fn new_files_count_deleted_files_do_not_and_renames_take_the_new_path() {
        let text = "\
diff --git a/new.rs b/new.rs
new file mode 100644
--- /dev/null
+++ b/new.rs
@@ -0,0 +1,2 @@
+fn f() {}
+fn g() {}
diff --git a/gone.rs b/gone.rs
deleted file mode 100644
--- a/gone.rs
+++ /dev/null
@@ -1,2 +0,0 @@
-fn f() {}
-fn g() {}
diff --git a/old/name.rs b/new/name.rs
similarity index 90%
rename from old/name.rs
rename to new/name.rs
--- a/old/name.rs
+++ b/new/name.rs
@@ -1 +1 @@
-a
+b
diff --git a/same.rs b/moved.rs
similarity index 100%
rename from same.rs
rename to moved.rs
";
        let diff = parse(text).unwrap();
        assert_eq!(
            touched(&diff),
            [
                ("new.rs".to_owned(), vec![1, 2]),
                ("new/name.rs".to_owned(), vec![1])
            ]
        );
    }

    #[test]
    fn a_deletion_only_hunk_touches_the_lines_around_it() {
        let diff = parse("--- a/x.rs\n+++ b/x.rs\n@@ -5,2 +4,0 @@\n-a\n-b\n").unwrap();
        assert_eq!(touched(&diff), [("x.rs".to_owned(), vec![4, 5])]);
    }

    #[test]
    fn quoted_paths_are_unquoted_and_workspace_paths_are_relative_to_their_folder() {
        let text = "--- \"a/ws/sp\\303\\251cial.rs\"\n+++ \"b/ws/sp\\303\\251cial.rs\"\n@@ -1 +1 @@\n-a\n+b\n";
        let diff = parse(text).unwrap();
        let under: Vec<_> = diff.touched_under(Path::new("ws")).into_iter().collect();
        assert_eq!(under, [("spécial.rs".to_owned(), vec![1])]);
        assert!(diff.touched_under(Path::new("other")).is_empty());
    }

    #[test]
    fn malformed_diffs_name_the_line() {
        let cut = "--- a/x.rs\n+++ b/x.rs\n@@ -1,3 +1,3 @@\n a\n";
        assert!(
            parse(cut).unwrap_err().starts_with("line 3:"),
            "{:?}",
            parse(cut)
        );
        let header = "--- a/x.rs\n+++ b/x.rs\n@@ -1,x +1 @@\n";
        assert!(parse(header).unwrap_err().starts_with("line 3:"));
        let stray = "--- a/x.rs\n+++ b/x.rs\n@@ -1,2 +1,2 @@\n a\n?b\n";
        assert!(parse(stray).unwrap_err().starts_with("line 5:"));
        let orphan = "@@ -1 +1 @@\n-a\n+b\n";
        assert!(parse(orphan).unwrap_err().starts_with("line 1:"));
        let no_plus = "--- a/x.rs\nfoo\n";
        assert!(parse(no_plus).unwrap_err().starts_with("line 1:"));
        assert!(parse("hello\n").unwrap_err().contains("not a unified diff"));
        assert_eq!(parse("").unwrap(), Diff::default());
    }

    #[test]
    fn the_tree_check_names_the_first_line_that_differs() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("src")).unwrap();
        let text = "fn a() {\n    let x = 1;\n    a();\n}\n";
        std::fs::write(tmp.path().join("src/a.rs"), text).unwrap();
        let diff = parse("--- a/src/a.rs\n+++ b/src/a.rs\n@@ -1,3 +1,4 @@\n fn a() {\n+    let x = 1;\n     a();\n }\n").unwrap();
        diff.check(tmp.path()).unwrap();
        std::fs::write(tmp.path().join("src/a.rs"), text.replace("a();", "b();")).unwrap();
        let err = diff.check(tmp.path()).unwrap_err().0;
        assert_eq!(
            err,
            "the diff does not match the tree at src/a.rs:3: regenerate it"
        );
        std::fs::remove_file(tmp.path().join("src/a.rs")).unwrap();
        let err = diff.check(tmp.path()).unwrap_err().0;
        assert!(err.contains("src/a.rs:1 (no such file)"), "{err}");
        // A file without its last newline matches a diff that says so.
        std::fs::write(tmp.path().join("src/a.rs"), text.trim_end()).unwrap();
        diff.check(tmp.path()).unwrap();
    }
}
