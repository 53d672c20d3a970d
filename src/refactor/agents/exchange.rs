//! What goes to an agent and what comes back, shared by every kind of agent.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::record::event::Call;
use crate::refactor::cargo::Suggestion;
use crate::refactor::change::FileChange;
use crate::refactor::finding::Finding;

/// One call of an agent.
pub struct Request<'a> {
    /// The part of the prompt every candidate shares (sent first, for prompt caches).
    pub stable: &'a str,
    /// The part about this finding.
    pub task: &'a str,
    /// The attempt's folder: prompt, response and the agent's log go here.
    pub dir: &'a Path,
    pub timeout: Duration,
    /// The user's workspace root (read only).
    pub root: &'a Path,
    /// Directories never copied into an `exec:` agent's copy.
    pub skip: &'a [PathBuf],
    /// Bytes the agent may print (stdout and stderr together) before it is stopped.
    pub max_output: u64,
    /// Transport retries a model API call may make (429, 5xx, dropped connections).
    pub max_retries: u32,
    /// The most output tokens the budgets leave for the answer, when one is set: a model API
    /// is asked for no more.
    pub max_answer_tokens: Option<u64>,
    /// What the prompt asks about, for agents that read it as data (the built-in one).
    pub finding: &'a Finding,
    /// Crates (library names) and the workspace crates each depends on, not for tests only.
    pub crate_deps: &'a [(String, String)],
    /// The machine-applicable fixes of the warnings the baseline's clippy run raised.
    pub lint_fixes: &'a [Suggestion],
}

pub enum Answer {
    Text(String),
    /// Files changed, with the agent's one line about them (the commit message's body).
    Changes {
        changes: Vec<FileChange>,
        summary: Option<String>,
    },
    /// An `exec:` agent did something no proposal may carry (a symbolic link): why.
    Refused(String),
}

/// What a call gave: its answer or why there is none, and what it cost either way.
pub struct Reply {
    pub answer: Result<Answer, AgentError>,
    pub duration: Duration,
    pub call: Call,
}

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("the agent did not answer within {0:?} (--agent-timeout) and was killed")]
    Timeout(Duration),
    #[error("the agent {exit}: {stderr}")]
    Failed { exit: String, stderr: String },
    #[error(
        "the agent printed more than {0} bytes and was stopped (raise --max-agent-output if \
         the answer really is that long)"
    )]
    TooMuchOutput(u64),
    /// The built-in agent has no refactor for this finding: why.
    #[error("{0}")]
    Declined(String),
    #[error("cannot find the agent program `{0}` (not a file, and not on PATH)")]
    NoProgram(String),
    #[error("the agent's answer is not UTF-8 text")]
    NotText,
    /// A model API refused the call or failed: the whole sentence.
    #[error("{0}")]
    Api(String),
    /// A model API that will refuse every call alike (the key refused, a model or an address
    /// it does not know, a quota used up, a server that cannot be reached): the run stops.
    #[error("{0}")]
    Unusable(String),
    #[error(
        "the answer was cut off by the model's output limit ({0}); a truncated answer is never \
         applied"
    )]
    Truncated(String),
    #[error("the API's answer is not what its format says: {0}")]
    Malformed(String),
    #[error(transparent)]
    Io(#[from] anyhow::Error),
}

impl AgentError {
    /// Whether the failure says nothing of the finding (the agent timed out, crashed, could
    /// not be started, or its API failed), so that another run may well get an answer.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            AgentError::Timeout(_)
                | AgentError::Failed { .. }
                | AgentError::NoProgram(_)
                | AgentError::Api(_)
                | AgentError::Unusable(_)
                | AgentError::Io(_)
        )
    }
}
