//! Small inventory and pricing helpers for a stock room.
//!
//! Amounts of money are always integer cents; quantities are whole units.

pub mod item;
pub mod pricing;
pub mod report;
pub mod restock;

pub use item::{find_by_sku, normalize_sku, take_stock, Item};
pub use pricing::{average_unit_cost, price_with_tiers, PriceTier};
pub use report::{csv_row, inventory_summary, low_stock_lines};
pub use restock::{average_lead_days, parse_order_codes, plan_restock, RestockLine};

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Item> {
        vec![
            Item::new("ab-100", "Widget", 12, 250)
                .unwrap()
                .with_reorder_level(5),
            Item::new("cd 200", "Gadget", 2, 1999)
                .unwrap()
                .with_reorder_level(4),
        ]
    }

    #[test]
    fn normalizes_skus() {
        assert_eq!(normalize_sku(" ab_100 ").as_deref(), Some("AB-100"));
        assert_eq!(normalize_sku("x!"), None);
    }

    #[test]
    fn finds_and_takes_stock() {
        let mut items = sample();
        assert_eq!(find_by_sku(&items, "AB 100").unwrap().name, "Widget");
        assert_eq!(take_stock(&mut items[0], 5), 5);
        assert_eq!(items[0].quantity, 7);
    }

    #[test]
    fn tiered_prices() {
        let tiers = [
            PriceTier {
                min_qty: 10,
                discount_pct: 5,
            },
            PriceTier {
                min_qty: 50,
                discount_pct: 10,
            },
        ];
        assert_eq!(price_with_tiers(5, 100, &tiers), 500);
        assert_eq!(price_with_tiers(10, 100, &tiers), 950);
        assert_eq!(price_with_tiers(50, 100, &tiers), 4500);
    }

    #[test]
    fn averages() {
        assert_eq!(average_unit_cost(&[(1, 100), (3, 200)]), Some(175));
        assert_eq!(average_lead_days(&[(2, 3), (2, 6)]), Some(5));
    }

    #[test]
    fn reports() {
        let items = sample();
        let summary = inventory_summary(&items, "$");
        assert_eq!(summary, "2 items, 14 units, value $69.98, 1 low");
        assert_eq!(csv_row(&items[0], "$"), "AB-100,Widget,12,\"$30.00\"");
        assert_eq!(low_stock_lines(&items), vec!["CD-200: 2 of 4".to_string()]);
    }

    #[test]
    fn restock_plan() {
        let plan = plan_restock(&sample());
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].sku, "CD-200");
        assert_eq!(plan[0].order_qty, 6);
        assert_eq!(plan[0].cost_cents, 6 * 1999);
        assert_eq!(parse_order_codes("ab-1, cd 2\n??"), vec!["AB-1", "CD-2"]);
    }
}
