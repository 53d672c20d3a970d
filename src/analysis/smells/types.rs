//! God types: structs and enums with too many fields, methods or trait impls.
//!
//! What it finds: a type declared once in its crate with more than `--max-type-fields`
//! fields, or more than `--max-type-methods` methods across its inherent impl blocks; the
//! methods its trait impls require, and the trait impls, are reported in the metrics.
//! Why it matters: such a type does many jobs, so every change risks the others.
//! Suggested fix: split it by responsibility into smaller types it owns or that own it.

use std::collections::BTreeMap;

use super::smell::{Location, Severity, Smell, SmellKind};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::token::hash_seq;
use crate::analysis::source::{ShapeKind, UnitKind};
use crate::config::Thresholds;

#[derive(Default)]
struct TypeStats {
    declared: u32,
    /// Fields of a struct; an enum's variants are not fields.
    fields: u32,
    /// Methods of inherent impl blocks: the ones the type chose to have.
    methods: u32,
    trait_methods: u32,
    trait_impls: u32,
    location: Option<Location>,
}

pub fn find(files: &[SourceFile], thresholds: &Thresholds) -> Vec<Smell> {
    let mut types = declared_types(files);
    count_methods(files, &mut types);
    let mut smells = Vec::new();
    for ((krate, name), stats) in types {
        // A name declared twice in a crate cannot be told apart without types.
        let (1, Some(location)) = (stats.declared, &stats.location) else {
            continue;
        };
        if stats.fields <= thresholds.max_type_fields
            && stats.methods <= thresholds.max_type_methods
        {
            continue;
        }
        smells.push(god_type(krate, name, &stats, location.clone(), thresholds));
    }
    smells
}

/// The structs and enums of every crate by (crate, name), with their fields and where the
/// last one of the name is declared.
fn declared_types(files: &[SourceFile]) -> BTreeMap<(&str, &str), TypeStats> {
    let mut types: BTreeMap<(&str, &str), TypeStats> = BTreeMap::new();
    for (fi, file) in files.iter().enumerate() {
        for shape in file
            .parsed
            .shapes
            .iter()
            .filter(|s| s.kind != ShapeKind::Trait)
        {
            let krate = shape.item.split("::").next().unwrap_or_default();
            let name = shape.item.rsplit("::").next().unwrap_or_default();
            let stats = types.entry((krate, name)).or_default();
            stats.declared += 1;
            if shape.kind == ShapeKind::Struct {
                stats.fields = shape.members.len() as u32;
            }
            stats.location = Some(Location {
                file: fi,
                start_line: shape.start_line,
                end_line: shape.end_line,
            });
        }
    }
    types
}

/// Counts the methods and trait impls of the declared `types`.
fn count_methods<'f>(files: &'f [SourceFile], types: &mut BTreeMap<(&'f str, &'f str), TypeStats>) {
    for file in files {
        for unit in &file.parsed.units {
            let (Some(owner), krate) = (
                unit.self_type.as_deref(),
                unit.item.split("::").next().unwrap_or_default(),
            ) else {
                continue;
            };
            let Some(stats) = types.get_mut(&(krate, owner)) else {
                continue;
            };
            match unit.kind {
                UnitKind::Method if unit.trait_name.is_some() => stats.trait_methods += 1,
                UnitKind::Method => stats.methods += 1,
                UnitKind::Impl if unit.trait_name.is_some() => stats.trait_impls += 1,
                _ => {}
            }
        }
    }
}

/// The smell of a type over the limits.
fn god_type(
    krate: &str,
    name: &str,
    stats: &TypeStats,
    location: Location,
    thresholds: &Thresholds,
) -> Smell {
    let metrics = BTreeMap::from([
        ("fields".to_string(), f64::from(stats.fields)),
        ("methods".to_string(), f64::from(stats.methods)),
        ("trait_impls".to_string(), f64::from(stats.trait_impls)),
        ("trait_methods".to_string(), f64::from(stats.trait_methods)),
        (
            "max_fields".to_string(),
            f64::from(thresholds.max_type_fields),
        ),
        (
            "max_methods".to_string(),
            f64::from(thresholds.max_type_methods),
        ),
    ]);
    Smell {
        kind: SmellKind::GodType,
        severity: Severity::Warning,
        item: format!("{krate}::{name}"),
        message: format!(
            "`{name}` has {} fields and {} inherent methods (limits {} and {}), besides {} trait impls: a god type does many jobs, so every change risks the others; split it by responsibility",
            stats.fields, stats.methods, thresholds.max_type_fields, thresholds.max_type_methods, stats.trait_impls
        ),
        locations: vec![location],
        metrics,
        fingerprint: hash_seq(format!("{krate}::{name}").bytes().map(u32::from).chain([SmellKind::GodType as u32])),
    }
}
