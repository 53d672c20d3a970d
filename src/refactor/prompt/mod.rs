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

pub use budget::estimate_tokens;
pub use build::{build, Prompt};
pub use feedback::Feedback;
