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

/// Whether a helper outside the function can name `ty` in its signature: no generic of the
/// function or its impl, no `Self`, no `impl Trait`, no `_`, and no lifetime but `'static`
/// (none at all, and no reference, in what it returns: elision could not tie it to an input).
pub(super) fn expressible(ty: &syn::Type, generics: &[String], returned: bool) -> bool {
    struct Check<'a> {
        generics: &'a [String],
        returned: bool,
        ok: bool,
    }
    impl<'ast> Visit<'ast> for Check<'_> {
        fn visit_type(&mut self, ty: &'ast syn::Type) {
            match ty {
                syn::Type::ImplTrait(_) | syn::Type::Infer(_) | syn::Type::Macro(_) => {
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
            let named = |ident: &syn::Ident| {
                ident == "Self" || self.generics.iter().any(|g| ident == g.as_str())
            };
            if path.segments.iter().any(|segment| named(&segment.ident)) {
                self.ok = false;
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut check = Check {
        generics,
        returned,
        ok: true,
    };
    check.visit_type(ty);
    check.ok
}
