//! Copies that differ in literals as well as local names: each literal that differs becomes
//! a parameter of the helper, and each copy passes its own value. Only where a value may
//! stand (not in a pattern, a type, an array length or a macro's arguments such as a format
//! string), and only literals whose type the literal itself spells (a char, a byte, a string,
//! `true`/`false`, a suffixed number): an unsuffixed number takes its type from the code
//! around it, which a parameter would have to guess.

use std::collections::HashSet;
use std::ops::Range;

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::declined;
use crate::refactor::agents::builtin::compare::{flatten, Tok};
use crate::refactor::agents::builtin::copy::byte_range;
use crate::refactor::agents::builtin::site::Site;
use crate::refactor::agents::exchange::AgentError;

/// One literal that differs between copies, as the helper's parameter.
pub(super) struct LiteralParam {
    pub(super) name: String,
    pub(super) ty: &'static str,
    /// Each copy's value, in the order of the copies.
    pub(super) values: Vec<String>,
    /// Where it stands in the first copy's file (each place the same values stand).
    pub(super) places: Vec<Range<usize>>,
}

/// The run's tokens in order, as copies are compared.
pub(super) fn run_tokens(site: &Site) -> Vec<(Tok, String, proc_macro2::Span)> {
    let mut out = Vec::new();
    for stmt in &site.run.stmts {
        flatten(stmt.to_token_stream(), &mut out);
    }
    out
}

/// Whether a token that differs between copies may become a parameter: a literal, or
/// `true`/`false`.
pub(super) fn is_literal(kind: Tok, text: &str) -> bool {
    kind == Tok::Literal || kind == Tok::Ident && (text == "true" || text == "false")
}

/// One parameter per distinct set of values the copies have at the token positions
/// `differing`, or why a literal there cannot become one.
pub(super) fn literal_params(
    sites: &[Site],
    differing: &[usize],
) -> Result<Vec<LiteralParam>, AgentError> {
    let tokens: Vec<_> = sites.iter().map(run_tokens).collect();
    let home = &sites[0];
    let frozen = frozen_ranges(home);
    let taken = idents(&home.text);
    let mut params: Vec<LiteralParam> = Vec::new();
    for &at in differing {
        let values: Vec<String> = tokens.iter().map(|t| t[at].1.clone()).collect();
        let place = byte_range(&home.text, tokens[0][at].2);
        if frozen
            .iter()
            .any(|r| r.start <= place.start && place.end <= r.end)
        {
            return Err(declined(
                home,
                &format!(
                    "it differs from a copy in `{}`, a literal that must stay a constant there \
                     (a pattern, a type, a length or a macro's argument)",
                    values[0]
                ),
            ));
        }
        if let Some(param) = params.iter_mut().find(|p| p.values == values) {
            param.places.push(place);
            continue;
        }
        let types: HashSet<Option<&'static str>> = values.iter().map(|v| spelled_type(v)).collect();
        let ty = match types.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(ty)] => *ty,
            _ => {
                return Err(declined(
                    home,
                    &format!(
                        "it differs from a copy in a literal (`{}` and `{}`) whose type the \
                         literal does not spell",
                        values[0], values[1]
                    ),
                ))
            }
        };
        let free = |name: &String| !taken.contains(name) && params.iter().all(|p| &p.name != name);
        let mut name = "literal".to_owned();
        let mut n = 1;
        while !free(&name) {
            n += 1;
            name = format!("literal_{n}");
        }
        params.push(LiteralParam {
            name,
            ty,
            values,
            places: vec![place],
        });
    }
    Ok(params)
}

/// The type a literal spells by itself, if it does.
fn spelled_type(literal: &str) -> Option<&'static str> {
    const SUFFIXES: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "f32", "f64",
    ];
    match literal {
        "true" | "false" => Some("bool"),
        l if l.starts_with('\'') => Some("char"),
        l if l.starts_with("b'") => Some("u8"),
        l if l.starts_with('"') || l.starts_with("r\"") || l.starts_with("r#") => Some("&str"),
        l if l.starts_with(|c: char| c.is_ascii_digit()) => SUFFIXES
            .iter()
            .copied()
            .find(|s| l.ends_with(s) && !l.ends_with(&format!("e{s}"))),
        _ => None,
    }
}

/// The identifiers a file spells, so a parameter's name shadows none.
fn idents(text: &str) -> HashSet<String> {
    let mut tokens = Vec::new();
    if let Ok(stream) = text.parse::<proc_macro2::TokenStream>() {
        flatten(stream, &mut tokens);
    }
    tokens
        .into_iter()
        .filter(|(kind, _, _)| *kind == Tok::Ident)
        .map(|(_, text, _)| text)
        .collect()
}

/// The parts of the run where a literal must stay a constant: patterns, types, array
/// lengths, generic arguments, attributes and macro calls.
fn frozen_ranges(site: &Site) -> Vec<Range<usize>> {
    struct Frozen<'a> {
        text: &'a str,
        ranges: Vec<Range<usize>>,
    }
    impl Frozen<'_> {
        fn freeze(&mut self, span: proc_macro2::Span) {
            self.ranges.push(byte_range(self.text, span));
        }
    }
    impl<'ast> Visit<'ast> for Frozen<'_> {
        fn visit_pat(&mut self, pat: &'ast syn::Pat) {
            self.freeze(pat.span());
        }
        fn visit_type(&mut self, ty: &'ast syn::Type) {
            self.freeze(ty.span());
        }
        fn visit_expr_repeat(&mut self, repeat: &'ast syn::ExprRepeat) {
            self.freeze(repeat.len.span());
            self.visit_expr(&repeat.expr);
        }
        fn visit_generic_argument(&mut self, arg: &'ast syn::GenericArgument) {
            self.freeze(arg.span());
        }
        fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
            self.freeze(attr.span());
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            self.freeze(mac.span());
        }
    }
    let mut frozen = Frozen {
        text: &site.text,
        ranges: Vec::new(),
    };
    for stmt in &site.run.stmts {
        frozen.visit_stmt(stmt);
    }
    frozen.ranges
}
