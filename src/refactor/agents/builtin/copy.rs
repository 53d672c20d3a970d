//! One copy of a duplicated function as its file holds it: where its body, signature and
//! visibility are, its parameters, and the tokens that must match between copies.

use std::path::Path;

use syn::spanned::Spanned;

use super::compare::{field_labels, flat_tokens, local_names, Tok};
use crate::refactor::finding::Location;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Visibility {
    Private,
    /// `pub(crate)`, `pub(super)`, `pub(in ..)`.
    Restricted,
    Public,
}

/// One copy, as its file holds it.
pub(super) struct Copy {
    pub(super) location: Location,
    pub(super) crate_name: String,
    /// Module path below the crate root.
    pub(super) module: Vec<String>,
    pub(super) name: String,
    /// Byte range of the body, braces included.
    pub(super) body: std::ops::Range<usize>,
    /// Where the visibility is (empty, before the signature, when there is none).
    pub(super) visibility_range: std::ops::Range<usize>,
    pub(super) visibility: Visibility,
    pub(super) args: Vec<String>,
    pub(super) is_async: bool,
    /// The function's tokens (parameter types, return type, body) and the names it binds
    /// locally, to tell a renamed copy from one whose literals or types differ.
    pub(super) tokens: Vec<(Tok, String, proc_macro2::Span)>,
    /// The file's text, for the literals' places and the signature.
    pub(super) text: String,
    /// Byte offset just after the signature's parameter list's `(`..`)`, before the `)`.
    pub(super) params_end: usize,
    /// Byte offset where the whole function ends.
    pub(super) item_end: usize,
    /// For a method, its type's name; the module path then leads to the impl block.
    pub(super) owner: Option<String>,
    /// The function itself (a method as a function): its locals, its field names, the types
    /// of its literals.
    pub(super) function: syn::ItemFn,
}

impl Copy {
    pub(super) fn read(root: &Path, location: &Location) -> Result<Copy, String> {
        let (text, file) = read_source(root, location)?;
        let (mut path, name, crate_name) = item_path(location);
        let found = find_fn(&file.items, &name, location.start_line)
            .map(|function| (function.clone(), None))
            .or_else(|| {
                let owner = path.last()?;
                find_method(&file.items, owner, &name, location.start_line)
                    .map(|(function, in_trait)| (function, Some((owner.clone(), in_trait))))
            });
        let (function, owner) = found.ok_or_else(|| {
            format!(
                "`{}` is not a function or method at {}:{}",
                location.item, location.file, location.start_line
            )
        })?;
        if owner.as_ref().is_some_and(|(_, in_trait)| *in_trait) {
            return Err(format!(
                "`{}` implements a trait's method: its impl must keep a body of its own, and \
                 impls written alike are merged whole (a macro) or by an LLM agent",
                location.item
            ));
        }
        let owner = owner.map(|(owner, _)| owner);
        let function = &function;
        if owner.is_some() {
            path.pop();
        }
        let args = function
            .sig
            .inputs
            .iter()
            .map(|input| match input {
                syn::FnArg::Typed(typed) => match &*typed.pat {
                    syn::Pat::Ident(ident) if ident.by_ref.is_none() => Ok(ident.ident.to_string()),
                    _ => Err(format!(
                        "`{}` takes a pattern apart in its parameters",
                        location.item
                    )),
                },
                syn::FnArg::Receiver(_) => Ok("self".to_owned()),
            })
            .collect::<Result<_, String>>()?;
        if function.sig.unsafety.is_some() || function.sig.variadic.is_some() {
            return Err(format!(
                "`{}` is unsafe or variadic; not merged automatically",
                location.item
            ));
        }
        Ok(Copy {
            body: byte_range(&text, function.block.span()),
            visibility_range: visibility_range(&text, function),
            visibility: match function.vis {
                syn::Visibility::Inherited => Visibility::Private,
                syn::Visibility::Restricted(_) => Visibility::Restricted,
                syn::Visibility::Public(_) => Visibility::Public,
            },
            is_async: function.sig.asyncness.is_some(),
            tokens: flat_tokens(function),
            params_end: byte_range(&text, function.sig.paren_token.span.close()).start,
            item_end: byte_range(&text, function.span()).end,
            owner,
            function: function.clone(),
            module: path[1..].to_vec(),
            location: location.clone(),
            text: text.clone(),
            crate_name,
            name,
            args,
        })
    }
}

/// The text of the location's file and its syntax tree, or why it cannot be rewritten.
pub(super) fn read_source(root: &Path, location: &Location) -> Result<(String, syn::File), String> {
    let text = std::fs::read_to_string(root.join(&location.file))
        .map_err(|err| format!("cannot read `{}`: {err}", location.file))?;
    if crate::analysis::source::too_deep(&text).is_some() {
        return Err(format!("`{}` nests too deep to rewrite", location.file));
    }
    let file = syn::parse_file(&text).map_err(|err| format!("`{}`: {err}", location.file))?;
    Ok((text, file))
}

/// The first item among `items`, or nested in them (inline modules, function and method
/// bodies), that `pick` picks.
pub(super) fn item_in<'a, T>(
    items: &'a [syn::Item],
    pick: &impl Fn(&'a syn::Item) -> Option<&'a T>,
) -> Option<&'a T> {
    find_in(&mut items.iter(), pick)
}

fn find_in<'a, T>(
    items: &mut dyn Iterator<Item = &'a syn::Item>,
    pick: &impl Fn(&'a syn::Item) -> Option<&'a T>,
) -> Option<&'a T> {
    let in_block = |block: &'a syn::Block| {
        let mut nested = block.stmts.iter().filter_map(|stmt| match stmt {
            syn::Stmt::Item(item) => Some(item),
            _ => None,
        });
        find_in(&mut nested, pick)
    };
    for item in items {
        let found = pick(item).or_else(|| match item {
            syn::Item::Mod(module) => {
                (module.content.as_ref()).and_then(|(_, items)| item_in(items, pick))
            }
            syn::Item::Fn(function) => in_block(&function.block),
            syn::Item::Impl(block) => block.items.iter().find_map(|item| match item {
                syn::ImplItem::Fn(method) => in_block(&method.block),
                _ => None,
            }),
            _ => None,
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The file at `location` and its item (`what`, for the error) that `pick` picks, given the
/// location's first line.
pub(super) fn read_item<T: Clone>(
    root: &Path,
    location: &Location,
    what: &str,
    pick: impl for<'a> Fn(&'a syn::Item, usize) -> Option<&'a T>,
) -> Result<(String, T), String> {
    let (text, file) = read_source(root, location)?;
    let line = location.start_line as usize;
    let item = item_in(&file.items, &|item| pick(item, line)).ok_or_else(|| {
        format!(
            "no {what} starts at {}:{}",
            location.file, location.start_line
        )
    })?;
    Ok((text, item.clone()))
}

/// The location's item path split into the path above the item (crate first), the item's
/// own name, and the crate's name.
pub(super) fn item_path(location: &Location) -> (Vec<String>, String, String) {
    let mut path: Vec<String> = location.item.split("::").map(str::to_owned).collect();
    let name = path.pop().unwrap_or_default();
    let crate_name = path.first().cloned().unwrap_or_default();
    (path, name, crate_name)
}

/// Whether `b` is `a` with only its local names changed (consistently); otherwise the first
/// difference, as the reason to decline (a parameter or a generic is the LLM agent's job).
pub(super) fn same_but_locals(a: &Copy, b: &Copy) -> Result<Vec<usize>, String> {
    let differ = |what: &str, x: &str, y: &str| {
        Err(format!(
            "`{}` and `{}` differ in {what} (`{x}` and `{y}`): merging them needs a parameter \
             or a generic, a job for an LLM agent",
            a.location.item, b.location.item
        ))
    };
    if a.tokens.len() != b.tokens.len() {
        return differ(
            "length",
            &a.tokens.len().to_string(),
            &b.tokens.len().to_string(),
        );
    }
    let (locals, fields) = (local_names(&a.function), field_labels(&a.function));
    // Both ways: two locals of one copy must not become one local of the other.
    let mut renamed = std::collections::HashMap::new();
    let mut renamed_back = std::collections::HashMap::new();
    let mut literals = Vec::new();
    for (at, ((kind_x, x, span), (kind_y, y, _))) in a.tokens.iter().zip(&b.tokens).enumerate() {
        if kind_x != kind_y {
            return differ("code", x, y);
        }
        // A name after `.` or `::` is a method, a field or a path segment, never a local,
        // even when a local is spelled the same (`let align = f.align()`); so is a field
        // name written out in a struct expression or pattern (`S { a: a.fuse() }`).
        let before = |back: usize| at >= back && a.tokens[at - back].1 == ":";
        let member = at > 0 && a.tokens[at - 1].1 == "."
            || before(1) && before(2)
            || fields.contains(&(span.start().line, span.start().column));
        match kind_x {
            Tok::Ident if locals.contains(x) && !member => {
                if renamed.entry(x.as_str()).or_insert(y.as_str()) != y
                    || renamed_back.entry(y.as_str()).or_insert(x.as_str()) != x
                {
                    return differ("a name", x, y);
                }
            }
            _ if x == y => {}
            Tok::Ident => return differ("a name or type", x, y),
            Tok::Literal => literals.push(at),
            Tok::Other => return differ("code", x, y),
        }
    }
    Ok(literals)
}

/// The bytes of the function's visibility and the space after it, or the empty range where
/// one would go.
pub(super) fn visibility_range(text: &str, function: &syn::ItemFn) -> std::ops::Range<usize> {
    let signature = byte_range(text, function.sig.span()).start;
    match &function.vis {
        syn::Visibility::Inherited => signature..signature,
        vis => byte_range(text, vis.span()).start..signature,
    }
}

/// The free function `name` whose span holds `line`, in these items or inline modules.
pub(super) fn find_fn<'a>(
    items: &'a [syn::Item],
    name: &str,
    line: u32,
) -> Option<&'a syn::ItemFn> {
    items.iter().find_map(|item| match item {
        syn::Item::Fn(function) if function.sig.ident == name => {
            let span = function.span();
            let lines = span.start().line..=span.end().line;
            lines.contains(&(line as usize)).then_some(function)
        }
        syn::Item::Mod(module) => module
            .content
            .as_ref()
            .and_then(|(_, items)| find_fn(items, name, line)),
        _ => None,
    })
}

/// The method `name` of an impl block for `owner` (or a provided method of the trait
/// `owner`) whose span holds `line`, as a function, and whether the block implements a
/// trait. A provided method counts as public: it is as visible as its trait.
pub(super) fn find_method(
    items: &[syn::Item],
    owner: &str,
    name: &str,
    line: u32,
) -> Option<(syn::ItemFn, bool)> {
    items.iter().find_map(|item| match item {
        syn::Item::Impl(block) if crate::analysis::source::type_name(&block.self_ty) == owner => {
            block.items.iter().find_map(|member| match member {
                syn::ImplItem::Fn(method) if method.sig.ident == name => {
                    let span = method.span();
                    let lines = span.start().line..=span.end().line;
                    let function = || syn::ItemFn {
                        attrs: method.attrs.clone(),
                        vis: method.vis.clone(),
                        sig: method.sig.clone(),
                        block: Box::new(method.block.clone()),
                    };
                    (lines.contains(&(line as usize))).then(|| (function(), block.trait_.is_some()))
                }
                _ => None,
            })
        }
        // A trait's provided method: the trait's other methods can call it on `self`.
        syn::Item::Trait(block) if block.ident == owner => {
            block.items.iter().find_map(|member| match member {
                syn::TraitItem::Fn(method) if method.sig.ident == name => {
                    let span = method.span();
                    let lines = span.start().line..=span.end().line;
                    let body = method.default.as_ref()?;
                    let function = syn::ItemFn {
                        attrs: method.attrs.clone(),
                        // Spanned at the signature: no visibility is written to replace.
                        vis: syn::Visibility::Public(syn::Token![pub](method.sig.span())),
                        sig: method.sig.clone(),
                        block: Box::new(body.clone()),
                    };
                    (lines.contains(&(line as usize))).then_some((function, false))
                }
                _ => None,
            })
        }
        syn::Item::Mod(module) => module
            .content
            .as_ref()
            .and_then(|(_, items)| find_method(items, owner, name, line)),
        _ => None,
    })
}

/// Byte offsets of a span in `text` (spans count lines from 1 and columns in characters).
pub(super) fn byte_range(text: &str, span: proc_macro2::Span) -> std::ops::Range<usize> {
    byte_offset(text, span.start())..byte_offset(text, span.end())
}

/// The byte offset of a line and column in `text`.
pub(super) fn byte_offset(text: &str, at: proc_macro2::LineColumn) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(at.line - 1)
        .map(str::len)
        .sum();
    let column: usize = text[line_start..]
        .chars()
        .take(at.column)
        .map(char::len_utf8)
        .sum();
    line_start + column
}
