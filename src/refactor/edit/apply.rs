//! Applying edits in memory: each file the answer touches is read once and changed in
//! answer order.

use super::answer::{parse, Edit, DIVIDER, REPLACE, SEARCH};
use super::answer::{Block, Diff, Hunk};
use super::elision::check_elision;
use super::paths::{checked_path, read, EditRules};
use super::rejection::{excerpt, reject, Rejection};
use super::text::{find_matches, locate, splice, Ending};
use crate::refactor::change::FileChange;

pub(super) struct Tree<'r, 'a> {
    rules: &'r EditRules<'a>,
    files: Vec<Working>,
}

/// A file as it was on disk and as the answer has left it so far.
struct Working {
    path: String,
    before: Option<String>,
    current: Option<String>,
}

impl<'r, 'a> Tree<'r, 'a> {
    pub(super) fn new(rules: &'r EditRules<'a>) -> Self {
        Tree {
            rules,
            files: Vec::new(),
        }
    }

    /// The file named by `raw`, read on first mention after its path passes every check.
    fn open(&mut self, raw: &str) -> Result<&mut Working, Rejection> {
        let path = checked_path(raw, self.rules)?;
        if let Some(index) = self.files.iter().position(|file| file.path == path) {
            return Ok(&mut self.files[index]);
        }
        let before = read(self.rules.root, &path)?;
        self.files.push(Working {
            path,
            current: before.clone(),
            before,
        });
        Ok(self.files.last_mut().expect("a file was just pushed"))
    }

    pub(super) fn into_changes(self) -> Vec<FileChange> {
        self.files
            .into_iter()
            .map(|file| FileChange {
                path: file.path,
                before: file.before,
                after: file.current,
            })
            .filter(|change| !change.is_noop())
            .collect()
    }
}

pub(super) fn apply_block(tree: &mut Tree, block: &Block) -> Result<(), Rejection> {
    let file = tree.open(&block.path)?;
    let path = &file.path;
    check_elision(path, &block.replace, &block.search, file.before.as_deref())?;
    let text = match (&file.current, block.search.is_empty()) {
        (None, true) if block.replace.is_empty() => {
            return reject(format!(
                "the block for `{path}` at line {} of the answer is empty on both sides",
                block.line
            ));
        }
        (None, true) => splice("", 0, 0, &block.replace, Ending::Present),
        (None, false) => {
            return reject(format!(
                "file `{path}` does not exist; to create it, leave the SEARCH section empty"
            ));
        }
        (Some(_), true) => {
            return reject(format!(
                "the SEARCH section for `{path}` at line {} of the answer is empty, but the file \
                 exists; quote the lines to replace so that the edit has one place to go",
                block.line
            ));
        }
        (Some(text), false) => match find_matches(text, &block.search, 0).as_slice() {
            [at] => splice(
                text,
                *at,
                block.search.len(),
                &block.replace,
                Ending::Preserve,
            ),
            [] => {
                let first = block.search.iter().find(|line| !line.trim().is_empty());
                return reject(format!(
                    "the SEARCH section for `{path}` at line {} of the answer does not match the \
                     file (it starts `{}`); copy the lines exactly as they are in the file now",
                    block.line,
                    excerpt(first.unwrap_or(&""))
                ));
            }
            many => {
                return reject(format!(
                    "the SEARCH section for `{path}` at line {} of the answer matches {} times; \
                     include more surrounding lines so that it matches exactly once",
                    block.line,
                    many.len()
                ));
            }
        },
    };
    file.current = Some(text);
    Ok(())
}

pub(super) fn apply_diff(tree: &mut Tree, diff: &Diff) -> Result<(), Rejection> {
    let line = diff.line;
    let raw = match (&diff.old_path, &diff.new_path) {
        (Some(old), Some(new)) if old != new => {
            return reject(format!(
                "the diff at line {line} of the answer renames `{old}` to `{new}`, which is not \
                 supported; delete the one file and create the other"
            ));
        }
        (_, Some(path)) | (Some(path), None) => path,
        (None, None) => {
            return reject(format!(
                "the diff at line {line} of the answer has `/dev/null` on both sides"
            ));
        }
    };
    let file = tree.open(raw)?;
    let path = file.path.clone();
    for hunk in &diff.hunks {
        check_elision(
            &path,
            &hunk.added(),
            &hunk.old_side(),
            file.before.as_deref(),
        )?;
    }
    let creates = diff.old_path.is_none();
    let text = match (creates, &file.current) {
        (true, Some(_)) => {
            return reject(format!(
                "the diff at line {line} of the answer creates `{path}`, but it already exists; \
                 diff against its current content instead"
            ));
        }
        (false, None) => return reject(format!("file `{path}` does not exist")),
        (_, current) => current.as_deref().unwrap_or_default(),
    };
    if diff.hunks.is_empty() && !creates && diff.new_path.is_some() {
        return reject(format!(
            "the diff for `{path}` at line {line} of the answer has no `@@` hunks"
        ));
    }
    let text = apply_hunks(&path, text, &diff.hunks)?;
    if diff.new_path.is_some() {
        file.current = Some(text);
    } else if text.trim().is_empty() {
        file.current = None;
    } else {
        return reject(format!(
            "the diff at line {line} of the answer deletes `{path}`, but its hunks do not remove \
             every line of it"
        ));
    }
    Ok(())
}

/// Applies hunks in order, each where its context and removed lines are, at or after the end of
/// the previous one: at the stated line if they are there, else at the nearest place they are.
fn apply_hunks(path: &str, text: &str, hunks: &[Hunk]) -> Result<String, Rejection> {
    let mut text = text.to_owned();
    // The end of the previous hunk, in the new text and in the old numbering the headers use.
    let (mut end_new, mut end_old) = (0, 0);
    for (i, hunk) in hunks.iter().enumerate() {
        let old = hunk.old_side();
        let new = hunk.new_side();
        // A hunk that removes nothing inserts after its stated line; others start on it.
        let stated = hunk
            .old_start
            .map(|start| start.saturating_sub(usize::from(hunk.old_len != Some(0))));
        let expected = stated.map(|start| (start + end_new).saturating_sub(end_old));
        let at = match locate(&text, &old, end_new, expected) {
            Ok(at) => at,
            Err(n_matches) => {
                let why = if n_matches == 0 {
                    let place = if i == 0 {
                        ""
                    } else {
                        " after the previous hunk"
                    };
                    format!("its context and removed lines are not in the file{place}")
                } else {
                    format!("its context and removed lines occur {n_matches} times")
                };
                return reject(format!(
                    "the hunk `{}` at line {} of the answer does not apply to `{path}`: {why}; \
                     copy them exactly as they are in the file now",
                    excerpt(hunk.header),
                    hunk.line
                ));
            }
        };
        text = splice(&text, at, old.len(), &new, hunk.ending());
        end_new = at + new.len();
        end_old = stated.unwrap_or(end_old) + old.len();
    }
    Ok(text)
}

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
    super::paths::checked_path(path, rules)
}
