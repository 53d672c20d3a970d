//! Assembles a prompt: the stable part (`text.rs`) first, then the task: the finding and why
//! it matters, the package's edition, the code of every instance with its context as the
//! budget leaves it (`context.rs`, `budget.rs`), and the feedback of a refused attempt.

use std::fmt::Write;
use std::path::Path;

use super::budget::{self, tokens_of};
use super::context::{self, Code, Context, Instance};
use super::feedback::{fenced, Feedback};
use super::text;
use crate::refactor::finding::{Finding, FindingKind};

/// A prompt in two parts, so that the part every candidate shares can come first.
#[derive(Debug, Clone)]
pub struct Prompt {
    /// Identical for every candidate of a run (instructions, constraints, edit format with
    /// one worked example): sent first so providers' prompt caches hit.
    pub stable: String,
    /// The finding, its code and context, and feedback.
    pub task: String,
    /// Estimated tokens of stable + task.
    pub tokens: usize,
    /// What the context budget left out, one short phrase each (e.g. "signature of `Config`
    /// (src/config.rs:12)", "imports of src/a.rs"), for the audit trail.
    pub cut: Vec<String>,
}

impl Prompt {
    /// The whole prompt: stable then task.
    pub fn text(&self) -> String {
        format!("{}{}", self.stable, self.task)
    }
}

/// The prompt for `finding` in the workspace at `root`, its context cut to fit
/// `context_tokens` estimated tokens; `feedback` says why an earlier attempt was refused.
pub fn build(
    root: &Path,
    finding: &Finding,
    feedback: Option<&Feedback>,
    context_tokens: usize,
) -> Prompt {
    let mut ctx = context::gather(root, finding);
    let feedback = feedback.map(Feedback::render).unwrap_or_default();
    let size = |ctx: &Context| tokens_of(text::STABLE.len() + task(finding, ctx, &feedback).len());
    let cut = budget::fit(&mut ctx, context_tokens, size);
    let task = task(finding, &ctx, &feedback);
    Prompt {
        stable: text::STABLE.to_string(),
        tokens: tokens_of(text::STABLE.len() + task.len()),
        task,
        cut,
    }
}

/// The task part as the budget left the context.
fn task(finding: &Finding, ctx: &Context, feedback: &str) -> String {
    let mut out = heading(finding, ctx);
    out.push_str("\n## Code\n");
    for (i, instance) in ctx.instances.iter().enumerate() {
        out.push('\n');
        out.push_str(&instance_section(i + 1, instance, finding.kind));
    }
    if !ctx.imports.is_empty() {
        out.push_str("\n## Imports\n");
        for imports in &ctx.imports {
            let _ = write!(
                out,
                "\n{}:\n\n{}",
                imports.file,
                fenced("rust", &imports.text)
            );
        }
    }
    if !ctx.signatures.is_empty() {
        out.push_str("\n## Items the code uses\n");
        for signature in &ctx.signatures {
            let _ = write!(
                out,
                "\n`{}` ({}:{}):\n\n{}",
                signature.name,
                signature.file,
                signature.line,
                fenced("rust", &signature.text)
            );
        }
    }
    if !feedback.is_empty() {
        out.push('\n');
        out.push_str(feedback);
    }
    out
}

/// The finding, why it matters, its usual fix and the packages' editions.
fn heading(finding: &Finding, ctx: &Context) -> String {
    let kind = match finding.kind {
        FindingKind::Dup => "duplicated code",
        FindingKind::Smell => "code smell",
    };
    let mut out = format!(
        "# Task\n\nFinding {} ({kind}): {}\nWhy it matters: {}\n",
        finding.id,
        sentence(&finding.title),
        sentence(text::why(finding.kind)),
    );
    if !finding.suggestion.is_empty() {
        let _ = writeln!(out, "Usual fix: {}", sentence(&finding.suggestion));
    }
    for package in &ctx.packages {
        let edition = match &package.edition {
            Some(edition) => format!("edition {edition}"),
            None => "an edition inherited from a workspace that does not set one".to_string(),
        };
        let _ = writeln!(out, "Rust {edition} ({}).", package.manifest);
    }
    out
}

/// One instance: `path:first-last`, the lines around it, and its code or why it is missing.
fn instance_section(n: usize, instance: &Instance, kind: FindingKind) -> String {
    let location = &instance.location;
    let mut out = format!(
        "### {n}. {}:{}-{} (`{}`)\n\n",
        location.file, location.start_line, location.end_line, location.item
    );
    if instance.elided {
        let shape = match kind {
            FindingKind::Dup => " It has the same shape as the code above.",
            FindingKind::Smell => "",
        };
        let _ = writeln!(out, "Not shown, to fit the context budget.{shape}");
        return out;
    }
    for header in &instance.enclosing {
        let _ = write!(
            out,
            "Inside, from {}:{}:\n\n{}\n",
            header.file,
            header.line,
            fenced("rust", &header.text)
        );
    }
    match (&instance.code, &instance.outline) {
        (_, Some(outline)) if instance.outlined => {
            out.push_str("An outline: item bodies are left out to fit the context budget.\n\n");
            out.push_str(&fenced("rust", outline));
        }
        (Code::Lines(lines), _) => out.push_str(&fenced("rust", lines)),
        (Code::Missing(why), _) => {
            let _ = writeln!(out, "Not available: {why}.");
        }
    }
    out
}

/// `text` as a sentence ending with one period.
fn sentence(text: &str) -> String {
    format!("{}.", text.trim().trim_end_matches('.'))
}
