//! Lexing: the flat token form of a file, and where a file that does not lex goes wrong.

use std::fmt::Write;
use std::ops::Range;

use proc_macro2::{Delimiter, LineColumn, Span, TokenStream, TokenTree};

use super::parsed::SourceError;
use crate::analysis::source::token::{
    classify_ident, classify_literal, hash_str, names_a_type, Tok, TokClass,
};

/// Explains a lexing error. proc-macro2 gives only where the token it could not read starts
/// (`at`, a 0-based column); a small scan that knows comments, strings and character
/// literals finds an unbalanced or mismatched delimiter, an unterminated literal or comment,
/// or a carriage return where it is not allowed, with its exact position. Anything else is
/// described from the character at `at`.
pub(super) fn lex_error(text: &str, at: LineColumn) -> SourceError {
    let mut cursor = Cursor {
        chars: text.chars().collect(),
        i: 0,
        line: 1,
        col: 1,
    };
    match cursor.scan() {
        Err(error) => error,
        Ok(()) => SourceError::Lex {
            line: at.line.max(1),
            column: at.column + 1,
            message: describe(text.split('\n').nth(at.line.saturating_sub(1)), at.column),
        },
    }
}

/// What is at 0-based `column` of `line`, for a token proc-macro2 could not read there.
fn describe(line: Option<&str>, column: usize) -> String {
    match line.and_then(|l| l.chars().nth(column)) {
        Some('\0') => "a NUL character (U+0000)".to_string(),
        Some('\r') => BARE_CR.to_string(),
        Some(c) if c.is_control() => format!("the control character U+{:04X}", c as u32),
        Some(c) if c == '"' || c == '\'' || c.is_alphanumeric() => {
            format!("an invalid literal starting with `{c}`")
        }
        Some(c) if c.is_whitespace() => {
            format!("the whitespace character U+{:04X}", c as u32)
        }
        Some(c) => format!("an unexpected character `{c}` (U+{:04X})", c as u32),
        None => "an unreadable token".to_string(),
    }
}

const BARE_CR: &str = "a carriage return (U+000D) not followed by a line feed";

fn lexical(line: usize, column: usize, message: String) -> SourceError {
    SourceError::Lex {
        line,
        column,
        message,
    }
}

/// A position in the text being scanned for a lexing error, with its line and column.
struct Cursor {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
}

fn syntax(line: usize, column: usize, message: String) -> SourceError {
    SourceError::Syntax {
        line,
        column,
        message,
    }
}

impl Cursor {
    fn at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.i + offset).copied()
    }

    /// Advances over `n` characters, keeping line and column.
    fn step(&mut self, n: usize) {
        for _ in 0..n {
            if self.at(0) == Some('\n') {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
            self.i += 1;
        }
    }

    /// Scans to the end; the first unbalanced delimiter or unterminated literal is the error.
    fn scan(&mut self) -> Result<(), SourceError> {
        let mut open: Vec<(char, usize, usize)> = Vec::new();
        while let Some(c) = self.at(0) {
            match (c, self.at(1)) {
                ('/', Some('/')) => self.line_comment()?,
                ('/', Some('*')) => self.block_comment()?,
                ('"', _) => self.string()?,
                ('\'', _) => self.char_or_lifetime(),
                ('(' | '[' | '{', _) => {
                    open.push((c, self.line, self.col));
                    self.step(1);
                }
                (')' | ']' | '}', _) => {
                    let opener = match c {
                        ')' => '(',
                        ']' => '[',
                        _ => '{',
                    };
                    match open.pop() {
                        Some((o, _, _)) if o == opener => {}
                        Some((o, l, k)) => {
                            return Err(syntax(
                                self.line,
                                self.col,
                                format!(
                                "mismatched closing delimiter `{c}` for `{o}` opened at {l}:{k}"
                            ),
                            ))
                        }
                        None => {
                            return Err(syntax(
                                self.line,
                                self.col,
                                format!("unexpected closing delimiter `{c}`"),
                            ))
                        }
                    }
                    self.step(1);
                }
                _ => self.step(1),
            }
        }
        match open.pop() {
            Some((o, l, k)) => Err(syntax(l, k, format!("unclosed delimiter `{o}`"))),
            None => Ok(()),
        }
    }

    /// A carriage return not followed by a line feed, where a literal or a doc comment
    /// cannot hold one.
    fn bare_cr(&self, inside: &str) -> Result<(), SourceError> {
        if self.at(0) == Some('\r') && self.at(1) != Some('\n') {
            return Err(lexical(
                self.line,
                self.col,
                format!("{BARE_CR} in {inside}"),
            ));
        }
        Ok(())
    }

    /// Whether the comment starting here is a doc comment (`///`, `//!`, `/**`, `/*!`, but not
    /// `////`, `/***` or `/**/`).
    fn doc_comment(&self) -> bool {
        match (self.at(2), self.at(3)) {
            (Some('!'), _) => true,
            (Some('/'), next) => self.at(1) == Some('/') && next != Some('/'),
            (Some('*'), next) => self.at(1) == Some('*') && !matches!(next, Some('*' | '/')),
            _ => false,
        }
    }

    /// A line comment; a doc comment cannot hold a bare carriage return.
    fn line_comment(&mut self) -> Result<(), SourceError> {
        let doc = self.doc_comment();
        while self.at(0).is_some_and(|c| c != '\n') {
            if doc {
                self.bare_cr("a doc comment")?;
            }
            self.step(1);
        }
        Ok(())
    }

    /// A block comment, nested ones included.
    fn block_comment(&mut self) -> Result<(), SourceError> {
        let (line, col) = (self.line, self.col);
        let doc = self.doc_comment();
        let mut depth = 0;
        loop {
            if doc {
                self.bare_cr("a doc comment")?;
            }
            match (self.at(0), self.at(1)) {
                (None, _) => return Err(syntax(line, col, "unterminated block comment".into())),
                (Some('/'), Some('*')) => depth += 1,
                (Some('*'), Some('/')) => depth -= 1,
                _ => {
                    self.step(1);
                    continue;
                }
            }
            self.step(2);
            if depth == 0 {
                return Ok(());
            }
        }
    }

    /// A string literal, raw (`r#"..."#`, whose hashes are just before the quote) or not.
    fn string(&mut self) -> Result<(), SourceError> {
        let (line, col) = (self.line, self.col);
        let before = &self.chars[..self.i];
        let hashes = before.iter().rev().take_while(|&&h| h == '#').count();
        let raw = self.i > hashes && before[self.i - hashes - 1] == 'r';
        self.step(1);
        loop {
            match self.at(0) {
                None => return Err(syntax(line, col, "unterminated string literal".into())),
                Some('\\') if !raw => self.step(2),
                Some('"') if !raw || (1..=hashes).all(|k| self.at(k) == Some('#')) => {
                    self.step(1 + if raw { hashes } else { 0 });
                    return Ok(());
                }
                Some(_) => {
                    self.bare_cr("a string literal")?;
                    self.step(1);
                }
            }
        }
    }

    /// A character literal, or a lifetime (`'a`), which has no closing quote.
    fn char_or_lifetime(&mut self) {
        let len = if self.at(1) == Some('\\') {
            self.chars[self.i + 2..]
                .iter()
                .position(|&q| q == '\'')
                .map(|p| p + 3)
        } else if self.at(2) == Some('\'') {
            Some(3)
        } else {
            None
        };
        self.step(len.unwrap_or(1));
    }
}

/// Flattens a token stream into [`Tok`]s, remembering where each token starts.
#[derive(Default)]
pub(super) struct Flattener {
    pub(super) tokens: Vec<Tok>,
    starts: Vec<LineColumn>,
    /// Token ranges of attributes, in the order they end.
    pub(super) attrs: Vec<Range<u32>>,
    /// Reused for each identifier's and literal's text, to save an allocation per token.
    text: String,
}

impl Flattener {
    pub(super) fn flatten(&mut self, stream: TokenStream) {
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
                TokenTree::Group(group) => self.group(&group, pending),
            }
        }
    }

    /// A delimited group, its delimiters included; `attr_start` is where the `#` (and `!`)
    /// before it start, if any: a bracket group after them is an attribute.
    fn group(&mut self, group: &proc_macro2::Group, attr_start: Option<u32>) {
        let (open, close) = crate::analysis::source::token::delimiters(group.delimiter());
        let fields =
            group.delimiter() == Delimiter::Brace && self.tokens.last().is_some_and(names_a_type);
        if !open.is_empty() {
            self.push(hash_str(open), TokClass::Open, group.span_open());
        }
        if fields {
            self.flatten(spelled_out(group.stream()));
        } else {
            self.flatten(group.stream());
        }
        if !close.is_empty() {
            self.push(hash_str(close), TokClass::Close, group.span_close());
        }
        if let Some(start) = attr_start.filter(|_| group.delimiter() == Delimiter::Bracket) {
            self.attrs.push(start..self.tokens.len() as u32);
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
    pub(super) fn index_at(&self, pos: LineColumn) -> u32 {
        self.starts
            .partition_point(|p| (p.line, p.column) < (pos.line, pos.column)) as u32
    }

    /// Token range from the token at `start` to the token at `last`, inclusive.
    pub(super) fn range(&self, start: Span, last: Span) -> Range<u32> {
        let begin = self.index_at(start.start());
        let end = (self.index_at(last.start()) + 1).min(self.tokens.len() as u32);
        begin..end.max(begin)
    }
}

/// The fields of a struct expression or pattern with shorthand spelled out: `Pair { a, b }`
/// is `Pair { a: a, b: b }`, so a copy that renamed the locals (`Pair { a: x, b: y }`) has the
/// same tokens but for the names. The added tokens start where the name does.
fn spelled_out(stream: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let comma =
        |tree: Option<&TokenTree>| matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == ',');
    let mut out = Vec::with_capacity(trees.len());
    for (i, tree) in trees.iter().enumerate() {
        out.push(tree.clone());
        let TokenTree::Ident(name) = tree else {
            continue;
        };
        let alone = (i == 0 || comma(trees.get(i - 1)))
            && (i + 1 == trees.len() || comma(trees.get(i + 1)));
        if alone && classify_ident(&name.to_string()) == TokClass::Ident {
            let mut colon = proc_macro2::Punct::new(':', proc_macro2::Spacing::Alone);
            colon.set_span(name.span());
            out.push(TokenTree::Punct(colon));
            out.push(tree.clone());
        }
    }
    out.into_iter().collect()
}

fn is_doc_attr(group: &proc_macro2::Group) -> bool {
    group.delimiter() == Delimiter::Bracket
        && matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(ident)) if ident == "doc")
}
