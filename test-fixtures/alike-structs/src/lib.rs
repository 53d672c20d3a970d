//! Shapes.

pub mod geo;
pub mod ui;

/// The distance between two places.
pub fn span(a: &geo::Point, b: &ui::Cursor) -> i64 {
    (a.x - b.x).abs() + (a.y - b.y).abs() + (a.z - b.z).abs() + a.w - b.w
}

#[cfg(test)]
mod tests {
    #[test]
    fn span_adds_the_distances() {
        let a = crate::geo::Point { x: 1, y: 2, z: 3, w: 0 };
        let b = crate::ui::Cursor { x: 4, y: 6, z: 3, w: 0 };
        assert_eq!(super::span(&a, &b), 7);
    }
}
