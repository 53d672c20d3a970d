//! Statistics over samples.

/// The mean of the positive values, or `None` when there are none.
pub fn mean_of_positive(values: &[f64]) -> Option<f64> {
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
