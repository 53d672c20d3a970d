//! What each module refers to, for the module graph: `use` leaves, code paths, the paths
//! and names in macro calls, `macro_rules!` bodies, and the items macro calls declare.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::visit::Visit;

use super::collector::Collector;
use crate::analysis::source::cfg::Cfg;
use crate::analysis::source::modrefs::{token_paths, use_leaves, ModRef, RefKind};

impl Collector<'_> {
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

    /// Records the imports and globs of a `use` item.
    pub(super) fn record_use(&mut self, node: &syn::ItemUse) {
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

    /// Records the imports of an inline module the analysis leaves out, and the paths from
    /// the crate root or its parent in its code (`crate::a::f()` in a test), as paths from
    /// this module (its parent): what a build with that module compiles uses them. Globs bind
    /// no name to check, and `self::` names the skipped module's own items.
    pub(super) fn record_skipped_uses(&mut self, items: &[syn::Item]) {
        let mut found = Vec::new();
        let mut code = SkippedPaths(Vec::new());
        for item in items {
            match item {
                syn::Item::Use(node) => use_leaves(&node.tree, &mut Vec::new(), &mut found),
                other => code.visit_item(other),
            }
        }
        found.extend(
            code.0
                .into_iter()
                .map(|(path, line)| (path, String::new(), line)),
        );
        for (path, name, line) in found {
            let path = match path.strip_prefix("super::") {
                Some(rest) if name != "*" => format!("self::{rest}"),
                None if name != "*" && !path.starts_with("self::") => path,
                _ => continue,
            };
            self.push_ref(path, line, RefKind::SkippedUse);
        }
    }

    /// Records a path of code that may name a module, and the name it starts with.
    pub(super) fn record_path(&mut self, node: &syn::Path) {
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
    }

    /// Records the paths a `#[serde(..)]` attribute names in strings (`with`,
    /// `serialize_with`, `deserialize_with`, `default`, `getter`, and the types of `from`,
    /// `try_from`, `into` and `remote`): the derive's expansion names them from this module,
    /// so they are used from here.
    pub(super) fn record_serde_paths(&mut self, attr: &syn::Attribute) {
        if !attr.path().is_ident("serde") {
            return;
        }
        let line = attr.pound_token.span.start().line as u32;
        let mut named = Vec::new();
        // A parse error only ends the reading: serde reports malformed attributes itself.
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string);
            if meta.input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in meta.input);
                let _: TokenStream = content.parse()?;
            } else if meta.input.peek(syn::Token![=]) {
                let value: syn::Expr = meta.value()?.parse()?;
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = value
                {
                    named.push((key.unwrap_or_default(), s.value()));
                }
            }
            Ok(())
        });
        for (key, path) in named {
            let paths = match key.as_str() {
                "with" => vec![format!("{path}::serialize"), format!("{path}::deserialize")],
                "serialize_with" | "deserialize_with" | "default" | "getter" => vec![path],
                // A type, maybe generic (`crate::raw::Raw<u8>`): its path is what is used.
                "from" | "try_from" | "into" | "remote" => {
                    vec![path.split('<').next().unwrap_or_default().trim().to_owned()]
                }
                _ => continue,
            };
            for path in paths {
                let first = path.split("::").next().unwrap_or_default().to_string();
                if path.contains("::") && crate::analysis::source::modrefs::may_name_module(&first)
                {
                    self.push_ref(path, line, RefKind::Code);
                }
                self.refer(first);
            }
        }
    }

    /// Records a macro call's path and the paths and names among its tokens.
    pub(super) fn record_macro(&mut self, node: &syn::Macro) {
        // The tokens of a macro call expand here: their paths are this module's, and so are
        // the names they mention (`vec![Imported::new()]`, `matches!(k, Kind::A)`).
        self.visit_path(&node.path);
        self.record_token_paths(node.tokens.clone());
    }

    /// Records the paths and names among `tokens` as this module's code.
    fn record_token_paths(&mut self, tokens: TokenStream) {
        let (mut paths, mut idents) = (Vec::new(), Vec::new());
        token_paths(tokens, &mut paths, &mut idents);
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

    /// Records the paths an attribute's arguments name (`#[arg(value_parser =
    /// crate::cli::parse)]`): a derive or attribute macro expands them into this module.
    /// Attributes the compiler reads itself name no code.
    pub(super) fn record_attribute_paths(&mut self, attr: &syn::Attribute) {
        const BUILT_IN: [&str; 10] = [
            "cfg", "cfg_attr", "doc", "allow", "warn", "deny", "forbid", "expect", "path", "serde",
        ];
        if let syn::Meta::List(list) = &attr.meta {
            if !BUILT_IN.iter().any(|name| list.path.is_ident(name)) {
                self.record_token_paths(list.tokens.clone());
            }
        }
    }

    /// Records a macro call among items, or a `macro_rules!` definition.
    pub(super) fn record_item_macro(&mut self, node: &syn::ItemMacro) {
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
        // `cfg_if! { if #[cfg(a)] { .. } else if #[cfg(b)] { .. } else { .. } }`: each
        // branch holds under its predicate and none of the ones before it.
        let (mut found, mut before, mut pending) = (false, Vec::<Cfg>::new(), None);
        let mut trees = tokens.into_iter().peekable();
        while let Some(tree) = trees.next() {
            match tree {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    if let Some(TokenTree::Group(attr)) = trees.next_if(
                        |t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket),
                    ) {
                        pending = syn::parse2::<syn::Meta>(attr.stream())
                            .ok()
                            .filter(|meta| meta.path().is_ident("cfg"))
                            .and_then(|meta| meta.require_list().ok()?.parse_args().ok())
                            .and_then(|meta: syn::Meta| Cfg::parse(&meta));
                    }
                }
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                    let not_before = before.iter().map(|c: &Cfg| Cfg::Not(Box::new(c.clone())));
                    let branch = Cfg::all(not_before.chain(pending.clone()).collect());
                    self.with_cfg(branch, |this| {
                        found |= this.visit_macro_items(group.stream());
                    });
                    before.extend(pending.take());
                }
                _ => {}
            }
        }
        found
    }
}

/// The paths from the crate root or the parent module (`crate::a::f`, `super::g`) in code
/// the analysis leaves out, in macro calls too, with their lines.
struct SkippedPaths(Vec<(String, u32)>);

impl SkippedPaths {
    fn push(&mut self, path: String, line: u32) {
        let first = path.split("::").next().unwrap_or_default();
        if matches!(first, "crate" | "super") && path.contains("::") {
            self.0.push((path, line));
        }
    }
}

impl<'ast> Visit<'ast> for SkippedPaths {
    fn visit_path(&mut self, node: &'ast syn::Path) {
        if node.leading_colon.is_none() && node.segments.len() >= 2 {
            let path: Vec<String> = node.segments.iter().map(|s| s.ident.to_string()).collect();
            let line = node.segments[0].ident.span().start().line as u32;
            self.push(path.join("::"), line);
        }
        syn::visit::visit_path(self, node);
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        let (mut paths, mut idents) = (Vec::new(), Vec::new());
        token_paths(node.tokens.clone(), &mut paths, &mut idents);
        for path in paths {
            self.push(path.path, path.line);
        }
        syn::visit::visit_macro(self, node);
    }
}
