//! The result of clone detection: groups of copies, their kind and their instances.

use std::ops::Range;

use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

    /// Ranking value: lines saved.
    pub fn value(&self) -> u64 {
        u64::from(self.saved_lines())
    }
}
