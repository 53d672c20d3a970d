//! Hidden behaviour tests for `stockroom`.

use stockroom::pricing::margin_basis_points;
use stockroom::*;

fn item(sku: &str, name: &str, qty: u32, cents: u64, level: u32) -> Item {
    Item::new(sku, name, qty, cents)
        .expect("valid sku")
        .with_reorder_level(level)
}

// --- SKU normalization: pub copy (item::normalize_sku) and the private
// copy reached through restock::parse_order_codes.

#[test]
fn normalize_sku_edges() {
    assert_eq!(normalize_sku(""), None);
    assert_eq!(normalize_sku("   "), None);
    assert_eq!(normalize_sku("---"), None);
    assert_eq!(normalize_sku("_ -"), None);
    assert_eq!(normalize_sku("-ab-").as_deref(), Some("AB"));
    assert_eq!(normalize_sku("a__b  c").as_deref(), Some("A-B-C"));
    assert_eq!(normalize_sku("x9").as_deref(), Some("X9"));
    assert_eq!(normalize_sku("café"), None);
    assert_eq!(normalize_sku("ab\tcd"), None);
    assert_eq!(normalize_sku("a.b"), None);
}

#[test]
fn parse_order_codes_uses_same_normalization() {
    assert!(parse_order_codes("").is_empty());
    assert!(parse_order_codes(",,\n\n").is_empty());
    assert_eq!(
        parse_order_codes(" -x- ,ÄB,\n\n,a__b  c,a.b,z"),
        vec!["X", "A-B-C", "Z"]
    );
    for raw in ["", "   ", "---", "-ab-", "a__b  c", "x9", "café", "a.b"] {
        let via_orders = parse_order_codes(raw);
        let direct: Vec<String> = normalize_sku(raw).into_iter().collect();
        assert_eq!(via_orders, direct, "input {raw:?}");
    }
}

#[test]
fn item_lookup_and_taking() {
    assert!(Item::new("!!", "bad", 1, 1).is_none());
    let mut items = vec![item("ab 1", "  Bolt  ", 3, 10, 0)];
    assert_eq!(items[0].name, "Bolt");
    assert!(find_by_sku(&items, "??").is_none());
    assert!(find_by_sku(&items, "ab_1").is_some());
    assert!(find_by_sku(&[], "ab-1").is_none());
    assert_eq!(take_stock(&mut items[0], 0), 0);
    assert_eq!(take_stock(&mut items[0], 10), 3);
    assert_eq!(items[0].quantity, 0);
    assert_eq!(take_stock(&mut items[0], 1), 0);
    assert!(items[0].needs_restock());
}

#[test]
fn stock_value_saturates() {
    let big = item("big", "Big", u32::MAX, u64::MAX, 0);
    assert_eq!(big.stock_value(), u64::MAX);
    let zero = item("z", "Zero", 0, u64::MAX, 0);
    assert_eq!(zero.stock_value(), 0);
}

// --- pricing

#[test]
fn tier_boundaries_and_caps() {
    let tiers = [
        PriceTier {
            min_qty: 10,
            discount_pct: 5,
        },
        PriceTier {
            min_qty: 20,
            discount_pct: 150,
        },
    ];
    assert_eq!(price_with_tiers(0, 100, &tiers), 0);
    assert_eq!(price_with_tiers(9, 100, &tiers), 900);
    assert_eq!(price_with_tiers(10, 100, &tiers), 950);
    assert_eq!(price_with_tiers(19, 3, &tiers), 55); // 57 - 2 (2.85 rounded down)
    assert_eq!(price_with_tiers(20, 100, &tiers), 0);
    assert_eq!(price_with_tiers(7, 7, &[]), 49);
    let half = [PriceTier {
        min_qty: 0,
        discount_pct: 50,
    }];
    assert_eq!(
        price_with_tiers(u32::MAX, u64::MAX, &half),
        9_223_372_036_854_775_808
    );
    assert_eq!(price_with_tiers(u32::MAX, u64::MAX, &[]), u64::MAX);
}

#[test]
fn average_unit_cost_edges() {
    assert_eq!(average_unit_cost(&[]), None);
    assert_eq!(average_unit_cost(&[(0, 500), (0, 7)]), None);
    assert_eq!(average_unit_cost(&[(1, 1), (1, 2)]), Some(2));
    assert_eq!(average_unit_cost(&[(1, 0), (2, 1)]), Some(1));
    assert_eq!(average_unit_cost(&[(1, 1), (2, 0)]), Some(0));
    assert_eq!(average_unit_cost(&[(0, 1_000_000), (4, 3)]), Some(3));
    assert_eq!(
        average_unit_cost(&[(u32::MAX, u64::MAX)]),
        Some(4_294_967_297)
    );
}

#[test]
fn average_lead_days_matches_unit_cost_rules() {
    assert_eq!(average_lead_days(&[]), None);
    assert_eq!(average_lead_days(&[(0, 9)]), None);
    assert_eq!(average_lead_days(&[(1, 1), (1, 2)]), Some(2));
    assert_eq!(average_lead_days(&[(1, 1), (2, 0)]), Some(0));
    assert_eq!(
        average_lead_days(&[(u32::MAX, u64::MAX)]),
        Some(4_294_967_297)
    );
    let cases: [&[(u32, u64)]; 5] = [
        &[(3, 10), (5, 11)],
        &[(1, 0), (2, 1)],
        &[(7, 1), (0, 100)],
        &[(u32::MAX, 3), (u32::MAX, 4)],
        &[(2, u64::MAX), (1, 1)],
    ];
    for lots in cases {
        assert_eq!(average_lead_days(lots), average_unit_cost(lots), "{lots:?}");
    }
}

#[test]
fn margins() {
    assert_eq!(margin_basis_points(0, 10), None);
    assert_eq!(margin_basis_points(100, 0), Some(10_000));
    assert_eq!(margin_basis_points(100, 75), Some(2_500));
    assert_eq!(margin_basis_points(100, 300), Some(-20_000));
    assert_eq!(margin_basis_points(3, 2), Some(3_333));
}

// --- reports: the money formatting run appears in both functions.

#[test]
fn summary_of_empty_inventory() {
    assert_eq!(
        inventory_summary(&[], "$"),
        "0 items, 0 units, value $0.00, 0 low"
    );
    assert!(low_stock_lines(&[]).is_empty());
}

#[test]
fn money_grouping_in_summary_and_csv() {
    let cases = [
        (1u64, "$0.01"),
        (99_999, "$999.99"),
        (100_000, "$1,000.00"),
        (12_345_678, "$123,456.78"),
        (100_000_000, "$1,000,000.00"),
        (u64::MAX, "$184,467,440,737,095,516.15"),
    ];
    for (cents, money) in cases {
        let it = item("m-1", "M", 1, cents, 0);
        assert_eq!(
            inventory_summary(std::slice::from_ref(&it), "$"),
            format!("1 items, 1 units, value {money}, 0 low")
        );
        assert_eq!(csv_row(&it, "$"), format!("M-1,M,1,\"{money}\""));
    }
}

#[test]
fn summary_saturates_and_unicode_symbol() {
    let items = vec![
        item("a", "A", u32::MAX, u64::MAX, 0),
        item("b", "B", 1, 5, 9),
    ];
    assert_eq!(
        inventory_summary(&items, "€"),
        "2 items, 4294967296 units, value €184,467,440,737,095,516.15, 1 low"
    );
    assert_eq!(csv_row(&items[1], "€"), "B,B,1,\"€0.05\"");
    assert_eq!(csv_row(&items[1], ""), "B,B,1,\"0.05\"");
}

#[test]
fn csv_quotes_names() {
    let it = item("q", "Nuts, \"hex\"", 2, 50_000, 0);
    assert_eq!(csv_row(&it, "$"), "Q,\"Nuts, \"\"hex\"\"\",2,\"$1,000.00\"");
    let plain = item("p", "Größe", 0, 10, 0);
    assert_eq!(csv_row(&plain, "$"), "P,Größe,0,\"$0.00\"");
}

#[test]
fn low_stock_ordering_and_boundary() {
    let items = vec![
        item("a", "A", 5, 1, 5),
        item("b", "B", 0, 1, 10),
        item("c", "C", 6, 1, 5),
        item("d", "D", 0, 1, 0),
        item("e", "E", 2, 1, 7),
    ];
    assert_eq!(
        low_stock_lines(&items),
        vec!["B: 0 of 10", "E: 2 of 7", "A: 5 of 5", "D: 0 of 0"]
    );
}

// --- restock

#[test]
fn restock_plan_edges() {
    assert!(plan_restock(&[]).is_empty());
    let items = vec![
        item("zero", "Z", 0, 100, 0),
        item("eq", "E", 4, 25, 4),
        item("above", "A", 5, 1, 4),
        item("max", "M", 0, u64::MAX, u32::MAX),
    ];
    let plan = plan_restock(&items);
    assert_eq!(
        plan,
        vec![
            RestockLine {
                sku: "EQ".to_string(),
                order_qty: 4,
                cost_cents: 100,
            },
            RestockLine {
                sku: "MAX".to_string(),
                order_qty: u32::MAX,
                cost_cents: u64::MAX,
            },
        ]
    );
}
