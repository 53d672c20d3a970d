//! Which module a path leads to: the names each module binds (child modules, declared items,
//! imports, globs) and how a path written in one module is followed through them to the module
//! that defines what it names.
//!
//! Imports are followed whatever their visibility: `use super::Notify` in a child names its
//! parent's import of `Notify`, so the child depends on the module that defines `Notify`, not
//! on the parent. A name no module binds belongs to the module it was looked up in (it may be
//! made by a macro or hidden by a `cfg`); a first segment nothing binds is an extern crate or
//! the prelude, and the path leaves the crate.

use std::collections::{HashMap, HashSet};

use crate::modrefs::RefKind;
use crate::scan::SourceFile;
use crate::source::ModuleInfo;

/// Imports followed before giving up (an import of an import ...); a bound on cycles too.
const MAX_HOPS: usize = 16;

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place<'f> {
    Module(usize),
    /// An item (or anything not a module) by its name, in the module that defines it.
    Item(usize, &'f str),
}

impl Place<'_> {
    pub(super) fn module(self) -> usize {
        match self {
            Place::Module(m) | Place::Item(m, _) => m,
        }
    }
}

/// What a module binds a name to.
enum Lookup<'f> {
    /// Nothing: the module does not bind the name.
    Unbound,
    /// An import from outside the crate.
    External,
    Found(Place<'f>),
}

/// The (module, name) pairs a resolution passed through: what it uses on the way.
#[derive(Default)]
pub(super) struct Trail<'f> {
    pub(super) seen: Vec<(usize, &'f str)>,
    /// Modules already searched through their globs for a name, so glob cycles end.
    globbed: Vec<(usize, &'f str)>,
}

pub(super) struct Scope<'f> {
    /// Module index by path. Modules only implied by a longer path (a crate root outside the
    /// selection) come after the declared ones.
    pub(super) index: HashMap<&'f str, usize>,
    pub(super) names: Vec<&'f str>,
    /// The declared modules, `0..declared.len()`: (file, module).
    pub(super) declared: Vec<(usize, &'f ModuleInfo)>,
    parent: Vec<Option<usize>>,
    root: Vec<usize>,
    children: HashMap<(usize, &'f str), usize>,
    /// (module, bound name) -> the path its `use` wrote.
    imports: HashMap<(usize, &'f str), &'f str>,
    /// The modules each module glob-imports.
    glob_sources: Vec<Vec<usize>>,
    defs: HashSet<(usize, &'f str)>,
    traits: HashSet<(usize, &'f str)>,
}

impl<'f> Scope<'f> {
    pub(super) fn build(files: &'f [SourceFile]) -> Scope<'f> {
        let mut scope = Scope::modules(files);
        let mut globs: Vec<(usize, &str)> = Vec::new();
        for file in files {
            let local = scope.local(file);
            for r in &file.parsed.refs {
                let module = local[r.module as usize];
                match &r.kind {
                    RefKind::Import { name, .. } => {
                        scope
                            .imports
                            .entry((module, name.as_str()))
                            .or_insert(r.path.as_str());
                    }
                    RefKind::Glob { .. } => globs.push((module, r.path.as_str())),
                    RefKind::Code | RefKind::MacroDef => {}
                }
            }
            for def in &file.parsed.defs {
                let key = (local[def.module as usize], def.name.as_str());
                scope.defs.insert(key);
                if def.is_trait {
                    scope.traits.insert(key);
                }
            }
        }
        scope.glob_sources = vec![Vec::new(); scope.names.len()];
        for (module, path) in globs {
            if let Some(Place::Module(source)) = scope.resolve(module, path, &mut Trail::default())
            {
                if source != module && !scope.glob_sources[module].contains(&source) {
                    scope.glob_sources[module].push(source);
                }
            }
        }
        scope
    }

    /// Every declared module, then the prefixes of their paths that no file declares, with
    /// parents, crate roots and children.
    fn modules(files: &'f [SourceFile]) -> Scope<'f> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut names = Vec::new();
        let mut declared = Vec::new();
        for (fi, file) in files.iter().enumerate() {
            for module in &file.parsed.modules {
                index.entry(module.path.as_str()).or_insert_with(|| {
                    names.push(module.path.as_str());
                    declared.push((fi, module));
                    names.len() - 1
                });
            }
        }
        for m in 0..names.len() {
            let path = names[m];
            for (end, _) in path.match_indices("::") {
                index.entry(&path[..end]).or_insert_with(|| {
                    names.push(&path[..end]);
                    names.len() - 1
                });
            }
        }
        let mut parent = vec![None; names.len()];
        let mut root = vec![0; names.len()];
        let mut children = HashMap::new();
        for (m, path) in names.iter().enumerate() {
            root[m] = index[path.split("::").next().unwrap_or(path)];
            if let Some((up, last)) = path.rsplit_once("::") {
                parent[m] = Some(index[up]);
                children.insert((index[up], last), m);
            }
        }
        Scope {
            index,
            names,
            declared,
            parent,
            root,
            children,
            imports: HashMap::new(),
            glob_sources: Vec::new(),
            defs: HashSet::new(),
            traits: HashSet::new(),
        }
    }

    /// The index of each of `file`'s modules.
    pub(super) fn local(&self, file: &SourceFile) -> Vec<usize> {
        file.parsed
            .modules
            .iter()
            .map(|m| self.index[m.path.as_str()])
            .collect()
    }

    pub(super) fn is_trait(&self, place: Place<'f>) -> bool {
        matches!(place, Place::Item(m, name) if self.traits.contains(&(m, name)))
    }

    /// Follows `path`, written in module `from`, to what it names; `None` when it leaves the
    /// crate or cannot be followed.
    pub(super) fn resolve(
        &self,
        from: usize,
        path: &'f str,
        trail: &mut Trail<'f>,
    ) -> Option<Place<'f>> {
        self.resolve_at(from, path, trail, 0)
    }

    fn resolve_at(
        &self,
        from: usize,
        path: &'f str,
        trail: &mut Trail<'f>,
        depth: usize,
    ) -> Option<Place<'f>> {
        if depth > MAX_HOPS {
            return None;
        }
        let mut segments = path.split("::");
        let mut place = match segments.next()? {
            "crate" => Place::Module(self.root[from]),
            "self" => Place::Module(from),
            "super" => Place::Module(self.parent[from]?),
            name => match self.member(from, name, trail, depth) {
                Lookup::Found(place) => place,
                // Not bound here: an extern crate or the prelude.
                Lookup::Unbound | Lookup::External => return None,
            },
        };
        for segment in segments {
            let Place::Module(module) = place else {
                // What follows an item is an associated item or a variant: it stays there.
                break;
            };
            place = match segment {
                "super" => Place::Module(self.parent[module]?),
                "self" => place,
                name => match self.member(module, name, trail, depth) {
                    Lookup::Found(found) => found,
                    Lookup::External => return None,
                    Lookup::Unbound => {
                        trail.seen.push((module, name));
                        Place::Item(module, name)
                    }
                },
            };
        }
        Some(place)
    }

    /// What `name` is in `module`: a child module, an item declared there, what an import
    /// binds, or what a glob brings in.
    fn member(
        &self,
        module: usize,
        name: &'f str,
        trail: &mut Trail<'f>,
        depth: usize,
    ) -> Lookup<'f> {
        if let Some(&child) = self.children.get(&(module, name)) {
            return Lookup::Found(Place::Module(child));
        }
        if self.defs.contains(&(module, name)) {
            trail.seen.push((module, name));
            return Lookup::Found(Place::Item(module, name));
        }
        if let Some(&path) = self.imports.get(&(module, name)) {
            trail.seen.push((module, name));
            return match self.resolve_at(module, path, trail, depth + 1) {
                Some(place) => Lookup::Found(place),
                None => Lookup::External,
            };
        }
        if depth > MAX_HOPS || trail.globbed.contains(&(module, name)) {
            return Lookup::Unbound;
        }
        trail.globbed.push((module, name));
        for &source in &self.glob_sources[module] {
            match self.member(source, name, trail, depth + 1) {
                Lookup::Unbound => {}
                found => return found,
            }
        }
        Lookup::Unbound
    }
}
