//! Families of copies: one refactor is one group. Groups of functions that share a copy
//! join into one family, and copies nested in a family's copies count once, as they will
//! after that family is merged.

use std::collections::HashMap;

use super::group::{CloneType, Group, GroupKind, Instance};
use super::near;
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
        absorb(head, &group, group.similarity);
        for inst in group.instances {
            if family_of.insert(key(&inst), family).is_none() {
                head.instances.push(inst);
            }
        }
    }
    for group in &mut kept {
        group.sort_instances(files);
    }
    kept
}

/// Statement runs nested in the copies of a function, method or impl group are merged along
/// with it, whatever the ranks: once it is, the copies in one outer group are one copy, in
/// the kept function. What a merge of the run saves counts the copies of one outer group as
/// those in the outer copy that holds the most, and a run left in one place is no finding. Its copies stay listed: which one the kept
/// function holds is the agent's choice. Groups leave unranked.
pub(super) fn fold_nested_copies(groups: Vec<Group>) -> Vec<Group> {
    // Lines of the copies of the function, method and impl groups by file, with their
    // group's index.
    let mut outers: HashMap<usize, Vec<(usize, u32, u32)>> = HashMap::new();
    for (g, group) in groups.iter().enumerate() {
        if matches!(
            group.kind,
            GroupKind::Fn | GroupKind::Method | GroupKind::Impl
        ) {
            for inst in &group.instances {
                let lines = (g, inst.start_line, inst.end_line);
                outers.entry(inst.file).or_default().push(lines);
            }
        }
    }
    let outer_of = |inst: &Instance| {
        (outers.get(&inst.file).into_iter().flatten())
            .find(|&&(_, start, end)| {
                let around = start <= inst.start_line && inst.end_line <= end;
                around && (start, end) != (inst.start_line, inst.end_line)
            })
            .map(|&(g, start, _)| (g, inst.file, start))
    };
    let mut folded = Vec::new();
    for mut group in groups {
        if group.kind == GroupKind::Block {
            // Where the run will be once the outer groups are merged: of the copies in one
            // outer group, those of the one outer copy that holds the most.
            let mut nested: HashMap<(usize, usize, u32), usize> = HashMap::new();
            let mut places = 0;
            for inst in &group.instances {
                match outer_of(inst) {
                    Some(outer) => *nested.entry(outer).or_default() += 1,
                    None => places += 1,
                }
            }
            let mut most: HashMap<usize, usize> = HashMap::new();
            for ((g, _, _), n) in nested {
                let m = most.entry(g).or_default();
                *m = (*m).max(n);
            }
            places += most.values().sum::<usize>();
            let copies = group.instances.len();
            if places < 2 {
                continue;
            }
            let saved = u64::from(group.saved) * (places as u64 - 1) / (copies as u64 - 1);
            group.saved = u32::try_from(saved).unwrap_or(u32::MAX);
        }
        folded.push(group);
    }
    folded
}

/// Copies of a group compared with other groups': two are enough, since a group's copies
/// are alike.
const PROBES: usize = 2;

/// Buckets of the token histogram that bounds how alike two groups can be, cheap enough for
/// every pair of groups.
const BUCKETS: usize = 64;

/// A copy's blinded tokens, in order, sorted and counted in buckets: the counts, then the
/// sorted tokens, bound the alignment before it is computed.
struct Probe {
    blinded: Vec<u32>,
    sorted: Vec<u32>,
    histogram: [u16; BUCKETS],
}

/// The copies of a group that are compared, and bounds for all of them at once: the largest
/// count of each histogram bucket in any of them, and the shortest.
struct Probes {
    copies: Vec<Probe>,
    envelope: [u16; BUCKETS],
    shortest: usize,
}

impl Probes {
    fn of(files: &[SourceFile], group: &Group) -> Probes {
        let mut envelope = [0u16; BUCKETS];
        let copies: Vec<Probe> = (group.instances.iter())
            .filter(|inst| !inst.tokens.is_empty())
            .take(PROBES)
            .map(|inst| {
                let tokens = &files[inst.file].parsed.tokens;
                let range = inst.tokens.start as usize..inst.tokens.end as usize;
                let blinded = near::blinded(&tokens[range]);
                let mut histogram = [0u16; BUCKETS];
                for &token in &blinded {
                    let bucket = &mut histogram[token as usize % BUCKETS];
                    *bucket = bucket.saturating_add(1);
                }
                for (most, count) in envelope.iter_mut().zip(histogram) {
                    *most = (*most).max(count);
                }
                let mut sorted = blinded.clone();
                sorted.sort_unstable();
                Probe {
                    blinded,
                    sorted,
                    histogram,
                }
            })
            .collect();
        let shortest = copies.iter().map(|c| c.blinded.len()).min().unwrap_or(0);
        Probes {
            copies,
            envelope,
            shortest,
        }
    }

    /// How much the best aligned pair of copies align, if at least `threshold`. What two
    /// copies have in common (their longest common subsequence) is at most what the
    /// envelopes, then their multisets, have in common: both bound it before it is aligned.
    fn alike(&self, other: &Probes, threshold: f64) -> Option<f64> {
        let passes = |common: usize, total: usize| {
            total > 0 && 2.0 * common as f64 >= threshold * total as f64
        };
        if !passes(
            in_common(&self.envelope, &other.envelope),
            self.shortest + other.shortest,
        ) {
            return None;
        }
        (self.copies.iter())
            .flat_map(|a| other.copies.iter().map(move |b| (a, b)))
            .filter_map(|(a, b)| {
                let total = a.blinded.len() + b.blinded.len();
                let fits = passes(a.blinded.len().min(b.blinded.len()), total)
                    && passes(in_common(&a.histogram, &b.histogram), total)
                    && passes(near::common_tokens(&a.sorted, &b.sorted), total);
                fits.then(|| near::similarity(&a.blinded, &b.blinded, threshold))?
            })
            .reduce(f64::max)
    }
}

/// What two token histograms have in common: at least what their tokens have.
fn in_common(a: &[u16; BUCKETS], b: &[u16; BUCKETS]) -> usize {
    a.iter().zip(b).map(|(x, y)| usize::from(*x.min(y))).sum()
}

/// Ranked groups of one kind whose copies are near copies of each other's (they align to at
/// least `threshold`, the `--similarity`) are one family, reported as the first of them: a
/// near-miss twin that clustering put in a group of its own lands with its siblings, so one
/// refactor is one group. Abstractions (no tokens) stay as they are.
pub(super) fn join_near_families(
    files: &[SourceFile],
    threshold: f64,
    groups: Vec<Group>,
) -> Vec<Group> {
    let mut kept: Vec<(Probes, Group)> = Vec::with_capacity(groups.len());
    for group in groups {
        let probes = Probes::of(files, &group);
        let family = (kept.iter().enumerate())
            .filter(|(_, (_, head))| head.kind == group.kind && !probes.copies.is_empty())
            .find_map(|(at, (theirs, _))| Some((at, theirs.alike(&probes, threshold)?)));
        let Some((at, best)) = family else {
            kept.push((probes, group));
            continue;
        };
        let head = &mut kept[at].1;
        join(head, group, best);
        head.sort_instances(files);
    }
    kept.into_iter().map(|(_, group)| group).collect()
}

/// `group`'s copies join `head`'s (those that overlap one of them are already there).
fn join(head: &mut Group, group: Group, alike: f64) {
    absorb(head, &group, alike);
    for inst in group.instances {
        let overlaps = (head.instances.iter()).any(|h| {
            h.file == inst.file && h.start_line <= inst.end_line && inst.start_line <= h.end_line
        });
        if !overlaps {
            head.instances.push(inst);
        }
    }
}

/// What `head` becomes with `group` in its family (`alike`: how much the two align): it
/// saves what both save, is as alike as its least alike pair (near-miss copies, when the two
/// differ in more than names), and its fingerprint is the
/// least of theirs, whichever ranks first, so that an edit that only reorders them does not
/// make their copies new to a baseline.
fn absorb(head: &mut Group, group: &Group, alike: f64) {
    head.fingerprint = head.fingerprint.min(group.fingerprint);
    head.saved += group.saved;
    head.similarity = head.similarity.min(group.similarity).min(alike);
    head.clone_type = head.clone_type.max(group.clone_type);
    if alike < 1.0 {
        head.clone_type = head.clone_type.max(CloneType::NearMiss);
    }
}

/// A ranked group whose copies overlap copies of groups ranked above it (a block in a method
/// that a method family holds, a near-miss twin of another kind) mostly reports those
/// refactors again: what its merge saves counts only its lines outside them, and the groups
/// are ranked again by that, those with a refactor of their own first among equals, so that
/// the top of the list is as many refactors as it has groups and its order is what each saves.
/// One whose every copy is in a copy of one group above, and mostly so, is only that refactor
/// again and is dropped (a copy outside it, or copies in several groups, which the block
/// links, keep it).
pub(super) fn discount_repeats(groups: Vec<Group>) -> Vec<Group> {
    // Per file, the lines of the kept groups' copies and the group's place among them.
    let mut seen: HashMap<usize, Vec<(u32, u32, usize)>> = HashMap::new();
    let mut ranked: Vec<(bool, Group)> = Vec::with_capacity(groups.len());
    for mut group in groups {
        let spans = |inst: &Instance| seen.get(&inst.file).map_or(&[][..], Vec::as_slice);
        let (mut covered, mut total) = (0u64, 0u64);
        for inst in &group.instances {
            covered += covered_lines(spans(inst), inst);
            total += u64::from(inst.end_line - inst.start_line + 1);
        }
        let repeat = covered > 0;
        if repeat && covered * 2 >= total && inside_one(&group, spans) {
            continue;
        }
        for inst in &group.instances {
            let lines = (inst.start_line, inst.end_line, ranked.len());
            seen.entry(inst.file).or_default().push(lines);
        }
        if repeat {
            let left = u64::from(group.saved) * (total - covered) / total;
            group.saved = u32::try_from(left).unwrap_or(u32::MAX).max(1);
        }
        ranked.push((repeat, group));
    }
    // A stable sort: equal groups keep their order.
    ranked.sort_by(|(ra, a), (rb, b)| b.value().cmp(&a.value()).then(ra.cmp(rb)));
    ranked.into_iter().map(|(_, group)| group).collect()
}

/// Whether one group's copies (of those `spans` gives) overlap every copy of `group`.
fn inside_one<'a>(group: &Group, spans: impl Fn(&Instance) -> &'a [(u32, u32, usize)]) -> bool {
    let owners = |inst: &Instance| -> Vec<usize> {
        (spans(inst).iter())
            .filter(|&&(start, end, _)| start <= inst.end_line && inst.start_line <= end)
            .map(|&(_, _, owner)| owner)
            .collect()
    };
    let (first, rest) = group.instances.split_first().expect("a group has copies");
    (owners(first).into_iter()).any(|owner| rest.iter().all(|inst| owners(inst).contains(&owner)))
}

/// How many lines of `inst` the `seen` spans (of its file) cover.
fn covered_lines(seen: &[(u32, u32, usize)], inst: &Instance) -> u64 {
    let mut spans: Vec<(u32, u32)> = (seen.iter())
        .map(|&(start, end, _)| (start.max(inst.start_line), end.min(inst.end_line)))
        .filter(|(start, end)| start <= end)
        .collect();
    spans.sort_unstable();
    let (mut covered, mut next) = (0u64, 0u32);
    for (start, end) in spans {
        let start = start.max(next);
        if start <= end {
            covered += u64::from(end - start + 1);
            next = end + 1;
        }
    }
    covered
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
    /// once the family is merged, in four places; one only inside the family is in one.
    #[test]
    fn groups_of_near_copies_of_each_other_are_one_family() {
        let clamp = |op: &str, bound: &str| {
            format!(
                "fn f() {{ let t = state.time.saturating_{op}(config.step);
                if t {bound} config.limit {{ state.time = t; state.redraw = Some(id); }}
                else if state.time != config.limit {{ state.time = config.limit; }} }}"
            )
        };
        let other = "fn f() { for line in text.lines() { out.push_str(line.trim()); } out }";
        let sources = [
            clamp("add", "<="),
            clamp("add", "<="),
            clamp("sub", ">="),
            clamp("sub", ">="),
        ];
        let files = files(&[
            &sources[0],
            &sources[1],
            &sources[2],
            &sources[3],
            other,
            other,
        ]);
        let unit = |file: usize| {
            Instance::of_unit(file, &files[file].parsed, &files[file].parsed.units[0])
        };
        let exact = |kind, saved, copies: [usize; 2]| {
            group(
                kind,
                CloneType::Exact,
                saved,
                copies.iter().map(|&f| unit(f)).collect(),
            )
        };
        let ranked = || {
            vec![
                exact(GroupKind::Fn, 10, [0, 1]),
                exact(GroupKind::Fn, 9, [4, 5]),
                // The same clamp with the other operator and comparison: the first one's twin.
                exact(GroupKind::Fn, 8, [2, 3]),
                // Alike, but a block is another refactor than a function.
                exact(GroupKind::Block, 7, [1, 3]),
            ]
        };
        let joined = join_near_families(&files, 0.8, ranked());
        let shape = |g: &Group| {
            (
                g.kind,
                g.saved,
                g.instances.iter().map(|i| i.file).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            joined.iter().map(shape).collect::<Vec<_>>(),
            [
                (GroupKind::Fn, 18, vec![0, 1, 2, 3]),
                (GroupKind::Fn, 9, vec![4, 5]),
                (GroupKind::Block, 7, vec![1, 3]),
            ]
        );
        assert!(
            joined[0].similarity < 1.0,
            "the family is as alike as its least alike pair"
        );
        // Two exact pairs that differ from each other are near-miss copies, not exact ones.
        assert_eq!(joined[0].clone_type, CloneType::NearMiss);
        // Its fingerprint is the least of its groups' (the twin's), whichever ranks first.
        assert_eq!(joined[0].fingerprint, 8);
        let mut swapped = ranked();
        swapped.swap(0, 2);
        assert_eq!(join_near_families(&files, 0.8, swapped)[0].fingerprint, 8);
        // Under a stricter threshold the twin is a group of its own.
        assert_eq!(join_near_families(&files, 0.99, ranked()).len(), 4);
    }

    #[test]
    fn statement_runs_nested_in_a_family_count_once() {
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
        let inner = group(
            GroupKind::Block,
            CloneType::Exact,
            30,
            (1..4).map(|f| copy(f, 12, 6)).collect(),
        );
        // Twice in each copy of the family: twice in the kept one, still a copy.
        let twice = (0..4).flat_map(|f| [copy(f, 3, 6), copy(f, 20, 6)]);
        let twice = group(GroupKind::Block, CloneType::Exact, 35, twice.collect());
        // Ranked above the family or below it, the blocks fold the same.
        let folded = fold_nested_copies(vec![guard, inner, twice, family]);
        assert_eq!(folded.len(), 3, "{folded:#?}");
        assert_eq!((folded[1].saved, folded[1].instances.len()), (5, 8));
        let at: Vec<(usize, u32)> = (folded[0].instances.iter())
            .map(|i| (i.file, i.start_line))
            .collect();
        assert_eq!(at, [(0, 2), (1, 2), (4, 10), (5, 10), (6, 10)]);
        assert_eq!(folded[0].saved, 30);
        assert_eq!(folded[2].instances.len(), 4);
    }

    #[test]
    fn a_group_overlapping_one_ranked_above_saves_only_its_other_lines_or_is_dropped() {
        let exact = |kind, saved, copies| group(kind, CloneType::Exact, saved, copies);
        let ranked = vec![
            exact(GroupKind::Fn, 40, vec![copy(0, 1, 20), copy(1, 1, 20)]),
            // One copy inside the copies above: half its lines are that refactor.
            exact(GroupKind::Block, 30, vec![copy(0, 5, 8), copy(2, 1, 8)]),
            // Three of its lines overlap the block above.
            exact(GroupKind::Block, 24, vec![copy(2, 6, 8), copy(3, 1, 8)]),
            exact(GroupKind::Fn, 21, vec![copy(4, 1, 10), copy(5, 1, 10)]),
            // Whole inside the first group: that refactor again, dropped.
            exact(GroupKind::Block, 20, vec![copy(0, 2, 6), copy(1, 2, 6)]),
            // Each copy overlaps the group above by two of its eight lines: its own refactor.
            exact(GroupKind::Block, 18, vec![copy(4, 9, 8), copy(5, 9, 8)]),
            // Whole inside copies of two groups above: a helper both would call, kept, last.
            exact(GroupKind::Block, 16, vec![copy(0, 3, 4), copy(4, 3, 4)]),
        ];
        let order: Vec<u32> = (discount_repeats(ranked).iter()).map(|g| g.saved).collect();
        assert_eq!(order, [40, 21, 19, 15, 13, 1]);
    }
}
