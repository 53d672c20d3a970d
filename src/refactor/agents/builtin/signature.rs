//! The types calls return, where the copies' own files declare them: `self.span()` is a
//! `Span` when the files holding the copies define one non-generic `fn span(&self) -> Span`
//! for the copy's type, and `width(x)` a `u32` for one free `fn width(..) -> u32`. A name
//! defined twice with different types, or generically, tells nothing. What the helper then
//! spells is checked like any declared type (generics, lifetimes, `Self`).

use std::collections::HashMap;

use quote::ToTokens;

use super::site::Site;

/// Fills each site's `calls` from the items of every site's file.
pub(super) fn fill(sites: &mut [Site]) {
    let mut declared: HashMap<(String, String), Option<syn::Type>> = HashMap::new();
    let mut texts: Vec<&str> = sites.iter().map(|s| s.text.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    for text in texts {
        if let Ok(file) = syn::parse_file(text) {
            collect(&file.items, &mut declared);
        }
    }
    for site in sites.iter_mut() {
        let owner = site.owner_name();
        site.calls = declared
            .iter()
            .filter_map(|((of, name), ty)| {
                let key = match (of.as_str(), &owner) {
                    ("", _) => name.clone(),
                    (of, Some(owner)) if of == owner => format!("self.{name}"),
                    _ => return None,
                };
                Some((key, ty.clone()?))
            })
            .collect();
    }
}

/// Records the return type of every non-generic function and method in `items` (and inline
/// modules), by (type name or "", name); a second, different one makes it unknown.
fn collect(items: &[syn::Item], declared: &mut HashMap<(String, String), Option<syn::Type>>) {
    for item in items {
        match item {
            syn::Item::Fn(function) => record(declared, String::new(), &function.sig),
            syn::Item::Impl(block) => {
                let of = crate::analysis::source::type_name(&block.self_ty);
                for member in &block.items {
                    if let syn::ImplItem::Fn(method) = member {
                        record(declared, of.clone(), &method.sig);
                    }
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, inner)) = &module.content {
                    collect(inner, declared);
                }
            }
            _ => {}
        }
    }
}

fn record(
    declared: &mut HashMap<(String, String), Option<syn::Type>>,
    of: String,
    sig: &syn::Signature,
) {
    let ty = match &sig.output {
        syn::ReturnType::Type(_, ty) if sig.generics.params.is_empty() => Some((**ty).clone()),
        _ => None,
    };
    let text = |ty: &syn::Type| ty.to_token_stream().to_string();
    let known = declared
        .entry((of, sig.ident.to_string()))
        .or_insert_with(|| ty.clone());
    if !matches!((&*known, &ty), (Some(a), Some(b)) if text(a) == text(b)) {
        *known = None;
    }
}
