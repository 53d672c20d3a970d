//! Keeping a verified refactor: writing it into the user's tree, whole or not at all, and
//! only if every file still holds what the scratch copy started from.
//!
//! A journal under the out dir lists every file's content before and after, and the temporary
//! name its new content goes to, before anything is written. Every new content is then written
//! to its temporary file beside the original and synced; only then are the temporary files
//! renamed over the originals (and deleted files removed), and the journal goes. A kill at any
//! instant leaves the journal; the next run ([`recover`]) removes the temporary files and puts
//! back the old content of the files already renamed, so a refactor of several files is never
//! left half-written (one that does not compile).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use crate::refactor::change::FileChange;

/// Files of `changes` whose current content is not their `before`.
pub fn stale_files(root: &Path, changes: &[FileChange]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| current(&root.join(&c.path)).as_deref() != c.before.as_deref())
        .map(|c| c.path.clone())
        .collect()
}

fn current(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// One file of a refactor being written: where, its temporary file, before and after.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    path: PathBuf,
    tmp: PathBuf,
    before: Option<String>,
    after: Option<String>,
}

/// Writes every change into `root`, whole or not at all. Refuses, writing nothing, when a file
/// changed since. `journal` describes the write while it is under way.
pub fn apply(root: &Path, changes: &[FileChange], journal: &Path) -> anyhow::Result<()> {
    let stale = stale_files(root, changes);
    if !stale.is_empty() {
        bail!(
            "{} changed since the refactor was verified; nothing was written",
            stale.join(", ")
        );
    }
    let entries: Vec<Entry> = (changes.iter())
        .map(|change| {
            let path = root.join(&change.path);
            Ok(Entry {
                tmp: temporary(&path)?,
                path,
                before: change.before.clone(),
                after: change.after.clone(),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let listed = serde_json::to_vec(&entries).context("describe the write")?;
    crate::files::create(journal)?
        .write_all(&listed)
        .and_then(|()| File::open(journal)?.sync_all())
        .with_context(|| format!("write {}", journal.display()))?;
    if let Err(err) = stage(&entries) {
        // Nothing of the user's was touched yet.
        for entry in &entries {
            let _ = std::fs::remove_file(&entry.tmp);
        }
        let _ = std::fs::remove_file(journal);
        return Err(err);
    }
    if let Err(err) = install(&entries) {
        // A file that could not be replaced: what was already is put back, as after a kill.
        let _ = recover(journal);
        return Err(err);
    }
    std::fs::remove_file(journal).with_context(|| format!("remove {}", journal.display()))
}

/// Renames every staged file over its original and removes the deleted ones.
fn install(entries: &[Entry]) -> anyhow::Result<()> {
    for entry in entries {
        match &entry.after {
            Some(_) => std::fs::rename(&entry.tmp, &entry.path).with_context(|| {
                format!("rename {} to {}", entry.tmp.display(), entry.path.display())
            })?,
            None => std::fs::remove_file(&entry.path)
                .with_context(|| format!("remove {}", entry.path.display()))?,
        }
        sync_parent(&entry.path);
    }
    Ok(())
}

/// Writes and syncs every new content to its temporary file, keeping each file's mode.
fn stage(entries: &[Entry]) -> anyhow::Result<()> {
    for entry in entries {
        if let Some(text) = &entry.after {
            write_temporary(&entry.path, &entry.tmp, text.as_bytes())?;
        }
    }
    Ok(())
}

/// What [`recover`] did to the user's tree.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Files a killed write had already changed, given back their old content.
    pub restored: Vec<PathBuf>,
    /// Files changed since by someone else: neither the old nor the new content, left alone.
    pub left: Vec<PathBuf>,
}

impl Recovered {
    /// Says what was undone, and what could not be.
    pub fn tell(&self, root: &Path, console: &crate::console::Console) {
        let names = |paths: &[PathBuf]| -> String {
            let names: Vec<String> = (paths.iter())
                .map(|p| crate::analysis::workspace::relative(root, p))
                .collect();
            names.join(", ")
        };
        if !self.restored.is_empty() {
            console.status(
                "Restored",
                &format!(
                    "{} (a killed run had written part of a refactor)",
                    names(&self.restored)
                ),
            );
        }
        if !self.left.is_empty() {
            console.eprint(&format!(
                "warning: a killed run had written part of a refactor, and {} changed since: \
                 left as they are; check them (`git diff`)\n",
                names(&self.left)
            ));
        }
    }
}

/// Undoes what a killed write left, as its journal describes it: removes the temporary files
/// and gives the files already written their old content back (the refactor was not recorded
/// as kept). Only names of cargo loop's own making are removed.
pub fn recover(journal: &Path) -> anyhow::Result<Recovered> {
    let Some(bytes) = crate::files::read_optional(journal)? else {
        return Ok(Recovered::default());
    };
    let entries: Vec<Entry> = match serde_json::from_slice(&bytes) {
        Ok(entries) => entries,
        // An older journal lists only the temporary files.
        Err(_) => {
            let temporaries: Vec<PathBuf> = serde_json::from_slice(&bytes).unwrap_or_default();
            for tmp in temporaries {
                remove_temporary(&tmp)?;
            }
            Vec::new()
        }
    };
    let mut recovered = Recovered::default();
    for entry in &entries {
        remove_temporary(&entry.tmp)?;
        let now = current(&entry.path);
        if now == entry.before || entry.before == entry.after {
            continue;
        }
        if now != entry.after {
            recovered.left.push(entry.path.clone());
            continue;
        }
        match &entry.before {
            Some(text) => {
                write_temporary(&entry.path, &entry.tmp, text.as_bytes())?;
                std::fs::rename(&entry.tmp, &entry.path)
                    .with_context(|| format!("restore {}", entry.path.display()))?;
            }
            None => std::fs::remove_file(&entry.path)
                .with_context(|| format!("remove {}", entry.path.display()))?,
        }
        sync_parent(&entry.path);
        recovered.restored.push(entry.path.clone());
    }
    std::fs::remove_file(journal).with_context(|| format!("remove {}", journal.display()))?;
    Ok(recovered)
}

/// Removes a temporary file of ours, if it is there.
fn remove_temporary(tmp: &Path) -> anyhow::Result<()> {
    let ours = (tmp.file_name().and_then(|name| name.to_str()))
        .is_some_and(|name| name.starts_with('.') && name.contains(".cargo-loop-"));
    if !ours {
        return Ok(());
    }
    match std::fs::remove_file(tmp) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("remove {}", tmp.display()))
        }
        _ => Ok(()),
    }
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

/// Writes `bytes` to `tmp` beside `path`, synced, with `path`'s mode (an executable script
/// stays executable); the folder is made if the file is new.
fn write_temporary(path: &Path, tmp: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("a file path has a parent")?;
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .with_context(|| format!("create {}", tmp.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("write {}", tmp.display()))?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp, meta.permissions())
            .with_context(|| format!("set permissions of {}", tmp.display()))?;
    }
    Ok(())
}

/// A rename is durable once its folder is.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().and_then(|dir| File::open(dir).ok()) {
        let _ = dir.sync_all();
    }
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

    /// A kill between the renames: the files already written get their old content back,
    /// a file created is removed, the temporary files go, and a file someone edited since is
    /// left alone and named.
    #[test]
    fn recover_undoes_a_write_killed_half_way() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |name: &str, text: &str| std::fs::write(root.join(name), text).unwrap();
        write("a.rs", "new a");
        write("b.rs", "old b");
        write("c.rs", "created");
        write("d.rs", "the user's edit");
        let tmp_b = root.join(".b.rs.cargo-loop-9.tmp");
        std::fs::write(&tmp_b, "new b").unwrap();
        let entry = |name: &str, before: Option<&str>, after: Option<&str>| Entry {
            path: root.join(name),
            tmp: root.join(format!(".{name}.cargo-loop-9.tmp")),
            before: before.map(str::to_owned),
            after: after.map(str::to_owned),
        };
        let entries = [
            entry("a.rs", Some("old a"), Some("new a")),
            entry("b.rs", Some("old b"), Some("new b")),
            entry("c.rs", None, Some("created")),
            entry("d.rs", Some("old d"), Some("new d")),
        ];
        let journal = root.join("keeping.json");
        std::fs::write(&journal, serde_json::to_vec(&entries).unwrap()).unwrap();
        let recovered = recover(&journal).unwrap();
        let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
        assert_eq!(read("a.rs").as_deref(), Some("old a"));
        assert_eq!(read("b.rs").as_deref(), Some("old b"));
        assert_eq!(read("c.rs"), None);
        assert_eq!(read("d.rs").as_deref(), Some("the user's edit"));
        assert!(!tmp_b.exists() && !journal.exists());
        assert_eq!(recovered.restored, [root.join("a.rs"), root.join("c.rs")]);
        assert_eq!(recovered.left, [root.join("d.rs")]);
    }

    /// A file that cannot be replaced after others were (here a folder where the file was):
    /// those already replaced get their old content back at once.
    #[test]
    fn apply_that_fails_half_way_puts_back_what_it_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "old a").unwrap();
        let changes = vec![
            FileChange::new("a.rs", Some("old a"), Some("new a")),
            FileChange::new("b.rs", None, Some("new b")),
        ];
        // `b.rs` is a folder, created after the stale check: its rename fails.
        let journal = dir.path().join("out/keeping.json");
        std::fs::create_dir_all(dir.path().join("b.rs/inside")).unwrap();
        assert!(apply(dir.path(), &changes, &journal).is_err());
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).ok();
        assert_eq!(read("a.rs").as_deref(), Some("old a"));
        assert!(!journal.exists());
        assert!(!temporary(&dir.path().join("b.rs")).unwrap().exists());
    }

    /// A failure while staging (here a temporary name taken by a folder) writes nothing.
    #[test]
    fn apply_that_fails_before_the_renames_leaves_every_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "old a").unwrap();
        std::fs::write(dir.path().join("b.rs"), "old b").unwrap();
        let blocked = temporary(&dir.path().join("b.rs")).unwrap();
        std::fs::create_dir(&blocked).unwrap();
        let changes = vec![
            FileChange::new("a.rs", Some("old a"), Some("new a")),
            FileChange::new("b.rs", Some("old b"), Some("new b")),
        ];
        let journal = dir.path().join("out/keeping.json");
        assert!(apply(dir.path(), &changes, &journal).is_err());
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(
            (read("a.rs"), read("b.rs")),
            ("old a".into(), "old b".into())
        );
        assert!(!temporary(&dir.path().join("a.rs")).unwrap().exists());
        assert!(!journal.exists());
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
