//! Guardrails: which paths an edit may touch at all, and which changes are sensitive enough to
//! wait for a person (public API, `unsafe`, manifests, build scripts, test code).
//!
//! Sensitivity is read from the code with syn, before and after: a change is sensitive when
//! the set of `pub` signatures, the `unsafe` code or the test code differs.

use std::collections::BTreeSet;

use globset::{Glob, GlobSet, GlobSetBuilder};
use quote::ToTokens;
use syn::visit::Visit;

use crate::change::FileChange;

/// Paths no agent may edit, whatever the configuration says.
const ALWAYS_DENIED: &[&str] = &[
    ".git/**",
    "**/.git/**",
    "target/**",
    ".cargo/**",
    ".github/**",
    "rust-toolchain",
    "rust-toolchain.toml",
    "loop.toml",
    "loop-baseline.json",
];

pub struct Guard {
    denied: GlobSet,
}

impl Guard {
    /// The built-in denials plus the configuration's `deny-paths` globs.
    pub fn new(extra: &[String]) -> anyhow::Result<Guard> {
        let mut builder = GlobSetBuilder::new();
        for pattern in ALWAYS_DENIED
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
        {
            builder.add(
                Glob::new(pattern)
                    .map_err(|e| anyhow::anyhow!("invalid glob `{pattern}` in deny-paths: {e}"))?,
            );
        }
        Ok(Guard {
            denied: builder.build()?,
        })
    }

    /// Why `path` may not be edited, if it may not.
    pub fn denied(&self, path: &str) -> Option<String> {
        self.denied
            .is_match(path)
            .then(|| format!("`{path}` is protected by the guardrails (deny-paths)"))
    }
}

/// Why a change must wait for review: one reason per kind, in a fixed order.
pub fn sensitive(changes: &[FileChange]) -> Vec<String> {
    let mut reasons = BTreeSet::new();
    for change in changes {
        let path = change.path.as_str();
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == "Cargo.toml" || name == "Cargo.lock" {
            reasons.insert(format!("it changes the manifest `{path}`"));
            continue;
        }
        if name == "build.rs" {
            reasons.insert(format!("it changes the build script `{path}`"));
            continue;
        }
        if !change.is_rust() {
            continue;
        }
        let in_tests_dir = path.starts_with("tests/") || path.contains("/tests/");
        if in_tests_dir {
            reasons.insert(format!("it changes test code in `{path}`"));
        }
        let before = Surface::of(change.before.as_deref());
        let after = Surface::of(change.after.as_deref());
        if before.api != after.api {
            reasons.insert(format!("it changes the public API in `{path}`"));
        }
        if before.unsafe_code != after.unsafe_code {
            reasons.insert(format!(
                "it adds, removes or changes `unsafe` code in `{path}`"
            ));
        }
        if !in_tests_dir && before.test_code != after.test_code {
            reasons.insert(format!("it changes test code in `{path}`"));
        }
    }
    reasons.into_iter().collect()
}

/// What of a file the guardrails watch, as token strings.
#[derive(Debug, Default, PartialEq, Eq)]
struct Surface {
    api: BTreeSet<String>,
    unsafe_code: Vec<String>,
    test_code: Vec<String>,
}

impl Surface {
    /// A file that does not parse has an empty surface; the parse gate rejects it anyway.
    fn of(text: Option<&str>) -> Surface {
        let mut visitor = SurfaceVisitor::default();
        if let Some(file) = text.and_then(|t| syn::parse_file(t).ok()) {
            visitor.visit_file(&file);
        }
        visitor.surface
    }
}

#[derive(Default)]
struct SurfaceVisitor {
    surface: Surface,
    /// Inline module and impl path, so that equal signatures in two places stay distinct.
    scope: Vec<String>,
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        path.is_ident("test")
            || (path.is_ident("cfg") && attr.to_token_stream().to_string().contains("test"))
    })
}

/// An item's tokens without doc comments, so that rewording a comment is not an API change.
fn signature(tokens: impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .into_iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

impl SurfaceVisitor {
    fn api(&mut self, what: &str) {
        let scope = self.scope.join("::");
        self.surface.api.insert(format!("{scope}|{what}"));
    }
}

impl<'ast> Visit<'ast> for SurfaceVisitor {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            _ => &[],
        };
        if is_test(attrs) {
            self.surface.test_code.push(signature(item));
            return;
        }
        match item {
            syn::Item::Fn(f) if is_pub(&f.vis) => self.api(&signature(&f.sig)),
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let mut s = s.clone();
                s.attrs.retain(|a| !a.path().is_ident("doc"));
                // Private fields are not API.
                for field in &mut s.fields {
                    field.attrs.clear();
                }
                s.fields = match s.fields {
                    syn::Fields::Named(mut named) => {
                        named.named = named.named.into_iter().filter(|f| is_pub(&f.vis)).collect();
                        syn::Fields::Named(named)
                    }
                    other => other,
                };
                self.api(&signature(&s));
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let mut e = e.clone();
                e.attrs.clear();
                e.variants.iter_mut().for_each(|v| v.attrs.clear());
                self.api(&signature(&e));
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                let mut t = t.clone();
                t.attrs.clear();
                for item in &mut t.items {
                    if let syn::TraitItem::Fn(f) = item {
                        f.attrs.clear();
                        f.default = None;
                    }
                }
                self.api(&signature(&t));
            }
            syn::Item::Type(t) if is_pub(&t.vis) => self.api(&signature(&t.ty)),
            syn::Item::Const(c) if is_pub(&c.vis) => {
                self.api(&format!("const {} {}", c.ident, signature(&c.ty)));
            }
            syn::Item::Static(s) if is_pub(&s.vis) => {
                self.api(&format!("static {} {}", s.ident, signature(&s.ty)));
            }
            syn::Item::Use(u) if is_pub(&u.vis) => self.api(&signature(&u.tree)),
            syn::Item::Mod(m) => {
                if is_pub(&m.vis) {
                    self.api(&format!("mod {}", m.ident));
                }
                self.scope.push(m.ident.to_string());
                syn::visit::visit_item_mod(self, m);
                self.scope.pop();
                return;
            }
            syn::Item::Impl(i) => {
                self.scope.push(signature(&i.self_ty));
                for inner in &i.items {
                    if let syn::ImplItem::Fn(f) = inner {
                        // Trait impl methods are API when the trait and type are.
                        if is_pub(&f.vis) || i.trait_.is_some() {
                            self.api(&signature(&f.sig));
                        }
                    }
                }
                self.scope.pop();
            }
            _ => {}
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if is_test(&f.attrs) {
            self.surface.test_code.push(signature(f));
            return;
        }
        if f.sig.unsafety.is_some() {
            self.surface.unsafe_code.push(signature(f));
        }
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if f.sig.unsafety.is_some() {
            self.surface.unsafe_code.push(signature(f));
            return;
        }
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if i.unsafety.is_some() {
            self.surface.unsafe_code.push(signature(i));
        }
        syn::visit::visit_item_impl(self, i);
    }

    fn visit_expr_unsafe(&mut self, e: &'ast syn::ExprUnsafe) {
        self.surface.unsafe_code.push(signature(e));
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn change(path: &str, before: &str, after: &str) -> Vec<FileChange> {
        vec![FileChange::new(path, Some(before), Some(after))]
    }

    #[test]
    fn private_refactors_are_not_sensitive() {
        let before =
            "pub fn f(x: u32) -> u32 { helper(x) + 1 }\nfn helper(x: u32) -> u32 { x * 2 }\n";
        let after = "/// Doubles.\npub fn f(x: u32) -> u32 { two(x) + 1 }\nfn two(y: u32) -> u32 { y + y }\n";
        assert!(sensitive(&change("src/lib.rs", before, after)).is_empty());
    }

    #[test]
    fn public_signature_changes_are_sensitive() {
        let reasons = sensitive(&change(
            "src/lib.rs",
            "pub fn f(x: u32) {}",
            "pub fn f(x: u64) {}",
        ));
        assert_eq!(reasons, vec!["it changes the public API in `src/lib.rs`"]);
        let removed = sensitive(&change(
            "src/lib.rs",
            "pub fn f() {}\npub fn g() {}",
            "pub fn f() {}",
        ));
        assert_eq!(removed.len(), 1);
        let field = sensitive(&change(
            "src/a.rs",
            "pub struct S { pub a: u8, b: u8 }",
            "pub struct S { pub a: u8, c: u16 }",
        ));
        assert!(field.is_empty(), "private fields are not API: {field:?}");
    }

    #[test]
    fn unsafe_test_code_manifests_and_build_scripts_are_sensitive() {
        let unsafe_added = sensitive(&change(
            "src/a.rs",
            "fn f() {}",
            "fn f() { unsafe { g() } }",
        ));
        assert!(unsafe_added[0].contains("unsafe"));
        let test_changed = sensitive(&change(
            "src/a.rs",
            "#[cfg(test)]\nmod tests { #[test] fn t() { assert!(true) } }",
            "#[cfg(test)]\nmod tests { #[test] #[ignore] fn t() { assert!(true) } }",
        ));
        assert!(test_changed[0].contains("test code"));
        assert!(
            sensitive(&change("tests/it.rs", "fn a() {}", "fn b() {}"))[0].contains("test code")
        );
        assert!(sensitive(&change("Cargo.toml", "a", "b"))[0].contains("manifest"));
        assert!(sensitive(&change("build.rs", "a", "b"))[0].contains("build script"));
    }

    #[test]
    fn guard_denies_git_target_and_configured_globs() {
        let guard = Guard::new(&["src/generated/**".into()]).unwrap();
        assert!(guard.denied(".git/config").is_some());
        assert!(guard.denied("target/debug/x").is_some());
        assert!(guard.denied("src/generated/a.rs").is_some());
        assert!(guard.denied("src/lib.rs").is_none());
    }
}
