//! Copies that differ in literals: one function takes each differing literal as a parameter.
//! Also what the block extraction shares about literals: the type a literal spells, the
//! places where a literal must stay a constant, and the names a parameter must not shadow.

use std::collections::HashSet;
use std::ops::Range;

use syn::spanned::Spanned;
use syn::visit::Visit;

use super::compare::{flatten, Tok};
use super::copy::{byte_range, Copy};
use super::edits::Edits;
use super::numeric;
use crate::refactor::change::FileChange;

/// One literal the copies differ in, as a parameter of the shared function.
struct Param {
    name: String,
    ty: &'static str,
    /// Each copy's value, in the copies' order.
    values: Vec<String>,
    /// The token indices it stands at in every copy.
    places: Vec<usize>,
}

/// A literal that is the whole pattern of a `match` arm (`':' if !quoted =>`): a pattern
/// cannot read a parameter, but the arm can test it, in the same order, as
/// `_ if ch == literal && !quoted =>` on a local, or `value if value == literal` binding what
/// any other expression gave. (Where the arm made the match exhaustive, or the binding would
/// move what is used later, the build fails, never the behaviour.)
struct ArmLiteral {
    literal: Range<usize>,
    /// The local matched on, if the `match` is on one.
    local: Option<String>,
    /// Where the test goes (right after the pattern, or the guard it joins) and the guard.
    guard: Range<usize>,
    existing: Option<String>,
}

impl ArmLiteral {
    /// The arms of `function` whose pattern is a lone literal and whose `match` is on a local.
    fn all(text: &str, function: &syn::ItemFn) -> Vec<ArmLiteral> {
        struct Arms<'a>(&'a str, Vec<ArmLiteral>);
        impl<'ast> Visit<'ast> for Arms<'_> {
            fn visit_expr_match(&mut self, node: &'ast syn::ExprMatch) {
                let local = match &*node.expr {
                    syn::Expr::Path(p) if p.qself.is_none() => p.path.get_ident(),
                    _ => None,
                };
                for arm in &node.arms {
                    let syn::Pat::Lit(literal) = &arm.pat else {
                        continue;
                    };
                    let literal = byte_range(self.0, literal.span());
                    let (guard, existing) = match &arm.guard {
                        Some((_, guard)) => {
                            let range = byte_range(self.0, guard.span());
                            let or = matches!(&**guard, syn::Expr::Binary(b)
                                if matches!(b.op, syn::BinOp::Or(_)));
                            let text = &self.0[range.clone()];
                            let text = if or {
                                format!("({text})")
                            } else {
                                text.to_owned()
                            };
                            (range, Some(text))
                        }
                        None => (literal.end..literal.end, None),
                    };
                    self.1.push(ArmLiteral {
                        literal,
                        local: local.map(ToString::to_string),
                        guard,
                        existing,
                    });
                }
                syn::visit::visit_expr_match(self, node);
            }
        }
        let mut arms = Arms(text, Vec::new());
        arms.visit_block(&function.block);
        arms.1
    }

    /// The arm's replacements once the literal is `param`; `value` names what the arm
    /// binds when the `match` is not on a local.
    fn cuts(&self, param: &str, value: &str) -> [(Range<usize>, String); 2] {
        let (pattern, tested) = match &self.local {
            Some(local) => ("_", local.as_str()),
            None => (value, value),
        };
        let test = format!("{tested} == {param}");
        let guard = match &self.existing {
            Some(existing) => format!("{test} && {existing}"),
            None => format!(" if {test}"),
        };
        [
            (self.literal.clone(), pattern.to_owned()),
            (self.guard.clone(), guard),
        ]
    }
}

/// Copies that differ in literals (each set of values at its places a parameter): the kept
/// copy's code moves into `NAME_with`, which takes the literals as its last parameters, and
/// every copy, the kept one too, delegates to it with its own values. Signatures stay as
/// they are, so no caller changes. Methods of one type share a method the same way.
pub(super) fn parameterised(
    copies: &[Copy],
    canonical: usize,
    places: &[usize],
) -> Result<Vec<FileChange>, String> {
    let kept = &copies[canonical];
    let params = literal_params(copies, kept, places)?;
    let helper = format!("{}_with", kept.name);
    if kept.text.contains(&format!("fn {helper}")) {
        return Err(format!(
            "`{}` cannot share a function `{helper}`: one by that name exists",
            kept.location.item
        ));
    }
    let mut edits = Edits::default();
    let item = helper_item(kept, &params, &helper);
    let at = kept.item_end..kept.item_end;
    let indent = indent_at(&kept.text, kept.visibility_range.start);
    let visibility = helper_visibility(copies, kept);
    edits.replace(
        &kept.location.file,
        at,
        format!("\n\n{indent}{visibility}{item}"),
    );
    for (i, copy) in copies.iter().enumerate() {
        let mut args = copy.args.clone();
        args.extend(params.iter().map(|p| p.values[i].clone()));
        let body = delegating_body(copy, kept, &helper, &args);
        edits.replace(&copy.location.file, copy.body.clone(), body);
    }
    edits.into_changes(copies).map_err(|err| err.to_string())
}

/// The visibility the shared function needs for every copy to call it.
fn helper_visibility(copies: &[Copy], kept: &Copy) -> &'static str {
    let other_crate = copies.iter().any(|c| c.crate_name != kept.crate_name);
    let opened = copies
        .iter()
        .any(|c| c.module != kept.module || c.crate_name != kept.crate_name);
    match (other_crate, opened) {
        (true, _) => "pub ",
        (false, true) => "pub(crate) ",
        (false, false) => "",
    }
}

/// A copy's new body: one call of the shared function with its own arguments.
fn delegating_body(copy: &Copy, kept: &Copy, helper: &str, args: &[String]) -> String {
    let awaited = if copy.is_async { ".await" } else { "" };
    if copy.owner.is_some() {
        let call = match args.split_first() {
            Some((receiver, rest)) if receiver == "self" => {
                format!("self.{helper}({})", rest.join(", "))
            }
            _ => format!("Self::{helper}({})", args.join(", ")),
        };
        let indent = indent_at(&copy.text, copy.body.start);
        return format!("{{\n{indent}    {call}{awaited}\n{indent}}}");
    }
    let same_module = copy.module == kept.module && copy.crate_name == kept.crate_name;
    let path = if same_module {
        helper.to_owned()
    } else {
        let root = if copy.crate_name == kept.crate_name {
            "crate"
        } else {
            &kept.crate_name
        };
        let mut path = vec![root];
        path.extend(kept.module.iter().map(String::as_str));
        path.push(helper);
        path.join("::")
    };
    format!("{{\n    {path}({}){awaited}\n}}", args.join(", "))
}

/// The whitespace that starts the line holding `at`.
pub(super) fn indent_at(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// One parameter per set of values the copies have at the differing `places`, typed from
/// the kept copy, or why a literal there cannot become one.
fn literal_params(copies: &[Copy], kept: &Copy, places: &[usize]) -> Result<Vec<Param>, String> {
    let mut places = places.to_vec();
    places.sort_unstable();
    places.dedup();
    let frozen = frozen_in_fn(&kept.text, &kept.function);
    let arms = ArmLiteral::all(&kept.text, &kept.function);
    let taken = idents(&kept.text);
    let mut params: Vec<Param> = Vec::new();
    for at in places {
        let values: Vec<String> = copies.iter().map(|c| c.tokens[at].1.clone()).collect();
        let (_, value, span) = &kept.tokens[at];
        let place = byte_range(&kept.text, *span);
        let in_arm = arms.iter().any(|arm| arm.literal == place);
        if !in_arm
            && frozen
                .iter()
                .any(|r| r.start <= place.start && place.end <= r.end)
        {
            return Err(format!(
                "`{}` differs from its copies in `{value}`, a literal that must stay a constant \
                 there (a pattern, a type, a length or a macro's argument)",
                kept.location.item
            ));
        }
        let ty = typed(kept, *span, value)?;
        if let Some(param) = params.iter_mut().find(|p| p.values == values) {
            if param.ty != ty {
                return Err(format!(
                    "`{}` differs from its copies in `{value}`, which is a `{}` in one place and \
                     a `{ty}` in another",
                    kept.location.item, param.ty
                ));
            }
            param.places.push(at);
            continue;
        }
        let name = free_name(&taken, |name| params.iter().any(|p| p.name == name));
        params.push(Param {
            name,
            ty,
            values,
            places: vec![at],
        });
    }
    if params.len() > 3 {
        return Err(format!(
            "`{}` differs from its copies in {} literals; a function taking them all is a job \
             for an LLM agent",
            kept.location.item,
            params.len()
        ));
    }
    Ok(params)
}

/// The type of the literal `value` at `span` in the kept copy: the one it spells, else the
/// one the function around it gives it ([`numeric`]).
fn typed(kept: &Copy, span: proc_macro2::Span, value: &str) -> Result<&'static str, String> {
    match spelled_type(value) {
        Some("&str") => Ok("&'static str"),
        Some(ty) => Ok(ty),
        None => numeric::literal_type(&kept.function, span.start(), value).map_err(|why| {
            format!(
                "`{}` cannot take a literal as a parameter: {why}",
                kept.location.item
            )
        }),
    }
}

/// `literal`, or `literal_N`, whichever no identifier of the file and no earlier parameter
/// uses.
pub(super) fn free_name(taken: &HashSet<String>, is_param: impl Fn(&str) -> bool) -> String {
    let free = |name: &String| !taken.contains(name) && !is_param(name);
    let mut name = "literal".to_owned();
    let mut n = 1;
    while !free(&name) {
        n += 1;
        name = format!("literal_{n}");
    }
    name
}

/// The kept copy's function, renamed `helper`, taking the literals as its last parameters.
fn helper_item(kept: &Copy, params: &[Param], helper: &str) -> String {
    let shift = kept.visibility_range.end;
    let mut item = kept.text[shift..kept.item_end].to_owned();
    let arms = ArmLiteral::all(&kept.text, &kept.function);
    let taken = idents(&kept.text);
    let value = ["value", "matched", "scrutinee"]
        .into_iter()
        .find(|name| !taken.contains(*name) && params.iter().all(|p| p.name != *name))
        .unwrap_or("matched_value");
    let mut cuts: Vec<(Range<usize>, String)> = Vec::new();
    for param in params {
        for at in &param.places {
            let place = byte_range(&kept.text, kept.tokens[*at].2);
            match arms.iter().find(|arm| arm.literal == place) {
                Some(arm) => cuts.extend(arm.cuts(&param.name, value)),
                None => cuts.push((place, param.name.clone())),
            }
        }
    }
    let declared: Vec<String> = params
        .iter()
        .map(|p| format!("{}: {}", p.name, p.ty))
        .collect();
    cuts.push(added_params(kept, &declared));
    cuts.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    for (range, with) in cuts {
        item.replace_range(range.start - shift..range.end - shift, &with);
    }
    item.replacen(&format!("fn {}", kept.name), &format!("fn {helper}"), 1)
}

/// Where the new parameters go and how they read: after the others on their line, or, in a
/// list written one parameter a line with a trailing comma, one line each before the `)`.
fn added_params(kept: &Copy, declared: &[String]) -> (Range<usize>, String) {
    let before = &kept.text[..kept.params_end];
    if !before.trim_end().ends_with(',') {
        let comma = if kept.args.is_empty() { "" } else { ", " };
        let at = kept.params_end..kept.params_end;
        return (at, format!("{comma}{}", declared.join(", ")));
    }
    let last_comma = before.trim_end().len() - 1;
    let indent = indent_at(&kept.text, last_comma);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut lines = String::new();
    for param in declared {
        lines.push_str(&indent);
        lines.push_str(param);
        lines.push_str(",\n");
    }
    if before[line_start..].trim().is_empty() {
        (line_start..line_start, lines)
    } else {
        // `a, b,)`: a trailing comma on one line.
        let at = kept.params_end..kept.params_end;
        (at, format!(" {}", declared.join(", ")))
    }
}

/// The type a literal spells by itself, if it does.
pub(super) fn spelled_type(literal: &str) -> Option<&'static str> {
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
pub(super) fn idents(text: &str) -> HashSet<String> {
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

/// The parts of some code where a literal must stay a constant: patterns, types, array
/// lengths, generic arguments, attributes and macro calls.
pub(super) struct Frozen<'a> {
    text: &'a str,
    pub(super) ranges: Vec<Range<usize>>,
}

impl Frozen<'_> {
    pub(super) fn new(text: &str) -> Frozen<'_> {
        Frozen {
            text,
            ranges: Vec::new(),
        }
    }

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
    fn visit_item(&mut self, item: &'ast syn::Item) {
        // An item inside the function (a `const`, a nested `fn`) cannot read a parameter.
        self.freeze(item.span());
    }
}

/// Where in a function's signature and body a literal must stay a constant.
fn frozen_in_fn(text: &str, function: &syn::ItemFn) -> Vec<Range<usize>> {
    let mut frozen = Frozen::new(text);
    frozen.visit_signature(&function.sig);
    frozen.visit_block(&function.block);
    frozen.ranges
}
