//! Types that convert into each other member by member are layers, not copies.
//!
//! A snapshot enum that mirrors an internal one for a stable API, a command-line `Args`
//! struct and the resolved `Config` built from it that share some of their fields: each is
//! kept apart on purpose, and the code that maps one onto the other, member by member, says
//! so. Merging them would couple what the author decoupled. (Two structs of the very same
//! fields are still one type declared twice, conversion or not.)

use std::collections::HashSet;

use crate::analysis::scan::SourceFile;
use crate::analysis::source::token::{hash_str, Tok, TokClass};
use crate::analysis::source::ShapeKind;

/// The name of a member as the shape renders it: `Name(Types)` or `name: Type`.
fn member_name(member: &str) -> &str {
    let end = member.find(['(', '{', ':', ' ']).unwrap_or(member.len());
    &member[..end]
}

fn is(t: Option<&Tok>, text: &str) -> bool {
    t.is_some_and(|t| t.class != TokClass::Ident && t.sym == hash_str(text))
}

/// Variants `V` that some match arm maps onto a variant of the same name elsewhere:
/// `a::V => b::V` or `Self::V`.
fn mapped_variants(toks: &[Tok], names: &HashSet<u32>, found: &mut HashSet<u32>) {
    for i in 2..toks.len() {
        let v = toks[i].sym;
        let arm = names.contains(&v) && is(toks.get(i - 1), ":") && is(toks.get(i + 1), "=");
        if !(arm && is(toks.get(i + 2), ">")) {
            continue;
        }
        // The arm's value: up to the next `,` or `}` at this depth, a path ending in `::V`.
        let value = toks[i + 3..].iter().take_while(|t| {
            !(t.class == TokClass::Close || (t.class == TokClass::Punct && t.sym == hash_str(",")))
        });
        let value: Vec<&Tok> = value.collect();
        if value
            .windows(3)
            .any(|w| is(Some(w[0]), ":") && is(Some(w[1]), ":") && w[2].sym == v)
        {
            found.insert(v);
        }
    }
}

/// Fields `f` that a struct expression fills from the same field of another value:
/// `f: other.f`.
fn mapped_fields(toks: &[Tok], names: &HashSet<u32>, found: &mut HashSet<u32>) {
    for i in 0..toks.len().saturating_sub(4) {
        let f = toks[i].sym;
        if names.contains(&f)
            && toks[i].class == TokClass::Ident
            && is(toks.get(i + 1), ":")
            && !is(toks.get(i + 2), ":")
            && toks[i + 2].class == TokClass::Ident
            && is(toks.get(i + 3), ".")
            && toks[i + 4].sym == f
        {
            found.insert(f);
        }
    }
}

/// Whether the code of `files` maps at least half the members (two or more) of a type of
/// this shape onto another's, member by member: the types are layers of one another.
pub(super) fn converted(files: &[&SourceFile], kind: ShapeKind, members: &[String]) -> bool {
    let names: HashSet<u32> = members.iter().map(|m| hash_str(member_name(m))).collect();
    let mut found = HashSet::new();
    for file in files {
        let toks = &file.parsed.tokens;
        match kind {
            ShapeKind::Enum => mapped_variants(toks, &names, &mut found),
            ShapeKind::Struct => mapped_fields(toks, &names, &mut found),
            ShapeKind::Trait => return false,
        }
    }
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
