//! The analysis pipeline behind `dup`: discover, parse, detect, with the scan cache around it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};

use crate::analysis::detectors::{self, Group, Memo};
use crate::analysis::file_cache::FileCache;
use crate::analysis::report::{FileInfo, Report, Timing, What};
use crate::analysis::scan::{Corpus, SourceFile};
use crate::analysis::smells::SmellKind;
use crate::analysis::workspace::Workspace;
use crate::cli::{AnalysisArgs, CommonArgs};
use crate::config::Options;
use crate::console::Console;

use crate::error::UsageError;
use crate::record::out_dir::OutDir;

pub struct Analysis {
    pub report: Report,
    pub options: Options,
    /// Where everything cargo loop writes goes (`--out`, or `target/loop`).
    pub out_dir: OutDir,
    /// The workspace's cargo target dir (never copied into a scratch copy).
    pub target_dir: PathBuf,
    /// The configuration, for the keys analysis does not use (`agent`, `deny-paths`, ...).
    pub config: crate::config::ConfigFile,
    /// Dependencies between workspace members, for refactors that cross crates.
    pub crate_deps: Vec<crate::analysis::workspace::CrateDep>,
    /// Every member and its folder, relative to the root (an edit can reach members the
    /// analysis left out).
    pub packages: Vec<(String, PathBuf)>,
    /// The detection memo being written while the caller goes on; done when this is dropped.
    pub memo_write: Background,
}

/// Work left running on a thread after a call returns: joined when dropped, so whoever holds
/// it (at the latest, the command before it exits) waits for it, and nothing is cut short.
#[derive(Default)]
pub struct Background(Option<std::thread::JoinHandle<()>>);

impl Background {
    fn spawn(work: impl FnOnce() + Send + 'static) -> Background {
        Background(Some(std::thread::spawn(work)))
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            // The work only saves time later (a cache): if it panicked, there is nothing to do.
            let _ = handle.join();
        }
    }
}

pub fn analyse(
    common: &CommonArgs,
    args: &AnalysisArgs,
    console: &Console,
    what: What,
) -> anyhow::Result<Analysis> {
    let start = Instant::now();
    let paths = canonical_paths(&args.paths)?;
    let (workspace, selected) = open(common, &paths)?;
    let options =
        Options::resolve(args, &workspace.config).map_err(|e| UsageError(format!("{e:#}")))?;
    let out_dir = OutDir::new(options.out.as_deref(), &workspace.target_dir);
    let roots: Vec<&Path> = workspace
        .packages
        .iter()
        .flat_map(|p| p.roots.iter().map(|r| r.path.as_path()))
        .collect();
    let key = cache_key(what, args, &options, &workspace, &selected, &roots);
    if options.cache {
        if let Some(mut report) = crate::analysis::cache::load(&out_dir, &key) {
            report.timing = Timing {
                total: start.elapsed(),
                cached: true,
                ..Timing::default()
            };
            return Ok(Analysis::of(report, options, out_dir, workspace));
        }
    }
    let parse_start = Instant::now();
    let files = (args.parse_cache.clone())
        .or_else(|| options.cache.then(|| out_dir.parse_cache_dir()))
        .map(|dir| FileCache::open(dir, build_id()));
    let mut corpus = parse(
        console,
        &workspace,
        &options,
        &selected,
        files.as_ref(),
        roots.len(),
    );
    if let Some(files) = &files {
        files.finish();
    }
    let parse = parse_start.elapsed();
    let detect_start = Instant::now();
    let memo =
        (files.as_ref()).map_or_else(Memo::off, |f| Memo::load(&f.memo_path(), f.build_id()));
    // Whether the analysis sees every copy a clone allow marker may be about.
    let whole = paths.is_empty()
        && options.include.is_none()
        && options.exclude_path.is_none()
        && workspace.packages.len() >= workspace.members.len();
    let found = detect((what, whole), &mut corpus, &options, &workspace, &memo);
    // Written while the report is made and printed. Like the parse cache, a memo that cannot
    // be written costs speed, never a finding.
    let memo_write = (files.as_ref()).map_or_else(Background::default, |files| {
        let (path, build) = (files.memo_path(), files.build_id().to_owned());
        Background::spawn(move || drop(memo.store(&path, &build)))
    });
    let detect = detect_start.elapsed();
    let timing = Timing {
        parse,
        detect,
        total: start.elapsed(),
        cached: false,
    };
    let mut report = report(&workspace, &corpus, found, timing);
    if corpus.files.is_empty() && (!paths.is_empty() || options.include.is_some()) {
        report.warnings.push(crate::analysis::workspace::Warning {
            file: ".".to_string(),
            line: None,
            column: None,
            message: "no Rust file matches the paths or `--include` globs given".to_string(),
        });
    }
    if options.cache {
        if let Err(err) = crate::analysis::cache::store(&out_dir, &key, &corpus.seen, &report) {
            console.eprint(&format!(
                "warning: could not write the scan cache in {}: {err:#}\n",
                out_dir.path().display()
            ));
        }
    }
    // Freeing every parsed file takes milliseconds nobody needs to wait for.
    std::thread::spawn(move || drop(corpus));
    Ok(Analysis {
        memo_write,
        ..Analysis::of(report, options, out_dir, workspace)
    })
}

impl Analysis {
    fn of(report: Report, options: Options, out_dir: OutDir, workspace: Workspace) -> Analysis {
        Analysis {
            report,
            options,
            out_dir,
            target_dir: workspace.target_dir,
            config: workspace.config,
            packages: workspace.members,
            crate_deps: workspace.crate_deps,
            memo_write: Background::default(),
        }
    }
}

/// The paths given on the command line, made absolute; a path that does not exist is a
/// usage error.
fn canonical_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    paths
        .iter()
        .map(|p| {
            p.canonicalize()
                .map_err(|_| UsageError(format!("path `{}` does not exist", p.display())).into())
        })
        .collect()
}

/// What a cached report must have been made from: this build, the workspace, the options,
/// the features each package is analysed with, and the selection.
fn cache_key(
    what: What,
    args: &AnalysisArgs,
    options: &Options,
    workspace: &Workspace,
    selected: &[PathBuf],
    roots: &[&Path],
) -> String {
    let features: Vec<_> = (workspace.packages.iter())
        .map(|p| (&p.name, &p.features))
        .collect();
    format!(
        "{} {what:?} {:?} {features:?} {} {:?} {:?} {:?} {:?}",
        build_id(),
        workspace.crate_deps,
        options.analysis_key(&[&args.files.include, &args.files.exclude_path]),
        workspace.config.allow_duplicate,
        workspace.config.files,
        selected,
        roots
    )
}

/// Parses the workspace's files behind a progress bar of `n_roots` steps (more when files
/// are found on the way).
fn parse(
    console: &Console,
    workspace: &Workspace,
    options: &Options,
    selected: &[PathBuf],
    cache: Option<&FileCache>,
    n_roots: usize,
) -> Corpus {
    let bar = console.progress(n_roots as u64);
    let mut corpus =
        crate::analysis::scan::parse_workspace(workspace, options, selected, cache, &|done| {
            if done as u64 > bar.length().unwrap_or(0) {
                bar.set_length(done as u64);
            }
            bar.set_position(done as u64);
        });
    // A plain folder's module paths come from its `mod` declarations, known once all is parsed.
    if workspace.plain {
        crate::analysis::plain::module_tree(&mut corpus.files, options.tests);
    }
    bar.finish_and_clear();
    corpus
}

/// What the detectors find: clone groups, smells, and the manifests crate smells point at.
struct Found {
    groups: Vec<Group>,
    smells: crate::analysis::smells::Found,
}

/// Runs the clone detectors and the smell finders that `what` asks for, side by side; clone
/// allow markers that silence nothing are looked for only when the analysis is `whole` (with
/// paths, globs or some packages left out, the other copies may be outside it).
fn detect(
    (what, whole): (What, bool),
    corpus: &mut Corpus,
    options: &Options,
    workspace: &Workspace,
    memo: &Memo,
) -> Found {
    // The files outside the paths given are read by the module graph only, after the others.
    let selected = corpus.files.len();
    let mut context = std::mem::take(&mut corpus.context);
    corpus.files.append(&mut context);
    let found = detect_in(
        (what, whole),
        (&corpus.files, selected),
        options,
        workspace,
        memo,
    );
    corpus.files.truncate(selected);
    let mut found = found;
    leave_unread_crates(&mut found.smells, corpus);
    found
}

/// Drops the needless `pub` findings of the crates with a file that could not be analysed
/// (a syntax error, not UTF-8, too big): a use there is unknown, and a `pub` it needs would
/// look needless. One warning per crate says so.
fn leave_unread_crates(smells: &mut crate::analysis::smells::Found, corpus: &Corpus) {
    if corpus.unread.is_empty() {
        return;
    }
    let unread = |smell: &crate::analysis::smells::Smell| {
        let file = smell.locations.first().map(|l| &corpus.files[l.file]);
        smell.kind == SmellKind::NeedlessPub
            && file.is_some_and(|f| corpus.unread.contains_key(&f.crate_root))
    };
    smells.smells.retain(|smell| !unread(smell));
    for (krate, file) in &corpus.unread {
        smells.warnings.push(crate::analysis::workspace::Warning {
            file: file.clone(),
            line: None,
            column: None,
            message: format!(
                "needless `pub` is not checked in `{krate}`: what this file uses is unknown"
            ),
        });
    }
}

/// `files` are the analysed files, then those only the module graph reads.
fn detect_in(
    (what, whole): (What, bool),
    (files, selected): (&[SourceFile], usize),
    options: &Options,
    workspace: &Workspace,
    memo: &Memo,
) -> Found {
    let analysed = &files[..selected];
    let (groups, smells) = rayon::join(
        || {
            if what.dup {
                rayon::join(
                    || detectors::find_duplicates(analysed, options, memo),
                    || {
                        if whole {
                            detectors::unused_clone_allows(analysed, options, memo)
                        } else {
                            Vec::new()
                        }
                    },
                )
            } else {
                (Vec::new(), Vec::new())
            }
        },
        || {
            if what.smells {
                let deps = &workspace.crate_deps;
                crate::analysis::smells::find_smells((files, selected), options, deps)
            } else {
                crate::analysis::smells::Found::default()
            }
        },
    );
    let ((groups, unused_allows), mut smells) = (groups, smells);
    smells.warnings.extend(unused_allows);
    Found { groups, smells }
}

/// The report of a fresh analysis.
fn report(workspace: &Workspace, corpus: &Corpus, found: Found, timing: Timing) -> Report {
    let maintained = || (corpus.files.iter()).filter(|f| f.parsed.generated.is_none());
    let mut warnings = workspace.warnings.clone();
    warnings.extend(corpus.warnings.iter().cloned());
    warnings.extend(found.smells.warnings.iter().cloned());
    Report {
        root: workspace.root.clone(),
        files: corpus
            .files
            .iter()
            .map(|f| FileInfo {
                rel: f.rel.clone(),
                path: Some(f.path.clone()),
                package: f.package.clone(),
            })
            // Manifests that crate smells point at come after the Rust files.
            .chain(found.smells.manifests.into_iter().map(|rel| FileInfo {
                rel,
                path: None,
                package: String::new(),
            }))
            .collect(),
        // Generated files are not the code anyone maintains: they would dilute the scores.
        n_files: maintained().count(),
        n_lines: maintained().map(|f| u64::from(f.parsed.n_lines)).sum(),
        groups: found.groups,
        smells: found.smells.smells,
        modules: found.smells.modules,
        warnings,
        timing,
    }
}

/// Chooses between the workspace of `--manifest-path` (or the current directory) and a
/// plain folder, and returns the files or folders the analysis is restricted to.
fn open(common: &CommonArgs, paths: &[PathBuf]) -> anyhow::Result<(Workspace, Vec<PathBuf>)> {
    if paths.is_empty() {
        return Ok((
            Workspace::open(common).map_err(|e| UsageError(format!("{e:#}")))?,
            Vec::new(),
        ));
    }
    let manifest_dir = match &common.manifest_path {
        Some(path) => path
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf)),
        None => std::env::current_dir()
            .ok()
            .and_then(|dir| find_manifest_dir(&dir)),
    };
    let inside = |dir: &Path| paths.iter().all(|p| p.starts_with(dir));
    let open =
        |common: &CommonArgs| Workspace::open(common).map_err(|e| UsageError(format!("{e:#}")));
    if manifest_dir.as_deref().is_some_and(inside) {
        let workspace = open(common)?;
        if owned(&workspace, paths) {
            return Ok((workspace, paths.to_vec()));
        }
    } else if manifest_dir.is_some() && common.package.is_empty() && !common.workspace {
        // Paths beyond the member in use (`../../alpha/src` from `crates/beta/src`) are other
        // members': the workspace's, when it holds them all.
        let whole = CommonArgs {
            workspace: true,
            ..common.clone()
        };
        if let Ok(workspace) = open(&whole) {
            if inside(&workspace.root) && owned(&workspace, paths) {
                return Ok((workspace, paths.to_vec()));
            }
        }
    }
    plain(paths)
}

/// Whether a target of the workspace reaches every path: a folder inside the workspace that
/// none reaches (vendored code, say) is plain source.
fn owned(workspace: &Workspace, paths: &[PathBuf]) -> bool {
    paths.iter().all(|p| {
        (workspace.packages.iter().flat_map(|pkg| &pkg.roots))
            .any(|r| r.path.starts_with(p) || r.path.parent().is_some_and(|dir| p.starts_with(dir)))
    })
}

fn plain(paths: &[PathBuf]) -> anyhow::Result<(Workspace, Vec<PathBuf>)> {
    let root = common_ancestor(paths);
    let root = if root.is_file() {
        root.parent().map(Path::to_path_buf).unwrap_or(root)
    } else {
        root
    };
    if !root.is_dir() {
        bail!(UsageError(format!("`{}` is not a folder", root.display())));
    }
    let workspace = Workspace::plain(&root).with_context(|| format!("scan {}", root.display()))?;
    Ok((workspace, paths.to_vec()))
}

/// This build of cargo loop: a cache written by another build is not reused.
fn build_id() -> String {
    let exe_time = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("{}-{exe_time}", env!("CARGO_PKG_VERSION"))
}

fn find_manifest_dir(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
}

fn common_ancestor(paths: &[PathBuf]) -> PathBuf {
    let mut root = paths[0].clone();
    for path in &paths[1..] {
        while !path.starts_with(&root) {
            if !root.pop() {
                break;
            }
        }
    }
    root
}
