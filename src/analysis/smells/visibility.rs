//! Needless `pub`: `pub` items that no other module uses and that no library's public API
//! reaches, so `pub(crate)` or private would say what they are.
//!
//! What counts as a use: a path or import naming the item from another module (through
//! imports, re-exports and globs: `scope.rs`), a `pub use` re-export, a glob import of its
//! module, a `$crate::` path in a `macro_rules!` body. What the API reaches: a library root,
//! `pub mod` chains from it, and modules it re-exports (`pub use self::inner::deadlock;`).
//! An item that a needed item shows (a method's return type, a `pub` field's type, an alias's
//! target) is needed too: making it private would hide part of a needed signature.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::scope::{Place, Scope, Trail};
use super::smell::{Location, Severity, Smell, SmellKind};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::token::hash_seq;

/// What the module graph saw used, and from where.
#[derive(Default)]
pub(super) struct Uses<'f> {
    /// Items named from another module, or re-exported: (module, item).
    pub(super) used: HashSet<(usize, &'f str)>,
    /// Modules whose items are all imported somewhere by a glob.
    pub(super) globbed: HashSet<usize>,
    /// Modules re-exported by name: (re-exporting module, module).
    pub(super) reexported: Vec<(usize, usize)>,
    /// The types each item shows, both as (defining module, name).
    shows: HashMap<(usize, &'f str), Vec<(usize, &'f str)>>,
}

impl<'f> Uses<'f> {
    /// Completes what following the paths gave: globs through globs, and what items show.
    pub(super) fn finish(&mut self, scope: &Scope<'f>, files: &'f [SourceFile]) {
        // A glob of a module that re-exports others by globs imports theirs as well.
        let mut queue: Vec<usize> = self.globbed.iter().copied().collect();
        while let Some(module) = queue.pop() {
            for source in scope.reexported_globs(module) {
                if self.globbed.insert(source) {
                    queue.push(source);
                }
            }
        }
        for file in files {
            let local = scope.local(file);
            for e in &file.parsed.exposures {
                let module = local[e.module as usize];
                // Names as the module sees them: an impl's type or a shown type may be
                // imported; names that leave the crate (std types) show nothing of it.
                let item = |name: &'f str| match scope.resolve(module, name, &mut Trail::default())
                {
                    Some(Place::Item(m, n)) => Some((m, n)),
                    _ => None,
                };
                if let (Some(owner), Some(shown)) = (item(&e.owner), item(&e.name)) {
                    self.shows.entry(owner).or_default().push(shown);
                }
            }
        }
    }
}

/// The needless `pub` items of `files`; `index` gives each module's index by path.
pub(super) fn needless_pub(
    uses: &Uses,
    index: &super::scope::ModuleIndex,
    files: &[SourceFile],
) -> Vec<Smell> {
    let api = api_modules(uses, index, files);
    let mut needed: HashSet<(usize, &str)> = HashSet::new();
    for file in files {
        for item in &file.parsed.pub_items {
            let module = index[file.parsed.modules[item.module as usize].path.as_str()];
            let key = (module, item.name.as_str());
            if uses.used.contains(&key) || uses.globbed.contains(&module) || api.contains(&module) {
                needed.insert(key);
            }
        }
    }
    // Items used from other modules show their types, whatever their visibility.
    let mut queue: Vec<(usize, &str)> = needed.iter().chain(&uses.used).copied().collect();
    while let Some(owner) = queue.pop() {
        for &shown in uses.shows.get(&owner).into_iter().flatten() {
            if needed.insert(shown) {
                queue.push(shown);
            }
        }
    }
    let mut smells = Vec::new();
    // An example or a benchmark is a program of its own, written as its reader would write
    // code: its `pub` is what it shows, not an API it leaks; an integration test or a build
    // script (and a file one of them reaches first) is a crate no other uses.
    let reported =
        (files.iter().enumerate()).filter(|(_, f)| !f.is_standalone_program() && !f.secondary);
    for (fi, file) in reported {
        for item in &file.parsed.pub_items {
            let module_path = file.parsed.modules[item.module as usize].path.as_str();
            // `pub fn main` says nothing of an API: a program's entry point is called by none.
            if item.name == "main" || needed.contains(&(index[module_path], item.name.as_str())) {
                continue;
            }
            let path = format!("{module_path}::{}", item.name);
            smells.push(Smell {
                kind: SmellKind::NeedlessPub,
                severity: Severity::Warning,
                message: needless_pub_message(&item.name, module_path),
                locations: vec![Location {
                    file: fi,
                    start_line: item.line,
                    end_line: item.line,
                }],
                metrics: BTreeMap::new(),
                fingerprint: hash_seq(
                    path.bytes()
                        .map(u32::from)
                        .chain([SmellKind::NeedlessPub as u32]),
                ),
                item: path,
            });
        }
    }
    smells
}

/// The modules a library shows: its roots, then `pub mod` children and modules re-exported
/// by name from the modules it shows.
fn api_modules(
    uses: &Uses,
    index: &super::scope::ModuleIndex,
    files: &[SourceFile],
) -> HashSet<usize> {
    let mut next: HashMap<usize, Vec<usize>> = HashMap::new();
    for (path, _) in files
        .iter()
        .flat_map(|f| &f.parsed.child_modules)
        .filter(|(_, public)| *public)
    {
        let parent = path.rsplit_once("::").map(|(up, _)| up);
        if let (Some(&parent), Some(&child)) =
            (parent.and_then(|p| index.get(p)), index.get(path.as_str()))
        {
            next.entry(parent).or_default().push(child);
        }
    }
    for &(from, module) in &uses.reexported {
        next.entry(from).or_default().push(module);
    }
    let mut api: HashSet<usize> = files
        .iter()
        .filter(|f| f.library_root)
        .map(|f| index[f.parsed.modules[0].path.as_str()])
        .collect();
    let mut queue: Vec<usize> = api.iter().copied().collect();
    while let Some(module) = queue.pop() {
        for &shown in next.get(&module).into_iter().flatten() {
            if api.insert(shown) {
                queue.push(shown);
            }
        }
    }
    api
}

/// What a needless `pub` finding says: at a crate root (of a program), every module sees
/// the private items already.
fn needless_pub_message(name: &str, module_path: &str) -> String {
    if module_path.contains("::") {
        format!(
            "`{name}` is `pub`, but nothing outside `{module_path}` uses it and the crate's public API does not reach it: `pub(crate)` or private would say so, and that no other crate relies on it"
        )
    } else {
        format!(
            "`{name}` is `pub` at the root of `{module_path}`, whose private items every module of the crate can use, and the crate's public API does not reach it: private would say so, and that no other crate relies on it"
        )
    }
}
