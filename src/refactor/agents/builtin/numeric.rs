//! The type of an unsuffixed number literal, read from the function around it, so the
//! literal can become a parameter of the right type. It follows rustc's own rule on a small
//! scale: the literal, the locals and the expressions it meets by arithmetic, comparison,
//! assignment, `let`, tuples, ranges, `if`/`match` arms and the function's return are one
//! class; a class takes the primitive type that a suffix, a declaration, an index position
//! (`usize`), `.len()` or a typed closure parameter's result gives it, or, when nothing
//! outside the function can reach the class, the default (`i32`, `f64`). Whatever this
//! reading does not follow (a method's or a function's argument, a field, a macro, a local
//! bound twice) may constrain the class from outside: then the type is undecided and the
//! caller declines rather than guesses.

use std::collections::{HashMap, HashSet};

use syn::visit::Visit;

pub(super) const PRIMITIVES: [&str; 15] = [
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64", "bool",
];

/// An expression's type as far as this reading goes: one class, or a tuple of them.
#[derive(Clone)]
enum Ty {
    Class(usize),
    Tuple(Vec<Ty>),
    /// A reference to a value of the inner type (`&f64`).
    Ref(Box<Ty>),
    /// A slice, an array or a `Vec` of the inner type, which a `for` loop walks.
    Seq(Box<Ty>),
}

/// Union-find over classes, each with the primitive types it met and whether code this
/// reading does not follow may constrain it.
#[derive(Default)]
struct Classes {
    parent: Vec<usize>,
    concrete: Vec<HashSet<&'static str>>,
    open: Vec<bool>,
}

impl Classes {
    fn fresh(&mut self) -> usize {
        self.parent.push(self.parent.len());
        self.concrete.push(HashSet::new());
        self.open.push(false);
        self.parent.len() - 1
    }

    fn find(&mut self, at: usize) -> usize {
        let up = self.parent[at];
        if up == at {
            return at;
        }
        let root = self.find(up);
        self.parent[at] = root;
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent[b] = a;
            let moved = std::mem::take(&mut self.concrete[b]);
            self.concrete[a].extend(moved);
            self.open[a] |= self.open[b];
        }
    }

    fn typed(&mut self, ty: &'static str) -> usize {
        let class = self.fresh();
        self.concrete[class].insert(ty);
        class
    }

    fn opened(&mut self) -> usize {
        let class = self.fresh();
        self.open[class] = true;
        class
    }
}

/// The type of the unsuffixed number literal starting at `at` in `function`, or why it
/// cannot be decided from the function alone.
pub(super) fn literal_type(
    function: &syn::ItemFn,
    at: proc_macro2::LineColumn,
    literal: &str,
) -> Result<&'static str, String> {
    let mut reading = Reading::new(function, (at.line, at.column));
    reading.function(function);
    let Some(class) = reading.target else {
        return Err(format!(
            "the number `{literal}` stands where its type cannot be read"
        ));
    };
    let root = reading.classes.find(class);
    let concrete: Vec<&str> = reading.classes.concrete[root].iter().copied().collect();
    match concrete.as_slice() {
        [one] => Ok(one),
        [] if !reading.classes.open[root] => Ok(if reading.target_float { "f64" } else { "i32" }),
        [] => Err(format!(
            "the type of the number `{literal}` depends on code outside the expressions \
             around it (a call, a field, a macro), which a parameter would have to guess"
        )),
        _ => Err(format!(
            "the number `{literal}` meets several types ({})",
            concrete.join(", ")
        )),
    }
}

/// Whether `key` (a type as tokens) is an integer primitive.
pub(super) fn is_integer(key: &str) -> bool {
    PRIMITIVES[..12].contains(&key)
}

/// The primitive a written type names, if it is one.
fn primitive(ty: &syn::Type) -> Option<&'static str> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let ident = path.path.get_ident()?.to_string();
    PRIMITIVES.iter().copied().find(|p| *p == ident)
}

/// A written type as this reading follows it: a primitive, a tuple of such, or open.
fn declared(classes: &mut Classes, ty: &syn::Type) -> Ty {
    match ty {
        syn::Type::Tuple(tuple) if !tuple.elems.is_empty() => {
            Ty::Tuple(tuple.elems.iter().map(|t| declared(classes, t)).collect())
        }
        syn::Type::Paren(inner) => declared(classes, &inner.elem),
        syn::Type::Reference(reference) => Ty::Ref(Box::new(declared(classes, &reference.elem))),
        syn::Type::Slice(slice) => Ty::Seq(Box::new(declared(classes, &slice.elem))),
        syn::Type::Array(array) => Ty::Seq(Box::new(declared(classes, &array.elem))),
        syn::Type::Path(path) if vec_element(path).is_some() => {
            let element = vec_element(path).expect("checked");
            Ty::Seq(Box::new(declared(classes, element)))
        }
        other => match primitive(other) {
            Some(p) => Ty::Class(classes.typed(p)),
            None => Ty::Class(classes.opened()),
        },
    }
}

/// The element type of `Vec<T>`.
fn vec_element(path: &syn::TypePath) -> Option<&syn::Type> {
    let last = path.path.segments.last()?;
    if last.ident != "Vec" || path.qself.is_some() {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(ty) if args.args.len() == 1 => Some(ty),
            _ => None,
        },
        _ => None,
    }
}

/// A type without the references around it: arithmetic on `&f64` and `f64` is on `f64`.
fn deref(ty: &Ty) -> &Ty {
    match ty {
        Ty::Ref(inner) => deref(inner),
        other => other,
    }
}

/// One walk over a function: the classes, each local's class, and the target literal's.
struct Reading {
    classes: Classes,
    /// Each local's type: a class, or the shape it was bound to (a reference, a tuple).
    locals: HashMap<String, Ty>,
    target_at: (usize, usize),
    target: Option<usize>,
    /// Whether the target is a float literal (`1.5`, `1e3`), which defaults to `f64`.
    target_float: bool,
    returns: Ty,
    /// Closure parameters typed `impl Fn(..) -> T`: calling one gives a `T`.
    callables: HashMap<String, &'static str>,
}

impl Reading {
    fn new(function: &syn::ItemFn, target_at: (usize, usize)) -> Reading {
        let mut classes = Classes::default();
        let returns = match &function.sig.output {
            syn::ReturnType::Type(_, ty) => declared(&mut classes, ty),
            syn::ReturnType::Default => Ty::Class(classes.opened()),
        };
        Reading {
            classes,
            locals: HashMap::new(),
            target_at,
            target: None,
            target_float: false,
            returns,
            callables: HashMap::new(),
        }
    }

    fn function(&mut self, function: &syn::ItemFn) {
        let twice = bound_twice(function);
        for name in &twice {
            let class = self.classes.opened();
            self.locals.insert(name.clone(), Ty::Class(class));
        }
        for input in &function.sig.inputs {
            let syn::FnArg::Typed(typed) = input else {
                continue;
            };
            if let syn::Pat::Ident(pat) = &*typed.pat {
                if let Some(result) = callable_result(&typed.ty) {
                    self.callables.insert(pat.ident.to_string(), result);
                }
            }
            let ty = declared(&mut self.classes, &typed.ty);
            self.bind(&typed.pat, &ty);
        }
        let value = self.block(&function.block);
        let returns = self.returns.clone();
        self.unify(&value, &returns);
    }

    fn unify(&mut self, a: &Ty, b: &Ty) {
        match (a, b) {
            (Ty::Class(x), Ty::Class(y)) => self.classes.union(*x, *y),
            (Ty::Tuple(xs), Ty::Tuple(ys)) if xs.len() == ys.len() => {
                for (x, y) in xs.iter().zip(ys) {
                    self.unify(x, y);
                }
            }
            (Ty::Ref(x), Ty::Ref(y)) | (Ty::Seq(x), Ty::Seq(y)) => self.unify(x, y),
            (x, y) => {
                self.open(x);
                self.open(y);
            }
        }
    }

    fn open(&mut self, ty: &Ty) {
        match ty {
            Ty::Class(class) => {
                let root = self.classes.find(*class);
                self.classes.open[root] = true;
            }
            Ty::Tuple(parts) => parts.iter().for_each(|part| self.open(part)),
            Ty::Ref(inner) | Ty::Seq(inner) => self.open(inner),
        }
    }

    fn opened(&mut self) -> Ty {
        Ty::Class(self.classes.opened())
    }

    fn typed(&mut self, ty: &'static str) -> Ty {
        Ty::Class(self.classes.typed(ty))
    }

    /// Binds a pattern's names to `ty`: a name or a tuple of names follow it, any other
    /// pattern opens what it takes apart.
    fn bind(&mut self, pat: &syn::Pat, ty: &Ty) {
        match pat {
            syn::Pat::Ident(ident) if ident.subpat.is_none() && ident.by_ref.is_none() => {
                let name = ident.ident.to_string();
                match self.locals.get(&name).cloned() {
                    // Bound twice (opened up front), or a `let x;` assigned later.
                    Some(known) => self.unify(&known, ty),
                    None => {
                        self.locals.insert(name, ty.clone());
                    }
                }
            }
            syn::Pat::Tuple(tuple) => {
                let parts: Vec<Ty> = tuple.elems.iter().map(|_| self.fresh_ty()).collect();
                self.unify(&Ty::Tuple(parts.clone()), ty);
                for (elem, part) in tuple.elems.iter().zip(&parts) {
                    self.bind(elem, part);
                }
            }
            syn::Pat::Type(typed) => {
                let declared = declared(&mut self.classes, &typed.ty);
                self.unify(&declared, ty);
                self.bind(&typed.pat, ty);
            }
            syn::Pat::Wild(_) => {}
            syn::Pat::Lit(lit) => {
                let value = self.expr(&syn::Expr::Lit(lit.clone()));
                self.unify(&value, ty);
            }
            other => {
                self.open(ty);
                self.open_names_in_pat(other);
            }
        }
    }

    fn fresh_ty(&mut self) -> Ty {
        Ty::Class(self.classes.fresh())
    }

    fn open_names_in_pat(&mut self, pat: &syn::Pat) {
        for name in names_in_pat(pat) {
            let known = self.locals.get(&name).cloned();
            match known {
                Some(known) => self.open(&known),
                None => {
                    let opened = self.opened();
                    self.locals.insert(name, opened);
                }
            }
        }
    }

    fn block(&mut self, block: &syn::Block) -> Ty {
        let mut value = None;
        for stmt in &block.stmts {
            value = self.stmt(stmt);
        }
        value.unwrap_or_else(|| self.opened())
    }

    /// A statement; the block's value if it is a tail expression.
    fn stmt(&mut self, stmt: &syn::Stmt) -> Option<Ty> {
        match stmt {
            syn::Stmt::Local(local) => {
                let value = match &local.init {
                    Some(init) => {
                        let value = self.expr(&init.expr);
                        if let Some((_, diverge)) = &init.diverge {
                            self.expr(diverge);
                        }
                        value
                    }
                    None => self.fresh_ty(),
                };
                self.bind(&local.pat, &value);
                None
            }
            syn::Stmt::Expr(expr, semi) => {
                let value = self.expr(expr);
                semi.is_none().then_some(value)
            }
            syn::Stmt::Item(_) => None,
            syn::Stmt::Macro(mac) => {
                self.open_tokens(&mac.mac.tokens);
                None
            }
        }
    }
}

impl Reading {
    /// An expression's type, joining the classes the expression ties together.
    fn expr(&mut self, expr: &syn::Expr) -> Ty {
        use syn::Expr as E;
        match expr {
            E::Lit(lit) => self.lit(&lit.lit),
            E::Path(path) => match path.path.get_ident() {
                Some(ident) if path.qself.is_none() => self.local(&ident.to_string()),
                _ => self.opened(),
            },
            E::Paren(inner) => self.expr(&inner.expr),
            E::Group(inner) => self.expr(&inner.expr),
            E::Binary(binary) => self.binary(binary),
            E::Assign(assign) => {
                let (left, right) = (self.expr(&assign.left), self.expr(&assign.right));
                self.unify(&left, &right);
                self.opened()
            }
            E::Unary(unary) => {
                let inner = self.expr(&unary.expr);
                match (unary.op, inner) {
                    (syn::UnOp::Neg(_) | syn::UnOp::Not(_), inner) => inner,
                    (syn::UnOp::Deref(_), Ty::Ref(referent)) => *referent,
                    (_, inner) => {
                        self.open(&inner);
                        self.opened()
                    }
                }
            }
            E::Tuple(tuple) => Ty::Tuple(tuple.elems.iter().map(|e| self.expr(e)).collect()),
            E::Block(block) if block.label.is_none() => self.block(&block.block),
            E::If(branch) => self.branch(branch),
            E::Match(matched) => self.matched(matched),
            E::Range(range) => {
                // The range itself is a `Range<T>`, which nothing here reads further.
                let ends = self.range(range, None);
                self.open(&ends);
                self.opened()
            }
            E::Index(index) => self.index(index),
            E::Return(ret) => {
                let value = match &ret.expr {
                    Some(value) => self.expr(value),
                    None => self.opened(),
                };
                let returns = self.returns.clone();
                self.unify(&value, &returns);
                self.opened()
            }
            E::ForLoop(for_loop) => self.for_loop(for_loop),
            E::While(_) | E::Loop(_) | E::Struct(_) | E::Array(_) => self.compound(expr),
            E::Cast(cast) => {
                // `1 as u8` may type the literal by the cast: undecided here.
                let inner = self.expr(&cast.expr);
                self.open(&inner);
                match primitive(&cast.ty) {
                    Some(p) => self.typed(p),
                    None => self.opened(),
                }
            }
            E::Reference(reference) => self.opaque(&reference.expr),
            E::Field(field) => self.opaque(&field.base),
            E::Try(tried) => self.opaque(&tried.expr),
            E::Unsafe(block) => self.block(&block.block),
            E::MethodCall(call) => self.method_call(call),
            E::Call(call) => self.call(call),
            other => self.unread(other),
        }
    }

    /// Loops, struct literals and arrays: their parts are read, their own value opened.
    fn compound(&mut self, expr: &syn::Expr) -> Ty {
        match expr {
            syn::Expr::While(while_loop) => {
                let cond = self.expr(&while_loop.cond);
                self.open(&cond);
                self.block(&while_loop.body);
            }
            syn::Expr::Loop(body) => {
                self.block(&body.body);
            }
            syn::Expr::Struct(fields) => {
                // A field's type is declared with the struct, elsewhere.
                for field in &fields.fields {
                    self.opaque(&field.expr);
                }
                if let Some(rest) = &fields.rest {
                    self.opaque(rest);
                }
            }
            syn::Expr::Array(array) => {
                let element = self.fresh_ty();
                for elem in &array.elems {
                    let value = self.expr(elem);
                    self.unify(&element, &value);
                }
                self.open(&element);
            }
            other => return self.unread(other),
        }
        self.opened()
    }

    fn lit(&mut self, lit: &syn::Lit) -> Ty {
        let ty = match lit {
            syn::Lit::Int(int) if int.suffix().is_empty() => {
                let class = self.classes.fresh();
                self.mark(lit.span(), class);
                return Ty::Class(class);
            }
            syn::Lit::Float(float) if float.suffix().is_empty() => {
                let class = self.classes.fresh();
                self.mark(lit.span(), class);
                self.target_float |= self.target == Some(class);
                return Ty::Class(class);
            }
            syn::Lit::Int(int) => PRIMITIVES.iter().copied().find(|p| *p == int.suffix()),
            syn::Lit::Float(float) => PRIMITIVES.iter().copied().find(|p| *p == float.suffix()),
            syn::Lit::Bool(_) => Some("bool"),
            syn::Lit::Byte(_) => Some("u8"),
            _ => None,
        };
        match ty {
            Some(ty) => self.typed(ty),
            None => self.opened(),
        }
    }

    fn mark(&mut self, span: proc_macro2::Span, class: usize) {
        let start = span.start();
        if (start.line, start.column) == self.target_at {
            self.target = Some(class);
        }
    }

    fn local(&mut self, name: &str) -> Ty {
        match self.locals.get(name) {
            Some(known) => known.clone(),
            // A constant or a static: its type is declared elsewhere.
            None => self.opened(),
        }
    }

    fn binary(&mut self, binary: &syn::ExprBinary) -> Ty {
        use syn::BinOp as B;
        let left = self.expr(&binary.left);
        let right = self.expr(&binary.right);
        match binary.op {
            B::Add(_)
            | B::Sub(_)
            | B::Mul(_)
            | B::Div(_)
            | B::Rem(_)
            | B::BitAnd(_)
            | B::BitOr(_)
            | B::BitXor(_) => {
                // Std's operators on primitives take either side by value or by reference
                // and give the value type.
                let (left, right) = (deref(&left).clone(), deref(&right).clone());
                self.unify(&left, &right);
                left
            }
            B::Eq(_) | B::Ne(_) | B::Lt(_) | B::Le(_) | B::Gt(_) | B::Ge(_) => {
                let (left, right) = (deref(&left).clone(), deref(&right).clone());
                self.unify(&left, &right);
                self.typed("bool")
            }
            B::And(_) | B::Or(_) => {
                let boolean = self.typed("bool");
                self.unify(&left, &boolean);
                self.unify(&right, &boolean);
                boolean
            }
            // A shift's right side has a type of its own.
            B::Shl(_) | B::Shr(_) => left,
            B::ShlAssign(_) | B::ShrAssign(_) => self.opened(),
            _ => {
                // Compound assignments (`+=` and the like) tie both sides.
                self.unify(&left, &right);
                self.opened()
            }
        }
    }

    fn branch(&mut self, branch: &syn::ExprIf) -> Ty {
        let cond = self.expr(&branch.cond);
        let boolean = self.typed("bool");
        self.unify(&cond, &boolean);
        let then = self.block(&branch.then_branch);
        match &branch.else_branch {
            Some((_, other)) => {
                let other = self.expr(other);
                self.unify(&then, &other);
                then
            }
            None => self.opened(),
        }
    }

    fn matched(&mut self, matched: &syn::ExprMatch) -> Ty {
        let scrutinee = self.expr(&matched.expr);
        // The first arm's value gives the shape (a tuple, say) the others must have.
        let mut value: Option<Ty> = None;
        for arm in &matched.arms {
            self.bind(&arm.pat, &scrutinee);
            if let Some((_, guard)) = &arm.guard {
                self.expr(guard);
            }
            let body = self.expr(&arm.body);
            match &value {
                Some(value) => self.unify(value, &body),
                None => value = Some(body),
            }
        }
        value.unwrap_or_else(|| self.opened())
    }

    /// The type a range's ends share (`index` when the range indexes: `usize`).
    fn range(&mut self, range: &syn::ExprRange, index: Option<Ty>) -> Ty {
        let ends: Vec<Ty> = [&range.start, &range.end]
            .into_iter()
            .flatten()
            .map(|end| self.expr(end))
            .collect();
        let class = index.unwrap_or_else(|| self.fresh_ty());
        for end in &ends {
            self.unify(end, &class);
        }
        class
    }

    fn index(&mut self, index: &syn::ExprIndex) -> Ty {
        let base = self.expr(&index.expr);
        self.open(&base);
        let usize_ty = self.typed("usize");
        match &*index.index {
            syn::Expr::Range(range) => {
                self.range(range, Some(usize_ty));
            }
            other => {
                let at = self.expr(other);
                self.unify(&at, &usize_ty);
            }
        }
        self.opened()
    }
}

impl Reading {
    /// `for i in a..b` ties `i` to the ends; any other iterator opens the pattern.
    fn for_loop(&mut self, for_loop: &syn::ExprForLoop) -> Ty {
        let item = match &*for_loop.expr {
            syn::Expr::Range(range) => self.range(range, None),
            other => match self.expr(other) {
                // Walking `&[T]` or `&Vec<T>` gives `&T`; a `Vec<T>` by value, `T`.
                Ty::Ref(seq) => match *seq {
                    Ty::Seq(element) => Ty::Ref(element),
                    other => {
                        self.open(&other);
                        self.opened()
                    }
                },
                Ty::Seq(element) => *element,
                iterated => {
                    self.open(&iterated);
                    self.opened()
                }
            },
        };
        self.bind(&for_loop.pat, &item);
        self.block(&for_loop.body);
        self.opened()
    }

    /// `.len()` and `.count()` are `usize`; every other method may take and give anything.
    fn method_call(&mut self, call: &syn::ExprMethodCall) -> Ty {
        let receiver = self.expr(&call.receiver);
        self.open(&receiver);
        for arg in &call.args {
            let arg = self.expr(arg);
            self.open(&arg);
        }
        let name = call.method.to_string();
        if call.args.is_empty() && (name == "len" || name == "count") {
            return self.typed("usize");
        }
        self.opened()
    }

    /// Calling a parameter typed `impl Fn(..) -> T` gives a `T`; other calls are opaque.
    fn call(&mut self, call: &syn::ExprCall) -> Ty {
        for arg in &call.args {
            let arg = self.expr(arg);
            self.open(&arg);
        }
        let result = match &*call.func {
            syn::Expr::Path(path) => path
                .path
                .get_ident()
                .and_then(|ident| self.callables.get(&ident.to_string()).copied()),
            _ => None,
        };
        match result {
            Some(ty) => self.typed(ty),
            None => {
                let func = self.expr(&call.func);
                self.open(&func);
                self.opened()
            }
        }
    }

    /// An expression whose value goes where this reading does not follow (`&x`, `x.f`,
    /// `x?`): its parts are read, its own type opened.
    fn opaque(&mut self, inner: &syn::Expr) -> Ty {
        let inner = self.expr(inner);
        self.open(&inner);
        self.opened()
    }

    /// An expression this reading does not follow: every local it names and every literal
    /// in it may be constrained by it.
    fn unread(&mut self, expr: &syn::Expr) -> Ty {
        use quote::ToTokens;
        self.open_tokens(&expr.to_token_stream());
        self.opened()
    }

    /// Opens the class of every local a token stream names, and of the target literal if the
    /// stream holds it (a macro's arguments, an expression not followed).
    fn open_tokens(&mut self, tokens: &proc_macro2::TokenStream) {
        for tree in tokens.clone() {
            match tree {
                proc_macro2::TokenTree::Group(group) => self.open_tokens(&group.stream()),
                proc_macro2::TokenTree::Ident(ident) => {
                    if let Some(known) = self.locals.get(&ident.to_string()).cloned() {
                        self.open(&known);
                    }
                }
                proc_macro2::TokenTree::Literal(literal) => {
                    let start = literal.span().start();
                    if (start.line, start.column) == self.target_at && self.target.is_none() {
                        let class = self.classes.opened();
                        self.target = Some(class);
                    }
                }
                proc_macro2::TokenTree::Punct(_) => {}
            }
        }
    }
}

/// The result type of a parameter typed `impl Fn*(..) -> T` or `&dyn Fn*(..) -> T`, when `T`
/// is a primitive.
fn callable_result(ty: &syn::Type) -> Option<&'static str> {
    let bounds = match ty {
        syn::Type::ImplTrait(bounds) => &bounds.bounds,
        syn::Type::Reference(reference) => match &*reference.elem {
            syn::Type::TraitObject(object) => &object.bounds,
            _ => return None,
        },
        _ => return None,
    };
    bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let last = bound.path.segments.last()?;
        let syn::PathArguments::Parenthesized(args) = &last.arguments else {
            return None;
        };
        match &args.output {
            syn::ReturnType::Type(_, ty) => primitive(ty),
            syn::ReturnType::Default => None,
        }
    })
}

/// The names a pattern binds.
fn names_in_pat(pat: &syn::Pat) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.0.push(pat.ident.to_string());
            syn::visit::visit_pat_ident(self, pat);
        }
    }
    let mut names = Names(Vec::new());
    names.visit_pat(pat);
    names.0
}

/// The names bound more than once in a function (parameters, patterns, closures): one
/// class per name would mix two locals, so such names stay open.
pub(super) fn bound_twice(function: &syn::ItemFn) -> HashSet<String> {
    struct Count(HashMap<String, usize>);
    impl<'ast> Visit<'ast> for Count {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            *self.0.entry(pat.ident.to_string()).or_default() += 1;
            syn::visit::visit_pat_ident(self, pat);
        }
    }
    let mut count = Count(HashMap::new());
    count.visit_item_fn(function);
    count
        .0
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod test {
    /// The type of the first `7` in `source` (one function), or the reason.
    fn type_of_seven(source: &str) -> Result<&'static str, String> {
        let function: syn::ItemFn = syn::parse_str(source).unwrap();
        let line = source.lines().position(|l| l.contains('7')).unwrap();
        let column = source.lines().nth(line).unwrap().find('7').unwrap();
        let at = proc_macro2::LineColumn {
            line: line + 1,
            column,
        };
        super::literal_type(&function, at, "7")
    }

    #[test]
    fn a_number_takes_the_type_of_what_it_meets_in_its_function() {
        let cases = [
            ("fn f(n: u16) -> u16 {\n    n + 7\n}", "u16"),
            ("fn f() {\n    let x: i64 = 7;\n}", "i64"),
            ("fn f() -> u8 {\n    let x = 7;\n    x\n}", "u8"),
            ("fn f(v: &[u8]) -> u8 {\n    let i = 7;\n    v[i]\n}", "usize"),
            ("fn f(v: &[u8]) -> bool {\n    let n = 7;\n    n < v.len()\n}", "usize"),
            ("fn f(k: bool) -> u32 {\n    let (a, b) = if k { (7, 1) } else { (1, 2) };\n    a + b\n}", "u32"),
            ("fn f(k: u8, n: u16) -> u16 {\n    let (a, b) = match k {\n        0 => (7, n),\n        _ => (n, 1),\n    };\n    a + b\n}", "u16"),
            ("fn f(v: &[u8]) -> P {\n    P { head: &v[7], tail: &v[1..] }\n}", "usize"),
            ("fn f() -> (u8, i64) {\n    let n = 7;\n    (1, n)\n}", "i64"),
            ("fn f(xs: &[f32]) -> f32 {\n    let mut t = 0.0;\n    for x in xs {\n        t += 7.0 * x;\n    }\n    t\n}", "f32"),
            ("fn f(x: &u16) -> bool {\n    *x > 7\n}", "u16"),
            ("fn f(len: impl FnOnce() -> usize) -> bool {\n    let n = len();\n    n > 7\n}", "usize"),
            ("fn f() -> bool {\n    let n = 7;\n    for i in 0..n {\n        if i == 2 { return true; }\n    }\n    false\n}", "i32"),
            ("fn f() -> bool {\n    let x = 7.5;\n    x > 1.0\n}", "f64"),
        ];
        for (source, ty) in cases {
            let source = source.replace("7.5", "7.0");
            assert_eq!(type_of_seven(&source), Ok(ty), "{source}");
        }
    }

    #[test]
    fn a_number_whose_type_code_elsewhere_may_decide_is_undecided() {
        let cases = [
            "fn f(v: &mut Vec<u8>) {\n    let n = 7;\n    v.push(n);\n}",
            "fn f() -> u8 {\n    7 as u8\n}",
            "fn f() {\n    let n = 7;\n    println!(\"{}\", n + 1);\n}",
            // Two locals named `n`: one class for both could mix them up.
            "fn f(n: u8) -> u8 {\n    let n = n as u16 + 7;\n    n as u8\n}",
            "fn f(s: &S) -> bool {\n    s.count > 7\n}",
        ];
        for source in cases {
            assert!(type_of_seven(source).is_err(), "{source}");
        }
    }
}
