//! The units of code detection compares: functions, methods and impl blocks as token ranges
//! with their metrics, and the statement sequences of each block.

use proc_macro2::extra::DelimSpan;
use proc_macro2::Span;
use syn::visit::Visit;

use super::collector::Collector;
use super::text::type_name;
use crate::analysis::source::cfg::Cfg;
use crate::analysis::source::parsed::{StmtSeq, Unit, UnitKeys, UnitKind};
use crate::analysis::source::spans::stmt_start;
use crate::analysis::source::trivial::is_trivial_body;

impl Collector<'_> {
    fn push_unit(
        &mut self,
        kind: UnitKind,
        name: &str,
        start: Span,
        braces: DelimSpan,
        body: Option<&syn::Block>,
        attrs: &[syn::Attribute],
    ) -> bool {
        let close = braces.close();
        let tokens = self.flat.range(start, close);
        let suppressed = self.is_suppressed(attrs, start);
        let cfg = self.cfg_of(attrs);
        self.out.units.push(Unit {
            cfg,
            kind,
            item: self.item_path(name),
            start_line: start.start().line as u32,
            end_line: close.start().line as u32,
            tokens,
            body: self.flat.range(braces.open(), close),
            trivial: body.is_some_and(is_trivial_body),
            suppressed,
            trait_name: self.impl_trait.clone(),
            metrics: None,
            self_type: self.self_type.clone(),
            keys: UnitKeys::default(),
        });
        suppressed
    }

    /// Records a function or method and visits its body.
    pub(super) fn push_fn(
        &mut self,
        kind: UnitKind,
        sig: &syn::Signature,
        start: Span,
        block: &syn::Block,
        attrs: &[syn::Attribute],
    ) {
        if self.skip(attrs) {
            return;
        }
        let name = sig.ident.to_string();
        let suppressed = self.push_unit(
            kind,
            &name,
            start,
            block.brace_token.span,
            Some(block),
            attrs,
        );
        let allowed = super::attrs::silenced_smells(attrs, start, &self.allow_rules);
        if let Some(unit) = self.out.units.last_mut() {
            let mut metrics = crate::analysis::source::metrics::measure(sig, block);
            metrics.allowed = allowed | self.clippy_allowed;
            unit.metrics = Some(metrics);
        }
        // Types in the signature are dependencies of the module.
        self.visit_signature(sig);
        self.with_owner(name, suppressed, |this| this.visit_block(block));
    }

    /// Records an impl block and visits its items as methods of its type.
    pub(super) fn record_impl(&mut self, node: &syn::ItemImpl) {
        if self.skip(&node.attrs) {
            return;
        }
        let self_name = type_name(&node.self_ty);
        let trait_name = node
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last())
            .map(|seg| seg.ident.to_string());
        let start = node.defaultness.map_or(
            node.unsafety.map_or(node.impl_token.span, |u| u.span),
            |d| d.span,
        );
        let label = match &trait_name {
            Some(trait_name) => format!("<impl {trait_name} for {self_name}>"),
            None => format!("<impl {self_name}>"),
        };
        let suppressed = self.push_unit(
            UnitKind::Impl,
            &label,
            start,
            node.brace_token.span,
            None,
            &node.attrs,
        );
        if let Some(unit) = self.out.units.last_mut() {
            unit.trait_name.clone_from(&trait_name);
            unit.self_type = Some(self_name.clone());
        }
        let exposed = crate::analysis::source::modrefs::impl_exposed_names(node);
        // A trait impl is as public as the less public of its trait and its type: for a
        // tuple, a generic or a foreign type, as public as the trait.
        if let Some(trait_name) = &trait_name {
            self.expose(self.module, trait_name, exposed.clone());
        }
        self.expose(self.module, &self_name, exposed);
        // The implemented type and trait, and the bounds, are dependencies of the module.
        self.visit_generics(&node.generics);
        if let Some((_, path, _)) = &node.trait_ {
            self.visit_path(path);
        }
        self.visit_type(&node.self_ty);
        let outer_self = self.self_type.replace(self_name.clone());
        let outer_trait = std::mem::replace(&mut self.impl_trait, trait_name);
        let cfg = Cfg::of_attrs(&node.attrs);
        let outer_clippy = self.clippy_allowed;
        self.clippy_allowed |= super::attrs::clippy_allowed(&node.attrs);
        self.with_cfg(cfg, |this| {
            this.with_owner(self_name, suppressed, |this| {
                for item in &node.items {
                    this.visit_impl_item(item);
                }
            });
        });
        self.clippy_allowed = outer_clippy;
        self.self_type = outer_self;
        self.impl_trait = outer_trait;
    }

    /// Records the statements of a block of two or more (items aside) as a sequence.
    pub(super) fn record_seq(&mut self, node: &syn::Block) {
        let stmts: Vec<&syn::Stmt> = node
            .stmts
            .iter()
            .filter(|stmt| !(matches!(stmt, syn::Stmt::Item(_))))
            .collect();
        if stmts.len() >= 2 {
            let close = self.flat.index_at(node.brace_token.span.close().start());
            let open = self.flat.index_at(node.brace_token.span.open().start());
            let mut starts: Vec<u32> = stmts
                .iter()
                .map(|stmt| self.flat.index_at(stmt_start(stmt).start()))
                .collect();
            // A span that points elsewhere (macro-made tokens) must not break the order.
            let mut floor = open + 1;
            for start in &mut starts {
                *start = (*start).clamp(floor, close);
                floor = *start;
            }
            let ranges = starts
                .iter()
                .enumerate()
                .map(|(i, &start)| {
                    let next = starts.get(i + 1).copied().unwrap_or(close);
                    start..next.max(start)
                })
                .collect();
            self.out.seqs.push(StmtSeq {
                stmts: ranges,
                item: self.item_path(""),
                suppressed: self.owner_suppressed,
                blinded: Vec::new(),
                lines: Vec::new(),
            });
        }
    }
}
