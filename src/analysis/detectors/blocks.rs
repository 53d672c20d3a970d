//! Duplicated runs of statements inside otherwise different functions.
//!
//! What it finds: the longest runs of consecutive statements that appear in two or more
//! blocks, identical or renamed consistently.
//! Why it matters: a copied run is a missing function; fixes to one copy miss the others.
//! Suggested fix: extract the run into a function (or a method) and call it from each place.
//!
//! Seeds are the smallest windows of statements that reach `--min-tokens` and `--min-lines`,
//! bucketed by the hash of their statements' blinded forms; each bucket is then grown to the
//! longest run all its members share, and where they part (while smaller than the defaults'
//! seeds), each set of members that goes on alike is grown further, so that smaller seeds
//! never lose a run the defaults find; runs are split by canonical form so renames stay
//! consistent.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rayon::prelude::*;

use super::group::{CloneType, Group, GroupKind, Instance};
use super::units::MIN_VARIETY;
use crate::analysis::scan::SourceFile;
use crate::analysis::source::token::{canonical, hash_seq, variety, Tok};
use crate::analysis::source::CodeLines;
use crate::config::Options;

struct Seq<'f> {
    file: u32,
    /// Index of the sequence in its file.
    index: u32,
    /// Blinded hash of each statement.
    hashes: &'f [u64],
    /// Lines of code of each statement.
    lines: &'f [CodeLines],
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
    let runs = Runs {
        files,
        seqs: sequences(files, options.ignore_allows),
    };
    let (lines, tokens) = super::size::default_size(options);
    let wanted = (options.min_lines, options.min_tokens);
    // Under the defaults, seeds are the smallest windows (two statements) whatever the
    // thresholds, and runs too small are left out once grown: a window that reaches
    // `--min-lines` ends where the layout says (a comment between two statements makes it
    // shorter), and copies laid out differently would not share one.
    let below = wanted.0 < lines || wanted.1 < tokens;
    let buckets = runs.seeds(if below { (1, 1) } else { wanted });
    let settled = |run: &Run| runs.reaches(*run, (lines, tokens));
    let grown: HashSet<Vec<Run>> = buckets
        .into_par_iter()
        .flat_map_iter(|bucket| grow(&runs.seqs, bucket, &settled))
        .filter_map(|mut grown| {
            grown.retain(|run| runs.reaches(*run, wanted));
            (grown.len() >= 2).then_some(grown)
        })
        .collect();
    let mut grown: Vec<Vec<Run>> = grown.into_iter().collect();
    grown.sort();
    grown
        .into_iter()
        .flat_map(|members| runs.groups(members))
        .collect()
}

/// The statement sequences of every file, outside suppressed items (unless `ignore_allows`).
fn sequences(files: &[SourceFile], ignore_allows: bool) -> Vec<Seq<'_>> {
    files
        .iter()
        .enumerate()
        .flat_map(|(fi, file)| {
            file.parsed
                .seqs
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.suppressed || ignore_allows)
                .map(move |(si, s)| Seq {
                    file: fi as u32,
                    index: si as u32,
                    hashes: &s.blinded,
                    lines: &s.lines,
                })
        })
        .collect()
}

/// The statement sequences of the files, and what runs of their statements hold.
struct Runs<'f> {
    files: &'f [SourceFile],
    seqs: Vec<Seq<'f>>,
}

impl<'f> Runs<'f> {
    fn range(&self, run: Run) -> Range<u32> {
        let seq = &self.seqs[run.seq as usize];
        let stmts = &self.files[seq.file as usize].parsed.seqs[seq.index as usize].stmts;
        stmts[run.first as usize].start..stmts[run.last as usize].end
    }

    fn tokens(&self, run: Run) -> &'f [Tok] {
        let seq = &self.seqs[run.seq as usize];
        let range = self.range(run);
        &self.files[seq.file as usize].parsed.tokens[range.start as usize..range.end as usize]
    }

    /// Whether the run spans `size.0` lines and holds `size.1` tokens.
    fn reaches(&self, run: Run, size: (usize, usize)) -> bool {
        let seq = &self.seqs[run.seq as usize];
        let span = (seq.lines[run.last as usize].last + 1)
            .saturating_sub(seq.lines[run.first as usize].first);
        span as usize >= size.0 && self.tokens(run).len() >= size.1
    }

    /// Seed windows, the smallest from each statement that reach `size`, bucketed by the hash
    /// of their statement hashes: the buckets of two or more.
    fn seeds(&self, size: (usize, usize)) -> Vec<Vec<Run>> {
        let seeds: Vec<(u64, Run)> = self
            .seqs
            .par_iter()
            .enumerate()
            .flat_map_iter(|(index, seq)| {
                let n = seq.hashes.len() as u32;
                (0..n.saturating_sub(1)).filter_map(move |first| {
                    let run = (first + 1..n)
                        .map(|last| Run {
                            seq: index as u32,
                            first,
                            last,
                        })
                        .find(|&run| self.reaches(run, size))?;
                    let hashes = &seq.hashes[first as usize..=run.last as usize];
                    let key = hash_seq(hashes.iter().map(|&h| h as u32 ^ (h >> 32) as u32));
                    Some((key, run))
                })
            })
            .collect();
        let mut buckets: HashMap<u64, Vec<Run>> = HashMap::new();
        for (hash, run) in seeds {
            buckets.entry(hash).or_default().push(run);
        }
        buckets
            .into_values()
            .filter(|runs| runs.len() >= 2)
            .collect()
    }

    /// The groups of equal runs: split by canonical form, so renames stay consistent.
    fn groups(&self, members: Vec<Run>) -> Vec<Group> {
        let mut by_canon: HashMap<u64, Vec<(Run, u64)>> = HashMap::new();
        for run in members {
            let tokens = self.tokens(run);
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
        parts
            .into_iter()
            .map(|(canon, members)| Group {
                kind: GroupKind::Block,
                clone_type: if members.iter().all(|m| m.1 == members[0].1) {
                    CloneType::Exact
                } else {
                    CloneType::Renamed
                },
                similarity: 1.0,
                fingerprint: canon,
                instances: members.iter().map(|&(run, _)| self.instance(run)).collect(),
                detail: None,
                saved: 0,
            })
            .collect()
    }

    fn instance(&self, run: Run) -> Instance {
        let tokens = self.tokens(run);
        let seq = &self.seqs[run.seq as usize];
        let file = &self.files[seq.file as usize].parsed;
        Instance {
            file: seq.file as usize,
            start_line: tokens.first().map_or(0, |t| t.line),
            end_line: tokens.last().map_or(0, |t| t.line),
            item: file.seqs[seq.index as usize].item.clone(),
            code_lines: run_lines(seq.lines, run.first, run.last),
            tokens: self.range(run),
            owner: None,
        }
    }
}

/// Grows a bucket of equal runs to the longest run all members share, both ways; and where
/// they part, each set of two or more members that goes on alike, grown the same way, until
/// every run of a set is `settled` (has the size the default thresholds ask).
///
/// A small seed window (low `--min-tokens`, `--min-lines`) is common: its bucket holds the
/// copies of a long run together with short look-alikes elsewhere, and growing only the
/// whole bucket would stop where the look-alikes do, losing the long run that the defaults'
/// bigger seeds find. A set of settled runs is what a bucket of those seeds holds, and
/// grows as the defaults grow it, without parting (so the defaults' own buckets never part).
fn grow(seqs: &[Seq], runs: Vec<Run>, settled: &(dyn Fn(&Run) -> bool + Sync)) -> Vec<Vec<Run>> {
    let hash = |run: &Run, i: u32| seqs[run.seq as usize].hashes.get(i as usize).copied();
    // Statements compared while growing sets bigger than FREE_PART.
    let mut budget = GROW_BUDGET.max(GROW_PER_MEMBER * runs.len());
    let mut grown = Vec::new();
    let mut pending = vec![runs];
    while let Some(mut runs) = pending.pop() {
        loop {
            if runs.len() > FREE_PART {
                budget = budget.saturating_sub(runs.len());
            }
            let next = hash(&runs[0], runs[0].last + 1);
            if next.is_none() || runs.iter().any(|r| hash(r, r.last + 1) != next) {
                break;
            }
            for run in &mut runs {
                run.last += 1;
            }
        }
        if !runs.iter().all(settled) {
            let parts = parted(&runs, |r| hash(r, r.last + 1));
            pending.extend(
                parts
                    .into_iter()
                    .filter(|part| part.len() <= FREE_PART || budget > 0),
            );
        }
        while runs.iter().all(|r| r.first > 0)
            && runs
                .iter()
                .all(|r| hash(r, r.first - 1) == hash(&runs[0], runs[0].first - 1))
        {
            for run in &mut runs {
                run.first -= 1;
            }
        }
        runs.sort();
        runs.dedup();
        grown.push(runs);
    }
    grown
}

/// The members of `runs` whose next statement (`next`) is the same, two or more of them,
/// each set with that statement added: where growing the whole set stopped, they go on.
fn parted(runs: &[Run], next: impl Fn(&Run) -> Option<u64>) -> Vec<Vec<Run>> {
    let mut alike: HashMap<u64, Vec<Run>> = HashMap::new();
    for run in runs {
        if let Some(hash) = next(run) {
            alike.entry(hash).or_default().push(Run {
                last: run.last + 1,
                ..*run
            });
        }
    }
    let mut parts: Vec<Vec<Run>> = alike.into_values().filter(|p| p.len() >= 2).collect();
    parts.sort();
    parts
}

/// Sets of at most this many runs part freely. Bigger ones spend a budget of statements
/// compared, [`GROW_PER_MEMBER`] per member of the bucket and at least [`GROW_BUDGET`]: a
/// statement repeated thousands of times in a row (a generated table, on lines too few to
/// settle) parts one member at a time, each set nearly as big as the last, and every set is
/// a group to measure.
const FREE_PART: usize = 64;
const GROW_BUDGET: usize = 1 << 16;
const GROW_PER_MEMBER: usize = 2;

#[cfg(test)]
mod test {
    use super::*;
    use crate::analysis::detectors::find::test::{files, options};

    /// A function `name` that runs `before`, then `run`, then `after`.
    fn host(name: &str, before: &str, run: &str, after: &str) -> String {
        format!("fn {name}(input: &[u8], out: &mut Vec<u8>) -> usize {{\n{before}{run}{after}}}\n")
    }

    /// Eight varied statements, well over the default thresholds.
    const RUN: &str = "    let header = input.first().copied().unwrap_or_default();
    let body = &input[1..];
    let checksum = body.iter().fold(0u32, |acc, b| acc.wrapping_add(u32::from(*b)));
    out.push(header);
    out.extend_from_slice(body);
    if checksum % 2 == 0 {
        out.push(0xff);
    }
    out.push((checksum & 0xff) as u8);
";

    fn block_groups(sources: &[&str]) -> Vec<Group> {
        find(&files(sources), &options())
    }

    #[test]
    fn a_run_of_statements_copied_into_two_functions_is_a_block_group() {
        let groups = block_groups(&[
            &host("encode", "    out.clear();\n", RUN, "    out.len()\n"),
            &host(
                "frame",
                "    let start = out.len();\n    out.reserve(input.len() + 2);\n",
                RUN,
                "    out.len() - start\n",
            ),
        ]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        let group = &groups[0];
        assert_eq!(group.kind, GroupKind::Block);
        let spans: Vec<(usize, u32, u32)> = group
            .instances
            .iter()
            .map(|i| (i.file, i.start_line, i.end_line))
            .collect();
        // The run is lines 3-11 of `encode` and 4-12 of `frame`.
        assert!(spans.contains(&(0, 3, 11)), "{spans:?}");
        assert!(spans.contains(&(1, 4, 12)), "{spans:?}");
    }

    #[test]
    fn a_shared_run_under_the_thresholds_is_no_group() {
        let short = "    let body = &input[1..];\n    out.extend_from_slice(body);\n";
        let groups = block_groups(&[
            &host("encode", "    out.clear();\n", short, "    out.len()\n"),
            &host("frame", "    out.reserve(input.len());\n", short, "    0\n"),
        ]);
        assert!(groups.is_empty(), "{groups:#?}");
    }
}
