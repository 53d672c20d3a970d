//! Short functions that each repeat two statements of the run in `ledger.rs`, then go
//! another way: too small for the default thresholds.

pub fn decoy_opening(entries: &[Entry]) -> usize {
    let opening = entries.iter().map(|e| e.opening).sum::<u64>();
    let credits = entries.iter().filter(|e| e.credit).count();
    opening as usize + credits
}

pub fn decoy_credits(entries: &[Entry]) -> usize {
    let credits = entries.iter().filter(|e| e.credit).count();
    let debits = entries.len() - credits;
    debits * 2
}

pub fn decoy_debits(entries: &[Entry], credits: usize) -> u64 {
    let debits = entries.len() - credits;
    let largest = entries.iter().map(|e| e.amount).max().unwrap_or(0);
    largest + debits as u64
}

pub fn decoy_largest(entries: &[Entry]) -> u64 {
    let largest = entries.iter().map(|e| e.amount).max().unwrap_or(0);
    let average = if entries.is_empty() { 0 } else { largest / entries.len() as u64 };
    average + 1
}

pub fn decoy_average(entries: &[Entry], opening: u64) -> usize {
    let average = if entries.is_empty() { 0 } else { opening / entries.len() as u64 };
    let flagged = entries.iter().filter(|e| e.amount > average).count();
    flagged * 3
}

pub fn decoy_flagged(entries: &[Entry], limit: u64, opening: u64, largest: u64) -> u64 {
    let flagged = entries.iter().filter(|e| e.amount > limit).count();
    let closing = opening + largest * credits as u64 - average * debits as u64;
    closing / 2
}
