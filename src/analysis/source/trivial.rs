//! Which function bodies do one trivial thing (getters, constructors, delegations, tables):
//! they look alike without being copies.

use super::spans::{is_cfg_gated, stmt_attrs};

/// A body that does one trivial thing, `#[cfg]`-gated statements aside: a getter, a
/// field-by-field constructor, a table (a `match` whose arms only map patterns to values),
/// or a delegation: one call forwarding to another function (`self.inner.poll_write(cx,
/// buf)`, `self.registration().try_io(interest, || f())`), or a setter, each optionally
/// followed by a plain value (`self.inner.recv().await; Some(())`).
pub(super) fn is_trivial_body(block: &syn::Block) -> bool {
    is_one_trivial_thing(block) || builds_a_value(block)
}

/// A constructor that states a value field by field in one local it then wraps
/// (`let inner = PropertiesI { .. }; Properties(Box::new(inner))`), every field a plain
/// operand: several constructors of one type share default fields without being copies.
fn builds_a_value(block: &syn::Block) -> bool {
    use syn::{Expr, Stmt};
    let literal = |expr: &Expr| match expr {
        Expr::Struct(s) => {
            s.fields.iter().all(|f| is_simple_operand(&f.expr, 0))
                && s.rest.as_deref().is_none_or(|r| is_simple_operand(r, 0))
        }
        _ => false,
    };
    // One local: several values built and tied together (`Tee { rcbuffer: t1.rcbuffer.clone() }`)
    // are logic.
    match block.stmts.as_slice() {
        [Stmt::Local(syn::Local {
            init: Some(init), ..
        }), Stmt::Expr(value, None)] => {
            init.diverge.is_none() && literal(&init.expr) && is_simple_operand(value, 0)
        }
        _ => false,
    }
}

fn is_one_trivial_thing(block: &syn::Block) -> bool {
    use syn::{Expr, Stmt};
    let stmts: Vec<&Stmt> = block
        .stmts
        .iter()
        .filter(|stmt| !is_cfg_gated(stmt_attrs(stmt)))
        .collect();
    match stmts.as_slice() {
        [Stmt::Expr(Expr::Match(m), None)] => {
            is_trivial_expr(&m.expr, 0)
                && m.arms.iter().all(|arm| {
                    arm.guard.is_none() && (is_trivial_expr(&arm.body, 0) || forwards(&arm.body))
                })
        }
        [Stmt::Expr(Expr::Unsafe(u), None)] => is_one_trivial_thing(&u.block),
        [Stmt::Expr(expr, None)] => is_trivial_expr(expr, 0) || forwards(expr),
        [Stmt::Expr(effect, Some(_))] => forwards_or_sets(effect),
        [Stmt::Expr(effect, Some(_)), Stmt::Expr(value, None)] => {
            forwards_or_sets(effect) && is_simple_operand(value, 0)
        }
        _ => false,
    }
}

/// Deeper than this, an expression is logic rather than a forwarded call.
const MAX_FORWARD_DEPTH: u32 = 6;

/// One call that forwards to another: its receiver is a place or a chain of getters
/// (`self.project().inner`, `Pin::new(&mut self.io)`), its arguments are plain operands or
/// closures that forward in turn; awaited, `?`-ed, or adapted without closures
/// (`.map(Some)`) at most.
fn forwards(expr: &syn::Expr) -> bool {
    use syn::Expr;
    match expr {
        Expr::Await(e) => forwards(&e.base),
        Expr::Try(e) => forwards(&e.expr),
        Expr::Paren(e) => forwards(&e.expr),
        Expr::MethodCall(m) => {
            is_simple_operand(&m.receiver, 0) && m.args.iter().all(is_forwarded_arg)
        }
        Expr::Call(c) => matches!(&*c.func, Expr::Path(_)) && c.args.iter().all(is_forwarded_arg),
        _ => false,
    }
}

/// A forwarding call, or a setter (`self.name = Some(Arc::new(f))`).
fn forwards_or_sets(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Assign(a) => {
            is_simple_operand(&a.left, 0) && (is_simple_operand(&a.right, 0) || forwards(&a.right))
        }
        other => forwards(other),
    }
}

fn is_forwarded_arg(arg: &syn::Expr) -> bool {
    match arg {
        syn::Expr::Closure(c) => is_simple_operand(&c.body, 0) || forwards(&c.body),
        other => is_simple_operand(other, 0),
    }
}

/// A plain operand: a path, a literal, a field, or a call of those without closures or
/// control flow (`self.inner.as_ref().unwrap()`, `Some(())`, `Interest::READABLE | x`).
fn is_simple_operand(expr: &syn::Expr, depth: u32) -> bool {
    use syn::Expr;
    if depth > MAX_FORWARD_DEPTH {
        return false;
    }
    let simple = |e: &Expr| is_simple_operand(e, depth + 1);
    match expr {
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Field(e) => simple(&e.base),
        Expr::Reference(e) => simple(&e.expr),
        Expr::Unary(e) => simple(&e.expr),
        Expr::Paren(e) => simple(&e.expr),
        Expr::Cast(e) => simple(&e.expr),
        Expr::Await(e) => simple(&e.base),
        Expr::Try(e) => simple(&e.expr),
        Expr::Index(e) => simple(&e.expr) && simple(&e.index),
        Expr::Binary(e) => simple(&e.left) && simple(&e.right),
        Expr::Tuple(e) => e.elems.iter().all(simple),
        Expr::MethodCall(m) => simple(&m.receiver) && m.args.iter().all(simple),
        Expr::Call(c) => matches!(&*c.func, Expr::Path(_)) && c.args.iter().all(simple),
        _ => false,
    }
}

fn is_trivial_expr(expr: &syn::Expr, depth: u32) -> bool {
    if depth > 4 {
        return false;
    }
    let simple = |e: &syn::Expr| is_trivial_expr(e, depth + 1);
    match expr {
        syn::Expr::Lit(_) | syn::Expr::Path(_) => true,
        syn::Expr::Field(f) => simple(&f.base),
        syn::Expr::Reference(r) => simple(&r.expr),
        syn::Expr::Paren(p) => simple(&p.expr),
        syn::Expr::Struct(s) => {
            s.fields.iter().all(|f| simple(&f.expr)) && s.rest.as_deref().is_none_or(simple)
        }
        // A call is a delegation at the top of a body, or an empty value (`Vec::new()`);
        // a call with arguments inside a literal is logic.
        syn::Expr::Call(c) => {
            (depth == 0 || c.args.is_empty()) && simple(&c.func) && c.args.iter().all(simple)
        }
        syn::Expr::MethodCall(m) => depth == 0 && simple(&m.receiver) && m.args.iter().all(simple),
        syn::Expr::Unary(u) => simple(&u.expr),
        syn::Expr::Tuple(t) => t.elems.iter().all(simple),
        syn::Expr::Macro(m) => m.mac.path.is_ident("unreachable") || m.mac.path.is_ident("panic"),
        _ => false,
    }
}
