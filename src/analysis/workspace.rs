//! Finds what to analyse: workspace members and their target roots through `cargo_metadata`,
//! or every `.rs` file of a plain folder outside any workspace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use cargo_metadata::{Metadata, MetadataCommand, Package as CargoPackage, TargetKind};

use crate::cli::CommonArgs;
use crate::config::ConfigFile;

/// What is analysed, and where results and caches go.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub packages: Vec<Package>,
    pub config: ConfigFile,
    /// Files found on disk in plain-folder mode; discovery follows `mod` otherwise.
    pub plain: bool,
    /// Problems found while walking, reported as warnings.
    pub warnings: Vec<Warning>,
    /// Dependencies between workspace members (all members, whatever the selection).
    pub crate_deps: Vec<CrateDep>,
    /// Every member and its folder, relative to the root, whatever the selection: an edit
    /// can reach members the analysis left out.
    pub members: Vec<(String, PathBuf)>,
}

/// A member's dependency on another member, as its manifest declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateDep {
    pub from: String,
    pub to: String,
    pub dev: bool,
    /// The declaring manifest, relative to the workspace root.
    pub manifest: String,
    /// The line that declares it, 1-based (1 when it cannot be found).
    pub line: u32,
}

#[derive(Debug)]
pub struct Package {
    pub name: String,
    pub dir: PathBuf,
    pub roots: Vec<Root>,
    /// The features a feature flag selects, to leave out code that build does not compile;
    /// `None` without a flag (every `cfg` alternative is analysed) or a manifest.
    pub features: Option<BTreeSet<String>>,
}

/// A target's root file (or, in plain mode, any file), from which `mod` declarations are followed.
#[derive(Debug, Clone)]
pub struct Root {
    pub path: PathBuf,
    /// The item path of the root's module (`crate_name`, or `crate_name::a::b` in plain mode).
    pub module: String,
    pub test: bool,
    /// A library target's root (set later for plain folders, from their `mod` declarations).
    pub lib: bool,
    /// A build script, example, bench or test: a file it shares with the library or a binary
    /// (a build script's `#[path] mod cli;` for shell completions) is theirs.
    pub secondary: bool,
}

impl Workspace {
    /// Opens the workspace of `--manifest-path` or of the current directory.
    pub fn open(common: &CommonArgs) -> anyhow::Result<Workspace> {
        let mut command = MetadataCommand::new();
        command.no_deps();
        if let Some(path) = &common.manifest_path {
            if path.is_dir() || path.file_name().is_some_and(|name| name != "Cargo.toml") {
                bail!(
                    "the manifest-path must be a path to a Cargo.toml file: `{}`",
                    path.display()
                );
            }
            if !path.is_file() {
                bail!("manifest path `{}` does not exist", path.display());
            }
            command.manifest_path(path);
        }
        let metadata = command.exec().map_err(|err| match err {
            cargo_metadata::Error::CargoMetadata { stderr } => {
                anyhow::anyhow!("`cargo metadata` failed:\n{}", stderr.trim_end())
            }
            other => anyhow::Error::new(other).context("run `cargo metadata`"),
        })?;
        Workspace::from_metadata(&metadata, common)
    }

    fn from_metadata(metadata: &Metadata, common: &CommonArgs) -> anyhow::Result<Workspace> {
        let root = metadata.workspace_root.clone().into_std_path_buf();
        let members = metadata.workspace_packages();
        let root_package = metadata.root_package().map(|pkg| &pkg.metadata);
        let config = crate::config::load(&root, &metadata.workspace_metadata, root_package)?;
        let common = &common.with_config(&config);
        let crate_deps = member_deps(&root, &members);
        let member_dirs = (members.iter())
            .filter_map(|pkg| {
                relative_dir(&root, &pkg.name, pkg.manifest_path.parent()?.as_std_path())
            })
            .collect();
        let (selected, unmatched) = crate::analysis::selection::select(metadata, &members, common)?;
        let mut warnings: Vec<Warning> = (unmatched.into_iter())
            .map(|spec| Warning {
                file: ".".to_owned(),
                line: None,
                column: None,
                message: format!("excluded package(s) `{spec}` not found in workspace"),
            })
            .collect();
        warnings.extend(unread_member_configs(&root, metadata, &members));
        unknown_features(&selected, common)?;
        let packages = selected
            .into_iter()
            .map(|pkg| Package {
                features: selected_features(&pkg.name, &pkg.features, common),
                name: pkg.name.to_string(),
                dir: pkg
                    .manifest_path
                    .parent()
                    .map(|p| p.as_std_path().to_path_buf())
                    .unwrap_or_default(),
                roots: pkg
                    .targets
                    .iter()
                    .map(|target| Root {
                        path: target.src_path.clone().into_std_path_buf(),
                        module: target.name.replace('-', "_"),
                        test: target.kind.iter().any(|k| matches!(k, TargetKind::Test)),
                        lib: target.kind.iter().any(|k| {
                            matches!(k, TargetKind::Lib | TargetKind::RLib | TargetKind::DyLib)
                        }),
                        secondary: target.kind.iter().all(|k| {
                            matches!(
                                k,
                                TargetKind::CustomBuild
                                    | TargetKind::Example
                                    | TargetKind::Bench
                                    | TargetKind::Test
                            )
                        }),
                    })
                    .collect(),
            })
            .collect();
        Ok(Workspace {
            root,
            target_dir: metadata.target_directory.clone().into_std_path_buf(),
            packages,
            config,
            plain: false,
            warnings,
            crate_deps,
            members: member_dirs,
        })
    }

    /// A folder analysed as plain Rust source: every `.rs` file under it, grouped into
    /// packages by the nearest folder holding a Cargo.toml.
    pub fn plain(dir: &Path) -> anyhow::Result<Workspace> {
        let root = dir
            .canonicalize()
            .with_context(|| format!("open {}", dir.display()))?;
        let mut warnings = Vec::new();
        let mut packages: Vec<Package> = Vec::new();
        let mut nearest = NearestPackage::default();
        for entry in walk(&root) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    warnings.push(walk_warning(&root, &err));
                    continue;
                }
            };
            // Files that are not regular (pipes, sockets) go on, to be reported when read.
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            if is_dir || entry.path().extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let package = nearest.of(&root, entry.path());
            add_plain_root(&mut packages, package, entry.into_path());
        }
        warnings.extend(unreadable_manifest(&root));
        let config = ConfigFile::read_toml(&root.join("loop.toml"))?;
        let members = (packages.iter())
            .filter_map(|p| relative_dir(&root, &p.name, &p.dir))
            .collect();
        Ok(Workspace {
            target_dir: plain_target_dir(&root),
            root,
            packages,
            config,
            plain: true,
            warnings,
            crate_deps: Vec::new(),
            members,
        })
    }
}

/// A package's name and its folder relative to the workspace root.
fn relative_dir(root: &Path, name: &str, dir: &Path) -> Option<(String, PathBuf)> {
    Some((name.to_owned(), dir.strip_prefix(root).ok()?.to_path_buf()))
}

/// A file or folder of a plain folder that could not be read, as a warning.
/// Where a plain folder's cache goes, never inside the folder analysed: `CARGO_TARGET_DIR`,
/// else the target folder of the cargo project the command runs in, else a user cache folder
/// (`$XDG_CACHE_HOME/cargo-loop/<hash of the folder>`, or under `~/.cache`).
fn plain_target_dir(root: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let cwd = std::env::current_dir().ok();
    let project = cwd.as_deref().and_then(|cwd| {
        cwd.ancestors()
            .find(|dir| dir.join("Cargo.toml").is_file())
            .map(Path::to_path_buf)
    });
    if let Some(project) = project.filter(|p| !p.starts_with(root)) {
        return project.join("target");
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let key = xxhash_rust::xxh3::xxh3_64(root.to_string_lossy().as_bytes());
    cache.join("cargo-loop").join(format!("{key:016x}"))
}

/// What a plain folder's walk never enters or reads: hidden files and folders (`.git`, the
/// output of tools) and `target` folders.
fn skipped(name: &std::ffi::OsStr, is_dir: bool) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || (is_dir && name == "target")
}

/// Every file and folder under `root` that no `.gitignore` (there or in a parent folder, with
/// or without a git repository) excludes, by name, following links; with what could not be
/// read and link loops as errors.
fn walk(root: &Path) -> ignore::Walk {
    ignore::WalkBuilder::new(root)
        .follow_links(true)
        .hidden(false)
        .require_git(false)
        .sort_by_file_name(std::ffi::OsStr::cmp)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            entry.depth() == 0 || !skipped(entry.file_name(), is_dir)
        })
        .build()
}

fn walk_warning(root: &Path, err: &ignore::Error) -> Warning {
    // The error names the path it is about, around the cause.
    let (mut path, mut cause) = (None, err);
    loop {
        match cause {
            ignore::Error::WithPath { path: p, err } => (path, cause) = (Some(p.as_path()), err),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                cause = err;
            }
            _ => break,
        }
    }
    let message = match cause {
        ignore::Error::Loop { child, .. } => {
            path = Some(child.as_path());
            "symbolic link loop, skipped".to_string()
        }
        ignore::Error::Io(io) => {
            // The walker's own error repeats the path the warning names: its cause is enough.
            let walk = io
                .get_ref()
                .and_then(|e| e.downcast_ref::<walkdir::Error>());
            let cause = walk.and_then(walkdir::Error::io_error).unwrap_or(io);
            format!("could not read: {cause}, skipped")
        }
        other => format!("could not read: {other}, skipped"),
    };
    Warning {
        file: path.map_or_else(|| ".".to_string(), |p| relative(root, p)),
        line: None,
        column: None,
        message,
    }
}

/// The closest folder between a file and the root that holds a Cargo.toml, remembered by
/// folder: the files of one folder share it.
#[derive(Default)]
struct NearestPackage(std::collections::HashMap<PathBuf, PathBuf>);

impl NearestPackage {
    fn of(&mut self, root: &Path, path: &Path) -> PathBuf {
        let dir = path.parent().unwrap_or(root);
        if let Some(package) = self.0.get(dir) {
            return package.clone();
        }
        let package = nearest_package(root, path);
        self.0.insert(dir.to_path_buf(), package.clone());
        package
    }
}

/// Adds the `.rs` file `path` of a plain folder as a root of the package in `pkg_dir` (the
/// nearest folder holding a Cargo.toml, or the folder analysed).
fn add_plain_root(packages: &mut Vec<Package>, pkg_dir: PathBuf, path: PathBuf) {
    let rel = path.strip_prefix(&pkg_dir).unwrap_or(&path);
    let test = rel
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == "tests");
    let package = match packages.iter_mut().find(|p| p.dir == pkg_dir) {
        Some(package) => package,
        None => {
            packages.push(Package {
                features: None,
                name: package_name(&pkg_dir),
                dir: pkg_dir,
                roots: Vec::new(),
            });
            packages.last_mut().expect("just pushed")
        }
    };
    package.roots.push(Root {
        module: module_path(&package.name, rel),
        path,
        test,
        lib: false,
        secondary: false,
    });
}

/// Dependencies of members on members, with the manifest line that declares each.
fn member_deps(root: &Path, members: &[&cargo_metadata::Package]) -> Vec<CrateDep> {
    let mut deps = Vec::new();
    for pkg in members {
        let manifest_text = std::fs::read_to_string(&pkg.manifest_path).unwrap_or_default();
        for dep in &pkg.dependencies {
            let Some(target) = members
                .iter()
                .find(|m| m.name.as_str() == dep.name.as_str())
            else {
                continue;
            };
            let dev = dep.kind == cargo_metadata::DependencyKind::Development;
            let line = declaring_line(&manifest_text, dep.name.as_str(), dev);
            deps.push(CrateDep {
                from: pkg.name.to_string(),
                to: target.name.to_string(),
                dev,
                manifest: relative(root, pkg.manifest_path.as_std_path()),
                line,
            });
        }
    }
    deps.sort_by(|a, b| (&a.from, &a.to, a.dev).cmp(&(&b.from, &b.to, b.dev)));
    deps.dedup();
    deps
}

/// The line of a manifest that declares dependency `name`: the first line that starts with
/// the name inside the right table, or its own `[dependencies.name]` table; 1 if none.
fn declaring_line(manifest: &str, name: &str, dev: bool) -> u32 {
    let section = if dev {
        "dev-dependencies"
    } else {
        "dependencies"
    };
    let own_table = format!("{section}.{name}");
    let mut in_section = false;
    for (i, text) in manifest.lines().enumerate() {
        let trimmed = text.trim();
        if let Some(header) = trimmed.strip_prefix('[') {
            let header = header.trim_matches(['[', ']']);
            if header.ends_with(&own_table) {
                return i as u32 + 1;
            }
            in_section = header.ends_with(section) && (dev || !trimmed.contains("dev-"));
        } else if in_section && trimmed.starts_with(name) {
            return i as u32 + 1;
        }
    }
    1
}

/// The closest folder between `path` and `root` that holds a Cargo.toml.
fn nearest_package(root: &Path, path: &Path) -> PathBuf {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.join("Cargo.toml").is_file() || d == root {
            return d.to_path_buf();
        }
        if !d.starts_with(root) {
            break;
        }
        dir = d.parent();
    }
    root.to_path_buf()
}

/// A plain package's name: its manifest's `[package] name`, else its folder's name.
fn package_name(dir: &Path) -> String {
    manifest_name(&dir.join("Cargo.toml")).unwrap_or_else(|| {
        dir.file_name()
            .map_or_else(|| "root".to_string(), |n| n.to_string_lossy().into_owned())
    })
}

/// The names `--features` gives, as cargo splits them (commas or spaces, in any number of
/// flags).
fn feature_names(common: &CommonArgs) -> impl Iterator<Item = &str> {
    (common.features.iter())
        .flat_map(|f| f.split([',', ' ']))
        .filter(|f| !f.is_empty())
}

/// Refuses a `--features` value that no selected package declares, as cargo does: a typo
/// would silently analyse another build.
fn unknown_features(
    selected: &[&cargo_metadata::Package],
    common: &CommonArgs,
) -> anyhow::Result<()> {
    let unknown: Vec<&str> = feature_names(common)
        .filter(|f| match f.split_once('/') {
            // `package/feature`, or a feature of a dependency (`serde/derive`).
            Some((name, feature)) => (selected.iter())
                .find(|pkg| pkg.name.as_str() == name)
                .is_some_and(|pkg| !pkg.features.contains_key(feature)),
            None => !selected.iter().any(|pkg| pkg.features.contains_key(*f)),
        })
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(crate::error::UsageError(format!(
        "none of the selected packages contains these features: {}",
        unknown.join(", ")
    ))
    .into())
}

/// The features `--features`, `--all-features` and `--no-default-features` select for
/// package `name` whose manifest declares `declared`, each with what it enables; `None`
/// when no flag is given.
fn selected_features(
    name: &str,
    declared: &BTreeMap<String, Vec<String>>,
    common: &CommonArgs,
) -> Option<BTreeSet<String>> {
    if common.features.is_empty() && !common.all_features && !common.no_default_features {
        return None;
    }
    if common.all_features {
        return Some(declared.keys().cloned().collect());
    }
    let asked = feature_names(common).filter_map(|f| match f.split_once('/') {
        Some((pkg, feature)) => (pkg == name).then_some(feature),
        None => Some(f),
    });
    let mut queue: Vec<String> = asked.map(str::to_string).collect();
    if !common.no_default_features {
        queue.push("default".to_string());
    }
    let mut selected = BTreeSet::new();
    while let Some(feature) = queue.pop() {
        if !selected.insert(feature.clone()) {
            continue;
        }
        // `dep:x` enables a dependency only; `x/f` and `x?/f` a feature of dependency `x`,
        // which is also the implicit feature `x` when written without `?`.
        for enabled in declared.get(&feature).into_iter().flatten() {
            let target = enabled.split('/').next().unwrap_or(enabled);
            if !enabled.starts_with("dep:") && !target.ends_with('?') {
                queue.push(target.to_string());
            }
        }
    }
    Some(selected)
}

/// A warning when the folder analysed as plain source has a Cargo.toml that does not parse:
/// cargo would refuse it, and what the folder is analysed as should not be a surprise.
fn unreadable_manifest(root: &Path) -> Option<Warning> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let err = text.parse::<toml::Table>().err()?;
    let line = (err.span()).map(|span| text[..span.start].matches('\n').count() as u32 + 1);
    Some(Warning {
        file: "Cargo.toml".to_string(),
        line,
        column: None,
        message: format!(
            "the manifest does not parse ({}), so the folder is analysed as plain Rust source",
            err.message().trim_end()
        ),
    })
}

/// The `[package] name` of a manifest, if it has one that can be read.
fn manifest_name(manifest: &Path) -> Option<String> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let table: toml::Table = text.parse().ok()?;
    Some(table.get("package")?.get("name")?.as_str()?.to_string())
}

/// `pkg::a::b` for `src/a/b.rs`, `src/a/mod.rs` is `pkg::a`, `src/lib.rs` is `pkg`.
fn module_path(package: &str, rel: &Path) -> String {
    let mut parts = vec![package.replace('-', "_")];
    let components: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| escaped(c.as_os_str()))
        .collect();
    for (i, part) in components.iter().enumerate() {
        let last = i + 1 == components.len();
        if (i == 0 && part == "src") || (last && matches!(part.as_str(), "mod" | "lib" | "main")) {
            continue;
        }
        parts.push(part.clone());
    }
    parts.join("::")
}

/// A file-level problem: reported, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Warning {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

/// A warning for each member other than the root package with a `[package.metadata.loop]`:
/// configuration is the workspace's, read at its root, so a member's would silently not apply.
fn unread_member_configs(
    root: &Path,
    metadata: &Metadata,
    members: &[&CargoPackage],
) -> Vec<Warning> {
    let root_id = metadata.root_package().map(|pkg| &pkg.id);
    (members.iter())
        .filter(|pkg| Some(&pkg.id) != root_id && !pkg.metadata["loop"].is_null())
        .map(|pkg| Warning {
            file: relative(root, pkg.manifest_path.as_std_path()),
            line: None,
            column: None,
            message: format!(
                "`[package.metadata.loop]` of member `{}` is not read: configuration is the \
                 workspace's, in [workspace.metadata.loop] or loop.toml at its root",
                pkg.name
            ),
        })
        .collect()
}

/// `path` relative to `root` with `/` separators; outside it, from their closest common
/// folder (`../shared/src/lib.rs`: a member or a `#[path]` file beside the root names the
/// same file on every machine), or the full path when they share none but `/`.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => beside(root, path).unwrap_or_else(|| path.to_path_buf()),
    };
    let names: Vec<String> = (rel.components())
        .filter(|c| !matches!(c, Component::RootDir | Component::Prefix(_)))
        .map(|c| escaped(c.as_os_str()))
        .collect();
    let lead = if rel.has_root() { "/" } else { "" };
    format!("{lead}{}", names.join("/"))
}

/// `path` from `root` through their closest common folder, other than the file system's root.
fn beside(root: &Path, path: &Path) -> Option<PathBuf> {
    let common = root.ancestors().find(|a| path.starts_with(a))?;
    common.parent()?;
    let up = root.strip_prefix(common).ok()?.components().count();
    let mut rel: PathBuf = std::iter::repeat_n("..", up).collect();
    rel.push(path.strip_prefix(common).ok()?);
    Some(rel)
}

/// A file name for reports: as it is when it is UTF-8, else with each byte that is not
/// escaped as `\xff` (a replacement character would hide which name it is).
fn escaped(name: &std::ffi::OsStr) -> String {
    if let Some(text) = name.to_str() {
        return text.to_string();
    }
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for byte in chunk.invalid() {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    name.to_string_lossy().into_owned()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn a_path_beside_the_root_is_relative_through_their_common_folder() {
        let root = Path::new("/w/ws/root");
        let rel = |path: &str| relative(root, Path::new(path));
        assert_eq!(rel("/w/ws/root/src/lib.rs"), "src/lib.rs");
        assert_eq!(rel("/w/ws/m/src/lib.rs"), "../m/src/lib.rs");
        assert_eq!(rel("/w/shared/x.rs"), "../../shared/x.rs");
        assert_eq!(rel("/tmp/x.rs"), "/tmp/x.rs");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_escaped_byte_by_byte() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/w");
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/w/src/caf\xe9/x\xff\xfe.rs"));
        assert_eq!(relative(root, path), "src/caf\\xe9/x\\xff\\xfe.rs");
        assert_eq!(
            module_path("p", path.strip_prefix(root).unwrap()),
            "p::caf\\xe9::x\\xff\\xfe"
        );
        assert_eq!(relative(root, Path::new("/w/src/é.rs")), "src/é.rs");
    }

    #[test]
    fn a_plain_package_is_named_by_its_manifest_not_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("real-name-1.0.0");
        std::fs::create_dir_all(pkg.join("src")).unwrap();
        std::fs::write(pkg.join("Cargo.toml"), "[package]\nname = \"real-name\"\n").unwrap();
        let found = nearest_package(dir.path(), &pkg.join("src/lib.rs"));
        assert_eq!(
            (found, package_name(&pkg).as_str()),
            (pkg.clone(), "real-name")
        );
        // A manifest without a package (a virtual workspace) falls back to the folder.
        std::fs::write(pkg.join("Cargo.toml"), "[workspace]\n").unwrap();
        assert_eq!(package_name(&pkg), "real-name-1.0.0");
    }

    #[test]
    fn feature_flags_select_features_and_what_they_enable() {
        let declared: BTreeMap<String, Vec<String>> = [
            ("default", vec!["std"]),
            ("std", vec!["alloc", "dep:libc"]),
            ("alloc", vec![]),
            ("simd", vec!["wide/simd", "serde?/std"]),
            ("wide", vec!["dep:wide"]),
            ("serde", vec!["dep:serde"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
        let select = |features: &[&str], all: bool, no_default: bool| {
            let common = CommonArgs {
                features: features.iter().map(ToString::to_string).collect(),
                all_features: all,
                no_default_features: no_default,
                ..CommonArgs::default()
            };
            selected_features("p", &declared, &common)
                .map(|s| s.into_iter().collect::<Vec<_>>().join(" "))
        };
        assert_eq!(
            select(&[], false, false),
            None,
            "no flag: every alternative"
        );
        assert_eq!(select(&[], false, true).as_deref(), Some(""));
        assert_eq!(
            select(&["simd"], false, true).as_deref(),
            Some("simd wide"),
            "`wide/simd` enables the implicit feature `wide`, `serde?/std` does not"
        );
        assert_eq!(
            select(&["p/simd,other/x"], false, false).as_deref(),
            Some("alloc default simd std wide")
        );
        assert_eq!(
            select(&[], true, false).map(|s| s.split(' ').count()),
            Some(6)
        );
    }

    #[test]
    fn module_paths_follow_file_layout() {
        assert_eq!(module_path("my-crate", Path::new("src/lib.rs")), "my_crate");
        assert_eq!(module_path("c", Path::new("src/a/mod.rs")), "c::a");
        assert_eq!(module_path("c", Path::new("src/a/b.rs")), "c::a::b");
        assert_eq!(module_path("c", Path::new("tests/it.rs")), "c::tests::it");
    }
}

#[cfg(test)]
mod tests {
    use super::declaring_line;

    #[test]
    fn a_dependency_is_found_in_its_table_or_its_own_table() {
        let manifest = "[package]\nname = \"a\"\n\n[dependencies]\nserde = \"1\"\nb = { path = \"../b\" }\n\n\
                        [dev-dependencies]\nb = { path = \"../b\" }\n\n[target.'cfg(unix)'.dependencies.c]\npath = \"../c\"\n";
        assert_eq!(declaring_line(manifest, "b", false), 6);
        assert_eq!(declaring_line(manifest, "b", true), 9);
        assert_eq!(declaring_line(manifest, "c", false), 11);
        assert_eq!(declaring_line(manifest, "d", false), 1);
    }
}
