//! Agent answers as edits: finds the SEARCH/REPLACE blocks and unified diffs in an agent's free
//! text and applies them, in memory, to the workspace files they name.
//!
//! Anything an answer can get wrong is refused here with a one-sentence [`Rejection`] that the
//! agent is shown on its next attempt: paths outside the workspace or through symlinks, paths the
//! guardrails deny, SEARCH text that matches nothing or more than once, hunks that do not apply,
//! and elided code. Nothing is written; the caller gets one [`FileChange`] per touched file.

mod answer;
mod apply;
mod elision;
mod paths;
mod rejection;
mod text;

use crate::refactor::change::FileChange;
use answer::{parse, Edit, DIVIDER, REPLACE, SEARCH};
use apply::{apply_block, apply_diff, Tree};
pub use paths::EditRules;
use rejection::reject;
pub use rejection::{Refusal, Rejection};

/// Parses the answer and applies it to the files under `rules.root` (read only; nothing is written).
/// Several blocks for one file apply in order to that file's evolving content; the result has one
/// `FileChange` per file, in the order the answer first names them, and no no-ops.
pub fn apply_answer(answer: &str, rules: &EditRules) -> Result<Vec<FileChange>, Rejection> {
    let edits = parse(answer)?;
    if edits.is_empty() {
        return reject(format!(
            "the answer has no SEARCH/REPLACE block or unified diff; give each edit as the file \
             path on its own line, then `{SEARCH}`, the exact current lines, `{DIVIDER}`, the new \
             lines and `{REPLACE}`"
        ));
    }
    let mut tree = Tree::new(rules);
    for edit in &edits {
        match edit {
            Edit::Block(block) => apply_block(&mut tree, block)?,
            Edit::Diff(diff) => apply_diff(&mut tree, diff)?,
        }
    }
    Ok(tree.into_changes())
}

/// Checks a path an `exec:` agent changed in its copy with the rules a text answer's paths
/// follow (inside the workspace, through no symbolic link of the user's tree, not denied).
pub fn check_path(path: &str, rules: &EditRules) -> Result<String, Rejection> {
    paths::checked_path(path, rules)
}

#[cfg(test)]
mod tests;
