//! `cargo loop log`: the audit trail summarised per run: candidates, outcomes by step, time,
//! tokens and why the run stopped.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::event::{Event, Outcome, Record};

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
    /// Agent calls, the tokens they used and what they cost (priced calls only).
    pub calls: usize,
    pub tokens: u64,
    pub cost_usd: f64,
    /// One line per pass of a `run`: what it did and whether the loop went on.
    pub passes: Vec<String>,
    pub stop: String,
}

pub fn summarise(records: &[Record]) -> Vec<RunSummary> {
    let mut runs: Vec<RunSummary> = Vec::new();
    let mut first_ts: BTreeMap<&str, std::time::SystemTime> = BTreeMap::new();
    for record in records {
        let index = runs
            .iter()
            .position(|r| r.run == record.run)
            .unwrap_or_else(|| {
                runs.push(RunSummary {
                    run: record.run.clone(),
                    ..RunSummary::default()
                });
                runs.len() - 1
            });
        let summary = &mut runs[index];
        if let Ok(ts) = humantime::parse_rfc3339(&record.ts) {
            let start = *first_ts.entry(&record.run).or_insert(ts);
            summary.seconds = ts.duration_since(start).unwrap_or_default().as_secs_f64();
        }
        match &record.event {
            Event::RunStart { command, agent, .. } => {
                summary.command.clone_from(command);
                summary.agent = agent.clone().unwrap_or_default();
                summary.started.clone_from(&record.ts);
            }
            Event::Finding { skipped: None, .. } => summary.candidates += 1,
            Event::Decision { outcome, step, .. } => {
                let key = if *outcome == Outcome::Kept {
                    outcome.as_str().to_owned()
                } else {
                    format!("{} at {}", outcome.as_str(), step.as_str())
                };
                *summary.outcomes.entry(key).or_default() += 1;
            }
            Event::Response { call, .. } => {
                summary.calls += 1;
                summary.tokens += call.tokens.total();
                summary.cost_usd += call.cost_usd.unwrap_or(0.0);
            }
            Event::PassEnd { .. } => summary.passes.extend(record.event.pass_summary()),
            Event::Stop { reason, .. } => summary.stop.clone_from(reason),
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
        let spent = match (run.tokens, run.cost_usd) {
            (0, _) => String::new(),
            (tokens, cost) if cost > 0.0 => format!(", {tokens} tokens, ${cost:.4}"),
            (tokens, _) => format!(", {tokens} tokens"),
        };
        let agent = if run.agent.is_empty() {
            "-"
        } else {
            &run.agent
        };
        let stop = if run.stop.is_empty() {
            "did not finish (killed?)"
        } else {
            &run.stop
        };
        let _ = writeln!(
            out,
            "run {} ({} {}, agent {agent}): {} candidates in {:.1}s, {} agent calls{spent}: \
             {outcomes}; stopped: {stop}",
            run.run, run.command, run.started, run.candidates, run.seconds, run.calls,
        );
        for pass in &run.passes {
            let _ = writeln!(out, "  {pass}");
        }
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::record::event::Step;

    fn record(ts: &str, run: &str, event: Event) -> Record {
        Record {
            ts: format!("2026-11-27T{ts}Z"),
            run: run.into(),
            event,
        }
    }

    fn decision(outcome: Outcome, step: Step) -> Event {
        Event::Decision {
            candidate: "c".into(),
            finding: "D1".into(),
            outcome,
            step,
            reason: "r".into(),
        }
    }

    fn finding(candidate: &str) -> Event {
        Event::Finding {
            candidate: candidate.into(),
            finding: "D1".into(),
            fingerprint: None,
            title: Some("t".into()),
            skipped: None,
        }
    }

    #[test]
    fn summarise_counts_outcomes_by_step_per_run() {
        let start = |agent: Option<&str>| Event::RunStart {
            command: "fix".into(),
            agent: agent.map(Into::into),
            root: None,
            sandbox: None,
            findings: None,
            dry_run: None,
            held: None,
            finding: None,
        };
        let records = vec![
            record("10:00:00", "r1", start(Some("cmd:x"))),
            record("10:00:01", "r1", finding("c1")),
            record("10:00:02", "r1", decision(Outcome::Rejected, Step::Test)),
            record("10:00:03", "r1", finding("c2")),
            record("10:00:04", "r1", decision(Outcome::Kept, Step::Analysis)),
            record(
                "10:00:05",
                "r1",
                Event::Stop {
                    reason: "done".into(),
                    counts: None,
                },
            ),
            record("11:00:00", "r2", start(None)),
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
