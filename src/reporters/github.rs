//! `--format github`: GitHub Actions workflow commands, one annotation per finding up to the
//! ten of each level GitHub shows, and the rest as a Markdown table for the step summary.

use std::fmt::Write;

use crate::analysis::report::{headline, suggestion, Report};
use crate::analysis::smells::Severity;

/// Escapes a workflow command's message (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub shows at most this many annotations of one level per step; the rest would be lost.
const MAX_PER_LEVEL: usize = 10;

/// One annotation: level, file, lines, title and message.
struct Annotation {
    level: &'static str,
    file: String,
    lines: Option<(u32, u32)>,
    title: String,
    message: String,
}

/// Every finding and skipped file as an annotation, in report order.
fn annotations(report: &Report) -> Vec<Annotation> {
    let mut all = Vec::new();
    for warning in &report.warnings {
        all.push(Annotation {
            level: "warning",
            file: warning.file.clone(),
            lines: warning.line.map(|l| (l, l)),
            title: "skipped".to_owned(),
            message: warning.message.clone(),
        });
    }
    for group in &report.groups {
        let first = &group.instances[0];
        let others: Vec<String> = (group.instances[1..].iter())
            .map(|i| {
                format!(
                    "{}:{}-{}",
                    report.files[i.file].rel, i.start_line, i.end_line
                )
            })
            .collect();
        all.push(Annotation {
            level: "warning",
            file: report.files[first.file].rel.clone(),
            lines: Some((first.start_line, first.end_line)),
            title: group.clone_type.rule_id().to_owned(),
            message: format!(
                "{}; also at {}. Help: {}",
                headline(group),
                others.join(", "),
                suggestion(group)
            ),
        });
    }
    for smell in &report.smells {
        let loc = &smell.locations[0];
        all.push(Annotation {
            level: match smell.severity {
                Severity::Warning => "warning",
                Severity::Note => "notice",
            },
            file: report.files[loc.file].rel.clone(),
            lines: Some((loc.start_line, loc.end_line)),
            title: smell.kind.rule_id().to_owned(),
            message: smell.message.clone(),
        });
    }
    all
}

/// The annotations GitHub shows (the first of each level, up to its cap), and the rest.
fn split(report: &Report) -> (Vec<Annotation>, Vec<Annotation>) {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    annotations(report).into_iter().partition(|a| {
        let count = counts.entry(a.level).or_default();
        *count += 1;
        *count <= MAX_PER_LEVEL
    })
}

/// Workflow commands for the first annotations of each level (GitHub shows no more), and a
/// notice of how many more there are: in the step summary when `in_summary`, else nowhere.
pub fn render(report: &Report, in_summary: bool) -> String {
    let mut out = String::new();
    let (shown, rest) = split(report);
    for a in shown {
        let lines = a
            .lines
            .map(|(start, end)| format!(",line={start},endLine={end}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{} file={}{lines},title={}::{}",
            a.level,
            escape_property(&a.file),
            escape_property(&a.title),
            escape_data(&a.message)
        );
    }
    if !rest.is_empty() {
        let whereabouts = if in_summary {
            "they are listed in the step summary"
        } else {
            "set GITHUB_STEP_SUMMARY to list them there, or use --format sarif for all"
        };
        let _ = writeln!(
            out,
            "::notice title=cargo loop::{}",
            escape_data(&format!(
                "{} more findings are not annotated (GitHub shows {MAX_PER_LEVEL} of each \
                 level); {whereabouts}",
                rest.len()
            ))
        );
    }
    out
}

/// The annotations past the cap as a Markdown table for `$GITHUB_STEP_SUMMARY`; `None`
/// when every one was shown.
pub fn step_summary(report: &Report) -> Option<String> {
    let (_, rest) = split(report);
    if rest.is_empty() {
        return None;
    }
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut table = format!(
        "### cargo loop: {} more findings\n\nGitHub shows {MAX_PER_LEVEL} annotations of each level; these are the rest.\n\n| level | location | rule | message |\n|---|---|---|---|\n",
        rest.len()
    );
    for a in rest {
        let at = match a.lines {
            Some((start, _)) => format!("{}:{start}", a.file),
            None => a.file.clone(),
        };
        let _ = writeln!(
            table,
            "| {} | `{}` | {} | {} |",
            a.level,
            cell(&at),
            a.title,
            cell(&a.message)
        );
    }
    Some(table)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn annotations_past_ten_per_level_go_to_the_step_summary() {
        let empty = || Report {
            root: "/w".into(),
            files: Vec::new(),
            n_files: 0,
            modules: crate::analysis::smells::ModuleMap::default(),
            n_lines: 0,
            groups: Vec::new(),
            smells: Vec::new(),
            warnings: Vec::new(),
            timing: crate::analysis::report::Timing::default(),
        };
        let mut report = empty();
        for i in 0..12 {
            report.warnings.push(crate::analysis::workspace::Warning {
                file: format!("src/m{i}.rs"),
                line: Some(3),
                column: None,
                message: format!("syntax error {i}|x"),
            });
        }
        let commands = render(&report, true);
        assert_eq!(commands.lines().count(), 11, "{commands}");
        assert!(
            commands.ends_with("they are listed in the step summary\n"),
            "{commands}"
        );
        let summary = step_summary(&report).unwrap();
        assert!(summary.contains("2 more findings"), "{summary}");
        assert!(
            summary.contains("| warning | `src/m11.rs:3` | skipped | syntax error 11\\|x |"),
            "{summary}"
        );
        assert!(step_summary(&empty()).is_none());
    }

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(escape_data("a,b:c"), "a,b:c");
    }
}
