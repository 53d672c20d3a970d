//! The live line a run shows at the bottom of a terminal while it works: the pass, the
//! candidate, what it is doing and the tokens spent so far, kept up to date from the same
//! events the audit trail records (plain status lines stay above it).

use super::event::{Event, Step};

#[derive(Debug, Default)]
pub struct Live {
    pass: Option<u32>,
    candidate: Option<String>,
    doing: &'static str,
    tokens: u64,
}

impl Live {
    /// Follows one event.
    pub fn update(&mut self, event: &Event) {
        match event {
            Event::PassStart { pass, .. } => {
                self.pass = Some(*pass);
                self.doing = "choosing";
            }
            Event::Finding {
                candidate,
                finding,
                skipped: None,
                ..
            } => {
                self.candidate = Some(format!("{candidate} ({finding})"));
                self.doing = "preparing";
            }
            Event::Prompt { .. } => self.doing = "asking the agent",
            Event::Response { call, .. } => {
                self.tokens += call.tokens.total();
                self.doing = "reading the answer";
            }
            Event::Edit { ok: true, .. } => self.doing = "building (clippy)",
            Event::Step { step, .. } => {
                self.doing = match step {
                    Step::Clippy | Step::Check => "testing",
                    _ => "re-analysing",
                };
            }
            Event::Retry { .. } => self.doing = "trying again",
            Event::Decision { .. } => {
                self.candidate = None;
                self.doing = "choosing";
            }
            _ => {}
        }
    }

    /// Whether a pass has begun (before it, the run's own status lines say enough).
    pub fn is_running(&self) -> bool {
        self.pass.is_some()
    }

    /// The line as it reads now.
    pub fn message(&self) -> String {
        let mut parts = Vec::new();
        if let Some(pass) = self.pass {
            parts.push(format!("pass {pass}"));
        }
        if let Some(candidate) = &self.candidate {
            parts.push(candidate.clone());
        }
        if !self.doing.is_empty() {
            parts.push(self.doing.to_owned());
        }
        if self.tokens > 0 {
            parts.push(format!("{} tokens", self.tokens));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::record::event::{At, Call, ResponseKind, Tokens};

    #[test]
    fn the_line_follows_the_run() {
        let mut live = Live::default();
        let at = At {
            candidate: "c2".into(),
            attempt: 1,
        };
        live.update(&Event::PassStart {
            pass: 3,
            candidates: Some(4),
        });
        live.update(&Event::Finding {
            candidate: "c2".into(),
            finding: "D5".into(),
            fingerprint: None,
            title: Some("copies".into()),
            skipped: None,
            role: None,
        });
        live.update(&Event::Response {
            at,
            answer: ResponseKind::Changes { files: 1 },
            duration_ms: None,
            call: Call {
                tokens: Tokens {
                    input: 1200,
                    output: 300,
                    ..Tokens::default()
                },
                ..Call::default()
            },
        });
        assert_eq!(
            live.message(),
            "pass 3 · c2 (D5) · reading the answer · 1500 tokens"
        );
        live.update(&Event::Decision {
            candidate: "c2".into(),
            finding: "D5".into(),
            outcome: crate::record::event::Outcome::Kept,
            step: Step::Analysis,
            reason: "kept".into(),
        });
        assert_eq!(live.message(), "pass 3 · choosing · 1500 tokens");
    }
}
