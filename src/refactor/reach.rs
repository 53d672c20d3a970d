//! Which workspace packages an edit can reach: the packages whose files it changes, and every
//! member that depends on one of them, directly or not (dev-dependencies too: their tests use
//! it). Verification builds and tests only those (SPEC.md allows it, never fewer).

use std::collections::BTreeSet;
use std::path::PathBuf;

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
}
