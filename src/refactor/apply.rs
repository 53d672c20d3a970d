//! `cargo loop apply ID`: writes a held refactor into the working tree after verifying it
//! again against the tree as it is now: its patch is applied to the current files (the same
//! change when they have not moved) and goes through the gates before it is written.

use crate::analysis::workspace::Workspace;
use crate::analysis::What;
use crate::cli::{AnalysisArgs, ApplyArgs, CommonArgs};
use crate::console::Console;
use crate::error::UsageError;
use crate::record::audit::Audit;
use crate::record::event::{Counts, Event, Outcome, Step};
use crate::record::out_dir::OutDir;
use crate::refactor::change::FileChange;
use crate::refactor::finding::{Finding, FindingKind};
use crate::refactor::review::{self, Held};
use crate::refactor::settings::VerifySettings;
use crate::refactor::verify::{Verdict, Verifier};

/// Returns whether every refactor was written: the held one `args.id`, or each one held in
/// the folder `args.id` names (a shard's `target/loop/review/`), in order.
pub fn apply(
    common: &CommonArgs,
    args: &ApplyArgs,
    out_dir: &OutDir,
    console: &Console,
) -> anyhow::Result<bool> {
    let folder = std::path::Path::new(&args.id);
    let (base, ids, ours) = if folder.is_dir() {
        let ids: Vec<String> = review::list_in(folder).into_iter().map(|h| h.id).collect();
        if ids.is_empty() {
            return Err(UsageError(format!(
                "{} holds no refactors (a folder of `ID/held.json`, as a shard leaves in \
                 target/loop/review/)",
                folder.display()
            ))
            .into());
        }
        (folder.to_path_buf(), ids, false)
    } else {
        // Checked before any work: an unknown id is a usage error naming the held ones.
        review::load(out_dir, &args.id)?;
        (out_dir.review_dir(), vec![args.id.clone()], true)
    };
    let workspace = Workspace::open(common).map_err(|e| UsageError(format!("{e:#}")))?;
    let root = workspace.root.clone();
    let _lock = crate::record::lock::OutDirLock::acquire(out_dir, args.verify.no_wait, console)?;
    crate::refactor::keep::recover(&out_dir.keep_journal())?.tell(&root, console);
    let verify = VerifySettings::resolve(&args.verify, &workspace.config)?;
    let output = out_dir.ours(&workspace.target_dir);
    crate::refactor::preflight::check(
        (&root, &output),
        &args.verify,
        verify.sandbox,
        false,
        console,
    )?;
    let mut audit = Audit::open(out_dir, console)?;
    audit.emit(Event::RunStart {
        command: "apply".into(),
        agent: None,
        root: Some(root.clone()),
        sandbox: Some(crate::sandbox::active()),
        findings: None,
        dry_run: None,
        held: Some(args.id.clone()),
        finding: None,
    })?;
    let ctx = Rebase {
        common,
        args,
        out_dir,
        console,
        workspace: &workspace,
    };
    let (mut all, mut counts) = (true, Counts::default());
    for id in ids {
        let (held, changes) = review::load_from(&base, &id)?;
        let applied = apply_one(&ctx, &held, &changes, &mut audit)?;
        counts.add(if applied {
            Outcome::Kept
        } else {
            Outcome::Rejected
        });
        all &= applied;
        if ours && all {
            review::discard(out_dir, &held.id)?;
        }
    }
    // Like every run, it ends with what it did (`log` reads a run without one as killed).
    let reason = if all {
        "every held refactor applied"
    } else {
        "not every held refactor applied"
    };
    audit.emit(Event::Stop {
        reason: reason.into(),
        counts: Some(counts),
    })?;
    Ok(all)
}

/// Verifies one held refactor against the tree as it is now and writes it; whether it was.
fn apply_one(
    ctx: &Rebase,
    held: &Held,
    changes: &[FileChange],
    audit: &mut Audit,
) -> anyhow::Result<bool> {
    let (root, console) = (&ctx.workspace.root, ctx.console);
    // The rest of the tree may have changed since it was held, so it is always verified
    // again, against the tree as it is now.
    say_rebasing(root, held, changes, console);
    let changes = match rebase(ctx, held, changes, audit)? {
        Ok(rebased) => rebased,
        Err((step, reason)) => {
            audit.emit(Event::Decision {
                candidate: held.id.clone(),
                finding: held.finding.clone(),
                outcome: Outcome::Rejected,
                step,
                reason: reason.clone(),
            })?;
            console.error(&format!(
                "held refactor {} was not applied: {reason}",
                held.id
            ));
            return Ok(false);
        }
    };
    crate::refactor::keep::apply(root, &changes, &ctx.out_dir.keep_journal())?;
    audit.emit(Event::Decision {
        candidate: held.id.clone(),
        finding: held.finding.clone(),
        outcome: Outcome::Kept,
        step: Step::Review,
        reason: "applied by hand after review".into(),
    })?;
    console.status(
        "Applied",
        &format!(
            "held refactor {} ({}): {}",
            held.id,
            held.finding,
            held.files.join(", ")
        ),
    );
    Ok(true)
}

struct Rebase<'a> {
    common: &'a CommonArgs,
    args: &'a ApplyArgs,
    out_dir: &'a OutDir,
    console: &'a Console,
    workspace: &'a Workspace,
}

fn say_rebasing(root: &std::path::Path, held: &Held, changes: &[FileChange], console: &Console) {
    let stale = crate::refactor::keep::stale_files(root, changes);
    if !stale.is_empty() {
        console.status(
            "Rebasing",
            &format!(
                "held refactor {} onto the changed {}",
                held.id,
                stale.join(", ")
            ),
        );
    }
}

/// The held patch applied to the current files and verified, or the step and reason it failed.
fn rebase(
    ctx: &Rebase,
    held: &Held,
    changes: &[FileChange],
    audit: &mut Audit,
) -> anyhow::Result<Result<Vec<FileChange>, (Step, String)>> {
    let root = &ctx.workspace.root;
    let patch = crate::refactor::patch::unified(changes);
    // A folder of patches comes from elsewhere (a CI shard's artifact): the paths no edit may
    // touch are refused here as in a run.
    let deny = ctx
        .workspace
        .config
        .deny_paths
        .as_deref()
        .unwrap_or_default();
    let guard = crate::refactor::guard::Guard::new(deny)?;
    let rules = crate::refactor::edit::EditRules {
        root,
        denied: &|path| guard.denied(path),
    };
    let rebased = match crate::refactor::edit::apply_answer(&patch, &rules) {
        Ok(rebased) => rebased,
        Err(rejection) => {
            return Ok(Err((
                Step::Parse,
                format!("the patch no longer applies: {rejection}"),
            )))
        }
    };
    let verify = VerifySettings::resolve(&ctx.args.verify, &ctx.workspace.config)?;
    let scratch = crate::refactor::preflight::open_scratch(
        root,
        ctx.out_dir,
        &ctx.workspace.target_dir,
        0,
        ctx.console,
    )?;
    let analysis = AnalysisArgs::default();
    let mut verifier = Verifier {
        scratch,
        common: ctx.common,
        analysis: &analysis,
        what: What {
            dup: true,
            smells: true,
        },
        test_cmd: verify.test_cmd.as_deref(),
        build_timeout: verify.build_timeout,
        test_timeout: verify.test_timeout,
        left_out: Vec::new(),
        cap_lints: false,
        members: crate::refactor::reach::Members::default(),
        parse_cache: Some(ctx.out_dir.parse_cache_dir()),
        unlike_baseline: std::sync::Arc::default(),
    };
    ctx.console
        .status("Verifying", "the unmodified workspace (baseline)");
    let dir = audit.candidate_dir(&format!("apply-{}", held.id));
    let baseline = verifier.baseline(audit, &dir.join("baseline"))?;
    // The finding may have moved since; what matters now is that nothing new appears.
    let target = Finding {
        id: held.finding.clone(),
        kind: FindingKind::Dup,
        fingerprint: 0,
        title: held.title.clone(),
        suggestion: String::new(),
        locations: Vec::new(),
        size: f64::INFINITY,
        clone: None,
        smell: None,
    };
    ctx.console
        .status("Verifying", &format!("held refactor {}", held.id));
    let (verdict, _, checked) =
        verifier.candidate(&baseline, &target, &rebased, audit, &held.id, &dir)?;
    Ok(match verdict {
        Verdict::Passed => Ok(checked),
        Verdict::Rejected { step, reason, .. } => Err((step, reason)),
    })
}
