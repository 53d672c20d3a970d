//! Manifests and cargo configuration in the copy: relative paths that leave the workspace
//! (path dependencies, patches, `.cargo/config` paths) are made absolute, so the copy, which
//! lives elsewhere, still builds. This module owns the interface to `toml_edit`.

use std::path::{Path, PathBuf};

use crate::files::normalize;

/// The absolute path `relative` (taken from `base`) points at, if it is relative and leaves `root`.
pub(super) fn outside_root(relative: &Path, base: &Path, root: &Path) -> Option<PathBuf> {
    if relative.is_absolute() {
        return None;
    }
    let resolved = normalize(&base.join(relative));
    (!resolved.starts_with(root)).then_some(resolved)
}

#[derive(Debug, Clone, Copy)]
pub(super) enum TomlKind {
    Manifest,
    CargoConfig,
}

/// The dependency tables of a manifest (and of each `[target.*]` table), with cargo's legacy
/// underscore spellings.
pub(super) const DEPENDENCY_TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

/// Rewrites relative paths that leave `root` to absolute ones; `None` if nothing changed or
/// the file does not parse (cargo will report that in the copy just as in the source).
pub(super) fn fix_toml_paths(
    text: &str,
    kind: TomlKind,
    base: &Path,
    root: &Path,
) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
    let fix = |item: &mut toml_edit::Item| fix_dependency_table(item, base, root);
    let top = doc.as_table_mut();
    let mut changed = false;
    match kind {
        TomlKind::Manifest => changed |= fix_manifest_tables(top, &fix),
        TomlKind::CargoConfig => {
            if let Some(paths) = top.get_mut("paths").and_then(toml_edit::Item::as_array_mut) {
                for value in paths.iter_mut() {
                    changed |= fix_path_value(value, base, root);
                }
            }
        }
    }
    if let Some(patches) = top
        .get_mut("patch")
        .and_then(toml_edit::Item::as_table_like_mut)
    {
        for (_, registry) in patches.iter_mut() {
            changed |= fix(registry);
        }
    }
    changed.then(|| doc.to_string())
}

/// Fixes the dependency tables of a manifest: the top-level ones, those of each
/// `[target.'cfg(..)']`, `[workspace.dependencies]` and `[replace]`.
fn fix_manifest_tables(
    top: &mut toml_edit::Table,
    fix: &impl Fn(&mut toml_edit::Item) -> bool,
) -> bool {
    let mut changed = false;
    for name in DEPENDENCY_TABLES {
        changed |= top.get_mut(name).is_some_and(fix);
    }
    let targets = top
        .get_mut("target")
        .and_then(toml_edit::Item::as_table_like_mut);
    for (_, platform) in targets.into_iter().flat_map(|t| t.iter_mut()) {
        let Some(platform) = platform.as_table_like_mut() else {
            continue;
        };
        for name in DEPENDENCY_TABLES {
            changed |= platform.get_mut(name).is_some_and(fix);
        }
    }
    if let Some(workspace) = top
        .get_mut("workspace")
        .and_then(toml_edit::Item::as_table_like_mut)
    {
        changed |= workspace.get_mut("dependencies").is_some_and(fix);
    }
    changed | top.get_mut("replace").is_some_and(fix)
}

/// Fixes the `path` of each dependency in a table of dependencies.
pub(super) fn fix_dependency_table(item: &mut toml_edit::Item, base: &Path, root: &Path) -> bool {
    let Some(table) = item.as_table_like_mut() else {
        return false;
    };
    let mut changed = false;
    for (_, dependency) in table.iter_mut() {
        let path = dependency
            .as_table_like_mut()
            .and_then(|detail| detail.get_mut("path"));
        if let Some(value) = path.and_then(toml_edit::Item::as_value_mut) {
            changed |= fix_path_value(value, base, root);
        }
    }
    changed
}

/// Replaces a relative path string that leaves `root` by its absolute form, keeping the
/// surrounding whitespace and comments.
pub(super) fn fix_path_value(value: &mut toml_edit::Value, base: &Path, root: &Path) -> bool {
    let Some(absolute) = value
        .as_str()
        .and_then(|text| outside_root(Path::new(text), base, root))
    else {
        return false;
    };
    let Some(absolute) = absolute.to_str() else {
        return false;
    };
    let decor = value.decor().clone();
    *value = toml_edit::Value::from(absolute);
    *value.decor_mut() = decor;
    true
}
