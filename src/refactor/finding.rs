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

    /// Whether `other` is what is left of this finding: the same rule family, at items this
    /// one covered, or at items the edit wrote in their place (a helper extracted from one
    /// copy stands in for it), replacing as many as it lost. Rewriting some copies of a
    /// group changes its fingerprint, and the rest of the group is not a new finding.
    fn contains(&self, other: &Finding, wrote: &dyn Fn(&Location) -> bool) -> bool {
        let family = |f: &Finding| (f.kind, f.clone.map(|(kind, _)| kind), f.smell);
        let key = |l: &Location| (l.file.clone(), l.item.clone());
        let items: HashSet<_> = self.locations.iter().map(key).collect();
        let others: HashSet<_> = other.locations.iter().map(key).collect();
        let covered = (other.locations.iter())
            .all(|l| !l.item.is_empty() && (items.contains(&key(l)) || wrote(l)));
        let kept = others.intersection(&items).count();
        let (added, dropped) = (others.len() - kept, items.len() - kept);
        family(self) == family(other) && covered && kept > 0 && added <= dropped
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
/// smaller copy that a merged one used to hide, in lines nobody touched, was there before,
/// and so was what is left of a group the edit rewrote some copies of.
pub fn judge(
    target: &Finding,
    before: &[Finding],
    after: &[Finding],
    changes: &[FileChange],
) -> Result<(), String> {
    let touched = touched_lines(changes);
    let wrote = |l: &Location| {
        (touched.iter()).any(|(file, lines)| {
            *file == l.file && (lines.iter()).any(|r| r.start <= l.end_line && l.start_line < r.end)
        })
    };
    let still = |f: &&Finding| f.fingerprint == target.fingerprint || target.contains(f, &wrote);
    if let Some(still) = after.iter().find(still) {
        if still.size >= target.size {
            return Err(format!(
                "re-analysis still finds {} ({}) unchanged",
                target.id, target.title
            ));
        }
    }
    let known: HashSet<u64> = before.iter().map(|f| f.fingerprint).collect();
    let new: Vec<String> = after
        .iter()
        .filter(|f| !known.contains(&f.fingerprint))
        .filter(|f| !before.iter().any(|b| b.contains(f, &wrote)))
        .filter(|f| f.locations.iter().any(wrote))
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
impl Finding {
    /// A clone group `D1` of `kind` and `clone_type` at `locations`, for the agents' tests.
    pub fn group(kind: GroupKind, clone_type: CloneType, locations: Vec<Location>) -> Finding {
        Finding {
            id: "D1".into(),
            kind: FindingKind::Dup,
            fingerprint: 1,
            title: String::new(),
            suggestion: String::new(),
            locations,
            size: 4.0,
            clone: Some((kind, clone_type)),
            smell: None,
        }
    }
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
        let mut unmasked = finding(2, "src/a.rs", (20, 30));
        unmasked.locations[0].item = "c::g".into();
        let known = std::slice::from_ref(&target);
        assert!(judge(&target, known, &[unmasked], std::slice::from_ref(&change)).is_ok());
        // A copy in the lines the edit wrote is new.
        let mut written = finding(3, "src/a.rs", (4, 6));
        written.locations[0].item = "c::helper".into();
        let err = judge(&target, known, &[written], std::slice::from_ref(&change)).unwrap_err();
        assert!(err.contains("introduces new findings"), "{err}");
    }

    #[test]
    fn what_is_left_of_a_known_group_is_not_new() {
        let before = (1..=40).fold(String::new(), |text, i| text + &format!("line {i}\n"));
        let after = before.replace("line 5\nline 6\n", "call()\n");
        let change = FileChange::new("src/a.rs", Some(&before), Some(&after));
        let target = finding(1, "src/b.rs", (1, 9));
        // A group of three copies; the edit rewrote one, two remain under a new fingerprint.
        let mut group = finding(2, "src/a.rs", (4, 12));
        for (item, start) in [("c::g", 14), ("c::h", 24)] {
            let mut l = group.locations[0].clone();
            (l.item, l.start_line, l.end_line) = (item.into(), start, start + 8);
            group.locations.push(l);
        }
        let mut rest = group.clone();
        rest.fingerprint = 3;
        rest.locations.remove(2);
        let known = [target.clone(), group];
        assert!(judge(
            &target,
            &known,
            &[rest.clone()],
            std::slice::from_ref(&change)
        )
        .is_ok());
        // The target itself under a new fingerprint, as large as before, is still there.
        let mut moved = target.clone();
        moved.fingerprint = 4;
        let err = judge(&target, &known, &[moved], std::slice::from_ref(&change)).unwrap_err();
        assert!(err.contains("still finds"), "{err}");
        // A helper the edit wrote in place of the copy it rewrote stands in for it...
        let mut swapped = rest.clone();
        swapped.locations.push(Location {
            item: "c::helper".into(),
            ..finding(0, "src/a.rs", (5, 5)).locations[0].clone()
        });
        swapped.locations.remove(0);
        assert!(judge(&target, &known, &[swapped], std::slice::from_ref(&change)).is_ok());
        // ...but one more copy than the group had, or an item nobody wrote, is new.
        let mut grown = rest.clone();
        grown
            .locations
            .extend(finding(0, "src/a.rs", (5, 5)).locations);
        grown.locations[2].item = "c::helper".into();
        grown.locations.push(known[1].locations[2].clone());
        assert!(judge(&target, &known, &[grown], std::slice::from_ref(&change)).is_err());
        rest.locations[1].item = "c::elsewhere".into();
        assert!(judge(&target, &known, &[rest], &[change]).is_err());
    }
}
