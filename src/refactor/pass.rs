//! `cargo loop fix`: one improvement pass. Scan, choose findings, and for each one ask the
//! agent, parse its answer, guard, verify in the scratch copy, and keep, hold or reject, with
//! every step in the audit trail.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use crate::analysis::smells::SmellKind;
use crate::cli::{CommonArgs, FixArgs};
use crate::console::Console;
use crate::record::audit::Audit;
use crate::record::event::{At, Counts, Event, Outcome, Step};
use crate::record::out_dir::OutDir;
use crate::refactor::agents::exchange::{Reply, Request};
use crate::refactor::agents::{self, AgentSpec};
use crate::refactor::budget::Budget;
use crate::refactor::cargo::Suggestion;
use crate::refactor::change::FileChange;
use crate::refactor::finding::{self, Finding};
use crate::refactor::guard;
use crate::refactor::memory::Memory;
use crate::refactor::prompt::{Feedback, Prompt};
use crate::refactor::proposal::{self, Proposal};
use crate::refactor::reviewer::{self, Opinion};
use crate::refactor::roles::{self, Role};
use crate::refactor::score::Scores;
use crate::refactor::session::{Choosing, Chosen};
use crate::refactor::settings::Settings;
use crate::refactor::verify::{self, Baseline, Verdict, Verifier};

/// `cargo loop fix`: one pass over the top findings. Ctrl-C ends it with
/// [`crate::process::Interrupted`] as the error, once the scratch copy is restored and the stop
/// recorded.
pub fn fix(common: &CommonArgs, args: &FixArgs, console: &Console) -> anyhow::Result<()> {
    if args.show_prompts {
        return show_prompts(common, args, console);
    }
    let choose = |from: &Choosing| {
        let chosen = crate::refactor::select::choose(from.findings, from.args, from.max)?;
        Ok(Chosen::Try(chosen))
    };
    crate::refactor::session::session(
        common,
        args,
        console,
        "fix",
        choose,
        |pass, baseline, chosen| {
            // One pass, which ends with its summary record as `run`'s passes do.
            let mark = pass.run_pass(1, &chosen, baseline)?;
            // A budget that ran out ended the pass before its last finding.
            let reason =
                (pass.stop.clone()).unwrap_or_else(|| "every chosen finding was tried".to_owned());
            pass.end_pass(&mark, baseline.scores, Some(&reason))?;
            Ok(reason)
        },
    )
    .and_then(|place| print_document(common, args, &place, console))
}

/// `--format json`: the run's document on stdout; `--format html`: the report page, from a
/// scan of the tree as the run left it and the audit trail.
pub(super) fn print_document(
    common: &CommonArgs,
    args: &FixArgs,
    place: &crate::refactor::session::Place,
    console: &Console,
) -> anyhow::Result<()> {
    match place.format {
        crate::options::Format::Json => {
            let text = crate::refactor::session::run_document(place)?;
            std::io::stdout().write_all(text.as_bytes())?;
        }
        crate::options::Format::Html => {
            crate::reporters::html::scan_and_write(common, &args.analysis, console)?;
        }
        _ => {}
    }
    Ok(())
}

/// `--show-prompts`: the prompt of every chosen finding on stdout, as text or JSON.
pub(super) fn show_prompts(
    common: &CommonArgs,
    args: &FixArgs,
    console: &Console,
) -> anyhow::Result<()> {
    let what = crate::refactor::session::what_of(args);
    let analysis = crate::analysis::analyse(common, &args.analysis, console, what)?;
    let config = &analysis.config;
    let limits = args
        .pipeline
        .agent_limits
        .clone()
        .or(config.agent_limits.clone());
    let selection = args.pipeline.selection.clone().or(config.selection.clone());
    let args = &args.with_config(&analysis.config)?;
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

/// The machinery of passes: the run's settings, audit trail, verifier and budgets, and what
/// its passes decided so far.
pub struct Pass<'a, 'b> {
    pub(super) root: &'a Path,
    pub(super) out_dir: &'a OutDir,
    /// Never copied into an `exec:` agent's copy: the target dir and the out dir.
    pub(super) skip: [PathBuf; 2],
    /// (crate, crate it depends on) among workspace members, by library name.
    pub(super) crate_deps: Vec<(String, String)>,
    pub(super) settings: &'a Settings,
    pub(super) args: &'a FixArgs,
    pub(super) verifier: &'a mut Verifier<'b>,
    pub(super) audit: &'a mut Audit,
    pub(super) counts: Counts,
    /// What the run may still spend.
    pub(super) budget: Budget,
    /// Why the run must stop before its last candidate (a budget ran out).
    pub(super) stop: Option<String>,
    /// What was tried before and not kept, across runs.
    pub(super) memory: Memory,
    /// Every decision of the run, in order, and whether the agent was stuck.
    pub(super) decided: Vec<Decided>,
    /// Candidates named so far (`c1`, `c2`, ... across passes).
    pub(super) named: usize,
    /// Patches rejected in this run, by finding fingerprint, with the step that rejected
    /// each and why: proposing one again is stuck.
    pub(super) rejected_patches: RejectedPatches,
    /// No candidate starts after this (`--time-limit`).
    pub(super) deadline: Option<std::time::Instant>,
    /// `--branch-per-refactor`: where kept refactors go instead of the working tree.
    pub(super) branches: Option<crate::refactor::branch::Branches>,
    /// `--jobs`: the other scratch slots, and what a worker leaves to keep.
    pub(super) jobs: Jobs<'b>,
}

/// What a pass needs for `--jobs` (see [`crate::refactor::jobs`]): the other scratch slots
/// and, in a worker, the verified candidate it leaves for the main thread to keep.
#[derive(Default)]
pub struct Jobs<'b> {
    /// Verifiers of slots 1 to N-1 (slot 0 is the pass's own).
    pub(super) slots: Vec<Verifier<'b>>,
    /// Whether this pass is a worker's: a verified candidate is left in `passed`, not kept.
    pub(super) worker: bool,
    /// A worker's verified candidate: the finding as its scan had it, and the change.
    pub(super) passed: Option<(Finding, Verified)>,
    /// Files that kept refactors of the current batch wrote to the working tree.
    pub(super) written: Vec<String>,
}

/// One decision, as the pass summary counts it.
#[derive(Debug, Clone)]
pub struct Decided {
    pub finding: u64,
    pub role: Role,
    pub outcome: Outcome,
    pub step: Step,
    pub reason: String,
    /// The agent proposed what was refused before, or failed the same way twice.
    pub stuck: bool,
    /// No answer came (a budget ran out, the agent timed out or failed): not a try.
    pub unanswered: bool,
}

impl Pass<'_, '_> {
    /// Ends the run: what it spent, and the stop record with why it ended (`end`: the reason,
    /// or the error that ended it).
    pub(super) fn finish(
        self,
        end: anyhow::Result<String>,
        console: &Console,
    ) -> anyhow::Result<()> {
        let (tokens, usd) = self.budget.spent();
        if tokens > 0 {
            let cost = if usd > 0.0 {
                format!(" (${usd:.4})")
            } else {
                String::new()
            };
            console.status("Spent", &format!("{tokens} tokens{cost} on agent calls"));
        }
        let reason = match (&end, self.stop) {
            (Ok(_), Some(stop)) => stop,
            (Ok(done), None) => done.clone(),
            (Err(err), _) => end_reason(err),
        };
        self.audit.emit(Event::Stop {
            reason,
            counts: Some(self.counts),
        })?;
        end.map(drop)
    }

    /// Remembers across runs the last decision made since `decisions` were made, on `finding`.
    pub(super) fn remember(&mut self, finding: &Finding, decisions: usize) -> anyhow::Result<()> {
        if let Some(last) = self.decided[decisions..].last().filter(|d| !d.unanswered) {
            let decision = (last.outcome, last.step, last.reason.as_str());
            self.memory.remember(finding, decision)?;
        }
        Ok(())
    }

    /// The finding as the current scan has it, recorded as the candidate's; `None` (recorded
    /// as skipped) when an earlier kept refactor moved or removed it.
    fn announce(
        &mut self,
        candidate: &str,
        finding: &Finding,
        baseline: &Baseline,
    ) -> anyhow::Result<Option<Finding>> {
        // Current lines, in the order the copies were chosen in (`ci --suggest` puts the ones
        // a change adds last).
        let current = (baseline.findings.iter())
            .find(|f| f.fingerprint == finding.fingerprint)
            .map(|current| {
                let mut current = current.clone();
                // Its records keep the id the scan printed, though earlier refactors shifted it.
                current.id.clone_from(&finding.id);
                let rank = |l: &crate::refactor::finding::Location| {
                    (finding.locations.iter())
                        .position(|c| c.file == l.file && c.item == l.item)
                        .unwrap_or(usize::MAX)
                };
                current.locations.sort_by_key(rank);
                current
            });
        let role = current.as_ref().filter(|_| !self.settings.roles.is_empty());
        self.audit.emit(Event::Finding {
            candidate: candidate.into(),
            finding: finding.id.clone(),
            fingerprint: current.as_ref().map(|f| format!("{:016x}", f.fingerprint)),
            title: current.as_ref().map(|f| f.title.clone()),
            skipped: current
                .is_none()
                .then(|| "an earlier refactor removed it".into()),
            role: role.map(roles::role_of),
        })?;
        Ok(current)
    }

    /// Attempts for `finding`: the built-in agent answers a finding the same way every time,
    /// so a second attempt would only be refused as stuck, hiding why the first failed.
    fn attempts_for(&self, finding: &Finding) -> u32 {
        if *self.settings.agent_for(roles::role_of(finding)) == AgentSpec::Builtin {
            1
        } else {
            self.settings.attempts
        }
    }

    /// Tries `finding` as `candidate` until it is decided. Interrupted, it is decided
    /// unanswered at the step the interruption stopped (a cargo step's, else the agent's),
    /// and the run ends.
    pub(super) fn candidate(
        &mut self,
        candidate: &str,
        finding: &Finding,
        baseline: &mut Baseline,
    ) -> anyhow::Result<()> {
        let Some(finding) = self.announce(candidate, finding, baseline)? else {
            return Ok(());
        };
        let decisions = self.decided.len();
        match self.attempts(candidate, &finding, baseline) {
            Err(err)
                if err.is::<crate::process::Interrupted>() && self.decided.len() == decisions =>
            {
                let at = err.downcast_ref::<verify::InterruptedAt>();
                let step = at.map_or(Step::Agent, |at| at.0);
                let reason = format!(
                    "interrupted at {} (Ctrl-C or SIGTERM): nothing of it was kept",
                    step.as_str()
                );
                self.decide_unanswered(candidate, &finding, step, &reason)?;
                Err(err)
            }
            tried => tried,
        }
    }

    /// The attempts at `finding` (as the scan has it now) until one decides it.
    fn attempts(
        &mut self,
        candidate: &str,
        finding: &Finding,
        baseline: &mut Baseline,
    ) -> anyhow::Result<()> {
        let candidate_dir = self.audit.candidate_dir(candidate);
        // The attempt refused last, and why (for the agent, and as the step and sentence).
        let mut refused: Option<(u32, String)> = None;
        let mut failed: Option<(Step, String)> = None;
        let attempts = self.attempts_for(finding);
        for attempt in 1..=attempts {
            let dir = verify::step_dir(&candidate_dir, attempt);
            let last = attempt == attempts;
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
                finding,
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
                    if failed.as_ref() == Some(&(step, reason.clone())) {
                        let reason = format!(
                            "{STUCK}attempt {attempt} failed at {} as attempt {} did: {reason}",
                            step.as_str(),
                            attempt - 1
                        );
                        return self.decide(candidate, finding, Outcome::Rejected, step, &reason);
                    }
                    failed = Some((step, reason.clone()));
                    if last {
                        return self.decide(candidate, finding, Outcome::Rejected, step, &reason);
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
        let lints = &baseline.diagnostics.suggestions;
        let Some(reply) = self.ask(&at, (finding, lints), feedback, dir)? else {
            let reason = self.stop.clone().unwrap_or_default();
            self.decide_unanswered(candidate, finding, Step::Agent, &reason)?;
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
                return self.decide_no_answer(candidate, finding, &rejected);
            }
            Err(rejected) => return Ok(Attempt::retry(rejected.step, rejected.reason)),
        };
        let patch = (finding.fingerprint, self.record_patch(&at, &changes, dir)?);
        if let Some((step, why)) = self.rejected_patches.get(&patch) {
            // The step that rejected the change, and why: what the agent did not fix.
            let (step, reason) = (
                *step,
                format!("{STUCK}the agent proposed the very change it proposed before, which was rejected: {why}"),
            );
            self.decide(candidate, finding, Outcome::Rejected, step, &reason)?;
            return Ok(Attempt::Decided);
        }
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
            } => {
                self.rejected_patches.insert(patch, (step, reason.clone()));
                Ok(Attempt::Retry {
                    step,
                    reason,
                    feedback,
                })
            }
            Verdict::Passed => {
                if let Some(veto) = self.second_opinion(&at, finding, &changes, dir)? {
                    self.decide(candidate, finding, Outcome::Rejected, Step::Review, &veto)?;
                    return Ok(Attempt::Decided);
                }
                let verified = Verified {
                    changes,
                    summary,
                    dir: dir.to_path_buf(),
                    tests,
                };
                if self.jobs.worker {
                    // The main thread keeps it, in candidate order.
                    self.jobs.passed = Some((finding.clone(), verified));
                } else {
                    self.keep(candidate, finding, verified, baseline)?;
                }
                Ok(Attempt::Decided)
            }
        }
    }

    /// Writes the proposal's patch and records the parsed edit.
    /// Returns the patch's hash.
    fn record_patch(&mut self, at: &At, changes: &[FileChange], dir: &Path) -> anyhow::Result<u64> {
        let patch = dir.join("patch.diff");
        let text = crate::refactor::patch::unified(changes);
        crate::secrets::write(&patch, &text)?;
        let files: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
        let patch = self.audit.rel(&patch);
        self.audit.emit(Event::Edit {
            at: at.clone(),
            ok: true,
            files: Some(files),
            patch: Some(patch),
            reason: None,
        })?;
        Ok(xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
    }

    /// Builds the prompt and calls the agent (see [`Pass::call`]) about `finding`, with the
    /// baseline's lint fixes for the built-in agent.
    fn ask(
        &mut self,
        at: &At,
        (finding, lint_fixes): (&Finding, &[Suggestion]),
        feedback: Option<&Feedback>,
        dir: &Path,
    ) -> anyhow::Result<Option<Reply>> {
        let role = roles::role_of(finding);
        let agent = self.settings.agent_for(role);
        // The built-in agent reads the finding itself: gathering context (a parse of the
        // package per candidate) would be work for nothing.
        let prompt = if *agent == agents::AgentSpec::Builtin {
            let task = format!(
                "{}: {} (the built-in agent reads the finding itself)\n",
                finding.id, finding.title
            );
            Prompt {
                stable: String::new(),
                tokens: 0,
                task,
                cut: Vec::new(),
            }
        } else {
            let mut prompt = crate::refactor::prompt::build(
                self.root,
                finding,
                feedback,
                self.settings.context_tokens,
            );
            let instructions = self
                .settings
                .roles
                .get(&role)
                .and_then(|r| r.prompt.as_ref());
            if let Some(instructions) = instructions {
                // Still byte-identical across the role's candidates, so still cacheable.
                let _ = write!(
                    prompt.stable,
                    "\n## For {role} findings\n\n{instructions}\n"
                );
            }
            prompt
        };
        self.call(agent, at, (finding, lint_fixes), &prompt, dir)
    }

    /// Writes `prompt` in `dir`, records it, and calls `agent` with it if the budgets allow
    /// the call; if not, the pass stops (`self.stop` says why) and there is no reply.
    fn call(
        &mut self,
        agent: &agents::AgentSpec,
        at: &At,
        (finding, lint_fixes): (&Finding, &[Suggestion]),
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
        let role = roles::role_of(finding);
        let mut max_answer_tokens = None;
        if *agent != agents::AgentSpec::Builtin {
            let model = agent.api().map_or("", |(_, model)| model);
            let tokens = prompt.tokens as u64;
            if let Err(why) = self.budget.admit(tokens, model, role) {
                self.stop = Some(why);
                return Ok(None);
            }
            max_answer_tokens = self.budget.answer_room(tokens, model, role);
            if let Some(room) = max_answer_tokens.filter(|room| *room < MIN_ANSWER_TOKENS) {
                self.stop = Some(format!(
                    "the budgets leave {room} tokens for an answer after the next prompt (about \
                     {tokens}), too few for an edit"
                ));
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
            max_answer_tokens,
            finding,
            crate_deps: &self.crate_deps,
            lint_fixes,
        };
        let mut reply = agents::call(agent, &request);
        self.budget.charge(&mut reply.call, role);
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
            match self.call(reviewer, at, (finding, &[]), &prompt, &dir)? {
                None => Opinion::Veto(format!(
                    "not reviewed: {}",
                    self.stop.clone().unwrap_or_default()
                )),
                Some(reply) => match (proposal::record(reply, at, &dir, self.audit))
                    .map_err(|err| verify::interrupted_at(err, Step::Review))?
                    .answer
                {
                    Ok(answer) => reviewer::read(&answer),
                    Err(agents::exchange::AgentError::Unusable(why)) => {
                        anyhow::bail!("the reviewer: {why}")
                    }
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
    pub(super) fn keep(
        &mut self,
        candidate: &str,
        finding: &Finding,
        verified: Verified,
        baseline: &mut Baseline,
    ) -> anyhow::Result<()> {
        let changes = &verified.changes[..];
        let (summary, dir) = (verified.summary.as_deref(), verified.dir.as_path());
        let api = if finding.smell == Some(SmellKind::NeedlessPub) {
            guard::Api::ProvedInternal
        } else {
            guard::Api::Watched
        };
        let mut reasons = guard::sensitive(changes, api, self.root);
        if self.args.suggest {
            // A suggestion is a person's to apply: the reasons to hold it travel with it.
            let path = crate::refactor::suggest::write(
                self.out_dir,
                self.root,
                finding,
                changes,
                &reasons,
            )?;
            let reason = format!("verified; suggested as {}", path.display());
            return self.decide_kept(candidate, finding, &reason);
        }
        if let Some(shard) = self.args.shard {
            reasons.push(format!(
                "it was verified in shard {shard}, whose patches a final `cargo loop apply DIR` \
                 writes"
            ));
        }
        if !reasons.is_empty() && (!self.args.allow_sensitive || self.args.shard.is_some()) {
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
            return self.decide(candidate, finding, Outcome::Held, Step::Review, &reason);
        }
        if self.args.dry_run {
            let reason = format!(
                "verified; --dry-run kept the patch only ({})",
                dir.join("patch.diff").display()
            );
            return self.decide_kept(candidate, finding, &reason);
        }
        if let Some(branches) = &self.branches {
            let message = commit_message(finding, summary);
            let name = crate::secrets::redact(summary.unwrap_or(&finding.title));
            let branch = branches.commit(&finding.id, &name, changes, &message)?;
            let reason =
                format!("verified and committed on branch {branch}; the working tree is untouched");
            return self.decide_kept(candidate, finding, &reason);
        }
        self.write(candidate, finding, verified, baseline)
    }

    /// Writes a verified change into the working tree, and what follows (see `after_write`).
    fn write(
        &mut self,
        candidate: &str,
        finding: &Finding,
        verified: Verified,
        baseline: &mut Baseline,
    ) -> anyhow::Result<()> {
        let (changes, summary) = (&verified.changes[..], verified.summary.as_deref());
        // Files the user changed since the last commit would mix their edits into ours.
        let paths: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
        let theirs = if self.args.commit {
            crate::refactor::git::uncommitted(self.root, &paths)?
        } else {
            Vec::new()
        };
        if let Err(err) =
            crate::refactor::keep::apply(self.root, changes, &self.out_dir.keep_journal())
        {
            return self.decide(
                candidate,
                finding,
                Outcome::Rejected,
                Step::Analysis,
                &format!("{err:#}"),
            );
        }
        // Written: the decision is recorded before anything else can fail.
        let reason = if theirs.is_empty() {
            "verified and written to the working tree".to_owned()
        } else {
            format!(
                "verified and written to the working tree, not committed: {} held changes of \
                 yours, which the commit would take along",
                theirs.join(", ")
            )
        };
        self.decide_kept(candidate, finding, &reason)?;
        // A failure from here on is the run's recorded end (its stop record says so).
        let commit =
            (self.args.commit && theirs.is_empty()).then(|| commit_message(finding, summary));
        self.after_write(&paths, commit, verified.tests, baseline)
            .with_context(|| format!("{candidate} was written, then"))
    }

    /// What follows a write of `paths`: the commit (`commit`: its message), and the kept
    /// change made the new baseline.
    fn after_write(
        &mut self,
        paths: &[String],
        commit: Option<String>,
        tests: Option<crate::refactor::cargo::TestResults>,
        baseline: &mut Baseline,
    ) -> anyhow::Result<()> {
        (self.jobs.written).extend(paths.iter().cloned());
        if let Some(message) = commit {
            crate::refactor::git::commit(self.root, paths, &message)?;
        }
        // The kept change is the new baseline: the next candidate starts from it.
        self.verifier.scratch_sync()?;
        // Only the reached packages were tested: the others keep their baseline results.
        if let Some(tests) = tests {
            baseline.tests.extend(tests);
        }
        (baseline.findings, baseline.scores) = self.verifier.analyse()?;
        Ok(())
    }

    fn decide(
        &mut self,
        candidate: &str,
        finding: &Finding,
        outcome: Outcome,
        step: Step,
        reason: &str,
    ) -> anyhow::Result<()> {
        self.counts.add(outcome);
        self.decided.push(Decided {
            finding: finding.fingerprint,
            role: roles::role_of(finding),
            outcome,
            step,
            reason: reason.to_owned(),
            stuck: reason.starts_with(STUCK),
            unanswered: false,
        });
        self.audit.emit(Event::Decision {
            candidate: candidate.into(),
            finding: finding.id.clone(),
            outcome,
            step,
            reason: reason.into(),
        })
    }

    /// A kept change, decided at the step it passed last (SPEC): the reviewer's, when there
    /// is one, or the analysis of the verified copy.
    fn decide_kept(
        &mut self,
        candidate: &str,
        finding: &Finding,
        reason: &str,
    ) -> anyhow::Result<()> {
        let step = if self.settings.reviewer.is_some() {
            Step::Review
        } else {
            Step::Analysis
        };
        self.decide(candidate, finding, Outcome::Kept, step, reason)
    }

    /// A rejection because the agent gave no answer: remembered only when the failure says
    /// something of the finding; an API every call would fail alike ends the run once decided.
    fn decide_no_answer(
        &mut self,
        candidate: &str,
        finding: &Finding,
        rejected: &proposal::Rejected,
    ) -> anyhow::Result<Attempt> {
        let (step, reason) = (rejected.step, &rejected.reason);
        if rejected.transient {
            self.decide_unanswered(candidate, finding, step, reason)?;
        } else {
            self.decide(candidate, finding, Outcome::Rejected, step, reason)?;
        }
        if rejected.fatal {
            anyhow::bail!("{reason}");
        }
        Ok(Attempt::Decided)
    }

    /// A rejection because no answer came: recorded as any, but not a try to remember, since
    /// another run (or agent) may well answer.
    pub(super) fn decide_unanswered(
        &mut self,
        candidate: &str,
        finding: &Finding,
        step: Step,
        reason: &str,
    ) -> anyhow::Result<()> {
        self.decide(candidate, finding, Outcome::Rejected, step, reason)?;
        if let Some(last) = self.decided.last_mut() {
            last.unanswered = true;
        }
        Ok(())
    }
}

/// Patches rejected in a run, by (finding fingerprint, patch hash): the step and the reason.
pub(super) type RejectedPatches = std::collections::HashMap<(u64, u64), (Step, String)>;

/// The message of a kept refactor's commit: the finding, and the agent's words (or the usual fix).
fn commit_message(finding: &Finding, summary: Option<&str>) -> String {
    let message = format!(
        "cargo loop: {} ({})\n\n{}",
        finding.title,
        finding.id,
        summary.unwrap_or(&finding.suggestion)
    );
    // The agent wrote the summary: git history is pushed, and keeps no secret either.
    crate::secrets::redact(&message).into_owned()
}

/// How a stuck agent's rejection begins.
const STUCK: &str = "stuck: ";

/// Fewer output tokens than this cannot hold an edit: the pass stops rather than pay for a
/// cut-off answer.
const MIN_ANSWER_TOKENS: u64 = 256;

/// A candidate that passed every gate, with what keeping it needs.
pub(super) struct Verified {
    pub(super) changes: Vec<FileChange>,
    /// The agent's words about it, for the commit message.
    summary: Option<String>,
    /// The attempt's folder, where its patch is.
    dir: PathBuf,
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

/// Why an error ended the run, as its stop record says.
pub(super) fn end_reason(err: &anyhow::Error) -> String {
    if err.is::<crate::process::Interrupted>() {
        "interrupted".to_owned()
    } else {
        format!("failed: {err:#}")
    }
}

/// Where a pass began: its number, and what the run had counted, decided and scored before.
pub(super) struct PassMark {
    pub number: u32,
    pub counts: Counts,
    pub decided: usize,
    pub scores: Scores,
    began: Instant,
}

impl Pass<'_, '_> {
    /// Pass `number` over `chosen`. One that an error ends still records its end, with why.
    pub(super) fn run_pass(
        &mut self,
        number: u32,
        chosen: &[Finding],
        baseline: &mut Baseline,
    ) -> anyhow::Result<PassMark> {
        let mark = PassMark {
            number,
            counts: self.counts,
            decided: self.decided.len(),
            scores: baseline.scores,
            began: Instant::now(),
        };
        if let Err(err) = self.run(number, chosen, baseline) {
            self.end_pass(&mark, baseline.scores, Some(&end_reason(&err)))?;
            return Err(err);
        }
        Ok(mark)
    }

    /// Records the end of the pass `mark` began, the scores it left, and whether the run
    /// stops and why.
    pub(super) fn end_pass(
        &mut self,
        mark: &PassMark,
        after: Scores,
        stop: Option<&str>,
    ) -> anyhow::Result<()> {
        let end = summary(self, mark, after, stop);
        self.audit.emit(end)
    }
}

/// The `pass_end` record of the pass `mark` began.
fn summary(pass: &Pass, mark: &PassMark, after: Scores, stop: Option<&str>) -> Event {
    let (number, counts_before, decided_before) = (mark.number, mark.counts, mark.decided);
    let (before, began) = (mark.scores, mark.began);
    let mut rejected_at = std::collections::BTreeMap::new();
    let mut roles = std::collections::BTreeMap::new();
    for decision in &pass.decided[decided_before..] {
        if !pass.settings.roles.is_empty() {
            roles
                .entry(decision.role)
                .or_insert_with(Counts::default)
                .add(decision.outcome);
        }
        if decision.outcome == Outcome::Rejected {
            *rejected_at
                .entry(decision.step.as_str().to_owned())
                .or_default() += 1;
        }
    }
    let counts = Counts {
        kept: pass.counts.kept - counts_before.kept,
        held: pass.counts.held - counts_before.held,
        rejected: pass.counts.rejected - counts_before.rejected,
    };
    let (tokens, cost_usd) = pass.budget.spent();
    let (tokens_left, usd_left) = pass.budget.left();
    Event::PassEnd {
        pass: number,
        counts,
        rejected_at,
        roles,
        before,
        after,
        tokens,
        cost_usd,
        tokens_left,
        usd_left,
        seconds: began.elapsed().as_secs_f64(),
        go_on: stop.is_none(),
        reason: stop.map_or_else(|| "findings are left to try".to_owned(), str::to_owned),
    }
}
