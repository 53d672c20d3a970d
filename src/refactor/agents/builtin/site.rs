//! One copy of a duplicated run of statements as its file holds it: the function around it,
//! the run's statements and bytes, the statements after it in its block, and where a helper
//! beside that function goes.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::copy::{byte_range, item_path, read_source};
use super::scope::position;
use crate::refactor::finding::Location;

/// One copy of the run.
// Shares five field names with `copy::Copy`, but `item_end` ends the whole impl here and the
// function there: one embedded struct would hide that, for a saving of about one line.
// cargo-loop: allow(duplicate-abstraction)
pub(super) struct Site {
    /// The workspace root the location is relative to.
    pub(super) root: PathBuf,
    pub(super) location: Location,
    pub(super) text: String,
    /// The function holding the run (a method as a function).
    pub(super) function: syn::ItemFn,
    /// The names of the generic parameters of the function, and of its impl block.
    pub(super) generics: Vec<String>,
    pub(super) impl_generics: Vec<String>,
    /// For a method, where a helper method beside it goes.
    pub(super) method: Option<Method>,
    /// The names the copy's module defines or imports by name, and whether it glob-imports
    /// its parent (`use super::*;`).
    pub(super) module_names: HashSet<String>,
    pub(super) glob_super: bool,
    /// Module path below the crate root, and the crate.
    pub(super) module: Vec<String>,
    pub(super) crate_name: String,
    /// The run's statements and where they stand in their block.
    pub(super) run: Run,
    /// The run's bytes, from its first statement to the end of its last.
    pub(super) range: Range<usize>,
    /// Where the function (or the impl holding the method) ends, and its indentation.
    pub(super) item_end: usize,
    pub(super) indent: String,
    /// The types calls in it return, as the copies' files declare them ([`super::signature`]):
    /// by `self.NAME` for its type's methods, by `NAME` for free functions.
    pub(super) calls: HashMap<String, super::types::Typed>,
}

/// A method holding a run, as a helper method of the same impl needs it.
pub(super) struct Method {
    /// Its impl's header as tokens (generics, type, bounds: copies' impls must agree), and
    /// whether it is inherent (a trait impl cannot take another method).
    pub(super) owner: String,
    pub(super) inherent: bool,
    /// Its receiver as written (`&self`, `&mut self`), if it has one.
    pub(super) receiver: Option<String>,
    /// Where the method ends, and its indentation.
    pub(super) end: usize,
    pub(super) indent: String,
}

impl Site {
    pub(super) fn read(root: &Path, location: &Location) -> Result<Site, String> {
        let (text, file) = read_source(root, location)?;
        let (mut path, name, crate_name) = item_path(location);
        let holder = find_holder(&file.items, &name, location.start_line).ok_or_else(|| {
            format!(
                "`{}` is not a function or method at {}:{}",
                location.item, location.file, location.start_line
            )
        })?;
        if holder.in_impl {
            path.pop();
        }
        let run = find_run(&holder.function, location).ok_or_else(|| {
            format!(
                "no run of statements in `{}` spans lines {}-{} of {}",
                location.item, location.start_line, location.end_line, location.file
            )
        })?;
        let (item_end, indent) = end_and_indent(&text, holder.span);
        let method = holder.method.map(|(span, owner, inherent)| {
            let (end, indent) = end_and_indent(&text, span);
            let receiver = holder.function.sig.receiver().map(|receiver| {
                let range = byte_range(&text, receiver.span());
                text[range].to_owned()
            });
            Method {
                owner,
                inherent,
                receiver,
                end,
                indent,
            }
        });
        Ok(Site {
            range: byte_range(&text, run.stmts[0].span()).start
                ..byte_range(&text, run.stmts[run.stmts.len() - 1].span()).end,
            item_end,
            indent,
            method,
            impl_generics: holder.impl_generics,
            module_names: holder.module_names,
            glob_super: holder.glob_super,
            root: root.to_path_buf(),
            location: location.clone(),
            function: holder.function,
            generics: holder.generics,
            module: path.get(1..).unwrap_or_default().to_vec(),
            crate_name,
            run,
            text,
            calls: HashMap::new(),
        })
    }

    /// The name of the type whose method holds the run, if a method does.
    pub(super) fn owner_name(&self) -> Option<String> {
        self.method.as_ref()?;
        let path: Vec<&str> = self.location.item.split("::").collect();
        path.len().checked_sub(2).map(|at| path[at].to_owned())
    }
}

/// Where an item ends, and the indentation of its first line.
fn end_and_indent(text: &str, span: proc_macro2::Span) -> (usize, String) {
    let range = byte_range(text, span);
    let line_start = text[..range.start].rfind('\n').map_or(0, |at| at + 1);
    (range.end, text[line_start..range.start].to_owned())
}

/// The function a run is in, with what a helper beside it must know.
struct Holder {
    function: syn::ItemFn,
    in_impl: bool,
    generics: Vec<String>,
    impl_generics: Vec<String>,
    /// For a method: its span, where its impl starts, and whether the impl is inherent.
    method: Option<(proc_macro2::Span, String, bool)>,
    module_names: HashSet<String>,
    glob_super: bool,
    /// The function's span, or its impl block's.
    span: proc_macro2::Span,
}

/// The free function or method `name` whose span holds `line`, in these items or inline
/// modules, with the names of the module it is found in.
fn find_holder(items: &[syn::Item], name: &str, line: u32) -> Option<Holder> {
    let holds =
        |span: proc_macro2::Span| (span.start().line..=span.end().line).contains(&(line as usize));
    let here = |mut holder: Holder| {
        (holder.module_names, holder.glob_super) = module_names(items);
        holder
    };
    items.iter().find_map(|item| match item {
        syn::Item::Fn(function) if function.sig.ident == name && holds(function.span()) => {
            Some(here(Holder {
                function: function.clone(),
                in_impl: false,
                generics: generic_names(&function.sig.generics),
                impl_generics: Vec::new(),
                method: None,
                module_names: HashSet::new(),
                glob_super: false,
                span: function.span(),
            }))
        }
        syn::Item::Impl(block) => block.items.iter().find_map(|member| match member {
            syn::ImplItem::Fn(method) if method.sig.ident == name && holds(method.span()) => {
                let owner = format!(
                    "{} {} {}",
                    block.generics.to_token_stream(),
                    block.self_ty.to_token_stream(),
                    block.generics.where_clause.to_token_stream()
                );
                Some(here(Holder {
                    function: syn::ItemFn {
                        attrs: method.attrs.clone(),
                        vis: method.vis.clone(),
                        sig: method.sig.clone(),
                        block: Box::new(method.block.clone()),
                    },
                    in_impl: true,
                    generics: generic_names(&method.sig.generics),
                    impl_generics: generic_names(&block.generics),
                    method: Some((method.span(), owner, block.trait_.is_none())),
                    module_names: HashSet::new(),
                    glob_super: false,
                    span: block.span(),
                }))
            }
            _ => None,
        }),
        syn::Item::Mod(module) => module
            .content
            .as_ref()
            .and_then(|(_, items)| find_holder(items, name, line)),
        _ => None,
    })
}

/// The names a module's items define or import by name, and whether it glob-imports its
/// parent (`use super::*;`).
fn module_names(items: &[syn::Item]) -> (HashSet<String>, bool) {
    fn leaves(
        tree: &syn::UseTree,
        names: &mut HashSet<String>,
        glob_super: &mut bool,
        depth: usize,
    ) {
        match tree {
            syn::UseTree::Path(path) => {
                if path.ident == "super"
                    && depth == 0
                    && matches!(&*path.tree, syn::UseTree::Glob(_))
                {
                    *glob_super = true;
                }
                leaves(&path.tree, names, glob_super, depth + 1);
            }
            syn::UseTree::Name(name) => {
                names.insert(name.ident.to_string());
            }
            syn::UseTree::Rename(rename) => {
                names.insert(rename.rename.to_string());
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    leaves(tree, names, glob_super, depth);
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut names = HashSet::new();
    let mut glob_super = false;
    for item in items {
        let ident = match item {
            syn::Item::Use(used) => {
                leaves(&used.tree, &mut names, &mut glob_super, 0);
                None
            }
            syn::Item::Fn(f) => Some(&f.sig.ident),
            syn::Item::Const(c) => Some(&c.ident),
            syn::Item::Static(s) => Some(&s.ident),
            syn::Item::Struct(s) => Some(&s.ident),
            syn::Item::Enum(e) => Some(&e.ident),
            syn::Item::Union(u) => Some(&u.ident),
            syn::Item::Type(t) => Some(&t.ident),
            syn::Item::Trait(t) => Some(&t.ident),
            syn::Item::Mod(m) => Some(&m.ident),
            syn::Item::Macro(m) => m.ident.as_ref(),
            _ => None,
        };
        names.extend(ident.map(ToString::to_string));
    }
    (names, glob_super)
}

fn generic_names(generics: &syn::Generics) -> Vec<String> {
    generics
        .params
        .iter()
        .map(|param| match param {
            syn::GenericParam::Type(ty) => ty.ident.to_string(),
            syn::GenericParam::Const(konst) => konst.ident.to_string(),
            syn::GenericParam::Lifetime(lifetime) => lifetime.lifetime.to_string(),
        })
        .collect()
}

/// A run of statements in its block.
pub(super) struct Run {
    pub(super) stmts: Vec<syn::Stmt>,
    /// The statements after the run in its block, which may use what the run binds.
    pub(super) after: Vec<syn::Stmt>,
    /// Whether the run ends its block with a value (a final expression without `;`).
    pub(super) is_value: bool,
    /// The `{` of the run's block and the index of its first statement there.
    pub(super) brace: (usize, usize),
    pub(super) first: usize,
}

/// The statements of one block of `function` that start on the location's first line and
/// end on its last; the outermost such run.
fn find_run(function: &syn::ItemFn, location: &Location) -> Option<Run> {
    struct Finder<'a> {
        location: &'a Location,
        found: Option<Run>,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_block(&mut self, block: &'ast syn::Block) {
            if self.found.is_some() {
                return;
            }
            let line = |at: proc_macro2::LineColumn| at.line as u32;
            let first = block
                .stmts
                .iter()
                .position(|s| line(s.span().start()) == self.location.start_line);
            let last = block
                .stmts
                .iter()
                .rposition(|s| line(s.span().end()) == self.location.end_line);
            if let (Some(first), Some(last)) = (first, last) {
                if first <= last {
                    let is_last = last + 1 == block.stmts.len();
                    self.found = Some(Run {
                        stmts: block.stmts[first..=last].to_vec(),
                        after: block.stmts[last + 1..].to_vec(),
                        is_value: is_last && block_value(&block.stmts[last]),
                        brace: position(block.brace_token.span.open().start()),
                        first,
                    });
                    return;
                }
            }
            syn::visit::visit_block(self, block);
        }

        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut finder = Finder {
        location,
        found: None,
    };
    finder.visit_block(&function.block);
    finder.found
}

/// Whether a block's final statement gives it a value other than `()` (as far as its form
/// tells: a loop or an `if` without `else` gives none).
fn block_value(stmt: &syn::Stmt) -> bool {
    match stmt {
        syn::Stmt::Expr(syn::Expr::ForLoop(_) | syn::Expr::While(_), None) => false,
        syn::Stmt::Expr(syn::Expr::If(branch), None) => branch.else_branch.is_some(),
        syn::Stmt::Expr(_, None) => true,
        _ => false,
    }
}
