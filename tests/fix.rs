//! End-to-end tests of `cargo loop fix`, `log`, `review` and `apply` on test-fixtures/fix-crate
//! with the scripted agents of test-fixtures/agents/: each fault is rejected at its step and
//! leaves the tree byte-identical; a correct refactor is kept.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

mod util;

use util::{
    agent, cargo_loop, copy_of_fix_crate, decisions, fix, fixture, records, run, snapshot, stderr,
};

/// Runs a faulty agent and checks it is rejected at `step` with the tree untouched.
fn assert_rejected(mode: &str, step: &str, reason: &str) {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let out = fix(tmp.path(), &agent(mode), &["--attempts", "1"]);
    assert!(out.status.success(), "{mode}: {}", stderr(&out));
    assert_eq!(snapshot(tmp.path()), before, "{mode} changed the tree");
    let decisions = decisions(tmp.path());
    assert_eq!(decisions.len(), 1, "{mode}: {decisions:?}");
    assert_eq!(decisions[0]["outcome"], "rejected", "{mode}");
    assert_eq!(
        decisions[0]["step"], step,
        "{mode}: {}",
        decisions[0]["reason"]
    );
    assert!(
        decisions[0]["reason"].as_str().unwrap().contains(reason),
        "{mode}: reason {} lacks {reason:?}",
        decisions[0]["reason"]
    );
}

#[test]
fn fix_keeps_a_correct_merge_in_fix_crate_and_records_it() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("merge"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = std::fs::read_to_string(tmp.path().join("src/report.rs")).unwrap();
    assert!(
        report.contains("crate::stats::mean_of_positive(values)"),
        "{report}"
    );
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["outcome"], "kept");
    assert_eq!(decisions[0]["finding"], "D1");
    let events: Vec<String> = records(tmp.path())
        .iter()
        .map(|r| r["event"].as_str().unwrap().to_string())
        .collect();
    for event in [
        "run_start",
        "step",
        "finding",
        "prompt",
        "response",
        "edit",
        "decision",
        "stop",
    ] {
        assert!(
            events.iter().any(|e| e == event),
            "no {event} record in {events:?}"
        );
    }
    for record in records(tmp.path()) {
        assert!(
            record["ts"].is_string() && record["run"].is_string(),
            "{record}"
        );
    }
    // Each step record names a log that exists.
    for step in records(tmp.path()).iter().filter(|r| r["event"] == "step") {
        assert!(
            tmp.path()
                .join("target/loop")
                .join(step["log"].as_str().unwrap())
                .is_file(),
            "{step}"
        );
    }
    // The kept tree still builds and passes its tests, and the duplicate is gone.
    let scan = run(tmp.path(), &["dup", "--format", "json", "--no-cache"], &[]);
    let doc: Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(doc["groups"].as_array().unwrap().len(), 0, "{doc}");
    let log = run(tmp.path(), &["log"], &[]);
    assert!(
        String::from_utf8_lossy(&log.stdout).contains("1 kept"),
        "{}",
        String::from_utf8_lossy(&log.stdout)
    );
}

#[test]
fn fix_rejects_a_broken_build_at_check() {
    assert_rejected("break-build", "check", "does not compile");
}

#[test]
fn fix_rejects_a_broken_test_at_test() {
    assert_rejected("break-test", "test", "summary_mean_matches");
}

#[test]
fn fix_rejects_a_new_warning_at_clippy() {
    assert_rejected("warn", "clippy", "unused");
}

#[test]
fn fix_rejects_a_deleted_test_at_test() {
    assert_rejected("delete-test", "test", "before the change");
}

#[test]
fn fix_rejects_a_newly_ignored_test_at_test() {
    assert_rejected("ignore-test", "test", "newly ignored");
}

#[test]
fn fix_rejects_a_write_outside_the_workspace_at_guard() {
    assert_rejected("outside", "guard", "..");
}

#[test]
fn fix_rejects_elided_code_and_garbage_at_parse() {
    assert_rejected("elide", "parse", "elide");
    assert_rejected("garbage", "parse", "");
}

#[test]
fn fix_rejects_a_change_that_leaves_the_finding_at_analysis() {
    assert_rejected("comment-only", "analysis", "D1");
}

/// A confined agent may not write beside the workspace's folders (here in the system temp
/// dir, which holds the workspace), so it gets a temp dir of its own: `mktemp` works.
#[test]
fn an_agent_can_make_temp_files_though_the_workspace_is_in_the_temp_dir() {
    let tmp = copy_of_fix_crate();
    let script = tempfile::NamedTempFile::new().unwrap();
    let merge = fixture("agents").join("agent.sh");
    let body = format!(
        "set -e\nt=$(mktemp)\necho x > \"$t\"\nexec sh {} merge\n",
        merge.display()
    );
    std::fs::write(script.path(), body).unwrap();
    let out = fix(
        tmp.path(),
        &format!("cmd:sh {}", script.path().display()),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["outcome"], "kept", "{decisions:?}");
}

#[test]
fn fix_kills_a_hanging_agent_at_its_timeout() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let start = std::time::Instant::now();
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--allow-dirty",
            "--allow-no-vcs",
            "--agent",
            &agent("hang"),
            "--agent-timeout",
            "2",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(start.elapsed() < std::time::Duration::from_secs(120));
    assert_eq!(snapshot(tmp.path()), before);
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["step"], "agent");
    assert!(decisions[0]["reason"]
        .as_str()
        .unwrap()
        .contains("did not answer"));
}

#[test]
fn fix_feeds_the_rejection_back_and_keeps_the_second_attempt() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("second-try"), &["--attempts", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0]["outcome"], "kept");
    let retry = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "retry")
        .expect("a retry record");
    assert_eq!(retry["step"], "check");
    let second_prompt = std::fs::read_to_string(
        walkdir::WalkDir::new(tmp.path().join("target/loop/runs"))
            .into_iter()
            .flatten()
            .find(|e| e.path().ends_with("attempt-2/prompt.md"))
            .unwrap()
            .path(),
    )
    .unwrap();
    assert!(
        second_prompt.contains("no_such_function"),
        "{second_prompt}"
    );
}

#[test]
fn fix_holds_a_public_api_change_for_review_and_apply_writes_it() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let out = fix(tmp.path(), &agent("public-api"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "a held change reached the tree"
    );
    let decisions = decisions(tmp.path());
    assert_eq!(
        (
            decisions[0]["outcome"].as_str(),
            decisions[0]["step"].as_str()
        ),
        (Some("held"), Some("review"))
    );
    assert!(decisions[0]["reason"]
        .as_str()
        .unwrap()
        .contains("public API"));
    let review = run(tmp.path(), &["review"], &[]);
    let listing = String::from_utf8_lossy(&review.stdout);
    assert!(
        listing.contains("D1") && listing.contains("src/stats.rs"),
        "{listing}"
    );
    let apply = run(
        tmp.path(),
        &["apply", "1", "--allow-dirty", "--allow-no-vcs"],
        &[],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));
    // Verified again against the tree as it is now, even though nothing changed.
    let steps = records(tmp.path())
        .into_iter()
        .filter(|r| r["event"] == "step" && r["candidate"] == "1")
        .count();
    assert_eq!(
        steps, 2,
        "clippy and test ran before apply wrote the change"
    );
    assert!(std::fs::read_to_string(tmp.path().join("src/stats.rs"))
        .unwrap()
        .contains("pub fn sample_count"));
    assert!(
        String::from_utf8_lossy(&run(tmp.path(), &["review"], &[]).stdout)
            .contains("no refactors are held")
    );
    // The apply run ends with a stop record: `log` does not take it for a killed run.
    let log = String::from_utf8_lossy(&run(tmp.path(), &["log"], &[]).stdout).into_owned();
    assert!(!log.contains("did not finish"), "{log}");
    assert!(log.contains("every held refactor applied"), "{log}");
    let apply_line = log
        .lines()
        .find(|l| l.contains("(apply "))
        .unwrap_or_default();
    assert!(apply_line.contains(": 1 candidate in"), "{log}");
}

#[test]
fn fix_with_allow_sensitive_keeps_a_public_api_change() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("public-api"), &["--allow-sensitive"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path())[0]["outcome"], "kept");
}

#[test]
fn fix_dry_run_keeps_the_patch_only() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let out = fix(tmp.path(), &agent("merge"), &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(tmp.path()), before);
    let decision = &decisions(tmp.path())[0];
    assert_eq!(decision["outcome"], "kept");
    let patch = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "edit")
        .unwrap();
    let patch = std::fs::read_to_string(
        tmp.path()
            .join("target/loop")
            .join(patch["patch"].as_str().unwrap()),
    )
    .unwrap();
    assert!(
        patch.contains("+++ b/src/report.rs")
            && patch.contains("+    crate::stats::mean_of_positive(values)"),
        "{patch}"
    );
}

#[test]
fn fix_with_an_exec_agent_keeps_the_diff_it_left() {
    let tmp = copy_of_fix_crate();
    let exec = format!(
        "exec:sh {}",
        fixture("agents").join("exec-merge.sh").display()
    );
    let out = fix(tmp.path(), &exec, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path())[0]["outcome"], "kept");
    assert!(std::fs::read_to_string(tmp.path().join("src/report.rs"))
        .unwrap()
        .contains("crate::stats::mean_of_positive(values)"));
}

#[test]
fn fix_stops_with_exit_3_when_the_baseline_fails_its_tests() {
    let tmp = copy_of_fix_crate();
    let lib = tmp.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib)
        .unwrap()
        .replace("Some(3.0)", "Some(99.0)");
    std::fs::write(&lib, text).unwrap();
    let out = fix(tmp.path(), &agent("merge"), &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("summary_mean_matches"),
        "{}",
        stderr(&out)
    );
    // No agent was asked.
    assert!(!records(tmp.path()).iter().any(|r| r["event"] == "prompt"));
}

#[test]
fn fix_refuses_a_dirty_git_tree_and_commits_with_commit() {
    let tmp = util::repository_of("fix-crate");
    let git = |args: &[&str]| util::git(tmp.path(), args);
    std::fs::write(
        tmp.path().join("src/report.rs"),
        std::fs::read_to_string(tmp.path().join("src/report.rs")).unwrap() + "\n",
    )
    .unwrap();
    let out = run(tmp.path(), &["fix", "--agent", &agent("merge")], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("uncommitted changes") && stderr(&out).contains("src/report.rs"),
        "{}",
        stderr(&out)
    );
    git(&["checkout", "--", "."]);
    // The loop's own output is not the user's change, even where nothing ignores `target/`.
    git(&["rm", "-q", ".gitignore"]);
    git(&["commit", "-qm", "no ignore file"]);
    assert!(tmp.path().join("target/loop").is_dir());
    let out = run(
        tmp.path(),
        &["fix", "--commit", "--agent", &agent("merge")],
        &util::IDENTITY,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let message = git(&["log", "-1", "--format=%B"]);
    assert!(
        message.starts_with("cargo loop: function duplicated 2 times"),
        "{message}"
    );
    // The agent's own summary is the body.
    assert!(message.contains("report delegates to stats"), "{message}");
    // Committed, and nothing of the loop's own in the commit.
    assert_eq!(git(&["status", "--porcelain"]).trim(), "?? target/");
}

/// With `--allow-dirty`, a refactor of a file the user changed is written but not committed:
/// the commit would take the user's edit along.
#[test]
fn commit_never_takes_the_users_own_edits_along() {
    let tmp = util::repository_of("fix-crate");
    let git = |args: &[&str]| util::git(tmp.path(), args);
    let report = tmp.path().join("src/report.rs");
    let mine = "// a note of mine\n";
    std::fs::write(&report, std::fs::read_to_string(&report).unwrap() + mine).unwrap();
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--commit",
            "--allow-dirty",
            "--agent",
            &agent("merge"),
        ],
        &util::IDENTITY,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let decision = decisions(tmp.path()).pop().unwrap();
    assert_eq!(decision["outcome"], "kept", "{decision}");
    assert!(
        decision["reason"]
            .as_str()
            .unwrap()
            .contains("not committed: src/report.rs"),
        "{decision}"
    );
    assert_eq!(git(&["rev-list", "--count", "HEAD"]).trim(), "1");
    assert!(std::fs::read_to_string(&report).unwrap().contains(mine));
}

#[test]
fn fix_never_writes_an_api_key_to_the_out_dir() {
    let tmp = copy_of_fix_crate();
    let key = "sk-test-fake-key-0123456789abcdef";
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--allow-dirty",
            "--allow-no-vcs",
            "--agent",
            &agent("echo-secret"),
        ],
        &[
            ("OPENAI_API_KEY", key),
            ("ANTHROPIC_API_KEY", "sk-ant-fake-key-9876543210"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path())[0]["outcome"], "kept");
    // Everything cargo loop wrote but the scratch copy's build output.
    let out_dir = walkdir::WalkDir::new(tmp.path().join("target/loop"))
        .into_iter()
        .filter_entry(|e| e.file_name() != "target")
        .flatten();
    let mut n_files = 0;
    for entry in out_dir.filter(|e| e.file_type().is_file()) {
        let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
        assert!(
            !text.contains(key) && !text.contains("sk-ant-fake"),
            "{} holds a key",
            entry.path().display()
        );
        n_files += 1;
    }
    assert!(n_files > 5, "the out dir holds only {n_files} files");
}

#[test]
fn fix_rejects_an_unknown_finding_id_and_agent() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("merge"), &["--finding", "D9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("D9") && stderr(&out).contains("D1"),
        "{}",
        stderr(&out)
    );
    let out = run(tmp.path(), &["fix", "--agent", "gpt"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown agent `gpt`"),
        "{}",
        stderr(&out)
    );
}

/// Starts `cargo loop fix` and waits until the audit trail shows the candidate being verified.
fn start_and_wait_for_verification(dir: &Path) -> std::process::Child {
    start_and_wait_for(dir, "\"event\":\"edit\"")
}

/// Starts `cargo loop fix` and waits until the audit trail holds `marker`.
#[expect(
    clippy::zombie_processes,
    reason = "the child is returned; the caller waits for it"
)]
fn start_and_wait_for(dir: &Path, marker: &str) -> std::process::Child {
    let mut cmd = cargo_loop(dir);
    cmd.args([
        "fix",
        "--allow-dirty",
        "--allow-no-vcs",
        "--agent",
        &agent("merge"),
    ])
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let audit =
            std::fs::read_to_string(dir.join("target/loop/audit.jsonl")).unwrap_or_default();
        if audit.contains(marker) {
            return child;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("no edit record: {audit}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Sends SIGINT to a running `cargo loop fix` and checks it exits 130.
fn interrupt(child: std::process::Child) {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
}

fn assert_last_stop_was_an_interruption(dir: &Path) {
    let stop = records(dir)
        .into_iter()
        .rev()
        .find(|r| r["event"] == "stop")
        .unwrap();
    assert_eq!(stop["reason"], "interrupted");
}

#[test]
fn fix_interrupted_by_sigint_stops_children_and_leaves_the_tree() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let child = start_and_wait_for_verification(tmp.path());
    interrupt(child);
    assert_eq!(snapshot(tmp.path()), before);
    assert_last_stop_was_an_interruption(tmp.path());
    // The candidate it stopped is decided, at the cargo step the Ctrl-C stopped.
    let decisions = decisions(tmp.path());
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    let reason = decisions[0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("interrupted at "), "{reason}");
    let step = decisions[0]["step"].as_str().unwrap();
    assert!(["check", "clippy", "test"].contains(&step), "{step}");
    assert!(reason.contains(step), "{reason}");
    // So is its pass, with the same reason as the run.
    let end = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "pass_end");
    assert_eq!(end.map(|e| e["reason"].clone()), Some("interrupted".into()));
}

#[test]
fn fix_after_a_kill_9_mid_verification_recovers_its_scratch_copy() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let mut child = start_and_wait_for_verification(tmp.path());
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "a kill during verification touched the tree"
    );
    // The killed run left its candidate written in the scratch copy; the next run undoes it,
    // so the baseline is the user's tree and the same refactor is kept.
    let out = fix(tmp.path(), &agent("merge"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path()).last().unwrap()["outcome"], "kept");
    let log = String::from_utf8_lossy(&run(tmp.path(), &["log"], &[]).stdout).into_owned();
    assert!(log.contains("did not finish"), "{log}");
}

#[test]
fn fix_runs_the_test_cmd_instead_of_cargo_test() {
    let tmp = copy_of_fix_crate();
    // A test command that fails makes the baseline fail: proof that it replaced `cargo test`.
    let out = fix(
        tmp.path(),
        &agent("merge"),
        &[
            "--test-cmd",
            "cargo test --lib -- --exact no_such_test_xyz --include-ignored --fail-please",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let step = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "step" && r["step"] == "test")
        .unwrap();
    assert!(
        step["command"].as_str().unwrap().contains("--fail-please"),
        "{step}"
    );
    let out = fix(
        tmp.path(),
        &agent("merge"),
        &["--test-cmd", "cargo test --lib"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path())[0]["outcome"], "kept");
}

#[test]
fn apply_rebases_and_reverifies_a_held_change_whose_files_changed() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("public-api"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats = tmp.path().join("src/stats.rs");
    let edited = std::fs::read_to_string(&stats).unwrap() + "\n/// The largest sample.\npub fn max_sample(values: &[f64]) -> f64 {\n    values.iter().copied().fold(f64::MIN, f64::max)\n}\n";
    std::fs::write(&stats, &edited).unwrap();
    let apply = run(
        tmp.path(),
        &["apply", "1", "--allow-dirty", "--allow-no-vcs"],
        &[],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));
    assert!(stderr(&apply).contains("Rebasing"), "{}", stderr(&apply));
    let now = std::fs::read_to_string(&stats).unwrap();
    assert!(
        now.contains("pub fn sample_count") && now.contains("pub fn max_sample"),
        "{now}"
    );
    let steps: Vec<Value> = records(tmp.path())
        .into_iter()
        .filter(|r| r["event"] == "step" && r["candidate"] == "1")
        .collect();
    assert_eq!(
        steps.len(),
        2,
        "clippy and test ran on the rebased change: {steps:?}"
    );
    // An unknown id names the ones there are.
    let missing = run(
        tmp.path(),
        &["apply", "7", "--allow-dirty", "--allow-no-vcs"],
        &[],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no held refactor `7`"),
        "{}",
        stderr(&missing)
    );
    // A held change the tree no longer takes is not applied: exit 2, the tree as it was.
    let out = fix(tmp.path(), &agent("public-api"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(&stats, "pub fn rewritten() {}\n").unwrap();
    let before = snapshot(tmp.path());
    let apply = run(
        tmp.path(),
        &["apply", "1", "--allow-dirty", "--allow-no-vcs"],
        &[],
    );
    assert_eq!(apply.status.code(), Some(2), "{}", stderr(&apply));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn fix_names_an_agent_it_cannot_start_or_call() {
    let tmp = copy_of_fix_crate();
    let out = run(
        tmp.path(),
        &["fix", "--allow-dirty", "--agent", "anthropic:claude"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    // No key and no local server: nothing to call.
    assert!(
        stderr(&out).contains("ANTHROPIC_API_KEY is not set"),
        "{}",
        stderr(&out)
    );
    assert!(
        !tmp.path().join("target/loop/audit.jsonl").exists(),
        "work began before the agent was checked"
    );
    let out = fix(tmp.path(), "cmd:no-such-agent-xyz --flag", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot find the agent program `no-such-agent-xyz`"),
        "{}",
        stderr(&out)
    );
    assert!(
        !tmp.path().join("target/loop/audit.jsonl").exists(),
        "the baseline ran before the agent program was looked for"
    );
}

#[test]
fn fix_with_out_inside_the_workspace_keeps_everything_there() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("merge"), &["--out", "loop-out"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let audit = std::fs::read_to_string(tmp.path().join("loop-out/audit.jsonl")).unwrap();
    assert!(audit.contains("\"outcome\":\"kept\""), "{audit}");
    assert!(tmp
        .path()
        .join("loop-out/scratch/0/tree/src/report.rs")
        .is_file());
    assert!(!tmp.path().join("target/loop").exists());
}

/// cargo-nextest is part of the machine image (and .ci/run installs it where it is missing).
#[test]
fn fix_with_nextest_as_the_test_cmd_counts_its_tests() {
    let tmp = copy_of_fix_crate();
    let nextest = ["--test-cmd", "cargo nextest run --status-level all"];
    let out = fix(
        tmp.path(),
        &agent("ignore-test"),
        &[&["--attempts", "1"][..], &nextest[..]].concat(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let decision = &decisions(tmp.path())[0];
    assert_eq!(decision["step"], "test", "{decision}");
    assert!(
        decision["reason"]
            .as_str()
            .unwrap()
            .contains("`tests::summary_mean_matches` in nextest fix-crate is newly ignored"),
        "{decision}"
    );
    let out = fix(tmp.path(), &agent("merge"), &nextest);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path()).last().unwrap()["outcome"], "kept");
}

#[test]
fn fix_refuses_a_symbolic_link_left_by_an_exec_agent_at_guard() {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let exec = format!(
        "exec:sh {}",
        fixture("agents").join("exec-link.sh").display()
    );
    let out = fix(tmp.path(), &exec, &["--attempts", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(tmp.path()), before);
    assert!(!std::fs::symlink_metadata(tmp.path().join("src/report.rs"))
        .unwrap()
        .file_type()
        .is_symlink());
    let decision = &decisions(tmp.path())[0];
    assert_eq!(
        (decision["outcome"].as_str(), decision["step"].as_str()),
        (Some("rejected"), Some("guard")),
        "{decision}"
    );
    assert!(
        decision["reason"]
            .as_str()
            .unwrap()
            .contains("symbolic link at `src/report.rs`"),
        "{decision}"
    );
}

#[test]
fn fix_passes_feature_flags_to_verification() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("merge"), &["--features", "extra"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let step = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "step")
        .unwrap();
    assert!(
        step["command"]
            .as_str()
            .unwrap()
            .ends_with("--features extra"),
        "{step}"
    );
    // A feature no package declares is refused before any work, as cargo refuses it.
    let unknown = fix(
        tmp.path(),
        &agent("merge"),
        &["--features", "no-such-feature"],
    );
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    assert!(
        stderr(&unknown)
            .contains("none of the selected packages contains these features: no-such-feature"),
        "{}",
        stderr(&unknown)
    );
}

/// A compile cache the user set up (`RUSTC_WRAPPER`, as sccache is used) serves
/// verification too, confined or not: the wrapper sees every rustc call and may write its cache.
#[test]
fn verification_compiles_through_the_users_rustc_wrapper() {
    let tmp = copy_of_fix_crate();
    let cache = tempfile::tempdir().unwrap();
    let wrapper = cache.path().join("sccache");
    std::fs::write(
        &wrapper,
        "#!/bin/sh\necho \"$@\" >> \"$SCCACHE_DIR/calls\"\nexec \"$@\"\n",
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let dir = cache.path().join("cache");
    let env = [
        ("RUSTC_WRAPPER", wrapper.to_str().unwrap()),
        ("SCCACHE_DIR", dir.to_str().unwrap()),
    ];
    let args = [
        "fix",
        "--allow-dirty",
        "--allow-no-vcs",
        "--agent",
        &agent("merge"),
    ];
    let out = run(tmp.path(), &args, &env);
    assert!(out.status.success(), "{}", stderr(&out));
    let calls = std::fs::read_to_string(dir.join("calls")).unwrap_or_default();
    assert!(calls.contains("--crate-name fix_crate"), "{calls}");
    assert!(
        stderr(&out).contains("Kept") || stderr(&out).contains("kept"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn fix_interrupted_during_the_baseline_exits_130() {
    let tmp = copy_of_fix_crate();
    let child = start_and_wait_for(tmp.path(), "\"event\":\"run_start\"");
    interrupt(child);
    assert_last_stop_was_an_interruption(tmp.path());
    assert!(!records(tmp.path()).iter().any(|r| r["event"] == "prompt"));
}

#[test]
fn fix_with_the_default_builtin_agent_merges_the_copies_and_keeps_a_building_tree() {
    let tmp = copy_of_fix_crate();
    let out = run(tmp.path(), &["fix", "--allow-no-vcs"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["outcome"], "kept", "{decisions:?}");
    let stats = std::fs::read_to_string(tmp.path().join("src/stats.rs")).unwrap();
    let report = std::fs::read_to_string(tmp.path().join("src/report.rs")).unwrap();
    // One copy delegates to the other, keeping its own name and signature.
    let delegates = stats.contains("crate::report::summary_mean(values)")
        || report.contains("crate::stats::mean_of_positive(values)");
    assert!(delegates, "{stats}\n{report}");
    assert!(stats.contains("pub fn mean_of_positive(values: &[f64]) -> Option<f64>"));
    assert!(report.contains("pub fn summary_mean(values: &[f64]) -> Option<f64>"));
    passes_its_tests_with(tmp.path(), None);
}

#[test]
fn the_builtin_agent_merges_copies_across_crates_into_the_one_the_others_depend_on() {
    let tmp = util::copy_of_fixture("dup-workspace");
    let out = run(
        tmp.path(),
        &["fix", "--allow-no-vcs", "--max-candidates", "1"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["outcome"], "kept", "{decisions:?}");
    // beta depends on alpha: beta's copy delegates, never the other way round.
    let beta = std::fs::read_to_string(tmp.path().join("crates/beta/src/report.rs")).unwrap();
    assert!(
        beta.contains("alpha::config::parse_assignment(line)"),
        "{beta}"
    );
    let alpha = tmp.path().join("crates/alpha/src/config.rs");
    assert!(!std::fs::read_to_string(alpha).unwrap().contains("beta::"));
}

#[test]
fn an_import_a_change_leaves_unused_is_removed_by_the_compilers_fix_and_kept() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("unused-import"), &["--attempts", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["outcome"], "kept", "{decisions:?}");
    let report = std::fs::read_to_string(tmp.path().join("src/report.rs")).unwrap();
    assert!(!report.contains("HashMap"), "{report}");
    assert!(
        report.contains("crate::stats::mean_of_positive(values)"),
        "{report}"
    );
    // The file was rustfmt-clean and still is: the removed line leaves no blank line behind.
    let fmt = std::process::Command::new("rustfmt")
        .args(["--check", "--edition", "2021"])
        .arg(tmp.path().join("src/report.rs"))
        .output()
        .unwrap();
    assert!(fmt.status.success(), "{report}");
}

/// A crate whose modules `a` and `b` hold copies that differ in one literal, returning what
/// `output` says (its `out` in the body: `Vec<f64>` or a `Result` of it); `extra` is more of
/// `lib.rs`. Returns what `fix --agent builtin` wrote to `a.rs` and `b.rs`.
fn merge_literal_copies(output: (&str, &str), extra: &str) -> (String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let (ty, value) = output;
    let body = |name: &str, factor: &str| {
        format!(
            "/// Weighted readings.\npub fn {name}(readings: &[f64]) -> {ty} {{\n    let mut out = Vec::new();\n    let mut last = 0.0;\n    for reading in readings {{\n        let value = {factor} * reading + (1.0 - {factor}) * last;\n        out.push(value);\n        last = value;\n    }}\n    {value}\n}}\n"
        )
    };
    let files = [
        manifest("lit"),
        (
            "src/lib.rs",
            format!("pub mod a;\npub mod b;\n{extra}\n#[test]\nfn weights() {{\n    assert_eq!(a::smooth(&[2.0]), {});\n    assert_eq!(b::soften(&[4.0]), {});\n}}\n", value.replace("out", "vec![1.0]"), value.replace("out", "vec![1.0]")),
        ),
        ("src/a.rs", body("smooth", "0.5")),
        ("src/b.rs", body("soften", "0.25")),
    ];
    write_files(tmp.path(), &files);
    let out = run(tmp.path(), &["fix", "--allow-no-vcs"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["outcome"], "kept", "{decisions:?}");
    let read = |file: &str| std::fs::read_to_string(tmp.path().join(file)).unwrap();
    (read("src/a.rs"), read("src/b.rs"))
}

#[test]
fn the_builtin_agent_merges_copies_that_differ_in_one_literal_and_keeps_them_passing() {
    let (a, b) = merge_literal_copies(("Vec<f64>", "out"), "");
    assert!(
        a.contains("fn smooth_with(readings: &[f64], literal: f64)"),
        "{a}"
    );
    assert!(b.contains("crate::a::smooth_with(readings, 0.25)"), "{b}");
}

#[test]
fn a_merged_function_warned_about_like_its_copies_is_no_new_warning() {
    // clippy::result_large_err flags both copies, and so the function they become.
    let big = "\n#[derive(Debug, PartialEq)]\npub struct Big(pub [u8; 512]);\n";
    let (a, b) = merge_literal_copies(("Result<Vec<f64>, crate::Big>", "Ok(out)"), big);
    assert!(
        a.contains("fn smooth_with(readings: &[f64], literal: f64) -> Result<"),
        "{a}"
    );
    assert!(b.contains("crate::a::smooth_with(readings, 0.25)"), "{b}");
}

/// Runs the crate's own tests in `dir`, with `edges` (tests it lacks) added as
/// tests/edges.rs: a kept refactor must keep them all passing.
fn passes_its_tests_with(dir: &Path, edges: Option<&str>) {
    if let Some(edges) = edges {
        std::fs::create_dir_all(dir.join("tests")).unwrap();
        std::fs::write(dir.join("tests/edges.rs"), edges).unwrap();
    }
    let check = std::process::Command::new("cargo")
        .args(["test", "-q"])
        .env("CARGO_TARGET_DIR", dir.join("target/check"))
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// Writes `files` (path, text) under `dir`.
/// The manifest of a one-package workspace `name` whose library has no doc tests.
fn manifest(name: &str) -> (&'static str, String) {
    let package =
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    (
        "Cargo.toml",
        package + "\n[lib]\ndoctest = false\n\n[workspace]\n",
    )
}

fn write_files(dir: &Path, files: &[(&str, String)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn the_builtin_agent_narrows_a_needless_pub_and_keeps_it_building() {
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        manifest("vis"),
        (
            "src/lib.rs",
            "mod internal;\n\n/// The API.\npub fn answer() -> u32 {\n    internal::used()\n}\n\n#[test]\nfn answers() {\n    assert_eq!(answer(), 42);\n}\n".to_owned(),
        ),
        (
            "src/internal.rs",
            "/// Used from the root.\npub fn used() -> u32 {\n    helper() + 1\n}\n\n/// Used only here.\npub fn helper() -> u32 {\n    41 // the answer, almost\n}\n".to_owned(),
        ),
    ];
    write_files(tmp.path(), &files);
    let out = run(
        tmp.path(),
        &["fix", "--allow-no-vcs", "--findings", "smells"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["outcome"], "kept", "{decisions:?}");
    let internal = std::fs::read_to_string(tmp.path().join("src/internal.rs")).unwrap();
    let narrowed = files[2].1.replace("pub fn helper", "pub(crate) fn helper");
    assert_eq!(internal, narrowed);
}

/// Edge values the fixture's own tests lack, run only after the refactor: a kept extraction
/// must keep them passing.
const BUILTIN_BLOCKS_EDGES: &str = r#"
use builtin_blocks::{stats, tags};

#[test]
fn edges() {
    assert_eq!(stats::summarize(&[], 5), "0 OVER 0");
    assert_eq!(stats::summarize(&[5, -5, 5], 5), "5 OVER 3");
    assert_eq!(stats::summarize(&[6, -6], 5), "0 OVER 2");
    assert_eq!(stats::summarize(&[1, 20, -30], 6), "1 over 3, wide");
    assert_eq!(stats::weigh(&[], 5), None);
    assert_eq!(stats::weigh(&[-7], 5), Some(-10));
    assert_eq!(stats::weigh(&[i64::MAX / 2, i64::MAX / 2], i64::MAX), None);
    assert_eq!(tags::distinct(&[], 1), (vec![], 0));
    let cleaned = tags::distinct(&[" B", "b", "spam", "a"], 1);
    assert_eq!(cleaned, (vec!["a".to_owned(), "b".to_owned()], 2));
    assert_eq!(tags::distinct(&["ab", "a"], 2), (vec!["ab".to_owned()], 1));
    assert_eq!(tags::joined(&["ads", "Z"], 1, "h"), "h,z:1");
    assert_eq!(tags::joined(&["h"], 1, "h"), "h:0");
    assert_eq!(tags::joined(&[], 0, ""), ":0");
}
"#;

#[test]
fn the_builtin_agent_extracts_the_duplicated_blocks_of_builtin_blocks_and_keeps_their_behaviour() {
    let tmp = util::copy_of_fixture("builtin-blocks");
    let out = fix(tmp.path(), "builtin", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions.len(), 2, "{decisions:?}");
    assert!(
        decisions.iter().all(|d| d["outcome"] == "kept"),
        "{decisions:?}"
    );
    // Each decision names the finding by the id the scan printed, though the first kept
    // refactor shifted the ids of a rescan.
    let ids: Vec<_> = decisions.iter().map(|d| d["finding"].clone()).collect();
    assert_eq!(ids, ["D1", "D2"], "{decisions:?}");
    let read = |file: &str| std::fs::read_to_string(tmp.path().join(file)).unwrap();
    let stats = read("src/stats.rs");
    // The first copy's function keeps its signature and calls the helper beside it, which
    // returns what the code after the run uses; the second copy calls it with its own names.
    assert!(stats.contains("pub fn summarize(readings: &[i64], limit: i64) -> String {\n    let (count, total, spread) = summarize_step(readings, limit);\n"), "{stats}");
    assert!(
        stats
            .contains("\nfn summarize_step(readings: &[i64], limit: i64) -> (usize, i64, i64) {\n"),
        "{stats}"
    );
    assert!(
        stats.contains("    let (n, sum, spread) = summarize_step(weights, cap);\n"),
        "{stats}"
    );
    assert_eq!(
        stats.matches("for reading in readings").count(),
        1,
        "{stats}"
    );
    let tags = read("src/tags.rs");
    // What the run changes is lent `&mut`; what it only reads and the function never names
    // again is handed over.
    assert!(
        tags.contains("let added = distinct_step(labels, shortest, banned, &mut kept);"),
        "{tags}"
    );
    assert!(tags.contains("(*kept).push(tag);"), "{tags}");
    passes_its_tests_with(tmp.path(), Some(BUILTIN_BLOCKS_EDGES));
}

/// Edge values `builtin-near-miss`'s own tests lack, run only after the refactor.
const BUILTIN_NEAR_MISS_EDGES: &str = r#"
use builtin_near_miss::words::{score, stats};

#[test]
fn edges() {
    assert_eq!((score(""), stats("")), (0, (0, 0)));
    assert_eq!((score(" "), stats(" ")), (0, (0, 0)));
    assert_eq!((score("  a  "), stats("  a  ")), (101, (1, 1)));
    assert_eq!((score("ab  c"), stats("ab  c")), (202, (2, 2)));
    assert_eq!((score("a b c d"), stats("a b c d")), (401, (4, 1)));
    assert_eq!((score("  longword x"), stats("  longword x")), (208, (2, 8)));
}
"#;

#[test]
fn the_builtin_agent_gives_the_run_builtin_near_miss_functions_share_to_one_helper() {
    let tmp = util::copy_of_fixture("builtin-near-miss");
    let out = fix(tmp.path(), "builtin", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    assert_eq!(decisions[0]["outcome"], "kept", "{decisions:?}");
    let words = std::fs::read_to_string(tmp.path().join("src/words.rs")).unwrap();
    // The counters are `usize`: they index the bytes and meet `.len()`.
    assert!(
        words.contains("    let (count, longest) = score_step(text);\n    count * 100 + longest\n"),
        "{words}"
    );
    assert!(
        words.contains("\nfn score_step(text: &str) -> (usize, usize) {\n"),
        "{words}"
    );
    assert!(
        words.contains(
            "    let trimmed = line.trim();\n    let (words, widest) = score_step(trimmed);\n"
        ),
        "{words}"
    );
    assert_eq!(
        words.matches("while at < bytes.len()").count(),
        1,
        "{words}"
    );
    passes_its_tests_with(tmp.path(), Some(BUILTIN_NEAR_MISS_EDGES));
}

#[test]
fn the_builtin_agent_writes_one_macro_for_a_trait_implemented_alike_for_two_types() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "    fn label(&self) -> String {\n        let mut text = format!(\"{} ({})\", self.name, self.weight);\n        if self.weight > 100 {\n            text.push_str(\" heavy\");\n        }\n        text\n    }\n\n    fn heavier(&self, other: u32) -> bool {\n        self.weight > other\n    }\n";
    let lib = format!(
        "pub trait Label {{\n    fn label(&self) -> String;\n    fn heavier(&self, other: u32) -> bool;\n}}\n\npub struct Crate {{\n    pub name: String,\n    pub weight: u32,\n}}\n\npub struct Parcel {{\n    pub name: String,\n    pub weight: u32,\n}}\n\nimpl Label for Crate {{\n{body}}}\n\nimpl Label for Parcel {{\n{body}}}\n"
    );
    let files = [manifest("labels"), ("src/lib.rs", lib)];
    for (path, text) in &files {
        let path = tmp.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    // Trait impls of public types are public API: kept only with --allow-sensitive.
    let out = fix(tmp.path(), "builtin", &["--allow-sensitive"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["outcome"], "kept", "{decisions:?}");
    let lib = std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap();
    assert!(
        lib.contains(
            "macro_rules! impl_label {\n    ($ty:ty) => {\n        impl Label for $ty {\n"
        ),
        "{lib}"
    );
    assert!(
        lib.contains("impl_label!(Crate);\n\nimpl_label!(Parcel);\n"),
        "{lib}"
    );
    assert_eq!(
        lib.matches("fn heavier").count(),
        2,
        "the trait and the macro: {lib}"
    );
    // Behaviour the crate has no tests for, at the boundaries, after the change.
    let edges = "use labels::{Crate, Label, Parcel};\n\n#[test]\nfn edges() {\n    let c = Crate { name: String::new(), weight: 100 };\n    assert_eq!(c.label(), \" (100)\");\n    assert!(!c.heavier(100));\n    let p = Parcel { name: \"p\".into(), weight: 101 };\n    assert_eq!(p.label(), \"p (101) heavy\");\n    assert!(p.heavier(100));\n    assert!(!p.heavier(u32::MAX));\n}\n";
    passes_its_tests_with(tmp.path(), Some(edges));
}

#[test]
fn a_bench_that_needs_nightly_is_left_out_not_a_failed_baseline() {
    let tmp = copy_of_fix_crate();
    std::fs::create_dir_all(tmp.path().join("benches")).unwrap();
    std::fs::write(
        tmp.path().join("benches/speed.rs"),
        "#![feature(test)]\nextern crate test;\n\n#[bench]\nfn mean(b: &mut test::Bencher) {\n    b.iter(|| fix_crate::stats::mean_of_positive(&[1.0]));\n}\n",
    )
    .unwrap();
    let out = fix(tmp.path(), &agent("merge"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("leaving out the bench targets"),
        "{}",
        stderr(&out)
    );
    let notice = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "notice")
        .expect("a notice record");
    assert!(notice["message"]
        .as_str()
        .unwrap()
        .contains("benches/speed.rs"));
    assert_eq!(decisions(tmp.path())[0]["outcome"], "kept");
}

#[test]
fn a_baseline_that_fails_clippy_on_lints_only_is_verified_with_lints_capped() {
    let tmp = copy_of_fix_crate();
    // What a newer clippy's deny-by-default lint does to older code: an error, though the
    // code compiles.
    let lib = tmp.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(
        &lib,
        format!("{text}\n/// One.\n#[deny(clippy::needless_return)]\npub fn one() -> u32 {{\n    return 1;\n}}\n"),
    )
    .unwrap();
    let out = fix(tmp.path(), &agent("merge"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let notice = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "notice")
        .expect("a notice record");
    let message = notice["message"].as_str().unwrap();
    assert!(
        message.contains("lints only (clippy::needless_return)"),
        "{message}"
    );
    assert_eq!(decisions(tmp.path())[0]["outcome"], "kept");
    // Code that does not compile is still a failed baseline, lint errors or not.
    let broken = copy_of_fix_crate();
    let lib = broken.path().join("src/lib.rs");
    std::fs::write(
        &lib,
        format!("{text}\npub fn broken() -> u32 {{\n    return \"x\";\n}}\n"),
    )
    .unwrap();
    let out = fix(broken.path(), &agent("merge"), &[]);
    assert!(stderr(&out).contains("baseline fails"), "{}", stderr(&out));
    assert!(!out.status.success());
    // The compiler's error is printed once (not again in the status line, nor once per
    // target that compiles the library).
    let errors = stderr(&out).matches("error[E0308]").count();
    assert_eq!(errors, 1, "{}", stderr(&out));
}

#[test]
fn a_candidate_builds_and_tests_only_the_packages_its_edit_reaches() {
    // Whatever the selection: with `-p beta`, the other members are still there to leave out.
    for selection in [&[][..], &["-p", "beta"][..]] {
        candidate_reaches_beta_only(selection);
    }
}

/// A `shared` crate whose macro gives `beta` one more test when its `extra` feature is on,
/// and a `gamma` crate, which nothing depends on, that turns it on.
fn add_feature_gated_test(root: &Path) {
    let edit = |file: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(text.contains(from), "{file}");
        std::fs::write(root.join(file), text.replacen(from, to, 1)).unwrap();
    };
    std::fs::create_dir_all(root.join("crates/shared/src")).unwrap();
    std::fs::write(
        root.join("crates/shared/Cargo.toml"),
        "[package]\nname = \"shared\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[features]\nextra = []\n",
    )
    .unwrap();
    std::fs::write(
        root.join("crates/shared/src/lib.rs"),
        "//! A test its dependents get only with `extra`.\n\n#[cfg(feature = \"extra\")]\n#[macro_export]\nmacro_rules! extra_tests {\n    () => {\n        #[test]\n        fn unified_extra() {}\n    };\n}\n\n#[cfg(not(feature = \"extra\"))]\n#[macro_export]\nmacro_rules! extra_tests {\n    () => {};\n}\n",
    )
    .unwrap();
    // `gamma`, which nothing depends on, turns `extra` on.
    std::fs::create_dir_all(root.join("crates/gamma/src")).unwrap();
    std::fs::write(
        root.join("crates/gamma/Cargo.toml"),
        "[package]\nname = \"gamma\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nshared = { path = \"../shared\", features = [\"extra\"] }\n",
    )
    .unwrap();
    std::fs::write(
        root.join("crates/gamma/src/lib.rs"),
        "//! Turns `extra` on.\n",
    )
    .unwrap();
    edit(
        "Cargo.toml",
        "\"crates/beta\"",
        "\"crates/beta\", \"crates/shared\", \"crates/gamma\"",
    );
    edit(
        "crates/beta/Cargo.toml",
        "[dependencies]\n",
        "[dependencies]\nshared = { path = \"../shared\" }\n",
    );
    let lib = std::fs::read_to_string(root.join("crates/beta/src/lib.rs")).unwrap();
    std::fs::write(
        root.join("crates/beta/src/lib.rs"),
        lib + "\nshared::extra_tests!();\n",
    )
    .unwrap();
}

/// A member `gamma` turns on a feature of `shared` that gives `beta` one more test: cargo
/// unifies features over the packages it builds, so `-p beta` runs one test fewer than the
/// workspace's baseline. The candidate is then tested with the whole workspace, and kept.
#[test]
fn a_reach_whose_tests_differ_from_the_baselines_by_features_is_tested_whole() {
    let tmp = util::copy_of_fixture("dup-workspace");
    let root = tmp.path();
    add_feature_gated_test(root);
    add_beta_copies(root);
    // The test commands of each run's candidate, by run.
    let tests = || {
        let mut by_run: Vec<(String, Vec<String>)> = Vec::new();
        let steps = (records(root).into_iter())
            .filter(|r| r["event"] == "step" && r["candidate"] == "c1" && r["step"] == "test");
        for r in steps {
            let (run, command) = (r["run"].to_string(), r["command"].to_string());
            match by_run.last_mut() {
                Some((last, commands)) if *last == run => commands.push(command),
                _ => by_run.push((run, vec![command])),
            }
        }
        by_run
            .into_iter()
            .map(|(_, commands)| commands)
            .collect::<Vec<_>>()
    };
    let out = fix(root, "builtin", &["--max-candidates", "1", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(root)[0]["outcome"], "kept", "{}", stderr(&out));
    let first = &tests()[0];
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(first[0].contains("-p beta") && first[1].contains("--workspace"));
    let why = (records(root).into_iter())
        .filter(|r| r["event"] == "notice")
        .map(|r| r["message"].as_str().unwrap().to_owned())
        .find(|m| m.contains("whole workspace from now on"));
    assert!(why.as_ref().is_some_and(|m| m.contains("beta")), "{why:?}");
    // The next run remembers it: the whole workspace at once.
    let out = fix(root, "builtin", &["--max-candidates", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(root)[1]["outcome"], "kept", "{}", stderr(&out));
    let second = &tests()[1];
    assert!(
        second.len() == 1 && second[0].contains("--workspace"),
        "{second:?}"
    );
}

fn candidate_reaches_beta_only(selection: &[&str]) {
    let tmp = util::copy_of_fixture("dup-workspace");
    add_beta_copies(tmp.path());
    let out = fix(
        tmp.path(),
        "builtin",
        &[&["--max-candidates", "1"][..], selection].concat(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        decisions(tmp.path())[0]["outcome"],
        "kept",
        "{}",
        stderr(&out)
    );
    let steps: Vec<Value> = records(tmp.path())
        .into_iter()
        .filter(|r| r["event"] == "step" && r["candidate"] == "c1")
        .collect();
    assert!(!steps.is_empty());
    for step in &steps {
        let command = step["command"].as_str().unwrap();
        assert!(command.contains("-p beta"), "{command}");
        assert!(
            !command.contains("--workspace") && !command.contains("alpha"),
            "{command}"
        );
    }
    // The baseline still covers the whole workspace.
    let baseline = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "step" && r["candidate"] == "baseline")
        .unwrap();
    assert!(baseline["command"]
        .as_str()
        .unwrap()
        .contains("--workspace"));
}

#[test]
fn fix_prints_what_it_did_as_json_and_refuses_formats_for_findings() {
    let tmp = copy_of_fix_crate();
    let out = fix(tmp.path(), &agent("merge"), &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["decisions"][0]["outcome"], "kept", "{doc}");
    assert_eq!(doc["summary"]["outcomes"]["kept"], 1, "{doc}");
    assert_eq!(doc["run"], doc["decisions"][0]["run"]);
    let sarif = fix(tmp.path(), &agent("merge"), &["--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(2));
    assert!(
        stderr(&sarif).contains("`--format sarif` does not apply"),
        "{}",
        stderr(&sarif)
    );
    let log = run(tmp.path(), &["log", "--format", "sarif"], &[]);
    assert_eq!(log.status.code(), Some(2), "{}", stderr(&log));
    // A format configuration sets for the analysis commands is not an error here.
    std::fs::write(tmp.path().join("loop.toml"), "format = \"github\"\n").unwrap();
    let configured = fix(tmp.path(), &agent("merge"), &[]);
    assert!(configured.status.success(), "{}", stderr(&configured));
}

/// The largest clone group, inside `beta`, which nothing depends on.
fn add_beta_copies(root: &std::path::Path) {
    let copy = |name: &str| {
        let mut body = format!("pub fn {name}(values: &[u64]) -> u64 {{\n    let mut total = 0;\n");
        for n in 0..12 {
            let _ = write!(
                body,
                "    if values.len() > {n} {{\n        total += values[{n}] * {};\n    }}\n",
                n + 3
            );
        }
        body.push_str("    total\n}\n\n");
        body
    };
    let beta = root.join("crates/beta/src");
    std::fs::write(
        beta.join("weights.rs"),
        copy("weigh") + &copy("weigh_again"),
    )
    .unwrap();
    let lib = std::fs::read_to_string(beta.join("lib.rs")).unwrap();
    std::fs::write(
        beta.join("lib.rs"),
        lib.replace("pub mod catalog;", "pub mod catalog;\npub mod weights;"),
    )
    .unwrap();
}

/// Two `pub` structs declared alike: the second becomes an alias of the first, held for
/// review (the public API changes) unless `--allow-sensitive`, and the crate's test passes.
#[test]
fn the_builtin_agent_makes_a_struct_declared_alike_an_alias() {
    let tmp = util::copy_of_fixture("alike-structs");
    let before = util::snapshot(tmp.path());
    let out = fix(tmp.path(), "builtin", &["--findings", "dup"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        decisions(tmp.path())[0]["outcome"],
        "held",
        "{}",
        stderr(&out)
    );
    assert_eq!(util::snapshot(tmp.path()), before);
    let out = fix(
        tmp.path(),
        "builtin",
        &["--findings", "dup", "--allow-sensitive"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        decisions(tmp.path())[1]["outcome"],
        "kept",
        "{}",
        stderr(&out)
    );
    let ui = std::fs::read_to_string(tmp.path().join("src/ui.rs")).unwrap();
    assert_eq!(
        ui,
        "//! The screen.\n\n/// Where the cursor is.\npub type Cursor = crate::geo::Point;\n"
    );
}

#[test]
fn the_builtin_agent_applies_clippys_fixes_inside_a_nested_function_and_says_so() {
    let tmp = util::copy_of_fixture("clippy-fixes");
    let git = |args: &[&str]| util::git(tmp.path(), args);
    git(&["init", "-q"]);
    std::fs::write(tmp.path().join(".gitignore"), "target\n").unwrap();
    git(&["add", "-A"]);
    git(&["commit", "-qm", "start"]);
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--commit",
            "--agent",
            "builtin",
            "--findings",
            "smells",
        ],
        &util::IDENTITY,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    let outcomes: Vec<(&str, &str)> = (decisions.iter())
        .map(|d| (d["outcome"].as_str().unwrap(), d["step"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [("kept", "analysis"), ("rejected", "agent")],
        "{decisions:?}"
    );
    // `if`/`else` chains have no machine-applicable fix: the agent says so.
    assert!(
        decisions[1]["reason"]
            .as_str()
            .unwrap()
            .contains("no machine-applicable fix inside `clippy_fixes::bucket`"),
        "{}",
        decisions[1]["reason"]
    );
    // The collapsed `if`s, laid out by rustfmt since the file was rustfmt-clean.
    let lib = std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap();
    let collapsed = "    if age > 0 && age < 365 {\n        for label in labels {\n            \
                     if label.starts_with(\"sev\") && label.ends_with('1') && age > 2 {\n";
    assert!(lib.contains(collapsed), "{lib}");
    let message = git(&["log", "-1", "--format=%B"]);
    assert!(
        message.contains(
            "apply clippy's fixes inside `clippy_fixes::triage` (clippy::collapsible_if)"
        ),
        "{message}"
    );
}

#[test]
fn a_block_returning_locals_of_unwritten_types_gets_the_types_the_compiler_names() {
    let tmp = tempfile::tempdir().unwrap();
    let block = "    let mut all = xs.to_vec();\n    all.extend_from_slice(ys);\n    all.sort_unstable();\n    all.dedup();\n    let top = all.iter().copied().max();\n    let low = all.iter().copied().min();\n";
    let files = [
        manifest("ranges"),
        (
            "src/lib.rs",
            format!("/// How far the values reach.\npub fn widest(xs: &[u32], ys: &[u32]) -> u32 {{\n{block}    top.unwrap_or(0) - low.unwrap_or(0)\n}}\n\n/// The values' range, as text.\npub fn spread(xs: &[u32], ys: &[u32]) -> String {{\n{block}    format!(\"{{low:?}}..{{top:?}}\")\n}}\n\n#[test]\nfn ranges() {{\n    assert_eq!(widest(&[3, 1], &[7]), 6);\n    assert_eq!(spread(&[], &[2]), \"Some(2)..Some(2)\");\n}}\n"),
        ),
    ];
    write_files(tmp.path(), &files);
    let out = run(tmp.path(), &["fix", "--allow-no-vcs"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions[0]["outcome"], "kept", "{decisions:?}");
    // The helper's `_` went through the compiler's fix: the kept text names the types.
    let lib = std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("Option<u32>") && !lib.contains("-> _"),
        "{lib}"
    );
    passes_its_tests_with(tmp.path(), None);
}

#[test]
fn the_builtin_agent_makes_enums_declared_alike_one_type_and_their_variants_still_build() {
    let tmp = tempfile::tempdir().unwrap();
    let decl = |name: &str| {
        format!("/// How a job runs.\n#[derive(Debug, Clone, Copy, PartialEq)]\npub(crate) enum {name} {{\n    Fast,\n    Slow(u8),\n    Paused {{ until: u32 }},\n    Stopped,\n}}\n")
    };
    let user = |name: &str, f: &str| {
        format!("\npub fn {f}(n: u8) -> u32 {{\n    let mode = if n > 3 {{ {name}::Slow(n) }} else {{ {name}::Paused {{ until: 9 }} }};\n    match mode {{\n        {name}::Fast | {name}::Stopped => 0,\n        {name}::Slow(k) => u32::from(k),\n        {name}::Paused {{ until }} => until,\n    }}\n}}\n")
    };
    let files = [
        manifest("modes"),
        (
            "src/lib.rs",
            "pub mod jobs;\npub mod tasks;\n\n#[test]\nfn modes() {\n    assert_eq!(jobs::job_cost(5), 5);\n    assert_eq!(tasks::task_cost(1), 9);\n}\n".to_owned(),
        ),
        ("src/jobs.rs", decl("JobMode") + &user("JobMode", "job_cost")),
        ("src/tasks.rs", decl("TaskMode") + &user("TaskMode", "task_cost")),
    ];
    write_files(tmp.path(), &files);
    let out = run(
        tmp.path(),
        &["fix", "--allow-no-vcs", "--findings", "dup"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    let kept: Vec<_> = decisions
        .iter()
        .filter(|d| d["outcome"] == "kept")
        .collect();
    assert!(!kept.is_empty(), "{decisions:?}");
    let tasks = std::fs::read_to_string(tmp.path().join("src/tasks.rs")).unwrap();
    let jobs = std::fs::read_to_string(tmp.path().join("src/jobs.rs")).unwrap();
    let aliased = tasks.contains("pub(crate) type TaskMode = crate::jobs::JobMode;")
        || jobs.contains("pub(crate) type JobMode = crate::tasks::TaskMode;");
    assert!(aliased, "{jobs}\n{tasks}");
    passes_its_tests_with(tmp.path(), None);
}

/// `--fail-on` judges the tree as the pass left it: findings left fail the run, as they fail
/// `dup --fail-on`.
#[test]
fn fix_fail_on_judges_what_the_pass_left() {
    let tmp = copy_of_fix_crate();
    let out = fix(
        tmp.path(),
        &agent("break-build"),
        &["--attempts", "1", "--fail-on", "any"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: --fail-on: 1 clone group"),
        "{}",
        stderr(&out)
    );
    // Its one pass ends with a summary record, as `run`'s do.
    let ends: Vec<Value> = (records(tmp.path()).into_iter())
        .filter(|r| r["event"] == "pass_end")
        .collect();
    assert_eq!(ends.len(), 1, "{ends:?}");
    assert_eq!(ends[0]["rejected"], 1, "{ends:?}");
    let never = fix(tmp.path(), &agent("break-build"), &["--attempts", "1"]);
    assert_eq!(never.status.code(), Some(0), "{}", stderr(&never));
}

/// Counts and times of 0 would do nothing (or kill every agent at once): refused, naming the
/// flag, before any work; as is `--commit` with `--dry-run`, which writes nothing to commit.
#[test]
fn flags_that_would_do_nothing_are_refused() {
    let tmp = copy_of_fix_crate();
    for flag in [
        "--attempts",
        "--jobs",
        "--max-candidates",
        "--agent-timeout",
        "--max-agent-output",
        "--build-timeout",
        "--test-timeout",
    ] {
        let out = run(tmp.path(), &["fix", "--allow-no-vcs", flag, "0"], &[]);
        assert_eq!(out.status.code(), Some(2), "{flag}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("{flag} must be at least 1")),
            "{}",
            stderr(&out)
        );
    }
    for flag in ["--max-passes", "--stall"] {
        let out = run(tmp.path(), &["run", "--allow-no-vcs", flag, "0"], &[]);
        assert_eq!(out.status.code(), Some(2), "{flag}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("{flag} must be at least 1")),
            "{}",
            stderr(&out)
        );
    }
    // A target score that no scan can reach.
    for score in ["NaN", "-1"] {
        let flag = format!("--target-score={score}");
        let out = run(tmp.path(), &["run", "--allow-no-vcs", &flag], &[]);
        assert_eq!(out.status.code(), Some(2), "{score}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--target-score must be a number of 0 or more"),
            "{}",
            stderr(&out)
        );
    }
    std::fs::write(tmp.path().join("loop.toml"), "target-score = nan\n").unwrap();
    let out = run(tmp.path(), &["run", "--allow-no-vcs"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`target-score` must be"),
        "{}",
        stderr(&out)
    );
    // From configuration, the message names the key, not a flag nobody passed.
    std::fs::write(tmp.path().join("loop.toml"), "attempts = 0\n").unwrap();
    let out = run(tmp.path(), &["fix", "--allow-no-vcs"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`attempts` in the configuration"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(tmp.path().join("loop.toml")).unwrap();
    let out = run(tmp.path(), &["fix", "--dry-run", "--commit"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!tmp.path().join("target/loop/audit.jsonl").exists());
}
