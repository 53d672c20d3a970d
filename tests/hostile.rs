//! End-to-end tests of what a hostile agent (test-fixtures/agents/hostile.sh) and hostile
//! input try against `cargo loop fix`: each attack first, then the correct merge of fix-crate's
//! duplicate, so that only the guardrails stand between the attack and the user's files.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

mod util;

use util::{
    agent, cargo_loop, copy_of_fix_crate, decisions, fix, fixture, git, records, run, snapshot,
    stderr,
};

fn hostile(kind: &str, mode: &str) -> String {
    let script = fixture("agents").join("hostile.sh");
    format!("{kind}:sh {} {mode}", script.display())
}

/// A git repository of fix-crate with one commit (target/ ignored).
fn repository() -> tempfile::TempDir {
    util::repository_of("fix-crate")
}

fn outcome(dir: &Path) -> (String, String, String) {
    let decisions = decisions(dir);
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    let field = |name: &str| decisions[0][name].as_str().unwrap().to_owned();
    (field("outcome"), field("step"), field("reason"))
}

/// Runs the `cmd:` attacker `mode` once and returns its one decision.
fn attempt(dir: &Path, mode: &str, extra: &[&str]) -> (String, String, String) {
    let mut args = vec!["--attempts", "1"];
    args.extend_from_slice(extra);
    let out = fix(dir, &hostile("cmd", mode), &args);
    assert!(out.status.success(), "{mode}: {}", stderr(&out));
    outcome(dir)
}

#[test]
fn an_exec_agents_git_commands_never_reach_the_users_repository() {
    let tmp = repository();
    // Uncommitted work that `git stash` or `git reset --hard` would take away.
    let lib = tmp.path().join("src/lib.rs");
    let edited = std::fs::read_to_string(&lib).unwrap() + "\n// my uncommitted work\n";
    std::fs::write(&lib, &edited).unwrap();
    let config = std::fs::read(tmp.path().join(".git/config")).unwrap();
    let head = git(tmp.path(), &["rev-parse", "HEAD"]);
    let out = fix(
        tmp.path(),
        &hostile("exec", "exec-git"),
        &["--attempts", "1"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), edited);
    assert!(
        tmp.path().join(".git/HEAD").is_file(),
        "the real .git is gone"
    );
    assert_eq!(
        std::fs::read(tmp.path().join(".git/config")).unwrap(),
        config
    );
    assert_eq!(git(tmp.path(), &["rev-parse", "HEAD"]), head);
    assert!(git(tmp.path(), &["stash", "list"]).is_empty());
    // The agent's merge itself went through the gates and was kept.
    assert_eq!(outcome(tmp.path()).0, "kept");
}

#[cfg(unix)]
#[test]
fn links_in_the_exec_copy_never_lead_to_the_users_files() {
    use std::os::unix::fs::symlink;
    let tmp = copy_of_fix_crate();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("data.txt"), "outside\n").unwrap();
    std::fs::create_dir(tmp.path().join("notes")).unwrap();
    symlink(
        tmp.path().join("src/report.rs"),
        tmp.path().join("notes/alias.rs"),
    )
    .unwrap();
    symlink(outside.path(), tmp.path().join("outside")).unwrap();
    let report = std::fs::read_to_string(tmp.path().join("src/report.rs")).unwrap();
    let out = fix(
        tmp.path(),
        &hostile("exec", "exec-links"),
        &["--attempts", "1", "--dry-run"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("src/report.rs")).unwrap(),
        report,
        "a write through a link reached the user's file"
    );
    assert_eq!(
        std::fs::read_to_string(outside.path().join("data.txt")).unwrap(),
        "outside\n"
    );
    assert!(
        stderr(&out).contains("outside the workspace"),
        "the left-out link is not reported: {}",
        stderr(&out)
    );
}

/// An exec agent that leaves a binary file, or more than `--max-agent-output` in its files,
/// is refused before its change is recorded anywhere (it would be copied into every record).
#[test]
fn an_exec_agent_that_writes_a_binary_or_huge_file_is_refused() {
    for (size, limit, said) in [
        ("3000", "1000000", "binary file"),
        ("3000", "2000", "more than 2000 bytes"),
    ] {
        let tmp = copy_of_fix_crate();
        let before = snapshot(tmp.path());
        let out = util::cargo_loop(tmp.path())
            .args(["fix", "--allow-dirty", "--allow-no-vcs", "--attempts", "1"])
            .args([
                "--max-agent-output",
                limit,
                "--agent",
                &hostile("exec", "exec-big"),
            ])
            .env("SIZE", size)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let (outcome, _, reason) = outcome(tmp.path());
        assert_eq!(outcome, "rejected", "{reason}");
        assert!(reason.contains(said), "{reason}");
        assert_eq!(snapshot(tmp.path()), before);
    }
}

/// A named pipe the exec agent leaves is refused, not read (opening it waits for a writer
/// that never comes, past every timeout).
#[test]
fn an_exec_agent_that_leaves_a_pipe_is_refused() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let mut child = util::cargo_loop(tmp.path())
        .args([
            "fix",
            "--allow-dirty",
            "--allow-no-vcs",
            "--attempts",
            "1",
            "--agent",
        ])
        .arg(hostile("exec", "exec-fifo"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("fix hung on the agent's pipe");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (outcome, _, reason) = outcome(tmp.path());
    assert_eq!(outcome, "rejected", "{reason}");
    assert!(reason.contains("special file"), "{reason}");
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn a_second_run_in_the_same_workspace_waits_or_refuses_with_no_wait() {
    let tmp = copy_of_fix_crate();
    let mut first = cargo_loop(tmp.path())
        .args(["fix", "--allow-dirty", "--allow-no-vcs", "--agent"])
        .arg(hostile("cmd", "slow-merge"))
        .env("SLOW_SECS", "6")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first run holds the lock (it has started its audit trail).
    let audit = tmp.path().join("target/loop/audit.jsonl");
    let started = std::time::Instant::now();
    while !audit.exists() && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = fix(tmp.path(), &hostile("cmd", "slow-merge"), &["--no-wait"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another cargo loop run (pid"),
        "{}",
        stderr(&out)
    );
    let waited = fix(tmp.path(), &hostile("cmd", "slow-merge"), &[]);
    assert!(first.wait().unwrap().success());
    assert!(stderr(&waited).contains("Blocking"), "{}", stderr(&waited));
    // The second run found the finding gone, so the first run's kept merge is the only one.
    let kept: Vec<_> = decisions(tmp.path())
        .into_iter()
        .filter(|d| d["outcome"] == "kept")
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
}

#[test]
fn fix_refuses_a_workspace_outside_version_control_without_allow_no_vcs() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let out = run(
        tmp.path(),
        &["fix", "--agent", &hostile("cmd", "slow-merge")],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no VCS found"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--allow-no-vcs"), "{}", stderr(&out));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn verification_and_agents_never_see_the_users_secrets() {
    let tmp = copy_of_fix_crate();
    let leaks = tempfile::tempdir().unwrap();
    let secrets = [
        ("GITHUB_TOKEN", "ghp_0123456789abcdef"),
        ("AWS_SECRET_ACCESS_KEY", "aws-secret-value-1"),
        ("CARGO_REGISTRY_TOKEN", "cio-registry-token"),
        ("DB_PASSWORD", "hunter2"),
        ("SSH_AUTH_SOCK", "/tmp/ssh-agent.sock"),
        ("DATABASE_URL", "postgres://app:pw-in-url@db/app"),
    ];
    let mut env: Vec<(&str, &str)> = secrets.to_vec();
    let leak_dir = leaks.path().to_str().unwrap();
    env.push(("LEAK_DIR", leak_dir));
    env.push(("OPENAI_API_KEY", "sk-agent-may-have-this"));
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--allow-dirty",
            "--allow-no-vcs",
            "--attempts",
            "1",
            "--keep-env",
            "DB_PASSWORD",
            // The build script writes outside the copy, which confinement would refuse.
            "--sandbox",
            "off",
            "--agent",
            &hostile("cmd", "leak-env"),
        ],
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let build = std::fs::read_to_string(leaks.path().join("build.env")).unwrap();
    let agent = std::fs::read_to_string(leaks.path().join("agent.env")).unwrap();
    for (name, value) in secrets {
        let kept = name == "DB_PASSWORD";
        assert_eq!(build.contains(value), kept, "{name} in the build: {build}");
        assert_eq!(agent.contains(value), kept, "{name} in the agent: {agent}");
    }
    assert!(agent.contains("OPENAI_API_KEY=sk-agent-may-have-this"));
    assert!(!build.contains("sk-agent-may-have-this"));
    // The build script is sensitive: verified, then held.
    assert_eq!(outcome(tmp.path()).0, "held");
}

/// Every file under `dir`, as text.
fn all_text(dir: &Path) -> String {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned())
        .collect()
}

#[test]
fn short_secrets_never_reach_a_file_and_redaction_never_rewrites_kept_code() {
    let tmp = copy_of_fix_crate();
    // `positive` is in the code the agent moves: the kept code must still say it.
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--allow-dirty",
            "--allow-no-vcs",
            "--attempts",
            "1",
            "--agent",
            &hostile("cmd", "echo-key"),
        ],
        &[("OPENAI_API_KEY", "sk12345"), ("DB_PASSWORD", "positive")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(outcome(tmp.path()).0, "kept");
    let report = std::fs::read_to_string(tmp.path().join("src/report.rs")).unwrap();
    assert!(
        report.contains("crate::stats::mean_of_positive(values)"),
        "{report}"
    );
    let written = all_text(&tmp.path().join("target/loop"));
    assert!(!written.contains("sk12345"), "the short key reached a file");
    assert!(written.contains("[redacted]"));
}

/// A key an agent quotes reaches neither the memory of tried findings (a rejection's reason
/// quotes the answer) nor a commit's message (the agent's summary), which git history keeps.
#[test]
fn a_key_in_a_rejection_or_a_summary_reaches_no_file_and_no_commit() {
    let key = [("OPENAI_API_KEY", "sk-test-LEAKME12345")];
    let tmp = repository();
    let out = run(
        tmp.path(),
        &[
            "run",
            "--attempts",
            "1",
            "--max-passes",
            "1",
            "--agent",
            &hostile("cmd", "reject-key"),
        ],
        &key,
    );
    assert!(out.status.code() != Some(101), "{}", stderr(&out));
    assert!(tmp.path().join("target/loop/tried.json").exists());
    let written = all_text(&tmp.path().join("target/loop"));
    assert!(!written.contains("LEAKME"), "the key reached target/loop");

    let tmp = repository();
    let args = [
        "fix",
        "--commit",
        "--attempts",
        "1",
        "--agent",
        &hostile("cmd", "echo-key"),
    ];
    let out = run(tmp.path(), &args, &key);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(outcome(tmp.path()).0, "kept");
    let message = git(tmp.path(), &["log", "-1", "--format=%B"]);
    assert!(message.contains("cargo loop:"), "{message}");
    assert!(!message.contains("LEAKME"), "{message}");
}

#[test]
fn a_held_change_holding_a_secrets_value_applies_whole() {
    let tmp = copy_of_fix_crate();
    let env = [("DB_PASSWORD", "positive")];
    let args = [
        "fix",
        "--allow-dirty",
        "--allow-no-vcs",
        "--agent",
        &hostile("cmd", "allow"),
    ];
    let out = run(tmp.path(), &args, &env);
    assert!(out.status.success(), "{}", stderr(&out));
    let (outcome, step, reason) = outcome(tmp.path());
    assert_eq!(
        (outcome.as_str(), step.as_str()),
        ("held", "review"),
        "{reason}"
    );
    assert!(reason.contains("allow (unused_variables)"), "{reason}");
    let review = all_text(&tmp.path().join("target/loop/review"));
    assert!(!review.contains("positive"), "a secret reached review/");
    let apply = ["apply", "1", "--allow-dirty", "--allow-no-vcs"];
    let out = run(tmp.path(), &apply, &env);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats = std::fs::read_to_string(tmp.path().join("src/stats.rs")).unwrap();
    assert!(stats.contains("pub fn mean_of_positive("), "{stats}");
}

/// A folder of patches (a CI shard's artifact) can be tampered with: `apply DIR` refuses the
/// paths no edit may touch, as a run does (`.cargo/config.toml` sets a runner).
#[test]
fn apply_of_a_folder_refuses_protected_paths() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("public-api"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let folder = tempfile::tempdir().unwrap();
    let held = folder.path().join("1");
    std::fs::create_dir(&held).unwrap();
    let review = tmp.path().join("target/loop/review/1");
    std::fs::copy(review.join("held.json"), held.join("held.json")).unwrap();
    for path in [".cargo/config.toml", ".git/hooks/post-checkout"] {
        let after = "[build]\nrustflags = [\"--cfg\", \"pwned\"]\n";
        let change = serde_json::json!([{"path": path, "before": null, "after": after}]);
        std::fs::write(held.join("change.json"), change.to_string()).unwrap();
        let folder = folder.path().to_str().unwrap();
        let apply = ["apply", folder, "--allow-dirty", "--allow-no-vcs"];
        let out = run(tmp.path(), &apply, &[]);
        assert!(!out.status.success(), "{path}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("protected by the guardrails"),
            "{}",
            stderr(&out)
        );
        assert!(!tmp.path().join(path).exists(), "{path} was written");
    }
}

#[test]
fn dotfiles_and_non_rust_files_are_held_and_git_look_alikes_refused() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let (held, _, reason) = attempt(tmp.path(), "dotfiles", &[]);
    assert_eq!(held, "held", "{reason}");
    assert!(
        reason.contains("`.envrc`") && reason.contains("`clippy.toml`"),
        "{reason}"
    );
    assert_eq!(snapshot(tmp.path()), before);

    let tmp = copy_of_fix_crate();
    let (outcome, step, reason) = attempt(tmp.path(), "lookalike-git", &["--allow-sensitive"]);
    assert_eq!(
        (outcome.as_str(), step.as_str()),
        ("rejected", "guard"),
        "{reason}"
    );
    assert!(
        reason.contains("looks like a path the guardrails protect"),
        "{reason}"
    );
}

#[test]
fn a_failure_after_writing_is_recorded() {
    let tmp = copy_of_fix_crate();
    let out = fix(
        tmp.path(),
        &hostile("cmd", "ignore-src"),
        &["--attempts", "1", "--allow-sensitive"],
    );
    // Written (`--allow-sensitive`), then the re-scan fails: the copy honours the new
    // .gitignore. The decision and the failure are both in the audit trail.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let records = records(tmp.path());
    let decision = records.iter().find(|r| r["event"] == "decision").unwrap();
    assert_eq!(decision["outcome"], "kept", "{records:?}");
    let stop = records.last().unwrap();
    assert_eq!(stop["event"], "stop");
    assert!(stop["reason"]
        .as_str()
        .unwrap()
        .contains("c1 was written, then"));
}

#[test]
fn nothing_an_agent_started_outlives_its_call() {
    let tmp = copy_of_fix_crate();
    let marks = tempfile::tempdir().unwrap();
    let mark = marks.path().join("mark");
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--allow-dirty",
            "--allow-no-vcs",
            "--dry-run",
            "--agent",
            &hostile("cmd", "daemon"),
        ],
        &[("MARK", mark.to_str().unwrap())],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    std::thread::sleep(Duration::from_secs(3));
    let left: Vec<_> = std::fs::read_dir(marks.path()).unwrap().flatten().collect();
    assert!(
        left.is_empty(),
        "a process the agent started lived on: {left:?}"
    );
}

#[test]
fn an_agent_printing_without_end_is_stopped_at_the_cap() {
    let tmp = copy_of_fix_crate();
    let (outcome, step, reason) = attempt(tmp.path(), "flood", &["--max-agent-output", "100000"]);
    assert_eq!((outcome.as_str(), step.as_str()), ("rejected", "agent"));
    assert!(
        reason.contains("printed more than 100000 bytes"),
        "{reason}"
    );
    let stored: u64 = walkdir::WalkDir::new(tmp.path().join("target/loop/runs"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(stored < 1_000_000, "{stored} bytes stored");
}

#[test]
fn an_agent_failing_silently_says_so() {
    let tmp = copy_of_fix_crate();
    let (_, step, reason) = attempt(tmp.path(), "exit3", &[]);
    assert_eq!(step, "agent");
    assert!(
        reason.contains("exited with code 3: it printed nothing on stderr"),
        "{reason}"
    );
}

#[test]
fn tests_that_hang_are_reported_as_a_timeout_at_baseline_and_for_a_candidate() {
    let tmp = copy_of_fix_crate();
    let (_, step, reason) = attempt(tmp.path(), "hang-test", &["--test-timeout", "8"]);
    assert_eq!(step, "test");
    assert!(
        reason.starts_with("the tests timed out after 8 s (--test-timeout"),
        "{reason}"
    );

    let lib = tmp.path().join("src/lib.rs");
    let hanging = std::fs::read_to_string(&lib).unwrap().replace(
        "fn summary_mean_matches() {",
        "fn summary_mean_matches() {\n        std::thread::sleep(std::time::Duration::from_secs(600));",
    );
    std::fs::write(&lib, hanging).unwrap();
    let out = fix(
        tmp.path(),
        &hostile("cmd", "slow-merge"),
        &["--test-timeout", "3"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("baseline timed out after 3 s (--test-timeout"),
        "{}",
        stderr(&out)
    );
}

/// Whether this binary can confine a child here; says so when it cannot.
fn landlock_available() -> bool {
    let probe = Command::new(assert_cmd::cargo::cargo_bin("cargo-loop"))
        .args(["__sandbox", "--probe"])
        .output()
        .unwrap();
    if !probe.status.success() {
        eprintln!("skipped: Landlock is not available here");
    }
    probe.status.success()
}

#[test]
fn confined_verification_cannot_write_outside_the_scratch_copy() {
    if !landlock_available() {
        return;
    }
    let tmp = copy_of_fix_crate();
    let leaks = tempfile::tempdir().unwrap();
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--allow-dirty",
            "--allow-no-vcs",
            "--attempts",
            "1",
            "--sandbox",
            "require",
            "--agent",
            &hostile("cmd", "leak-env"),
        ],
        &[("LEAK_DIR", leaks.path().to_str().unwrap())],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("verification is confined"),
        "{}",
        stderr(&out)
    );
    assert!(
        !leaks.path().join("build.env").exists(),
        "the build script wrote outside"
    );
    let (outcome, step, reason) = outcome(tmp.path());
    assert_eq!(
        (outcome.as_str(), step.as_str()),
        ("rejected", "check"),
        "{reason}"
    );
}

#[test]
fn an_answer_nested_thousands_deep_is_rejected_not_a_crash() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let (outcome, step, reason) = attempt(tmp.path(), "deep", &[]);
    assert_eq!(
        (outcome.as_str(), step.as_str()),
        ("rejected", "parse"),
        "{reason}"
    );
    assert!(reason.contains("nests deeper than"), "{reason}");
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn temporary_files_a_kill_left_in_the_tree_are_removed_by_the_next_run() {
    let tmp = repository();
    // What a run killed between writing a file beside report.rs and renaming it leaves.
    let left = tmp.path().join("src/.report.rs.cargo-loop-4242.tmp");
    std::fs::write(&left, "half a file").unwrap();
    let journal = tmp.path().join("target/loop/keeping.json");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(&journal, serde_json::to_vec(&[&left]).unwrap()).unwrap();
    let out = run(
        tmp.path(),
        &["fix", "--agent", &hostile("cmd", "slow-merge")],
        &[("SLOW_SECS", "0")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!left.exists() && !journal.exists());
    assert_eq!(outcome(tmp.path()).0, "kept");
}

/// A run killed between the renames of a refactor of two files left one written, which
/// does not compile without the other: the next run puts the old content back first.
#[test]
fn a_refactor_a_kill_left_half_written_is_undone_by_the_next_run() {
    let tmp = repository();
    let (report, stats) = (
        tmp.path().join("src/report.rs"),
        tmp.path().join("src/stats.rs"),
    );
    let old_report = std::fs::read_to_string(&report).unwrap();
    let old_stats = std::fs::read_to_string(&stats).unwrap();
    let new_report =
        format!("{old_report}\npub fn uses_it() -> f64 {{ crate::stats::shared_mean() }}\n");
    let new_stats = format!("{old_stats}\npub fn shared_mean() -> f64 {{ 0.0 }}\n");
    std::fs::write(&report, &new_report).unwrap();
    let tmp_stats = tmp.path().join("src/.stats.rs.cargo-loop-4242.tmp");
    std::fs::write(&tmp_stats, &new_stats).unwrap();
    let entry = |path: &std::path::Path, tmp: String, before: &str, after: &str| serde_json::json!({ "path": path, "tmp": tmp, "before": before, "after": after });
    let journal = tmp.path().join("target/loop/keeping.json");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    let entries = [
        entry(
            &report,
            tmp.path()
                .join("src/.report.rs.cargo-loop-4242.tmp")
                .display()
                .to_string(),
            &old_report,
            &new_report,
        ),
        entry(
            &stats,
            tmp_stats.display().to_string(),
            &old_stats,
            &new_stats,
        ),
    ];
    std::fs::write(&journal, serde_json::to_vec(&entries).unwrap()).unwrap();
    let out = run(
        tmp.path(),
        &["fix", "--agent", &hostile("cmd", "slow-merge")],
        &[("SLOW_SECS", "0")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Restored src/report.rs"),
        "{}",
        stderr(&out)
    );
    assert!(!tmp_stats.exists() && !journal.exists());
    assert_eq!(outcome(tmp.path()).0, "kept");
    assert!(!std::fs::read_to_string(&report)
        .unwrap()
        .contains("uses_it"));
}

#[test]
fn a_confined_agent_cannot_write_the_users_tree_by_its_absolute_path() {
    if !landlock_available() {
        return;
    }
    let tmp = copy_of_fix_crate();
    let lib = tmp.path().join("src/lib.rs");
    let before = std::fs::read_to_string(&lib).unwrap();
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--allow-dirty",
            "--allow-no-vcs",
            "--attempts",
            "1",
            "--sandbox",
            "require",
            "--agent",
            &hostile("exec", "exec-absolute"),
        ],
        &[("ATTACK_TARGET", lib.to_str().unwrap())],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&lib).unwrap(),
        before,
        "the agent wrote the tree"
    );
    // Its work in its own copy still went through the gates and was kept.
    assert_eq!(outcome(tmp.path()).0, "kept");
}
