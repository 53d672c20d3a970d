//! Which workspace packages an edit can reach: the packages whose files it changes, and every
//! member that depends on one of them, directly or not (dev-dependencies too: their tests use
//! it). Verification builds and tests only those (SPEC.md allows it, never fewer).
//!
//! Cargo unifies features over the packages it builds, so a reach's tests can be other than
//! the baseline's (a test gated on a feature only another member enables is missing): such
//! reaches are tested with the whole workspace, and remembered in `target/loop/reaches.json`
//! for as long as the manifests are those they were seen with.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::analysis::workspace::CrateDep;

/// The workspace's members and the dependencies between them.
#[derive(Debug, Default, Clone)]
pub struct Members {
    /// Package name and its folder, relative to the workspace root.
    pub packages: Vec<(String, PathBuf)>,
    pub deps: Vec<CrateDep>,
}

impl Members {
    /// The packages the files at `paths` (relative to the root) can reach, or `None` for the
    /// whole workspace: a file outside every known package (a workspace manifest, a new
    /// crate), or a reach that is every package anyway.
    pub fn reached(&self, paths: &[&str]) -> Option<Vec<String>> {
        let mut reached = BTreeSet::new();
        for path in paths {
            let owner = self
                .packages
                .iter()
                .filter(|(_, dir)| std::path::Path::new(path).starts_with(dir))
                .max_by_key(|(_, dir)| dir.components().count())?;
            reached.insert(owner.0.clone());
        }
        // Dependents of what is reached, until nothing new is.
        loop {
            let more: Vec<String> = self
                .deps
                .iter()
                .filter(|dep| reached.contains(&dep.to) && !reached.contains(&dep.from))
                .map(|dep| dep.from.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            reached.extend(more);
        }
        (reached.len() < self.packages.len()).then(|| reached.into_iter().collect())
    }
}

/// Reaches whose tests are not the baseline's own, remembered across runs.
#[derive(Debug, Default)]
pub struct UnlikeBaseline {
    /// Where they are remembered (`None`: for this run only).
    path: Option<PathBuf>,
    /// The hash of the manifests and lock file they were seen with.
    manifests: String,
    reaches: Mutex<BTreeSet<Vec<String>>>,
}

#[derive(Serialize, Deserialize)]
struct Remembered {
    manifests: String,
    reaches: BTreeSet<Vec<String>>,
}

impl UnlikeBaseline {
    /// What `path` remembers for the manifests of `members` under `root` now; an unreadable
    /// file or other manifests remember nothing (this only saves work, it never decides).
    pub fn load(path: PathBuf, root: &Path, members: &Members) -> UnlikeBaseline {
        let manifests = manifests_hash(root, members);
        let reaches = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Remembered>(&bytes).ok())
            .filter(|seen| seen.manifests == manifests)
            .map(|seen| seen.reaches)
            .unwrap_or_default();
        UnlikeBaseline {
            path: Some(path),
            manifests,
            reaches: Mutex::new(reaches),
        }
    }

    pub fn contains(&self, packages: &[String]) -> bool {
        self.reaches
            .lock()
            .expect("not poisoned")
            .contains(packages)
    }

    /// Remembers `packages`, written at once, whole; a file that cannot be written only costs
    /// the next run a test run.
    pub fn insert(&self, packages: &[String]) {
        let mut reaches = self.reaches.lock().expect("not poisoned");
        if !reaches.insert(packages.to_vec()) {
            return;
        }
        let Some(path) = &self.path else { return };
        let remembered = Remembered {
            manifests: self.manifests.clone(),
            reaches: reaches.clone(),
        };
        if let Ok(text) = serde_json::to_vec_pretty(&remembered) {
            let _ = crate::files::write_atomic(path, &text);
        }
    }
}

/// A hash of the workspace's manifests and lock file: what decides the features cargo unifies.
fn manifests_hash(root: &Path, members: &Members) -> String {
    let mut files: BTreeSet<PathBuf> = (members.packages.iter())
        .map(|(_, dir)| root.join(dir).join("Cargo.toml"))
        .collect();
    files.insert(root.join("Cargo.toml"));
    files.insert(root.join("Cargo.lock"));
    let mut all = Vec::new();
    for file in files {
        all.extend(file.to_string_lossy().as_bytes());
        all.extend(std::fs::read(&file).unwrap_or_default());
    }
    format!("{:016x}", xxh3_64(&all))
}

#[cfg(test)]
mod test {
    use super::*;

    fn dep(from: &str, to: &str, dev: bool) -> CrateDep {
        CrateDep {
            from: from.into(),
            to: to.into(),
            dev,
            manifest: String::new(),
            line: 1,
        }
    }

    fn members() -> Members {
        Members {
            packages: vec![
                ("core".into(), "crates/core".into()),
                ("cli".into(), "crates/cli".into()),
                ("bench".into(), "crates/bench".into()),
                ("docs".into(), "crates/docs".into()),
                ("root".into(), PathBuf::new()),
            ],
            deps: vec![
                dep("cli", "core", false),
                dep("bench", "cli", true),
                dep("root", "docs", false),
            ],
        }
    }

    #[test]
    fn an_edit_reaches_its_package_and_every_dependent() {
        let members = members();
        assert_eq!(
            members.reached(&["crates/core/src/lib.rs"]),
            Some(vec!["bench".into(), "cli".into(), "core".into()])
        );
        assert_eq!(
            members.reached(&["crates/cli/src/main.rs"]),
            Some(vec!["bench".into(), "cli".into()])
        );
        // The nearest package owns a file: the root package owns src/, not crates/.
        assert_eq!(members.reached(&["src/lib.rs"]), Some(vec!["root".into()]));
        assert_eq!(
            members.reached(&["crates/docs/src/lib.rs"]),
            Some(vec!["docs".into(), "root".into()])
        );
    }

    #[test]
    fn the_whole_workspace_when_unknown_or_everything() {
        let mut members = members();
        members.packages.pop();
        assert_eq!(members.reached(&["Cargo.toml"]), None);
        let everything = ["crates/core/src/lib.rs", "crates/docs/src/lib.rs"];
        assert_eq!(members.reached(&everything), None);
        assert_eq!(Members::default().reached(&["src/lib.rs"]), None);
    }

    #[test]
    fn reaches_unlike_the_baseline_are_remembered_while_the_manifests_stay() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("Cargo.toml"), "[workspace]\n").unwrap();
        let path = root.path().join("reaches.json");
        let members = members();
        let reach = vec!["cli".to_string(), "core".to_string()];
        let first = UnlikeBaseline::load(path.clone(), root.path(), &members);
        assert!(!first.contains(&reach));
        first.insert(&reach);
        let again = UnlikeBaseline::load(path.clone(), root.path(), &members);
        assert!(again.contains(&reach) && !again.contains(&["cli".to_string()]));
        // Other features may unify otherwise: forgotten.
        std::fs::write(root.path().join("Cargo.lock"), "version = 4\n").unwrap();
        assert!(!UnlikeBaseline::load(path, root.path(), &members).contains(&reach));
        // Nothing written without a place: this run only.
        let here = UnlikeBaseline::default();
        here.insert(&reach);
        assert!(here.contains(&reach));
    }
}
