//! The errors callers decide on: a usage, configuration or environment error is exit code 2,
//! and its message says what and where.

/// A usage or environment error: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
