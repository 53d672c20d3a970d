//! What goes to an agent and what comes back, shared by every kind of agent.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::refactor::change::FileChange;
use crate::refactor::finding::Finding;

/// One call of an agent.
pub struct Request<'a> {
    pub prompt: &'a str,
    /// The attempt's folder: prompt, response and the agent's log go here.
    pub dir: &'a Path,
    pub timeout: Duration,
    /// The user's workspace root (read only).
    pub root: &'a Path,
    /// Directories never copied into an `exec:` agent's copy.
    pub skip: &'a [PathBuf],
    /// Bytes the agent may print (stdout and stderr together) before it is stopped.
    pub max_output: u64,
    /// What the prompt asks about, for agents that read it as data (the built-in one).
    pub finding: &'a Finding,
    /// Crates (library names) and the workspace crates each depends on, not for tests only.
    pub crate_deps: &'a [(String, String)],
}

pub enum Answer {
    Text(String),
    Changes(Vec<FileChange>),
    /// An `exec:` agent did something no proposal may carry (a symbolic link): why.
    Refused(String),
}

pub struct Reply {
    pub answer: Answer,
    pub duration: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("the agent did not answer within {0:?} (--agent-timeout) and was killed")]
    Timeout(Duration),
    #[error("the agent {exit}: {stderr}")]
    Failed { exit: String, stderr: String },
    #[error("the {0} agent is not built yet; use cmd:PROGRAM or exec:PROGRAM")]
    NotBuilt(&'static str),
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
    #[error(transparent)]
    Io(#[from] anyhow::Error),
}
