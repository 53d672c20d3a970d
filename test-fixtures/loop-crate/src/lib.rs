//! A small crate with planted duplicates the built-in agent can merge (identical and
//! consistently renamed functions, copies that differ in one literal, twin methods), and tests
//! that pin their behaviour, for `cargo loop run`.

pub mod billing;
pub mod inventory;
pub mod report;
pub mod text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_agree() {
        let lines = [(2, 150), (1, 99), (0, 500)];
        assert_eq!(billing::order_total(&lines), 399);
        assert_eq!(report::line_total(&lines), 399);
        assert_eq!(billing::order_total(&[]), 0);
    }

    #[test]
    fn slugs_agree() {
        assert_eq!(text::slugify("Hello, World!"), "hello-world");
        assert_eq!(report::heading_slug("  Two  Words "), "two-words");
        assert_eq!(text::slugify(""), "");
    }

    #[test]
    fn restock_levels() {
        assert_eq!(inventory::restock_amount(3, 10), 10);
        assert_eq!(inventory::restock_amount(8, 10), 5);
        assert_eq!(inventory::reorder_quantity(12, 10), 0);
        assert_eq!(billing::discounted(1000, 3), 970);
        assert_eq!(billing::rebated(1000, 3), 850);
    }

    #[test]
    fn shelf_methods_agree() {
        let shelf = inventory::Shelf::new(vec![4, 0, 9, 2]);
        assert_eq!(shelf.stocked_count(), 3);
        assert_eq!(shelf.non_empty_slots(), 3);
        assert_eq!(inventory::Shelf::new(Vec::new()).stocked_count(), 0);
    }

    #[test]
    fn word_counts_agree() {
        assert_eq!(text::count_words("a bb  ccc"), 3);
        assert_eq!(report::word_total("  one two "), 2);
        assert_eq!(text::longest_word("a bb ccc dd"), "ccc");
        assert_eq!(report::widest_word("x yy"), "yy");
    }
}
