//! `cargo loop run --commit --branch NAME`: the loop works in a git worktree of its own, on
//! branch NAME, so it never fights the person editing the checkout. The worktree lives in the
//! checkout's `target/loop/worktrees/NAME` (cargo clean removes it, git ignores it with
//! `target/`), starts from HEAD, and before every run is rebased onto the checkout's HEAD so
//! that it follows what the person commits. Kept refactors are commits on NAME; the checkout,
//! its index and its HEAD are never written.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::cli::{CommonArgs, RunArgs};
use crate::console::Console;

/// The loop's own worktree, on its own branch, of the repository the user works in.
pub struct Worktree {
    /// The user's checkout: its HEAD is what the branch follows.
    checkout: PathBuf,
    /// Where the loop works.
    pub path: PathBuf,
    branch: String,
}

impl Worktree {
    /// The worktree of `branch` for the repository `dir` is in: reused when it exists, else
    /// added (the branch made at HEAD when it does not exist yet).
    pub fn open(dir: &Path, branch: &str) -> anyhow::Result<Worktree> {
        check_branch_name(branch)?;
        let checkout = PathBuf::from(
            git(dir, &["rev-parse", "--show-toplevel"])
                .context("--branch needs a git repository")?,
        );
        let checkout = checkout.canonicalize().unwrap_or(checkout);
        git(&checkout, &["rev-parse", "--verify", "HEAD^{commit}"])
            .context("--branch needs a commit to start the branch from")?;
        // In the checkout's own folder, never a shared CARGO_TARGET_DIR: the worktrees of two
        // repositories with a branch of the same name would collide there.
        let path = (checkout.join("target/loop/worktrees")).join(branch.replace('/', "-"));
        let worktree = Worktree {
            checkout,
            path,
            branch: branch.to_string(),
        };
        if !worktree.path.join(".git").exists() {
            worktree.add()?;
        }
        Ok(worktree)
    }

    fn add(&self) -> anyhow::Result<()> {
        let path = self.path.to_string_lossy().into_owned();
        // A worktree folder removed by hand is still registered until pruned.
        git(&self.checkout, &["worktree", "prune"])?;
        let exists = git(
            &self.checkout,
            &["rev-parse", "--verify", "--quiet", &self.branch_ref()],
        )
        .is_ok();
        if exists {
            git(&self.checkout, &["worktree", "add", &path, &self.branch])
        } else {
            git(
                &self.checkout,
                &["worktree", "add", "-b", &self.branch, &path, "HEAD"],
            )
        }
        .map(drop)
        .with_context(|| format!("add a worktree for branch `{}`", self.branch))
    }

    fn branch_ref(&self) -> String {
        format!("refs/heads/{}", self.branch)
    }

    /// Brings the branch onto the checkout's HEAD: nothing to do when it already contains it,
    /// else its own commits are rebased on top. A rebase that conflicts is undone and is an
    /// error, as is a worktree with changes nobody committed (a run killed before its commit).
    pub fn follow_head(&self, console: &Console) -> anyhow::Result<()> {
        if let Some(dirty) = crate::refactor::git::dirty_files(&self.path, &[]) {
            if !dirty.is_empty() {
                bail!(
                    "the loop's worktree {} has uncommitted changes ({}): commit or discard them there",
                    self.path.display(),
                    dirty.join(", ")
                );
            }
        }
        let head = git(&self.checkout, &["rev-parse", "HEAD"])?;
        if git(&self.path, &["merge-base", "--is-ancestor", &head, "HEAD"]).is_ok() {
            return Ok(());
        }
        console.status(
            "Rebasing",
            &format!("branch `{}` onto HEAD {}", self.branch, &head[..12]),
        );
        if let Err(err) = git(&self.path, &["rebase", "--quiet", &head]) {
            let _ = git(&self.path, &["rebase", "--abort"]);
            bail!(
                "branch `{}` no longer applies on HEAD: merge or delete it ({err:#})",
                self.branch
            );
        }
        Ok(())
    }

    /// `path` of the checkout as the same path in the worktree; relative paths and paths
    /// outside the checkout unchanged.
    pub fn relocate(&self, path: &Path) -> PathBuf {
        let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        match real.strip_prefix(&self.checkout) {
            Ok(rest) if path.is_absolute() => self.path.join(rest),
            _ => path.to_path_buf(),
        }
    }

    /// Moves the process into the worktree (the folder matching the current one), so that the
    /// run's relative paths name the worktree's files, and returns the command line's
    /// absolute paths relocated the same way.
    pub fn enter(
        &self,
        common: &CommonArgs,
        args: &RunArgs,
    ) -> anyhow::Result<(CommonArgs, RunArgs)> {
        let here = std::env::current_dir().context("read the current folder")?;
        std::env::set_current_dir(self.relocate(&here))
            .with_context(|| format!("enter the worktree {}", self.path.display()))?;
        let mut common = common.clone();
        common.manifest_path = common.manifest_path.map(|p| self.relocate(&p));
        let mut args = args.clone();
        for path in &mut args.fix.analysis.paths {
            *path = self.relocate(path);
        }
        Ok((common, args))
    }

    /// The user's checkout, whose commits the branch follows.
    pub fn checkout(&self) -> &Path {
        &self.checkout
    }
}

/// Refuses names git would refuse, before anything is created.
fn check_branch_name(branch: &str) -> anyhow::Result<()> {
    let ok = Command::new("git")
        .args(["check-ref-format", "--branch", branch])
        .output()
        .is_ok_and(|out| out.status.success());
    if !ok {
        bail!(crate::error::UsageError(format!(
            "--branch `{branch}` is not a valid git branch name"
        )));
    }
    Ok(())
}

/// Runs git in `dir`; its trimmed stdout, or an error with its stderr. Commits made by a
/// rebase carry the loop's name when the machine has no git identity.
fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let mut command = Command::new("git");
    command.args(args).current_dir(dir);
    for (key, value) in [
        ("GIT_COMMITTER_NAME", "cargo loop"),
        ("GIT_COMMITTER_EMAIL", "cargo-loop@localhost"),
    ] {
        if std::env::var_os(key).is_none() {
            command.env(key, value);
        }
    }
    let output = command.output().context("run git")?;
    if !output.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

#[cfg(test)]
mod test {
    use super::*;

    /// Runs git in `dir` as a person with an identity would.
    fn person(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    }

    fn repo() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(".gitignore"), "target/\n").unwrap();
        person(tmp.path(), &["init", "-q"]);
        commit_in(tmp.path(), "a.rs", "fn a() {}\n");
        tmp
    }

    fn commit_in(dir: &Path, file: &str, text: &str) {
        std::fs::write(dir.join(file), text).unwrap();
        person(dir, &["add", "."]);
        person(dir, &["commit", "-qm", file]);
    }

    #[test]
    fn the_branch_follows_head_and_keeps_its_own_commits() {
        let repo = repo();
        let console = Console::new(&crate::cli::CommonArgs {
            quiet: true,
            ..Default::default()
        });
        let tree = Worktree::open(repo.path(), "loop/cleanup").unwrap();
        assert!(tree
            .path
            .starts_with(repo.path().join("target/loop/worktrees")));
        assert!(tree.path.join("a.rs").exists());
        commit_in(&tree.path, "b.rs", "fn b() {}\n");
        // The person commits in the checkout: the branch is rebased onto it.
        commit_in(repo.path(), "c.rs", "fn c() {}\n");
        let reopened = Worktree::open(repo.path(), "loop/cleanup").unwrap();
        reopened.follow_head(&console).unwrap();
        assert!(reopened.path.join("b.rs").exists() && reopened.path.join("c.rs").exists());
        // The checkout never sees the branch's commit.
        assert!(!repo.path().join("b.rs").exists());
        assert_eq!(
            reopened.relocate(&repo.path().join("src/lib.rs")),
            reopened.path.join("src/lib.rs")
        );
    }

    #[test]
    fn a_conflicting_branch_is_left_as_it_was_and_named_in_the_error() {
        let repo = repo();
        let console = Console::new(&crate::cli::CommonArgs {
            quiet: true,
            ..Default::default()
        });
        let tree = Worktree::open(repo.path(), "cleanup").unwrap();
        commit_in(&tree.path, "a.rs", "fn a() { 1; }\n");
        commit_in(repo.path(), "a.rs", "fn a() { 2; }\n");
        let err = tree.follow_head(&console).unwrap_err();
        assert!(
            format!("{err:#}").contains("`cleanup` no longer applies"),
            "{err:#}"
        );
        assert_eq!(
            std::fs::read_to_string(tree.path.join("a.rs")).unwrap(),
            "fn a() { 1; }\n"
        );
        assert!(Worktree::open(repo.path(), "bad..name").is_err());
    }
}
