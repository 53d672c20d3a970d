//! Long, complex and deeply nested functions, and long parameter lists.
//!
//! What it finds: functions over `--max-fn-lines`, over `--max-cognitive` or
//! `--max-cyclomatic`, nested deeper than `--max-nesting`, or taking more than `--max-params`.
//! Why it matters: such functions are hard to read, to test and to change safely.
//! Suggested fix: extract the steps into named functions; group parameters into a struct.

use std::collections::BTreeMap;

use super::smell::{Location, Smell, SmellKind};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::metrics::Allowed;
use crate::analysis::source::token::hash_seq;
use crate::config::Thresholds;

pub fn find(files: &[SourceFile], thresholds: &Thresholds) -> Vec<Smell> {
    let mut smells = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        for unit in &file.parsed.units {
            let Some(m) = unit.metrics else { continue };
            let lines = unit.end_line + 1 - unit.start_line;
            let name = unit.item.rsplit("::").next().unwrap_or(&unit.item);
            let mut push = |kind: SmellKind, value: u32, limit: u32, message: String| {
                // `// cargo-loop: allow(RULE)` or the matching clippy allow silences it.
                if Allowed::bit(kind.rule_id()).is_some_and(|bit| m.allowed & bit != 0) {
                    return;
                }
                let mut metrics = BTreeMap::new();
                metrics.insert("lines".to_string(), f64::from(lines));
                metrics.insert("params".to_string(), f64::from(m.params));
                metrics.insert("nesting".to_string(), f64::from(m.nesting));
                metrics.insert("cyclomatic".to_string(), f64::from(m.cyclomatic));
                metrics.insert("cognitive".to_string(), f64::from(m.cognitive));
                metrics.insert("threshold".to_string(), f64::from(limit));
                metrics.insert("excess".to_string(), f64::from(value - limit));
                smells.push(Smell {
                    kind,
                    item: unit.item.clone(),
                    message,
                    locations: vec![Location {
                        file: fi,
                        start_line: unit.start_line,
                        end_line: unit.end_line,
                    }],
                    metrics,
                    fingerprint: hash_seq(unit.item.bytes().map(u32::from).chain([kind as u32])),
                });
            };
            if lines > thresholds.max_fn_lines {
                push(
                    SmellKind::LongFunction,
                    lines,
                    thresholds.max_fn_lines,
                    format!("`{name}` is {lines} lines long (limit {}): long functions hide their steps; extract them into named functions", thresholds.max_fn_lines),
                );
            }
            if m.cognitive > thresholds.max_cognitive || m.cyclomatic > thresholds.max_cyclomatic {
                let (value, limit) = if m.cognitive > thresholds.max_cognitive {
                    (m.cognitive, thresholds.max_cognitive)
                } else {
                    (m.cyclomatic, thresholds.max_cyclomatic)
                };
                push(
                    SmellKind::ComplexFunction,
                    value,
                    limit,
                    format!(
                        "`{name}` has cognitive complexity {} and cyclomatic complexity {} (limits {} and {}): it is hard to follow and to test; split the branches into functions or flatten them with early returns",
                        m.cognitive, m.cyclomatic, thresholds.max_cognitive, thresholds.max_cyclomatic
                    ),
                );
            }
            if m.nesting > thresholds.max_nesting {
                push(
                    SmellKind::DeepNesting,
                    m.nesting,
                    thresholds.max_nesting,
                    format!("`{name}` nests {} levels deep (limit {}): deep nesting hides the main path; return early or extract the inner blocks", m.nesting, thresholds.max_nesting),
                );
            }
            if m.params > thresholds.max_params {
                push(
                    SmellKind::TooManyParams,
                    m.params,
                    thresholds.max_params,
                    format!("`{name}` takes {} parameters (limit {}): long parameter lists are easy to get wrong; group them into a struct", m.params, thresholds.max_params),
                );
            }
        }
    }
    smells
}
