//! Places.

/// A place.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: i64,
    pub y: i64,
    pub z: i64,
    pub w: i64,
}
