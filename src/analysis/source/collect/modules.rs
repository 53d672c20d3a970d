//! The module structure of a file: inline modules and their sizes, `mod` declarations (with
//! every `#[path]` alternative), `include!`s, the items each module defines or makes `pub`,
//! and the lines of code each module owns.

use super::attrs::path_attrs;
use super::collector::Collector;
use crate::analysis::source::cfg::Cfg;
use crate::analysis::source::modrefs::{Exposure, ItemDef, ModRef, RefKind};
use crate::analysis::source::parsed::{Include, ModDecl, ModuleInfo, ParsedFile, PubItem};
use crate::analysis::source::spans::item_attrs;

impl Collector<'_> {
    /// Records a `mod` item: a declaration of a file, or an inline module visited as one;
    /// a skipped test module only for the files it declares.
    pub(super) fn record_mod(&mut self, node: &syn::ItemMod) {
        if self.skip(&node.attrs) {
            self.record_test_mods(node);
            if let Some((brace, items)) = &node.content {
                self.record_skipped_uses(items);
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
                    items: count_items(items, self.build.test),
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
                // A marker on an inline module covers every item inside it.
                let saved = (self.owner_suppressed, self.clippy_allowed);
                self.owner_suppressed |= self.is_suppressed(&node.attrs, node.mod_token.span);
                self.clippy_allowed |= super::attrs::clippy_allowed(&node.attrs);
                self.with_cfg(Cfg::of_attrs(&node.attrs), |this| {
                    syn::visit::visit_item_mod(this, node);
                });
                (self.owner_suppressed, self.clippy_allowed) = saved;
                self.path.pop();
                self.inline_mods.pop();
                self.module = parent;
            }
        }
    }

    /// Records the `pub` items declared directly in module `module`.
    pub(super) fn record_module_items(&mut self, module: u32, items: &[syn::Item]) {
        self.tie_constant_blocks(module, items);
        for item in items {
            if !self.build.test && crate::analysis::source::is_test_code(item_attrs(item)) {
                continue;
            }
            if let syn::Item::ExternCrate(krate) = item {
                self.record_extern_crate(module, krate);
                continue;
            }
            let Some((vis, ident)) = named_item(item) else {
                continue;
            };
            self.out.defs.push(ItemDef {
                module,
                name: ident.to_string(),
                is_trait: matches!(item, syn::Item::Trait(_)),
            });
            if matches!(vis, syn::Visibility::Inherited) || named_from_outside(item) {
                continue;
            }
            if matches!(vis, syn::Visibility::Public(_)) {
                self.out.pub_items.push(PubItem {
                    module,
                    name: ident.to_string(),
                    line: ident.span().start().line as u32,
                });
            }
            // A `pub(crate)` item used elsewhere shows its types as a `pub` one does
            // (`pub(crate) static EQ: BoolHelper` needs `BoolHelper` as visible).
            self.expose(
                module,
                &ident.to_string(),
                crate::analysis::source::modrefs::exposed_names(item),
            );
        }
    }

    /// Adjacent `pub const`s of one type are one family (`SECOND`, `MINUTE`, `HOUR`; `KB`,
    /// `MB`): each shows its neighbours, so that one of them needed `pub` keeps the block whole.
    fn tie_constant_blocks(&mut self, module: u32, items: &[syn::Item]) {
        let public_const = |item: &syn::Item| match item {
            syn::Item::Const(c) if matches!(c.vis, syn::Visibility::Public(_)) => {
                let ty = &c.ty;
                Some((c.ident.to_string(), quote::quote!(#ty).to_string()))
            }
            _ => None,
        };
        for pair in items.windows(2) {
            let (Some(a), Some(b)) = (public_const(&pair[0]), public_const(&pair[1])) else {
                continue;
            };
            if a.1 == b.1 {
                self.expose(module, &a.0, vec![b.0.clone()]);
                self.expose(module, &b.0, vec![a.0]);
            }
        }
    }

    pub(super) fn expose(&mut self, module: u32, owner: &str, names: Vec<String>) {
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
        let mut allows = self.marked_rules(&node.attrs, node.mod_token.span);
        if self.owner_suppressed {
            allows.push("duplicate".to_owned());
        }
        for (path_attr, optional) in alternatives.chain([(path, optional)]) {
            self.out.mods.push(ModDecl {
                cfg: self.cfg_of(&node.attrs),
                name: node.ident.to_string(),
                path_attr,
                inline_parents: self.inline_mods.clone(),
                line: node.mod_token.span.start().line as u32,
                test,
                optional,
                allows: allows.clone(),
                clippy_allowed: self.clippy_allowed | super::attrs::clippy_allowed(&node.attrs),
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

    /// Records `include!("file")` among items; returns whether `node` is one.
    pub(super) fn record_include(&mut self, node: &syn::ItemMacro) -> bool {
        if node.mac.path.is_ident("include") {
            if let Ok(path) = syn::parse2::<syn::LitStr>(node.mac.tokens.clone()) {
                self.out.includes.push(Include {
                    path: path.value(),
                    inline_parents: self.inline_mods.clone(),
                    line: path.span().start().line as u32,
                });
                return true;
            }
        }
        false
    }
}

/// Items that count towards a module's size: everything but imports, and test code unless
/// it is analysed.
pub(super) fn count_items(items: &[syn::Item], tests: bool) -> u32 {
    items
        .iter()
        .filter(|item| !matches!(item, syn::Item::Use(_) | syn::Item::ExternCrate(_)))
        .filter(|item| tests || !crate::analysis::source::is_test_code(item_attrs(item)))
        .count() as u32
}

/// A module's lines of code are its own: inline child modules count for themselves, and
/// test modules that are not analysed (`skipped`) count for nobody.
pub(super) fn count_own_code_lines(out: &mut ParsedFile, skipped: &[(u32, u32)]) {
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

/// Whether something outside the crate's paths names `item`: the compiler (a
/// `#[proc_macro*]` entry point), the linker (`#[no_mangle]`, `#[export_name]`, an
/// `extern "ABI"` function) or foreign code (a `#[repr(C)]` type mirrors a C declaration),
/// so its `pub` is needed however little the crate uses it.
fn named_from_outside(item: &syn::Item) -> bool {
    const ATTRS: [&str; 5] = [
        "proc_macro",
        "proc_macro_derive",
        "proc_macro_attribute",
        "no_mangle",
        "export_name",
    ];
    if matches!(item, syn::Item::Fn(f) if f.sig.abi.is_some()) {
        return true;
    }
    item_attrs(item).iter().any(|attr| {
        let named = |path: &syn::Path| ATTRS.iter().any(|a| path.is_ident(a));
        let repr_c = attr.path().is_ident("repr")
            && attr.meta.require_list().is_ok_and(|list| {
                (list.tokens.clone().into_iter())
                    .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "C"))
            });
        // `#[unsafe(no_mangle)]` (edition 2024) wraps the attribute.
        repr_c
            || named(attr.path())
            || (attr.path().is_ident("unsafe")
                && attr
                    .parse_args::<syn::Meta>()
                    .is_ok_and(|meta| named(meta.path())))
    })
}

/// The visibility and name of an item that declares a name a path can reach (functions,
/// types, traits, constants, statics, aliases, unions); `None` for the others.
pub fn named_item(item: &syn::Item) -> Option<(&syn::Visibility, &syn::Ident)> {
    Some(match item {
        syn::Item::Fn(i) => (&i.vis, &i.sig.ident),
        syn::Item::Struct(i) => (&i.vis, &i.ident),
        syn::Item::Enum(i) => (&i.vis, &i.ident),
        syn::Item::Trait(i) => (&i.vis, &i.ident),
        syn::Item::Const(i) => (&i.vis, &i.ident),
        syn::Item::Static(i) => (&i.vis, &i.ident),
        syn::Item::Type(i) => (&i.vis, &i.ident),
        syn::Item::Union(i) => (&i.vis, &i.ident),
        _ => return None,
    })
}
