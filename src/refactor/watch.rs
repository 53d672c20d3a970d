//! `cargo loop run --watch`: between runs, waits until the sources change (Rust files and
//! manifests, debounced, with the `notify` crate) and the tree is clean again (or `--allow-dirty`
//! says it need not be), so a new run never fights the person editing. Ctrl-C ends the wait.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use notify_debouncer_mini::notify::RecursiveMode;

use crate::console::Console;

/// How long the sources must be quiet before a change counts: an editor's save of several
/// files, or a `git checkout`, is one change.
const QUIET: Duration = Duration::from_millis(500);

/// Waits for a change to the sources under `root` (never under `ignored`) after which the
/// tree is clean, or `allow_dirty`; returns the changed files. Interrupted, the error is
/// [`crate::process::Interrupted`].
pub fn next_change(
    root: &Path,
    ignored: &[PathBuf],
    allow_dirty: bool,
    console: &Console,
) -> anyhow::Result<Vec<PathBuf>> {
    let (tx, rx) = mpsc::channel();
    let mut debouncer =
        notify_debouncer_mini::new_debouncer(QUIET, tx).context("watch the sources")?;
    debouncer
        .watcher()
        .watch(root, RecursiveMode::Recursive)
        .with_context(|| format!("watch {}", root.display()))?;
    console.status(
        "Watching",
        &format!("{} for changes (Ctrl-C stops)", root.display()),
    );
    let mut changed: Vec<PathBuf> = Vec::new();
    loop {
        if crate::process::interrupted() {
            return Err(crate::process::Interrupted.into());
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(events)) => changed.extend(
                events
                    .into_iter()
                    .map(|event| event.path)
                    .filter(|path| is_source(path) && !ignored.iter().any(|i| path.starts_with(i))),
            ),
            Ok(Err(err)) => return Err(err).context("watch the sources"),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => anyhow::bail!("the file watcher stopped"),
        }
        if changed.is_empty() {
            continue;
        }
        match crate::refactor::git::dirty_files(root, ignored) {
            Some(dirty) if !dirty.is_empty() && !allow_dirty => {
                console.status(
                    "Waiting",
                    &format!(
                        "for a clean tree before the next run ({} uncommitted: {})",
                        dirty.len(),
                        dirty.join(", ")
                    ),
                );
                changed.clear();
            }
            _ => {
                changed.sort();
                changed.dedup();
                return Ok(changed);
            }
        }
    }
}

/// Rust sources and the manifests and configuration that change what is analysed.
fn is_source(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    path.extension().is_some_and(|ext| ext == "rs")
        || matches!(name, "Cargo.toml" | "Cargo.lock" | "loop.toml")
}

#[cfg(test)]
mod test {
    use super::is_source;
    use std::path::Path;

    #[test]
    fn only_sources_and_manifests_wake_the_loop() {
        assert!(is_source(Path::new("/w/src/lib.rs")));
        assert!(is_source(Path::new("/w/crates/a/Cargo.toml")));
        assert!(!is_source(Path::new("/w/README.md")));
        assert!(!is_source(Path::new("/w/src/.lib.rs.swp")));
    }
}
