//! Dependency graph algorithms for the cycle smells (modules and crates): strongly connected
//! components, and the shortest cycle through one, in time that grows with the graph, not
//! with its square (a crate may have tens of thousands of modules in one tangle).

use std::collections::{HashMap, HashSet, VecDeque};

/// Tarjan's strongly connected components, iteratively (deep module trees must not overflow).
pub(crate) fn strongly_connected(adjacency: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut tarjan = Tarjan::new(adjacency.len());
    for root in 0..adjacency.len() {
        if tarjan.index[root] == UNSEEN {
            tarjan.search(adjacency, root);
        }
    }
    tarjan.components
}

/// The index of a node the search has not reached.
const UNSEEN: usize = usize::MAX;

/// The state of Tarjan's search.
struct Tarjan {
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    counter: usize,
    components: Vec<Vec<usize>>,
}

impl Tarjan {
    fn new(n: usize) -> Tarjan {
        Tarjan {
            index: vec![UNSEEN; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            counter: 0,
            components: Vec::new(),
        }
    }

    /// Numbers `node` and puts it on the stack.
    fn visit(&mut self, node: usize) {
        self.index[node] = self.counter;
        self.low[node] = self.counter;
        self.counter += 1;
        self.stack.push(node);
        self.on_stack[node] = true;
    }

    /// The depth-first search from `root`, with its own stack of (node, next successor).
    fn search(&mut self, adjacency: &[Vec<usize>], root: usize) {
        self.visit(root);
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut next)) = work.last_mut() {
            if let Some(&succ) = adjacency[node].get(*next) {
                *next += 1;
                if self.index[succ] == UNSEEN {
                    self.visit(succ);
                    work.push((succ, 0));
                } else if self.on_stack[succ] {
                    self.low[node] = self.low[node].min(self.index[succ]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                self.low[parent] = self.low[parent].min(self.low[node]);
            }
            if self.low[node] == self.index[node] {
                self.pop_component(node);
            }
        }
    }

    /// Pops the component whose root is `node` off the stack.
    fn pop_component(&mut self, node: usize) {
        let mut component = Vec::new();
        while let Some(member) = self.stack.pop() {
            self.on_stack[member] = false;
            component.push(member);
            if member == node {
                break;
            }
        }
        self.components.push(component);
    }
}

/// Edge visits the search for a component's shortest cycle may spend, per node and edge of
/// the component, after its first breadth-first search (which always runs whole).
const SEARCH_PER_SIZE: usize = 32;

/// The least such budget: components of up to a few hundred modules are searched from every
/// module, so their shortest cycle is exact.
const MIN_SEARCH: usize = 1 << 20;

/// The shortest cycle through the component, as nodes in order, starting from its smallest
/// node so that reports are stable: of the shortest cycles, the one through the smallest
/// node, as a breadth-first search from it finds it.
///
/// Searching from every node costs the component's size squared (a ring of 20,000 modules
/// took half a minute), so each search stops at the length of the best cycle found so far,
/// the whole stops once no shorter cycle can exist, and a component too big to search from
/// every node within its budget ([`SEARCH_PER_SIZE`] times its size) keeps the shortest
/// cycle through the nodes searched from (a ring has only one).
pub(super) fn shortest_cycle(adjacency: &[Vec<usize>], scc: &[usize]) -> Option<Vec<usize>> {
    let component = Component::new(adjacency, scc);
    let size = component.successors.len() + component.edges;
    let budget = MIN_SEARCH.max(SEARCH_PER_SIZE * size);
    let shortest_possible = if component.has_pair() { 2 } else { 3 };
    let mut search = Search::new(component.successors.len());
    let mut best: Option<Vec<u32>> = None;
    for start in 0..component.successors.len() as u32 {
        let bound = best.as_ref().map_or(usize::MAX, Vec::len);
        if let Some(cycle) = search.cycle(&component.successors, start, bound) {
            best = Some(cycle);
        }
        let done = best.as_ref().is_some_and(|b| b.len() <= shortest_possible);
        if done || (best.is_some() && search.visits > budget) {
            break;
        }
    }
    best.map(|cycle| {
        cycle
            .into_iter()
            .map(|m| component.members[m as usize])
            .collect()
    })
}

/// A strongly connected component as a graph of its own: nodes numbered in the order of
/// their indices in the whole graph, edges in the order the whole graph lists them.
struct Component {
    members: Vec<usize>,
    successors: Vec<Vec<u32>>,
    edges: usize,
}

impl Component {
    fn new(adjacency: &[Vec<usize>], scc: &[usize]) -> Component {
        let mut members = scc.to_vec();
        members.sort_unstable();
        let local: HashMap<usize, u32> = members
            .iter()
            .enumerate()
            .map(|(i, &m)| (m, i as u32))
            .collect();
        let successors: Vec<Vec<u32>> = members
            .iter()
            .map(|&m| {
                adjacency[m]
                    .iter()
                    .filter_map(|succ| local.get(succ).copied())
                    .collect()
            })
            .collect();
        let edges = successors.iter().map(Vec::len).sum();
        Component {
            members,
            successors,
            edges,
        }
    }

    /// Whether two nodes depend on each other directly: then no cycle is shorter than 2.
    fn has_pair(&self) -> bool {
        let edges: HashSet<(u32, u32)> = self
            .successors
            .iter()
            .enumerate()
            .flat_map(|(a, succ)| succ.iter().map(move |&b| (a as u32, b)))
            .collect();
        edges.iter().any(|&(a, b)| edges.contains(&(b, a)))
    }
}

/// Breadth-first searches over one component, reusing their arrays: a node's entries are
/// valid when its `mark` is the current search's.
struct Search {
    mark: Vec<u32>,
    previous: Vec<u32>,
    depth: Vec<u32>,
    queue: VecDeque<u32>,
    /// Edges looked at, over all searches.
    visits: usize,
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            mark: vec![u32::MAX; n],
            previous: vec![0; n],
            depth: vec![0; n],
            queue: VecDeque::new(),
            visits: 0,
        }
    }

    /// The shortest cycle through `start` if it is shorter than `bound` nodes: breadth-first
    /// from `start` until an edge leads back to it. The search stops at the depth where a
    /// cycle would be `bound` long, which changes neither which cycle it finds nor its path.
    fn cycle(&mut self, successors: &[Vec<u32>], start: u32, bound: usize) -> Option<Vec<u32>> {
        self.queue.clear();
        self.queue.push_back(start);
        self.mark[start as usize] = start;
        self.depth[start as usize] = 0;
        let closing = 'search: loop {
            let node = self.queue.pop_front()?;
            // A cycle closed from `node` has its depth plus one nodes.
            if self.depth[node as usize] as usize + 1 >= bound {
                return None;
            }
            for &succ in &successors[node as usize] {
                self.visits += 1;
                if succ == start {
                    break 'search node;
                }
                if self.mark[succ as usize] != start {
                    self.mark[succ as usize] = start;
                    self.previous[succ as usize] = node;
                    self.depth[succ as usize] = self.depth[node as usize] + 1;
                    self.queue.push_back(succ);
                }
            }
        };
        let mut cycle = vec![closing];
        let mut node = closing;
        while node != start {
            node = self.previous[node as usize];
            cycle.push(node);
        }
        cycle.reverse();
        Some(cycle)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn components_and_shortest_cycles() {
        // 0 -> 1 -> 2 -> 0, 1 -> 0, 3 -> 4 (no cycle).
        let adjacency = vec![vec![1], vec![2, 0], vec![0], vec![4], vec![]];
        let mut sccs: Vec<Vec<usize>> = strongly_connected(&adjacency)
            .into_iter()
            .filter(|s| s.len() > 1)
            .collect();
        assert_eq!(sccs.len(), 1);
        sccs[0].sort_unstable();
        assert_eq!(sccs[0], vec![0, 1, 2]);
        assert_eq!(shortest_cycle(&adjacency, &sccs[0]), Some(vec![0, 1]));
    }

    /// The search from every node that [`shortest_cycle`] replaced, quadratic but plainly
    /// right: what the fast one must find.
    fn every_start(adjacency: &[Vec<usize>], scc: &[usize]) -> Option<Vec<usize>> {
        let members: HashSet<usize> = scc.iter().copied().collect();
        let mut best: Option<Vec<usize>> = None;
        let mut starts = scc.to_vec();
        starts.sort_unstable();
        for &start in &starts {
            let mut previous: HashMap<usize, usize> = HashMap::new();
            let mut queue = VecDeque::from([start]);
            let mut closing = None;
            while let Some(node) = queue.pop_front() {
                for &succ in &adjacency[node] {
                    if succ == start {
                        closing = Some(node);
                        break;
                    }
                    if members.contains(&succ) && !previous.contains_key(&succ) {
                        previous.insert(succ, node);
                        queue.push_back(succ);
                    }
                }
                if closing.is_some() {
                    break;
                }
            }
            let Some(mut node) = closing else { continue };
            let mut cycle = vec![node];
            while node != start {
                node = previous[&node];
                cycle.push(node);
            }
            cycle.reverse();
            if best.as_ref().is_none_or(|b| cycle.len() < b.len()) {
                best = Some(cycle);
            }
        }
        best
    }

    /// A deterministic pseudo-random graph: `n` nodes, about `degree` edges each.
    fn random_graph(seed: u64, n: usize, degree: usize) -> Vec<Vec<usize>> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..n)
            .map(|node| {
                let mut succ: Vec<usize> = (0..degree)
                    .map(|_| (next() % n as u64) as usize)
                    .filter(|&s| s != node)
                    .collect();
                succ.dedup();
                succ
            })
            .collect()
    }

    #[test]
    fn the_same_cycle_as_a_search_from_every_node() {
        for seed in 0..300 {
            let n = 4 + (seed as usize % 40);
            let adjacency = random_graph(seed, n, 1 + (seed as usize % 3));
            for scc in strongly_connected(&adjacency) {
                if scc.len() >= 2 {
                    assert_eq!(
                        shortest_cycle(&adjacency, &scc),
                        every_start(&adjacency, &scc),
                        "seed {seed}: {adjacency:?}"
                    );
                }
            }
        }
    }

    /// A ring of 20,000 nodes, one cycle through them all, with modules named as files sort
    /// (`m0`, `m1`, `m10`, ..): from every node it is 400 million edge visits, beyond any
    /// test's patience; each search stops at the best length, and the budget stops them.
    #[test]
    fn a_ring_of_twenty_thousand_nodes_is_one_cycle_found_in_linear_time() {
        let n = 20_000;
        let mut names: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
        names.sort();
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str(), i))
            .collect();
        let mut adjacency = vec![Vec::new(); n];
        for i in 0..n {
            let (from, to) = (format!("m{i}"), format!("m{}", (i + 1) % n));
            adjacency[index[from.as_str()]].push(index[to.as_str()]);
        }
        let sccs = strongly_connected(&adjacency);
        assert_eq!(sccs.len(), 1);
        let cycle = shortest_cycle(&adjacency, &sccs[0]).unwrap();
        assert_eq!(cycle.len(), n);
        assert_eq!(names[cycle[0]], "m0");
        assert_eq!(names[cycle[1]], "m1");
        // A chord makes a shorter cycle, which the searches find.
        adjacency[index["m15000"]].push(index["m5000"]);
        let cycle = shortest_cycle(&adjacency, &sccs[0]).unwrap();
        assert_eq!(cycle.len(), 10_001);
        assert_eq!(names[cycle[0]], "m10000");
    }
}
