//! The types calls return, where the copies' own files declare them: `self.span()` is a
//! `Span` when the files holding the copies define one non-generic `fn span(&self) -> Span`
//! for the copy's type, and `width(x)` a `u32` for one free `fn width(..) -> u32`. A name
//! defined twice with different types, or generically, tells nothing. A struct the files
//! declare without generics is the type of its literals: `Point { .. }` is a `Point`, under
//! the key [`literal_key`]; a type alias without generics stands for its type
//! ([`alias_key`]). What the helper then spells is checked like any declared type
//! (generics, lifetimes, `Self`). The unit variants of the crate's enums come too, under
//! `Enum::Variant`, from [`super::declarations`].

use std::collections::HashMap;

use quote::ToTokens;

use super::copy::byte_range;
use super::site::Site;

/// What the files declare, by (type name or "", name): a type and its text, or `None` when
/// two declarations disagree.
type Declared = HashMap<(String, String), Option<(syn::Type, String)>>;

/// Fills each site's `calls` from the items of every site's file.
pub(super) fn fill(sites: &mut [Site]) {
    let mut declared = Declared::new();
    let mut texts: Vec<&str> = sites.iter().map(|s| s.text.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    for text in texts {
        if let Ok(file) = syn::parse_file(text) {
            collect(text, &file.items, &mut declared);
        }
    }
    for site in sites.iter_mut() {
        // `Enum::Variant` keys say a path ending so is a value of its enum ([`declarations`]).
        let variants = super::declarations::unit_variants(&site.root, &site.location.file);
        let owner = site.owner_name();
        site.calls = declared
            .iter()
            .filter_map(|((of, name), ty)| {
                let key = match (of.as_str(), &owner) {
                    ("", _) => name.clone(),
                    (of, Some(owner)) if of == owner => format!("self.{name}"),
                    _ => return None,
                };
                let (ty, text) = ty.clone()?;
                Some((key, (ty, Some(text))))
            })
            .chain(variants.into_iter().filter_map(|key| {
                let ty = syn::parse_str(&key).ok()?;
                Some((key.clone(), (ty, Some(key))))
            }))
            .collect();
    }
}

/// The key under which a site's `calls` holds the type the alias `name` stands for.
pub(super) fn alias_key(name: &str) -> String {
    format!("type {name}")
}

/// The key under which a site's `calls` holds the type of a literal of struct `name`.
pub(super) fn literal_key(name: &str) -> String {
    format!("{name} {{..}}")
}

/// Records the return type of every non-generic function and method in `items` (and inline
/// modules), by (type name or "", name), and each struct's own type, by ("", its literal's
/// key); a second, different one makes it unknown.
fn collect(text: &str, items: &[syn::Item], declared: &mut Declared) {
    for item in items {
        match item {
            syn::Item::Fn(function) => record(text, declared, String::new(), &function.sig),
            syn::Item::Type(alias) if alias.generics.params.is_empty() => {
                use syn::spanned::Spanned;
                let spelled = text[byte_range(text, alias.ty.span())].to_owned();
                let key = (String::new(), alias_key(&alias.ident.to_string()));
                remember(declared, key, Some(((*alias.ty).clone(), spelled)));
            }
            syn::Item::Struct(declaration) => {
                let name = declaration.ident.to_string();
                let ty = declaration
                    .generics
                    .params
                    .is_empty()
                    .then(|| Some((syn::parse_str(&name).ok()?, name.clone())))
                    .flatten();
                remember(declared, (String::new(), literal_key(&name)), ty);
            }
            syn::Item::Impl(block) => {
                let of = crate::analysis::source::type_name(&block.self_ty);
                for member in &block.items {
                    if let syn::ImplItem::Fn(method) = member {
                        record(text, declared, of.clone(), &method.sig);
                    }
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, inner)) = &module.content {
                    collect(text, inner, declared);
                }
            }
            _ => {}
        }
    }
}

/// Records what `sig` (in the file `text`) returns, as the file spells it.
fn record(text: &str, declared: &mut Declared, of: String, sig: &syn::Signature) {
    let ty = match &sig.output {
        syn::ReturnType::Type(_, ty) if sig.generics.params.is_empty() => {
            use syn::spanned::Spanned;
            Some(((**ty).clone(), text[byte_range(text, ty.span())].to_owned()))
        }
        _ => None,
    };
    remember(declared, (of, sig.ident.to_string()), ty);
}

/// Records `ty` under `key`, or unknown when the key already has another.
fn remember(declared: &mut Declared, key: (String, String), ty: Option<(syn::Type, String)>) {
    let text = |ty: &syn::Type| ty.to_token_stream().to_string();
    match declared.entry(key) {
        std::collections::hash_map::Entry::Vacant(vacant) => {
            vacant.insert(ty);
        }
        std::collections::hash_map::Entry::Occupied(mut known) => {
            let same = matches!((known.get(), &ty), (Some(a), Some(b)) if text(&a.0) == text(&b.0));
            if !same {
                known.insert(None);
            }
        }
    }
}
