//! `target/loop/` (or `--out`): the one type that knows every path under it, so that no other
//! module spells a file name of it.
//!
//! ```text
//! target/loop/
//!   .lock              one run at a time (record::lock)
//!   audit.jsonl        the audit trail (record::audit)
//!   keeping.json       the refactor being written: each file before and after (refactor::keep)
//!   reaches.json       packages tested with the whole workspace (refactor::reach)
//!   tried.json         findings tried and not kept (refactor::memory)
//!   runs/RUN/CANDIDATE/attempt-N/   prompt, response, patch, command logs
//!   review/ID/         held refactors (refactor::review)
//!   scratch/N/         scratch slots (refactor::scratch)
//!   cache/             scan cache (cache)
//!   report.html        the HTML report (reporters::html)
//! ```

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutDir(PathBuf);

impl OutDir {
    /// `--out` if given, else `loop/` in the workspace's target dir (which honours
    /// `CARGO_TARGET_DIR`).
    pub fn new(out: Option<&Path>, target_dir: &Path) -> OutDir {
        OutDir(out.map_or_else(|| target_dir.join("loop"), Path::to_path_buf))
    }

    /// Refuses an `--out` that is a file: everything the loop writes goes in a folder there.
    pub fn check(out: &Path) -> Result<(), crate::error::UsageError> {
        if out.exists() && !out.is_dir() {
            let why = format!("`--out` names a folder, and {} is a file", out.display());
            return Err(crate::error::UsageError(why));
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// What the loop writes in a workspace: the build's `target_dir` and this folder. Neither
    /// is the user's change, nor a source to watch.
    pub fn ours(&self, target_dir: &Path) -> Vec<PathBuf> {
        vec![target_dir.to_path_buf(), self.0.clone()]
    }

    pub fn lock_file(&self) -> PathBuf {
        self.0.join(".lock")
    }

    pub fn audit_file(&self) -> PathBuf {
        self.0.join("audit.jsonl")
    }

    /// The folder of one candidate of a run.
    pub fn candidate_dir(&self, run: &str, candidate: &str) -> PathBuf {
        self.0.join("runs").join(run).join(candidate)
    }

    /// The temporary files a keep is writing in the user's tree, while it writes them.
    pub fn keep_journal(&self) -> PathBuf {
        self.0.join("keeping.json")
    }

    /// The reaches whose tests are not the baseline's own (`refactor::reach`).
    pub fn reaches_file(&self) -> PathBuf {
        self.0.join("reaches.json")
    }

    /// What `run` tried and did not keep, remembered across runs.
    pub fn tried_file(&self) -> PathBuf {
        self.0.join("tried.json")
    }

    pub fn review_dir(&self) -> PathBuf {
        self.0.join("review")
    }

    /// `ci --suggest`: the verified refactors of the last gate, as patches.
    pub fn suggestions_dir(&self) -> PathBuf {
        self.0.join("suggestions")
    }

    pub fn scratch_slot(&self, slot: usize) -> PathBuf {
        self.0.join("scratch").join(slot.to_string())
    }

    /// The HTML report (`cargo loop report`, `--format html`).
    pub fn report_file(&self) -> PathBuf {
        self.0.join("report.html")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.0.join("cache")
    }

    /// The per-file parse cache, shared by scans of the tree and of its scratch copies.
    pub fn parse_cache_dir(&self) -> PathBuf {
        self.cache_dir().join("files")
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn out_overrides_the_target_dir_and_names_stay_fixed() {
        let default = OutDir::new(None, Path::new("/ws/target"));
        assert_eq!(default.path(), Path::new("/ws/target/loop"));
        assert_eq!(
            default.candidate_dir("r1", "c2"),
            Path::new("/ws/target/loop/runs/r1/c2")
        );
        let moved = OutDir::new(Some(Path::new("/elsewhere")), Path::new("/ws/target"));
        assert_eq!(moved.audit_file(), Path::new("/elsewhere/audit.jsonl"));
    }
}
