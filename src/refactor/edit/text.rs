//! Line-level text work: finding where old lines are, and splicing new lines in with the
//! file's own line endings.

/// Where the `old` lines of a hunk start in `text`, or how many places they match when that is
/// not one place and the header gives no line to prefer.
pub(super) fn locate(
    text: &str,
    old: &[&str],
    from: usize,
    expected: Option<usize>,
) -> Result<usize, usize> {
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
pub(super) fn find_matches(text: &str, needle: &[&str], from: usize) -> Vec<usize> {
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
pub(super) enum Ending {
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
pub(super) fn splice(text: &str, at: usize, n_old: usize, new: &[&str], ending: Ending) -> String {
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
