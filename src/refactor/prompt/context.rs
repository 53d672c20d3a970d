//! What the task may show of a finding, gathered from the workspace before the budget cuts
//! it: each instance's exact lines with the `impl`, `trait` and inline `mod` lines around it,
//! the imports of the files it is in, the packages' editions (`manifest.rs`), and the
//! signatures of the items it uses (`signatures.rs`), looked up from each instance's scope:
//! its module and the imports there. Enclosing items are found with syn by their spans.

use std::collections::BTreeSet;
use std::path::Path;

use syn::spanned::Spanned;

use super::file::{lines_of, start_after_attrs, SourceFile};
use super::manifest::{package_of, Package};
use super::render;
use super::resolve::{self, module_of, ModPath, Scope};
use super::signatures::{self, Signature};
use crate::refactor::finding::{Finding, Location};

/// Everything the task may show, each list most relevant first.
pub(super) struct Context {
    /// The packages the instances are in, each once.
    pub packages: Vec<Package>,
    pub instances: Vec<Instance>,
    /// One entry per file with instances, in the order of the instances.
    pub imports: Vec<Imports>,
    /// Most used first.
    pub signatures: Vec<Signature>,
}

/// One place the finding points at.
pub(super) struct Instance {
    pub location: Location,
    pub code: Code,
    /// The lines that open the items around the code, outermost first.
    pub enclosing: Vec<Header>,
    /// Left out by the budget: the task names the place only.
    pub elided: bool,
    /// For a long instance (a whole module, a long impl): its items with their bodies left
    /// out, which the budget may show instead of the code.
    pub outline: Option<String>,
    /// The budget chose the outline.
    pub outlined: bool,
}

pub(super) enum Code {
    /// The location's lines, verbatim.
    Lines(String),
    /// Why the lines could not be shown.
    Missing(String),
}

/// The opening lines of an enclosing item, verbatim, up to its `{`.
pub(super) struct Header {
    pub file: String,
    pub line: usize,
    pub text: String,
}

/// The `use` items of one file, verbatim.
pub(super) struct Imports {
    pub file: String,
    pub text: String,
}

/// Reads what the task may show of `finding` from the files under `root`.
pub(super) fn gather(root: &Path, finding: &Finding) -> Context {
    let files = read_files(root, &finding.locations);
    let packages = packages(root, &finding.locations);
    let mut uses: Vec<(&SourceFile, BTreeSet<(usize, usize)>)> = Vec::new();
    let mut scopes = Vec::new();
    let mut instances = Vec::new();
    for location in &finding.locations {
        let file = files
            .iter()
            .find(|(rel, _)| *rel == location.file)
            .map(|(_, file)| file);
        let module = module_of(root, &location.file, &packages);
        let mut around = Enclosing::new(module);
        if let Some(Ok(file)) = file {
            if let Some(syntax) = &file.syntax {
                let lines = (location.start_line as usize, location.end_line as usize);
                around.walk(file, lines, &syntax.items);
            }
            match uses.iter_mut().find(|(f, _)| f.rel == file.rel) {
                Some((_, ranges)) => ranges.extend(around.uses),
                None => uses.push((file, around.uses.into_iter().collect())),
            }
        }
        scopes.push(around.scope);
        let outline = match file {
            Some(Ok(file)) => outline(file, location),
            _ => None,
        };
        instances.push(Instance {
            location: location.clone(),
            code: code(location, file),
            enclosing: around.headers,
            elided: false,
            outline,
            outlined: false,
        });
    }
    let imports = uses
        .into_iter()
        .filter_map(|(f, r)| imports(f, r))
        .collect();
    let sources: Vec<&SourceFile> = files.iter().filter_map(|(_, f)| f.as_ref().ok()).collect();
    let signatures = signatures::gather(root, &sources, &finding.locations, &scopes, &packages);
    // proc-macro2 keeps every file lexed on this thread for span lookups; nothing returned
    // holds a span, so let them go (as `analysis::source` does after each file).
    proc_macro2::extra::invalidate_current_thread_spans();
    Context {
        packages,
        instances,
        imports,
        signatures,
    }
}

/// Each file the locations name, once, read or with why it could not be.
fn read_files(root: &Path, locations: &[Location]) -> Vec<(String, Result<SourceFile, String>)> {
    let mut files: Vec<(String, Result<SourceFile, String>)> = Vec::new();
    for location in locations {
        if !files.iter().any(|(rel, _)| *rel == location.file) {
            let file = SourceFile::read(root, &location.file);
            files.push((location.file.clone(), file));
        }
    }
    files
}

/// The instance's lines, or why they cannot be shown.
fn code(location: &Location, file: Option<&Result<SourceFile, String>>) -> Code {
    let (first, last) = (location.start_line as usize, location.end_line as usize);
    match file {
        Some(Ok(file)) => match file.lines(first, last) {
            Some(lines) => Code::Lines(lines.to_string()),
            None => Code::Missing(format!(
                "lines {first}-{last} are not in the file, which has {} lines",
                file.n_lines()
            )),
        },
        Some(Err(err)) => Code::Missing(format!("{} could not be read: {err}", location.file)),
        None => Code::Missing(format!("{} could not be read", location.file)),
    }
}

/// Instances shorter than this are always shown whole.
const OUTLINE_MIN_LINES: u32 = 80;

/// The items inside a long instance with their bodies left out (impls as their methods'
/// signatures), in file order; `None` for a short instance or one holding no whole item.
fn outline(file: &SourceFile, location: &Location) -> Option<String> {
    if location.end_line - location.start_line < OUTLINE_MIN_LINES {
        return None;
    }
    let (first, last) = (location.start_line as usize, location.end_line as usize);
    let mut parts = Vec::new();
    let mut items: Vec<&syn::Item> = file.syntax.as_ref()?.items.iter().collect();
    while let Some(item) = items.pop() {
        let (start, end) = lines_of(item.span());
        if end < first || start > last {
            continue;
        }
        if start < first || end > last {
            // An item around the instance: look inside it for the items the instance holds.
            if let syn::Item::Mod(syn::ItemMod {
                content: Some((_, inner)),
                ..
            }) = item
            {
                items.extend(inner);
            }
            continue;
        }
        let text = match item {
            syn::Item::Impl(block) => render::impl_outline(file, block),
            other => render::item(file, other).unwrap_or_else(|| {
                let text = file.lines(start, start).unwrap_or_default().trim_end();
                format!("{text} ...")
            }),
        };
        parts.push((start, text));
    }
    parts.sort_by_key(|(start, _)| *start);
    let outline: Vec<String> = parts.into_iter().map(|(_, text)| text).collect();
    (!outline.is_empty()).then(|| outline.join("\n\n"))
}

/// The `use` lines of `file` in these ranges, in file order; `None` when there are none.
fn imports(file: &SourceFile, ranges: BTreeSet<(usize, usize)>) -> Option<Imports> {
    let text: String = ranges
        .into_iter()
        .filter_map(|(first, last)| file.lines(first, last))
        .collect();
    (!text.is_empty()).then(|| Imports {
        file: file.rel.clone(),
        text,
    })
}

/// What encloses one instance: the headers of the items around it, the lines of the `use`
/// items in scope there (the file's and those of enclosing inline modules), and its scope.
struct Enclosing {
    headers: Vec<Header>,
    uses: Vec<(usize, usize)>,
    scope: Scope,
}

impl Enclosing {
    fn new(module: ModPath) -> Self {
        Self {
            headers: Vec::new(),
            uses: Vec::new(),
            scope: Scope {
                module,
                ..Scope::default()
            },
        }
    }

    /// Walks `items` (of `self.scope.module`) down to the instance at lines `first..=last`.
    fn walk(&mut self, file: &SourceFile, (first, last): (usize, usize), items: &[syn::Item]) {
        let mut inner = None;
        for item in items {
            let (start, end) = lines_of(item.span());
            if let syn::Item::Use(item_use) = item {
                self.uses.push((start, end));
                let imports = resolve::imports(item_use, &self.scope.module);
                self.scope.imports.extend(imports);
            }
            // An item starting on the instance's first line is the instance, not around it.
            if start >= first || end < last {
                continue;
            }
            match item {
                syn::Item::Impl(block) => {
                    self.headers
                        .push(header(file, item, block.brace_token.span.open()));
                    let owner = crate::analysis::source::type_name(&block.self_ty);
                    self.scope.types.insert(owner);
                }
                syn::Item::Trait(tr) => {
                    self.headers
                        .push(header(file, item, tr.brace_token.span.open()));
                    self.scope.types.insert(tr.ident.to_string());
                }
                syn::Item::Mod(module) => {
                    if let Some((brace, items)) = &module.content {
                        self.headers.push(header(file, item, brace.span.open()));
                        inner = Some((module.ident.to_string(), items));
                    }
                }
                _ => {}
            }
        }
        // After this module's own `use` items: the inner module's are resolved from it.
        if let Some((name, items)) = inner {
            self.scope.module.push(name);
            self.walk(file, (first, last), items);
        }
    }
}

/// The lines of `item` from its first token after attributes to its opening brace.
fn header(file: &SourceFile, item: &syn::Item, brace: proc_macro2::Span) -> Header {
    let line = start_after_attrs(item).line;
    let text = file
        .lines(line, brace.start().line)
        .unwrap_or_default()
        .to_string();
    Header {
        file: file.rel.clone(),
        line,
        text,
    }
}

/// The packages of the instances, each once, in the order of the instances.
fn packages(root: &Path, locations: &[Location]) -> Vec<Package> {
    let mut packages: Vec<Package> = Vec::new();
    for location in locations {
        if let Some(package) = package_of(root, &location.file) {
            if !packages.iter().any(|p| p.dir == package.dir) {
                packages.push(package);
            }
        }
    }
    packages
}
