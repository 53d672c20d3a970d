//! How large a prompt is, in estimated tokens, and what the context budget (`--context-tokens`)
//! cuts to fit: the least relevant context first, each cut named for the audit trail.
//!
//! The order is: signatures, least used first; then the imports of each file, last file
//! first; then the lines of enclosing items, outermost first; then long instances (a whole
//! module) as outlines of their items, longest first; then the code of instances after the
//! second, last first, each replaced by a line saying where it is. The first two instances
//! are the finding itself and are never cut whole, nor are the finding and the feedback: a
//! prompt that cannot fit without them is sent over budget.

use super::context::{Code, Context};

/// Estimated tokens of `text`: its bytes divided by four, rounded up.
///
/// BPE tokenizers average about four bytes per token on English and Rust, and no tokenizer
/// is at hand offline to count exactly. Counting bytes rather than characters overestimates
/// text that is not ASCII, which errs on the side of staying within a model's window.
pub fn estimate_tokens(text: &str) -> usize {
    tokens_of(text.len())
}

/// [`estimate_tokens`] of a text of `bytes` bytes.
pub(super) fn tokens_of(bytes: usize) -> usize {
    bytes.div_ceil(4)
}

/// Cuts context from `ctx` until `size(ctx)`, the estimated tokens of the whole prompt, is
/// at most `budget` or nothing more may be cut. Returns what was cut, one phrase each.
pub(super) fn fit(
    ctx: &mut Context,
    budget: usize,
    size: impl Fn(&Context) -> usize,
) -> Vec<String> {
    let mut cut = Vec::new();
    while size(ctx) > budget {
        match cut_one(ctx) {
            Some(phrase) => cut.push(phrase),
            None => break,
        }
    }
    cut
}

/// Cuts the least relevant piece of context left; `None` when only what is never cut is left.
fn cut_one(ctx: &mut Context) -> Option<String> {
    if let Some(signature) = ctx.signatures.pop() {
        return Some(format!(
            "signature of `{}` ({}:{})",
            signature.name, signature.file, signature.line
        ));
    }
    if let Some(imports) = ctx.imports.pop() {
        return Some(format!("imports of {}", imports.file));
    }
    if let Some(instance) = ctx
        .instances
        .iter_mut()
        .rev()
        .find(|instance| !instance.enclosing.is_empty())
    {
        let header = instance.enclosing.remove(0);
        let first = header.text.lines().next().unwrap_or_default().trim();
        return Some(format!(
            "enclosing `{first}` ({}:{})",
            header.file, header.line
        ));
    }
    // A long instance (a whole module) as the outline of its items, longest first.
    let longest = ctx
        .instances
        .iter_mut()
        .filter(|i| !i.outlined && !i.elided && i.outline.is_some())
        .max_by_key(|i| i.location.end_line - i.location.start_line);
    if let Some(instance) = longest {
        instance.outlined = true;
        let location = &instance.location;
        return Some(format!(
            "bodies in `{}` ({}:{}-{}), shown as an outline",
            location.item, location.file, location.start_line, location.end_line
        ));
    }
    let instance = ctx
        .instances
        .iter_mut()
        .skip(2)
        .rev()
        .find(|instance| !instance.elided && matches!(instance.code, Code::Lines(_)))?;
    instance.elided = true;
    let location = &instance.location;
    Some(format!(
        "code of `{}` ({}:{}-{})",
        location.item, location.file, location.start_line, location.end_line
    ))
}
