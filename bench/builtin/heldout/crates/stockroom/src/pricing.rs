//! Price calculation: quantity tiers and cost averaging.

/// A quantity break: orders of at least `min_qty` units get `discount_pct`
/// percent off the gross price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceTier {
    pub min_qty: u32,
    pub discount_pct: u32,
}

/// Price in cents of `qty` units at `unit_cents` each, applying the best
/// matching tier. Discounts are capped at 100 percent and rounded down.
pub fn price_with_tiers(qty: u32, unit_cents: u64, tiers: &[PriceTier]) -> u64 {
    let gross = (qty as u64).saturating_mul(unit_cents);
    let mut best = 0u32;
    for tier in tiers {
        if qty >= tier.min_qty && tier.discount_pct > best {
            best = tier.discount_pct;
        }
    }
    let pct = best.min(100) as u64;
    let discount = gross / 100 * pct + gross % 100 * pct / 100;
    gross - discount
}

/// Quantity-weighted average unit cost over purchase lots of
/// `(quantity, unit_cents)`, rounded half up. `None` when no units.
pub fn average_unit_cost(lots: &[(u32, u64)]) -> Option<u64> {
    let mut total_qty: u64 = 0;
    let mut total_cost: u64 = 0;
    for &(qty, unit_cents) in lots {
        if qty == 0 {
            continue;
        }
        total_qty += qty as u64;
        total_cost = total_cost.saturating_add((qty as u64).saturating_mul(unit_cents));
    }
    if total_qty == 0 {
        return None;
    }
    let whole = total_cost / total_qty;
    let remainder = total_cost % total_qty;
    if remainder * 2 >= total_qty {
        Some(whole + 1)
    } else {
        Some(whole)
    }
}

/// Margin of a sale price over a cost, in basis points (1/100 percent).
/// Returns `None` when the price is zero.
pub fn margin_basis_points(price_cents: u64, cost_cents: u64) -> Option<i64> {
    if price_cents == 0 {
        return None;
    }
    let profit = price_cents as i128 - cost_cents as i128;
    let bp = profit * 10_000 / price_cents as i128;
    Some(bp.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}
