//! Functions that are not whole copies of each other (near misses, or copies that differ in
//! a name or a type) but share a run of statements: the longest run of top-level statements
//! that every copy holds, alike up to local names and literals, is a duplicated block, and
//! [`super::block`] extracts it with all its checks. The copies' other statements stay.

use std::path::Path;

use quote::ToTokens;
use syn::spanned::Spanned;

use super::compare::{flatten, local_names, Tok};
use super::copy::{find_fn, find_method, item_path, read_source};
use crate::analysis::detectors::{CloneType, GroupKind};
use crate::refactor::agents::exchange::AgentError;
use crate::refactor::change::FileChange;
use crate::refactor::finding::{Finding, Location};

/// The fewest statements, and lines, a shared run must have to be worth a helper.
const MIN_STMTS: usize = 2;
const MIN_LINES: usize = 5;

/// How many shared runs are tried, longest first (each try only reads and parses).
const MAX_TRIES: usize = 12;

/// One top-level statement of a copy: its text with locals and literals blanked out, and
/// its lines.
struct Stmt {
    shape: String,
    lines: (u32, u32),
}

/// The changes that extract the run of statements every copy of `finding` shares, or why
/// there is none to extract.
pub(super) fn propose(finding: &Finding, root: &Path) -> Result<Vec<FileChange>, AgentError> {
    let bodies: Vec<Vec<Stmt>> = finding
        .locations
        .iter()
        .map(|location| statements(root, location))
        .collect::<Result<_, String>>()
        .map_err(AgentError::Declined)?;
    let runs = shared_runs(&bodies);
    if runs.is_empty() {
        return Err(AgentError::Declined(format!(
            "the copies of {} share no run of {MIN_STMTS} or more statements over {MIN_LINES} \
             lines or more; merging them is a job for an LLM agent",
            finding.id
        )));
    }
    // The longest run first; a shorter one may still move where the longest cannot (it
    // returns, say). The first reason is the one reported.
    let mut first_reason = None;
    for (first, len, starts) in runs.into_iter().take(MAX_TRIES) {
        let locations = finding
            .locations
            .iter()
            .zip(&bodies)
            .zip(std::iter::once(first).chain(starts))
            .map(|((location, body), at)| Location {
                file: location.file.clone(),
                start_line: body[at].lines.0,
                end_line: body[at + len - 1].lines.1,
                item: location.item.clone(),
            })
            .collect();
        let block = Finding {
            locations,
            clone: Some((GroupKind::Block, CloneType::Renamed)),
            ..finding.clone()
        };
        match super::block::propose(&block, root) {
            Ok(changes) => return Ok(changes),
            Err(err) => {
                first_reason.get_or_insert(err);
            }
        }
    }
    Err(first_reason.expect("one run was tried"))
}

/// A copy's top-level statements, or why it cannot be read.
fn statements(root: &Path, location: &Location) -> Result<Vec<Stmt>, String> {
    let (_, file) = read_source(root, location)?;
    let (path, name, _) = item_path(location);
    let function = find_fn(&file.items, &name, location.start_line)
        .cloned()
        .or_else(|| {
            let owner = path.last()?;
            find_method(&file.items, owner, &name, location.start_line).map(|(f, _)| f)
        })
        .ok_or_else(|| {
            format!(
                "`{}` is not a function or method at {}:{}",
                location.item, location.file, location.start_line
            )
        })?;
    let locals = local_names(&function);
    Ok(function
        .block
        .stmts
        .iter()
        .map(|stmt| {
            let mut tokens = Vec::new();
            flatten(stmt.to_token_stream(), &mut tokens);
            let shape: Vec<&str> = tokens
                .iter()
                .map(|(kind, text, _)| match kind {
                    Tok::Ident if locals.contains(text) => "$",
                    Tok::Literal => "#",
                    _ => text.as_str(),
                })
                .collect();
            let span = stmt.span();
            Stmt {
                shape: shape.join(" "),
                lines: (span.start().line as u32, span.end().line as u32),
            }
        })
        .collect())
}

/// The runs of statements of the first body that every other body holds too, longest
/// first, each as its start in the first body, its length, and its start in each other body.
/// Only runs of [`MIN_STMTS`] statements over [`MIN_LINES`] lines count; a shorter run
/// inside a longer one counts too (without the longer one's `return`, it may move).
fn shared_runs(bodies: &[Vec<Stmt>]) -> Vec<(usize, usize, Vec<usize>)> {
    let Some((first, others)) = bodies.split_first() else {
        return Vec::new();
    };
    let mut runs: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for len in (MIN_STMTS..=first.len()).rev() {
        for start in 0..=first.len() - len {
            let run = &first[start..start + len];
            let lines = run[len - 1].lines.1 - run[0].lines.0 + 1;
            if (lines as usize) < MIN_LINES {
                continue;
            }
            let starts: Option<Vec<usize>> =
                others.iter().map(|body| find_run(body, run)).collect();
            if let Some(starts) = starts {
                runs.push((start, len, starts));
            }
        }
    }
    runs
}

/// Where `body` holds statements shaped like `run`, first place first.
fn find_run(body: &[Stmt], run: &[Stmt]) -> Option<usize> {
    (0..=body.len().checked_sub(run.len())?).find(|&at| {
        body[at..at + run.len()]
            .iter()
            .zip(run)
            .all(|(a, b)| a.shape == b.shape)
    })
}
