//! Parses the selected files in parallel, following `mod` declarations from each target root,
//! and collects what could not be parsed as warnings.
//!
//! A plain folder has no target roots: every file found is parsed, and the `mod` declarations
//! are read afterwards only to leave out the files that just `#[cfg(test)]` code declares.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::config::Options;
use crate::source::{parse_file, ModDecl, ParsedFile};
use crate::workspace::{relative, Warning, Workspace};

/// One analysed file.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the workspace root, with `/` separators.
    pub rel: String,
    pub package: String,
    pub parsed: ParsedFile,
}

#[derive(Debug, Default)]
pub struct Corpus {
    pub files: Vec<SourceFile>,
    pub warnings: Vec<Warning>,
    /// Every file read, selected or not, for the cache key.
    pub seen: Vec<PathBuf>,
}

struct Task {
    path: PathBuf,
    module: String,
    package: usize,
    /// Whether `mod` declarations in this file resolve next to it (lib.rs, main.rs, mod.rs).
    mod_rs: bool,
    test: bool,
}

/// Parses every file reachable from the workspace's roots. `selected` restricts which files
/// are kept for analysis (others are still read to follow their `mod` declarations).
pub fn parse_workspace(
    workspace: &Workspace,
    options: &Options,
    selected: &[PathBuf],
    progress: &(dyn Fn(usize) + Sync),
) -> Corpus {
    let mut visited: HashSet<PathBuf> = HashSet::new();
    let mut frontier: Vec<Task> = Vec::new();
    for (index, package) in workspace.packages.iter().enumerate() {
        for root in &package.roots {
            if root.test && !options.tests {
                continue;
            }
            if workspace.plain && !is_selected(workspace, options, selected, &root.path) {
                continue;
            }
            // Deduplicate by real path, but keep the path as found, so that files reached
            // through a symbolic link stay inside the analysed folder.
            if visited.insert(canonical(&root.path)) {
                frontier.push(Task {
                    path: root.path.clone(),
                    module: root.module.clone(),
                    package: index,
                    mod_rs: true,
                    test: root.test,
                });
            }
        }
    }
    let done = AtomicUsize::new(0);
    let corpus = Mutex::new(Corpus::default());
    while !frontier.is_empty() {
        let results: Vec<(Task, Result<ParsedFile, crate::source::SourceError>)> = frontier
            .into_par_iter()
            .map(|task| {
                let result = parse_file(&task.path, &task.module, options.tests);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                (task, result)
            })
            .collect();
        let mut next = Vec::new();
        let mut corpus = corpus.lock().expect("no panics while holding the lock");
        for (task, result) in results {
            let rel = relative(&workspace.root, &task.path);
            corpus.seen.push(task.path.clone());
            match result {
                Ok(parsed) => {
                    if !workspace.plain {
                        for decl in parsed.mods.iter().filter(|d| !d.test) {
                            match resolve_mod(&task, decl) {
                                Some(path) => {
                                    if visited.insert(canonical(&path)) {
                                        next.push(Task {
                                            mod_rs: decl.path_attr.is_some()
                                                || path.file_name().is_some_and(|n| n == "mod.rs"),
                                            module: format!(
                                                "{}::{}{}",
                                                task.module,
                                                prefix(&decl.inline_parents),
                                                decl.name
                                            ),
                                            package: task.package,
                                            test: task.test,
                                            path,
                                        });
                                    }
                                }
                                None => corpus.warnings.push(Warning {
                                    file: rel.clone(),
                                    line: Some(decl.line),
                                    column: None,
                                    message: format!(
                                        "file not found for module `{}`, skipped",
                                        decl.name
                                    ),
                                }),
                            }
                        }
                    }
                    if is_selected(workspace, options, selected, &task.path) {
                        let package = workspace.packages[task.package].name.clone();
                        corpus.files.push(SourceFile {
                            rel,
                            package,
                            parsed,
                        });
                    }
                }
                Err(err) => {
                    let (line, column) = match &err {
                        crate::source::SourceError::Syntax { line, column, .. } => {
                            (Some(*line as u32), Some(*column as u32))
                        }
                        crate::source::SourceError::NotUtf8 { line } => (Some(*line as u32), None),
                        _ => (None, None),
                    };
                    let message = match err {
                        crate::source::SourceError::Syntax { message, .. } => {
                            format!("syntax error: {message}; file skipped")
                        }
                        other => other.to_string(),
                    };
                    corpus.warnings.push(Warning {
                        file: rel,
                        line,
                        column,
                        message,
                    });
                }
            }
        }
        frontier = next;
    }
    let mut corpus = corpus
        .into_inner()
        .expect("no panics while holding the lock");
    if workspace.plain && !options.tests {
        drop_test_only_files(&mut corpus.files, &workspace.root);
    }
    corpus.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    corpus
        .warnings
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    corpus
}

/// Drops the files of a plain folder that only test code declares (`#[cfg(test)] mod tests;`
/// and what such files declare): followed from a target root, they would not be analysed
/// without `--tests` either. Files no declaration reaches (crate roots, stray files) are kept.
fn drop_test_only_files(files: &mut Vec<SourceFile>, root: &Path) {
    let index: std::collections::HashMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (canonical(&root.join(&f.rel)), i))
        .collect();
    // Declared files, by declaring file, outside test code; and every declared file.
    let mut declares: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    let mut production = vec![true; files.len()];
    for (i, file) in files.iter().enumerate() {
        let path = root.join(&file.rel);
        // Crate roots outside `lib.rs` and `main.rs` (`src/bin/x.rs`, `build.rs`) resolve as
        // `mod.rs` does, and a folder does not say which files are crate roots: the usual
        // rule for the file's name first, then the other.
        let mod_rs = path
            .file_name()
            .is_some_and(|n| n == "lib.rs" || n == "main.rs" || n == "mod.rs");
        for decl in &file.parsed.mods {
            let target = [mod_rs, !mod_rs]
                .into_iter()
                .filter_map(|mod_rs| resolve_decl(&path, mod_rs, decl))
                .find_map(|p| index.get(&canonical(&p)).copied());
            if let Some(target) = target.filter(|&t| t != i) {
                production[target] = false;
                if !decl.test {
                    declares[i].push(target);
                }
            }
        }
    }
    let mut queue: Vec<usize> = (0..files.len()).filter(|&i| production[i]).collect();
    while let Some(file) = queue.pop() {
        for &target in &declares[file] {
            if !production[target] {
                production[target] = true;
                queue.push(target);
            }
        }
    }
    let mut keep = production.into_iter();
    files.retain(|_| keep.next().unwrap_or(true));
}

/// Where `decl` in the file at `path` lives, with `mod.rs` rules or those of other files.
fn resolve_decl(path: &Path, mod_rs: bool, decl: &ModDecl) -> Option<PathBuf> {
    let task = Task {
        path: path.to_path_buf(),
        module: String::new(),
        package: 0,
        mod_rs,
        test: false,
    };
    resolve_mod(&task, decl)
}

fn prefix(parents: &[String]) -> String {
    parents.iter().fold(String::new(), |acc, p| acc + p + "::")
}

fn is_selected(
    workspace: &Workspace,
    options: &Options,
    selected: &[PathBuf],
    path: &Path,
) -> bool {
    (selected.is_empty() || selected.iter().any(|s| path.starts_with(s)))
        && options.path_selected(&relative(&workspace.root, path))
}

/// Where `mod name;` declared in `task`'s file lives, following the reference's rules.
fn resolve_mod(task: &Task, decl: &ModDecl) -> Option<PathBuf> {
    let parent = task.path.parent()?;
    let mut dir = if task.mod_rs {
        parent.to_path_buf()
    } else {
        parent.join(task.path.file_stem()?)
    };
    for inline in &decl.inline_parents {
        dir.push(inline);
    }
    if let Some(attr) = &decl.path_attr {
        let base = if decl.inline_parents.is_empty() {
            parent.to_path_buf()
        } else {
            dir
        };
        let path = normalize(&base.join(attr));
        return path.is_file().then_some(path);
    }
    [
        dir.join(format!("{}.rs", decl.name)),
        dir.join(&decl.name).join("mod.rs"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// Removes `.` and `..` components without touching the file system (`#[path = "../x.rs"]`).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
