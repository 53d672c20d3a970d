//! The module graph as data, for reports that draw it (`reporters/html`): the modules and
//! dependencies `modules.rs` read its smells from. Types only, so that the report can hold
//! them without depending on how the graph is built.

use serde::{Deserialize, Serialize};

/// The module graph as reports draw it: the declared modules and the dependencies between
/// them, the same graph the cycle, hub and unstable-dependency smells were read from.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ModuleMap {
    pub modules: Vec<ModuleNode>,
    pub edges: Vec<ModuleEdge>,
}

/// `from` depends on `to` (indices into [`ModuleMap::modules`]), first by the path at `line`
/// of `file`: the location a cycle or an unstable-dependency smell gives for this edge.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ModuleEdge {
    pub from: u32,
    pub to: u32,
    pub file: usize,
    pub line: u32,
}

/// A declared module: its path (`crate::a::b`, led by the crate's name) and where it is
/// declared (an index into the analysed files, and a line).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModuleNode {
    pub path: String,
    pub file: usize,
    pub line: u32,
}

impl ModuleMap {
    /// The modules declared in the first `files` files, and the edges between them written
    /// there: the map of the files a report holds.
    pub fn within(self, files: usize) -> ModuleMap {
        let mut index = vec![None; self.modules.len()];
        let mut modules = Vec::new();
        for (i, module) in self.modules.into_iter().enumerate() {
            if module.file < files {
                index[i] = Some(modules.len() as u32);
                modules.push(module);
            }
        }
        let edges = (self.edges.into_iter())
            .filter(|e| e.file < files)
            .filter_map(|e| {
                let (from, to) = (index[e.from as usize]?, index[e.to as usize]?);
                Some(ModuleEdge { from, to, ..e })
            })
            .collect();
        ModuleMap { modules, edges }
    }
}
