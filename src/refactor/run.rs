//! `cargo loop run`: passes of scan, propose, verify and keep, until a stopping rule fires.
//! After every pass comes the "is the goal reached?" check: what the pass kept, rejected and
//! held, the scores before and after, what was spent and is left, and the decision to go on
//! or stop with its reason, printed and recorded as a `pass_end` record.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::{CommonArgs, RunArgs};
use crate::console::Console;
use crate::record::event::{Event, Outcome};
use crate::refactor::finding::Finding;
use crate::refactor::memory::Memory;
use crate::refactor::pass::Pass;
use crate::refactor::score::Scores;
use crate::refactor::session::Place;
use crate::refactor::session::{Choosing, Chosen};
use crate::refactor::settings::Settings;
use crate::refactor::verify::{Baseline, BaselineFailed};

/// The stopping rules, resolved.
struct Rules {
    max_passes: u32,
    stall: u32,
    time_limit: Option<std::time::Duration>,
    target_score: Option<f64>,
}

pub fn run(common: &CommonArgs, args: &RunArgs, console: &Console) -> anyhow::Result<()> {
    for (flag, value) in [
        ("max-passes", args.limits.max_passes),
        ("stall", args.limits.stall),
    ] {
        if value == Some(0) {
            return Err(crate::error::UsageError(format!("--{flag} must be at least 1")).into());
        }
    }
    crate::refactor::settings::check_target_score(args.goals.target_score, "--target-score")?;
    if args.fix.show_prompts {
        return crate::refactor::pass::show_prompts(common, &args.fix, console);
    }
    let dir = (common.manifest_path.as_deref())
        .and_then(Path::parent)
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let worktree = (args.branch.as_deref())
        .map(|branch| crate::refactor::worktree::Worktree::open(dir, branch))
        .transpose()?;
    let (common, args) = match &worktree {
        Some(worktree) => {
            console.status(
                "Working",
                &format!(
                    "in {} (the checkout is never written)",
                    worktree.path.display()
                ),
            );
            worktree.enter(common, args)?
        }
        None => (common.clone(), args.clone()),
    };
    let mut last: Option<Place> = None;
    loop {
        if let Some(worktree) = &worktree {
            worktree.follow_head(console)?;
        }
        let started = std::cell::Cell::new(None);
        let place = match run_once(&common, &args, &started, console) {
            Ok(place) => {
                crate::refactor::pass::print_document(&common, &args.fix, &place, console)?;
                place
            }
            // A save that breaks the build ends that run, not the watch: the next may mend it,
            // even while this one was failing (this run's sources, and it kept nothing).
            Err(err) if args.watch && err.is::<BaselineFailed>() && last.is_some() => {
                console.error(&format!("{err:#}"));
                let place = last.take().expect("a place to watch");
                Place {
                    started: started.take(),
                    run: None,
                    ..place
                }
            }
            Err(err) => return Err(err),
        };
        if !args.watch {
            return Ok(());
        }
        wait_for_change(&place, worktree.as_ref(), console)?;
        last = Some(place);
    }
}

/// Waits for the next change to the sources the run at `place` analysed (in the checkout,
/// for a run in a `--branch` worktree), and says which files changed.
fn wait_for_change(
    place: &Place,
    worktree: Option<&crate::refactor::worktree::Worktree>,
    console: &Console,
) -> anyhow::Result<()> {
    let (root, mut ignored, allow_dirty) = match worktree {
        // Edits in the checkout are not the worktree's to fight: its commits are followed.
        Some(worktree) => (
            worktree.checkout().to_path_buf(),
            vec![worktree.path.clone()],
            true,
        ),
        None => (place.root.clone(), Vec::new(), place.allow_dirty),
    };
    ignored.extend(place.output.iter().cloned());
    let began = place.started.as_ref().filter(|_| worktree.is_none());
    let kept = match began {
        Some(_) => kept_files(place)?,
        None => Vec::new(),
    };
    let since = began.map(|began| (began, kept.as_slice()));
    let changed =
        crate::refactor::watch::next_change(&root, &ignored, allow_dirty, since, console)?;
    let names: Vec<String> = changed
        .iter()
        .map(|path| {
            path.strip_prefix(&root)
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect();
    console.status("Changed", &names.join(", "));
    Ok(())
}

/// The files of the workspace at `place` that its run's kept refactors wrote.
fn kept_files(place: &Place) -> anyhow::Result<Vec<PathBuf>> {
    let records = crate::record::audit::read(&place.out_dir)?;
    let mine = || (records.iter()).filter(|r| place.run.as_deref() == Some(r.run.as_str()));
    let kept: HashSet<&str> = mine()
        .filter_map(|r| match &r.event {
            Event::Decision {
                candidate,
                outcome: Outcome::Kept,
                ..
            } => Some(candidate.as_str()),
            _ => None,
        })
        .collect();
    Ok(mine()
        .filter_map(|r| match &r.event {
            Event::Edit {
                at,
                files: Some(files),
                ..
            } if kept.contains(at.candidate.as_str()) => Some(files),
            _ => None,
        })
        .flatten()
        .map(|file| place.root.join(file))
        .collect())
}

/// One run: passes until a stopping rule fires. With `--watch`, `started` holds the sources
/// as the run found them, whatever its end.
fn run_once(
    common: &CommonArgs,
    args: &RunArgs,
    started: &std::cell::Cell<Option<crate::refactor::watch::Sources>>,
    console: &Console,
) -> anyhow::Result<crate::refactor::session::Place> {
    let fix = &args.fix;
    let start = Instant::now();
    // A goal the tree already meets is known from the scan: no build runs.
    let choose = |from: &Choosing| {
        if args.watch {
            let (root, ours) = (&from.place.root, &from.place.output);
            started.set(Some(crate::refactor::watch::Sources::take(root, ours)));
        }
        let target = rules(args, from.settings).target_score;
        if let Some(target) = target.filter(|&t| from.scores.total() <= t) {
            return Ok(Chosen::Done(format!(
                "target score reached before any pass: {:.1} <= {target} (--target-score)",
                from.scores.total()
            )));
        }
        let wanted = crate::refactor::select::choose(from.findings, from.args, usize::MAX)?;
        Ok(Chosen::Try(untried(&wanted, from.memory, None, from.max)))
    };
    let mut place = crate::refactor::session::session(
        common,
        fix,
        console,
        "run",
        choose,
        |pass, baseline, chosen| {
            let rules = rules(args, pass.settings);
            pass.deadline = rules.time_limit.map(|limit| start + limit);
            // `--finding` names findings of the first scan; later passes keep to those.
            let named: Option<HashSet<u64>> = (!fix.pipeline.choice.finding.is_empty())
                .then(|| chosen.iter().map(|f| f.fingerprint).collect());
            passes(pass, baseline, chosen, &rules, named.as_ref(), start)
        },
    )?;
    place.started = started.take();
    Ok(place)
}

/// The stopping rules of `args`, with configuration's where the flags set none.
fn rules(args: &RunArgs, settings: &Settings) -> Rules {
    let (limits, goals) = &settings.loop_config;
    let limits = args.limits.clone().or(limits.clone()).resolve();
    let goals = args.goals.clone().or(goals.clone()).resolve();
    Rules {
        max_passes: limits.max_passes.max(1),
        stall: limits.stall.max(1),
        time_limit: goals.time_limit.map(std::time::Duration::from_secs),
        target_score: goals.target_score,
    }
}

/// Runs passes until a rule stops them; returns why.
fn passes(
    pass: &mut Pass,
    baseline: &mut Baseline,
    mut chosen: Vec<Finding>,
    rules: &Rules,
    named: Option<&HashSet<u64>>,
    start: Instant,
) -> anyhow::Result<String> {
    let mut stalled = 0;
    for number in 1.. {
        let mark = pass.run_pass(number, &chosen, baseline)?;
        let kept = pass.counts.kept - mark.counts.kept;
        let improved = kept > 0 && baseline.scores.improves_on(mark.scores);
        stalled = if improved { 0 } else { stalled + 1 };
        chosen = next(pass, baseline, named);
        let stop = stop_rule(
            pass,
            baseline.scores,
            rules,
            (number, stalled, mark.decided),
            &chosen,
            start,
        );
        pass.end_pass(&mark, baseline.scores, stop.as_deref())?;
        if let Some(reason) = stop {
            return Ok(reason);
        }
    }
    unreachable!("the passes end with a stopping rule")
}

/// The first rule that stops the loop after pass `number`, if one does.
fn stop_rule(
    pass: &Pass,
    scores: Scores,
    rules: &Rules,
    (number, stalled, decided_before): (u32, u32, usize),
    next: &[Finding],
    start: Instant,
) -> Option<String> {
    if let Some(budget) = &pass.stop {
        return Some(budget.clone());
    }
    let decided = &pass.decided[decided_before..];
    if !decided.is_empty() && decided.iter().all(|d| d.stuck) {
        return Some(
            "stuck: the agent proposed again what was refused, or failed the same way twice, \
             on every candidate of the pass"
                .to_owned(),
        );
    }
    if let Some(target) = rules.target_score {
        if scores.total() <= target {
            return Some(format!(
                "target score reached: {:.1} <= {target} (--target-score)",
                scores.total()
            ));
        }
    }
    if number >= rules.max_passes {
        return Some(format!(
            "{number} passes done (--max-passes {})",
            rules.max_passes
        ));
    }
    if let Some(limit) = rules.time_limit {
        if start.elapsed() >= limit {
            return Some(format!(
                "time limit reached (--time-limit {})",
                limit.as_secs()
            ));
        }
    }
    if stalled >= rules.stall {
        return Some(format!(
            "stalled: {stalled} passes in a row kept nothing or lowered no score (--stall {})",
            rules.stall
        ));
    }
    if next.is_empty() {
        return Some(
            "nothing left to try: every finding was tried, or its code is unchanged since it was"
                .to_owned(),
        );
    }
    None
}

/// The next pass's candidates: the current findings of the kinds (and shard) asked for, not
/// decided in this run, not tried before with the code they have now.
fn next(pass: &Pass, baseline: &Baseline, named: Option<&HashSet<u64>>) -> Vec<Finding> {
    let wanted: Vec<Finding> = baseline
        .findings
        .iter()
        .filter(|f| named.is_none_or(|named| named.contains(&f.fingerprint)))
        .filter(|f| crate::refactor::select::wanted(f, pass.args))
        .cloned()
        .collect();
    let decided: HashSet<u64> = pass.decided.iter().map(|d| d.finding).collect();
    untried(
        &wanted,
        &pass.memory,
        Some(&decided),
        pass.settings.max_candidates,
    )
}

/// At most `max` of `findings` that memory has no rejection for (with their code as it is
/// now) and that this run has not decided.
fn untried(
    findings: &[Finding],
    memory: &Memory,
    decided: Option<&HashSet<u64>>,
    max: usize,
) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| decided.is_none_or(|d| !d.contains(&f.fingerprint)))
        .filter(|f| memory.tried(f).is_none())
        .take(max)
        .cloned()
        .collect()
}
