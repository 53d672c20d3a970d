//! How much there is left to fix, as two numbers a loop can watch fall: duplicated lines per
//! 1,000 lines of code, and smells per 1,000 lines (a note weighs a quarter of a warning).

use crate::analysis::report::Report;
use crate::analysis::smells::Severity;
pub use crate::record::event::Scores;

/// A note is a quarter of a warning: normal Rust more often than not (parent-child cycles).
const NOTE_WEIGHT: f64 = 0.25;

/// The scores of a scan.
pub fn of(report: &Report) -> Scores {
    let per_kloc = |n: f64| {
        if report.n_lines == 0 {
            0.0
        } else {
            n * 1000.0 / report.n_lines as f64
        }
    };
    // A fold from +0.0: an empty f64 sum is -0.0, which prints as "-0.0".
    let smells = report
        .smells
        .iter()
        .map(|smell| match smell.severity {
            Severity::Warning => 1.0,
            Severity::Note => NOTE_WEIGHT,
        })
        .fold(0.0, |sum, weight| sum + weight);
    Scores {
        duplication: per_kloc(report.duplicated_lines() as f64),
        smells: per_kloc(smells),
    }
}

#[cfg(test)]
mod test {
    use super::Scores;

    #[test]
    fn a_drop_in_either_score_is_an_improvement() {
        let before = Scores {
            duplication: 10.0,
            smells: 2.0,
        };
        let fewer_copies = Scores {
            duplication: 4.0,
            ..before
        };
        assert!(fewer_copies.improves_on(before));
        assert!(!before.improves_on(before));
        assert!((fewer_copies.total() - 6.0).abs() < 1e-9);
        assert_eq!(
            before.to_string(),
            "duplication 10.0, smells 2.0 per 1,000 lines"
        );
    }
}
