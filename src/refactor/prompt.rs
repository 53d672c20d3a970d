//! The prompt an agent gets: the finding, the code it points at, the edit format, and on a
//! second attempt why the first one was refused.

use std::fmt::Write;
use std::path::Path;

use crate::refactor::finding::Finding;

/// Lines of context shown around each location.
const CONTEXT: u32 = 3;

/// What went wrong with an earlier attempt, for the next one.
pub struct Feedback<'a> {
    pub attempt: u32,
    pub errors: &'a str,
    pub patch: Option<&'a str>,
}

pub struct Prompt {
    pub stable: String,
    pub task: String,
    pub tokens: usize,
    pub cut: Vec<String>,
}

impl Prompt {
    pub fn text(&self) -> String {
        format!("{}{}", self.stable, self.task)
    }
}

pub fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(4)
}

pub fn build(
    root: &Path,
    finding: &Finding,
    feedback: Option<&Feedback>,
    _context_tokens: usize,
) -> Prompt {
    let task = build_text(root, finding, feedback.map(|f| f.errors));
    Prompt {
        stable: String::new(),
        tokens: estimate_tokens(&task),
        task,
        cut: Vec::new(),
    }
}

fn build_text(root: &Path, finding: &Finding, feedback: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "You are refactoring a Rust workspace. Finding {}: {}.",
        finding.id, finding.title
    );
    if !finding.suggestion.is_empty() {
        let _ = writeln!(out, "Usual fix: {}.", finding.suggestion);
    }
    let _ = writeln!(
        out,
        "\nChange the code so that the finding goes away, behaviour stays the same, and the \
         workspace still builds, passes `cargo clippy` with no new warnings and passes its tests. \
         Do not change public signatures, tests, Cargo.toml or unsafe code.\n"
    );
    for loc in &finding.locations {
        let _ = writeln!(
            out,
            "{}:{}-{} ({})",
            loc.file, loc.start_line, loc.end_line, loc.item
        );
        let _ = writeln!(out, "```rust");
        if let Ok(text) = std::fs::read_to_string(root.join(&loc.file)) {
            let first = loc.start_line.saturating_sub(CONTEXT).max(1);
            let last = loc.end_line + CONTEXT;
            for (n, line) in text.lines().enumerate() {
                let n = n as u32 + 1;
                if (first..=last).contains(&n) {
                    let _ = writeln!(out, "{line}");
                }
            }
        }
        let _ = writeln!(out, "```\n");
    }
    out.push_str(FORMAT);
    if let Some(feedback) = feedback {
        let _ = writeln!(
            out,
            "\nYour previous answer was refused:\n{feedback}\nAnswer again with corrected edits."
        );
    }
    out
}

const FORMAT: &str = "\
Answer with one or more edit blocks, paths relative to the workspace root:

path/to/file.rs
<<<<<<< SEARCH
exact lines that exist in the file now
=======
the lines that replace them
>>>>>>> REPLACE

Each SEARCH must match the file exactly once. Write every line out: never elide code.
An empty SEARCH with a new path creates the file. A unified diff is accepted too.
";
