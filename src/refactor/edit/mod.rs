//! Agent answers as edits: finds the SEARCH/REPLACE blocks and unified diffs in an agent's free
//! text and applies them, in memory, to the workspace files they name.
//!
//! Anything an answer can get wrong is refused here with a one-sentence [`Rejection`] that the
//! agent is shown on its next attempt: paths outside the workspace or through symlinks, paths the
//! guardrails deny, SEARCH text that matches nothing or more than once, hunks that do not apply,
//! and elided code. Nothing is written; the caller gets one [`FileChange`] per touched file.

mod answer;
mod apply;
mod elision;
mod paths;
mod rejection;
mod text;

pub use apply::{apply_answer, check_path};
pub use paths::EditRules;
pub use rejection::Refusal;

#[cfg(test)]
mod tests;
