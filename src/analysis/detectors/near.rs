//! Near-miss clones of functions and methods: statements added, removed or changed.
//!
//! What it finds: functions whose blinded token sequences align (order-aware, by a diff) to at
//! least `--similarity`, and that share enough of their identifiers to be copies rather than
//! look-alikes.
//! Why it matters: near-miss copies are the ones that drift apart silently.
//! Suggested fix: merge them into one function with a parameter for what differs.
//!
//! Candidates come from one-permutation `MinHash` over blinded 5-grams with banded lookup, so
//! only pairs that share many 5-grams are aligned; alignment is a Myers diff.

use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::group::{CloneType, Group, GroupKind, Instance};
use super::memo::Memo;
use super::minhash::{signature, Signature, BINS};
use super::units::{unit_tokens, UnitId};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::token::{hash_seq, Tok, TokClass};
use crate::analysis::source::UnitKind;
use crate::config::Options;

const ROWS: usize = 2;
/// Buckets bigger than this are boilerplate shapes; aligning all their pairs costs without finding copies.
const MAX_BUCKET: usize = 64;
/// Share of equal signature bins (an estimate of 5-gram Jaccard similarity) worth aligning.
const MIN_AGREEMENT: f64 = 0.4;
/// Share of distinct identifiers two copies must have in common.
const MIN_NAME_OVERLAP: f64 = 0.5;
/// The same for a table: tables of one shape that name other fields or variants are other
/// tables, not copies.
const MIN_TABLE_NAME_OVERLAP: f64 = 0.9;

struct Candidate<'f> {
    id: UnitId,
    table: bool,
    /// Big enough to be compared at the default thresholds (see [`super::size::default_sized`]).
    default_sized: bool,
    tokens: &'f [Tok],
    /// The hash of `tokens`: what the memo keeps its answers under.
    key: u64,
    signature: Signature,
    /// What aligning reads, made when a pair is aligned that the memo does not answer.
    aligned: OnceLock<Aligned>,
}

struct Aligned {
    blinded: Vec<u32>,
    /// `blinded`, sorted: bounds the alignment from above before it is computed.
    sorted: Vec<u32>,
    names: Vec<u32>,
}

impl Candidate<'_> {
    fn aligned(&self) -> &Aligned {
        self.aligned.get_or_init(|| {
            let blinded = blinded(self.tokens);
            let mut names: Vec<u32> = (self.tokens.iter())
                .filter(|t| matches!(t.class, TokClass::Ident | TokClass::TypeIdent))
                .map(|t| t.sym)
                .collect();
            names.sort_unstable();
            names.dedup();
            let mut sorted = blinded.clone();
            sorted.sort_unstable();
            Aligned {
                blinded,
                sorted,
                names,
            }
        })
    }
}

pub(super) fn blinded(tokens: &[Tok]) -> Vec<u32> {
    tokens.iter().map(|t| t.blinded()).collect()
}

/// `eligible` are the units big enough to be compared at all, each with whether it is a table.
pub fn find(
    files: &[SourceFile],
    options: &Options,
    eligible: &[(UnitId, bool)],
    exact_of: &HashMap<UnitId, usize>,
    memo: &Memo,
) -> Vec<Group> {
    let candidates = candidates(files, options, eligible, memo);
    let pairs = candidate_pairs(&candidates);
    let edges = edges(&candidates, pairs, exact_of, options.similarity, memo);
    clusters(&candidates, files, &edges)
}

/// The functions and methods among `eligible` (impls are not near-miss copies), with their
/// signature.
fn candidates<'f>(
    files: &'f [SourceFile],
    options: &Options,
    eligible: &[(UnitId, bool)],
    memo: &Memo,
) -> Vec<Candidate<'f>> {
    eligible
        .par_iter()
        .filter_map(|&((fi, ui), table)| {
            let file = &files[fi as usize];
            let unit = &file.parsed.units[ui as usize];
            if unit.kind == UnitKind::Impl {
                return None;
            }
            let tokens = unit_tokens(file, unit);
            let key = hash_seq(tokens.iter().map(|t| t.sym));
            Some(Candidate {
                id: (fi, ui),
                table,
                default_sized: super::size::default_sized(unit, options),
                tokens,
                key,
                signature: memo.signature(key, || signature(&blinded(tokens))),
                aligned: OnceLock::new(),
            })
        })
        .collect()
}

/// Pairs of candidates that share a band and agree on enough of their signature,
/// deduplicated and sorted.
fn candidate_pairs(candidates: &[Candidate]) -> Vec<(u32, u32)> {
    // Each candidate under each band's key, sorted by key: a bucket is a run of one key.
    let mut keyed: Vec<(u64, u32)> = (candidates.iter().enumerate())
        .flat_map(|(index, cand)| {
            (0..BINS / ROWS).filter_map(move |band| {
                let rows = &cand.signature[band * ROWS..(band + 1) * ROWS];
                let key = hash_seq(rows.iter().map(|&r| r as u32).chain([band as u32]));
                (!rows.contains(&u64::MAX)).then_some((key, index as u32))
            })
        })
        .collect();
    keyed.par_sort_unstable();
    let buckets: Vec<Vec<u32>> = (keyed.chunk_by(|a, b| a.0 == b.0))
        .filter(|run| run.len() >= 2)
        .filter_map(|run| aligned_members(candidates, run.iter().map(|k| k.1).collect()))
        .collect();
    // Pairs that share a band and agree on enough of their signature, deduplicated.
    let mut pairs: Vec<(u32, u32)> = buckets
        .par_iter()
        .flat_map_iter(|members| {
            members.iter().enumerate().flat_map(move |(i, &a)| {
                members[i + 1..].iter().filter_map(move |&b| {
                    let (ca, cb) = (&candidates[a as usize], &candidates[b as usize]);
                    // Branch-free, so the compiler compares the bins side by side.
                    let agree: u32 = (ca.signature.iter().zip(&cb.signature))
                        .map(|(x, y)| u32::from(x == y) & u32::from(*x != u64::MAX))
                        .sum();
                    (f64::from(agree) >= MIN_AGREEMENT * BINS as f64).then_some((a, b))
                })
            })
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// The pairs that align to at least `threshold`, with their similarity; pairs of exact copies
/// of one another are not aligned.
fn edges(
    candidates: &[Candidate],
    pairs: Vec<(u32, u32)>,
    exact_of: &HashMap<UnitId, usize>,
    threshold: f64,
    memo: &Memo,
) -> Vec<(u32, u32, f64)> {
    pairs
        .into_par_iter()
        .filter_map(|(a, b)| {
            let (ca, cb) = (&candidates[a as usize], &candidates[b as usize]);
            if exact_of
                .get(&ca.id)
                .is_some_and(|g| exact_of.get(&cb.id) == Some(g))
            {
                return None;
            }
            let table = ca.table || cb.table;
            let key = (
                ca.key.min(cb.key),
                ca.key.max(cb.key),
                threshold.to_bits(),
                table,
            );
            memo.alignment(key, || align(ca.aligned(), cb.aligned(), table, threshold))
                .map(|sim| (a, b, sim))
        })
        .collect()
}

/// How much two functions align, if at least `threshold`; pairs too unlike in size or names
/// are not aligned.
fn align(a: &Aligned, b: &Aligned, table: bool, threshold: f64) -> Option<f64> {
    let (la, lb) = (a.blinded.len() as f64, b.blinded.len() as f64);
    let min_names = if table {
        MIN_TABLE_NAME_OVERLAP
    } else {
        MIN_NAME_OVERLAP
    };
    if la.min(lb) / la.max(lb) < threshold * 0.9
        || name_overlap(&a.names, &b.names) < min_names
        || 2.0 * common_tokens(&a.sorted, &b.sorted) as f64 / (la + lb) < threshold
    {
        return None;
    }
    similarity(&a.blinded, &b.blinded, threshold)
}

/// The members of a band's bucket whose pairs are worth aligning: all of them, or none when
/// the bucket is a boilerplate shape (more than [`MAX_BUCKET`]). Units smaller than the
/// default thresholds, analysed only under lower ones, do not make a bucket of default-size
/// units boilerplate: those are aligned among themselves as the defaults align them.
fn aligned_members(candidates: &[Candidate], members: Vec<u32>) -> Option<Vec<u32>> {
    if members.len() <= MAX_BUCKET {
        return (members.len() >= 2).then_some(members);
    }
    let big: Vec<u32> = members
        .into_iter()
        .filter(|&m| candidates[m as usize].default_sized)
        .collect();
    (big.len() >= 2 && big.len() <= MAX_BUCKET).then_some(big)
}

/// Size of the multiset intersection of two sorted sequences: an upper bound on their
/// longest common subsequence.
pub(super) fn common_tokens(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

fn name_overlap(a: &[u32], b: &[u32]) -> f64 {
    let common = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    common as f64 / a.len().min(b.len()).max(1) as f64
}

/// Dice similarity of two token sequences (twice the longest common subsequence over both
/// lengths), or `None` when it is below `threshold`.
///
/// Myers' greedy O((N+M)·D) forward search, stopped as soon as the edit distance D proves
/// the similarity too low: LCS = (N+M-D)/2, so similarity ≥ t exactly when D ≤ (1-t)(N+M).
/// Near-misses are close, so D stays small and most hopeless pairs stop early.
#[expect(clippy::many_single_char_names, reason = "the names of Myers' paper")]
pub(super) fn similarity(a: &[u32], b: &[u32], threshold: f64) -> Option<f64> {
    let (n, m) = (
        isize::try_from(a.len()).ok()?,
        isize::try_from(b.len()).ok()?,
    );
    let total = (n + m) as f64;
    if total == 0.0 {
        return Some(1.0);
    }
    let max_d = ((1.0 - threshold) * total).floor() as isize;
    let offset = max_d + 1;
    let mut v = vec![0isize; 2 * offset as usize + 2];
    for d in 0..=max_d {
        let mut k = -d;
        while k <= d {
            let index = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[index - 1] < v[index + 1]) {
                v[index + 1]
            } else {
                v[index - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[index] = x;
            if x >= n && y >= m {
                return Some((total - d as f64) / total);
            }
            k += 2;
        }
    }
    None
}

/// Star clusters of the similarity graph: the best-connected function and its unclaimed
/// neighbours form a group, so that copies never chain through look-alikes (A~B~C, A≁C).
///
/// Units of the default size are clustered first, among themselves, as the defaults cluster
/// them; units that only lower thresholds analyse then form stars with what is left. A small
/// look-alike is often better connected than the copies it resembles: clustered with them,
/// it would claim one of them and split a group the defaults report.
fn clusters(
    candidates: &[Candidate],
    files: &[SourceFile],
    edges: &[(u32, u32, f64)],
) -> Vec<Group> {
    let sized = |node: u32| candidates[node as usize].default_sized;
    let mut claimed: FxHashSet<u32> = FxHashSet::default();
    let mut comps = stars(
        edges.iter().filter(|&&(a, b, _)| sized(a) && sized(b)),
        &mut claimed,
    );
    let rest: Vec<&(u32, u32, f64)> = edges
        .iter()
        .filter(|(a, b, _)| !claimed.contains(a) && !claimed.contains(b))
        .collect();
    comps.extend(stars(rest.into_iter(), &mut claimed));
    comps.sort_by(|a, b| a.0.cmp(&b.0));
    comps
        .into_iter()
        .map(|(members, sim)| star_group(candidates, files, &members, sim))
        .collect()
}

/// Star clusters of `edges`' graph, best-connected centre first, leaving out and adding to
/// `claimed`: each as its nodes, sorted, and the lowest similarity to its centre.
fn stars<'e>(
    edges: impl Iterator<Item = &'e (u32, u32, f64)>,
    claimed: &mut FxHashSet<u32>,
) -> Vec<(Vec<u32>, f64)> {
    let mut adjacency: FxHashMap<u32, Vec<(u32, f64)>> = FxHashMap::default();
    for &(a, b, sim) in edges {
        adjacency.entry(a).or_default().push((b, sim));
        adjacency.entry(b).or_default().push((a, sim));
    }
    let mut order: Vec<u32> = adjacency.keys().copied().collect();
    order.sort_by_key(|node| (std::cmp::Reverse(adjacency[node].len()), *node));
    let mut comps: Vec<(Vec<u32>, f64)> = Vec::new();
    for center in order {
        if claimed.contains(&center) {
            continue;
        }
        let members: Vec<(u32, f64)> = adjacency[&center]
            .iter()
            .copied()
            .filter(|(n, _)| !claimed.contains(n))
            .collect();
        if members.is_empty() {
            continue;
        }
        claimed.insert(center);
        claimed.extend(members.iter().map(|m| m.0));
        let sim = members.iter().map(|m| m.1).fold(1.0, f64::min);
        let mut nodes: Vec<u32> = members.iter().map(|m| m.0).chain([center]).collect();
        nodes.sort_unstable();
        comps.push((nodes, sim));
    }
    comps
}

/// The group of a star's `members`, `sim` the lowest similarity to its centre.
fn star_group(candidates: &[Candidate], files: &[SourceFile], members: &[u32], sim: f64) -> Group {
    let instances: Vec<Instance> = members
        .iter()
        .map(|&m| {
            let (fi, ui) = candidates[m as usize].id;
            let parsed = &files[fi as usize].parsed;
            let unit = &parsed.units[ui as usize];
            // What near-miss copies share is in their bodies: a merge keeps each
            // signature (as a caller of the merged function) or makes it one.
            Instance {
                tokens: unit.body.clone(),
                ..Instance::of_unit(fi as usize, parsed, unit)
            }
        })
        .collect();
    let first =
        &files[instances[0].file].parsed.units[candidates[members[0] as usize].id.1 as usize];
    let mut hashes: Vec<u64> = members
        .iter()
        .map(|&m| hash_seq(candidates[m as usize].tokens.iter().map(|t| t.blinded())))
        .collect();
    hashes.sort_unstable();
    Group {
        kind: if first.kind == UnitKind::Method {
            GroupKind::Method
        } else {
            GroupKind::Fn
        },
        // Equal shapes whose names do not map one to one are still renamed copies.
        clone_type: if sim >= 1.0 {
            CloneType::Renamed
        } else {
            CloneType::NearMiss
        },
        similarity: (sim * 100.0).floor() / 100.0,
        fingerprint: hash_seq(hashes.iter().map(|&h| h as u32)),
        instances,
        detail: None,
        saved: 0,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn inserted_statement_keeps_similarity_high() {
        let a: Vec<u32> = (0..100).collect();
        let mut b = a.clone();
        b.splice(50..50, [1000, 1001, 1002, 1003, 1004]);
        let sim = similarity(&a, &b, 0.8).unwrap();
        assert!((sim - 200.0 / 205.0).abs() < 1e-9, "{sim}");
        let mut changed = a.clone();
        changed[10] = 999;
        changed.remove(70);
        // One substitution (two edits) and one deletion: D = 3 over 199 tokens.
        assert!((similarity(&a, &changed, 0.8).unwrap() - 196.0 / 199.0).abs() < 1e-9);
        let unrelated: Vec<u32> = (500..600).collect();
        assert_eq!(similarity(&a, &unrelated, 0.8), None);
        assert_eq!(similarity(&a, &a, 0.8), Some(1.0));
    }
}
