//! Copies that differ in literals as well as local names: each literal that differs becomes
//! a parameter of the helper, and each copy passes its own value. Only where a value may
//! stand (not in a pattern, a type, an array length or a macro's arguments such as a format
//! string), and only literals whose type is known: the one the literal spells (a char, a
//! byte, a string, `true`/`false`, a suffixed number), or for an unsuffixed number the one
//! the function around it decides ([`numeric`]); a type only code elsewhere decides is
//! declined, never guessed.

use std::collections::HashSet;
use std::ops::Range;

use quote::ToTokens;
use syn::visit::Visit;

use super::declined;
use crate::refactor::agents::builtin::compare::{flatten, Tok};
use crate::refactor::agents::builtin::copy::byte_range;
use crate::refactor::agents::builtin::literal::{free_name, idents, spelled_type, Frozen};
use crate::refactor::agents::builtin::numeric;
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
            // Unsuffixed numbers take the type the function around them gives them.
            [None]
                if values
                    .iter()
                    .all(|v| v.starts_with(|c: char| c.is_ascii_digit())) =>
            {
                numeric::literal_type(&home.function, tokens[0][at].2.start(), &values[0])
                    .map_err(|why| declined(home, &why))?
            }
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
        let name = free_name(&taken, |name| params.iter().any(|p| p.name == name));
        params.push(LiteralParam {
            name,
            ty,
            values,
            places: vec![place],
        });
    }
    Ok(params)
}

/// The parts of the run where a literal must stay a constant.
fn frozen_ranges(site: &Site) -> Vec<Range<usize>> {
    let mut frozen = Frozen::new(&site.text);
    for stmt in &site.run.stmts {
        frozen.visit_stmt(stmt);
    }
    frozen.ranges
}
