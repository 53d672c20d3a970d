//! Plain-text and CSV reports over the inventory.

use crate::item::Item;

/// One-line summary of an inventory, with the total value formatted as
/// money using `symbol` and comma thousands separators.
pub fn inventory_summary(items: &[Item], symbol: &str) -> String {
    let count = items.len();
    let units: u64 = items.iter().map(|item| item.quantity as u64).sum();
    let mut value_cents: u64 = 0;
    for item in items {
        value_cents = value_cents.saturating_add(item.stock_value());
    }
    let dollars = value_cents / 100;
    let cents = value_cents % 100;
    let digits = dollars.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let money = format!("{symbol}{grouped}.{cents:02}");
    let low = items.iter().filter(|item| item.needs_restock()).count();
    format!("{count} items, {units} units, value {money}, {low} low")
}

/// One CSV row `sku,name,quantity,"value"` for an item. Names containing
/// commas or quotes are quoted; the value column is always quoted.
pub fn csv_row(item: &Item, symbol: &str) -> String {
    let value_cents = item.stock_value();
    let name = if item.name.contains(',') || item.name.contains('"') {
        format!("\"{}\"", item.name.replace('"', "\"\""))
    } else {
        item.name.clone()
    };
    let dollars = value_cents / 100;
    let cents = value_cents % 100;
    let digits = dollars.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let money = format!("{symbol}{grouped}.{cents:02}");
    format!("{},{},{},\"{}\"", item.sku, name, item.quantity, money)
}

/// Lines `SKU: quantity of reorder_level` for items that need restocking,
/// sorted by how far below their reorder level they are (worst first).
pub fn low_stock_lines(items: &[Item]) -> Vec<String> {
    let mut low: Vec<&Item> = items.iter().filter(|item| item.needs_restock()).collect();
    low.sort_by_key(|item| std::cmp::Reverse(item.reorder_level as i64 - item.quantity as i64));
    low.iter()
        .map(|item| format!("{}: {} of {}", item.sku, item.quantity, item.reorder_level))
        .collect()
}
