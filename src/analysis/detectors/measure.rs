//! What merging a clone group saves: each copy against a reference copy for code, the
//! declaration once per other copy for types and fields; copies that share too little are
//! dropped, and a near-miss group's dropped copies are measured again as a group of their own.

use std::ops::Range;

use rayon::prelude::*;

use super::group::{CloneType, Group, GroupKind, Instance};
use super::memo::{copy_key, Memo};
use super::shared;
use super::size::{min_core_lines, DEFAULT_MIN_LINES};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::{ParsedFile, UnitKind};
use crate::config::Options;

/// Measures every group; the copies a near-miss group drops for sharing too little with its
/// reference are measured again as a group of their own (a star of look-alikes can hold two
/// families, such as forward and reverse searches, and the smaller one is still copies).
pub(super) fn measure_all(
    files: &[SourceFile],
    options: &Options,
    groups: Vec<Group>,
    memo: &Memo,
) -> Vec<Group> {
    let mut pending = groups;
    let mut done = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let measured: Vec<(Group, Option<Group>)> = pending
            .into_par_iter()
            .map(|mut group| {
                let dropped = measure(files, options, &mut group, memo);
                (group, dropped)
            })
            .collect();
        pending = Vec::new();
        for (group, dropped) in measured {
            done.push(group);
            pending.extend(dropped);
        }
    }
    done
}

/// Measures what a merge of the group saves (see `shared.rs`): for code, what each copy
/// shares with a reference copy; for types, the smallest declaration once per other copy;
/// for fields, the shared fields once per other copy, less what the new struct costs.
/// Drops the copies that share no real code with the reference (only `#[cfg]`-gated
/// scaffolding), near-miss copies and renamed impls that share less than
/// [`min_core_lines`], and near-miss copies that differ in more lines than they share.
/// Returns the copies of a near-miss group that share too little with its reference, as a
/// group of their own when there are two or more.
fn measure(
    files: &[SourceFile],
    options: &Options,
    group: &mut Group,
    memo: &Memo,
) -> Option<Group> {
    if let Some(saved) = declaration_saved(group) {
        group.saved = saved;
        return None;
    }
    let rules = Rules::of(group, options);
    let (reference, strict) = reference(files, &rules, group, memo);
    let saved: Vec<Option<u32>> = if rules.min_core == rules.choice_core {
        strict.clone()
    } else {
        savings(files, &rules, group, reference, rules.min_core, memo)
            .into_iter()
            .zip(&strict)
            .map(|(at, strict)| at.or(*strict))
            .collect()
    };
    group.saved = saved.iter().flatten().sum();
    // Copies that share too little with the reference are measured again as a group of
    // their own; when lower thresholds keep some of them here, they are in both, so that
    // the copies the defaults group there stay together.
    let mut dropped = Vec::new();
    for (i, inst) in std::mem::take(&mut group.instances).into_iter().enumerate() {
        if i != reference && strict[i].is_none() {
            dropped.push(inst.clone());
        }
        if i == reference || saved[i].is_some() {
            group.instances.push(inst);
        }
    }
    (rules.near && dropped.len() >= 2).then(|| Group {
        fingerprint: content_fingerprint(files, &dropped),
        instances: dropped,
        saved: 0,
        ..group.clone()
    })
}

/// The reference copy of a code group, and what each copy saves against it as the default
/// thresholds count (`None` for the reference and the copies that do not count).
///
/// The reference is the copy the others share most with (a near-miss group is a star
/// around it); exact and renamed copies are all alike. It is chosen as the default
/// thresholds choose it, so that lower ones only keep more copies around it.
fn reference(
    files: &[SourceFile],
    rules: &Rules,
    group: &Group,
    memo: &Memo,
) -> (usize, Vec<Option<u32>>) {
    let candidates = if rules.near && group.instances.len() <= MAX_REFERENCES {
        group.instances.len()
    } else {
        1
    };
    (0..candidates)
        .map(|r| (r, savings(files, rules, group, r, rules.choice_core, memo)))
        .max_by_key(|(r, saved)| {
            let total: u32 = saved.iter().flatten().sum();
            (total, std::cmp::Reverse(*r))
        })
        .expect("a group has copies")
}

/// What each copy of `group` saves against copy `reference` when `core` shared lines of real
/// code are enough (see `shared.rs`); `None` for the reference and the copies that do not
/// count.
fn savings(
    files: &[SourceFile],
    rules: &Rules,
    group: &Group,
    reference: usize,
    core: u32,
    memo: &Memo,
) -> Vec<Option<u32>> {
    let instances = &group.instances;
    let tokens = |i: usize| compared_tokens(&files[instances[i].file].parsed, group, &instances[i]);
    let base = tokens(reference);
    (0..instances.len())
        .map(|i| {
            if i == reference {
                return None;
            }
            let (a, b) = (
                &files[instances[reference].file].parsed,
                &files[instances[i].file].parsed,
            );
            let theirs = tokens(i);
            let copies = copy_key(a, &base).zip(copy_key(b, &theirs));
            let shared = memo.shared(copies, || shared::shared_lines(a, &base, b, &theirs));
            // Methods of another type (or of a type of the same name in another module)
            // that are not exact copies are merged through a trait, a generic or a macro
            // rather than a helper: parallel API more often than a copy. They count a
            // quarter.
            let parallel = group.clone_type != CloneType::Exact
                && instances[reference].owner.is_some()
                && instances[i].owner.is_some()
                && instances[i].owner != instances[reference].owner;
            rules.saved(&shared, parallel, core)
        })
        .collect()
}

/// What a merge of declarations saves: fields move into a struct of their own (its two lines
/// and the fields), and each copy embeds it (one line); a type or trait is declared once.
/// `None` for code.
fn declaration_saved(group: &Group) -> Option<u32> {
    let others = group.instances.len().saturating_sub(1) as u32;
    if group.kind == GroupKind::Fields {
        let copies = others + 1;
        return Some((group.lines() * others).saturating_sub(copies + 2));
    }
    (group.clone_type == CloneType::Abstraction).then(|| group.lines() * others)
}

/// Which copies of a code group count, and what each saves.
struct Rules {
    /// Lines of real code a near-miss copy must share (see [`min_core_lines`]).
    min_core: u32,
    /// The same at the default thresholds when they ask more: what the reference is chosen
    /// with, and enough to keep a copy.
    choice_core: u32,
    near: bool,
    /// Near-miss copies, and impls renamed for other types (which may delegate to other
    /// fields and methods), must share real code; other copies only more than scaffolding.
    strict: bool,
    impl_kind: bool,
    /// Functions and methods: each copy left keeps a line, the call it delegates with or the
    /// `use` that replaces it.
    delegates: bool,
}

impl Rules {
    fn of(group: &Group, options: &Options) -> Rules {
        let min_core = min_core_lines(options);
        Rules {
            min_core,
            choice_core: min_core.max(DEFAULT_MIN_LINES as u32 - 2),
            near: group.clone_type == CloneType::NearMiss,
            strict: matches!(
                (group.clone_type, group.kind),
                (CloneType::NearMiss, _) | (CloneType::Renamed, GroupKind::Impl)
            ),
            impl_kind: group.kind == GroupKind::Impl,
            delegates: matches!(group.kind, GroupKind::Fn | GroupKind::Method),
        }
    }

    /// What a copy sharing `s` with the reference saves when `core` shared lines are enough,
    /// a quarter of it for `parallel` API; `None` when the copy does not count.
    fn saved(&self, s: &shared::Shared, parallel: bool, core: u32) -> Option<u32> {
        if s.is_table() {
            return None;
        }
        let least = if self.strict { core } else { 1 };
        // Impls of one trait whose method bodies are the same code but for the type are kept
        // however small: a generic impl or a macro removes them whole.
        let same_bodies = self.impl_kind && s.core > 0 && s.core == s.lines;
        // A short body shares fewer lines: three of its four lines are as much a copy.
        let enough = s.core >= least || (s.core >= MIN_SHORT_CORE && 4 * s.core >= 3 * s.lines);
        let saved = s.saved(core).saturating_sub(u32::from(self.delegates));
        let kept = (enough || same_bodies) && (!self.near || saved > 0);
        kept.then(|| saved / if parallel { PARALLEL_DISCOUNT } else { 1 })
    }
}

/// A fingerprint of copies from their blinded tokens, in no particular order.
fn content_fingerprint(files: &[SourceFile], instances: &[Instance]) -> u64 {
    let mut hashes: Vec<u64> = instances
        .iter()
        .map(|inst| {
            let tokens = &files[inst.file].parsed.tokens;
            crate::analysis::source::token::hash_seq(
                tokens[inst.tokens.start as usize..inst.tokens.end as usize]
                    .iter()
                    .map(|t| t.blinded()),
            )
        })
        .collect();
    hashes.sort_unstable();
    crate::analysis::source::token::hash_seq(hashes.iter().map(|&h| h as u32))
}

/// The fewest shared lines of real code that make a short near-miss body a copy.
const MIN_SHORT_CORE: u32 = 3;

/// A near-miss or renamed copy that is a method of another type saves this many times less.
const PARALLEL_DISCOUNT: u32 = 4;

/// Near-miss groups up to this size are measured against each of their copies in turn.
const MAX_REFERENCES: usize = 8;

/// The tokens of a copy that a merge can share: for a function or a method, its body (a copy
/// that delegates keeps its signature), unless it is an exact copy of a free function (a
/// `use` of the other replaces it whole); for an impl block, the bodies of its methods (a
/// trait dictates the signatures, and every impl of it repeats them).
fn compared_tokens(parsed: &ParsedFile, group: &Group, inst: &Instance) -> Vec<Range<u32>> {
    let kind = group.kind;
    let imported = kind == GroupKind::Fn && group.clone_type == CloneType::Exact;
    if matches!(kind, GroupKind::Fn | GroupKind::Method) && !imported {
        let unit = (parsed.units.iter()).find(|u| u.tokens == inst.tokens);
        return vec![unit.map_or_else(|| inst.tokens.clone(), |u| u.body.clone())];
    }
    if kind != GroupKind::Impl {
        return vec![inst.tokens.clone()];
    }
    let mut bodies: Vec<Range<u32>> = parsed
        .units
        .iter()
        .filter(|m| {
            m.kind == UnitKind::Method
                && inst.tokens.start <= m.tokens.start
                && m.tokens.end <= inst.tokens.end
        })
        .map(|m| m.body.clone())
        .collect();
    bodies.sort_by_key(|b| b.start);
    // Methods of impls nested in a method's body are in that body already.
    let mut outer: Vec<Range<u32>> = Vec::with_capacity(bodies.len());
    for body in bodies {
        if outer.last().is_none_or(|last| last.end <= body.start) {
            outer.push(body);
        }
    }
    outer
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::cli::AnalysisArgs;
    use crate::config::ConfigFile;

    #[test]
    fn copies_a_near_miss_group_drops_are_measured_as_a_group_of_their_own() {
        let forward = |name: &str, extra: &str| {
            format!(
                "fn {name}(start: *const u8, end: *const u8) -> Option<*const u8> {{
    let mut cur = start;
    while cur < end {{
        if confirm(cur.read()) {{
            return Some(cur);
        }}{extra}
        cur = cur.add(1);
    }}
    None
}}
"
            )
        };
        let reverse = |name: &str, extra: &str| {
            format!(
                "fn {name}(start: *const u8, end: *const u8) -> Option<*const u8> {{
    let mut back = end;
    loop {{
        if back <= start {{
            break None;
        }}
        back = back.sub(1);{extra}
        if matches(back.read(), SENTINEL) {{
            break Some(back);
        }}
    }}
}}
"
            )
        };
        let sources = [
            forward("find_a", ""),
            forward("find_b", "\n        trace(cur);"),
            forward("find_c", "\n        count += 1;"),
            reverse("rfind_a", ""),
            reverse("rfind_b", "\n        trace(back);"),
        ];
        let options = Options::resolve(&AnalysisArgs::default(), &ConfigFile::default()).unwrap();
        let files: Vec<SourceFile> = sources
            .iter()
            .enumerate()
            .map(|(i, src)| SourceFile {
                rel: format!("{i}.rs"),
                path: format!("{i}.rs").into(),
                package: "p".into(),
                parsed: crate::analysis::source::parse_str(src, "p", false).unwrap(),
                library_root: false,
                crate_root: "p".to_string(),
                cfg: None,
                secondary: false,
            })
            .collect();
        // One star of look-alikes holding both families, as near-miss clustering can make.
        let group = Group {
            kind: GroupKind::Fn,
            clone_type: CloneType::NearMiss,
            similarity: 0.8,
            fingerprint: 1,
            instances: files
                .iter()
                .enumerate()
                .map(|(i, f)| Instance::of_unit(i, &f.parsed, &f.parsed.units[0]))
                .collect(),
            detail: None,
            saved: 0,
        };
        let measured = measure_all(&files, &options, vec![group], &Memo::off());
        let members: Vec<Vec<usize>> = measured
            .iter()
            .map(|g| {
                let mut files: Vec<usize> = g.instances.iter().map(|i| i.file).collect();
                files.sort_unstable();
                files
            })
            .collect();
        assert!(members.contains(&vec![0, 1, 2]), "{members:?}");
        assert!(members.contains(&vec![3, 4]), "{members:?}");
    }
}
