//! The tokens two copies are compared by: parameter types, return type and body, flattened,
//! and the names a function binds itself (the only ones a renamed copy may change).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    Ident,
    Literal,
    /// Punctuation and delimiters.
    Other,
}

/// The tokens that must match between copies, as text: parameter types, return type, body.
pub(super) fn flat_tokens(function: &syn::ItemFn) -> Vec<(Tok, String, proc_macro2::Span)> {
    use quote::ToTokens;
    let mut out = Vec::new();
    for input in &function.sig.inputs {
        match input {
            syn::FnArg::Typed(typed) => flatten(typed.ty.to_token_stream(), &mut out),
            syn::FnArg::Receiver(receiver) => flatten(receiver.to_token_stream(), &mut out),
        }
    }
    flatten(function.sig.output.to_token_stream(), &mut out);
    flatten(function.block.to_token_stream(), &mut out);
    out
}

/// A token stream's tokens in order, each with its kind, text and span; groups as their
/// delimiters around their contents.
pub(super) fn flatten(
    stream: proc_macro2::TokenStream,
    out: &mut Vec<(Tok, String, proc_macro2::Span)>,
) {
    use proc_macro2::TokenTree;
    for tree in stream {
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = crate::analysis::source::token::delimiters(group.delimiter());
                out.push((Tok::Other, open.to_owned(), group.span_open()));
                flatten(group.stream(), out);
                out.push((Tok::Other, close.to_owned(), group.span_close()));
            }
            TokenTree::Ident(ident) => out.push((Tok::Ident, ident.to_string(), ident.span())),
            TokenTree::Literal(literal) => {
                out.push((Tok::Literal, literal.to_string(), literal.span()));
            }
            TokenTree::Punct(punct) => {
                out.push((Tok::Other, punct.as_char().to_string(), punct.span()));
            }
        }
    }
}

/// The names a function binds itself: parameters, `let`, `for`, `match` and closure patterns.
pub(super) fn local_names(function: &syn::ItemFn) -> std::collections::HashSet<String> {
    struct Names(std::collections::HashSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.0.insert(pat.ident.to_string());
            syn::visit::visit_pat_ident(self, pat);
        }
    }
    let mut names = Names(std::collections::HashSet::new());
    syn::visit::Visit::visit_item_fn(&mut names, function);
    names.0
}

/// Where the field names written out in struct expressions and patterns start (`a` in
/// `S { a: x }`): a field is never a local, even when a local is spelled the same.
pub(super) fn field_labels(function: &syn::ItemFn) -> std::collections::HashSet<(usize, usize)> {
    struct Labels(std::collections::HashSet<(usize, usize)>);
    impl Labels {
        /// A field name counts when written out with its value (`a: x`), not shorthand.
        fn add(&mut self, colon: Option<syn::Token![:]>, member: &syn::Member) {
            if let (Some(_), syn::Member::Named(ident)) = (colon, member) {
                let at = ident.span().start();
                self.0.insert((at.line, at.column));
            }
        }
    }
    impl<'ast> syn::visit::Visit<'ast> for Labels {
        fn visit_field_value(&mut self, field: &'ast syn::FieldValue) {
            self.add(field.colon_token, &field.member);
            syn::visit::visit_field_value(self, field);
        }
        fn visit_field_pat(&mut self, field: &'ast syn::FieldPat) {
            self.add(field.colon_token, &field.member);
            syn::visit::visit_field_pat(self, field);
        }
    }
    let mut labels = Labels(std::collections::HashSet::new());
    syn::visit::Visit::visit_item_fn(&mut labels, function);
    labels.0
}
