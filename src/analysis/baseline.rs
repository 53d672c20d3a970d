//! The baseline `ci` compares against (`loop-baseline.json`, meant to be committed): every
//! finding of a scan as keys, one per copy of each clone group and one per smell, with the
//! tool version and a hash of the settings. Sorted and one key per line, so it diffs well.
//!
//! A copy's key is its group's fingerprint with its file and item, and its rank among the
//! group's copies in that item (two copies in one function, or impls of one trait for one
//! type with other arguments): a new copy of a known clone is a new key, while copies that
//! only moved within their file keep theirs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::analysis::detectors::{Group, Instance};
use crate::analysis::report::{FileInfo, Report};
use crate::analysis::smells::Severity;

/// The file name `cargo loop baseline` writes at the workspace root.
pub const FILE: &str = "loop-baseline.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The cargo-loop version that wrote it.
    pub version: String,
    /// A hash of the analysis settings: other settings find other things.
    pub settings: String,
    /// One entry per finding key, sorted.
    pub findings: BTreeSet<Key>,
}

/// One copy of a clone group, or one smell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Key {
    pub rule: String,
    pub fingerprint: String,
    pub file: String,
    pub item: String,
    /// The copy's rank among the group's copies in the same file and item, from 0 (left out
    /// when 0: most items hold one copy).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub copy: u32,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `skip_serializing_if` passes a reference
fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Key {
    /// The keys of `group`'s copies, in its order (`files`: the report's).
    pub fn of_copies(files: &[FileInfo], group: &Group) -> Vec<Key> {
        let mut seen: BTreeMap<(usize, &str), u32> = BTreeMap::new();
        // Ranked by line, so that the order the copies are listed in does not matter.
        let mut by_line: Vec<(usize, &Instance)> = group.instances.iter().enumerate().collect();
        by_line.sort_by_key(|(_, inst)| (inst.file, inst.start_line));
        let mut keys = vec![None; group.instances.len()];
        for (i, inst) in by_line {
            let rank = seen.entry((inst.file, inst.item.as_str())).or_default();
            keys[i] = Some(Key {
                rule: group.clone_type.rule_id().to_owned(),
                fingerprint: format!("{:016x}", group.fingerprint),
                file: files[inst.file].rel.clone(),
                item: inst.item.clone(),
                copy: *rank,
            });
            *rank += 1;
        }
        keys.into_iter().flatten().collect()
    }

    /// The finding the key is part of: its rule and fingerprint.
    fn finding(&self) -> (&str, &str) {
        (&self.rule, &self.fingerprint)
    }
}

/// This build, as a baseline names the one that wrote it.
pub fn version() -> String {
    format!("cargo-loop {}", env!("CARGO_PKG_VERSION"))
}

/// A hash of the analysis settings, as a baseline holds it.
pub fn settings(hash: u64) -> String {
    format!("{hash:016x}")
}

/// The keys of a report's findings; notes only with `notes`.
pub fn keys(report: &Report, notes: bool) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    for group in &report.groups {
        keys.extend(Key::of_copies(&report.files, group));
    }
    for smell in &report.smells {
        if smell.severity == Severity::Note && !notes {
            continue;
        }
        let file = smell
            .locations
            .first()
            .map(|l| report.files[l.file].rel.clone());
        keys.insert(Key {
            rule: smell.kind.rule_id().to_owned(),
            fingerprint: format!("{:016x}", smell.fingerprint),
            file: file.unwrap_or_default(),
            item: smell.item.clone(),
            copy: 0,
        });
    }
    keys
}

impl Baseline {
    /// No findings: everything is new.
    pub fn empty() -> Baseline {
        Baseline {
            version: String::new(),
            settings: String::new(),
            findings: BTreeSet::new(),
        }
    }

    pub fn of(report: &Report, settings: u64) -> Baseline {
        Baseline {
            version: version(),
            settings: self::settings(settings),
            findings: keys(report, true),
        }
    }

    /// The findings this scan of `report` could not see whole: those in files it did not
    /// analyse but that still exist (a run in a member's folder analyses only that member,
    /// and the baseline at the workspace root covers them all), and every copy of a clone
    /// group with a copy there. They are neither fixed nor to be dropped.
    pub fn unseen(&self, report: &Report) -> BTreeSet<Key> {
        let scanned: BTreeSet<&str> = report.files.iter().map(|f| f.rel.as_str()).collect();
        let outside =
            |k: &Key| !scanned.contains(k.file.as_str()) && report.root.join(&k.file).exists();
        let partial: BTreeSet<(&str, &str)> = (self.findings.iter())
            .filter(|k| outside(k))
            .map(|k| (k.rule.as_str(), k.fingerprint.as_str()))
            .collect();
        (self.findings.iter())
            .filter(|k| partial.contains(&(k.rule.as_str(), k.fingerprint.as_str())))
            .cloned()
            .collect()
    }

    pub fn read(path: &Path) -> anyhow::Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a cargo-loop baseline (write one with `cargo loop baseline`)",
                path.display()
            )
        })
    }

    /// Writes the baseline atomically: a killed run leaves the old one or the new one.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        crate::files::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write the baseline {}", path.display()))
    }
}

/// What a scan has that a baseline lacks, and what the baseline had that is gone.
#[derive(Debug, Default, PartialEq)]
pub struct Comparison {
    /// Keys not in the baseline: new copies and new smells.
    pub new: BTreeSet<Key>,
    /// Keys of the baseline the scan no longer finds.
    pub fixed: BTreeSet<Key>,
    /// Findings of the scan with no new key.
    pub known: usize,
}

/// How many findings `keys` are: the copies of one clone group are one finding (they share
/// its rule and fingerprint), as the report shows them.
pub fn findings<'a>(keys: impl IntoIterator<Item = &'a Key>) -> usize {
    keys.into_iter()
        .map(Key::finding)
        .collect::<BTreeSet<_>>()
        .len()
}

pub fn compare(baseline: &Baseline, now: &BTreeSet<Key>) -> Comparison {
    let mut new: BTreeSet<Key> = now.difference(&baseline.findings).cloned().collect();
    let mut gone: BTreeSet<&Key> = baseline.findings.difference(now).collect();
    regroup(&mut new, &mut gone);
    let with_new: BTreeSet<(&str, &str)> = new.iter().map(Key::finding).collect();
    let known = findings(now.iter().filter(|k| !with_new.contains(&k.finding())));
    Comparison {
        fixed: gone.into_iter().cloned().collect(),
        known,
        new,
    }
}

/// A clone group that gained or lost a copy, or whose copies changed kind (a renamed copy
/// beside two exact ones), has another fingerprint, as its members make it: its copies that
/// were copies before are known, not new, and only the copies it lost are fixed. A group of
/// the scan is the same as a group of the baseline that left (no key of it is still found)
/// when they share a copy: the same item of the same file.
fn regroup(new: &mut BTreeSet<Key>, gone: &mut BTreeSet<&Key>) {
    let clone = |k: &Key| crate::analysis::rules::is_clone_rule(&k.rule);
    let copy = |k: &Key| (k.file.clone(), k.item.clone(), k.copy);
    let mut left: BTreeMap<&str, BTreeSet<(String, String, u32)>> = BTreeMap::new();
    for key in gone.iter().filter(|k| clone(k)) {
        left.entry(key.fingerprint.as_str())
            .or_default()
            .insert(copy(key));
    }
    let mut arrived: BTreeMap<String, BTreeSet<(String, String, u32)>> = BTreeMap::new();
    for key in new.iter().filter(|k| clone(k)) {
        arrived
            .entry(key.fingerprint.clone())
            .or_default()
            .insert(copy(key));
    }
    let mut still = BTreeSet::new();
    for copies in arrived.values() {
        for before in left.values() {
            still.extend(copies.intersection(before).cloned());
        }
    }
    new.retain(|k| !(clone(k) && still.contains(&copy(k))));
    gone.retain(|k| !(clone(k) && still.contains(&copy(k))));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(fingerprint: &str, file: &str) -> Key {
        Key {
            rule: "duplicate-code".into(),
            fingerprint: fingerprint.into(),
            file: file.into(),
            item: "c::f".into(),
            copy: 0,
        }
    }

    #[test]
    fn a_new_copy_of_a_known_clone_is_new_and_a_fixed_one_is_counted() {
        let baseline = Baseline {
            version: String::new(),
            settings: String::new(),
            findings: [key("1", "a.rs"), key("1", "b.rs"), key("2", "c.rs")].into(),
        };
        let now: BTreeSet<Key> = [key("1", "a.rs"), key("1", "b.rs"), key("1", "d.rs")].into();
        let comparison = compare(&baseline, &now);
        assert_eq!(comparison.new, [key("1", "d.rs")].into());
        assert_eq!((findings(&comparison.fixed), comparison.known), (1, 0));
    }

    /// A new group of two copies is one new finding, as a group of the baseline that left is
    /// one fixed finding.
    #[test]
    fn findings_count_groups_not_copies() {
        let baseline = Baseline {
            findings: [key("1", "a.rs"), key("1", "b.rs"), key("2", "c.rs")].into(),
            ..Baseline::empty()
        };
        let now: BTreeSet<Key> = [key("2", "c.rs"), key("3", "d.rs"), key("3", "e.rs")].into();
        let comparison = compare(&baseline, &now);
        assert_eq!(comparison.new.len(), 2);
        let counts = (findings(&comparison.new), comparison.known);
        assert_eq!((counts, findings(&comparison.fixed)), ((1, 1), 1));
    }

    /// A near-miss group that lost or gained a copy has another fingerprint; its other copies
    /// are still known, and a copy that turned renamed is no new finding.
    #[test]
    fn a_group_that_gained_or_lost_a_copy_keeps_the_others_known() {
        let copy = |rule: &str, fingerprint: &str, file: &str| Key {
            rule: rule.into(),
            ..key(fingerprint, file)
        };
        let baseline = Baseline {
            version: String::new(),
            settings: String::new(),
            findings: [
                copy("near-miss-clone", "1", "a.rs"),
                copy("near-miss-clone", "1", "b.rs"),
                copy("near-miss-clone", "1", "c.rs"),
                copy("near-miss-clone", "2", "x.rs"),
                copy("near-miss-clone", "2", "y.rs"),
            ]
            .into(),
        };
        let lost: BTreeSet<Key> = [
            copy("near-miss-clone", "9", "a.rs"),
            copy("near-miss-clone", "9", "b.rs"),
            copy("near-miss-clone", "2", "x.rs"),
            copy("near-miss-clone", "2", "y.rs"),
        ]
        .into();
        let comparison = compare(&baseline, &lost);
        assert!(comparison.new.is_empty(), "{:?}", comparison.new);
        assert_eq!((comparison.fixed.len(), comparison.known), (1, 2));
        let gained: BTreeSet<Key> = [
            copy("renamed-clone", "8", "a.rs"),
            copy("renamed-clone", "8", "b.rs"),
            copy("renamed-clone", "8", "c.rs"),
            copy("renamed-clone", "8", "d.rs"),
            copy("near-miss-clone", "2", "x.rs"),
            copy("near-miss-clone", "2", "y.rs"),
        ]
        .into();
        let comparison = compare(&baseline, &gained);
        assert_eq!(comparison.new, [copy("renamed-clone", "8", "d.rs")].into());
        assert_eq!((comparison.fixed.len(), comparison.known), (0, 1));
    }

    #[test]
    fn a_baseline_survives_a_round_trip_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let baseline = Baseline {
            version: "cargo-loop 0.1.0".into(),
            settings: "00".into(),
            findings: [key("2", "b.rs"), key("1", "a.rs")].into(),
        };
        baseline.write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.find("a.rs").unwrap() < text.find("b.rs").unwrap(),
            "{text}"
        );
        assert_eq!(Baseline::read(&path).unwrap(), baseline);
        std::fs::write(&path, "{}").unwrap();
        let err = format!("{:#}", Baseline::read(&path).unwrap_err());
        assert!(err.contains("is not a cargo-loop baseline"), "{err}");
    }
}
