//! Findings as the fix pipeline sees them: a clone group or a smell of a report, under the id
//! the scan printed (`D3`, `S1`), with its locations, and how to tell whether an edit removed it.

use std::collections::HashSet;

use crate::analysis::detectors::{CloneType, GroupKind};
use crate::analysis::report::{self, Report};
use crate::analysis::smells::SmellKind;
use crate::refactor::change::FileChange;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    Dup,
    Smell,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub id: String,
    pub kind: FindingKind,
    pub fingerprint: u64,
    /// One sentence: what was found.
    pub title: String,
    /// One sentence: the usual fix.
    pub suggestion: String,
    pub locations: Vec<Location>,
    /// Lines of duplication, or the sum of a smell's metrics: what a refactor should reduce.
    pub size: f64,
    /// For a clone group: what was copied and how alike the copies are.
    pub clone: Option<(GroupKind, CloneType)>,
    /// For a smell: its rule.
    pub smell: Option<SmellKind>,
}

#[derive(Debug, Clone)]
pub struct Location {
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
    pub item: String,
}

impl Finding {
    /// The rule id the finding is reported under.
    pub fn rule(&self) -> &'static str {
        match (self.clone, self.smell) {
            (Some((_, clone_type)), _) => clone_type.rule_id(),
            (None, Some(smell)) => smell.rule_id(),
            (None, None) => "finding",
        }
    }
}

/// Every finding of `report`, clone groups first, each in the report's order.
pub fn findings(report: &Report) -> Vec<Finding> {
    let groups = report.groups.iter().enumerate().map(|(i, group)| Finding {
        id: Report::group_id(i),
        kind: FindingKind::Dup,
        fingerprint: group.fingerprint,
        title: report::headline(group),
        suggestion: report::suggestion(group).to_string(),
        locations: group
            .instances
            .iter()
            .map(|inst| Location {
                file: report.files[inst.file].rel.clone(),
                start_line: inst.start_line,
                end_line: inst.end_line,
                item: inst.item.clone(),
            })
            .collect(),
        size: f64::from(group.saved_lines()),
        clone: Some((group.kind, group.clone_type)),
        smell: None,
    });
    let smells = report.smells.iter().enumerate().map(|(i, smell)| Finding {
        id: Report::smell_id(i),
        kind: FindingKind::Smell,
        fingerprint: smell.fingerprint,
        title: smell.message.clone(),
        suggestion: String::new(),
        locations: smell
            .locations
            .iter()
            .map(|loc| Location {
                file: report.files[loc.file].rel.clone(),
                start_line: loc.start_line,
                end_line: loc.end_line,
                item: smell.item.clone(),
            })
            .collect(),
        size: smell.metrics.values().sum(),
        clone: None,
        smell: Some(smell.kind),
    });
    groups.chain(smells).collect()
}

/// What re-analysis says of an edit: the target must be gone or smaller, nothing new. A
/// finding is new when re-analysis reports one the scan did not, at code the edit wrote: a
/// smaller copy that a merged one used to hide, in lines nobody touched, was there before.
pub fn judge(
    target: &Finding,
    before: &[Finding],
    after: &[Finding],
    changes: &[FileChange],
) -> Result<(), String> {
    if let Some(still) = after.iter().find(|f| f.fingerprint == target.fingerprint) {
        if still.size >= target.size {
            return Err(format!(
                "re-analysis still finds {} ({}) unchanged",
                target.id, target.title
            ));
        }
    }
    let touched = touched_lines(changes);
    let written = |f: &&Finding| {
        f.locations.iter().any(|l| {
            (touched.iter()).any(|(file, lines)| {
                *file == l.file
                    && lines
                        .iter()
                        .any(|r| r.start <= l.end_line && l.start_line < r.end)
            })
        })
    };
    let known: HashSet<u64> = before.iter().map(|f| f.fingerprint).collect();
    let new: Vec<String> = after
        .iter()
        .filter(|f| !known.contains(&f.fingerprint))
        .filter(written)
        .map(|f| {
            let at = f
                .locations
                .first()
                .map(|l| format!(" at {}:{}", l.file, l.start_line))
                .unwrap_or_default();
            format!("{}{at}", f.title)
        })
        .collect();
    if new.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the change introduces new findings: {}",
            new.join("; ")
        ))
    }
}

/// The lines (from 1, end exclusive) each change wrote in its new text.
fn touched_lines(changes: &[FileChange]) -> Vec<(&str, Vec<std::ops::Range<u32>>)> {
    changes
        .iter()
        .map(|change| {
            let before = change.before.as_deref().unwrap_or_default();
            let after = change.after.as_deref().unwrap_or_default();
            let diff = similar::TextDiff::from_lines(before, after);
            let lines = (diff.ops().iter())
                .filter(|op| op.tag() != similar::DiffTag::Equal)
                .map(|op| {
                    let r = op.new_range();
                    // A deletion wrote nothing, but joins the lines around it.
                    r.start as u32 + 1..(r.end as u32 + 1).max(r.start as u32 + 2)
                })
                .collect();
            (change.path.as_str(), lines)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(fingerprint: u64, file: &str, lines: (u32, u32)) -> Finding {
        Finding {
            id: "D1".into(),
            kind: FindingKind::Dup,
            fingerprint,
            title: format!("copy {fingerprint}"),
            suggestion: String::new(),
            locations: vec![Location {
                file: file.into(),
                start_line: lines.0,
                end_line: lines.1,
                item: "c::f".into(),
            }],
            size: 10.0,
            clone: None,
            smell: None,
        }
    }

    #[test]
    fn a_finding_is_new_only_where_the_edit_wrote() {
        let before = (1..=40).fold(String::new(), |text, i| text + &format!("line {i}\n"));
        let after = before.replace("line 5\nline 6\n", "call()\n");
        let change = FileChange::new("src/a.rs", Some(&before), Some(&after));
        let target = finding(1, "src/a.rs", (5, 6));
        // A smaller copy lower in the file, untouched, that the merged one used to hide.
        let unmasked = finding(2, "src/a.rs", (20, 30));
        let known = std::slice::from_ref(&target);
        assert!(judge(&target, known, &[unmasked], std::slice::from_ref(&change)).is_ok());
        // A copy in the lines the edit wrote is new.
        let written = finding(3, "src/a.rs", (4, 6));
        let err = judge(&target, known, &[written], &[change]).unwrap_err();
        assert!(err.contains("introduces new findings"), "{err}");
    }
}
