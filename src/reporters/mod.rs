//! Renders a [`crate::analysis::report::Report`] in each output format, and owns the terminal (colours,
//! progress bar, summary line).

pub mod console;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
