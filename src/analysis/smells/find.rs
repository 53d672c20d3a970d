//! Every smell family run in turn, in the order the report lists them.

use super::smell::Smell;
use super::{crates, functions, matches, modules, types};
use crate::analysis::scan::SourceFile;
use crate::analysis::workspace::CrateDep;
use crate::config::Options;

/// Every smell: workspace, module and type smells first, then functions worst first by
/// kind. Crate smells point into manifests, returned to be listed after `files`.
pub fn find_smells(
    files: &[SourceFile],
    options: &Options,
    crate_deps: &[CrateDep],
) -> (Vec<Smell>, Vec<String>) {
    let (mut smells, manifests) = crates::find(crate_deps, &options.layers, files.len());
    smells.extend(modules::find(files, &options.thresholds));
    smells.extend(matches::find(files, &options.thresholds));
    smells.extend(types::find(files, &options.thresholds));
    let mut functions = functions::find(files, &options.thresholds);
    functions.sort_by(|a, b| {
        let over = |s: &Smell| s.metrics.get("excess").copied().unwrap_or(0.0);
        (a.kind as u8)
            .cmp(&(b.kind as u8))
            .then(over(b).total_cmp(&over(a)))
            .then(a.fingerprint.cmp(&b.fingerprint))
    });
    smells.extend(functions);
    smells.retain(|smell| !allowed(files, smell));
    (smells, manifests)
}

/// Whether a `// cargo-loop: allow(RULE)` marker covers `smell`: on the item where it is
/// reported (its first location) or one enclosing it, or atop the file of the module it is
/// about (a module's smells are reported where the module is declared).
fn allowed(files: &[SourceFile], smell: &Smell) -> bool {
    let rule = smell.kind.rule_id();
    let covers = |file: &SourceFile, line: u32| {
        (file.parsed.allowed.iter())
            .any(|(lines, rules)| lines.contains(&line) && rules.iter().any(|r| r == rule))
    };
    // Crate smells point into manifests, listed after the Rust files.
    let at = smell.locations.first();
    if at.is_some_and(|at| files.get(at.file).is_some_and(|f| covers(f, at.start_line))) {
        return true;
    }
    (files.iter()).any(|f| {
        f.parsed
            .modules
            .first()
            .is_some_and(|m| m.path == smell.item)
            && covers(f, f.parsed.n_lines.max(1))
            && covers(f, 1)
    })
}
