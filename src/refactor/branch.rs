//! `--branch-per-refactor`: every kept refactor as its own commit on its own local branch,
//! `loop/<finding>-<summary>`, off the commit the run started from. The commits are made with
//! git's plumbing in a private index, so the working tree, the index and HEAD stay untouched and
//! a person reviews and merges the branches one by one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

use crate::refactor::change::FileChange;

/// Where the branches start and how paths of the workspace are named in the repository.
pub struct Branches {
    root: PathBuf,
    /// The commit the run started from.
    start: String,
    /// The workspace root's path inside the repository (`""` or `crates/x/`).
    prefix: String,
}

impl Branches {
    /// Reads HEAD of the repository `root` is in; an error outside one or before a first commit.
    pub fn open(root: &Path) -> anyhow::Result<Branches> {
        let start = git(
            root,
            &["rev-parse", "--verify", "HEAD^{commit}"],
            None,
            None,
        )
        .context("--branch-per-refactor needs a git repository with a commit to start from")?;
        let prefix = git(root, &["rev-parse", "--show-prefix"], None, None)?;
        Ok(Branches {
            root: root.to_path_buf(),
            start,
            prefix,
        })
    }

    /// Commits `changes` on top of the start in a new branch named after `finding` and
    /// `summary`; returns the branch.
    pub fn commit(
        &self,
        finding: &str,
        summary: &str,
        changes: &[FileChange],
        message: &str,
    ) -> anyhow::Result<String> {
        let index = tempfile::NamedTempFile::new().context("create a private git index")?;
        let index = index.path();
        git(&self.root, &["read-tree", &self.start], Some(index), None)?;
        for change in changes {
            let path = format!("{}{}", self.prefix, change.path);
            match &change.after {
                Some(text) => {
                    let blob = git(
                        &self.root,
                        &["hash-object", "-w", "--stdin"],
                        None,
                        Some(text.as_bytes()),
                    )?;
                    let info = format!("100644,{blob},{path}");
                    git(
                        &self.root,
                        &["update-index", "--add", "--cacheinfo", &info],
                        Some(index),
                        None,
                    )?;
                }
                None => {
                    git(
                        &self.root,
                        &["update-index", "--force-remove", "--", &path],
                        Some(index),
                        None,
                    )?;
                }
            }
        }
        let tree = git(&self.root, &["write-tree"], Some(index), None)?;
        let commit = git(
            &self.root,
            &["commit-tree", &tree, "-p", &self.start, "-m", message],
            None,
            None,
        )?;
        let base = format!("loop/{}-{}", slug(finding), slug(summary));
        let mut name = base.clone();
        for n in 2.. {
            let exists = git(
                &self.root,
                &[
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    &format!("refs/heads/{name}"),
                ],
                None,
                None,
            )
            .is_ok();
            if !exists {
                break;
            }
            name = format!("{base}-{n}");
        }
        git(&self.root, &["branch", &name, &commit], None, None)?;
        Ok(name)
    }
}

/// The local `loop/` branches, with their commits' subjects, for `cargo loop review`.
pub fn list(root: &Path) -> Vec<(String, String)> {
    let Ok(out) = git(
        root,
        &[
            "for-each-ref",
            "--format=%(refname:short)%09%(subject)",
            "refs/heads/loop/",
        ],
        None,
        None,
    ) else {
        return Vec::new();
    };
    out.lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(branch, subject)| (branch.to_owned(), subject.to_owned()))
        .collect()
}

/// Lower-case words joined by dashes, at most 40 characters: a branch name's part.
fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut out = String::new();
    for word in words {
        if out.len() + word.len() + 1 > 40 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
    }
    if out.is_empty() {
        "refactor".to_owned()
    } else {
        out
    }
}

/// Runs git in `root` (with a private index, and `input` on stdin); its trimmed stdout.
fn git(
    root: &Path,
    args: &[&str],
    index: Option<&Path>,
    input: Option<&[u8]>,
) -> anyhow::Result<String> {
    let mut command = Command::new("git");
    command
        .args(args)
        .current_dir(root)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("GIT_AUTHOR_NAME", "cargo loop")
        .env("GIT_AUTHOR_EMAIL", "cargo-loop@localhost")
        .env("GIT_COMMITTER_NAME", "cargo loop")
        .env("GIT_COMMITTER_EMAIL", "cargo-loop@localhost");
    if let Some(index) = index {
        command.env("GIT_INDEX_FILE", index);
    }
    let mut child = command.spawn().context("run git")?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input).context("write to git")?;
    }
    let output = child.wait_with_output().context("run git")?;
    if !output.status.success() {
        bail!(
            "git {} failed: {}",
            args[0],
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod test {
    use super::*;

    fn sh(dir: &Path, args: &[&str]) -> String {
        git(dir, args, None, None).unwrap()
    }

    #[test]
    fn a_refactor_lands_on_its_own_branch_and_nothing_else_moves() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        sh(root, &["init", "--quiet"]);
        std::fs::create_dir(root.join("src")).unwrap();
        std::fs::write(root.join("src/a.rs"), "fn a() {}\n").unwrap();
        std::fs::write(root.join("src/b.rs"), "fn b() {}\n").unwrap();
        sh(root, &["add", "."]);
        sh(
            root,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "--quiet",
                "-m",
                "start",
            ],
        );
        let head = sh(root, &["rev-parse", "HEAD"]);
        let branches = Branches::open(root).unwrap();
        let changes = [
            FileChange::new("src/a.rs", Some("fn a() {}\n"), Some("fn a() { b() }\n")),
            FileChange::new("src/b.rs", Some("fn b() {}\n"), None),
        ];
        let name = branches
            .commit("D1", "Merge `b` into a!", &changes, "cargo loop: merge")
            .unwrap();
        assert_eq!(name, "loop/d1-merge-b-into-a");
        assert_eq!(
            sh(root, &["show", &format!("{name}:src/a.rs")]),
            "fn a() { b() }"
        );
        assert!(git(root, &["show", &format!("{name}:src/b.rs")], None, None).is_err());
        // HEAD, the index and the working tree are as they were.
        assert_eq!(sh(root, &["rev-parse", "HEAD"]), head);
        assert_eq!(sh(root, &["status", "--porcelain"]), "");
        assert_eq!(
            std::fs::read_to_string(root.join("src/a.rs")).unwrap(),
            "fn a() {}\n"
        );
        let again = branches
            .commit("D1", "Merge `b` into a!", &changes, "again")
            .unwrap();
        assert_eq!(again, "loop/d1-merge-b-into-a-2");
        assert_eq!(list(root).len(), 2);
        assert_eq!(list(root)[0].1, "cargo loop: merge");
    }
}
