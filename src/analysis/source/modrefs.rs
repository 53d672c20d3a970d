//! What a file says about the module graph: the paths its modules name (`use` leaves, paths in
//! code and in macro tokens), the items they define, and which imported names their own code
//! refers to.
//!
//! `source.rs` collects these while it visits the syntax tree; `smells/modules.rs` resolves
//! them across files. Only the syntax is known here, so a path is kept as written and
//! resolved later, when every module's imports and items are known.

use std::collections::HashSet;

use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};
use serde::{Deserialize, Serialize};

/// A path that a module names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModRef {
    /// Index into [`crate::analysis::source::ParsedFile::modules`].
    pub module: u32,
    /// Path segments joined by `::`, as written (`crate::a::B`, `super::c`, `d::f`); `$crate`
    /// is written `crate`.
    pub path: String,
    pub line: u32,
    pub kind: RefKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefKind {
    /// A `use` leaf that binds `name` in its module (`_` for `as _`).
    Import {
        name: String,
        /// Any `pub`, `pub(crate)` or `pub(in ..)`: a re-export others may name.
        public: bool,
        /// Whether the module's own code names `name`: a private import that it never
        /// names only gives child modules a shorter path, and is no dependency of its own.
        referenced: bool,
    },
    /// A glob import (`use a::*`): `path` is what it imports from.
    Glob { public: bool },
    /// A path in code, in a signature, or in the tokens of a macro call.
    Code,
    /// A `$crate::` path in a `macro_rules!` body: it uses the item wherever the macro
    /// expands, so it is a use of the item but no dependency of the defining module.
    MacroDef,
    /// A `use` leaf of a module the analysis leaves out (`#[cfg(test)]` without `--tests`, a
    /// feature not selected), as its parent sees the path: a build that compiles that module
    /// needs the item, so it is a use, but no dependency and no name of the parent's.
    SkippedUse,
}

/// An item declared directly in a module (any visibility), for following paths to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemDef {
    /// Index into [`crate::analysis::source::ParsedFile::modules`].
    pub module: u32,
    pub name: String,
    /// Traits are used by method calls that never name them, so importing one is a use.
    pub is_trait: bool,
}

/// A type named in the public surface of an item (a `pub` field's type, a `pub fn`'s
/// signature, an alias): if the item is needed `pub`, so is that type, whoever names it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exposure {
    /// Index into [`crate::analysis::source::ParsedFile::modules`].
    pub module: u32,
    /// The item (for methods, the type of their impl).
    pub owner: String,
    pub name: String,
}

/// Type names (capitalised path segments, `Self` aside) in what `item` shows to its users.
pub fn exposed_names(item: &syn::Item) -> Vec<String> {
    use syn::visit::Visit;
    let mut names = TypeNames::default();
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    match item {
        syn::Item::Fn(i) => names.visit_signature(&i.sig),
        syn::Item::Struct(i) => i
            .fields
            .iter()
            .filter(|f| public(&f.vis))
            .for_each(|f| names.visit_type(&f.ty)),
        syn::Item::Union(i) => i
            .fields
            .named
            .iter()
            .filter(|f| public(&f.vis))
            .for_each(|f| names.visit_type(&f.ty)),
        syn::Item::Enum(i) => i
            .variants
            .iter()
            .for_each(|v| names.visit_fields(&v.fields)),
        syn::Item::Trait(i) => names.visit_item_trait(i),
        syn::Item::Type(i) => names.visit_type(&i.ty),
        syn::Item::Const(i) => names.visit_type(&i.ty),
        syn::Item::Static(i) => names.visit_type(&i.ty),
        _ => {}
    }
    names.0
}

/// Type names in what an impl shows: every item of a trait impl, the `pub` ones of an
/// inherent impl, and the traits whose associated types they name through a parameter
/// (`type Item = F::Output` shows the trait bounding `F`).
pub fn impl_exposed_names(node: &syn::ItemImpl) -> Vec<String> {
    use syn::visit::Visit;
    let mut names = TypeNames::default();
    let shown =
        |vis: &syn::Visibility| node.trait_.is_some() || matches!(vis, syn::Visibility::Public(_));
    for item in &node.items {
        match item {
            syn::ImplItem::Fn(f) if shown(&f.vis) => names.visit_signature(&f.sig),
            syn::ImplItem::Type(t) if shown(&t.vis) => names.visit_type(&t.ty),
            syn::ImplItem::Const(c) if shown(&c.vis) => names.visit_type(&c.ty),
            _ => {}
        }
    }
    let projected: Vec<String> = (node.generics.type_params())
        .map(|p| p.ident.to_string())
        .filter(|param| names.0.contains(param))
        .collect();
    for bound in bounds_of(&node.generics, &projected) {
        if let syn::TypeParamBound::Trait(t) = bound {
            names.visit_path(&t.path);
        }
    }
    names.0
}

/// The bounds on the type parameters named `params`, inline and in the `where` clause.
fn bounds_of<'a>(
    generics: &'a syn::Generics,
    params: &'a [String],
) -> impl Iterator<Item = &'a syn::TypeParamBound> + 'a {
    let named = move |ident: &syn::Ident| params.iter().any(|p| ident == p);
    let inline = (generics.type_params())
        .filter(move |p| named(&p.ident))
        .flat_map(|p| &p.bounds);
    let clauses = generics.where_clause.iter().flat_map(|w| &w.predicates);
    let wheres = clauses.filter_map(move |predicate| match predicate {
        syn::WherePredicate::Type(t) => match &t.bounded_ty {
            syn::Type::Path(p) if p.path.get_ident().is_some_and(named) => Some(&t.bounds),
            _ => None,
        },
        _ => None,
    });
    inline.chain(wheres.flatten())
}

#[derive(Default)]
struct TypeNames(Vec<String>);

impl<'ast> syn::visit::Visit<'ast> for TypeNames {
    fn visit_path_segment(&mut self, node: &'ast syn::PathSegment) {
        let name = node.ident.to_string();
        if name != "Self"
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && !self.0.contains(&name)
        {
            self.0.push(name);
        }
        syn::visit::visit_path_segment(self, node);
    }

    fn visit_block(&mut self, _node: &'ast syn::Block) {
        // A default method's body is not its surface.
    }
}

/// The leaves of a `use` tree: (path, the name it binds, line). A glob binds `*`.
pub fn use_leaves(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(String, String, u32)>,
) {
    let joined = |prefix: &[String], last: &str| {
        let mut path = prefix.join("::");
        if !last.is_empty() {
            if !path.is_empty() {
                path.push_str("::");
            }
            path.push_str(last);
        }
        path
    };
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_leaves(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            let line = n.ident.span().start().line as u32;
            if name == "self" {
                out.push((
                    joined(prefix, ""),
                    prefix.last().cloned().unwrap_or_default(),
                    line,
                ));
            } else {
                out.push((joined(prefix, &name), name, line));
            }
        }
        syn::UseTree::Rename(r) => {
            out.push((
                joined(prefix, &r.ident.to_string()),
                r.rename.to_string(),
                r.ident.span().start().line as u32,
            ));
        }
        syn::UseTree::Glob(g) => out.push((
            joined(prefix, ""),
            "*".into(),
            g.star_token.spans[0].start().line as u32,
        )),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                use_leaves(item, prefix, out);
            }
        }
    }
}

/// Whether a path written in code can name a module of the crate, as far as its first segment
/// tells: `Self::` cannot. A capital (`Foo::new`) is most often a type, but a module may be
/// named so (`#[allow(non_snake_case)] mod Operation { pub const INDEXING: u8 = 0; }`):
/// [`finish`] keeps only paths that start with a child module or an imported name.
pub fn may_name_module(first: &str) -> bool {
    first != "Self" && first.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

/// Keywords that can stand before `::` in tokens without starting a path.
const KEYWORDS: [&str; 8] = ["use", "pub", "in", "as", "return", "mut", "ref", "dyn"];

/// A path in a macro's tokens.
pub struct TokenPath {
    pub path: String,
    /// The line of its first segment.
    pub line: u32,
    /// Followed by `::*`: everything in it is imported (`use $crate::prelude::*;`).
    pub glob: bool,
}

/// The paths of two or more segments in a macro's tokens (`crate::a::f`, `$crate::a::B`,
/// `child::T`), and every identifier met on the way.
pub fn token_paths(stream: TokenStream, paths: &mut Vec<TokenPath>, idents: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(group) => {
                token_paths(group.stream(), paths, idents);
                i += 1;
            }
            TokenTree::Ident(ident) => {
                let first = ident.to_string();
                idents.push(first.clone());
                // `use ::std::x` is no path `use::std::x`.
                if KEYWORDS.contains(&first.as_str()) {
                    i += 1;
                    continue;
                }
                i = path_at(&tokens, i, first, paths, idents);
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => i += 1,
        }
    }
}

/// Reads the path that starts with the identifier `first` at `tokens[i]` into `paths` (when it
/// may name a module of the crate); the index after it.
fn path_at(
    tokens: &[TokenTree],
    i: usize,
    first: String,
    paths: &mut Vec<TokenPath>,
    idents: &mut Vec<String>,
) -> usize {
    let after_colons = i >= 2 && is_path_sep(&tokens[i - 2], &tokens[i - 1]);
    let dollar = i >= 1 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
    let line = tokens[i].span().start().line as u32;
    let mut segments = vec![first];
    let mut j = i + 1;
    let mut braced = None;
    while braced.is_none() && j + 1 < tokens.len() && is_path_sep(&tokens[j], &tokens[j + 1]) {
        match tokens.get(j + 2) {
            Some(TokenTree::Ident(next)) => {
                idents.push(next.to_string());
                segments.push(next.to_string());
            }
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                braced = Some(group);
            }
            _ => break,
        }
        j += 3;
    }
    // A path that starts after `::` is absolute (`::std::x`) or the tail of one already
    // taken; `$x::y` is a macro variable.
    let variable = dollar && segments[0] != "crate";
    if after_colons || variable || !may_name_module(&segments[0]) {
        return j.max(i + 1);
    }
    match braced {
        // `use $crate::{a::f, b::{C, D}};`: each leaf is a path.
        Some(group) => {
            let mut found = Vec::new();
            use_group(&segments, group, line, &mut found, idents);
            paths.extend(found.into_iter().filter(|p| p.path.contains("::")));
        }
        None if segments.len() >= 2 => {
            let glob = j + 2 < tokens.len()
                && is_path_sep(&tokens[j], &tokens[j + 1])
                && matches!(&tokens[j + 2], TokenTree::Punct(p) if p.as_char() == '*');
            paths.push(TokenPath {
                path: segments.join("::"),
                line,
                glob,
            });
        }
        None => {}
    }
    j.max(i + 1)
}

/// The leaves of a braced use tree after `prefix::` (`{a::f, b::{C, self}, d::*}`), as paths.
fn use_group(
    prefix: &[String],
    group: &Group,
    line: u32,
    out: &mut Vec<TokenPath>,
    idents: &mut Vec<String>,
) {
    let tokens: Vec<TokenTree> = group.stream().into_iter().collect();
    for item in tokens.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) {
        let mut path = prefix.to_vec();
        let mut glob = false;
        for token in item {
            match token {
                TokenTree::Ident(ident) if ident == "as" => break,
                TokenTree::Ident(ident) if ident == "self" => {}
                TokenTree::Ident(ident) => {
                    idents.push(ident.to_string());
                    path.push(ident.to_string());
                }
                TokenTree::Group(inner) if inner.delimiter() == Delimiter::Brace => {
                    use_group(&path, inner, line, out, idents);
                    path.clear();
                    break;
                }
                TokenTree::Punct(p) if p.as_char() == '*' => glob = true,
                _ => {}
            }
        }
        if !path.is_empty() {
            out.push(TokenPath {
                path: path.join("::"),
                line,
                glob,
            });
        }
    }
}

fn is_path_sep(a: &TokenTree, b: &TokenTree) -> bool {
    matches!((a, b), (TokenTree::Punct(x), TokenTree::Punct(y))
        if x.as_char() == ':' && x.spacing() == Spacing::Joint && y.as_char() == ':')
}

/// Once a file is visited: marks the imports each module's own code refers to, and drops the
/// code paths that cannot reach a module of the crate: those whose first segment is not
/// `crate`, `self`, `super`, a child module declared in the file, or a name its module imports
/// (the rest name externs, the prelude or local items).
pub fn finish(refs: &mut Vec<ModRef>, referenced: &[HashSet<String>], children: &HashSet<&str>) {
    let imported: HashSet<(u32, String)> = refs
        .iter()
        .filter_map(|r| match &r.kind {
            RefKind::Import { name, .. } => Some((r.module, name.clone())),
            _ => None,
        })
        .collect();
    refs.retain(|r| {
        let first = r.path.split("::").next().unwrap_or_default();
        match r.kind {
            RefKind::Code => {
                matches!(first, "crate" | "self" | "super")
                    || children.contains(first)
                    || imported.contains(&(r.module, first.to_string()))
            }
            RefKind::MacroDef => first == "crate",
            RefKind::Import { .. } | RefKind::Glob { .. } | RefKind::SkippedUse => true,
        }
    });
    for r in refs.iter_mut() {
        if let RefKind::Import {
            name,
            referenced: used,
            ..
        } = &mut r.kind
        {
            *used = name == "_"
                || referenced
                    .get(r.module as usize)
                    .is_some_and(|names| names.contains(name.as_str()));
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn paths_in_macro_tokens() {
        let stream: TokenStream =
            "$crate::a::B, x.f(child::g(1)), ::std::mem::swap, $v::w, Foo::new(), { super::c::D } use $crate::p::q::*; \
             use $crate::{m::f, n::{T, self}, o::* }; use ::std::{io::Write};"
                .parse()
                .unwrap();
        let (mut paths, mut idents) = (Vec::new(), Vec::new());
        token_paths(stream, &mut paths, &mut idents);
        let paths: Vec<(&str, bool)> = paths.iter().map(|p| (p.path.as_str(), p.glob)).collect();
        assert_eq!(
            paths,
            [
                ("crate::a::B", false),
                ("child::g", false),
                // A type or a module named in capitals: `finish` tells.
                ("Foo::new", false),
                ("super::c::D", false),
                ("crate::p::q", true),
                // A braced use tree: each leaf.
                ("crate::m::f", false),
                ("crate::n::T", false),
                ("crate::n", false),
                ("crate::o", true),
            ]
        );
        assert!(idents.iter().any(|i| i == "Foo"));
        assert!(idents.iter().any(|i| i == "x"));
    }
}
