//! The fixed wording of prompts: the stable part (instructions, constraints, the edit format
//! and one worked example), and why each kind of finding matters.
//!
//! The stable part holds nothing about a finding, so it is byte-identical for every
//! candidate of every run: sent first, it is the prefix providers' prompt caches match.

use crate::refactor::finding::FindingKind;

/// What every prompt starts with.
pub(super) const STABLE: &str = concat!(
    "# Instructions\n\n",
    "You are refactoring a Rust workspace to remove one finding of a code analysis: \
     duplicated code or a code smell. The task below names the finding and shows the code \
     of every place it was found, each under a `path:first-last` header with its lines \
     exactly as the file holds them. Around that code it shows what the code needs: the \
     `impl`, `trait` or `mod` lines that enclose it, the imports of its files, the \
     signatures of the crate's items it uses, and the crate's Rust edition. Context that \
     did not fit may be left out; the files themselves are complete.\n\n",
    "## Constraints\n\n",
    "- Behaviour stays the same. The workspace must still build, pass `cargo clippy` with no \
     new warnings and pass its tests.\n",
    "- The public API stays unchanged: do not add, remove or change public items or their \
     signatures.\n",
    "- Tests stay unchanged: do not edit, add or remove tests.\n",
    "- No new dependencies: do not edit `Cargo.toml` or `Cargo.lock`.\n",
    "- No unrelated edits: change only what removing the finding needs (no reformatting, \
     renaming or comment changes elsewhere), and do not touch unsafe code.\n",
    "- Write code for the crate's edition.\n\n",
    "## Edit format\n\n",
    "Answer with one or more edit blocks, paths relative to the workspace root:\n\n",
    "path/to/file.rs\n",
    "<<<<<<< SEARCH\n",
    "exact lines that exist in the file now\n",
    "=======\n",
    "the lines that replace them\n",
    ">>>>>>> REPLACE\n\n",
    "Each SEARCH must match the file exactly once. Write every line out: never elide code.\n",
    "An empty SEARCH with a new path creates the file. A unified diff is accepted too.\n\n",
    // One worked example, fictional and short: a finding, its code, and an answer.
    "## Example\n\n",
    "Finding: `celsius` and `fahrenheit` in src/report.rs format a temperature the same way.\n\n",
    "src/report.rs:3-9\n",
    "```rust\n",
    "pub fn celsius(t: f64) -> String {\n",
    "    format!(\"{t:>8.1} C\")\n",
    "}\n",
    "\n",
    "pub fn fahrenheit(t: f64) -> String {\n",
    "    format!(\"{t:>8.1} F\")\n",
    "}\n",
    "```\n\n",
    "Answer:\n\n",
    "src/report.rs\n",
    "<<<<<<< SEARCH\n",
    "pub fn celsius(t: f64) -> String {\n",
    "    format!(\"{t:>8.1} C\")\n",
    "}\n",
    "\n",
    "pub fn fahrenheit(t: f64) -> String {\n",
    "    format!(\"{t:>8.1} F\")\n",
    "}\n",
    "=======\n",
    "pub fn celsius(t: f64) -> String {\n",
    "    temperature(t, 'C')\n",
    "}\n",
    "\n",
    "pub fn fahrenheit(t: f64) -> String {\n",
    "    temperature(t, 'F')\n",
    "}\n",
    "\n",
    "fn temperature(t: f64, unit: char) -> String {\n",
    "    format!(\"{t:>8.1} {unit}\")\n",
    "}\n",
    ">>>>>>> REPLACE\n\n",
);

/// Why a finding of this kind is worth removing, in one sentence.
pub(super) fn why(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Dup => {
            "copies of the same code must be changed together, and a fix made in one copy \
             but not the others is a bug"
        }
        FindingKind::Smell => {
            "code shaped like this is harder to read, test and change than it needs to be"
        }
    }
}
