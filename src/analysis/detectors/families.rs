//! Families of copies: one refactor is one group. Groups of functions that share a copy
//! join into one family, and copies nested in a family's copies count once, as they will
//! after that family is merged.

use std::collections::{HashMap, HashSet};

use super::find::sort_instances;
use super::group::{CloneType, Group, GroupKind, Instance};
use crate::analysis::scan::SourceFile;

/// One family of copies is one group: a group of functions or methods that shares a copy
/// with a group ranked above it joins that group (a near-miss twin lands with its sibling),
/// so one refactor is not reported twice. The family is as alike as its least alike pair.
pub(super) fn merge_families(files: &[SourceFile], groups: Vec<Group>) -> Vec<Group> {
    let key = |inst: &Instance| (inst.file, inst.start_line, inst.end_line);
    let mut kept: Vec<Group> = Vec::with_capacity(groups.len());
    let mut family_of: HashMap<(usize, u32, u32), usize> = HashMap::new();
    for group in groups {
        let unit = matches!(group.kind, GroupKind::Fn | GroupKind::Method);
        let family = (group.instances.iter()).find_map(|inst| family_of.get(&key(inst)).copied());
        let Some(family) = family.filter(|&f| unit && kept[f].kind == group.kind) else {
            if unit {
                for inst in &group.instances {
                    family_of.insert(key(inst), kept.len());
                }
            }
            kept.push(group);
            continue;
        };
        let head = &mut kept[family];
        head.saved += group.saved;
        head.similarity = head.similarity.min(group.similarity);
        head.clone_type = head.clone_type.max(group.clone_type);
        for inst in group.instances {
            if family_of.insert(key(&inst), family).is_none() {
                head.instances.push(inst);
            }
        }
    }
    for group in &mut kept {
        sort_instances(files, group);
    }
    kept
}

/// Copies nested in the copies of a function, method or impl group ranked above are merged
/// along with it. A group with most of its copies in such a family is a piece of that
/// family's shared code, one refactor with it: dropped. Otherwise its copies in one outer
/// group count once (the first stays as their representative: after the merge they are one
/// copy, in the kept function) and what a merge saves shrinks to match; a group left with
/// one copy is no finding. Groups must come ranked; they leave unranked.
pub(super) fn fold_nested_copies(groups: Vec<Group>) -> Vec<Group> {
    let mut kept: Vec<Group> = Vec::with_capacity(groups.len());
    // Copies of the kept function, method and impl groups by file, with their group's index.
    let mut outers: HashMap<usize, Vec<(usize, Instance)>> = HashMap::new();
    for mut group in groups {
        if group.clone_type != CloneType::Abstraction {
            let before = group.instances.len();
            let outer_of = |inst: &Instance| {
                (outers.get(&inst.file).into_iter().flatten())
                    .find(|(_, o)| o.contains(inst) && o != inst)
                    .map(|(g, _)| *g)
            };
            let nested = group
                .instances
                .iter()
                .filter(|i| outer_of(i).is_some())
                .count();
            let mut folded = HashSet::new();
            group
                .instances
                .retain(|inst| outer_of(inst).is_none_or(|g| folded.insert(g)));
            let after = group.instances.len();
            if after < 2 || nested * 2 > before {
                continue;
            }
            if after < before {
                let saved = u64::from(group.saved) * (after as u64 - 1) / (before as u64 - 1);
                group.saved = u32::try_from(saved).unwrap_or(u32::MAX);
            }
        }
        if matches!(
            group.kind,
            GroupKind::Fn | GroupKind::Method | GroupKind::Impl
        ) {
            for inst in &group.instances {
                outers
                    .entry(inst.file)
                    .or_default()
                    .push((kept.len(), inst.clone()));
            }
        }
        kept.push(group);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::detectors::find::test::files;

    fn copy(file: usize, line: u32, lines: u32) -> Instance {
        Instance {
            file,
            start_line: line,
            end_line: line + lines - 1,
            item: format!("f{line}"),
            code_lines: lines,
            tokens: 0..0,
            owner: None,
        }
    }

    fn group(
        kind: GroupKind,
        clone_type: CloneType,
        saved: u32,
        instances: Vec<Instance>,
    ) -> Group {
        Group {
            kind,
            clone_type,
            similarity: if clone_type == CloneType::NearMiss {
                0.9
            } else {
                1.0
            },
            fingerprint: u64::from(saved),
            instances,
            detail: None,
            saved,
        }
    }

    #[test]
    fn groups_sharing_a_copy_are_one_family() {
        let copy = |file, line| copy(file, line, 10);
        let exact = group(
            GroupKind::Fn,
            CloneType::Exact,
            20,
            vec![copy(0, 1), copy(1, 1)],
        );
        let twin = group(
            GroupKind::Fn,
            CloneType::NearMiss,
            8,
            vec![copy(1, 1), copy(2, 5)],
        );
        let other = group(
            GroupKind::Fn,
            CloneType::Exact,
            9,
            vec![copy(0, 30), copy(2, 30)],
        );
        // Blocks are whole statements runs of their own, not members of a family.
        let block = group(
            GroupKind::Block,
            CloneType::Exact,
            5,
            vec![copy(0, 1), copy(2, 40)],
        );
        let merged = merge_families(&files(&["", "", ""]), vec![exact, other, twin, block]);
        assert_eq!(merged.len(), 3, "{merged:#?}");
        let family = &merged[0];
        let at: Vec<(usize, u32)> = family
            .instances
            .iter()
            .map(|i| (i.file, i.start_line))
            .collect();
        assert_eq!(at, [(0, 1), (1, 1), (2, 5)]);
        assert_eq!(
            (family.saved, family.clone_type, family.similarity),
            (28, CloneType::NearMiss, 0.9)
        );
        assert_eq!(merged[1].saved, 9);
        assert_eq!(merged[2].kind, GroupKind::Block);
    }

    /// A statement run inside two functions of a family and in three other functions is,
    /// once the family is merged, in four places; one mostly inside the family is part of it.
    #[test]
    fn copies_nested_in_a_family_ranked_above_count_once() {
        let family = group(
            GroupKind::Fn,
            CloneType::Renamed,
            90,
            (0..4).map(|f| copy(f, 1, 30)).collect(),
        );
        let nested = (0..2).map(|f| copy(f, 2, 8));
        let outside = (4..7).map(|f| copy(f, 10, 8));
        let guard = group(
            GroupKind::Block,
            CloneType::Exact,
            40,
            nested.chain(outside).collect(),
        );
        let mostly_nested = (1..4).map(|f| copy(f, 12, 6)).chain([copy(5, 40, 6)]);
        let piece = group(
            GroupKind::Block,
            CloneType::Exact,
            30,
            mostly_nested.collect(),
        );
        let folded = fold_nested_copies(vec![family, guard, piece]);
        assert_eq!(folded.len(), 2, "{folded:#?}");
        let at: Vec<(usize, u32)> = (folded[1].instances.iter())
            .map(|i| (i.file, i.start_line))
            .collect();
        assert_eq!(at, [(0, 2), (4, 10), (5, 10), (6, 10)]);
        assert_eq!(folded[1].saved, 30);
        assert_eq!(folded[0].instances.len(), 4);
    }
}
