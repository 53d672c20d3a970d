//! Which definitions a name in the code can mean, through the module graph: a file's module
//! path from its place under `src/`, what the `use` items in scope bind, and the modules that
//! qualified paths (`report::headline`, `crate::a::f`) name.
//!
//! Only the syntax is known, so a name resolves to candidate places: `(module, name)`
//! targets. A target that names no definition exactly may be a re-export, and then matches a
//! public definition of that name in a submodule. Paths that leave the package (std, other
//! crates) resolve to nothing, which is what they should show.

use std::collections::HashSet;
use std::path::Path;

use super::manifest::Package;

/// A module's path from its package's root module: `["crate", "a", "b"]`.
pub(super) type ModPath = Vec<String>;

/// What a `use` binds in the module that declares it.
#[derive(Debug, Clone)]
pub(super) enum Import {
    /// `use m::item as name;` (`use m::{self}` binds the last segment of `m`).
    Name {
        name: String,
        module: ModPath,
        item: String,
    },
    /// `use m::*;`
    Glob(ModPath),
}

/// Where an instance is: its module, the imports in scope there, and the types whose `impl`
/// or `trait` encloses it (their methods are reachable through `self`).
#[derive(Debug, Clone, Default)]
pub(super) struct Scope {
    pub module: ModPath,
    pub imports: Vec<Import>,
    pub types: HashSet<String>,
}

/// A place a name of the code may be defined.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Target {
    pub module: ModPath,
    pub name: String,
    /// Whether a re-export from a submodule may be meant.
    pub deep: bool,
}

/// The module of file `rel` (relative to `root`): from its place under the `src/` of the
/// innermost package holding it. A file outside every `src/` is a module of its own.
pub(super) fn module_of(root: &Path, rel: &str, packages: &[Package]) -> ModPath {
    let file = root.join(rel);
    let src = packages
        .iter()
        .map(|package| package.dir.join("src"))
        .filter(|src| file.starts_with(src))
        .max_by_key(|src| src.components().count());
    let Some(rel_to_src) = src.as_ref().and_then(|src| file.strip_prefix(src).ok()) else {
        return vec![format!("<{rel}>")];
    };
    let parts: Vec<String> = rel_to_src
        .with_extension("")
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut module = vec!["crate".to_string()];
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let root_file = i == 0 && (part == "lib" || part == "main");
        if last && (part == "mod" || root_file) {
            continue;
        }
        module.push(part.clone());
    }
    module
}

/// What a `use` item declared in module `base` binds.
pub(super) fn imports(item: &syn::ItemUse, base: &ModPath) -> Vec<Import> {
    let mut out = Vec::new();
    // `use ::x` names another crate.
    if item.leading_colon.is_none() {
        walk_use(&item.tree, &mut Vec::new(), base, &mut out);
    }
    out
}

fn walk_use(tree: &syn::UseTree, prefix: &mut Vec<String>, base: &ModPath, out: &mut Vec<Import>) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            walk_use(&path.tree, prefix, base, out);
            prefix.pop();
        }
        syn::UseTree::Name(name) => bind(prefix, &name.ident, &name.ident, base, out),
        syn::UseTree::Rename(rename) => bind(prefix, &rename.ident, &rename.rename, base, out),
        syn::UseTree::Glob(_) => out.extend(modules(prefix, base).into_iter().map(Import::Glob)),
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                walk_use(tree, prefix, base, out);
            }
        }
    }
}

/// `prefix::item as name`; `prefix::{self}` binds the last segment of `prefix`.
fn bind(
    prefix: &[String],
    item: &syn::Ident,
    name: &syn::Ident,
    base: &ModPath,
    out: &mut Vec<Import>,
) {
    let (prefix, item) = match (item == "self", prefix.split_last()) {
        (false, _) => (prefix, item.to_string()),
        (true, Some((last, rest))) => (rest, last.clone()),
        (true, None) => return,
    };
    let name = if name == "self" {
        item.clone()
    } else {
        name.to_string()
    };
    for module in modules(prefix, base) {
        out.push(Import::Name {
            name: name.clone(),
            module,
            item: item.clone(),
        });
    }
}

/// The modules a path of module names may mean, written in module `base`: `crate::`,
/// `self::` and `super::` say; a bare name is a child of `base` (2018) or of the crate
/// root (2015).
fn modules(path: &[String], base: &ModPath) -> Vec<ModPath> {
    let Some((first, rest)) = path.split_first() else {
        return vec![base.clone()];
    };
    let joined = |mut module: ModPath, rest: &[String]| {
        module.extend(rest.iter().cloned());
        module
    };
    match first.as_str() {
        "crate" => vec![joined(vec!["crate".to_string()], rest)],
        "self" => vec![joined(base.clone(), rest)],
        "super" => {
            let mut module = base.clone();
            module.pop();
            let supers = rest.iter().take_while(|s| *s == "super").count();
            module.truncate(module.len().saturating_sub(supers));
            vec![joined(module, &rest[supers..])]
        }
        _ => {
            let relative = joined(base.clone(), path);
            let from_root = joined(vec!["crate".to_string()], path);
            if relative == from_root {
                vec![relative]
            } else {
                vec![relative, from_root]
            }
        }
    }
}

/// Where a name the code uses bare may be defined: its own module, what imports bind it to,
/// and the modules of glob imports.
pub(super) fn bare(name: &str, scope: &Scope) -> Vec<Target> {
    let mut targets = vec![Target {
        module: scope.module.clone(),
        name: name.to_string(),
        deep: false,
    }];
    for import in &scope.imports {
        match import {
            Import::Name {
                name: bound,
                module,
                item,
            } if bound == name => targets.push(Target {
                module: module.clone(),
                name: item.clone(),
                deep: true,
            }),
            Import::Glob(module) => targets.push(Target {
                module: module.clone(),
                name: name.to_string(),
                deep: false,
            }),
            Import::Name { .. } => {}
        }
    }
    targets
}

/// Where `qualifier::name` may be defined: the module the qualifier names, through `crate`,
/// `self`, `super`, an import, or a child module.
pub(super) fn qualified(qualifier: &[String], name: &str, scope: &Scope) -> Vec<Target> {
    let Some((first, rest)) = qualifier.split_first() else {
        return Vec::new();
    };
    let mut modules: Vec<ModPath> = scope
        .imports
        .iter()
        .filter_map(|import| match import {
            Import::Name {
                name: bound,
                module,
                item,
            } if bound == first => {
                let mut module = module.clone();
                module.push(item.clone());
                module.extend(rest.iter().cloned());
                Some(module)
            }
            _ => None,
        })
        .collect();
    if modules.is_empty() {
        modules = self::modules(qualifier, &scope.module);
    }
    modules
        .into_iter()
        .map(|module| Target {
            module,
            name: name.to_string(),
            deep: true,
        })
        .collect()
}
