//! Exact and renamed clones of whole functions, methods and impl blocks.
//!
//! What it finds: items whose tokens are equal once comments and layout are gone (exact), or
//! once value identifiers are renamed consistently and literals and types are blinded (renamed).
//! Why it matters: every copy must be fixed separately, and copies drift.
//! Suggested fix: keep one copy, make it generic or parameterise it, and call it.

use std::collections::HashMap;

use rayon::prelude::*;

use super::group::{CloneType, Group, GroupKind, Instance};
use crate::config::Options;
use crate::scan::SourceFile;
use crate::source::{Unit, UnitKind};
use crate::token::{canonical, hash_seq, hash_str, variety, Tok, TokClass};

/// Below this share of distinct 6-grams a unit is a table, not logic worth merging.
pub const MIN_VARIETY: f64 = 0.4;

/// Salt that keeps exact-only keys apart from canonical ones.
const EXACT_ONLY: u64 = 0x9E37_79B9_7F4A_7C15;

/// A unit's identity: (file index, unit index in the file).
pub type UnitId = (u32, u32);

/// Why a unit takes part in grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Basis {
    /// Real logic of full size: renamed copies count.
    Logic,
    /// Full size but trivial or table-like: exact copies only.
    ExactOnly,
    /// A smaller trait impl: counts when three or more types repeat it.
    TraitImpl,
}

/// A bucket member: raw hash, identity, basis.
type Member = (u64, UnitId, Basis);

pub struct UnitGroups {
    pub groups: Vec<Group>,
    /// Units big and varied enough for near-miss comparison.
    pub eligible: Vec<UnitId>,
    /// The exact group each grouped unit belongs to, so near-miss detection skips those pairs.
    pub exact_of: HashMap<UnitId, usize>,
}

/// Whether a unit is big enough to be reported at all.
fn sized(unit: &Unit, tokens: &[Tok], options: &Options) -> bool {
    !unit.suppressed
        && tokens.len() >= options.min_tokens
        && (unit.end_line + 1 - unit.start_line) as usize >= options.min_lines
}

/// Whether a unit is big enough and real logic, so that renamed look-alikes of it are copies.
/// Getters, constructors and tables look alike without being copies; they are reported only
/// when copied exactly.
fn eligible(unit: &Unit, tokens: &[Tok], options: &Options) -> bool {
    sized(unit, tokens, options) && !unit.trivial && variety(tokens) >= MIN_VARIETY
}

/// Impl blocks of one trait written out for three or more types are reported from a lower
/// size, since that repetition is what a generic impl or a macro removes.
fn eligible_trait_impl(unit: &Unit, tokens: &[Tok], options: &Options) -> bool {
    unit.kind == UnitKind::Impl
        && unit.trait_name.is_some()
        && !unit.suppressed
        && tokens.len() >= options.min_tokens * 3 / 5
        && (unit.end_line + 1 - unit.start_line) as usize >= options.min_lines
}

pub fn unit_tokens<'a>(file: &'a SourceFile, unit: &Unit) -> &'a [Tok] {
    &file.parsed.tokens[unit.tokens.start as usize..unit.tokens.end as usize]
}

/// The raw symbols of a unit, with the name after `fn` left out: two copies of a function in
/// one module cannot share a name, and the copy is still exact.
fn unnamed(tokens: &[Tok]) -> impl Iterator<Item = u32> + '_ {
    let fn_sym = hash_str("fn");
    tokens.iter().enumerate().map(move |(i, t)| {
        let after_fn =
            i > 0 && tokens[i - 1].class == TokClass::Keyword && tokens[i - 1].sym == fn_sym;
        if after_fn && t.class == TokClass::Ident {
            0
        } else {
            t.sym
        }
    })
}

/// An impl block counts only if one of its methods is real logic, not a getter or a table.
fn impl_has_logic(file: &SourceFile, unit: &Unit) -> bool {
    file.parsed.units.iter().any(|m| {
        m.kind == UnitKind::Method
            && unit.tokens.start <= m.tokens.start
            && m.tokens.end <= unit.tokens.end
            && !m.trivial
            && variety(unit_tokens(file, m)) >= MIN_VARIETY
    })
}

pub fn find(files: &[SourceFile], options: &Options) -> UnitGroups {
    // (key, raw hash, id, basis) for every unit that takes part.
    let keyed: Vec<(u64, u64, UnitId, Basis)> = files
        .par_iter()
        .enumerate()
        .flat_map_iter(|(fi, file)| {
            file.parsed
                .units
                .iter()
                .enumerate()
                .filter_map(move |(ui, unit)| {
                    let tokens = unit_tokens(file, unit);
                    let id = (fi as u32, ui as u32);
                    let raw = hash_seq(unnamed(tokens));
                    let logic = unit.kind != UnitKind::Impl || impl_has_logic(file, unit);
                    if logic && eligible(unit, tokens, options) {
                        Some((
                            hash_seq(canonical(tokens).into_iter()),
                            raw,
                            id,
                            Basis::Logic,
                        ))
                    } else if sized(unit, tokens, options) {
                        Some((raw ^ EXACT_ONLY, raw, id, Basis::ExactOnly))
                    } else if logic && eligible_trait_impl(unit, tokens, options) {
                        Some((
                            hash_seq(canonical(tokens).into_iter()),
                            raw,
                            id,
                            Basis::TraitImpl,
                        ))
                    } else {
                        None
                    }
                })
        })
        .collect();
    let eligible = keyed
        .iter()
        .filter(|k| k.3 == Basis::Logic)
        .map(|k| k.2)
        .collect();
    let mut buckets: HashMap<u64, Vec<Member>> = HashMap::new();
    for (key, raw, id, basis) in keyed {
        buckets.entry(key).or_default().push((raw, id, basis));
    }
    let mut buckets: Vec<(u64, Vec<Member>)> = buckets
        .into_iter()
        .filter(|(_, members)| members.len() >= 2)
        .collect();
    buckets.sort_by_key(|(canon, _)| *canon);
    let mut groups = Vec::new();
    let mut exact_of = HashMap::new();
    for (canon, members) in buckets {
        // Small trait impls count only when three or more types repeat them.
        if members.iter().any(|m| m.2 == Basis::TraitImpl) && members.len() < 3 {
            continue;
        }
        let first = &files[members[0].1 .0 as usize].parsed.units[members[0].1 .1 as usize];
        let kind = match first.kind {
            UnitKind::Fn => GroupKind::Fn,
            UnitKind::Method => GroupKind::Method,
            UnitKind::Impl => GroupKind::Impl,
        };
        let exact = members.iter().all(|m| m.0 == members[0].0);
        let instances = members
            .iter()
            .map(|&(_, (fi, ui), _)| {
                Instance::of_unit(fi as usize, &files[fi as usize].parsed.units[ui as usize])
            })
            .collect();
        for &(_, id, _) in &members {
            exact_of.insert(id, groups.len());
        }
        groups.push(Group {
            kind,
            clone_type: if exact {
                CloneType::Exact
            } else {
                CloneType::Renamed
            },
            similarity: 1.0,
            fingerprint: canon,
            instances,
            detail: first
                .trait_name
                .as_ref()
                .map(|t| format!("the same `{t}` impl")),
        });
    }
    UnitGroups {
        groups,
        eligible,
        exact_of,
    }
}
