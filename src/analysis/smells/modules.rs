//! The module graph of a crate, and the smells read from it: dependency cycles, god and hub
//! modules, unstable dependencies and needless `pub`.
//!
//! What it finds: modules that depend on each other, directly or through others, by `use`
//! declarations (`crate::`, `super::`, `self::`, nested groups, renames, globs) and by paths
//! in code (`crate::a::f()`, `child::T`, `imported_module::T`). Every path is followed through
//! imports and re-exports to the module that defines the item (`scope.rs`). A private import
//! is a dependency only when the importing module's own code names it (or it is a trait,
//! whose methods are used without naming it): an import that only gives child modules a
//! shorter path is theirs, not its own. A `pub use` is a facade, followed but not counted.
//! Why it matters: modules in a cycle cannot be understood, tested or moved apart.
//! Suggested fix: move what both sides need into a module of its own, or invert one edge
//! (a trait, a callback).
//!
//! Each cycle is a strongly connected component of the module graph; it is reported with
//! its shortest cycle and the lines that make each edge of it, shortest cycles first.

use std::collections::{BTreeMap, HashMap};

use super::graph::{shortest_cycle, strongly_connected};
use super::map::{ModuleEdge, ModuleMap, ModuleNode};
use super::scope::{Place, Scope, Trail};
use super::smell::{Location, Severity, Smell, SmellKind};
use super::visibility::{needless_pub, Uses};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::modrefs::RefKind;
use crate::analysis::source::token::hash_seq;
use crate::config::Thresholds;

/// One edge of the graph: where it is written.
#[derive(Debug, Clone, Copy)]
struct Edge {
    file: usize,
    line: u32,
}

/// The module graph of the analysed crates.
struct ModuleGraph<'f> {
    names: Vec<&'f str>,
    /// Where each module is declared: (file, first line, last line, items, code lines).
    places: Vec<(usize, u32, u32, u32, u32)>,
    edges: BTreeMap<(usize, usize), Edge>,
    adjacency: Vec<Vec<usize>>,
    fan_in: Vec<usize>,
    /// Module index by path.
    index: super::scope::ModuleIndex<'f>,
    /// What is used from where, for needless `pub`.
    uses: Uses<'f>,
}

impl<'f> ModuleGraph<'f> {
    fn build(files: &'f [SourceFile]) -> ModuleGraph<'f> {
        let scope = Scope::build(files);
        // Only declared modules are nodes; the others exist to resolve paths through them.
        let declared = scope.declared.len();
        let (edges, uses) = follow(&scope, files);
        let names = scope.names[..declared].to_vec();
        let places = scope
            .declared
            .iter()
            .map(|&(fi, m)| (fi, m.line, m.end_line, m.items, m.code_lines))
            .collect();
        let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); declared];
        let mut fan_in = vec![0; declared];
        for &(from, to) in edges.keys() {
            adjacency[from].push(to);
            fan_in[to] += 1;
        }
        ModuleGraph {
            names,
            places,
            edges,
            adjacency,
            fan_in,
            index: scope.index,
            uses,
        }
    }

    /// Martin's instability: fan-out over fan-in plus fan-out (0 when isolated).
    fn instability(&self, module: usize) -> f64 {
        let (fan_in, fan_out) = (self.fan_in[module], self.adjacency[module].len());
        if fan_in + fan_out == 0 {
            0.0
        } else {
            fan_out as f64 / (fan_in + fan_out) as f64
        }
    }

    fn location(&self, module: usize) -> Location {
        let (file, start_line, end_line, _, _) = self.places[module];
        Location {
            file,
            start_line,
            end_line,
        }
    }

    fn metrics(&self, module: usize) -> BTreeMap<String, f64> {
        let (_, _, _, items, code_lines) = self.places[module];
        BTreeMap::from([
            ("fan_in".to_string(), self.fan_in[module] as f64),
            ("fan_out".to_string(), self.adjacency[module].len() as f64),
            (
                "instability".to_string(),
                (self.instability(module) * 100.0).round() / 100.0,
            ),
            ("items".to_string(), f64::from(items)),
            ("code_lines".to_string(), f64::from(code_lines)),
        ])
    }

    fn smell(
        &self,
        kind: SmellKind,
        module: usize,
        message: String,
        metrics: BTreeMap<String, f64>,
    ) -> Smell {
        Smell {
            kind,
            severity: Severity::Warning,
            item: self.names[module].to_string(),
            message,
            locations: vec![self.location(module)],
            metrics,
            fingerprint: hash_seq(
                self.names[module]
                    .bytes()
                    .map(u32::from)
                    .chain([kind as u32]),
            ),
        }
    }
}

/// Follows every path of every file: the edges between declared modules (the line of the
/// first path that makes each), and what is used from where.
fn follow<'f>(
    scope: &Scope<'f>,
    files: &'f [SourceFile],
) -> (BTreeMap<(usize, usize), Edge>, Uses<'f>) {
    let declared = scope.declared.len();
    let mut edges: BTreeMap<(usize, usize), Edge> = BTreeMap::new();
    let mut uses = Uses::default();
    for (fi, file) in files.iter().enumerate() {
        let local = scope.local(file);
        for r in &file.parsed.refs {
            let from = local[r.module as usize];
            let mut trail = Trail::default();
            let place = scope.resolve(from, &r.path, &mut trail);
            // A module and its descendants see its private items: only others need `pub`.
            let outside = |m: usize| !within(scope.names[from], scope.names[m]);
            let (public, dependency) = match &r.kind {
                RefKind::Glob { .. } => {
                    match place {
                        Some(Place::Module(source)) if outside(source) => {
                            uses.globbed.insert(source);
                        }
                        // `use crate::k::Kind::*`: the enum's variants, so the enum is used.
                        Some(Place::Item(..)) => {
                            uses.used
                                .extend(trail.seen.into_iter().filter(|&(m, _)| outside(m)));
                        }
                        _ => {}
                    }
                    continue;
                }
                // A `pub use` is a facade, not a dependency: it is followed, not counted.
                RefKind::Import { public: true, .. } => {
                    if let Some(Place::Module(target)) = place {
                        uses.reexported.push((from, target));
                    }
                    (true, false)
                }
                RefKind::Import { referenced, .. } => (
                    false,
                    *referenced || place.is_some_and(|p| scope.is_trait(p)),
                ),
                RefKind::Code => (false, true),
                // A `macro_rules!` body expands where it is called, in other modules too:
                // what it names is used from outside even when it is defined beside it.
                RefKind::MacroDef => (true, false),
                RefKind::SkippedUse => (false, false),
            };
            let seen = (trail.seen.into_iter()).filter(|&(m, _)| outside(m) || public);
            uses.used.extend(seen);
            let Some(to) = place.map(Place::module) else {
                continue;
            };
            if dependency && to != from && to < declared && from < declared {
                edges.entry((from, to)).or_insert(Edge {
                    file: fi,
                    line: r.line,
                });
            }
        }
    }
    uses.finish(scope, files);
    (edges, uses)
}

/// What `ancestor` is to `descendant`: its crate root, its parent, or a further ancestor.
fn kin(ancestor: &str, descendant: &str) -> &'static str {
    let below = descendant.strip_prefix(ancestor).unwrap_or(descendant);
    if !ancestor.contains("::") {
        "crate root"
    } else if below.matches("::").count() == 1 {
        "parent"
    } else {
        "ancestor"
    }
}

/// Whether module `inner` is `outer` or one of its descendants.
fn within(inner: &str, outer: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

/// The smells of the module graph, and the graph itself for reports that draw it.
pub fn find(files: &[SourceFile], thresholds: &Thresholds) -> (Vec<Smell>, ModuleMap) {
    let graph = ModuleGraph::build(files);
    let mut smells = cycles(&graph);
    smells.extend(sizes_and_hubs(&graph, thresholds));
    smells.extend(unstable_dependencies(&graph, thresholds));
    smells.extend(needless_pub(&graph.uses, &graph.index, files));
    (smells, graph.map())
}

impl ModuleGraph<'_> {
    fn map(&self) -> ModuleMap {
        ModuleMap {
            modules: (self.names.iter().zip(&self.places))
                .map(|(name, &(file, line, ..))| ModuleNode {
                    path: (*name).to_string(),
                    file,
                    line,
                })
                .collect(),
            edges: (self.edges.iter())
                .map(|(&(from, to), edge)| ModuleEdge {
                    from: from as u32,
                    to: to as u32,
                    file: edge.file,
                    line: edge.line,
                })
                .collect(),
        }
    }
}

/// A cycle to report: its modules in order, the size of its tangle, and for a module and
/// its ancestors, the top ancestor and the bottom descendant.
struct Ring<'f> {
    modules: Vec<usize>,
    component: usize,
    lineage: Option<(&'f str, &'f str)>,
    /// For a pair of modules in two sibling subtrees: those subtrees, and the other pairs
    /// between them that depend on each other (reported with this one).
    subtrees: Option<(&'f str, &'f str)>,
    more: Vec<Vec<usize>>,
}

fn cycles(graph: &ModuleGraph) -> Vec<Smell> {
    let names = &graph.names;
    let mut found: Vec<Ring> = rings(graph)
        .into_iter()
        .map(|(modules, component)| Ring {
            lineage: lineage(modules.iter().map(|&m| names[m])),
            subtrees: match modules[..] {
                [a, b] => Some(subtrees(names[a], names[b])),
                _ => None,
            },
            modules,
            component,
            more: Vec::new(),
        })
        .collect();
    // Tangles across the tree first, then the rings of a module and its ancestors.
    found.sort_by(|a, b| {
        (a.lineage.is_some(), a.modules.len())
            .cmp(&(b.lineage.is_some(), b.modules.len()))
            .then_with(|| {
                (a.modules.iter().map(|&m| names[m])).cmp(b.modules.iter().map(|&m| names[m]))
            })
    });
    same_subtrees(found)
        .into_iter()
        .map(|ring| cycle_smell(graph, &ring))
        .collect()
}

/// Pairs of modules across the same two sibling subtrees are one tangle, whatever number of
/// their modules make it (a registry and each plugin it registers, which takes the registry):
/// the first pair reports it, with the others.
fn same_subtrees(found: Vec<Ring>) -> Vec<Ring> {
    let mut kept: Vec<Ring> = Vec::with_capacity(found.len());
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    for ring in found {
        let across = ring.subtrees.filter(|_| ring.lineage.is_none());
        if let Some(&at) = across.and_then(|key| first.get(&key)) {
            kept[at].more.push(ring.modules);
            continue;
        }
        if let Some(key) = across {
            first.insert(key, kept.len());
        }
        kept.push(ring);
    }
    kept
}

/// The sibling subtrees two modules lie in, under their deepest common ancestor, in name
/// order: `k::a::x` and `k::b` lie in `k::a` and `k::b`.
fn subtrees<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    let common = (a.split("::").zip(b.split("::")))
        .take_while(|(x, y)| x == y)
        .count();
    let top = |m: &'a str| match m.match_indices("::").nth(common) {
        Some((at, _)) => &m[..at],
        None => m,
    };
    let (a, b) = (top(a), top(b));
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn cycle_smell(graph: &ModuleGraph, ring: &Ring) -> Smell {
    let (names, cycle) = (&graph.names, &ring.modules);
    // Each edge of the ring, then both edges of each other pair of the same two subtrees.
    let locations = (std::iter::once(cycle).chain(&ring.more))
        .flat_map(|ring| (0..ring.len()).map(|i| (ring[i], ring[(i + 1) % ring.len()])))
        .map(|pair| {
            let edge = graph.edges[&pair];
            Location {
                file: edge.file,
                start_line: edge.line,
                end_line: edge.line,
            }
        })
        .collect();
    // One fingerprint for a tangle of two subtrees, whichever pair reports it.
    let mut sorted: Vec<&str> = match (ring.subtrees, ring.lineage) {
        (Some((a, b)), None) => vec![a, b],
        _ => cycle.iter().map(|&m| names[m]).collect(),
    };
    sorted.sort_unstable();
    let path: Vec<&str> = cycle
        .iter()
        .chain(cycle.first())
        .map(|&m| names[m])
        .collect();
    let tangle = if ring.component > cycle.len() {
        format!(
            " (part of a tangle of {} modules that all depend on each other)",
            ring.component
        )
    } else {
        String::new()
    };
    let more = match (ring.more.len(), ring.subtrees) {
        (0, _) | (_, None) => String::new(),
        (n, Some((a, b))) => format!(
            ", and {n} more pair{} of modules in `{a}` and `{b}` the same way",
            if n == 1 { "" } else { "s" }
        ),
    };
    let head = format!(
        "modules depend on each other in a cycle: {}{tangle}{more}",
        path.join(" -> ")
    );
    let (severity, message) = match ring.lineage {
        Some((ancestor, descendant)) => (Severity::Note, format!(
            "{head}; a module and its {} use each other, which is common in Rust and costs only that `{descendant}` cannot be moved to another crate or tested apart from `{ancestor}`: if it should stand alone, move what both need into a module of its own",
            kin(ancestor, descendant)
        )),
        None => (Severity::Warning, format!(
            "{head}; none can be understood or changed alone: move what they share into a module of its own, or invert one dependency"
        )),
    };
    Smell {
        kind: SmellKind::ModuleCycle,
        severity,
        item: names[cycle[0]].to_string(),
        message,
        locations,
        metrics: BTreeMap::from([
            ("cycle_len".to_string(), cycle.len() as f64),
            ("component_size".to_string(), ring.component as f64),
        ]),
        fingerprint: hash_seq(sorted.join(" ").bytes().map(u32::from)),
    }
}

/// For modules that all lie on one line of descent (`a`, `a::b`, `a::b::c`), the top
/// ancestor and the bottom descendant; `None` when two of them are not each other's.
fn lineage<'a>(modules: impl Iterator<Item = &'a str>) -> Option<(&'a str, &'a str)> {
    let mut chain: Vec<&str> = modules.collect();
    chain.sort_by_key(|m| m.len());
    let descends = |child: &str, parent: &str| {
        child
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with("::"))
    };
    chain
        .windows(2)
        .all(|w| descends(w[1], w[0]))
        .then(|| (chain[0], chain[chain.len() - 1]))
}

/// The cycles to report, with the size of the strongly connected component each is in:
/// every pair of modules that depend on each other directly, each a cycle to break on its
/// own (in a tangle of many modules, one shortest ring would hide the others); for a
/// component without such a pair, its shortest ring.
fn rings(graph: &ModuleGraph) -> Vec<(Vec<usize>, usize)> {
    let mut rings = Vec::new();
    for scc in strongly_connected(&graph.adjacency) {
        if scc.len() < 2 {
            continue;
        }
        let mut pairs: Vec<Vec<usize>> = scc
            .iter()
            .flat_map(|&a| graph.adjacency[a].iter().map(move |&b| (a, b)))
            .filter(|&(a, b)| a < b && graph.edges.contains_key(&(b, a)))
            .map(|(a, b)| vec![a, b])
            .collect();
        if pairs.is_empty() {
            pairs.extend(shortest_cycle(&graph.adjacency, &scc));
        }
        rings.extend(pairs.into_iter().map(|ring| (ring, scc.len())));
    }
    rings
}

/// God modules (too many items or lines) and hub-like modules (high fan-in and fan-out).
fn sizes_and_hubs(graph: &ModuleGraph, t: &Thresholds) -> Vec<Smell> {
    let mut smells = Vec::new();
    for module in 0..graph.names.len() {
        let (_, _, _, items, lines) = graph.places[module];
        if items > t.max_module_items || lines > t.max_module_lines {
            let mut metrics = graph.metrics(module);
            metrics.insert("max_items".to_string(), f64::from(t.max_module_items));
            metrics.insert("max_lines".to_string(), f64::from(t.max_module_lines));
            let message = format!(
                "module `{}` holds {items} items in {lines} lines of code (limits {} and {}): a god module mixes concerns and every change touches it; split it by responsibility",
                graph.names[module], t.max_module_items, t.max_module_lines
            );
            smells.push(graph.smell(SmellKind::GodModule, module, message, metrics));
        }
        let (fan_in, fan_out) = (graph.fan_in[module], graph.adjacency[module].len());
        if fan_in >= t.hub_fan as usize && fan_out >= t.hub_fan as usize {
            let mut metrics = graph.metrics(module);
            metrics.insert("hub_fan".to_string(), f64::from(t.hub_fan));
            let message = format!(
                "module `{}` is used by {fan_in} modules and uses {fan_out} (limit {} each): a hub passes every change through; split what its users need from what it needs",
                graph.names[module], t.hub_fan
            );
            smells.push(graph.smell(SmellKind::HubModule, module, message, metrics));
        }
    }
    smells
}

/// Modules that depend on modules clearly less stable than themselves (the Stable
/// Dependencies Principle): one smell per module, listing those dependencies.
fn unstable_dependencies(graph: &ModuleGraph, t: &Thresholds) -> Vec<Smell> {
    let gap = f64::from(t.min_instability_gap) / 100.0;
    let mut smells = Vec::new();
    for module in 0..graph.names.len() {
        let own = graph.instability(module);
        let mut worse: Vec<usize> = graph.adjacency[module]
            .iter()
            .copied()
            .filter(|&dep| graph.instability(dep) >= own + gap)
            .collect();
        if worse.is_empty() {
            continue;
        }
        worse.sort_unstable();
        let listed: Vec<String> = worse
            .iter()
            .map(|&dep| format!("`{}` ({:.2})", graph.names[dep], graph.instability(dep)))
            .collect();
        let mut smell = graph.smell(
            SmellKind::UnstableDependency,
            module,
            format!(
                "module `{}` (instability {own:.2}) depends on less stable {}: changes there ripple into a module others rely on; depend on an abstraction, or move the code",
                graph.names[module],
                listed.join(", ")
            ),
            graph.metrics(module),
        );
        smell
            .metrics
            .insert("unstable_dependencies".to_string(), worse.len() as f64);
        // The threshold, as every smell reports its own (a fraction, as instability is).
        (smell.metrics).insert("min_instability_gap".to_string(), gap);
        smell.locations = worse
            .iter()
            .map(|&dep| {
                let edge = graph.edges[&(module, dep)];
                Location {
                    file: edge.file,
                    start_line: edge.line,
                    end_line: edge.line,
                }
            })
            .collect();
        smells.push(smell);
    }
    smells
}

#[cfg(test)]
mod graph_test {
    use super::*;

    pub(super) use crate::analysis::smells::tests::krate;

    /// The items `needless_pub` reports in `files`.
    pub(crate) fn needless_items(files: &[SourceFile]) -> Vec<String> {
        let graph = ModuleGraph::build(files);
        needless_pub(&graph.uses, &graph.index, files)
            .into_iter()
            .map(|s| s.item)
            .collect()
    }

    /// The graph's edges as (from, to, line), paths without the crate name.
    pub(crate) fn edges(files: &[SourceFile]) -> Vec<(String, String, u32)> {
        let graph = ModuleGraph::build(files);
        let short = |m: usize| graph.names[m].trim_start_matches("k::").to_string();
        graph
            .edges
            .iter()
            .map(|(&(from, to), edge)| (short(from), short(to), edge.line))
            .collect()
    }

    fn edge(from: &str, to: &str, line: u32) -> (String, String, u32) {
        (from.to_string(), to.to_string(), line)
    }

    fn needless(files: &[SourceFile]) -> Vec<String> {
        let graph = ModuleGraph::build(files);
        needless_pub(&graph.uses, &graph.index, files)
            .into_iter()
            .map(|s| s.item.trim_start_matches("k::").to_string())
            .collect()
    }

    /// A private import that only gives children a shorter path is theirs, not an edge of
    /// the importing module; a child's import through it leads to the defining module.
    #[test]
    fn re_imports_for_children_are_not_edges() {
        let files = krate(&[
            ("lib.rs", "mod m;\npub fn run() { let _ = m::c::make(); }"),
            (
                "m/mod.rs",
                "mod a;\nmod b;\npub(crate) mod c;\nuse a::A;\nuse b::B;",
            ),
            (
                "m/a.rs",
                "use crate::m::B;\npub(crate) struct A(pub(crate) B);",
            ),
            ("m/b.rs", "pub(crate) struct B;"),
            (
                "m/c.rs",
                "use crate::m::A;\npub(crate) fn make() -> A { A(super::b::B) }",
            ),
        ]);
        assert_eq!(
            edges(&files),
            [
                edge("k", "m::c", 2),
                edge("m::a", "m::b", 1),
                edge("m::c", "m::a", 1),
                edge("m::c", "m::b", 2),
            ]
        );
        assert!(cycles(&ModuleGraph::build(&files)).is_empty());
    }

    /// `use super::Notify` where the parent imported `Notify` names the defining module.
    #[test]
    fn imports_are_followed_to_the_defining_module() {
        let files = krate(&[
            ("lib.rs", "pub mod sync;"),
            ("sync/mod.rs", "pub mod notify;\npub mod watch;"),
            ("sync/notify.rs", "pub struct Notify;"),
            (
                "sync/watch.rs",
                "mod big_notify;\nuse crate::sync::notify::Notify;\npub struct Shared { notify: big_notify::BigNotify, one: Notify }",
            ),
            (
                "sync/watch/big_notify.rs",
                "use super::Notify;\npub(super) struct BigNotify { inner: [Notify; 8] }",
            ),
        ]);
        assert_eq!(
            edges(&files),
            [
                edge("sync::watch", "sync::notify", 2),
                edge("sync::watch", "sync::watch::big_notify", 3),
                edge("sync::watch::big_notify", "sync::notify", 1),
            ]
        );
    }

    /// An import the module never names is still a use of a trait: its methods need it.
    #[test]
    fn unnamed_trait_imports_are_edges() {
        let files = krate(&[
            ("lib.rs", "mod a;\nmod b;\nmod c;"),
            (
                "a.rs",
                "pub trait Ext { fn ext(&self) {} }\nimpl Ext for u8 {}\npub struct S;",
            ),
            ("b.rs", "use crate::a::Ext;\npub fn f() { 1u8.ext() }"),
            (
                "c.rs",
                "use crate::a::Ext as _;\nuse crate::a::S;\npub fn f() { 1u8.ext() }",
            ),
        ]);
        assert_eq!(edges(&files), [edge("b", "a", 1), edge("c", "a", 1)]);
    }

    /// `pub(in crate::m)` restricts who sees an item; it does not use `m`.
    #[test]
    fn restricted_visibility_is_not_a_dependency() {
        let files = krate(&[
            ("lib.rs", "pub mod m;"),
            (
                "m/mod.rs",
                "mod entry;\npub fn first() -> u64 { entry::LIMIT }",
            ),
            ("m/entry.rs", "pub(in crate::m) const LIMIT: u64 = 7;"),
        ]);
        assert_eq!(edges(&files), [edge("m", "m::entry", 2)]);
    }

    /// Paths through an imported module name (`use crate::a; a::X`) use `X`.
    #[test]
    fn uses_through_imported_modules_are_seen() {
        let files = krate(&[
            ("lib.rs", "mod a; mod b; mod c; mod d;\npub fn run() -> u32 { b::go() + c::go() + d::go() }"),
            (
                "a.rs",
                "pub struct ViaModuleImport; pub struct ViaSelfImport; pub struct ViaFullPath; pub struct Unused;",
            ),
            ("b.rs", "use crate::a;\npub fn go() -> u32 { let _x = a::ViaModuleImport; 1 }"),
            ("c.rs", "use crate::a::{self};\npub fn go() -> u32 { let _x = a::ViaSelfImport; 2 }"),
            ("d.rs", "pub fn go() -> u32 { let _x = crate::a::ViaFullPath; 3 }"),
        ]);
        assert_eq!(needless(&files), ["a::Unused"]);
        assert!(edges(&files).contains(&edge("b", "a", 1)));
    }

    /// A module named in capitals (a namespace of constants) is a module: what is named
    /// through it, from its parent or through an import of it, is used.
    #[test]
    fn uses_through_a_module_named_in_capitals_are_seen() {
        let files = krate(&[
            ("lib.rs", "mod a; mod b;\npub fn run() -> u8 { a::state() + b::go() }"),
            (
                "a.rs",
                "#[allow(non_snake_case)]\npub mod Op { pub const INDEXING: u8 = 0; pub const PREPARING: u8 = 1; pub fn unused() {} }\npub fn state() -> u8 { match 1 { Op::INDEXING => 1, _ => 0 } }",
            ),
            ("b.rs", "use crate::a::Op;\npub fn go() -> u8 { Op::PREPARING }"),
        ]);
        assert_eq!(needless(&files), ["a::Op::unused"]);
    }

    /// A test module left out of the analysis still compiles under `cargo test`: what it
    /// imports from other modules is used. A `pub(crate)` static used elsewhere needs its
    /// type as visible as itself.
    #[test]
    fn test_imports_and_restricted_items_keep_what_they_need() {
        let files = krate(&[
            ("lib.rs", "mod value; mod helpers; mod registry;\npub fn run() { registry::go() }"),
            (
                "value.rs",
                "pub fn as_string() {}\npub fn unused() {}\npub fn called() {}\npub fn asserted() -> bool { true }\n#[cfg(test)]\nmod test { pub fn local() {} }",
            ),
            (
                "helpers.rs",
                "pub struct Helper;\npub(crate) static EQ: Helper = Helper;\n#[cfg(test)]\nmod test { use super::Helper; use crate::value::as_string;\n#[test] fn t() { crate::value::called(); assert!(crate::value::asserted()); } }",
            ),
            ("registry.rs", "pub fn go() { let _ = &crate::helpers::EQ; }"),
        ]);
        assert_eq!(needless(&files), ["value::unused"]);
    }

    /// A module's descendants see its private items: their uses (a path, an import, a
    /// `use super::*`) need no `pub`.
    #[test]
    fn uses_from_descendants_need_no_pub() {
        let files = krate(&[
            (
                "lib.rs",
                "mod parent; mod other;\npub fn run() { parent::child::go(); other::f() }",
            ),
            (
                "parent/mod.rs",
                "pub mod child;\npub fn helper() {}\npub fn shared() {}\npub struct Globbed;",
            ),
            (
                "parent/child.rs",
                "use super::*;\npub fn go() { super::helper(); let _ = Globbed; }",
            ),
            ("other.rs", "pub fn f() { crate::parent::shared() }"),
        ]);
        let mut found = needless(&files);
        found.sort();
        assert_eq!(found, ["parent::Globbed", "parent::helper"]);
    }

    /// A cycle along one line of descent names what the upper module is to the lower.
    #[test]
    fn a_cycle_with_an_ancestor_names_its_kin() {
        assert_eq!(kin("k", "k::a::b"), "crate root");
        assert_eq!(kin("k::a", "k::a::b"), "parent");
        assert_eq!(kin("k::a", "k::a::b::c"), "ancestor");
    }

    /// A glob import of an enum's variants uses the enum.
    #[test]
    fn a_glob_of_an_enums_variants_uses_the_enum() {
        let files = krate(&[
            (
                "lib.rs",
                "mod kinds; mod user;\npub fn run() -> u8 { user::go() }",
            ),
            ("kinds.rs", "pub enum Kind { A, B }\npub enum Unused { C }"),
            (
                "user.rs",
                "use crate::kinds::Kind::*;\npub fn go() -> u8 { match A { A => 1, B => 2 } }",
            ),
        ]);
        assert_eq!(needless(&files), ["kinds::Unused"]);
    }

    /// Examples and benchmarks are programs written to be read: their `pub` is no API.
    #[test]
    fn examples_have_no_needless_pub() {
        let mut files = krate(&[
            ("lib.rs", "pub fn api() {}"),
            ("demo.rs", "pub struct Team;"),
        ]);
        let demo = &mut files[1];
        demo.rel = "examples/demo.rs".to_string();
        demo.crate_root = "k::demo".to_string();
        assert!(needless(&files).is_empty(), "{:?}", needless(&files));
        files[1].rel = "src/demo.rs".to_string();
        assert_eq!(needless(&files), ["demo::Team"]);
        // An integration test is a crate nothing uses.
        files[1].rel = "tests/demo.rs".to_string();
        files[1].secondary = true;
        assert!(needless(&files).is_empty(), "{:?}", needless(&files));
    }

    /// Items a `macro_rules!` body names by `$crate::` are used wherever it expands; items
    /// and re-exports inside an item-level macro call (`cfg_x! { .. }`) are the module's.
    #[test]
    fn macros_use_items_and_hold_items() {
        let files = krate(&[
            (
                "lib.rs",
                "mod a;\nmod b;\ncfg_feature! { pub use crate::b::Exported; }\n#[macro_export]\nmacro_rules! make { () => { $crate::a::Made::new() } }",
            ),
            ("a.rs", "pub struct Made;\npub struct Unused;"),
            ("b.rs", "pub struct Exported;"),
        ]);
        assert_eq!(needless(&files), ["a::Unused"]);
        assert!(edges(&files).is_empty());
    }

    /// A registry that registers each plugin of a folder, each taking the registry, is one
    /// tangle between two subtrees, reported once; the subtrees are named, and the count.
    #[test]
    fn pairs_across_the_same_two_subtrees_are_one_cycle() {
        let files = krate(&[
            ("lib.rs", "mod registry; mod helpers; mod other;"),
            (
                "registry.rs",
                "pub struct Registry;\npub fn defaults() { crate::helpers::each::Each; crate::helpers::join::Join; crate::helpers::Base; crate::other::f(); }",
            ),
            ("helpers/mod.rs", "pub mod each; pub mod join;\npub struct Base(crate::registry::Registry);"),
            ("helpers/each.rs", "pub struct Each;\npub fn call(_: &crate::registry::Registry) {}"),
            ("helpers/join.rs", "pub struct Join;\npub fn call(_: &crate::registry::Registry) {}"),
            ("other.rs", "pub fn f() { let _ = crate::registry::Registry; }"),
        ]);
        let cycles: Vec<Smell> = find(&files, &crate::options::ThresholdFlags::default().resolve())
            .0
            .into_iter()
            .filter(|s| s.kind == SmellKind::ModuleCycle)
            .collect();
        let messages: Vec<&str> = cycles.iter().map(|s| s.message.as_str()).collect();
        assert_eq!(cycles.len(), 2, "{messages:#?}");
        assert!(
            messages[0].contains("and 2 more pairs of modules in `k::helpers` and `k::registry`"),
            "{messages:#?}"
        );
        assert!(!messages[1].contains("more pair"), "{messages:#?}");
        // Every pair's two edges are where the cycle is.
        assert_eq!(cycles[0].locations.len(), 6, "{:?}", cycles[0].locations);
        assert_eq!(cycles[1].locations.len(), 2);
    }

    /// In a tangle, each pair of modules that depend on each other directly is reported,
    /// with the size of the tangle; a ring without such a pair is reported by its shortest.
    #[test]
    fn every_mutual_pair_of_a_tangle_is_reported() {
        let files = krate(&[
            ("lib.rs", "mod a; mod b; mod c; mod x; mod y; mod z;"),
            ("a.rs", "pub fn f() { crate::b::f(); crate::c::f(); }"),
            ("b.rs", "pub fn f() { crate::a::f(); }"),
            ("c.rs", "pub fn f() { crate::a::f(); crate::b::f(); }"),
            ("x.rs", "pub fn f() { crate::y::f(); }"),
            ("y.rs", "pub fn f() { crate::z::f(); }"),
            ("z.rs", "pub fn f() { crate::x::f(); }"),
        ]);
        let found: Vec<(String, f64, f64)> = cycles(&ModuleGraph::build(&files))
            .into_iter()
            .map(|s| {
                let ring = s
                    .message
                    .split(": ")
                    .nth(1)
                    .unwrap()
                    .split([' ', ';'])
                    .filter(|w| w.starts_with("k::"))
                    .collect::<Vec<_>>()
                    .join(" ");
                (ring, s.metrics["cycle_len"], s.metrics["component_size"])
            })
            .collect();
        assert_eq!(
            found,
            [
                ("k::a k::b k::a".to_string(), 2.0, 3.0),
                ("k::a k::c k::a".to_string(), 2.0, 3.0),
                ("k::x k::y k::z k::x".to_string(), 3.0, 3.0),
            ]
        );
    }
}

#[cfg(test)]
mod glob_test {
    use super::graph_test::{krate, needless_items};

    /// Items re-exported by chains of globs reach the API; a glob path may go through a
    /// module another glob brought in, in every `cfg` alternative that has one.
    #[test]
    fn glob_chains_reach_the_api() {
        let files = krate(&[
            ("lib.rs", "mod new;\npub use new::*;"),
            (
                "new/mod.rs",
                "cfg_if! { if #[cfg(a)] { mod apple; pub(crate) use apple::*; } else { mod uapi; pub(crate) use uapi::*; } }\ncfg_if! { if #[cfg(b)] { use apple::linux; } else { pub use linux::packet::*; } }",
            ),
            ("new/apple/mod.rs", "pub(crate) mod linux;"),
            ("new/apple/linux/mod.rs", "pub(crate) mod packet;"),
            ("new/apple/linux/packet.rs", "pub const A: u8 = 1;"),
            ("new/uapi/mod.rs", "pub(crate) mod linux;"),
            ("new/uapi/linux/mod.rs", "pub(crate) mod packet;"),
            ("new/uapi/linux/packet.rs", "pub const U: u8 = 1;"),
        ]);
        let found = needless_items(&files);
        assert!(found.is_empty(), "{found:?}");
    }

    /// `cfg` is not evaluated: a path through a name several glob-imported platform modules
    /// bind uses the item in each of them.
    #[test]
    fn every_cfg_alternative_of_a_glob_is_used() {
        let files = krate(&[
            ("lib.rs", "mod sys;\npub fn f() { crate::sys::event::token() }"),
            (
                "sys/mod.rs",
                "cfg_if! { if #[cfg(a)] { mod shell; pub(crate) use self::shell::*; } else { mod unix; pub(crate) use self::unix::*; } }",
            ),
            ("sys/shell.rs", "pub mod event { pub fn token() {} }"),
            ("sys/unix.rs", "pub mod event { pub fn token() {} }"),
        ]);
        let found = needless_items(&files);
        assert!(found.is_empty(), "{found:?}");
    }

    /// A path in an attribute's arguments (`#[arg(value_parser = crate::parse::flag)]`) is
    /// code the derive expands in that module: a use.
    #[test]
    fn paths_in_attribute_arguments_are_uses() {
        let files = krate(&[
            (
                "lib.rs",
                "mod cli;
mod parse;
pub use cli::Args;",
            ),
            (
                "cli.rs",
                "#[derive(Parser)]
pub struct Args {
    #[arg(long, value_parser = crate::parse::flag)]
    pub role: String,
}",
            ),
            (
                "parse.rs",
                "pub fn flag(v: &str) -> String { v.into() }
pub fn unused() {}",
            ),
        ]);
        let found = needless_items(&files);
        assert_eq!(found, ["k::parse::unused"]);
    }

    /// A type that a used `pub` item shows (a method's return type, a field's type, an
    /// alias) must stay as visible: it is not needless.
    #[test]
    fn types_shown_by_needed_items_are_needed() {
        let files = krate(&[
            ("lib.rs", "mod local;\npub use local::LocalKey;"),
            (
                "local.rs",
                "pub struct LocalKey;\nimpl LocalKey { pub fn try_with(&self) -> Result<(), AccessError> { Ok(()) } fn own(&self) -> Hidden { Hidden } }\npub struct AccessError;\npub struct Hidden;\npub type MapOk = Wrapper<FnOk>;\npub struct Wrapper<T>(pub T);\npub struct FnOk;",
            ),
        ]);
        let mut found = needless_items(&files);
        found.sort();
        // The alias is used by nobody, so what it shows is not needed either.
        assert_eq!(
            found,
            [
                "k::local::FnOk",
                "k::local::Hidden",
                "k::local::MapOk",
                "k::local::Wrapper"
            ]
        );
    }

    /// What an impl of a needed trait or type shows is needed (rustc's E0446 otherwise):
    /// an associated type of an impl for a tuple is as public as its trait, and one that names
    /// a parameter's associated type shows the trait bounding it; a bound alone shows nothing.
    #[test]
    fn what_trait_impls_show_is_needed_but_their_bounds_are_not() {
        let adaptors = "pub trait Has { type Combination; }\n\
                        impl<I> Has for (I,) { type Combination = One<I>; }\n\
                        pub struct One<I>(I);\n\
                        pub trait Pick { type Out; }\n\
                        pub trait Keyed { fn key(&self) -> u8; }\n\
                        pub struct Merge<F, K>(F, K);\n\
                        impl<F, K> Iterator for Merge<F, K> where F: Pick, K: Keyed {\n\
                            type Item = F::Out;\n\
                            fn next(&mut self) -> Option<F::Out> { None }\n\
                        }";
        let files = krate(&[
            ("lib.rs", "mod adaptors;\npub use adaptors::{Has, Merge};"),
            ("adaptors.rs", adaptors),
        ]);
        assert_eq!(needless_items(&files), ["k::adaptors::Keyed"]);
    }

    /// A module the library root re-exports by name is API, with its `pub mod` children.
    #[test]
    fn modules_re_exported_by_the_api_are_api() {
        let files = krate(&[
            ("lib.rs", "mod parking;\npub use self::parking::deadlock;"),
            (
                "parking.rs",
                "pub mod deadlock { pub fn acquire() {} pub mod inner { pub fn deep() {} } }\npub fn unused() {}",
            ),
        ]);
        let found = needless_items(&files);
        assert_eq!(found, ["k::parking::unused"]);
    }
}
