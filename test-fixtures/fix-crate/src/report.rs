//! Report lines.

/// The mean shown in a report: positive samples only.
pub fn summary_mean(values: &[f64]) -> Option<f64> {
    let mut total = 0.0;
    let mut count = 0usize;
    for value in values {
        if *value > 0.0 {
            total += value;
            count += 1;
        }
    }
    if count == 0 {
        return None;
    }
    Some(total / count as f64)
}
