//! The result of clone detection: groups of copies, their kind and their instances.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::analysis::scan::SourceFile;
use crate::analysis::source::{ParsedFile, Unit, UnitKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    Fn,
    Method,
    Block,
    Impl,
    Struct,
    Enum,
    Trait,
    Fields,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Fn => "fn",
            GroupKind::Method => "method",
            GroupKind::Block => "block",
            GroupKind::Impl => "impl",
            GroupKind::Struct => "struct",
            GroupKind::Enum => "enum",
            GroupKind::Trait => "trait",
            GroupKind::Fields => "fields",
        }
    }
}

/// Ordered from the most alike to the least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CloneType {
    /// Identical but for layout and comments.
    Exact,
    /// Identifiers renamed consistently, literals or types changed.
    Renamed,
    /// Statements added, removed or changed.
    NearMiss,
    /// The same shape of type, trait or fields under other names.
    Abstraction,
}

impl CloneType {
    /// A stable kebab-case rule id (SARIF `ruleId`).
    pub fn rule_id(self) -> &'static str {
        match self {
            CloneType::Exact => "duplicate-code",
            CloneType::Renamed => "renamed-clone",
            CloneType::NearMiss => "near-miss-clone",
            CloneType::Abstraction => "duplicate-abstraction",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// Index into the analysed files.
    pub file: usize,
    /// The copy's span (doc comments and attributes before it excluded).
    pub start_line: u32,
    pub end_line: u32,
    pub item: String,
    /// Lines of code in the span: not blank, not only comments or attributes.
    pub code_lines: u32,
    /// The copy's tokens in its file, while detection runs (empty for abstractions).
    #[serde(skip)]
    pub tokens: Range<u32>,
    /// For a method, the item path of the type it belongs to, while detection runs.
    #[serde(skip)]
    pub owner: Option<String>,
}

impl Instance {
    pub(super) fn of_unit(file: usize, parsed: &ParsedFile, unit: &Unit) -> Instance {
        Instance {
            file,
            start_line: unit.start_line,
            end_line: unit.end_line,
            item: unit.item.clone(),
            code_lines: parsed.code_lines(unit.tokens.clone()),
            tokens: unit.tokens.clone(),
            owner: (unit.kind == UnitKind::Method)
                .then(|| {
                    unit.item
                        .rsplit_once("::")
                        .map(|(owner, _)| owner.to_string())
                })
                .flatten(),
        }
    }

    /// Lines in the span, comments and blank lines included.
    pub fn lines(&self) -> u32 {
        self.end_line + 1 - self.start_line
    }

    pub(super) fn contains(&self, other: &Instance) -> bool {
        self.file == other.file
            && self.start_line <= other.start_line
            && other.end_line <= self.end_line
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub kind: GroupKind,
    pub clone_type: CloneType,
    pub similarity: f64,
    pub fingerprint: u64,
    pub instances: Vec<Instance>,
    /// A short description for abstractions (the shared fields or signatures).
    pub detail: Option<String>,
    /// Lines of code a merge would save, summed over the copies but one (see `shared.rs`).
    pub saved: u32,
}

impl Group {
    /// Lines of code of one instance (the smallest: what every copy has at least).
    pub fn lines(&self) -> u32 {
        self.instances
            .iter()
            .map(|inst| inst.code_lines)
            .min()
            .unwrap_or(0)
    }

    /// Lines a merge would save.
    pub fn saved_lines(&self) -> u32 {
        self.saved
    }

    /// Copies in the order of their paths and lines.
    pub(super) fn sort_instances(&mut self, files: &[SourceFile]) {
        (self.instances).sort_by(|a, b| {
            (&files[a.file].rel, a.start_line).cmp(&(&files[b.file].rel, b.start_line))
        });
    }

    /// Ranking value: lines saved.
    pub fn value(&self) -> u64 {
        u64::from(self.saved_lines())
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn instance(file: usize, start_line: u32, end_line: u32, code_lines: u32) -> Instance {
        Instance {
            file,
            start_line,
            end_line,
            item: format!("p::f{start_line}"),
            code_lines,
            tokens: 0..0,
            owner: None,
        }
    }

    #[test]
    fn a_group_counts_the_lines_of_its_smallest_copy_and_ranks_by_lines_saved() {
        let group = Group {
            kind: GroupKind::Fn,
            clone_type: CloneType::Renamed,
            similarity: 1.0,
            fingerprint: 7,
            instances: vec![instance(0, 1, 12, 10), instance(1, 1, 9, 8)],
            detail: None,
            saved: 6,
        };
        assert_eq!(group.lines(), 8);
        assert_eq!((group.saved_lines(), group.value()), (6, 6));
        assert_eq!(group.instances[0].lines(), 12);
    }

    #[test]
    fn an_instance_contains_only_copies_inside_its_span_in_its_file() {
        let outer = instance(0, 10, 30, 15);
        assert!(outer.contains(&instance(0, 12, 20, 5)));
        assert!(outer.contains(&instance(0, 10, 30, 15)));
        assert!(!outer.contains(&instance(1, 12, 20, 5)));
        assert!(!outer.contains(&instance(0, 25, 31, 5)));
    }

    #[test]
    fn a_method_copy_is_owned_by_its_type_and_a_function_copy_by_none() {
        let parsed = crate::analysis::source::parse_str(
            "fn free() -> u32 {\n    1\n}\nstruct S;\nimpl S {\n    fn method(&self) -> u32 {\n        2\n    }\n}\n",
            "p",
            false,
        )
        .unwrap();
        let owners: Vec<(String, Option<String>, u32)> = parsed
            .units
            .iter()
            .map(|u| {
                let inst = Instance::of_unit(3, &parsed, u);
                assert_eq!(inst.file, 3);
                let lines = inst.lines();
                (inst.item, inst.owner, lines)
            })
            .collect();
        assert!(
            owners.contains(&("p::free".to_string(), None, 3)),
            "{owners:?}"
        );
        assert!(
            owners.contains(&("p::S::method".to_string(), Some("p::S".to_string()), 3)),
            "{owners:?}"
        );
    }

    #[test]
    fn kinds_and_rule_ids_keep_their_stable_names() {
        let kinds = [
            GroupKind::Fn,
            GroupKind::Method,
            GroupKind::Block,
            GroupKind::Impl,
            GroupKind::Struct,
            GroupKind::Enum,
            GroupKind::Trait,
            GroupKind::Fields,
        ];
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            ["fn", "method", "block", "impl", "struct", "enum", "trait", "fields"]
        );
        // The serialized name is the same as `as_str`.
        for kind in kinds {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
        let ids: Vec<&str> = [
            CloneType::Exact,
            CloneType::Renamed,
            CloneType::NearMiss,
            CloneType::Abstraction,
        ]
        .iter()
        .map(|c| c.rule_id())
        .collect();
        assert_eq!(
            ids,
            [
                "duplicate-code",
                "renamed-clone",
                "near-miss-clone",
                "duplicate-abstraction"
            ]
        );
    }
}
