//! The result of an analysis, independent of how it is printed.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::analysis::detectors::{CloneType, Group, GroupKind};
use crate::analysis::workspace::Warning;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileInfo {
    /// Path relative to the root for reports (see [`crate::analysis::scan::SourceFile::rel`]).
    pub rel: String,
    /// The file as found, to show its code: `rel` may escape bytes of its name. Not cached
    /// (a name that is not UTF-8 cannot be stored); `root` joined with `rel` stands in.
    #[serde(skip)]
    pub path: Option<PathBuf>,
    pub package: String,
}

impl FileInfo {
    /// The file's text, to show its code in reports.
    pub fn read(&self, root: &std::path::Path) -> std::io::Result<String> {
        let path = self.path.clone().unwrap_or_else(|| root.join(&self.rel));
        std::fs::read_to_string(path)
    }
}

/// Which analyses run over the one parse, so what a report holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct What {
    pub dup: bool,
    pub smells: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub root: PathBuf,
    /// Analysed files; `Instance::file` indexes this list.
    pub files: Vec<FileInfo>,
    /// Rust files analysed, generated ones aside (`files` may also list manifests that smells
    /// point at), and their lines.
    pub n_files: usize,
    pub n_lines: u64,
    pub groups: Vec<Group>,
    pub smells: Vec<crate::analysis::smells::Smell>,
    /// The module graph the module smells were read from (empty when smells were not asked).
    #[serde(default)]
    pub modules: crate::analysis::smells::ModuleMap,
    pub warnings: Vec<Warning>,
    #[serde(skip)]
    pub timing: Timing,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Timing {
    pub parse: Duration,
    pub detect: Duration,
    pub total: Duration,
    pub cached: bool,
}

impl Report {
    /// Distinct lines that belong to a copy of some duplicated code (abstractions excluded).
    pub fn duplicated_lines(&self) -> u64 {
        let mut lines: HashSet<(usize, u32)> = HashSet::new();
        for group in self
            .groups
            .iter()
            .filter(|g| g.clone_type != CloneType::Abstraction)
        {
            for inst in &group.instances {
                lines.extend((inst.start_line..=inst.end_line).map(|l| (inst.file, l)));
            }
        }
        lines.len() as u64
    }

    /// `D1`, `D2`, ... in ranked order.
    pub fn group_id(index: usize) -> String {
        format!("D{}", index + 1)
    }

    /// `S1`, `S2`, ... in report order.
    pub fn smell_id(index: usize) -> String {
        format!("S{}", index + 1)
    }
}

/// A human description of a group: "function", "impl block", ...
fn kind_noun(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Fn => "function",
        GroupKind::Method => "method",
        GroupKind::Block => "block of statements",
        GroupKind::Impl => "impl block",
        GroupKind::Struct => "struct",
        GroupKind::Enum => "enum",
        GroupKind::Trait => "trait",
        GroupKind::Fields => "group of fields",
    }
}

/// One sentence naming the group: what is duplicated, how often, how.
pub fn headline(group: &Group) -> String {
    let n = group.instances.len();
    let noun = kind_noun(group.kind);
    match group.clone_type {
        CloneType::Exact => format!("{noun} duplicated {n} times ({})", code_lines(group)),
        CloneType::Renamed => format!(
            "{noun} duplicated {n} times with renamed identifiers or changed literals ({})",
            code_lines(group)
        ),
        CloneType::NearMiss => format!(
            "{n} near-identical {} ({:.0}% similar, {})",
            plural(noun),
            group.similarity * 100.0,
            code_lines(group)
        ),
        CloneType::Abstraction => {
            let detail = group.detail.as_deref().unwrap_or("the same shape");
            if group.kind == GroupKind::Fields {
                format!("{n} structs declare {detail}")
            } else {
                format!("{n} {} declare {detail}", plural(noun))
            }
        }
    }
}

/// "blocks of statements", "impl blocks": the head noun takes the plural.
fn plural(noun: &str) -> String {
    match noun.split_once(" of ") {
        Some((head, rest)) => format!("{head}s of {rest}"),
        None => format!("{noun}s"),
    }
}

/// How long the copies are, in lines of code (comments and blank lines apart, so copies
/// that span more lines may say the same).
fn code_lines(group: &Group) -> String {
    let lines = group.instances.iter().map(|inst| inst.code_lines);
    let (least, most) = (lines.clone().min(), lines.max());
    match (least, most) {
        (Some(least), Some(most)) if least < most => format!("{least} to {most} lines of code"),
        _ => format!("{} lines of code each", group.lines()),
    }
}

/// The usual fix for a group, one sentence.
pub fn suggestion(group: &Group) -> &'static str {
    match (group.kind, group.clone_type) {
        (GroupKind::Block, _) => {
            "extract the statements into a function and call it from each place"
        }
        (GroupKind::Impl, _) => "replace the copies with a generic or blanket impl, or a macro",
        (GroupKind::Struct | GroupKind::Enum, _) => {
            "keep one type and use it (or a type alias) everywhere"
        }
        (GroupKind::Trait, _) => "keep one trait and implement it where the copies are implemented",
        (GroupKind::Fields, _) => "move the shared fields into a struct of their own and embed it",
        (_, CloneType::NearMiss) => {
            "merge the copies into one function with a parameter for what differs"
        }
        (_, CloneType::Renamed) => "keep one copy, make it generic over what differs, and call it",
        _ => "keep one copy and call it from the other places",
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::analysis::detectors::Instance;

    #[test]
    fn a_headline_puts_the_head_noun_in_the_plural() {
        let copy = |start_line| Instance {
            file: 0,
            start_line,
            end_line: start_line + 7,
            item: "p::f".into(),
            code_lines: 8,
            tokens: 0..0,
            owner: None,
        };
        let mut group = Group {
            kind: GroupKind::Block,
            clone_type: CloneType::NearMiss,
            similarity: 0.9,
            fingerprint: 1,
            instances: vec![copy(1), copy(20), copy(40)],
            detail: None,
            saved: 10,
        };
        assert_eq!(
            headline(&group),
            "3 near-identical blocks of statements (90% similar, 8 lines of code each)"
        );
        group.kind = GroupKind::Impl;
        assert!(headline(&group).starts_with("3 near-identical impl blocks ("));
    }
}
