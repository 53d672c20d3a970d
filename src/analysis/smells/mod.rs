//! Architectural smells, reported beside clone groups: module cycles so far, and the
//! function-level ones (long, complex, deeply nested functions and long parameter lists).

mod crates;
mod find;
mod functions;
mod graph;
mod map;
mod matches;
mod modules;
mod scope;
mod smell;
mod types;
mod visibility;

pub use find::{find_smells, Found};
pub(crate) use graph::strongly_connected;
pub use map::{ModuleEdge, ModuleMap, ModuleNode};
pub use smell::{Location, Severity, Smell, SmellKind};

#[cfg(test)]
mod tests;
