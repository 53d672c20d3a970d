//! The shapes of types and traits: a struct's fields, an enum's variants and a trait's
//! members as text, for the abstraction detectors to compare.

use proc_macro2::Span;
use syn::visit::Visit;

use super::collector::Collector;
use super::text::{sig_start, tokens_text};
use crate::analysis::source::parsed::{Shape, ShapeKind, UnitKind};

impl Collector<'_> {
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
            value_help: None,
            default_variant: None,
            command_line: false,
        });
    }

    /// Records a trait's shape and its default methods as units.
    pub(super) fn record_trait(&mut self, node: &syn::ItemTrait) {
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

    /// Records a struct's shape, with the line of each field.
    pub(super) fn record_struct(&mut self, node: &syn::ItemStruct) {
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
            shape.command_line = derives(&node.attrs, &["Parser", "Args"]);
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
        // `#[serde(from = "crate::raw::Raw")]` names a type of another module.
        node.attrs
            .iter()
            .for_each(|attr| self.visit_attribute(attr));
        self.visit_generics(&node.generics);
        syn::visit::visit_fields(self, &node.fields);
    }

    /// Records an enum's shape: its variants with their fields.
    pub(super) fn record_enum(&mut self, node: &syn::ItemEnum) {
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
        if let Some(shape) = self.out.shapes.last_mut() {
            shape.value_help = value_help(node);
            shape.default_variant = (node.variants.iter())
                .position(|v| v.attrs.iter().any(|a| a.path().is_ident("default")))
                .and_then(|i| u32::try_from(i).ok());
        }
        node.attrs
            .iter()
            .for_each(|attr| self.visit_attribute(attr));
        self.visit_generics(&node.generics);
        for variant in &node.variants {
            variant
                .attrs
                .iter()
                .for_each(|attr| self.visit_attribute(attr));
            syn::visit::visit_fields(self, &variant.fields);
        }
    }
}

/// Whether `attrs` derive one of `traits` (by the last segment of its path).
fn derives(attrs: &[syn::Attribute], traits: &[&str]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("derive") && {
            let mut found = false;
            let _ = attr.parse_nested_meta(|meta| {
                let last = meta.path.segments.last();
                found |= last.is_some_and(|s| traits.iter().any(|t| s.ident == t));
                Ok(())
            });
            found
        }
    })
}

/// For an enum deriving `ValueEnum`, a hash of its variants' doc comments.
fn value_help(node: &syn::ItemEnum) -> Option<u32> {
    let derives_value_enum = derives(&node.attrs, &["ValueEnum"]);
    if !derives_value_enum {
        return None;
    }
    let docs: Vec<String> = (node.variants.iter())
        .flat_map(|v| v.attrs.iter().filter(|a| a.path().is_ident("doc")))
        .map(tokens_text)
        .collect();
    Some(crate::analysis::source::token::hash_str(&docs.join("\n")))
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
