//! `cargo loop fix`: one improvement pass. Scan, choose findings, and for each one ask the
//! agent, parse its answer, guard, verify in the scratch copy, and keep, hold or reject, with
//! every step in the audit trail.

use std::path::{Path, PathBuf};

use std::io::Write;

use anyhow::Context;

use crate::analysis::What;
use crate::cli::{CommonArgs, FindingKinds, FixArgs};
use crate::console::Console;
use crate::record::audit::Audit;
use crate::record::event::{At, Counts, Event, Outcome, Step};
use crate::record::out_dir::OutDir;
use crate::refactor::agents;
use crate::refactor::agents::exchange::{Reply, Request};
use crate::refactor::budget::Budget;
use crate::refactor::change::FileChange;
use crate::refactor::finding::{self, Finding};
use crate::refactor::guard;
use crate::refactor::prompt::{Feedback, Prompt};
use crate::refactor::proposal::{self, Proposal};
use crate::refactor::reviewer::{self, Opinion};
use crate::refactor::settings::Settings;
use crate::refactor::verify::{self, Baseline, Verdict, Verifier};

/// Runs one pass. Ctrl-C ends it with [`crate::process::Interrupted`] as the error, once the
/// scratch copy is restored and the stop recorded.
pub fn fix(common: &CommonArgs, args: &FixArgs, console: &Console) -> anyhow::Result<()> {
    let what = What {
        dup: args.findings != Some(FindingKinds::Smells),
        smells: args.findings != Some(FindingKinds::Dup),
    };
    let analysis = crate::analysis::analyse(common, &args.analysis, console, what)?;
    if args.show_prompts {
        return show_prompts(&analysis, args);
    }
    let mut settings = Settings::resolve(args, &analysis.config)?;
    let budget = std::mem::take(&mut settings.budget);
    let root = analysis.report.root.clone();
    let out_dir = analysis.out_dir.clone();
    let _lock = crate::record::lock::OutDirLock::acquire(&out_dir, args.verify.no_wait, console)?;
    // A run killed while writing left temporary files in the tree: not the user's changes.
    crate::refactor::keep::recover(&out_dir.keep_journal())?;
    crate::refactor::preflight::check(
        &root,
        &args.verify,
        settings.verify.sandbox,
        args.dry_run,
        console,
    )?;
    let chosen = crate::refactor::select::choose(
        &finding::findings(&analysis.report),
        args,
        settings.max_candidates,
    )?;
    let mut audit = Audit::open(&out_dir, console)?;
    audit.emit(run_start(&settings, &root, &chosen, args.dry_run))?;
    if chosen.is_empty() {
        audit.emit(Event::Stop {
            reason: "nothing to fix: the scan found nothing to work on".into(),
            counts: None,
        })?;
        return Ok(());
    }
    let scratch = crate::refactor::preflight::open_scratch(
        &root,
        &out_dir,
        &analysis.target_dir,
        0,
        console,
    )?;
    let mut verifier = Verifier {
        scratch,
        common,
        analysis: &args.analysis,
        what,
        test_cmd: settings.verify.test_cmd.as_deref(),
        build_timeout: settings.verify.build_timeout,
        test_timeout: settings.verify.test_timeout,
    };
    let mut baseline = verify_baseline(&verifier, &mut audit, console)?;
    let mut pass = Pass {
        root: &root,
        out_dir: &out_dir,
        skip: [analysis.target_dir.clone(), out_dir.path().to_path_buf()],
        crate_deps: library_deps(&analysis.crate_deps),
        settings: &settings,
        args,
        verifier: &mut verifier,
        audit: &mut audit,
        counts: Counts::default(),
        budget,
        stop: None,
    };
    // `fix` is one pass; `run` will repeat them.
    let end = pass.run(&chosen, &mut baseline);
    pass.finish(end, console)
}

/// `--show-prompts`: the prompt of every chosen finding on stdout, as text or JSON.
fn show_prompts(analysis: &crate::analysis::Analysis, args: &FixArgs) -> anyhow::Result<()> {
    let config = &analysis.config;
    let limits = args.agent_limits.clone().or(config.agent_limits.clone());
    let selection = args.selection.clone().or(config.selection.clone());
    let chosen = crate::refactor::select::choose(
        &finding::findings(&analysis.report),
        args,
        selection.resolve().max_candidates,
    )?;
    let root = &analysis.report.root;
    let context_tokens = limits.resolve().context_tokens;
    let prompts = chosen.iter().map(|finding| {
        let prompt = crate::refactor::prompt::build(root, finding, None, context_tokens);
        (finding, prompt)
    });
    let mut out = std::io::stdout().lock();
    if analysis.options.format == crate::options::Format::Json {
        let list: Vec<serde_json::Value> = prompts
            .map(|(finding, prompt)| {
                serde_json::json!({
                    "finding": finding.id,
                    "tokens": prompt.tokens,
                    "bytes": prompt.stable.len() + prompt.task.len(),
                    "cut": prompt.cut,
                    "prompt": prompt.text(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else {
        for (finding, prompt) in prompts {
            let cut = prompt.cut.len();
            writeln!(
                out,
                "=== {} (about {} tokens, {cut} cut) ===\n{}",
                finding.id,
                prompt.tokens,
                prompt.text()
            )?;
        }
    }
    Ok(())
}

/// The record a `fix` run starts with.
fn run_start(settings: &Settings, root: &Path, chosen: &[Finding], dry_run: bool) -> Event {
    Event::RunStart {
        command: "fix".into(),
        agent: Some(settings.agent.to_string()),
        root: Some(root.to_path_buf()),
        sandbox: Some(crate::sandbox::active()),
        findings: Some(chosen.iter().map(|f| f.id.clone()).collect()),
        dry_run: Some(dry_run),
        held: None,
        finding: None,
    }
}

/// (crate, crate it depends on) among workspace members, by library name, tests aside.
fn library_deps(deps: &[crate::analysis::workspace::CrateDep]) -> Vec<(String, String)> {
    deps.iter()
        .filter(|dep| !dep.dev)
        .map(|dep| (dep.from.replace('-', "_"), dep.to.replace('-', "_")))
        .collect()
}

/// Why a run stopped, as its stop record says it.
fn stop_reason(end: &anyhow::Result<()>, done: &str) -> String {
    match end {
        Ok(()) => done.to_owned(),
        Err(err) if err.is::<crate::process::Interrupted>() => "interrupted".to_owned(),
        Err(err) => format!("failed: {err:#}"),
    }
}

/// Verifies the unmodified copy; a failure (or an interruption) is the run's recorded end.
fn verify_baseline(
    verifier: &Verifier,
    audit: &mut Audit,
    console: &Console,
) -> anyhow::Result<Baseline> {
    console.status("Verifying", "the unmodified workspace (baseline)");
    let dir = audit.candidate_dir("baseline");
    verifier.baseline(audit, &dir).or_else(|err| {
        let reason = if err.is::<crate::process::Interrupted>() {
            "interrupted".to_owned()
        } else {
            format!("baseline failed: {err:#}")
        };
        audit.emit(Event::Stop {
            reason,
            counts: None,
        })?;
        Err(err)
    })
}

struct Pass<'a, 'b> {
    root: &'a Path,
    out_dir: &'a OutDir,
    /// Never copied into an `exec:` agent's copy: the target dir and the out dir.
    skip: [PathBuf; 2],
    /// (crate, crate it depends on) among workspace members, by library name.
    crate_deps: Vec<(String, String)>,
    settings: &'a Settings,
    args: &'a FixArgs,
    verifier: &'a mut Verifier<'b>,
    audit: &'a mut Audit,
    counts: Counts,
    /// What the run may still spend.
    budget: Budget,
    /// Why the pass must stop before its last candidate (a budget ran out).
    stop: Option<String>,
}

impl Pass<'_, '_> {
    /// Ends the run: what it spent, and the stop record with why it ended.
    fn finish(self, end: anyhow::Result<()>, console: &Console) -> anyhow::Result<()> {
        let (tokens, usd) = self.budget.spent();
        if tokens > 0 {
            let cost = if usd > 0.0 {
                format!(" (${usd:.4})")
            } else {
                String::new()
            };
            console.status("Spent", &format!("{tokens} tokens{cost} on agent calls"));
        }
        let done = self
            .stop
            .unwrap_or_else(|| "every chosen finding was tried".to_owned());
        self.audit.emit(Event::Stop {
            reason: stop_reason(&end, &done),
            counts: Some(self.counts),
        })?;
        end
    }

    /// Tries every chosen finding in turn, until done or interrupted.
    fn run(&mut self, chosen: &[Finding], baseline: &mut Baseline) -> anyhow::Result<()> {
        self.audit.emit(Event::PassStart {
            pass: 1,
            candidates: Some(chosen.len()),
        })?;
        for (n, finding) in chosen.iter().enumerate() {
            if crate::process::interrupted() {
                return Err(crate::process::Interrupted.into());
            }
            self.candidate(&format!("c{}", n + 1), finding, baseline)?;
            if self.stop.is_some() {
                break;
            }
        }
        Ok(())
    }

    fn candidate(
        &mut self,
        candidate: &str,
        finding: &Finding,
        baseline: &mut Baseline,
    ) -> anyhow::Result<()> {
        // An earlier kept refactor may have moved or removed this finding.
        let Some(finding) = baseline
            .findings
            .iter()
            .find(|f| f.fingerprint == finding.fingerprint)
            .cloned()
        else {
            self.audit.emit(Event::Finding {
                candidate: candidate.into(),
                finding: finding.id.clone(),
                fingerprint: None,
                title: None,
                skipped: Some("an earlier refactor removed it".into()),
            })?;
            return Ok(());
        };
        self.audit.emit(Event::Finding {
            candidate: candidate.into(),
            finding: finding.id.clone(),
            fingerprint: Some(format!("{:016x}", finding.fingerprint)),
            title: Some(finding.title.clone()),
            skipped: None,
        })?;
        let candidate_dir = self.audit.candidate_dir(candidate);
        // The attempt refused last, and why.
        let mut refused: Option<(u32, String)> = None;
        for attempt in 1..=self.settings.attempts {
            let dir = verify::step_dir(&candidate_dir, attempt);
            let last = attempt == self.settings.attempts;
            let patch = refused.as_ref().and_then(|(n, _)| {
                std::fs::read_to_string(verify::step_dir(&candidate_dir, *n).join("patch.diff"))
                    .ok()
            });
            let feedback = refused.as_ref().map(|(n, errors)| Feedback {
                attempt: *n,
                errors,
                patch: patch.as_deref(),
            });
            match self.attempt(
                candidate,
                attempt,
                &finding,
                feedback.as_ref(),
                &dir,
                baseline,
            )? {
                Attempt::Decided => return Ok(()),
                Attempt::Retry {
                    step,
                    reason,
                    feedback: next,
                } => {
                    if last {
                        return self.decide(
                            candidate,
                            &finding.id,
                            Outcome::Rejected,
                            step,
                            &reason,
                        );
                    }
                    self.audit.emit(Event::Retry {
                        at: At {
                            candidate: candidate.into(),
                            attempt,
                        },
                        step,
                        reason,
                    })?;
                    refused = Some((attempt, next));
                }
            }
        }
        Ok(())
    }

    fn attempt(
        &mut self,
        candidate: &str,
        attempt: u32,
        finding: &Finding,
        feedback: Option<&Feedback>,
        dir: &Path,
        baseline: &mut Baseline,
    ) -> anyhow::Result<Attempt> {
        let at = At {
            candidate: candidate.into(),
            attempt,
        };
        let Some(reply) = self.ask(&at, finding, feedback, dir)? else {
            let reason = self.stop.clone().unwrap_or_default();
            self.decide(
                candidate,
                &finding.id,
                Outcome::Rejected,
                Step::Agent,
                &reason,
            )?;
            return Ok(Attempt::Decided);
        };
        let ctx = proposal::Context {
            at: &at,
            dir,
            root: self.root,
            guard: &self.settings.guard,
        };
        let Proposal { changes, summary } = match proposal::changes_of(reply, &ctx, self.audit)? {
            Ok(proposal) => proposal,
            Err(rejected) if rejected.no_answer => {
                let reason = &rejected.reason;
                self.decide(
                    candidate,
                    &finding.id,
                    Outcome::Rejected,
                    rejected.step,
                    reason,
                )?;
                return Ok(Attempt::Decided);
            }
            Err(rejected) => return Ok(Attempt::retry(rejected.step, rejected.reason)),
        };
        self.record_patch(&at, &changes, dir)?;
        let (verdict, tests, verified) = self
            .verifier
            .candidate(baseline, finding, &changes, self.audit, candidate, dir)?;
        if verified != changes {
            // The compiler's own fixes completed it: the patch is what was verified.
            let patch = crate::refactor::patch::unified(&verified);
            crate::secrets::write(&dir.join("patch.diff"), &patch)?;
        }
        let changes = verified;
        match verdict {
            Verdict::Rejected {
                step,
                reason,
                feedback,
            } => Ok(Attempt::Retry {
                step,
                reason,
                feedback,
            }),
            Verdict::Passed => {
                if let Some(veto) = self.second_opinion(&at, finding, &changes, dir)? {
                    self.decide(
                        candidate,
                        &finding.id,
                        Outcome::Rejected,
                        Step::Review,
                        &veto,
                    )?;
                    return Ok(Attempt::Decided);
                }
                let verified = Verified {
                    changes: &changes,
                    summary: summary.as_deref(),
                    dir,
                    tests,
                };
                self.keep(candidate, finding, verified, baseline)?;
                Ok(Attempt::Decided)
            }
        }
    }

    /// Writes the proposal's patch and records the parsed edit.
    fn record_patch(&mut self, at: &At, changes: &[FileChange], dir: &Path) -> anyhow::Result<()> {
        let patch = dir.join("patch.diff");
        crate::secrets::write(&patch, &crate::refactor::patch::unified(changes))?;
        let files: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
        let patch = self.audit.rel(&patch);
        self.audit.emit(Event::Edit {
            at: at.clone(),
            ok: true,
            files: Some(files),
            patch: Some(patch),
            reason: None,
        })
    }

    /// Builds the prompt and calls the agent (see [`Pass::call`]).
    fn ask(
        &mut self,
        at: &At,
        finding: &Finding,
        feedback: Option<&Feedback>,
        dir: &Path,
    ) -> anyhow::Result<Option<Reply>> {
        let prompt = crate::refactor::prompt::build(
            self.root,
            finding,
            feedback,
            self.settings.context_tokens,
        );
        let agent = &self.settings.agent;
        self.call(agent, at, finding, &prompt, dir)
    }

    /// Writes `prompt` in `dir`, records it, and calls `agent` with it if the budgets allow
    /// the call; if not, the pass stops (`self.stop` says why) and there is no reply.
    fn call(
        &mut self,
        agent: &agents::AgentSpec,
        at: &At,
        finding: &Finding,
        prompt: &Prompt,
        dir: &Path,
    ) -> anyhow::Result<Option<Reply>> {
        let file = dir.join("prompt.md");
        let text = prompt.text();
        crate::secrets::write(&file, &text)?;
        self.audit.emit(Event::Prompt {
            at: at.clone(),
            bytes: text.len(),
            hash: proposal::hash(&text),
            file: self.audit.rel(&file),
            tokens: prompt.tokens,
            cut: prompt.cut.clone(),
        })?;
        if *agent != agents::AgentSpec::Builtin {
            if let Err(why) = self.budget.admit(prompt.tokens as u64) {
                self.stop = Some(why);
                return Ok(None);
            }
        }
        let request = Request {
            stable: &prompt.stable,
            task: &prompt.task,
            dir,
            timeout: self.settings.agent_timeout,
            root: self.root,
            skip: &self.skip,
            max_output: self.settings.max_agent_output,
            max_retries: self.settings.max_retries,
            finding,
            crate_deps: &self.crate_deps,
        };
        let mut reply = agents::call(agent, &request);
        self.budget.charge(&mut reply.call);
        Ok(Some(reply))
    }

    /// The reviewer's veto of a verified change, if there is a reviewer and it vetoes.
    fn second_opinion(
        &mut self,
        at: &At,
        finding: &Finding,
        changes: &[FileChange],
        dir: &Path,
    ) -> anyhow::Result<Option<String>> {
        let Some(reviewer) = &self.settings.reviewer else {
            return Ok(None);
        };
        let opinion = if *reviewer == agents::AgentSpec::Builtin {
            reviewer::builtin(changes)
        } else {
            let dir = dir.join("review");
            std::fs::create_dir_all(&dir).context("create the review folder")?;
            let prompt = reviewer::prompt(finding, &crate::refactor::patch::unified(changes));
            match self.call(reviewer, at, finding, &prompt, &dir)? {
                None => Opinion::Veto(format!(
                    "not reviewed: {}",
                    self.stop.clone().unwrap_or_default()
                )),
                Some(reply) => match proposal::record(reply, at, &dir, self.audit)?.answer {
                    Ok(answer) => reviewer::read(&answer),
                    Err(err) => Opinion::Veto(format!("the reviewer failed: {err}")),
                },
            }
        };
        let reason = match &opinion {
            Opinion::Approve => None,
            Opinion::Veto(why) => Some(why.clone()),
        };
        self.audit.emit(Event::Review {
            candidate: at.candidate.clone(),
            reviewer: reviewer.to_string(),
            approved: reason.is_none(),
            reason: reason.clone(),
        })?;
        Ok(reason.map(|why| format!("vetoed by the reviewer ({reviewer}): {why}")))
    }

    /// A verified candidate: held for review, kept as a patch (`--dry-run`), or written.
    fn keep(
        &mut self,
        candidate: &str,
        finding: &Finding,
        verified: Verified,
        baseline: &mut Baseline,
    ) -> anyhow::Result<()> {
        let Verified {
            changes,
            summary,
            dir,
            tests,
        } = verified;
        let reasons = guard::sensitive(changes);
        if !reasons.is_empty() && !self.args.allow_sensitive {
            let id = crate::refactor::review::hold(
                self.out_dir,
                &self.audit.run,
                candidate,
                finding,
                changes,
                &reasons,
            )?;
            let reason = format!(
                "verified, held for review as {id} because {}",
                reasons.join(" and ")
            );
            return self.decide(candidate, &finding.id, Outcome::Held, Step::Review, &reason);
        }
        if self.args.dry_run {
            let reason = format!(
                "verified; --dry-run kept the patch only ({})",
                dir.join("patch.diff").display()
            );
            return self.decide(
                candidate,
                &finding.id,
                Outcome::Kept,
                Step::Analysis,
                &reason,
            );
        }
        if let Err(err) =
            crate::refactor::keep::apply(self.root, changes, &self.out_dir.keep_journal())
        {
            return self.decide(
                candidate,
                &finding.id,
                Outcome::Rejected,
                Step::Analysis,
                &format!("{err:#}"),
            );
        }
        // Written: the decision is recorded before anything else can fail.
        self.decide(
            candidate,
            &finding.id,
            Outcome::Kept,
            Step::Analysis,
            "verified and written to the working tree",
        )?;
        // A failure from here on is the run's recorded end (its stop record says so).
        self.after_write(finding, changes, summary, tests, baseline)
            .with_context(|| format!("{candidate} was written, then"))
    }

    /// What follows a write: the commit, and the kept change made the new baseline.
    fn after_write(
        &mut self,
        finding: &Finding,
        changes: &[FileChange],
        summary: Option<&str>,
        tests: Option<crate::refactor::cargo::TestResults>,
        baseline: &mut Baseline,
    ) -> anyhow::Result<()> {
        if self.args.commit {
            let paths: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
            let message = format!(
                "cargo loop: {} ({})\n\n{}",
                finding.title,
                finding.id,
                summary.unwrap_or(&finding.suggestion)
            );
            crate::refactor::git::commit(self.root, &paths, &message)?;
        }
        // The kept change is the new baseline: the next candidate starts from it.
        self.verifier.scratch_sync()?;
        if let Some(tests) = tests {
            baseline.tests = tests;
        }
        baseline.findings = self.verifier.analyse()?;
        Ok(())
    }

    fn decide(
        &mut self,
        candidate: &str,
        finding: &str,
        outcome: Outcome,
        step: Step,
        reason: &str,
    ) -> anyhow::Result<()> {
        self.counts.add(outcome);
        self.audit.emit(Event::Decision {
            candidate: candidate.into(),
            finding: finding.into(),
            outcome,
            step,
            reason: reason.into(),
        })
    }
}

/// A candidate that passed every gate, with what keeping it needs.
struct Verified<'c> {
    changes: &'c [FileChange],
    /// The agent's words about it, for the commit message.
    summary: Option<&'c str>,
    /// The attempt's folder, where its patch is.
    dir: &'c Path,
    tests: Option<crate::refactor::cargo::TestResults>,
}

enum Attempt {
    Decided,
    Retry {
        step: Step,
        reason: String,
        feedback: String,
    },
}

impl Attempt {
    fn retry(step: Step, reason: impl Into<String>) -> Attempt {
        let reason = reason.into();
        Attempt::Retry {
            step,
            feedback: reason.clone(),
            reason,
        }
    }
}
