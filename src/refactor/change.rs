//! A proposed refactor as data: whole-file contents before and after, per file.
//!
//! Agents answer in edit blocks or diffs, or edit a copy themselves; all of them end up here, so
//! guardrails, verification, patches and keeping work on one representation.

use serde::{Deserialize, Serialize};

/// One file's change. `None` means the file does not exist on that side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    /// Relative to the workspace root, with `/` separators.
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl FileChange {
    pub fn is_noop(&self) -> bool {
        self.before == self.after
    }

    pub fn new(path: &str, before: Option<&str>, after: Option<&str>) -> FileChange {
        FileChange {
            path: path.to_owned(),
            before: before.map(str::to_owned),
            after: after.map(str::to_owned),
        }
    }

    pub fn is_rust(&self) -> bool {
        std::path::Path::new(&self.path)
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("rs"))
    }
}
