//! The built-in fix for a long, complex or deeply nested function: clippy's machine-applicable
//! suggestions for the warnings the baseline raised inside it (a collapsible `if`, a needless
//! `return`, a manual `map`). They are the compiler's own rewrites, sure to keep behaviour;
//! each is taken whole or not at all, and only where the file still reads as clippy saw it.
//! Re-analysis then says whether the function got simpler: a fix that leaves the smell as big
//! as it was is rejected there, like any agent's.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use super::edits::Edits;
use crate::refactor::agents::exchange::AgentError;
use crate::refactor::cargo::{Fix, Suggestion};
use crate::refactor::change::FileChange;
use crate::refactor::finding::{Finding, Location};

/// The baseline's machine-applicable fixes inside the function `finding` names with the lints
/// they fix, or why none.
pub(super) fn clippy_fixes(
    finding: &Finding,
    root: &Path,
    suggestions: &[Suggestion],
) -> Result<(Vec<FileChange>, String), AgentError> {
    let declined = |why: String| AgentError::Declined(why);
    let location = (finding.locations.first())
        .ok_or_else(|| declined(format!("{} has no location", finding.id)))?;
    let text = std::fs::read_to_string(root.join(&location.file))
        .map_err(|err| declined(format!("cannot read `{}`: {err}", location.file)))?;
    let (taken, lints) = applicable(&text, location, suggestions);
    if taken.is_empty() {
        return Err(declined(format!(
            "clippy suggests no machine-applicable fix inside `{}` ({}:{}-{}): what makes it \
             {} needs a refactor by hand or by an LLM agent",
            location.item,
            location.file,
            location.start_line,
            location.end_line,
            finding.smell.map_or("a smell", |kind| kind.as_str())
        )));
    }
    let mut edits = Edits::default();
    for fix in taken {
        edits.replace(&fix.file, fix.bytes.clone(), fix.replacement.clone());
    }
    let changes = edits.into_changes_of(|_| Some(text.clone()))?;
    Ok((changes, lints.into_iter().collect::<Vec<_>>().join(", ")))
}

/// The fixes of every suggestion that lies inside `location`'s lines of `text`, still
/// matches the text and overlaps no suggestion taken before it, with the lints they fix.
fn applicable<'a>(
    text: &str,
    location: &Location,
    suggestions: &'a [Suggestion],
) -> (Vec<&'a Fix>, BTreeSet<&'a str>) {
    let span = line_bytes(text, location.start_line, location.end_line);
    let mut taken: Vec<&Fix> = Vec::new();
    let mut lints = BTreeSet::new();
    let mut seen: Vec<&Suggestion> = Vec::new();
    for suggestion in suggestions {
        // `--all-targets` reports a library's warning again for its test build.
        if seen.contains(&suggestion) {
            continue;
        }
        let fits = |fix: &Fix| {
            fix.file == location.file
                && span.start <= fix.bytes.start
                && fix.bytes.end <= span.end
                && text.get(fix.bytes.clone()) == Some(fix.original.as_str())
                && !taken.iter().any(|t| overlap(&t.bytes, &fix.bytes))
        };
        if suggestion.fixes.iter().all(fits) {
            taken.extend(&suggestion.fixes);
            lints.insert(suggestion.key.lint.as_str());
            seen.push(suggestion);
        }
    }
    (taken, lints)
}

/// Whether two replacements touch the same bytes (or insert at the same place).
fn overlap(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end || a.start == b.start
}

/// The bytes of lines `first..=last` (from 1) of `text`.
fn line_bytes(text: &str, first: u32, last: u32) -> Range<usize> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let at = |line: u32| starts.get(line as usize).copied().unwrap_or(text.len());
    at(first.saturating_sub(1))..at(last)
}

#[cfg(test)]
mod test {
    use super::*;

    const TEXT: &str = "fn a() {}\nfn f(x: u8) -> u8 {\n    return x;\n}\nfn b() {}\n";

    fn fix(bytes: Range<usize>, original: &str, replacement: &str) -> Fix {
        Fix {
            file: "src/lib.rs".to_owned(),
            bytes,
            replacement: replacement.to_owned(),
            original: original.to_owned(),
        }
    }

    fn suggestion(lint: &str, fixes: Vec<Fix>) -> Suggestion {
        let key = crate::refactor::cargo::DiagnosticKey {
            lint: lint.to_owned(),
            file: "src/lib.rs".to_owned(),
            message: String::new(),
        };
        Suggestion { key, fixes }
    }

    #[test]
    fn only_fixes_inside_the_function_that_still_match_the_file_are_taken_once() {
        let location = Location {
            file: "src/lib.rs".to_owned(),
            start_line: 2,
            end_line: 4,
            item: "f".to_owned(),
        };
        let at = |s: &str| TEXT.find(s).unwrap();
        let ret = at("return x;");
        let needless = suggestion(
            "clippy::needless_return",
            vec![fix(ret..ret + 9, "return x;", "x")],
        );
        let suggestions = [
            // Outside the function's lines.
            suggestion("clippy::a", vec![fix(0..2, "fn", "fn")]),
            needless.clone(),
            // The same warning again, from the test build.
            needless,
            // Overlaps the one taken.
            suggestion("clippy::b", vec![fix(ret..ret + 6, "return", "")]),
            // The file changed since clippy read it.
            suggestion(
                "clippy::c",
                vec![fix(at("u8 {")..at("u8 {") + 2, "i8", "u8")],
            ),
            // One replacement outside: the whole suggestion stays out.
            suggestion(
                "clippy::d",
                vec![
                    fix(at("-> u8")..at("-> u8") + 2, "->", "->"),
                    fix(0..2, "fn", ""),
                ],
            ),
        ];
        let (taken, lints) = applicable(TEXT, &location, &suggestions);
        assert_eq!(taken, [&suggestions[1].fixes[0]]);
        assert_eq!(
            lints.into_iter().collect::<Vec<_>>(),
            ["clippy::needless_return"]
        );
    }

    #[test]
    fn line_bytes_cover_whole_lines() {
        assert_eq!(
            &TEXT[line_bytes(TEXT, 2, 4)],
            "fn f(x: u8) -> u8 {\n    return x;\n}\n"
        );
        assert_eq!(&TEXT[line_bytes(TEXT, 5, 9)], "fn b() {}\n");
    }
}
