//! Names in scope inside one function, as extracting a run of its statements needs them: the
//! locals in scope where the run starts (with the types their declarations spell), which of
//! them the run uses and how each use reads, the locals the run binds for the code after it,
//! and what in the run would not survive being moved into a function of its own.

use std::collections::{HashMap, HashSet};

use proc_macro2::LineColumn;
use syn::visit::Visit;

use super::types::Typed;
use super::values::Known;

/// A local as its declaration spells it.
#[derive(Clone)]
pub(super) struct Binding {
    /// The type its declaration names (`x: T`, `let x: T`), or a suffixed literal's.
    pub(super) ty: Option<syn::Type>,
    /// The type as written, for a suffixed literal's (a declared type is read from the file).
    pub(super) ty_text: Option<String>,
    pub(super) mutable: bool,
    /// Where it is bound, to keep the run's locals in their order.
    pub(super) at: (usize, usize),
    /// For a `let` without a type: whether its initializer can only make a value whose drop
    /// does nothing observable (a local of the run the code after it does not use is dropped
    /// when the helper returns, earlier than before).
    pub(super) inert: bool,
    /// Whether it is a `let` of an integer literal (`0`, `-1`).
    pub(super) number: bool,
    /// Whether it is a `let` of what a function or method returns (`item.value()`, `f(x)?`):
    /// its type is then the callee's, never one its later uses choose.
    pub(super) called: bool,
}

/// How a use of a local reads where it stands, which decides how it is rewritten when the
/// helper receives the local by reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ctx {
    Value,
    AssignTarget,
    /// `&x`.
    Ref,
    /// `&mut x`.
    RefMut,
    /// `x.method(..)`.
    Receiver,
    /// `x(..)`, `x?`: postfix operators bind before `*`.
    Callee,
    /// `f(x)`, `y.m(x)`, `let y = x;`, `S { f: x }`: moved (or copied), read as a value.
    Argument,
    /// `x.field`: auto-deref reads the same field through a reference.
    Field,
    /// `x[i]`.
    Index,
    /// `Point { x }`.
    Shorthand,
    /// `{x}` inside a format string: formatting reads through references alike...
    Format,
    /// ...but for `{x:p}`, which prints the address.
    FormatPointer,
}

/// One use of a local from around the run.
pub(super) struct Use {
    pub(super) name: String,
    /// Where the text a rewrite replaces starts: the `&` of `&x`, else the name.
    pub(super) from: LineColumn,
    pub(super) start: LineColumn,
    pub(super) end: LineColumn,
    pub(super) ctx: Ctx,
    /// Whether it always runs once the run does (not in a branch, a loop, a closure or the
    /// right of `&&`/`||`).
    pub(super) always: bool,
}

/// Walks a function (to find the locals in scope at a run) or a run (to find what it uses).
#[derive(Default)]
pub(super) struct Walker {
    scopes: Vec<HashMap<String, Binding>>,
    /// The locals in scope at the run, when walking the run.
    outer: HashMap<String, Binding>,
    /// The run's block (its `{` position) and first statement, when walking the function.
    target: Option<((usize, usize), usize)>,
    pub(super) snapshot: Option<HashMap<String, Binding>>,
    pub(super) uses: Vec<Use>,
    /// Positions of uses that are the root of a place assigned, borrowed `&mut`, or the
    /// receiver of a method (which may take `&mut self`).
    pub(super) mutated: HashSet<(usize, usize)>,
    pub(super) receivers: HashSet<(usize, usize)>,
    /// The method each local receiver there is called with.
    pub(super) methods: HashMap<(usize, usize), String>,
    ctx: HashMap<(usize, usize), (Ctx, LineColumn)>,
    /// Why the run cannot move into a function, first reason first.
    pub(super) problems: Vec<String>,
    pub(super) has_items: bool,
    /// What the run does that decides the helper's form.
    pub(super) shape: Shape,
    /// Where the run's own locals are last used and moved.
    own: OwnLocals,
    /// What the walk is inside of at this point.
    depth: Depth,
    /// Whether a macro hid some of the code (its uses are then unknown).
    pub(super) hidden: bool,
    /// The function walked, for the type of a local a number initialises, and the types
    /// calls return where the copies' files declare them.
    around: Option<(syn::ItemFn, HashMap<String, Typed>)>,
}

/// What a run does that decides the form of the helper it moves into.
#[derive(Default)]
pub(super) struct Shape {
    /// Whether the run uses `self`, or names `Self`: only a helper in the same impl can.
    pub(super) uses_self: bool,
    pub(super) names_self_type: bool,
    /// Whether the run returns, or uses `?`, outside closures.
    pub(super) returns: bool,
    pub(super) tries: bool,
}

/// For the run's own locals: where each is last used, and where it is moved by a use that
/// always runs (not in a branch, loop, closure or the right of `&&`/`||`).
#[derive(Default)]
struct OwnLocals {
    last_use: HashMap<String, (usize, usize)>,
    moved: HashMap<String, (usize, usize)>,
    /// Those a use may move, always or not.
    maybe_moved: HashSet<String>,
    /// Those a use reads: any use but the target of `x = <integer literal>`.
    read: HashSet<String>,
    /// Where such assignments' targets stand.
    number_writes: HashSet<(usize, usize)>,
}

/// How deep the walk is inside the right of `&&`/`||`, loops and closures.
#[derive(Default)]
struct Depth {
    lazy: usize,
    loops: usize,
    closures: usize,
}

/// The std macros whose arguments are expressions (so their uses are visible) and which bind
/// no names.
const EXPRESSION_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "eprint",
    "eprintln",
    "format",
    "format_args",
    "panic",
    "print",
    "println",
    "todo",
    "unimplemented",
    "unreachable",
    "vec",
    "write",
    "writeln",
];

pub(super) fn position(at: LineColumn) -> (usize, usize) {
    (at.line, at.column)
}

impl Walker {
    /// The locals in scope where the `first` statement of the block opening at `brace`
    /// starts, and whether the function declares items inside itself.
    pub(super) fn in_scope_at(
        function: &syn::ItemFn,
        calls: &HashMap<String, Typed>,
        brace: (usize, usize),
        first: usize,
    ) -> (Option<HashMap<String, Binding>>, bool) {
        let mut walker = Walker {
            target: Some((brace, first)),
            scopes: vec![HashMap::new()],
            around: Some((function.clone(), calls.clone())),
            ..Walker::default()
        };
        for input in &function.sig.inputs {
            if let syn::FnArg::Typed(typed) = input {
                walker.bind_typed(&typed.pat, Some(&typed.ty), None);
            }
        }
        walker.visit_block(&function.block);
        (walker.snapshot, walker.has_items)
    }

    /// Walks the run's statements with `outer` in scope around them; the run's own locals
    /// are then [`Walker::run_locals`].
    pub(super) fn run(
        function: &syn::ItemFn,
        calls: &HashMap<String, Typed>,
        outer: HashMap<String, Binding>,
        stmts: &[syn::Stmt],
    ) -> Walker {
        let mut walker = Walker {
            outer,
            scopes: vec![HashMap::new()],
            around: Some((function.clone(), calls.clone())),
            ..Walker::default()
        };
        for stmt in stmts {
            if let syn::Stmt::Item(_) = stmt {
                walker.problem("it declares an item".to_owned());
            }
            walker.visit_stmt(stmt);
        }
        walker
    }

    /// The locals the run binds at its own level, visible to the code after it, in order.
    pub(super) fn run_locals(&self) -> Vec<(String, Binding)> {
        let mut locals: Vec<(String, Binding)> = self.scopes[0]
            .iter()
            .map(|(name, binding)| (name.clone(), binding.clone()))
            .collect();
        locals.sort_by_key(|(_, binding)| binding.at);
        locals
    }

    fn problem(&mut self, reason: String) {
        self.problems.push(reason);
    }

    fn flatten(&self) -> HashMap<String, Binding> {
        let mut all = HashMap::new();
        for scope in &self.scopes {
            all.extend(scope.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        all
    }

    fn bound_inside(&self, name: &str) -> bool {
        self.scopes.iter().any(|scope| scope.contains_key(name))
    }

    /// Binds the names of `pat`; a lone identifier gets the type `ty` names, if any.
    fn bind_typed(&mut self, pat: &syn::Pat, ty: Option<&syn::Type>, init: Option<&syn::Expr>) {
        match pat {
            syn::Pat::Type(typed) => self.bind_typed(&typed.pat, Some(&typed.ty), init),
            syn::Pat::Ident(ident) if ident.subpat.is_none() && ident.by_ref.is_none() => {
                let typed = match ty {
                    Some(ty) => Some((ty.clone(), None)),
                    None => init.and_then(|init| {
                        self.infer(init)
                            .or_else(|| self.known()?.pushed(&ident.ident, init))
                            .or_else(|| self.known()?.tail_type(&ident.ident))
                    }),
                };
                self.insert(ident, typed, init);
            }
            syn::Pat::Tuple(tuple) if self.tuple_elems(ty, init, tuple.elems.len()).is_some() => {
                let elems = self
                    .tuple_elems(ty, init, tuple.elems.len())
                    .expect("checked");
                for (pat, (ty, text)) in tuple.elems.iter().zip(elems) {
                    match pat {
                        syn::Pat::Ident(ident)
                            if ident.subpat.is_none() && ident.by_ref.is_none() =>
                        {
                            self.insert(ident, Some((ty, text)), None);
                        }
                        _ if text.is_none() => self.bind_typed(pat, Some(&ty), None),
                        _ => self.bind(pat),
                    }
                }
            }
            _ => {
                struct Names<'a>(&'a mut HashMap<String, Binding>);
                impl<'ast> Visit<'ast> for Names<'_> {
                    fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
                        let binding = Binding {
                            ty: None,
                            ty_text: None,
                            mutable: pat.mutability.is_some(),
                            at: position(pat.ident.span().start()),
                            inert: false,
                            number: false,
                            called: false,
                        };
                        self.0.insert(pat.ident.to_string(), binding);
                        syn::visit::visit_pat_ident(self, pat);
                    }
                }
                let scope = self.scopes.last_mut().expect("a scope");
                Names(scope).visit_pat(pat);
            }
        }
    }

    /// Binds `ident` with its type (and the type's text, when the file does not spell it).
    fn insert(&mut self, ident: &syn::PatIdent, typed: Option<Typed>, init: Option<&syn::Expr>) {
        let (ty, ty_text) = typed.map_or((None, None), |(ty, text)| (Some(ty), text));
        let scope = self.scopes.last_mut().expect("a scope");
        scope.insert(
            ident.ident.to_string(),
            Binding {
                ty,
                ty_text,
                mutable: ident.mutability.is_some(),
                at: position(ident.ident.span().start()),
                inert: init.is_some_and(inert),
                number: init.is_some_and(integer_literal),
                called: init.is_some_and(called),
            },
        );
    }

    /// The local `name` as the code at this point sees it.
    fn lookup(&self, name: &str) -> Option<&Binding> {
        let inner = self.scopes.iter().rev().find_map(|scope| scope.get(name));
        inner.or_else(|| self.outer.get(name))
    }

    /// The type of a `let` without one, where its initializer alone decides it (as
    /// `types::infer` reads it), with the type's text when it is not in the file.
    fn infer(&self, init: &syn::Expr) -> Option<(syn::Type, Option<String>)> {
        let local = |expr: &syn::Expr| {
            let binding = self.lookup(&single_ident(expr)?.to_string())?;
            Some((binding.ty.clone()?, binding.ty_text.clone()))
        };
        super::types::infer(init, &local)
            .or_else(|| self.number_type(init))
            .or_else(|| self.known()?.call_type(init))
            .or_else(|| {
                let known = self.known()?;
                match init {
                    syn::Expr::Struct(_) => known.value_type(init),
                    _ => known.composite(init),
                }
            })
            .or_else(|| {
                let syn::Expr::Match(branches) = init else {
                    return None;
                };
                let scrutinee = super::values::scrutinee_type(&branches.expr, &local)?;
                let alias = self.known().and_then(|k| k.alias(&scrutinee.0));
                super::values::match_type(branches, &alias.unwrap_or(scrutinee).0, &local)
            })
    }

    /// What the function and the copies' files declare, when walking with them.
    fn known(&self) -> Option<Known<'_>> {
        let (function, calls) = self.around.as_ref()?;
        Some(Known { function, calls })
    }

    /// The type of an unsuffixed number (`0`, `-1`), as the function around it decides it
    /// ([`super::numeric`]).
    fn number_type(&self, init: &syn::Expr) -> Option<(syn::Type, Option<String>)> {
        let literal = match init {
            syn::Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => &*unary.expr,
            other => other,
        };
        let syn::Expr::Lit(syn::ExprLit { lit, .. }) = literal else {
            return None;
        };
        let text = quote::ToTokens::to_token_stream(lit).to_string();
        let function = &self.around.as_ref()?.0;
        let ty = super::numeric::literal_type(function, lit.span().start(), &text).ok()?;
        Some((syn::parse_str(ty).ok()?, Some(ty.to_owned())))
    }

    /// The element types of a tuple of `len` that a pattern takes apart: declared, or the
    /// type its initializer decides (with each element's text when the file does not spell
    /// the tuple).
    fn tuple_elems(
        &self,
        ty: Option<&syn::Type>,
        init: Option<&syn::Expr>,
        len: usize,
    ) -> Option<Vec<Typed>> {
        let (ty, text) = match ty {
            Some(ty) => (ty.clone(), None),
            None => self.infer(init?)?,
        };
        // An alias (`SizeHint`) the copies' files declare stands for its tuple.
        let (ty, text) = self
            .known()
            .and_then(|k| k.alias(&ty))
            .unwrap_or((ty, text));
        match ty {
            syn::Type::Tuple(tuple) if tuple.elems.len() == len => Some(
                tuple
                    .elems
                    .into_iter()
                    .map(|elem| {
                        let spelled = text.as_ref().map(|_| super::types::spelled(&elem));
                        (elem, spelled)
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    fn bind(&mut self, pat: &syn::Pat) {
        self.bind_typed(pat, None, None);
    }

    fn mark(&mut self, expr: &syn::Expr, ctx: Ctx) {
        if let Some(ident) = single_ident(expr) {
            let at = ident.span().start();
            self.ctx.insert(position(at), (ctx, at));
        }
    }

    /// Marks the operand of `&x` or `&mut x`, whose rewrite replaces the whole reference.
    fn mark_reference(&mut self, reference: &syn::ExprReference, ctx: Ctx) {
        if let Some(ident) = single_ident(&reference.expr) {
            let from = reference.and_token.span.start();
            self.ctx.insert(position(ident.span().start()), (ctx, from));
        }
    }

    /// Notes the local at the root of a place (`x` of `x.a[i].b`) as possibly mutated.
    fn mutates(&mut self, expr: &syn::Expr, receiver: bool) {
        let mut expr = expr;
        loop {
            expr = match expr {
                syn::Expr::Field(field) => &field.base,
                syn::Expr::Index(index) => &index.expr,
                syn::Expr::Paren(paren) => &paren.expr,
                syn::Expr::MethodCall(call) => &call.receiver,
                _ => break,
            };
        }
        if let Some(ident) = single_ident(expr) {
            let at = position(ident.span().start());
            if receiver {
                self.receivers.insert(at);
            } else {
                self.mutated.insert(at);
            }
        }
    }

    /// Records a use of `name` at `span` if it names a local from around the run.
    fn record(&mut self, name: &str, span: proc_macro2::Span, ctx: Option<Ctx>) {
        if name == "self" {
            self.shape.uses_self = true;
        }
        if self.bound_inside(name) {
            self.record_own(name, span);
            return;
        }
        if !self.outer.contains_key(name) {
            return;
        }
        let (ctx, from) = match ctx {
            Some(ctx) => (ctx, span.start()),
            None => {
                let at = position(span.start());
                let marked = self.ctx.get(&at).copied();
                marked.unwrap_or((Ctx::Value, span.start()))
            }
        };
        let always = self.scopes.len() == 1 && self.depth.lazy == 0 && self.depth.closures == 0;
        self.uses.push(Use {
            name: name.to_owned(),
            from,
            start: span.start(),
            end: span.end(),
            ctx,
            always,
        });
    }

    /// Notes a use of one of the run's own locals, and whether it certainly moves it.
    fn record_own(&mut self, name: &str, span: proc_macro2::Span) {
        let innermost = self
            .scopes
            .iter()
            .rposition(|scope| scope.contains_key(name));
        if innermost != Some(0) {
            return;
        }
        let at = position(span.start());
        self.own.last_use.insert(name.to_owned(), at);
        let always = self.scopes.len() == 1 && self.depth.lazy == 0 && self.depth.closures == 0;
        let moved = self
            .ctx
            .get(&at)
            .is_some_and(|(ctx, _)| matches!(ctx, Ctx::Argument | Ctx::Shorthand));
        if moved {
            self.own.maybe_moved.insert(name.to_owned());
        }
        if !self.own.number_writes.contains(&at) {
            self.own.read.insert(name.to_owned());
        }
        if always && moved {
            self.own.moved.insert(name.to_owned(), at);
        }
    }

    /// Whether the run never reads its own local `name`, only assigns it integer literals.
    pub(super) fn unread(&self, name: &str) -> bool {
        !self.own.read.contains(name)
    }

    /// Whether a use in the run may move its own local `name` (then it cannot be returned).
    pub(super) fn maybe_moved(&self, name: &str) -> bool {
        self.own.maybe_moved.contains(name)
    }

    /// Whether the run's own local `name` is moved by its last use, which always runs: then
    /// nothing of it is left to drop when the helper returns.
    pub(super) fn moved_by_last_use(&self, name: &str) -> bool {
        self.own
            .moved
            .get(name)
            .is_some_and(|at| self.own.last_use.get(name) == Some(at))
    }

    /// Notes what `expr` does to its direct operands, and what would not survive the move.
    fn classify(&mut self, expr: &syn::Expr) {
        use syn::Expr;
        let outside_closures = self.depth.closures == 0;
        match expr {
            Expr::Assign(assign) => {
                if let (Some(target), true) =
                    (single_ident(&assign.left), integer_literal(&assign.right))
                {
                    self.own
                        .number_writes
                        .insert(position(target.span().start()));
                }
                self.mark(&assign.left, Ctx::AssignTarget);
                self.mutates(&assign.left, false);
            }
            Expr::Binary(binary) if is_compound(binary.op) => {
                self.mark(&binary.left, Ctx::AssignTarget);
                self.mutates(&binary.left, false);
            }
            Expr::Reference(reference) if reference.mutability.is_some() => {
                self.mark_reference(reference, Ctx::RefMut);
                self.mutates(&reference.expr, false);
            }
            Expr::Reference(reference) => self.mark_reference(reference, Ctx::Ref),
            Expr::MethodCall(call) => {
                if let Some(receiver) = single_ident(&call.receiver) {
                    let at = position(receiver.span().start());
                    self.methods.insert(at, call.method.to_string());
                }
                self.mark(&call.receiver, Ctx::Receiver);
                self.mutates(&call.receiver, true);
                for arg in &call.args {
                    self.mark(arg, Ctx::Argument);
                }
            }
            // The elements of a tuple or an array are moved into it.
            Expr::Tuple(syn::ExprTuple { elems, .. })
            | Expr::Array(syn::ExprArray { elems, .. }) => {
                for elem in elems {
                    self.mark(elem, Ctx::Argument);
                }
            }
            Expr::Field(field) => self.mark(&field.base, Ctx::Field),
            Expr::Index(index) => self.mark(&index.expr, Ctx::Index),
            Expr::Call(call) => {
                self.mark(&call.func, Ctx::Callee);
                for arg in &call.args {
                    self.mark(arg, Ctx::Argument);
                }
            }
            Expr::Try(tried) => {
                self.mark(&tried.expr, Ctx::Callee);
                self.shape.tries |= outside_closures;
            }
            Expr::Return(_) if outside_closures => self.shape.returns = true,
            Expr::Await(_) => self.problem("it awaits".to_owned()),
            Expr::Yield(_) => self.problem("it yields".to_owned()),
            Expr::Break(syn::ExprBreak { label: Some(_), .. })
            | Expr::Continue(syn::ExprContinue { label: Some(_), .. })
            | Expr::Loop(syn::ExprLoop { label: Some(_), .. })
            | Expr::While(syn::ExprWhile { label: Some(_), .. })
            | Expr::ForLoop(syn::ExprForLoop { label: Some(_), .. })
            | Expr::Block(syn::ExprBlock { label: Some(_), .. }) => {
                self.problem("it uses a label".to_owned());
            }
            Expr::Break(_) | Expr::Continue(_) if self.depth.loops == 0 => {
                self.problem("it breaks or continues a loop around it".to_owned());
            }
            _ => {}
        }
    }

    /// A loop's body, inside which `break` and `continue` stay in the run.
    fn loop_body(&mut self, body: &syn::Block) {
        self.depth.loops += 1;
        self.visit_block(body);
        self.depth.loops -= 1;
    }

    /// A macro whose expansion cannot be read. Hygiene keeps a `macro_rules!` macro from
    /// naming a local its tokens do not spell, so one that spells none neither uses nor
    /// binds the run's locals (what it may hide, a `return` or `?`, changes the helper's
    /// types and fails the build); one that spells a local is declined.
    fn opaque_macro(&mut self, name: &str, mac: &syn::Macro) {
        let mut tokens = Vec::new();
        super::compare::flatten(mac.tokens.clone(), &mut tokens);
        let local = tokens.iter().find(|(kind, text, _)| {
            *kind == super::compare::Tok::Ident
                && (self.bound_inside(text) || self.outer.contains_key(text))
        });
        if let Some((_, local, _)) = local {
            self.hidden = true;
            self.problem(format!(
                "it passes `{local}` to `{name}!`, which may bind or use it out of sight"
            ));
        }
    }

    /// The arguments of an expression-like std macro, visited as the code they are.
    fn visit_macro_args(&mut self, name: &str, mac: &syn::Macro) {
        use syn::parse::Parser;
        type Args = syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>;
        let repeat = |input: syn::parse::ParseStream| {
            let value: syn::Expr = input.parse()?;
            input.parse::<syn::Token![;]>()?;
            let count: syn::Expr = input.parse()?;
            Ok(Args::from_iter([value, count]))
        };
        let parsed = Args::parse_terminated
            .parse2(mac.tokens.clone())
            .or_else(|_| repeat.parse2(mac.tokens.clone()));
        let Ok(args) = parsed else {
            self.hidden = true;
            self.problem(format!("the arguments of `{name}!` are not expressions"));
            return;
        };
        for (i, arg) in args.iter().enumerate() {
            if i == 0 && (name == "write" || name == "writeln") {
                // `write!(w, ..)` calls `w.write_fmt(..)`.
                self.mark(arg, Ctx::Receiver);
                self.mutates(arg, true);
            }
            match arg {
                // A named argument `name = value` binds `name` for the format string only.
                syn::Expr::Assign(named) => self.visit_expr(&named.right),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => {
                    for (captured, pointer) in format_captures(&text.value()) {
                        let ctx = if pointer {
                            Ctx::FormatPointer
                        } else {
                            Ctx::Format
                        };
                        self.record(&captured, text.span(), Some(ctx));
                    }
                }
                _ => self.visit_expr(arg),
            }
        }
    }
}

impl<'ast> Visit<'ast> for Walker {
    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.scopes.push(HashMap::new());
        let brace = position(block.brace_token.span.open().start());
        for (i, stmt) in block.stmts.iter().enumerate() {
            if self.snapshot.is_none() && self.target == Some((brace, i)) {
                self.snapshot = Some(self.flatten());
            }
            self.visit_stmt(stmt);
        }
        self.scopes.pop();
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            self.mark(&init.expr, Ctx::Argument);
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        let init = local.init.as_ref().map(|init| &*init.expr);
        self.bind_typed(&local.pat, None, init);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {
        // A nested item is its own scope; a helper outside the function would not see it.
        self.has_items = true;
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        self.classify(expr);
        syn::visit::visit_expr(self, expr);
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.scopes.push(HashMap::new());
        for input in &closure.inputs {
            self.bind(input);
        }
        self.depth.closures += 1;
        let loops = std::mem::take(&mut self.depth.loops);
        self.visit_expr(&closure.body);
        self.depth.loops = loops;
        self.depth.closures -= 1;
        self.scopes.pop();
    }

    fn visit_expr_for_loop(&mut self, for_loop: &'ast syn::ExprForLoop) {
        // `for x in v` moves `v` into its iterator.
        self.mark(&for_loop.expr, Ctx::Argument);
        self.visit_expr(&for_loop.expr);
        self.scopes.push(HashMap::new());
        self.bind(&for_loop.pat);
        self.loop_body(&for_loop.body);
        self.scopes.pop();
    }

    fn visit_expr_while(&mut self, while_loop: &'ast syn::ExprWhile) {
        // `while let` binds in a scope of its own, around the body.
        self.scopes.push(HashMap::new());
        self.visit_expr(&while_loop.cond);
        self.loop_body(&while_loop.body);
        self.scopes.pop();
    }

    fn visit_expr_loop(&mut self, looped: &'ast syn::ExprLoop) {
        self.loop_body(&looped.body);
    }

    fn visit_expr_if(&mut self, branch: &'ast syn::ExprIf) {
        self.scopes.push(HashMap::new());
        self.visit_expr(&branch.cond);
        self.visit_block(&branch.then_branch);
        self.scopes.pop();
        if let Some((_, otherwise)) = &branch.else_branch {
            self.visit_expr(otherwise);
        }
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        let lazy = matches!(binary.op, syn::BinOp::And(_) | syn::BinOp::Or(_));
        self.visit_expr(&binary.left);
        self.depth.lazy += usize::from(lazy);
        self.visit_expr(&binary.right);
        self.depth.lazy -= usize::from(lazy);
    }

    fn visit_expr_let(&mut self, binding: &'ast syn::ExprLet) {
        self.visit_expr(&binding.expr);
        self.bind(&binding.pat);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.scopes.push(HashMap::new());
        self.bind(&arm.pat);
        if let Some((_, guard)) = &arm.guard {
            self.visit_expr(guard);
        }
        self.visit_expr(&arm.body);
        self.scopes.pop();
    }

    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if path.qself.is_none() {
            if let Some(ident) = path.path.get_ident() {
                self.record(&ident.to_string(), ident.span(), None);
            }
        }
        syn::visit::visit_expr_path(self, path);
    }

    fn visit_field_value(&mut self, field: &'ast syn::FieldValue) {
        if field.colon_token.is_none() {
            self.mark(&field.expr, Ctx::Shorthand);
        } else {
            // A field's value is moved into the struct, like an argument.
            self.mark(&field.expr, Ctx::Argument);
        }
        syn::visit::visit_field_value(self, field);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.first().is_some_and(|s| s.ident == "Self") {
            self.shape.names_self_type = true;
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_type_macro(&mut self, _: &'ast syn::TypeMacro) {
        // A macro in a type's place (`Token![fn]`) makes a type: it binds and uses no local.
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let std_path = mac.path.segments.len() == 1
            || ["std", "core", "alloc"]
                .iter()
                .any(|root| mac.path.segments[0].ident == root);
        if std_path && EXPRESSION_MACROS.contains(&name.as_str()) {
            self.visit_macro_args(&name, mac);
        } else {
            self.opaque_macro(&name, mac);
        }
    }
}

/// Whether `expr` is an integer literal, negated or not.
/// Whether `expr` is a call of a function, or of a method on something other than a
/// literal, with no literal argument (a generic callee would pass an unsuffixed number's
/// type on: `max(x, 10)`), or such a call's `?`.
fn called(expr: &syn::Expr) -> bool {
    let literal = |e: &syn::Expr| matches!(e, syn::Expr::Lit(_));
    match expr {
        syn::Expr::Try(tried) => called(&tried.expr),
        syn::Expr::Call(call) => {
            matches!(&*call.func, syn::Expr::Path(_)) && !call.args.iter().any(literal)
        }
        syn::Expr::MethodCall(call) => !literal(&call.receiver) && !call.args.iter().any(literal),
        _ => false,
    }
}

fn integer_literal(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => {
            integer_literal(&unary.expr)
        }
        syn::Expr::Lit(literal) => matches!(literal.lit, syn::Lit::Int(_)),
        _ => false,
    }
}

/// The identifier a path expression of one segment names.
pub(super) fn single_ident(expr: &syn::Expr) -> Option<&syn::Ident> {
    match expr {
        syn::Expr::Path(path) if path.qself.is_none() => path.path.get_ident(),
        _ => None,
    }
}

fn is_compound(op: syn::BinOp) -> bool {
    use syn::BinOp::{
        AddAssign, BitAndAssign, BitOrAssign, BitXorAssign, DivAssign, MulAssign, RemAssign,
        ShlAssign, ShrAssign, SubAssign,
    };
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// The names a format string captures (`{name}`, `{name:?}`), each with whether it is
/// formatted as a pointer (`{name:p}`).
pub(super) fn format_captures(text: &str) -> Vec<(String, bool)> {
    let mut captures = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            rest = after;
            continue;
        }
        let Some(close) = rest.find('}') else { break };
        let (name, spec) = rest[..close]
            .split_once(':')
            .unwrap_or((&rest[..close], ""));
        let name = name.trim();
        let is_ident = name
            .chars()
            .next()
            .is_some_and(|c| c == '_' || c.is_alphabetic())
            && name.chars().all(|c| c == '_' || c.is_alphanumeric());
        if is_ident {
            captures.push((name.to_owned(), spec.contains('p')));
        }
        rest = &rest[close + 1..];
    }
    captures
}

/// Whether an initializer can only make a value whose drop does nothing observable: made of
/// literals, locals, operators, casts, fields, references and a few std value methods, never
/// a call that could hand back a guard, a handle or a type with its own `Drop`.
pub(super) fn inert(expr: &syn::Expr) -> bool {
    use syn::Expr;
    const METHODS: &[&str] = &[
        "abs", "clamp", "count", "is_empty", "len", "max", "min", "pow", "signum", "sqrt",
    ];
    match expr {
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Binary(binary) => inert(&binary.left) && inert(&binary.right),
        Expr::Unary(unary) => inert(&unary.expr),
        Expr::Cast(cast) => inert(&cast.expr),
        Expr::Paren(paren) => inert(&paren.expr),
        Expr::Reference(reference) => inert(&reference.expr),
        Expr::Field(field) => inert(&field.base),
        Expr::Index(index) => inert(&index.expr) && inert(&index.index),
        Expr::Tuple(tuple) => tuple.elems.iter().all(inert),
        Expr::Array(array) => array.elems.iter().all(inert),
        Expr::If(branch) => {
            let block_inert = |block: &syn::Block| match block.stmts.as_slice() {
                [syn::Stmt::Expr(value, None)] => inert(value),
                _ => false,
            };
            inert(&branch.cond)
                && block_inert(&branch.then_branch)
                && branch
                    .else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| match &**e {
                        Expr::Block(block) => block_inert(&block.block),
                        other => inert(other),
                    })
        }
        Expr::MethodCall(call) => {
            METHODS.contains(&call.method.to_string().as_str())
                && inert(&call.receiver)
                && call.args.iter().all(inert)
        }
        _ => false,
    }
}
