//! Exact and renamed clones of whole functions, methods and impl blocks.
//!
//! What it finds: items whose tokens are equal once comments and layout are gone (exact), or
//! once value identifiers are renamed consistently and literals and types are blinded (renamed).
//! Why it matters: every copy must be fixed separately, and copies drift.
//! Suggested fix: keep one copy, make it generic or parameterise it, and call it.

use std::collections::HashMap;

use rayon::prelude::*;

use super::group::{CloneType, Group, GroupKind, Instance};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::token::{hash_seq, hash_str, Tok};
use crate::analysis::source::{Unit, UnitKind};
use crate::config::Options;

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
    /// A table that is logic (a `match` or `if` chain setting one field per arm), not a
    /// trivial body: copies with locals or literals changed, and near-miss copies that name
    /// the same fields and variants.
    Table,
    /// A method of full size whose body is a small trivial one: exact copies only, and only in
    /// one type (see [`exact_only`]).
    ExactInOneType,
    /// A trait impl that is smaller than the thresholds (not `sized`) or only delegates:
    /// counts when three or more types repeat it, or when copied exactly and `sized`.
    TraitImpl { sized: bool },
}

/// A bucket member: raw hash, identity, basis.
type Member = (u64, UnitId, Basis);

pub struct UnitGroups {
    pub groups: Vec<Group>,
    /// Units big enough for near-miss comparison, each with whether it is a table.
    pub eligible: Vec<(UnitId, bool)>,
    /// The exact group each grouped unit belongs to, so near-miss detection skips those pairs.
    pub exact_of: HashMap<UnitId, usize>,
}

/// Whether a unit is big enough to be reported at all: `--min-tokens`, and `--min-lines`
/// lines of code.
fn sized(unit: &Unit, options: &Options) -> bool {
    (!unit.suppressed || options.ignore_allows)
        && unit.tokens.len() >= options.min_tokens
        && unit.keys.span_lines as usize >= options.min_lines
}

/// Hand-written `Debug` impls are tables of fields (`debug_struct(..).field(..)`): they
/// look alike without being copies.
fn is_debug(unit: &Unit) -> bool {
    unit.trait_name.as_deref() == Some("Debug")
}

/// Whether a unit is big enough and real logic, so that renamed look-alikes of it are copies.
/// Getters, constructors, delegations, tables and `Debug` impls look alike without being
/// copies; they are reported only when copied exactly.
fn eligible(unit: &Unit, options: &Options) -> bool {
    sized(unit, options) && !unit.trivial && !is_debug(unit) && unit.keys.variety >= MIN_VARIETY
}

/// How a unit of full size that is not real logic is reported: only exact copies. Exact
/// copies of a trivial method in several types are parallel API (the same delegation in the
/// impls of several wrappers), worth a report only when what is inside the braces of the
/// body, gated code aside, is big (a long table or constructor). Exact copies of a free
/// function, or of a method of one type, are the same function twice.
fn exact_only(unit: &Unit, options: &Options) -> Option<Basis> {
    if !sized(unit, options) {
        return None;
    }
    let small = unit.trivial
        && unit.kind == UnitKind::Method
        && (unit.keys.inner_logic_lines as usize) < options.min_lines;
    Some(if small {
        Basis::ExactInOneType
    } else {
        Basis::ExactOnly
    })
}

/// Impl blocks of one trait written out for three or more types are reported from a lower
/// size, and even when their methods only delegate, since that repetition is what a generic
/// impl or a macro removes. (Copies that delegate to different fields or methods share too
/// little real code to stay: see `shared.rs`.)
fn eligible_trait_impl(unit: &Unit, options: &Options) -> bool {
    unit.kind == UnitKind::Impl
        && unit.trait_name.is_some()
        && (!unit.suppressed || options.ignore_allows)
        && unit.tokens.len() >= options.min_tokens * 3 / 5
        && unit.keys.span_lines as usize >= options.min_lines
}

/// The raw hash of the header (`impl<T> Trait for Type<T>`) of the impl block a method is
/// in: methods of impls with equal headers belong to one type.
fn impl_header(file: &SourceFile, method: &Unit) -> Option<u64> {
    let outer = file
        .parsed
        .units
        .iter()
        .filter(|u| {
            u.kind == UnitKind::Impl
                && u.body.start <= method.tokens.start
                && method.tokens.end <= u.body.end
        })
        .max_by_key(|u| u.tokens.start)?;
    let header = &file.parsed.tokens[outer.tokens.start as usize..outer.body.start as usize];
    Some(hash_seq(header.iter().map(|t| t.sym)))
}

pub fn unit_tokens<'a>(file: &'a SourceFile, unit: &Unit) -> &'a [Tok] {
    &file.parsed.tokens[unit.tokens.start as usize..unit.tokens.end as usize]
}

/// An impl block counts only if one of its methods is real logic, not a getter, a
/// delegation or a table.
fn impl_has_logic(file: &SourceFile, unit: &Unit) -> bool {
    file.parsed.units.iter().any(|m| {
        m.kind == UnitKind::Method
            && unit.tokens.start <= m.tokens.start
            && m.tokens.end <= unit.tokens.end
            && !m.trivial
            && !is_debug(m)
            && m.keys.variety >= MIN_VARIETY
    })
}

/// A unit that takes part in grouping: bucket key, raw hash, identity, basis.
type Keyed = (u64, u64, UnitId, Basis);

/// How unit `id` takes part in grouping, if it does: the key it is bucketed by says which
/// copies count (renamed for logic, locals aside for tables, exact for trivial bodies).
fn key_unit(file: &SourceFile, id: UnitId, unit: &Unit, options: &Options) -> Option<Keyed> {
    let keys = &unit.keys;
    let logic = unit.kind != UnitKind::Impl || impl_has_logic(file, unit);
    if logic && eligible(unit, options) {
        return Some((keys.canonical, keys.raw, id, Basis::Logic));
    }
    if eligible_trait_impl(unit, options) {
        let sized = sized(unit, options);
        return Some((keys.canonical, keys.raw, id, Basis::TraitImpl { sized }));
    }
    // Tables and trivial bodies group only as the same code, locals aside (and literals, for
    // tables that are logic rather than a trivial body or a `Debug` impl, whose strings name
    // what it shows: `keys.locals` blinds them).
    let table = !unit.trivial && !is_debug(unit);
    let key = keys.locals ^ EXACT_ONLY;
    let raw = keys.raw;
    exact_only(unit, options).map(|basis| {
        let basis = if table && basis == Basis::ExactOnly {
            Basis::Table
        } else {
            basis
        };
        (key, raw, id, basis)
    })
}

pub fn find(files: &[SourceFile], options: &Options) -> UnitGroups {
    let keyed: Vec<Keyed> = files
        .par_iter()
        .enumerate()
        .flat_map_iter(|(fi, file)| {
            file.parsed
                .units
                .iter()
                .enumerate()
                .filter_map(move |(ui, unit)| key_unit(file, (fi as u32, ui as u32), unit, options))
        })
        .collect();
    let eligible = keyed
        .iter()
        .filter(|k| matches!(k.3, Basis::Logic | Basis::Table))
        .map(|k| (k.2, k.3 == Basis::Table))
        .collect();
    let mut groups = Vec::new();
    let mut exact_of = HashMap::new();
    for (canon, members) in buckets(keyed) {
        let members = same_literals(files, members);
        let exact = members.iter().all(|m| m.0 == members[0].0);
        if !groupable(files, &members, exact) {
            continue;
        }
        for &(_, id, _) in &members {
            exact_of.insert(id, groups.len());
        }
        groups.push(unit_group(files, canon, &members, exact));
    }
    UnitGroups {
        groups,
        eligible,
        exact_of,
    }
}

/// The units by key, where two or more share one, ordered by key.
fn buckets(keyed: Vec<Keyed>) -> Vec<(u64, Vec<Member>)> {
    let mut buckets: HashMap<u64, Vec<Member>> = HashMap::new();
    for (key, raw, id, basis) in keyed {
        buckets.entry(key).or_default().push((raw, id, basis));
    }
    let mut buckets: Vec<(u64, Vec<Member>)> = buckets
        .into_iter()
        .filter(|(_, members)| members.len() >= 2)
        .collect();
    buckets.sort_by_key(|(canon, _)| *canon);
    buckets
}

/// Whether units of one key make a group: small or delegating trait impls only when three
/// or more types repeat them, or when copied exactly; impls that are exact copies only in
/// one type only when they all have the same header.
fn groupable(files: &[SourceFile], members: &[Member], exact: bool) -> bool {
    let small = |m: &Member| m.2 == Basis::TraitImpl { sized: false };
    let trait_impl = |m: &Member| matches!(m.2, Basis::TraitImpl { .. });
    let exact_and_sized = exact && !members.iter().any(small);
    if members.iter().any(trait_impl) && members.len() < 3 && !exact_and_sized {
        return false;
    }
    if members.iter().any(|m| m.2 == Basis::ExactInOneType) {
        let header = |m: &Member| impl_header(&files[m.1 .0 as usize], unit_of(files, m));
        let first = header(&members[0]);
        if first.is_none() || !members.iter().all(|m| header(m) == first) {
            return false;
        }
    }
    true
}

/// Trait impls that only return fields or delegate, and differ in their literals (each
/// type's URL, name or limit), are each type's data in the trait's shape, not code written
/// twice: only the largest set of them that agrees on every literal stays a candidate.
fn same_literals(files: &[SourceFile], members: Vec<Member>) -> Vec<Member> {
    if !members
        .iter()
        .any(|m| matches!(m.2, Basis::TraitImpl { .. }))
    {
        return members;
    }
    // A string that names the type (`debug_struct("Type")`) changes with it, as a copy's does.
    let literals = |m: &Member| {
        let unit = unit_of(files, m);
        let own = unit
            .self_type
            .as_ref()
            .map(|t| hash_str(&format!("\"{t}\"")));
        let tokens = unit_tokens(&files[m.1 .0 as usize], unit);
        hash_seq(
            tokens
                .iter()
                .filter(|t| t.class.is_literal() && Some(t.sym) != own)
                .map(|t| t.sym),
        )
    };
    let mut classes: Vec<(u64, Vec<Member>)> = Vec::new();
    for m in members {
        let key = literals(&m);
        match classes.iter_mut().find(|(k, _)| *k == key) {
            Some((_, class)) => class.push(m),
            None => classes.push((key, vec![m])),
        }
    }
    // The first of the largest: members come in a fixed order, so the choice is stable.
    let most = classes.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    classes
        .into_iter()
        .find(|(_, c)| c.len() == most)
        .map(|(_, c)| c)
        .unwrap_or_default()
}

fn unit_of<'f>(files: &'f [SourceFile], m: &Member) -> &'f Unit {
    &files[m.1 .0 as usize].parsed.units[m.1 .1 as usize]
}

/// The group of units of one key, `exact` copies or renamed ones.
fn unit_group(files: &[SourceFile], canon: u64, members: &[Member], exact: bool) -> Group {
    let first = unit_of(files, &members[0]);
    let kind = match first.kind {
        UnitKind::Fn => GroupKind::Fn,
        UnitKind::Method => GroupKind::Method,
        UnitKind::Impl => GroupKind::Impl,
    };
    let instances = members
        .iter()
        .map(|&(_, (fi, ui), _)| {
            let parsed = &files[fi as usize].parsed;
            Instance::of_unit(fi as usize, parsed, &parsed.units[ui as usize])
        })
        .collect();
    Group {
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
        saved: 0,
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::analysis::detectors::find::test::{files, options};

    /// A function of real logic, big enough at the default thresholds.
    const LOGIC: &str = "fn NAME(values: &[u32], limit: u32) -> u32 {
    let mut total = 0;
    for value in values {
        if *value > limit {
            total += value * 2;
        } else {
            total -= 1;
        }
        total = total.wrapping_mul(7);
    }
    total
}
";

    /// The (clone type, items) of each group units find.
    fn unit_groups(sources: &[&str]) -> Vec<(CloneType, Vec<String>)> {
        find(&files(sources), &options())
            .groups
            .into_iter()
            .map(|g| {
                (
                    g.clone_type,
                    g.instances.into_iter().map(|i| i.item).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn exact_copies_of_a_function_under_another_name_are_an_exact_group() {
        let groups = unit_groups(&[&LOGIC.replace("NAME", "sum"), &LOGIC.replace("NAME", "add")]);
        assert_eq!(
            groups,
            vec![(
                CloneType::Exact,
                vec!["p::sum".to_string(), "p::add".to_string()]
            )]
        );
    }

    #[test]
    fn copies_with_locals_renamed_are_a_renamed_group() {
        let renamed = LOGIC
            .replace("NAME", "add")
            .replace("total", "acc")
            .replace("value", "item");
        let groups = unit_groups(&[&LOGIC.replace("NAME", "sum"), &renamed]);
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[0].0, CloneType::Renamed);
        // Other logic of the same size is no copy.
        let other = LOGIC
            .replace("NAME", "add")
            .replace("total -= 1;", "return limit;")
            .replace("wrapping_mul(7)", "rotate_left(3)");
        assert!(unit_groups(&[&LOGIC.replace("NAME", "sum"), &other]).is_empty());
    }

    /// A getter of full size: its signature is long, its body reads one field.
    fn getter(ty: &str, field: &str) -> String {
        format!(
            "impl {ty} {{
    pub fn lookup(
        &self,
        key: &str,
        fallback: Option<&Entry>,
        limit: usize,
        strict: bool,
    ) -> Option<&Entry> {{
        self.{field}.lookup(key, fallback, limit, strict)
    }}
}}
"
        )
    }

    #[test]
    fn a_trivial_getter_of_another_field_in_another_type_is_no_copy() {
        let groups = unit_groups(&[&getter("Alpha", "alpha"), &getter("Beta", "beta")]);
        assert!(groups.is_empty(), "{groups:?}");
        // It is big enough: copied exactly in one type, it is one (and so is its impl).
        let groups = unit_groups(&[&getter("Alpha", "alpha"), &getter("Alpha", "alpha")]);
        let method = vec![
            "p::Alpha::lookup".to_string(),
            "p::Alpha::lookup".to_string(),
        ];
        assert!(groups.contains(&(CloneType::Exact, method)), "{groups:?}");
    }
}
