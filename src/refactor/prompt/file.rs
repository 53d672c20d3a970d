//! One source file as the prompt reads it: its text by line ranges and by syn spans, and its
//! syntax tree when syn can parse it. A file that is missing, too large, not UTF-8 or not
//! Rust gives less context, never an error: the prompt still shows what it can.

use std::path::Path;

use proc_macro2::{LineColumn, Span, TokenStream};
use syn::spanned::Spanned;

/// Files larger than this are not read: generated tables, not code an agent edits by hand.
const MAX_BYTES: u64 = 4 * 1024 * 1024;

pub(super) struct SourceFile {
    /// The path relative to the workspace root, with `/` separators.
    pub rel: String,
    pub text: String,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// `None` when syn cannot parse the file (or it nests too deeply to try).
    pub syntax: Option<syn::File>,
}

impl SourceFile {
    /// Reads `rel` under `root`; the error says why it could not be read, for the prompt.
    pub fn read(root: &Path, rel: &str) -> Result<Self, String> {
        let path = root.join(rel);
        let meta = std::fs::metadata(&path).map_err(|err| err.to_string())?;
        if !meta.is_file() {
            // Reading a named pipe would block; a directory cannot be read.
            return Err("not a regular file".to_string());
        }
        if meta.len() > MAX_BYTES {
            return Err(format!("larger than {} MiB", MAX_BYTES >> 20));
        }
        let text = std::fs::read_to_string(&path).map_err(|err| err.to_string())?;
        Ok(Self::new(rel, text))
    }

    pub fn new(rel: &str, text: String) -> Self {
        // syn skips a byte-order mark, which would shift the columns of the first line.
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        // syn recurses once per level of nesting: a hostile file could overflow the stack.
        let syntax = if crate::analysis::source::too_deep(&text).is_some() {
            None
        } else {
            syn::parse_file(&text).ok()
        };
        Self {
            rel: rel.to_string(),
            text,
            line_starts,
            syntax,
        }
    }

    /// How many lines the file has (a final newline does not start one).
    pub fn n_lines(&self) -> usize {
        if self.text.ends_with('\n') || self.text.is_empty() {
            self.line_starts.len() - 1
        } else {
            self.line_starts.len()
        }
    }

    /// Lines `first..=last` (1-based) verbatim, the last one cut at the end of the file;
    /// `None` when `first` is not a line of the file.
    pub fn lines(&self, first: usize, last: usize) -> Option<&str> {
        if first == 0 || first > self.n_lines() || last < first {
            return None;
        }
        let start = self.line_starts[first - 1];
        let end = self
            .line_starts
            .get(last)
            .copied()
            .unwrap_or(self.text.len());
        Some(&self.text[start..end])
    }

    /// The text between two span positions (proc-macro2 columns count chars, not bytes).
    pub fn slice(&self, from: LineColumn, to: LineColumn) -> &str {
        let start = self.offset(from);
        let end = self.offset(to).max(start);
        &self.text[start..end]
    }

    fn offset(&self, at: LineColumn) -> usize {
        let Some(&line_start) = self.line_starts.get(at.line.saturating_sub(1)) else {
            return self.text.len();
        };
        let column: usize = self.text[line_start..]
            .chars()
            .take_while(|&c| c != '\n')
            .take(at.column)
            .map(char::len_utf8)
            .sum();
        line_start + column
    }

    /// The file's tokens, when it lexes; identifiers are read from these, so that code in
    /// macro calls counts and a file syn cannot parse still gives them.
    pub fn tokens(&self) -> Option<TokenStream> {
        self.text.parse().ok()
    }
}

/// Where a node starts once its outer attributes and doc comments are skipped: the first
/// line a signature shows.
pub(super) fn start_after_attrs(node: &impl quote::ToTokens) -> LineColumn {
    let mut tokens = node.to_token_stream().into_iter().peekable();
    while let Some(token) = tokens.next() {
        let is_attr = matches!(&token, proc_macro2::TokenTree::Punct(p) if p.as_char() == '#')
            && matches!(tokens.peek(), Some(proc_macro2::TokenTree::Group(_)));
        if is_attr {
            tokens.next();
            continue;
        }
        return token.span().start();
    }
    node.span().start()
}

/// The 1-based lines a span covers.
pub(super) fn lines_of(span: Span) -> (usize, usize) {
    (span.start().line, span.end().line)
}
