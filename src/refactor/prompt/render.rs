//! Definitions as the prompt shows them: short ones in full, long ones as their header and
//! the names of their members, functions and methods as signatures without bodies, traits as
//! the signatures of their members. Text is sliced from the file, so it reads as written.

use syn::spanned::Spanned;

use super::file::{start_after_attrs, SourceFile};

/// Definitions longer than this are shown as their header and the names of their members.
const SHORT_LINES: usize = 15;

/// The item's text from its first token after attributes to its end.
fn full<'a>(file: &'a SourceFile, node: &(impl quote::ToTokens + Spanned)) -> &'a str {
    file.slice(start_after_attrs(node), node.span().end())
}

fn is_short(text: &str) -> bool {
    text.lines().count() <= SHORT_LINES
}

/// A long definition: its header up to `{`, the names of its members, and `}`.
fn outline(header: &str, what: &str, names: &[String]) -> String {
    format!(
        "{header}\n    // {} {what}: {}\n}}",
        names.len(),
        names.join(", ")
    )
}

/// The first line of a long definition, marked as cut.
fn first_line(text: &str) -> String {
    format!("{} ...", text.lines().next().unwrap_or_default())
}

fn structure(file: &SourceFile, s: &syn::ItemStruct) -> String {
    let text = full(file, s);
    match &s.fields {
        _ if is_short(text) => text.to_string(),
        syn::Fields::Named(fields) => {
            let header = file.slice(start_after_attrs(s), fields.brace_token.span.open().end());
            let names: Vec<String> = fields
                .named
                .iter()
                .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                .collect();
            outline(header, "fields", &names)
        }
        _ => first_line(text),
    }
}

fn enumeration(file: &SourceFile, e: &syn::ItemEnum) -> String {
    let text = full(file, e);
    if is_short(text) {
        return text.to_string();
    }
    let header = file.slice(start_after_attrs(e), e.brace_token.span.open().end());
    let names: Vec<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
    outline(header, "variants", &names)
}

fn function(file: &SourceFile, f: &syn::ItemFn) -> String {
    signature(file, f, &f.sig, " { ... }")
}

/// A trait as its header and the signatures of its members.
fn interface(file: &SourceFile, t: &syn::ItemTrait) -> String {
    let members = t.items.iter().map(|member| match member {
        syn::TraitItem::Fn(method) => signature(file, method, &method.sig, ";"),
        other => one_line(full(file, other)),
    });
    members_of(file, (t, t.brace_token), members)
}

/// An `impl` block as its header and its members' signatures.
pub(super) fn impl_outline(file: &SourceFile, block: &syn::ItemImpl) -> String {
    let members = block.items.iter().map(|member| match member {
        syn::ImplItem::Fn(f) => signature(file, f, &f.sig, " { ... }"),
        other => one_line(full(file, other)),
    });
    members_of(file, (block, block.brace_token), members)
}

/// A function's text up to the end of its signature, then `end`.
fn signature(
    file: &SourceFile,
    node: &(impl quote::ToTokens + Spanned),
    sig: &syn::Signature,
    end: &str,
) -> String {
    format!(
        "{}{end}",
        file.slice(start_after_attrs(node), sig.span().end())
    )
}

/// A block's header (up to its `{`), one line per member, indented, and `}`.
fn members_of(
    file: &SourceFile,
    (block, brace): (&impl quote::ToTokens, syn::token::Brace),
    members: impl Iterator<Item = String>,
) -> String {
    let mut out = file
        .slice(start_after_attrs(block), brace.span.open().end())
        .to_string();
    for line in members {
        out.push_str("\n    ");
        out.push_str(&line);
    }
    out.push_str("\n}");
    out
}

/// A member in full when it is one line, else its first line marked as cut.
fn one_line(text: &str) -> String {
    if text.lines().count() == 1 {
        text.to_string()
    } else {
        first_line(text)
    }
}

/// A method inside its `impl` header.
pub(super) fn method(file: &SourceFile, block: &syn::ItemImpl, method: &syn::ImplItemFn) -> String {
    let header = file.slice(
        start_after_attrs(block),
        block.brace_token.span.open().end(),
    );
    let signature = signature(file, method, &method.sig, " { ... }");
    format!("{header}\n    {signature}\n}}")
}

/// A struct, enum, function, trait, type alias, constant or static; `None` for other items.
pub(super) fn item(file: &SourceFile, item: &syn::Item) -> Option<String> {
    Some(match item {
        syn::Item::Struct(s) => structure(file, s),
        syn::Item::Enum(e) => enumeration(file, e),
        syn::Item::Fn(f) => function(file, f),
        syn::Item::Trait(t) => interface(file, t),
        syn::Item::Type(_) | syn::Item::Const(_) | syn::Item::Static(_) => short(file, item),
        _ => return None,
    })
}

/// A type alias, constant or static: in full when short.
fn short(file: &SourceFile, item: &syn::Item) -> String {
    let text = full(file, item);
    if is_short(text) {
        text.to_string()
    } else {
        first_line(text)
    }
}
