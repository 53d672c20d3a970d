//! Why an answer is refused: one sentence for the agent, and which gate refused it.

use std::fmt;

/// Why an answer was refused: one sentence the agent is shown on its next attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub String, pub Refusal);

/// Which gate refused: the format of the answer, or the guardrails on paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Format,
    /// A path outside the workspace, through a link, or denied.
    Path,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Rejection {}

pub(super) fn reject<T>(sentence: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection(sentence.into(), Refusal::Format))
}

/// A line of the answer short enough to quote in a rejection.
pub(super) fn excerpt(line: &str) -> String {
    const MAX: usize = 80;
    let line = crate::files::printable(line.trim());
    let line = line.as_str();
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}
