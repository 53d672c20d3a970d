//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it. One result per group:
//! the first instance is the location, the others are related locations.
//!
//! The few SARIF objects used are written with `serde_json::json!` rather than a SARIF crate:
//! the schema subset is small and GitHub's requirements (partialFingerprints, relative URIs
//! with `%SRCROOT%`) are easier to see here than through a builder API.

use serde_json::{json, Value};

use crate::analysis::detectors::{CloneType, Instance};
use crate::analysis::report::{headline, suggestion, FileInfo, Report};

const RULES: [(CloneType, &str, &str); 4] = [
    (
        CloneType::Exact,
        "Duplicated code",
        "Code that appears more than once, identical but for layout and comments.",
    ),
    (
        CloneType::Renamed,
        "Renamed clone",
        "Code copied with identifiers renamed consistently and literals or types changed.",
    ),
    (
        CloneType::NearMiss,
        "Near-miss clone",
        "Code copied with statements added, removed or changed.",
    ),
    (
        CloneType::Abstraction,
        "Duplicated abstraction",
        "Structs, enums, traits or groups of fields declared more than once under other names.",
    ),
];

fn location(files: &[FileInfo], inst: &Instance) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": files[inst.file].rel, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": inst.start_line, "endLine": inst.end_line}
        }
    })
}

/// The rules: clone types, then smell kinds, in the order `ruleIndex` counts them.
fn rules() -> Vec<Value> {
    let smell_rules = crate::analysis::smells::SmellKind::ALL.iter().map(|kind| {
        json!({
            "id": kind.rule_id(),
            "name": kind.as_str(),
            "shortDescription": {"text": kind.rule_id().replace('-', " ")},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["maintainability", "design"]}
        })
    });
    RULES
        .iter()
        .map(|(ty, name, text)| {
            json!({
                "id": ty.rule_id(),
                "name": name.replace(' ', ""),
                "shortDescription": {"text": name},
                "fullDescription": {"text": text},
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": ["maintainability", "duplication"]}
            })
        })
        .chain(smell_rules)
        .collect()
}

/// One clone group: the first copy is the location, the others related locations.
fn group_result(report: &Report, i: usize, group: &crate::analysis::detectors::Group) -> Value {
    let rule_index = RULES
        .iter()
        .position(|(ty, _, _)| *ty == group.clone_type)
        .unwrap_or(0);
    let related: Vec<Value> = group.instances[1..]
        .iter()
        .enumerate()
        .map(|(j, inst)| {
            let mut loc = location(&report.files, inst);
            loc["id"] = json!(j + 1);
            loc["message"] = json!({"text": format!("copy in `{}`", inst.item)});
            loc
        })
        .collect();
    let others: Vec<String> = (1..group.instances.len())
        .map(|j| format!("[copy {j}]({j})"))
        .collect();
    json!({
        "ruleId": group.clone_type.rule_id(),
        "ruleIndex": rule_index,
        "level": "warning",
        "message": {"text": format!("{}: {}; see {}. Help: {}.", Report::group_id(i), headline(group), others.join(", "), suggestion(group))},
        "locations": [location(&report.files, &group.instances[0])],
        "relatedLocations": related,
        "partialFingerprints": {"cargoLoopGroup/v1": format!("{:016x}", group.fingerprint)},
        "properties": {"kind": group.kind.as_str(), "similarity": group.similarity, "lines": group.lines()}
    })
}

fn smell_result(report: &Report, i: usize, smell: &crate::analysis::smells::Smell) -> Value {
    let loc = &smell.locations[0];
    let rule_index = RULES.len()
        + crate::analysis::smells::SmellKind::ALL
            .iter()
            .position(|k| *k == smell.kind)
            .unwrap_or(0);
    json!({
        "ruleId": smell.kind.rule_id(),
        "ruleIndex": rule_index,
        "level": smell.severity.as_str(),
        "message": {"text": format!("{}: {}", Report::smell_id(i), smell.message)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": report.files[loc.file].rel, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": loc.start_line, "endLine": loc.end_line}
            }
        }],
        "partialFingerprints": {"cargoLoopSmell/v1": format!("{:016x}", smell.fingerprint)},
        "properties": {"metrics": smell.metrics}
    })
}

pub fn render(report: &Report) -> String {
    let mut results: Vec<Value> = report
        .groups
        .iter()
        .enumerate()
        .map(|(i, group)| group_result(report, i, group))
        .collect();
    results.extend(
        report
            .smells
            .iter()
            .enumerate()
            .map(|(i, smell)| smell_result(report, i, smell)),
    );
    let rules = rules();
    let root_uri = format!("file://{}/", report.root.display());
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cargo-loop",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/cargo-loop",
                "rules": rules
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "results": results
        }]
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("the report serialises");
    text.push('\n');
    text
}
