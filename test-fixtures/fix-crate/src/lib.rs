//! A small crate with one planted duplicate (`stats::mean_of_positive` and
//! `report::summary_mean`) and passing tests, for `cargo loop fix`.

pub mod report;
pub mod stats;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_of_positive_skips_negatives() {
        assert_eq!(stats::mean_of_positive(&[1.0, -4.0, 3.0]), Some(2.0));
    }

    #[test]
    fn mean_of_positive_of_nothing_is_none() {
        assert_eq!(stats::mean_of_positive(&[-1.0]), None);
    }

    #[test]
    fn summary_mean_matches() {
        assert_eq!(report::summary_mean(&[2.0, 4.0, -1.0]), Some(3.0));
    }
}
