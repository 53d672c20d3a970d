//! The refactor pipeline, the only code that may write the user's tree: a pass chooses
//! findings, asks an agent (propose), checks its answer (guard), verifies it in a scratch copy
//! (verify), and writes what passed (keep), or holds it for review.

pub mod agents;
pub mod apply;
pub mod branch;
pub mod budget;
pub mod cargo;
pub mod change;
pub mod edit;
pub mod finding;
pub mod format;
pub mod git;
pub mod guard;
pub mod jobs;
pub mod keep;
pub mod memory;
pub mod pass;
pub mod patch;
pub mod preflight;
pub mod prompt;
pub mod proposal;
pub mod reach;
pub mod review;
pub mod reviewer;
pub mod roles;
pub mod run;
pub mod score;
pub mod scratch;
pub mod select;
pub mod session;
pub mod settings;
pub mod suggest;
pub mod verify;
pub mod watch;
pub mod worktree;
