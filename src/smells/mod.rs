//! Architectural smells, reported beside clone groups: module cycles so far, and the
//! function-level ones (long, complex, deeply nested functions and long parameter lists).

mod functions;
mod modules;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::Options;
use crate::scan::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmellKind {
    LongFunction,
    ComplexFunction,
    TooManyParams,
    DeepNesting,
    ModuleCycle,
}

impl SmellKind {
    /// JSON `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            SmellKind::LongFunction => "long_function",
            SmellKind::ComplexFunction => "complex_function",
            SmellKind::TooManyParams => "too_many_params",
            SmellKind::DeepNesting => "deep_nesting",
            SmellKind::ModuleCycle => "module_cycle",
        }
    }

    /// A stable kebab-case rule id (SARIF `ruleId`).
    pub fn rule_id(self) -> &'static str {
        match self {
            SmellKind::LongFunction => "long-function",
            SmellKind::ComplexFunction => "complex-function",
            SmellKind::TooManyParams => "too-many-params",
            SmellKind::DeepNesting => "deep-nesting",
            SmellKind::ModuleCycle => "module-cycle",
        }
    }

    pub const ALL: [SmellKind; 4] = [
        SmellKind::LongFunction,
        SmellKind::ComplexFunction,
        SmellKind::TooManyParams,
        SmellKind::DeepNesting,
    ];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Location {
    /// Index into the analysed files.
    pub file: usize,
    pub start_line: u32,
    pub end_line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Smell {
    pub kind: SmellKind,
    pub item: String,
    pub message: String,
    pub locations: Vec<Location>,
    /// The measured values and the thresholds they crossed.
    pub metrics: BTreeMap<String, f64>,
    pub fingerprint: u64,
}

/// Every smell, worst first within each kind (by how far over its threshold).
pub fn find_smells(files: &[SourceFile], options: &Options) -> Vec<Smell> {
    // Cycles come ranked already (shortest first); function smells worst first by kind.
    let mut smells = modules::find(files);
    let mut functions = functions::find(files, &options.thresholds);
    functions.sort_by(|a, b| {
        let over = |s: &Smell| s.metrics.get("excess").copied().unwrap_or(0.0);
        (a.kind as u8)
            .cmp(&(b.kind as u8))
            .then(over(b).total_cmp(&over(a)))
            .then(a.fingerprint.cmp(&b.fingerprint))
    });
    smells.extend(functions);
    smells
}
