//! Per-function metrics measured on the syntax tree while a file is parsed: parameters,
//! nesting depth, cyclomatic complexity and cognitive complexity.
//!
//! Cyclomatic complexity follows the decision-point count of McCabe: 1, plus one for each `if`
//! (an `else if` is an `if`, and a `let ... else` is an `if let`), `while`, `for` and `loop`,
//! each `match` arm after the first, each `&&` and `||`, and each `?`.
//!
//! Cognitive complexity follows SonarSource's definition (G. Ann Campbell, "Cognitive
//! Complexity", 2018): +1 for each `if`, `else if`, `else`, `let ... else`, `match`, loop,
//! labelled `break` or `continue`, and each sequence of like logical operators (parentheses
//! do not split a sequence, as in SonarSource's own implementation); `if`, `let ... else`,
//! `match` and loops also add their nesting level, and nesting grows inside them. Items
//! declared in a body (helper functions, local impls) are units of their own. Macro bodies
//! are opaque to both. Two departures, for how Rust reads: a closure adds no nesting (the
//! closure an iterator adapter or a builder takes reads inline, as part of its call), and
//! the arms of a `match` of six arms or more (a table: a `Display` over every variant, a
//! dispatch) add what the hardest arm costs, not their sum, since each is read on its own.
//! Nesting depth leaves closures out too.

use serde::{Deserialize, Serialize};
use syn::visit::Visit;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FnMetrics {
    pub params: u32,
    pub nesting: u32,
    pub cyclomatic: u32,
    pub cognitive: u32,
    /// Lines of items declared in the body (helper functions), which are units of their own.
    pub nested_lines: u32,
    /// Lines of table `match`es (six arms or more, outermost only): data more than steps.
    #[serde(default)]
    pub table_lines: u32,
    /// The function smells silenced on this function, as rule ids (`// cargo-loop:
    /// allow(long-function)`, or the matching clippy allow), one bit each: see [`Allowed`].
    #[serde(default)]
    pub allowed: u8,
}

/// The function smells that can be silenced, and how: their rule id and the clippy lint whose
/// allow silences them too.
pub struct Allowed;

impl Allowed {
    pub const RULES: [(&'static str, &'static str); 4] = [
        ("long-function", "too_many_lines"),
        ("complex-function", "cognitive_complexity"),
        ("too-many-params", "too_many_arguments"),
        ("deep-nesting", "excessive_nesting"),
    ];

    /// The bit of a rule id, if it is one of them.
    pub fn bit(rule: &str) -> Option<u8> {
        Self::bit_of(|(id, _)| *id == rule)
    }

    /// The bit the clippy lint `clippy::NAME` silences, if any.
    pub fn clippy_bit(lint: &str) -> Option<u8> {
        Self::bit_of(|(_, clippy)| *clippy == lint)
    }

    fn bit_of(found: impl Fn(&(&str, &str)) -> bool) -> Option<u8> {
        Self::RULES.iter().position(found).map(|i| 1 << i)
    }
}

/// Measures one function from its signature and body.
pub fn measure(sig: &syn::Signature, body: &syn::Block) -> FnMetrics {
    let mut visitor = Measure {
        cyclomatic: 1,
        ..Measure::default()
    };
    visitor.visit_block(body);
    FnMetrics {
        allowed: 0,
        params: sig
            .inputs
            .iter()
            .filter(|arg| matches!(arg, syn::FnArg::Typed(_)))
            .count() as u32,
        nesting: visitor.max_nesting,
        cyclomatic: visitor.cyclomatic,
        cognitive: visitor.cognitive,
        nested_lines: visitor.nested_lines,
        table_lines: visitor.table_lines,
    }
}

#[derive(Default)]
struct Measure {
    nested_lines: u32,
    table_lines: u32,
    in_table: bool,
    /// Closures around the code being measured: they deepen the nesting, not its cost.
    closures: u32,
    nesting: u32,
    max_nesting: u32,
    cyclomatic: u32,
    cognitive: u32,
}

/// Arms from which a `match` is a table whose arms are read one at a time.
const TABLE_ARMS: usize = 6;

impl Measure {
    /// The nesting a decision pays for: closures left out. A closure handed to an iterator
    /// adapter or a builder is read inline, as the call it is an argument of.
    fn depth(&self) -> u32 {
        self.nesting - self.closures
    }

    fn nested<F: FnOnce(&mut Self)>(&mut self, f: F) {
        self.nesting += 1;
        self.max_nesting = self.max_nesting.max(self.depth());
        f(self);
        self.nesting -= 1;
    }

    /// An `if` and its `else if` chain: the first `if` pays for its nesting, the rest do not.
    fn visit_if_chain(&mut self, node: &syn::ExprIf, first: bool) {
        self.cyclomatic += 1;
        self.cognitive += if first { 1 + self.depth() } else { 1 };
        self.visit_expr(&node.cond);
        self.nested(|this| this.visit_block(&node.then_branch));
        match node.else_branch.as_ref().map(|(_, e)| &**e) {
            Some(syn::Expr::If(else_if)) => self.visit_if_chain(else_if, false),
            Some(other) => {
                self.cognitive += 1;
                self.nested(|this| this.visit_expr(other));
            }
            None => {}
        }
    }

    /// A `match`: one increment and its nesting, then its arms. The arms of a table (a
    /// `Display` over every variant, a command dispatch) are read one at a time, each on its
    /// own like a function of its own: they add what the hardest of them costs, not the sum.
    fn visit_match(&mut self, node: &syn::ExprMatch) {
        self.cyclomatic += node.arms.len().saturating_sub(1) as u32;
        self.cognitive += 1 + self.depth();
        self.visit_expr(&node.expr);
        let table = node.arms.len() >= TABLE_ARMS;
        let outermost = table && !self.in_table;
        if outermost {
            let span = syn::spanned::Spanned::span(node);
            self.table_lines += (span.end().line + 1).saturating_sub(span.start().line) as u32;
            self.in_table = true;
        }
        let before = self.cognitive;
        let mut hardest = 0;
        self.nested(|this| {
            for arm in &node.arms {
                let start = this.cognitive;
                this.visit_arm(arm);
                hardest = hardest.max(this.cognitive - start);
            }
        });
        if table {
            self.cognitive = before + hardest;
        }
        if outermost {
            self.in_table = false;
        }
    }

    /// A run of `&&`/`||`: one increment per change of operator, then the operands.
    fn visit_logical(&mut self, node: &syn::ExprBinary) {
        let mut ops = Vec::new();
        let mut operands = Vec::new();
        flatten_logical(&node.left, &mut ops, &mut operands);
        ops.extend(is_logical(&node.op));
        flatten_logical(&node.right, &mut ops, &mut operands);
        self.cyclomatic += ops.len() as u32;
        self.cognitive += 1 + ops.windows(2).filter(|w| w[0] != w[1]).count() as u32;
        for operand in operands {
            self.visit_expr(operand);
        }
    }
}

fn is_logical(op: &syn::BinOp) -> Option<bool> {
    match op {
        syn::BinOp::And(_) => Some(true),
        syn::BinOp::Or(_) => Some(false),
        _ => None,
    }
}

/// Whether `expr` is a `&&`/`||` operation, possibly inside more parentheses.
fn is_logical_run(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Binary(bin) => is_logical(&bin.op).is_some(),
        syn::Expr::Paren(paren) => is_logical_run(&paren.expr),
        _ => false,
    }
}

/// The operators (`true` for `&&`) and operands of a left-to-right run of logical operators.
fn flatten_logical<'a>(
    expr: &'a syn::Expr,
    ops: &mut Vec<bool>,
    operands: &mut Vec<&'a syn::Expr>,
) {
    match expr {
        syn::Expr::Binary(bin) if is_logical(&bin.op).is_some() => {
            flatten_logical(&bin.left, ops, operands);
            ops.extend(is_logical(&bin.op));
            flatten_logical(&bin.right, ops, operands);
        }
        // `(a && b) && c` is one sequence to a reader, and to SonarSource, which removes
        // parentheses before flattening.
        syn::Expr::Paren(paren) if is_logical_run(&paren.expr) => {
            flatten_logical(&paren.expr, ops, operands);
        }
        other => operands.push(other),
    }
}

impl<'ast> Visit<'ast> for Measure {
    fn visit_expr(&mut self, node: &'ast syn::Expr) {
        match node {
            syn::Expr::If(e) => self.visit_if_chain(e, true),
            syn::Expr::Match(e) => self.visit_match(e),
            syn::Expr::ForLoop(e) => {
                self.cyclomatic += 1;
                self.cognitive += 1 + self.depth();
                self.visit_expr(&e.expr);
                self.nested(|this| this.visit_block(&e.body));
            }
            syn::Expr::While(e) => {
                self.cyclomatic += 1;
                self.cognitive += 1 + self.depth();
                self.visit_expr(&e.cond);
                self.nested(|this| this.visit_block(&e.body));
            }
            syn::Expr::Loop(e) => {
                self.cyclomatic += 1;
                self.cognitive += 1 + self.depth();
                self.nested(|this| this.visit_block(&e.body));
            }
            syn::Expr::Closure(e) => {
                self.closures += 1;
                self.nested(|this| this.visit_expr(&e.body));
                self.closures -= 1;
            }
            syn::Expr::Binary(e) if is_logical(&e.op).is_some() => self.visit_logical(e),
            syn::Expr::Try(e) => {
                self.cyclomatic += 1;
                self.visit_expr(&e.expr);
            }
            syn::Expr::Break(e) => {
                self.cognitive += u32::from(e.label.is_some());
                syn::visit::visit_expr_break(self, e);
            }
            syn::Expr::Continue(e) => self.cognitive += u32::from(e.label.is_some()),
            other => syn::visit::visit_expr(self, other),
        }
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        // `let PAT = EXPR else { .. };` is `if let PAT = EXPR { .. } else { .. }` written
        // the other way round: the same decision, and the same increment as that `if`.
        let Some(init) = &node.init else { return };
        self.visit_expr(&init.expr);
        if let Some((_, diverge)) = &init.diverge {
            self.cyclomatic += 1;
            self.cognitive += 1 + self.depth();
            self.nested(|this| this.visit_expr(diverge));
        }
    }

    fn visit_item(&mut self, node: &'ast syn::Item) {
        // An item nested in a body (a helper function, an impl) is a unit of its own,
        // measured and reported on its own: the enclosing function neither counts its
        // branches nor its lines.
        let span = syn::spanned::Spanned::span(node);
        self.nested_lines += (span.end().line + 1).saturating_sub(span.start().line) as u32;
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn metrics(src: &str) -> FnMetrics {
        let item: syn::ItemFn = syn::parse_str(src).unwrap();
        measure(&item.sig, &item.block)
    }

    #[test]
    fn straight_code_is_one_and_zero() {
        let m = metrics("fn f(a: u32, b: u32) -> u32 { let c = a + b; c * 2 }");
        assert_eq!(
            m,
            FnMetrics {
                params: 2,
                nesting: 0,
                cyclomatic: 1,
                cognitive: 0,
                nested_lines: 0,
                table_lines: 0,
                allowed: 0,
            }
        );
    }

    /// The example of the cognitive complexity paper, `sumOfPrimes`, in Rust: 7.
    #[test]
    fn nested_loops_and_labelled_continue_follow_the_paper() {
        let m = metrics(
            "fn sum_of_primes(max: u32) -> u32 {
                let mut total = 0;
                'outer: for i in 1..=max {
                    for j in 2..i {
                        if i % j == 0 {
                            continue 'outer;
                        }
                    }
                    total += i;
                }
                total
            }",
        );
        assert_eq!(m.cognitive, 7);
        assert_eq!(m.cyclomatic, 4);
        assert_eq!(m.nesting, 3);
    }

    /// A table's arms are read one at a time: it costs its hardest arm, however many there
    /// are; a short `match` costs the sum of its arms, as an `if` chain would.
    #[test]
    fn a_table_of_arms_costs_its_hardest_arm() {
        let arm = |v: u32| format!("{v} => if x > {v} {{ 1 }} else {{ 2 }},");
        let body = |arms: u32| -> String { (0..arms).map(arm).collect() };
        let table = metrics(&format!(
            "fn f(n: u32, x: u32) -> u32 {{ match n {{ {} _ => 0 }} }}",
            body(9)
        ));
        // The match (1), the hardest arm: an `if` nested once (2) and its `else` (1).
        assert_eq!(table.cognitive, 4);
        assert_eq!(table.cyclomatic, 1 + 9 + 9);
        assert_eq!(table.table_lines, 1);
        let short = metrics(&format!(
            "fn f(n: u32, x: u32) -> u32 {{ match n {{ {} _ => 0 }} }}",
            body(2)
        ));
        assert_eq!(short.cognitive, 1 + 2 * 3);
        assert_eq!(short.table_lines, 0);
    }

    /// The paper's `getWords` switch is 1 however many cases it has; cyclomatic grows with arms.
    #[test]
    fn a_match_is_one_cognitive_increment() {
        let m = metrics("fn words(n: u32) -> &'static str { match n { 1 => \"one\", 2 => \"a couple\", 3 => \"a few\", _ => \"lots\" } }");
        assert_eq!(m.cognitive, 1);
        assert_eq!(m.cyclomatic, 4);
    }

    #[test]
    fn else_if_chains_and_logical_sequences() {
        let m = metrics(
            "fn f(a: bool, b: bool, c: bool) -> u32 {
                if a && b && c {
                    1
                } else if a || b && c {
                    2
                } else {
                    3
                }
            }",
        );
        // if +1, && run +1, else if +1, `|| &&` +2, else +1.
        assert_eq!(m.cognitive, 6);
        // if, else if, four logical operators.
        assert_eq!(m.cyclomatic, 7);
    }

    #[test]
    fn closures_are_read_inline_and_question_marks_add_paths() {
        let m = metrics("fn f(v: Vec<u32>) -> Result<u32, E> { v.iter().map(|x| if *x > 1 { 1 } else { 0 }).sum::<u32>(); g()?; Ok(1) }");
        // if inside a closure: +1, no nesting for the closure; else +1.
        assert_eq!((m.cognitive, m.nesting), (2, 1));
        assert_eq!(m.cyclomatic, 3);
    }

    /// Parentheses group operators for the compiler, not for the reader: `(a && b) && (c && d)`
    /// is one sequence, as `a && b && c && d` is; a change of operator inside still counts.
    #[test]
    fn parentheses_do_not_split_a_logical_sequence() {
        let flat = metrics("fn f(a: bool, b: bool, c: bool, d: bool) -> bool { a && b && c && d }");
        let grouped =
            metrics("fn f(a: bool, b: bool, c: bool, d: bool) -> bool { (a && b) && ((c && d)) }");
        assert_eq!((flat.cognitive, grouped.cognitive), (1, 1));
        assert_eq!(grouped.cyclomatic, 4);
        let mixed = metrics("fn f(a: bool, b: bool, c: bool) -> bool { a && (b || c) }");
        assert_eq!(mixed.cognitive, 2);
        // A negated group is an operand of its own, with its own sequence.
        let negated = metrics("fn f(a: bool, b: bool, c: bool) -> bool { a && !(b && c) }");
        assert_eq!(negated.cognitive, 2);
    }

    /// `let ... else` is the same decision as `if let ... else`, nesting included.
    #[test]
    fn let_else_counts_like_if_let() {
        let if_let =
            metrics("fn f(o: Option<u32>) -> u32 { if let Some(x) = o { x } else { return 0 } }");
        let let_else =
            metrics("fn f(o: Option<u32>) -> u32 { let Some(x) = o else { return 0 }; x }");
        assert_eq!((if_let.cyclomatic, if_let.cognitive), (2, 2));
        assert_eq!((let_else.cyclomatic, let_else.cognitive), (2, 1));
        let nested = metrics(
            "fn f(v: Vec<Option<u32>>) -> u32 { for o in v { let Some(x) = o else { if x() { continue } return 0 }; } 1 }",
        );
        // for +1; let-else +1 +1 nesting; the `if` in its else block +1 +2 nesting.
        assert_eq!(nested.cognitive, 6);
        assert_eq!(nested.cyclomatic, 4);
        assert_eq!(nested.nesting, 3);
    }

    /// A function, impl or trait declared in the body is a unit of its own: neither its
    /// branches nor its lines are the enclosing function's.
    #[test]
    fn items_in_a_body_are_measured_on_their_own() {
        let nested_fn = metrics(
            "fn f() -> u32 {\n fn inner(x: bool) -> u32 {\n if x { 1 } else { 0 }\n }\n inner(true) }",
        );
        let local_impl = metrics(
            "fn f() -> u32 { struct S; impl S { fn inner(&self, x: bool) -> u32 { if x { 1 } else { 0 } } } S.inner(true) }",
        );
        let local_trait = metrics(
            "fn f() -> u32 { trait T { fn inner(&self, x: bool) -> u32 { if x { 1 } else { 0 } } } 0 }",
        );
        let closure = metrics("fn f() -> u32 { let g = |x: bool| if x { 1 } else { 0 }; g(true) }");
        assert_eq!((nested_fn.cognitive, nested_fn.nested_lines), (0, 3));
        assert_eq!((local_impl.cognitive, local_impl.nesting), (0, 0));
        assert_eq!(local_trait.cognitive, 0);
        // A closure is part of its function's code, read inline.
        assert_eq!((closure.cognitive, closure.nesting), (2, 1));
    }
}
