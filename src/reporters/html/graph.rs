//! The module graph of each crate as an inline SVG, laid out here (no program runs when the
//! page is viewed): layers by longest path over the graph with its cycles condensed, each
//! layer ordered by the mean position of what depends on it, long layers wrapped. Cycles are
//! red, hubs and modules with unstable dependencies marked, and each module links to the
//! first smell it carries (its tooltip lists them all).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

use super::markup::{escape, slug};
use crate::analysis::report::Report;
use crate::analysis::smells::{strongly_connected, ModuleEdge, ModuleNode, SmellKind};

/// Crates with more modules than this are listed, not drawn: a picture of thousands of
/// boxes helps nobody and costs the browser seconds.
const MAX_NODES: usize = 250;
/// Graphs open when the page loads; the rest are one click away.
const OPEN_GRAPHS: usize = 4;
/// Modules per row before a layer wraps.
const ROW: usize = 8;
const NODE_HEIGHT: f64 = 24.0;
const ROW_GAP: f64 = 44.0;
const GAP: f64 = 14.0;
const MARGIN: f64 = 8.0;
/// How far an arc between two modules of one row rises above it (or falls below); the
/// margin above the first row and below the last leaves room for it.
const ARC: f64 = 30.0;
const CHAR_WIDTH: f64 = 7.0;
const MAX_LABEL: usize = 26;

/// One crate's modules, by index into the report's module map.
struct Crate<'r> {
    name: &'r str,
    modules: Vec<usize>,
}

/// Writes the `#graphs` section.
pub fn write(out: &mut String, report: &Report) {
    let crates = crates(report);
    let drawn: Vec<&Crate> = crates.iter().filter(|c| c.modules.len() > 1).collect();
    let _ = write!(
        out,
        "<section id=\"graphs\"><h2>Module graphs <span class=\"count\">{}</span></h2>",
        drawn.len()
    );
    if drawn.is_empty() {
        out.push_str("<p class=\"empty\">No crate has more than one module.</p></section>");
        return;
    }
    out.push_str(LEGEND);
    let smells = smells_by_module(report);
    let edges = adjacency(report);
    let unstable = unstable_edges(report);
    for (k, krate) in drawn.iter().enumerate() {
        let n_edges: usize = krate.modules.iter().map(|&m| edges[m].len()).sum();
        let _ = write!(
            out,
            "<details class=\"crate\" id=\"graph-{}\"{}><summary><b>{}</b>: {} modules, {} \
             dependencies</summary>",
            slug(krate.name),
            if k < OPEN_GRAPHS { " open" } else { "" },
            escape(krate.name),
            krate.modules.len(),
            n_edges
        );
        if krate.modules.len() > MAX_NODES {
            write_too_big(out, report, krate, &smells);
        } else {
            Drawing::lay_out(report, krate, &edges, &smells, &unstable).write(out);
        }
        out.push_str("</details>");
    }
    out.push_str("</section>");
}

const LEGEND: &str = "<p class=\"legend\"><svg width=\"14\" height=\"10\"><rect class=\"swatch \
    cyc\" width=\"14\" height=\"10\"/></svg> in a cycle <svg width=\"14\" height=\"10\"><rect \
    class=\"swatch hub\" width=\"14\" height=\"10\"/></svg> hub <svg width=\"14\" height=\"10\">\
    <rect class=\"swatch unstable\" width=\"14\" height=\"10\"/></svg> depends on less stable \
    modules <svg width=\"14\" height=\"10\"><rect class=\"swatch smelly\" width=\"14\" \
    height=\"10\"/></svg> carries smells (click for the first; hover for all). An arrow points \
    from a module to what it uses.</p>";

/// The report's modules by crate (the package of the file that declares them, or the first
/// segment of their path), crates by name.
fn crates(report: &Report) -> Vec<Crate<'_>> {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, module) in report.modules.modules.iter().enumerate() {
        by_name
            .entry(crate_name(report, module))
            .or_default()
            .push(i);
    }
    by_name
        .into_iter()
        .map(|(name, modules)| Crate { name, modules })
        .collect()
}

/// The crate a module is in: the package of the file declaring it, or its path's first name.
fn crate_name<'r>(report: &'r Report, module: &'r ModuleNode) -> &'r str {
    match report.files.get(module.file) {
        Some(file) if !file.package.is_empty() => &file.package,
        _ => module.path.split("::").next().unwrap_or(""),
    }
}

/// What each module depends on, by index into the module map, with the edge's own index.
fn adjacency(report: &Report) -> Vec<Vec<(usize, usize)>> {
    let mut adjacency = vec![Vec::new(); report.modules.modules.len()];
    for (e, edge) in report.modules.edges.iter().enumerate() {
        if let Some(list) = adjacency.get_mut(edge.from as usize) {
            list.push((edge.to as usize, e));
        }
    }
    adjacency
}

/// Where the edges to less stable modules are written, as unstable-dependency smells give
/// them (one location per such edge): the edges to draw as unstable.
fn unstable_edges(report: &Report) -> HashSet<(usize, u32)> {
    (report.smells.iter())
        .filter(|s| s.kind == SmellKind::UnstableDependency)
        .flat_map(|s| s.locations.iter().map(|l| (l.file, l.start_line)))
        .collect()
}

/// The smells each module carries (indices into `report.smells`): those whose item is the
/// module or lies in it, given to the deepest module that contains it.
fn smells_by_module(report: &Report) -> HashMap<usize, Vec<usize>> {
    let index: HashMap<&str, usize> = (report.modules.modules.iter().enumerate())
        .map(|(i, m)| (m.path.as_str(), i))
        .collect();
    let mut found: HashMap<usize, Vec<usize>> = HashMap::new();
    for (s, smell) in report.smells.iter().enumerate() {
        let mut path = smell.item.as_str();
        loop {
            if let Some(&module) = index.get(path) {
                found.entry(module).or_default().push(s);
                break;
            }
            match path.rsplit_once("::") {
                Some((parent, _)) => path = parent,
                None => break,
            }
        }
    }
    found
}

/// A crate too big to draw: its modules that are in cycles or carry smells, listed.
fn write_too_big(
    out: &mut String,
    report: &Report,
    krate: &Crate,
    smells: &HashMap<usize, Vec<usize>>,
) {
    let _ = write!(
        out,
        "<p class=\"empty\">{} modules are too many to draw; the modules that carry smells:</p>\
         <ul class=\"modules\">",
        krate.modules.len()
    );
    for &m in &krate.modules {
        if let Some(list) = smells.get(&m) {
            let _ = write!(
                out,
                "<li><a href=\"#{}\"><code>{}</code></a> ({} smells)</li>",
                Report::smell_id(list[0]),
                escape(&report.modules.modules[m].path),
                list.len()
            );
        }
    }
    out.push_str("</ul>");
}

/// Where each module of one crate goes: its box's top-left corner and width.
struct Layout {
    x: Vec<f64>,
    y: Vec<f64>,
    width: Vec<f64>,
    labels: Vec<String>,
    size: (f64, f64),
}

/// A module's label: its path without the crate's name, cut from the left when long.
fn label(path: &str) -> String {
    let short = path.split_once("::").map_or(path, |(_, rest)| rest);
    let n = short.chars().count();
    if n > MAX_LABEL {
        let tail: String = short.chars().skip(n - (MAX_LABEL - 1)).collect();
        format!("…{tail}")
    } else {
        short.to_string()
    }
}

/// Each module's layer, and the strongly connected component it is in.
struct Layers {
    layer: Vec<usize>,
    component: Vec<usize>,
    /// The size of each module's component (more than one: it is in a cycle).
    size: Vec<usize>,
}

/// Layers: longest path from the modules nothing depends on, over the graph with each cycle
/// condensed into one node (so the modules of a cycle share a layer).
fn layers(adjacency: &[Vec<usize>]) -> Layers {
    let n = adjacency.len();
    let mut component = vec![0; n];
    let sccs = strongly_connected(adjacency);
    for (c, scc) in sccs.iter().enumerate() {
        for &m in scc {
            component[m] = c;
        }
    }
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); sccs.len()];
    let mut indegree = vec![0usize; sccs.len()];
    for (from, tos) in adjacency.iter().enumerate() {
        for &to in tos {
            let (a, b) = (component[from], component[to]);
            if a != b {
                successors[a].push(b);
                indegree[b] += 1;
            }
        }
    }
    // Kahn's order over the condensed graph, each component one layer below its deepest
    // predecessor.
    let mut depth = vec![0usize; sccs.len()];
    let mut ready: Vec<usize> = (0..sccs.len()).filter(|&c| indegree[c] == 0).collect();
    while let Some(c) = ready.pop() {
        for &next in &successors[c] {
            depth[next] = depth[next].max(depth[c] + 1);
            indegree[next] -= 1;
            if indegree[next] == 0 {
                ready.push(next);
            }
        }
    }
    Layers {
        layer: (0..n).map(|m| depth[component[m]]).collect(),
        size: (0..n).map(|m| sccs[component[m]].len()).collect(),
        component,
    }
}

/// Orders each layer by the mean position of the modules above that use its modules (a
/// barycenter sweep), then wraps it into rows and places the boxes.
fn layout(paths: &[&str], adjacency: &[Vec<usize>], layer: &[usize]) -> Layout {
    let n = paths.len();
    let n_layers = layer.iter().max().map_or(0, |&l| l + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); n_layers];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| paths[a].cmp(paths[b]));
    for m in order {
        rows[layer[m]].push(m);
    }
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, tos) in adjacency.iter().enumerate() {
        for &to in tos {
            users[to].push(from);
        }
    }
    let mut position = vec![0.0f64; n];
    for row in &mut rows {
        let keys: Vec<f64> = (row.iter().enumerate())
            .map(|(i, &m)| {
                let above: Vec<f64> = (users[m].iter())
                    .filter(|&&u| layer[u] < layer[m])
                    .map(|&u| position[u])
                    .collect();
                if above.is_empty() {
                    i as f64 / row.len() as f64
                } else {
                    above.iter().sum::<f64>() / above.len() as f64
                }
            })
            .collect();
        let mut keyed: Vec<(f64, usize)> = keys.into_iter().zip(row.iter().copied()).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
        *row = keyed.into_iter().map(|(_, m)| m).collect();
        for (i, &m) in row.iter().enumerate() {
            position[m] = (i as f64 + 0.5) / row.len() as f64;
        }
    }
    place(paths, &rows)
}

/// Boxes placed row by row, long layers wrapped every [`ROW`] modules, rows centred.
fn place(paths: &[&str], layers: &[Vec<usize>]) -> Layout {
    let n = paths.len();
    let labels: Vec<String> = paths.iter().map(|p| label(p)).collect();
    let width: Vec<f64> = (labels.iter())
        .map(|l| l.chars().count() as f64 * CHAR_WIDTH + 12.0)
        .collect();
    let rows: Vec<&[usize]> = layers.iter().flat_map(|l| l.chunks(ROW)).collect();
    let row_width = |row: &[usize]| -> f64 {
        row.iter().map(|&m| width[m]).sum::<f64>() + GAP * row.len().saturating_sub(1) as f64
    };
    let widest = rows.iter().map(|r| row_width(r)).fold(0.0, f64::max);
    let (mut x, mut y) = (vec![0.0; n], vec![0.0; n]);
    for (r, row) in rows.iter().enumerate() {
        let mut left = MARGIN + (widest - row_width(row)) / 2.0;
        for &m in *row {
            x[m] = left;
            y[m] = ARC + MARGIN + r as f64 * (NODE_HEIGHT + ROW_GAP);
            left += width[m] + GAP;
        }
    }
    let height = rows.len() as f64 * (NODE_HEIGHT + ROW_GAP) - ROW_GAP + 2.0 * (MARGIN + ARC);
    Layout {
        x,
        y,
        width,
        labels,
        size: (widest + 2.0 * MARGIN, height.max(NODE_HEIGHT)),
    }
}

/// One crate's picture: its modules placed, and what is drawn on them.
struct Drawing<'a> {
    report: &'a Report,
    krate: &'a Crate<'a>,
    smells: &'a HashMap<usize, Vec<usize>>,
    /// Each module's dependencies within the crate: (module, edge index in the module map).
    adjacency: Vec<Vec<(usize, usize)>>,
    unstable: &'a HashSet<(usize, u32)>,
    layers: Layers,
    at: Layout,
}

impl<'a> Drawing<'a> {
    fn lay_out(
        report: &'a Report,
        krate: &'a Crate<'a>,
        edges: &[Vec<(usize, usize)>],
        smells: &'a HashMap<usize, Vec<usize>>,
        unstable: &'a HashSet<(usize, u32)>,
    ) -> Drawing<'a> {
        let local: HashMap<usize, usize> = (krate.modules.iter().enumerate())
            .map(|(i, &m)| (m, i))
            .collect();
        let adjacency: Vec<Vec<(usize, usize)>> = (krate.modules.iter())
            .map(|&m| {
                (edges[m].iter())
                    .filter_map(|&(to, e)| Some((*local.get(&to)?, e)))
                    .collect()
            })
            .collect();
        let targets: Vec<Vec<usize>> = (adjacency.iter())
            .map(|tos| tos.iter().map(|&(to, _)| to).collect())
            .collect();
        let paths: Vec<&str> = (krate.modules.iter())
            .map(|&m| report.modules.modules[m].path.as_str())
            .collect();
        let layers = layers(&targets);
        let at = layout(&paths, &targets, &layers.layer);
        Drawing {
            report,
            krate,
            smells,
            adjacency,
            unstable,
            layers,
            at,
        }
    }

    fn write(&self, out: &mut String) {
        let _ = write!(
            out,
            "<svg class=\"modgraph\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" \
             height=\"{h:.0}\" role=\"img\" aria-label=\"module graph of {}\">",
            escape(self.krate.name),
            w = self.at.size.0,
            h = self.at.size.1
        );
        for (from, tos) in self.adjacency.iter().enumerate() {
            for &(to, e) in tos {
                let edge: &ModuleEdge = &self.report.modules.edges[e];
                let cyc = self.layers.size[from] > 1
                    && self.layers.component[from] == self.layers.component[to];
                let unstable = self.unstable.contains(&(edge.file, edge.line));
                self.write_edge(out, (from, to), cyc, unstable);
            }
        }
        for m in 0..self.krate.modules.len() {
            self.write_node(out, m);
        }
        out.push_str("</svg>");
    }

    /// An arrow from the bottom of `from` to the top of `to` (or top to bottom when `to` is
    /// above), curved so that edges between one pair of rows do not overlap.
    fn write_edge(&self, out: &mut String, (from, to): (usize, usize), cyc: bool, unstable: bool) {
        let at = &self.at;
        let (x1, x2) = (
            at.x[from] + at.width[from] / 2.0,
            at.x[to] + at.width[to] / 2.0,
        );
        let (top, bottom) = (at.y[from], at.y[from] + NODE_HEIGHT);
        // Between rows: from the bottom of one box to the top of the other, bent vertically.
        // Within a row (the modules of a cycle): an arc above when going right, below when
        // going left, so that two modules using each other draw a loop.
        let (y1, c1, c2, y2) = if (at.y[to] - at.y[from]).abs() < 1.0 {
            let lift = (10.0 + (x2 - x1).abs() * 0.12).min(ARC);
            if x1 < x2 {
                (top, top - lift, top - lift, top)
            } else {
                (bottom, bottom + lift, bottom + lift, bottom)
            }
        } else if at.y[to] > at.y[from] {
            let y2 = at.y[to];
            (bottom, bottom + ROW_GAP / 2.0, y2 - ROW_GAP / 2.0, y2)
        } else {
            let y2 = at.y[to] + NODE_HEIGHT;
            (top, top - ROW_GAP / 2.0, y2 + ROW_GAP / 2.0, y2)
        };
        let class = match (cyc, unstable) {
            (true, true) => "edge cyc unstable",
            (true, false) => "edge cyc",
            (false, true) => "edge unstable",
            (false, false) => "edge",
        };
        let marker = if cyc { "arrow-cyc" } else { "arrow" };
        let _ = write!(
            out,
            "<path class=\"{class}\" marker-end=\"url(#{marker})\" d=\"M{x1:.1} {y1:.1} \
             C{x1:.1} {c1:.1} {x2:.1} {c2:.1} {x2:.1} {y2:.1}\"/>"
        );
    }

    /// A module's box, a link to its first smell when it carries any, with a tooltip that
    /// names its path and lists its smells.
    fn write_node(&self, out: &mut String, local: usize) {
        let (report, at) = (self.report, &self.at);
        let module = self.krate.modules[local];
        let carried: &[usize] = self.smells.get(&module).map_or(&[], Vec::as_slice);
        let has = |kind: SmellKind| carried.iter().any(|&s| report.smells[s].kind == kind);
        let mut class = String::from("node");
        for (on, name) in [
            (self.layers.size[local] > 1, " cyc"),
            (has(SmellKind::HubModule), " hub"),
            (has(SmellKind::UnstableDependency), " unstable"),
            (!carried.is_empty(), " smelly"),
        ] {
            if on {
                class.push_str(name);
            }
        }
        let path = &report.modules.modules[module].path;
        let (open, close) = match carried.first() {
            Some(&s) => (format!("<a href=\"#{}\"", Report::smell_id(s)), "</a>"),
            None => (String::from("<g"), "</g>"),
        };
        let _ = write!(
            out,
            "{open} class=\"{class}\" data-module=\"{}\"><title>{}</title><rect x=\"{:.1}\" \
             y=\"{:.1}\" width=\"{:.1}\" height=\"{NODE_HEIGHT}\" rx=\"4\"/><text x=\"{:.1}\" \
             y=\"{:.1}\">{}</text>{close}",
            escape(path),
            escape(&tooltip(report, path, carried)),
            at.x[local],
            at.y[local],
            at.width[local],
            at.x[local] + 6.0,
            at.y[local] + 16.0,
            escape(&at.labels[local])
        );
    }
}

/// A module's path and the smells it carries, one a line (the first dozen).
fn tooltip(report: &Report, path: &str, carried: &[usize]) -> String {
    let mut title = path.to_string();
    for &s in carried.iter().take(12) {
        let smell = &report.smells[s];
        let _ = write!(
            title,
            "\n{} {}: {}",
            Report::smell_id(s),
            smell.kind.rule_id(),
            smell.item
        );
    }
    if carried.len() > 12 {
        let _ = write!(title, "\n… {} more", carried.len() - 12);
    }
    title
}

/// The arrowheads every graph uses, declared once for the page.
pub const MARKERS: &str = "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\">\
    <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" \
    markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#8a94a6\"/>\
    </marker><marker id=\"arrow-cyc\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
    markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 \
    10z\" fill=\"#d62828\"/></marker></defs></svg>";

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn cycles_share_a_layer_and_dependencies_go_below() {
        // 0 -> 1 <-> 2 -> 3
        let adjacency = vec![vec![1], vec![2], vec![1, 3], vec![]];
        let found = layers(&adjacency);
        assert_eq!(found.layer, [0, 1, 1, 2]);
        assert_eq!(found.size, [1, 2, 2, 1]);
        assert_eq!(found.component[1], found.component[2]);
    }

    #[test]
    fn long_layers_wrap_and_labels_drop_the_crate_name() {
        let paths: Vec<String> = (0..10).map(|i| format!("k::m{i}")).collect();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let at = layout(&paths, &vec![Vec::new(); 10], &[0; 10]);
        let rows: std::collections::BTreeSet<u64> = at.y.iter().map(|&y| y as u64).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(at.labels[0], "m0");
        assert_eq!(
            label("k::a_very_long_module_name::and_its_child"),
            "…odule_name::and_its_child"
        );
    }
}
