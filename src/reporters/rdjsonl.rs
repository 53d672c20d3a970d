//! `--format rdjsonl`: reviewdog's JSON Lines diagnostics, one finding per line, so
//! `reviewdog -f=rdjsonl` comments on the lines a pull request touches. A clone group is one
//! diagnostic at its first copy, naming the others; a smell is one at its first location.
//! A verified fix (`ci --suggest`) rides along as reviewdog `suggestions`, so reviewdog posts
//! it as a suggested change: in the finding's own file on its diagnostic, in every other file
//! it edits on a diagnostic of its own.

use serde_json::{json, Value};

use crate::analysis::report::{headline, suggestion, Report};
use crate::analysis::smells::Severity;
use crate::refactor::patch::Replacement;
use crate::refactor::suggest::Suggestion;

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

/// The diagnostic, with the edits of `fix` in its file as suggestions; then one diagnostic per
/// other file the fix edits.
fn with_fix(mut diagnostic: Value, fix: Option<&Suggestion>) -> Vec<Value> {
    let Some(fix) = fix else {
        return vec![diagnostic];
    };
    let path = diagnostic["location"]["path"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let files = fix.edits_by_file();
    let own = (files.iter()).find(|(file, _)| *file == path);
    diagnostic["suggestions"] = suggestions(own.map_or(&[][..], |(_, edits)| edits));
    if let Some(message) = diagnostic["message"].as_str() {
        diagnostic["message"] = Value::from(format!("{message}{}", fix.caveat()));
    }
    let rule = diagnostic["code"]["value"].clone();
    let mut out = vec![diagnostic];
    for (file, edits) in files.iter().filter(|(f, _)| *f != path) {
        let at = (edits[0].start_line, edits[0].end_line);
        let message = format!("Part of the verified fix for: {}", fix.title);
        let mut part = self::diagnostic(file, at, &message, rule.as_str().unwrap_or(""), "INFO");
        part["suggestions"] = suggestions(edits);
        out.push(part);
    }
    out
}

fn suggestions(edits: &[&Replacement]) -> Value {
    (edits.iter())
        .map(|e| {
            json!({
                "range": {"start": {"line": e.start_line}, "end": {"line": e.end_line}},
                "text": e.text
            })
        })
        .collect()
}

pub fn render(report: &Report, fixes: &[Suggestion]) -> String {
    let fix = |fingerprint: u64| fixes.iter().find(|s| s.fixes(fingerprint));
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
        let rule = group.clone_type.rule_id();
        let found = diagnostic(path, at, &message, rule, "WARNING");
        lines.extend(with_fix(found, fix(group.fingerprint)));
    }
    for smell in &report.smells {
        let loc = &smell.locations[0];
        let severity = match smell.severity {
            Severity::Warning => "WARNING",
            Severity::Note => "INFO",
        };
        let path = &report.files[loc.file].rel;
        let at = (loc.start_line, loc.end_line);
        let found = diagnostic(path, at, &smell.message, smell.kind.rule_id(), severity);
        lines.extend(with_fix(found, fix(smell.fingerprint)));
    }
    let mut text = String::new();
    for line in lines {
        text.push_str(&line.to_string());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::refactor::patch::Replacement;

    /// A sensitive fix says why to look twice in its diagnostic, as `fix` would have held it.
    #[test]
    fn a_sensitive_fix_says_why_to_look_twice() {
        let fix = |sensitive: Vec<String>| Suggestion {
            fingerprint: "00000000000000aa".into(),
            rule: "duplicate-code".into(),
            title: "function duplicated 2 times".into(),
            patch: "target/loop/suggestions/D1.patch".into(),
            sensitive,
            edits: vec![Replacement {
                path: "src/a.rs".into(),
                start_line: 1,
                end_line: 2,
                text: "pub fn a() {}\n".into(),
            }],
        };
        let plain = diagnostic("src/a.rs", (1, 2), "copies", "duplicate-code", "WARNING");
        let quiet = with_fix(plain.clone(), Some(&fix(Vec::new())));
        assert_eq!(quiet[0]["message"], "copies");
        let held = with_fix(plain, Some(&fix(vec!["it changes public API".into()])));
        assert_eq!(
            held[0]["message"],
            "copies (look twice before applying: it changes public API)"
        );
        assert_eq!(held[0]["suggestions"][0]["text"], "pub fn a() {}\n");
    }
}
