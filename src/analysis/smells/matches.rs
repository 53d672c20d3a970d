//! The same `match` over one enum repeated across modules (shotgun surgery).
//!
//! What it finds: enums whose variants are matched one by one, with no catch-all arm, in
//! `--shotgun-modules` or more modules of a crate.
//! Why it matters: adding a variant means finding and editing every one of those matches.
//! Suggested fix: move the behaviour into methods on the enum (or a trait its variants'
//! types implement), so a new variant is one edit.

use std::collections::{BTreeMap, BTreeSet};

use super::smell::{Location, Severity, Smell, SmellKind};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::token::hash_seq;
use crate::analysis::source::EnumMatch;
use crate::config::Thresholds;

/// A match site: its module, its file index, the match.
type Site<'f> = (&'f str, usize, &'f EnumMatch);

pub fn find(files: &[SourceFile], thresholds: &Thresholds) -> Vec<Smell> {
    // Enums declared in each crate, by name: only an enum the crate owns can be changed,
    // and a name declared twice cannot be told apart without types.
    let mut declared: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for file in files {
        for shape in file
            .parsed
            .shapes
            .iter()
            .filter(|s| s.kind == crate::analysis::source::ShapeKind::Enum)
        {
            let krate = shape.item.split("::").next().unwrap_or_default();
            let name = shape.item.rsplit("::").next().unwrap_or_default();
            *declared.entry((krate, name)).or_default() += 1;
        }
    }
    // (crate, enum) -> match sites as (module, file, match).
    let mut sites: BTreeMap<(&str, &str), Vec<Site>> = BTreeMap::new();
    for (fi, file) in files.iter().enumerate() {
        for m in &file.parsed.enum_matches {
            let module = file.parsed.modules[m.module as usize].path.as_str();
            let krate = module.split("::").next().unwrap_or(module);
            sites
                .entry((krate, m.enum_name.as_str()))
                .or_default()
                .push((module, fi, m));
        }
    }
    let mut smells = Vec::new();
    for ((krate, name), matches) in sites {
        if declared.get(&(krate, name)) != Some(&1) {
            continue;
        }
        let modules: BTreeSet<&str> = matches.iter().map(|(module, _, _)| *module).collect();
        if modules.len() < thresholds.shotgun_modules as usize {
            continue;
        }
        let variants = matches
            .iter()
            .map(|(_, _, m)| m.variants)
            .max()
            .unwrap_or(0);
        let metrics = BTreeMap::from([
            ("modules".to_string(), modules.len() as f64),
            ("matches".to_string(), matches.len() as f64),
            ("variants".to_string(), f64::from(variants)),
            (
                "threshold".to_string(),
                f64::from(thresholds.shotgun_modules),
            ),
        ]);
        smells.push(Smell {
            kind: SmellKind::RepeatedMatch,
            severity: Severity::Warning,
            item: format!("{krate}::{name}"),
            message: format!(
                "`{name}` is matched variant by variant in {} modules ({} matches): adding a variant means editing each of them; move the behaviour into methods on `{name}`",
                modules.len(),
                matches.len()
            ),
            locations: matches.iter().map(|(_, file, m)| Location { file: *file, start_line: m.line, end_line: m.end_line }).collect(),
            metrics,
            fingerprint: hash_seq(format!("{krate}::{name}").bytes().map(u32::from).chain([SmellKind::RepeatedMatch as u32])),
        });
    }
    smells.sort_by(|a, b| {
        b.locations
            .len()
            .cmp(&a.locations.len())
            .then(a.item.cmp(&b.item))
    });
    smells
}
