//! How deeply a file's tokens nest, measured before anything recursive reads them.
//!
//! syn's parser, its visitors and the drop of its syntax tree recurse once per level of
//! nesting (a block, a parenthesis, a generic argument), and a file nested a few thousand
//! levels deep overflows a thread's stack: the process aborts and the whole report is lost.
//! Lexing is iterative in proc-macro2, and so is the walk here, so a file nested past
//! [`MAX_NESTING`] is refused before syn sees it, as a warning with its position.

use proc_macro2::{Delimiter, LineColumn, Spacing, TokenStream, TokenTree};

/// Levels of nesting (delimiters and generic angle brackets) past which a file is not parsed.
///
/// Hand-written code stays far below it. At this depth syn's recursion was measured to need
/// about 1 MiB of stack in a release build (2 MiB is a spawned thread's default) and 7 MiB
/// in a debug build (the main thread has 8 MiB), at the costliest level (generic arguments).
pub const MAX_NESTING: usize = 128;

/// Where the tokens of `text` first nest deeper than [`MAX_NESTING`] levels, as a 1-based
/// `(line, column)`; `None` when they do not, or when `text` does not lex (syn then refuses
/// it before recursing). Levels are brackets, parentheses and braces, and generic angle
/// brackets (`Vec<Vec<u8>>` is two). Call it before `syn::parse_file` on text that may be
/// hostile, such as an agent's answer.
pub fn too_deep(text: &str) -> Option<(usize, usize)> {
    let stream = text.parse::<TokenStream>().ok()?;
    stream_too_deep(&stream).map(|at| (at.line, at.column + 1))
}

/// [`too_deep`] on a lexed stream: the start of the first token past the limit.
pub(super) fn stream_too_deep(stream: &TokenStream) -> Option<LineColumn> {
    walk(stream, MAX_NESTING).1
}

/// The angle brackets open in one delimited group: `<` opens (not in `<=`, `<<`), `>` closes
/// (not in `->`, `=>`, `>=`). Comparisons are not associative in Rust, so resetting at the
/// tokens that separate clauses (`;`, `,`, `=`, `==`, `&&`, `||`, a block) keeps a run of
/// comparisons from adding up. Generic arguments after a comma then count from it: nesting
/// that hides that way is left to the parsing threads' large stacks.
#[derive(Default)]
struct Angles {
    open: usize,
    /// The previous token, when it is punctuation joined to this one (`-` of `->`).
    joined: Option<char>,
}

impl Angles {
    /// Counts punctuation `c`; `next` is the punctuation joined after it, if any.
    fn punct(&mut self, c: char, spacing: Spacing, next: Option<char>) {
        let after = self.joined.take();
        if spacing == Spacing::Joint {
            self.joined = Some(c);
        }
        match c {
            '<' if after != Some('<') && !matches!(next, Some('=' | '<')) => self.open += 1,
            '>' if !matches!(after, Some('-' | '=')) && next != Some('=') => {
                self.open = self.open.saturating_sub(1);
            }
            ';' | ',' => self.open = 0,
            '=' if after.is_none() || after == Some('=') => self.open = 0,
            '&' | '|' if after == Some(c) => self.open = 0,
            _ => {}
        }
    }
}

/// One delimited group being walked: its tokens, its angle brackets, and the levels open
/// around it.
struct Frame {
    tokens: std::iter::Peekable<proc_macro2::token_stream::IntoIter>,
    angles: Angles,
    base: usize,
}

impl Frame {
    fn new(stream: TokenStream, base: usize) -> Frame {
        Frame {
            tokens: stream.into_iter().peekable(),
            angles: Angles::default(),
            base,
        }
    }

    /// The level of the frame's next token, counting the tree `token` opens, if a group.
    fn level(&mut self, token: &TokenTree) -> (usize, LineColumn) {
        match token {
            TokenTree::Punct(punct) => {
                let next = match (punct.spacing(), self.tokens.peek()) {
                    (Spacing::Joint, Some(TokenTree::Punct(next))) => Some(next.as_char()),
                    _ => None,
                };
                self.angles.punct(punct.as_char(), punct.spacing(), next);
                (self.base + self.angles.open, punct.span().start())
            }
            TokenTree::Group(group) => {
                self.angles.joined = None;
                if group.delimiter() == Delimiter::Brace {
                    // A block ends the clause before it (`if a < b { .. }`).
                    self.angles.open = 0;
                }
                (self.base + self.angles.open + 1, group.span_open().start())
            }
            _ => {
                self.angles.joined = None;
                (self.base + self.angles.open, token.span().start())
            }
        }
    }
}

/// The deepest nesting in `stream` (the levels of [`too_deep`]), and where it first exceeds
/// `limit` (the walk stops there).
/// Iterative: a stack of the groups being walked.
pub(super) fn walk(stream: &TokenStream, limit: usize) -> (usize, Option<LineColumn>) {
    let mut stack = vec![Frame::new(stream.clone(), 0)];
    let mut deepest = 0;
    while let Some(frame) = stack.last_mut() {
        let Some(token) = frame.tokens.next() else {
            stack.pop();
            continue;
        };
        let (level, start) = frame.level(&token);
        deepest = deepest.max(level);
        if level > limit {
            return (deepest, Some(start));
        }
        if let TokenTree::Group(group) = token {
            stack.push(Frame::new(group.stream(), level));
        }
    }
    (deepest, None)
}
