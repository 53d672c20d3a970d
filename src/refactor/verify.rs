//! Verification in a scratch copy: the baseline first, then each candidate through the gates,
//! cheapest first: parse, clippy (with check folded in, a compile error still reported as
//! `check`), test, re-analysis. A candidate's result is a [`Verdict`], never an `Err`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::analysis::What;
use crate::cli::{AnalysisArgs, CommonArgs};
use crate::process::{self, Exit};
use crate::record::audit::Audit;
use crate::record::event::{Event, Step};
use crate::refactor::cargo::{self, Diagnostics, Fix, Ran, TestResults};
use crate::refactor::change::FileChange;
use crate::refactor::finding::{self, Finding};
use crate::refactor::reach::{Members, UnlikeBaseline};
use crate::refactor::score::Scores;
use crate::refactor::scratch::Scratch;

#[derive(Debug)]
pub enum Verdict {
    Passed,
    /// `reason` is one sentence for people; `feedback` is what the agent sees next time.
    Rejected {
        step: Step,
        reason: String,
        feedback: String,
    },
}

impl Verdict {
    fn rejected(step: Step, reason: impl Into<String>, feedback: impl Into<String>) -> Verdict {
        Verdict::Rejected {
            step,
            reason: reason.into(),
            feedback: feedback.into(),
        }
    }
}

/// What candidates are compared with, and how long commands may run.
#[derive(Clone)]
pub struct Baseline {
    pub diagnostics: Diagnostics,
    pub tests: TestResults,
    pub findings: Vec<Finding>,
    /// The scores of the copy as it is now.
    pub scores: Scores,
    pub build_timeout: Duration,
    pub test_timeout: Duration,
}

/// Everything the gates need besides the candidate.
pub struct Verifier<'a> {
    pub scratch: Scratch,
    pub common: &'a CommonArgs,
    pub analysis: &'a AnalysisArgs,
    pub what: What,
    /// `--test-cmd`, replacing `cargo test --workspace`.
    pub test_cmd: Option<&'a [String]>,
    pub build_timeout: Option<Duration>,
    pub test_timeout: Option<Duration>,
    /// Target kinds clippy leaves out, because this toolchain cannot build them.
    pub left_out: Vec<String>,
    /// Clippy caps lint levels at warn (`--cap-lints warn`): the baseline fails on lints only.
    pub cap_lints: bool,
    /// The workspace's packages, so a candidate builds and tests only what it can reach.
    pub members: Members,
    /// The tree's per-file parse cache, for re-analysis of the copy (`None`: `--no-cache`).
    pub parse_cache: Option<PathBuf>,
    /// Reaches whose tests are not the baseline's own (see `reach.rs`): their candidates are
    /// tested with the whole workspace. Shared by the slots of a run.
    pub unlike_baseline: std::sync::Arc<UnlikeBaseline>,
}

/// The packages a candidate's steps build and test: those its edit can reach, or `None` for
/// the whole workspace.
struct Reach(Option<Vec<String>>);

impl Reach {
    const WORKSPACE: Reach = Reach(None);

    /// `--workspace`, or `-p NAME` per package.
    fn flags(&self) -> Vec<&str> {
        match &self.0 {
            None => vec!["--workspace"],
            Some(packages) => packages.iter().flat_map(|p| ["-p", p.as_str()]).collect(),
        }
    }
}

/// The baseline failed: the run stops with exit code 3 and this output.
#[derive(Debug, thiserror::Error)]
#[error("the workspace's baseline {how} `{step}` before any change:\n{output}")]
pub struct BaselineFailed {
    pub step: &'static str,
    /// "fails", or how it was stopped ("timed out after 30 s (--test-timeout) in").
    pub how: String,
    pub output: String,
}

/// How a command that did not succeed ended, when that is the whole story: a limit it ran into.
fn stopped_by_limit(exit: Exit, timeout: Duration, flag: &str) -> Option<String> {
    match exit {
        Exit::Timeout => Some(format!(
            "timed out after {} s ({flag}; something hangs or got much slower)",
            timeout.as_secs()
        )),
        Exit::OutputLimit(cap) => Some(format!("printed more than {cap} bytes and was stopped")),
        _ => None,
    }
}

/// Generous first-run limit; later limits derive from what the baseline took.
const FIRST_RUN: Duration = Duration::from_secs(3600);

fn derived(baseline: Duration, floor: u64) -> Duration {
    (baseline * 3).max(Duration::from_secs(floor))
}

impl Verifier<'_> {
    /// Builds, lints, tests and analyses the unmodified copy.
    pub fn baseline(&mut self, audit: &mut Audit, dir: &Path) -> anyhow::Result<Baseline> {
        let build_timeout = self.build_timeout.unwrap_or(FIRST_RUN);
        let mut clippy = record_step(
            audit,
            "baseline",
            Step::Clippy,
            self.clippy(dir, build_timeout, &Reach::WORKSPACE)?,
        )?;
        // Cargo stops at the first crate that fails: what one run shows may hide the other.
        for _ in 0..2 {
            let again = if clippy.exit().success() {
                break;
            } else if self.leave_out_nightly_targets(&clippy, audit)? {
                "without-nightly"
            } else if self.cap_lint_errors(&clippy, audit)? {
                "lints-capped"
            } else {
                break;
            };
            let again = self.clippy(&dir.join(again), build_timeout, &Reach::WORKSPACE)?;
            clippy = record_step(audit, "baseline", Step::Clippy, again)?;
        }
        let diagnostics = cargo::parse_diagnostics(&clippy.stdout());
        if !clippy.exit().success() || diagnostics.n_errors > 0 {
            let output = failure_text(&clippy, &diagnostics);
            return Err(baseline_failed(
                &clippy,
                (build_timeout, "--build-timeout"),
                "cargo clippy --all-targets",
                output,
            ));
        }
        let test_timeout = self.test_timeout.unwrap_or(FIRST_RUN);
        let test = record_step(
            audit,
            "baseline",
            Step::Test,
            self.test(dir, test_timeout, &Reach::WORKSPACE)?,
        )?;
        let output = test.stderr();
        if !test.exit().success() {
            let tail = cargo::tail(&output, 40);
            return Err(baseline_failed(
                &test,
                (test_timeout, "--test-timeout"),
                "cargo test",
                tail,
            ));
        }
        let (findings, scores) = self.analyse()?;
        Ok(Baseline {
            diagnostics,
            tests: cargo::parse_tests(&output),
            findings,
            scores,
            build_timeout: self
                .build_timeout
                .unwrap_or_else(|| derived(clippy.finished.duration, 60)),
            test_timeout: self
                .test_timeout
                .unwrap_or_else(|| derived(test.finished.duration, 30)),
        })
    }

    /// `cargo test`'s own selection builds examples, not benches: only examples left out
    /// need an explicit one (without doctests, which no selection with targets runs).
    fn test_targets(&self) -> &'static [&'static str] {
        if self.left_out.iter().any(|kind| kind == "example") {
            &["--lib", "--bins", "--tests"]
        } else {
            &[]
        }
    }

    /// After a failed baseline clippy: whether it failed only on targets that need a nightly
    /// toolchain (`#![feature]` on stable, E0554), which every step then leaves out, saying so.
    fn leave_out_nightly_targets(
        &mut self,
        clippy: &Ran,
        audit: &mut Audit,
    ) -> anyhow::Result<bool> {
        let targets = cargo::nightly_only_targets(&clippy.stdout());
        if targets.is_empty() || targets.contains_key("lib") || !self.left_out.is_empty() {
            return Ok(false);
        }
        let files: Vec<String> = targets.values().flatten().cloned().collect();
        let kinds: Vec<String> = targets.into_keys().collect();
        audit.emit(Event::Notice {
            message: format!(
                "leaving out the {} targets: they use `#![feature]`, which this toolchain \
                 cannot build ({})",
                kinds.join(" and "),
                files.join(", ")
            ),
        })?;
        self.left_out = kinds;
        Ok(true)
    }

    /// After a failed baseline clippy: whether it failed on lints only (the code compiles),
    /// in which case every clippy step caps lints at warn, saying so. A deny-by-default lint
    /// of a newer clippy, or `#![deny(warnings)]`, then counts as the warning it is: a change
    /// is judged on the warnings it adds, as with any other.
    fn cap_lint_errors(&mut self, clippy: &Ran, audit: &mut Audit) -> anyhow::Result<bool> {
        let diagnostics = cargo::parse_diagnostics(&clippy.stdout());
        if self.cap_lints || diagnostics.lint_errors.is_empty() || diagnostics.compile_errors > 0 {
            return Ok(false);
        }
        let lints: Vec<&str> = diagnostics.lint_errors.iter().map(String::as_str).collect();
        audit.emit(Event::Notice {
            message: format!(
                "the baseline fails clippy on lints only ({}): every clippy step caps lints \
                 at warn, and a change must add no warning",
                lints.join(", ")
            ),
        })?;
        self.cap_lints = true;
        Ok(true)
    }

    /// Runs `changes` through the gates and puts the copy back as it was. A candidate whose
    /// only fault is new warnings the compiler can fix itself (an import left unused), or
    /// errors it can (a `_` return type it names), is verified once more with those fixes;
    /// the changes returned are what was verified.
    pub fn candidate(
        &self,
        baseline: &Baseline,
        target: &Finding,
        changes: &[FileChange],
        audit: &mut Audit,
        candidate: &str,
        dir: &Path,
    ) -> anyhow::Result<(Verdict, Option<TestResults>, Vec<FileChange>)> {
        let (verdict, tests, fixes) =
            self.check_once(baseline, target, changes, audit, candidate, dir)?;
        let Some(completed) = fixes.and_then(|fixes| with_fixes(changes, &fixes)) else {
            return Ok((verdict, tests, changes.to_vec()));
        };
        let completed = crate::refactor::format::tidy(&self.scratch.tree, completed);
        let again = dir.join("compiler-fixes");
        let (verdict, tests, _) =
            self.check_once(baseline, target, &completed, audit, candidate, &again)?;
        Ok((verdict, tests, completed))
    }

    /// Runs `changes` through the gates once, then puts the copy back as it was; with a
    /// rejection at check or clippy, the compiler's fixes for it when it has them all.
    fn check_once(
        &self,
        baseline: &Baseline,
        target: &Finding,
        changes: &[FileChange],
        audit: &mut Audit,
        candidate: &str,
        dir: &Path,
    ) -> anyhow::Result<(Verdict, Option<TestResults>, Option<Vec<Fix>>)> {
        for change in changes.iter().filter(|c| c.is_rust()) {
            let deep = change
                .after
                .as_deref()
                .and_then(crate::analysis::source::too_deep);
            if let Some((line, column)) = deep {
                let reason = format!(
                    "{}:{line}:{column}: the edited file nests deeper than {} levels",
                    change.path,
                    crate::analysis::source::MAX_NESTING
                );
                return Ok((
                    Verdict::rejected(Step::Parse, reason.clone(), reason),
                    None,
                    None,
                ));
            }
            if let Some(Err(err)) = change.after.as_deref().map(syn::parse_file) {
                let start = err.span().start();
                let reason = format!(
                    "{}:{}:{}: the edited file does not parse: {err}",
                    change.path,
                    start.line,
                    start.column + 1
                );
                return Ok((
                    Verdict::rejected(Step::Parse, reason.clone(), reason),
                    None,
                    None,
                ));
            }
        }
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        let reach = Reach(self.members.reached(&paths));
        self.scratch.write(changes)?;
        let result = self.gates(baseline, (target, changes), (audit, candidate, &reach), dir);
        self.scratch.restore(changes)?;
        result
    }

    fn gates(
        &self,
        baseline: &Baseline,
        (target, changes): (&Finding, &[FileChange]),
        (audit, candidate, reach): (&mut Audit, &str, &Reach),
        dir: &Path,
    ) -> anyhow::Result<(Verdict, Option<TestResults>, Option<Vec<Fix>>)> {
        if let Some((rejected, fixes)) =
            self.build_gates(baseline, audit, (candidate, reach), dir)?
        {
            return Ok((rejected, None, fixes));
        }
        let results = match self.test_gate(baseline, audit, (candidate, reach), dir)? {
            Ok(results) => results,
            Err(rejected) => return Ok((rejected, None, None)),
        };
        let (after, _) = self.analyse()?;
        if let Err(reason) = finding::judge(target, &baseline.findings, &after, changes) {
            return Ok((
                Verdict::rejected(Step::Analysis, reason.clone(), reason),
                None,
                None,
            ));
        }
        Ok((Verdict::Passed, Some(results), None))
    }

    /// `check` (a compile error) and `clippy` (a new warning), from one clippy run.
    fn build_gates(
        &self,
        baseline: &Baseline,
        audit: &mut Audit,
        (candidate, reach): (&str, &Reach),
        dir: &Path,
    ) -> anyhow::Result<Option<(Verdict, Option<Vec<Fix>>)>> {
        let clippy = self.clippy(dir, baseline.build_timeout, reach)?;
        let clippy = record_step(audit, candidate, Step::Clippy, clippy)?;
        let diagnostics = cargo::parse_diagnostics(&clippy.stdout());
        if !clippy.exit().success() || diagnostics.n_errors > 0 {
            let limit = stopped_by_limit(clippy.exit(), baseline.build_timeout, "--build-timeout");
            let stopped = limit.is_some();
            let first = limit.map_or_else(
                || {
                    diagnostics.errors.first().map_or_else(
                        || format!("cargo clippy {}", clippy.exit()),
                        |e| e.lines().next().unwrap_or_default().to_string(),
                    )
                },
                |how| format!("cargo clippy {how}"),
            );
            let verdict = Verdict::rejected(
                Step::Check,
                format!("the change does not compile: {first}"),
                failure_text(&clippy, &diagnostics),
            );
            let fixes = (!stopped).then(|| diagnostics.placeholder_fixes());
            return Ok(Some((verdict, fixes.flatten())));
        }
        let new = diagnostics.new_warnings(&baseline.diagnostics);
        let fixes = diagnostics.fixes_for_new(&baseline.diagnostics);
        Ok(new.first().map(|first| {
            let first = first.lines().next().unwrap_or_default();
            let verdict = Verdict::rejected(
                Step::Clippy,
                format!("the change raises {} new warning(s): {first}", new.len()),
                new.join("\n"),
            );
            (verdict, fixes)
        }))
    }

    /// `test`: the tests pass, none fewer than at baseline, none newly ignored.
    fn test_gate(
        &self,
        baseline: &Baseline,
        audit: &mut Audit,
        (candidate, reach): (&str, &Reach),
        dir: &Path,
    ) -> anyhow::Result<Result<TestResults, Verdict>> {
        let unlike = |reach: &Reach| {
            (reach.0.as_ref()).is_some_and(|packages| self.unlike_baseline.contains(packages))
        };
        let reach = if unlike(reach) {
            &Reach::WORKSPACE
        } else {
            reach
        };
        let test = self.test(dir, baseline.test_timeout, reach)?;
        let test = record_step(audit, candidate, Step::Test, test)?;
        let output = test.stderr();
        let results = cargo::parse_tests(&output);
        let mut problems = cargo::compare_tests(&baseline.tests, &results);
        if let (Some(packages), false, Exit::Success) = (&reach.0, problems.is_empty(), test.exit())
        {
            // Passing, but not the baseline's tests: the whole workspace's tell.
            audit.emit(Event::Notice {
                message: format!(
                    "the tests of {} are not the baseline's ({}): they are tested with the \
                     whole workspace from now on",
                    packages.join(", "),
                    problems[0]
                ),
            })?;
            self.unlike_baseline.insert(packages);
            return self.test_gate(baseline, audit, (candidate, &Reach::WORKSPACE), dir);
        }
        // A hang explains the missing tests better than their count does.
        match test.exit() {
            Exit::Success => {}
            exit => {
                if let Some(how) = stopped_by_limit(exit, baseline.test_timeout, "--test-timeout") {
                    problems.insert(0, format!("the tests {how}"));
                } else if problems.is_empty() {
                    problems.push(format!("the tests {exit}"));
                }
            }
        }
        match problems.first() {
            None => Ok(Ok(results)),
            Some(first) => Ok(Err(Verdict::rejected(
                Step::Test,
                first.clone(),
                format!("{}\n{}", problems.join("\n"), cargo::tail(&output, 40)),
            ))),
        }
    }

    fn clippy(&self, dir: &Path, timeout: Duration, reach: &Reach) -> anyhow::Result<Ran> {
        let targets: Vec<&str> = if self.left_out.is_empty() {
            vec!["--all-targets"]
        } else {
            cargo::TARGET_KINDS
                .iter()
                .filter(|(kind, _)| !self.left_out.iter().any(|left| left == kind))
                .map(|(_, flag)| *flag)
                .collect()
        };
        let mut args = [
            cargo::CLIPPY,
            &reach.flags(),
            &targets,
            &self.common.feature_flags(),
        ]
        .concat();
        if self.cap_lints {
            args.extend(["--", "--cap-lints", "warn"]);
        }
        let job = cargo::job(
            &args,
            &self.scratch.tree,
            &self.scratch.target_dir,
            &dir.join("clippy"),
            timeout,
        );
        let finished = process::run(&job)?;
        crate::secrets::scrub(&job.stdout);
        crate::secrets::scrub(&job.stderr);
        Ok(Ran { job, finished })
    }

    fn test(&self, dir: &Path, timeout: Duration, reach: &Reach) -> anyhow::Result<Ran> {
        let log = dir.join("test");
        let mut job = match self.test_cmd {
            Some(argv) => {
                let mut job = cargo::job(
                    &[],
                    &self.scratch.tree,
                    &self.scratch.target_dir,
                    &log,
                    timeout,
                );
                job.argv = argv.iter().map(Into::into).collect();
                job
            }
            None => cargo::job(
                &[
                    &["test"][..],
                    &reach.flags(),
                    self.test_targets(),
                    &self.common.feature_flags(),
                ]
                .concat(),
                &self.scratch.tree,
                &self.scratch.target_dir,
                &log,
                timeout,
            ),
        };
        // Interleaved, so that test lines follow their binary's `Running` line.
        job.stdout = job.stderr.clone();
        let finished = process::run(&job)?;
        crate::secrets::scrub(&job.stderr);
        Ok(Ran { job, finished })
    }

    /// Brings the copy up to date after a refactor was written to the user's tree.
    pub fn scratch_sync(&mut self) -> anyhow::Result<()> {
        self.scratch.sync().map(drop)
    }

    /// Re-analysis of the copy, with the user's thresholds, over the whole workspace: its
    /// findings and scores.
    pub fn analyse(&self) -> anyhow::Result<(Vec<Finding>, Scores)> {
        let common = CommonArgs {
            manifest_path: Some(self.scratch.tree.join("Cargo.toml")),
            quiet: true,
            ..self.common.clone()
        };
        let args = AnalysisArgs {
            paths: Vec::new(),
            no_cache: true,
            parse_cache: self.parse_cache.clone(),
            ..self.analysis.clone()
        };
        let console = crate::console::Console::new(&common);
        let analysis = crate::analysis::analyse(&common, &args, &console, self.what)?;
        let report = &analysis.report;
        Ok((
            finding::findings(report),
            crate::refactor::score::of(report),
        ))
    }
}

fn failure_text(ran: &Ran, diagnostics: &Diagnostics) -> String {
    if diagnostics.errors.is_empty() {
        cargo::tail(&ran.stderr(), 40)
    } else {
        // The same error in a library and its test target is one error to read.
        let mut seen = std::collections::HashSet::new();
        let errors: Vec<&str> = (diagnostics.errors.iter())
            .map(String::as_str)
            .filter(|error| seen.insert(*error))
            .collect();
        errors.join("\n")
    }
}

/// Records a finished step; an interrupted one ends the run (the error), any other goes on.
fn record_step(audit: &mut Audit, candidate: &str, step: Step, ran: Ran) -> anyhow::Result<Ran> {
    let log = audit.rel(&ran.job.stderr);
    audit.emit(Event::Step {
        candidate: candidate.into(),
        step,
        command: ran.job.display(),
        exit_code: ran.exit().code(),
        exit: ran.exit().to_string(),
        duration_ms: ran.finished.duration.as_millis() as u64,
        log,
    })?;
    if ran.exit() == Exit::Interrupted {
        return Err(interrupted_at(process::Interrupted.into(), step));
    }
    Ok(ran)
}

/// `err`, naming `step` when it is an interruption.
pub fn interrupted_at(err: anyhow::Error, step: Step) -> anyhow::Error {
    if err.is::<process::Interrupted>() {
        err.context(InterruptedAt(step))
    } else {
        err
    }
}

/// The step a Ctrl-C stopped, beside [`process::Interrupted`]: the candidate's decision
/// names it.
#[derive(Debug, Clone, Copy)]
pub struct InterruptedAt(pub Step);

impl std::fmt::Display for InterruptedAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "interrupted at {}", self.0.as_str())
    }
}

/// The baseline's `step` did not pass: how (failed, or stopped by a limit) and its output.
fn baseline_failed(
    ran: &Ran,
    (timeout, flag): (Duration, &str),
    step: &'static str,
    output: String,
) -> anyhow::Error {
    let how = stopped_by_limit(ran.exit(), timeout, flag);
    BaselineFailed {
        step,
        how: how.map_or_else(|| "fails".to_owned(), |how| format!("{how}:")),
        output,
    }
    .into()
}

/// `changes` with the compiler's fixes applied to their new contents; `None` when a fix is
/// for a file the change does not touch, or two fixes overlap.
fn with_fixes(changes: &[FileChange], fixes: &[Fix]) -> Option<Vec<FileChange>> {
    let mut fixes: Vec<&Fix> = fixes.iter().collect();
    fixes.sort_by_key(|fix| (fix.file.clone(), std::cmp::Reverse(fix.bytes.start)));
    fixes.dedup();
    let mut completed = changes.to_vec();
    let mut previous: Option<&Fix> = None;
    for fix in fixes {
        let overlaps =
            previous.is_some_and(|p| p.file == fix.file && fix.bytes.end > p.bytes.start);
        let change = completed.iter_mut().find(|c| c.path == fix.file)?;
        let text = change.after.as_mut()?;
        let inside = fix.bytes.end <= text.len()
            && text.is_char_boundary(fix.bytes.start)
            && text.is_char_boundary(fix.bytes.end);
        if overlaps || !inside {
            return None;
        }
        text.replace_range(fix.bytes.clone(), &fix.replacement);
        previous = Some(fix);
    }
    Some(completed)
}

/// Where a step's logs go inside a candidate's folder.
pub fn step_dir(candidate_dir: &Path, attempt: u32) -> PathBuf {
    candidate_dir.join(format!("attempt-{attempt}"))
}
