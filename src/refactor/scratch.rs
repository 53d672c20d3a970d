//! Persistent scratch copies of the workspace, where refactors are verified.
//!
//! A slot is a directory holding `tree/` (the copy), `target/` (its own cargo target dir, kept
//! across candidates and runs so every verification is an incremental build) and `state.json`
//! (the size and mtime of each source file at its last copy, so a later sync copies only what
//! changed), plus `pending.json` while some files of the copy differ from what the state says
//! (a candidate written and not yet restored, a sync under way), so that a killed run is undone
//! by the next sync. The copy honours the ignore files the way git and cargo-mutants do, keeps
//! symlinks as links, and rewrites relative path dependencies that leave the workspace so the
//! copy still builds. Nothing here ever writes the user's tree: symlinks are never written
//! through.
//!
//! This module owns the interface to the `ignore` and `toml_edit` crates.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::UNIX_EPOCH;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

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

/// The source metadata that decides whether a file needs copying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    mtime_ns: i128,
    symlink: bool,
}

/// A file or symlink found in the source.
struct SourceEntry {
    rel: String,
    path: PathBuf,
    stamp: Stamp,
    executable: bool,
}

/// What gets put at a path in the copy.
enum Content {
    Bytes(Vec<u8>),
    Link(PathBuf),
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

/// Lists the files and symlinks of the source that belong in the copy, honouring .gitignore,
/// .ignore and git's exclude file (also outside a git repository).
fn walk(source: &Path, skip: &[PathBuf], skipped: &mut Vec<String>) -> Vec<SourceEntry> {
    let skip = skip.to_vec();
    let walker = ignore::WalkBuilder::new(source)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| keep(entry, &skip))
        .build();
    let mut entries = Vec::new();
    for result in walker {
        let entry = match result {
            Ok(entry) => entry,
            Err(err) => {
                skipped.push(err.to_string());
                continue;
            }
        };
        if entry.file_type().is_none_or(|file_type| file_type.is_dir()) {
            continue;
        }
        match source_entry(source, entry.path()) {
            Ok(source_entry) => entries.push(source_entry),
            Err(reason) => skipped.push(format!("{}: {reason}", entry.path().display())),
        }
    }
    entries
}

/// Whether the walk goes into (or lists) `entry`.
fn keep(entry: &ignore::DirEntry, skip: &[PathBuf]) -> bool {
    if entry.depth() == 0 {
        return true;
    }
    let name = entry.file_name();
    // The root `target` is the user's build output, whatever the manifest calls it; `.git` is
    // never source.
    if name == ".git" || (entry.depth() == 1 && name == "target") {
        return false;
    }
    if entry
        .file_type()
        .is_some_and(|file_type| file_type.is_dir())
    {
        let path = entry.path();
        if skip.iter().any(|dir| dir == path) {
            return false;
        }
        if let Ok(canonical) = fs::canonicalize(path) {
            return !skip.contains(&canonical);
        }
    }
    true
}

/// Describes one walked path, or says why it stays out of the copy.
fn source_entry(source: &Path, path: &Path) -> Result<SourceEntry, String> {
    let rel = path.strip_prefix(source).map_err(|err| err.to_string())?;
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|part| part.as_os_str().to_str())
        .collect();
    let rel = parts.ok_or("the name is not UTF-8")?.join("/");
    let meta = fs::symlink_metadata(path).map_err(|err| err.to_string())?;
    let file_type = meta.file_type();
    if !file_type.is_file() && !file_type.is_symlink() {
        return Err("not a regular file or symlink".to_owned());
    }
    // A link to a file outside is copied in, so a change of that file must show too.
    let followed = file_type
        .is_symlink()
        .then(|| fs::metadata(path).ok())
        .flatten();
    let stamp = Stamp {
        size: meta.len() + followed.as_ref().map_or(0, fs::Metadata::len),
        mtime_ns: mtime_ns(&meta).max(followed.as_ref().map_or(i128::MIN, mtime_ns)),
        symlink: file_type.is_symlink(),
    };
    Ok(SourceEntry {
        rel,
        path: path.to_path_buf(),
        stamp,
        executable: is_executable(&meta),
    })
}

/// Reads what a source entry holds. A copy never gives a path into the user's tree or outside
/// it (a build script or an agent writing through it would change the original): a link to
/// something inside the workspace becomes a relative link to the same place in the copy; a link
/// to a file outside is copied in (the `Ok` note says so); a link to a folder outside, or to
/// nothing outside, is left out (the `Err` says why).
fn read_source(source: &Path, entry: &SourceEntry) -> io::Result<(Content, Option<String>)> {
    if !entry.stamp.symlink {
        return fs::read(&entry.path).map(|bytes| (Content::Bytes(bytes), None));
    }
    let target = fs::read_link(&entry.path)?;
    let lexical = normalize(&entry.path.parent().unwrap_or(source).join(&target));
    let Ok(resolved) = fs::canonicalize(&entry.path) else {
        // Dangling or a loop: harmless inside the copy, a door out of it elsewhere.
        return match lexical.strip_prefix(source) {
            Ok(inside) => Ok((Content::Link(relative_link(&entry.rel, inside)), None)),
            Err(_) => Err(io::Error::other(format!(
                "a symbolic link to {}, which does not exist, outside the workspace",
                target.display()
            ))),
        };
    };
    let root = fs::canonicalize(source)?;
    if let Ok(inside) = resolved.strip_prefix(&root) {
        return Ok((Content::Link(relative_link(&entry.rel, inside)), None));
    }
    if resolved.is_file() {
        let note = format!(
            "{}: a symbolic link to {} outside the workspace; the copy holds the file itself",
            entry.rel,
            resolved.display()
        );
        return fs::read(&resolved).map(|bytes| (Content::Bytes(bytes), Some(note)));
    }
    Err(io::Error::other(format!(
        "a symbolic link to the folder {} outside the workspace; left out so that nothing run \
         in the copy can write there",
        resolved.display()
    )))
}

/// The target of a link at `link` (relative to the root) that names `inside` (relative too).
fn relative_link(link: &str, inside: &Path) -> PathBuf {
    let depth = link.split('/').count() - 1;
    let mut target: PathBuf = std::iter::repeat_n("..", depth).collect();
    target.push(inside);
    if target.as_os_str().is_empty() {
        target.push(".");
    }
    target
}

fn mtime_ns(meta: &fs::Metadata) -> i128 {
    let mtime = meta.modified().unwrap_or(UNIX_EPOCH);
    match mtime.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).unwrap_or(i128::MAX),
        Err(before) => -i128::try_from(before.duration().as_nanos()).unwrap_or(i128::MAX),
    }
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

/// The absolute path `relative` (taken from `base`) points at, if it is relative and leaves `root`.
fn outside_root(relative: &Path, base: &Path, root: &Path) -> Option<PathBuf> {
    if relative.is_absolute() {
        return None;
    }
    let resolved = normalize(&base.join(relative));
    (!resolved.starts_with(root)).then_some(resolved)
}

#[derive(Debug, Clone, Copy)]
enum TomlKind {
    Manifest,
    CargoConfig,
}

/// The dependency tables of a manifest (and of each `[target.*]` table), with cargo's legacy
/// underscore spellings.
const DEPENDENCY_TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

/// Rewrites relative paths that leave `root` to absolute ones; `None` if nothing changed or
/// the file does not parse (cargo will report that in the copy just as in the source).
fn fix_toml_paths(text: &str, kind: TomlKind, base: &Path, root: &Path) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
    let fix = |item: &mut toml_edit::Item| fix_dependency_table(item, base, root);
    let top = doc.as_table_mut();
    let mut changed = false;
    match kind {
        TomlKind::Manifest => {
            for name in DEPENDENCY_TABLES {
                changed |= top.get_mut(name).is_some_and(fix);
            }
            if let Some(targets) = top
                .get_mut("target")
                .and_then(toml_edit::Item::as_table_like_mut)
            {
                for (_, platform) in targets.iter_mut() {
                    let Some(platform) = platform.as_table_like_mut() else {
                        continue;
                    };
                    for name in DEPENDENCY_TABLES {
                        changed |= platform.get_mut(name).is_some_and(fix);
                    }
                }
            }
            if let Some(workspace) = top
                .get_mut("workspace")
                .and_then(toml_edit::Item::as_table_like_mut)
            {
                changed |= workspace.get_mut("dependencies").is_some_and(fix);
            }
            changed |= top.get_mut("replace").is_some_and(fix);
        }
        TomlKind::CargoConfig => {
            if let Some(paths) = top.get_mut("paths").and_then(toml_edit::Item::as_array_mut) {
                for value in paths.iter_mut() {
                    changed |= fix_path_value(value, base, root);
                }
            }
        }
    }
    if let Some(patches) = top
        .get_mut("patch")
        .and_then(toml_edit::Item::as_table_like_mut)
    {
        for (_, registry) in patches.iter_mut() {
            changed |= fix(registry);
        }
    }
    changed.then(|| doc.to_string())
}

/// Fixes the `path` of each dependency in a table of dependencies.
fn fix_dependency_table(item: &mut toml_edit::Item, base: &Path, root: &Path) -> bool {
    let Some(table) = item.as_table_like_mut() else {
        return false;
    };
    let mut changed = false;
    for (_, dependency) in table.iter_mut() {
        let path = dependency
            .as_table_like_mut()
            .and_then(|detail| detail.get_mut("path"));
        if let Some(value) = path.and_then(toml_edit::Item::as_value_mut) {
            changed |= fix_path_value(value, base, root);
        }
    }
    changed
}

/// Replaces a relative path string that leaves `root` by its absolute form, keeping the
/// surrounding whitespace and comments.
fn fix_path_value(value: &mut toml_edit::Value, base: &Path, root: &Path) -> bool {
    let Some(absolute) = value
        .as_str()
        .and_then(|text| outside_root(Path::new(text), base, root))
    else {
        return false;
    };
    let Some(absolute) = absolute.to_str() else {
        return false;
    };
    let decor = value.decor().clone();
    *value = toml_edit::Value::from(absolute);
    *value.decor_mut() = decor;
    true
}

#[cfg(unix)]
fn make_symlink(target: &Path, link: &Path) -> anyhow::Result<()> {
    std::os::unix::fs::symlink(target, link)
        .with_context(|| format!("create symlink {} to {}", link.display(), target.display()))
}

#[cfg(not(unix))]
fn make_symlink(target: &Path, link: &Path) -> anyhow::Result<()> {
    bail!(
        "cannot copy symlink {} to {}: symlinks are only copied on Unix",
        link.display(),
        target.display()
    )
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &fs::Metadata) -> bool {
    false
}

/// Keeps scripts in the tree runnable (a build script may run them); other modes are left at
/// the default so copies stay writable.
#[cfg(unix)]
fn set_executable(path: &Path, executable: bool) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if !executable {
        return Ok(());
    }
    let meta =
        fs::metadata(path).with_context(|| format!("read metadata of {}", path.display()))?;
    let mode = meta.permissions().mode() | 0o111;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .with_context(|| format!("chmod {}", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_path: &Path, _executable: bool) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod test {
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::{Path, PathBuf};

    use super::Scratch;
    use crate::refactor::change::FileChange;

    fn put(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Every file and symlink under `root`, with its contents or `-> link text`.
    fn listing(root: &Path) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(root).min_depth(1) {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            if entry.file_type().is_symlink() {
                let target = fs::read_link(entry.path()).unwrap();
                files.insert(rel, format!("-> {}", target.display()));
            } else if entry.file_type().is_file() {
                files.insert(rel, fs::read_to_string(entry.path()).unwrap());
            }
        }
        files
    }

    fn names(root: &Path) -> Vec<String> {
        listing(root).into_keys().collect()
    }

    /// A small crate: a workspace root with a manifest and one source file.
    fn small_crate() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        put(
            tmp.path(),
            "Cargo.toml",
            "[package]\nname = \"small\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
        put(tmp.path(), "src/main.rs", "fn main() {}\n");
        tmp
    }

    fn change(path: &str, before: Option<&str>, after: Option<&str>) -> FileChange {
        FileChange::new(path, before, after)
    }

    #[test]
    fn open_copies_the_workspace_without_ignored_files_git_root_target_or_skip_dirs() {
        let source = small_crate();
        let root = source.path();
        put(root, ".gitignore", "*.log\n/generated/\n");
        put(root, ".ignore", "notes.txt\n");
        put(root, "debug.log", "noise");
        put(root, "notes.txt", "private");
        put(root, "generated/out.rs", "// generated");
        put(root, "target/debug/small", "binary");
        put(root, "out/loop/audit.jsonl", "{}");
        put(root, ".git/HEAD", "ref: refs/heads/main");
        put(root, ".cargo/config.toml", "[build]\n");
        put(
            root,
            "crates/a/target/keep.rs",
            "// only the root target is build output",
        );
        let scratch_dir = tempfile::tempdir().unwrap();
        let (scratch, stats) =
            Scratch::open(root, scratch_dir.path(), &[root.join("out")]).unwrap();
        assert_eq!(
            names(&scratch.tree),
            [
                ".cargo/config.toml",
                ".gitignore",
                ".ignore",
                "Cargo.toml",
                "crates/a/target/keep.rs",
                "src/main.rs"
            ]
        );
        assert_eq!((stats.copied, stats.removed, stats.unchanged), (6, 0, 0));
        assert!(stats.skipped.is_empty(), "{:?}", stats.skipped);
        assert_eq!(scratch.target_dir, scratch_dir.path().join("target"));
        assert!(scratch.target_dir.is_dir());
    }

    #[test]
    fn open_never_copies_a_scratch_dir_that_lies_inside_the_workspace() {
        let source = small_crate();
        let root = source.path();
        let dir = root.join("build-out/scratch/0");
        let (scratch, _) = Scratch::open(root, &dir, &[]).unwrap();
        assert_eq!(names(&scratch.tree), ["Cargo.toml", "src/main.rs"]);
        // The usual place, under the user's target dir, is skipped with it.
        let source = small_crate();
        let root = source.path();
        let (scratch, _) = Scratch::open(root, &root.join("target/loop/scratch/0"), &[]).unwrap();
        assert_eq!(names(&scratch.tree), ["Cargo.toml", "src/main.rs"]);
    }

    /// A workspace at `<tmp>/ws` whose manifest depends on `<tmp>/shared` and on `ws/inner`.
    fn workspace_with_outside_path_dep() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        put(
            &tmp.path().join("shared"),
            "Cargo.toml",
            "[package]\nname = \"shared\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
        put(
            &tmp.path().join("shared"),
            "src/lib.rs",
            "pub fn shared() {}\n",
        );
        put(
            &root,
            "Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\n\
             shared = { path = \"../shared\" } # outside\n\
             inner = { path = \"inner\" }\n",
        );
        put(
            &root,
            "src/main.rs",
            "fn main() { shared::shared(); inner::inner(); }\n",
        );
        put(
            &root,
            "inner/Cargo.toml",
            "[package]\nname = \"inner\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
        put(&root, "inner/src/lib.rs", "pub fn inner() {}\n");
        (tmp, root)
    }

    #[test]
    fn a_relative_path_dependency_outside_the_root_becomes_absolute_and_one_inside_stays() {
        let (tmp, root) = workspace_with_outside_path_dep();
        let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
        let manifest = fs::read_to_string(scratch.tree.join("Cargo.toml")).unwrap();
        let shared = tmp.path().join("shared");
        let expected = format!(
            "shared = {{ path = \"{}\" }} # outside\ninner = {{ path = \"inner\" }}\n",
            shared.display()
        );
        assert!(manifest.ends_with(&expected), "{manifest}");
    }

    #[test]
    fn path_dependencies_outside_the_root_are_fixed_in_every_dependency_table() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        put(
            &root,
            "crates/a/Cargo.toml",
            "[package]\nname = \"a\"\n\n\
             [dev-dependencies.d]\npath = \"../../../d\"\n\n\
             [build-dependencies]\nb = { path = \"../b\", version = \"1\" }\n\n\
             [target.'cfg(unix)'.dependencies]\nu = { path = \"../../../u\" }\n",
        );
        put(
            &root,
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\"]\n\n\
             [workspace.dependencies]\nw = { path = \"../w\" }\n\n\
             [patch.crates-io]\np = { path = \"../p\" }\n\n\
             [replace]\n\"r:1.0.0\" = { path = \"../r\" }\n",
        );
        let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
        let outside = |name: &str| tmp.path().join(name).display().to_string();
        let member = fs::read_to_string(scratch.tree.join("crates/a/Cargo.toml")).unwrap();
        assert!(
            member.contains(&format!(
                "[dev-dependencies.d]\npath = \"{}\"\n",
                outside("d")
            )),
            "{member}"
        );
        assert!(
            member.contains("b = { path = \"../b\", version = \"1\" }"),
            "{member}"
        );
        assert!(
            member.contains(&format!("u = {{ path = \"{}\" }}", outside("u"))),
            "{member}"
        );
        let top = fs::read_to_string(scratch.tree.join("Cargo.toml")).unwrap();
        for name in ["w", "p", "r"] {
            assert!(
                top.contains(&format!("{{ path = \"{}\" }}", outside(name))),
                "{top}"
            );
        }
    }

    #[test]
    fn cargo_config_paths_and_patches_outside_the_root_become_absolute() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        put(
            &root,
            ".cargo/config.toml",
            "paths = [\"../over\", \"vendor/x\"]\n\n[patch.crates-io]\np = { path = \"../p\" }\n",
        );
        let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
        let config = fs::read_to_string(scratch.tree.join(".cargo/config.toml")).unwrap();
        let outside = |name: &str| tmp.path().join(name).display().to_string();
        assert_eq!(
            config,
            format!(
                "paths = [\"{}\", \"vendor/x\"]\n\n[patch.crates-io]\np = {{ path = \"{}\" }}\n",
                outside("over"),
                outside("p")
            )
        );
    }

    #[test]
    fn cargo_metadata_resolves_the_outside_path_dependency_in_the_copy() {
        let (tmp, root) = workspace_with_outside_path_dep();
        let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = std::process::Command::new(cargo)
            .args([
                "metadata",
                "--offline",
                "--format-version",
                "1",
                "--manifest-path",
            ])
            .arg(scratch.tree.join("Cargo.toml"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let manifests: BTreeMap<&str, PathBuf> = metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|package| {
                (
                    package["name"].as_str().unwrap(),
                    PathBuf::from(package["manifest_path"].as_str().unwrap()),
                )
            })
            .collect();
        assert_eq!(manifests["shared"], tmp.path().join("shared/Cargo.toml"));
        assert_eq!(manifests["inner"], scratch.tree.join("inner/Cargo.toml"));
    }

    #[test]
    fn sync_copies_only_changed_files_and_removes_deleted_ones() {
        let source = small_crate();
        let root = source.path();
        put(root, "src/lib.rs", "pub fn old() {}\n");
        put(root, "README.md", "readme\n");
        let scratch_dir = tempfile::tempdir().unwrap();
        let (mut scratch, stats) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
        assert_eq!((stats.copied, stats.removed, stats.unchanged), (4, 0, 0));

        let stats = scratch.sync().unwrap();
        assert_eq!((stats.copied, stats.removed, stats.unchanged), (0, 0, 4));

        put(root, "src/lib.rs", "pub fn new() {}\n");
        put(root, "src/added.rs", "// added\n");
        fs::remove_file(root.join("README.md")).unwrap();
        let stats = scratch.sync().unwrap();
        assert_eq!((stats.copied, stats.removed, stats.unchanged), (2, 1, 2));
        assert_eq!(listing(&scratch.tree), listing(root));
    }

    #[test]
    fn sync_notices_a_same_size_edit_by_its_mtime() {
        let source = small_crate();
        let root = source.path();
        let scratch_dir = tempfile::tempdir().unwrap();
        let (mut scratch, _) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
        put(root, "src/main.rs", "fn niam() {}\n");
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        fs::File::options()
            .write(true)
            .open(root.join("src/main.rs"))
            .unwrap()
            .set_modified(later)
            .unwrap();
        let stats = scratch.sync().unwrap();
        assert_eq!((stats.copied, stats.unchanged), (1, 1));
        assert_eq!(
            fs::read_to_string(scratch.tree.join("src/main.rs")).unwrap(),
            "fn niam() {}\n"
        );
    }

    #[test]
    fn reopening_a_slot_copies_nothing_not_even_a_rewritten_manifest() {
        let (tmp, root) = workspace_with_outside_path_dep();
        let dir = tmp.path().join("scratch");
        let (mut scratch, stats) = Scratch::open(&root, &dir, &[]).unwrap();
        assert_eq!(stats.copied, 4);
        assert_eq!(
            (
                scratch.sync().unwrap().copied,
                scratch.sync().unwrap().unchanged
            ),
            (0, 4)
        );
        drop(scratch);
        let (_, stats) = Scratch::open(&root, &dir, &[]).unwrap();
        assert_eq!((stats.copied, stats.removed, stats.unchanged), (0, 0, 4));
    }

    #[test]
    fn copied_files_are_newer_than_their_sources() {
        let source = small_crate();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        fs::File::options()
            .write(true)
            .open(source.path().join("src/main.rs"))
            .unwrap()
            .set_modified(old)
            .unwrap();
        let scratch_dir = tempfile::tempdir().unwrap();
        let (scratch, _) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
        let copied = fs::metadata(scratch.tree.join("src/main.rs"))
            .unwrap()
            .modified()
            .unwrap();
        assert!(copied > old);
    }

    #[test]
    fn write_then_restore_gives_back_the_original_bytes_and_deletes_created_files() {
        let source = small_crate();
        let root = source.path();
        put(root, "src/gone.rs", "// deleted by the candidate\n");
        let scratch_dir = tempfile::tempdir().unwrap();
        let (scratch, _) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
        let original = listing(&scratch.tree);
        let changes = [
            change(
                "src/main.rs",
                Some("fn main() {}\n"),
                Some("fn main() { helper::go() }\n"),
            ),
            change("src/helper/mod.rs", None, Some("pub fn go() {}\n")),
            change("src/gone.rs", Some("// deleted by the candidate\n"), None),
        ];
        scratch.write(&changes).unwrap();
        let written = listing(&scratch.tree);
        assert_eq!(written["src/main.rs"], "fn main() { helper::go() }\n");
        assert_eq!(written["src/helper/mod.rs"], "pub fn go() {}\n");
        assert!(!written.contains_key("src/gone.rs"));
        assert_eq!(
            listing(root)["src/main.rs"],
            "fn main() {}\n",
            "the source is never written"
        );

        scratch.restore(&changes).unwrap();
        assert_eq!(listing(&scratch.tree), original);
    }

    #[test]
    fn a_candidate_left_written_by_a_killed_run_is_undone_when_the_slot_is_reopened() {
        let source = small_crate();
        let root = source.path();
        let scratch_dir = tempfile::tempdir().unwrap();
        let (scratch, _) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
        scratch
            .write(&[
                change("src/main.rs", Some("fn main() {}\n"), Some("broken")),
                change("src/new.rs", None, Some("new")),
            ])
            .unwrap();
        drop(scratch);
        let (scratch, stats) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
        assert_eq!((stats.copied, stats.unchanged), (1, 1));
        assert_eq!(listing(&scratch.tree), listing(root));
        assert!(!scratch_dir.path().join("pending.json").exists());
    }

    #[test]
    fn a_damaged_state_makes_the_slot_start_over() {
        let source = small_crate();
        let scratch_dir = tempfile::tempdir().unwrap();
        Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
        put(
            scratch_dir.path(),
            "tree/src/stray.rs",
            "// not from the source",
        );
        fs::write(
            scratch_dir.path().join("state.json"),
            "{\"version\": 1, \"fi",
        )
        .unwrap();
        let (scratch, stats) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
        assert_eq!((stats.copied, stats.unchanged), (2, 0));
        assert_eq!(listing(&scratch.tree), listing(source.path()));
    }

    #[test]
    fn write_puts_outside_path_dependencies_of_a_new_manifest_back_to_absolute() {
        let (tmp, root) = workspace_with_outside_path_dep();
        let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
        let manifest =
            "[package]\nname = \"inner\"\n[dependencies]\nshared = { path = \"../../shared\" }\n";
        scratch
            .write(&[change("inner/Cargo.toml", None, Some(manifest))])
            .unwrap();
        let written = fs::read_to_string(scratch.tree.join("inner/Cargo.toml")).unwrap();
        assert!(
            written.contains(&format!(
                "path = \"{}\"",
                tmp.path().join("shared").display()
            )),
            "{written}"
        );
    }

    #[test]
    fn write_refuses_paths_that_leave_the_copy() {
        let source = small_crate();
        let scratch_dir = tempfile::tempdir().unwrap();
        let (scratch, _) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
        for path in [
            "../escape.rs",
            "/etc/passwd",
            "src/../../x.rs",
            "",
            "src/",
            "src",
        ] {
            let err = scratch.write(&[change(path, None, Some("x"))]).unwrap_err();
            assert!(
                err.to_string().contains("refusing to write"),
                "{path}: {err}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_never_lead_out_of_the_copy() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        put(&root, "src/main.rs", "fn main() {}\n");
        put(tmp.path(), "elsewhere/data.txt", "outside");
        symlink("main.rs", root.join("src/alias.rs")).unwrap();
        symlink(root.join("src/main.rs"), root.join("src/absolute_alias.rs")).unwrap();
        symlink("src", root.join("sources")).unwrap();
        symlink("nowhere", root.join("dangling")).unwrap();
        symlink(tmp.path().join("elsewhere"), root.join("absolute")).unwrap();
        symlink("../elsewhere", root.join("relative_outside")).unwrap();
        symlink("../elsewhere/data.txt", root.join("outside_file.txt")).unwrap();
        symlink("/nonexistent/x", root.join("outside_nothing")).unwrap();
        symlink("self_loop", root.join("self_loop")).unwrap();
        let (scratch, stats) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
        let expected: BTreeMap<String, String> = [
            ("dangling", "-> nowhere"),
            ("outside_file.txt", "outside"),
            ("self_loop", "-> self_loop"),
            ("sources", "-> src"),
            ("src/absolute_alias.rs", "-> ../src/main.rs"),
            ("src/alias.rs", "-> ../src/main.rs"),
            ("src/main.rs", "fn main() {}\n"),
        ]
        .into_iter()
        .map(|(name, text)| (name.to_owned(), text.to_owned()))
        .collect();
        assert_eq!(listing(&scratch.tree), expected);
        let mut left_out: Vec<&str> = stats
            .skipped
            .iter()
            .map(|s| s.split(':').next().unwrap())
            .collect();
        left_out.sort_unstable();
        assert_eq!(
            left_out,
            ["absolute", "outside_nothing", "relative_outside"],
            "{:?}",
            stats.skipped
        );
        assert!(stats.notes[0].starts_with("outside_file.txt: a symbolic link"));
    }

    #[cfg(unix)]
    #[test]
    fn write_refuses_to_go_through_a_symlink() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        put(&root, "src/main.rs", "fn main() {}\n");
        put(tmp.path(), "elsewhere/data.txt", "outside");
        symlink("src", root.join("linked")).unwrap();
        symlink("main.rs", root.join("src/alias.rs")).unwrap();
        let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
        for path in ["linked/main.rs", "linked/new.txt", "src/alias.rs"] {
            let changes = [
                change("src/main.rs", None, Some("changed")),
                change(path, None, Some("through the link")),
            ];
            let err = scratch.write(&changes).unwrap_err();
            assert!(err.to_string().contains("is a symlink"), "{path}: {err}");
            let err = scratch.restore(&changes).unwrap_err();
            assert!(err.to_string().contains("is a symlink"), "{path}: {err}");
        }
        assert!(scratch
            .write(&[change("linked/main.rs", Some("fn main() {}\n"), None)])
            .is_err());
        assert_eq!(
            fs::read_to_string(scratch.tree.join("src/main.rs")).unwrap(),
            "fn main() {}\n",
            "nothing was written"
        );
    }

    #[cfg(unix)]
    #[test]
    fn sync_replaces_a_folder_that_became_a_symlink_and_a_file_that_became_a_folder() {
        use std::os::unix::fs::symlink;
        let source = small_crate();
        let root = source.path();
        put(root, "assets/logo.txt", "logo");
        put(root, "docs", "a file for now");
        let scratch_dir = tempfile::tempdir().unwrap();
        let (mut scratch, _) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
        fs::remove_dir_all(root.join("assets")).unwrap();
        symlink("src", root.join("assets")).unwrap();
        fs::remove_file(root.join("docs")).unwrap();
        put(root, "docs/guide.md", "guide");
        let stats = scratch.sync().unwrap();
        assert_eq!((stats.copied, stats.removed), (2, 2));
        assert_eq!(listing(&scratch.tree), listing(root));
    }

    #[cfg(unix)]
    #[test]
    fn special_files_such_as_sockets_are_skipped_and_reported() {
        let source = small_crate();
        let _listener =
            std::os::unix::net::UnixListener::bind(source.path().join("daemon.sock")).unwrap();
        let scratch_dir = tempfile::tempdir().unwrap();
        let (scratch, stats) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
        assert_eq!(names(&scratch.tree), ["Cargo.toml", "src/main.rs"]);
        assert_eq!(stats.skipped.len(), 1);
        assert!(
            stats.skipped[0].contains("daemon.sock"),
            "{:?}",
            stats.skipped
        );
    }

    #[cfg(unix)]
    #[test]
    fn executable_scripts_stay_executable_in_the_copy() {
        use std::os::unix::fs::PermissionsExt;
        let source = small_crate();
        put(source.path(), "gen.sh", "#!/bin/sh\n");
        fs::set_permissions(
            source.path().join("gen.sh"),
            fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        let scratch_dir = tempfile::tempdir().unwrap();
        let (scratch, _) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
        let mode = |rel: &str| {
            fs::metadata(scratch.tree.join(rel))
                .unwrap()
                .permissions()
                .mode()
        };
        assert_ne!(mode("gen.sh") & 0o111, 0);
        assert_eq!(mode("src/main.rs") & 0o111, 0);
    }

    #[test]
    fn a_slot_opened_for_another_workspace_starts_over() {
        let first = small_crate();
        put(first.path(), "src/only_in_first.rs", "");
        let second = small_crate();
        let scratch_dir = tempfile::tempdir().unwrap();
        Scratch::open(first.path(), scratch_dir.path(), &[]).unwrap();
        let (scratch, stats) = Scratch::open(second.path(), scratch_dir.path(), &[]).unwrap();
        assert_eq!((stats.copied, stats.unchanged), (2, 0));
        assert_eq!(names(&scratch.tree), ["Cargo.toml", "src/main.rs"]);
    }
}
