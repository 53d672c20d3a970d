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
use super::smell::{Location, Smell, SmellKind};
use crate::analysis::source::token::hash_seq;
use crate::analysis::workspace::CrateDep;

/// Crate smells; their locations index `manifests`, numbered from `first_file`.
pub fn find(
    deps: &[CrateDep],
    layers: &[Vec<String>],
    first_file: usize,
) -> (Vec<Smell>, Vec<String>) {
    let mut manifests: Vec<String> = Vec::new();
    let mut locate = |dep: &CrateDep| {
        let index = manifests
            .iter()
            .position(|m| *m == dep.manifest)
            .unwrap_or_else(|| {
                manifests.push(dep.manifest.clone());
                manifests.len() - 1
            });
        Location {
            file: first_file + index,
            start_line: dep.line,
            end_line: dep.line,
        }
    };
    let mut smells = Vec::new();

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
            item: ring[0].from.clone(),
            message: format!(
                "workspace members depend on each other through dev-dependencies: {}; they can no longer be built or published apart: move the shared test code into a crate of its own",
                text.join(", ")
            ),
            locations: ring.iter().map(|d| locate(d)).collect(),
            metrics: BTreeMap::from([("cycle_len".to_string(), cycle.len() as f64)]),
            fingerprint: hash_seq(text.join(" ").bytes().map(u32::from)),
        });
    }

    let layer_of = |name: &str| {
        layers
            .iter()
            .position(|layer| layer.iter().any(|member| member == name))
    };
    for dep in deps.iter().filter(|d| !d.dev) {
        let (Some(from), Some(to)) = (layer_of(&dep.from), layer_of(&dep.to)) else {
            continue;
        };
        if to < from {
            smells.push(Smell {
                kind: SmellKind::LayerViolation,
                item: dep.from.clone(),
                message: format!(
                    "`{}` (layer {}) depends on `{}` (layer {}), a layer above it: a lower layer must not know the upper ones; invert the dependency with a trait `{}` declares",
                    dep.from,
                    from + 1,
                    dep.to,
                    to + 1,
                    dep.from
                ),
                locations: vec![locate(dep)],
                metrics: BTreeMap::from([("from_layer".to_string(), (from + 1) as f64), ("to_layer".to_string(), (to + 1) as f64)]),
                fingerprint: hash_seq(format!("{} {}", dep.from, dep.to).bytes().map(u32::from).chain([SmellKind::LayerViolation as u32])),
            });
        }
    }
    (smells, manifests)
}
