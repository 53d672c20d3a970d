//! The signatures of the package's items that a finding's code uses, so that an agent knows
//! the fields, variants and parameters it works with without whole files.
//!
//! The code's names and paths are read from its tokens (macro arguments included, and files
//! syn cannot parse too) and resolved through the module graph (`resolve.rs`). Definitions
//! are looked for in the instances' own files, then in every `.rs` file under each package's
//! `src/` (a walk of the folder: it finds `#[path]` and `cfg`-gated modules without
//! evaluating them; the module of each file comes from its place). Methods are those of
//! inherent `impl`s of a type the code names or is inside. Ranked by how often the code
//! names them.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::spanned::Spanned;

use super::file::{lines_of, start_after_attrs, SourceFile};
use super::manifest::Package;
use super::render;
use super::resolve::{self, module_of, ModPath, Scope, Target};
use crate::analysis::source::is_test_code;
use crate::refactor::finding::Location;

/// A definition the code uses, rendered without bodies.
#[derive(Debug, Clone)]
pub(super) struct Signature {
    pub name: String,
    pub file: String,
    pub line: usize,
    pub text: String,
    /// How often the instances name it.
    pub uses: usize,
}

/// Definitions of one name that are shown: more are too ambiguous to help.
const MAX_PER_NAME: usize = 2;
/// Signatures gathered at most, before the budget.
const MAX_SIGNATURES: usize = 40;
/// Files read at most per package: a package this large is not searched further.
const MAX_FILES: usize = 2000;

/// The keywords after which a name is defined, to skip files that define none of the names.
const DEFINING: [&str; 8] = [
    "struct", "enum", "union", "trait", "type", "fn", "const", "static",
];

/// The signatures of the items the code at `locations` uses, most used first. `files` are
/// the instances' files, already read; `scopes` where each location is.
pub(super) fn gather(
    root: &Path,
    files: &[&SourceFile],
    locations: &[Location],
    scopes: &[Scope],
    packages: &[Package],
) -> Vec<Signature> {
    let used = Used::read(files, locations, scopes);
    if used.counts.is_empty() {
        return Vec::new();
    }
    let mut defs = Vec::new();
    let mut index = |file: &SourceFile| {
        if let Some(syntax) = &file.syntax {
            let module = module_of(root, &file.rel, packages);
            let place = Place {
                module: &module,
                in_test: false,
            };
            let used = &used;
            let defs = &mut defs;
            Index { file, used, defs }.items(&syntax.items, &place);
        }
    };
    for file in files {
        index(file);
    }
    for package in packages {
        for file in package_files(root, package, files, &used.counts) {
            index(&file);
        }
    }
    let defs = used.matching(defs, scopes);
    let defs: Vec<Def> = defs
        .into_iter()
        .filter(|def| !is_instance(def, locations))
        .collect();
    let own: HashSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    rank(defs, &own)
}

/// What the instances name: how often each identifier, and where each may be defined.
struct Used {
    counts: HashMap<String, usize>,
    targets: HashSet<Target>,
    /// Types the code names or is inside: their inherent methods are candidates.
    owners: HashSet<String>,
    /// Names the code calls (`f(..)`, `x.f(..)`): only those may be methods.
    called: HashSet<String>,
}

impl Used {
    fn read(files: &[&SourceFile], locations: &[Location], scopes: &[Scope]) -> Self {
        let mut used = Used {
            counts: HashMap::new(),
            targets: HashSet::new(),
            owners: HashSet::new(),
            called: HashSet::new(),
        };
        for file in files {
            let Some(tokens) = file.tokens() else {
                continue;
            };
            for (location, scope) in locations.iter().zip(scopes) {
                if location.file != file.rel {
                    continue;
                }
                let lines = (location.start_line as usize, location.end_line as usize);
                for (path, called) in paths(tokens.clone(), lines) {
                    used.add(&path, scope);
                    if called {
                        used.called.extend(path.last().cloned());
                    }
                }
                used.owners.extend(scope.types.iter().cloned());
            }
        }
        let named: Vec<String> = used.counts.keys().cloned().collect();
        used.owners.extend(named);
        used
    }

    /// A path the code wrote: its first segment is resolved bare, each later one in the
    /// module its qualifier names.
    fn add(&mut self, path: &[String], scope: &Scope) {
        for name in path {
            *self.counts.entry(name.clone()).or_default() += 1;
        }
        self.targets.extend(resolve::bare(&path[0], scope));
        for k in 1..path.len() {
            self.targets
                .extend(resolve::qualified(&path[..k], &path[k], scope));
        }
    }

    /// The definitions the code may mean: exactly where a target points, else (a
    /// re-export) a public one in a submodule there; test code only for code inside it.
    fn matching(&self, defs: Vec<Def>, scopes: &[Scope]) -> Vec<Def> {
        // Methods are reached through their type, never by a path to a module.
        let exact = |target: &Target, def: &Def| {
            def.owner.is_none() && def.name() == target.name && def.module == target.module
        };
        let deep = |target: &Target, def: &Def| {
            target.deep
                && def.owner.is_none()
                && def.public
                && def.name() == target.name
                && def.module.starts_with(&target.module)
        };
        let mut wanted = vec![false; defs.len()];
        for target in &self.targets {
            let hits: Vec<usize> = (0..defs.len())
                .filter(|&i| exact(target, &defs[i]))
                .collect();
            let hits = if hits.is_empty() {
                (0..defs.len())
                    .filter(|&i| deep(target, &defs[i]))
                    .collect()
            } else {
                hits
            };
            for i in hits {
                wanted[i] = true;
            }
        }
        defs.into_iter()
            .zip(wanted)
            .filter(|(def, wanted)| *wanted || self.is_method_called(def))
            .map(|(def, _)| def)
            .filter(|def| !def.test || scopes.iter().any(|s| s.module.starts_with(&def.module)))
            .collect()
    }

    /// A method of a type the code names or is inside, called by the code.
    fn is_method_called(&self, def: &Def) -> bool {
        def.owner
            .as_ref()
            .is_some_and(|owner| self.owners.contains(owner))
            && self.called.contains(def.name())
    }
}

/// The paths (`a`, `a::b::c`) whose first identifier is on lines `first..=last`, each with
/// whether it is called (followed by parentheses); iterative, so that deep nesting cannot
/// overflow the stack.
fn paths(tokens: TokenStream, (first, last): (usize, usize)) -> Vec<(Vec<String>, bool)> {
    let inside = |(start, end): (usize, usize)| start <= last && end >= first;
    let mut paths = Vec::new();
    let mut stack = vec![tokens];
    while let Some(tokens) = stack.pop() {
        let mut reader = PathReader::default();
        for token in tokens {
            stack.extend(reader.read(token, &inside, &mut paths));
        }
        flush(&mut reader.path, &mut paths);
    }
    paths
}

/// The path being read in one token stream, and the `:` seen since its last identifier.
#[derive(Default)]
struct PathReader {
    path: Vec<String>,
    colons: usize,
}

impl PathReader {
    /// Reads one token into the path, or ends the path there (into `paths`); returns the
    /// stream of a group on the lines, to read on its own.
    fn read(
        &mut self,
        token: TokenTree,
        inside: &impl Fn((usize, usize)) -> bool,
        paths: &mut Vec<(Vec<String>, bool)>,
    ) -> Option<TokenStream> {
        match token {
            TokenTree::Ident(ident) => {
                let continues = self.colons == 2 && !self.path.is_empty();
                self.colons = 0;
                if !continues {
                    flush(&mut self.path, paths);
                    if !inside(lines_of(ident.span())) {
                        return None;
                    }
                }
                self.path.push(ident.to_string());
                None
            }
            TokenTree::Punct(punct) if punct.as_char() == ':' => {
                self.colons += 1;
                None
            }
            TokenTree::Group(group) => {
                let called = self.colons == 0 && group.delimiter() == Delimiter::Parenthesis;
                if called && !self.path.is_empty() {
                    paths.push((std::mem::take(&mut self.path), true));
                }
                flush(&mut self.path, paths);
                self.colons = 0;
                inside(lines_of(group.span())).then(|| group.stream())
            }
            _ => {
                flush(&mut self.path, paths);
                self.colons = 0;
                None
            }
        }
    }
}

fn flush(path: &mut Vec<String>, paths: &mut Vec<(Vec<String>, bool)>) {
    if !path.is_empty() {
        paths.push((std::mem::take(path), false));
    }
}

/// The package's other `.rs` files under `src/` that define one of the names, parsed.
fn package_files(
    root: &Path,
    package: &Package,
    read: &[&SourceFile],
    counts: &HashMap<String, usize>,
) -> Vec<SourceFile> {
    walkdir::WalkDir::new(package.dir.join("src"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| {
            entry.file_type().is_file() && entry.path().extension() == Some("rs".as_ref())
        })
        .take(MAX_FILES)
        .filter_map(|entry| {
            let rel = entry.path().strip_prefix(root).ok()?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            if read.iter().any(|f| f.rel == rel) {
                return None;
            }
            // Read the text first: most files define none of the names and need no parse.
            let text = std::fs::read_to_string(entry.path()).ok()?;
            defines_any(&text, counts).then(|| SourceFile::new(&rel, text))
        })
        .collect()
}

/// Whether `text` has a defining keyword followed by one of the names.
fn defines_any(text: &str, counts: &HashMap<String, usize>) -> bool {
    let mut words = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty());
    let mut previous = "";
    words.any(|word| {
        let found = DEFINING.contains(&previous) && counts.contains_key(word);
        previous = word;
        found
    })
}

/// Whether a definition is one of the instances (or inside one): it is shown already.
fn is_instance(def: &Def, locations: &[Location]) -> bool {
    locations.iter().any(|l| {
        l.file == def.signature.file
            && def.signature.line <= l.end_line as usize
            && def.end_line >= l.start_line as usize
    })
}

/// Most used first, then those in the instances' files, then by place; at most
/// [`MAX_PER_NAME`] of one name and [`MAX_SIGNATURES`] in all.
fn rank(mut defs: Vec<Def>, own: &HashSet<&str>) -> Vec<Signature> {
    defs.sort_by(|a, b| {
        let (a, b) = (&a.signature, &b.signature);
        b.uses
            .cmp(&a.uses)
            .then_with(|| {
                own.contains(b.file.as_str())
                    .cmp(&own.contains(a.file.as_str()))
            })
            .then_with(|| (&a.file, a.line).cmp(&(&b.file, b.line)))
    });
    let mut per_name: HashMap<String, usize> = HashMap::new();
    defs.into_iter()
        .map(|def| def.signature)
        .filter(|sig| {
            let n = per_name.entry(sig.name.clone()).or_default();
            *n += 1;
            *n <= MAX_PER_NAME
        })
        .take(MAX_SIGNATURES)
        .collect()
}

/// A definition whose name the code uses, before resolution decides whether it is meant.
struct Def {
    signature: Signature,
    end_line: usize,
    module: ModPath,
    /// Visible outside its module: it may be re-exported.
    public: bool,
    /// Compiled only for tests.
    test: bool,
    /// For a method: the type of its `impl`.
    owner: Option<String>,
}

impl Def {
    fn name(&self) -> &str {
        &self.signature.name
    }
}

/// The definitions of one file whose names the code uses.
struct Index<'a> {
    file: &'a SourceFile,
    used: &'a Used,
    defs: &'a mut Vec<Def>,
}

/// Where items are: their module, and whether it is compiled only for tests.
struct Place<'a> {
    module: &'a ModPath,
    in_test: bool,
}

impl Index<'_> {
    fn items(&mut self, items: &[syn::Item], place: &Place) {
        for item in items {
            let (name, vis, attrs) = match item {
                syn::Item::Struct(s) => (&s.ident, &s.vis, &s.attrs),
                syn::Item::Enum(e) => (&e.ident, &e.vis, &e.attrs),
                syn::Item::Fn(f) => (&f.sig.ident, &f.vis, &f.attrs),
                syn::Item::Trait(t) => (&t.ident, &t.vis, &t.attrs),
                syn::Item::Type(t) => (&t.ident, &t.vis, &t.attrs),
                syn::Item::Const(c) => (&c.ident, &c.vis, &c.attrs),
                syn::Item::Static(s) => (&s.ident, &s.vis, &s.attrs),
                syn::Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        let mut module = place.module.clone();
                        module.push(m.ident.to_string());
                        let in_test = place.in_test || is_test_code(&m.attrs);
                        self.items(
                            items,
                            &Place {
                                module: &module,
                                in_test,
                            },
                        );
                    }
                    continue;
                }
                syn::Item::Impl(block) => {
                    self.methods(block, place);
                    continue;
                }
                _ => continue,
            };
            let Some(&n_uses) = self.used.counts.get(&name.to_string()) else {
                continue;
            };
            let Some(text) = render::item(self.file, item) else {
                continue;
            };
            let line = start_after_attrs(item).line;
            self.defs.push(Def {
                signature: self.signature(name, line, text, n_uses),
                end_line: item.span().end().line,
                module: place.module.clone(),
                public: !matches!(vis, syn::Visibility::Inherited),
                test: place.in_test || is_test_code(attrs) || is_test_module(place.module),
                owner: None,
            });
        }
    }

    /// The methods of an inherent `impl` whose names the code uses.
    fn methods(&mut self, block: &syn::ItemImpl, place: &Place) {
        if block.trait_.is_some() {
            return;
        }
        let owner = crate::analysis::source::type_name(&block.self_ty);
        for member in &block.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            let Some(&n_uses) = self.used.counts.get(&method.sig.ident.to_string()) else {
                continue;
            };
            let text = render::method(self.file, block, method);
            let line = start_after_attrs(method).line;
            let in_test = is_test_code(&block.attrs) || is_test_code(&method.attrs);
            self.defs.push(Def {
                signature: self.signature(&method.sig.ident, line, text, n_uses),
                end_line: method.span().end().line,
                module: place.module.clone(),
                public: false,
                test: place.in_test || in_test || is_test_module(place.module),
                owner: Some(owner.clone()),
            });
        }
    }

    fn signature(&self, name: &syn::Ident, line: usize, text: String, n_uses: usize) -> Signature {
        Signature {
            name: name.to_string(),
            file: self.file.rel.clone(),
            line,
            text,
            uses: n_uses,
        }
    }
}

/// A module named `tests` or `test` is test code by convention, even when the `#[cfg(test)]`
/// that makes it so is on its declaration in another file.
fn is_test_module(module: &ModPath) -> bool {
    module.iter().any(|m| m == "tests" || m == "test")
}
