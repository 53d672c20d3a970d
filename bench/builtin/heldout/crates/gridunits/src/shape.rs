//! Axis-aligned rectangles.

/// Axis-aligned bounds of a shape, with the number of vertices it was
/// computed from and whether the outline is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Bounds {
    pub min_x: i64,
    pub min_y: i64,
    pub max_x: i64,
    pub max_y: i64,
    pub vertices: usize,
    pub closed: bool,
}

/// An axis-aligned rectangle; `width` and `height` are never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rect {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
}

impl Rect {
    /// Creates a rectangle; a negative size extends towards smaller
    /// coordinates instead.
    pub fn new(x: i64, y: i64, width: i64, height: i64) -> Rect {
        let (x, width) = if width < 0 {
            (x.saturating_add(width), width.saturating_neg())
        } else {
            (x, width)
        };
        let (y, height) = if height < 0 {
            (y.saturating_add(height), height.saturating_neg())
        } else {
            (y, height)
        };
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    pub fn right(&self) -> i64 {
        self.x.saturating_add(self.width)
    }

    pub fn bottom(&self) -> i64 {
        self.y.saturating_add(self.height)
    }

    pub fn area(&self) -> i128 {
        self.width as i128 * self.height as i128
    }

    /// Whether a point lies inside; the right and bottom edges are excluded.
    pub fn contains(&self, x: i64, y: i64) -> bool {
        x >= self.x && x < self.right() && y >= self.y && y < self.bottom()
    }

    /// Overlapping part of two rectangles, `None` if they only touch or
    /// do not meet at all.
    pub fn intersection(&self, other: &Rect) -> Option<Rect> {
        let left = self.x.max(other.x);
        let top = self.y.max(other.y);
        let right = self.right().min(other.right());
        let bottom = self.bottom().min(other.bottom());
        if left >= right || top >= bottom {
            return None;
        }
        Some(Rect::new(left, top, right - left, bottom - top))
    }

    pub fn bounds(&self) -> Bounds {
        Bounds {
            min_x: self.x,
            min_y: self.y,
            max_x: self.right(),
            max_y: self.bottom(),
            vertices: 4,
            closed: true,
        }
    }
}
