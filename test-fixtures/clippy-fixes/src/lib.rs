//! Ticket triage: a deeply nested function whose nesting is mostly `if`s clippy collapses.

/// How urgent a ticket is, from its age in days and the labels on it.
pub fn triage(age: u32, labels: &[&str]) -> &'static str {
    if age > 0 {
        if age < 365 {
            for label in labels {
                if label.starts_with("sev") {
                    if label.ends_with('1') {
                        if age > 2 {
                            return "overdue";
                        }
                    }
                }
            }
        }
    }
    "routine"
}

/// The bucket a score falls in: nested `if`/`else` that no lint collapses.
pub fn bucket(score: i32) -> u8 {
    if score >= 0 {
        if score < 100 {
            if score < 50 {
                if score < 25 {
                    if score < 10 {
                        if score < 5 {
                            0
                        } else {
                            6
                        }
                    } else {
                        1
                    }
                } else {
                    2
                }
            } else {
                3
            }
        } else {
            4
        }
    } else {
        5
    }
}

#[cfg(test)]
mod tests {
    use super::{bucket, triage};

    #[test]
    fn buckets_have_their_edges() {
        let edges = [
            (-1, 5),
            (0, 0),
            (4, 0),
            (5, 6),
            (9, 6),
            (10, 1),
            (25, 2),
            (50, 3),
            (100, 4),
        ];
        for (score, expected) in edges {
            assert_eq!(bucket(score), expected, "{score}");
        }
        assert_eq!(bucket(i32::MIN), 5);
        assert_eq!(bucket(i32::MAX), 4);
    }

    #[test]
    fn old_severe_tickets_are_overdue() {
        assert_eq!(triage(3, &["bug", "sev1"]), "overdue");
    }

    #[test]
    fn edges_stay_routine() {
        assert_eq!(triage(0, &["sev1"]), "routine");
        assert_eq!(triage(2, &["sev1"]), "routine");
        assert_eq!(triage(365, &["sev1"]), "routine");
        assert_eq!(triage(3, &[]), "routine");
        assert_eq!(triage(3, &["sev2", "sev"]), "routine");
        assert_eq!(triage(u32::MAX, &["sev1"]), "routine");
    }
}
