//! Reading an agent's answer: the SEARCH/REPLACE blocks and unified diffs in its free text,
//! before any file is read. Prose, fences and anything that is not an edit are skipped.

use super::rejection::{excerpt, reject, Rejection};
use super::text::Ending;

pub(super) const SEARCH: &str = "<<<<<<< SEARCH";
pub(super) const DIVIDER: &str = "=======";
pub(super) const REPLACE: &str = ">>>>>>> REPLACE";

/// One edit as the answer spells it, before any file is read.
pub(super) enum Edit<'a> {
    Block(Block<'a>),
    Diff(Diff<'a>),
}

/// A SEARCH/REPLACE block; `line` is its `<<<<<<< SEARCH` line, counted from 1.
pub(super) struct Block<'a> {
    pub(super) line: usize,
    pub(super) path: String,
    pub(super) search: Vec<&'a str>,
    pub(super) replace: Vec<&'a str>,
}

/// One file's part of a unified diff; a `None` path is `/dev/null`.
pub(super) struct Diff<'a> {
    pub(super) line: usize,
    pub(super) old_path: Option<String>,
    pub(super) new_path: Option<String>,
    pub(super) hunks: Vec<Hunk<'a>>,
}

pub(super) struct Hunk<'a> {
    pub(super) line: usize,
    pub(super) header: &'a str,
    /// The stated `-start,len` range, when the header can be read.
    pub(super) old_start: Option<usize>,
    pub(super) old_len: Option<usize>,
    pub(super) lines: Vec<(Tag, &'a str)>,
    /// A `\ No newline at end of file` marker follows the old or the new side's last line.
    pub(super) old_no_eol: bool,
    pub(super) new_no_eol: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    Context,
    Removed,
    Added,
}

impl<'a> Hunk<'a> {
    /// The lines the hunk expects in the file now: context and removed lines.
    pub(super) fn old_side(&self) -> Vec<&'a str> {
        self.side(Tag::Removed)
    }

    /// The lines the file holds afterwards: context and added lines.
    pub(super) fn new_side(&self) -> Vec<&'a str> {
        self.side(Tag::Added)
    }

    pub(super) fn side(&self, tag: Tag) -> Vec<&'a str> {
        self.tagged(|t| t == Tag::Context || t == tag)
    }

    pub(super) fn added(&self) -> Vec<&'a str> {
        self.tagged(|t| t == Tag::Added)
    }

    pub(super) fn tagged(&self, keep: impl Fn(Tag) -> bool) -> Vec<&'a str> {
        self.lines
            .iter()
            .filter(|(t, _)| keep(*t))
            .map(|(_, text)| *text)
            .collect()
    }

    pub(super) fn ending(&self) -> Ending {
        if self.new_no_eol {
            Ending::Absent
        } else if self.old_no_eol {
            Ending::Present
        } else {
            Ending::Preserve
        }
    }
}

pub(super) fn parse(answer: &str) -> Result<Vec<Edit<'_>>, Rejection> {
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
