//! Lexing: the flat token form of a file, and where a file that does not lex goes wrong.

use std::fmt::Write;
use std::ops::Range;

use proc_macro2::{Delimiter, LineColumn, Span, TokenStream, TokenTree};

use super::parsed::SourceError;
use crate::token::{classify_ident, classify_literal, hash_str, Tok, TokClass};

/// Locates a lexing error, which proc-macro2 reports without a position, with a small scan
/// that knows comments, strings and character literals: an unbalanced or mismatched
/// delimiter, or an unterminated literal or comment.
#[expect(
    clippy::many_single_char_names,
    reason = "a scanner's cursor: index, line, column, char"
)]
pub(super) fn lex_error(text: &str) -> SourceError {
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

fn is_doc_attr(group: &proc_macro2::Group) -> bool {
    group.delimiter() == Delimiter::Bracket
        && matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(ident)) if ident == "doc")
}
