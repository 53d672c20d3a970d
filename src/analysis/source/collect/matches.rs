//! Enum-match recognition: a `match` whose arms all name variants of one enum, recorded for
//! the repeated-match smell.

use super::collector::Collector;
use crate::analysis::source::parsed::EnumMatch;

impl Collector<'_> {
    /// Records `node` if it enumerates the variants of one enum.
    pub(super) fn record_enum_match(&mut self, node: &syn::ExprMatch) {
        if let Some((enum_name, variants)) = enum_of_match(node, self.self_type.as_deref()) {
            self.out.enum_matches.push(EnumMatch {
                module: self.module,
                enum_name,
                variants,
                line: node.match_token.span.start().line as u32,
                end_line: node.brace_token.span.close().start().line as u32,
                item: self.item_path(""),
            });
        }
    }
}

/// The enum a `match` enumerates, and how many of its variants it names: every arm must
/// name variants of one enum (`E::A`, `E::B(..)`, `Self::C { .. }`, or-patterns of those);
/// a catch-all arm, a guard-only arm or another pattern means it is not such a match.
fn enum_of_match(node: &syn::ExprMatch, self_type: Option<&str>) -> Option<(String, u32)> {
    fn variant_enum(pat: &syn::Pat, self_type: Option<&str>, out: &mut Vec<String>) -> bool {
        let path = match pat {
            syn::Pat::Path(p) => &p.path,
            syn::Pat::TupleStruct(p) => &p.path,
            syn::Pat::Struct(p) => &p.path,
            syn::Pat::Or(or) => {
                return or
                    .cases
                    .iter()
                    .all(|case| variant_enum(case, self_type, out))
            }
            syn::Pat::Reference(r) => return variant_enum(&r.pat, self_type, out),
            syn::Pat::Ident(i) => {
                return i
                    .subpat
                    .as_ref()
                    .is_some_and(|(_, sub)| variant_enum(sub, self_type, out))
            }
            _ => return false,
        };
        let n = path.segments.len();
        if n < 2 {
            return false;
        }
        let owner = path.segments[n - 2].ident.to_string();
        let owner = if owner == "Self" {
            self_type.map(ToString::to_string)
        } else {
            Some(owner)
        };
        match owner {
            Some(owner) if owner.starts_with(|c: char| c.is_ascii_uppercase()) => {
                out.push(owner);
                true
            }
            _ => false,
        }
    }
    let mut owners = Vec::new();
    let mut variants = 0;
    for arm in &node.arms {
        let before = owners.len();
        if !variant_enum(&arm.pat, self_type, &mut owners) {
            return None;
        }
        variants += (owners.len() - before) as u32;
    }
    let first = owners.first()?.clone();
    (variants >= 2 && owners.iter().all(|o| *o == first)).then_some((first, variants))
}
