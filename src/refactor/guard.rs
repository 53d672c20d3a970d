//! Guardrails: which paths an edit may touch at all, and which changes are sensitive enough to
//! wait for a person (public API, `unsafe`, manifests, build scripts, test code).
//!
//! Sensitivity is read from the code with syn, before and after: a change is sensitive when
//! the set of `pub` signatures, the `unsafe` code or the test code differs.

mod macros;
mod tree;

use std::collections::BTreeSet;

use globset::{Glob, GlobSet, GlobSetBuilder};
use quote::ToTokens;
use syn::visit::Visit;

use crate::refactor::change::FileChange;

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
    /// The same globs, [`fold`]ed, matched against folded paths.
    denied_folded: GlobSet,
}

impl Guard {
    /// The built-in denials plus the configuration's `deny-paths` globs.
    pub fn new(extra: &[String]) -> anyhow::Result<Guard> {
        let patterns: Vec<&str> = ALWAYS_DENIED
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
            .collect();
        let build =
            |fold_first: bool| -> anyhow::Result<GlobSet> {
                let mut builder = GlobSetBuilder::new();
                for pattern in &patterns {
                    let glob = if fold_first {
                        fold(pattern)
                    } else {
                        (*pattern).to_owned()
                    };
                    builder.add(Glob::new(&glob).map_err(|e| {
                        anyhow::anyhow!("invalid glob `{pattern}` in deny-paths: {e}")
                    })?);
                }
                Ok(builder.build()?)
            };
        Ok(Guard {
            denied: build(false)?,
            denied_folded: build(true)?,
        })
    }

    /// Why `path` may not be edited, if it may not. Checked as written and as it looks (case
    /// and Unicode confusables folded), since file systems that fold case, or a person reading
    /// a listing, take `.GIT/` or `.gіt/` (Cyrillic і) for `.git/`.
    pub fn denied(&self, path: &str) -> Option<String> {
        if self.denied.is_match(path) {
            Some(format!(
                "`{path}` is protected by the guardrails (deny-paths)"
            ))
        } else if self.denied_folded.is_match(fold(path)) {
            Some(format!(
                "`{path}` looks like a path the guardrails protect (deny-paths), up to case or \
                 look-alike characters"
            ))
        } else {
            None
        }
    }
}

/// `path` lowercased, then with confusable characters replaced by their prototypes (UTS #39
/// skeleton, which may turn `m` into `rn`: patterns are folded the same way).
fn fold(path: &str) -> String {
    use unicode_security::confusable_detection::skeleton;
    skeleton(&path.to_lowercase()).collect()
}

/// Lint levels that let a warning through (`allow`, `expect`) or hold the bar (the others).
const LOWERING: &[&str] = &["allow", "expect"];
const RAISING: &[&str] = &["warn", "deny", "forbid"];

/// Lint attributes of a file (`#[allow(..)]`, `#![deny(..)]`, inside `cfg_attr` too), as
/// `level ( lints )` strings, sorted (a multiset).
fn lint_attributes(file: Option<&syn::File>) -> Vec<String> {
    let mut visitor = LintVisitor(Vec::new());
    if let Some(file) = file {
        visitor.visit_file(file);
    }
    visitor.0.sort();
    visitor.0
}

struct LintVisitor(Vec<String>);

impl<'ast> Visit<'ast> for LintVisitor {
    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        let is_level =
            |ident: &proc_macro2::Ident| LOWERING.iter().chain(RAISING).any(|level| ident == level);
        let syn::Meta::List(list) = &attr.meta else {
            return;
        };
        if list.path.get_ident().is_some_and(is_level) {
            self.0.push(signature(list));
        } else if list.path.is_ident("cfg_attr") {
            // `cfg_attr(pred, allow(x), ...)`: each level followed by its parenthesised lints.
            let tokens: Vec<_> = list.tokens.clone().into_iter().collect();
            for pair in tokens.windows(2) {
                if let [proc_macro2::TokenTree::Ident(ident), proc_macro2::TokenTree::Group(group)] =
                    pair
                {
                    if is_level(ident) {
                        self.0.push(format!("{ident} {}", signature(group)));
                    }
                }
            }
        }
    }
}

/// The lint attributes a change adds at a lowering level or removes at a raising one: either
/// lets a warning past the clippy gate. Attributes that only move keep their counts.
fn lint_changes(sides: &[Sides]) -> Vec<String> {
    let mut balance: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for side in sides {
        for attr in lint_attributes(side.before.as_ref()) {
            *balance.entry(attr).or_default() -= 1;
        }
        for attr in lint_attributes(side.after.as_ref()) {
            *balance.entry(attr).or_default() += 1;
        }
    }
    balance
        .into_iter()
        .filter(|(attr, delta)| {
            let level = attr.split_whitespace().next().unwrap_or("");
            (LOWERING.contains(&level) && *delta > 0) || (RAISING.contains(&level) && *delta < 0)
        })
        .map(|(attr, _)| attr)
        .collect()
}

/// A Rust change's two sides parsed once, for every question the guardrails ask of them.
#[derive(Default)]
struct Sides {
    before: Option<syn::File>,
    after: Option<syn::File>,
    /// A side nests too deep to walk safely, so it was not parsed.
    too_deep: bool,
}

impl Sides {
    /// Nothing for a file that is not Rust; a side that does not parse is `None`.
    fn of(change: &FileChange) -> Sides {
        if !change.is_rust() {
            return Sides::default();
        }
        let deep = |text: Option<&str>| text.and_then(crate::analysis::source::too_deep).is_some();
        if deep(change.before.as_deref()) || deep(change.after.as_deref()) {
            return Sides {
                too_deep: true,
                ..Sides::default()
            };
        }
        let parse = |text: Option<&str>| text.and_then(|t| syn::parse_file(t).ok());
        Sides {
            before: parse(change.before.as_deref()),
            after: parse(change.after.as_deref()),
            too_deep: false,
        }
    }
}

fn names_unsafe(tokens: proc_macro2::TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "unsafe",
        proc_macro2::TokenTree::Group(group) => names_unsafe(group.stream()),
        _ => false,
    })
}

/// Whether a change's public items are API, or proved internal by the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Watched,
    /// The finding is a `needless_pub`: no library's public API reaches the item, so a change
    /// that only narrows one `pub` to `pub(crate)` changes no API.
    ProvedInternal,
}

/// Whether `change` only turns one `pub` into `pub(crate)`.
fn narrows_one_pub(change: &FileChange) -> bool {
    let (Some(before), Some(after)) = (change.before.as_deref(), change.after.as_deref()) else {
        return false;
    };
    let at = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    // `get`: the first difference may fall inside a character both texts start alike.
    let inserted = after.get(at..).is_some_and(|a| a.starts_with("(crate)"));
    inserted
        && before.get(..at).is_some_and(|b| b.ends_with("pub"))
        && before.get(at..) == after.get(at + "(crate)".len()..)
}

/// Why a change must wait for review: one reason per kind, in a fixed order. `root` is the
/// tree the change applies to: what its manifests and module declarations say of a file.
pub fn sensitive(changes: &[FileChange], api: Api, root: &std::path::Path) -> Vec<String> {
    let mut reasons = BTreeSet::new();
    let sides: Vec<Sides> = changes.iter().map(Sides::of).collect();
    for attr in lint_changes(&sides) {
        reasons.insert(format!("it changes what lints check: `{attr}`"));
    }
    for (change, side) in changes.iter().zip(&sides) {
        match file_reason(change, side, root) {
            Some(reason) => {
                reasons.insert(reason);
            }
            None => code_reasons(change, side, (api, root), &mut reasons),
        }
    }
    reasons.into_iter().collect()
}

/// Why a file is sensitive whatever its code says: a manifest, a build script, a hidden or
/// non-Rust file, or code too deep to read.
fn file_reason(change: &FileChange, side: &Sides, root: &std::path::Path) -> Option<String> {
    let path = change.path.as_str();
    let name = path.rsplit('/').next().unwrap_or(path);
    Some(if name == "Cargo.toml" || name == "Cargo.lock" {
        format!("it changes the manifest `{path}`")
    } else if name == "build.rs" || tree::is_build_script(root, path) {
        format!("it changes the build script `{path}`")
    } else if path.split('/').any(|part| part.starts_with('.')) {
        // Only Rust sources are ordinary: configuration, scripts and hidden files steer tools.
        format!("it changes the hidden file `{path}`")
    } else if !change.is_rust() {
        format!("it changes `{path}`, which is not Rust source")
    } else if side.too_deep {
        format!("`{path}` nests too deep for the guardrails to read")
    } else {
        return None;
    })
}

/// Why a Rust change is sensitive for what it does: test code, the public API, `unsafe`.
fn code_reasons(
    change: &FileChange,
    side: &Sides,
    (api, root): (Api, &std::path::Path),
    reasons: &mut BTreeSet<String>,
) {
    let path = change.path.as_str();
    let in_tests_dir =
        path.starts_with("tests/") || path.contains("/tests/") || tree::is_test_module(root, path);
    if in_tests_dir {
        reasons.insert(format!("it changes test code in `{path}`"));
    }
    let before = Surface::of(side.before.as_ref());
    let after = Surface::of(side.after.as_ref());
    let narrowed = api == Api::ProvedInternal && narrows_one_pub(change);
    if before.api != after.api && !narrowed {
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

/// The public items a change removes, renames or changes, as `file: item` (their old
/// signatures), for reviewers that veto them.
pub fn lost_public_items(changes: &[FileChange]) -> Vec<String> {
    let mut lost = Vec::new();
    for change in changes.iter().filter(|c| c.is_rust()) {
        let side = Sides::of(change);
        let before = Surface::of(side.before.as_ref()).api;
        let after = Surface::of(side.after.as_ref()).api;
        for item in before.difference(&after) {
            let item = item.split_once('|').map_or(item.as_str(), |(_, what)| what);
            lost.push(format!("{}: `{item}`", change.path));
        }
    }
    lost
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
    /// Its own simple macros are read expanded ([`macros`]).
    fn of(file: Option<&syn::File>) -> Surface {
        let mut visitor = SurfaceVisitor::default();
        if let Some(file) = file {
            visitor.visit_file(&macros::expanded(file));
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
        if crate::analysis::source::is_test_code(attrs) {
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
            // An item macro the guardrails cannot expand may declare `pub` items: a new or
            // changed one is read as an API change.
            syn::Item::Macro(m) if !m.mac.path.is_ident("macro_rules") => {
                self.api(&format!("macro {}", signature(&m.mac)));
            }
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
                    match inner {
                        // Trait impl methods are API when the trait and type are.
                        syn::ImplItem::Fn(f) if is_pub(&f.vis) || i.trait_.is_some() => {
                            self.api(&signature(&f.sig));
                        }
                        syn::ImplItem::Macro(m) => self.api(&format!("macro {}", signature(m))),
                        _ => {}
                    }
                }
                self.scope.pop();
            }
            _ => {}
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if crate::analysis::source::is_test_code(&f.attrs) {
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

    /// `unsafe` in a macro's tokens (a `macro_rules!` body, an invocation's arguments) is
    /// unsafe code wherever the macro expands.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if names_unsafe(mac.tokens.clone()) {
            self.surface.unsafe_code.push(signature(mac));
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_expr_unsafe(&mut self, e: &'ast syn::ExprUnsafe) {
        self.surface.unsafe_code.push(signature(e));
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use std::path::Path;

    /// What the guard says of a change whose public items are API.
    fn sensitive(changes: &[FileChange]) -> Vec<String> {
        judged(changes, Api::Watched)
    }

    /// What the guard says of a change applied to no tree (no manifest or parent to read).
    fn judged(changes: &[FileChange], api: Api) -> Vec<String> {
        super::sensitive(changes, api, Path::new("/nonexistent"))
    }

    #[test]
    fn narrowing_one_pub_proved_internal_is_no_api_change_and_nothing_else_is() {
        let before = "/// Docs.\npub fn helper() -> u32 {\n    41\n}\n";
        let narrowed = change(
            "src/a.rs",
            before,
            &before.replace("pub fn", "pub(crate) fn"),
        );
        assert!(judged(&narrowed, Api::ProvedInternal).is_empty());
        assert!(!judged(&narrowed, Api::Watched).is_empty());
        // Anything more than the one keyword is still watched.
        let more = before
            .replace("pub fn", "pub(crate) fn")
            .replace("41", "42");
        let more = change("src/a.rs", before, &more);
        assert!(!judged(&more, Api::ProvedInternal).is_empty());
        let private = change("src/a.rs", before, &before.replace("pub fn", "fn"));
        assert!(!judged(&private, Api::ProvedInternal).is_empty());
    }

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

    /// Impls and methods moved into the file's own simple macros are read expanded: the
    /// same API. What such a macro writes differently is still a change.
    #[test]
    fn impls_and_methods_written_by_the_files_own_macros_keep_the_api() {
        let before =
            "pub trait T { fn a(&self) -> u8; fn b(&self) -> u8; }\npub struct X;\npub struct Y;\n\
                      impl T for X { fn a(&self) -> u8 { 1 } fn b(&self) -> u8 { 2 } }\n\
                      impl T for Y { fn a(&self) -> u8 { 3 } fn b(&self) -> u8 { 2 } }\n";
        let method =
            "pub trait T { fn a(&self) -> u8; fn b(&self) -> u8; }\npub struct X;\npub struct Y;\n\
                      macro_rules! t_b { () => { fn b(&self) -> u8 { 2 } }; }\n\
                      impl T for X { fn a(&self) -> u8 { 1 } t_b!(); }\n\
                      impl T for Y { fn a(&self) -> u8 { 3 } t_b!(); }\n";
        assert!(sensitive(&change("src/lib.rs", before, method)).is_empty());
        let whole = before.replace("fn a(&self) -> u8 { 3 }", "fn a(&self) -> u8 { 1 }");
        let impls = "pub trait T { fn a(&self) -> u8; fn b(&self) -> u8; }\npub struct X;\npub struct Y;\n\
                     macro_rules! impl_t { ($ty:ty) => { impl T for $ty { fn a(&self) -> u8 { 1 } fn b(&self) -> u8 { 2 } } }; }\n\
                     impl_t!(X);\nimpl_t!(Y);\n";
        assert!(sensitive(&change("src/lib.rs", &whole, impls)).is_empty());
        let other = method.replace("fn b(&self) -> u8 { 2 }", "fn b(&self) -> u16 { 2 }");
        assert!(!sensitive(&change("src/lib.rs", before, &other)).is_empty());
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

    /// Macros hide what they expand to: `unsafe` in a macro's tokens is unsafe code, and an
    /// item macro that cannot be expanded may declare public items.
    #[test]
    fn unsafe_in_a_macro_and_an_item_macro_that_may_declare_pub_items_are_sensitive() {
        let delegate =
            "macro_rules! delegate {\n    ($v:expr) => { unsafe { std::ptr::read($v) } };\n}\n";
        let unsafe_macro = sensitive(&change(
            "src/a.rs",
            "fn f() {}",
            &format!("{delegate}fn f() {{}}"),
        ));
        assert!(
            unsafe_macro.iter().any(|r| r.contains("unsafe")),
            "{unsafe_macro:?}"
        );
        let make = "macro_rules! make {\n    ($n:ident) => { pub fn $n() -> u8 { 1 } };\n}\n";
        let before = format!("{make}fn f() {{}}\n");
        assert!(is_api_change(&before, &format!("{before}make!(sneaky);\n")));
        assert!(!is_api_change(
            &before,
            &format!("{make}fn f() {{ let _ = 1; }}\n")
        ));
    }

    /// A build script the manifest names at another path, and a module file its parent
    /// declares as test code, are read from the tree the change applies to.
    #[test]
    fn the_tree_names_build_scripts_and_test_modules() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "Cargo.toml",
            "[package]\nname = \"k\"\nbuild = \"tools/gen.rs\"\n",
        );
        write("tools/gen.rs", "fn main() {}\n");
        write("src/lib.rs", "#[cfg(test)]\nmod checks;\n");
        write("src/checks.rs", "fn helper() { assert_eq!(1, 1); }\n");
        let judged = |path: &str, before: &str, after: &str| {
            super::sensitive(&change(path, before, after), Api::Watched, dir.path())
        };
        let build = judged("tools/gen.rs", "fn main() {}\n", "fn main() { g() }\n");
        assert!(build[0].contains("build script"), "{build:?}");
        let tests = judged(
            "src/checks.rs",
            "fn helper() { assert_eq!(1, 1); }\n",
            "fn helper() {}\n",
        );
        assert!(tests[0].contains("test code"), "{tests:?}");
    }

    fn is_api_change(before: &str, after: &str) -> bool {
        sensitive(&change("src/lib.rs", before, after))
            .iter()
            .any(|r| r.contains("public API"))
    }

    #[test]
    fn every_kind_of_public_item_is_api_and_private_ones_are_not() {
        let pairs = [
            ("pub struct S { pub a: u8 }", "pub struct S { pub a: u16 }"),
            ("pub enum E { A }", "pub enum E { A, B }"),
            ("pub trait T { fn f(); }", "pub trait T { fn g(); }"),
            ("pub const C: u8 = 1;", "pub const C: u16 = 1;"),
            ("pub static S: u8 = 1;", "pub static S: u16 = 1;"),
            ("pub use std::fmt;", "pub use std::io;"),
            ("pub type T = u8;", "pub type T = u16;"),
            ("pub mod m {}", "pub mod n {}"),
            ("mod m { pub fn f() {} }", "mod m { pub fn f(x: u8) {} }"),
            (
                "struct S; impl S { pub fn f() {} }",
                "struct S; impl S { pub fn f(x: u8) {} }",
            ),
            (
                "struct S; impl S {}",
                "struct S; impl S { pub fn added() {} }",
            ),
            (
                "struct S; impl Clone for S { fn clone(&self) -> S { S } }",
                "struct S; impl Clone for S { fn clone(&self) -> Self { S } }",
            ),
        ];
        for (before, after) in pairs {
            assert!(is_api_change(before, after), "{before} -> {after}");
            let private = |code: &str| code.replace("pub ", "");
            if !before.contains("impl Clone") {
                assert!(
                    !is_api_change(&private(before), &private(after)),
                    "private: {before} -> {after}"
                );
            }
        }
        // Renaming private items, or rewording docs of public ones, is not API.
        assert!(!is_api_change("struct S;", "struct T;"));
        assert!(!is_api_change("enum E { A }", "enum F { A }"));
        assert!(!is_api_change(
            "/// One.\npub struct S { pub a: u8 }",
            "/// Two.\npub struct S { pub a: u8 }"
        ));
        // A private method of a private impl with a body change is not API.
        assert!(!is_api_change(
            "struct S; impl S { fn f() -> u8 { 1 } }",
            "struct S; impl S { fn f() -> u8 { 2 } }"
        ));
        // The same signature in two scopes stays two entries.
        assert!(is_api_change(
            "pub mod a { pub fn f() {} } pub mod b { pub fn f() {} }",
            "pub mod a { pub fn f() {} } pub mod b {}"
        ));
    }

    #[test]
    fn unsafe_in_methods_impls_and_blocks_is_watched() {
        let unsafe_change = |before: &str, after: &str| {
            sensitive(&change("src/a.rs", before, after))
                .iter()
                .any(|r| r.contains("unsafe"))
        };
        assert!(unsafe_change(
            "struct S; impl S { fn f() {} }",
            "struct S; impl S { unsafe fn f() {} }"
        ));
        assert!(unsafe_change(
            "struct S; trait T {} impl T for S {}",
            "struct S; unsafe trait T {} unsafe impl T for S {}"
        ));
        assert!(unsafe_change("fn f() {}", "unsafe fn f() {}"));
        assert!(!unsafe_change(
            "fn f() { unsafe { g() } }",
            "fn f() {\n    unsafe { g() }\n}"
        ));
    }

    #[test]
    fn test_code_needs_a_test_attribute_or_cfg_test() {
        let test_change = |before: &str, after: &str| {
            sensitive(&change("src/a.rs", before, after))
                .iter()
                .any(|r| r.contains("test code"))
        };
        assert!(test_change("#[test] fn t() {}", "#[test] fn t() { f() }"));
        assert!(test_change(
            "struct S; impl S { #[test] fn t() {} }",
            "struct S; impl S { #[test] fn t() { f() } }"
        ));
        assert!(test_change(
            "#[cfg(test)] impl S { fn t() {} }",
            "#[cfg(test)] impl S { fn t() { f() } }"
        ));
        assert!(!test_change(
            "#[inline] fn t() {}",
            "#[inline] fn t() { f() }"
        ));
        // A helper inside a test module is test code, though it is no test itself.
        assert!(test_change(
            "#[cfg(test)] mod tests { fn helper() -> u8 { 1 } }",
            "#[cfg(test)] mod tests { fn helper() -> u8 { 2 } }"
        ));
        assert!(!test_change(
            "#[cfg(feature = \"x\")] fn t() {}",
            "#[cfg(feature = \"x\")] fn t() { f() }"
        ));
    }

    #[test]
    fn a_new_allow_or_a_removed_deny_is_sensitive_but_a_moved_one_is_not() {
        let lints = |before: &str, after: &str| {
            sensitive(&change("src/a.rs", before, after))
                .into_iter()
                .filter(|r| r.contains("lints"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            lints(
                "fn f() {}",
                "#[allow(unused_variables)]\nfn f() { let x = 1; }"
            ),
            ["it changes what lints check: `allow (unused_variables)`"]
        );
        assert_eq!(
            lints("fn f() {}", "#![expect(dead_code)]\nfn f() {}").len(),
            1
        );
        assert_eq!(
            lints(
                "fn f() {}",
                "#[cfg_attr(test, allow(clippy::pedantic))]\nfn f() {}"
            )
            .len(),
            1
        );
        assert_eq!(lints("#![deny(warnings)]\nfn f() {}", "fn f() {}").len(), 1);
        assert!(lints(
            "#![deny(warnings)]\nfn f() {}",
            "#![deny(warnings)]\nfn g() {}"
        )
        .is_empty());
        assert!(lints("#[expect(x)]\nfn f() {}", "#[expect(x)]\nfn g() {}").is_empty());
        assert!(lints(
            "#[allow(dead_code)]\nfn f() {}\nfn g() {}",
            "fn g() {}\n#[allow(dead_code)]\nfn f() {}"
        )
        .is_empty());
        // Two copies that each allowed a lint, merged into one.
        assert!(lints(
            "#[allow(x)]\nfn f() {}\n#[allow(x)]\nfn g() {}",
            "#[allow(x)]\nfn f() {}"
        )
        .is_empty());
    }

    #[test]
    fn only_rust_sources_outside_hidden_folders_are_ordinary() {
        for (path, word) in [
            (".envrc", "hidden"),
            (".gitignore", "hidden"),
            ("src/.hidden.rs", "hidden"),
            ("clippy.toml", "not Rust"),
            ("rustfmt.toml", "not Rust"),
            ("deny.toml", "not Rust"),
            ("scripts/run.sh", "not Rust"),
        ] {
            let reasons = sensitive(&change(path, "a", "b"));
            assert!(
                reasons.iter().any(|r| r.contains(word)),
                "{path}: {reasons:?}"
            );
        }
        assert!(sensitive(&change("src/a.rs", "fn a() {}", "fn b() {}")).is_empty());
    }

    #[test]
    fn a_file_too_deep_to_read_is_held() {
        let deep = format!(
            "fn f() -> u8 {{ {}1{} }}",
            "(".repeat(3000),
            ")".repeat(3000)
        );
        let reasons = sensitive(&change("src/a.rs", "fn f() -> u8 { 1 }", &deep));
        assert!(
            reasons.iter().any(|r| r.contains("nests too deep")),
            "{reasons:?}"
        );
    }

    #[test]
    fn look_alikes_of_git_are_denied_like_git() {
        let guard = Guard::new(&[]).unwrap();
        for path in [
            ".GIT/config",
            ".Git/hooks/pre-commit",
            ".g\u{456}t/config",
            "sub/.GIT/x",
        ] {
            let reason = guard.denied(path);
            assert!(reason.is_some(), "{path}");
        }
        assert!(guard.denied("src/git.rs").is_none());
        assert!(guard.denied("TARGET/debug/x").is_some());
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
