//! Findings as the fix pipeline sees them: a clone group or a smell of a report, under the id
//! the scan printed (`D3`, `S1`), with its locations, and how to tell whether an edit removed it.

use std::collections::HashSet;

use crate::analysis::detectors::{CloneType, GroupKind};
use crate::analysis::report::{self, Report};
use crate::analysis::smells::SmellKind;

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

/// What re-analysis says of an edit: the target must be gone or smaller, nothing new.
pub fn judge(target: &Finding, before: &[Finding], after: &[Finding]) -> Result<(), String> {
    if let Some(still) = after.iter().find(|f| f.fingerprint == target.fingerprint) {
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
