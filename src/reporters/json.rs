//! `--format json`: SPEC.md's document, built from explicit serialisable structs because it is
//! a compatibility surface.

use crate::refactor::suggest::Suggestion;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::analysis::detectors::CloneType;
use crate::analysis::report::Report;
use crate::analysis::workspace::Warning;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    root: String,
    summary: Summary,
    groups: Vec<JsonGroup<'a>>,
    smells: Vec<JsonSmell<'a>>,
    /// Files skipped or read in part, with where and why.
    warnings: &'a [Warning],
    /// `ci --suggest`: the verified fixes, by fingerprint (left out when none were asked for).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    suggestions: &'a [Suggestion],
}

#[derive(Serialize)]
struct JsonSmell<'a> {
    id: String,
    fingerprint: String,
    kind: &'static str,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    locations: Vec<JsonLocation<'a>>,
    metrics: BTreeMap<&'a str, Value>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    file: &'a str,
    start_line: u32,
    end_line: u32,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    lines: u64,
    duplicated_lines: u64,
    groups: usize,
    smells: usize,
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    id: String,
    fingerprint: String,
    kind: &'static str,
    rule: &'static str,
    /// `exact`, `renamed`, `near` or `abstraction`.
    #[serde(rename = "type")]
    clone_type: &'static str,
    message: String,
    similarity: f64,
    lines: u32,
    /// Lines a merge would save.
    saves: u32,
    instances: Vec<JsonInstance<'a>>,
}

/// Metrics as numbers: counts as integers (`"cycle_len": 2`), ratios as they are.
fn metrics(metrics: &BTreeMap<String, f64>) -> BTreeMap<&str, Value> {
    (metrics.iter())
        .map(|(name, &value)| {
            let number = if value.fract() == 0.0 && value.abs() < 1e15 {
                Value::from(value as i64)
            } else {
                Value::from(value)
            };
            (name.as_str(), number)
        })
        .collect()
}

fn type_of(clone_type: CloneType) -> &'static str {
    match clone_type {
        CloneType::Exact => "exact",
        CloneType::Renamed => "renamed",
        CloneType::NearMiss => "near",
        CloneType::Abstraction => "abstraction",
    }
}

#[derive(Serialize)]
struct JsonInstance<'a> {
    package: &'a str,
    file: &'a str,
    start_line: u32,
    end_line: u32,
    item: &'a str,
}

pub fn render(report: &Report, suggestions: &[Suggestion]) -> String {
    let doc = Document {
        version: 1,
        root: report.root.display().to_string(),
        summary: Summary {
            files: report.n_files,
            lines: report.n_lines,
            duplicated_lines: report.duplicated_lines(),
            groups: report.groups.len(),
            smells: report.smells.len(),
        },
        groups: report
            .groups
            .iter()
            .enumerate()
            .map(|(i, group)| JsonGroup {
                id: Report::group_id(i),
                fingerprint: format!("{:016x}", group.fingerprint),
                kind: group.kind.as_str(),
                rule: group.clone_type.rule_id(),
                clone_type: type_of(group.clone_type),
                message: crate::analysis::report::headline(group),
                similarity: group.similarity,
                lines: group.lines(),
                saves: group.saved_lines(),
                instances: group
                    .instances
                    .iter()
                    .map(|inst| JsonInstance {
                        package: &report.files[inst.file].package,
                        file: &report.files[inst.file].rel,
                        start_line: inst.start_line,
                        end_line: inst.end_line,
                        item: &inst.item,
                    })
                    .collect(),
            })
            .collect(),
        smells: report
            .smells
            .iter()
            .enumerate()
            .map(|(i, smell)| JsonSmell {
                id: Report::smell_id(i),
                fingerprint: format!("{:016x}", smell.fingerprint),
                kind: smell.kind.as_str(),
                rule: smell.kind.rule_id(),
                severity: smell.severity.as_str(),
                message: &smell.message,
                locations: smell
                    .locations
                    .iter()
                    .map(|loc| JsonLocation {
                        file: &report.files[loc.file].rel,
                        start_line: loc.start_line,
                        end_line: loc.end_line,
                    })
                    .collect(),
                metrics: metrics(&smell.metrics),
            })
            .collect(),
        warnings: &report.warnings,
        suggestions,
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the report serialises");
    text.push('\n');
    text
}
