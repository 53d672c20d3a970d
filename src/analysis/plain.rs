//! The module tree of a plain folder. Without target roots, every file found on disk is parsed
//! under a module path guessed from its place (`src/a/b.rs` is `pkg::a::b`); the `mod`
//! declarations and `include!`s read from the files then say what the compiler would:
//! - which module a file is (`#[path = "x.rs"] mod y;`, `include!("Windows/mod.rs")`),
//! - which files only `#[cfg(test)]` code declares (left out unless `--tests`, as they are
//!   when `mod` is followed from a target root),
//! - which files are crate roots (declared by no other file), so which crate each file is
//!   in, and which roots are libraries whose public API counts for `needless_pub`.

use std::cell::OnceCell;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use crate::analysis::scan::{canonical, resolve_mod, SourceFile};
use crate::analysis::source::cfg::Cfg;
use crate::files::normalize;

/// A file that another file makes part of one of its modules.
struct Link {
    target: usize,
    /// Path segments from the declaring file's module to the target's: inline modules, then
    /// the declared name (none for `include!`, which pastes into the enclosing module).
    suffix: Vec<String>,
    /// Declared only by test code that is not analysed.
    test: bool,
    /// The `#[cfg]` the declaration is under.
    cfg: Option<Cfg>,
}

/// Renames the files' modules as their declarations say, drops files only test code
/// declares, and marks library crate roots.
pub fn module_tree(files: &mut Vec<SourceFile>, tests: bool) {
    let index = Index::of(files);
    let links: Vec<Vec<Link>> = files
        .iter()
        .enumerate()
        .map(|(i, f)| links(i, &f.path, f, &index))
        .collect();
    let mut declared = vec![false; files.len()];
    links
        .iter()
        .flatten()
        .for_each(|l| declared[l.target] = true);
    let (paths, roots) = walk(files, &links, &declared);
    for (i, path) in paths.iter().enumerate() {
        let old = files[i].parsed.modules[0].path.clone();
        if let Some(new) = path.as_ref().filter(|new| **new != old) {
            files[i].parsed.rebase(&old, new);
        }
        files[i].library_root = !declared[i] && !is_binary_layout(&files[i].rel);
    }
    let crate_roots: Vec<String> = roots
        .iter()
        .map(|&root| files[root].parsed.modules[0].path.clone())
        .collect();
    for (file, crate_root) in files.iter_mut().zip(crate_roots) {
        file.crate_root = crate_root;
    }
    if !tests {
        let mut keep = paths.iter().map(Option::is_some);
        files.retain(|_| keep.next().unwrap_or(true));
    }
}

/// Each file's module path and crate root, breadth-first from the files nothing declares,
/// which keep the path their place gives; `None` for files only test code declares.
///
/// Build scripts go last, once the crate's modules are all found: a file that a build script
/// includes (to generate completions from the CLI's code) and the crate declares, however
/// deep, is the crate's module.
fn walk(
    files: &mut [SourceFile],
    links: &[Vec<Link>],
    declared: &[bool],
) -> (Vec<Option<String>>, Vec<usize>) {
    let mut paths: Vec<Option<String>> = vec![None; files.len()];
    let mut roots: Vec<usize> = (0..files.len()).collect();
    let (crates, builds): (Vec<usize>, Vec<usize>) = (0..files.len())
        .filter(|&i| !declared[i])
        .partition(|&i| !is_build_script(&files[i].rel));
    let mut queue = VecDeque::new();
    for starts in [crates, builds] {
        for i in starts {
            paths[i] = Some(files[i].parsed.modules[0].path.clone());
            queue.push_back(i);
        }
        while let Some(i) = queue.pop_front() {
            let base = paths[i].clone().unwrap_or_default();
            for link in links[i].iter().filter(|l| !l.test) {
                if paths[link.target].is_some() {
                    continue;
                }
                let path = (link.suffix.iter()).fold(base.clone(), |p, s| format!("{p}::{s}"));
                paths[link.target] = Some(path);
                roots[link.target] = roots[i];
                let cfg = files[i].cfg.iter().chain(&link.cfg).cloned().collect();
                files[link.target].cfg = Cfg::all(cfg);
                queue.push_back(link.target);
            }
        }
    }
    (paths, roots)
}

/// The parsed files by path: as the walk found them, which is what a declaration next to them
/// names, else (a path through another link) by their canonical path, found once needed.
struct Index<'f> {
    found: HashMap<&'f Path, usize>,
    canonical: OnceCell<HashMap<PathBuf, usize>>,
    files: &'f [SourceFile],
}

impl<'f> Index<'f> {
    fn of(files: &'f [SourceFile]) -> Index<'f> {
        let found = (files.iter().enumerate())
            .map(|(i, f)| (f.path.as_path(), i))
            .collect();
        Index {
            found,
            canonical: OnceCell::new(),
            files,
        }
    }

    fn get(&self, path: &Path) -> Option<usize> {
        self.found.get(path).copied().or_else(|| {
            let canonical_of = || {
                (self.files.iter().enumerate())
                    .map(|(i, f)| (canonical(&f.path), i))
                    .collect()
            };
            let index = self.canonical.get_or_init(canonical_of);
            index.get(&canonical(path)).copied()
        })
    }

    /// Whether `path` is a regular file: one of the parsed files, or one on disk.
    fn is_file(&self, path: &Path) -> bool {
        self.found.contains_key(path) || path.is_file()
    }
}

/// The files that `file` (at `path`) declares or includes, among the parsed ones.
fn links(i: usize, path: &Path, file: &SourceFile, index: &Index) -> Vec<Link> {
    let find = |p: PathBuf| index.get(&p).filter(|&t| t != i);
    // Crate roots other than `lib.rs` and `main.rs` (`src/bin/x.rs`, `build.rs`) resolve as
    // `mod.rs` does, and a folder does not say which files are crate roots: the usual rule
    // for the file's name first, then the other.
    let mod_rs = path
        .file_name()
        .is_some_and(|n| n == "lib.rs" || n == "main.rs" || n == "mod.rs");
    let declared = file.parsed.mods.iter().filter_map(|decl| {
        let target = [mod_rs, !mod_rs]
            .into_iter()
            .filter_map(|mod_rs| resolve_mod(path, mod_rs, decl, |p| index.is_file(p)))
            .find_map(find)?;
        let mut suffix = decl.inline_parents.clone();
        suffix.push(decl.name.clone());
        Some(Link {
            target,
            suffix,
            test: decl.test,
            cfg: decl.cfg.clone(),
        })
    });
    let included = file.parsed.includes.iter().filter_map(|include| {
        let target = find(normalize(&path.parent()?.join(&include.path)))?;
        Some(Link {
            target,
            suffix: include.inline_parents.clone(),
            test: false,
            cfg: None,
        })
    });
    declared.chain(included).collect()
}

/// A package's build script by its place (beside Cargo.toml, not under `src/`).
fn is_build_script(rel: &str) -> bool {
    rel == "build.rs" || rel.ends_with("/build.rs") && !rel.contains("/src/")
}

/// Files that are binaries, examples, benchmarks, tests or build scripts by their place:
/// their `pub` items are no library's API.
fn is_binary_layout(rel: &str) -> bool {
    let mut parts = rel.split('/').rev();
    let name = parts.next().unwrap_or_default();
    name == "main.rs"
        || name == "build.rs"
        || parts.any(|dir| matches!(dir, "bin" | "examples" | "benches" | "tests"))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn binaries_are_known_by_their_place() {
        assert!(is_binary_layout("tokio/src/main.rs"));
        assert!(is_binary_layout("syn/benches/rust.rs"));
        assert!(is_binary_layout("src/bin/tool/mod.rs"));
        assert!(!is_binary_layout("tokio/src/lib.rs"));
        assert!(!is_binary_layout("plain-dir/calc.rs"));
        assert!(is_build_script("build.rs") && is_build_script("crates/a/build.rs"));
        assert!(!is_build_script("crates/a/src/build.rs"));
    }
}
