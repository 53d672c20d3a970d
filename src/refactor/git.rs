//! The little of git that keeping needs: is the tree dirty, and one commit per kept refactor.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

/// Files git reports as modified or untracked under `root`, but for those under `ours` (the
/// loop's own output: a target dir nobody ignored yet is not the user's change); `None`
/// outside a git repository.
pub fn dirty_files(root: &Path, ours: &[PathBuf]) -> Option<Vec<String>> {
    let output = Command::new("git")
        .args([
            "status",
            "--porcelain",
            "--untracked-files=normal",
            "--",
            ".",
        ])
        .current_dir(root)
        .output();
    let Ok(output) = output else {
        // No git on the machine: nothing can be dirty in git's sense.
        return None;
    };
    if !output.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| l.get(3..).unwrap_or(l).to_string())
            .filter(|file| !ours.iter().any(|our| root.join(file).starts_with(our)))
            .collect(),
    )
}

/// Which of `paths` (relative to `root`) hold changes git has not committed: staged,
/// unstaged or untracked, as git names them.
pub fn uncommitted(root: &Path, paths: &[String]) -> anyhow::Result<Vec<String>> {
    let status = on_paths(
        root,
        &["status", "--porcelain", "--untracked-files=normal"],
        paths,
    )?;
    Ok(status
        .lines()
        .map(|l| l.get(3..).unwrap_or(l).to_string())
        .collect())
}

/// Commits exactly `paths` (relative to `root`) with `message`.
pub fn commit(root: &Path, paths: &[String], message: &str) -> anyhow::Result<()> {
    on_paths(root, &["add", "--all"], paths)?;
    on_paths(root, &["commit", "--quiet", "-m", message], paths).map(drop)
}

/// Runs `git ARGS -- PATHS` in `root`: what it printed, or an error with what git said.
fn on_paths(root: &Path, args: &[&str], paths: &[String]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .args(args)
        .arg("--")
        .args(paths)
        .current_dir(root)
        .output()
        .context("run git")?;
    if !output.status.success() {
        bail!(
            "git {} failed: {}",
            args[0],
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
