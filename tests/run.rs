//! End-to-end tests of `cargo loop run`: passes until a stopping rule fires, each rule
//! recorded, the pass summaries, and what a later run remembers.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod util;

use util::{
    agent, copy_of_fix_crate, copy_of_fixture, decisions, git, records, run, stderr, IDENTITY,
};

/// `cargo loop run --allow-dirty --allow-no-vcs EXTRA...` in `dir`.
fn run_loop(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "--allow-dirty",
        "--allow-no-vcs",
        "--agent-timeout",
        "20",
    ];
    args.extend_from_slice(extra);
    run(dir, &args, &[])
}

fn of_kind(dir: &Path, event: &str) -> Vec<Value> {
    records(dir)
        .into_iter()
        .filter(|r| r["event"] == event)
        .collect()
}

/// The reason of the run's stop record.
fn stop_reason(dir: &Path) -> String {
    let stops = of_kind(dir, "stop");
    assert_eq!(stops.len(), 1, "{stops:?}");
    stops[0]["reason"].as_str().unwrap().to_owned()
}

#[test]
fn the_builtin_agent_passes_until_nothing_is_left_and_the_score_falls() {
    let tmp = copy_of_fixture("loop-crate");
    let out = run_loop(tmp.path(), &["--max-candidates", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let passes = of_kind(tmp.path(), "pass_end");
    assert!(passes.len() >= 2, "{passes:?}");
    let duplication = |pass: &Value, when: &str| pass[when]["duplication"].as_f64().unwrap();
    assert!(duplication(&passes[0], "after") < duplication(&passes[0], "before"));
    for pass in &passes {
        assert!(
            duplication(pass, "after") <= duplication(pass, "before"),
            "{pass}"
        );
    }
    let last = passes.last().unwrap();
    assert_eq!(last["go_on"], false);
    assert!(passes[..passes.len() - 1]
        .iter()
        .all(|p| p["go_on"] == true));
    assert!(stop_reason(tmp.path()).contains("nothing left to try"));
    let kept = decisions(tmp.path())
        .iter()
        .filter(|d| d["outcome"] == "kept")
        .count();
    assert!(kept >= 5, "{kept} kept");
    let report = std::fs::read_to_string(tmp.path().join("src/report.rs")).unwrap();
    assert!(
        report.contains("crate::billing::order_total(entries)"),
        "{report}"
    );
    assert!(
        stderr(&out).contains("Completed pass 1:"),
        "{}",
        stderr(&out)
    );
    let log = run(tmp.path(), &["log"], &[]);
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(log.contains("  pass 2:"), "{log}");
}

#[test]
fn max_passes_and_the_target_score_stop_the_loop() {
    let tmp = copy_of_fixture("loop-crate");
    let out = run_loop(tmp.path(), &["--max-candidates", "1", "--max-passes", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(of_kind(tmp.path(), "pass_end").len(), 1);
    assert!(stop_reason(tmp.path()).contains("--max-passes 1"));

    let tmp = copy_of_fixture("loop-crate");
    let out = run_loop(
        tmp.path(),
        &["--max-candidates", "1", "--target-score", "100000"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Met already: known from the scan, so nothing is built, no pass runs, nothing is tried.
    assert!(of_kind(tmp.path(), "pass_end").is_empty());
    assert!(
        of_kind(tmp.path(), "step").is_empty(),
        "the baseline was verified"
    );
    assert!(decisions(tmp.path()).is_empty());
    assert!(
        stop_reason(tmp.path()).contains("target score reached before any pass"),
        "{}",
        stop_reason(tmp.path())
    );
}

#[test]
fn passes_that_keep_nothing_stall_the_loop() {
    let tmp = copy_of_fixture("loop-crate");
    let silent = "cmd:sh -c 'cat >/dev/null; echo no edits today'";
    let out = run_loop(
        tmp.path(),
        &[
            "--agent",
            silent,
            "--attempts",
            "1",
            "--max-candidates",
            "2",
            "--stall",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(of_kind(tmp.path(), "pass_end").len(), 1);
    assert!(
        stop_reason(tmp.path()).contains("stalled"),
        "{}",
        stop_reason(tmp.path())
    );
}

#[test]
fn an_agent_that_repeats_a_rejected_change_is_stuck() {
    let tmp = copy_of_fix_crate();
    let out = run_loop(
        tmp.path(),
        &["--agent", &agent("break-build"), "--attempts", "3"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions = decisions(tmp.path());
    assert_eq!(decisions.len(), 1);
    let reason = decisions[0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("stuck:"), "{reason}");
    // The decision says where the repeated change failed, and why, not just "agent".
    assert_eq!(decisions[0]["step"], "check", "{reason}");
    assert!(reason.contains("error"), "{reason}");
    // The second attempt was not verified again: one check of the first attempt only.
    let checks = of_kind(tmp.path(), "step")
        .into_iter()
        .filter(|s| s["candidate"] == "c1" && s["step"] == "clippy")
        .count();
    assert_eq!(checks, 1);
    assert!(stop_reason(tmp.path()).starts_with("stuck:"));
}

#[test]
fn a_time_limit_or_a_spent_budget_starts_nothing_more() {
    let tmp = copy_of_fixture("loop-crate");
    let out = run_loop(tmp.path(), &["--time-limit", "0"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(decisions(tmp.path()).is_empty());
    assert!(stop_reason(tmp.path()).contains("time limit"));

    let tmp = copy_of_fix_crate();
    let out = run_loop(
        tmp.path(),
        &["--agent", &agent("merge"), "--budget-tokens", "10"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        of_kind(tmp.path(), "response").is_empty(),
        "an agent was called"
    );
    assert!(stop_reason(tmp.path()).contains("--budget-tokens 10"));
}

#[test]
fn a_later_run_does_not_pay_again_for_what_was_rejected() {
    let tmp = copy_of_fix_crate();
    let breaks = agent("break-build");
    let out = run_loop(tmp.path(), &["--agent", &breaks, "--attempts", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path()).len(), 1);
    let out = run_loop(tmp.path(), &["--agent", &breaks, "--attempts", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        decisions(tmp.path()).len(),
        1,
        "the rejected finding was tried again"
    );
    let reasons: Vec<String> = of_kind(tmp.path(), "stop")
        .iter()
        .map(|s| s["reason"].as_str().unwrap().to_owned())
        .collect();
    assert!(reasons[1].contains("tried before"), "{reasons:?}");
    // Another agent has not tried it: a run with it does.
    let out = run_loop(tmp.path(), &["--agent", &agent("merge")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path()).last().unwrap()["outcome"], "kept");
}

/// A finding no agent answered for (the budget ran out before the call, the agent timed
/// out) was not tried: the next run with the same agent tries it.
#[test]
fn a_finding_no_agent_answered_for_is_tried_by_the_next_run() {
    let tmp = copy_of_fix_crate();
    let merge = agent("merge");
    let out = run_loop(tmp.path(), &["--agent", &merge, "--budget-tokens", "10"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path()).last().unwrap()["outcome"], "rejected");
    let hang = agent("hang");
    let args = [
        "run",
        "--allow-dirty",
        "--allow-no-vcs",
        "--agent-timeout",
        "1",
    ];
    let out = run(tmp.path(), &[&args[..], &["--agent", &hang]].concat(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        (decisions(tmp.path()).last().unwrap()["reason"]
            .as_str()
            .unwrap())
        .contains("--agent-timeout"),
        "{:?}",
        decisions(tmp.path())
    );
    let tried = std::fs::read_to_string(tmp.path().join("target/loop/tried.json"))
        .unwrap_or_else(|_| "{}".into());
    assert_eq!(tried.trim(), "{}", "remembered as tried: {tried}");
    let out = run_loop(tmp.path(), &["--agent", &merge]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decisions(tmp.path()).last().unwrap()["outcome"], "kept");
}

/// The fingerprints of the findings a run took as candidates.
fn tried(dir: &Path) -> Vec<String> {
    of_kind(dir, "finding")
        .iter()
        .filter_map(|f| f["fingerprint"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn shards_split_the_findings_exactly_and_their_patches_apply_from_a_folder() {
    let whole = copy_of_fixture("loop-crate");
    let out = run(
        whole.path(),
        &["dup", "--format", "json", "--no-cache"],
        &[],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut all: Vec<String> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    all.sort();
    let mut union = Vec::new();
    let mut first_shard = None;
    for k in 1..=3 {
        let tmp = copy_of_fixture("loop-crate");
        let shard = format!("{k}/3");
        let out = util::fix(
            tmp.path(),
            "builtin",
            &[
                "--findings",
                "dup",
                "--shard",
                &shard,
                "--max-candidates",
                "100",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        union.extend(tried(tmp.path()));
        // A shard never writes the tree: what it verified is held for the final job.
        assert!(decisions(tmp.path()).iter().all(|d| d["outcome"] != "kept"));
        if decisions(tmp.path()).iter().any(|d| d["outcome"] == "held") {
            first_shard.get_or_insert(tmp);
        }
    }
    union.sort();
    assert_eq!(
        union, all,
        "the shards' union is not every finding exactly once"
    );

    let shard = first_shard.expect("a shard held a verified refactor");
    let target = copy_of_fixture("loop-crate");
    let folder = shard.path().join("target/loop/review");
    let out = run(
        target.path(),
        &[
            "apply",
            folder.to_str().unwrap(),
            "--allow-dirty",
            "--allow-no-vcs",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Applied"), "{}", stderr(&out));
    let bad = run(target.path(), &["fix", "--shard", "4/3"], &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("1 <= K <= N"), "{}", stderr(&bad));
    // A share with nothing in it says so, not that everything was tried before.
    let fresh = copy_of_fixture("loop-crate");
    let empty = util::fix(
        fresh.path(),
        "builtin",
        &["--findings", "dup", "--shard", "97/97"],
    );
    assert!(empty.status.success(), "{}", stderr(&empty));
    let stop = util::records(fresh.path())
        .into_iter()
        .find(|r| r["event"] == "stop")
        .unwrap();
    assert!(
        stop["reason"]
            .as_str()
            .unwrap()
            .contains("nothing to do in shard 97/97"),
        "{stop}"
    );
}

/// Polls until `done` holds for the audit trail of `dir`, for at most a minute.
fn wait_for(dir: &Path, what: &str, done: impl Fn(&[Value]) -> bool) {
    let audit = dir.join("target/loop/audit.jsonl");
    for _ in 0..600 {
        if audit.exists() && done(&records(dir)) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("waited a minute for {what}");
}

/// Ctrl-C for a watching run: it ends with exit code 130.
fn interrupt(child: std::process::Child) -> Output {
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    out
}

/// A module holding a new pair of copied functions.
fn two_copies() -> String {
    let copy = "pub fn evens_{0}(values: &[u64], limit: u64) -> (u64, usize) {\n    let mut sum = 0;\n    let mut count = 0;\n    for value in values {\n        if *value % 2 == 0 && *value < limit {\n            sum += value * 2;\n            count += 1;\n        }\n    }\n    if count == 0 {\n        return (0, 0);\n    }\n    (sum / count as u64, count)\n}\n\n";
    format!("{}{}", copy.replace("{0}", "a"), copy.replace("{0}", "b"))
}

/// `cargo loop run --watch` with `args` in `dir`, its output kept for [`interrupt`].
fn watching(dir: &Path, args: &[&str]) -> std::process::Child {
    util::cargo_loop(dir)
        .args(["run", "--watch"])
        .args(args)
        .envs(IDENTITY)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// The runs `records` show ended.
fn stops(records: &[Value]) -> usize {
    records.iter().filter(|r| r["event"] == "stop").count()
}

#[test]
fn watch_starts_a_new_run_when_a_source_changes_and_stops_on_ctrl_c() {
    let tmp = util::repository_of("loop-crate");
    // Configuration's switch, as the flag would: the edits below are never committed.
    std::fs::write(tmp.path().join("loop.toml"), "allow-dirty = true\n").unwrap();
    let child = watching(tmp.path(), &["--max-candidates", "10"]);
    wait_for(tmp.path(), "the first run", |r| stops(r) == 1);
    // Reading a source (an editor, `git diff`) is no change.
    std::fs::read_to_string(tmp.path().join("src/text.rs")).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(stops(&records(tmp.path())), 1, "a read started a run");
    // A new pair of copies, in a new module.
    let module = two_copies();
    std::fs::write(tmp.path().join("src/extra.rs"), module).unwrap();
    let lib = tmp.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(
        &lib,
        text.replace("pub mod billing;", "pub mod billing;\npub mod extra;"),
    )
    .unwrap();
    wait_for(tmp.path(), "a second run", |r| stops(r) == 2);
    let second: Vec<Value> = records(tmp.path())
        .into_iter()
        .skip_while(|r| r["event"] != "stop")
        .skip(1)
        .filter(|r| r["event"] == "decision")
        .collect();
    assert_eq!(second.len(), 1, "{second:?}");
    assert_eq!(second[0]["outcome"], "kept", "{second:?}");
    let out = interrupt(child);
    assert!(stderr(&out).contains("Watching"), "{}", stderr(&out));
}

/// A save made while a run works starts the next run as soon as it ends, though no file
/// changes after it; what the run itself kept does not.
#[test]
fn watch_sees_a_save_made_while_a_run_worked() {
    let tmp = util::repository_of("loop-crate");
    std::fs::write(tmp.path().join("loop.toml"), "allow-dirty = true\n").unwrap();
    let args = ["--max-candidates", "1", "--max-passes", "1"];
    let child = watching(tmp.path(), &args);
    // The first run is verifying its baseline: cargo takes seconds more.
    wait_for(tmp.path(), "the first run's first step", |r| {
        r.iter().any(|r| r["event"] == "step")
    });
    std::fs::write(tmp.path().join("src/extra.rs"), two_copies()).unwrap();
    wait_for(tmp.path(), "the first run", |r| stops(r) == 1);
    wait_for(tmp.path(), "a second run", |r| stops(r) == 2);
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(
        stops(&records(tmp.path())),
        2,
        "a run started on its own keeps"
    );
    let out = interrupt(child);
    assert!(stderr(&out).contains("src/extra.rs"), "{}", stderr(&out));
}

/// With `--branch`, a watching run never waits for the person's uncommitted edits nor touches
/// them: it works in its own worktree, and a commit in the checkout starts a new run from it.
#[test]
fn watch_on_a_branch_follows_the_checkouts_commits_and_leaves_its_edits_alone() {
    let tmp = util::repository_of("loop-crate");
    let lib = tmp.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    let wip = format!("{text}\n// work in progress\n");
    std::fs::write(&lib, &wip).unwrap();
    let args = [
        "--commit",
        "--branch",
        "loop/cleanup",
        "--max-candidates",
        "1",
        "--max-passes",
        "1",
    ];
    let child = watching(tmp.path(), &args);
    let worktree = tmp.path().join("target/loop/worktrees/loop-cleanup");
    wait_for(&worktree, "the first run", |r| stops(r) == 1);
    let ahead = || git(tmp.path(), &["rev-list", "--count", "HEAD..loop/cleanup"]);
    assert_eq!(ahead().trim(), "1");
    // The person commits new copies, their work in progress still uncommitted.
    let module = two_copies();
    std::fs::write(tmp.path().join("src/extra.rs"), module).unwrap();
    git(tmp.path(), &["add", "src/extra.rs"]);
    git(tmp.path(), &["commit", "-qm", "extra"]);
    wait_for(&worktree, "a second run", |r| stops(r) == 2);
    interrupt(child);
    git(
        tmp.path(),
        &["merge-base", "--is-ancestor", "HEAD", "loop/cleanup"],
    );
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), wip);
    let status = git(tmp.path(), &["status", "--porcelain"]);
    assert_eq!(status.trim(), "M src/lib.rs", "{status}");
}

#[test]
fn each_refactor_lands_on_its_own_branch_and_the_tree_stays_as_it_was() {
    let tmp = util::repository_of("loop-crate");
    let before = util::snapshot(tmp.path());
    let out = run(
        tmp.path(),
        &[
            "run",
            "--branch-per-refactor",
            "--max-candidates",
            "2",
            "--max-passes",
            "1",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        util::snapshot(tmp.path()),
        before,
        "the working tree changed"
    );
    assert_eq!(git(tmp.path(), &["status", "--porcelain"]), "");
    let branches = git(tmp.path(), &["branch", "--list", "loop/*"]);
    let branches: Vec<&str> = branches.lines().map(str::trim).collect();
    assert_eq!(branches.len(), 2, "{branches:?}");
    // Each branch is one commit off the start, holding one refactor.
    for branch in &branches {
        let count = git(
            tmp.path(),
            &["rev-list", "--count", &format!("HEAD..{branch}")],
        );
        assert_eq!(count.trim(), "1");
    }
    let kept = decisions(tmp.path());
    assert!(kept
        .iter()
        .all(|d| d["reason"].as_str().unwrap().contains("on branch loop/")));
    let review = run(tmp.path(), &["review"], &[]);
    let review = String::from_utf8_lossy(&review.stdout);
    assert!(review.contains(branches[0]), "{review}");
}

#[test]
fn roles_send_clones_and_smells_to_their_own_agents_and_log_reports_each() {
    let tmp = copy_of_fixture("loop-crate");
    // One smell beside the planted clones: a `pub` item only its own module uses.
    let lib = tmp.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("pub mod text;\n", "pub mod text;\nmod internal;\n\n/// Uses the internal module.\npub fn answer() -> u32 {\n    internal::used()\n}\n")).unwrap();
    std::fs::write(
        tmp.path().join("src/internal.rs"),
        "/// The crate root calls it.\npub fn used() -> u32 {\n    helper()\n}\n\n/// Only this module calls it.\npub fn helper() -> u32 {\n    42\n}\n",
    )
    .unwrap();
    // The role's instructions come from configuration, its agent from the flag.
    std::fs::write(
        tmp.path().join("loop.toml"),
        "[roles.architecture]\nagent = \"builtin\"\nprompt = \"Prefer pub(crate) to pub.\"\n",
    )
    .unwrap();
    // The architecture role's agent answers nothing: its smells are rejected at `agent`.
    let silent = "cmd:sh -c 'cat >/dev/null; exit 3'";
    let out = run_loop(
        tmp.path(),
        &[
            "--max-passes",
            "1",
            "--max-candidates",
            "10",
            "--role",
            "duplication=builtin",
            "--role",
            &format!("architecture={silent}"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let findings = of_kind(tmp.path(), "finding");
    let role_of = |id: &str| {
        let f = findings
            .iter()
            .find(|f| f["finding"].as_str().unwrap().starts_with(id));
        f.map(|f| f["role"].as_str().unwrap().to_owned())
    };
    assert_eq!(role_of("D").as_deref(), Some("duplication"));
    assert_eq!(role_of("S").as_deref(), Some("architecture"));
    let smells: Vec<Value> = decisions(tmp.path())
        .into_iter()
        .filter(|d| d["finding"].as_str().unwrap().starts_with('S'))
        .collect();
    assert!(
        !smells.is_empty()
            && smells
                .iter()
                .all(|d| d["outcome"] == "rejected" && d["step"] == "agent"),
        "{smells:?}"
    );
    let internal = std::fs::read_to_string(tmp.path().join("src/internal.rs")).unwrap();
    assert!(
        internal.contains("pub fn helper"),
        "the builtin agent never saw the smell"
    );
    let pass = &of_kind(tmp.path(), "pass_end")[0];
    assert!(
        pass["roles"]["duplication"]["kept"].as_u64().unwrap() >= 1,
        "{pass}"
    );
    assert!(
        pass["roles"]["architecture"]["rejected"].as_u64().unwrap() >= 1,
        "{pass}"
    );
    let log = run(tmp.path(), &["log"], &[]);
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(
        log.contains("  duplication: ") && log.contains("  architecture: "),
        "{log}"
    );
}

/// The fingerprints of the findings a run kept refactors for, in the order it kept them.
fn kept_fingerprints(dir: &Path) -> Vec<String> {
    let records = records(dir);
    let fingerprint_of = |candidate: &Value| {
        let finding = records
            .iter()
            .find(|r| r["event"] == "finding" && r["candidate"] == *candidate);
        finding.unwrap()["fingerprint"].as_str().unwrap().to_owned()
    };
    records
        .iter()
        .filter(|r| r["event"] == "decision" && r["outcome"] == "kept")
        .map(|d| fingerprint_of(&d["candidate"]))
        .collect()
}

#[test]
fn jobs_2_keeps_on_loop_crate_what_jobs_1_keeps_in_the_same_order() {
    let one = copy_of_fixture("loop-crate");
    let two = copy_of_fixture("loop-crate");
    let out = run_loop(one.path(), &["--max-candidates", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run_loop(two.path(), &["--max-candidates", "3", "--jobs", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let kept = kept_fingerprints(one.path());
    assert!(kept.len() >= 5, "{kept:?}");
    assert_eq!(kept_fingerprints(two.path()), kept);
    assert_eq!(util::snapshot(two.path()), util::snapshot(one.path()));
    assert!(two.path().join("target/loop/scratch/1/tree/src").is_dir());
    // One writer: each candidate's records are together, end with its one decision, and name
    // logs in its own folder only.
    let mut seen: Vec<String> = Vec::new();
    for record in records(two.path()) {
        let Some(candidate) = record["candidate"].as_str() else {
            continue;
        };
        if candidate == "baseline" {
            continue;
        }
        if seen.last().map(String::as_str) != Some(candidate) {
            assert!(!seen.iter().any(|c| c == candidate), "{candidate} split");
            seen.push(candidate.to_owned());
        }
        if let Some(log) = record["log"].as_str() {
            assert!(log.contains(&format!("/{candidate}/")), "{log}");
        }
    }
    let decided: Vec<String> = decisions(two.path())
        .iter()
        .map(|d| d["candidate"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(decided, seen);
}

/// With `--jobs 2`, a try whose agent edited a file a refactor kept before it in the batch
/// wrote is made again; the calls of the first try were paid for and stay in the audit trail.
#[test]
fn a_try_made_again_keeps_the_calls_of_the_first_in_the_audit_trail() {
    let tmp = copy_of_fixture("loop-crate");
    // Whatever the finding, the agent merges the two slot counters of inventory.rs: D3 is
    // that refactor, and D4's try (report.rs and text.rs) edits inventory.rs too.
    let answer = "src/inventory.rs\n<<<<<<< SEARCH\n    pub fn non_empty_slots(&self) -> usize {\n        let mut count = 0;\n        for slot in &self.slots {\n            if *slot > 0 {\n                count += 1;\n            }\n        }\n        if count > self.slots.len() {\n            return self.slots.len();\n        }\n        count\n    }\n=======\n    pub fn non_empty_slots(&self) -> usize {\n        self.stocked_count()\n    }\n>>>>>>> REPLACE\n";
    let script = tmp.path().join("answer.sh");
    std::fs::write(
        &script,
        format!("cat > /dev/null\ncat <<'EOF'\n{answer}EOF\n"),
    )
    .unwrap();
    let agent = format!("cmd:sh {}", script.display());
    let out = util::fix(
        tmp.path(),
        &agent,
        &[
            "--finding",
            "D3",
            "--finding",
            "D4",
            "--jobs",
            "2",
            "--attempts",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let notices = of_kind(tmp.path(), "notice");
    assert!(
        notices
            .iter()
            .any(|n| n["message"].as_str().unwrap().contains("c2 is tried again")),
        "{notices:?}"
    );
    let calls = (of_kind(tmp.path(), "response").into_iter())
        .filter(|r| r["candidate"] == "c2")
        .count();
    assert_eq!(calls, 2, "both tries of c2 are in the trail");
    let run_dir = std::fs::read_dir(tmp.path().join("target/loop/runs"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    assert!(run_dir.join("c2-discarded").is_dir());
    let log = String::from_utf8_lossy(&run(tmp.path(), &["log"], &[]).stdout).into_owned();
    assert!(
        log.contains("2 candidates") && log.contains("3 agent calls"),
        "{log}"
    );
}

#[test]
fn a_branch_run_commits_in_its_own_worktree_and_follows_the_checkouts_head() {
    let tmp = util::repository_of("loop-crate");
    let branch_run = |dir: &Path| {
        let args = [
            "run",
            "--commit",
            "--branch",
            "loop/cleanup",
            "--max-candidates",
            "1",
            "--max-passes",
            "1",
        ];
        let out = run(dir, &args, &IDENTITY);
        assert!(out.status.success(), "{}", stderr(&out));
        out
    };
    // The person has edits of their own in progress: the loop does not wait for them.
    let lib = tmp.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}\n// work in progress\n")).unwrap();
    let before = util::snapshot(tmp.path());
    let head = git(tmp.path(), &["rev-parse", "HEAD"]);
    let out = branch_run(tmp.path());
    assert!(
        stderr(&out).contains("loop/worktrees/loop-cleanup"),
        "{}",
        stderr(&out)
    );
    assert_eq!(util::snapshot(tmp.path()), before, "the checkout changed");
    assert_eq!(git(tmp.path(), &["rev-parse", "HEAD"]), head);
    let ahead = |dir: &Path| git(dir, &["rev-list", "--count", "HEAD..loop/cleanup"]);
    assert_eq!(ahead(tmp.path()).trim(), "1");
    // The person commits: the next run starts from their commit, the loop's commit on top.
    std::fs::write(tmp.path().join("NOTES.md"), "notes\n").unwrap();
    git(tmp.path(), &["add", "NOTES.md"]);
    git(tmp.path(), &["commit", "-qm", "notes"]);
    branch_run(tmp.path());
    git(
        tmp.path(),
        &["merge-base", "--is-ancestor", "HEAD", "loop/cleanup"],
    );
    assert!(ahead(tmp.path()).trim().parse::<u32>().unwrap() >= 1);
    assert_eq!(
        std::fs::read_to_string(&lib).unwrap(),
        format!("{text}\n// work in progress\n")
    );
}

/// Ctrl-C while two candidates wait for their agents at once (`--jobs 2`): each is decided,
/// and the run's records hold both.
#[test]
fn ctrl_c_with_two_candidates_in_flight_decides_both() {
    let tmp = copy_of_fixture("loop-crate");
    // Outside the workspace, which agents may not write.
    let started = tempfile::tempdir().unwrap();
    let started = started.path();
    let script = tmp.path().join("slow.sh");
    let body = format!(
        "cat > /dev/null\ntouch {}/$$\nsleep 60\n",
        started.display()
    );
    std::fs::write(&script, body).unwrap();
    let agent = format!("cmd:sh {}", script.display());
    let child = util::cargo_loop(tmp.path())
        .args(["fix", "--allow-dirty", "--allow-no-vcs", "--agent", &agent])
        .args(["--jobs", "2", "--finding", "D3", "--finding", "D4"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::fs::read_dir(started).unwrap().count() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the agents never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    interrupt(child);
    let decided: Vec<(String, String)> = (decisions(tmp.path()).iter())
        .map(|d| (d["candidate"].to_string(), d["reason"].to_string()))
        .collect();
    assert_eq!(decided.len(), 2, "{decided:?}");
    assert!(
        decided.iter().all(|(_, why)| why.contains("interrupted")),
        "{decided:?}"
    );
    // Each call was made: its record says how it ended, and `log` counts it.
    let calls = of_kind(tmp.path(), "response");
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls.iter().all(|c| c["error"] == "interrupted"),
        "{calls:?}"
    );
    let log = run(tmp.path(), &["log"], &[]);
    assert!(
        String::from_utf8_lossy(&log.stdout).contains("2 agent calls"),
        "{log:?}"
    );
}

/// A save that breaks the build fails that run's baseline, not the watch: it goes on, and the
/// save that mends it starts the next run.
#[test]
fn watch_outlives_a_save_that_breaks_the_build() {
    let tmp = copy_of_fixture("loop-crate");
    let args = [
        "--allow-dirty",
        "--allow-no-vcs",
        "--max-candidates",
        "1",
        "--max-passes",
        "1",
    ];
    let child = watching(tmp.path(), &args);
    wait_for(tmp.path(), "the first run", |r| stops(r) == 1);
    let lib = tmp.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}\nfn broken() -> u32 {{ \"no\" }}\n")).unwrap();
    wait_for(tmp.path(), "the broken run", |r| stops(r) == 2);
    std::fs::write(&lib, &text).unwrap();
    wait_for(tmp.path(), "a run after the mend", |r| stops(r) == 3);
    let out = interrupt(child);
    assert!(stderr(&out).contains("baseline"), "{}", stderr(&out));
}

/// Waiting for a clean tree, the watch sees the commit that cleans it, though a commit
/// touches no source.
#[test]
fn watch_waiting_for_a_clean_tree_starts_when_the_edit_is_committed() {
    let tmp = util::repository_of("loop-crate");
    let child = watching(
        tmp.path(),
        &["--commit", "--max-candidates", "1", "--max-passes", "1"],
    );
    wait_for(tmp.path(), "the first run", |r| stops(r) == 1);
    let lib = tmp.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}\n// an edit\n")).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(
        stops(&records(tmp.path())),
        1,
        "a run started on a dirty tree"
    );
    // Staged first: the commit then reads no source, so only the tree's state has changed.
    git(tmp.path(), &["add", "-A"]);
    std::thread::sleep(std::time::Duration::from_secs(2));
    let commit = std::process::Command::new("git")
        .args(["commit", "-qm", "edit"])
        .current_dir(tmp.path())
        .envs(IDENTITY)
        .status()
        .unwrap();
    assert!(commit.success());
    wait_for(tmp.path(), "a run after the commit", |r| stops(r) == 2);
    let out = interrupt(child);
    assert!(stderr(&out).contains("Waiting"), "{}", stderr(&out));
}
