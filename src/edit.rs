//! Agent answers as edits: finds the SEARCH/REPLACE blocks and unified diffs in an agent's free
//! text and applies them, in memory, to the workspace files they name.
//!
//! Anything an answer can get wrong is refused here with a one-sentence [`Rejection`] that the
//! agent is shown on its next attempt: paths outside the workspace or through symlinks, paths the
//! guardrails deny, SEARCH text that matches nothing or more than once, hunks that do not apply,
//! and elided code. Nothing is written; the caller gets one [`FileChange`] per touched file.

use std::fmt;
use std::io::ErrorKind;
use std::path::Path;

use crate::change::FileChange;

/// Why an answer was refused: one sentence the agent is shown on its next attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub String, pub Refusal);

/// Which gate refused: the format of the answer, or the guardrails on paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Format,
    /// A path outside the workspace, through a link, or denied.
    Path,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Rejection {}

/// What the edits may touch.
pub struct EditRules<'a> {
    /// The workspace root, which every edit path is relative to.
    pub root: &'a Path,
    /// `Some(reason)` for a relative path (with `/` separators) the guardrails forbid.
    pub denied: &'a dyn Fn(&str) -> Option<String>,
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
    let mut tree = Tree {
        rules,
        files: Vec::new(),
    };
    for edit in &edits {
        match edit {
            Edit::Block(block) => apply_block(&mut tree, block)?,
            Edit::Diff(diff) => apply_diff(&mut tree, diff)?,
        }
    }
    Ok(tree.into_changes())
}

const SEARCH: &str = "<<<<<<< SEARCH";
const DIVIDER: &str = "=======";
const REPLACE: &str = ">>>>>>> REPLACE";

/// One edit as the answer spells it, before any file is read.
enum Edit<'a> {
    Block(Block<'a>),
    Diff(Diff<'a>),
}

/// A SEARCH/REPLACE block; `line` is its `<<<<<<< SEARCH` line, counted from 1.
struct Block<'a> {
    line: usize,
    path: String,
    search: Vec<&'a str>,
    replace: Vec<&'a str>,
}

/// One file's part of a unified diff; a `None` path is `/dev/null`.
struct Diff<'a> {
    line: usize,
    old_path: Option<String>,
    new_path: Option<String>,
    hunks: Vec<Hunk<'a>>,
}

struct Hunk<'a> {
    line: usize,
    header: &'a str,
    /// The stated `-start,len` range, when the header can be read.
    old_start: Option<usize>,
    old_len: Option<usize>,
    lines: Vec<(Tag, &'a str)>,
    /// A `\ No newline at end of file` marker follows the old or the new side's last line.
    old_no_eol: bool,
    new_no_eol: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Context,
    Removed,
    Added,
}

impl<'a> Hunk<'a> {
    /// The lines the hunk expects in the file now: context and removed lines.
    fn old_side(&self) -> Vec<&'a str> {
        self.side(Tag::Removed)
    }

    /// The lines the file holds afterwards: context and added lines.
    fn new_side(&self) -> Vec<&'a str> {
        self.side(Tag::Added)
    }

    fn side(&self, tag: Tag) -> Vec<&'a str> {
        self.tagged(|t| t == Tag::Context || t == tag)
    }

    fn added(&self) -> Vec<&'a str> {
        self.tagged(|t| t == Tag::Added)
    }

    fn tagged(&self, keep: impl Fn(Tag) -> bool) -> Vec<&'a str> {
        self.lines
            .iter()
            .filter(|(t, _)| keep(*t))
            .map(|(_, text)| *text)
            .collect()
    }

    fn ending(&self) -> Ending {
        if self.new_no_eol {
            Ending::Absent
        } else if self.old_no_eol {
            Ending::Present
        } else {
            Ending::Preserve
        }
    }
}

fn reject<T>(sentence: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection(sentence.into(), Refusal::Format))
}

/// A line of the answer short enough to quote in a rejection.
fn excerpt(line: &str) -> String {
    const MAX: usize = 80;
    let line = line.trim();
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

// Parsing: the answer is prose with edits in it, so anything that is not an edit is skipped.

fn parse(answer: &str) -> Result<Vec<Edit<'_>>, Rejection> {
    let lines: Vec<&str> = answer.lines().collect();
    let mut edits = Vec::new();
    // The first line after the previous edit: a block's path is looked for from here on.
    let mut prose_start = 0;
    let mut last_block_path: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        if is_marker(lines[i], '<', "SEARCH") {
            let path = block_path(&lines, prose_start, i, last_block_path.as_deref())?;
            let (block, next) = parse_block(&lines, i, path)?;
            last_block_path = Some(block.path.clone());
            edits.push(Edit::Block(block));
            (i, prose_start) = (next, next);
        } else if is_marker(lines[i], '>', "REPLACE") {
            // A misspelt SEARCH line; applying the other blocks alone would be a partial edit.
            return reject(format!(
                "line {} of the answer is `{REPLACE}` without a `{SEARCH}` line before it",
                i + 1
            ));
        } else if is_diff_header(&lines, i) {
            let (diff, next) = parse_diff(&lines, i)?;
            last_block_path = None;
            edits.push(Edit::Diff(diff));
            (i, prose_start) = (next, next);
        } else {
            i += 1;
        }
    }
    Ok(edits)
}

/// Whether `line` is a block marker: 5 to 9 `ch` then `word`. Models miscount the 7.
fn is_marker(line: &str, ch: char, word: &str) -> bool {
    let line = line.trim();
    let rest = line.trim_start_matches(ch);
    (5..=9).contains(&(line.len() - rest.len())) && rest.trim().eq_ignore_ascii_case(word)
}

fn is_divider(line: &str) -> bool {
    let line = line.trim();
    (5..=9).contains(&line.len()) && line.bytes().all(|b| b == b'=')
}

/// The info string of a code fence line (```` ```rust ```` gives `rust`).
fn fence_info(line: &str) -> Option<&str> {
    let line = line.trim();
    if line.starts_with("```") || line.starts_with("~~~") {
        Some(line.trim_start_matches(['`', '~']).trim())
    } else {
        None
    }
}

fn looks_like_path(word: &str) -> bool {
    !word.is_empty() && !word.contains(char::is_whitespace) && word.contains(['/', '.'])
}

/// The path a SEARCH block at line index `at` edits: the last non-empty line before it that is not
/// a bare code fence, or a path in a fence's info string (```` ```rust src/a.rs ````). Blocks that
/// follow one another with only blank lines and fences between them may name the path once.
fn block_path(
    lines: &[&str],
    from: usize,
    at: usize,
    previous: Option<&str>,
) -> Result<String, Rejection> {
    for line in lines[from..at].iter().rev() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(info) = fence_info(line) {
            let mut words = info.split(|c: char| c.is_whitespace() || c == ':' || c == '=');
            match words.rfind(|word| looks_like_path(word)) {
                Some(path) => return Ok(path.to_owned()),
                None => continue,
            }
        }
        let path = path_in_line(line);
        if path.contains(char::is_whitespace) {
            return reject(format!(
                "the line before the SEARCH block at line {} of the answer should be the file path \
                 alone, but it is `{}`",
                at + 1,
                excerpt(line)
            ));
        }
        return Ok(path.to_owned());
    }
    match previous {
        Some(path) => Ok(path.to_owned()),
        None => reject(format!(
            "the SEARCH block at line {} of the answer has no file path on the line before it",
            at + 1
        )),
    }
}

/// The path in a line such as `src/a.rs`, `` File: `src/a.rs` ``, `### src/a.rs` or `**src/a.rs**:`.
fn path_in_line(line: &str) -> &str {
    // Pieces at odd indices lie between backticks; a path-like one is what the line names.
    let quoted = line.split('`').skip(1).step_by(2);
    if let Some(path) = quoted.filter(|piece| looks_like_path(piece)).last() {
        return path;
    }
    let mut path = line.trim();
    // Only `// ` with the space: `//etc/passwd` must stay absolute so that it is refused.
    if let Some(rest) = path.strip_prefix("// ") {
        path = rest.trim_start();
    }
    let unhashed = path.trim_start_matches('#');
    if unhashed.len() < path.len() && unhashed.starts_with(char::is_whitespace) {
        path = unhashed.trim_start();
    }
    path = path.trim_matches('*').trim();
    for label in ["file:", "path:", "filename:"] {
        if path
            .get(..label.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(label))
        {
            path = &path[label.len()..];
        }
    }
    path.trim_matches(['*', '`', ' ', '\t'])
        .trim_end_matches(':')
        .trim()
}

fn parse_block<'a>(
    lines: &[&'a str],
    at: usize,
    path: String,
) -> Result<(Block<'a>, usize), Rejection> {
    let unterminated = |missing: &str| {
        reject(format!(
            "the SEARCH block for `{path}` at line {} of the answer has no `{missing}` line",
            at + 1
        ))
    };
    let mut i = at + 1;
    let mut search = Vec::new();
    loop {
        let Some(&line) = lines.get(i) else {
            return unterminated(DIVIDER);
        };
        if is_divider(line) {
            break;
        }
        if is_marker(line, '<', "SEARCH") || is_marker(line, '>', "REPLACE") {
            return unterminated(DIVIDER);
        }
        search.push(line);
        i += 1;
    }
    i += 1;
    let mut replace = Vec::new();
    loop {
        let Some(&line) = lines.get(i) else {
            return unterminated(REPLACE);
        };
        if is_marker(line, '>', "REPLACE") {
            break;
        }
        if is_marker(line, '<', "SEARCH") {
            return unterminated(REPLACE);
        }
        replace.push(line);
        i += 1;
    }
    let block = Block {
        line: at + 1,
        path,
        search,
        replace,
    };
    Ok((block, i + 1))
}

fn is_diff_header(lines: &[&str], i: usize) -> bool {
    lines[i].starts_with("--- ") && lines.get(i + 1).is_some_and(|l| l.starts_with("+++ "))
}

fn parse_diff<'a>(lines: &[&'a str], at: usize) -> Result<(Diff<'a>, usize), Rejection> {
    let old_path = header_path(&lines[at][4..], "a/");
    let new_path = header_path(&lines[at + 1][4..], "b/");
    let mut i = at + 2;
    let mut hunks = Vec::new();
    while lines.get(i).is_some_and(|line| line.starts_with("@@")) {
        let (hunk, next) = parse_hunk(lines, i)?;
        hunks.push(hunk);
        i = next;
    }
    let diff = Diff {
        line: at + 1,
        old_path,
        new_path,
        hunks,
    };
    Ok((diff, i))
}

/// The path in a `---`/`+++` field, without git's `a/`/`b/` prefix or a trailing timestamp.
fn header_path(field: &str, prefix: &str) -> Option<String> {
    let name = field.split('\t').next().unwrap_or_default().trim();
    if name == "/dev/null" {
        return None;
    }
    Some(name.strip_prefix(prefix).unwrap_or(name).to_owned())
}

/// The `-start,len` range of a hunk header; models often write `@@ ... @@` without one.
fn hunk_old_range(header: &str) -> (Option<usize>, Option<usize>) {
    let range = header
        .trim_start_matches('@')
        .split_whitespace()
        .next()
        .and_then(|word| word.strip_prefix('-'));
    let Some(range) = range else {
        return (None, None);
    };
    let (start, len) = match range.split_once(',') {
        Some((start, len)) => (start.parse().ok(), len.parse().ok()),
        None => (range.parse().ok(), Some(1)),
    };
    (start, len.filter(|_| start.is_some()))
}

/// Reads a hunk by the shape of its lines rather than by the header's counts, which models get
/// wrong; it ends at the first line that is not context, removed, added or a newline marker.
fn parse_hunk<'a>(lines: &[&'a str], at: usize) -> Result<(Hunk<'a>, usize), Rejection> {
    let header = lines[at].trim();
    let (old_start, old_len) = hunk_old_range(header);
    let mut hunk = Hunk {
        line: at + 1,
        header,
        old_start,
        old_len,
        lines: Vec::new(),
        old_no_eol: false,
        new_no_eol: false,
    };
    let mut n_blank_tail = 0;
    let mut i = at + 1;
    while let Some(&line) = lines.get(i) {
        let ends_hunk = line.starts_with("@@")
            || line.starts_with("```")
            || line.starts_with("~~~")
            || line.starts_with("diff --git")
            || is_diff_header(lines, i);
        if ends_hunk {
            break;
        }
        let entry = match line.as_bytes().first() {
            // Models and editors drop the space of an empty context line.
            None => (Tag::Context, ""),
            Some(b' ') => (Tag::Context, &line[1..]),
            Some(b'-') => (Tag::Removed, &line[1..]),
            Some(b'+') => (Tag::Added, &line[1..]),
            Some(b'\\') => {
                let tag = hunk.lines.last().map(|(tag, _)| *tag);
                hunk.old_no_eol |= matches!(tag, Some(Tag::Context | Tag::Removed));
                hunk.new_no_eol |= matches!(tag, Some(Tag::Context | Tag::Added));
                n_blank_tail = 0;
                i += 1;
                continue;
            }
            Some(_) => break,
        };
        n_blank_tail = if line.is_empty() { n_blank_tail + 1 } else { 0 };
        hunk.lines.push(entry);
        i += 1;
    }
    // Empty lines after the last hunk line are more likely the answer's spacing than context.
    hunk.lines.truncate(hunk.lines.len() - n_blank_tail);
    if hunk.lines.is_empty() {
        return reject(format!(
            "the hunk `{}` at line {} of the answer has no lines",
            excerpt(header),
            at + 1
        ));
    }
    Ok((hunk, i))
}

// Applying: the files the answer touches, read once and changed in memory in answer order.

struct Tree<'r, 'a> {
    rules: &'r EditRules<'a>,
    files: Vec<Working>,
}

/// A file as it was on disk and as the answer has left it so far.
struct Working {
    path: String,
    before: Option<String>,
    current: Option<String>,
}

impl Tree<'_, '_> {
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

    fn into_changes(self) -> Vec<FileChange> {
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

/// The normalized relative path (`/` separators, no `.` parts) if the edit may touch it.
fn checked_path(raw: &str, rules: &EditRules) -> Result<String, Rejection> {
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
    let parts: Vec<&str> = raw
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    if parts.contains(&"..") {
        return reject(format!(
            "path `{shown}` leaves the workspace through `..`; paths must stay inside the \
             workspace root"
        ));
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
            Ok(meta) if meta.is_dir() => {}
            // A file where a directory should be: reading the path reports it.
            Ok(_) => break,
            Err(err) if err.kind() == ErrorKind::NotFound => break,
            Err(err) => return reject(format!("cannot inspect `{path}`: {err}")),
        }
    }
    Ok(())
}

fn read(root: &Path, path: &str) -> Result<Option<String>, Rejection> {
    let full = root.join(path);
    match std::fs::read(&full) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
            Rejection(
                format!("`{path}` is not UTF-8 text, so it cannot be edited"),
                Refusal::Format,
            )
        }),
        Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
        Err(_) if full.is_dir() => reject(format!("`{path}` is a directory, not a file")),
        Err(err) => reject(format!("cannot read `{path}`: {err}")),
    }
}

fn apply_block(tree: &mut Tree, block: &Block) -> Result<(), Rejection> {
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

fn apply_diff(tree: &mut Tree, diff: &Diff) -> Result<(), Rejection> {
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

/// Where the `old` lines of a hunk start in `text`, or how many places they match when that is
/// not one place and the header gives no line to prefer.
fn locate(text: &str, old: &[&str], from: usize, expected: Option<usize>) -> Result<usize, usize> {
    if old.is_empty() {
        let n_lines = text.split_inclusive('\n').count();
        return Ok(expected.unwrap_or(n_lines).max(from).min(n_lines));
    }
    let found = find_matches(text, old, from);
    match (found.as_slice(), expected) {
        ([], _) => Err(0),
        ([at], _) => Ok(*at),
        (_, Some(expected)) => Ok(found
            .iter()
            .copied()
            .min_by_key(|at| at.abs_diff(expected))
            .expect("several matches")),
        (many, None) => Err(many.len()),
    }
}

/// A line without its `\n` or `\r\n`.
fn body(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// Where `needle` occurs as whole lines of `text`, at or after line `from`: the exact matches if
/// there are any, else the matches that ignore trailing whitespace, which agents lose or add.
fn find_matches(text: &str, needle: &[&str], from: usize) -> Vec<usize> {
    let bodies: Vec<&str> = text.split_inclusive('\n').map(body).collect();
    let exact = positions(&bodies, needle, from, |a, b| a == b);
    if !exact.is_empty() {
        return exact;
    }
    positions(&bodies, needle, from, |a, b| a.trim_end() == b.trim_end())
}

fn positions(
    bodies: &[&str],
    needle: &[&str],
    from: usize,
    same: impl Fn(&str, &str) -> bool,
) -> Vec<usize> {
    if needle.is_empty() || needle.len() > bodies.len() {
        return Vec::new();
    }
    (from..=bodies.len() - needle.len())
        .filter(|&at| {
            bodies[at..at + needle.len()]
                .iter()
                .zip(needle)
                .all(|(line, wanted)| same(line, wanted))
        })
        .collect()
}

/// What an edit that reaches the end of a file does to its final newline.
#[derive(Clone, Copy)]
enum Ending {
    Preserve,
    Present,
    Absent,
}

/// The line ending a file uses: that of its first line, `\n` if it has none.
fn eol_of(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// `text` with its `n_old` lines from line `at` replaced by `new`, written with the file's own
/// line ending so that a CRLF file stays CRLF; untouched lines keep their bytes.
fn splice(text: &str, at: usize, n_old: usize, new: &[&str], ending: Ending) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let eol = eol_of(text);
    let mut out = String::with_capacity(text.len());
    lines[..at].iter().for_each(|line| out.push_str(line));
    if !new.is_empty() && !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    for line in new {
        out.push_str(line);
        out.push_str(eol);
    }
    lines[at + n_old..]
        .iter()
        .for_each(|line| out.push_str(line));
    if at + n_old == lines.len() {
        let had_final_newline = text.is_empty() || text.ends_with('\n');
        let final_newline = match ending {
            Ending::Preserve => had_final_newline,
            Ending::Present => true,
            Ending::Absent => false,
        };
        if final_newline && !out.is_empty() && !out.ends_with('\n') {
            out.push_str(eol);
        } else if !final_newline && out.ends_with('\n') {
            out.pop();
            if out.ends_with('\r') {
                out.pop();
            }
        }
    }
    out
}

// Elided code: a placeholder where code should be compiles sometimes and always loses code.

/// Refuses added lines that are elision markers, unless the marker is already in the lines the
/// edit replaces or in the file as it was (then it is real content being moved).
fn check_elision(
    path: &str,
    added: &[&str],
    kept: &[&str],
    before: Option<&str>,
) -> Result<(), Rejection> {
    let known = |marker: &str| {
        kept.iter().any(|line| line.trim() == marker)
            || before.is_some_and(|text| text.lines().any(|line| line.trim() == marker))
    };
    for line in added {
        let marker = line.trim();
        if is_elision(marker) && !known(marker) {
            return reject(format!(
                "the edit to `{path}` elides code with `{}`; write out every line of the new \
                 code instead of a placeholder",
                excerpt(marker)
            ));
        }
    }
    Ok(())
}

/// Words an elision comment is made of, such as "rest of the code unchanged"; a comment with any
/// other word is taken to be a real comment.
const ELISION_WORDS: &str =
    "rest remaining existing unchanged omitted elided truncated snip snipped before previous \
    other etc brevity original of the code as same is are remains remain stays stay here goes \
    for and so on in this similar implementation impl impls body logic method methods function \
    functions fn fns field fields variant variants import imports test tests item items arm \
    arms case cases line lines file module content contents";

/// The words that make such a comment an elision rather than, say, a section title ("tests").
const ELISION_TRIGGERS: &str =
    "rest remaining existing unchanged omitted elided truncated snip snipped before previous \
    other etc brevity";

fn is_one_of(word: &str, list: &str) -> bool {
    list.split_whitespace().any(|item| item == word)
}

/// Whether a trimmed line stands for code left out rather than being code: `...`, `// ...`,
/// `/* ... */`, `// rest of the code unchanged`, `// existing code` and the like.
fn is_elision(line: &str) -> bool {
    let line = line.to_lowercase();
    if line.contains("{ ... }") || line.contains("{ /* ... */ }") {
        return true;
    }
    let comment = if let Some(rest) = line.strip_prefix("//") {
        // Doc comments are prose, where an ellipsis is just punctuation.
        if rest.starts_with(['/', '!']) {
            return false;
        }
        rest
    } else if let Some(rest) = line.strip_prefix("/*") {
        rest.strip_suffix("*/").unwrap_or(rest)
    } else if let Some(rest) = line.strip_prefix("# ") {
        rest
    } else {
        return line == "..." || line == "…";
    };
    let comment = comment.trim();
    if comment.starts_with("...") || comment.starts_with('…') {
        return true;
    }
    let words: Vec<&str> = comment
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    !words.is_empty()
        && words.iter().all(|word| is_one_of(word, ELISION_WORDS))
        && words.iter().any(|word| is_one_of(word, ELISION_TRIGGERS))
}

#[cfg(test)]
mod test {
    use std::fs;

    use tempfile::TempDir;

    use super::*;

    fn root_with(files: &[(&str, &str)]) -> TempDir {
        let root = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = root.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        root
    }

    fn apply(root: &TempDir, answer: &str) -> Result<Vec<FileChange>, Rejection> {
        apply_answer(
            answer,
            &EditRules {
                root: root.path(),
                denied: &|_| None,
            },
        )
    }

    /// The one file an accepted answer changes, as `(path, after)`.
    fn changed(root: &TempDir, answer: &str) -> (String, Option<String>) {
        let mut changes = apply(root, answer).expect("the answer should apply");
        assert_eq!(changes.len(), 1, "{changes:?}");
        let change = changes.remove(0);
        (change.path, change.after)
    }

    fn after(root: &TempDir, answer: &str) -> String {
        changed(root, answer)
            .1
            .expect("the file should exist afterwards")
    }

    fn rejection(root: &TempDir, answer: &str) -> String {
        apply(root, answer)
            .expect_err("the answer should be rejected")
            .0
    }

    fn block(path: &str, search: &str, replace: &str) -> String {
        format!("{path}\n{SEARCH}\n{search}{DIVIDER}\n{replace}{REPLACE}\n")
    }

    const LIB: &str = "fn a() {\n    one();\n}\n\nfn b() {\n    two();\n}\n";

    #[test]
    fn a_search_replace_block_edits_the_named_file_and_keeps_its_before() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let changes = apply(&root, &block("src/lib.rs", "    one();\n", "    uno();\n")).unwrap();
        assert_eq!(
            changes,
            vec![FileChange {
                path: "src/lib.rs".to_owned(),
                before: Some(LIB.to_owned()),
                after: Some(LIB.replace("one", "uno")),
            }]
        );
        assert_eq!(
            fs::read_to_string(root.path().join("src/lib.rs")).unwrap(),
            LIB
        );
    }

    #[test]
    fn blocks_inside_code_fences_with_prose_around_them_apply() {
        let root = root_with(&[("src/lib.rs", LIB), ("src/main.rs", "fn main() {}\n")]);
        let answer = "I will rename the calls.\n\nFirst, in the library:\n\nsrc/lib.rs\n```rust\n\
                      <<<<<<< SEARCH\n    one();\n=======\n    uno();\n>>>>>>> REPLACE\n```\n\n\
                      Then `main`:\n\n```rust\n// src/main.rs\n<<<<<<< SEARCH\nfn main() {}\n\
                      =======\nfn main() {\n    run();\n}\n>>>>>>> REPLACE\n```\n\nThat is all.\n";
        let changes = apply(&root, answer).unwrap();
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["src/lib.rs", "src/main.rs"]);
        assert_eq!(
            changes[0].after.as_deref(),
            Some(&*LIB.replace("one", "uno"))
        );
        assert_eq!(
            changes[1].after.as_deref(),
            Some("fn main() {\n    run();\n}\n")
        );
    }

    #[test]
    fn the_path_may_be_backticked_labelled_a_heading_or_in_the_fence_info() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        for path_line in [
            "`src/lib.rs`",
            "File: `src/lib.rs`",
            "file: src/lib.rs",
            "### src/lib.rs",
            "**src/lib.rs**",
            "In `src/lib.rs`, rename the call:",
            "./src/lib.rs",
            "```rust src/lib.rs",
            "```rust:src/lib.rs",
        ] {
            let answer = block(path_line, "    one();\n", "    uno();\n");
            assert_eq!(changed(&root, &answer).0, "src/lib.rs", "{path_line}");
        }
    }

    #[test]
    fn consecutive_blocks_may_name_their_file_once() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let answer = format!(
            "```rust\nsrc/lib.rs\n{SEARCH}\n    one();\n{DIVIDER}\n    uno();\n{REPLACE}\n```\n\n\
             ```rust\n{SEARCH}\n    two();\n{DIVIDER}\n    dos();\n{REPLACE}\n```\n"
        );
        assert_eq!(
            after(&root, &answer),
            LIB.replace("one", "uno").replace("two", "dos")
        );
    }

    #[test]
    fn prose_right_before_a_block_is_not_taken_for_its_path() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let answer = format!("Here is the change:\n{SEARCH}\n    one();\n{DIVIDER}\n{REPLACE}\n");
        let reason = rejection(&root, &answer);
        assert!(reason.contains("should be the file path alone"), "{reason}");
        assert!(reason.contains("Here is the change:"), "{reason}");
    }

    #[test]
    fn a_block_with_nothing_before_it_has_no_path() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let answer = format!("{SEARCH}\n    one();\n{DIVIDER}\n{REPLACE}\n");
        assert!(rejection(&root, &answer).contains("has no file path"));
    }

    #[test]
    fn a_search_that_matches_nothing_is_rejected_naming_the_file_and_its_first_line() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &block("src/lib.rs", "\n    three();\n", ""));
        assert!(reason.contains("`src/lib.rs`"), "{reason}");
        assert!(reason.contains("does not match"), "{reason}");
        assert!(reason.contains("`three();`"), "{reason}");
    }

    #[test]
    fn a_search_that_matches_twice_is_rejected_asking_for_more_context() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &block("src/lib.rs", "}\n", "};\n"));
        assert!(reason.contains("`src/lib.rs`"), "{reason}");
        assert!(reason.contains("matches 2 times"), "{reason}");
        assert!(reason.contains("more surrounding lines"), "{reason}");
    }

    #[test]
    fn a_search_differing_only_in_trailing_whitespace_still_matches() {
        let root = root_with(&[("src/lib.rs", "fn a() {   \n    one();\t\n}\n")]);
        let answer = block(
            "src/lib.rs",
            "fn a() {\n    one();   \n",
            "fn a() {\n    uno();\n",
        );
        assert_eq!(after(&root, &answer), "fn a() {\n    uno();\n}\n");
    }

    #[test]
    fn an_exact_match_wins_over_a_trailing_whitespace_match() {
        let root = root_with(&[("src/lib.rs", "x();  \nx();\n")]);
        assert_eq!(
            after(&root, &block("src/lib.rs", "x();\n", "y();\n")),
            "x();  \ny();\n"
        );
    }

    #[test]
    fn leading_whitespace_differences_do_not_match() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &block("src/lib.rs", "one();\n", "uno();\n"));
        assert!(reason.contains("does not match"), "{reason}");
    }

    #[test]
    fn a_crlf_file_keeps_its_line_endings_and_an_lf_answer_applies_to_it() {
        let root = root_with(&[("src/lib.rs", "fn a() {\r\n    one();\r\n}\r\n")]);
        let answer = block("src/lib.rs", "    one();\n", "    uno();\n    dos();\n");
        assert_eq!(
            after(&root, &answer),
            "fn a() {\r\n    uno();\r\n    dos();\r\n}\r\n"
        );
    }

    #[test]
    fn a_crlf_answer_applies_to_an_lf_file() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let answer = block("src/lib.rs", "    one();\n", "    uno();\n").replace('\n', "\r\n");
        assert_eq!(after(&root, &answer), LIB.replace("one", "uno"));
    }

    #[test]
    fn a_file_without_a_final_newline_keeps_it_missing() {
        let root = root_with(&[("src/lib.rs", "a();\nb();")]);
        assert_eq!(
            after(&root, &block("src/lib.rs", "b();\n", "c();\n")),
            "a();\nc();"
        );
        assert_eq!(after(&root, &block("src/lib.rs", "b();\n", "")), "a();");
    }

    #[test]
    fn an_empty_search_with_a_missing_path_creates_the_file() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let changes = apply(&root, &block("src/new/mod.rs", "", "pub fn f() {}\n")).unwrap();
        assert_eq!(
            changes,
            vec![FileChange {
                path: "src/new/mod.rs".to_owned(),
                before: None,
                after: Some("pub fn f() {}\n".to_owned()),
            }]
        );
    }

    #[test]
    fn an_empty_search_on_an_existing_file_is_rejected_as_ambiguous() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &block("src/lib.rs", "", "fn c() {}\n"));
        assert!(reason.contains("`src/lib.rs`"), "{reason}");
        assert!(reason.contains("is empty, but the file exists"), "{reason}");
    }

    #[test]
    fn a_search_in_a_missing_file_is_rejected_saying_it_does_not_exist() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &block("src/gone.rs", "fn a() {\n", ""));
        assert!(
            reason.contains("file `src/gone.rs` does not exist"),
            "{reason}"
        );
    }

    #[test]
    fn several_blocks_for_one_file_apply_in_order_and_give_one_change() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        // The second block matches only what the first one wrote.
        let answer = block("src/lib.rs", "    one();\n", "    uno();\n    two();\n")
            + &block("src/lib.rs", "    uno();\n    two();\n", "    dos();\n");
        let changes = apply(&root, &answer).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].before.as_deref(), Some(LIB));
        assert_eq!(
            changes[0].after.as_deref(),
            Some(&*LIB.replace("one", "dos"))
        );
    }

    #[test]
    fn a_file_created_then_edited_in_one_answer_is_one_creation() {
        let root = root_with(&[]);
        let answer =
            block("src/a.rs", "", "fn a() {}\n") + &block("src/a.rs", "fn a() {}\n", "fn b() {}\n");
        let changes = apply(&root, &answer).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].before, None);
        assert_eq!(changes[0].after.as_deref(), Some("fn b() {}\n"));
    }

    #[test]
    fn an_edit_that_changes_nothing_gives_no_change() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let answer = block("src/lib.rs", "    one();\n", "    uno();\n")
            + &block("src/lib.rs", "    uno();\n", "    one();\n");
        assert_eq!(apply(&root, &answer).unwrap(), []);
    }

    #[test]
    fn an_absolute_path_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let inside = root.path().join("src/lib.rs");
        for path in [
            inside.to_str().unwrap(),
            "/etc/passwd",
            "C:/x.rs",
            "```rust /etc/passwd",
        ] {
            let reason = rejection(&root, &block(path, "    one();\n", ""));
            assert!(reason.contains("is absolute"), "{path}: {reason}");
        }
    }

    #[test]
    fn a_path_with_a_parent_component_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        for path in ["../outside.rs", "src/../../outside.rs", "src/../src/lib.rs"] {
            let reason = rejection(&root, &block(path, "    one();\n", ""));
            assert!(reason.contains("`..`"), "{path}: {reason}");
            assert!(reason.contains(path), "{path}: {reason}");
        }
    }

    #[test]
    fn an_empty_path_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &block("``", "    one();\n", ""));
        assert!(reason.contains("empty file path"), "{reason}");
        let reason = rejection(&root, &block("./", "    one();\n", ""));
        assert!(reason.contains("names no file"), "{reason}");
    }

    #[test]
    fn a_path_with_backslashes_or_control_characters_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        assert!(rejection(&root, &block("src\\lib.rs", "    one();\n", "")).contains("`/`"));
        let reason = rejection(&root, &block("src/l\u{1}ib.rs", "    one();\n", ""));
        assert!(reason.contains("control characters"), "{reason}");
    }

    #[cfg(unix)]
    #[test]
    fn a_path_through_a_symlinked_directory_is_rejected() {
        let outside = root_with(&[("secret.rs", "fn secret() {}\n")]);
        let root = root_with(&[("src/lib.rs", LIB)]);
        std::os::unix::fs::symlink(outside.path(), root.path().join("src/escape")).unwrap();
        let answer = block("src/escape/secret.rs", "fn secret() {}\n", "");
        let reason = rejection(&root, &answer);
        assert!(reason.contains("`src/escape/secret.rs`"), "{reason}");
        assert!(reason.contains("symlink `src/escape`"), "{reason}");
        // Creation through the link is refused as well.
        let reason = rejection(&root, &block("src/escape/new.rs", "", "fn x() {}\n"));
        assert!(reason.contains("symlink"), "{reason}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        std::os::unix::fs::symlink("lib.rs", root.path().join("src/alias.rs")).unwrap();
        let reason = rejection(&root, &block("src/alias.rs", "    one();\n", ""));
        assert!(
            reason.contains("goes through the symlink `src/alias.rs`"),
            "{reason}"
        );
    }

    #[test]
    fn a_path_the_guardrails_deny_is_rejected_with_their_reason() {
        let root = root_with(&[("src/lib.rs", LIB), ("Cargo.toml", "[package]\n")]);
        let denied =
            |path: &str| (path == "Cargo.toml").then(|| "manifests are sensitive".to_owned());
        let rules = EditRules {
            root: root.path(),
            denied: &denied,
        };
        let answer = block("./Cargo.toml", "[package]\n", "[workspace]\n");
        let reason = apply_answer(&answer, &rules).unwrap_err().0;
        assert_eq!(
            reason,
            "edits to `Cargo.toml` are not allowed: manifests are sensitive"
        );
        let allowed = block("src/lib.rs", "    one();\n", "    uno();\n");
        assert_eq!(apply_answer(&allowed, &rules).unwrap().len(), 1);
    }

    #[test]
    fn a_directory_is_not_an_editable_file() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &block("src", "fn a() {\n", ""));
        assert!(reason.contains("`src` is a directory"), "{reason}");
    }

    #[test]
    fn a_file_that_is_not_utf8_is_rejected() {
        let root = root_with(&[]);
        fs::write(root.path().join("data.bin"), b"\xff\xfe\x00junk\n").unwrap();
        let reason = rejection(&root, &block("data.bin", "junk\n", "more\n"));
        assert!(reason.contains("`data.bin` is not UTF-8"), "{reason}");
    }

    #[test]
    fn elision_markers_in_the_replacement_are_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        for marker in [
            "    // ...",
            "/* ... */",
            "...",
            "…",
            "    // rest of the code unchanged",
            "// Rest Of The Code Unchanged",
            "// existing code",
            "// ... existing code ...",
            "// ... rest unchanged",
            "    // (unchanged)",
            "// same as before",
            "// remaining methods",
            "// other fields omitted for brevity",
            "fn b() { ... }",
            "# ...",
        ] {
            let answer = block(
                "src/lib.rs",
                "fn b() {\n    two();\n}\n",
                &format!("{marker}\n"),
            );
            let reason = rejection(&root, &answer);
            assert!(reason.contains("elides code"), "{marker}: {reason}");
            assert!(reason.contains(marker.trim()), "{marker}: {reason}");
        }
    }

    #[test]
    fn an_elision_marker_already_in_the_search_or_the_file_is_content() {
        let root = root_with(&[("src/lib.rs", "fn a() {\n    // ...\n}\n")]);
        let kept = block(
            "src/lib.rs",
            "fn a() {\n    // ...\n",
            "fn b() {\n    // ...\n",
        );
        assert_eq!(after(&root, &kept), "fn b() {\n    // ...\n}\n");
        // Moving the function's body elsewhere in the file is not eliding it either.
        let moved = block("src/lib.rs", "}\n", "}\n\nfn c() {\n    // ...\n}\n");
        assert!(apply(&root, &moved).is_ok());
    }

    #[test]
    fn real_code_with_dots_and_comments_is_not_an_elision() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let code = "    for i in 0..n {}\n    let s = S { x: 1, ..Default::default() };\n    \
                    let Foo { a, .. } = foo;\n    println!(\"...\");\n    let r = ..=3;\n    \
                    // Existing entries win over new ones.\n    // Tests cover the rest of this \
                    in lib.rs.\n    /// Loads...\n    // Match arms\n";
        let answer = block("src/lib.rs", "    one();\n", code);
        assert!(after(&root, &answer).contains("Existing entries win"));
    }

    #[test]
    fn an_answer_without_blocks_or_diffs_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        for answer in [
            "",
            "I could not find a good refactor here.",
            "```rust\nfn a() {}\n```\n",
        ] {
            let reason = rejection(&root, answer);
            assert!(
                reason.starts_with("the answer has no SEARCH/REPLACE block or unified diff"),
                "{reason}"
            );
        }
    }

    #[test]
    fn garbage_and_binary_junk_are_rejected_without_panicking() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let junk: String = (0u8..=255).cycle().take(4096).map(char::from).collect();
        for answer in [
            junk.as_str(),
            "\u{0}\u{1}<<<<<<<\n=======\n>>>>>>>",
            "src/lib.rs\n<<<<<<< SEARCH",
            "@@ -1 +1 @@\n-a\n+b\n",
            "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ @@\n",
            "--- \n+++ \n@@ -1 +1 @@\n-x\n+y\n",
            "--- /dev/null\n+++ /dev/null\n",
            "\u{7f}\n<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE\n",
            "é\n<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE\n",
        ] {
            let reason = rejection(&root, answer);
            assert!(!reason.is_empty());
        }
    }

    #[test]
    fn an_unterminated_block_is_rejected_naming_the_missing_line() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let no_divider = format!("src/lib.rs\n{SEARCH}\n    one();\n{REPLACE}\n");
        let reason = rejection(&root, &no_divider);
        assert!(
            reason.contains("`src/lib.rs`") && reason.contains("`=======`"),
            "{reason}"
        );
        let no_end = format!("src/lib.rs\n{SEARCH}\n    one();\n{DIVIDER}\n    uno();\n");
        assert!(rejection(&root, &no_end).contains("`>>>>>>> REPLACE`"));
        let next_block = format!("src/lib.rs\n{SEARCH}\n    one();\n{DIVIDER}\n{SEARCH}\n");
        assert!(rejection(&root, &next_block).contains("`>>>>>>> REPLACE`"));
    }

    #[test]
    fn a_replace_marker_without_a_search_line_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let answer = block("src/lib.rs", "    one();\n", "    uno();\n")
            + "src/lib.rs\n<<<<<< SEARC\n    two();\n=======\n>>>>>>> REPLACE\n";
        let reason = rejection(&root, &answer);
        assert!(reason.contains("line 11 of the answer"), "{reason}");
    }

    #[test]
    fn markers_with_a_miscounted_number_of_characters_still_count() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let answer =
            "src/lib.rs\n<<<<<< SEARCH\n    one();\n========\n    uno();\n>>>>>>>> REPLACE\n";
        assert_eq!(after(&root, answer), LIB.replace("one", "uno"));
    }

    const DIFF: &str = "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -5,3 +5,3 @@\n fn b() {\n-    two();\n+    dos();\n }\n";

    #[test]
    fn a_unified_diff_applies_at_its_stated_line() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        assert_eq!(after(&root, DIFF), LIB.replace("two", "dos"));
    }

    #[test]
    fn a_unified_diff_applies_when_the_file_has_moved_under_it() {
        let shifted = format!("// header\n// more header\n\n{LIB}");
        let root = root_with(&[("src/lib.rs", &shifted)]);
        assert_eq!(after(&root, DIFF), shifted.replace("two", "dos"));
    }

    #[test]
    fn a_hunk_whose_context_occurs_twice_goes_to_the_stated_line() {
        let text = "x();\ny();\nx();\ny();\nx();\ny();\n";
        let root = root_with(&[("a.rs", text)]);
        let diff = "--- a/a.rs\n+++ b/a.rs\n@@ -3,2 +3,2 @@\n x();\n-y();\n+z();\n";
        assert_eq!(after(&root, diff), "x();\ny();\nx();\nz();\nx();\ny();\n");
        // Without line numbers there is nothing to prefer.
        let reason = rejection(&root, &diff.replace("-3,2 +3,2", ""));
        assert!(reason.contains("occur 3 times"), "{reason}");
    }

    #[test]
    fn several_hunks_apply_in_order_with_a_shared_offset() {
        let text = (1..=20)
            .map(|i| format!("line {i}\n"))
            .collect::<Vec<_>>()
            .concat();
        let root = root_with(&[("a.txt", &format!("extra\n{text}"))]);
        let diff =
            "--- a/a.txt\n+++ b/a.txt\n@@ -2,3 +2,3 @@\n line 2\n-line 3\n+line three\n line 4\n\
                    @@ -15,3 +15,4 @@\n line 15\n line 16\n+line 16.5\n line 17\n";
        let expected = format!("extra\n{text}")
            .replace("line 3\n", "line three\n")
            .replace("line 16\n", "line 16\nline 16.5\n");
        assert_eq!(after(&root, diff), expected);
    }

    #[test]
    fn a_hunk_that_does_not_apply_is_rejected_naming_the_file_and_hunk() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &DIFF.replace("two", "three"));
        assert!(reason.contains("`src/lib.rs`"), "{reason}");
        assert!(reason.contains("`@@ -5,3 +5,3 @@`"), "{reason}");
        assert!(reason.contains("line 3 of the answer"), "{reason}");
    }

    #[test]
    fn a_diff_tolerates_trailing_whitespace_git_headers_fences_and_prose() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let answer = format!(
            "Rename the call:\n\n```diff\ndiff --git a/src/lib.rs b/src/lib.rs\nindex 123..456 100644\n\
             {}```\n\nThis keeps behaviour.\n",
            DIFF.replace("-    two();", "-    two();  ")
        );
        assert_eq!(after(&root, &answer), LIB.replace("two", "dos"));
    }

    #[test]
    fn a_diff_from_dev_null_creates_a_file() {
        let root = root_with(&[]);
        let diff =
            "--- /dev/null\n+++ b/src/new.rs\n@@ -0,0 +1,2 @@\n+fn new() {}\n+fn newer() {}\n";
        let changes = apply(&root, diff).unwrap();
        assert_eq!(
            changes,
            vec![FileChange {
                path: "src/new.rs".to_owned(),
                before: None,
                after: Some("fn new() {}\nfn newer() {}\n".to_owned()),
            }]
        );
    }

    #[test]
    fn a_diff_creating_an_existing_file_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let diff = "--- /dev/null\n+++ b/src/lib.rs\n@@ -0,0 +1 @@\n+fn new() {}\n";
        assert!(rejection(&root, diff).contains("`src/lib.rs`, but it already exists"));
    }

    #[test]
    fn a_diff_to_dev_null_deletes_a_file_only_when_it_removes_every_line() {
        let root = root_with(&[("src/old.rs", "fn old() {}\nfn older() {}\n")]);
        let diff =
            "--- a/src/old.rs\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-fn old() {}\n-fn older() {}\n";
        assert_eq!(changed(&root, diff), ("src/old.rs".to_owned(), None));
        let partial = "--- a/src/old.rs\n+++ /dev/null\n@@ -1 +0,0 @@\n-fn old() {}\n";
        assert!(rejection(&root, partial).contains("do not remove every line"));
    }

    #[test]
    fn a_diff_honours_no_newline_at_end_of_file_markers() {
        let root = root_with(&[("a.txt", "a\nb\n")]);
        let diff =
            "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n";
        assert_eq!(after(&root, diff), "a\nc");
    }

    #[test]
    fn elided_code_in_a_diff_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(
            &root,
            &DIFF.replace("+    dos();", "+    // ... rest unchanged"),
        );
        assert!(reason.contains("elides code"), "{reason}");
    }

    #[test]
    fn a_diff_renaming_a_file_is_rejected() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &DIFF.replace("+++ b/src/lib.rs", "+++ b/src/new.rs"));
        assert!(
            reason.contains("renames `src/lib.rs` to `src/new.rs`"),
            "{reason}"
        );
    }

    #[test]
    fn diff_paths_pass_the_same_checks_as_block_paths() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let reason = rejection(&root, &DIFF.replace("src/lib.rs", "../lib.rs"));
        assert!(reason.contains("`..`"), "{reason}");
    }

    #[test]
    fn blocks_and_diffs_in_one_answer_apply_in_order() {
        let root = root_with(&[("src/lib.rs", LIB)]);
        let answer = block("src/lib.rs", "    one();\n", "    uno();\n") + "\n" + DIFF;
        assert_eq!(
            after(&root, &answer),
            LIB.replace("one", "uno").replace("two", "dos")
        );
    }
}
