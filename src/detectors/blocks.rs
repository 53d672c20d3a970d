//! Duplicated runs of statements inside otherwise different functions.
//!
//! What it finds: the longest runs of consecutive statements that appear in two or more
//! blocks, identical or renamed consistently.
//! Why it matters: a copied run is a missing function; fixes to one copy miss the others.
//! Suggested fix: extract the run into a function (or a method) and call it from each place.
//!
//! Seeds are the smallest windows of statements that reach `--min-tokens` and `--min-lines`,
//! bucketed by the hash of their statements' blinded forms; each bucket is then grown to the
//! longest run all its members share, and split by canonical form so renames stay consistent.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rayon::prelude::*;

use super::group::{CloneType, Group, GroupKind, Instance};
use super::units::MIN_VARIETY;
use crate::config::Options;
use crate::scan::SourceFile;
use crate::source::CodeLines;
use crate::token::{canonical, hash_seq, variety, Tok};

struct Seq {
    file: u32,
    /// Index of the sequence in its file.
    index: u32,
    /// Blinded hash of each statement.
    hashes: Vec<u64>,
    /// Lines of code of each statement.
    lines: Vec<CodeLines>,
}

/// Lines of code of statements `first..=last`: a line that one statement ends on and the
/// next starts on counts once.
fn run_lines(lines: &[CodeLines], first: u32, last: u32) -> u32 {
    let run = &lines[first as usize..=last as usize];
    let mut count = 0;
    let mut prev = 0;
    for stmt in run.iter().filter(|s| s.count > 0) {
        count += stmt.count - u32::from(stmt.first == prev);
        prev = stmt.last;
    }
    count
}

/// A run of statements `first..=last` of sequence `seq` (an index into the flat list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Run {
    seq: u32,
    first: u32,
    last: u32,
}

pub fn find(files: &[SourceFile], options: &Options) -> Vec<Group> {
    let seqs: Vec<Seq> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, file)| {
            file.parsed
                .seqs
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.suppressed)
                .map(move |(si, s)| Seq {
                    file: fi as u32,
                    index: si as u32,
                    hashes: s
                        .stmts
                        .iter()
                        .map(|r| {
                            hash_seq(
                                file.parsed.tokens[r.start as usize..r.end as usize]
                                    .iter()
                                    .map(|t| t.blinded()),
                            )
                        })
                        .collect(),
                    lines: s
                        .stmts
                        .iter()
                        .map(|r| file.parsed.code_line_span(r.clone()))
                        .collect(),
                })
        })
        .collect();
    let range_of = |run: Run| -> Range<u32> {
        let seq = &seqs[run.seq as usize];
        let stmts = &files[seq.file as usize].parsed.seqs[seq.index as usize].stmts;
        stmts[run.first as usize].start..stmts[run.last as usize].end
    };
    let tokens_of = |run: Run| -> &[Tok] {
        let seq = &seqs[run.seq as usize];
        let range = range_of(run);
        &files[seq.file as usize].parsed.tokens[range.start as usize..range.end as usize]
    };
    // Seed windows, bucketed by the hash of their statement hashes.
    let seeds: Vec<(u64, Run)> = seqs
        .par_iter()
        .enumerate()
        .flat_map_iter(|(index, seq)| {
            let mut out = Vec::new();
            let n = seq.hashes.len() as u32;
            for first in 0..n.saturating_sub(1) {
                let mut last = first + 1;
                loop {
                    let run = Run {
                        seq: index as u32,
                        first,
                        last,
                    };
                    let tokens = tokens_of(run);
                    let span = (seq.lines[last as usize].last + 1)
                        .saturating_sub(seq.lines[first as usize].first);
                    if tokens.len() >= options.min_tokens && span as usize >= options.min_lines {
                        out.push((
                            hash_seq(
                                seq.hashes[first as usize..=last as usize]
                                    .iter()
                                    .map(|&h| h as u32 ^ (h >> 32) as u32),
                            ),
                            run,
                        ));
                        break;
                    }
                    last += 1;
                    if last >= n {
                        break;
                    }
                }
            }
            out
        })
        .collect();
    let mut buckets: HashMap<u64, Vec<Run>> = HashMap::new();
    for (hash, run) in seeds {
        buckets.entry(hash).or_default().push(run);
    }
    let buckets: Vec<Vec<Run>> = buckets
        .into_values()
        .filter(|runs| runs.len() >= 2)
        .collect();
    let grown: HashSet<Vec<Run>> = buckets
        .into_par_iter()
        .map(|runs| grow(&seqs, runs))
        .collect();
    let mut grown: Vec<Vec<Run>> = grown.into_iter().collect();
    grown.sort();
    let mut groups = Vec::new();
    for runs in grown {
        let mut by_canon: HashMap<u64, Vec<(Run, u64)>> = HashMap::new();
        for run in runs {
            let tokens = tokens_of(run);
            let raw = hash_seq(tokens.iter().map(|t| t.sym));
            // Table-like runs (`map.insert(..)` after `map.insert(..)`) count only as exact copies.
            let key = if variety(tokens) < MIN_VARIETY {
                raw
            } else {
                hash_seq(canonical(tokens).into_iter())
            };
            by_canon.entry(key).or_default().push((run, raw));
        }
        let mut parts: Vec<(u64, Vec<(Run, u64)>)> =
            by_canon.into_iter().filter(|(_, m)| m.len() >= 2).collect();
        parts.sort_by_key(|(canon, _)| *canon);
        for (canon, members) in parts {
            let exact = members.iter().all(|m| m.1 == members[0].1);
            let instances = members
                .iter()
                .map(|&(run, _)| {
                    let tokens = tokens_of(run);
                    let seq = &seqs[run.seq as usize];
                    let file = &files[seq.file as usize].parsed;
                    Instance {
                        file: seq.file as usize,
                        start_line: tokens.first().map_or(0, |t| t.line),
                        end_line: tokens.last().map_or(0, |t| t.line),
                        item: file.seqs[seq.index as usize].item.clone(),
                        code_lines: run_lines(&seq.lines, run.first, run.last),
                        tokens: range_of(run),
                        owner: None,
                    }
                })
                .collect();
            groups.push(Group {
                kind: GroupKind::Block,
                clone_type: if exact {
                    CloneType::Exact
                } else {
                    CloneType::Renamed
                },
                similarity: 1.0,
                fingerprint: canon,
                instances,
                detail: None,
                saved: 0,
            });
        }
    }
    groups
}

/// Grows a bucket of equal runs to the longest run all members share, both ways.
fn grow(seqs: &[Seq], mut runs: Vec<Run>) -> Vec<Run> {
    let hash = |run: &Run, i: u32| seqs[run.seq as usize].hashes[i as usize];
    loop {
        let next = runs[0].last + 1;
        let fits = runs
            .iter()
            .all(|r| ((r.last + 1) as usize) < seqs[r.seq as usize].hashes.len());
        if !(fits
            && runs
                .iter()
                .all(|r| hash(r, r.last + 1) == hash(&runs[0], next)))
        {
            break;
        }
        for r in &mut runs {
            r.last += 1;
        }
    }
    while runs.iter().all(|r| r.first > 0)
        && runs
            .iter()
            .all(|r| hash(r, r.first - 1) == hash(&runs[0], runs[0].first - 1))
    {
        for r in &mut runs {
            r.first -= 1;
        }
    }
    runs.sort();
    runs.dedup();
    runs
}
