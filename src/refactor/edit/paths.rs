//! Which paths an edit may touch: inside the workspace, not through a symbolic link, not
//! denied by the guardrails; and reading the files they name.

use super::rejection::{excerpt, reject, Refusal, Rejection};
use std::io::ErrorKind;
use std::path::Path;

/// What the edits may touch.
pub struct EditRules<'a> {
    /// The workspace root, which every edit path is relative to.
    pub root: &'a Path,
    /// `Some(reason)` for a relative path (with `/` separators) the guardrails forbid.
    pub denied: &'a dyn Fn(&str) -> Option<String>,
}

/// The normalized relative path (`/` separators, no `.` parts) if the edit may touch it.
pub(super) fn checked_path(raw: &str, rules: &EditRules) -> Result<String, Rejection> {
    unguarded_path(raw, rules).map_err(|Rejection(sentence, _)| Rejection(sentence, Refusal::Path))
}

fn unguarded_path(raw: &str, rules: &EditRules) -> Result<String, Rejection> {
    let shown = excerpt(raw);
    if raw.trim().is_empty() {
        return reject(
            "an edit names an empty file path; put the path relative to the workspace root on \
             the line before `<<<<<<< SEARCH`",
        );
    }
    if raw.contains(char::is_control) {
        return reject(format!(
            "path `{}` contains control characters",
            shown.escape_debug()
        ));
    }
    let drive = raw.as_bytes().get(1) == Some(&b':') && raw.as_bytes()[0].is_ascii_alphabetic();
    if raw.starts_with(['/', '\\']) || drive || Path::new(raw).is_absolute() {
        return reject(format!(
            "path `{shown}` is absolute; give paths relative to the workspace root"
        ));
    }
    if raw.contains('\\') {
        return reject(format!(
            "path `{shown}` uses `\\`; separate directories with `/`"
        ));
    }
    // `src/../src/a.rs` is `src/a.rs`; only a `..` above the root leaves the workspace.
    let mut parts: Vec<&str> = Vec::new();
    for part in raw
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
    {
        if part != ".." {
            parts.push(part);
        } else if parts.pop().is_none() {
            return reject(format!(
                "path `{shown}` leaves the workspace through `..`; paths must stay inside the \
                 workspace root"
            ));
        }
    }
    if parts.is_empty() {
        return reject(format!("path `{shown}` names no file"));
    }
    let path = parts.join("/");
    if let Some(reason) = (rules.denied)(&path) {
        return reject(format!("edits to `{path}` are not allowed: {reason}"));
    }
    refuse_symlinks(rules.root, &parts, &path)?;
    Ok(path)
}

/// Refuses a path whose existing prefix is a symlink: a write there lands wherever the link
/// points, possibly outside the workspace.
fn refuse_symlinks(root: &Path, parts: &[&str], path: &str) -> Result<(), Rejection> {
    let mut prefix = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        prefix.push(part);
        match std::fs::symlink_metadata(&prefix) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return reject(format!(
                    "path `{path}` goes through the symlink `{}`; edits must not write through \
                     links",
                    parts[..=i].join("/")
                ));
            }
            // A file where a folder should be fails at the next part, as "not a directory".
            Ok(_) => {}
            Err(err) if err.kind() == ErrorKind::NotFound => break,
            Err(err) => return reject(format!("cannot inspect `{path}`: {err}")),
        }
    }
    Ok(())
}

pub(super) fn read(root: &Path, path: &str) -> Result<Option<String>, Rejection> {
    let full = root.join(path);
    if full.is_dir() {
        return reject(format!("`{path}` is a directory, not a file"));
    }
    match std::fs::read(&full) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
            Rejection(
                format!("`{path}` is not UTF-8 text, so it cannot be edited"),
                Refusal::Format,
            )
        }),
        Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
        Err(err) => reject(format!("cannot read `{path}`: {err}")),
    }
}
