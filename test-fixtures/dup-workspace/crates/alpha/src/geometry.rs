// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

#[derive(Debug, Clone, PartialEq)]
pub enum Primitive {
    Point(f64, f64),
    Circle { center: (f64, f64), radius: f64 },
    Rect { origin: (f64, f64), width: f64, height: f64 },
    Polyline(Vec<(f64, f64)>),
    Label { at: (f64, f64), text: String },
}

impl Primitive {
    pub fn area(&self) -> f64 {
        match self {
            Primitive::Circle { radius, .. } => std::f64::consts::PI * radius * radius,
            Primitive::Rect { width, height, .. } => width * height,
            Primitive::Polyline(points) => polygon_area(points),
            Primitive::Point(..) | Primitive::Label { .. } => 0.0,
        }
    }
}

pub fn polygon_area(points: &[(f64, f64)]) -> f64 {
    let mut twice_area = 0.0;
    for (i, &(x1, y1)) in points.iter().enumerate() {
        let (x2, y2) = points[(i + 1) % points.len()];
        twice_area += x1 * y2 - x2 * y1;
    }
    twice_area.abs() / 2.0
}

pub fn normalize_polygon(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let closed = points.first() == points.last();
    let points = if closed { &points[..points.len() - 1] } else { points };
    let mut min_x = f64::MAX;
    let mut min_y = f64::MAX;
    let mut max_x = f64::MIN;
    let mut max_y = f64::MIN;
    for &(x, y) in points.iter() {
        min_x = min_x.min(x);
        min_y = min_y.min(y);
        max_x = max_x.max(x);
        max_y = max_y.max(y);
    }
    let width = (max_x - min_x).max(0.0);
    let height = (max_y - min_y).max(0.0);
    let center = ((min_x + max_x) / 2.0, (min_y + max_y) / 2.0);
    let scale = width.max(height);
    if scale <= f64::EPSILON {
        return vec![(0.0, 0.0); points.len()];
    }
    points
        .iter()
        .map(|&(x, y)| ((x - center.0) / scale, (y - center.1) / scale))
        .collect()
}
