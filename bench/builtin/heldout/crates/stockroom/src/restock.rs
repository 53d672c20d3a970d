//! Restock planning and supplier order handling.

use crate::item::Item;

/// One line of a purchase order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestockLine {
    pub sku: String,
    pub order_qty: u32,
    pub cost_cents: u64,
}

/// Plans a purchase order: every item at or below its reorder level is
/// topped up to twice that level. Items with a zero reorder level are skipped.
pub fn plan_restock(items: &[Item]) -> Vec<RestockLine> {
    let mut lines = Vec::new();
    for item in items {
        if item.reorder_level == 0 || !item.needs_restock() {
            continue;
        }
        let target = item.reorder_level.saturating_mul(2);
        let order_qty = target - item.quantity;
        lines.push(RestockLine {
            sku: item.sku.clone(),
            order_qty,
            cost_cents: (order_qty as u64).saturating_mul(item.unit_cents),
        });
    }
    lines
}

/// Parses a supplier's list of order codes separated by commas or newlines,
/// normalizing each code and dropping the invalid ones.
pub fn parse_order_codes(text: &str) -> Vec<String> {
    text.split([',', '\n']).filter_map(normalize_sku).collect()
}

fn normalize_sku(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(trimmed.len());
    for ch in trimmed.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_uppercase());
        } else if ch == '-' || ch == '_' || ch == ' ' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            return None;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

/// Quantity-weighted average supplier lead time over past orders of
/// `(units_ordered, lead_days)`, rounded half up. `None` when no units.
pub fn average_lead_days(orders: &[(u32, u64)]) -> Option<u64> {
    let mut units: u64 = 0;
    let mut weighted: u64 = 0;
    for &(ordered, lead_days) in orders {
        if ordered == 0 {
            continue;
        }
        units += ordered as u64;
        weighted = weighted.saturating_add((ordered as u64).saturating_mul(lead_days));
    }
    if units == 0 {
        return None;
    }
    let whole = weighted / units;
    let rest = weighted % units;
    if rest * 2 >= units {
        Some(whole + 1)
    } else {
        Some(whole)
    }
}
