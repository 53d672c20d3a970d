//! Shared by the CLI test binaries: the fixtures, copies of them, and `cargo-loop` run with an
//! environment that cannot leak into the results.

#![allow(dead_code)] // Each test binary uses its own share of these.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test-fixtures")
        .join(name)
}

/// Copies a fixture, without its build output, to a temporary folder, so tests may edit it and
/// write under its target/.
pub fn copy_of_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture(name);
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_entry(|e| e.file_name() != "target")
    {
        let entry = entry.unwrap();
        let dest = tmp.path().join(entry.path().strip_prefix(&src).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    tmp
}

/// `cargo-loop loop` in `dir`, without the variables that would change where it writes, how
/// it colours, what cargo builds, or which keys it sees.
pub fn cargo_loop(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("cargo-loop"));
    cmd.current_dir(dir).arg("loop");
    for var in [
        "CARGO_TARGET_DIR",
        "CARGO_TERM_COLOR",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// A copy of `fix-crate` in a temporary folder; the scratch copy goes under its target/.
pub fn copy_of_fix_crate() -> tempfile::TempDir {
    copy_of_fixture("fix-crate")
}

pub fn agent(mode: &str) -> String {
    format!(
        "cmd:sh {} {mode}",
        fixture("agents").join("agent.sh").display()
    )
}

pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    cargo_loop(dir)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}
/// `cargo loop fix --allow-dirty --agent AGENT EXTRA...`.
pub fn fix(dir: &Path, agent: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "fix",
        "--allow-dirty",
        "--allow-no-vcs",
        "--agent",
        agent,
        "--agent-timeout",
        "20",
    ];
    args.extend_from_slice(extra);
    run(dir, &args, &[])
}

/// Every file of the tree but build output and git's own files, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != "target" && e.file_name() != ".git")
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

pub fn records(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("target/loop/audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn decisions(dir: &Path) -> Vec<Value> {
    records(dir)
        .into_iter()
        .filter(|r| r["event"] == "decision")
        .collect()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
/// Runs git in `dir` (as a fixed author); its stdout. A failure fails the test.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A copy of fixture `name` as a git repository with one commit (target/ ignored).
pub fn repository_of(name: &str) -> tempfile::TempDir {
    let tmp = copy_of_fixture(name);
    std::fs::write(tmp.path().join(".gitignore"), "target/\n").unwrap();
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-qm", "initial"]);
    tmp
}

pub mod wire;

/// Who commits in these tests.
pub const IDENTITY: [(&str, &str); 4] = [
    ("GIT_AUTHOR_NAME", "t"),
    ("GIT_AUTHOR_EMAIL", "t@example.com"),
    ("GIT_COMMITTER_NAME", "t"),
    ("GIT_COMMITTER_EMAIL", "t@example.com"),
];
