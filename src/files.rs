//! File access with the path in every error: reads of files that may be missing, and files
//! created with their parent folders; and paths made lexically normal.

use std::fs::File;
use std::path::{Component, Path, PathBuf};

use anyhow::Context;

/// The file's bytes, or `None` when it does not exist.
pub fn read_optional(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("read {}", path.display())),
    }
}

/// Creates (or truncates) `path`, creating its folder first.
pub fn create(path: &Path) -> anyhow::Result<File> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("create {}", parent.display()))?;
    }
    File::create(path).with_context(|| format!("create {}", path.display()))
}

/// Writes `bytes` to `path` through a temporary file beside it, so a reader (or a kill)
/// sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        anyhow::bail!("the folder {} does not exist", dir.display());
    }
    if path.is_dir() {
        anyhow::bail!("{} is a folder", path.display());
    }
    // The temporary file's random name says nothing to the user: the folder does.
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| anyhow::anyhow!("cannot create a file in {}: {}", dir.display(), e.kind()))?;
    std::io::Write::write_all(&mut file, bytes)
        .with_context(|| format!("write {}", path.display()))?;
    file.persist(path)
        .with_context(|| format!("write {}", path.display()))?;
    Ok(())
}

/// Removes `.` and `..` components without touching the file system (`#[path = "../x.rs"]`,
/// path dependencies); a `..` that leaves a relative path is kept.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `text` safe to show on a terminal: control characters (a raw CR, ANSI escapes, NUL) are
/// written as escapes, line breaks and tabs are kept.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod test {
    #[test]
    fn printable_escapes_terminal_controls_and_keeps_line_breaks() {
        assert_eq!(
            super::printable("a\r\x1b[31mred\x00\nb\tc"),
            "a\\r\\u{1b}[31mred\\u{0}\nb\tc"
        );
    }
}
