//! rustfmt over what the built-in agent wrote, in files that were rustfmt-clean before: then
//! only what the edit wrote changes, laid out as `cargo fmt` would lay it out (clippy's
//! suggestions, for one, leave the lines they join indented as they were). A file that was
//! not clean, or that rustfmt cannot format, keeps the edit as it was written: reformatting
//! code nobody asked to touch would bury the refactor in noise.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::refactor::change::FileChange;

/// How long rustfmt may take over one file.
const RUSTFMT_TIMEOUT: Duration = Duration::from_secs(20);

/// `changes`, each formatted where its file was rustfmt-clean before.
pub(super) fn tidy(root: &Path, changes: Vec<FileChange>) -> Vec<FileChange> {
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
    let mut command = Command::new("rustfmt");
    command
        .args(["--edition", edition, "--quiet"])
        .current_dir(dir);
    piped(command, text, RUSTFMT_TIMEOUT)
}

/// What `command` prints for `text` on its input, if it succeeds within `timeout`; one that
/// hangs is killed and costs the layout, never the candidate.
fn piped(mut command: Command, text: &str, timeout: Duration) -> Option<String> {
    let mut child = (command.stdin(Stdio::piped()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let mut stdout = child.stdout.take()?;
    let input = text.to_owned();
    // Written and read from other threads: a big file would fill the pipe both ways.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).map(|_| out)
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait().ok()? {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    writer.join().ok()?.ok()?;
    let formatted = reader.join().ok()?.ok()?;
    status.success().then_some(formatted)
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
        let mut command = Command::new("sleep");
        command.arg("30");
        let start = Instant::now();
        let out = piped(command, "fn f() {}\n", Duration::from_millis(200));
        assert_eq!(out, None);
        assert!(start.elapsed() < Duration::from_secs(10));
        let cat = piped(Command::new("cat"), "fn f() {}\n", RUSTFMT_TIMEOUT);
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
