//! What must hold before a pass may write the user's tree, as `cargo fix` checks it: the tree is
//! under version control and has no uncommitted changes (unless the user says otherwise); and
//! the scratch slot verification runs in, opened and synced.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::VerifyArgs;
use crate::console::Console;
use crate::error::UsageError;
use crate::options::SandboxMode;
use crate::record::out_dir::OutDir;
use crate::refactor::scratch::Scratch;

/// Everything checked before a pass: the tree (unless `--dry-run`, which writes nothing; what
/// is under `ours`, the loop's own output, does not make it dirty), and whether verification
/// can be confined as `--sandbox` asks (said on the console).
pub fn check(
    (root, ours): (&Path, &[PathBuf]),
    args: &VerifyArgs,
    sandbox: SandboxMode,
    dry_run: bool,
    console: &Console,
) -> anyhow::Result<()> {
    if !dry_run {
        check_clean(root, ours, args)?;
    }
    console.status("Sandbox", &crate::sandbox::init(sandbox)?);
    Ok(())
}

/// Refuses, as `cargo fix` does, a tree outside version control unless `--allow-no-vcs` and a
/// dirty git tree unless `--allow-dirty`.
fn check_clean(root: &Path, ours: &[PathBuf], args: &VerifyArgs) -> anyhow::Result<()> {
    let Some(dirty) = crate::refactor::git::dirty_files(root, ours) else {
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
    out_dir: &OutDir,
    target_dir: &Path,
    slot: usize,
    console: &Console,
) -> anyhow::Result<Scratch> {
    let skip = [target_dir.to_path_buf(), out_dir.path().to_path_buf()];
    let (scratch, stats) = Scratch::open(root, &out_dir.scratch_slot(slot), &skip)
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
