use std::fs;

use tempfile::TempDir;

use super::answer::{DIVIDER, REPLACE, SEARCH};
use super::rejection::Rejection;
use super::*;
use crate::refactor::change::FileChange;

fn root_with(files: &[(&str, &str)]) -> TempDir {
    let root = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = root.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
    }
    root
}

fn apply(root: &TempDir, answer: &str) -> Result<Vec<FileChange>, Rejection> {
    apply_answer(
        answer,
        &EditRules {
            root: root.path(),
            denied: &|_| None,
        },
    )
}

/// The one file an accepted answer changes, as `(path, after)`.
fn changed(root: &TempDir, answer: &str) -> (String, Option<String>) {
    let mut changes = apply(root, answer).expect("the answer should apply");
    assert_eq!(changes.len(), 1, "{changes:?}");
    let change = changes.remove(0);
    (change.path, change.after)
}

fn after(root: &TempDir, answer: &str) -> String {
    changed(root, answer)
        .1
        .expect("the file should exist afterwards")
}

fn rejection(root: &TempDir, answer: &str) -> String {
    apply(root, answer)
        .expect_err("the answer should be rejected")
        .0
}

fn block(path: &str, search: &str, replace: &str) -> String {
    format!("{path}\n{SEARCH}\n{search}{DIVIDER}\n{replace}{REPLACE}\n")
}

const LIB: &str = "fn a() {\n    one();\n}\n\nfn b() {\n    two();\n}\n";

#[test]
fn a_search_replace_block_edits_the_named_file_and_keeps_its_before() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let changes = apply(&root, &block("src/lib.rs", "    one();\n", "    uno();\n")).unwrap();
    assert_eq!(
        changes,
        vec![FileChange {
            path: "src/lib.rs".to_owned(),
            before: Some(LIB.to_owned()),
            after: Some(LIB.replace("one", "uno")),
        }]
    );
    assert_eq!(
        fs::read_to_string(root.path().join("src/lib.rs")).unwrap(),
        LIB
    );
}

#[test]
fn blocks_inside_code_fences_with_prose_around_them_apply() {
    let root = root_with(&[("src/lib.rs", LIB), ("src/main.rs", "fn main() {}\n")]);
    let answer = "I will rename the calls.\n\nFirst, in the library:\n\nsrc/lib.rs\n```rust\n\
                      <<<<<<< SEARCH\n    one();\n=======\n    uno();\n>>>>>>> REPLACE\n```\n\n\
                      Then `main`:\n\n```rust\n// src/main.rs\n<<<<<<< SEARCH\nfn main() {}\n\
                      =======\nfn main() {\n    run();\n}\n>>>>>>> REPLACE\n```\n\nThat is all.\n";
    let changes = apply(&root, answer).unwrap();
    let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["src/lib.rs", "src/main.rs"]);
    assert_eq!(
        changes[0].after.as_deref(),
        Some(&*LIB.replace("one", "uno"))
    );
    assert_eq!(
        changes[1].after.as_deref(),
        Some("fn main() {\n    run();\n}\n")
    );
}

#[test]
fn the_path_may_be_backticked_labelled_a_heading_or_in_the_fence_info() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    for path_line in [
        "`src/lib.rs`",
        "File: `src/lib.rs`",
        "file: src/lib.rs",
        "### src/lib.rs",
        "**src/lib.rs**",
        "In `src/lib.rs`, rename the call:",
        "./src/lib.rs",
        "```rust src/lib.rs",
        "```rust:src/lib.rs",
    ] {
        let answer = block(path_line, "    one();\n", "    uno();\n");
        assert_eq!(changed(&root, &answer).0, "src/lib.rs", "{path_line}");
    }
}

#[test]
fn consecutive_blocks_may_name_their_file_once() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let answer = format!(
        "```rust\nsrc/lib.rs\n{SEARCH}\n    one();\n{DIVIDER}\n    uno();\n{REPLACE}\n```\n\n\
             ```rust\n{SEARCH}\n    two();\n{DIVIDER}\n    dos();\n{REPLACE}\n```\n"
    );
    assert_eq!(
        after(&root, &answer),
        LIB.replace("one", "uno").replace("two", "dos")
    );
}

#[test]
fn prose_right_before_a_block_is_not_taken_for_its_path() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let answer = format!("Here is the change:\n{SEARCH}\n    one();\n{DIVIDER}\n{REPLACE}\n");
    let reason = rejection(&root, &answer);
    assert!(reason.contains("should be the file path alone"), "{reason}");
    assert!(reason.contains("Here is the change:"), "{reason}");
}

#[test]
fn a_block_with_nothing_before_it_has_no_path() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let answer = format!("{SEARCH}\n    one();\n{DIVIDER}\n{REPLACE}\n");
    assert!(rejection(&root, &answer).contains("has no file path"));
}

#[test]
fn a_search_that_matches_nothing_is_rejected_naming_the_file_and_its_first_line() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &block("src/lib.rs", "\n    three();\n", ""));
    assert!(reason.contains("`src/lib.rs`"), "{reason}");
    assert!(reason.contains("does not match"), "{reason}");
    assert!(reason.contains("`three();`"), "{reason}");
}

#[test]
fn a_search_that_matches_twice_is_rejected_asking_for_more_context() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &block("src/lib.rs", "}\n", "};\n"));
    assert!(reason.contains("`src/lib.rs`"), "{reason}");
    assert!(reason.contains("matches 2 times"), "{reason}");
    assert!(reason.contains("more surrounding lines"), "{reason}");
}

#[test]
fn a_search_differing_only_in_trailing_whitespace_still_matches() {
    let root = root_with(&[("src/lib.rs", "fn a() {   \n    one();\t\n}\n")]);
    let answer = block(
        "src/lib.rs",
        "fn a() {\n    one();   \n",
        "fn a() {\n    uno();\n",
    );
    assert_eq!(after(&root, &answer), "fn a() {\n    uno();\n}\n");
}

#[test]
fn an_exact_match_wins_over_a_trailing_whitespace_match() {
    let root = root_with(&[("src/lib.rs", "x();  \nx();\n")]);
    assert_eq!(
        after(&root, &block("src/lib.rs", "x();\n", "y();\n")),
        "x();  \ny();\n"
    );
}

#[test]
fn leading_whitespace_differences_do_not_match() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &block("src/lib.rs", "one();\n", "uno();\n"));
    assert!(reason.contains("does not match"), "{reason}");
}

#[test]
fn a_crlf_file_keeps_its_line_endings_and_an_lf_answer_applies_to_it() {
    let root = root_with(&[("src/lib.rs", "fn a() {\r\n    one();\r\n}\r\n")]);
    let answer = block("src/lib.rs", "    one();\n", "    uno();\n    dos();\n");
    assert_eq!(
        after(&root, &answer),
        "fn a() {\r\n    uno();\r\n    dos();\r\n}\r\n"
    );
}

#[test]
fn a_crlf_answer_applies_to_an_lf_file() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let answer = block("src/lib.rs", "    one();\n", "    uno();\n").replace('\n', "\r\n");
    assert_eq!(after(&root, &answer), LIB.replace("one", "uno"));
}

#[test]
fn a_file_without_a_final_newline_keeps_it_missing() {
    let root = root_with(&[("src/lib.rs", "a();\nb();")]);
    assert_eq!(
        after(&root, &block("src/lib.rs", "b();\n", "c();\n")),
        "a();\nc();"
    );
    assert_eq!(after(&root, &block("src/lib.rs", "b();\n", "")), "a();");
}

#[test]
fn an_empty_search_with_a_missing_path_creates_the_file() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let changes = apply(&root, &block("src/new/mod.rs", "", "pub fn f() {}\n")).unwrap();
    assert_eq!(
        changes,
        vec![FileChange {
            path: "src/new/mod.rs".to_owned(),
            before: None,
            after: Some("pub fn f() {}\n".to_owned()),
        }]
    );
}

#[test]
fn an_empty_search_on_an_existing_file_is_rejected_as_ambiguous() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &block("src/lib.rs", "", "fn c() {}\n"));
    assert!(reason.contains("`src/lib.rs`"), "{reason}");
    assert!(reason.contains("is empty, but the file exists"), "{reason}");
}

#[test]
fn a_search_in_a_missing_file_is_rejected_saying_it_does_not_exist() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &block("src/gone.rs", "fn a() {\n", ""));
    assert!(
        reason.contains("file `src/gone.rs` does not exist"),
        "{reason}"
    );
}

#[test]
fn several_blocks_for_one_file_apply_in_order_and_give_one_change() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    // The second block matches only what the first one wrote.
    let answer = block("src/lib.rs", "    one();\n", "    uno();\n    two();\n")
        + &block("src/lib.rs", "    uno();\n    two();\n", "    dos();\n");
    let changes = apply(&root, &answer).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].before.as_deref(), Some(LIB));
    assert_eq!(
        changes[0].after.as_deref(),
        Some(&*LIB.replace("one", "dos"))
    );
}

#[test]
fn a_file_created_then_edited_in_one_answer_is_one_creation() {
    let root = root_with(&[]);
    let answer =
        block("src/a.rs", "", "fn a() {}\n") + &block("src/a.rs", "fn a() {}\n", "fn b() {}\n");
    let changes = apply(&root, &answer).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].before, None);
    assert_eq!(changes[0].after.as_deref(), Some("fn b() {}\n"));
}

#[test]
fn an_edit_that_changes_nothing_gives_no_change() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let answer = block("src/lib.rs", "    one();\n", "    uno();\n")
        + &block("src/lib.rs", "    uno();\n", "    one();\n");
    assert_eq!(apply(&root, &answer).unwrap(), []);
}

#[test]
fn an_absolute_path_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let inside = root.path().join("src/lib.rs");
    for path in [
        inside.to_str().unwrap(),
        "/etc/passwd",
        "C:/x.rs",
        "```rust /etc/passwd",
    ] {
        let reason = rejection(&root, &block(path, "    one();\n", ""));
        assert!(reason.contains("is absolute"), "{path}: {reason}");
    }
}

#[test]
fn a_path_with_a_parent_component_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    for path in [
        "../outside.rs",
        "src/../../outside.rs",
        "src/lib.rs/../../../x.rs",
    ] {
        let reason = rejection(&root, &block(path, "    one();\n", ""));
        assert!(reason.contains("`..`"), "{path}: {reason}");
        assert!(reason.contains(path), "{path}: {reason}");
    }
}

#[test]
fn a_parent_component_that_stays_inside_names_the_file_it_reaches() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let changes = apply(
        &root,
        &block("src/../src/./lib.rs", "    one();\n", "    uno();\n"),
    )
    .unwrap();
    assert_eq!(changes[0].path, "src/lib.rs");
}

#[test]
fn an_empty_path_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &block("``", "    one();\n", ""));
    assert!(reason.contains("empty file path"), "{reason}");
    let reason = rejection(&root, &block("./", "    one();\n", ""));
    assert!(reason.contains("names no file"), "{reason}");
}

#[test]
fn a_path_with_backslashes_or_control_characters_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    assert!(rejection(&root, &block("src\\lib.rs", "    one();\n", "")).contains("`/`"));
    let reason = rejection(&root, &block("src/l\u{1}ib.rs", "    one();\n", ""));
    assert!(reason.contains("control characters"), "{reason}");
}

#[cfg(unix)]
#[test]
fn a_path_through_a_symlinked_directory_is_rejected() {
    let outside = root_with(&[("secret.rs", "fn secret() {}\n")]);
    let root = root_with(&[("src/lib.rs", LIB)]);
    std::os::unix::fs::symlink(outside.path(), root.path().join("src/escape")).unwrap();
    let answer = block("src/escape/secret.rs", "fn secret() {}\n", "");
    let reason = rejection(&root, &answer);
    assert!(reason.contains("`src/escape/secret.rs`"), "{reason}");
    assert!(reason.contains("symlink `src/escape`"), "{reason}");
    // Creation through the link is refused as well.
    let reason = rejection(&root, &block("src/escape/new.rs", "", "fn x() {}\n"));
    assert!(reason.contains("symlink"), "{reason}");
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    std::os::unix::fs::symlink("lib.rs", root.path().join("src/alias.rs")).unwrap();
    let reason = rejection(&root, &block("src/alias.rs", "    one();\n", ""));
    assert!(
        reason.contains("goes through the symlink `src/alias.rs`"),
        "{reason}"
    );
}

#[test]
fn a_path_the_guardrails_deny_is_rejected_with_their_reason() {
    let root = root_with(&[("src/lib.rs", LIB), ("Cargo.toml", "[package]\n")]);
    let denied = |path: &str| (path == "Cargo.toml").then(|| "manifests are sensitive".to_owned());
    let rules = EditRules {
        root: root.path(),
        denied: &denied,
    };
    let answer = block("./Cargo.toml", "[package]\n", "[workspace]\n");
    let reason = apply_answer(&answer, &rules).unwrap_err().0;
    assert_eq!(
        reason,
        "edits to `Cargo.toml` are not allowed: manifests are sensitive"
    );
    let allowed = block("src/lib.rs", "    one();\n", "    uno();\n");
    assert_eq!(apply_answer(&allowed, &rules).unwrap().len(), 1);
}

#[test]
fn a_directory_is_not_an_editable_file() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &block("src", "fn a() {\n", ""));
    assert!(reason.contains("`src` is a directory"), "{reason}");
}

#[test]
fn a_file_that_is_not_utf8_is_rejected() {
    let root = root_with(&[]);
    fs::write(root.path().join("data.bin"), b"\xff\xfe\x00junk\n").unwrap();
    let reason = rejection(&root, &block("data.bin", "junk\n", "more\n"));
    assert!(reason.contains("`data.bin` is not UTF-8"), "{reason}");
}

#[test]
fn elision_markers_in_the_replacement_are_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    for marker in [
        "    // ...",
        "/* ... */",
        "...",
        "…",
        "    // rest of the code unchanged",
        "// Rest Of The Code Unchanged",
        "// existing code",
        "// ... existing code ...",
        "// ... rest unchanged",
        "    // (unchanged)",
        "// same as before",
        "// remaining methods",
        "// other fields omitted for brevity",
        "fn b() { ... }",
        "# ...",
    ] {
        let answer = block(
            "src/lib.rs",
            "fn b() {\n    two();\n}\n",
            &format!("{marker}\n"),
        );
        let reason = rejection(&root, &answer);
        assert!(reason.contains("elides code"), "{marker}: {reason}");
        assert!(reason.contains(marker.trim()), "{marker}: {reason}");
    }
}

#[test]
fn an_elision_marker_already_in_the_search_or_the_file_is_content() {
    let root = root_with(&[("src/lib.rs", "fn a() {\n    // ...\n}\n")]);
    let kept = block(
        "src/lib.rs",
        "fn a() {\n    // ...\n",
        "fn b() {\n    // ...\n",
    );
    assert_eq!(after(&root, &kept), "fn b() {\n    // ...\n}\n");
    // Moving the function's body elsewhere in the file is not eliding it either.
    let moved = block("src/lib.rs", "}\n", "}\n\nfn c() {\n    // ...\n}\n");
    assert!(apply(&root, &moved).is_ok());
}

#[test]
fn real_code_with_dots_and_comments_is_not_an_elision() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let code = "    for i in 0..n {}\n    let s = S { x: 1, ..Default::default() };\n    \
                    let Foo { a, .. } = foo;\n    println!(\"...\");\n    let r = ..=3;\n    \
                    // Existing entries win over new ones.\n    // Tests cover the rest of this \
                    in lib.rs.\n    /// Loads...\n    // Match arms\n";
    let answer = block("src/lib.rs", "    one();\n", code);
    assert!(after(&root, &answer).contains("Existing entries win"));
}

#[test]
fn an_answer_without_blocks_or_diffs_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    for answer in [
        "",
        "I could not find a good refactor here.",
        "```rust\nfn a() {}\n```\n",
    ] {
        let reason = rejection(&root, answer);
        assert!(
            reason.starts_with("the answer has no SEARCH/REPLACE block or unified diff"),
            "{reason}"
        );
    }
}

#[test]
fn garbage_and_binary_junk_are_rejected_without_panicking() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let junk: String = (0u8..=255).cycle().take(4096).map(char::from).collect();
    for answer in [
        junk.as_str(),
        "\u{0}\u{1}<<<<<<<\n=======\n>>>>>>>",
        "src/lib.rs\n<<<<<<< SEARCH",
        "@@ -1 +1 @@\n-a\n+b\n",
        "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ @@\n",
        "--- \n+++ \n@@ -1 +1 @@\n-x\n+y\n",
        "--- /dev/null\n+++ /dev/null\n",
        "\u{7f}\n<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE\n",
        "é\n<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE\n",
    ] {
        let reason = rejection(&root, answer);
        assert!(!reason.is_empty());
    }
}

#[test]
fn an_unterminated_block_is_rejected_naming_the_missing_line() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let no_divider = format!("src/lib.rs\n{SEARCH}\n    one();\n{REPLACE}\n");
    let reason = rejection(&root, &no_divider);
    assert!(
        reason.contains("`src/lib.rs`") && reason.contains("`=======`"),
        "{reason}"
    );
    let no_end = format!("src/lib.rs\n{SEARCH}\n    one();\n{DIVIDER}\n    uno();\n");
    assert!(rejection(&root, &no_end).contains("`>>>>>>> REPLACE`"));
    let next_block = format!("src/lib.rs\n{SEARCH}\n    one();\n{DIVIDER}\n{SEARCH}\n");
    assert!(rejection(&root, &next_block).contains("`>>>>>>> REPLACE`"));
}

#[test]
fn a_replace_marker_without_a_search_line_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let answer = block("src/lib.rs", "    one();\n", "    uno();\n")
        + "src/lib.rs\n<<<<<< SEARC\n    two();\n=======\n>>>>>>> REPLACE\n";
    let reason = rejection(&root, &answer);
    assert!(reason.contains("line 11 of the answer"), "{reason}");
}

#[test]
fn markers_with_a_miscounted_number_of_characters_still_count() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let answer = "src/lib.rs\n<<<<<< SEARCH\n    one();\n========\n    uno();\n>>>>>>>> REPLACE\n";
    assert_eq!(after(&root, answer), LIB.replace("one", "uno"));
}

const DIFF: &str = "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -5,3 +5,3 @@\n fn b() {\n-    two();\n+    dos();\n }\n";

#[test]
fn a_unified_diff_applies_at_its_stated_line() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    assert_eq!(after(&root, DIFF), LIB.replace("two", "dos"));
}

#[test]
fn a_unified_diff_applies_when_the_file_has_moved_under_it() {
    let shifted = format!("// header\n// more header\n\n{LIB}");
    let root = root_with(&[("src/lib.rs", &shifted)]);
    assert_eq!(after(&root, DIFF), shifted.replace("two", "dos"));
}

#[test]
fn a_hunk_whose_context_occurs_twice_goes_to_the_stated_line() {
    let text = "x();\ny();\nx();\ny();\nx();\ny();\n";
    let root = root_with(&[("a.rs", text)]);
    let diff = "--- a/a.rs\n+++ b/a.rs\n@@ -3,2 +3,2 @@\n x();\n-y();\n+z();\n";
    assert_eq!(after(&root, diff), "x();\ny();\nx();\nz();\nx();\ny();\n");
    // Without line numbers there is nothing to prefer.
    let reason = rejection(&root, &diff.replace("-3,2 +3,2", ""));
    assert!(reason.contains("occur 3 times"), "{reason}");
}

#[test]
fn several_hunks_apply_in_order_with_a_shared_offset() {
    let text = (1..=20)
        .map(|i| format!("line {i}\n"))
        .collect::<Vec<_>>()
        .concat();
    let root = root_with(&[("a.txt", &format!("extra\n{text}"))]);
    let diff =
        "--- a/a.txt\n+++ b/a.txt\n@@ -2,3 +2,3 @@\n line 2\n-line 3\n+line three\n line 4\n\
                    @@ -15,3 +15,4 @@\n line 15\n line 16\n+line 16.5\n line 17\n";
    let expected = format!("extra\n{text}")
        .replace("line 3\n", "line three\n")
        .replace("line 16\n", "line 16\nline 16.5\n");
    assert_eq!(after(&root, diff), expected);
}

#[test]
fn a_hunk_that_does_not_apply_is_rejected_naming_the_file_and_hunk() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &DIFF.replace("two", "three"));
    assert!(reason.contains("`src/lib.rs`"), "{reason}");
    assert!(reason.contains("`@@ -5,3 +5,3 @@`"), "{reason}");
    assert!(reason.contains("line 3 of the answer"), "{reason}");
}

#[test]
fn a_diff_tolerates_trailing_whitespace_git_headers_fences_and_prose() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let answer = format!(
            "Rename the call:\n\n```diff\ndiff --git a/src/lib.rs b/src/lib.rs\nindex 123..456 100644\n\
             {}```\n\nThis keeps behaviour.\n",
            DIFF.replace("-    two();", "-    two();  ")
        );
    assert_eq!(after(&root, &answer), LIB.replace("two", "dos"));
}

#[test]
fn a_diff_from_dev_null_creates_a_file() {
    let root = root_with(&[]);
    let diff = "--- /dev/null\n+++ b/src/new.rs\n@@ -0,0 +1,2 @@\n+fn new() {}\n+fn newer() {}\n";
    let changes = apply(&root, diff).unwrap();
    assert_eq!(
        changes,
        vec![FileChange {
            path: "src/new.rs".to_owned(),
            before: None,
            after: Some("fn new() {}\nfn newer() {}\n".to_owned()),
        }]
    );
}

#[test]
fn a_diff_creating_an_existing_file_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let diff = "--- /dev/null\n+++ b/src/lib.rs\n@@ -0,0 +1 @@\n+fn new() {}\n";
    assert!(rejection(&root, diff).contains("`src/lib.rs`, but it already exists"));
}

#[test]
fn a_diff_to_dev_null_deletes_a_file_only_when_it_removes_every_line() {
    let root = root_with(&[("src/old.rs", "fn old() {}\nfn older() {}\n")]);
    let diff = "--- a/src/old.rs\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-fn old() {}\n-fn older() {}\n";
    assert_eq!(changed(&root, diff), ("src/old.rs".to_owned(), None));
    let partial = "--- a/src/old.rs\n+++ /dev/null\n@@ -1 +0,0 @@\n-fn old() {}\n";
    assert!(rejection(&root, partial).contains("do not remove every line"));
}

#[test]
fn a_diff_honours_no_newline_at_end_of_file_markers() {
    let root = root_with(&[("a.txt", "a\nb\n")]);
    let diff =
        "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n";
    assert_eq!(after(&root, diff), "a\nc");
}

#[test]
fn elided_code_in_a_diff_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(
        &root,
        &DIFF.replace("+    dos();", "+    // ... rest unchanged"),
    );
    assert!(reason.contains("elides code"), "{reason}");
}

#[test]
fn a_diff_renaming_a_file_is_rejected() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &DIFF.replace("+++ b/src/lib.rs", "+++ b/src/new.rs"));
    assert!(
        reason.contains("renames `src/lib.rs` to `src/new.rs`"),
        "{reason}"
    );
}

#[test]
fn diff_paths_pass_the_same_checks_as_block_paths() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &DIFF.replace("src/lib.rs", "../lib.rs"));
    assert!(reason.contains("`..`"), "{reason}");
}

#[test]
fn blocks_and_diffs_in_one_answer_apply_in_order() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let answer = block("src/lib.rs", "    one();\n", "    uno();\n") + "\n" + DIFF;
    assert_eq!(
        after(&root, &answer),
        LIB.replace("one", "uno").replace("two", "dos")
    );
}

#[test]
fn a_path_through_a_file_is_refused_as_not_a_folder() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let reason = rejection(&root, &block("src/lib.rs/child.rs", "", "fn c() {}\n"));
    assert!(
        reason.contains("cannot inspect `src/lib.rs/child.rs`"),
        "{reason}"
    );
}

#[test]
fn a_new_file_in_new_folders_is_created() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    let changes = apply(&root, &block("src/new/deeper/mod.rs", "", "fn c() {}\n")).unwrap();
    assert_eq!(changes[0].path, "src/new/deeper/mod.rs");
    assert_eq!(changes[0].before, None);
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_read_is_refused_not_taken_for_missing() {
    let root = root_with(&[("src/lib.rs", LIB)]);
    // A socket exists but cannot be read as a file.
    let _socket = std::os::unix::net::UnixListener::bind(root.path().join("src/sock.rs")).unwrap();
    let reason = rejection(&root, &block("src/sock.rs", "", "fn c() {}\n"));
    assert!(reason.contains("cannot read `src/sock.rs`"), "{reason}");
}
