//! An agent's reply read as a proposal: its answer stored and recorded, edit blocks or an
//! `exec:` agent's changes turned into whole-file changes whose paths the guardrails accept,
//! and the agent's own words about it; or why it is refused, for the agent's next attempt.

use std::path::Path;

use xxhash_rust::xxh3::xxh3_64;

use crate::record::audit::Audit;
use crate::record::event::{At, Event, ResponseKind, Step};
use crate::refactor::agents::exchange::{AgentError, Answer, Reply};
use crate::refactor::change::FileChange;
use crate::refactor::guard::Guard;

/// Where a reply is read: which attempt, its folder, the workspace, the guardrails.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub at: &'a At,
    pub dir: &'a Path,
    pub root: &'a Path,
    pub guard: &'a Guard,
}

/// Why a reply is refused: the step, and one sentence the agent sees next time.
pub struct Rejected {
    pub step: Step,
    pub reason: String,
    /// The call itself failed (timeout, API error, truncated answer): another attempt is not
    /// asked for.
    pub no_answer: bool,
    /// The failure says nothing of the finding (a timeout, a crash, an API error): a later
    /// run may well get an answer, so it is not remembered as tried.
    pub transient: bool,
    /// Every other call would fail alike ([`AgentError::Unusable`]): the run stops once this
    /// is decided.
    pub fatal: bool,
}

impl Rejected {
    fn new(step: Step, reason: impl Into<String>) -> Rejected {
        Rejected {
            step,
            reason: reason.into(),
            no_answer: false,
            transient: false,
            fatal: false,
        }
    }
}

/// What an agent proposes, once its answer is parsed.
pub struct Proposal {
    pub changes: Vec<FileChange>,
    /// The agent's words about it, for the commit message.
    pub summary: Option<String>,
}

/// Records a reply in the audit trail (a text answer stored as `response.md` in `dir`),
/// whatever it is; a failure of the run itself (`AgentError::Io`: a Ctrl-C) is recorded as
/// the call's end, then returned: the call was made, and may be paid for.
pub fn record(reply: Reply, at: &At, dir: &Path, audit: &mut Audit) -> anyhow::Result<Reply> {
    let reply = match reply.answer {
        Err(AgentError::Io(err)) => {
            audit.emit(Event::Response {
                at: at.clone(),
                answer: ResponseKind::Error {
                    error: format!("{err:#}"),
                },
                duration_ms: Some(reply.duration.as_millis() as u64),
                call: reply.call,
            })?;
            return Err(err);
        }
        answer => Reply { answer, ..reply },
    };
    let kind = match &reply.answer {
        Ok(Answer::Text(text)) => {
            let file = dir.join("response.md");
            crate::secrets::write(&file, text)?;
            ResponseKind::Text {
                bytes: text.len(),
                hash: hash(text),
                file: audit.rel(&file),
            }
        }
        Ok(Answer::Changes { changes, .. }) => ResponseKind::Changes {
            files: changes.len(),
        },
        Ok(Answer::Refused(reason)) => ResponseKind::Refused {
            refused: reason.clone(),
        },
        Err(err) => ResponseKind::Error {
            error: err.to_string(),
        },
    };
    audit.emit(Event::Response {
        at: at.clone(),
        answer: kind,
        duration_ms: Some(reply.duration.as_millis() as u64),
        call: reply.call.clone(),
    })?;
    Ok(reply)
}

/// The files the reply changes, with the agent's summary, or why it is refused.
pub fn changes_of(
    reply: Reply,
    ctx: &Context,
    audit: &mut Audit,
) -> anyhow::Result<Result<Proposal, Rejected>> {
    let Context {
        at,
        dir,
        root,
        guard,
    } = *ctx;
    let reply = record(reply, at, dir, audit)?;
    let rules = crate::refactor::edit::EditRules {
        root,
        denied: &|path| guard.denied(path),
    };
    let (changes, summary) = match reply.answer {
        Err(err) => {
            return Ok(Err(Rejected {
                no_answer: true,
                transient: err.is_transient(),
                fatal: matches!(err, AgentError::Unusable(_)),
                ..Rejected::new(Step::Agent, err.to_string())
            }))
        }
        Ok(Answer::Text(text)) => match crate::refactor::edit::apply_answer(&text, &rules) {
            Ok(changes) => (changes, agent_summary(&text)),
            Err(rejection) => {
                let step = match rejection.1 {
                    crate::refactor::edit::Refusal::Path => Step::Guard,
                    crate::refactor::edit::Refusal::Format => Step::Parse,
                };
                audit.emit(Event::Edit {
                    at: at.clone(),
                    ok: false,
                    files: None,
                    patch: None,
                    reason: Some(rejection.to_string()),
                })?;
                return Ok(Err(Rejected::new(step, rejection.to_string())));
            }
        },
        Ok(Answer::Changes { changes, summary }) => {
            let refused = changes
                .iter()
                .find_map(|c| crate::refactor::edit::check_path(&c.path, &rules).err());
            if let Some(rejection) = refused {
                return Ok(Err(Rejected::new(Step::Guard, rejection.to_string())));
            }
            (changes, summary)
        }
        Ok(Answer::Refused(reason)) => return Ok(Err(Rejected::new(Step::Guard, reason))),
    };
    if changes.is_empty() {
        return Ok(Err(Rejected::new(
            Step::Parse,
            "the answer changes nothing",
        )));
    }
    Ok(Ok(Proposal { changes, summary }))
}

/// A text's hash as audit records give it.
pub fn hash(text: &str) -> String {
    format!("{:016x}", xxh3_64(text.as_bytes()))
}

/// The agent's own words about its change: the first line of prose before its edits.
fn agent_summary(answer: &str) -> Option<String> {
    answer
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("<<<<<<<") && !line.starts_with("--- "))
        .find(|line| line.contains(' ') && !line.starts_with("```") && line.len() > 10)
        .map(|line| line.chars().take(300).collect())
}

#[cfg(test)]
mod test {
    use super::agent_summary;

    #[test]
    fn agent_summary_is_the_first_prose_line_before_the_edits() {
        let answer = "```rust\nThe two functions are identical; one delegates now.\nsrc/a.rs\n<<<<<<< SEARCH\nfn a() {}\n=======\n>>>>>>> REPLACE\n";
        assert_eq!(
            agent_summary(answer).as_deref(),
            Some("The two functions are identical; one delegates now.")
        );
        assert_eq!(
            agent_summary("src/a.rs\n<<<<<<< SEARCH\nlet x = a b c d e;\n"),
            None
        );
    }
}
