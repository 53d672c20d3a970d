//! Stock items and SKU handling.

/// A single stocked item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    pub unit_cents: u64,
    pub reorder_level: u32,
}

impl Item {
    /// Creates an item, normalizing the SKU. Returns `None` for an invalid SKU.
    pub fn new(sku: &str, name: &str, quantity: u32, unit_cents: u64) -> Option<Item> {
        let sku = normalize_sku(sku)?;
        Some(Item {
            sku,
            name: name.trim().to_string(),
            quantity,
            unit_cents,
            reorder_level: 0,
        })
    }

    /// Sets the stock level at or below which the item should be reordered.
    pub fn with_reorder_level(mut self, level: u32) -> Item {
        self.reorder_level = level;
        self
    }

    /// Total value of the stock on hand in cents, saturating on overflow.
    pub fn stock_value(&self) -> u64 {
        (self.quantity as u64).saturating_mul(self.unit_cents)
    }

    /// Whether the quantity on hand has dropped to the reorder level.
    pub fn needs_restock(&self) -> bool {
        self.quantity <= self.reorder_level
    }
}

/// Normalizes a SKU: ASCII letters are upper-cased, runs of `-`, `_` and
/// spaces become a single `-`, and any other character makes it invalid.
pub fn normalize_sku(raw: &str) -> Option<String> {
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

/// Finds an item by SKU, comparing normalized forms.
pub fn find_by_sku<'a>(items: &'a [Item], sku: &str) -> Option<&'a Item> {
    let wanted = normalize_sku(sku)?;
    items.iter().find(|item| item.sku == wanted)
}

/// Removes up to `amount` units from stock and returns how many were taken.
pub fn take_stock(item: &mut Item, amount: u32) -> u32 {
    let taken = amount.min(item.quantity);
    item.quantity -= taken;
    taken
}
