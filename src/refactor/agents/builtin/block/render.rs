//! The text of an extraction: the helper (its signature, the run's statements read through
//! the references it gets, its final expression), each copy's call, and a free name.

use std::ops::Range;

use quote::ToTokens;

use super::{declined, Analysis, Local, Mode, Placement};
use crate::refactor::agents::builtin::compare::{flatten, Tok};
use crate::refactor::agents::builtin::copy::byte_range;
use crate::refactor::agents::builtin::output::Output;
use crate::refactor::agents::builtin::site::Site;
use crate::refactor::agents::exchange::AgentError;

/// A name for the helper: the first copy's function's name and `_step`, numbered past any
/// name its file already uses.
pub(super) fn helper_name(site: &Site) -> String {
    let base = format!("{}_step", site.function.sig.ident);
    let mut tokens = Vec::new();
    if let Ok(stream) = site.text.parse::<proc_macro2::TokenStream>() {
        flatten(stream, &mut tokens);
    }
    let idents: std::collections::HashSet<&str> = tokens
        .iter()
        .filter(|(kind, _, _)| *kind == Tok::Ident)
        .map(|(_, text, _)| text.as_str())
        .collect();
    let taken = |name: &str| idents.contains(name);
    if !taken(&base) {
        return base;
    }
    let mut n = 2;
    while taken(&format!("{base}_{n}")) {
        n += 1;
    }
    format!("{base}_{n}")
}

/// The helper, placed after the function (or impl) holding the first copy: its parameters,
/// the run's statements read through the references it gets, and its locals returned.
pub(super) fn render_helper(
    site: &Site,
    placement: &Placement,
    analysis: &Analysis,
    returned: &[usize],
    name: &str,
) -> Result<String, AgentError> {
    let receiver = placement.receiver.iter().cloned();
    let params: Vec<String> = receiver
        .chain(analysis.params.iter().map(|p| {
            let borrow = match p.mode {
                Mode::Value => "",
                Mode::Shared => "&",
                Mode::Exclusive => "&mut ",
            };
            format!("{}: {borrow}{}", p.name, p.ty)
        }))
        .chain(analysis.extra_params.iter().cloned())
        .collect();
    let locals: Vec<&Local> = returned.iter().map(|&i| &analysis.locals[i]).collect();
    let types: Vec<&str> = (locals.iter())
        .map(|l| l.ty.as_ref().map_or("_", |t| t.0.as_str()))
        .collect();
    let output = analysis.output.signature(&types);
    let (body, tail) = body_and_tail(site, analysis, &locals);
    let tail = analysis.output.wrap(tail);
    let indent = &placement.indent;
    let inner = format!("{indent}    ");
    let body = reindent(site, &body, &inner)?;
    let tail = tail.map(|t| format!("\n{inner}{t}")).unwrap_or_default();
    let (generics, clause) = match &placement.generics {
        Some((generics, clause)) => (generics.as_str(), clause.as_deref()),
        None => ("", None),
    };
    // A `where` clause goes on lines of its own, as rustfmt puts it.
    let close = match clause {
        Some(clause) => format!("{output}\n{indent}{clause}\n{indent}{{"),
        None => format!("{output} {{"),
    };
    let head = listed(&format!("fn {name}{generics}"), &params, &close, indent);
    Ok(format!(
        "\n\n{indent}{head}\n{inner}{body}{tail}\n{indent}}}"
    ))
}

/// `open(items)close` on one line as rustfmt would leave it, or one item a line when the
/// line (after `indent`) would pass rustfmt's 100 columns.
fn listed(open: &str, items: &[String], close: &str, indent: &str) -> String {
    let line = format!("{open}({}){close}", items.join(", "));
    if indent.len() + line.len() <= 100 {
        return line;
    }
    let lines: Vec<String> = items.iter().map(|i| format!("{indent}    {i},")).collect();
    format!("{open}(\n{}\n{indent}){close}", lines.join("\n"))
}

/// The run's text with `rewrites` applied within `range`.
fn rewritten(site: &Site, range: Range<usize>, rewrites: &[(Range<usize>, String)]) -> String {
    let mut inside: Vec<&(Range<usize>, String)> = rewrites
        .iter()
        .filter(|(r, _)| r.start >= range.start && r.end <= range.end)
        .collect();
    inside.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut text = site.text[range.clone()].to_owned();
    for (r, with) in inside {
        text.replace_range(r.start - range.start..r.end - range.start, with);
    }
    text
}

/// The helper's statements and its final expression. One local bound by the last statement
/// is returned as that statement's value (clippy's `let_and_return`), unless wrapped.
fn body_and_tail(site: &Site, analysis: &Analysis, locals: &[&Local]) -> (String, Option<String>) {
    let all = rewritten(site, site.range.clone(), &analysis.rewrites);
    let names: Vec<&str> = locals.iter().map(|l| l.name.as_str()).collect();
    // `Ok(value?)` would be clippy's `needless_question_mark`; `let x = ..; Ok(x)` is fine.
    let wrapped = matches!(analysis.output, Output::Tried { .. });
    match (names.as_slice(), site.run.stmts.last()) {
        ([], _) => (all, None),
        ([one], Some(syn::Stmt::Local(last))) if !wrapped => {
            let binds_it = match &last.pat {
                syn::Pat::Ident(ident) => ident.ident == one,
                syn::Pat::Type(typed) => {
                    matches!(&*typed.pat, syn::Pat::Ident(ident) if ident.ident == one)
                }
                _ => false,
            };
            match &last.init {
                Some(init) if binds_it && init.diverge.is_none() => {
                    use syn::spanned::Spanned;
                    let last_start = byte_range(&site.text, last.span()).start;
                    let value = byte_range(&site.text, init.expr.span());
                    let before = rewritten(site, site.range.start..last_start, &analysis.rewrites);
                    let value = rewritten(site, value, &analysis.rewrites);
                    (before.trim_end().to_owned(), Some(value))
                }
                _ => (all, Some((*one).to_owned())),
            }
        }
        ([one], _) => (all, Some((*one).to_owned())),
        (many, _) => (all, Some(format!("({})", many.join(", ")))),
    }
}

/// The run's text indented for the helper; declined when a literal spans lines (re-indenting
/// would change it).
fn reindent(site: &Site, body: &str, inner: &str) -> Result<String, AgentError> {
    let base = base_indent(site);
    if base == inner {
        return Ok(body.to_owned());
    }
    let mut tokens = Vec::new();
    for stmt in &site.run.stmts {
        flatten(stmt.to_token_stream(), &mut tokens);
    }
    let multiline = tokens
        .iter()
        .any(|(kind, _, span)| *kind == Tok::Literal && span.start().line != span.end().line);
    if multiline {
        return Err(declined(site, "a literal in it spans lines"));
    }
    let lines: Vec<String> = body
        .split('\n')
        .enumerate()
        .map(|(i, line)| match line.strip_prefix(base) {
            Some(rest) if i > 0 => format!("{inner}{rest}"),
            _ => line.to_owned(),
        })
        .collect();
    Ok(lines.join("\n"))
}

/// The indentation of the run's first line.
fn base_indent(site: &Site) -> &str {
    let line_start = site.text[..site.range.start]
        .rfind('\n')
        .map_or(0, |at| at + 1);
    &site.text[line_start..site.range.start]
}

/// The statement that replaces one copy: a call passing its own locals, binding what the
/// code after it uses.
pub(super) fn render_call(
    site: &Site,
    name: &str,
    analysis: &Analysis,
    returned: &[usize],
) -> String {
    let args: Vec<String> = analysis
        .params
        .iter()
        .map(|p| match p.mode {
            Mode::Value => p.name.clone(),
            Mode::Shared => format!("&{}", p.name),
            Mode::Exclusive => format!("&mut {}", p.name),
        })
        .chain(analysis.extra_args.iter().cloned())
        .collect();
    let patterns: Vec<String> = returned
        .iter()
        .map(|&i| {
            let local = &analysis.locals[i];
            match (local.used_after, local.mutated_after) {
                (false, _) if local.drops_quietly => "_".to_owned(),
                // Bound, it is dropped where the function dropped it.
                (false, _) if local.name.starts_with('_') => local.name.clone(),
                (false, _) => format!("_{}", local.name),
                (true, true) => format!("mut {}", local.name),
                (true, false) => local.name.clone(),
            }
        })
        .collect();
    let open = match patterns.as_slice() {
        [] => name.to_owned(),
        [one] => format!("let {one} = {name}"),
        many => format!("let ({}) = {name}", many.join(", ")),
    };
    listed(&open, &args, analysis.output.call_end(), base_indent(site))
}
