//! A persistent scratch slot, where refactors are verified.
//!
//! A slot is a directory holding `tree/` (the copy), `target/` (its own cargo target dir, kept
//! across candidates and runs so every verification is an incremental build) and `state.json`
//! (the size and mtime of each source file at its last copy, so a later sync copies only what
//! changed), plus `pending.json` while some files of the copy differ from what the state says
//! (a candidate written and not yet restored, a sync under way), so that a killed run is undone
//! by the next sync. Nothing here ever writes the user's tree: symlinks are never written
//! through.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use super::manifest::{fix_toml_paths, TomlKind};
use super::source::{
    is_executable, make_symlink, read_source, set_executable, walk, Content, Stamp,
};
use crate::files::normalize;
use crate::refactor::change::FileChange;

/// Bumped when the state format changes; an older state makes the slot start over.
const STATE_VERSION: u32 = 2;

/// One scratch slot: a copy of the workspace plus the target dir its builds use.
#[derive(Debug)]
pub struct Scratch {
    /// The copy of the workspace root.
    pub tree: PathBuf,
    /// The cargo target dir for builds in `tree`.
    pub target_dir: PathBuf,
    /// The workspace root, absolute and lexically normalized (not canonicalized, so relative
    /// paths resolve the way cargo resolves them).
    source: PathBuf,
    dir: PathBuf,
    /// Directories never copied, canonicalized (plus their absolute spelling as a fallback).
    skip: Vec<PathBuf>,
    state: State,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStats {
    pub copied: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Source entries left out of the copy, as "path: reason" (unreadable files, fifos, sockets,
    /// names that are not UTF-8). A build that needs one of them fails in the copy, so callers
    /// should show these.
    pub skipped: Vec<String>,
    /// Entries copied otherwise than as they are (a link to a file outside, copied in).
    pub notes: Vec<String>,
}

/// The contents of `state.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    version: u32,
    /// The source root the copy was made from; another root means starting over.
    source: PathBuf,
    /// Per copied file (relative, `/`-separated), the source's metadata when it was copied.
    files: BTreeMap<String, Stamp>,
}

impl Scratch {
    /// Creates the slot or brings an existing one up to date with `source` (the workspace root).
    /// `skip` are absolute directories never copied (the user's target dir, the out dir).
    pub fn open(
        source: &Path,
        dir: &Path,
        skip: &[PathBuf],
    ) -> anyhow::Result<(Scratch, SyncStats)> {
        let source = absolute(source)?;
        if !source.is_dir() {
            bail!("workspace root {} is not a directory", source.display());
        }
        let dir = absolute(dir)?;
        fs::create_dir_all(&dir)
            .with_context(|| format!("create scratch dir {}", dir.display()))?;
        // The slot usually sits inside the user's target dir, but wherever it is, the copy must
        // not contain itself.
        let mut skip_dirs = vec![dir.clone()];
        skip_dirs.extend(skip.iter().cloned());
        let skip = skip_dirs
            .iter()
            .flat_map(|path| [fs::canonicalize(path).ok(), Some(normalize(path))])
            .flatten()
            .collect();
        let tree = dir.join("tree");
        let pending_readable = read_pending(&dir).is_ok();
        let state = match load_state(&dir.join("state.json"), &source)? {
            Some(state) if tree.is_dir() && pending_readable => state,
            // Without a state matching this source, nothing in the tree can be trusted.
            _ => {
                remove_dir_if_exists(&tree)?;
                write_pending(&dir, &BTreeSet::new())?;
                State {
                    version: STATE_VERSION,
                    source: source.clone(),
                    files: BTreeMap::new(),
                }
            }
        };
        // Leftovers of a killed run; nothing refers to them.
        remove_dir_if_exists(&dir.join("tmp"))?;
        for sub in ["tree", "target", "tmp"] {
            let path = dir.join(sub);
            fs::create_dir_all(&path).with_context(|| format!("create {}", path.display()))?;
        }
        let mut scratch = Scratch {
            target_dir: dir.join("target"),
            tree,
            source,
            dir,
            skip,
            state,
        };
        let first_sync = scratch.sync()?;
        Ok((scratch, first_sync))
    }

    /// Copies files changed in the source since the last sync, removes files deleted there.
    ///
    /// Files a candidate wrote and that were not restored (a killed run) are put back too.
    pub fn sync(&mut self) -> anyhow::Result<SyncStats> {
        let mut stats = SyncStats::default();
        let mut pending = read_pending(&self.dir)?;
        for rel in &pending {
            self.state.files.remove(rel);
        }
        let entries = walk(&self.source, &self.skip, &mut stats.skipped);
        let walked: BTreeSet<&str> = entries.iter().map(|entry| entry.rel.as_str()).collect();
        // Removals go first so that a path whose kind changed (a folder that became a file) is
        // free when its new entry is placed.
        let stale: BTreeSet<&String> = self.state.files.keys().chain(&pending).collect();
        for rel in stale
            .into_iter()
            .filter(|rel| !walked.contains(rel.as_str()))
        {
            self.remove_copy(rel)?;
            if self.state.files.contains_key(rel) {
                stats.removed += 1;
            }
        }
        let (current, changed): (Vec<_>, Vec<_>) = entries.iter().partition(|entry| {
            self.state.files.get(&entry.rel) == Some(&entry.stamp)
                && fs::symlink_metadata(self.tree.join(&entry.rel)).is_ok()
        });
        stats.unchanged = current.len();
        // Until the state is saved, the copies about to be made are vouched for by nothing; if
        // this run dies, the next sync must not keep one whose source has gone meanwhile.
        pending.extend(changed.iter().map(|entry| entry.rel.clone()));
        write_pending(&self.dir, &pending)?;
        let mut files: BTreeMap<String, Stamp> = current
            .iter()
            .map(|entry| (entry.rel.clone(), entry.stamp))
            .collect();
        for entry in changed {
            match read_source(&self.source, entry) {
                Ok((content, note)) => {
                    stats.notes.extend(note);
                    let content = self.fix_up(&entry.rel, content);
                    self.place(&entry.rel, &content, entry.executable)?;
                    stats.copied += 1;
                    files.insert(entry.rel.clone(), entry.stamp);
                }
                Err(err) => {
                    stats.skipped.push(format!("{}: {err}", entry.rel));
                    // An old copy would verify against contents the source no longer has.
                    self.remove_copy(&entry.rel)?;
                }
            }
        }
        self.state.files = files;
        // The state goes last, then the pending list it now covers.
        save_state(&self.dir, &self.state)?;
        write_pending(&self.dir, &BTreeSet::new())?;
        Ok(stats)
    }

    /// Writes a candidate's `after` contents into the copy (deleting files whose after is None).
    pub fn write(&self, changes: &[FileChange]) -> anyhow::Result<()> {
        // An unchanged file is left alone, so cargo has nothing to rebuild for it.
        let files: Vec<_> = changes
            .iter()
            .filter(|change| !change.is_noop())
            .map(|change| (change.path.as_str(), change.after.as_deref()))
            .collect();
        self.put(&files)
    }

    /// Puts back the `before` contents of exactly these files (deleting created ones).
    pub fn restore(&self, changes: &[FileChange]) -> anyhow::Result<()> {
        let files: Vec<_> = changes
            .iter()
            .filter(|change| !change.is_noop())
            .map(|change| (change.path.as_str(), change.before.as_deref()))
            .collect();
        self.put(&files)?;
        let mut pending = read_pending(&self.dir)?;
        for (rel, _) in &files {
            pending.remove(*rel);
        }
        write_pending(&self.dir, &pending)
    }

    /// Writes or deletes whole files in the copy, after checking every path first so that a
    /// refused change leaves the copy untouched.
    fn put(&self, files: &[(&str, Option<&str>)]) -> anyhow::Result<()> {
        for (rel, _) in files {
            check_relative(rel)?;
            refuse_symlinks(&self.tree, rel, true)?;
            if self.tree.join(rel).is_dir() {
                bail!("refusing to write {rel}: it is a folder in the workspace");
            }
        }
        // Recorded before the first write: if the run dies before `restore`, the next sync
        // knows these files no longer hold what the state says.
        let mut pending = read_pending(&self.dir)?;
        pending.extend(files.iter().map(|(rel, _)| (*rel).to_owned()));
        write_pending(&self.dir, &pending)?;
        for (rel, contents) in files {
            match contents {
                Some(text) => {
                    let content = self.fix_up(rel, Content::Bytes(text.as_bytes().to_vec()));
                    let executable = self.is_executable_in_copy(rel);
                    self.place(rel, &content, executable)?;
                }
                None => self.remove_copy(rel)?,
            }
        }
        Ok(())
    }

    /// Puts `content` at `rel` in the copy: written aside, then renamed into place, so that the
    /// copy never holds half a file.
    fn place(&self, rel: &str, content: &Content, executable: bool) -> anyhow::Result<()> {
        let dest = self.tree.join(rel);
        create_parents(&self.tree, rel)?;
        let tmp = tmp_path(&self.dir);
        match content {
            Content::Bytes(bytes) => {
                fs::write(&tmp, bytes).with_context(|| format!("write {}", tmp.display()))?;
                set_executable(&tmp, executable)?;
            }
            Content::Link(target) => make_symlink(target, &tmp)?,
        }
        // A folder where the source now has a file: only our copy can be in it.
        if fs::symlink_metadata(&dest).is_ok_and(|meta| meta.is_dir()) {
            fs::remove_dir_all(&dest).with_context(|| format!("remove {}", dest.display()))?;
        }
        fs::rename(&tmp, &dest)
            .with_context(|| format!("move {} to {}", tmp.display(), dest.display()))
    }

    /// Deletes `rel` from the copy if it is there. A path under a symlink is not in the copy
    /// (the link was copied, not its contents), and deleting through it would reach outside.
    fn remove_copy(&self, rel: &str) -> anyhow::Result<()> {
        if refuse_symlinks(&self.tree, rel, false).is_err() {
            return Ok(());
        }
        let path = self.tree.join(rel);
        match fs::remove_file(&path) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => {
                Err(err).with_context(|| format!("remove {}", path.display()))
            }
            _ => Ok(()),
        }
    }

    /// Rewrites path references that leave the workspace in manifests and the root cargo config.
    fn fix_up(&self, rel: &str, content: Content) -> Content {
        let Content::Bytes(bytes) = content else {
            return content;
        };
        let kind = if rel == "Cargo.toml" || rel.ends_with("/Cargo.toml") {
            TomlKind::Manifest
        } else if rel == ".cargo/config.toml" || rel == ".cargo/config" {
            TomlKind::CargoConfig
        } else {
            return Content::Bytes(bytes);
        };
        // Manifest paths are relative to the manifest's folder, config paths to the folder
        // holding `.cargo`.
        let base = match kind {
            TomlKind::Manifest => self
                .source
                .join(rel)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            TomlKind::CargoConfig => self.source.clone(),
        };
        let fixed = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| fix_toml_paths(text, kind, &base, &self.source));
        Content::Bytes(fixed.map_or(bytes, String::into_bytes))
    }

    fn is_executable_in_copy(&self, rel: &str) -> bool {
        fs::metadata(self.tree.join(rel)).is_ok_and(|meta| is_executable(&meta))
    }
}

/// A fresh name in the slot's `tmp/`, on the same file system as the copy so that renaming
/// from it is atomic.
fn tmp_path(dir: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join("tmp").join(format!("{}-{n}", std::process::id()))
}

fn save_state(dir: &Path, state: &State) -> anyhow::Result<()> {
    let json = serde_json::to_vec(state).context("serialize scratch state")?;
    write_atomically(dir, &dir.join("state.json"), &json)
}

/// Paths in the copy whose contents the state does not vouch for (`pending.json`): written by
/// a candidate and not restored yet, or being copied by a sync.
fn read_pending(dir: &Path) -> anyhow::Result<BTreeSet<String>> {
    let path = dir.join("pending.json");
    match crate::files::read_optional(&path)? {
        None => Ok(BTreeSet::new()),
        Some(bytes) => {
            serde_json::from_slice(&bytes).with_context(|| format!("parse {}", path.display()))
        }
    }
}

fn write_pending(dir: &Path, pending: &BTreeSet<String>) -> anyhow::Result<()> {
    let path = dir.join("pending.json");
    if pending.is_empty() {
        return match fs::remove_file(&path) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => {
                Err(err).with_context(|| format!("remove {}", path.display()))
            }
            _ => Ok(()),
        };
    }
    let json = serde_json::to_vec(pending).context("serialize pending scratch files")?;
    write_atomically(dir, &path, &json)
}

fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = tmp_path(dir);
    fs::write(&tmp, bytes).with_context(|| format!("write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("move {} to {}", tmp.display(), path.display()))
}

/// Reads the state of a slot; `None` when there is none usable for `source`.
fn load_state(path: &Path, source: &Path) -> anyhow::Result<Option<State>> {
    let bytes = match fs::read(path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        other => other.with_context(|| format!("read {}", path.display()))?,
    };
    // A state from another version or another root, or a damaged one, only costs a full copy.
    Ok(serde_json::from_slice::<State>(&bytes)
        .ok()
        .filter(|state| state.version == STATE_VERSION && state.source == source))
}

/// Checks that a change's path names a file inside the copy.
fn check_relative(rel: &str) -> anyhow::Result<()> {
    let path = Path::new(rel);
    let normal = path
        .components()
        .all(|part| matches!(part, Component::Normal(_)));
    if rel.is_empty() || !normal || rel.ends_with('/') {
        bail!("refusing to write {rel}: not a relative path inside the workspace");
    }
    Ok(())
}

/// Fails if a prefix of `rel` in `tree` is a symlink (the whole path too if `whole`): writing
/// there would change whatever the link points at, possibly the user's files.
fn refuse_symlinks(tree: &Path, rel: &str, whole: bool) -> anyhow::Result<()> {
    let parts: Vec<&str> = rel.split('/').collect();
    let n_checked = if whole { parts.len() } else { parts.len() - 1 };
    let mut path = tree.to_path_buf();
    for part in &parts[..n_checked] {
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                bail!("refusing to write {rel}: {} is a symlink", path.display())
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

/// Creates the folders above `rel` in `tree`, refusing to go through a symlink.
fn create_parents(tree: &Path, rel: &str) -> anyhow::Result<()> {
    refuse_symlinks(tree, rel, false)?;
    let Some(parent) = tree.join(rel).parent().map(Path::to_path_buf) else {
        return Ok(());
    };
    fs::create_dir_all(&parent).with_context(|| format!("create {}", parent.display()))
}

fn remove_dir_if_exists(path: &Path) -> anyhow::Result<()> {
    match fs::remove_dir_all(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let path = std::path::absolute(path).with_context(|| format!("resolve {}", path.display()))?;
    Ok(normalize(&path))
}
