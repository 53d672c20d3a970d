//! Long, complex and deeply nested functions, and long parameter lists.
//!
//! What it finds: functions over `--max-fn-lines` lines of code (comments and blank lines
//! aside, as clippy's `too_many_lines` counts), over `--max-cognitive`, nested deeper
//! than `--max-nesting`, or taking more than `--max-params`; one finding per function, of
//! the first rule in that order, carrying every measure. Cyclomatic complexity alone (flat
//! `match` tables, `||` chains) is not a finding: it counts paths to test, not how hard the
//! code is to follow, so it is in the metrics only. A long function that is mostly data
//! (a table, a builder chain, one macro literal: cognitive complexity 3 or less) is not
//! reported as long either, and the lines of a table `match` (six arms or more: a `Display`
//! over every variant) do not count towards the length limit.
//! Why it matters: such functions are hard to read, to test and to change safely.
//! Suggested fix: extract the steps into named functions; group parameters into a struct.

use std::collections::BTreeMap;

use super::smell::{Location, Severity, Smell, SmellKind};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::metrics::{Allowed, FnMetrics};
use crate::analysis::source::token::hash_seq;
use crate::analysis::source::Unit;
use crate::config::Thresholds;

/// Cognitive complexity at or under which a long function is data, not logic.
const DATA_COGNITIVE: u32 = 3;

/// One rule a function breaks: which, by how much, and how to say it.
struct Excess {
    kind: SmellKind,
    value: u32,
    limit: u32,
    clause: String,
}

/// Every function that breaks a rule, before allows: (file index, unit, lines, metrics, the
/// rules it breaks).
fn measured<'a>(
    files: &'a [SourceFile],
    thresholds: &'a Thresholds,
) -> impl Iterator<Item = (usize, &'a Unit, u32, FnMetrics, Vec<Excess>)> + 'a {
    (files.iter().enumerate())
        .flat_map(|(fi, file)| file.parsed.units.iter().map(move |unit| (fi, file, unit)))
        .filter_map(|(fi, file, unit)| {
            let m = unit.metrics?;
            // Lines of code, as clippy's `too_many_lines` counts them: comments that explain
            // the steps and blank lines that part them make a function no longer to read.
            let lines =
                (file.parsed.code_lines(unit.tokens.clone())).saturating_sub(m.nested_lines);
            let excesses = excesses(lines, &m, thresholds);
            (!excesses.is_empty()).then_some((fi, unit, lines, m, excesses))
        })
}

/// Whether `// cargo-loop: allow(RULE)` or the matching clippy allow silences the rule.
fn silenced(m: &FnMetrics, excess: &Excess) -> bool {
    Allowed::bit(excess.kind.rule_id()).is_some_and(|bit| m.allowed & bit != 0)
}

/// The rules an allow silenced: (file index, the function's first line, the rule id), so a
/// marker that silenced none can be warned of.
pub fn silenced_rules(
    files: &[SourceFile],
    thresholds: &Thresholds,
) -> Vec<(usize, u32, &'static str)> {
    measured(files, thresholds)
        .flat_map(|(fi, unit, _, m, excesses)| {
            (excesses.into_iter())
                .filter(move |e| silenced(&m, e))
                .map(move |e| (fi, unit.start_line, e.kind.rule_id()))
        })
        .collect()
}

pub fn find(files: &[SourceFile], thresholds: &Thresholds) -> Vec<Smell> {
    let mut smells = Vec::new();
    for (fi, unit, lines, m, excesses) in measured(files, thresholds) {
        let excesses: Vec<Excess> = (excesses.into_iter())
            .filter(|e| !silenced(&m, e))
            .collect();
        let Some(first) = excesses.first() else {
            continue;
        };
        let name = unit.item.rsplit("::").next().unwrap_or(&unit.item);
        let clauses: Vec<&str> = excesses.iter().map(|e| e.clause.as_str()).collect();
        let metrics = BTreeMap::from([
            ("lines".to_string(), f64::from(lines)),
            ("params".to_string(), f64::from(m.params)),
            ("nesting".to_string(), f64::from(m.nesting)),
            ("cyclomatic".to_string(), f64::from(m.cyclomatic)),
            ("cognitive".to_string(), f64::from(m.cognitive)),
            ("threshold".to_string(), f64::from(first.limit)),
            ("excess".to_string(), f64::from(first.value - first.limit)),
            // Every limit the function is measured against (SPEC: thresholds in metrics).
            (
                "max_fn_lines".to_string(),
                f64::from(thresholds.max_fn_lines),
            ),
            (
                "max_cognitive".to_string(),
                f64::from(thresholds.max_cognitive),
            ),
            (
                "max_cyclomatic".to_string(),
                f64::from(thresholds.max_cyclomatic),
            ),
            ("max_nesting".to_string(), f64::from(thresholds.max_nesting)),
            ("max_params".to_string(), f64::from(thresholds.max_params)),
        ]);
        smells.push(Smell {
            kind: first.kind,
            severity: Severity::Warning,
            item: unit.item.clone(),
            message: format!("`{name}` {}: {}", and_list(&clauses), advice(first.kind)),
            locations: vec![Location {
                file: fi,
                start_line: unit.start_line,
                end_line: unit.end_line,
            }],
            metrics,
            // Not the kind: a function keeps its fingerprint when another rule leads.
            fingerprint: hash_seq(unit.item.bytes().map(u32::from).chain([u32::MAX])),
        });
    }
    smells
}

/// The rules a function of `lines` lines measuring `m` breaks, the one to lead with first.
fn excesses(lines: u32, m: &FnMetrics, t: &Thresholds) -> Vec<Excess> {
    let mut out = Vec::new();
    if m.cognitive > t.max_cognitive {
        let cyclomatic = if m.cyclomatic > t.max_cyclomatic {
            format!("; cyclomatic {}, limit {}", m.cyclomatic, t.max_cyclomatic)
        } else {
            String::new()
        };
        out.push(Excess {
            kind: SmellKind::ComplexFunction,
            value: m.cognitive,
            limit: t.max_cognitive,
            clause: format!(
                "has cognitive complexity {} (limit {}{cyclomatic})",
                m.cognitive, t.max_cognitive
            ),
        });
    }
    // Lines of a table `match` are data, as a literal table is.
    let steps = lines.saturating_sub(m.table_lines);
    if steps > t.max_fn_lines && m.cognitive > DATA_COGNITIVE {
        out.push(Excess {
            kind: SmellKind::LongFunction,
            value: lines,
            limit: t.max_fn_lines,
            clause: format!("has {lines} lines of code (limit {})", t.max_fn_lines),
        });
    }
    if m.nesting > t.max_nesting {
        out.push(Excess {
            kind: SmellKind::DeepNesting,
            value: m.nesting,
            limit: t.max_nesting,
            clause: format!("nests {} levels deep (limit {})", m.nesting, t.max_nesting),
        });
    }
    if m.params > t.max_params {
        out.push(Excess {
            kind: SmellKind::TooManyParams,
            value: m.params,
            limit: t.max_params,
            clause: format!("takes {} parameters (limit {})", m.params, t.max_params),
        });
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(clauses: &[&str]) -> String {
    match clauses.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Why the leading rule matters and what to do.
fn advice(kind: SmellKind) -> &'static str {
    match kind {
        SmellKind::ComplexFunction => "it is hard to follow and to test; split the branches into functions or flatten them with early returns",
        SmellKind::LongFunction => "long functions hide their steps; extract them into named functions",
        SmellKind::DeepNesting => "deep nesting hides the main path; return early or extract the inner blocks",
        _ => "long parameter lists are easy to get wrong; group them into a struct",
    }
}
