//! Polylines and closed polygons.

use crate::shape::Rect;

/// Axis-aligned extent of a point set, with the number of points and
/// whether the outline is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Extent {
    pub min_x: i64,
    pub min_y: i64,
    pub max_x: i64,
    pub max_y: i64,
    pub vertices: usize,
    pub closed: bool,
}

/// A sequence of points, optionally closed back to the first one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Polyline {
    pub points: Vec<(i64, i64)>,
    pub closed: bool,
}

impl Polyline {
    pub fn new(points: Vec<(i64, i64)>, closed: bool) -> Polyline {
        Polyline { points, closed }
    }

    /// The closed outline of a rectangle, clockwise from its origin.
    pub fn from_rect(rect: &Rect) -> Polyline {
        let points = vec![
            (rect.x, rect.y),
            (rect.right(), rect.y),
            (rect.right(), rect.bottom()),
            (rect.x, rect.bottom()),
        ];
        Polyline::new(points, true)
    }

    /// Length along the points in order, each segment rounded to whole
    /// micrometres; the closing segment is not included.
    pub fn length_um(&self) -> i64 {
        let mut total: i64 = 0;
        let mut previous: Option<(i64, i64)> = None;
        for &(x, y) in &self.points {
            if let Some((px, py)) = previous {
                let dx = x as f64 - px as f64;
                let dy = y as f64 - py as f64;
                let step = dx.hypot(dy).round() as i64;
                total = total.saturating_add(step);
            }
            previous = Some((x, y));
        }
        total
    }

    /// Length including the closing segment when the outline is closed.
    pub fn perimeter_um(&self) -> i64 {
        let open = self.length_um();
        match (self.closed, self.points.first(), self.points.last()) {
            (true, Some(&(fx, fy)), Some(&(lx, ly))) => {
                let back = (fx as f64 - lx as f64).hypot(fy as f64 - ly as f64);
                open.saturating_add(back.round() as i64)
            }
            _ => open,
        }
    }

    /// Twice the signed area enclosed (shoelace formula); positive when the
    /// points run clockwise in screen coordinates.
    pub fn twice_area(&self) -> i128 {
        let n = self.points.len();
        if n < 3 {
            return 0;
        }
        let mut sum: i128 = 0;
        for i in 0..n {
            let (x1, y1) = self.points[i];
            let (x2, y2) = self.points[(i + 1) % n];
            sum += x1 as i128 * y2 as i128 - x2 as i128 * y1 as i128;
        }
        sum
    }

    pub fn extent(&self) -> Option<Extent> {
        let &(first_x, first_y) = self.points.first()?;
        let mut extent = Extent {
            min_x: first_x,
            min_y: first_y,
            max_x: first_x,
            max_y: first_y,
            vertices: self.points.len(),
            closed: self.closed,
        };
        for &(x, y) in &self.points[1..] {
            extent.min_x = extent.min_x.min(x);
            extent.min_y = extent.min_y.min(y);
            extent.max_x = extent.max_x.max(x);
            extent.max_y = extent.max_y.max(y);
        }
        Some(extent)
    }
}

impl Polyline {
    /// Distance a pen plotter travels drawing the points in order, each
    /// move rounded to whole micrometres (no return to the start).
    pub fn pen_travel_um(&self) -> i64 {
        let mut travelled: i64 = 0;
        let mut last: Option<(i64, i64)> = None;
        for &(cx, cy) in &self.points {
            if let Some((lx, ly)) = last {
                let run = cx as f64 - lx as f64;
                let rise = cy as f64 - ly as f64;
                let segment = run.hypot(rise).round() as i64;
                travelled = travelled.saturating_add(segment);
            }
            last = Some((cx, cy));
        }
        travelled
    }
}
