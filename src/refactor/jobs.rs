//! A pass's walk over its candidates: one at a time, or with `--jobs N`, proposed and
//! verified N at once, each in its own scratch slot, and kept as `--jobs 1` would keep them.
//!
//! A pass takes its candidates in batches of up to N, in order; a batch ends before a candidate
//! whose finding shares a file with one already in it. Each candidate of a batch runs on its own
//! thread, in its own slot synced with the working tree, recording into an audit buffer; nothing
//! writes the tree meanwhile. The main thread then settles them in candidate order: it replays
//! each one's records (one writer, whole records, candidate after candidate) and keeps what
//! passed. A candidate whose files (its finding's, or those its agent edited) an earlier kept
//! refactor of the batch wrote is tried again from the start in slot 0, as `--jobs 1` would have
//! tried it after that refactor: no refactor is kept from a stale copy of a file, they are
//! written in candidate order, and the kept set is the one `--jobs 1` keeps. The agent calls of
//! the try made again stay in the audit trail (its folder is kept as `<candidate>-discarded`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::FixArgs;
use crate::record::audit::Audit;
use crate::record::event::{Event, Record, ResponseKind, Step};
use crate::record::out_dir::OutDir;
use crate::refactor::budget::Budget;
use crate::refactor::finding::Finding;
use crate::refactor::memory::Memory;
use crate::refactor::pass::{Decided, Jobs, Pass, Verified};
use crate::refactor::settings::Settings;
use crate::refactor::verify::{Baseline, Verifier};

impl Pass<'_, '_> {
    /// Pass `pass`: tries every chosen finding in turn, until done, a budget runs out, or
    /// interrupted.
    pub(super) fn run(
        &mut self,
        pass: u32,
        chosen: &[Finding],
        baseline: &mut Baseline,
    ) -> anyhow::Result<()> {
        self.audit.emit(Event::PassStart {
            pass,
            candidates: Some(chosen.len()),
        })?;
        let mut rest = chosen;
        while !rest.is_empty() {
            if crate::process::interrupted() {
                return Err(crate::process::Interrupted.into());
            }
            if self
                .deadline
                .is_some_and(|deadline| std::time::Instant::now() >= deadline)
            {
                break;
            }
            let batch = batch(rest, 1 + self.jobs.slots.len());
            rest = &rest[batch.len()..];
            let names: Vec<String> = (batch.iter())
                .map(|_| {
                    self.named += 1;
                    format!("c{}", self.named)
                })
                .collect();
            if let [finding] = batch {
                let decisions = self.decided.len();
                self.candidate(&names[0], finding, baseline)?;
                self.remember(finding, decisions)?;
            } else {
                try_at_once(self, &names, batch, baseline)?;
            }
            if self.stop.is_some() {
                break;
            }
        }
        Ok(())
    }
}

/// The next batch of `rest`: up to `width` candidates, ending before one whose finding shares a
/// file with an earlier one of the batch; never empty unless `rest` is.
fn batch(rest: &[Finding], width: usize) -> &[Finding] {
    let mut files: HashSet<&str> = HashSet::new();
    let mut n = 0;
    for finding in rest.iter().take(width.max(1)) {
        let mine: HashSet<&str> = finding.locations.iter().map(|l| l.file.as_str()).collect();
        if n > 0 && !files.is_disjoint(&mine) {
            break;
        }
        files.extend(mine);
        n += 1;
    }
    &rest[..n]
}

/// What one worker did with its candidate.
struct Tried {
    /// Its records, not yet written.
    audit: Audit,
    decided: Vec<Decided>,
    rejected_patches: super::pass::RejectedPatches,
    /// The run's budget as the worker left it.
    budget: Budget,
    stop: Option<String>,
    passed: Passed,
    end: anyhow::Result<()>,
}

/// A candidate that passed verification, as it was found, with what verification made of it.
type Passed = Option<(Finding, Verified)>;

/// Tries the candidates of `batch` (named `names`) at once, then settles them in order.
pub(super) fn try_at_once(
    pass: &mut Pass,
    names: &[String],
    batch: &[Finding],
    baseline: &mut Baseline,
) -> anyhow::Result<()> {
    let before = pass.budget.clone();
    let tried = work(pass, names, batch, baseline);
    pass.jobs.written.clear();
    let mut end = Ok(());
    for ((name, finding), tried) in names.iter().zip(batch).zip(tried) {
        if end.is_err() {
            record_only(pass, name, tried, &before)?;
            continue;
        }
        let decisions = pass.decided.len();
        end = settle(pass, (name, finding), tried, &before, baseline);
        if end.is_ok() {
            pass.remember(finding, decisions)?;
        }
    }
    end
}

/// After a candidate of the batch ended the run (a Ctrl-C, a failure), what the others did
/// still goes into the audit trail, and nothing more is kept: one that passed is decided
/// unanswered, since nothing of it was written.
fn record_only(pass: &mut Pass, name: &str, tried: Tried, before: &Budget) -> anyhow::Result<()> {
    pass.budget.absorb(before, &tried.budget);
    let (_, passed) = take_in(pass, tried)?;
    if let Some((current, _)) = passed {
        let reason = "the run ended before it was kept: verified, nothing of it was written";
        pass.decide_unanswered(name, &current, Step::Analysis, reason)?;
    }
    Ok(())
}

/// Replays a worker's records and adds its decisions to the run's: how it ended, and what
/// passed.
fn take_in(pass: &mut Pass, tried: Tried) -> anyhow::Result<(anyhow::Result<()>, Passed)> {
    pass.audit.replay(tried.audit)?;
    for decided in &tried.decided {
        pass.counts.add(decided.outcome);
    }
    pass.decided.extend(tried.decided);
    pass.rejected_patches.extend(tried.rejected_patches);
    if pass.stop.is_none() {
        pass.stop = tried.stop;
    }
    Ok((tried.end, tried.passed))
}

/// What the workers of a batch share, read only, with the run's pass.
#[derive(Clone, Copy)]
struct Shared<'a> {
    root: &'a Path,
    out_dir: &'a OutDir,
    skip: &'a [PathBuf; 2],
    crate_deps: &'a [(String, String)],
    settings: &'a Settings,
    args: &'a FixArgs,
}

/// Runs each candidate of `batch` on its own thread and slot (slot 0 for the first), from the
/// tree and baseline as they are now; returns what each did, in order.
fn work(pass: &mut Pass, names: &[String], batch: &[Finding], baseline: &Baseline) -> Vec<Tried> {
    let starts: Vec<Tried> = (batch.iter())
        .map(|_| Tried {
            audit: pass.audit.buffer(),
            decided: Vec::new(),
            rejected_patches: pass.rejected_patches.clone(),
            budget: pass.budget.part_of(batch.len()),
            stop: None,
            passed: None,
            end: Ok(()),
        })
        .collect();
    let shared = Shared {
        root: pass.root,
        out_dir: pass.out_dir,
        skip: &pass.skip,
        crate_deps: &pass.crate_deps,
        settings: pass.settings,
        args: pass.args,
    };
    let verifiers = std::iter::once(&mut *pass.verifier).chain(pass.jobs.slots.iter_mut());
    std::thread::scope(|scope| {
        let workers: Vec<_> = (names.iter().zip(batch).zip(verifiers).zip(starts))
            .map(|(((name, finding), verifier), start)| {
                let baseline = baseline.clone();
                scope.spawn(move || try_one(shared, verifier, (name, finding), (start, baseline)))
            })
            .collect();
        (workers.into_iter())
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// A worker: tries `finding` as candidate `name` in `verifier`'s slot, synced first, from
/// `start` (a copy of the run's state) and the batch's baseline; keeps nothing.
fn try_one(
    shared: Shared,
    verifier: &mut Verifier,
    (name, finding): (&str, &Finding),
    (start, mut baseline): (Tried, Baseline),
) -> Tried {
    let Tried { mut audit, .. } = start;
    let mut worker = Pass {
        root: shared.root,
        out_dir: shared.out_dir,
        skip: shared.skip.clone(),
        crate_deps: shared.crate_deps.to_vec(),
        settings: shared.settings,
        args: shared.args,
        verifier,
        audit: &mut audit,
        counts: crate::record::event::Counts::default(),
        budget: start.budget,
        stop: None,
        memory: Memory::default(),
        decided: Vec::new(),
        named: 0,
        rejected_patches: start.rejected_patches,
        deadline: None,
        branches: None,
        jobs: Jobs {
            worker: true,
            ..Jobs::default()
        },
    };
    let end = (worker.verifier.scratch_sync())
        .and_then(|()| worker.candidate(name, finding, &mut baseline));
    Tried {
        decided: worker.decided,
        rejected_patches: worker.rejected_patches,
        budget: worker.budget,
        stop: worker.stop,
        passed: worker.jobs.passed,
        end,
        audit,
    }
}

/// Records what a worker did with candidate `name` and keeps it if it passed; or, when a
/// refactor kept before it in the batch wrote one of its files, tries it again from the start.
fn settle(
    pass: &mut Pass,
    (name, finding): (&str, &Finding),
    tried: Tried,
    before: &Budget,
    baseline: &mut Baseline,
) -> anyhow::Result<()> {
    // What the worker spent is spent, whatever becomes of its work.
    pass.budget.absorb(before, &tried.budget);
    let touched = touched(finding, tried.audit.buffered());
    if let Some(file) = (pass.jobs.written.iter()).find(|file| touched.contains(file.as_str())) {
        let message = format!(
            "{name} is tried again: a refactor kept before it changed {file}, which the try \
             made alongside it read"
        );
        keep_paid_calls(pass, name, &tried.audit)?;
        pass.audit.emit(Event::Notice { message })?;
        return pass.candidate(name, finding, baseline);
    }
    let (end, passed) = take_in(pass, tried)?;
    end?;
    match passed {
        Some((current, verified)) => pass.keep(name, &current, verified, baseline),
        None => Ok(()),
    }
}

/// Moves the folder of a try that is made again aside (`<name>-discarded`) and records the
/// agent calls it made: they were paid for, and the audit trail has every call.
fn keep_paid_calls(pass: &mut Pass, name: &str, tried: &Audit) -> anyhow::Result<()> {
    let dir = pass.audit.candidate_dir(name);
    let aside = dir.with_file_name(format!("{name}-discarded"));
    if aside.exists() {
        std::fs::remove_dir_all(&aside).with_context(|| format!("remove {}", aside.display()))?;
    }
    if dir.exists() {
        std::fs::rename(&dir, &aside).with_context(|| format!("move {} aside", dir.display()))?;
    }
    let (from, to) = (format!("/{name}/"), format!("/{name}-discarded/"));
    for record in tried.buffered() {
        let mut event = record.event.clone();
        match &mut event {
            Event::Response {
                answer: ResponseKind::Text { file, .. },
                ..
            } => *file = file.replacen(&from, &to, 1),
            Event::Response { .. } => {}
            _ => continue,
        }
        pass.audit.emit(event)?;
    }
    Ok(())
}

/// The files a candidate's try depended on: its finding's, and every file its agent edited.
fn touched<'f>(finding: &'f Finding, records: &'f [Record]) -> HashSet<&'f str> {
    let edited = records.iter().filter_map(|record| match &record.event {
        Event::Edit {
            files: Some(files), ..
        } => Some(files.iter().map(String::as_str)),
        _ => None,
    });
    (finding.locations.iter())
        .map(|l| l.file.as_str())
        .chain(edited.flatten())
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::refactor::finding::{FindingKind, Location};

    fn finding(id: &str, files: &[&str]) -> Finding {
        Finding {
            id: id.into(),
            kind: FindingKind::Dup,
            fingerprint: 0,
            title: String::new(),
            suggestion: String::new(),
            locations: (files.iter())
                .map(|file| Location {
                    file: (*file).into(),
                    start_line: 1,
                    end_line: 2,
                    item: String::new(),
                })
                .collect(),
            size: 1.0,
            clone: None,
            smell: None,
        }
    }

    fn ids(batch: &[Finding]) -> Vec<&str> {
        batch.iter().map(|f| f.id.as_str()).collect()
    }

    #[test]
    fn a_batch_ends_at_its_width_or_before_a_finding_sharing_a_file() {
        let all = [
            finding("D1", &["a.rs", "b.rs"]),
            finding("D2", &["c.rs"]),
            finding("D3", &["b.rs", "d.rs"]),
            finding("D4", &["e.rs"]),
        ];
        assert_eq!(ids(batch(&all, 4)), ["D1", "D2"]);
        assert_eq!(ids(batch(&all, 1)), ["D1"]);
        assert_eq!(ids(batch(&all, 0)), ["D1"]);
        assert_eq!(ids(batch(&all[2..], 4)), ["D3", "D4"]);
        assert!(batch(&[], 2).is_empty());
    }

    #[test]
    fn a_try_touched_its_findings_files_and_every_file_its_agent_edited() {
        let dir = tempfile::tempdir().unwrap();
        let out = crate::record::out_dir::OutDir::new(Some(dir.path()), dir.path());
        let audit = Audit::open(&out, &crate::console::Console::silent()).unwrap();
        let mut buffer = audit.buffer();
        buffer
            .emit(Event::Edit {
                at: crate::record::event::At {
                    candidate: "c1".into(),
                    attempt: 1,
                },
                ok: true,
                files: Some(vec!["src/lib.rs".into(), "a.rs".into()]),
                patch: None,
                reason: None,
            })
            .unwrap();
        let d1 = finding("D1", &["a.rs", "b.rs"]);
        let touched = touched(&d1, buffer.buffered());
        let mut touched: Vec<&str> = touched.into_iter().collect();
        touched.sort_unstable();
        assert_eq!(touched, ["a.rs", "b.rs", "src/lib.rs"]);
    }
}
