//! Three functions that share a run of seven statements (lines 9-15, 26-32, 44-50) but
//! differ around it; every two statements of the run also start a shorter look-alike
//! elsewhere (`decoys.rs`).

pub fn settle_accounts(entries: &[Entry], limit: u64) -> Summary {
    let started = std::time::Instant::now();
    let mut rejected = Vec::new();
    let mut pending = entries.len();
    let opening = entries.iter().map(|e| e.opening).sum::<u64>();
    let credits = entries.iter().filter(|e| e.credit).count();
    let debits = entries.len() - credits;
    let largest = entries.iter().map(|e| e.amount).max().unwrap_or(0);
    let average = if entries.is_empty() { 0 } else { opening / entries.len() as u64 };
    let flagged = entries.iter().filter(|e| e.amount > limit).count();
    let closing = opening + largest * credits as u64 - average * debits as u64;
    for entry in entries.iter().filter(|e| e.amount > limit) {
        rejected.push(entry.id);
        pending -= 1;
    }
    Summary { opening, closing, flagged, rejected, pending, elapsed: started.elapsed() }
}

pub fn audit_period(entries: &[Entry], period: &Period) -> Report {
    let window: Vec<&Entry> = entries.iter().filter(|e| period.contains(e.day)).collect();
    let limit = period.limit;
    let opening = entries.iter().map(|e| e.opening).sum::<u64>();
    let credits = entries.iter().filter(|e| e.credit).count();
    let debits = entries.len() - credits;
    let largest = entries.iter().map(|e| e.amount).max().unwrap_or(0);
    let average = if entries.is_empty() { 0 } else { opening / entries.len() as u64 };
    let flagged = entries.iter().filter(|e| e.amount > limit).count();
    let closing = opening + largest * credits as u64 - average * debits as u64;
    let gap = period.expected.abs_diff(closing);
    if gap > period.tolerance {
        log::warn!("period {} is off by {gap}", period.name);
    }
    Report { name: period.name.clone(), window: window.len(), flagged, gap }
}

pub fn forecast(entries: &[Entry], horizon: u32) -> Vec<u64> {
    let mut series = Vec::with_capacity(horizon as usize);
    let growth = entries.iter().map(|e| e.growth).fold(1.0_f64, f64::max);
    let limit = u64::from(horizon);
    let opening = entries.iter().map(|e| e.opening).sum::<u64>();
    let credits = entries.iter().filter(|e| e.credit).count();
    let debits = entries.len() - credits;
    let largest = entries.iter().map(|e| e.amount).max().unwrap_or(0);
    let average = if entries.is_empty() { 0 } else { opening / entries.len() as u64 };
    let flagged = entries.iter().filter(|e| e.amount > limit).count();
    let closing = opening + largest * credits as u64 - average * debits as u64;
    let mut level = closing as f64;
    for _ in 0..horizon {
        level *= growth - flagged as f64 / 100.0;
        series.push(level as u64);
    }
    series
}
