//! `cargo loop fix` with `openai:` and `anthropic:` agents against a scripted server on
//! loopback that speaks each provider's wire format: kept answers, retries, refusals, budgets,
//! a reviewer, and no key in any file the run writes.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

mod util;

use util::wire::{Reply, Server, Wire};
use util::{copy_of_fix_crate, decisions, fixture, records, run, snapshot, stderr};

const WIRES: [Wire; 2] = [Wire::OpenAi, Wire::Anthropic];

/// The scripted `cmd:` agent's answer in `mode` (test-fixtures/agents/agent.sh).
fn scripted_answer(mode: &str) -> String {
    let out = std::process::Command::new("sh")
        .arg(fixture("agents").join("agent.sh"))
        .arg(mode)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// `fix` of fix-crate's duplicate by the server's model as `wire`, with `extra` flags.
fn fix_with(dir: &Path, wire: Wire, server: &Server, extra: &[&str]) -> Output {
    let mut args = vec!["fix", "--max-candidates", "1"];
    if !extra.contains(&"--agent-timeout") {
        args.extend(["--agent-timeout", "20"]);
    }
    args.extend_from_slice(extra);
    with_agent(dir, wire, server, &args)
}

/// `command` (and its flags in `args`) on the duplicates of the crate in `dir`, with the
/// server's model as `wire` for its agent, in a tree it may leave dirty.
fn with_agent(dir: &Path, wire: Wire, server: &Server, args: &[&str]) -> Output {
    let (agent, env) = wire.agent(server);
    let (command, flags) = args.split_first().unwrap();
    let mut args = vec![
        *command,
        "--allow-dirty",
        "--allow-no-vcs",
        "--findings",
        "dup",
    ];
    args.extend(["--agent", &agent]);
    args.extend_from_slice(flags);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run(dir, &args, &env)
}

fn decision(dir: &Path) -> serde_json::Value {
    let decisions = decisions(dir);
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    decisions[0].clone()
}

#[test]
fn a_right_answer_is_kept_and_its_usage_recorded() {
    for wire in WIRES {
        let tmp = copy_of_fix_crate();
        let server = Server::start(vec![wire.answer(&scripted_answer("merge"), false)]);
        let out = fix_with(tmp.path(), wire, &server, &[]);
        assert!(out.status.success(), "{wire:?}: {}", stderr(&out));
        assert_eq!(decision(tmp.path())["outcome"], "kept", "{wire:?}");
        let report = std::fs::read_to_string(tmp.path().join("src/report.rs")).unwrap();
        assert!(report.contains("crate::stats::mean_of_positive(values)"));
        let response = records(tmp.path())
            .into_iter()
            .find(|r| r["event"] == "response")
            .unwrap();
        assert_eq!(response["http_status"], 200, "{response}");
        assert_eq!(response["tokens"]["input"], 1000, "{response}");
        assert_eq!(response["tokens"]["cached_input"], 200, "{response}");
        assert_eq!(response["tokens"]["output"], 80, "{response}");
        let log = run(tmp.path(), &["log"], &[]);
        let log = String::from_utf8_lossy(&log.stdout);
        assert!(log.contains("1 agent call, 1280 tokens:"), "{log}");
        assert!(log.contains("c1 D1: kept:"), "{log}");
    }
}

#[test]
fn a_429_is_waited_out_and_a_500_retried_without_using_an_attempt() {
    for wire in WIRES {
        let right = wire.answer(&scripted_answer("merge"), false);
        let limited = wire
            .error(429, "rate_limit_error", "Rate limited")
            .with_header("retry-after", "1");
        let broken = wire.error(500, "api_error", "Internal error");
        for first in [limited, broken] {
            let tmp = copy_of_fix_crate();
            let server = Server::start(vec![first.clone(), right.clone()]);
            let out = fix_with(tmp.path(), wire, &server, &["--attempts", "1"]);
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(
                decision(tmp.path())["outcome"],
                "kept",
                "{wire:?} {first:?}"
            );
            let seen = server.seen();
            assert_eq!(seen.len(), 2);
            if first.body().contains("Rate limited") {
                assert!(seen[1].at - seen[0].at >= Duration::from_millis(950));
            }
        }
    }
}

/// Runs `fix` against `script` and checks the candidate is rejected at the agent step, with
/// `says` in the decision and on stderr, and the tree untouched.
fn assert_refused(wire: Wire, script: Vec<Reply>, extra: &[&str], says: &str) -> Server {
    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let server = Server::start(script);
    let out = fix_with(tmp.path(), wire, &server, extra);
    assert!(out.status.success(), "{wire:?}: {}", stderr(&out));
    assert_eq!(snapshot(tmp.path()), before, "{wire:?}: the tree changed");
    let decision = decision(tmp.path());
    assert_eq!(decision["outcome"], "rejected", "{wire:?}");
    assert_eq!(decision["step"], "agent", "{wire:?}: {decision}");
    let reason = decision["reason"].as_str().unwrap();
    assert!(reason.contains(says), "{wire:?}: {reason}");
    assert!(stderr(&out).contains(says), "{wire:?}: {}", stderr(&out));
    server
}

#[test]
fn a_run_that_fails_in_a_pass_still_records_the_end_of_that_pass() {
    let tmp = copy_of_fix_crate();
    let wire = Wire::OpenAi;
    let server = Server::start(vec![wire.error(401, "authentication_error", "invalid key")]);
    let out = with_agent(tmp.path(), wire, &server, &["run"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let records = records(tmp.path());
    let end = (records.iter().find(|r| r["event"] == "pass_end"))
        .unwrap_or_else(|| panic!("no pass_end: {records:#?}"));
    assert_eq!(
        (end["pass"].as_u64(), end["go_on"].as_bool()),
        (Some(1), Some(false))
    );
    let reason = end["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("failed: ") && reason.contains("OPENAI_API_KEY"),
        "{reason}"
    );
    assert_eq!(end["rejected"], 1, "{end}");
}

#[test]
fn a_bad_key_stops_the_run_at_once_with_the_variable_to_check_and_exit_2() {
    for (wire, var) in [
        (Wire::OpenAi, "OPENAI_API_KEY"),
        (Wire::Anthropic, "ANTHROPIC_API_KEY"),
    ] {
        let tmp = copy_of_fix_crate();
        let before = snapshot(tmp.path());
        let unauthorized = wire.error(401, "authentication_error", "invalid api key");
        let server = Server::start(vec![unauthorized]);
        let out = fix_with(tmp.path(), wire, &server, &["--attempts", "2"]);
        assert_eq!(out.status.code(), Some(2), "{wire:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(var), "{wire:?}: {}", stderr(&out));
        assert_eq!(server.seen().len(), 1, "{wire:?}: a 401 was retried");
        assert_eq!(snapshot(tmp.path()), before, "{wire:?}: the tree changed");
        let stop = records(tmp.path())
            .into_iter()
            .find(|r| r["event"] == "stop")
            .unwrap();
        let reason = stop["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("failed: ") && reason.contains(var),
            "{reason}"
        );
        // The candidate it ended on is decided, with the same sentence.
        let decided = decision(tmp.path());
        assert_eq!(decided["outcome"], "rejected", "{decided}");
        assert_eq!(decided["step"], "agent", "{decided}");
        assert!(
            decided["reason"].as_str().unwrap().contains(var),
            "{decided}"
        );
    }
}

#[test]
fn truncated_malformed_and_slow_answers_are_rejected_with_the_tree_untouched() {
    for wire in WIRES {
        let merge = scripted_answer("merge");
        assert_refused(wire, vec![wire.answer(&merge, true)], &[], "cut off");
        let garbage = Reply::Answer {
            status: 200,
            headers: Vec::new(),
            body: "{\"choices\": [".to_owned(),
        };
        assert_refused(wire, vec![garbage], &[], "not JSON");
        let slow = Reply::Slow(
            Duration::from_secs(60),
            Box::new(wire.answer(&merge, false)),
        );
        let start = std::time::Instant::now();
        assert_refused(
            wire,
            vec![slow],
            &["--agent-timeout", "2"],
            "did not answer",
        );
        assert!(start.elapsed() < Duration::from_secs(30));
    }
}

#[test]
fn a_wrong_edit_is_followed_by_a_right_one_that_sees_the_compiler_errors() {
    for wire in WIRES {
        let tmp = copy_of_fix_crate();
        let server = Server::start(vec![
            wire.answer(&scripted_answer("break-build"), false),
            wire.answer(&scripted_answer("merge"), false),
        ]);
        let out = fix_with(tmp.path(), wire, &server, &["--attempts", "2"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(decision(tmp.path())["outcome"], "kept", "{wire:?}");
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        let retry = seen[1].task();
        assert!(retry.contains("no_such_function"), "{retry}");
        assert!(!seen[0].task().contains("no_such_function"));
    }
}

#[test]
fn a_spent_budget_stops_further_calls_and_says_which() {
    for wire in WIRES {
        let tmp = copy_of_fix_crate();
        let costly = wire.answer_using(&scripted_answer("break-build"), false, 99_600);
        let server = Server::start(vec![costly, wire.answer(&scripted_answer("merge"), false)]);
        let out = fix_with(
            tmp.path(),
            wire,
            &server,
            &["--attempts", "3", "--budget-tokens", "100000"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "{wire:?}: a call past the budget");
        // The answer may take what the prompt leaves of the budget, no more.
        let cap = seen[0].body["max_tokens"].as_u64().unwrap_or(u64::MAX);
        assert!(cap < 100_000, "{wire:?}: {}", seen[0].body);
        let stop = records(tmp.path())
            .into_iter()
            .find(|r| r["event"] == "stop")
            .unwrap();
        let reason = stop["reason"].as_str().unwrap();
        assert!(reason.contains("--budget-tokens 100000"), "{reason}");
        assert!(stderr(&out).contains("token budget"), "{}", stderr(&out));
        // The pass's record gives the same reason as the run's.
        let pass_end = records(tmp.path())
            .into_iter()
            .find(|r| r["event"] == "pass_end")
            .unwrap();
        assert_eq!(pass_end["reason"].as_str(), Some(reason), "{pass_end}");
    }
}

#[test]
fn calls_made_at_once_with_jobs_share_what_the_budget_leaves() {
    // D3 (inventory.rs) and D4 (report.rs, text.rs) share no file: a batch of two.
    let caps = |jobs: &str| {
        let tmp = util::copy_of_fixture("loop-crate");
        let answers = (0..8)
            .map(|_| Wire::OpenAi.answer("no edit", false))
            .collect();
        let server = Server::start(answers);
        let args = [
            "fix",
            "--finding",
            "D3",
            "--finding",
            "D4",
            "--jobs",
            jobs,
            "--budget-tokens",
            "100000",
        ];
        let out = with_agent(tmp.path(), Wire::OpenAi, &server, &args);
        assert!(out.status.success(), "{}", stderr(&out));
        let seen = server.seen();
        let caps: Vec<u64> = seen
            .iter()
            .map(|r| r.body["max_tokens"].as_u64().unwrap())
            .collect();
        assert!(caps.len() >= 2, "{caps:?}");
        caps
    };
    // One call at a time may answer with what the prompt leaves; two at once, half each.
    let (one, two) = (caps("1"), caps("2"));
    assert!(one[0] > 50_000, "{one:?}");
    assert!(two.iter().all(|&cap| cap < 50_000), "{two:?}");
}

#[test]
fn a_money_budget_needs_a_price_and_counts_dollars() {
    let tmp = copy_of_fix_crate();
    let server = Server::start(vec![
        Wire::Anthropic.answer(&scripted_answer("merge"), false)
    ]);
    let out = fix_with(tmp.path(), Wire::Anthropic, &server, &["--budget-usd", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("needs the price of `test-model`"),
        "{}",
        stderr(&out)
    );
    assert!(server.seen().is_empty());

    let manifest = tmp.path().join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[workspace.metadata.loop.prices.\"test\"]\ninput = 3.0\noutput = 15.0\ncached-input = 0.3\n");
    std::fs::write(&manifest, text).unwrap();
    let nan = fix_with(
        tmp.path(),
        Wire::Anthropic,
        &server,
        &["--budget-usd", "NaN"],
    );
    assert_eq!(nan.status.code(), Some(2), "{}", stderr(&nan));
    assert!(stderr(&nan).contains("--budget-usd must be a positive number"));
    // The reviewer's model is priced too, or the budget cannot count its calls.
    let reviewer = ["--budget-usd", "1", "--reviewer", "anthropic:unpriced"];
    let out = fix_with(tmp.path(), Wire::Anthropic, &server, &reviewer);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("needs the price of `unpriced`"));
    let out = fix_with(tmp.path(), Wire::Anthropic, &server, &["--budget-usd", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let response = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "response")
        .unwrap();
    // 1,000 input at $3, 200 cached at $0.30, 80 output at $15, per million.
    let cost = response["cost_usd"].as_f64().unwrap();
    assert!((cost - 0.00426).abs() < 1e-9, "{response}");
}

#[test]
fn reviewers_approve_or_veto_a_verified_change() {
    let wire = Wire::OpenAi;
    let tmp = copy_of_fix_crate();
    let server = Server::start(vec![wire.answer(&scripted_answer("merge"), false)]);
    let out = fix_with(tmp.path(), wire, &server, &["--reviewer", "builtin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decision(tmp.path())["outcome"], "kept");
    // The step a kept change passed last is the reviewer's.
    assert_eq!(decision(tmp.path())["step"], "review");
    let review = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "review")
        .unwrap();
    assert_eq!(review["approved"], true, "{review}");

    let tmp = copy_of_fix_crate();
    let before = snapshot(tmp.path());
    let veto = "cmd:sh -c 'cat >/dev/null; echo VETO: the helper hides intent'";
    let out = fix_with(tmp.path(), wire, &server, &["--reviewer", veto]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decision = decision(tmp.path());
    assert_eq!(
        (decision["outcome"].as_str(), decision["step"].as_str()),
        (Some("rejected"), Some("review"))
    );
    assert!(decision["reason"]
        .as_str()
        .unwrap()
        .contains("the helper hides intent"));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn no_key_reaches_any_file_the_run_writes_or_its_console() {
    for wire in WIRES {
        let tmp = copy_of_fix_crate();
        let server = Server::start(Vec::new());
        let (_, env) = wire.agent(&server);
        let key = env[1].1.clone();
        // The server quotes the key back, as OpenAI's "Incorrect API key provided" does.
        let unauthorized = wire.error(401, "authentication_error", &format!("bad key {key}"));
        let server = Server::start(vec![
            wire.answer(&scripted_answer("break-build"), false),
            unauthorized,
        ]);
        let out = fix_with(tmp.path(), wire, &server, &["--attempts", "2", "-v"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        for entry in walkdir::WalkDir::new(tmp.path().join("target/loop"))
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path()).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(key.as_str()),
                    "{} holds the key",
                    entry.path().display()
                );
            }
        }
        assert!(
            stderr(&out).contains("bad key [redacted]"),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains(key.as_str()));
        assert!(!String::from_utf8_lossy(&out.stdout).contains(key.as_str()));
    }
}

#[test]
fn show_prompts_prints_what_an_agent_would_get_and_calls_nothing() {
    let tmp = copy_of_fix_crate();
    let out = run(
        tmp.path(),
        &[
            "fix",
            "--show-prompts",
            "--format",
            "json",
            "--agent",
            "openai:unset",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let prompts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &prompts[0];
    assert_eq!(first["finding"], "D1");
    let text = first["prompt"].as_str().unwrap();
    assert!(text.contains("pub fn mean_of_positive(values: &[f64]) -> Option<f64> {"));
    assert!(text.contains("Rust edition 2021"), "{text}");
    let tokens = first["tokens"].as_u64().unwrap();
    assert!((100..4000).contains(&tokens), "{tokens}");
    assert!(!tmp.path().join("target/loop/audit.jsonl").exists());
}

#[test]
fn every_prompt_record_carries_its_estimated_size() {
    let wire = Wire::Anthropic;
    let tmp = copy_of_fix_crate();
    let server = Server::start(vec![wire.answer(&scripted_answer("merge"), false)]);
    let out = fix_with(tmp.path(), wire, &server, &["--context-tokens", "1500"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let prompt = records(tmp.path())
        .into_iter()
        .find(|r| r["event"] == "prompt")
        .unwrap();
    let sent = server.seen()[0].body.to_string().len() as u64;
    let tokens = prompt["tokens"].as_u64().unwrap();
    // About four bytes a token, of the prompt the server got (JSON escapes aside).
    assert!(
        tokens * 4 <= sent && tokens * 5 > sent,
        "{tokens} tokens, {sent} bytes sent"
    );
}
