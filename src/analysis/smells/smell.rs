//! A smell: its kind, where it is, why it matters and what was measured.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmellKind {
    LongFunction,
    ComplexFunction,
    TooManyParams,
    DeepNesting,
    ModuleCycle,
    GodModule,
    HubModule,
    UnstableDependency,
    RepeatedMatch,
    GodType,
    CrateCycle,
    LayerViolation,
    NeedlessPub,
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
            SmellKind::GodModule => "god_module",
            SmellKind::HubModule => "hub_module",
            SmellKind::UnstableDependency => "unstable_dependency",
            SmellKind::RepeatedMatch => "repeated_match",
            SmellKind::GodType => "god_type",
            SmellKind::CrateCycle => "crate_cycle",
            SmellKind::LayerViolation => "layer_violation",
            SmellKind::NeedlessPub => "needless_pub",
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
            SmellKind::GodModule => "god-module",
            SmellKind::HubModule => "hub-module",
            SmellKind::UnstableDependency => "unstable-dependency",
            SmellKind::RepeatedMatch => "repeated-match",
            SmellKind::GodType => "god-type",
            SmellKind::CrateCycle => "crate-cycle",
            SmellKind::LayerViolation => "layer-violation",
            SmellKind::NeedlessPub => "needless-pub",
        }
    }

    #[cfg(test)]
    pub const ALL: [SmellKind; 13] = [
        SmellKind::CrateCycle,
        SmellKind::LayerViolation,
        SmellKind::ModuleCycle,
        SmellKind::GodModule,
        SmellKind::HubModule,
        SmellKind::UnstableDependency,
        SmellKind::RepeatedMatch,
        SmellKind::GodType,
        SmellKind::LongFunction,
        SmellKind::ComplexFunction,
        SmellKind::TooManyParams,
        SmellKind::DeepNesting,
        SmellKind::NeedlessPub,
    ];
}

/// How sure the finding is that something should change: a warning asks for a change, a
/// note tells a cost that is often accepted (a child module using its parent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
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
    #[serde(default)]
    pub severity: Severity,
    pub item: String,
    pub message: String,
    pub locations: Vec<Location>,
    /// The measured values and the thresholds they crossed.
    pub metrics: BTreeMap<String, f64>,
    pub fingerprint: u64,
}

#[cfg(test)]
mod test {
    use super::SmellKind;

    #[test]
    fn all_lists_every_kind_once() {
        for kind in SmellKind::ALL {
            // Exhaustive: a new kind fails to compile here until it is listed.
            let listed = match kind {
                SmellKind::CrateCycle
                | SmellKind::LayerViolation
                | SmellKind::ModuleCycle
                | SmellKind::GodModule
                | SmellKind::HubModule
                | SmellKind::UnstableDependency
                | SmellKind::RepeatedMatch
                | SmellKind::GodType
                | SmellKind::LongFunction
                | SmellKind::ComplexFunction
                | SmellKind::TooManyParams
                | SmellKind::DeepNesting
                | SmellKind::NeedlessPub => SmellKind::ALL.iter().filter(|k| **k == kind).count(),
            };
            assert_eq!(listed, 1, "{kind:?}");
        }
        assert_eq!(SmellKind::ALL.len(), 13);
    }
}
