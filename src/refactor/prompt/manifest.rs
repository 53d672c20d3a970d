//! Which package a file belongs to and the Rust edition it is compiled with, read from the
//! nearest `Cargo.toml` the way cargo reads it: `edition.workspace = true` takes the
//! workspace's `[workspace.package] edition`, and a package without one is edition 2015.

use std::path::{Path, PathBuf};

/// The package a file belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Package {
    /// The package's folder (absolute); its sources are under `src/`.
    pub dir: PathBuf,
    /// The manifest, relative to the workspace root with `/` separators.
    pub manifest: String,
    /// `None` when the edition is inherited from a workspace that does not set one.
    pub edition: Option<String>,
}

/// Cargo's edition for a package whose manifest does not name one.
const DEFAULT_EDITION: &str = "2015";

/// The package of `rel` (relative to `root`): the nearest folder at or under `root` whose
/// `Cargo.toml` has a `[package]`.
pub(super) fn package_of(root: &Path, rel: &str) -> Option<Package> {
    let file = root.join(rel);
    let (dir, table) = file
        .ancestors()
        .skip(1)
        .take_while(|dir| dir.starts_with(root))
        .find_map(|dir| {
            let table = read_manifest(dir)?;
            table.contains_key("package").then_some((dir, table))
        })?;
    let edition = match table.get("package")?.get("edition") {
        None => Some(DEFAULT_EDITION.to_string()),
        Some(toml::Value::String(edition)) => Some(edition.clone()),
        Some(value) if inherits(value) => workspace_edition(root, dir),
        Some(_) => None,
    };
    let manifest = dir.join("Cargo.toml");
    let manifest = manifest
        .strip_prefix(root)
        .unwrap_or(&manifest)
        .to_string_lossy()
        .replace('\\', "/");
    Some(Package {
        dir: dir.to_path_buf(),
        manifest,
        edition,
    })
}

/// `{ workspace = true }`.
fn inherits(value: &toml::Value) -> bool {
    value.get("workspace").and_then(toml::Value::as_bool) == Some(true)
}

/// `[workspace.package] edition` of the nearest workspace manifest at or above `dir`, within
/// `root`.
fn workspace_edition(root: &Path, dir: &Path) -> Option<String> {
    let workspace = dir
        .ancestors()
        .take_while(|dir| dir.starts_with(root))
        .find_map(|dir| read_manifest(dir).filter(|table| table.contains_key("workspace")))?;
    let edition = workspace.get("workspace")?.get("package")?.get("edition")?;
    Some(edition.as_str()?.to_string())
}

fn read_manifest(dir: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .ok()?
        .parse()
        .ok()
}
