//! `--format rdjsonl`: reviewdog's JSON Lines diagnostics, one finding per line, so
//! `reviewdog -f=rdjsonl` comments on the lines a pull request touches. A clone group is one
//! diagnostic at its first copy, naming the others; a smell is one at its first location.

use serde_json::{json, Value};

use crate::analysis::report::{headline, suggestion, Report};
use crate::analysis::smells::Severity;

fn diagnostic(
    path: &str,
    (start, end): (u32, u32),
    message: &str,
    rule: &str,
    severity: &str,
) -> Value {
    json!({
        "message": message,
        "location": {
            "path": path,
            "range": {"start": {"line": start}, "end": {"line": end}}
        },
        "severity": severity,
        "source": {"name": "cargo-loop"},
        "code": {"value": rule}
    })
}

pub fn render(report: &Report) -> String {
    let mut lines = Vec::new();
    for group in &report.groups {
        let first = &group.instances[0];
        let others: Vec<String> = (group.instances[1..].iter())
            .map(|i| format!("{}:{}", report.files[i.file].rel, i.start_line))
            .collect();
        let message = format!(
            "{}; also at {}. Help: {}",
            headline(group),
            others.join(", "),
            suggestion(group)
        );
        let path = &report.files[first.file].rel;
        let at = (first.start_line, first.end_line);
        lines.push(diagnostic(
            path,
            at,
            &message,
            group.clone_type.rule_id(),
            "WARNING",
        ));
    }
    for smell in &report.smells {
        let loc = &smell.locations[0];
        let severity = match smell.severity {
            Severity::Warning => "WARNING",
            Severity::Note => "INFO",
        };
        let path = &report.files[loc.file].rel;
        let at = (loc.start_line, loc.end_line);
        lines.push(diagnostic(
            path,
            at,
            &smell.message,
            smell.kind.rule_id(),
            severity,
        ));
    }
    let mut text = String::new();
    for line in lines {
        text.push_str(&line.to_string());
        text.push('\n');
    }
    text
}
