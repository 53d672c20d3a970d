//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning shows it well. One result per group
//! (the first copy is the location, the others related locations) and per smell (every
//! location); rules with names, descriptions, help and precision from `analysis::rules`;
//! skipped files as tool notifications.
//!
//! The few SARIF objects used are written with `serde_json::json!` rather than a SARIF crate:
//! the schema subset is small and GitHub's requirements (partialFingerprints, relative URIs
//! with `%SRCROOT%`) are easier to see here than through a builder API.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use crate::analysis::detectors::Group;
use crate::analysis::report::{headline, suggestion, Report};
use crate::analysis::rules::{Rule, RULES};
use crate::analysis::smells::Smell;
use crate::refactor::suggest::Suggestion;

/// What a URI path keeps as it is (RFC 3986 unreserved characters and `/`).
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A relative path as a URI reference.
fn uri(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

fn location(report: &Report, file: usize, start: u32, end: u32) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(&report.files[file].rel), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": start, "endLine": end}
        }
    })
}

/// Where the rules are documented, when the package names its repository.
fn help_uri(rule: &Rule) -> Option<String> {
    let repository = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty())?;
    Some(format!("{repository}/blob/main/docs/rules.md#{}", rule.id))
}

fn rule(rule: &Rule) -> Value {
    let tag = if rule.is_clone() {
        "duplication"
    } else {
        "design"
    };
    let mut value = json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": format!("{} {}", rule.short, rule.why)},
        "help": {"text": format!("{} {}", rule.fix, rule.silence()), "markdown": rule.markdown()},
        "defaultConfiguration": {"level": "warning"},
        "properties": {
            "tags": ["maintainability", tag],
            "precision": rule.precision,
            "problem.severity": "warning"
        }
    });
    if let Some(help) = help_uri(rule) {
        value["helpUri"] = json!(help);
    }
    value
}

fn rule_index(id: &str) -> usize {
    RULES.iter().position(|r| r.id == id).unwrap_or(0)
}

/// One clone group: the first copy is the location, the others related locations.
fn group_result(report: &Report, group: &Group) -> Value {
    let related: Vec<Value> = group.instances[1..]
        .iter()
        .enumerate()
        .map(|(j, inst)| {
            let mut loc = location(report, inst.file, inst.start_line, inst.end_line);
            loc["id"] = json!(j + 1);
            loc["message"] = json!({"text": format!("copy in `{}`", inst.item)});
            loc
        })
        .collect();
    let others: Vec<String> = (1..group.instances.len())
        .map(|j| format!("[copy {j}]({j})"))
        .collect();
    let first = &group.instances[0];
    json!({
        "ruleId": group.clone_type.rule_id(),
        "ruleIndex": rule_index(group.clone_type.rule_id()),
        "level": "warning",
        "message": {"text": format!("{}; see {}. {}.", headline(group), others.join(", "), suggestion(group))},
        "locations": [location(report, first.file, first.start_line, first.end_line)],
        "relatedLocations": related,
        "partialFingerprints": {"cargoLoopGroup/v1": format!("{:016x}", group.fingerprint)},
        "properties": {"kind": group.kind.as_str(), "similarity": group.similarity, "lines": group.lines()}
    })
}

/// One smell: its first location, and the others (the rest of a cycle) as related ones.
fn smell_result(report: &Report, smell: &Smell) -> Value {
    let at = |loc: &crate::analysis::smells::Location| {
        location(report, loc.file, loc.start_line, loc.end_line)
    };
    let related: Vec<Value> = (smell.locations.iter().skip(1).enumerate())
        .map(|(j, loc)| {
            let mut value = at(loc);
            value["id"] = json!(j + 1);
            value
        })
        .collect();
    json!({
        "ruleId": smell.kind.rule_id(),
        "ruleIndex": rule_index(smell.kind.rule_id()),
        "level": smell.severity.as_str(),
        "message": {"text": smell.message},
        "locations": smell.locations.first().map(at).into_iter().collect::<Vec<_>>(),
        "relatedLocations": related,
        "partialFingerprints": {"cargoLoopSmell/v1": format!("{:016x}", smell.fingerprint)},
        "properties": {"metrics": smell.metrics}
    })
}

/// A verified fix (`ci --suggest`) as a SARIF `fix`: its line replacements, file by file.
fn fix(fix: &Suggestion) -> Value {
    let changes: Vec<Value> = (fix.edits_by_file().into_iter())
        .map(|(file, edits)| {
            let replacements: Vec<Value> = (edits.into_iter())
                .map(|e| {
                    json!({
                        "deletedRegion": {"startLine": e.start_line, "endLine": e.end_line},
                        "insertedContent": {"text": e.text}
                    })
                })
                .collect();
            json!({
                "artifactLocation": {"uri": uri(file), "uriBaseId": "%SRCROOT%"},
                "replacements": replacements
            })
        })
        .collect();
    let what = format!(
        "Verified with cargo check, clippy and test: {} ({}){}",
        fix.title,
        fix.patch.display(),
        fix.caveat()
    );
    json!({"description": {"text": what}, "artifactChanges": changes})
}

/// Files skipped or read in part, as the run's notifications.
fn notifications(report: &Report) -> Vec<Value> {
    (report.warnings.iter())
        .map(|w| {
            let mut region = json!({"startLine": w.line.unwrap_or(1)});
            if let Some(column) = w.column {
                region["startColumn"] = json!(column);
            }
            json!({
                "level": "warning",
                "message": {"text": w.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri(&w.file), "uriBaseId": "%SRCROOT%"},
                    "region": region
                }}]
            })
        })
        .collect()
}

pub fn render(report: &Report, fixes: &[Suggestion]) -> String {
    let with_fix = |fingerprint: u64, mut result: Value| {
        if let Some(found) = fixes.iter().find(|s| s.fixes(fingerprint)) {
            result["fixes"] = json!([fix(found)]);
        }
        result
    };
    let mut results: Vec<Value> = (report.groups.iter())
        .map(|group| with_fix(group.fingerprint, group_result(report, group)))
        .collect();
    results.extend(
        (report.smells.iter())
            .map(|smell| with_fix(smell.fingerprint, smell_result(report, smell))),
    );
    let root = report.root.to_string_lossy();
    let root_uri = format!("file://{}/", uri(root.trim_end_matches('/')));
    let mut driver = json!({
        "name": "cargo-loop",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": RULES.iter().map(rule).collect::<Vec<_>>()
    });
    if let Some(home) = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty()) {
        driver["informationUri"] = json!(home);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications(report)
            }],
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "results": results
        }]
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("the report serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_percent_encode_what_a_uri_path_cannot_hold() {
        assert_eq!(uri("src/a b/100%,ü.rs"), "src/a%20b/100%25%2C%C3%BC.rs");
        assert_eq!(uri("crates/x-y/src/lib_1.rs"), "crates/x-y/src/lib_1.rs");
    }
}
