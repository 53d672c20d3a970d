//! Workspace-level smells from the members' manifests: crate cycles through
//! dev-dependencies, and dependencies that break the declared layers.
//!
//! What it finds: members that depend on each other once dev-dependencies count (cargo
//! accepts it, but the crates can no longer be built, published or reasoned about apart);
//! and, when `[workspace.metadata.loop] layers` lists the members from the top layer down,
//! a member that depends on a member of a layer above it.
//! Suggested fix: move the shared test helpers into a crate of their own; invert the
//! dependency with a trait the lower layer declares.

use std::collections::BTreeMap;

use super::graph::{shortest_cycle, strongly_connected};
use super::smell::{Location, Severity, Smell, SmellKind};
use crate::analysis::source::token::hash_seq;
use crate::analysis::workspace::CrateDep;

/// Crate smells; their locations index `manifests`, numbered from `first_file`.
pub fn find(
    deps: &[CrateDep],
    layers: &[Vec<String>],
    first_file: usize,
) -> (Vec<Smell>, Vec<String>) {
    let mut manifests = Manifests {
        first_file,
        listed: Vec::new(),
    };
    let mut smells = crate_cycles(deps, &mut manifests);
    smells.extend(layer_violations(deps, layers, &mut manifests));
    (smells, manifests.listed)
}

/// The manifests smells point into, in the order they are first pointed at.
struct Manifests {
    first_file: usize,
    listed: Vec<String>,
}

impl Manifests {
    /// Where `dep` is declared, listing its manifest if it is new.
    fn locate(&mut self, dep: &CrateDep) -> Location {
        let index = self
            .listed
            .iter()
            .position(|m| *m == dep.manifest)
            .unwrap_or_else(|| {
                self.listed.push(dep.manifest.clone());
                self.listed.len() - 1
            });
        Location {
            file: self.first_file + index,
            start_line: dep.line,
            end_line: dep.line,
        }
    }
}

/// The members as a graph: the adjacency of member indices, and the dependency that makes
/// each edge.
struct CrateGraph<'d> {
    adjacency: Vec<Vec<usize>>,
    edges: BTreeMap<(usize, usize), &'d CrateDep>,
}

impl<'d> CrateGraph<'d> {
    fn of(deps: &'d [CrateDep]) -> CrateGraph<'d> {
        let mut names: Vec<&str> = deps
            .iter()
            .flat_map(|d| [d.from.as_str(), d.to.as_str()])
            .collect();
        names.sort_unstable();
        names.dedup();
        let index = |name: &str| names.binary_search(&name).expect("every name is listed");
        let mut adjacency = vec![Vec::new(); names.len()];
        let mut edges: BTreeMap<(usize, usize), &CrateDep> = BTreeMap::new();
        for dep in deps {
            let (from, to) = (index(&dep.from), index(&dep.to));
            // A normal dependency wins over a dev one for the same pair: it is what makes the edge.
            let entry = edges.entry((from, to)).or_insert(dep);
            if entry.dev && !dep.dev {
                *entry = dep;
            }
            if !adjacency[from].contains(&to) {
                adjacency[from].push(to);
            }
        }
        CrateGraph { adjacency, edges }
    }
}

/// Members that depend on each other once dev-dependencies count: one smell per tangle,
/// along its shortest cycle.
fn crate_cycles(deps: &[CrateDep], manifests: &mut Manifests) -> Vec<Smell> {
    let CrateGraph { adjacency, edges } = CrateGraph::of(deps);
    let mut smells = Vec::new();
    for scc in strongly_connected(&adjacency)
        .into_iter()
        .filter(|scc| scc.len() >= 2)
    {
        let Some(cycle) = shortest_cycle(&adjacency, &scc) else {
            continue;
        };
        let ring: Vec<&CrateDep> = (0..cycle.len())
            .map(|i| edges[&(cycle[i], cycle[(i + 1) % cycle.len()])])
            .collect();
        let text: Vec<String> = ring
            .iter()
            .map(|d| {
                format!(
                    "{} -> {}{}",
                    d.from,
                    d.to,
                    if d.dev { " (dev)" } else { "" }
                )
            })
            .collect();
        smells.push(Smell {
            kind: SmellKind::CrateCycle,
            severity: Severity::Warning,
            item: ring[0].from.clone(),
            message: format!(
                "workspace members depend on each other through dev-dependencies: {}; they can no longer be built or published apart: move the shared test code into a crate of its own",
                text.join(", ")
            ),
            locations: ring.iter().map(|d| manifests.locate(d)).collect(),
            metrics: BTreeMap::from([("cycle_len".to_string(), cycle.len() as f64)]),
            fingerprint: hash_seq(text.join(" ").bytes().map(u32::from)),
        });
    }
    smells
}

/// Normal dependencies of a member on a member of a layer above it.
fn layer_violations(
    deps: &[CrateDep],
    layers: &[Vec<String>],
    manifests: &mut Manifests,
) -> Vec<Smell> {
    let layer_of = |name: &str| {
        layers
            .iter()
            .position(|layer| layer.iter().any(|member| member == name))
    };
    let mut smells = Vec::new();
    for dep in deps.iter().filter(|d| !d.dev) {
        let (Some(from), Some(to)) = (layer_of(&dep.from), layer_of(&dep.to)) else {
            continue;
        };
        if to < from {
            smells.push(Smell {
                kind: SmellKind::LayerViolation,
                severity: Severity::Warning,
                item: dep.from.clone(),
                message: format!(
                    "`{}` (layer {}) depends on `{}` (layer {}), a layer above it: a lower layer must not know the upper ones; invert the dependency with a trait `{}` declares",
                    dep.from,
                    from + 1,
                    dep.to,
                    to + 1,
                    dep.from
                ),
                locations: vec![manifests.locate(dep)],
                metrics: BTreeMap::from([("from_layer".to_string(), (from + 1) as f64), ("to_layer".to_string(), (to + 1) as f64)]),
                fingerprint: hash_seq(format!("{} {}", dep.from, dep.to).bytes().map(u32::from).chain([SmellKind::LayerViolation as u32])),
            });
        }
    }
    smells
}
