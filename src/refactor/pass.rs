//! `cargo loop fix`: one improvement pass. Scan, choose findings, and for each one ask the
//! agent, parse its answer, guard, verify in the scratch copy, and keep, hold or reject, with
//! every step in the audit trail.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use xxhash_rust::xxh3::xxh3_64;

use crate::analysis::{UsageError, What};
use crate::cli::{CommonArgs, FindingKinds, FixArgs, VerifyArgs};
use crate::config::ConfigFile;
use crate::record::audit::Audit;
use crate::record::event::{At, Counts, Event, Outcome, ResponseKind, Step};
use crate::refactor::agents::exchange::{AgentError, Answer, Reply, Request};
use crate::refactor::agents::{self, AgentSpec};
use crate::refactor::change::FileChange;
use crate::refactor::finding::{self, Finding, FindingKind};
use crate::refactor::guard::{self, Guard};
use crate::refactor::scratch::Scratch;
use crate::refactor::verify::{self, Baseline, Verdict, Verifier};
use crate::reporters::console::Console;

/// How a pass ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassEnd {
    Done,
    Interrupted,
}

/// Settings of a pass, resolved from flags, then configuration, then defaults.
struct Settings {
    agent: AgentSpec,
    agent_timeout: Duration,
    max_agent_output: u64,
    attempts: u32,
    max_candidates: usize,
    test_cmd: Option<Vec<String>>,
    guard: Guard,
}

impl Settings {
    fn resolve(args: &FixArgs, config: &ConfigFile) -> anyhow::Result<Settings> {
        let agent = args
            .agent
            .clone()
            .or_else(|| config.agent.clone())
            .unwrap_or_else(|| "builtin".into());
        let agent = agent
            .parse::<AgentSpec>()
            .map_err(|e| UsageError(format!("invalid --agent: {e}")))?;
        agent
            .check_available()
            .map_err(|e| UsageError(e.to_string()))?;
        let mut keep_env = args.verify.keep_env.clone();
        keep_env.extend(config.keep_env.iter().flatten().cloned());
        crate::secrets::keep_env(keep_env);
        Ok(Settings {
            agent,
            agent_timeout: Duration::from_secs(
                args.agent_timeout.or(config.agent_timeout).unwrap_or(600),
            ),
            max_agent_output: args
                .max_agent_output
                .or(config.max_agent_output)
                .unwrap_or(16 << 20),
            attempts: args.attempts.or(config.attempts).unwrap_or(2).max(1),
            max_candidates: args.max_candidates.or(config.max_candidates).unwrap_or(5),
            test_cmd: test_cmd(&args.verify, config)?,
            guard: Guard::new(config.deny_paths.as_deref().unwrap_or_default())
                .map_err(|e| UsageError(format!("{e:#}")))?,
        })
    }
}

pub fn test_cmd(args: &VerifyArgs, config: &ConfigFile) -> anyhow::Result<Option<Vec<String>>> {
    let Some(cmd) = args.test_cmd.clone().or_else(|| config.test_cmd.clone()) else {
        return Ok(None);
    };
    match shlex::split(&cmd) {
        Some(words) if !words.is_empty() => Ok(Some(words)),
        _ => Err(UsageError(format!(
            "invalid --test-cmd `{cmd}`: expected a program and its arguments"
        ))
        .into()),
    }
}

pub fn timeouts(args: &VerifyArgs, config: &ConfigFile) -> (Option<Duration>, Option<Duration>) {
    (
        args.build_timeout
            .or(config.build_timeout)
            .map(Duration::from_secs),
        args.test_timeout
            .or(config.test_timeout)
            .map(Duration::from_secs),
    )
}

/// Refuses, as `cargo fix` does, a tree outside version control unless `--allow-no-vcs` and a
/// dirty git tree unless `--allow-dirty`.
pub fn check_clean(root: &Path, args: &VerifyArgs) -> anyhow::Result<()> {
    let Some(dirty) = crate::refactor::git::dirty_files(root) else {
        if args.allow_no_vcs {
            return Ok(());
        }
        return Err(UsageError(format!(
            "no VCS found for {}: without git, a kept refactor cannot be told apart from your \
             own changes or undone; run `git init` and commit, or pass --allow-no-vcs",
            root.display()
        ))
        .into());
    };
    if !dirty.is_empty() && !args.allow_dirty {
        let shown: Vec<&str> = dirty.iter().take(5).map(String::as_str).collect();
        return Err(UsageError(format!(
            "the working directory has uncommitted changes ({}{}); commit or stash them, or pass --allow-dirty",
            shown.join(", "),
            if dirty.len() > 5 { ", ..." } else { "" }
        ))
        .into());
    }
    Ok(())
}

/// The scratch slot of job `slot`, synced with the user's tree. What could not be copied is a
/// warning: a build that needs it will fail in the copy, and the user should know why.
pub fn open_scratch(
    root: &Path,
    out_dir: &Path,
    target_dir: &Path,
    slot: usize,
    console: &Console,
) -> anyhow::Result<Scratch> {
    let skip = [target_dir.to_path_buf(), out_dir.to_path_buf()];
    let (scratch, stats) =
        Scratch::open(root, &out_dir.join("scratch").join(slot.to_string()), &skip)
            .context("prepare the scratch copy")?;
    for skipped in &stats.skipped {
        console.eprint(&format!(
            "warning: not copied into the scratch copy: {skipped}\n"
        ));
    }
    for note in &stats.notes {
        console.eprint(&format!("note: {note}\n"));
    }
    Ok(scratch)
}

pub fn fix(common: &CommonArgs, args: &FixArgs, console: &Console) -> anyhow::Result<PassEnd> {
    let what = What {
        dup: args.findings != Some(FindingKinds::Smells),
        smells: args.findings != Some(FindingKinds::Dup),
    };
    let analysis = crate::analysis::analyse(common, &args.analysis, console, what)?;
    let settings = Settings::resolve(args, &analysis.config)?;
    let root = analysis.report.root.clone();
    if !args.dry_run {
        check_clean(&root, &args.verify)?;
    }
    let mode = crate::sandbox::mode(args.verify.sandbox, analysis.config.sandbox.as_deref())?;
    console.status("Sandbox", &crate::sandbox::init(mode)?);
    let chosen = choose(
        &finding::findings(&analysis.report),
        args,
        settings.max_candidates,
    )?;
    let out_dir = analysis.out_dir.clone();
    let _lock = crate::record::lock::OutDirLock::acquire(&out_dir, args.verify.no_wait, console)?;
    let mut audit = Audit::open(&out_dir, console)?;
    audit.emit(Event::RunStart {
        command: "fix".into(),
        agent: Some(agent_name(&settings.agent)),
        root: Some(root.clone()),
        sandbox: Some(crate::sandbox::active()),
        findings: Some(chosen.iter().map(|f| f.id.clone()).collect()),
        dry_run: Some(args.dry_run),
        held: None,
        finding: None,
    })?;
    if chosen.is_empty() {
        audit.emit(Event::Stop {
            reason: "nothing to fix: the scan found nothing to work on".into(),
            counts: None,
        })?;
        return Ok(PassEnd::Done);
    }
    let scratch = open_scratch(&root, &out_dir, &analysis.target_dir, 0, console)?;
    let (build_timeout, test_timeout) = timeouts(&args.verify, &analysis.config);
    let mut verifier = Verifier {
        scratch,
        common,
        analysis: &args.analysis,
        what,
        test_cmd: settings.test_cmd.as_deref(),
        build_timeout,
        test_timeout,
    };
    console.status("Verifying", "the unmodified workspace (baseline)");
    let baseline_dir = audit.candidate_dir("baseline");
    let mut baseline = match verifier.baseline(&mut audit, &baseline_dir) {
        Ok(baseline) => baseline,
        Err(err) => {
            let reason = if err.is::<crate::process::Interrupted>() {
                "interrupted".to_string()
            } else {
                format!("baseline failed: {err:#}")
            };
            audit.emit(Event::Stop {
                reason,
                counts: None,
            })?;
            return Err(err);
        }
    };
    let mut pass = Pass {
        root: &root,
        out_dir: &out_dir,
        skip: [analysis.target_dir.clone(), out_dir.clone()],
        settings: &settings,
        args,
        verifier: &mut verifier,
        audit: &mut audit,
        counts: Counts::default(),
    };
    // `fix` is one pass; `run` will repeat them.
    pass.audit.emit(Event::PassStart {
        pass: 1,
        candidates: Some(chosen.len()),
    })?;
    let mut end = PassEnd::Done;
    for (n, finding) in chosen.iter().enumerate() {
        if crate::process::interrupted() {
            end = PassEnd::Interrupted;
            break;
        }
        let candidate = format!("c{}", n + 1);
        if pass.candidate(&candidate, finding, &mut baseline)? == PassEnd::Interrupted {
            end = PassEnd::Interrupted;
            break;
        }
    }
    let counts = pass.counts;
    let reason = match end {
        PassEnd::Done => "every chosen finding was tried",
        PassEnd::Interrupted => "interrupted",
    };
    audit.emit(Event::Stop {
        reason: reason.into(),
        counts: Some(counts),
    })?;
    Ok(end)
}

/// The agent as recorded: the program and its arguments, never the environment.
fn agent_name(agent: &AgentSpec) -> String {
    match agent {
        AgentSpec::Builtin => "builtin".into(),
        AgentSpec::OpenAi(model) => format!("openai:{model}"),
        AgentSpec::Anthropic(model) => format!("anthropic:{model}"),
        AgentSpec::Cmd(argv) => format!("cmd:{}", argv.join(" ")),
        AgentSpec::Exec(argv) => format!("exec:{}", argv.join(" ")),
    }
}

fn choose(all: &[Finding], args: &FixArgs, max: usize) -> anyhow::Result<Vec<Finding>> {
    for id in &args.finding {
        if !all.iter().any(|f| f.id.eq_ignore_ascii_case(id)) {
            return Err(UsageError(format!(
                "--finding {id}: the scan reported no finding with this id (it has {})",
                if all.is_empty() {
                    "none".to_string()
                } else {
                    all.iter()
                        .map(|f| f.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
            .into());
        }
    }
    Ok(all
        .iter()
        .filter(|f| {
            args.finding.is_empty() || args.finding.iter().any(|id| f.id.eq_ignore_ascii_case(id))
        })
        .filter(|f| match args.findings {
            Some(FindingKinds::Dup) => f.kind == FindingKind::Dup,
            Some(FindingKinds::Smells) => f.kind == FindingKind::Smell,
            _ => true,
        })
        .take(max)
        .cloned()
        .collect())
}

struct Pass<'a, 'b> {
    root: &'a Path,
    out_dir: &'a Path,
    /// Never copied into an `exec:` agent's copy: the target dir and the out dir.
    skip: [PathBuf; 2],
    settings: &'a Settings,
    args: &'a FixArgs,
    verifier: &'a mut Verifier<'b>,
    audit: &'a mut Audit,
    counts: Counts,
}

impl Pass<'_, '_> {
    fn candidate(
        &mut self,
        candidate: &str,
        finding: &Finding,
        baseline: &mut Baseline,
    ) -> anyhow::Result<PassEnd> {
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
            return Ok(PassEnd::Done);
        };
        self.audit.emit(Event::Finding {
            candidate: candidate.into(),
            finding: finding.id.clone(),
            fingerprint: Some(format!("{:016x}", finding.fingerprint)),
            title: Some(finding.title.clone()),
            skipped: None,
        })?;
        let candidate_dir = self.audit.candidate_dir(candidate);
        let mut feedback: Option<String> = None;
        for attempt in 1..=self.settings.attempts {
            let dir = verify::step_dir(&candidate_dir, attempt);
            let last = attempt == self.settings.attempts;
            match self.attempt(
                candidate,
                attempt,
                &finding,
                feedback.as_deref(),
                &dir,
                baseline,
            )? {
                Attempt::Interrupted => return Ok(PassEnd::Interrupted),
                Attempt::Decided => return Ok(PassEnd::Done),
                Attempt::Retry {
                    step,
                    reason,
                    feedback: next,
                } => {
                    if last {
                        self.decide(candidate, &finding.id, Outcome::Rejected, step, &reason)?;
                        return Ok(PassEnd::Done);
                    }
                    self.audit.emit(Event::Retry {
                        at: At {
                            candidate: candidate.into(),
                            attempt,
                        },
                        step,
                        reason,
                    })?;
                    feedback = Some(next);
                }
            }
        }
        Ok(PassEnd::Done)
    }

    fn attempt(
        &mut self,
        candidate: &str,
        attempt: u32,
        finding: &Finding,
        feedback: Option<&str>,
        dir: &Path,
        baseline: &mut Baseline,
    ) -> anyhow::Result<Attempt> {
        let at = At {
            candidate: candidate.into(),
            attempt,
        };
        let reply = match self.ask(&at, finding, feedback, dir)? {
            Ok(reply) => reply,
            Err(AgentError::Interrupted) => return Ok(Attempt::Interrupted),
            Err(err) => {
                self.audit.emit(Event::Response {
                    at: at.clone(),
                    answer: ResponseKind::Error {
                        error: err.to_string(),
                    },
                    duration_ms: None,
                    tokens: None,
                })?;
                let reason = err.to_string();
                self.decide(
                    candidate,
                    &finding.id,
                    Outcome::Rejected,
                    Step::Agent,
                    &reason,
                )?;
                return Ok(Attempt::Decided);
            }
        };
        let Proposal { changes, summary } = match self.changes_of(&at, reply, dir)? {
            Ok(proposal) => proposal,
            Err(retry) => return Ok(retry),
        };
        let patch = dir.join("patch.diff");
        crate::secrets::write(&patch, &crate::refactor::patch::unified(&changes))?;
        let files: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
        let patch = self.audit.rel(&patch);
        self.audit.emit(Event::Edit {
            at: at.clone(),
            ok: true,
            files: Some(files),
            patch: Some(patch),
            reason: None,
        })?;
        let (verdict, tests) = self
            .verifier
            .candidate(baseline, finding, &changes, self.audit, candidate, dir)?;
        match verdict {
            Verdict::Interrupted => Ok(Attempt::Interrupted),
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

    /// Writes the prompt and calls the agent.
    fn ask(
        &mut self,
        at: &At,
        finding: &Finding,
        feedback: Option<&str>,
        dir: &Path,
    ) -> anyhow::Result<Result<Reply, AgentError>> {
        let prompt = crate::refactor::prompt::build(self.root, finding, feedback);
        let file = self.audit.rel(&dir.join("prompt.md"));
        self.audit.emit(Event::Prompt {
            at: at.clone(),
            bytes: prompt.len(),
            hash: hash(&prompt),
            file,
        })?;
        let request = Request {
            prompt: &prompt,
            dir,
            timeout: self.settings.agent_timeout,
            root: self.root,
            skip: &self.skip,
            max_output: self.settings.max_agent_output,
        };
        match agents::call(&self.settings.agent, &request) {
            Err(AgentError::Io(err)) => Err(err),
            result => Ok(result),
        }
    }

    /// The files the reply changes, with the agent's summary, or why it is refused.
    fn changes_of(
        &mut self,
        at: &At,
        reply: Reply,
        dir: &Path,
    ) -> anyhow::Result<Result<Proposal, Attempt>> {
        let duration_ms = Some(reply.duration.as_millis() as u64);
        let response = |answer| Event::Response {
            at: at.clone(),
            answer,
            duration_ms,
            tokens: None,
        };
        let (changes, summary) = match reply.answer {
            Answer::Text(text) => {
                let file = dir.join("response.md");
                crate::secrets::write(&file, &text)?;
                self.audit.emit(response(ResponseKind::Text {
                    bytes: text.len(),
                    hash: hash(&text),
                    file: self.audit.rel(&file),
                }))?;
                let rules = crate::refactor::edit::EditRules {
                    root: self.root,
                    denied: &|path| self.settings.guard.denied(path),
                };
                match crate::refactor::edit::apply_answer(&text, &rules) {
                    Ok(changes) => (changes, agent_summary(&text)),
                    Err(rejection) => {
                        let step = match rejection.1 {
                            crate::refactor::edit::Refusal::Path => Step::Guard,
                            crate::refactor::edit::Refusal::Format => Step::Parse,
                        };
                        self.audit.emit(Event::Edit {
                            at: at.clone(),
                            ok: false,
                            files: None,
                            patch: None,
                            reason: Some(rejection.to_string()),
                        })?;
                        return Ok(Err(Attempt::retry(step, rejection.to_string())));
                    }
                }
            }
            Answer::Changes(changes) => {
                self.audit.emit(response(ResponseKind::Changes {
                    files: changes.len(),
                }))?;
                let rules = crate::refactor::edit::EditRules {
                    root: self.root,
                    denied: &|path| self.settings.guard.denied(path),
                };
                let refused = changes
                    .iter()
                    .find_map(|c| crate::refactor::edit::check_path(&c.path, &rules).err());
                if let Some(rejection) = refused {
                    return Ok(Err(Attempt::retry(Step::Guard, rejection.to_string())));
                }
                (changes, None)
            }
            Answer::Refused(reason) => {
                self.audit.emit(response(ResponseKind::Refused {
                    refused: reason.clone(),
                }))?;
                return Ok(Err(Attempt::retry(Step::Guard, reason)));
            }
        };
        if changes.is_empty() {
            return Ok(Err(Attempt::retry(
                Step::Parse,
                "the answer changes nothing",
            )));
        }
        Ok(Ok(Proposal { changes, summary }))
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
        if let Err(err) = crate::refactor::keep::apply(self.root, changes) {
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
        let after = self.after_write(finding, changes, summary, tests, baseline);
        if let Err(err) = &after {
            let reason = format!("{candidate} was written, then: {err:#}");
            self.audit.emit(Event::Stop {
                reason,
                counts: None,
            })?;
        }
        after
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

fn hash(text: &str) -> String {
    format!("{:016x}", xxh3_64(text.as_bytes()))
}

/// The agent's own words about its change: the first line of prose before its edits.
fn agent_summary(answer: &str) -> Option<String> {
    answer
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("<<<<<<<") && !line.starts_with("--- "))
        .find(|line| line.contains(' ') && !line.starts_with("```") && line.len() > 10)
        .map(|line| line.chars().take(300).collect())
}

/// What an agent proposes, once its answer is parsed.
struct Proposal {
    changes: Vec<FileChange>,
    /// The agent's words about it, for the commit message.
    summary: Option<String>,
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
    Interrupted,
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

#[cfg(test)]
mod test {
    use super::agent_summary;

    #[test]
    fn agent_summary_is_the_first_prose_line_before_the_edits() {
        let answer = "```rust\nThe two functions are identical; one delegates now.\nsrc/a.rs\n<<<<<<< SEARCH\nfn a() {}\n=======\n>>>>>>> REPLACE\n";
        assert_eq!(
            agent_summary(answer).as_deref(),
            Some("The two functions are identical; one delegates now.")
        );
        assert_eq!(
            agent_summary("src/a.rs\n<<<<<<< SEARCH\nlet x = a b c d e;\n"),
            None
        );
    }
}
