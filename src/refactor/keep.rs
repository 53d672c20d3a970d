//! Keeping a verified refactor: writing it into the user's tree, atomically per file, and only
//! if every file still holds what the scratch copy started from.
//!
//! Each file is written to a temporary file beside it, synced, and renamed over the original, so
//! a kill at any instant leaves every file either entirely old or entirely new.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context};

use crate::refactor::change::FileChange;

/// Files of `changes` whose current content is not their `before`.
pub fn stale_files(root: &Path, changes: &[FileChange]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| current(root, &c.path).as_deref() != c.before.as_deref())
        .map(|c| c.path.clone())
        .collect()
}

fn current(root: &Path, path: &str) -> Option<String> {
    std::fs::read_to_string(root.join(path)).ok()
}

/// Writes every change into `root`. Refuses, writing nothing, when a file changed since.
pub fn apply(root: &Path, changes: &[FileChange]) -> anyhow::Result<()> {
    let stale = stale_files(root, changes);
    if !stale.is_empty() {
        bail!(
            "{} changed since the refactor was verified; nothing was written",
            stale.join(", ")
        );
    }
    for change in changes {
        let path = root.join(&change.path);
        match &change.after {
            Some(text) => write_atomically(&path, text.as_bytes())?,
            None => {
                std::fs::remove_file(&path)
                    .with_context(|| format!("remove {}", path.display()))?;
            }
        }
    }
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("a file path has a parent")?;
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let name = path.file_name().context("a file path has a name")?;
    let tmp = dir.join(format!(
        ".{}.cargo-loop-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> anyhow::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .with_context(|| format!("create {}", tmp.display()))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("write {}", tmp.display()))?;
        if let Ok(meta) = std::fs::metadata(path) {
            // Keep the mode (an executable script stays executable).
            std::fs::set_permissions(&tmp, meta.permissions())
                .with_context(|| format!("set permissions of {}", tmp.display()))?;
        }
        std::fs::rename(&tmp, path)
            .with_context(|| format!("rename {} to {}", tmp.display(), path.display()))?;
        // The rename is durable once the directory is.
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn apply_writes_creates_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "old").unwrap();
        std::fs::write(dir.path().join("gone.rs"), "bye").unwrap();
        let changes = vec![
            FileChange::new("a.rs", Some("old"), Some("new")),
            FileChange::new("sub/b.rs", None, Some("b")),
            FileChange::new("gone.rs", Some("bye"), None),
        ];
        apply(dir.path(), &changes).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.rs")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sub/b.rs")).unwrap(),
            "b"
        );
        assert!(!dir.path().join("gone.rs").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn apply_refuses_a_file_that_changed_since_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "old").unwrap();
        std::fs::write(dir.path().join("b.rs"), "edited by the user").unwrap();
        let changes = vec![
            FileChange::new("a.rs", Some("old"), Some("new")),
            FileChange::new("b.rs", Some("original"), Some("new")),
        ];
        let err = apply(dir.path(), &changes).unwrap_err();
        assert!(err.to_string().contains("b.rs changed since"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.rs")).unwrap(),
            "old"
        );
    }
}
