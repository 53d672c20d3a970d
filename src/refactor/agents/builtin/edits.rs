//! Replacements in the copies' files, turned into whole-file changes.

use super::copy::Copy;
use crate::refactor::agents::exchange::AgentError;
use crate::refactor::change::FileChange;

/// Replacements per file, applied from the end so earlier offsets stay valid.
#[derive(Default)]
pub(super) struct Edits(std::collections::BTreeMap<String, Vec<(std::ops::Range<usize>, String)>>);

impl Edits {
    pub(super) fn replace(&mut self, file: &str, range: std::ops::Range<usize>, with: String) {
        self.0
            .entry(file.to_owned())
            .or_default()
            .push((range, with));
    }

    /// The changes, from each file's text as the copies read it.
    pub(super) fn into_changes(self, copies: &[Copy]) -> Result<Vec<FileChange>, AgentError> {
        self.into_changes_of(|file| {
            copies
                .iter()
                .find(|c| c.location.file == file)
                .map(|c| c.text.clone())
        })
    }

    /// The changes, from each file's text as `text_of` gives it.
    pub(super) fn into_changes_of(
        self,
        text_of: impl Fn(&str) -> Option<String>,
    ) -> Result<Vec<FileChange>, AgentError> {
        let mut changes = Vec::new();
        for (file, mut replacements) in self.0 {
            let before = text_of(&file)
                .ok_or_else(|| AgentError::Declined(format!("cannot read `{file}`")))?;
            let mut after = before.clone();
            replacements.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
            for (range, with) in replacements {
                after.replace_range(range, &with);
            }
            changes.push(FileChange::new(&file, Some(&before), Some(&after)));
        }
        Ok(changes)
    }
}
