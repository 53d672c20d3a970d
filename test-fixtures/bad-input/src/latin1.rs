// Menu pricing helpers for the café example.
pub fn menu_price(cents: u32) -> String {
    format!("{}.{:02} EUR", cents / 100, cents % 100)
}

pub fn apply_discount(cents: u32, percent: u32) -> u32 {
    cents - cents * percent.min(100) / 100
}
