//! Stock levels.

/// How many to order to bring `have` up to `target`.
pub fn restock_amount(have: u32, target: u32) -> u32 {
    if have >= target {
        return 0;
    }
    let missing = target - have;
    let batches = missing.div_ceil(5);
    let amount = batches * 5;
    amount.min(target)
}

/// How many to reorder to bring `stock` up to `level`.
pub fn reorder_quantity(stock: u32, level: u32) -> u32 {
    if stock >= level {
        return 0;
    }
    let missing = level - stock;
    let batches = missing.div_ceil(5);
    let amount = batches * 5;
    amount.min(level)
}

/// A shelf of slots, each holding some items.
pub struct Shelf {
    slots: Vec<u32>,
}

impl Shelf {
    pub fn new(slots: Vec<u32>) -> Shelf {
        Shelf { slots }
    }

    /// Slots with at least one item.
    pub fn stocked_count(&self) -> usize {
        let mut count = 0;
        for slot in &self.slots {
            if *slot > 0 {
                count += 1;
            }
        }
        if count > self.slots.len() {
            return self.slots.len();
        }
        count
    }

    /// Slots that are not empty.
    pub fn non_empty_slots(&self) -> usize {
        let mut count = 0;
        for slot in &self.slots {
            if *slot > 0 {
                count += 1;
            }
        }
        if count > self.slots.len() {
            return self.slots.len();
        }
        count
    }
}
