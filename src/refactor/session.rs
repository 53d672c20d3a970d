//! What every run of the refactor pipeline sets up before its first candidate and records
//! after its last: the scan, the settings, the out dir's lock, the checks of the tree, the
//! audit trail, the scratch copy and its verified baseline. `fix` drives one pass with it,
//! `run` as many as its stopping rules allow.

use std::path::{Path, PathBuf};

use crate::analysis::What;
use crate::cli::{CommonArgs, FindingKinds, FixArgs};
use crate::console::Console;
use crate::options::Format;
use crate::record::audit::Audit;
use crate::record::event::{Counts, Event};
use crate::refactor::finding::{self, Finding};
use crate::refactor::memory::Memory;
use crate::refactor::pass::Pass;
use crate::refactor::reach::{Members, UnlikeBaseline};
use crate::refactor::settings::Settings;
use crate::refactor::verify::{Baseline, Verifier};

impl Place {
    fn of(analysis: &crate::analysis::Analysis, format: Format, args: &FixArgs) -> Place {
        let out_dir = analysis.out_dir.clone();
        Place {
            root: analysis.report.root.clone(),
            output: out_dir.ours(&analysis.target_dir),
            run: None,
            out_dir,
            format,
            allow_dirty: args.pipeline.verify.allow_dirty,
            started: None,
        }
    }
}

/// What a command chooses its candidates from: the scan's findings and scores, and where it
/// ran, when the run starts.
pub struct Choosing<'a> {
    pub place: &'a Place,
    pub findings: &'a [Finding],
    /// `--max-candidates`.
    pub max: usize,
    pub memory: &'a Memory,
    /// The flags with configuration's switches.
    pub args: &'a FixArgs,
    pub settings: &'a Settings,
    pub scores: crate::refactor::score::Scores,
}

/// What a command chose: candidates to try, or why the run is done before any build.
pub enum Chosen {
    Try(Vec<Finding>),
    Done(String),
}

/// The candidates `chosen` to try, or why there are none (the run then ends before any
/// build).
fn to_try(
    chosen: Chosen,
    no_findings: bool,
    shard: Option<crate::cli::Shard>,
) -> Result<Vec<Finding>, String> {
    match (chosen, shard) {
        (Chosen::Done(reason), _) => Err(reason),
        (Chosen::Try(chosen), _) if !chosen.is_empty() => Ok(chosen),
        _ if no_findings => Err("nothing to fix: the scan found nothing to work on".into()),
        (_, Some(shard)) => Err(format!(
            "nothing to do in shard {shard}: its share of the findings is empty or was tried \
             before"
        )),
        (_, None) => Err(
            "nothing left to try: every finding was tried before, and its code is unchanged".into(),
        ),
    }
}

/// Where a run worked: the workspace root, and the folders its own output goes to (which a
/// watcher ignores).
pub struct Place {
    pub root: PathBuf,
    pub output: Vec<PathBuf>,
    /// The run's id in the audit trail, once it started one.
    pub run: Option<String>,
    pub out_dir: crate::record::out_dir::OutDir,
    /// `--format json`: what the run did, as a document on stdout when it ends; `--format
    /// html`: the report page, written when it ends.
    pub format: Format,
    /// `--allow-dirty`, from the flag or configuration: a watching run starts again on
    /// uncommitted changes.
    pub allow_dirty: bool,
    /// For `run --watch`: the sources when it started, so the watch sees what was saved while
    /// it worked.
    pub started: Option<crate::refactor::watch::Sources>,
}

/// What run `place.run` did, from its audit records: the summary `log` prints, and every
/// decision, as a JSON document.
pub fn run_document(place: &Place) -> anyhow::Result<String> {
    let records = crate::record::audit::read(&place.out_dir)?;
    let mine: Vec<_> = (records.into_iter())
        .filter(|r| place.run.as_deref() == Some(r.run.as_str()))
        .collect();
    let decisions: Vec<&crate::record::event::Record> = (mine.iter())
        .filter(|r| matches!(r.event, Event::Decision { .. }))
        .collect();
    let summary = crate::record::log::summarise(&mine);
    let doc = serde_json::json!({
        "run": place.run,
        "summary": summary.first(),
        "decisions": decisions,
    });
    Ok(format!("{}\n", serde_json::to_string_pretty(&doc)?))
}

/// Sets a run up, lets `choose` pick the first pass's candidates from the scan (with at most
/// `--max-candidates`, and the memory of earlier runs), and hands the rest to `drive`, which
/// returns why the run ended; the stop record says it. Nothing to work on ends the run before
/// any build.
pub fn session(
    common: &CommonArgs,
    args: &FixArgs,
    console: &Console,
    command: &'static str,
    choose: impl FnOnce(&Choosing) -> anyhow::Result<Chosen>,
    drive: impl FnOnce(&mut Pass, &mut Baseline, Vec<Finding>) -> anyhow::Result<String>,
) -> anyhow::Result<Place> {
    let analysis = crate::analysis::analyse(common, &args.analysis, console, what_of(args))?;
    let (common, args) = (
        &common.with_config(&analysis.config),
        &args.with_config(&analysis.config)?,
    );
    let format = run_format(analysis.options.format, args, command)?;
    let mut settings = Settings::resolve(args, &analysis.config)?;
    let budget = std::mem::take(&mut settings.budget);
    let mut place = Place::of(&analysis, format, args);
    let (root, out_dir) = (place.root.clone(), place.out_dir.clone());
    let _lock =
        crate::record::lock::OutDirLock::acquire(&out_dir, args.pipeline.verify.no_wait, console)?;
    let analysis = recover(analysis, (common, args), console)?;
    crate::refactor::preflight::check(
        (&root, &place.output),
        &args.pipeline.verify,
        settings.verify.sandbox,
        args.dry_run,
        console,
    )?;
    let branches = (args.branch_per_refactor)
        .then(|| crate::refactor::branch::Branches::open(&root))
        .transpose()
        .map_err(|e| crate::error::UsageError(format!("{e:#}")))?;
    let memory = Memory::load(&out_dir.tried_file(), &root, &settings.agents_key());
    let findings = finding::findings(&analysis.report);
    let chosen = choose(&Choosing {
        place: &place,
        findings: &findings,
        max: settings.max_candidates,
        memory: &memory,
        args,
        settings: &settings,
        scores: crate::refactor::score::of(&analysis.report),
    })?;
    let chosen = to_try(chosen, findings.is_empty(), args.shard);
    let mut audit = Audit::open(&out_dir, console)?;
    place.run = Some(audit.run.clone());
    let listed = chosen.as_deref().unwrap_or_default();
    audit.emit(run_start(command, &settings, &root, listed, args.dry_run))?;
    let chosen = match chosen {
        Ok(chosen) => chosen,
        Err(reason) => return audit.emit(Event::stop(reason)).map(|()| place),
    };
    let mut verifier = open_verifier(common, args, &analysis, &settings, (0, console))?;
    let mut baseline = verify_baseline(&mut verifier, &mut audit, console)?;
    let slots = open_slots(common, args, &analysis, &settings, (&verifier, console))?;
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
        memory,
        decided: Vec::new(),
        named: 0,
        rejected_patches: std::collections::HashMap::new(),
        deadline: None,
        branches,
        jobs: crate::refactor::pass::Jobs {
            slots,
            ..Default::default()
        },
    };
    let end = drive(&mut pass, &mut baseline, chosen);
    pass.finish(end, console)?;
    Ok(place)
}

/// Undoes the part of a refactor a run killed while writing it left in the tree (see
/// `keep.rs`), and analyses the tree again if that changed it.
fn recover(
    analysis: crate::analysis::Analysis,
    (common, args): (&CommonArgs, &FixArgs),
    console: &Console,
) -> anyhow::Result<crate::analysis::Analysis> {
    let recovered = crate::refactor::keep::recover(&analysis.out_dir.keep_journal())?;
    recovered.tell(&analysis.report.root, console);
    if recovered.restored.is_empty() {
        return Ok(analysis);
    }
    crate::analysis::analyse(common, &args.analysis, console, what_of(args))
}

/// How the run reports what it did: text, a JSON document on stdout, or the HTML report;
/// formats for findings alone are refused when the flag asks for them, and left for text when
/// configuration does (it serves the analysis commands).
fn run_format(format: Format, args: &FixArgs, command: &str) -> anyhow::Result<Format> {
    match format {
        Format::Human | Format::Json | Format::Html => Ok(format),
        _ if args.analysis.output.format.is_none() => Ok(Format::Human),
        other => Err(crate::error::UsageError(format!(
            "`--format {}` does not apply to `cargo loop {command}`: it reports what it did as \
             text, as a JSON document with `--format json`, or as a page with `--format html`",
            format!("{other:?}").to_lowercase()
        ))
        .into()),
    }
}

/// The scratch copy of `slot`, opened and synced, and how candidates are verified in it.
fn open_verifier<'a>(
    common: &'a CommonArgs,
    args: &'a FixArgs,
    analysis: &crate::analysis::Analysis,
    settings: &'a Settings,
    (slot, console): (usize, &Console),
) -> anyhow::Result<Verifier<'a>> {
    let scratch = crate::refactor::preflight::open_scratch(
        &analysis.report.root,
        &analysis.out_dir,
        &analysis.target_dir,
        slot,
        console,
    )?;
    let members = Members {
        packages: analysis.packages.clone(),
        deps: analysis.crate_deps.clone(),
    };
    Ok(Verifier {
        scratch,
        common,
        analysis: &args.analysis,
        what: what_of(args),
        test_cmd: settings.verify.test_cmd.as_deref(),
        build_timeout: settings.verify.build_timeout,
        test_timeout: settings.verify.test_timeout,
        left_out: Vec::new(),
        cap_lints: false,
        unlike_baseline: std::sync::Arc::new(UnlikeBaseline::load(
            analysis.out_dir.reaches_file(),
            &analysis.report.root,
            &members,
        )),
        members,
        parse_cache: (analysis.options.cache).then(|| analysis.out_dir.parse_cache_dir()),
    })
}

/// `--jobs`: the verifiers of slots 1 to N-1 (no more than a pass has candidates), leaving out
/// the targets the baseline, verified in slot 0, left out.
fn open_slots<'a>(
    common: &'a CommonArgs,
    args: &'a FixArgs,
    analysis: &crate::analysis::Analysis,
    settings: &'a Settings,
    (first, console): (&Verifier, &Console),
) -> anyhow::Result<Vec<Verifier<'a>>> {
    (1..settings.jobs.min(settings.max_candidates))
        .map(|slot| {
            let mut other = open_verifier(common, args, analysis, settings, (slot, console))?;
            other.left_out.clone_from(&first.left_out);
            other.cap_lints = first.cap_lints;
            other.unlike_baseline = std::sync::Arc::clone(&first.unlike_baseline);
            Ok(other)
        })
        .collect()
}

/// The analyses `--findings` asks for.
pub fn what_of(args: &FixArgs) -> What {
    What {
        dup: args.pipeline.choice.findings != Some(FindingKinds::Smells),
        smells: args.pipeline.choice.findings != Some(FindingKinds::Dup),
    }
}

/// The record a run starts with.
fn run_start(
    command: &str,
    settings: &Settings,
    root: &Path,
    chosen: &[Finding],
    dry_run: bool,
) -> Event {
    Event::RunStart {
        command: command.into(),
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

/// Verifies the unmodified copy; a failure (or an interruption) is the run's recorded end.
fn verify_baseline(
    verifier: &mut Verifier,
    audit: &mut Audit,
    console: &Console,
) -> anyhow::Result<Baseline> {
    console.status("Verifying", "the unmodified workspace (baseline)");
    let dir = audit.candidate_dir("baseline");
    verifier.baseline(audit, &dir).or_else(|err| {
        let reason = if err.is::<crate::process::Interrupted>() {
            "interrupted".to_owned()
        } else {
            // Its first line: the whole output is the run's error, printed once, and in the
            // step's log.
            let why = format!("{err:#}");
            let first = why.lines().next().unwrap_or_default().trim_end_matches(':');
            format!("baseline failed: {first}")
        };
        audit.emit(Event::stop(reason))?;
        Err(err)
    })
}
