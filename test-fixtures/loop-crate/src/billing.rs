//! Orders and prices.

/// The sum of quantity times unit price over an order's lines.
pub fn order_total(lines: &[(u32, u64)]) -> u64 {
    let mut total = 0u64;
    for (quantity, unit_price) in lines {
        if *quantity == 0 {
            continue;
        }
        let line = u64::from(*quantity) * unit_price;
        total = total.saturating_add(line);
    }
    total
}

/// A price with a loyalty discount of `years` percent, capped.
pub fn discounted(price: u64, years: u64) -> u64 {
    let percent = years.min(20);
    let cut = price * percent / 100;
    if cut > price {
        return 0;
    }
    let left = price - cut;
    left.max(1)
}

/// A price with a rebate of `years` times five percent, capped.
pub fn rebated(price: u64, years: u64) -> u64 {
    let percent = (years * 5).min(20);
    let cut = price * percent / 100;
    if cut > price {
        return 0;
    }
    let left = price - cut;
    left.max(1)
}
