//! `cargo loop run --watch`: between runs, waits until the sources change (Rust files and
//! manifests, debounced, with the `notify` crate) and the tree is clean again (or `--allow-dirty`
//! says it need not be), so a new run never fights the person editing. A save made while a run
//! worked counts as soon as it ends. Ctrl-C ends the wait.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use notify_debouncer_mini::notify::RecursiveMode;

use crate::console::Console;

/// How long the sources must be quiet before a change counts: an editor's save of several
/// files, or a `git checkout`, is one change.
const QUIET: Duration = Duration::from_millis(500);

/// How often a change held back by an unclean tree checks the tree again: a commit touches
/// no source, so no event says it happened.
const RECHECK: Duration = Duration::from_secs(1);

/// A source file as far as a change goes: its size and modification time; `None` when gone.
type Stamp = Option<(u64, SystemTime)>;

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// The stamps of the sources under `root`, outside `ignored`: what the wait compares events
/// with, so that a file only read (an editor, `git diff`, `cat`) is no change.
fn stamps(root: &Path, ignored: &[PathBuf]) -> HashMap<PathBuf, Stamp> {
    (walkdir::WalkDir::new(root).into_iter())
        .filter_entry(|e| {
            !ignored.iter().any(|i| e.path().starts_with(i)) && e.file_name() != ".git"
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_source(e.path()))
        .map(|e| (e.path().to_path_buf(), stamp(e.path())))
        .collect()
}

/// The sources of a workspace as a run found them when it started.
#[derive(Debug, Clone)]
pub struct Sources(HashMap<PathBuf, Stamp>);

impl Sources {
    pub fn take(root: &Path, ignored: &[PathBuf]) -> Sources {
        Sources(stamps(root, ignored))
    }

    /// The sources edited, added or removed between these and `now`, but `ours` (what the
    /// run itself kept).
    fn edited(&self, now: &HashMap<PathBuf, Stamp>, ours: &[PathBuf]) -> Vec<PathBuf> {
        let mut edited: Vec<PathBuf> = (now.iter())
            .filter(|(path, stamp)| self.0.get(*path) != Some(stamp))
            .map(|(path, _)| path.clone())
            .chain(
                self.0
                    .keys()
                    .filter(|path| !now.contains_key(*path))
                    .cloned(),
            )
            .filter(|path| !ours.contains(path))
            .collect();
        edited.sort();
        edited
    }
}

/// Waits for a change to the sources under `root` (never under `ignored`) after which the
/// tree is clean, or `allow_dirty`; with `since` (the sources when the run began, and the
/// files it kept), a change made while it worked counts at once.
/// Returns the changed files. Interrupted, the error is [`crate::process::Interrupted`].
pub fn next_change(
    root: &Path,
    ignored: &[PathBuf],
    allow_dirty: bool,
    since: Option<(&Sources, &[PathBuf])>,
    console: &Console,
) -> anyhow::Result<Vec<PathBuf>> {
    let (tx, rx) = mpsc::channel();
    let mut debouncer =
        notify_debouncer_mini::new_debouncer(QUIET, tx).context("watch the sources")?;
    debouncer
        .watcher()
        .watch(root, RecursiveMode::Recursive)
        .with_context(|| format!("watch {}", root.display()))?;
    let before = stamps(root, ignored);
    console.status(
        "Watching",
        &format!("{} for changes (Ctrl-C stops)", root.display()),
    );
    // Taken once the watcher is on: a save before it is in these, one after it is an event.
    let mut changed = since.map_or_else(Vec::new, |(began, ours)| began.edited(&before, ours));
    let mut waiting: Option<(Instant, Vec<String>)> = None;
    loop {
        if crate::process::interrupted() {
            return Err(crate::process::Interrupted.into());
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(events)) => {
                let edited = |path: &PathBuf| {
                    is_source(path)
                        && !ignored.iter().any(|i| path.starts_with(i))
                        && before.get(path).copied().flatten() != stamp(path)
                };
                changed.extend(events.into_iter().map(|e| e.path).filter(edited));
            }
            Ok(Err(err)) => return Err(err).context("watch the sources"),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => anyhow::bail!("the file watcher stopped"),
        }
        let checked = waiting
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() < RECHECK);
        if changed.is_empty() || checked {
            continue;
        }
        match crate::refactor::git::dirty_files(root, ignored) {
            Some(dirty) if !dirty.is_empty() && !allow_dirty => {
                if waiting.as_ref().is_none_or(|(_, said)| *said != dirty) {
                    let what = format!("{} uncommitted: {}", dirty.len(), dirty.join(", "));
                    let message = format!("for a clean tree before the next run ({what})");
                    console.status("Waiting", &message);
                }
                waiting = Some((Instant::now(), dirty));
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
