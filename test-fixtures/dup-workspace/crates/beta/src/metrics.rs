// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

use alpha::stats::mean;

pub fn dampen_readings(readings: &[f64], ratio: f64) -> Vec<f64> {
    let mut output = Vec::with_capacity(readings.len());
    let mut last = match readings.first() {
        Some(head) => *head,
        None => return output,
    };
    let damping = ratio.clamp(0.1, 0.9);
    for reading in readings {
        let value = damping * reading + (1.0 - damping) * last;
        if value.abs() < 1e-9 {
            output.push(0.0);
        } else {
            output.push(value);
        }
        last = value;
    }
    output
}

pub fn relative_spread(values: &[f64]) -> Option<f64> {
    let average = mean(values)?;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let high = percentile(&sorted, 90.0)?;
    let low = percentile(&sorted, 10.0)?;
    if average.abs() < f64::EPSILON {
        return None;
    }
    Some((high - low) / average)
}

// cargo-loop: allow(duplicate)
pub fn percentile(sorted: &[f64], rank: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=100.0).contains(&rank) {
        return None;
    }
    let position = rank / 100.0 * (sorted.len() - 1) as f64;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    let fraction = position - lower as f64;
    let low_value = sorted[lower];
    let high_value = sorted[upper];
    Some(low_value + (high_value - low_value) * fraction)
}
