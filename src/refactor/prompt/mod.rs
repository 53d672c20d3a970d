//! The prompt an agent gets, in two parts: the stable part every candidate shares
//! (instructions, constraints, the edit format), sent first so that providers' prompt caches
//! hit, and the task: the finding, its code with the context it needs within a token budget,
//! and why an earlier attempt was refused.

mod budget;
mod build;
mod context;
mod feedback;
mod file;
mod manifest;
mod render;
mod resolve;
mod signatures;
#[cfg(test)]
mod tests;
mod text;

// The pass reads the prompt's size and cuts for the audit trail once it is rewired to this
// API; until then only the tests do.
#[cfg_attr(
    not(test),
    expect(unused_imports, reason = "read once the pass is rewired")
)]
pub use budget::estimate_tokens;
pub use build::build;
#[cfg_attr(
    not(test),
    expect(unused_imports, reason = "read once the pass is rewired")
)]
pub use build::Prompt;
pub use feedback::Feedback;
