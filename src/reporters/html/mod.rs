//! `--format html` and `cargo loop report`: one self-contained page (`target/loop/report.html`)
//! with the clone groups side by side, the module graphs, the smells and the loop history.

mod chart;
mod clones;
mod diff;
mod graph;
mod history;
mod markup;
mod page;
mod smells;
mod write;

pub use write::{scan_and_write, write};

#[cfg(test)]
mod tests;
