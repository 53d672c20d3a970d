//! The syn visitor that records what detection needs from one file's syntax tree: units,
//! statement sequences, shapes, modules and their references, then drops the tree.

use std::ops::Range;

use proc_macro2::extra::DelimSpan;
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::visit::Visit;

use super::lex::Flattener;
use super::parsed::{
    EnumMatch, Include, ModDecl, ModuleInfo, ParsedFile, PubItem, Shape, ShapeKind, StmtSeq, Unit,
    UnitKind,
};
use super::spans::{is_cfg_gated, item_attrs, stmt_attrs, stmt_start};
use super::trivial::is_trivial_body;
use crate::analysis::source::modrefs::{
    token_paths, use_leaves, Exposure, ItemDef, ModRef, RefKind,
};

/// The marker that suppresses duplicate reports on the item that follows it.
const ALLOW_MARKER: &str = "cargo-loop: allow(duplicate)";

/// Walks `file`, flattened as `flat`, and records what detection needs from it.
pub(super) fn collect(
    file: &syn::File,
    flat: Flattener,
    text: &str,
    module: &str,
    tests: bool,
) -> ParsedFile {
    let allow_lines: Vec<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(ALLOW_MARKER))
        .map(|(i, _)| i as u32 + 1)
        .collect();
    let mut collector = Collector {
        flat: &flat,
        tests,
        allow_lines,
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
                items: count_items(&file.items, tests),
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
        },
        module: 0,
        owner_suppressed: false,
        self_type: None,
        impl_trait: None,
        referenced: vec![std::collections::HashSet::new()],
        skipped_lines: Vec::new(),
    };
    collector.record_module_items(0, &file.items);
    collector.visit_file(file);
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
    out
}

/// A module's lines of code are its own: inline child modules count for themselves, and
/// test modules that are not analysed (`skipped`) count for nobody.
fn count_own_code_lines(out: &mut ParsedFile, skipped: &[(u32, u32)]) {
    let spans: Vec<(u32, u32)> = out.modules.iter().map(|m| (m.line, m.end_line)).collect();
    for (i, module) in out.modules.iter_mut().enumerate() {
        let inner: Vec<(u32, u32)> = spans
            .iter()
            .enumerate()
            .filter(|&(j, &(a, b))| {
                j != i
                    && module.line <= a
                    && b <= module.end_line
                    && (a, b) != (module.line, module.end_line)
            })
            .map(|(_, &span)| span)
            .chain(
                skipped
                    .iter()
                    .copied()
                    .filter(|&(a, b)| module.line <= a && b <= module.end_line),
            )
            .collect();
        let first = out.tokens.partition_point(|t| t.line < module.line);
        let last = out.tokens.partition_point(|t| t.line <= module.end_line);
        let mut lines: Vec<u32> = out.tokens[first..last]
            .iter()
            .map(|t| t.line)
            .filter(|line| !inner.iter().any(|&(a, b)| (a..=b).contains(line)))
            .collect();
        lines.dedup();
        module.code_lines = lines.len() as u32;
    }
}

pub(super) struct Collector<'a> {
    flat: &'a Flattener,
    tests: bool,
    allow_lines: Vec<u32>,
    /// Item path segments: the file's module, inline modules, impl types, functions.
    path: Vec<String>,
    inline_mods: Vec<String>,
    out: ParsedFile,
    /// The module being visited, an index into `out.modules`.
    module: u32,
    /// Set inside an item that carries the allow marker, so nested blocks are suppressed too.
    owner_suppressed: bool,
    /// The type of the impl block being visited, for `Self::Variant` patterns.
    self_type: Option<String>,
    /// The trait of the impl block being visited, if it is a trait impl.
    impl_trait: Option<String>,
    /// The names each module's own code refers to (first path segments, macro tokens), by
    /// index into `out.modules`: an import none of them names is not a dependency.
    referenced: Vec<std::collections::HashSet<String>>,
    /// Lines of inline test modules left out of the analysis: not the parent's code either.
    skipped_lines: Vec<(u32, u32)>,
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

    /// Whether the allow marker sits on the line above the item or among its attributes.
    fn is_suppressed(&self, attrs: &[syn::Attribute], code_start: Span) -> bool {
        let first = attrs
            .first()
            .map_or(code_start, |attr| attr.pound_token.span)
            .start()
            .line as u32;
        let code = code_start.start().line as u32;
        self.owner_suppressed
            || self
                .allow_lines
                .iter()
                .any(|&line| line + 1 >= first && line <= code)
    }

    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.tests && crate::analysis::source::is_test_code(attrs)
    }

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
        self.out.units.push(Unit {
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
        });
        suppressed
    }

    /// Records a `#[cfg]`-gated node of a body as scaffolding.
    fn push_gated<T: quote::ToTokens>(&mut self, node: &T) {
        let span = syn::spanned::Spanned::span(node);
        let start = self.flat.index_at(span.start());
        let end = self.flat.index_at(span.end());
        self.out.gated.push(start..end.max(start));
    }

    fn with_owner<F: FnOnce(&mut Self)>(&mut self, name: String, suppressed: bool, f: F) {
        let saved = self.owner_suppressed;
        self.owner_suppressed |= suppressed;
        self.path.push(name);
        f(self);
        self.path.pop();
        self.owner_suppressed = saved;
    }

    /// Records the `pub` items declared directly in module `module`.
    fn record_module_items(&mut self, module: u32, items: &[syn::Item]) {
        for item in items {
            if !self.tests && crate::analysis::source::is_test_code(item_attrs(item)) {
                continue;
            }
            if let syn::Item::ExternCrate(krate) = item {
                self.record_extern_crate(module, krate);
                continue;
            }
            let (vis, ident) = match item {
                syn::Item::Fn(i) => (&i.vis, &i.sig.ident),
                syn::Item::Struct(i) => (&i.vis, &i.ident),
                syn::Item::Enum(i) => (&i.vis, &i.ident),
                syn::Item::Trait(i) => (&i.vis, &i.ident),
                syn::Item::Const(i) => (&i.vis, &i.ident),
                syn::Item::Static(i) => (&i.vis, &i.ident),
                syn::Item::Type(i) => (&i.vis, &i.ident),
                syn::Item::Union(i) => (&i.vis, &i.ident),
                _ => continue,
            };
            self.out.defs.push(ItemDef {
                module,
                name: ident.to_string(),
                is_trait: matches!(item, syn::Item::Trait(_)),
            });
            if matches!(vis, syn::Visibility::Public(_)) {
                self.out.pub_items.push(PubItem {
                    module,
                    name: ident.to_string(),
                    line: ident.span().start().line as u32,
                });
                self.expose(
                    module,
                    &ident.to_string(),
                    crate::analysis::source::modrefs::exposed_names(item),
                );
            }
        }
    }

    fn expose(&mut self, module: u32, owner: &str, names: Vec<String>) {
        self.out.exposures.extend(
            names
                .into_iter()
                .filter(|n| n != owner)
                .map(|name| Exposure {
                    module,
                    owner: owner.to_string(),
                    name,
                }),
        );
    }

    /// Records `mod name;`, once for each file a `#[path]` or `#[cfg_attr(.., path = ..)]`
    /// may name: `cfg` is not evaluated, so every alternative is followed.
    fn push_mod_decls(&mut self, node: &syn::ItemMod, test: bool) {
        let (path, conditional) = path_attrs(&node.attrs);
        // Without a `#[path]`, the default file is the module when no `cfg_attr` applies.
        let optional = path.is_none() && !conditional.is_empty();
        let alternatives = conditional.into_iter().map(|p| (Some(p), false));
        for (path_attr, optional) in alternatives.chain([(path, optional)]) {
            self.out.mods.push(ModDecl {
                name: node.ident.to_string(),
                path_attr,
                inline_parents: self.inline_mods.clone(),
                line: node.mod_token.span.start().line as u32,
                test,
                optional,
            });
        }
    }

    /// Records the out-of-line modules that a skipped test module is or declares: discovery
    /// that finds files on disk rather than through `mod` (plain folders) must know them for
    /// test code.
    fn record_test_mods(&mut self, node: &syn::ItemMod) {
        match &node.content {
            None => self.push_mod_decls(node, true),
            Some((_, items)) => {
                self.inline_mods.push(node.ident.to_string());
                for item in items {
                    if let syn::Item::Mod(inner) = item {
                        self.record_test_mods(inner);
                    }
                }
                self.inline_mods.pop();
            }
        }
    }

    /// `extern crate self as name;` makes `name::a::B` a path of this crate.
    fn record_extern_crate(&mut self, module: u32, krate: &syn::ItemExternCrate) {
        if krate.ident != "self" {
            return;
        }
        if let Some((_, rename)) = &krate.rename {
            self.out.refs.push(ModRef {
                module,
                path: "crate".to_string(),
                line: rename.span().start().line as u32,
                kind: RefKind::Import {
                    name: rename.to_string(),
                    public: !matches!(krate.vis, syn::Visibility::Inherited),
                    referenced: false,
                },
            });
        }
    }

    fn push_ref(&mut self, path: String, line: u32, kind: RefKind) {
        self.out.refs.push(ModRef {
            module: self.module,
            path,
            line,
            kind,
        });
    }

    fn refer(&mut self, name: String) {
        if let Some(names) = self.referenced.get_mut(self.module as usize) {
            names.insert(name);
        }
    }

    /// Visits the items in a macro call's tokens, or in each of its brace groups (`cfg_if!`
    /// branches), for the module graph only: clone and function detection keep treating
    /// macro bodies as opaque, as the compiler does not promise they are items. Returns
    /// whether any items were found.
    fn visit_macro_items(&mut self, tokens: TokenStream) -> bool {
        if let Ok(file) = syn::parse2::<syn::File>(tokens.clone()) {
            if file.items.is_empty() {
                return false;
            }
            let kept = (
                self.out.units.len(),
                self.out.seqs.len(),
                self.out.shapes.len(),
                self.out.enum_matches.len(),
            );
            self.record_module_items(self.module, &file.items);
            for item in &file.items {
                self.visit_item(item);
            }
            self.out.units.truncate(kept.0);
            self.out.seqs.truncate(kept.1);
            self.out.shapes.truncate(kept.2);
            self.out.enum_matches.truncate(kept.3);
            return true;
        }
        let mut found = false;
        for tree in tokens {
            if let TokenTree::Group(group) = tree {
                if group.delimiter() == Delimiter::Brace {
                    found |= self.visit_macro_items(group.stream());
                }
            }
        }
        found
    }

    /// Records a function or method and visits its body.
    fn push_fn(
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
        if let Some(unit) = self.out.units.last_mut() {
            unit.metrics = Some(crate::analysis::source::metrics::measure(sig, block));
        }
        // Types in the signature are dependencies of the module.
        self.visit_signature(sig);
        self.with_owner(name, suppressed, |this| this.visit_block(block));
    }

    fn push_shape(
        &mut self,
        kind: ShapeKind,
        name: &str,
        attrs: &[syn::Attribute],
        start: Span,
        end: Span,
        members: Vec<String>,
    ) {
        let suppressed = self.is_suppressed(attrs, start);
        self.out.shapes.push(Shape {
            kind,
            item: self.item_path(name),
            members,
            member_lines: Vec::new(),
            start_line: start.start().line as u32,
            end_line: end.start().line as u32,
            suppressed,
        });
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        if self.skip(&node.attrs) {
            self.record_test_mods(node);
            if let Some((brace, _)) = &node.content {
                let first = node.mod_token.span.start().line as u32;
                self.skipped_lines
                    .push((first, brace.span.close().start().line as u32));
            }
            return;
        }
        let name = node.ident.to_string();
        match &node.content {
            None => {
                let path = format!("{}::{name}", self.out.modules[self.module as usize].path);
                self.out
                    .child_modules
                    .push((path, matches!(node.vis, syn::Visibility::Public(_))));
                self.push_mod_decls(node, false);
            }
            Some(_) => {
                let parent = self.module;
                self.module = self.out.modules.len() as u32;
                let (brace, items) = node.content.as_ref().expect("an inline module");
                self.out.modules.push(ModuleInfo {
                    path: format!("{}::{}", self.out.modules[parent as usize].path, name),
                    line: node.mod_token.span.start().line as u32,
                    end_line: brace.span.close().start().line as u32,
                    items: count_items(items, self.tests),
                    code_lines: 0,
                });
                self.referenced.push(std::collections::HashSet::new());
                let child = self.out.modules.last().expect("just pushed").path.clone();
                self.out
                    .child_modules
                    .push((child, matches!(node.vis, syn::Visibility::Public(_))));
                self.record_module_items(self.module, items);
                self.inline_mods.push(name.clone());
                self.path.push(name);
                syn::visit::visit_item_mod(self, node);
                self.path.pop();
                self.inline_mods.pop();
                self.module = parent;
            }
        }
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
        self.expose(self.module, &self_name, exposed);
        // The implemented type and trait, and the bounds, are dependencies of the module.
        self.visit_generics(&node.generics);
        if let Some((_, path, _)) = &node.trait_ {
            self.visit_path(path);
        }
        self.visit_type(&node.self_ty);
        let outer_self = self.self_type.replace(self_name.clone());
        let outer_trait = std::mem::replace(&mut self.impl_trait, trait_name);
        self.with_owner(self_name, suppressed, |this| {
            for item in &node.items {
                this.visit_impl_item(item);
            }
        });
        self.self_type = outer_self;
        self.impl_trait = outer_trait;
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        let start = node.defaultness.map_or(sig_start(&node.sig), |d| d.span);
        self.push_fn(UnitKind::Method, &node.sig, start, &node.block, &node.attrs);
    }

    fn visit_item_trait(&mut self, node: &'ast syn::ItemTrait) {
        if self.skip(&node.attrs) {
            return;
        }
        let name = node.ident.to_string();
        let members: Vec<String> = node
            .items
            .iter()
            .filter_map(|item| match item {
                syn::TraitItem::Fn(method) => Some(signature_text(&method.sig)),
                syn::TraitItem::Type(ty) => Some(format!("type {}", ty.ident)),
                syn::TraitItem::Const(c) => {
                    Some(format!("const {}: {}", c.ident, tokens_text(&c.ty)))
                }
                _ => None,
            })
            .collect();
        let start = node.unsafety.map_or(node.trait_token.span, |u| u.span);
        self.push_shape(
            ShapeKind::Trait,
            &name,
            &node.attrs,
            start,
            node.brace_token.span.close(),
            members,
        );
        let suppressed = self.out.shapes.last().is_some_and(|s| s.suppressed);
        self.visit_generics(&node.generics);
        for bound in &node.supertraits {
            self.visit_type_param_bound(bound);
        }
        self.with_owner(name, suppressed, |this| {
            for item in &node.items {
                match item {
                    syn::TraitItem::Fn(syn::TraitItemFn {
                        sig,
                        default: Some(block),
                        attrs,
                        ..
                    }) => this.push_fn(UnitKind::Method, sig, sig_start(sig), block, attrs),
                    // Required methods' signatures, associated types and consts.
                    other => this.visit_trait_item(other),
                }
            }
        });
    }

    fn visit_item_struct(&mut self, node: &'ast syn::ItemStruct) {
        if self.skip(&node.attrs) {
            return;
        }
        let members = node
            .fields
            .iter()
            .enumerate()
            .map(|(i, field)| {
                let name = field
                    .ident
                    .as_ref()
                    .map_or_else(|| i.to_string(), ToString::to_string);
                format!("{name}: {}", tokens_text(&field.ty))
            })
            .collect();
        let end = match &node.fields {
            syn::Fields::Named(named) => named.brace_token.span.close(),
            syn::Fields::Unnamed(unnamed) => node
                .semi_token
                .map_or(unnamed.paren_token.span.close(), |s| s.span),
            syn::Fields::Unit => node.semi_token.map_or(node.ident.span(), |s| s.span),
        };
        self.push_shape(
            ShapeKind::Struct,
            &node.ident.to_string(),
            &node.attrs,
            node.struct_token.span,
            end,
            members,
        );
        if let Some(shape) = self.out.shapes.last_mut() {
            shape.member_lines = node
                .fields
                .iter()
                .map(|field| {
                    field
                        .ident
                        .as_ref()
                        .map_or(shape.start_line, |ident| ident.span().start().line as u32)
                })
                .collect();
        }
        self.visit_generics(&node.generics);
        syn::visit::visit_fields(self, &node.fields);
    }

    fn visit_item_enum(&mut self, node: &'ast syn::ItemEnum) {
        if self.skip(&node.attrs) {
            return;
        }
        let members = node
            .variants
            .iter()
            .map(|variant| match &variant.fields {
                syn::Fields::Unit => variant.ident.to_string(),
                fields => {
                    let inner: Vec<String> = fields
                        .iter()
                        .map(|f| match &f.ident {
                            Some(name) => format!("{name}: {}", tokens_text(&f.ty)),
                            None => tokens_text(&f.ty),
                        })
                        .collect();
                    format!("{}({})", variant.ident, inner.join(", "))
                }
            })
            .collect();
        self.push_shape(
            ShapeKind::Enum,
            &node.ident.to_string(),
            &node.attrs,
            node.enum_token.span,
            node.brace_token.span.close(),
            members,
        );
        self.visit_generics(&node.generics);
        for variant in &node.variants {
            syn::visit::visit_fields(self, &variant.fields);
        }
    }

    fn visit_item_use(&mut self, node: &'ast syn::ItemUse) {
        if self.skip(&node.attrs) || node.leading_colon.is_some() {
            return;
        }
        let public = !matches!(node.vis, syn::Visibility::Inherited);
        let mut leaves = Vec::new();
        use_leaves(&node.tree, &mut Vec::new(), &mut leaves);
        for (path, name, line) in leaves {
            let kind = if name == "*" {
                RefKind::Glob { public }
            } else {
                RefKind::Import {
                    name,
                    public,
                    referenced: false,
                }
            };
            self.push_ref(path, line, kind);
        }
    }

    fn visit_path(&mut self, node: &'ast syn::Path) {
        if node.leading_colon.is_none() {
            if let Some(first) = node.segments.first() {
                let first = first.ident.to_string();
                if node.segments.len() >= 2
                    && crate::analysis::source::modrefs::may_name_module(&first)
                {
                    let path = node
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect::<Vec<_>>()
                        .join("::");
                    let line = node.segments[0].ident.span().start().line as u32;
                    self.push_ref(path, line, RefKind::Code);
                }
                self.refer(first);
            }
        }
        syn::visit::visit_path(self, node);
    }

    fn visit_vis_restricted(&mut self, _node: &'ast syn::VisRestricted) {
        // `pub(in crate::a)` says who may see an item; it uses nothing from `a`.
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        // The tokens of a macro call expand here: their paths are this module's, and so are
        // the names they mention (`vec![Imported::new()]`, `matches!(k, Kind::A)`).
        self.visit_path(&node.path);
        let (mut paths, mut idents) = (Vec::new(), Vec::new());
        token_paths(node.tokens.clone(), &mut paths, &mut idents);
        for p in paths {
            let kind = if p.glob {
                RefKind::Glob { public: false }
            } else {
                RefKind::Code
            };
            self.push_ref(p.path, p.line, kind);
        }
        for ident in idents {
            self.refer(ident);
        }
    }

    fn visit_expr_match(&mut self, node: &'ast syn::ExprMatch) {
        if let Some((enum_name, variants)) = enum_of_match(node, self.self_type.as_deref()) {
            self.out.enum_matches.push(EnumMatch {
                module: self.module,
                enum_name,
                variants,
                line: node.match_token.span.start().line as u32,
                end_line: node.brace_token.span.close().start().line as u32,
                item: self.item_path(""),
            });
        }
        syn::visit::visit_expr_match(self, node);
    }

    fn visit_field_value(&mut self, node: &'ast syn::FieldValue) {
        if is_cfg_gated(&node.attrs) {
            self.push_gated(node);
        }
        syn::visit::visit_field_value(self, node);
    }

    fn visit_item_macro(&mut self, node: &'ast syn::ItemMacro) {
        if self.skip(&node.attrs) {
            return;
        }
        if node.mac.path.is_ident("include") {
            if let Ok(path) = syn::parse2::<syn::LitStr>(node.mac.tokens.clone()) {
                self.out.includes.push(Include {
                    path: path.value(),
                    inline_parents: self.inline_mods.clone(),
                    line: path.span().start().line as u32,
                });
                return;
            }
        }
        if node.ident.is_none() {
            // A macro call among items (`cfg_rt! { pub mod rt; }`, `cfg_if!`): items in it
            // are this module's, other tokens this module's code.
            if !self.visit_macro_items(node.mac.tokens.clone()) {
                self.visit_macro(&node.mac);
            }
            return;
        }
        // A `macro_rules!` body is code of the modules that call it: its `$crate::` paths
        // use items, but the defining module does not depend on them.
        let (mut paths, mut idents) = (Vec::new(), Vec::new());
        token_paths(node.mac.tokens.clone(), &mut paths, &mut idents);
        for p in paths {
            let kind = if p.glob {
                RefKind::Glob { public: false }
            } else {
                RefKind::MacroDef
            };
            self.push_ref(p.path, p.line, kind);
        }
    }

    fn visit_block(&mut self, node: &'ast syn::Block) {
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
            });
        }
        syn::visit::visit_block(self, node);
    }

    fn visit_stmt(&mut self, node: &'ast syn::Stmt) {
        if is_cfg_gated(stmt_attrs(node)) {
            self.push_gated(node);
        }
        match node {
            // Items nested in a function body are visited as items.
            syn::Stmt::Item(item) => self.visit_item(item),
            _ => syn::visit::visit_stmt(self, node),
        }
    }
}

/// The enum a `match` enumerates, and how many of its variants it names: every arm must
/// name variants of one enum (`E::A`, `E::B(..)`, `Self::C { .. }`, or-patterns of those);
/// a catch-all arm, a guard-only arm or another pattern means it is not such a match.
fn enum_of_match(node: &syn::ExprMatch, self_type: Option<&str>) -> Option<(String, u32)> {
    fn variant_enum(pat: &syn::Pat, self_type: Option<&str>, out: &mut Vec<String>) -> bool {
        let path = match pat {
            syn::Pat::Path(p) => &p.path,
            syn::Pat::TupleStruct(p) => &p.path,
            syn::Pat::Struct(p) => &p.path,
            syn::Pat::Or(or) => {
                return or
                    .cases
                    .iter()
                    .all(|case| variant_enum(case, self_type, out))
            }
            syn::Pat::Reference(r) => return variant_enum(&r.pat, self_type, out),
            syn::Pat::Ident(i) => {
                return i
                    .subpat
                    .as_ref()
                    .is_some_and(|(_, sub)| variant_enum(sub, self_type, out))
            }
            _ => return false,
        };
        let n = path.segments.len();
        if n < 2 {
            return false;
        }
        let owner = path.segments[n - 2].ident.to_string();
        let owner = if owner == "Self" {
            self_type.map(ToString::to_string)
        } else {
            Some(owner)
        };
        match owner {
            Some(owner) if owner.starts_with(|c: char| c.is_ascii_uppercase()) => {
                out.push(owner);
                true
            }
            _ => false,
        }
    }
    let mut owners = Vec::new();
    let mut variants = 0;
    for arm in &node.arms {
        let before = owners.len();
        if !variant_enum(&arm.pat, self_type, &mut owners) {
            return None;
        }
        variants += (owners.len() - before) as u32;
    }
    let first = owners.first()?.clone();
    (variants >= 2 && owners.iter().all(|o| *o == first)).then_some((first, variants))
}

/// The file `#[path = "..."]` names, and those `#[cfg_attr(pred, path = "...")]` name.
fn path_attrs(attrs: &[syn::Attribute]) -> (Option<String>, Vec<String>) {
    fn path_value(meta: &syn::Meta) -> Option<String> {
        match meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        }
    }
    let parser = syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated;
    let plain = attrs.iter().find_map(|attr| path_value(&attr.meta));
    let conditional = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg_attr"))
        .flat_map(|attr| {
            // The predicate first, then the attributes it applies.
            attr.parse_args_with(parser).map_or_else(
                |_| Vec::new(),
                |metas| metas.iter().skip(1).filter_map(path_value).collect(),
            )
        })
        .collect();
    (plain, conditional)
}

/// A node's tokens as text, with spaces only where two words meet (`Option<Vec<u8>>`).
fn tokens_text<T: quote::ToTokens>(node: &T) -> String {
    let spaced = node.to_token_stream().to_string();
    let mut out = String::with_capacity(spaced.len());
    let mut chars = spaced.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let prev_word = out
                .chars()
                .last()
                .is_some_and(|p: char| p.is_alphanumeric() || p == '_' || p == '\'');
            let next_word = chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_');
            if !(prev_word && next_word) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map_or_else(|| tokens_text(ty), |seg| seg.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => tokens_text(ty),
    }
}

/// A method signature without parameter names, so traits compare by shape.
fn signature_text(sig: &syn::Signature) -> String {
    let inputs: Vec<String> = sig
        .inputs
        .iter()
        .map(|arg| match arg {
            syn::FnArg::Receiver(receiver) => tokens_text(receiver),
            syn::FnArg::Typed(typed) => tokens_text(&typed.ty),
        })
        .collect();
    format!(
        "fn {}({}) {}",
        sig.ident,
        inputs.join(", "),
        tokens_text(&sig.output)
    )
}

/// Where a function's code starts: its signature, without attributes or visibility (a copy
/// made private is still a copy).
fn sig_start(sig: &syn::Signature) -> Span {
    sig.constness
        .map(|t| t.span)
        .or(sig.asyncness.map(|t| t.span))
        .or(sig.unsafety.map(|t| t.span))
        .or(sig.abi.as_ref().map(|abi| abi.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

/// Items that count towards a module's size: everything but imports, and test code unless
/// it is analysed.
fn count_items(items: &[syn::Item], tests: bool) -> u32 {
    items
        .iter()
        .filter(|item| !matches!(item, syn::Item::Use(_) | syn::Item::ExternCrate(_)))
        .filter(|item| tests || !crate::analysis::source::is_test_code(item_attrs(item)))
        .count() as u32
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
