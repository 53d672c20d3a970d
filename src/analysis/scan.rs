//! Parses the selected files in parallel, following `mod` declarations from each target root,
//! and collects what could not be parsed as warnings.
//!
//! A plain folder has no target roots: every file found is parsed, and `plain.rs` reads the
//! `mod` declarations afterwards for the module tree.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::analysis::file_cache::{stamp, FileCache, Stamp};
use crate::analysis::source::cfg::{Build, Cfg};
use crate::analysis::source::{parse_file, ModDecl, ParsedFile, SourceError};
use crate::analysis::workspace::{relative, Warning, Workspace};
use crate::config::Options;
use crate::files::normalize;

/// One analysed file.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the workspace root, with `/` separators, for reports: bytes of the
    /// name that are not UTF-8 are escaped (`\xff`).
    pub rel: String,
    /// The file as found, to read it again.
    pub path: PathBuf,
    pub package: String,
    pub parsed: ParsedFile,
    /// The root of a library target: its public API is used from outside the crate.
    pub library_root: bool,
    /// The module of the crate root the file belongs to, which `crate::` names.
    pub crate_root: String,
    /// The `#[cfg]` its module is declared under (on the `mod` items that lead to it).
    pub cfg: Option<Cfg>,
    /// Part of a build script, example, bench or integration test (a file they reach before
    /// a library or binary does): a crate of its own that nothing uses.
    pub secondary: bool,
}

impl SourceFile {
    /// Whether the file is part of an example or a benchmark (under cargo's `examples/` or
    /// `benches/`): a program of its own, written to be read or run alone.
    pub fn is_standalone_program(&self) -> bool {
        (self.rel.split('/')).any(|part| part == "examples" || part == "benches")
    }
}

#[derive(Debug, Default)]
pub struct Corpus {
    pub files: Vec<SourceFile>,
    /// Files of the analysed crates outside the paths and globs given: not analysed, but
    /// what they use counts for the module graph's smells (a `pub` item used only there is
    /// needed, whatever part of the crate is looked at).
    pub context: Vec<SourceFile>,
    pub warnings: Vec<Warning>,
    /// Every file read, selected or not, with its size and modification time taken before it
    /// was read (when the parse cache is on): what the scan cache checks.
    pub seen: Vec<(PathBuf, Option<Stamp>)>,
    /// The crates (by root module) with a file that could not be analysed, and that file:
    /// what it uses is unknown, so no `pub` of theirs can be called needless.
    pub unread: BTreeMap<String, String>,
}

struct Task {
    path: PathBuf,
    module: String,
    package: usize,
    /// Whether `mod` declarations in this file resolve next to it (lib.rs, main.rs, mod.rs).
    mod_rs: bool,
    test: bool,
    /// Reached from a build script, example, bench or test target.
    secondary: bool,
    library_root: bool,
    crate_root: String,
    cfg: Option<Cfg>,
    /// The rules allow markers on the `mod` declarations that lead here name.
    allows: Vec<String>,
    /// The function smells clippy allows around the `mod` declarations that lead here silence.
    clippy_allowed: u8,
}

/// Parses every file reachable from the workspace's roots. `selected` restricts which files
/// are kept for analysis (others are still read to follow their `mod` declarations).
pub fn parse_workspace(
    workspace: &Workspace,
    options: &Options,
    selected: &[PathBuf],
    cache: Option<&FileCache>,
    progress: &(dyn Fn(usize) + Sync),
) -> Corpus {
    let mut visited: HashSet<PathBuf> = HashSet::new();
    // What the libraries and binaries reach is theirs: build scripts, examples, benches and
    // tests follow their declarations only after them.
    let (mut frontier, mut secondary) = roots(workspace, options, selected, &mut visited);
    let pool = parse_pool();
    let done = AtomicUsize::new(0);
    let mut corpus = Corpus::default();
    while !frontier.is_empty() {
        let parse = || -> Vec<(Task, Option<Stamp>, Result<ParsedFile, SourceError>)> {
            frontier
                .into_par_iter()
                .map(|task| {
                    let parsed = parse_task(task, workspace, options, cache);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                    parsed
                })
                .collect()
        };
        let results = match &pool {
            Some(pool) => pool.install(parse),
            None => parse(),
        };
        let mut next = Vec::new();
        for (task, stamped, result) in results {
            let rel = relative(&workspace.root, &task.path);
            corpus.seen.push((task.path.clone(), stamped));
            let parsed = match result {
                Ok(mut parsed) => {
                    parsed.allow_everywhere(&task.allows);
                    parsed.clippy_allow_everywhere(task.clippy_allowed);
                    parsed
                }
                Err(err) => {
                    // A plain folder's files are found on disk, not through `mod`.
                    let mods = if workspace.plain {
                        Vec::new()
                    } else {
                        crate::analysis::source::declarations_despite(&task.path, &err)
                    };
                    (corpus.unread.entry(task.crate_root.clone())).or_insert_with(|| rel.clone());
                    let warnings = &mut corpus.warnings;
                    warnings.push(warning(rel.clone(), &err, !mods.is_empty()));
                    next.extend(declared(&task, &rel, &mods, &mut visited, warnings));
                    continue;
                }
            };
            corpus.warnings.extend(generated_notice(&rel, &parsed));
            unknown_allows(&rel, &parsed, &mut corpus.warnings);
            if !workspace.plain {
                let warnings = &mut corpus.warnings;
                next.extend(declared(&task, &rel, &parsed.mods, &mut visited, warnings));
                next.extend(included(&task, &parsed, &mut visited));
            }
            let chosen = is_selected(workspace, options, selected, &task.path);
            let file = SourceFile {
                rel,
                path: task.path,
                package: workspace.packages[task.package].name.clone(),
                parsed,
                library_root: task.library_root,
                crate_root: task.crate_root,
                cfg: task.cfg,
                secondary: task.secondary,
            };
            if chosen {
                corpus.files.push(file);
            } else {
                corpus.context.push(file);
            }
        }
        frontier = if next.is_empty() {
            std::mem::take(&mut secondary)
        } else {
            next
        };
    }
    corpus.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    corpus.context.sort_by(|a, b| a.rel.cmp(&b.rel));
    corpus
        .warnings
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    corpus
}

/// The target roots to parse, each once by real path: those of libraries and binaries, then
/// the secondary ones (see [`crate::analysis::workspace::Root`]).
fn roots(
    workspace: &Workspace,
    options: &Options,
    selected: &[PathBuf],
    visited: &mut HashSet<PathBuf>,
) -> (Vec<Task>, Vec<Task>) {
    let (mut primary, mut secondary) = (Vec::new(), Vec::new());
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
                let roots = if root.secondary {
                    &mut secondary
                } else {
                    &mut primary
                };
                roots.push(Task {
                    path: root.path.clone(),
                    module: root.module.clone(),
                    package: index,
                    mod_rs: true,
                    test: root.test,
                    secondary: root.secondary,
                    library_root: root.lib,
                    crate_root: root.module.clone(),
                    cfg: None,
                    allows: Vec::new(),
                    clippy_allowed: 0,
                });
            }
        }
    }
    (primary, secondary)
}

/// Stack for each parsing thread. syn recurses once per level of nesting, and a debug build
/// spends tens of kilobytes a level: the default 2 MiB overflows near 100 levels, which
/// [`crate::analysis::source::MAX_NESTING`] allows. Only what is touched is ever committed.
const PARSE_STACK_BYTES: usize = 64 << 20;

/// The threads files are parsed on, with [`PARSE_STACK_BYTES`] of stack each; `None` (parse
/// on the current pool, protected by the nesting limit only) if they cannot be started.
fn parse_pool() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .stack_size(PARSE_STACK_BYTES)
        .thread_name(|i| format!("parse-{i}"))
        .build()
        .ok()
}

/// The warning for a file that could not be analysed (whose `mod` declarations are still
/// followed when `followed`).
fn warning(rel: String, err: &SourceError, followed: bool) -> Warning {
    let (line, column) = err.position();
    let mut message = err.warning();
    if followed {
        message.push_str("; the modules it declares are still analysed");
    }
    Warning {
        file: rel,
        line,
        column,
        message,
    }
}

/// The notice that a file is generated: read, but nothing reported in it.
fn generated_notice(rel: &str, parsed: &ParsedFile) -> Option<Warning> {
    let marker = parsed.generated.as_ref()?;
    Some(Warning {
        file: rel.to_owned(),
        line: None,
        column: None,
        message: format!(
            "generated code (`{marker}`): read for the items it declares and uses, no finding \
             is reported in it"
        ),
    })
}

/// Warns of the allow markers in `parsed` that name no rule.
fn unknown_allows(rel: &str, parsed: &ParsedFile, warnings: &mut Vec<Warning>) {
    for (line, rule) in &parsed.unknown_allows {
        warnings.push(Warning {
            file: rel.to_string(),
            line: Some(*line),
            column: None,
            message: format!(
                "`cargo-loop: allow({rule})` names no rule, so it silences nothing (the rule ids \
                 are the ones in brackets in the report, or `duplicate` for every clone rule)"
            ),
        });
    }
}

/// The files `task`'s `mod` declarations name, outside test code that is not analysed; a
/// missing file is a warning at `rel`, the file's path for reports.
fn declared(
    task: &Task,
    rel: &str,
    mods: &[ModDecl],
    visited: &mut HashSet<PathBuf>,
    warnings: &mut Vec<Warning>,
) -> Vec<Task> {
    let mut next = Vec::new();
    for decl in mods.iter().filter(|d| !d.test) {
        let Some(path) = resolve_mod(&task.path, task.mod_rs, decl, Path::is_file) else {
            if !decl.optional {
                warnings.push(Warning {
                    file: rel.to_string(),
                    line: Some(decl.line),
                    column: None,
                    message: format!("file not found for module `{}`, skipped", decl.name),
                });
            }
            continue;
        };
        if visited.insert(canonical(&path)) {
            next.push(Task {
                mod_rs: decl.path_attr.is_some() || path.file_name().is_some_and(|n| n == "mod.rs"),
                module: format!(
                    "{}::{}{}",
                    task.module,
                    prefix(&decl.inline_parents),
                    decl.name
                ),
                package: task.package,
                test: task.test,
                secondary: task.secondary,
                library_root: false,
                crate_root: task.crate_root.clone(),
                cfg: Cfg::all(task.cfg.iter().chain(&decl.cfg).cloned().collect()),
                allows: task.allows.iter().chain(&decl.allows).cloned().collect(),
                clippy_allowed: task.clippy_allowed | decl.clippy_allowed,
                path,
            });
        }
    }
    next
}

/// A task's file parsed, through the cache when there is one; with its stamp taken before it
/// was read, for the scan cache.
fn parse_task(
    task: Task,
    workspace: &Workspace,
    options: &Options,
    cache: Option<&FileCache>,
) -> (Task, Option<Stamp>, Result<ParsedFile, SourceError>) {
    let build = Build {
        test: options.tests,
        features: workspace.packages[task.package].features.clone(),
    };
    let Some(cache) = cache else {
        let parsed = parse_file(&task.path, &task.module, &build);
        return (task, None, parsed);
    };
    let stamped = stamp(&task.path);
    let parsed = cache.parse(&task.path, stamped, &task.module, &build);
    (task, stamped, parsed)
}

/// The files `include!`d among the items of `task`'s file: their items are its module's, and
/// their `mod` declarations resolve next to them.
fn included(task: &Task, parsed: &ParsedFile, visited: &mut HashSet<PathBuf>) -> Vec<Task> {
    let Some(dir) = task.path.parent() else {
        return Vec::new();
    };
    parsed
        .includes
        .iter()
        .filter_map(|include| {
            let path = normalize(&dir.join(&include.path));
            (path.is_file() && visited.insert(canonical(&path))).then(|| Task {
                module: std::iter::once(task.module.as_str())
                    .chain(include.inline_parents.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("::"),
                package: task.package,
                mod_rs: true,
                test: task.test,
                secondary: task.secondary,
                library_root: false,
                crate_root: task.crate_root.clone(),
                cfg: task.cfg.clone(),
                allows: task.allows.clone(),
                clippy_allowed: task.clippy_allowed,
                path,
            })
        })
        .collect()
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

/// Where `mod name;` declared in the file at `path` lives, following the reference's rules;
/// `mod_rs` for files whose declarations resolve next to them (lib.rs, main.rs, mod.rs).
/// `is_file` answers whether a path is a regular file (a caller may know without asking).
pub(crate) fn resolve_mod(
    path: &Path,
    mod_rs: bool,
    decl: &ModDecl,
    is_file: impl Fn(&Path) -> bool,
) -> Option<PathBuf> {
    let parent = path.parent()?;
    let mut dir = if mod_rs {
        parent.to_path_buf()
    } else {
        parent.join(path.file_stem()?)
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
        return path.symlink_metadata().is_ok().then_some(path);
    }
    let candidates = [
        dir.join(format!("{}.rs", decl.name)),
        dir.join(&decl.name).join("mod.rs"),
    ];
    // A candidate that exists but is no regular file (a directory, a pipe, a link that loops
    // or leads nowhere) is returned so that reading it reports what it is, not "not found".
    candidates
        .iter()
        .find(|p| is_file(p))
        .or_else(|| candidates.iter().find(|p| p.symlink_metadata().is_ok()))
        .cloned()
}

pub(crate) fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
