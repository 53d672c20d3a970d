//! What a parsed file keeps once its syntax tree is dropped: tokens, units, statement
//! sequences, shapes, modules and their references; and why a file could not be parsed.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::analysis::source::cfg::Cfg;
use crate::analysis::source::modrefs::{Exposure, ItemDef, ModRef};
use crate::analysis::source::token::Tok;

/// Files larger than this are reported and skipped: they are generated tables, not code
/// anyone merges by hand, and they dominate parse time.
pub(super) const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParsedFile {
    #[serde(with = "crate::analysis::source::token::packed")]
    pub tokens: Vec<Tok>,
    /// Token ranges of attributes (`#[..]`, `#![..]`), sorted: not lines of code.
    pub attrs: Vec<Range<u32>>,
    /// Token ranges of `#[cfg(..)]`-gated code in bodies (statements, nested items, fields of
    /// struct expressions), sorted: build-specific scaffolding rather than shared logic.
    pub gated: Vec<Range<u32>>,
    pub units: Vec<Unit>,
    pub seqs: Vec<StmtSeq>,
    pub shapes: Vec<Shape>,
    pub mods: Vec<ModDecl>,
    /// Modules this file defines: its own module first, then inline `mod` blocks.
    pub modules: Vec<ModuleInfo>,
    /// Paths that modules of this file refer to: `use` leaves and multi-segment code paths.
    pub refs: Vec<ModRef>,
    pub enum_matches: Vec<EnumMatch>,
    pub pub_items: Vec<PubItem>,
    /// Every named item declared directly in a module, whatever its visibility.
    pub defs: Vec<ItemDef>,
    /// Types that `pub` items show in their signatures and fields.
    pub exposures: Vec<Exposure>,
    /// Child modules declared here (out of line or inline): their path and whether `pub`.
    pub child_modules: Vec<(String, bool)>,
    /// Files pasted in among items by `include!("...")`.
    pub includes: Vec<Include>,
    pub n_lines: u32,
    /// `// cargo-loop: allow(..)` markers naming no rule: (line, the name), for warnings.
    #[serde(default)]
    pub unknown_allows: Vec<(u32, String)>,
    /// The lines of items (or the whole file) that `// cargo-loop: allow(..)` markers cover,
    /// with the rules they name.
    #[serde(default)]
    pub allowed: Vec<Allow>,
    /// The header line that marks the file as written by a generator: its items and uses
    /// count, but nobody edits it by hand, so no finding is reported in it.
    #[serde(default)]
    pub generated: Option<String>,
    /// The hash the parse cache knows this parse by (the file's bytes, module and build),
    /// which detection's memo keys on; `None` when parsed outside the cache.
    #[serde(skip)]
    pub identity: Option<u64>,
}

/// What one item's allow markers say: the lines it covers, the rules they name, and the line
/// of the first marker, where a warning about them points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allow {
    pub lines: std::ops::RangeInclusive<u32>,
    pub rules: Vec<String>,
    pub marker: u32,
}

/// Lines of code among some tokens: how many, the first and the last (0 when none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeLines {
    pub count: u32,
    pub first: u32,
    pub last: u32,
}

impl ParsedFile {
    /// Applies allow markers naming `rules` to the whole file: those on the `mod` declarations
    /// that lead to it.
    pub fn allow_everywhere(&mut self, rules: &[String]) {
        if rules.is_empty() {
            return;
        }
        // The markers are on the `mod` declaration, in the parent's file.
        self.allowed.push(Allow {
            lines: 1..=self.n_lines.max(1),
            rules: rules.to_vec(),
            marker: 1,
        });
        if rules
            .iter()
            .any(|rule| crate::analysis::rules::is_clone_rule(rule))
        {
            self.units.iter_mut().for_each(|u| u.suppressed = true);
            self.seqs.iter_mut().for_each(|s| s.suppressed = true);
            self.shapes.iter_mut().for_each(|s| s.suppressed = true);
        }
    }

    /// Applies the clippy allows around the file's module (`#![allow(clippy::..)]` in a parent,
    /// on its `mod` declaration) to its functions and to the modules it declares.
    pub fn clippy_allow_everywhere(&mut self, bits: u8) {
        let metrics = self.units.iter_mut().filter_map(|u| u.metrics.as_mut());
        metrics.for_each(|m| m.allowed |= bits);
        self.mods.iter_mut().for_each(|m| m.clippy_allowed |= bits);
    }

    /// Lines of code among the tokens `range`: lines holding a token outside attributes
    /// (comments, doc comments and blank lines hold none).
    pub fn code_lines(&self, range: Range<u32>) -> u32 {
        self.code_line_span(range).count
    }

    /// Lines the tokens `range` span as the file shows them, from the first token outside an
    /// attribute to the last: blank and comment lines inside count, leading doc comments and
    /// attributes do not. What `--min-lines` compares with, like `start_line..=end_line`.
    pub fn span_lines(&self, range: Range<u32>) -> u32 {
        let code = self.code_line_span(range);
        if code.count == 0 {
            0
        } else {
            code.last - code.first + 1
        }
    }

    /// Lines of code among the tokens `range` that hold more than `#[cfg]`-gated code.
    pub fn logic_lines(&self, range: Range<u32>) -> u32 {
        let (mut count, mut last) = (0, 0);
        for index in range {
            let line = self.tokens[index as usize].line;
            if line != last && !self.is_attribute(index) && !self.is_gated(index) {
                count += 1;
                last = line;
            }
        }
        count
    }

    /// [`ParsedFile::code_lines`], with the first and last of them.
    pub fn code_line_span(&self, range: Range<u32>) -> CodeLines {
        let mut out = CodeLines::default();
        for index in range {
            let line = self.tokens[index as usize].line;
            if line != out.last && !in_ranges(&self.attrs, index) {
                out.count += 1;
                if out.first == 0 {
                    out.first = line;
                }
                out.last = line;
            }
        }
        out
    }

    /// The tokens on lines `first..=last`.
    pub fn tokens_on_lines(&self, first: u32, last: u32) -> Range<u32> {
        let start = self.tokens.partition_point(|t| t.line < first);
        let end = self.tokens.partition_point(|t| t.line <= last);
        start as u32..end.max(start) as u32
    }

    /// Whether token `index` belongs to an attribute.
    pub fn is_attribute(&self, index: u32) -> bool {
        in_ranges(&self.attrs, index)
    }

    /// Whether token `index` belongs to `#[cfg]`-gated code.
    pub fn is_gated(&self, index: u32) -> bool {
        in_ranges(&self.gated, index)
    }
}

/// Whether `index` is in one of `ranges` (sorted, disjoint).
fn in_ranges(ranges: &[Range<u32>], index: u32) -> bool {
    let after = ranges.partition_point(|r| r.start <= index);
    after > 0 && index < ranges[after - 1].end
}

/// A `match` that names variants of one enum and has no catch-all arm: adding a variant
/// means editing it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnumMatch {
    /// Index into [`ParsedFile::modules`].
    pub module: u32,
    /// The enum's name as written (`Color` in `Color::Red`; the impl's type for `Self::Red`).
    pub enum_name: String,
    pub variants: u32,
    pub line: u32,
    pub end_line: u32,
    /// The function it is in.
    pub item: String,
}

/// A `pub` item declared directly in a module.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PubItem {
    /// Index into [`ParsedFile::modules`].
    pub module: u32,
    pub name: String,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModuleInfo {
    /// Item path, `krate::a::b`.
    pub path: String,
    pub line: u32,
    pub end_line: u32,
    /// Items declared directly in the module, `use` declarations aside.
    pub items: u32,
    /// Lines holding code (not blank, not only comments) between `line` and `end_line`.
    pub code_lines: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitKind {
    Fn,
    Method,
    Impl,
}

/// A function, method or impl block, as a range of the file's tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unit {
    pub kind: UnitKind,
    pub item: String,
    pub tokens: Range<u32>,
    pub start_line: u32,
    pub end_line: u32,
    /// The body's tokens, braces included (for an impl, its block).
    pub body: Range<u32>,
    /// A body that does one trivial thing: a getter, a field-by-field constructor, a table,
    /// or a delegation to another call (see [`is_trivial_body`]).
    pub trivial: bool,
    pub suppressed: bool,
    /// For trait impls and the methods in them, the trait's last path segment.
    pub trait_name: Option<String>,
    /// For functions and methods.
    pub metrics: Option<crate::analysis::source::metrics::FnMetrics>,
    /// For impl blocks, the implementing type's name; for methods, the type they belong to.
    pub self_type: Option<String>,
    /// The `#[cfg]` it is compiled under in its file (its own, its impl's, inline modules').
    pub cfg: Option<Cfg>,
    /// What grouping reads of its tokens, read once when the file is parsed.
    #[serde(default)]
    pub keys: UnitKeys,
}

/// What clone grouping reads of a unit's tokens, whatever the thresholds: computed when the
/// file is parsed and cached with it, so a rescan does not walk unchanged files' tokens again.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct UnitKeys {
    /// The tokens as written, the name after `fn` aside.
    pub raw: u64,
    /// Identifiers renamed consistently, literals and types blinded.
    pub canonical: u64,
    /// Locals renamed (literals blinded too for a table that is logic, see `detectors::units`).
    pub locals: u64,
    /// Share of distinct 6-grams.
    pub variety: f64,
    /// [`ParsedFile::span_lines`] of the unit, and [`ParsedFile::logic_lines`] inside its braces.
    pub span_lines: u32,
    pub inner_logic_lines: u32,
}

impl UnitKeys {
    pub fn of(file: &ParsedFile, unit: &Unit) -> UnitKeys {
        use crate::analysis::source::token::{
            canonical, hash_seq, locals_renamed, unnamed, variety,
        };
        let tokens = &file.tokens[unit.tokens.start as usize..unit.tokens.end as usize];
        let table = !unit.trivial && unit.trait_name.as_deref() != Some("Debug");
        UnitKeys {
            raw: hash_seq(unnamed(tokens)),
            canonical: hash_seq(canonical(tokens).into_iter()),
            locals: hash_seq(locals_renamed(tokens, table).into_iter()),
            variety: variety(tokens),
            span_lines: file.span_lines(unit.tokens.clone()),
            inner_logic_lines: file
                .logic_lines(unit.body.start + 1..unit.body.end.saturating_sub(1)),
        }
    }
}

/// The statements of one block, each as a token range.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StmtSeq {
    pub stmts: Vec<Range<u32>>,
    pub item: String,
    pub suppressed: bool,
    /// What block detection reads of each statement, read once when the file is parsed and
    /// cached with it (see [`StmtSeq::read`]).
    #[serde(default)]
    pub blinded: Vec<u64>,
    #[serde(default)]
    pub lines: Vec<CodeLines>,
}

impl StmtSeq {
    /// Fills `blinded` (each statement's hash with identifiers and literals blinded) and
    /// `lines` (its lines of code) from `file`'s tokens.
    pub fn read(&mut self, file: &ParsedFile) {
        use crate::analysis::source::token::hash_seq;
        let tokens = |r: &Range<u32>| &file.tokens[r.start as usize..r.end as usize];
        self.blinded = (self.stmts.iter())
            .map(|r| hash_seq(tokens(r).iter().map(|t| t.blinded())))
            .collect();
        self.lines = (self.stmts.iter())
            .map(|r| file.code_line_span(r.clone()))
            .collect();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShapeKind {
    Struct,
    Enum,
    Trait,
}

/// The shape of a type or trait declaration: its members in order, rendered as text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Shape {
    pub kind: ShapeKind,
    pub item: String,
    /// Fields as `name: Type`, variants as `Name(Types)`, trait methods as signatures.
    pub members: Vec<String>,
    /// The line of each member (struct fields only; empty otherwise).
    pub member_lines: Vec<u32>,
    pub start_line: u32,
    pub end_line: u32,
    pub suppressed: bool,
    /// For an enum deriving clap's `ValueEnum`, a hash of its variants' doc comments: the
    /// `--help` text of each value, what the enum means to its users.
    #[serde(default)]
    pub value_help: Option<u32>,
    /// For an enum, the variant `#[default]` marks (its index), if one does: what a value
    /// left unsaid means.
    #[serde(default)]
    pub default_variant: Option<u32>,
    /// A struct deriving clap's `Parser` or `Args`: the command line, as the user types it.
    #[serde(default)]
    pub command_line: bool,
}

/// An out-of-line `mod name;` declaration, for discovery to follow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModDecl {
    pub name: String,
    /// The `#[cfg]` the declaration is compiled under (its own, enclosing ones, `cfg_if!`).
    pub cfg: Option<Cfg>,
    /// The `#[path = "..."]` attribute, if any.
    pub path_attr: Option<String>,
    /// Inline modules enclosing the declaration, outermost first.
    pub inline_parents: Vec<String>,
    pub line: u32,
    /// Declared in test code that is not analysed (`#[cfg(test)] mod tests;`, or inside such a
    /// module): not to be followed, and its file is test code when found otherwise.
    pub test: bool,
    /// The default file of a module that `#[cfg_attr(.., path = ..)]` may place elsewhere:
    /// it need not exist.
    pub optional: bool,
    /// The rules allow markers on the declaration name: they cover the module's whole file.
    #[serde(default)]
    pub allows: Vec<String>,
    /// The function smells clippy allows on the declaration, or around it, silence in the
    /// module's file (see [`crate::analysis::source::metrics::Allowed`]).
    #[serde(default)]
    pub clippy_allowed: u8,
}

/// An `include!("path")` among items: the file's items belong to the including module.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Include {
    /// As written, relative to the including file's folder.
    pub path: String,
    /// Inline modules enclosing the call, outermost first.
    pub inline_parents: Vec<String>,
    pub line: u32,
}

impl ParsedFile {
    /// Renames the file's module from `old` to `new`, and everything named after it: a plain
    /// folder first names modules by file layout, and `mod` declarations may say otherwise
    /// (`#[path]`, `include!`).
    pub fn rebase(&mut self, old: &str, new: &str) {
        let rename = |path: &mut String| {
            if let Some(rest) = path.strip_prefix(old) {
                if rest.is_empty() || rest.starts_with("::") {
                    *path = format!("{new}{rest}");
                }
            }
        };
        self.modules.iter_mut().for_each(|m| rename(&mut m.path));
        self.child_modules.iter_mut().for_each(|(p, _)| rename(p));
        self.units.iter_mut().for_each(|u| rename(&mut u.item));
        self.seqs.iter_mut().for_each(|s| rename(&mut s.item));
        self.shapes.iter_mut().for_each(|s| rename(&mut s.item));
        self.enum_matches
            .iter_mut()
            .for_each(|e| rename(&mut e.item));
    }
}

/// Why a file could not be analysed; reported as a warning, never fatal.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SourceError {
    #[error("could not read file: {0}")]
    Unreadable(String),
    #[error("file is {0}, not a regular file, skipped")]
    NotAFile(&'static str),
    #[error("file is not valid UTF-8 (first invalid byte at line {line}), skipped")]
    NotUtf8 { line: usize },
    #[error(
        "file is {0} bytes, over the {MAX_FILE_BYTES}-byte limit for hand-written code, skipped"
    )]
    TooLarge(u64),
    /// Text that is no Rust token, located (`message` says what is there).
    #[error("{line}:{column}: could not tokenize file: {message}, skipped")]
    Lex {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{line}:{column}: syntax error: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Nested past [`super::MAX_NESTING`] levels, first at `line:column`: parsing it could
    /// overflow the stack.
    #[error("{line}:{column}: {}", too_deep_message())]
    TooDeep { line: usize, column: usize },
}

fn too_deep_message() -> String {
    format!(
        "nested more than {} levels deep (brackets, braces, parentheses and generics), too deep to parse safely; file skipped",
        super::MAX_NESTING
    )
}

impl SourceError {
    /// Where in the file the problem is, when known: 1-based line and column.
    pub fn position(&self) -> (Option<u32>, Option<u32>) {
        match self {
            SourceError::Lex { line, column, .. }
            | SourceError::Syntax { line, column, .. }
            | SourceError::TooDeep { line, column } => (Some(*line as u32), Some(*column as u32)),
            SourceError::NotUtf8 { line } => (Some(*line as u32), None),
            _ => (None, None),
        }
    }

    /// The warning's text, without the position that [`SourceError::position`] gives.
    pub fn warning(&self) -> String {
        match self {
            SourceError::Syntax { message, .. } => format!("syntax error: {message}; file skipped"),
            SourceError::Lex { message, .. } => {
                format!("could not tokenize file: {message}; file skipped")
            }
            SourceError::TooDeep { .. } => too_deep_message(),
            other => other.to_string(),
        }
    }
}
