//! Which module a path leads to: the names each module binds (child modules, declared items,
//! imports, globs) and how a path written in one module is followed through them to the module
//! that defines what it names.
//!
//! Imports are followed whatever their visibility: `use super::Notify` in a child names its
//! parent's import of `Notify`, so the child depends on the module that defines `Notify`, not
//! on the parent. A name no module binds belongs to the module it was looked up in (it may be
//! made by a macro or hidden by a `cfg`); a first segment nothing binds is an extern crate or
//! the prelude, and the path leaves the crate.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::analysis::scan::SourceFile;
use crate::analysis::source::modrefs::RefKind;
use crate::analysis::source::ModuleInfo;

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
    /// Modules already searched through their globs for a name, so glob cycles end (a set:
    /// a name looked up through a crate's preludes can visit hundreds of modules).
    globbed: HashSet<(usize, &'f str)>,
    /// Modules that other glob sources bind the last name looked up to.
    alternatives: Vec<usize>,
}

/// Module index by path.
pub(super) type ModuleIndex<'f> = HashMap<&'f str, usize>;

pub(super) struct Scope<'f> {
    /// Module index by path. Modules only implied by a longer path (a crate root outside the
    /// selection) come after the declared ones.
    pub(super) index: ModuleIndex<'f>,
    pub(super) names: Vec<&'f str>,
    /// The declared modules, `0..declared.len()`: (file, module).
    pub(super) declared: Vec<(usize, &'f ModuleInfo)>,
    parent: Vec<Option<usize>>,
    root: Vec<usize>,
    children: HashMap<(usize, &'f str), usize>,
    /// (module, bound name) -> the path its `use` wrote.
    /// Several when `cfg` alternatives import the same name.
    imports: HashMap<(usize, &'f str), Vec<&'f str>>,
    /// The modules each module glob-imports, and whether it re-exports them (`pub use a::*`).
    glob_sources: Vec<Vec<(usize, bool)>>,
    defs: HashSet<(usize, &'f str)>,
    traits: HashSet<(usize, &'f str)>,
}

impl<'f> Scope<'f> {
    pub(super) fn build(files: &'f [SourceFile]) -> Scope<'f> {
        let mut scope = Scope::modules(files);
        let mut globs: Vec<(usize, &str, bool)> = Vec::new();
        for file in files {
            let local = scope.local(file);
            for r in &file.parsed.refs {
                let module = local[r.module as usize];
                match &r.kind {
                    RefKind::Import { name, .. } => {
                        let paths = scope.imports.entry((module, name.as_str())).or_default();
                        if !paths.contains(&r.path.as_str()) {
                            paths.push(r.path.as_str());
                        }
                    }
                    RefKind::Glob { public } => globs.push((module, r.path.as_str(), *public)),
                    RefKind::Code | RefKind::MacroDef | RefKind::SkippedUse => {}
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
        // A glob may name a module another glob brings in (`use a::*; pub use b::*;` with `b`
        // in `a`): resolve again while that finds more.
        let mut pending = globs;
        loop {
            let before = pending.len();
            pending.retain(|&(module, path, public)| {
                let sources = scope.glob_targets(module, path);
                for &source in &sources {
                    scope.glob_sources[module].push((source, public));
                }
                sources.is_empty()
            });
            if pending.len() == before {
                return scope;
            }
        }
    }

    /// The modules a glob path written in `module` imports from. `cfg` is not evaluated, so a
    /// first segment that several of the module's glob sources bind as a child module (libc's
    /// `pub use unistd::*`, where each target's module has a `unistd`) names each of them.
    fn glob_targets(&self, module: usize, path: &'f str) -> Vec<usize> {
        let mut targets: Vec<usize> = Vec::new();
        let mut push = |place: Option<Place<'f>>| {
            if let Some(Place::Module(target)) = place {
                if target != module && !targets.contains(&target) {
                    targets.push(target);
                }
            }
        };
        push(self.resolve(module, path, &mut Trail::default()));
        // Glob sources count even when the module binds the name itself: that binding may
        // be another `cfg` branch's (`use bionic::linux;` beside `pub use linux::x::*`).
        let (first, rest) = path.split_once("::").unwrap_or((path, ""));
        if !matches!(first, "crate" | "self" | "super") {
            for &(source, _) in &self.glob_sources[module] {
                if let Some(&child) = self.children.get(&(source, first)) {
                    let place = if rest.is_empty() {
                        Some(Place::Module(child))
                    } else {
                        self.resolve(child, rest, &mut Trail::default())
                    };
                    push(place);
                }
            }
        }
        targets
    }

    /// The modules whose items `module` re-exports by `pub use a::*`.
    pub(super) fn reexported_globs(&self, module: usize) -> impl Iterator<Item = usize> + '_ {
        self.glob_sources[module]
            .iter()
            .filter(|(_, public)| *public)
            .map(|&(source, _)| source)
    }

    /// Every declared module, then the prefixes of their paths that no file declares, with
    /// parents, crate roots and children.
    fn modules(files: &'f [SourceFile]) -> Scope<'f> {
        let mut index: HashMap<&str, usize> = HashMap::default();
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
        let declared_count = names.len();
        for m in 0..declared_count {
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
        let mut children = HashMap::default();
        for (m, path) in names.iter().enumerate() {
            // `crate::` names the root of the file's crate; in a plain folder an example's
            // crate is not the package's first path segment.
            let krate = declared
                .get(m)
                .map_or(path.split("::").next().unwrap_or(path), |&(fi, _)| {
                    files[fi].crate_root.as_str()
                });
            root[m] = index
                .get(krate)
                .copied()
                .unwrap_or_else(|| index[path.split("::").next().unwrap_or(path)]);
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
            imports: HashMap::default(),
            glob_sources: Vec::new(),
            defs: HashSet::default(),
            traits: HashSet::default(),
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
        let segments: Vec<&'f str> = path.split("::").collect();
        let start = match segments[0] {
            "crate" => Place::Module(self.root[from]),
            "self" => Place::Module(from),
            "super" => Place::Module(self.parent[from]?),
            name => {
                let place = match self.member(from, name, trail, depth) {
                    Lookup::Found(place) => place,
                    // Not bound here: an extern crate or the prelude.
                    Lookup::Unbound | Lookup::External => return None,
                };
                if segments.len() > 1 {
                    self.walk_alternatives(&segments[1..], trail, depth);
                }
                place
            }
        };
        self.walk(start, &segments[1..], trail, depth)
    }

    /// Follows `segments` from `place`, one member at a time.
    fn walk(
        &self,
        mut place: Place<'f>,
        segments: &[&'f str],
        trail: &mut Trail<'f>,
        depth: usize,
    ) -> Option<Place<'f>> {
        for (i, &segment) in segments.iter().enumerate() {
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
            // At the last segment, the alternatives are the caller's to continue from.
            if i + 1 < segments.len() {
                self.walk_alternatives(&segments[i + 1..], trail, depth);
            }
        }
        Some(place)
    }

    /// Follows the rest of a path from the modules other glob sources gave for its last
    /// segment (other `cfg` alternatives), only to pass through what they use.
    fn walk_alternatives(&self, rest: &[&'f str], trail: &mut Trail<'f>, depth: usize) {
        let alternatives = std::mem::take(&mut trail.alternatives);
        if depth >= MAX_HOPS {
            return;
        }
        for module in alternatives {
            self.walk(Place::Module(module), rest, trail, depth + 1);
        }
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
        if let Some(paths) = self.imports.get(&(module, name)) {
            trail.seen.push((module, name));
            // The first import decides; the others (`cfg` alternatives) are passed through,
            // and the modules they name are alternatives for the rest of the path.
            let mut alternatives = std::mem::take(&mut trail.alternatives);
            for &other in &paths[1..] {
                if let Some(Place::Module(m)) = self.resolve_at(module, other, trail, depth + 1) {
                    alternatives.push(m);
                }
                alternatives.append(&mut trail.alternatives);
            }
            let found = self.resolve_at(module, paths[0], trail, depth + 1);
            trail.alternatives.append(&mut alternatives);
            return match found {
                Some(place) => Lookup::Found(place),
                None => Lookup::External,
            };
        }
        if depth > MAX_HOPS || !trail.globbed.insert((module, name)) {
            return Lookup::Unbound;
        }
        // `cfg` is not evaluated, so several glob sources may bind the name (one per target):
        // the first decides where the path leads, and the others are passed through.
        let mut first = Lookup::Unbound;
        for &(source, _) in &self.glob_sources[module] {
            match self.member(source, name, trail, depth + 1) {
                Lookup::Found(Place::Module(other)) if !matches!(first, Lookup::Unbound) => {
                    trail.alternatives.push(other);
                }
                found if matches!(first, Lookup::Unbound) => first = found,
                _ => {}
            }
        }
        first
    }
}
