//! Which workspace members a command works on, chosen as cargo chooses them: `-p SPEC`
//! (names, `name@version`, package id URLs, globs), `--workspace`, `--exclude SPEC`, and
//! without them the package whose manifest is in use (`--manifest-path`, or the nearest
//! `Cargo.toml` above the current folder), else the workspace's default members.

use std::path::{Path, PathBuf};

use anyhow::bail;
use cargo_metadata::{Metadata, Package};

use crate::cli::CommonArgs;

/// A package id specification: a name (or a glob of names) and maybe a version.
struct Spec {
    name: String,
    version: Option<String>,
    glob: Option<globset::GlobMatcher>,
}

impl Spec {
    /// `name`, `name@1.2.3`, `name:1.2.3`, `https://host/path#name@1.2.3`, `path+file:///dir#1.0`
    /// (the name is then the URL's last segment), or a glob of names (`alp*`).
    fn parse(spec: &str) -> Spec {
        let (url, fragment) = match spec.split_once('#') {
            Some((url, fragment)) => (Some(url), fragment),
            None if spec.contains("://") => (Some(spec), ""),
            None => (None, spec),
        };
        let (name, version) = match fragment.split_once(['@', ':']) {
            Some((name, version)) => (name, Some(version.to_owned())),
            None if url.is_some() && fragment.starts_with(|c: char| c.is_ascii_digit()) => {
                ("", Some(fragment.to_owned()))
            }
            None => (fragment, None),
        };
        let name = if name.is_empty() {
            let url = url.unwrap_or_default().trim_end_matches('/');
            url.rsplit('/').next().unwrap_or_default().to_owned()
        } else {
            name.to_owned()
        };
        let glob = name
            .contains(['*', '?', '['])
            .then(|| globset::Glob::new(&name).ok().map(|g| g.compile_matcher()))
            .flatten();
        Spec {
            name,
            version,
            glob,
        }
    }

    fn matches(&self, pkg: &Package) -> bool {
        let name = match &self.glob {
            Some(glob) => glob.is_match(pkg.name.as_str()),
            None => pkg.name.as_str() == self.name,
        };
        // A partial version (`1.2`) matches every version it starts.
        let version = self.version.as_deref().is_none_or(|v| {
            let full = pkg.version.to_string();
            full == v || full.starts_with(&format!("{v}."))
        });
        name && version
    }
}

/// The members `common` selects, in workspace order, and the `--exclude` specs that match no
/// member (cargo warns of them, and goes on).
pub fn select<'m>(
    metadata: &Metadata,
    members: &[&'m Package],
    common: &CommonArgs,
) -> anyhow::Result<(Vec<&'m Package>, Vec<String>)> {
    let matching = |spec: &str| -> anyhow::Result<Vec<&'m Package>> {
        let parsed = Spec::parse(spec);
        let found: Vec<&Package> = members
            .iter()
            .copied()
            .filter(|p| parsed.matches(p))
            .collect();
        if found.is_empty() {
            let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
            bail!(
                "package ID specification `{spec}` did not match any member of the workspace \
                 (members: {})",
                names.join(", ")
            );
        }
        Ok(found)
    };
    if !common.exclude.is_empty() && !common.workspace {
        let why = "`--exclude` can only be used together with `--workspace`";
        return Err(crate::error::UsageError(why.into()).into());
    }
    let mut chosen: Vec<&Package> = if !common.package.is_empty() {
        let mut chosen = Vec::new();
        for spec in &common.package {
            chosen.extend(matching(spec)?);
        }
        chosen
    } else if common.workspace {
        members.to_vec()
    } else {
        default_members(metadata, members, common)
    };
    let mut unmatched = Vec::new();
    for spec in &common.exclude {
        let Ok(excluded) = matching(spec) else {
            unmatched.push(spec.clone());
            continue;
        };
        chosen.retain(|p| !excluded.iter().any(|e| e.id == p.id));
    }
    let mut ordered: Vec<&Package> = members
        .iter()
        .copied()
        .filter(|m| chosen.iter().any(|c| c.id == m.id))
        .collect();
    ordered.dedup_by(|a, b| a.id == b.id);
    Ok((ordered, unmatched))
}

/// What cargo builds with no `-p` or `--workspace`: the package of the manifest in use, or,
/// at the workspace's root, its default members (`default-members`, else the root package or
/// every member of a virtual workspace, as cargo metadata says).
fn default_members<'m>(
    metadata: &Metadata,
    members: &[&'m Package],
    common: &CommonArgs,
) -> Vec<&'m Package> {
    let manifest = common
        .manifest_path
        .clone()
        .or_else(nearest_manifest)
        .and_then(|path| path.canonicalize().ok());
    let defaults: Vec<&Package> = (members.iter().copied())
        .filter(|p| {
            let defaults = &metadata.workspace_default_members;
            defaults.is_available() && defaults.contains(&p.id)
        })
        .collect();
    let root = metadata.workspace_root.join("Cargo.toml");
    let at_root = manifest
        .as_deref()
        .is_some_and(|m| same_file(root.as_std_path(), m));
    if at_root && !defaults.is_empty() {
        return defaults;
    }
    let own = manifest.and_then(|manifest| {
        (members.iter().copied()).find(|p| same_file(p.manifest_path.as_std_path(), &manifest))
    });
    match own {
        Some(own) => vec![own],
        None if !defaults.is_empty() => defaults,
        None => members.to_vec(),
    }
}

fn nearest_manifest() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join("Cargo.toml"))
        .find(|manifest| manifest.is_file())
}

fn same_file(a: &Path, b: &Path) -> bool {
    a.canonicalize().is_ok_and(|a| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_as_cargo_reads_them() {
        let spec = Spec::parse("alpha@0.1.0");
        assert_eq!(
            (spec.name.as_str(), spec.version.as_deref()),
            ("alpha", Some("0.1.0"))
        );
        let spec = Spec::parse("https://github.com/o/alpha#0.1.0");
        assert_eq!(
            (spec.name.as_str(), spec.version.as_deref()),
            ("alpha", Some("0.1.0"))
        );
        let spec = Spec::parse("path+file:///w/crates/alpha#beta@0.2");
        assert_eq!(
            (spec.name.as_str(), spec.version.as_deref()),
            ("beta", Some("0.2"))
        );
        assert!(Spec::parse("alp*").glob.is_some());
        assert!(Spec::parse("alpha").glob.is_none());
    }
}
