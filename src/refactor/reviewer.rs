//! The second opinion (`--reviewer AGENT`): another agent approves or vetoes each verified
//! change before it is kept. `builtin` vetoes what a careful maintainer would refuse on sight:
//! a change that grows the code, or removes, renames or changes a public item.

use std::fmt::Write;

use crate::refactor::agents::exchange::Answer;
use crate::refactor::change::FileChange;
use crate::refactor::finding::Finding;
use crate::refactor::prompt::{estimate_tokens, Prompt};

/// What a reviewer said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opinion {
    Approve,
    Veto(String),
}

/// The built-in reviewer's opinion of `changes`.
pub fn builtin(changes: &[FileChange]) -> Opinion {
    let lost = crate::refactor::guard::lost_public_items(changes);
    if !lost.is_empty() {
        return Opinion::Veto(format!(
            "it removes, renames or changes public items: {}",
            lost.join(", ")
        ));
    }
    let count = |side: fn(&FileChange) -> Option<&String>| -> usize {
        changes
            .iter()
            .filter_map(side)
            .map(|text| code_lines(text))
            .sum()
    };
    let (before, after) = (count(|c| c.before.as_ref()), count(|c| c.after.as_ref()));
    if after > before {
        return Opinion::Veto(format!(
            "it grows the code by {} lines ({before} -> {after} lines of code)",
            after - before
        ));
    }
    Opinion::Approve
}

/// Lines that hold code: not blank, not only a comment.
fn code_lines(text: &str) -> usize {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .count()
}

/// The review request for an agent: instructions (the same for every change), then the
/// finding and the verified patch.
pub fn prompt(finding: &Finding, patch: &str) -> Prompt {
    let stable = "You review refactors of a Rust workspace before they are merged. The change \
                  below already builds, passes clippy and passes the tests. Approve it only if \
                  a strict maintainer would merge it: it removes the finding, keeps behaviour \
                  and the public API, and makes the code simpler, not longer or more obscure.\n\
                  Answer with one line: `APPROVE`, or `VETO: ` and the reason in one sentence.\n\n"
        .to_owned();
    let mut task = String::new();
    let _ = writeln!(task, "Finding {}: {}\n", finding.id, finding.title);
    let _ = writeln!(task, "```diff\n{patch}```");
    Prompt {
        tokens: estimate_tokens(&stable) + estimate_tokens(&task),
        stable,
        task,
        cut: Vec::new(),
    }
}

/// Reads an agent's review: the first line that says APPROVE or VETO decides; an answer that
/// says neither is a veto, since nothing was approved.
pub fn read(answer: &Answer) -> Opinion {
    let Answer::Text(text) = answer else {
        return Opinion::Veto("the reviewer edited files instead of answering".to_owned());
    };
    for line in text.lines() {
        let line = line.trim().trim_matches(['*', '`', '#', ' ']);
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("APPROVE") {
            return Opinion::Approve;
        }
        if let Some(rest) = upper.strip_prefix("VETO") {
            let reason = line[line.len() - rest.len()..]
                .trim_start_matches([':', ' ', '-'])
                .trim();
            let reason = if reason.is_empty() {
                "no reason given"
            } else {
                reason
            };
            return Opinion::Veto(crate::files::printable(reason));
        }
    }
    Opinion::Veto("the reviewer's answer says neither APPROVE nor VETO".to_owned())
}

#[cfg(test)]
mod test {
    use super::*;

    fn change(before: &str, after: &str) -> Vec<FileChange> {
        vec![FileChange::new("src/lib.rs", Some(before), Some(after))]
    }

    #[test]
    fn builtin_approves_a_shrinking_private_merge() {
        let before = "pub fn a() -> u32 { helper() }\nfn helper() -> u32 {\n    1 + 1\n}\nfn other() -> u32 {\n    1 + 1\n}\n";
        let after = "pub fn a() -> u32 { helper() }\nfn helper() -> u32 {\n    1 + 1\n}\n";
        assert_eq!(builtin(&change(before, after)), Opinion::Approve);
    }

    #[test]
    fn builtin_vetoes_growth_and_lost_public_items() {
        let grown = builtin(&change("fn a() {}\n", "fn a() {\n    b();\n}\nfn b() {}\n"));
        assert!(
            matches!(&grown, Opinion::Veto(why) if why.contains("grows the code by 3 lines")),
            "{grown:?}"
        );
        let renamed = builtin(&change("pub fn old_name() {}\n", "pub fn new_name() {}\n"));
        assert!(
            matches!(&renamed, Opinion::Veto(why) if why.contains("fn old_name")),
            "{renamed:?}"
        );
        // Comments and blank lines are not growth.
        let documented = builtin(&change("fn a() {}\n", "/// Does a.\n\nfn a() {}\n"));
        assert_eq!(documented, Opinion::Approve);
    }

    #[test]
    fn an_agents_review_is_read_from_its_first_verdict_line() {
        let read_text = |text: &str| read(&Answer::Text(text.to_owned()));
        assert_eq!(read_text("Looks fine.\n**APPROVE**\n"), Opinion::Approve);
        assert_eq!(
            read_text("VETO: the helper's name hides what it does\nAPPROVE"),
            Opinion::Veto("the helper's name hides what it does".to_owned())
        );
        assert!(
            matches!(read_text("I am not sure."), Opinion::Veto(why) if why.contains("neither"))
        );
        assert!(matches!(
            read(&Answer::Changes {
                changes: Vec::new(),
                summary: None
            }),
            Opinion::Veto(_)
        ));
    }
}
