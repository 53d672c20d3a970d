//! Renders a [`crate::analysis::report::Report`] in each output format, and the summary line
//! a scan ends with.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod rdjsonl;
pub mod sarif;
pub mod summary;
