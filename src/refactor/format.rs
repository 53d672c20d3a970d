//! rustfmt over what the built-in agent or the compiler's own fixes wrote, in files that were
//! rustfmt-clean before: then only what the edit wrote changes, laid out as `cargo fmt` would
//! lay it out (clippy's suggestions, for one, leave the lines they join indented as they
//! were; removing an unused import leaves its blank line), so a kept refactor never breaks a
//! `cargo fmt --check` the tree passed. A file that was
//! not clean, or that rustfmt cannot format, keeps the edit as it was written: reformatting
//! code nobody asked to touch would bury the refactor in noise.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use crate::process::Job;
use crate::refactor::change::FileChange;

/// How long rustfmt may take over one file.
const RUSTFMT_TIMEOUT: Duration = Duration::from_secs(20);

/// `changes`, each formatted where its file was rustfmt-clean before.
pub fn tidy(root: &Path, changes: Vec<FileChange>) -> Vec<FileChange> {
    changes
        .into_iter()
        .map(|change| {
            let (Some(before), Some(after)) = (&change.before, &change.after) else {
                return change;
            };
            if !change.is_rust() {
                return change;
            }
            let file = root.join(&change.path);
            let dir = file.parent().unwrap_or(root);
            let edition = edition_of(root, dir);
            let clean = rustfmt(before, &edition, dir).is_some_and(|f| f == *before);
            match rustfmt(after, &edition, dir).filter(|_| clean) {
                Some(formatted) if formatted != *after => {
                    FileChange::new(&change.path, Some(before), Some(&formatted))
                }
                _ => change,
            }
        })
        .collect()
}

/// `text` as rustfmt formats it for `edition` with the configuration `dir` sees, or `None`
/// when rustfmt is missing or fails (a syntax it does not know, say).
fn rustfmt(text: &str, edition: &str, dir: &Path) -> Option<String> {
    let argv = ["rustfmt", "--edition", edition, "--quiet"];
    piped(&argv, text, dir, RUSTFMT_TIMEOUT)
}

/// What `argv` prints for `text` on its input, run in `dir` as every child is
/// ([`crate::process::run`]: stopped with its process group at `timeout` or Ctrl-C), if it
/// succeeds: a formatter that fails or hangs costs the layout, never the candidate.
fn piped(argv: &[&str], text: &str, dir: &Path, timeout: Duration) -> Option<String> {
    let scratch = tempfile::tempdir().ok()?;
    let input = scratch.path().join("input.rs");
    std::fs::write(&input, text).ok()?;
    let argv = argv.iter().map(OsString::from).collect();
    let mut job = Job::new(argv, dir, &scratch.path().join("format"), timeout);
    job.stdin = Some(input);
    let finished = crate::process::run(&job).ok()?;
    finished
        .exit
        .success()
        .then(|| std::fs::read_to_string(&job.stdout).ok())?
}

/// The edition of the package whose manifest is nearest above `dir` (inside `root`), as
/// cargo reads it: its own, the workspace's when inherited, 2015 when unset.
fn edition_of(root: &Path, dir: &Path) -> String {
    let read =
        |path: &Path| -> Option<toml::Table> { std::fs::read_to_string(path).ok()?.parse().ok() };
    let manifest = dir
        .ancestors()
        .take_while(|d| d.starts_with(root))
        .map(|d| d.join("Cargo.toml"))
        .find(|m| m.is_file())
        .and_then(|m| read(&m));
    let inherited = || {
        let workspace = read(&root.join("Cargo.toml"))?;
        let edition = workspace.get("workspace")?.get("package")?.get("edition")?;
        edition.as_str().map(str::to_owned)
    };
    let package = manifest.as_ref().and_then(|m| m.get("package"));
    match package.and_then(|p| p.get("edition")) {
        Some(toml::Value::String(edition)) => edition.clone(),
        // `edition.workspace = true`
        Some(_) => inherited().unwrap_or_else(|| "2015".to_owned()),
        None => "2015".to_owned(),
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use std::time::Instant;

    fn change(before: &str, after: &str) -> Vec<FileChange> {
        vec![FileChange::new("src/lib.rs", Some(before), Some(after))]
    }

    #[test]
    fn only_a_file_rustfmt_left_clean_is_laid_out_again() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("src")).unwrap();
        std::fs::write(
            tmp.path().join("Cargo.toml"),
            "[package]\nname = \"x\"\nedition = \"2021\"\n",
        )
        .unwrap();
        let clean = "fn f(a: bool, b: bool) -> u8 {\n    if a {\n        if b {\n            \
                     return 1;\n        }\n    }\n    0\n}\n";
        let collapse = |text: &str| {
            (text.replace("if a {\n        if b {", "if a\n        && b {"))
                .replace("        }\n    }\n", "        }\n")
        };
        let tidied = tidy(tmp.path(), change(clean, &collapse(clean)));
        let after = tidied[0].after.as_deref().unwrap();
        let expected = "    if a && b {\n        return 1;\n    }\n    0\n}\n";
        assert!(after.ends_with(expected), "{after}");
        // Not clean before: the edit stays as written.
        let unclean = clean.replace("fn f(a: bool", "fn  f(a: bool");
        let edited = collapse(&unclean);
        let tidied = tidy(tmp.path(), change(&unclean, &edited));
        assert_eq!(tidied[0].after.as_deref(), Some(edited.as_str()));
    }

    #[test]
    fn a_formatter_that_hangs_is_stopped_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let out = piped(
            &["sleep", "30"],
            "fn f() {}\n",
            dir.path(),
            Duration::from_millis(200),
        );
        assert_eq!(out, None);
        assert!(start.elapsed() < Duration::from_secs(10));
        let cat = piped(&["cat"], "fn f() {}\n", dir.path(), RUSTFMT_TIMEOUT);
        assert_eq!(cat.as_deref(), Some("fn f() {}\n"));
    }

    #[test]
    fn the_edition_is_the_packages_or_the_workspaces() {
        let tmp = tempfile::tempdir().unwrap();
        let member = tmp.path().join("crates/a/src");
        std::fs::create_dir_all(&member).unwrap();
        std::fs::write(
            tmp.path().join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/a\"]\n[workspace.package]\nedition = \"2024\"\n",
        )
        .unwrap();
        let manifest = tmp.path().join("crates/a/Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"a\"\nedition.workspace = true\n",
        )
        .unwrap();
        assert_eq!(edition_of(tmp.path(), &member), "2024");
        std::fs::write(&manifest, "[package]\nname = \"a\"\nedition = \"2018\"\n").unwrap();
        assert_eq!(edition_of(tmp.path(), &member), "2018");
        std::fs::write(&manifest, "[package]\nname = \"a\"\n").unwrap();
        assert_eq!(edition_of(tmp.path(), &member), "2015");
    }
}
