//! Keeping a verified refactor: writing it into the user's tree, atomically per file, and only
//! if every file still holds what the scratch copy started from.
//!
//! Each file is written to a temporary file beside it, synced, and renamed over the original, so
//! a kill at any instant leaves every file either entirely old or entirely new. The temporary
//! names are listed in a journal under the out dir before the first is created, so that the
//! next run removes those a kill left in the user's tree ([`recover`]).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

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
/// `journal` lists the temporary files while they may exist.
pub fn apply(root: &Path, changes: &[FileChange], journal: &Path) -> anyhow::Result<()> {
    let stale = stale_files(root, changes);
    if !stale.is_empty() {
        bail!(
            "{} changed since the refactor was verified; nothing was written",
            stale.join(", ")
        );
    }
    let temporaries: Vec<PathBuf> = changes
        .iter()
        .map(|change| temporary(&root.join(&change.path)))
        .collect::<anyhow::Result<_>>()?;
    let listed = serde_json::to_vec(&temporaries).context("list the temporary files")?;
    crate::files::create(journal)?
        .write_all(&listed)
        .and_then(|()| File::open(journal)?.sync_all())
        .with_context(|| format!("write {}", journal.display()))?;
    for (change, tmp) in changes.iter().zip(&temporaries) {
        let path = root.join(&change.path);
        match &change.after {
            Some(text) => write_atomically(&path, tmp, text.as_bytes())?,
            None => {
                std::fs::remove_file(&path)
                    .with_context(|| format!("remove {}", path.display()))?;
            }
        }
    }
    std::fs::remove_file(journal).with_context(|| format!("remove {}", journal.display()))
}

/// Removes the temporary files a killed run left in the user's tree, as its journal lists
/// them. Only names of cargo loop's own making are touched.
pub fn recover(journal: &Path) -> anyhow::Result<()> {
    let Some(bytes) = crate::files::read_optional(journal)? else {
        return Ok(());
    };
    let temporaries: Vec<PathBuf> = serde_json::from_slice(&bytes).unwrap_or_default();
    for tmp in temporaries {
        let ours = tmp
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with('.') && name.contains(".cargo-loop-"));
        if ours {
            match std::fs::remove_file(&tmp) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    return Err(err).with_context(|| format!("remove {}", tmp.display()))
                }
                _ => {}
            }
        }
    }
    std::fs::remove_file(journal).with_context(|| format!("remove {}", journal.display()))
}

/// The temporary file `path` is written to before it is renamed into place.
fn temporary(path: &Path) -> anyhow::Result<PathBuf> {
    let dir = path.parent().context("a file path has a parent")?;
    let name = path.file_name().context("a file path has a name")?;
    Ok(dir.join(format!(
        ".{}.cargo-loop-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    )))
}

fn write_atomically(path: &Path, tmp: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("a file path has a parent")?;
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let result = (|| -> anyhow::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)
            .with_context(|| format!("create {}", tmp.display()))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("write {}", tmp.display()))?;
        if let Ok(meta) = std::fs::metadata(path) {
            // Keep the mode (an executable script stays executable).
            std::fs::set_permissions(tmp, meta.permissions())
                .with_context(|| format!("set permissions of {}", tmp.display()))?;
        }
        std::fs::rename(tmp, path)
            .with_context(|| format!("rename {} to {}", tmp.display(), path.display()))?;
        // The rename is durable once the directory is.
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
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
        let journal = dir.path().join("out/keeping.json");
        apply(dir.path(), &changes, &journal).unwrap();
        assert!(!journal.exists(), "the journal outlived the write");
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
        let err = apply(dir.path(), &changes, &dir.path().join("j")).unwrap_err();
        assert!(err.to_string().contains("b.rs changed since"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.rs")).unwrap(),
            "old"
        );
    }

    #[test]
    fn recover_removes_what_a_killed_write_left_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let left = dir.path().join(".a.rs.cargo-loop-77.tmp");
        let users = dir.path().join("notes.tmp");
        let hidden = dir.path().join(".envrc");
        for (path, text) in [(&left, "half"), (&users, "mine"), (&hidden, "mine too")] {
            std::fs::write(path, text).unwrap();
        }
        let journal = dir.path().join("keeping.json");
        let listed = serde_json::to_vec(&[&left, &users, &hidden]).unwrap();
        std::fs::write(&journal, listed).unwrap();
        recover(&journal).unwrap();
        assert!(!left.exists() && users.exists() && hidden.exists() && !journal.exists());
        recover(&journal).unwrap();
    }

    #[test]
    fn recover_skips_what_is_gone_and_reports_what_it_cannot_remove() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join(".a.rs.cargo-loop-1.tmp");
        let journal = dir.path().join("keeping.json");
        std::fs::write(&journal, serde_json::to_vec(&[&gone]).unwrap()).unwrap();
        recover(&journal).unwrap();
        assert!(!journal.exists());
        let folder = dir.path().join(".b.rs.cargo-loop-1.tmp");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(&journal, serde_json::to_vec(&[&folder]).unwrap()).unwrap();
        let err = recover(&journal).unwrap_err();
        assert!(format!("{err:#}").contains("remove"), "{err:#}");
    }
}
