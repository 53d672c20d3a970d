//! `cargo loop log`: the audit trail summarised per run: candidates, outcomes by step, time,
//! tokens and why the run stopped.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Default, Serialize)]
pub struct RunSummary {
    pub run: String,
    pub command: String,
    pub agent: String,
    pub started: String,
    pub seconds: f64,
    pub candidates: usize,
    /// `kept`, `rejected at test`, `held at review`, ... with counts.
    pub outcomes: BTreeMap<String, usize>,
    pub tokens: u64,
    pub stop: String,
}

pub fn summarise(records: &[Value]) -> Vec<RunSummary> {
    let mut runs: Vec<RunSummary> = Vec::new();
    let mut first_ts: BTreeMap<String, std::time::SystemTime> = BTreeMap::new();
    for record in records {
        let run = record["run"].as_str().unwrap_or_default().to_string();
        let index = match runs.iter().position(|r| r.run == run) {
            Some(i) => i,
            None => {
                runs.push(RunSummary {
                    run: run.clone(),
                    ..RunSummary::default()
                });
                runs.len() - 1
            }
        };
        let summary = &mut runs[index];
        let ts = record["ts"]
            .as_str()
            .and_then(|t| humantime::parse_rfc3339(t).ok());
        if let Some(ts) = ts {
            let start = *first_ts.entry(run.clone()).or_insert(ts);
            summary.seconds = ts.duration_since(start).unwrap_or_default().as_secs_f64();
        }
        let text = |key: &str| record[key].as_str().unwrap_or_default().to_string();
        match record["event"].as_str().unwrap_or_default() {
            "run_start" => {
                summary.command = text("command");
                summary.agent = text("agent");
                summary.started = text("ts");
            }
            "finding" => summary.candidates += 1,
            "decision" => {
                let outcome = text("outcome");
                let key = if outcome == "kept" {
                    outcome
                } else {
                    format!("{outcome} at {}", text("step"))
                };
                *summary.outcomes.entry(key).or_default() += 1;
            }
            "response" => summary.tokens += record["tokens"]["total"].as_u64().unwrap_or(0),
            "stop" => summary.stop = text("reason"),
            _ => {}
        }
    }
    runs
}

pub fn render(runs: &[RunSummary]) -> String {
    if runs.is_empty() {
        return "no runs in the audit trail yet\n".to_string();
    }
    let mut out = String::new();
    for run in runs {
        let outcomes = if run.outcomes.is_empty() {
            "no decision".to_string()
        } else {
            run.outcomes
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ =
            writeln!(
            out,
            "run {} ({} {}, agent {}): {} candidates in {:.1}s, {} tokens: {outcomes}; stopped: {}",
            run.run,
            run.command,
            run.started,
            if run.agent.is_empty() { "-" } else { &run.agent },
            run.candidates,
            run.seconds,
            run.tokens,
            if run.stop.is_empty() { "did not finish (killed?)" } else { &run.stop },
        );
    }
    out
}

#[cfg(test)]
mod test {
    use serde_json::json;

    use super::*;

    #[test]
    fn summarise_counts_outcomes_by_step_per_run() {
        let records = vec![
            json!({"ts": "2026-11-27T10:00:00Z", "run": "r1", "event": "run_start", "command": "fix", "agent": "cmd:x"}),
            json!({"ts": "2026-11-27T10:00:01Z", "run": "r1", "event": "finding", "candidate": "c1"}),
            json!({"ts": "2026-11-27T10:00:02Z", "run": "r1", "event": "decision", "outcome": "rejected", "step": "test"}),
            json!({"ts": "2026-11-27T10:00:03Z", "run": "r1", "event": "finding", "candidate": "c2"}),
            json!({"ts": "2026-11-27T10:00:04Z", "run": "r1", "event": "decision", "outcome": "kept", "step": "analysis"}),
            json!({"ts": "2026-11-27T10:00:05Z", "run": "r1", "event": "stop", "reason": "done"}),
            json!({"ts": "2026-11-27T11:00:00Z", "run": "r2", "event": "run_start", "command": "fix"}),
        ];
        let runs = summarise(&records);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].candidates, 2);
        assert_eq!(runs[0].outcomes["kept"], 1);
        assert_eq!(runs[0].outcomes["rejected at test"], 1);
        assert!((runs[0].seconds - 5.0).abs() < 1e-9);
        assert!(render(&runs).contains("did not finish"));
    }
}
