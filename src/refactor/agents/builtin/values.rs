//! The types of values the source decides without a type checker, beyond what an
//! initializer alone says ([`super::types::infer`]): calls whose return types the copies'
//! files declare, struct literals of structs they declare without generics, unit variants
//! of the crate's enums, tuples, `match`es and `if`/`else`s made of such values, empty
//! `Vec`s from what the function pushes to them, and locals the function returns as its tail. Every type is spelled where the value is
//! written, so a wrong reading fails the build rather than changing what the code does.

use std::collections::HashMap;

use syn::visit::Visit;

use super::scope::single_ident;
use super::types::Typed;

/// What the copy's function and files declare.
pub(super) struct Known<'a> {
    pub(super) function: &'a syn::ItemFn,
    /// The types of calls, struct literals and unit variants ([`super::signature`]).
    pub(super) calls: &'a HashMap<String, Typed>,
}

impl Known<'_> {
    /// The type of a value that names no local: a literal, a struct literal, a call of
    /// declared type, a unit variant of an enum of the crate, or a tuple, `match` or
    /// `if`/`else` made of such values (the arms that do not diverge agreeing). Pattern
    /// bindings in arms are not locals in scope here, so no local is looked up at all.
    /// The type an alias without generics the copies' files declare stands for, spelled.
    pub(super) fn alias(&self, ty: &syn::Type) -> Option<Typed> {
        let syn::Type::Path(path) = ty else {
            return None;
        };
        let name = path.path.get_ident()?.to_string();
        let (aliased, text) = self.calls.get(&super::signature::alias_key(&name))?.clone();
        Some((aliased, Some(text?)))
    }

    pub(super) fn self_contained(&self, expr: &syn::Expr) -> Option<Typed> {
        super::types::infer(expr, &|_| None)
            .or_else(|| self.value_type(expr))
            .or_else(|| self.composite(expr))
    }

    /// The type of a tuple, `match`, `if`/`else` or enum variant path of self-contained
    /// values, spelled in full.
    pub(super) fn composite(&self, expr: &syn::Expr) -> Option<Typed> {
        use syn::Expr;
        let text = match expr {
            Expr::Tuple(tuple) if !tuple.elems.is_empty() => {
                let elems: Vec<String> = tuple
                    .elems
                    .iter()
                    .map(|e| {
                        self.self_contained(e)
                            .map(|t| t.1.unwrap_or_else(|| super::types::spelled(&t.0)))
                    })
                    .collect::<Option<_>>()?;
                format!("({})", elems.join(", "))
            }
            Expr::Path(path) if path.qself.is_none() && path.path.segments.len() >= 2 => {
                let words = super::types::path_words(&path.path);
                let generic = path.path.segments.iter().any(|s| !s.arguments.is_empty());
                let key = words[words.len() - 2..].join("::");
                if generic || !self.calls.contains_key(&key) {
                    return None;
                }
                words[..words.len() - 1].join("::")
            }
            Expr::Match(branches) => {
                let values = branches.arms.iter().map(|arm| &*arm.body);
                return self.agreed(values.collect());
            }
            Expr::If(branch) => {
                let (_, otherwise) = branch.else_branch.as_ref()?;
                let then = syn::Expr::Block(syn::ExprBlock {
                    attrs: Vec::new(),
                    label: None,
                    block: branch.then_branch.clone(),
                });
                return self.agreed(vec![&then, otherwise]);
            }
            Expr::Block(block) if block.label.is_none() => match block.block.stmts.as_slice() {
                [syn::Stmt::Expr(value, None)] => return self.self_contained(value),
                _ => return None,
            },
            Expr::Paren(paren) => return self.self_contained(&paren.expr),
            _ => return None,
        };
        Some((syn::parse_str(&text).ok()?, Some(text)))
    }

    /// The one type the values that do not diverge (`panic!`, `return`, ..) have.
    fn agreed(&self, values: Vec<&syn::Expr>) -> Option<Typed> {
        let key = |t: &Typed| quote::ToTokens::to_token_stream(&t.0).to_string();
        let typed: Vec<Typed> = values
            .into_iter()
            .filter(|value| !diverges(value))
            .map(|value| self.self_contained(value))
            .collect::<Option<_>>()?;
        let first = typed.first()?;
        typed
            .iter()
            .all(|t| key(t) == key(first))
            .then(|| first.clone())
    }

    /// The type of a struct literal (`Point { .. }`) or of a call whose type the copies'
    /// files declare: values no coercion changes, so a `Vec` they are pushed to holds them.
    pub(super) fn value_type(&self, expr: &syn::Expr) -> Option<Typed> {
        let typed = match expr {
            syn::Expr::Struct(literal) if literal.qself.is_none() => {
                let name = literal.path.get_ident()?.to_string();
                let key = super::signature::literal_key(&name);
                self.calls.get(&key)?.clone()
            }
            _ => self.call_type(expr)?,
        };
        matches!(typed.0, syn::Type::Path(_)).then_some(typed)
    }

    /// `Vec<T>` for an empty `Vec` (`Vec::new()`, `vec![]`, `Vec::with_capacity(n)`) bound to
    /// `name`, a name bound once in the function, which pushes a `T` to it: a struct literal
    /// or a call of declared type, which no coercion changes. Pushes of other types fail the
    /// build, never silently.
    pub(super) fn pushed(&self, name: &syn::Ident, init: &syn::Expr) -> Option<Typed> {
        let empty = match init {
            syn::Expr::Call(call) => {
                let syn::Expr::Path(path) = &*call.func else {
                    return None;
                };
                let words = super::types::path_words(&path.path);
                words == ["Vec", "new"] && call.args.is_empty()
                    || words == ["Vec", "with_capacity"] && call.args.len() == 1
            }
            syn::Expr::Macro(mac) => mac.mac.path.is_ident("vec") && mac.mac.tokens.is_empty(),
            _ => false,
        };
        let function = self.function;
        if !empty || super::numeric::bound_twice(function).contains(&name.to_string()) {
            return None;
        }
        let mut pushed = Vec::new();
        for arg in method_args(function, name, "push") {
            pushed.push(self.value_type(arg));
        }
        let key = |ty: &Typed| quote::ToTokens::to_token_stream(&ty.0).to_string();
        let first = pushed.iter().flatten().next()?;
        if pushed.iter().flatten().any(|ty| key(ty) != key(first)) {
            return None;
        }
        let text = format!("Vec<{}>", first.1.as_ref()?);
        Some((syn::parse_str(&text).ok()?, Some(text)))
    }

    /// The type of `name` where the function returns it as its tail, alone or as an element
    /// of a tuple: the declared output's (element). Only for a name bound once, and an
    /// output no coercion could reach (no reference, pointer, `dyn`, slice or `impl`), so
    /// the value has exactly that type.
    pub(super) fn tail_type(&self, name: &syn::Ident) -> Option<Typed> {
        let syn::ReturnType::Type(_, output) = &self.function.sig.output else {
            return None;
        };
        let Some(syn::Stmt::Expr(tail, None)) = self.function.block.stmts.last() else {
            return None;
        };
        let is_name = |expr: &syn::Expr| single_ident(expr).is_some_and(|i| i == name);
        let ty = match (tail, &**output) {
            (tail, output) if is_name(tail) => output,
            (syn::Expr::Tuple(tuple), syn::Type::Tuple(types))
                if tuple.elems.len() == types.elems.len() =>
            {
                let at = tuple.elems.iter().position(is_name)?;
                &types.elems[at]
            }
            _ => return None,
        };
        let once = !super::numeric::bound_twice(self.function).contains(&name.to_string());
        (once && !coercible(ty)).then(|| (ty.clone(), None))
    }

    /// The type a call of one of its type's methods on `self`, or of a free function,
    /// returns, where the copies' files declare it.
    pub(super) fn call_type(&self, init: &syn::Expr) -> Option<Typed> {
        let key = match init {
            syn::Expr::MethodCall(call) => {
                let receiver = single_ident(&call.receiver)?;
                (receiver == "self").then(|| format!("self.{}", call.method))?
            }
            syn::Expr::Call(call) => match &*call.func {
                syn::Expr::Path(path) if path.qself.is_none() => path.path.get_ident()?.to_string(),
                _ => return None,
            },
            _ => return None,
        };
        self.calls.get(&key).cloned()
    }
}

/// The type of a `match`'s scrutinee: a local of known type, or a tuple of such.
pub(super) fn scrutinee_type(
    expr: &syn::Expr,
    local: &dyn Fn(&syn::Expr) -> Option<Typed>,
) -> Option<Typed> {
    let syn::Expr::Tuple(tuple) = expr else {
        return local(expr);
    };
    let elems: Vec<String> = tuple
        .elems
        .iter()
        .map(|e| local(e).map(|t| t.1.unwrap_or_else(|| super::types::spelled(&t.0))))
        .collect::<Option<_>>()?;
    let text = format!("({})", elems.join(", "));
    Some((syn::parse_str(&text).ok()?, Some(text)))
}

/// The type of a `match` over a value of type `scrutinee` whose arms that do not diverge
/// agree: each arm's value typed with the names its pattern binds (`(Some(x), _)` over an
/// `(Option<u8>, T)` binds `x: u8`), or the function's locals; `Some(v)` is an `Option` of
/// `v`'s type, and `None` fits any `Option`. A pattern this reading does not follow (a
/// reference, a struct, a binding mode) decides nothing.
pub(super) fn match_type(
    branches: &syn::ExprMatch,
    scrutinee: &syn::Type,
    local: &dyn Fn(&syn::Expr) -> Option<Typed>,
) -> Option<Typed> {
    let key = |ty: &syn::Type| quote::ToTokens::to_token_stream(ty).to_string();
    let mut agreed: Option<Typed> = None;
    let mut nones = false;
    for arm in branches.arms.iter().filter(|arm| !diverges(&arm.body)) {
        let mut bound = HashMap::new();
        bind_pattern(&arm.pat, scrutinee, &mut bound)?;
        // The arm's own bindings shadow the function's locals.
        let in_arm = |expr: &syn::Expr| match single_ident(expr).map(ToString::to_string) {
            Some(name) if bound.contains_key(&name) => {
                let ty: &syn::Type = &bound[&name];
                Some((ty.clone(), Some(super::types::spelled(ty))))
            }
            _ => local(expr),
        };
        let typed = match &*arm.body {
            syn::Expr::Path(path) if path.path.is_ident("None") => {
                nones = true;
                continue;
            }
            syn::Expr::Call(call) if is_some(&call.func) && call.args.len() == 1 => {
                let (inner, text) = super::types::infer(&call.args[0], &in_arm)?;
                let text = format!(
                    "Option<{}>",
                    text.unwrap_or_else(|| super::types::spelled(&inner))
                );
                (syn::parse_str(&text).ok()?, Some(text))
            }
            body => super::types::infer(body, &in_arm)?,
        };
        match &agreed {
            Some(first) if key(&first.0) != key(&typed.0) => return None,
            Some(_) => {}
            None => agreed = Some(typed),
        }
    }
    let agreed = agreed?;
    let option = matches!(&agreed.0, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
    (option || !nones).then_some(agreed)
}

/// Whether `func` is the path `Some`.
fn is_some(func: &syn::Expr) -> bool {
    matches!(func, syn::Expr::Path(path) if path.path.is_ident("Some"))
}

/// The names `pat` binds when it matches a value of type `ty`, or `None` where this reading
/// does not follow it.
fn bind_pattern(
    pat: &syn::Pat,
    ty: &syn::Type,
    bound: &mut HashMap<String, syn::Type>,
) -> Option<()> {
    match (pat, ty) {
        (syn::Pat::Wild(_), _) => Some(()),
        (syn::Pat::Ident(ident), _) if ident.subpat.is_none() && ident.by_ref.is_none() => {
            bound.insert(ident.ident.to_string(), ty.clone());
            Some(())
        }
        (syn::Pat::Tuple(tuple), syn::Type::Tuple(types))
            if tuple.elems.len() == types.elems.len() =>
        {
            for (pat, ty) in tuple.elems.iter().zip(&types.elems) {
                bind_pattern(pat, ty, bound)?;
            }
            Some(())
        }
        (syn::Pat::Path(path), _) if path.path.is_ident("None") => option_of(ty).map(|_| ()),
        (syn::Pat::TupleStruct(some), _) if some.path.is_ident("Some") && some.elems.len() == 1 => {
            bind_pattern(&some.elems[0], option_of(ty)?, bound)
        }
        _ => None,
    }
}

/// `T` of `Option<T>`.
fn option_of(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if last.ident == "Option" && args.args.len() == 1 => {
            Some(inner)
        }
        _ => None,
    }
}

/// The single arguments of the calls of `method` on the local `name` in `function`
/// (`name.push(arg)`).
fn method_args<'a>(
    function: &'a syn::ItemFn,
    name: &syn::Ident,
    method: &str,
) -> Vec<&'a syn::Expr> {
    struct Calls<'a, 'n> {
        name: &'n syn::Ident,
        method: &'n str,
        args: Vec<&'a syn::Expr>,
    }
    impl<'a> Visit<'a> for Calls<'a, '_> {
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            let on_name = single_ident(&call.receiver).is_some_and(|r| r == self.name);
            if on_name && call.method == self.method && call.args.len() == 1 {
                self.args.push(&call.args[0]);
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut calls = Calls {
        name,
        method,
        args: Vec::new(),
    };
    calls.visit_item_fn(function);
    calls.args
}

/// Whether evaluating `expr` never gives a value: it panics, returns or leaves a loop.
fn diverges(expr: &syn::Expr) -> bool {
    const PANICS: &[&str] = &["panic", "todo", "unimplemented", "unreachable"];
    let panics = |mac: &syn::Macro| {
        mac.path
            .get_ident()
            .is_some_and(|name| PANICS.contains(&name.to_string().as_str()))
    };
    match expr {
        syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_) => true,
        syn::Expr::Macro(mac) => panics(&mac.mac),
        syn::Expr::Block(block) => match block.block.stmts.as_slice() {
            [syn::Stmt::Expr(value, _)] => diverges(value),
            [syn::Stmt::Macro(mac)] => panics(&mac.mac),
            _ => false,
        },
        _ => false,
    }
}

/// Whether a value of another type could coerce to `ty` where it is returned.
fn coercible(ty: &syn::Type) -> bool {
    struct Find(bool);
    impl<'ast> Visit<'ast> for Find {
        fn visit_type(&mut self, ty: &'ast syn::Type) {
            use syn::Type::{
                BareFn, ImplTrait, Infer, Macro, Never, Ptr, Reference, Slice, TraitObject,
            };
            self.0 |= matches!(
                ty,
                BareFn(_)
                    | ImplTrait(_)
                    | Infer(_)
                    | Macro(_)
                    | Never(_)
                    | Ptr(_)
                    | Reference(_)
                    | Slice(_)
                    | TraitObject(_)
            );
            syn::visit::visit_type(self, ty);
        }
    }
    let mut find = Find(false);
    find.visit_type(ty);
    find.0
}
