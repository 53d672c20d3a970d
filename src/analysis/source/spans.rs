//! Where statements and expressions start, and their attributes: syn gives a node's span
//! from its first token, which for some kinds is an attribute or a sub-expression.

use proc_macro2::Span;

fn attrs_start(attrs: &[syn::Attribute]) -> Option<Span> {
    attrs.first().map(|attr| attr.pound_token.span)
}

pub(super) fn stmt_start(stmt: &syn::Stmt) -> Span {
    match stmt {
        syn::Stmt::Local(local) => attrs_start(&local.attrs).unwrap_or(local.let_token.span),
        syn::Stmt::Expr(expr, _) => expr_start(expr),
        syn::Stmt::Macro(mac) => {
            attrs_start(&mac.attrs).unwrap_or_else(|| path_start(&mac.mac.path))
        }
        syn::Stmt::Item(item) => syn::spanned::Spanned::span(item),
    }
}

fn path_start(path: &syn::Path) -> Span {
    path.leading_colon
        .map(|c| c.spans[0])
        .or_else(|| path.segments.first().map(|seg| seg.ident.span()))
        .unwrap_or_else(Span::call_site)
}

/// The outer attributes of an expression, for the kinds that can start a statement.
fn expr_attrs(expr: &syn::Expr) -> &[syn::Attribute] {
    use syn::Expr;
    match expr {
        Expr::Array(e) => &e.attrs,
        Expr::Assign(e) => &e.attrs,
        Expr::Async(e) => &e.attrs,
        Expr::Await(e) => &e.attrs,
        Expr::Binary(e) => &e.attrs,
        Expr::Block(e) => &e.attrs,
        Expr::Break(e) => &e.attrs,
        Expr::Call(e) => &e.attrs,
        Expr::Closure(e) => &e.attrs,
        Expr::ForLoop(e) => &e.attrs,
        Expr::If(e) => &e.attrs,
        Expr::Loop(e) => &e.attrs,
        Expr::Match(e) => &e.attrs,
        Expr::MethodCall(e) => &e.attrs,
        Expr::Return(e) => &e.attrs,
        Expr::Unsafe(e) => &e.attrs,
        Expr::While(e) => &e.attrs,
        Expr::Macro(e) => &e.attrs,
        _ => &[],
    }
}

pub(crate) fn stmt_attrs(stmt: &syn::Stmt) -> &[syn::Attribute] {
    match stmt {
        syn::Stmt::Local(local) => &local.attrs,
        syn::Stmt::Expr(expr, _) => expr_attrs(expr),
        syn::Stmt::Macro(mac) => &mac.attrs,
        syn::Stmt::Item(item) => item_attrs(item),
    }
}

pub(super) fn is_cfg_gated(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident("cfg"))
}

/// Words in a `cfg` flag or feature that gate instrumentation (tracing, logging, metrics).
const INSTRUMENTATION: [&str; 6] = ["trac", "log", "metric", "instrument", "telemetry", "stats"];

/// Whether `attrs` gate instrumentation: a `#[cfg]` that names a tracing or logging feature
/// or flag, or any `#[cfg]` on a logging macro call (`#[cfg(debug_assertions)] debug!(..)`).
/// Such code is scaffolding copies share without being the same logic; other gated code is
/// code (a `match` for one feature, an expression for the other).
pub(super) fn is_instrumentation(attrs: &[syn::Attribute], stmt: Option<&syn::Stmt>) -> bool {
    let Some(cfg) = super::cfg::Cfg::of_attrs(attrs) else {
        return false;
    };
    let logging = |mac: &syn::Macro| {
        mac.path.segments.last().is_some_and(|s| {
            ["trace", "debug", "info", "warn", "error", "event", "span"]
                .iter()
                .any(|m| s.ident == m)
        })
    };
    let logs = match stmt {
        Some(syn::Stmt::Macro(m)) => logging(&m.mac),
        Some(syn::Stmt::Expr(syn::Expr::Macro(m), _)) => logging(&m.mac),
        _ => false,
    };
    logs || (cfg.names().iter()).any(|name| {
        INSTRUMENTATION
            .iter()
            .any(|w| name.to_lowercase().contains(w))
    })
}

/// The span of an expression's first token, found without re-generating its tokens.
fn expr_start(expr: &syn::Expr) -> Span {
    use syn::Expr;
    if let Some(span) = attrs_start(expr_attrs(expr)) {
        return span;
    }
    match expr {
        Expr::Array(e) => e.bracket_token.span.open(),
        Expr::Assign(e) => expr_start(&e.left),
        Expr::Async(e) => e.async_token.span,
        Expr::Await(e) => expr_start(&e.base),
        Expr::Binary(e) => expr_start(&e.left),
        Expr::Block(e) => e
            .label
            .as_ref()
            .map_or(e.block.brace_token.span.open(), |l| l.name.apostrophe),
        Expr::Break(e) => e.break_token.span,
        Expr::Call(e) => expr_start(&e.func),
        Expr::Cast(e) => expr_start(&e.expr),
        Expr::Closure(e) => e
            .lifetimes
            .as_ref()
            .map(|l| l.for_token.span)
            .or(e.constness.map(|t| t.span))
            .or(e.movability.map(|t| t.span))
            .or(e.asyncness.map(|t| t.span))
            .or(e.capture.map(|t| t.span))
            .unwrap_or(e.or1_token.spans[0]),
        Expr::Continue(e) => e.continue_token.span,
        Expr::Field(e) => expr_start(&e.base),
        Expr::ForLoop(e) => e
            .label
            .as_ref()
            .map_or(e.for_token.span, |l| l.name.apostrophe),
        Expr::If(e) => e.if_token.span,
        Expr::Index(e) => expr_start(&e.expr),
        Expr::Let(e) => e.let_token.span,
        Expr::Lit(e) => e.lit.span(),
        Expr::Loop(e) => e
            .label
            .as_ref()
            .map_or(e.loop_token.span, |l| l.name.apostrophe),
        Expr::Macro(e) => path_start(&e.mac.path),
        Expr::Match(e) => e.match_token.span,
        Expr::MethodCall(e) => expr_start(&e.receiver),
        Expr::Paren(e) => e.paren_token.span.open(),
        Expr::Path(e) => e
            .qself
            .as_ref()
            .map_or_else(|| path_start(&e.path), |q| q.lt_token.span),
        Expr::Range(e) => e
            .start
            .as_deref()
            .map_or_else(|| syn::spanned::Spanned::span(&e.limits), expr_start),
        Expr::Reference(e) => e.and_token.span,
        Expr::Return(e) => e.return_token.span,
        Expr::Struct(e) => e
            .qself
            .as_ref()
            .map_or_else(|| path_start(&e.path), |q| q.lt_token.span),
        Expr::Try(e) => expr_start(&e.expr),
        Expr::Tuple(e) => e.paren_token.span.open(),
        Expr::Unary(e) => syn::spanned::Spanned::span(&e.op),
        Expr::Unsafe(e) => e.unsafe_token.span,
        Expr::While(e) => e
            .label
            .as_ref()
            .map_or(e.while_token.span, |l| l.name.apostrophe),
        Expr::Yield(e) => e.yield_token.span,
        other => syn::spanned::Spanned::span(other),
    }
}

pub(super) fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        _ => &[],
    }
}
