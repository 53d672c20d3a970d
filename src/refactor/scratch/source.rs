//! What the copy is made of: the walk over the workspace (honouring its ignore files, as git
//! and cargo-mutants do), the stamp that says whether a file changed since its last copy, and
//! what each entry becomes in the copy. A copy never gives a path into the user's tree or
//! outside it: links are resolved here.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::files::normalize;

/// The source metadata that decides whether a file needs copying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Stamp {
    pub(super) size: u64,
    pub(super) mtime_ns: i128,
    pub(super) symlink: bool,
}

/// A file or symlink found in the source.
pub(super) struct SourceEntry {
    pub(super) rel: String,
    pub(super) path: PathBuf,
    pub(super) stamp: Stamp,
    pub(super) executable: bool,
}

/// What gets put at a path in the copy.
pub(super) enum Content {
    Bytes(Vec<u8>),
    Link(PathBuf),
}

/// Lists the files and symlinks of the source that belong in the copy, honouring .gitignore,
/// .ignore and git's exclude file (also outside a git repository).
pub(super) fn walk(source: &Path, skip: &[PathBuf], skipped: &mut Vec<String>) -> Vec<SourceEntry> {
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
pub(super) fn keep(entry: &ignore::DirEntry, skip: &[PathBuf]) -> bool {
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
pub(super) fn source_entry(source: &Path, path: &Path) -> Result<SourceEntry, String> {
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
pub(super) fn read_source(
    source: &Path,
    entry: &SourceEntry,
) -> io::Result<(Content, Option<String>)> {
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
pub(super) fn relative_link(link: &str, inside: &Path) -> PathBuf {
    let depth = link.split('/').count() - 1;
    let mut target: PathBuf = std::iter::repeat_n("..", depth).collect();
    target.push(inside);
    if target.as_os_str().is_empty() {
        target.push(".");
    }
    target
}

pub(super) fn mtime_ns(meta: &fs::Metadata) -> i128 {
    let mtime = meta.modified().unwrap_or(UNIX_EPOCH);
    match mtime.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).unwrap_or(i128::MAX),
        Err(before) => -i128::try_from(before.duration().as_nanos()).unwrap_or(i128::MAX),
    }
}

#[cfg(unix)]
pub(super) fn make_symlink(target: &Path, link: &Path) -> anyhow::Result<()> {
    std::os::unix::fs::symlink(target, link)
        .with_context(|| format!("create symlink {} to {}", link.display(), target.display()))
}

#[cfg(not(unix))]
pub(super) fn make_symlink(target: &Path, link: &Path) -> anyhow::Result<()> {
    bail!(
        "cannot copy symlink {} to {}: symlinks are only copied on Unix",
        link.display(),
        target.display()
    )
}

#[cfg(unix)]
pub(super) fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
pub(super) fn is_executable(_meta: &fs::Metadata) -> bool {
    false
}

/// Keeps scripts in the tree runnable (a build script may run them); other modes are left at
/// the default so copies stay writable.
#[cfg(unix)]
pub(super) fn set_executable(path: &Path, executable: bool) -> anyhow::Result<()> {
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
pub(super) fn set_executable(_path: &Path, _executable: bool) -> anyhow::Result<()> {
    Ok(())
}
