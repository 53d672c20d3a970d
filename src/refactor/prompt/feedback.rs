//! What a retry is told: which attempt was refused, the verifier's errors and that attempt's
//! patch, each trimmed to its head and tail, since the first errors name the cause and the
//! last ones the summary, and a long log would crowd out the code.

use std::fmt::Write;

/// What went wrong with an earlier attempt, for the next one.
#[derive(Debug, Clone, Copy)]
pub struct Feedback<'a> {
    /// The attempt that was refused (1 for the first).
    pub attempt: u32,
    /// Why it was refused: rendered compiler messages, the failing test's output, a parse or
    /// guard refusal.
    pub errors: &'a str,
    /// The patch that attempt proposed, when it got that far.
    pub patch: Option<&'a str>,
}

/// Lines kept of the errors or of the patch.
const MAX_LINES: usize = 60;
/// Bytes kept of the errors or of the patch.
const MAX_BYTES: usize = 6000;
/// A longer line is cut: one minified line must not take the whole allowance.
const MAX_LINE_BYTES: usize = MAX_BYTES / 4;

impl Feedback<'_> {
    /// The feedback section of the task.
    pub(super) fn render(&self) -> String {
        let attempt = self.attempt;
        let mut out = format!(
            "## Attempt {attempt} was refused\n\nAttempt {attempt} was refused:\n\n{}",
            fenced("text", &trim(self.errors))
        );
        if let Some(patch) = self.patch {
            let _ = write!(
                out,
                "\nThe patch of attempt {attempt}:\n\n{}",
                fenced("diff", &trim(patch))
            );
        }
        let _ = writeln!(
            out,
            "\nThe files shown above are the originals: attempt {attempt} was not applied. \
             Answer again with edits against them."
        );
        out
    }
}

/// A code block around `text`, its fence longer than any run of backticks inside.
pub(super) fn fenced(lang: &str, text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let newline = if text.ends_with('\n') || text.is_empty() {
        ""
    } else {
        "\n"
    };
    format!("{fence}{lang}\n{text}{newline}{fence}\n")
}

/// At most [`MAX_LINES`] lines and [`MAX_BYTES`] bytes of `text`: its head and its tail,
/// with a line saying how many lines were left out between them.
pub(super) fn trim(text: &str) -> String {
    let lines: Vec<String> = text.lines().map(clip_line).collect();
    let total: usize = lines.iter().map(|line| line.len() + 1).sum();
    if lines.len() <= MAX_LINES && total <= MAX_BYTES {
        return lines.join("\n");
    }
    // Room for the marker line, then half of what is left for each end.
    let half_bytes = (MAX_BYTES - 64) / 2;
    let half_lines = (MAX_LINES - 1) / 2;
    let head = fitting(lines.iter(), half_lines, half_bytes);
    let tail = fitting(lines.iter().rev(), half_lines, half_bytes);
    let elided = lines.len() - head - tail;
    let mut out: Vec<&str> = lines[..head].iter().map(String::as_str).collect();
    let marker = format!("[... {elided} lines elided ...]");
    out.push(&marker);
    out.extend(lines[lines.len() - tail..].iter().map(String::as_str));
    out.join("\n")
}

/// How many of `lines`, taken in order, fit in `max_lines` lines and `max_bytes` bytes.
fn fitting<'a>(
    lines: impl Iterator<Item = &'a String>,
    max_lines: usize,
    max_bytes: usize,
) -> usize {
    let mut bytes = 0;
    lines
        .take(max_lines)
        .take_while(|line| {
            bytes += line.len() + 1;
            bytes <= max_bytes
        })
        .count()
}

/// `line`, cut at [`MAX_LINE_BYTES`] on a character boundary.
fn clip_line(line: &str) -> String {
    if line.len() <= MAX_LINE_BYTES {
        return line.to_string();
    }
    let mut end = MAX_LINE_BYTES;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} [... line cut ...]", &line[..end])
}
