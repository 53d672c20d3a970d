//! The syn visitor that records what detection needs from one file's syntax tree: units,
//! statement sequences, shapes, modules and their references, then drops the tree.
//!
//! This file holds the visitor and its entry point; what each kind of node records lives in
//! `collect/`: `attrs` (allow markers, test code, `#[cfg]` scaffolding, `#[path]`), `units`
//! (functions, methods, impls, statement sequences), `shapes` (structs, enums, traits),
//! `modules` (inline modules, `mod` declarations, `include!`, items), `refs` (what each
//! module names) and `matches` (enum matches).

mod attrs;
#[cfg(test)]
pub(crate) use attrs::RULE_IDS;
mod collector;
mod matches;
mod modules;
mod refs;
mod shapes;
mod text;
pub use modules::named_item;
pub use text::type_name;
mod units;

use std::ops::Range;

use syn::visit::Visit;

use super::cfg::Build;
use super::lex::Flattener;
use super::parsed::{ModuleInfo, ParsedFile, UnitKeys, UnitKind};
use super::spans::{is_instrumentation, stmt_attrs};
use collector::Collector;
use modules::{count_items, count_own_code_lines};
use text::sig_start;

/// Walks `file`, flattened as `flat`, and records what detection needs from it.
pub(super) fn collect(
    file: &syn::File,
    flat: Flattener,
    text: &str,
    module: &str,
    build: &Build,
) -> ParsedFile {
    let allow_lines = attrs::allow_lines(text);
    let mut collector = Collector {
        flat: &flat,
        allow_lines,
        allow_rules: attrs::allow_rules(text),
        path: vec![module.to_string()],
        inline_mods: Vec::new(),
        out: ParsedFile {
            tokens: Vec::new(),
            attrs: Vec::new(),
            gated: Vec::new(),
            units: Vec::new(),
            seqs: Vec::new(),
            shapes: Vec::new(),
            mods: Vec::new(),
            modules: vec![ModuleInfo {
                path: module.to_string(),
                line: 1,
                end_line: text.lines().count().max(1) as u32,
                items: count_items(&file.items, build.test),
                code_lines: 0,
            }],
            refs: Vec::new(),
            enum_matches: Vec::new(),
            pub_items: Vec::new(),
            defs: Vec::new(),
            exposures: Vec::new(),
            child_modules: Vec::new(),
            includes: Vec::new(),
            n_lines: text.lines().count() as u32,
            unknown_allows: attrs::unknown_allows(text),
            allowed: Vec::new(),
            generated: None,
            identity: None,
        },
        module: 0,
        owner_suppressed: false,
        clippy_allowed: attrs::clippy_allowed(&file.attrs),
        cfg: Vec::new(),
        build,
        self_type: None,
        impl_trait: None,
        referenced: vec![std::collections::HashSet::new()],
        skipped_lines: Vec::new(),
    };
    collector.record_module_items(0, &file.items);
    collector.visit_file(file);
    collector.out.allowed =
        attrs::allowed_items(file, &collector.allow_rules, collector.out.n_lines);
    let referenced = std::mem::take(&mut collector.referenced);
    let skipped_lines = std::mem::take(&mut collector.skipped_lines);
    let mut out = collector.out;
    out.tokens = flat.tokens;
    out.attrs = merge_ranges(flat.attrs);
    out.gated = merge_ranges(std::mem::take(&mut out.gated));
    let children: std::collections::HashSet<&str> = out
        .child_modules
        .iter()
        .filter_map(|(path, _)| path.rsplit("::").next())
        .collect();
    crate::analysis::source::modrefs::finish(&mut out.refs, &referenced, &children);
    count_own_code_lines(&mut out, &skipped_lines);
    let keys: Vec<UnitKeys> = (out.units.iter()).map(|u| UnitKeys::of(&out, u)).collect();
    for (unit, keys) in out.units.iter_mut().zip(keys) {
        unit.keys = keys;
    }
    let mut seqs = std::mem::take(&mut out.seqs);
    for seq in &mut seqs {
        seq.read(&out);
    }
    out.seqs = seqs;
    out
}

impl Collector<'_> {
    fn item_path(&self, name: &str) -> String {
        let mut path = self.path.join("::");
        if !name.is_empty() {
            if !path.is_empty() {
                path.push_str("::");
            }
            path.push_str(name);
        }
        path
    }

    fn with_owner<F: FnOnce(&mut Self)>(&mut self, name: String, suppressed: bool, f: F) {
        let saved = self.owner_suppressed;
        self.owner_suppressed |= suppressed;
        self.path.push(name);
        f(self);
        self.path.pop();
        self.owner_suppressed = saved;
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        self.record_mod(node);
    }

    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        self.push_fn(
            UnitKind::Fn,
            &node.sig,
            sig_start(&node.sig),
            &node.block,
            &node.attrs,
        );
    }

    fn visit_item_impl(&mut self, node: &'ast syn::ItemImpl) {
        self.record_impl(node);
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        let start = node.defaultness.map_or(sig_start(&node.sig), |d| d.span);
        self.push_fn(UnitKind::Method, &node.sig, start, &node.block, &node.attrs);
    }

    fn visit_item_trait(&mut self, node: &'ast syn::ItemTrait) {
        self.record_trait(node);
    }

    fn visit_item_struct(&mut self, node: &'ast syn::ItemStruct) {
        self.record_struct(node);
    }

    fn visit_item_enum(&mut self, node: &'ast syn::ItemEnum) {
        self.record_enum(node);
    }

    fn visit_item_use(&mut self, node: &'ast syn::ItemUse) {
        self.record_use(node);
    }

    fn visit_path(&mut self, node: &'ast syn::Path) {
        self.record_path(node);
        syn::visit::visit_path(self, node);
    }

    fn visit_attribute(&mut self, node: &'ast syn::Attribute) {
        self.record_serde_paths(node);
        self.record_attribute_paths(node);
        syn::visit::visit_attribute(self, node);
    }

    fn visit_vis_restricted(&mut self, _node: &'ast syn::VisRestricted) {
        // `pub(in crate::a)` says who may see an item; it uses nothing from `a`.
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        self.record_macro(node);
    }

    fn visit_expr_match(&mut self, node: &'ast syn::ExprMatch) {
        self.record_enum_match(node);
        syn::visit::visit_expr_match(self, node);
    }

    fn visit_field_value(&mut self, node: &'ast syn::FieldValue) {
        if is_instrumentation(&node.attrs, None) {
            self.push_gated(node);
        }
        syn::visit::visit_field_value(self, node);
    }

    fn visit_item_macro(&mut self, node: &'ast syn::ItemMacro) {
        if self.skip(&node.attrs) || self.record_include(node) {
            return;
        }
        self.record_item_macro(node);
    }

    fn visit_block(&mut self, node: &'ast syn::Block) {
        self.record_seq(node);
        syn::visit::visit_block(self, node);
    }

    fn visit_stmt(&mut self, node: &'ast syn::Stmt) {
        if is_instrumentation(stmt_attrs(node), Some(node)) {
            self.push_gated(node);
        }
        match node {
            // Items nested in a function body are visited as items.
            syn::Stmt::Item(item) => self.visit_item(item),
            _ => syn::visit::visit_stmt(self, node),
        }
    }
}

/// Sorts ranges and merges those that overlap, so that they can be searched.
fn merge_ranges(mut ranges: Vec<Range<u32>>) -> Vec<Range<u32>> {
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<u32>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}
