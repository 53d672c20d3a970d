//! The loop history, read from the audit trail's records (never from console text): for each
//! run, the score per pass as a chart, the passes with their tokens and cost, every candidate
//! with its outcome, step and reason, and the diff of each refactor kept or held.

use std::collections::HashMap;
use std::fmt::Write;

use super::chart;
use super::diff::write_patch;
use super::markup::{escape, number, slug};
use crate::record::event::{Counts, Event, Outcome, Record, Scores, Step};
use crate::record::out_dir::OutDir;

/// Lines of one refactor's diff shown.
const PATCH_LINES: usize = 400;

/// One run of the audit trail, as the page shows it.
#[derive(Default)]
struct Run<'r> {
    id: &'r str,
    command: &'r str,
    agent: &'r str,
    started: &'r str,
    stop: Option<&'r str>,
    passes: Vec<Pass<'r>>,
    candidates: Vec<Candidate<'r>>,
}

/// A pass's summary record.
struct Pass<'r> {
    number: u32,
    counts: Counts,
    before: Scores,
    after: Scores,
    tokens: u64,
    cost_usd: f64,
    seconds: f64,
    reason: &'r str,
}

#[derive(Default)]
struct Candidate<'r> {
    pass: u32,
    id: &'r str,
    finding: &'r str,
    title: &'r str,
    skipped: Option<&'r str>,
    decision: Option<(Outcome, Step, &'r str)>,
    attempts: u32,
    /// Agent calls, the tokens they used and what they cost.
    calls: u32,
    tokens: u64,
    cost_usd: f64,
    /// The patch of its last parsed answer, relative to the out dir.
    patch: Option<&'r str>,
}

/// The runs of the trail that worked on candidates, in order.
fn runs(records: &[Record]) -> Vec<Run<'_>> {
    let mut runs: Vec<Run> = Vec::new();
    let mut pass_of: HashMap<&str, u32> = HashMap::new();
    for record in records {
        let index = match runs.iter().position(|r| r.id == record.run) {
            Some(index) => index,
            None => {
                runs.push(Run {
                    id: &record.run,
                    started: &record.ts,
                    ..Run::default()
                });
                runs.len() - 1
            }
        };
        let pass = pass_of.entry(&record.run).or_insert(1);
        add(&mut runs[index], pass, &record.event);
    }
    runs.retain(|r| !r.candidates.is_empty() || !r.passes.is_empty());
    runs
}

/// Adds one event to its run; `pass` is the run's current pass.
fn add<'r>(run: &mut Run<'r>, pass: &mut u32, event: &'r Event) {
    let candidate = |run: &mut Run<'r>, id: &str| -> Option<usize> {
        run.candidates.iter().rposition(|c| c.id == id)
    };
    match event {
        Event::RunStart { command, agent, .. } => {
            run.command = command;
            run.agent = agent.as_deref().unwrap_or("");
        }
        Event::PassStart { pass: p, .. } => *pass = *p,
        Event::Finding {
            candidate,
            finding,
            title,
            skipped,
            ..
        } => run.candidates.push(Candidate {
            pass: *pass,
            id: candidate,
            finding,
            title: title.as_deref().unwrap_or(""),
            skipped: skipped.as_deref(),
            ..Candidate::default()
        }),
        Event::Response { at, call, .. } => {
            if let Some(c) = candidate(run, &at.candidate) {
                let c = &mut run.candidates[c];
                c.attempts = c.attempts.max(at.attempt);
                c.calls += 1;
                c.tokens += call.tokens.total();
                c.cost_usd += call.cost_usd.unwrap_or(0.0);
            }
        }
        Event::Edit {
            at,
            ok: true,
            patch: Some(patch),
            ..
        } => {
            if let Some(c) = candidate(run, &at.candidate) {
                run.candidates[c].patch = Some(patch);
            }
        }
        Event::Decision {
            candidate: id,
            outcome,
            step,
            reason,
            ..
        } => {
            if let Some(c) = candidate(run, id) {
                run.candidates[c].decision = Some((*outcome, *step, reason));
            }
        }
        Event::PassEnd {
            pass,
            counts,
            before,
            after,
            tokens,
            cost_usd,
            seconds,
            reason,
            ..
        } => run.passes.push(Pass {
            number: *pass,
            counts: *counts,
            before: *before,
            after: *after,
            tokens: *tokens,
            cost_usd: *cost_usd,
            seconds: *seconds,
            reason,
        }),
        Event::Stop { reason, .. } => run.stop = Some(reason),
        _ => {}
    }
}

/// Writes the `#history` section from the records of `out`'s audit trail.
pub fn write(out: &mut String, records: &[Record], dir: &OutDir) {
    let runs = runs(records);
    let _ = write!(
        out,
        "<section id=\"history\"><h2>Loop history <span class=\"count\">{}</span></h2>",
        runs.len()
    );
    if runs.is_empty() {
        out.push_str(
            "<p class=\"empty\">No refactor runs in the audit trail yet: <code>cargo loop \
             run</code> or <code>cargo loop fix</code> records them.</p></section>",
        );
        return;
    }
    // The newest run first, open.
    for (k, run) in runs.iter().rev().enumerate() {
        write_run(out, run, dir, k == 0);
    }
    out.push_str("</section>");
}

fn write_run(out: &mut String, run: &Run, dir: &OutDir, open: bool) {
    let counts = run.candidates.iter().filter_map(|c| c.decision).fold(
        Counts::default(),
        |mut counts, (outcome, ..)| {
            counts.add(outcome);
            counts
        },
    );
    let agent = if run.agent.is_empty() {
        String::new()
    } else {
        format!(" with <code>{}</code>", escape(run.agent))
    };
    let _ =
        write!(
        out,
        "<details class=\"run\" id=\"run-{}\"{}><summary><b>{}</b>{agent}, {}: {} kept, {} held, \
         {} rejected{}</summary>",
        slug(run.id),
        if open { " open" } else { "" },
        escape(if run.command.is_empty() { "run" } else { run.command }),
        escape(run.started),
        counts.kept,
        counts.held,
        counts.rejected,
        run.stop
            .map(|s| format!("; stopped: {}", escape(s)))
            .unwrap_or_default()
    );
    if run.passes.is_empty() {
        out.push_str("<p class=\"empty\">No pass summaries (a <code>fix</code> is one pass).</p>");
    } else {
        write_chart(out, &run.passes);
        write_passes(out, &run.passes);
    }
    write_spent(out, run);
    write_candidates(out, run);
    write_diffs(out, run, dir);
    out.push_str("</details>");
}

/// The scores per pass as lines over the passes: where the run started, then after each.
fn write_chart(out: &mut String, passes: &[Pass]) {
    let mut points: Vec<(String, Scores)> = vec![("start".into(), passes[0].before)];
    points.extend((passes.iter()).map(|p| (format!("pass {}", p.number), p.after)));
    let line = |score: fn(&Scores) -> f64| points.iter().map(|(_, s)| score(s)).collect();
    chart::write(
        out,
        &chart::LineChart {
            labels: points.iter().map(|(label, _)| label.clone()).collect(),
            series: vec![
                ("total", line(|s| s.total())),
                ("duplication", line(|s| s.duplication)),
                ("smells", line(|s| s.smells)),
            ],
            unit: "per 1,000 lines",
            caption: "score per 1,000 lines of code, lower is better",
        },
    );
}

fn write_passes(out: &mut String, passes: &[Pass]) {
    out.push_str(
        "<table class=\"sortable passes\"><thead><tr><th class=\"num\">pass</th><th \
         class=\"num\">kept</th><th class=\"num\">held</th><th class=\"num\">rejected</th><th \
         class=\"num\">duplication</th><th class=\"num\">smells</th><th class=\"num\">tokens\
         </th><th class=\"num\">cost (USD)</th><th class=\"num\">seconds</th><th>decision</th>\
         </tr></thead><tbody>",
    );
    for p in passes {
        let _ = write!(
            out,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td \
             class=\"num\">{}</td><td class=\"num\" data-v=\"{}\">{:.1} → {:.1}</td><td \
             class=\"num\" data-v=\"{}\">{:.1} → {:.1}</td><td class=\"num\">{}</td><td \
             class=\"num\" data-v=\"{}\">{:.4}</td><td class=\"num\">{:.1}</td><td>{}</td></tr>",
            p.number,
            p.counts.kept,
            p.counts.held,
            p.counts.rejected,
            p.after.duplication,
            p.before.duplication,
            p.after.duplication,
            p.after.smells,
            p.before.smells,
            p.after.smells,
            p.tokens,
            p.cost_usd,
            p.cost_usd,
            p.seconds,
            escape(p.reason)
        );
    }
    out.push_str("</tbody></table>");
}

/// What the run's agent calls cost, all passes together.
fn write_spent(out: &mut String, run: &Run) {
    let calls: u32 = run.candidates.iter().map(|c| c.calls).sum();
    let tokens: u64 = run.candidates.iter().map(|c| c.tokens).sum();
    let cost: f64 = run.candidates.iter().map(|c| c.cost_usd).sum();
    let _ = write!(
        out,
        "<p class=\"spent\">{} candidates, {calls} agent calls, {tokens} tokens, ${cost:.4}</p>",
        run.candidates.len()
    );
}

fn write_candidates(out: &mut String, run: &Run) {
    out.push_str(
        "<table class=\"sortable candidates\"><thead><tr><th class=\"num\">pass</th><th>\
         candidate</th><th>finding</th><th>outcome</th><th>step</th><th>reason</th><th \
         class=\"num\">attempts</th><th class=\"num\">tokens</th><th class=\"num\">cost (USD)\
         </th><th>diff</th></tr></thead><tbody>",
    );
    for c in &run.candidates {
        let (outcome, step, reason) = match (c.decision, c.skipped) {
            (Some((outcome, step, reason)), _) => (outcome.as_str(), step.as_str(), reason),
            (None, Some(why)) => ("skipped", "", why),
            (None, None) => ("undecided", "", ""),
        };
        let diff = if c.patch.is_some() && matches!(outcome, "kept" | "held") {
            format!("<a href=\"#diff-{}-{}\">diff</a>", slug(run.id), slug(c.id))
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<tr class=\"{outcome}\"><td class=\"num\">{}</td><td>{}</td><td><b>{}</b> {}</td>\
             <td class=\"outcome\">{outcome}</td><td>{step}</td><td class=\"msg\">{}</td><td \
             class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{diff}\
             </td></tr>",
            c.pass,
            escape(c.id),
            escape(c.finding),
            escape(c.title),
            escape(reason),
            c.attempts,
            c.tokens,
            number(c.cost_usd)
        );
    }
    out.push_str("</tbody></table>");
}

/// The diff of every refactor kept or held, from the patch its candidate folder holds.
fn write_diffs(out: &mut String, run: &Run, dir: &OutDir) {
    for c in &run.candidates {
        let (Some((outcome @ (Outcome::Kept | Outcome::Held), ..)), Some(patch)) =
            (c.decision, c.patch)
        else {
            continue;
        };
        let text = std::fs::read_to_string(dir.path().join(patch))
            .unwrap_or_else(|err| format!("(the patch {patch} cannot be read: {err})"));
        let _ = write!(
            out,
            "<details class=\"refactor\" id=\"diff-{}-{}\"><summary>{} ({}) {}: {}</summary>",
            slug(run.id),
            slug(c.id),
            escape(c.id),
            escape(c.finding),
            outcome.as_str(),
            escape(c.title)
        );
        write_patch(out, &text, PATCH_LINES);
        out.push_str("</details>");
    }
}
