//! What a crate's own sources declare, read from every source file of the crate (once per
//! state of its files), as far as extracting a run of statements needs it:
//!
//! - which methods of its types take `self` by value: a run that calls one on a local hands
//!   the local over (it moves, as an argument does), so a helper takes that local by value
//!   where lending it would leave the method nothing to move (`(*union).into_item()` does not
//!   compile). A method counts only where its type is declared once in the crate, under a
//!   name no generic of the copy's function shadows, and every method of that name written
//!   for a type of that name takes `self` by value;
//! - the unit variants of its enums without generics, declared once: `ast::Kind::Digit` is
//!   an `ast::Kind`. Spelled where the run spells it, a wrong reading fails the build.
//!
//! Anything else is unknown, and the helper does what it did without it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The crate's types, and what its methods take.
#[derive(Default)]
struct Crate {
    /// How many times each type name is declared (struct, enum or union).
    declared: HashMap<String, usize>,
    /// For each (type name, method name): whether every such method takes `self` by value.
    by_value: HashMap<(String, String), bool>,
    /// The unit variants of each enum without generics.
    unit_variants: HashMap<String, Vec<String>>,
}

/// The last crate read: its folder, the (path, length, modified) of its files, and what
/// they declare. A `fix` pass asks about one crate many times between its edits.
type Cached = (
    PathBuf,
    Vec<(PathBuf, u64, Option<std::time::SystemTime>)>,
    Arc<Crate>,
);

static LAST: Mutex<Option<Cached>> = Mutex::new(None);

/// Whether `method`, called on a value of the type `ty` names, takes it by value, as the
/// crate holding `file` (relative to `root`) declares it.
pub(super) fn consumes(root: &Path, file: &str, ty: &syn::Type, method: &str) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    let Some(last) = path.path.segments.last() else {
        return false;
    };
    if path.qself.is_some() || !last.arguments.is_empty() {
        return false;
    }
    let Some(known) = read(root, file) else {
        return false;
    };
    let name = last.ident.to_string();
    known.declared.get(&name) == Some(&1)
        && known.by_value.get(&(name, method.to_owned())) == Some(&true)
}

/// The unit variants (`Enum::Variant`) of the enums without generics declared once in the
/// crate holding `file`.
pub(super) fn unit_variants(root: &Path, file: &str) -> Vec<String> {
    let Some(known) = read(root, file) else {
        return Vec::new();
    };
    known
        .unit_variants
        .iter()
        .filter(|(name, _)| known.declared.get(*name) == Some(&1))
        .flat_map(|(name, variants)| variants.iter().map(move |v| format!("{name}::{v}")))
        .collect()
}

/// What the crate holding `file` declares, read again only when its files changed.
fn read(root: &Path, file: &str) -> Option<Arc<Crate>> {
    let dir = crate_dir(root, file)?;
    let files: Vec<(PathBuf, u64, Option<std::time::SystemTime>)> = rust_files(&dir.join("src"))
        .into_iter()
        .map(|path| {
            let meta = std::fs::metadata(&path).ok();
            let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
            let modified = meta.and_then(|m| m.modified().ok());
            (path, len, modified)
        })
        .collect();
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((at, seen, known)) = last.as_ref() {
        if *at == dir && *seen == files {
            return Some(Arc::clone(known));
        }
    }
    let mut known = Crate::default();
    for (source, _, _) in &files {
        let Ok(text) = std::fs::read_to_string(source) else {
            continue;
        };
        if crate::analysis::source::too_deep(&text).is_some() {
            continue;
        }
        if let Ok(parsed) = syn::parse_file(&text) {
            collect(&parsed.items, &mut known);
        }
    }
    let known = Arc::new(known);
    *last = Some((dir, files, Arc::clone(&known)));
    Some(known)
}

/// The nearest folder above `file` (inside `root`) holding a `Cargo.toml`.
fn crate_dir(root: &Path, file: &str) -> Option<PathBuf> {
    let mut dir = root.join(file);
    while dir.pop() {
        if dir.join("Cargo.toml").is_file() {
            return Some(dir);
        }
        if dir == root {
            break;
        }
    }
    None
}

/// The `.rs` files under `dir`, at any depth.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&at) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(kind) if kind.is_file() && path.extension().is_some_and(|e| e == "rs") => {
                    files.push(path);
                }
                _ => {}
            }
        }
    }
    files
}

/// Records the types `items` (and inline modules) declare and what their methods take.
fn collect(items: &[syn::Item], known: &mut Crate) {
    for item in items {
        let declared = match item {
            syn::Item::Struct(s) => Some(&s.ident),
            syn::Item::Enum(e) => Some(&e.ident),
            syn::Item::Union(u) => Some(&u.ident),
            _ => None,
        };
        if let Some(ident) = declared {
            *known.declared.entry(ident.to_string()).or_default() += 1;
        }
        match item {
            syn::Item::Enum(declaration) if declaration.generics.params.is_empty() => {
                known.unit_variants_of(declaration);
            }
            // An impl for `&T` takes a reference even where its methods take `self`.
            syn::Item::Impl(block) if matches!(&*block.self_ty, syn::Type::Path(_)) => {
                known.receivers_of(block);
            }
            syn::Item::Mod(module) => {
                if let Some((_, inner)) = &module.content {
                    collect(inner, known);
                }
            }
            _ => {}
        }
    }
}

impl Crate {
    /// Records the unit variants of a (non-generic) enum.
    fn unit_variants_of(&mut self, declaration: &syn::ItemEnum) {
        let units = (declaration.variants.iter())
            .filter(|v| matches!(v.fields, syn::Fields::Unit))
            .map(|v| v.ident.to_string());
        (self.unit_variants)
            .entry(declaration.ident.to_string())
            .or_default()
            .extend(units);
    }

    /// Records whether each method of an impl takes `self` by value.
    fn receivers_of(&mut self, block: &syn::ItemImpl) {
        let of = crate::analysis::source::type_name(&block.self_ty);
        for member in &block.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            let Some(receiver) = method.sig.receiver() else {
                continue;
            };
            let by_value = receiver.reference.is_none() && receiver.colon_token.is_none();
            let key = (of.clone(), method.sig.ident.to_string());
            *self.by_value.entry(key).or_insert(by_value) &= by_value;
        }
    }
}
