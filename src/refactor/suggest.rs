//! `cargo loop ci --suggest`: the fix pipeline run on the gate's new findings only, each
//! verified refactor written to `target/loop/suggestions/` (a patch `git apply` takes, and its
//! line replacements as JSON) for the reports to carry as suggestions. The working tree is
//! never written, so the findings the gate reports stay where it reports them.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::analysis::baseline::Key;
use crate::analysis::report::Report;
use crate::cli::{CiArgs, CommonArgs, FixArgs};
use crate::console::Console;
use crate::record::out_dir::OutDir;
use crate::refactor::change::FileChange;
use crate::refactor::finding::{self, Finding};
use crate::refactor::patch::{self, Replacement};
use crate::refactor::session::{Choosing, Chosen};

/// One verified refactor of one finding, as the reports show it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suggestion {
    /// The finding's fingerprint (hex), as the baseline keys it.
    pub fingerprint: String,
    pub rule: String,
    pub title: String,
    /// The patch, relative to the workspace root.
    pub patch: PathBuf,
    /// Why a person should look twice (public API, unsafe code, ...); empty when nothing is.
    pub sensitive: Vec<String>,
    /// The change to each existing file, as line replacements; created and deleted files are
    /// in the patch only.
    pub edits: Vec<Replacement>,
}

impl Suggestion {
    /// What a reviewer should know before applying it, as a parenthesis to append: the
    /// reasons `fix` would have held it for review (public API, unsafe code, ...); empty when
    /// there are none.
    pub fn caveat(&self) -> String {
        if self.sensitive.is_empty() {
            return String::new();
        }
        format!(
            " (look twice before applying: {})",
            self.sensitive.join("; ")
        )
    }

    /// The edits file by file, in the order the fix changes the files.
    pub fn edits_by_file(&self) -> Vec<(&str, Vec<&Replacement>)> {
        let mut files: Vec<(&str, Vec<&Replacement>)> = Vec::new();
        for edit in &self.edits {
            match files.iter_mut().find(|(file, _)| *file == edit.path) {
                Some((_, edits)) => edits.push(edit),
                None => files.push((&edit.path, vec![edit])),
            }
        }
        files
    }

    /// Whether this suggestion fixes the finding with `fingerprint`.
    pub fn fixes(&self, fingerprint: u64) -> bool {
        self.fingerprint == format!("{fingerprint:016x}")
    }
}

/// Runs the pipeline on the findings of `new` (the gate's report, narrowed to what is new)
/// and returns the suggestions it verified. Earlier suggestions are cleared first.
pub fn suggest(
    common: &CommonArgs,
    args: &CiArgs,
    new: &Report,
    new_copies: &BTreeSet<Key>,
    out_dir: &OutDir,
    console: &Console,
) -> anyhow::Result<Vec<Suggestion>> {
    let dir = out_dir.suggestions_dir();
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("remove {}", dir.display()))?;
    }
    // `--finding` names findings by the ids this gate printed, `--findings` their kinds.
    let mut fix = fix_args(args);
    // Checked whether or not there is anything to suggest: a CI setting that would do
    // nothing fails now, not on the day a finding comes.
    crate::refactor::settings::check_counts(&fix, &crate::config::ConfigFile::default())?;
    let chosen = crate::refactor::select::choose(&finding::findings(new), &fix, usize::MAX)?;
    let wanted: HashSet<u64> = chosen.iter().map(|f| f.fingerprint).collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    fix.pipeline.choice.finding.clear();
    let choose = |from: &Choosing| {
        Ok(Chosen::Try(
            (from.findings.iter())
                .filter(|f| wanted.contains(&f.fingerprint))
                .take(from.max)
                .map(|f| known_copies_first(f, new_copies))
                .collect(),
        ))
    };
    crate::refactor::session::session(
        common,
        &fix,
        console,
        "ci",
        choose,
        |pass, base, chosen| {
            let mark = pass.run_pass(1, &chosen, base)?;
            let reason = "every new finding was tried";
            pass.end_pass(&mark, base.scores, Some(reason))?;
            Ok(reason.to_owned())
        },
    )?;
    read(out_dir)
}

/// The finding with the copies the baseline knows first: an agent that keeps one copy keeps
/// code the project already has, so the suggestion lands on the lines the pull request adds.
fn known_copies_first(finding: &Finding, new_copies: &BTreeSet<Key>) -> Finding {
    let mut finding = finding.clone();
    let fingerprint = format!("{:016x}", finding.fingerprint);
    let is_new = |file: &str, item: &str| {
        (new_copies.iter())
            .any(|k| k.fingerprint == fingerprint && k.file == file && k.item == item)
    };
    finding.locations.sort_by_key(|l| is_new(&l.file, &l.item));
    finding
}

/// `fix`'s flags for the gate: its analysis and agent flags, every verified refactor a
/// suggestion, and nothing written.
fn fix_args(args: &CiArgs) -> FixArgs {
    let suggest = args.suggest.clone();
    let mut analysis = args.baseline.analysis.clone();
    // The gate already narrowed and judged; the pipeline's own output is its audit trail.
    analysis.in_diff = None;
    analysis.fail_on = None;
    analysis.output = crate::options::OutputFlags::default();
    FixArgs {
        analysis,
        pipeline: suggest.pipeline,
        role: Vec::new(),
        allow_sensitive: false,
        dry_run: true,
        commit: false,
        branch_per_refactor: false,
        shard: None,
        suggest: true,
        show_prompts: false,
    }
}

/// Writes a verified refactor of `finding` as a suggestion; returns the patch's path.
pub fn write(
    out_dir: &OutDir,
    root: &std::path::Path,
    finding: &Finding,
    changes: &[FileChange],
    sensitive: &[String],
) -> anyhow::Result<PathBuf> {
    let dir = out_dir.suggestions_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    let rule = finding.rule();
    let name = format!("{rule}-{:016x}", finding.fingerprint);
    let path = dir.join(format!("{name}.patch"));
    crate::secrets::write(&path, &patch::unified(changes))?;
    let suggestion = Suggestion {
        fingerprint: format!("{:016x}", finding.fingerprint),
        rule: rule.to_owned(),
        title: finding.title.clone(),
        patch: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
        sensitive: sensitive.to_vec(),
        edits: changes.iter().flat_map(patch::replacements).collect(),
    };
    let json = serde_json::to_string_pretty(&suggestion)?;
    crate::secrets::write(&dir.join(format!("{name}.json")), &json)?;
    Ok(path)
}

/// The suggestions in the out dir, by file name.
fn read(out_dir: &OutDir) -> anyhow::Result<Vec<Suggestion>> {
    let dir = out_dir.suggestions_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = (entries.filter_map(Result::ok))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)?;
            serde_json::from_str(&text).with_context(|| format!("read {}", path.display()))
        })
        .collect()
}
