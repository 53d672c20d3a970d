//! Architectural smells, reported beside clone groups: module cycles so far, and the
//! function-level ones (long, complex, deeply nested functions and long parameter lists).

mod functions;
mod matches;
mod modules;
mod smell;
mod types;

pub use smell::{Smell, SmellKind};

use crate::config::Options;
use crate::scan::SourceFile;

/// Every smell, worst first within each kind (by how far over its threshold).
pub fn find_smells(files: &[SourceFile], options: &Options) -> Vec<Smell> {
    // Cycles come ranked already (shortest first); function smells worst first by kind.
    let mut smells = modules::find(files, &options.thresholds);
    let mut functions = functions::find(files, &options.thresholds);
    functions.sort_by(|a, b| {
        let over = |s: &Smell| s.metrics.get("excess").copied().unwrap_or(0.0);
        (a.kind as u8)
            .cmp(&(b.kind as u8))
            .then(over(b).total_cmp(&over(a)))
            .then(a.fingerprint.cmp(&b.fingerprint))
    });
    smells.extend(matches::find(files, &options.thresholds));
    smells.extend(types::find(files, &options.thresholds));
    smells.extend(functions);
    smells
}
