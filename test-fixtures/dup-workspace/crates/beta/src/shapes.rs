// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

#[derive(Debug, Clone, PartialEq)]
pub enum DrawCommand {
    Point(f64, f64),
    Circle { center: (f64, f64), radius: f64 },
    Rect { origin: (f64, f64), width: f64, height: f64 },
    Polyline(Vec<(f64, f64)>),
    Label { at: (f64, f64), text: String },
}

impl DrawCommand {
    pub fn is_filled(&self) -> bool {
        matches!(self, DrawCommand::Circle { .. } | DrawCommand::Rect { .. })
    }
}

pub fn describe_path(name: &str, points: &[(f64, f64)]) -> String {
    if points.is_empty() {
        return format!("{name}: empty path");
    }
    let mut length = 0.0;
    for pair in points.windows(2) {
        let (dx, dy) = (pair[1].0 - pair[0].0, pair[1].1 - pair[0].1);
        length += (dx * dx + dy * dy).sqrt();
    }
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
    let aspect = if height > 0.0 { width / height } else { f64::INFINITY };
    format!(
        "{name}: {} points, length {length:.2}, bounds {width:.2}x{height:.2}, aspect {aspect:.2}, centred at ({:.2}, {:.2})",
        points.len(),
        center.0,
        center.1
    )
}
