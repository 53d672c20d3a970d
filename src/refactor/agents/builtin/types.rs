//! What a type, as a declaration spells it, allows a helper to do with a value of it: copy it
//! exactly, pass it on as the `&mut` it is, or name it in a signature at all.

use syn::visit::Visit;

/// The primitive types, whose values are copied and have no methods taking `&mut self`.
const PRIMITIVES: &[&str] = &[
    "bool", "char", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32",
    "u64", "u128", "usize",
];

/// Whether passing a value of `ty` by value copies it exactly, and no method of it takes
/// `&mut self`: a primitive, a shared reference (interior mutability reads the same through
/// a copied reference), or a tuple of those.
pub(super) fn copy_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(reference) => reference.mutability.is_none(),
        syn::Type::Paren(paren) => copy_type(&paren.elem),
        // Not arrays: they lend `&mut self` methods of slices (`sort`).
        syn::Type::Tuple(tuple) => tuple.elems.iter().all(copy_type),
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

/// A type and, when it is not written in the file, its text.
pub(super) type Typed = (syn::Type, Option<String>);

/// The type of a `let` initializer where the expression alone decides it, whatever the code
/// around it: a suffixed literal, `true`, a char or a string; a cast; a comparison; a local
/// whose type `local` knows, moved or cloned, or in arithmetic with a literal or a local of
/// the same primitive type; `cmp::max` and `cmp::min` of two alike; and std methods whose
/// result type is fixed (`len`, `is_empty`,
/// `to_string`) or is their receiver's (`min`, `abs`). A user type's method of one of those
/// names that returns another type fails the build: the helper's signature says which.
pub(super) fn infer(
    init: &syn::Expr,
    local: &dyn Fn(&syn::Expr) -> Option<Typed>,
) -> Option<Typed> {
    use syn::Expr;
    match init {
        Expr::Lit(literal) => literal_type(&literal.lit).and_then(|name| named(&name)),
        Expr::Paren(paren) => infer(&paren.expr, local),
        Expr::Path(_) => local(init),
        Expr::Cast(cast) => Some(((*cast.ty).clone(), None)),
        Expr::Macro(mac) if mac.mac.path.is_ident("format") => named("String"),
        Expr::Binary(binary) => infer_binary(binary, local),
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => {
            infer(&unary.expr, local).and_then(scalar)
        }
        Expr::Call(call) => {
            let Expr::Path(path) = &*call.func else {
                return None;
            };
            let path = path_words(&path.path);
            // `cmp::max(a, b)` and `cmp::min` give the type both their arguments have.
            let ordered = path.len() >= 2
                && path[path.len() - 2] == "cmp"
                && matches!(path[path.len() - 1].as_str(), "max" | "min");
            if ordered && call.args.len() == 2 {
                let left = infer(&call.args[0], local)?;
                let right = infer(&call.args[1], local)?;
                return (key(&left.0) == key(&right.0)).then_some(left);
            }
            let constructor = matches!(
                path.iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice(),
                ["String", "new" | "from" | "with_capacity"]
            );
            constructor.then(|| named("String")).flatten()
        }
        Expr::MethodCall(call) => infer_method(call, local),
        // `?` takes what an `Option` or a `Result` holds.
        Expr::Try(tried) => infer(&tried.expr, local).and_then(held),
        // A string literal in one branch makes every branch a `&str`.
        Expr::If(branches) => {
            let tail = |block: &syn::Block| match block.stmts.last() {
                Some(syn::Stmt::Expr(expr, None)) => Some(expr.clone()),
                _ => None,
            };
            let mut tails = vec![tail(&branches.then_branch)];
            if let Some((_, other)) = &branches.else_branch {
                tails.push(match &**other {
                    Expr::Block(block) => tail(&block.block),
                    other => Some(other.clone()),
                });
            }
            let text = |e: &Option<Expr>| matches!(e, Some(Expr::Lit(l)) if matches!(l.lit, syn::Lit::Str(_)));
            tails.iter().any(text).then(|| named("&str")).flatten()
        }
        _ => None,
    }
}

/// What an `Option<T>` or a `Result<T, E>` holds: `T`.
fn held((ty, text): Typed) -> Option<Typed> {
    let syn::Type::Path(path) = &ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if !matches!(last.ident.to_string().as_str(), "Option" | "Result") {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let Some(syn::GenericArgument::Type(inner)) = args.args.first() else {
        return None;
    };
    let spelled = text.map(|_| spelled(inner));
    Some((inner.clone(), spelled))
}

/// The names of a path's segments (`["Vec", "new"]`), generic arguments left out.
pub(super) fn path_words(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// A type whose text is `name`, not written in the file.
fn named(name: &str) -> Option<Typed> {
    Some((syn::parse_str(name).ok()?, Some(name.to_owned())))
}

/// The type if it is a primitive scalar (whose operators and methods keep it).
fn scalar(typed: Typed) -> Option<Typed> {
    let is_scalar = matches!(&typed.0, syn::Type::Path(path) if path.qself.is_none()
        && path.path.get_ident().is_some_and(|i| PRIMITIVES.contains(&i.to_string().as_str())));
    is_scalar.then_some(typed)
}

/// Comparisons give `bool`; arithmetic on a primitive and a literal or another of the same
/// primitive gives that primitive.
fn infer_binary(
    binary: &syn::ExprBinary,
    local: &dyn Fn(&syn::Expr) -> Option<Typed>,
) -> Option<Typed> {
    use syn::BinOp::{
        Add, And, BitAnd, BitOr, BitXor, Div, Eq, Ge, Gt, Le, Lt, Mul, Ne, Or, Rem, Shl, Shr, Sub,
    };
    let unsuffixed =
        |expr: &syn::Expr| matches!(expr, syn::Expr::Lit(l) if literal_type(&l.lit).is_none());
    match binary.op {
        Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) | And(_) | Or(_) => named("bool"),
        Shl(_) | Shr(_) => infer(&binary.left, local).and_then(scalar),
        Add(_) | Sub(_) | Mul(_) | Div(_) | Rem(_) | BitAnd(_) | BitOr(_) | BitXor(_) => {
            let left = infer(&binary.left, local);
            let right = infer(&binary.right, local);
            match (left, right) {
                (Some(l), Some(r)) if key(&l.0) == key(&r.0) => scalar(l),
                (Some(l), None) if unsuffixed(&binary.right) => scalar(l),
                (None, Some(r)) if unsuffixed(&binary.left) => scalar(r),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Std methods whose result type is fixed, or their receiver's.
fn infer_method(
    call: &syn::ExprMethodCall,
    local: &dyn Fn(&syn::Expr) -> Option<Typed>,
) -> Option<Typed> {
    const SAME: &[&str] = &[
        "abs",
        "clamp",
        "max",
        "min",
        "pow",
        "saturating_add",
        "saturating_sub",
        "wrapping_add",
        "wrapping_mul",
        "wrapping_sub",
    ];
    const BOOL: &[&str] = &[
        "contains",
        "ends_with",
        "is_empty",
        "is_err",
        "is_none",
        "is_ok",
        "is_some",
        "starts_with",
    ];
    let method = call.method.to_string();
    match method.as_str() {
        "len" | "count" => named("usize"),
        "to_string" => named("String"),
        "clone" => local(&call.receiver).filter(|t| !matches!(t.0, syn::Type::Reference(_))),
        m if BOOL.contains(&m) => named("bool"),
        m if SAME.contains(&m) => infer(&call.receiver, local).and_then(scalar),
        // A string's slices borrow it: `&str` (the helper takes it; it never returns one).
        "trim" | "trim_start" | "trim_end" | "as_str" | "as_bytes" if call.args.is_empty() => {
            let receiver = infer(&call.receiver, local)?;
            let text = key(&receiver.0);
            let slice = if method == "as_bytes" {
                "&[u8]"
            } else {
                "&str"
            };
            ["& str", "String", "& String", "& 'static str"]
                .contains(&text.as_str())
                .then(|| named(slice))
                .flatten()
        }
        // A string split at a pattern (`[T]` has no stable `split_once`).
        "split_once" | "rsplit_once" if call.args.len() == 1 => named("Option<(&str, &str)>"),
        // What the `Option` holds, then `?` or `unwrap` take it out.
        "ok_or" | "ok_or_else" if call.args.len() == 1 => {
            let (inner, _) = held(infer(&call.receiver, local)?)?;
            named(&format!("Result<{}, _>", spelled(&inner)))
        }
        "unwrap" | "expect" => infer(&call.receiver, local).and_then(held),
        _ => None,
    }
}

/// A type's text from its tokens, spaced as Rust writes it (`ast::Kind`, `Vec<u8>`, `&str`).
pub(super) fn spelled(ty: &syn::Type) -> String {
    let mut text = key(ty);
    for (spaced, tight) in [
        (" :: ", "::"),
        (" < ", "<"),
        (" >", ">"),
        ("& ", "&"),
        (" ,", ","),
    ] {
        text = text.replace(spaced, tight);
    }
    text
}

fn key(ty: &syn::Type) -> String {
    quote::ToTokens::to_token_stream(ty).to_string()
}

/// The type a literal alone decides: a suffix, `true`, a char or a string.
fn literal_type(literal: &syn::Lit) -> Option<String> {
    let name = match literal {
        syn::Lit::Int(whole) if !whole.suffix().is_empty() => whole.suffix().to_owned(),
        syn::Lit::Float(real) if !real.suffix().is_empty() => real.suffix().to_owned(),
        syn::Lit::Bool(_) => "bool".to_owned(),
        syn::Lit::Char(_) => "char".to_owned(),
        syn::Lit::Byte(_) => "u8".to_owned(),
        syn::Lit::Str(_) => "&str".to_owned(),
        _ => return None,
    };
    Some(name)
}

/// Whether dropping a value of `ty` does nothing a program can observe: primitives and
/// references, and std containers (`String`, `Vec`, `Option`, `Box`, maps, sets) of such,
/// which only free memory. A guard, a handle or a user type with `Drop` is not.
pub(super) fn quiet_drop(ty: &syn::Type) -> bool {
    const CONTAINERS: &[&str] = &[
        "BTreeMap", "BTreeSet", "Box", "HashMap", "HashSet", "Option", "String", "Vec", "VecDeque",
    ];
    match ty {
        syn::Type::Tuple(tuple) => tuple.elems.iter().all(quiet_drop),
        syn::Type::Array(array) => quiet_drop(&array.elem),
        syn::Type::Paren(paren) => quiet_drop(&paren.elem),
        syn::Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return false;
            };
            if !CONTAINERS.contains(&last.ident.to_string().as_str()) {
                return copy_type(ty);
            }
            match &last.arguments {
                syn::PathArguments::None => true,
                syn::PathArguments::AngleBracketed(args) => args.args.iter().all(|arg| match arg {
                    syn::GenericArgument::Type(inner) => quiet_drop(inner),
                    _ => false,
                }),
                syn::PathArguments::Parenthesized(_) => false,
            }
        }
        _ => copy_type(ty),
    }
}
