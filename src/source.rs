//! Reads one Rust file, parses it with syn and keeps only what detection needs.
//!
//! The interface to syn is localised here: the file is lexed once into a
//! `proc_macro2::TokenStream`, flattened into [`Tok`]s, then parsed from the same stream.
//! Items are located by their spans and recorded as token ranges; the syntax tree is
//! dropped before this module returns, so memory does not grow with all trees at once.

use std::fmt::Write;
use std::ops::Range;
use std::path::Path;

use proc_macro2::extra::DelimSpan;
use proc_macro2::{Delimiter, LineColumn, Span, TokenStream, TokenTree};
use serde::{Deserialize, Serialize};
use syn::visit::Visit;

use crate::modrefs::{token_paths, use_leaves, Exposure, ItemDef, ModRef, RefKind};
use crate::token::{classify_ident, classify_literal, hash_str, Tok, TokClass};

/// Files larger than this are reported and skipped: they are generated tables, not code
/// anyone merges by hand, and they dominate parse time.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The marker that suppresses duplicate reports on the item that follows it.
const ALLOW_MARKER: &str = "cargo-loop: allow(duplicate)";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParsedFile {
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
}

/// Lines of code among some tokens: how many, the first and the last (0 when none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeLines {
    pub count: u32,
    pub first: u32,
    pub last: u32,
}

impl ParsedFile {
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

/// Sorts ranges and merges those that overlap, so that they can be searched.
fn merge_ranges(mut ranges: Vec<Range<u32>>) -> Vec<Range<u32>> {
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<u32>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
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

/// Items that count towards a module's size: everything but imports, and test code unless
/// it is analysed.
fn count_items(items: &[syn::Item], tests: bool) -> u32 {
    items
        .iter()
        .filter(|item| !matches!(item, syn::Item::Use(_) | syn::Item::ExternCrate(_)))
        .filter(|item| tests || !is_test_code(item_attrs(item)))
        .count() as u32
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        _ => &[],
    }
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
    pub metrics: Option<crate::metrics::FnMetrics>,
    /// For impl blocks, the implementing type's name; for methods, the type they belong to.
    pub self_type: Option<String>,
}

/// The statements of one block, each as a token range.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StmtSeq {
    pub stmts: Vec<Range<u32>>,
    pub item: String,
    pub suppressed: bool,
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
}

/// An out-of-line `mod name;` declaration, for discovery to follow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModDecl {
    pub name: String,
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
    #[error("file is marked @generated, skipped")]
    Generated,
    #[error("could not tokenize file (an unterminated string, comment or character literal, an invalid character, or unbalanced delimiters), skipped")]
    Lex,
    #[error("{line}:{column}: syntax error: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
}

/// What a path that is not a regular file is, for warnings.
fn file_kind(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Reads and parses one file. `module` is the item path of the file's module.
pub fn parse_file(path: &Path, module: &str, tests: bool) -> Result<ParsedFile, SourceError> {
    let meta = std::fs::metadata(path).map_err(|e| SourceError::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        // Reading a named pipe would block; a directory cannot be read.
        return Err(SourceError::NotAFile(file_kind(meta.file_type())));
    }
    let len = meta.len();
    if len > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge(len));
    }
    let bytes = std::fs::read(path).map_err(|e| SourceError::Unreadable(e.to_string()))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let line = err.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Err(SourceError::NotUtf8 { line });
        }
    };
    if text.lines().take(5).any(|line| line.contains("@generated")) {
        return Err(SourceError::Generated);
    }
    let result = parse_str(&text, module, tests);
    // proc-macro2 keeps every lexed file of this thread for span lookups, which then scan
    // them all; nothing returned holds a span, so let them go.
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// Parses source text; see [`parse_file`].
pub fn parse_str(text: &str, module: &str, tests: bool) -> Result<ParsedFile, SourceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let cleaned;
    let text = if text.starts_with("#!") && !text.starts_with("#![") {
        // A shebang line: blank it so that line numbers stay right.
        let end = text.find('\n').unwrap_or(text.len());
        cleaned = format!("{}{}", " ".repeat(end), &text[end..]);
        &cleaned
    } else {
        text
    };
    let stream: TokenStream = text
        .parse()
        .map_err(|_: proc_macro2::LexError| lex_error(text))?;
    let mut flat = Flattener::default();
    flat.flatten(stream.clone());
    let file: syn::File = syn::parse2(stream).map_err(|err| {
        let message = err.to_string();
        let start = err.span().start();
        // syn reports the end of input with no span: point at the last line instead.
        let (line, column) = if message.starts_with("unexpected end of input")
            && start.column == 0
            && start.line <= 1
        {
            (
                text.lines().count().max(1),
                text.lines().last().map_or(0, |l| l.chars().count()) + 1,
            )
        } else {
            (start.line, start.column + 1)
        };
        SourceError::Syntax {
            line,
            column,
            message,
        }
    })?;
    let allow_lines: Vec<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(ALLOW_MARKER))
        .map(|(i, _)| i as u32 + 1)
        .collect();
    let mut collector = Collector {
        flat: &flat,
        tests,
        allow_lines,
        path: vec![module.to_string()],
        inline_mods: Vec::new(),
        out: ParsedFile {
            tokens: Vec::new(),
            attrs: Vec::new(),
            gated: Vec::new(),
            units: Vec::new(),
            seqs: Vec::new(),
            shapes: Vec::new(),
            mods: Vec::new(),
            modules: vec![ModuleInfo {
                path: module.to_string(),
                line: 1,
                end_line: text.lines().count().max(1) as u32,
                items: count_items(&file.items, tests),
                code_lines: 0,
            }],
            refs: Vec::new(),
            enum_matches: Vec::new(),
            pub_items: Vec::new(),
            defs: Vec::new(),
            exposures: Vec::new(),
            child_modules: Vec::new(),
            includes: Vec::new(),
            n_lines: text.lines().count() as u32,
        },
        module: 0,
        owner_suppressed: false,
        self_type: None,
        impl_trait: None,
        referenced: vec![std::collections::HashSet::new()],
        skipped_lines: Vec::new(),
    };
    collector.record_module_items(0, &file.items);
    collector.visit_file(&file);
    let referenced = std::mem::take(&mut collector.referenced);
    let skipped_lines = std::mem::take(&mut collector.skipped_lines);
    let mut out = collector.out;
    out.tokens = flat.tokens;
    out.attrs = merge_ranges(flat.attrs);
    out.gated = merge_ranges(std::mem::take(&mut out.gated));
    let children: std::collections::HashSet<&str> = out
        .child_modules
        .iter()
        .filter_map(|(path, _)| path.rsplit("::").next())
        .collect();
    crate::modrefs::finish(&mut out.refs, &referenced, &children);
    // A module's lines of code are its own: inline child modules count for themselves, and
    // test modules that are not analysed count for nobody.
    let spans: Vec<(u32, u32)> = out.modules.iter().map(|m| (m.line, m.end_line)).collect();
    for (i, module) in out.modules.iter_mut().enumerate() {
        let inner: Vec<(u32, u32)> = spans
            .iter()
            .enumerate()
            .filter(|&(j, &(a, b))| {
                j != i
                    && module.line <= a
                    && b <= module.end_line
                    && (a, b) != (module.line, module.end_line)
            })
            .map(|(_, &span)| span)
            .chain(
                skipped_lines
                    .iter()
                    .copied()
                    .filter(|&(a, b)| module.line <= a && b <= module.end_line),
            )
            .collect();
        let first = out.tokens.partition_point(|t| t.line < module.line);
        let last = out.tokens.partition_point(|t| t.line <= module.end_line);
        let mut lines: Vec<u32> = out.tokens[first..last]
            .iter()
            .map(|t| t.line)
            .filter(|line| !inner.iter().any(|&(a, b)| (a..=b).contains(line)))
            .collect();
        lines.dedup();
        module.code_lines = lines.len() as u32;
    }
    Ok(out)
}

/// Locates a lexing error, which proc-macro2 reports without a position, with a small scan
/// that knows comments, strings and character literals: an unbalanced or mismatched
/// delimiter, or an unterminated literal or comment.
#[expect(
    clippy::many_single_char_names,
    reason = "a scanner's cursor: index, line, column, char"
)]
fn lex_error(text: &str) -> SourceError {
    let chars: Vec<char> = text.chars().collect();
    let (mut line, mut col) = (1, 1);
    let mut stack: Vec<(char, usize, usize)> = Vec::new();
    let mut i = 0;
    let error = |line, column, message: String| SourceError::Syntax {
        line,
        column,
        message,
    };
    // Advances over `n` characters, keeping line and column.
    let step = |i: &mut usize, line: &mut usize, col: &mut usize, n: usize| {
        for _ in 0..n {
            if chars.get(*i) == Some(&'\n') {
                *line += 1;
                *col = 1;
            } else {
                *col += 1;
            }
            *i += 1;
        }
    };
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        let (start_line, start_col) = (line, col);
        match c {
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    step(&mut i, &mut line, &mut col, 1);
                }
            }
            '/' if next == Some('*') => {
                let mut depth = 0;
                loop {
                    match (chars.get(i), chars.get(i + 1)) {
                        (None, _) => {
                            return error(
                                start_line,
                                start_col,
                                "unterminated block comment".into(),
                            )
                        }
                        (Some('/'), Some('*')) => depth += 1,
                        (Some('*'), Some('/')) => depth -= 1,
                        _ => {
                            step(&mut i, &mut line, &mut col, 1);
                            continue;
                        }
                    }
                    step(&mut i, &mut line, &mut col, 2);
                    if depth == 0 {
                        break;
                    }
                }
            }
            '"' => {
                // A raw string's hashes are just before the quote (`r#"`).
                let hashes = chars[..i].iter().rev().take_while(|&&h| h == '#').count();
                let raw = i > hashes && chars[i - hashes - 1] == 'r';
                step(&mut i, &mut line, &mut col, 1);
                loop {
                    match chars.get(i) {
                        None => {
                            return error(
                                start_line,
                                start_col,
                                "unterminated string literal".into(),
                            )
                        }
                        Some('\\') if !raw => step(&mut i, &mut line, &mut col, 2),
                        Some('"')
                            if !raw
                                || chars[i + 1..]
                                    .iter()
                                    .take(hashes)
                                    .filter(|&&h| h == '#')
                                    .count()
                                    == hashes =>
                        {
                            step(
                                &mut i,
                                &mut line,
                                &mut col,
                                1 + if raw { hashes } else { 0 },
                            );
                            break;
                        }
                        Some(_) => step(&mut i, &mut line, &mut col, 1),
                    }
                }
            }
            '\'' => {
                // A character literal, or a lifetime (`'a`) which has no closing quote.
                let len = if next == Some('\\') {
                    chars[i + 2..]
                        .iter()
                        .position(|&q| q == '\'')
                        .map(|p| p + 3)
                } else if chars.get(i + 2) == Some(&'\'') {
                    Some(3)
                } else {
                    None
                };
                step(&mut i, &mut line, &mut col, len.unwrap_or(1));
            }
            '(' | '[' | '{' => {
                stack.push((c, line, col));
                step(&mut i, &mut line, &mut col, 1);
            }
            ')' | ']' | '}' => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                match stack.pop() {
                    Some((o, _, _)) if o == open => {}
                    Some((o, l, k)) => {
                        return error(
                            line,
                            col,
                            format!(
                                "mismatched closing delimiter `{c}` for `{o}` opened at {l}:{k}"
                            ),
                        )
                    }
                    None => return error(line, col, format!("unexpected closing delimiter `{c}`")),
                }
                step(&mut i, &mut line, &mut col, 1);
            }
            _ => step(&mut i, &mut line, &mut col, 1),
        }
    }
    match stack.pop() {
        Some((o, l, k)) => error(l, k, format!("unclosed delimiter `{o}`")),
        None => SourceError::Lex,
    }
}

/// Flattens a token stream into [`Tok`]s, remembering where each token starts.
#[derive(Default)]
struct Flattener {
    tokens: Vec<Tok>,
    starts: Vec<LineColumn>,
    /// Token ranges of attributes, in the order they end.
    attrs: Vec<Range<u32>>,
    /// Reused for each identifier's and literal's text, to save an allocation per token.
    text: String,
}

impl Flattener {
    fn flatten(&mut self, stream: TokenStream) {
        let mut iter = stream.into_iter().peekable();
        // The `#` (and `!`) just pushed, while they may start an attribute.
        let mut attr_start: Option<u32> = None;
        while let Some(tree) = iter.next() {
            let pending = attr_start.take();
            match tree {
                TokenTree::Punct(punct) => {
                    // Doc comments arrive as `#[doc = "..."]`: they are comments, skip them.
                    if punct.as_char() == '#' {
                        if let Some(TokenTree::Group(group)) = iter.peek() {
                            if is_doc_attr(group) {
                                iter.next();
                                continue;
                            }
                        }
                    }
                    let here = self.tokens.len() as u32;
                    attr_start = match punct.as_char() {
                        '#' => Some(here),
                        '!' => pending.filter(|&start| start + 1 == here),
                        _ => None,
                    };
                    let mut buf = [0; 4];
                    self.push(
                        hash_str(punct.as_char().encode_utf8(&mut buf)),
                        TokClass::Punct,
                        punct.span(),
                    );
                }
                TokenTree::Ident(ident) => {
                    self.text.clear();
                    let _ = write!(self.text, "{ident}");
                    let text = self.text.strip_prefix("r#").unwrap_or(&self.text);
                    let (sym, class) = (hash_str(text), classify_ident(text));
                    self.push(sym, class, ident.span());
                }
                TokenTree::Literal(lit) => {
                    self.text.clear();
                    let _ = write!(self.text, "{lit}");
                    let (sym, class) = (hash_str(&self.text), classify_literal(&self.text));
                    self.push(sym, class, lit.span());
                }
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::None => ("", ""),
                    };
                    if !open.is_empty() {
                        self.push(hash_str(open), TokClass::Open, group.span_open());
                    }
                    self.flatten(group.stream());
                    if !close.is_empty() {
                        self.push(hash_str(close), TokClass::Close, group.span_close());
                    }
                    if let Some(start) = pending.filter(|_| group.delimiter() == Delimiter::Bracket)
                    {
                        self.attrs.push(start..self.tokens.len() as u32);
                    }
                }
            }
        }
    }

    fn push(&mut self, sym: u32, class: TokClass, span: Span) {
        let start = span.start();
        self.tokens.push(Tok {
            sym,
            class,
            line: start.line as u32,
        });
        self.starts.push(start);
    }

    /// Index of the first token at or after `pos`.
    fn index_at(&self, pos: LineColumn) -> u32 {
        self.starts
            .partition_point(|p| (p.line, p.column) < (pos.line, pos.column)) as u32
    }

    /// Token range from the token at `start` to the token at `last`, inclusive.
    fn range(&self, start: Span, last: Span) -> Range<u32> {
        let begin = self.index_at(start.start());
        let end = (self.index_at(last.start()) + 1).min(self.tokens.len() as u32);
        begin..end.max(begin)
    }
}

fn is_doc_attr(group: &proc_macro2::Group) -> bool {
    group.delimiter() == Delimiter::Bracket
        && matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(ident)) if ident == "doc")
}

struct Collector<'a> {
    flat: &'a Flattener,
    tests: bool,
    allow_lines: Vec<u32>,
    /// Item path segments: the file's module, inline modules, impl types, functions.
    path: Vec<String>,
    inline_mods: Vec<String>,
    out: ParsedFile,
    /// The module being visited, an index into `out.modules`.
    module: u32,
    /// Set inside an item that carries the allow marker, so nested blocks are suppressed too.
    owner_suppressed: bool,
    /// The type of the impl block being visited, for `Self::Variant` patterns.
    self_type: Option<String>,
    /// The trait of the impl block being visited, if it is a trait impl.
    impl_trait: Option<String>,
    /// The names each module's own code refers to (first path segments, macro tokens), by
    /// index into `out.modules`: an import none of them names is not a dependency.
    referenced: Vec<std::collections::HashSet<String>>,
    /// Lines of inline test modules left out of the analysis: not the parent's code either.
    skipped_lines: Vec<(u32, u32)>,
}

impl Collector<'_> {
    fn item_path(&self, name: &str) -> String {
        let mut path = self.path.join("::");
        if !name.is_empty() {
            if !path.is_empty() {
                path.push_str("::");
            }
            path.push_str(name);
        }
        path
    }

    /// Whether the allow marker sits on the line above the item or among its attributes.
    fn is_suppressed(&self, attrs: &[syn::Attribute], code_start: Span) -> bool {
        let first = attrs
            .first()
            .map_or(code_start, |attr| attr.pound_token.span)
            .start()
            .line as u32;
        let code = code_start.start().line as u32;
        self.owner_suppressed
            || self
                .allow_lines
                .iter()
                .any(|&line| line + 1 >= first && line <= code)
    }

    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.tests && is_test_code(attrs)
    }

    fn push_unit(
        &mut self,
        kind: UnitKind,
        name: &str,
        start: Span,
        braces: DelimSpan,
        body: Option<&syn::Block>,
        attrs: &[syn::Attribute],
    ) -> bool {
        let close = braces.close();
        let tokens = self.flat.range(start, close);
        let suppressed = self.is_suppressed(attrs, start);
        self.out.units.push(Unit {
            kind,
            item: self.item_path(name),
            start_line: start.start().line as u32,
            end_line: close.start().line as u32,
            tokens,
            body: self.flat.range(braces.open(), close),
            trivial: body.is_some_and(is_trivial_body),
            suppressed,
            trait_name: self.impl_trait.clone(),
            metrics: None,
            self_type: self.self_type.clone(),
        });
        suppressed
    }

    /// Records a `#[cfg]`-gated node of a body as scaffolding.
    fn push_gated<T: quote::ToTokens>(&mut self, node: &T) {
        let span = syn::spanned::Spanned::span(node);
        let start = self.flat.index_at(span.start());
        let end = self.flat.index_at(span.end());
        self.out.gated.push(start..end.max(start));
    }

    fn with_owner<F: FnOnce(&mut Self)>(&mut self, name: String, suppressed: bool, f: F) {
        let saved = self.owner_suppressed;
        self.owner_suppressed |= suppressed;
        self.path.push(name);
        f(self);
        self.path.pop();
        self.owner_suppressed = saved;
    }

    /// Records the `pub` items declared directly in module `module`.
    fn record_module_items(&mut self, module: u32, items: &[syn::Item]) {
        for item in items {
            if !self.tests && is_test_code(item_attrs(item)) {
                continue;
            }
            if let syn::Item::ExternCrate(krate) = item {
                self.record_extern_crate(module, krate);
                continue;
            }
            let (vis, ident) = match item {
                syn::Item::Fn(i) => (&i.vis, &i.sig.ident),
                syn::Item::Struct(i) => (&i.vis, &i.ident),
                syn::Item::Enum(i) => (&i.vis, &i.ident),
                syn::Item::Trait(i) => (&i.vis, &i.ident),
                syn::Item::Const(i) => (&i.vis, &i.ident),
                syn::Item::Static(i) => (&i.vis, &i.ident),
                syn::Item::Type(i) => (&i.vis, &i.ident),
                syn::Item::Union(i) => (&i.vis, &i.ident),
                _ => continue,
            };
            self.out.defs.push(ItemDef {
                module,
                name: ident.to_string(),
                is_trait: matches!(item, syn::Item::Trait(_)),
            });
            if matches!(vis, syn::Visibility::Public(_)) {
                self.out.pub_items.push(PubItem {
                    module,
                    name: ident.to_string(),
                    line: ident.span().start().line as u32,
                });
                self.expose(
                    module,
                    &ident.to_string(),
                    crate::modrefs::exposed_names(item),
                );
            }
        }
    }

    fn expose(&mut self, module: u32, owner: &str, names: Vec<String>) {
        self.out.exposures.extend(
            names
                .into_iter()
                .filter(|n| n != owner)
                .map(|name| Exposure {
                    module,
                    owner: owner.to_string(),
                    name,
                }),
        );
    }

    /// Records `mod name;`, once for each file a `#[path]` or `#[cfg_attr(.., path = ..)]`
    /// may name: `cfg` is not evaluated, so every alternative is followed.
    fn push_mod_decls(&mut self, node: &syn::ItemMod, test: bool) {
        let (path, conditional) = path_attrs(&node.attrs);
        // Without a `#[path]`, the default file is the module when no `cfg_attr` applies.
        let optional = path.is_none() && !conditional.is_empty();
        let alternatives = conditional.into_iter().map(|p| (Some(p), false));
        for (path_attr, optional) in alternatives.chain([(path, optional)]) {
            self.out.mods.push(ModDecl {
                name: node.ident.to_string(),
                path_attr,
                inline_parents: self.inline_mods.clone(),
                line: node.mod_token.span.start().line as u32,
                test,
                optional,
            });
        }
    }

    /// Records the out-of-line modules that a skipped test module is or declares: discovery
    /// that finds files on disk rather than through `mod` (plain folders) must know them for
    /// test code.
    fn record_test_mods(&mut self, node: &syn::ItemMod) {
        match &node.content {
            None => self.push_mod_decls(node, true),
            Some((_, items)) => {
                self.inline_mods.push(node.ident.to_string());
                for item in items {
                    if let syn::Item::Mod(inner) = item {
                        self.record_test_mods(inner);
                    }
                }
                self.inline_mods.pop();
            }
        }
    }

    /// `extern crate self as name;` makes `name::a::B` a path of this crate.
    fn record_extern_crate(&mut self, module: u32, krate: &syn::ItemExternCrate) {
        if krate.ident != "self" {
            return;
        }
        if let Some((_, rename)) = &krate.rename {
            self.out.refs.push(ModRef {
                module,
                path: "crate".to_string(),
                line: rename.span().start().line as u32,
                kind: RefKind::Import {
                    name: rename.to_string(),
                    public: !matches!(krate.vis, syn::Visibility::Inherited),
                    referenced: false,
                },
            });
        }
    }

    fn push_ref(&mut self, path: String, line: u32, kind: RefKind) {
        self.out.refs.push(ModRef {
            module: self.module,
            path,
            line,
            kind,
        });
    }

    fn refer(&mut self, name: String) {
        if let Some(names) = self.referenced.get_mut(self.module as usize) {
            names.insert(name);
        }
    }

    /// Visits the items in a macro call's tokens, or in each of its brace groups (`cfg_if!`
    /// branches), for the module graph only: clone and function detection keep treating
    /// macro bodies as opaque, as the compiler does not promise they are items. Returns
    /// whether any items were found.
    fn visit_macro_items(&mut self, tokens: TokenStream) -> bool {
        if let Ok(file) = syn::parse2::<syn::File>(tokens.clone()) {
            if file.items.is_empty() {
                return false;
            }
            let kept = (
                self.out.units.len(),
                self.out.seqs.len(),
                self.out.shapes.len(),
                self.out.enum_matches.len(),
            );
            self.record_module_items(self.module, &file.items);
            for item in &file.items {
                self.visit_item(item);
            }
            self.out.units.truncate(kept.0);
            self.out.seqs.truncate(kept.1);
            self.out.shapes.truncate(kept.2);
            self.out.enum_matches.truncate(kept.3);
            return true;
        }
        let mut found = false;
        for tree in tokens {
            if let TokenTree::Group(group) = tree {
                if group.delimiter() == Delimiter::Brace {
                    found |= self.visit_macro_items(group.stream());
                }
            }
        }
        found
    }

    /// Records a function or method and visits its body.
    fn push_fn(
        &mut self,
        kind: UnitKind,
        sig: &syn::Signature,
        start: Span,
        block: &syn::Block,
        attrs: &[syn::Attribute],
    ) {
        if self.skip(attrs) {
            return;
        }
        let name = sig.ident.to_string();
        let suppressed = self.push_unit(
            kind,
            &name,
            start,
            block.brace_token.span,
            Some(block),
            attrs,
        );
        if let Some(unit) = self.out.units.last_mut() {
            unit.metrics = Some(crate::metrics::measure(sig, block));
        }
        // Types in the signature are dependencies of the module.
        self.visit_signature(sig);
        self.with_owner(name, suppressed, |this| this.visit_block(block));
    }

    fn push_shape(
        &mut self,
        kind: ShapeKind,
        name: &str,
        attrs: &[syn::Attribute],
        start: Span,
        end: Span,
        members: Vec<String>,
    ) {
        let suppressed = self.is_suppressed(attrs, start);
        self.out.shapes.push(Shape {
            kind,
            item: self.item_path(name),
            members,
            member_lines: Vec::new(),
            start_line: start.start().line as u32,
            end_line: end.start().line as u32,
            suppressed,
        });
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        if self.skip(&node.attrs) {
            self.record_test_mods(node);
            if let Some((brace, _)) = &node.content {
                let first = node.mod_token.span.start().line as u32;
                self.skipped_lines
                    .push((first, brace.span.close().start().line as u32));
            }
            return;
        }
        let name = node.ident.to_string();
        match &node.content {
            None => {
                let path = format!("{}::{name}", self.out.modules[self.module as usize].path);
                self.out
                    .child_modules
                    .push((path, matches!(node.vis, syn::Visibility::Public(_))));
                self.push_mod_decls(node, false);
            }
            Some(_) => {
                let parent = self.module;
                self.module = self.out.modules.len() as u32;
                let (brace, items) = node.content.as_ref().expect("an inline module");
                self.out.modules.push(ModuleInfo {
                    path: format!("{}::{}", self.out.modules[parent as usize].path, name),
                    line: node.mod_token.span.start().line as u32,
                    end_line: brace.span.close().start().line as u32,
                    items: count_items(items, self.tests),
                    code_lines: 0,
                });
                self.referenced.push(std::collections::HashSet::new());
                let child = self.out.modules.last().expect("just pushed").path.clone();
                self.out
                    .child_modules
                    .push((child, matches!(node.vis, syn::Visibility::Public(_))));
                self.record_module_items(self.module, items);
                self.inline_mods.push(name.clone());
                self.path.push(name);
                syn::visit::visit_item_mod(self, node);
                self.path.pop();
                self.inline_mods.pop();
                self.module = parent;
            }
        }
    }

    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        self.push_fn(
            UnitKind::Fn,
            &node.sig,
            sig_start(&node.sig),
            &node.block,
            &node.attrs,
        );
    }

    fn visit_item_impl(&mut self, node: &'ast syn::ItemImpl) {
        if self.skip(&node.attrs) {
            return;
        }
        let self_name = type_name(&node.self_ty);
        let trait_name = node
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last())
            .map(|seg| seg.ident.to_string());
        let start = node.defaultness.map_or(
            node.unsafety.map_or(node.impl_token.span, |u| u.span),
            |d| d.span,
        );
        let label = match &trait_name {
            Some(trait_name) => format!("<impl {trait_name} for {self_name}>"),
            None => format!("<impl {self_name}>"),
        };
        let suppressed = self.push_unit(
            UnitKind::Impl,
            &label,
            start,
            node.brace_token.span,
            None,
            &node.attrs,
        );
        if let Some(unit) = self.out.units.last_mut() {
            unit.trait_name.clone_from(&trait_name);
            unit.self_type = Some(self_name.clone());
        }
        let exposed = crate::modrefs::impl_exposed_names(node);
        self.expose(self.module, &self_name, exposed);
        // The implemented type and trait, and the bounds, are dependencies of the module.
        self.visit_generics(&node.generics);
        if let Some((_, path, _)) = &node.trait_ {
            self.visit_path(path);
        }
        self.visit_type(&node.self_ty);
        let outer_self = self.self_type.replace(self_name.clone());
        let outer_trait = std::mem::replace(&mut self.impl_trait, trait_name);
        self.with_owner(self_name, suppressed, |this| {
            for item in &node.items {
                this.visit_impl_item(item);
            }
        });
        self.self_type = outer_self;
        self.impl_trait = outer_trait;
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        let start = node.defaultness.map_or(sig_start(&node.sig), |d| d.span);
        self.push_fn(UnitKind::Method, &node.sig, start, &node.block, &node.attrs);
    }

    fn visit_item_trait(&mut self, node: &'ast syn::ItemTrait) {
        if self.skip(&node.attrs) {
            return;
        }
        let name = node.ident.to_string();
        let members: Vec<String> = node
            .items
            .iter()
            .filter_map(|item| match item {
                syn::TraitItem::Fn(method) => Some(signature_text(&method.sig)),
                syn::TraitItem::Type(ty) => Some(format!("type {}", ty.ident)),
                syn::TraitItem::Const(c) => {
                    Some(format!("const {}: {}", c.ident, tokens_text(&c.ty)))
                }
                _ => None,
            })
            .collect();
        let start = node.unsafety.map_or(node.trait_token.span, |u| u.span);
        self.push_shape(
            ShapeKind::Trait,
            &name,
            &node.attrs,
            start,
            node.brace_token.span.close(),
            members,
        );
        let suppressed = self.out.shapes.last().is_some_and(|s| s.suppressed);
        self.visit_generics(&node.generics);
        for bound in &node.supertraits {
            self.visit_type_param_bound(bound);
        }
        self.with_owner(name, suppressed, |this| {
            for item in &node.items {
                match item {
                    syn::TraitItem::Fn(syn::TraitItemFn {
                        sig,
                        default: Some(block),
                        attrs,
                        ..
                    }) => this.push_fn(UnitKind::Method, sig, sig_start(sig), block, attrs),
                    // Required methods' signatures, associated types and consts.
                    other => this.visit_trait_item(other),
                }
            }
        });
    }

    fn visit_item_struct(&mut self, node: &'ast syn::ItemStruct) {
        if self.skip(&node.attrs) {
            return;
        }
        let members = node
            .fields
            .iter()
            .enumerate()
            .map(|(i, field)| {
                let name = field
                    .ident
                    .as_ref()
                    .map_or_else(|| i.to_string(), ToString::to_string);
                format!("{name}: {}", tokens_text(&field.ty))
            })
            .collect();
        let end = match &node.fields {
            syn::Fields::Named(named) => named.brace_token.span.close(),
            syn::Fields::Unnamed(unnamed) => node
                .semi_token
                .map_or(unnamed.paren_token.span.close(), |s| s.span),
            syn::Fields::Unit => node.semi_token.map_or(node.ident.span(), |s| s.span),
        };
        self.push_shape(
            ShapeKind::Struct,
            &node.ident.to_string(),
            &node.attrs,
            node.struct_token.span,
            end,
            members,
        );
        if let Some(shape) = self.out.shapes.last_mut() {
            shape.member_lines = node
                .fields
                .iter()
                .map(|field| {
                    field
                        .ident
                        .as_ref()
                        .map_or(shape.start_line, |ident| ident.span().start().line as u32)
                })
                .collect();
        }
        self.visit_generics(&node.generics);
        syn::visit::visit_fields(self, &node.fields);
    }

    fn visit_item_enum(&mut self, node: &'ast syn::ItemEnum) {
        if self.skip(&node.attrs) {
            return;
        }
        let members = node
            .variants
            .iter()
            .map(|variant| match &variant.fields {
                syn::Fields::Unit => variant.ident.to_string(),
                fields => {
                    let inner: Vec<String> = fields
                        .iter()
                        .map(|f| match &f.ident {
                            Some(name) => format!("{name}: {}", tokens_text(&f.ty)),
                            None => tokens_text(&f.ty),
                        })
                        .collect();
                    format!("{}({})", variant.ident, inner.join(", "))
                }
            })
            .collect();
        self.push_shape(
            ShapeKind::Enum,
            &node.ident.to_string(),
            &node.attrs,
            node.enum_token.span,
            node.brace_token.span.close(),
            members,
        );
        self.visit_generics(&node.generics);
        for variant in &node.variants {
            syn::visit::visit_fields(self, &variant.fields);
        }
    }

    fn visit_item_use(&mut self, node: &'ast syn::ItemUse) {
        if self.skip(&node.attrs) || node.leading_colon.is_some() {
            return;
        }
        let public = !matches!(node.vis, syn::Visibility::Inherited);
        let mut leaves = Vec::new();
        use_leaves(&node.tree, &mut Vec::new(), &mut leaves);
        for (path, name, line) in leaves {
            let kind = if name == "*" {
                RefKind::Glob { public }
            } else {
                RefKind::Import {
                    name,
                    public,
                    referenced: false,
                }
            };
            self.push_ref(path, line, kind);
        }
    }

    fn visit_path(&mut self, node: &'ast syn::Path) {
        if node.leading_colon.is_none() {
            if let Some(first) = node.segments.first() {
                let first = first.ident.to_string();
                if node.segments.len() >= 2 && crate::modrefs::may_name_module(&first) {
                    let path = node
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect::<Vec<_>>()
                        .join("::");
                    let line = node.segments[0].ident.span().start().line as u32;
                    self.push_ref(path, line, RefKind::Code);
                }
                self.refer(first);
            }
        }
        syn::visit::visit_path(self, node);
    }

    fn visit_vis_restricted(&mut self, _node: &'ast syn::VisRestricted) {
        // `pub(in crate::a)` says who may see an item; it uses nothing from `a`.
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        // The tokens of a macro call expand here: their paths are this module's, and so are
        // the names they mention (`vec![Imported::new()]`, `matches!(k, Kind::A)`).
        self.visit_path(&node.path);
        let (mut paths, mut idents) = (Vec::new(), Vec::new());
        token_paths(node.tokens.clone(), &mut paths, &mut idents);
        for p in paths {
            let kind = if p.glob {
                RefKind::Glob { public: false }
            } else {
                RefKind::Code
            };
            self.push_ref(p.path, p.line, kind);
        }
        for ident in idents {
            self.refer(ident);
        }
    }

    fn visit_expr_match(&mut self, node: &'ast syn::ExprMatch) {
        if let Some((enum_name, variants)) = enum_of_match(node, self.self_type.as_deref()) {
            self.out.enum_matches.push(EnumMatch {
                module: self.module,
                enum_name,
                variants,
                line: node.match_token.span.start().line as u32,
                end_line: node.brace_token.span.close().start().line as u32,
                item: self.item_path(""),
            });
        }
        syn::visit::visit_expr_match(self, node);
    }

    fn visit_field_value(&mut self, node: &'ast syn::FieldValue) {
        if is_cfg_gated(&node.attrs) {
            self.push_gated(node);
        }
        syn::visit::visit_field_value(self, node);
    }

    fn visit_item_macro(&mut self, node: &'ast syn::ItemMacro) {
        if self.skip(&node.attrs) {
            return;
        }
        if node.mac.path.is_ident("include") {
            if let Ok(path) = syn::parse2::<syn::LitStr>(node.mac.tokens.clone()) {
                self.out.includes.push(Include {
                    path: path.value(),
                    inline_parents: self.inline_mods.clone(),
                    line: path.span().start().line as u32,
                });
                return;
            }
        }
        if node.ident.is_none() {
            // A macro call among items (`cfg_rt! { pub mod rt; }`, `cfg_if!`): items in it
            // are this module's, other tokens this module's code.
            if !self.visit_macro_items(node.mac.tokens.clone()) {
                self.visit_macro(&node.mac);
            }
            return;
        }
        // A `macro_rules!` body is code of the modules that call it: its `$crate::` paths
        // use items, but the defining module does not depend on them.
        let (mut paths, mut idents) = (Vec::new(), Vec::new());
        token_paths(node.mac.tokens.clone(), &mut paths, &mut idents);
        for p in paths {
            let kind = if p.glob {
                RefKind::Glob { public: false }
            } else {
                RefKind::MacroDef
            };
            self.push_ref(p.path, p.line, kind);
        }
    }

    fn visit_block(&mut self, node: &'ast syn::Block) {
        let stmts: Vec<&syn::Stmt> = node
            .stmts
            .iter()
            .filter(|stmt| !(matches!(stmt, syn::Stmt::Item(_))))
            .collect();
        if stmts.len() >= 2 {
            let close = self.flat.index_at(node.brace_token.span.close().start());
            let open = self.flat.index_at(node.brace_token.span.open().start());
            let mut starts: Vec<u32> = stmts
                .iter()
                .map(|stmt| self.flat.index_at(stmt_start(stmt).start()))
                .collect();
            // A span that points elsewhere (macro-made tokens) must not break the order.
            let mut floor = open + 1;
            for start in &mut starts {
                *start = (*start).clamp(floor, close);
                floor = *start;
            }
            let ranges = starts
                .iter()
                .enumerate()
                .map(|(i, &start)| {
                    let next = starts.get(i + 1).copied().unwrap_or(close);
                    start..next.max(start)
                })
                .collect();
            self.out.seqs.push(StmtSeq {
                stmts: ranges,
                item: self.item_path(""),
                suppressed: self.owner_suppressed,
            });
        }
        syn::visit::visit_block(self, node);
    }

    fn visit_stmt(&mut self, node: &'ast syn::Stmt) {
        if is_cfg_gated(stmt_attrs(node)) {
            self.push_gated(node);
        }
        match node {
            // Items nested in a function body are visited as items.
            syn::Stmt::Item(item) => self.visit_item(item),
            _ => syn::visit::visit_stmt(self, node),
        }
    }
}

/// The enum a `match` enumerates, and how many of its variants it names: every arm must
/// name variants of one enum (`E::A`, `E::B(..)`, `Self::C { .. }`, or-patterns of those);
/// a catch-all arm, a guard-only arm or another pattern means it is not such a match.
fn enum_of_match(node: &syn::ExprMatch, self_type: Option<&str>) -> Option<(String, u32)> {
    fn variant_enum(pat: &syn::Pat, self_type: Option<&str>, out: &mut Vec<String>) -> bool {
        let path = match pat {
            syn::Pat::Path(p) => &p.path,
            syn::Pat::TupleStruct(p) => &p.path,
            syn::Pat::Struct(p) => &p.path,
            syn::Pat::Or(or) => {
                return or
                    .cases
                    .iter()
                    .all(|case| variant_enum(case, self_type, out))
            }
            syn::Pat::Reference(r) => return variant_enum(&r.pat, self_type, out),
            syn::Pat::Ident(i) => {
                return i
                    .subpat
                    .as_ref()
                    .is_some_and(|(_, sub)| variant_enum(sub, self_type, out))
            }
            _ => return false,
        };
        let n = path.segments.len();
        if n < 2 {
            return false;
        }
        let owner = path.segments[n - 2].ident.to_string();
        let owner = if owner == "Self" {
            self_type.map(ToString::to_string)
        } else {
            Some(owner)
        };
        match owner {
            Some(owner) if owner.starts_with(|c: char| c.is_ascii_uppercase()) => {
                out.push(owner);
                true
            }
            _ => false,
        }
    }
    let mut owners = Vec::new();
    let mut variants = 0;
    for arm in &node.arms {
        let before = owners.len();
        if !variant_enum(&arm.pat, self_type, &mut owners) {
            return None;
        }
        variants += (owners.len() - before) as u32;
    }
    let first = owners.first()?.clone();
    (variants >= 2 && owners.iter().all(|o| *o == first)).then_some((first, variants))
}

fn is_test_code(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.is_ident("cfg") {
            let text = tokens_text(&attr.meta);
            text.contains("test") && !text.contains("not(test)")
        } else {
            path.segments.last().is_some_and(|seg| seg.ident == "test")
        }
    })
}

/// The file `#[path = "..."]` names, and those `#[cfg_attr(pred, path = "...")]` name.
fn path_attrs(attrs: &[syn::Attribute]) -> (Option<String>, Vec<String>) {
    fn path_value(meta: &syn::Meta) -> Option<String> {
        match meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        }
    }
    let parser = syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated;
    let plain = attrs.iter().find_map(|attr| path_value(&attr.meta));
    let conditional = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg_attr"))
        .flat_map(|attr| {
            // The predicate first, then the attributes it applies.
            attr.parse_args_with(parser).map_or_else(
                |_| Vec::new(),
                |metas| metas.iter().skip(1).filter_map(path_value).collect(),
            )
        })
        .collect();
    (plain, conditional)
}

/// A node's tokens as text, with spaces only where two words meet (`Option<Vec<u8>>`).
fn tokens_text<T: quote::ToTokens>(node: &T) -> String {
    let spaced = node.to_token_stream().to_string();
    let mut out = String::with_capacity(spaced.len());
    let mut chars = spaced.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let prev_word = out
                .chars()
                .last()
                .is_some_and(|p: char| p.is_alphanumeric() || p == '_' || p == '\'');
            let next_word = chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_');
            if !(prev_word && next_word) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map_or_else(|| tokens_text(ty), |seg| seg.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => tokens_text(ty),
    }
}

/// A method signature without parameter names, so traits compare by shape.
fn signature_text(sig: &syn::Signature) -> String {
    let inputs: Vec<String> = sig
        .inputs
        .iter()
        .map(|arg| match arg {
            syn::FnArg::Receiver(receiver) => tokens_text(receiver),
            syn::FnArg::Typed(typed) => tokens_text(&typed.ty),
        })
        .collect();
    format!(
        "fn {}({}) {}",
        sig.ident,
        inputs.join(", "),
        tokens_text(&sig.output)
    )
}

/// Where a function's code starts: its signature, without attributes or visibility (a copy
/// made private is still a copy).
fn sig_start(sig: &syn::Signature) -> Span {
    sig.constness
        .map(|t| t.span)
        .or(sig.asyncness.map(|t| t.span))
        .or(sig.unsafety.map(|t| t.span))
        .or(sig.abi.as_ref().map(|abi| abi.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

/// A body that does one trivial thing, `#[cfg]`-gated statements aside: a getter, a
/// field-by-field constructor, a table (a `match` whose arms only map patterns to values),
/// or a delegation: one call forwarding to another function (`self.inner.poll_write(cx,
/// buf)`, `self.registration().try_io(interest, || f())`), or a setter, each optionally
/// followed by a plain value (`self.inner.recv().await; Some(())`).
fn is_trivial_body(block: &syn::Block) -> bool {
    is_one_trivial_thing(block) || builds_a_value(block)
}

/// A constructor that states a value field by field in a local it then wraps
/// (`let inner = PropertiesI { .. }; Properties(Box::new(inner))`), every field a plain
/// operand: several constructors of one type share default fields without being copies.
fn builds_a_value(block: &syn::Block) -> bool {
    use syn::{Expr, Stmt};
    let literal = |expr: &Expr| match expr {
        Expr::Struct(s) => {
            s.fields.iter().all(|f| is_simple_operand(&f.expr, 0))
                && s.rest.as_deref().is_none_or(|r| is_simple_operand(r, 0))
        }
        _ => false,
    };
    match block.stmts.split_last() {
        Some((Stmt::Expr(value, None), locals)) => {
            locals.iter().all(|stmt| {
                matches!(stmt, Stmt::Local(syn::Local { init: Some(init), .. })
                    if init.diverge.is_none() && literal(&init.expr))
            }) && !locals.is_empty()
                && is_simple_operand(value, 0)
        }
        _ => false,
    }
}

fn is_one_trivial_thing(block: &syn::Block) -> bool {
    use syn::{Expr, Stmt};
    let stmts: Vec<&Stmt> = block
        .stmts
        .iter()
        .filter(|stmt| !is_cfg_gated(stmt_attrs(stmt)))
        .collect();
    match stmts.as_slice() {
        [Stmt::Expr(Expr::Match(m), None)] => {
            is_trivial_expr(&m.expr, 0)
                && m.arms.iter().all(|arm| {
                    arm.guard.is_none() && (is_trivial_expr(&arm.body, 0) || forwards(&arm.body))
                })
        }
        [Stmt::Expr(Expr::Unsafe(u), None)] => is_one_trivial_thing(&u.block),
        [Stmt::Expr(expr, None)] => is_trivial_expr(expr, 0) || forwards(expr),
        [Stmt::Expr(effect, Some(_))] => forwards_or_sets(effect),
        [Stmt::Expr(effect, Some(_)), Stmt::Expr(value, None)] => {
            forwards_or_sets(effect) && is_simple_operand(value, 0)
        }
        _ => false,
    }
}

/// Deeper than this, an expression is logic rather than a forwarded call.
const MAX_FORWARD_DEPTH: u32 = 6;

/// One call that forwards to another: its receiver is a place or a chain of getters
/// (`self.project().inner`, `Pin::new(&mut self.io)`), its arguments are plain operands or
/// closures that forward in turn; awaited, `?`-ed, or adapted without closures
/// (`.map(Some)`) at most.
fn forwards(expr: &syn::Expr) -> bool {
    use syn::Expr;
    match expr {
        Expr::Await(e) => forwards(&e.base),
        Expr::Try(e) => forwards(&e.expr),
        Expr::Paren(e) => forwards(&e.expr),
        Expr::MethodCall(m) => {
            is_simple_operand(&m.receiver, 0) && m.args.iter().all(is_forwarded_arg)
        }
        Expr::Call(c) => matches!(&*c.func, Expr::Path(_)) && c.args.iter().all(is_forwarded_arg),
        _ => false,
    }
}

/// A forwarding call, or a setter (`self.name = Some(Arc::new(f))`).
fn forwards_or_sets(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Assign(a) => {
            is_simple_operand(&a.left, 0) && (is_simple_operand(&a.right, 0) || forwards(&a.right))
        }
        other => forwards(other),
    }
}

fn is_forwarded_arg(arg: &syn::Expr) -> bool {
    match arg {
        syn::Expr::Closure(c) => is_simple_operand(&c.body, 0) || forwards(&c.body),
        other => is_simple_operand(other, 0),
    }
}

/// A plain operand: a path, a literal, a field, or a call of those without closures or
/// control flow (`self.inner.as_ref().unwrap()`, `Some(())`, `Interest::READABLE | x`).
fn is_simple_operand(expr: &syn::Expr, depth: u32) -> bool {
    use syn::Expr;
    if depth > MAX_FORWARD_DEPTH {
        return false;
    }
    let simple = |e: &Expr| is_simple_operand(e, depth + 1);
    match expr {
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Field(e) => simple(&e.base),
        Expr::Reference(e) => simple(&e.expr),
        Expr::Unary(e) => simple(&e.expr),
        Expr::Paren(e) => simple(&e.expr),
        Expr::Cast(e) => simple(&e.expr),
        Expr::Await(e) => simple(&e.base),
        Expr::Try(e) => simple(&e.expr),
        Expr::Index(e) => simple(&e.expr) && simple(&e.index),
        Expr::Binary(e) => simple(&e.left) && simple(&e.right),
        Expr::Tuple(e) => e.elems.iter().all(simple),
        Expr::MethodCall(m) => simple(&m.receiver) && m.args.iter().all(simple),
        Expr::Call(c) => matches!(&*c.func, Expr::Path(_)) && c.args.iter().all(simple),
        _ => false,
    }
}

fn is_trivial_expr(expr: &syn::Expr, depth: u32) -> bool {
    if depth > 4 {
        return false;
    }
    let simple = |e: &syn::Expr| is_trivial_expr(e, depth + 1);
    match expr {
        syn::Expr::Lit(_) | syn::Expr::Path(_) => true,
        syn::Expr::Field(f) => simple(&f.base),
        syn::Expr::Reference(r) => simple(&r.expr),
        syn::Expr::Paren(p) => simple(&p.expr),
        syn::Expr::Struct(s) => {
            s.fields.iter().all(|f| simple(&f.expr)) && s.rest.as_deref().is_none_or(simple)
        }
        // A call is a delegation at the top of a body, or an empty value (`Vec::new()`);
        // a call with arguments inside a literal is logic.
        syn::Expr::Call(c) => {
            (depth == 0 || c.args.is_empty()) && simple(&c.func) && c.args.iter().all(simple)
        }
        syn::Expr::MethodCall(m) => depth == 0 && simple(&m.receiver) && m.args.iter().all(simple),
        syn::Expr::Unary(u) => simple(&u.expr),
        syn::Expr::Tuple(t) => t.elems.iter().all(simple),
        syn::Expr::Macro(m) => m.mac.path.is_ident("unreachable") || m.mac.path.is_ident("panic"),
        _ => false,
    }
}

fn attrs_start(attrs: &[syn::Attribute]) -> Option<Span> {
    attrs.first().map(|attr| attr.pound_token.span)
}

fn stmt_start(stmt: &syn::Stmt) -> Span {
    match stmt {
        syn::Stmt::Local(local) => attrs_start(&local.attrs).unwrap_or(local.let_token.span),
        syn::Stmt::Expr(expr, _) => expr_start(expr),
        syn::Stmt::Macro(mac) => {
            attrs_start(&mac.attrs).unwrap_or_else(|| path_start(&mac.mac.path))
        }
        syn::Stmt::Item(item) => syn::spanned::Spanned::span(item),
    }
}

fn path_start(path: &syn::Path) -> Span {
    path.leading_colon
        .map(|c| c.spans[0])
        .or_else(|| path.segments.first().map(|seg| seg.ident.span()))
        .unwrap_or_else(Span::call_site)
}

/// The outer attributes of an expression, for the kinds that can start a statement.
fn expr_attrs(expr: &syn::Expr) -> &[syn::Attribute] {
    use syn::Expr;
    match expr {
        Expr::Array(e) => &e.attrs,
        Expr::Assign(e) => &e.attrs,
        Expr::Async(e) => &e.attrs,
        Expr::Await(e) => &e.attrs,
        Expr::Binary(e) => &e.attrs,
        Expr::Block(e) => &e.attrs,
        Expr::Break(e) => &e.attrs,
        Expr::Call(e) => &e.attrs,
        Expr::Closure(e) => &e.attrs,
        Expr::ForLoop(e) => &e.attrs,
        Expr::If(e) => &e.attrs,
        Expr::Loop(e) => &e.attrs,
        Expr::Match(e) => &e.attrs,
        Expr::MethodCall(e) => &e.attrs,
        Expr::Return(e) => &e.attrs,
        Expr::Unsafe(e) => &e.attrs,
        Expr::While(e) => &e.attrs,
        Expr::Macro(e) => &e.attrs,
        _ => &[],
    }
}

fn stmt_attrs(stmt: &syn::Stmt) -> &[syn::Attribute] {
    match stmt {
        syn::Stmt::Local(local) => &local.attrs,
        syn::Stmt::Expr(expr, _) => expr_attrs(expr),
        syn::Stmt::Macro(mac) => &mac.attrs,
        syn::Stmt::Item(item) => item_attrs(item),
    }
}

fn is_cfg_gated(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident("cfg"))
}

/// The span of an expression's first token, found without re-generating its tokens.
fn expr_start(expr: &syn::Expr) -> Span {
    use syn::Expr;
    if let Some(span) = attrs_start(expr_attrs(expr)) {
        return span;
    }
    match expr {
        Expr::Array(e) => e.bracket_token.span.open(),
        Expr::Assign(e) => expr_start(&e.left),
        Expr::Async(e) => e.async_token.span,
        Expr::Await(e) => expr_start(&e.base),
        Expr::Binary(e) => expr_start(&e.left),
        Expr::Block(e) => e
            .label
            .as_ref()
            .map_or(e.block.brace_token.span.open(), |l| l.name.apostrophe),
        Expr::Break(e) => e.break_token.span,
        Expr::Call(e) => expr_start(&e.func),
        Expr::Cast(e) => expr_start(&e.expr),
        Expr::Closure(e) => e
            .lifetimes
            .as_ref()
            .map(|l| l.for_token.span)
            .or(e.constness.map(|t| t.span))
            .or(e.movability.map(|t| t.span))
            .or(e.asyncness.map(|t| t.span))
            .or(e.capture.map(|t| t.span))
            .unwrap_or(e.or1_token.spans[0]),
        Expr::Continue(e) => e.continue_token.span,
        Expr::Field(e) => expr_start(&e.base),
        Expr::ForLoop(e) => e
            .label
            .as_ref()
            .map_or(e.for_token.span, |l| l.name.apostrophe),
        Expr::If(e) => e.if_token.span,
        Expr::Index(e) => expr_start(&e.expr),
        Expr::Let(e) => e.let_token.span,
        Expr::Lit(e) => e.lit.span(),
        Expr::Loop(e) => e
            .label
            .as_ref()
            .map_or(e.loop_token.span, |l| l.name.apostrophe),
        Expr::Macro(e) => path_start(&e.mac.path),
        Expr::Match(e) => e.match_token.span,
        Expr::MethodCall(e) => expr_start(&e.receiver),
        Expr::Paren(e) => e.paren_token.span.open(),
        Expr::Path(e) => e
            .qself
            .as_ref()
            .map_or_else(|| path_start(&e.path), |q| q.lt_token.span),
        Expr::Range(e) => e
            .start
            .as_deref()
            .map_or_else(|| syn::spanned::Spanned::span(&e.limits), expr_start),
        Expr::Reference(e) => e.and_token.span,
        Expr::Return(e) => e.return_token.span,
        Expr::Struct(e) => e
            .qself
            .as_ref()
            .map_or_else(|| path_start(&e.path), |q| q.lt_token.span),
        Expr::Try(e) => expr_start(&e.expr),
        Expr::Tuple(e) => e.paren_token.span.open(),
        Expr::Unary(e) => syn::spanned::Spanned::span(&e.op),
        Expr::Unsafe(e) => e.unsafe_token.span,
        Expr::While(e) => e
            .label
            .as_ref()
            .map_or(e.while_token.span, |l| l.name.apostrophe),
        Expr::Yield(e) => e.yield_token.span,
        other => syn::spanned::Spanned::span(other),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn parse(src: &str) -> ParsedFile {
        parse_str(src, "krate", false).unwrap()
    }

    #[test]
    fn records_functions_methods_and_impls_with_item_paths() {
        let file = parse(
            "mod inner {\n    pub fn free(a: u32) -> u32 {\n        a + 1\n    }\n}\nstruct S;\nimpl S {\n    fn method(&self) {}\n}\n",
        );
        let items: Vec<(&str, UnitKind, u32, u32)> = file
            .units
            .iter()
            .map(|u| (u.item.as_str(), u.kind, u.start_line, u.end_line))
            .collect();
        assert_eq!(
            items,
            vec![
                ("krate::inner::free", UnitKind::Fn, 2, 4),
                ("krate::<impl S>", UnitKind::Impl, 7, 9),
                ("krate::S::method", UnitKind::Method, 8, 8),
            ]
        );
    }

    #[test]
    fn statement_ranges_cover_each_statement() {
        let file = parse("fn f(v: &mut Vec<u32>) {\n    let a = v.len();\n    v.push(a as u32);\n    if a > 2 { v.clear(); }\n}\n");
        let seq = &file.seqs[0];
        assert_eq!(seq.stmts.len(), 3);
        let lines: Vec<u32> = seq
            .stmts
            .iter()
            .map(|r| file.tokens[r.start as usize].line)
            .collect();
        assert_eq!(lines, vec![2, 3, 4]);
        // The last statement ends just before the closing brace of the body.
        let last = seq.stmts[2].clone();
        assert_eq!(file.tokens[last.end as usize - 1].class, TokClass::Close);
        assert_eq!(file.tokens[last.end as usize].line, 5);
    }

    #[test]
    fn doc_comments_and_comments_do_not_change_tokens() {
        let a = parse("/// Adds.\nfn f(a: u32) -> u32 {\n    // one\n    a + 1\n}\n");
        let b = parse("fn f(a: u32) -> u32 { a + 1 }\n");
        let syms = |f: &ParsedFile| f.tokens.iter().map(|t| t.sym).collect::<Vec<_>>();
        assert_eq!(syms(&a), syms(&b));
    }

    #[test]
    fn test_code_is_skipped_unless_asked_for() {
        let src = "#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { assert!(true); }\n}\n#[test]\nfn u() {}\n";
        assert!(parse_str(src, "k", false).unwrap().units.is_empty());
        assert_eq!(parse_str(src, "k", true).unwrap().units.len(), 2);
    }

    #[test]
    fn syntax_error_reports_line_and_column() {
        let err = parse_str("fn ok() {}\nfn broken( {\n}\n", "k", false).unwrap_err();
        match err {
            SourceError::Syntax { line, .. } => assert!(line >= 2, "{line}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn end_of_input_points_at_the_last_line() {
        let err = parse_str("fn ok() {}\n\n/// Dangling doc comment.\n", "k", false).unwrap_err();
        assert!(
            matches!(err, SourceError::Syntax { line: 3, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn lex_error_is_reported() {
        let err =
            parse_str("fn ok() {}\nfn f() {\n    let s = \"ab;\n}\n", "k", false).unwrap_err();
        assert!(
            matches!(
                err,
                SourceError::Syntax {
                    line: 3,
                    column: 13,
                    ..
                }
            ),
            "{err:?}"
        );
        let err = parse_str(
            "/* a { */\nfn f() {\n    let c = '{';\n    let s = r#\"}\"#;\n    g(]\n}\n",
            "k",
            false,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                SourceError::Syntax {
                    line: 5,
                    column: 7,
                    ..
                }
            ),
            "{err:?}"
        );
        let err = parse_str("fn f<'a>(x: &'a str) {\n", "k", false).unwrap_err();
        assert!(
            matches!(
                err,
                SourceError::Syntax {
                    line: 1,
                    column: 22,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn allow_marker_suppresses_the_next_item() {
        let file = parse("// cargo-loop: allow(duplicate)\n#[inline]\nfn f() {\n    let a = 1;\n    let b = 2;\n}\nfn g() {}\n");
        assert!(file.units[0].suppressed);
        assert!(file.seqs[0].suppressed);
        assert!(!file.units[1].suppressed);
    }

    #[test]
    fn out_of_line_modules_are_recorded_with_path_attributes() {
        let file = parse("mod a;\n#[path = \"x/y.rs\"]\nmod b;\nmod c {\n    mod d;\n}\n#[cfg_attr(unix, path = \"unix.rs\")]\n#[cfg_attr(windows, path = \"windows.rs\")]\nmod sys;\n");
        let mods: Vec<(&str, Option<&str>, Vec<String>)> = file
            .mods
            .iter()
            .map(|m| {
                (
                    m.name.as_str(),
                    m.path_attr.as_deref(),
                    m.inline_parents.clone(),
                )
            })
            .collect();
        assert_eq!(
            mods,
            vec![
                ("a", None, vec![]),
                ("b", Some("x/y.rs"), vec![]),
                ("d", None, vec!["c".to_string()]),
                ("sys", Some("unix.rs"), vec![]),
                ("sys", Some("windows.rs"), vec![]),
                ("sys", None, vec![])
            ]
        );
    }

    #[test]
    fn trivial_bodies_are_flagged() {
        let file = parse("impl S {\n    fn name(&self) -> &str { &self.name }\n    fn new(x: u32) -> Self { Self { x, y: Vec::new() } }\n    fn work(&self) -> u32 { let a = 1; a }\n}\n");
        let trivial: Vec<bool> = file
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Method)
            .map(|u| u.trivial)
            .collect();
        assert_eq!(trivial, vec![true, true, false]);
    }

    #[test]
    fn delegations_and_setters_are_trivial_but_logic_is_not() {
        let file = parse(
            "impl S {
    fn a(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<usize> {
        self.project().inner.poll_write(cx, buf)
    }
    fn b(&self, f: impl FnOnce() -> R) -> R {
        self.registration().try_io(Interest::READABLE, || f())
    }
    async fn c(&mut self) -> Option<()> {
        self.inner.recv().await;
        Some(())
    }
    fn d(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        self.inner.poll_recv(cx).map(Some)
    }
    fn e(&mut self, buf: &[u8]) -> Poll<usize> {
        Pin::new(&mut self.std).poll_write(cx, buf)
    }
    fn f(&mut self, n: usize) {
        self.lock.s.release(n);
        #[cfg(feature = \"tracing\")]
        self.span.in_scope(|| trace!(locked = false));
    }
    fn g(&mut self, f: F) -> &mut Self {
        self.after_start = Some(Arc::new(f));
        self
    }
    fn h(&self) -> usize {
        self.items.iter().map(|x| x.len()).sum()
    }
    fn i(&self) -> u32 {
        let n = self.inner.get();
        n + 1
    }
    fn j(&self) -> bool {
        if self.a { self.b.check() } else { false }
    }
    fn k(lit: &Literal) -> Properties {
        let inner = PropertiesI {
            minimum_len: Some(lit.0.len()),
            look_set: LookSet::empty(),
            utf8: core::str::from_utf8(&lit.0).is_ok(),
        };
        Properties(Box::new(inner))
    }
    fn l(lit: &Literal) -> Properties {
        let inner = PropertiesI { minimum_len: lit.iter().map(|b| b.len()).sum() };
        Properties(Box::new(inner))
    }
}
",
        );
        let trivial: Vec<(&str, bool)> = file
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Method)
            .map(|u| (u.item.rsplit("::").next().unwrap(), u.trivial))
            .collect();
        assert_eq!(
            trivial,
            vec![
                ("a", true),
                ("b", true),
                ("c", true),
                ("d", true),
                ("e", true),
                // The gated statement is scaffolding: one forwarding call is left.
                ("f", true),
                ("g", true),
                // A pipeline of closures, a local, a branch: logic.
                ("h", false),
                ("i", false),
                ("j", false),
                // A value stated field by field, then wrapped: a constructor.
                ("k", true),
                // A field computed by a closure pipeline: logic.
                ("l", false),
            ]
        );
    }

    /// A god module is measured by its own code: an inline child counts for itself, and test
    /// modules that are not analysed count for nobody.
    #[test]
    fn module_code_lines_leave_out_inline_children_and_skipped_tests() {
        let src = "pub fn a() {}\npub fn b() {}\nmod inner {\n    pub fn c() {}\n    pub fn d() {}\n}\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        assert!(true);\n    }\n}\n";
        let parsed = parse_str(src, "k", false).unwrap();
        let lines = |path: &str| {
            parsed
                .modules
                .iter()
                .find(|m| m.path == path)
                .unwrap()
                .code_lines
        };
        // `a`, `b` and the `#[cfg(test)]` attribute line before the skipped module.
        assert!(lines("k") <= 3, "{}", lines("k"));
        assert_eq!(lines("k::inner"), 4);
        let with_tests = parse_str(src, "k", true).unwrap();
        assert_eq!(
            with_tests
                .modules
                .iter()
                .find(|m| m.path == "k::tests")
                .unwrap()
                .code_lines,
            6
        );
    }

    #[test]
    fn code_lines_leave_out_comments_blank_lines_and_attributes() {
        let file = parse(
            "/// Doc.
#[inline]
fn f(a: u32) -> u32 {
    // a comment

    #[allow(unused)]
    let b = a
        + 1;
    #[cfg(feature = \"x\")]
    trace(b);
    b
}
",
        );
        let unit = &file.units[0];
        assert_eq!((unit.start_line, unit.end_line), (3, 12));
        // `fn`, `let b`, `+ 1`, `trace`, `b`, `}`.
        assert_eq!(file.code_lines(unit.tokens.clone()), 6);
        // The gated statement aside.
        assert_eq!(file.logic_lines(unit.tokens.clone()), 5);
        let first_attr = file.tokens_on_lines(6, 6);
        assert!(first_attr.clone().all(|i| file.is_attribute(i)));
        let gated = file.tokens_on_lines(10, 10);
        assert!(gated
            .clone()
            .all(|i| file.is_gated(i) && !file.is_attribute(i)));
    }
}
