//! Types that convert into each other member by member are layers, not copies.
//!
//! A snapshot enum that mirrors an internal one for a stable API, a command-line `Args`
//! struct and the resolved `Config` built from it that share some of their fields: each is
//! kept apart on purpose, and the code that maps one onto the other, member by member, says
//! so. Merging them would couple what the author decoupled. (Two structs of the very same
//! fields are still one type declared twice, conversion or not.)

use std::collections::HashSet;

use crate::analysis::source::token::{hash_str, Tok, TokClass};
use crate::analysis::source::ShapeKind;

/// The name of a member as the shape renders it: `Name(Types)` or `name: Type`.
fn member_name(member: &str) -> &str {
    let end = member.find(['(', '{', ':', ' ']).unwrap_or(member.len());
    &member[..end]
}

/// The punctuation the mappings are made of, hashed once.
struct Puncts {
    colon: u32,
    eq: u32,
    gt: u32,
    comma: u32,
    dot: u32,
}

impl Puncts {
    fn new() -> Puncts {
        Puncts {
            colon: hash_str(":"),
            eq: hash_str("="),
            gt: hash_str(">"),
            comma: hash_str(","),
            dot: hash_str("."),
        }
    }
}

fn is(t: Option<&Tok>, sym: u32) -> bool {
    t.is_some_and(|t| t.class != TokClass::Ident && t.sym == sym)
}

/// What one file maps member by member: variants `V` that a match arm maps onto a variant of
/// the same name elsewhere (`a::V => b::V`, `Self::V`), and fields `f` a struct expression
/// fills from the same field of another value (`f: other.f`).
#[derive(Debug, Default)]
pub(super) struct Mappings {
    variants: HashSet<u32>,
    fields: HashSet<u32>,
}

impl Mappings {
    /// One pass over the file's tokens.
    pub(super) fn of(toks: &[Tok]) -> Mappings {
        let p = Puncts::new();
        let mut found = Mappings::default();
        for i in 2..toks.len().saturating_sub(4) {
            let t = toks[i];
            let arm = is(toks.get(i - 1), p.colon) && is(toks.get(i + 1), p.eq);
            if arm && is(toks.get(i + 2), p.gt) && maps_onto(&toks[i + 3..], t.sym, &p) {
                found.variants.insert(t.sym);
            }
            let field = t.class == TokClass::Ident
                && is(toks.get(i + 1), p.colon)
                && !is(toks.get(i + 2), p.colon)
                && toks[i + 2].class == TokClass::Ident
                && is(toks.get(i + 3), p.dot)
                && toks[i + 4].sym == t.sym;
            if field {
                found.fields.insert(t.sym);
            }
        }
        found
    }
}

/// Whether an arm's value (up to the next `,` or closing delimiter) is a path ending `::v`.
fn maps_onto(value: &[Tok], v: u32, p: &Puncts) -> bool {
    let value: Vec<&Tok> = (value.iter())
        .take_while(|t| {
            !(t.class == TokClass::Close || (t.class == TokClass::Punct && t.sym == p.comma))
        })
        .collect();
    value
        .windows(3)
        .any(|w| is(Some(w[0]), p.colon) && is(Some(w[1]), p.colon) && w[2].sym == v)
}

/// Whether the files' mappings map at least half the members (two or more) of a type of
/// this shape onto another's, member by member: the types are layers of one another.
pub(super) fn converted(files: &[&Mappings], kind: ShapeKind, members: &[String]) -> bool {
    let names: HashSet<u32> = members.iter().map(|m| hash_str(member_name(m))).collect();
    let mapped = |m: &Mappings| match kind {
        ShapeKind::Enum => m.variants.clone(),
        ShapeKind::Struct => m.fields.clone(),
        ShapeKind::Trait => HashSet::new(),
    };
    let found: HashSet<u32> = (files.iter())
        .flat_map(|m| mapped(m))
        .filter(|sym| names.contains(sym))
        .collect();
    found.len() >= 2 && 2 * found.len() >= names.len()
}

#[cfg(test)]
mod tests {
    use crate::analysis::detectors::find::test::detect;
    use crate::analysis::detectors::GroupKind;

    const KIND: &str = "pub enum ParameterKind {\n    Plus,\n    Singular,\n    Star,\n}\n";

    fn types(groups: &[crate::analysis::detectors::Group]) -> usize {
        (groups.iter())
            .filter(|g| matches!(g.kind, GroupKind::Enum | GroupKind::Struct))
            .count()
    }

    #[test]
    fn an_enum_mirrored_with_a_conversion_is_a_layer_not_a_copy() {
        let mirror = format!(
            "{KIND}impl ParameterKind {{
    fn new(kind: full::ParameterKind) -> Self {{
        match kind {{
            full::ParameterKind::Singular => Self::Singular,
            full::ParameterKind::Plus => Self::Plus,
            full::ParameterKind::Star => Self::Star,
        }}
    }}
}}
"
        );
        assert_eq!(types(&detect(&[KIND, &mirror])), 0);
        // Without the mapping the two enums are one type declared twice.
        assert_eq!(types(&detect(&[KIND, KIND])), 1);
    }

    #[test]
    fn a_struct_of_the_same_fields_built_from_another_is_still_a_copy() {
        let args = "pub struct Args {\n    pub jobs: usize,\n    pub color: bool,\n    pub path: PathBuf,\n}\n";
        let config = "pub struct Config {\n    pub jobs: usize,\n    pub color: bool,\n    pub path: PathBuf,\n}\n";
        let resolve = format!(
            "{config}impl Config {{
    pub fn from_args(args: Args) -> Config {{
        Config {{ jobs: args.jobs, color: args.color, path: args.path }}
    }}
}}
"
        );
        assert_eq!(types(&detect(&[args, &resolve])), 1);
    }
}
