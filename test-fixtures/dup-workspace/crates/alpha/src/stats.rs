// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

pub fn exponential_smoothing(samples: &[f32], factor: f32) -> Vec<f32> {
    let mut smoothed = Vec::with_capacity(samples.len());
    let mut previous = match samples.first() {
        Some(first) => *first,
        None => return smoothed,
    };
    let weight = factor.clamp(0.05, 0.95);
    for sample in samples {
        let next = weight * sample + (1.0 - weight) * previous;
        if next.abs() < 1e-6 {
            smoothed.push(0.0);
        } else {
            smoothed.push(next);
        }
        previous = next;
    }
    smoothed
}

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
