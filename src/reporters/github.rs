//! `--format github`: GitHub Actions workflow commands, one `::warning` per group.

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

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for warning in &report.warnings {
        let line = warning
            .line
            .map(|l| format!(",line={l}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::warning file={}{line}::{}",
            escape_property(&warning.file),
            escape_data(&warning.message)
        );
    }
    for (i, group) in report.groups.iter().enumerate() {
        let first = &group.instances[0];
        let others: Vec<String> = group.instances[1..]
            .iter()
            .map(|inst| {
                format!(
                    "{}:{}-{}",
                    report.files[inst.file].rel, inst.start_line, inst.end_line
                )
            })
            .collect();
        let message = format!(
            "{}; also at {}. Help: {}",
            headline(group),
            others.join(", "),
            suggestion(group)
        );
        let _ = writeln!(
            out,
            "::warning file={},line={},endLine={},title={}::{}",
            escape_property(&report.files[first.file].rel),
            first.start_line,
            first.end_line,
            escape_property(&format!(
                "{} {}",
                Report::group_id(i),
                group.clone_type.rule_id()
            )),
            escape_data(&message)
        );
    }
    for (i, smell) in report.smells.iter().enumerate() {
        let loc = &smell.locations[0];
        let _ = writeln!(
            out,
            "::{} file={},line={},endLine={},title={}::{}",
            match smell.severity {
                Severity::Warning => "warning",
                Severity::Note => "notice",
            },
            escape_property(&report.files[loc.file].rel),
            loc.start_line,
            loc.end_line,
            escape_property(&format!("{} {}", Report::smell_id(i), smell.kind.rule_id())),
            escape_data(&smell.message)
        );
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(escape_data("a,b:c"), "a,b:c");
    }
}
