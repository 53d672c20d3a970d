//! What happened during a run, as one type: the pipeline reports through [`Event`]s only, and
//! the audit trail, the console and `cargo loop log` all read them. The serialized form is the
//! audit record SPEC.md fixes: `event` names the variant, the fields follow flat.

use std::path::PathBuf;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The stage that rejected (or last passed) a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    Agent,
    Parse,
    Guard,
    Check,
    Clippy,
    Test,
    Analysis,
    Review,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Agent => "agent",
            Step::Parse => "parse",
            Step::Guard => "guard",
            Step::Check => "check",
            Step::Clippy => "clippy",
            Step::Test => "test",
            Step::Analysis => "analysis",
            Step::Review => "review",
        }
    }
}

/// What became of a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Kept,
    Rejected,
    Held,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Kept => "kept",
            Outcome::Rejected => "rejected",
            Outcome::Held => "held",
        }
    }
}

/// Tokens an agent call used, as providers count them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cached_input: u64,
    pub cache_write: u64,
}

impl Tokens {
    pub fn total(self) -> u64 {
        self.input + self.output + self.cached_input + self.cache_write
    }
}

/// How one agent call went and what it cost: the accounting half of its `response` record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// `openai`, `anthropic`, `cmd`, `exec` or `builtin`.
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `input` counts the tokens billed at the full input rate (cached and cache-write tokens
    /// apart), as both providers' prices read.
    pub tokens: Tokens,
    /// The tokens were estimated from the text: the agent reported no usage.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
    /// `None` when no price is known for the model.
    #[serde(default)]
    pub cost_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Transport retries (429, 5xx, dropped connections) within this call.
    #[serde(default)]
    pub retries: u32,
}

/// Where in a run an attempt is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct At {
    pub candidate: String,
    pub attempt: u32,
}

/// Kept, held and rejected candidates, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub kept: usize,
    pub held: usize,
    pub rejected: usize,
}

impl Counts {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Kept => self.kept += 1,
            Outcome::Held => self.held += 1,
            Outcome::Rejected => self.rejected += 1,
        }
    }

    pub fn total(self) -> usize {
        self.kept + self.held + self.rejected
    }
}

/// One thing that happened. Optional fields are left out of the record when absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStart {
        command: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        root: Option<PathBuf>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sandbox: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        findings: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dry_run: Option<bool>,
        /// `apply`: the held refactor and its finding.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        held: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finding: Option<String>,
    },
    /// Something a person should know about the run, said once.
    Notice { message: String },
    PassStart {
        pass: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        candidates: Option<usize>,
    },
    /// A finding chosen for a candidate (or skipped, saying why).
    Finding {
        candidate: String,
        finding: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fingerprint: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        /// The role the finding went to, when the run has roles.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<Role>,
    },
    Prompt {
        #[serde(flatten)]
        at: At,
        bytes: usize,
        hash: String,
        file: String,
        /// Estimated tokens.
        #[serde(default)]
        tokens: usize,
        /// What the context budget left out.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        cut: Vec<String>,
    },
    Response {
        #[serde(flatten)]
        at: At,
        #[serde(flatten)]
        answer: ResponseKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duration_ms: Option<u64>,
        #[serde(flatten)]
        call: Call,
    },
    /// The answer parsed into changes (`ok`), or why it did not.
    Edit {
        #[serde(flatten)]
        at: At,
        ok: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        files: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        patch: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A verification command finished.
    Step {
        candidate: String,
        step: Step,
        command: String,
        exit_code: Option<i32>,
        exit: String,
        duration_ms: u64,
        log: String,
    },
    Retry {
        #[serde(flatten)]
        at: At,
        step: Step,
        reason: String,
    },
    /// A second agent's opinion of a verified change (`--reviewer`).
    Review {
        candidate: String,
        reviewer: String,
        approved: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Decision {
        candidate: String,
        finding: String,
        outcome: Outcome,
        step: Step,
        reason: String,
    },
    /// The "is the goal reached?" check after a pass: what it did, the scores before and
    /// after, what was spent and is left, and whether the loop goes on.
    PassEnd {
        pass: u32,
        #[serde(flatten)]
        counts: Counts,
        /// Rejections by the step that rejected them.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        rejected_at: BTreeMap<String, usize>,
        /// What each role decided, when the run has roles.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        roles: BTreeMap<Role, Counts>,
        before: Scores,
        after: Scores,
        tokens: u64,
        cost_usd: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tokens_left: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        usd_left: Option<f64>,
        seconds: f64,
        go_on: bool,
        reason: String,
    },
    Stop {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none", flatten)]
        counts: Option<Counts>,
    },
}

/// What an agent's reply was, in a `response` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ResponseKind {
    /// A text answer, stored in `file`.
    Text {
        bytes: usize,
        hash: String,
        file: String,
    },
    /// An `exec:` agent's changes to its copy (`files` is their number).
    Changes { files: usize },
    /// An `exec:` agent did something no proposal may carry.
    Refused { refused: String },
    /// The call failed.
    Error { error: String },
}

/// An audit record: when, which run, what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub ts: String,
    pub run: String,
    #[serde(flatten)]
    pub event: Event,
}

impl Event {
    /// The stop record of a run that ended before its first pass.
    pub fn stop(reason: String) -> Event {
        Event::Stop {
            reason,
            counts: None,
        }
    }

    /// The cargo-style status line (verb, message) a person sees for this event, if any.
    pub fn status_line(&self) -> Option<(&'static str, String)> {
        match self {
            Event::Finding {
                candidate,
                finding,
                title: Some(title),
                skipped: None,
                ..
            } => Some(("Fixing", format!("{candidate}: {finding} {title}"))),
            Event::Retry { at, step, reason } => Some((
                "Retrying",
                format!(
                    "{}: attempt {} failed at {}: {reason}",
                    at.candidate,
                    at.attempt,
                    step.as_str()
                ),
            )),
            Event::Decision {
                candidate,
                finding,
                outcome,
                step,
                reason,
            } => Some((
                match outcome {
                    Outcome::Kept => "Kept",
                    Outcome::Held => "Held",
                    Outcome::Rejected => "Rejected",
                },
                format!("{candidate} ({finding}) at {}: {reason}", step.as_str()),
            )),
            Event::Stop {
                reason,
                counts: Some(counts),
            } => Some((
                "Finished",
                format!(
                    "{} candidate{}: {} kept, {} held for review, {} rejected ({reason})",
                    counts.total(),
                    if counts.total() == 1 { "" } else { "s" },
                    counts.kept,
                    counts.held,
                    counts.rejected
                ),
            )),
            Event::Stop {
                reason,
                counts: None,
            } => Some(("Finished", reason.clone())),
            Event::PassEnd { .. } => Some(("Completed", self.pass_summary()?)),
            Event::Notice { message } => Some(("Note", message.clone())),
            _ => None,
        }
    }
}

impl Event {
    /// One line of a pass's summary, as a changelog reads it.
    pub fn pass_summary(&self) -> Option<String> {
        let Event::PassEnd {
            pass,
            counts,
            rejected_at,
            roles,
            before,
            after,
            tokens,
            cost_usd,
            seconds,
            go_on,
            reason,
            ..
        } = self
        else {
            return None;
        };
        let steps: Vec<String> = rejected_at
            .iter()
            .map(|(s, n)| format!("{n} at {s}"))
            .collect();
        let rejected = if steps.is_empty() {
            String::new()
        } else {
            format!(" ({})", steps.join(", "))
        };
        let cost = if *cost_usd > 0.0 {
            format!(", ${cost_usd:.4}")
        } else {
            String::new()
        };
        let roles: Vec<String> = (roles.iter())
            .map(|(role, c)| {
                format!(
                    "{role}: {} kept, {} rejected, {} held",
                    c.kept, c.rejected, c.held
                )
            })
            .collect();
        let roles = if roles.is_empty() {
            String::new()
        } else {
            format!(" [{}]", roles.join("; "))
        };
        Some(format!(
            "pass {pass}: {} kept, {} rejected{rejected}, {} held{roles}; duplication {:.1} -> {:.1}, \
             smells {:.1} -> {:.1} per 1,000 lines; {tokens} tokens{cost}; {seconds:.1}s; {}: \
             {reason}",
            counts.kept,
            counts.rejected,
            counts.held,
            before.duplication,
            after.duplication,
            before.smells,
            after.smells,
            if *go_on { "going on" } else { "stopping" },
        ))
    }
}

/// How much is left to fix: duplicated lines and weighted smells per 1,000 lines of code
/// (`refactor::score` computes them from a scan).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Duplicated lines per 1,000 lines of code.
    pub duplication: f64,
    /// Weighted smells per 1,000 lines of code.
    pub smells: f64,
}

impl Scores {
    /// Both scores together, the number `--target-score` compares.
    pub fn total(self) -> f64 {
        self.duplication + self.smells
    }

    /// Whether `self` is lower than `before` in either score (by more than rounding).
    pub fn improves_on(self, before: Scores) -> bool {
        self.duplication < before.duplication - 1e-9 || self.smells < before.smells - 1e-9
    }
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "duplication {:.1}, smells {:.1} per 1,000 lines",
            self.duplication, self.smells
        )
    }
}

/// Who a finding goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Clone groups.
    Duplication,
    /// Smells.
    Architecture,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Duplication => "duplication",
            Role::Architecture => "architecture",
        }
    }

    pub fn parse(name: &str) -> Result<Role, String> {
        match name {
            "duplication" => Ok(Role::Duplication),
            "architecture" => Ok(Role::Architecture),
            other => Err(format!(
                "unknown role `{other}`: expected duplication or architecture"
            )),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_keep_the_audit_trails_flat_field_names() {
        let record = Record {
            ts: "t".into(),
            run: "r".into(),
            event: Event::Decision {
                candidate: "c1".into(),
                finding: "D1".into(),
                outcome: Outcome::Held,
                step: Step::Review,
                reason: "why".into(),
            },
        };
        let value = serde_json::to_value(&record).unwrap();
        assert_eq!(
            value,
            json!({"ts": "t", "run": "r", "event": "decision", "candidate": "c1", "finding": "D1", "outcome": "held", "step": "review", "reason": "why"})
        );
        assert_eq!(serde_json::from_value::<Record>(value).unwrap(), record);
    }

    #[test]
    fn responses_of_each_kind_round_trip() {
        let at = At {
            candidate: "c1".into(),
            attempt: 2,
        };
        for answer in [
            ResponseKind::Text {
                bytes: 3,
                hash: "h".into(),
                file: "f".into(),
            },
            ResponseKind::Changes { files: 2 },
            ResponseKind::Refused {
                refused: "a link".into(),
            },
            ResponseKind::Error {
                error: "timeout".into(),
            },
        ] {
            let event = Event::Response {
                at: at.clone(),
                answer,
                duration_ms: Some(5),
                call: Call {
                    provider: "anthropic".into(),
                    model: Some("claude".into()),
                    tokens: Tokens {
                        input: 10,
                        output: 5,
                        cached_input: 3,
                        cache_write: 0,
                    },
                    cost_usd: Some(0.25),
                    http_status: Some(200),
                    retries: 1,
                    estimated: false,
                },
            };
            let value = serde_json::to_value(&event).unwrap();
            assert_eq!(value["event"], "response");
            assert_eq!(value["attempt"], 2);
            assert_eq!(value["provider"], "anthropic");
            assert_eq!(value["tokens"]["cached_input"], 3);
            assert_eq!(value["cost_usd"], 0.25);
            assert!(value.get("estimated").is_none());
            assert_eq!(serde_json::from_value::<Event>(value).unwrap(), event);
        }
    }

    #[test]
    fn a_stop_with_counts_is_flat_and_reads_as_the_finished_line() {
        let stop = Event::Stop {
            reason: "done".into(),
            counts: Some(Counts {
                kept: 1,
                held: 0,
                rejected: 2,
            }),
        };
        let value = serde_json::to_value(&stop).unwrap();
        assert_eq!(value["kept"], 1);
        assert_eq!(value["rejected"], 2);
        assert_eq!(
            stop.status_line().unwrap().1,
            "3 candidates: 1 kept, 0 held for review, 2 rejected (done)"
        );
    }
}
