//! Agents: who proposes refactors. `--agent` names one; each turns a prompt into either a text
//! answer (edit blocks or a diff, parsed by [`crate::refactor::edit`]) or the changes it made
//! (`exec:` in a copy of the workspace, the built-in agent from the finding itself).

mod builtin;
mod command;
mod envelope;
pub mod exchange;
mod llm;
mod spec;

pub use llm::MAX_RETRIES;
pub use spec::{call, AgentSpec};
