//! Small readings of syntax shared by the recorders: where a function's code starts, and a
//! node's tokens as compact text.

use proc_macro2::Span;

/// Where a function's code starts: its signature, without attributes or visibility (a copy
/// made private is still a copy).
pub(super) fn sig_start(sig: &syn::Signature) -> Span {
    sig.constness
        .map(|t| t.span)
        .or(sig.asyncness.map(|t| t.span))
        .or(sig.unsafety.map(|t| t.span))
        .or(sig.abi.as_ref().map(|abi| abi.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

/// A node's tokens as text, with spaces only where two words meet (`Option<Vec<u8>>`).
pub(super) fn tokens_text<T: quote::ToTokens>(node: &T) -> String {
    let spaced = node.to_token_stream().to_string();
    let mut out = String::with_capacity(spaced.len());
    let mut chars = spaced.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let prev_word = out
                .chars()
                .last()
                .is_some_and(|p: char| p.is_alphanumeric() || p == '_' || p == '\'');
            let next_word = chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_');
            if !(prev_word && next_word) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The name of a type as an item path ends with it (`Foo` of `crate::a::Foo<T>`, `&Foo`), or
/// its tokens for other types.
pub fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map_or_else(|| tokens_text(ty), |seg| seg.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => tokens_text(ty),
    }
}
