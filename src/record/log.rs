//! `cargo loop log`: the audit trail summarised per run: candidates, outcomes by step, time,
//! tokens and why the run stopped.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::event::{Event, Outcome, Record};
use crate::refactor::roles::Role;

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
    /// Every decision, in order.
    pub decisions: Vec<DecisionLine>,
    pub stop: String,
    /// What each role did, when the run had roles.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<Role, RoleSummary>,
}

/// A candidate's decision: its finding, the outcome and step, and why.
#[derive(Debug, Serialize)]
pub struct DecisionLine {
    pub candidate: String,
    pub finding: String,
    pub outcome: String,
    pub reason: String,
}

/// One role's share of a run: its candidates, their outcomes and what its agent spent.
#[derive(Debug, Default, Serialize)]
pub struct RoleSummary {
    pub candidates: usize,
    pub outcomes: BTreeMap<String, usize>,
    pub tokens: u64,
    pub cost_usd: f64,
}

/// `kept`, or the outcome and the step that decided it.
fn outcome_key(outcome: Outcome, step: super::event::Step) -> String {
    if outcome == Outcome::Kept {
        outcome.as_str().to_owned()
    } else {
        format!("{} at {}", outcome.as_str(), step.as_str())
    }
}

/// `1 candidate`, `2 candidates`.
fn plural(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

/// Counts as `2 kept, 1 rejected at test`.
fn outcome_list(outcomes: &BTreeMap<String, usize>) -> String {
    if outcomes.is_empty() {
        return "no decision".to_string();
    }
    (outcomes.iter())
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn summarise(records: &[Record]) -> Vec<RunSummary> {
    let mut runs: Vec<RunSummary> = Vec::new();
    let mut first_ts: BTreeMap<&str, std::time::SystemTime> = BTreeMap::new();
    // Each candidate's role, by (run, candidate).
    let mut role_of: BTreeMap<(&str, &str), Role> = BTreeMap::new();
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
            Event::Finding {
                skipped: None,
                candidate,
                role,
                ..
            } => {
                summary.candidates += 1;
                if let Some(role) = role {
                    role_of.insert((&record.run, candidate), *role);
                    summary.roles.entry(*role).or_default().candidates += 1;
                }
            }
            Event::Decision {
                candidate,
                finding,
                outcome,
                step,
                reason,
            } => {
                let key = outcome_key(*outcome, *step);
                summary.decisions.push(DecisionLine {
                    candidate: candidate.clone(),
                    finding: finding.clone(),
                    outcome: key.clone(),
                    reason: reason.clone(),
                });
                // `apply` takes held refactors, not findings: each decision is one of them.
                if summary.command == "apply" {
                    summary.candidates += 1;
                }
                if let Some(role) = role_of.get(&(record.run.as_str(), candidate.as_str())) {
                    let role = summary.roles.entry(*role).or_default();
                    *role.outcomes.entry(key.clone()).or_default() += 1;
                }
                *summary.outcomes.entry(key).or_default() += 1;
            }
            Event::Response { call, at, .. } => {
                summary.calls += 1;
                summary.tokens += call.tokens.total();
                summary.cost_usd += call.cost_usd.unwrap_or(0.0);
                if let Some(role) = role_of.get(&(record.run.as_str(), at.candidate.as_str())) {
                    let role = summary.roles.entry(*role).or_default();
                    role.tokens += call.tokens.total();
                    role.cost_usd += call.cost_usd.unwrap_or(0.0);
                }
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
        let outcomes = outcome_list(&run.outcomes);
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
            "run {} ({} {}, agent {agent}): {} in {:.1}s, {} agent call{}{spent}: \
             {outcomes}; stopped: {stop}",
            run.run,
            run.command,
            run.started,
            plural(run.candidates, "candidate"),
            run.seconds,
            run.calls,
            if run.calls == 1 { "" } else { "s" },
        );
        for (role, r) in &run.roles {
            let _ = writeln!(
                out,
                "  {role}: {}, {} tokens{}: {}",
                plural(r.candidates, "candidate"),
                r.tokens,
                if r.cost_usd > 0.0 {
                    format!(", ${:.4}", r.cost_usd)
                } else {
                    String::new()
                },
                outcome_list(&r.outcomes)
            );
        }
        for pass in &run.passes {
            let _ = writeln!(out, "  {pass}");
        }
        for d in &run.decisions {
            let _ = writeln!(
                out,
                "  {} {}: {}: {}",
                d.candidate, d.finding, d.outcome, d.reason
            );
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
        decided("c", outcome, step)
    }

    fn decided(candidate: &str, outcome: Outcome, step: Step) -> Event {
        Event::Decision {
            candidate: candidate.into(),
            finding: "D1".into(),
            outcome,
            step,
            reason: "r".into(),
        }
    }

    fn finding(candidate: &str) -> Event {
        finding_for(candidate, None)
    }

    fn finding_for(candidate: &str, role: Option<Role>) -> Event {
        Event::Finding {
            candidate: candidate.into(),
            finding: "D1".into(),
            fingerprint: None,
            title: Some("t".into()),
            skipped: None,
            role,
        }
    }

    #[test]
    fn runs_with_roles_are_summarised_per_role() {
        let records = vec![
            record("10:00:01", "r1", finding_for("c1", Some(Role::Duplication))),
            record(
                "10:00:02",
                "r1",
                decided("c1", Outcome::Kept, Step::Analysis),
            ),
            record(
                "10:00:03",
                "r1",
                finding_for("c2", Some(Role::Architecture)),
            ),
            record(
                "10:00:04",
                "r1",
                decided("c2", Outcome::Rejected, Step::Test),
            ),
            record(
                "10:00:05",
                "r1",
                finding_for("c3", Some(Role::Architecture)),
            ),
            record(
                "10:00:06",
                "r1",
                decided("c3", Outcome::Rejected, Step::Test),
            ),
        ];
        let runs = summarise(&records);
        let roles = &runs[0].roles;
        assert_eq!(roles[&Role::Duplication].outcomes["kept"], 1);
        assert_eq!(roles[&Role::Architecture].candidates, 2);
        assert_eq!(roles[&Role::Architecture].outcomes["rejected at test"], 2);
        let text = render(&runs);
        assert!(
            text.contains("  architecture: 2 candidates, 0 tokens: 2 rejected at test"),
            "{text}"
        );
        // Without roles, no line per role.
        assert!(summarise(&[record("10:00:01", "r2", finding("c1"))])[0]
            .roles
            .is_empty());
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
        let text = render(&runs);
        assert!(text.contains("did not finish"), "{text}");
        assert!(
            text.contains(": 2 candidates in 5.0s, 0 agent calls: "),
            "{text}"
        );
        assert_eq!(runs[0].decisions.len(), 2);
        assert_eq!(runs[0].decisions[0].outcome, "rejected at test");
        assert!(text.contains("  c D1: rejected at test: r\n"), "{text}");
    }
}
