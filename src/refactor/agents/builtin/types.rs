//! What a type, as a declaration spells it, allows a helper to do with a value of it: copy it
//! exactly, pass it on as the `&mut` it is, or name it in a signature at all.

use syn::visit::Visit;

/// The primitive types, whose values are copied and have no methods taking `&mut self`.
const PRIMITIVES: &[&str] = &[
    "bool", "char", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32",
    "u64", "u128", "usize",
];

/// Whether passing a value of `ty` by value copies it exactly: a primitive, `()`, or a shared
/// reference (interior mutability reads the same through a copied reference).
pub(super) fn copy_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(reference) => reference.mutability.is_none(),
        syn::Type::Paren(paren) => copy_type(&paren.elem),
        syn::Type::Tuple(tuple) => tuple.elems.is_empty(),
        syn::Type::Path(path) if path.qself.is_none() => path
            .path
            .get_ident()
            .is_some_and(|ident| PRIMITIVES.contains(&ident.to_string().as_str())),
        _ => false,
    }
}

/// Whether `ty` is `&mut T`: passed on, it is reborrowed, and the helper uses it as before.
pub(super) fn is_mut_ref(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(reference) if reference.mutability.is_some())
}

/// What a helper's signature cannot name: the generics not in scope where it goes, and
/// `Self` unless it goes in the impl.
pub(super) struct Names {
    pub(super) generics: Vec<String>,
    pub(super) allow_self: bool,
}

/// Whether the helper can name `ty` in its signature: none of `names`' generics, no `Self`
/// outside the impl, no `impl Trait`, no `_`, and no lifetime but `'static` (none at all,
/// and no reference, in what it returns: elision could not tie it to an input).
pub(super) fn expressible(ty: &syn::Type, names: &Names, returned: bool) -> bool {
    struct Check<'a> {
        names: &'a Names,
        returned: bool,
        ok: bool,
    }
    impl<'ast> Visit<'ast> for Check<'_> {
        fn visit_type(&mut self, ty: &'ast syn::Type) {
            match ty {
                syn::Type::ImplTrait(_) | syn::Type::Infer(_) => {
                    self.ok = false;
                }
                syn::Type::Reference(_) | syn::Type::Ptr(_) if self.returned => self.ok = false,
                _ => {}
            }
            syn::visit::visit_type(self, ty);
        }
        fn visit_lifetime(&mut self, lifetime: &'ast syn::Lifetime) {
            if self.returned || lifetime.ident != "static" {
                self.ok = false;
            }
        }
        fn visit_path(&mut self, path: &'ast syn::Path) {
            let scope = self.names;
            let named = |ident: &syn::Ident| {
                ident == "Self" && !scope.allow_self
                    || scope.generics.iter().any(|g| ident == g.as_str())
            };
            if path.segments.iter().any(|segment| named(&segment.ident)) {
                self.ok = false;
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut check = Check {
        names,
        returned,
        ok: true,
    };
    check.visit_type(ty);
    check.ok
}
