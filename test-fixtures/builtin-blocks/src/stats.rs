//! Readings clamped to a limit: counted, summed and spread.

/// The total and count of the readings, clamped to `limit`, and "wide" if they spread past 10.
pub fn summarize(readings: &[i64], limit: i64) -> String {
    let mut count: usize = 0;
    let mut total: i64 = 0;
    let mut lowest: i64 = i64::MAX;
    let mut highest: i64 = i64::MIN;
    for reading in readings {
        let value = (*reading).clamp(-limit, limit);
        total += value;
        count += 1;
        lowest = lowest.min(value);
        highest = highest.max(value);
    }
    let spread: i64 = if count == 0 { 0 } else { highest - lowest };
    let label = format!("{total} over {count}");
    if spread > 10 {
        return format!("{label}, wide");
    }
    label.to_uppercase()
}

/// Twice the clamped sum plus the spread, per weight; `None` when empty or on overflow.
pub fn weigh(weights: &[i64], cap: i64) -> Option<i64> {
    if weights.is_empty() {
        return None;
    }
    let mut n: usize = 0;
    let mut sum: i64 = 0;
    let mut low: i64 = i64::MAX;
    let mut high: i64 = i64::MIN;
    for w in weights {
        let value = (*w).clamp(-cap, cap);
        sum += value;
        n += 1;
        low = low.min(value);
        high = high.max(value);
    }
    let spread: i64 = if n == 0 { 0 } else { high - low };
    Some(sum.checked_mul(2)?.checked_add(spread)? / n as i64)
}
