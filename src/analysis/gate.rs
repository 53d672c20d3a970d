//! `cargo loop ci` and `cargo loop baseline`: a scan compared with the baseline, and the
//! gate's verdict. Only what got worse fails: findings the baseline lacks (at the level
//! asked), or totals over an absolute limit; findings fixed since only show in the summary.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use super::baseline::{self, Baseline, Comparison, Key};
use super::report::Report;
use super::smells::Severity;
use super::workspace::Warning;
use super::{analyse, diff, Analysis, What};
use crate::cli::{BaselineArgs, CiArgs, CommonArgs};
use crate::config::Gate;
use crate::console::Console;
use crate::error::UsageError;
use crate::options::Format;

/// What `ci` found: the scan with only its new findings, and the verdict.
pub struct Verdict {
    /// The scan, narrowed to the findings the gate counts (new ones unless `--fail-on any`).
    pub report: Report,
    pub analysis_format: crate::options::Format,
    /// Where `--format html` writes its page and `--suggest` its patches.
    pub out_dir: crate::record::out_dir::OutDir,
    pub comparison: Comparison,
    /// Why the gate fails, one sentence each; empty when it passes.
    pub failures: Vec<String>,
}

/// `cargo loop baseline`: scans and writes the baseline; returns its path and size.
pub fn write_baseline(
    common: &CommonArgs,
    args: &BaselineArgs,
    console: &Console,
) -> anyhow::Result<(PathBuf, usize)> {
    refuse_report_flags(args)?;
    let analysis = scan(common, args, console)?;
    let path = baseline_path(&analysis, args);
    let baseline = rewrite(&analysis, &path, console)?;
    Ok((path, baseline.findings.len()))
}

/// Why `--fail-on` fails on `report`, if it does: the findings it counts (new ones against
/// the baseline with `--fail-on new`; notes only with `note`).
pub fn over_fail_on(
    report: &Report,
    options: &crate::config::Options,
) -> anyhow::Result<Option<String>> {
    let Some(gate) = options.fail_on else {
        return Ok(None);
    };
    let counted = crate::reporters::summary::counted;
    if gate.new_only {
        let path = (options.baseline.clone()).unwrap_or_else(|| report.root.join(baseline::FILE));
        let now = baseline::keys(report, gate.notes);
        let new = baseline::findings(&baseline::compare(&Baseline::read(&path)?, &now).new);
        return Ok((new > 0).then(|| {
            format!(
                "{} the baseline does not have",
                counted(new as u64, "finding")
            )
        }));
    }
    // Notes tell a cost that is often accepted; like rustc's, they fail only when asked.
    let smells = (report.smells.iter())
        .filter(|s| gate.notes || s.severity == Severity::Warning)
        .count() as u64;
    let groups = report.groups.len() as u64;
    Ok((groups + smells > 0).then(|| {
        format!(
            "{} and {}",
            counted(groups, "clone group"),
            counted(smells, "smell")
        )
    }))
}

/// `baseline` writes a file and prints no findings: flags about printing or failing on them
/// would be silently ignored, so they are refused.
fn refuse_report_flags(args: &BaselineArgs) -> anyhow::Result<()> {
    let analysis = &args.analysis;
    let given = [
        (
            "--format",
            analysis.output.format.is_some_and(|f| f != Format::Human),
        ),
        ("--fail-on", analysis.fail_on.is_some()),
        ("--in-diff", analysis.in_diff.is_some()),
    ];
    let Some((flag, _)) = given.into_iter().find(|(_, given)| *given) else {
        return Ok(());
    };
    let why = format!(
        "`{flag}` does not apply to `cargo loop baseline`: it writes every finding to the \
         baseline file; `cargo loop ci` reports and judges them"
    );
    Err(UsageError(why).into())
}

/// Writes the baseline of `analysis` at `path`, keeping what the one there has for files
/// the analysis did not cover.
fn rewrite(analysis: &Analysis, path: &Path, console: &Console) -> anyhow::Result<Baseline> {
    if path.is_dir() {
        let why = format!("the baseline is a file, and {} is a folder", path.display());
        return Err(UsageError(why).into());
    }
    let mut baseline = Baseline::of(&analysis.report, settings_hash(analysis));
    // One that does not read (a merge's conflict markers, another format) is written anew:
    // this is the command that mends it.
    let old = path.exists().then(|| Baseline::read(path)).transpose();
    let old = old.unwrap_or_else(|err| {
        console.eprint(&format!("warning: {err:#}; it is written anew\n"));
        None
    });
    if let Some(old) = old {
        let unseen = old.unseen(&analysis.report);
        let kept = unseen.difference(&baseline.findings).count();
        baseline.findings.extend(unseen);
        if kept > 0 {
            let kept = crate::reporters::summary::counted(kept as u64, "finding");
            console.status(
                "Kept",
                &format!("{kept} of the baseline that reach files this run did not analyse"),
            );
        }
    }
    baseline.write(path)?;
    Ok(baseline)
}

/// `cargo loop ci`: scans, compares with the baseline (a file, or a scan of a git ref), and
/// judges. With `--update-baseline` it rewrites the baseline and passes. With `--in-diff`
/// only findings in the lines the diff touches can be new (or, `--fail-on any`, counted);
/// known, fixed and the absolute limits still count the whole scan.
pub fn ci(common: &CommonArgs, args: &CiArgs, console: &Console) -> anyhow::Result<Verdict> {
    let mut analysis = scan(common, &args.baseline, console)?;
    let args = &args.with_config(&analysis.config);
    let path = baseline_path(&analysis, &args.baseline);
    let in_diff = args.baseline.analysis.in_diff.as_deref();
    let touched = (in_diff.map(|diff| diff::read(diff, &analysis.report.root))).transpose()?;
    if args.update_baseline {
        if touched.is_some() {
            let why = "--update-baseline writes every finding: leave out --in-diff";
            return Err(UsageError(why.into()).into());
        }
        rewrite(&analysis, &path, console)?;
        console.status("Updated", &format!("the baseline {}", path.display()));
        // Every finding is known now.
        let known = Comparison {
            known: baseline::keys(&analysis.report, true).len(),
            ..Comparison::default()
        };
        return Ok(verdict(analysis, known, Vec::new()));
    }
    // `ci` fails on new findings unless `--fail-on` or the configuration says otherwise
    // (`never`: report only).
    let values = args.baseline.analysis.fail_on.as_deref();
    let gate = Gate::of_ci(values, analysis.config.fail_on.as_ref());
    let notes = gate.is_some_and(|g| g.notes);
    let new_only = gate.is_none_or(|g| g.new_only);
    let baseline = baseline_for(
        common,
        args,
        &path,
        new_only,
        &analysis.report.root,
        console,
    )?;
    if args.baseline_from_ref.is_none() {
        if let Some(warning) = other_scan(&baseline, &analysis, &path) {
            analysis.report.warnings.push(warning);
        }
    }
    // Known and fixed count every finding; new ones only at the level the gate counts.
    let all = baseline::keys(&analysis.report, true);
    let mut comparison = baseline::compare(&baseline, &all);
    // What reaches past the analysed files (a member's folder) is not fixed, only unseen.
    let unseen = baseline.unseen(&analysis.report);
    comparison.fixed.retain(|key| !unseen.contains(key));
    let mut failures = limits(&analysis.report, args);
    if let Some(touched) = &touched {
        touched.narrow(&mut analysis.report);
    }
    let now = baseline::keys(&analysis.report, notes);
    comparison.new.retain(|key| now.contains(key));
    let counted = if new_only {
        baseline::findings(&comparison.new)
    } else {
        baseline::findings(&now)
    };
    if counted > 0 && gate.is_some() {
        let what = if new_only { "new " } else { "" };
        let s = if counted == 1 { "" } else { "s" };
        failures.push(format!("{counted} {what}finding{s}"));
    }
    let new = new_only.then(|| comparison.new.clone());
    let mut verdict = verdict(analysis, comparison, failures);
    if let Some(new) = new {
        narrow_to(&mut verdict.report, &new);
    }
    Ok(verdict)
}

/// Why a baseline file may disagree with this scan beyond the code's changes: another
/// version of cargo loop (its grouping changes between releases) or other analysis settings
/// wrote it.
fn other_scan(baseline: &Baseline, analysis: &Analysis, path: &Path) -> Option<Warning> {
    let version = baseline::version();
    let writer = if baseline.version.is_empty() || baseline.version == version {
        None
    } else {
        Some(format!("{} (this is {version})", baseline.version))
    };
    let settings = baseline::settings(settings_hash(analysis));
    let settings = (baseline.settings != settings).then_some("other analysis settings");
    let why = match (writer, settings) {
        (None, None) => return None,
        (Some(writer), None) => writer,
        (None, Some(settings)) => settings.to_string(),
        (Some(writer), Some(settings)) => format!("{writer} with {settings}"),
    };
    let file = path.strip_prefix(&analysis.report.root).unwrap_or(path);
    Some(Warning {
        file: file.display().to_string(),
        line: None,
        column: None,
        message: format!(
            "the baseline was written by {why}: findings may look new or fixed for that alone; \
             rewrite it with `cargo loop baseline` once this scan's findings are the ones to keep"
        ),
    })
}

/// The baseline to compare with: a scan of `--baseline-from-ref`, or the file, or (when the
/// gate judges every finding) none.
fn baseline_for(
    common: &CommonArgs,
    args: &CiArgs,
    path: &Path,
    new_only: bool,
    root: &Path,
    console: &Console,
) -> anyhow::Result<Baseline> {
    Ok(match &args.baseline_from_ref {
        Some(rev) => baseline_of_ref(common, &args.baseline, rev, root, console)?,
        None if path.exists() => Baseline::read(path)?,
        None if new_only => {
            return Err(UsageError(format!(
                "no baseline at {}: write one with `cargo loop baseline` (and commit it), or \
                 compare with a git ref (`--baseline-from-ref origin/main`)",
                path.display()
            ))
            .into())
        }
        None => Baseline::empty(),
    })
}

fn verdict(analysis: Analysis, comparison: Comparison, failures: Vec<String>) -> Verdict {
    Verdict {
        analysis_format: analysis.options.format,
        out_dir: analysis.out_dir,
        report: analysis.report,
        comparison,
        failures,
    }
}

fn scan(common: &CommonArgs, args: &BaselineArgs, console: &Console) -> anyhow::Result<Analysis> {
    let what = What {
        dup: true,
        smells: true,
    };
    analyse(common, &args.analysis, console, what)
}

fn baseline_path(analysis: &Analysis, args: &BaselineArgs) -> PathBuf {
    (args.file.clone())
        .or_else(|| analysis.options.baseline.clone())
        .unwrap_or_else(|| analysis.report.root.join(baseline::FILE))
}

/// A hash of what decides the findings: the analysis settings.
fn settings_hash(analysis: &Analysis) -> u64 {
    xxhash_rust::xxh3::xxh3_64(analysis.options.analysis_key(&[]).as_bytes())
}

/// The absolute limits a scan passes, new findings or not.
fn limits(report: &Report, args: &CiArgs) -> Vec<String> {
    let mut failures = Vec::new();
    if let Some(max) = args.max_duplicated_lines {
        let lines = report.duplicated_lines();
        if lines > max {
            failures.push(format!(
                "{lines} duplicated lines (--max-duplicated-lines {max})"
            ));
        }
    }
    if let Some(max) = args.max_smells {
        let smells = (report.smells.iter())
            .filter(|s| s.severity == Severity::Warning)
            .count();
        if smells > max {
            failures.push(format!("{smells} smell warnings (--max-smells {max})"));
        }
    }
    failures
}

/// Keeps the groups with a new copy and the new smells.
fn narrow_to(report: &mut Report, new: &std::collections::BTreeSet<Key>) {
    let fresh = |rule: &str, fingerprint: u64| {
        let fingerprint = format!("{fingerprint:016x}");
        new.iter()
            .any(|k| k.rule == rule && k.fingerprint == fingerprint)
    };
    report
        .groups
        .retain(|g| fresh(g.clone_type.rule_id(), g.fingerprint));
    report
        .smells
        .retain(|s| fresh(s.kind.rule_id(), s.fingerprint));
    // A group's first copy is where annotations point: the new copies come first, so that
    // a pull request's review shows the line that failed the gate, not an old copy.
    let files = &report.files;
    for group in &mut report.groups {
        let keys = Key::of_copies(files, group);
        let mut instances: Vec<_> = std::mem::take(&mut group.instances)
            .into_iter()
            .zip(keys)
            .collect();
        instances.sort_by_key(|(_, key)| !new.contains(key));
        group.instances = instances.into_iter().map(|(inst, _)| inst).collect();
    }
}

/// The baseline of git revision `rev`: its tree checked out in a temporary worktree (the
/// user's tree and index untouched) and scanned with the same settings.
fn baseline_of_ref(
    common: &CommonArgs,
    args: &BaselineArgs,
    rev: &str,
    root: &Path,
    console: &Console,
) -> anyhow::Result<Baseline> {
    let git = |dir: &Path, argv: &[&str]| -> anyhow::Result<String> {
        let out = Command::new("git")
            .current_dir(dir)
            .args(argv)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .context("run git")?;
        if !out.status.success() {
            anyhow::bail!(
                "git {}: {}",
                argv.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let top =
        PathBuf::from(git(root, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            UsageError(format!("--baseline-from-ref needs a git repository: {e:#}"))
        })?);
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| UsageError(format!("--baseline-from-ref: `{rev}` names no commit")))?;
    let tmp = tempfile::tempdir().context("create a folder for the worktree")?;
    let tree = tmp.path().join("tree");
    let tree_arg = tree.to_string_lossy().into_owned();
    git(
        &top,
        &["worktree", "add", "--detach", "--quiet", &tree_arg, rev],
    )?;
    console.status("Scanning", &format!("`{rev}` for the baseline"));
    let inside = root.strip_prefix(&top).unwrap_or(Path::new(""));
    let mut at_ref = common.clone();
    at_ref.manifest_path = Some(tree.join(inside).join("Cargo.toml"));
    let mut analysis_args = args.analysis.clone();
    analysis_args.paths = Vec::new();
    let scanned = analyse(
        &at_ref,
        &analysis_args,
        console,
        What {
            dup: true,
            smells: true,
        },
    );
    // The worktree goes whatever the scan did.
    let _ = git(&top, &["worktree", "remove", "--force", &tree_arg]);
    let analysis = scanned.with_context(|| format!("scanning `{rev}`"))?;
    Ok(Baseline::of(&analysis.report, settings_hash(&analysis)))
}
