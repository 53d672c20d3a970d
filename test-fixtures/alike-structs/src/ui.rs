//! The screen.

/// Where the cursor is.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub x: i64,
    pub y: i64,
    pub z: i64,
    pub w: i64,
}
