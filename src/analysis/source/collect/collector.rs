//! The visitor's state while it walks one file: where it is (item path, module, owner) and
//! what it has recorded so far. Its methods live beside the nodes they record.

use super::super::cfg::{Build, Cfg};
use super::super::lex::Flattener;
use super::super::parsed::ParsedFile;

/// The visitor: `collect` makes one per file and walks the tree with it.
pub(super) struct Collector<'a> {
    pub(super) flat: &'a Flattener,
    pub(super) allow_lines: Vec<u32>,
    /// Lines with `// cargo-loop: allow(..)` and the rules each names.
    pub(super) allow_rules: Vec<(u32, Vec<String>)>,
    /// Item path segments: the file's module, inline modules, impl types, functions.
    pub(super) path: Vec<String>,
    pub(super) inline_mods: Vec<String>,
    pub(super) out: ParsedFile,
    /// The module being visited, an index into `out.modules`.
    pub(super) module: u32,
    /// Set inside an item that carries the allow marker, so nested blocks are suppressed too.
    pub(super) owner_suppressed: bool,
    /// The function smells clippy allows on the enclosing file, modules, impls and traits
    /// silence (see [`crate::analysis::source::metrics::Allowed`]).
    pub(super) clippy_allowed: u8,
    /// The type of the impl block being visited, for `Self::Variant` patterns.
    pub(super) self_type: Option<String>,
    /// The trait of the impl block being visited, if it is a trait impl.
    pub(super) impl_trait: Option<String>,
    /// The names each module's own code refers to (first path segments, macro tokens), by
    /// index into `out.modules`: an import none of them names is not a dependency.
    pub(super) referenced: Vec<std::collections::HashSet<String>>,
    /// Lines of inline test modules left out of the analysis: not the parent's code either.
    pub(super) skipped_lines: Vec<(u32, u32)>,
    /// The `#[cfg]` predicates of the enclosing impls, inline modules and `cfg_if!` branches.
    pub(super) cfg: Vec<Cfg>,
    /// What the build is known to select, to leave out code it does not compile.
    pub(super) build: &'a Build,
}

impl Collector<'_> {
    /// The predicate code with `attrs` is compiled under, here: the enclosing ones and its own.
    pub(super) fn cfg_of(&self, attrs: &[syn::Attribute]) -> Option<Cfg> {
        Cfg::all(
            self.cfg
                .iter()
                .cloned()
                .chain(Cfg::of_attrs(attrs))
                .collect(),
        )
    }

    /// Runs `f` with `cfg` (if any) added to the enclosing predicates.
    pub(super) fn with_cfg<F: FnOnce(&mut Self)>(&mut self, cfg: Option<Cfg>, f: F) {
        let pushed = cfg.map(|c| self.cfg.push(c)).is_some();
        f(self);
        if pushed {
            self.cfg.pop();
        }
    }
}
