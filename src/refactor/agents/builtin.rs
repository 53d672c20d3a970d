//! The built-in agent: deterministic refactors that need no model, so `fix` works offline at
//! zero tokens. It merges functions (and methods of one type) that are copies of each other,
//! identical or renamed consistently: one copy stays (the canonical one, in a crate the others
//! already depend on), every other keeps its name, signature, attributes and docs and becomes
//! a one-line delegation to it, so no caller changes. Free functions that differ in one
//! literal share a function taking it as a parameter. Visibility opens only as far as the
//! callers need. Duplicated runs of statements inside functions of one module move into one
//! private helper that each copy calls ([`block`]): it takes the locals the run uses (by
//! value, `&` or `&mut`, with types read from their declarations) and returns those the code
//! after it uses. A trait implemented with the same items for several types of one module
//! becomes one `macro_rules!` over the type and an invocation per type ([`impls`]). Structs
//! declared alike become one, the others aliases of it ([`aliases`]).
//! Functions that are near misses, or copies that cannot merge whole, give up the longest
//! run of statements they share to such a helper ([`common`]).
//! Of smells, it narrows a needless `pub` ([`visibility`]) and applies clippy's own fixes
//! inside a long, complex or deeply nested function ([`lints`]).
//! Everything else is declined with the reason, and every proposal still goes through the
//! same gates as any agent's.

mod aliases;
mod block;
mod common;
mod compare;
mod copy;
mod declarations;
mod edits;
mod impls;
mod lints;
mod literal;
mod numeric;
mod output;
mod scope;
mod signature;
mod site;
mod trait_methods;
mod types;
mod values;
mod visibility;

use std::path::Path;

use super::exchange::{AgentError, Request};
use crate::analysis::detectors::{CloneType, GroupKind};
use crate::analysis::smells::SmellKind;
use crate::refactor::change::FileChange;
use crate::refactor::finding::Finding;
use copy::{same_but_locals, Copy, Visibility};
use edits::Edits;
use literal::parameterised;

/// The built-in agent's answer to `request`: the changes with one line that says what they
/// do (the commit message's body), or why it declines the finding. What it writes is laid
/// out by rustfmt where the file was rustfmt-clean.
pub fn answer(request: &Request) -> Result<(Vec<FileChange>, String), AgentError> {
    let (changes, summary) = refactor(request)?;
    Ok((
        crate::refactor::format::tidy(request.root, changes),
        summary,
    ))
}

fn refactor(request: &Request) -> Result<(Vec<FileChange>, String), AgentError> {
    let (finding, root) = (request.finding, request.root);
    let item = finding.locations.first().map_or("", |l| l.item.as_str());
    match finding.smell {
        None => refactor_group(finding, root, request.crate_deps),
        Some(SmellKind::NeedlessPub) => {
            let changes = visibility::narrow(finding, root)?;
            Ok((changes, format!("narrow `{item}` to `pub(crate)`")))
        }
        Some(SmellKind::LongFunction | SmellKind::ComplexFunction | SmellKind::DeepNesting) => {
            let (changes, lints) = lints::clippy_fixes(finding, root, request.lint_fixes)?;
            let summary = format!("apply clippy's fixes inside `{item}` ({lints})");
            Ok((changes, summary))
        }
        Some(kind) => Err(AgentError::Declined(format!(
            "the built-in agent narrows a needless `pub` and applies clippy's fixes inside \
             long, complex or deeply nested functions; {} is {}, a job for an LLM agent",
            finding.id,
            kind.as_str()
        ))),
    }
}

/// The changes that merge `finding`'s copies with what they do, or why the built-in agent
/// declines it. `deps` are (crate, workspace crate it depends on) pairs, by library name.
fn refactor_group(
    finding: &Finding,
    root: &Path,
    deps: &[(String, String)],
) -> Result<(Vec<FileChange>, String), AgentError> {
    supported(finding)?;
    let items: Vec<String> = (finding.locations.iter())
        .map(|l| format!("`{}`", l.item.rsplit("::").next().unwrap_or(&l.item)))
        .collect();
    let items = items.join(", ");
    let says = |what: String| move |changes| (changes, what);
    let shared = says(format!(
        "extract the statements {items} share into one function"
    ));
    let merged = says(format!(
        "merge {items} into one ({})",
        match finding.clone {
            Some((_, CloneType::Exact)) => "exact copies",
            Some((_, CloneType::Renamed)) => "copies once renamed",
            _ => "near-miss copies",
        }
    ));
    match finding.clone {
        Some((GroupKind::Block, _)) => return block::propose(finding, root).map(shared),
        Some((GroupKind::Impl, _)) => return impls::propose(finding, root),
        // A trait's method written alike for several types: one macro writes it in each.
        Some((GroupKind::Method, _)) => {
            if let Some(changes) = trait_methods::propose(finding, root)? {
                return Ok((changes, format!("write the methods {items} with one macro")));
            }
        }
        Some((kind @ (GroupKind::Struct | GroupKind::Enum), CloneType::Abstraction)) => {
            let aliased = says(format!("make the {}s {items} one type", kind.as_str()));
            return aliases::propose(finding, root).map(aliased);
        }
        // Near misses may hold a set of whole copies: those merge, the others stay; when
        // none does, the run of statements all share is the one refactor left.
        Some((_, CloneType::NearMiss)) => {
            return (merge(finding, root, deps).map(merged))
                .or_else(|_| common::propose(finding, root).map(shared));
        }
        _ => {}
    }
    // Copies that cannot merge whole may still share a run of statements; the reason the
    // whole merge failed is the one worth reading when that fails too.
    merge(finding, root, deps)
        .map(merged)
        .or_else(|declined| match declined {
            AgentError::Declined(reason) => common::propose(finding, root)
                .map(shared)
                .map_err(|_| AgentError::Declined(reason)),
            other => Err(other),
        })
}
/// [`refactor_group`]'s changes alone, as the tests read them.
#[cfg(test)]
pub(super) fn propose(
    finding: &Finding,
    root: &Path,
    deps: &[(String, String)],
) -> Result<Vec<FileChange>, AgentError> {
    refactor_group(finding, root, deps).map(|(changes, _)| changes)
}

/// The changes that make every copy of a function but one delegate to it, or why not.
fn merge(
    finding: &Finding,
    root: &Path,
    deps: &[(String, String)],
) -> Result<Vec<FileChange>, AgentError> {
    let copies: Vec<Copy> = finding
        .locations
        .iter()
        .map(|location| Copy::read(root, location))
        .collect::<Result<_, String>>()
        .map_err(AgentError::Declined)?;
    let (mut copies, literal_places) = alike(copies).map_err(AgentError::Declined)?;
    for copy in &copies[1..] {
        let other_type = copy.owner != copies[0].owner;
        if other_type || (copy.owner.is_some() && copy.crate_name != copies[0].crate_name) {
            return Err(AgentError::Declined(format!(
                "`{}` and `{}` are methods of different types; merging them needs a shared \
                 function or trait, a job for an LLM agent",
                copies[0].location.item, copy.location.item
            )));
        }
    }
    let canonical = canonical_index(&copies, deps)?;
    let places: Vec<usize> = literal_places.concat();
    if !places.is_empty() {
        return parameterised(&copies, canonical, &places).map_err(AgentError::Declined);
    }
    copies.swap(0, canonical);
    let (canonical, others) = copies.split_first().expect("a group has copies");
    let mut edits = Edits::default();
    for other in others {
        let body = delegation(canonical, other);
        edits.replace(&other.location.file, other.body.clone(), body);
    }
    if let Some(opened) = opened_visibility(canonical, others) {
        let at = canonical.visibility_range.clone();
        edits.replace(&canonical.location.file, at, opened.to_owned());
    }
    edits.into_changes(&copies)
}

/// The largest set of copies that are copies of its first once locals are renamed (the
/// first such set on a tie), with the places of the literals each differs in; the other
/// copies stay as they are. Why not, when no two copies are alike.
fn alike(copies: Vec<Copy>) -> Result<(Vec<Copy>, Vec<Vec<usize>>), String> {
    // The head copy, and each copy alike to it with the places of its literals.
    type Members = Vec<(usize, Vec<usize>)>;
    let mut best: Option<(usize, Members)> = None;
    let mut first_reason = None;
    for (i, head) in copies.iter().enumerate() {
        let mut members = Vec::new();
        for (j, copy) in copies.iter().enumerate().skip(i + 1) {
            match same_but_locals(head, copy) {
                Ok(places) => members.push((j, places)),
                Err(reason) => {
                    first_reason.get_or_insert(reason);
                }
            }
        }
        if best.as_ref().map_or(0, |(_, m)| m.len()) < members.len() {
            best = Some((i, members));
        }
    }
    let Some((head, members)) = best else {
        return Err(first_reason.unwrap_or_else(|| "a group needs two copies".to_owned()));
    };
    let keep: Vec<usize> = std::iter::once(head)
        .chain(members.iter().map(|(j, _)| *j))
        .collect();
    let places = members.into_iter().map(|(_, places)| places).collect();
    let alike = copies
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, copy)| copy)
        .collect();
    Ok((alike, places))
}

/// Declines what the built-in agent has no refactor for, saying so.
fn supported(finding: &Finding) -> Result<(), AgentError> {
    match finding.clone {
        Some(
            (
                GroupKind::Fn | GroupKind::Method,
                CloneType::Exact | CloneType::Renamed | CloneType::NearMiss,
            )
            | (GroupKind::Block | GroupKind::Impl, CloneType::Exact | CloneType::Renamed)
            | (GroupKind::Struct | GroupKind::Enum, CloneType::Abstraction),
        ) => Ok(()),
        Some((kind, ty)) => Err(AgentError::Declined(format!(
            "the built-in agent merges identical or consistently renamed functions and methods, \
             extracts duplicated runs of statements into a function, writes one macro for a \
             trait implemented alike for several types and makes structs or enums declared \
             alike one type; {} is {} ({}), a job for an LLM agent",
            finding.id,
            kind.as_str(),
            ty.rule_id()
        ))),
        None => Err(AgentError::Declined(format!(
            "{} is not a clone group",
            finding.id
        ))),
    }
}

/// The visibility the canonical copy needs so every other copy can call it: `pub` from
/// another crate (an API change, so the guardrails hold it for review), `pub(crate)` from
/// another module of its crate; `None` when it already has enough.
fn opened_visibility(canonical: &Copy, others: &[Copy]) -> Option<&'static str> {
    let other_crate = others.iter().any(|o| o.crate_name != canonical.crate_name);
    let other_module = others
        .iter()
        .any(|o| !o.module.starts_with(&canonical.module));
    match canonical.visibility {
        Visibility::Private | Visibility::Restricted if other_crate => Some("pub "),
        Visibility::Private if other_module => Some("pub(crate) "),
        _ => None,
    }
}

/// The copy to keep: one in a crate every other copy's crate is or depends on (never a new
/// dependency), the nearest its crate root, ties to the first in the finding's order (the
/// report's, by path; `ci --suggest` puts the copies a pull request adds last).
fn canonical_index(copies: &[Copy], deps: &[(String, String)]) -> Result<usize, AgentError> {
    let reaches =
        |from: &str, to: &str| from == to || deps.iter().any(|(f, t)| f == from && t == to);
    let eligible = |c: &Copy| copies.iter().all(|o| reaches(&o.crate_name, &c.crate_name));
    copies
        .iter()
        .enumerate()
        .filter(|(_, c)| eligible(c))
        .min_by_key(|(i, c)| (c.module.len(), *i))
        .map(|(i, _)| i)
        .ok_or_else(|| {
            let crates: Vec<&str> = copies.iter().map(|c| c.crate_name.as_str()).collect();
            AgentError::Declined(format!(
                "the copies are in crates {} and none is a dependency of all the others: \
                 merging them would need a new dependency",
                crates.join(", ")
            ))
        })
}

/// The body that makes `copy` call `canonical` with its own parameters.
fn delegation(canonical: &Copy, copy: &Copy) -> String {
    if copy.owner.is_some() {
        return method_delegation(canonical, copy);
    }
    let root = if canonical.crate_name == copy.crate_name {
        "crate"
    } else {
        canonical.crate_name.as_str()
    };
    let path: Vec<&str> = std::iter::once(root)
        .chain(canonical.module.iter().map(String::as_str))
        .chain(std::iter::once(canonical.name.as_str()))
        .collect();
    let awaited = if copy.is_async { ".await" } else { "" };
    format!(
        "{{\n    {}({}){awaited}\n}}",
        path.join("::"),
        copy.args.join(", ")
    )
}

/// A method calls its canonical sibling of the same type: `self.name(..)` or `Self::name(..)`.
fn method_delegation(canonical: &Copy, copy: &Copy) -> String {
    let awaited = if copy.is_async { ".await" } else { "" };
    let name = &canonical.name;
    let call = match copy.args.split_first() {
        Some((receiver, rest)) if receiver == "self" => format!("self.{name}({})", rest.join(", ")),
        _ => format!("Self::{name}({})", copy.args.join(", ")),
    };
    format!("{{\n        {call}{awaited}\n    }}")
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::refactor::finding::Location;

    const BODY: &str = "{\n    let mut total = 0;\n    for v in values {\n        total += v;\n    }\n    total\n}\n";

    fn finding(ty: CloneType, locations: &[(&str, u32, &str)]) -> Finding {
        let locations = (locations.iter())
            .map(|(file, line, item)| Location {
                file: (*file).into(),
                start_line: *line,
                end_line: *line + 6,
                item: (*item).into(),
            })
            .collect();
        Finding::group(GroupKind::Fn, ty, locations)
    }

    fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn a_renamed_copy_delegates_with_its_own_parameters_and_the_canonical_opens_up() {
        let a = format!("fn sum(values: &[u32]) -> u32 {BODY}");
        let b = format!(
            "/// Kept doc.\npub fn add_all(xs: &[u32]) -> u32 {}",
            BODY.replace("values", "xs")
        );
        let dir = workspace(&[("src/a.rs", &a), ("src/b/c.rs", &b)]);
        let found = finding(
            CloneType::Renamed,
            &[
                ("src/b/c.rs", 2, "k::b::c::add_all"),
                ("src/a.rs", 1, "k::a::sum"),
            ],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let after = |path: &str| {
            changes
                .iter()
                .find(|c| c.path == path)
                .unwrap()
                .after
                .clone()
                .unwrap()
        };
        assert_eq!(
            after("src/b/c.rs"),
            "/// Kept doc.\npub fn add_all(xs: &[u32]) -> u32 {\n    crate::a::sum(xs)\n}\n"
        );
        assert!(after("src/a.rs").starts_with("pub(crate) fn sum(values: &[u32]) -> u32 {"));
    }

    #[test]
    fn an_async_copy_awaits_and_a_public_canonical_stays_as_it_is() {
        let a = format!(
            "pub async fn f(v: &[u32]) -> u32 {}",
            BODY.replace("values", "v")
        );
        let dir = workspace(&[("src/a.rs", &a), ("src/b.rs", &a)]);
        let found = finding(
            CloneType::Exact,
            &[("src/a.rs", 1, "k::a::f"), ("src/b.rs", 1, "k::b::f")],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        assert_eq!(changes.len(), 1, "the canonical copy is untouched");
        assert!(changes[0]
            .after
            .as_deref()
            .unwrap()
            .contains("crate::a::f(v).await"));
    }

    #[test]
    fn a_local_spelled_like_a_method_it_calls_is_renamed_alone() {
        let a = "fn width(f: &Spec) -> u32 {\n    let align = f.align();\n    let pad = align * 2;\n    pad + align\n}\n";
        let b = a
            .replace("let align", "let side")
            .replace("align *", "side *")
            .replace("+ align", "+ side")
            .replace("fn width", "fn breadth");
        let dir = workspace(&[("src/a.rs", a), ("src/b.rs", &b)]);
        let found = finding(
            CloneType::Renamed,
            &[
                ("src/a.rs", 1, "k::a::width"),
                ("src/b.rs", 1, "k::b::breadth"),
            ],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let b_after = changes.iter().find(|c| c.path == "src/b.rs").unwrap();
        assert!(
            b_after
                .after
                .as_deref()
                .unwrap()
                .contains("crate::a::width(f)"),
            "{changes:?}"
        );
    }

    #[test]
    fn of_three_copies_the_two_alike_merge_and_the_one_differing_in_a_type_stays() {
        let a = format!("fn sum(values: &[u32]) -> u32 {BODY}");
        let wide = a.replace("u32", "u64");
        let c = a.replace("fn sum", "fn total");
        let dir = workspace(&[("src/a.rs", &wide), ("src/b.rs", &a), ("src/c.rs", &c)]);
        let found = finding(
            CloneType::Renamed,
            &[
                ("src/a.rs", 1, "k::a::sum"),
                ("src/b.rs", 1, "k::b::sum"),
                ("src/c.rs", 1, "k::c::total"),
            ],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        assert!(changes.iter().all(|c| c.path != "src/a.rs"), "{changes:?}");
        let c_after = changes.iter().find(|c| c.path == "src/c.rs").unwrap();
        assert!(c_after
            .after
            .as_deref()
            .unwrap()
            .contains("crate::b::sum(values)"));
    }

    #[test]
    fn near_miss_functions_give_the_run_of_statements_they_share_to_one_helper() {
        let shared = "    let mut total: u32 = 0;\n    for v in values {\n        total += v;\n    }\n    let mean: u32 = total / 2;\n";
        let text = format!(
            "fn one(values: &[u32]) -> u32 {{\n    let pad: u32 = 7;\n{shared}    mean + pad\n}}\n\n\
             fn two(xs: &[u32]) -> u32 {{\n{}    mean * 3 - 1\n}}\n",
            shared.replace("values", "xs")
        );
        let dir = workspace(&[("src/a.rs", &text)]);
        let found = finding(
            CloneType::NearMiss,
            &[("src/a.rs", 1, "k::a::one"), ("src/a.rs", 11, "k::a::two")],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let after = changes[0].after.as_deref().unwrap();
        assert!(
            after.contains(
                "    let pad: u32 = 7;\n    let mean = one_step(values);\n    mean + pad\n"
            ),
            "{after}"
        );
        assert!(
            after.contains("    let mean = one_step(xs);\n    mean * 3 - 1\n"),
            "{after}"
        );
        // When the longest shared run cannot move (it returns), a shorter one inside it may.
        let text = format!(
            "fn one(values: &[u32]) -> u32 {{\n{shared}    if mean > 9 {{\n        return 0;\n    }}\n    mean + 1\n}}\n\n\
             fn two(values: &[u32]) -> u32 {{\n{shared}    if mean > 9 {{\n        return 0;\n    }}\n    mean * 3\n}}\n"
        );
        let dir = workspace(&[("src/a.rs", &text)]);
        let found = finding(
            CloneType::NearMiss,
            &[("src/a.rs", 1, "k::a::one"), ("src/a.rs", 13, "k::a::two")],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let after = changes[0].after.as_deref().unwrap();
        assert!(
            after.contains("    let mean = one_step(values);\n    if mean > 9 {"),
            "{after}"
        );
        // Runs shorter than two statements over five lines are not worth a helper.
        let text =
            "fn one(v: u32) -> u32 {\n    v + 1\n}\n\nfn two(v: u32) -> u32 {\n    v * 1\n}\n";
        let dir = workspace(&[("src/a.rs", text)]);
        let found = finding(
            CloneType::NearMiss,
            &[("src/a.rs", 1, "k::a::one"), ("src/a.rs", 5, "k::a::two")],
        );
        let err = propose(&found, dir.path(), &[]).unwrap_err().to_string();
        assert!(
            err.contains("share no run of 2 or more statements"),
            "{err}"
        );
    }

    #[test]
    fn a_near_miss_group_merges_its_whole_copies_and_leaves_the_near_one() {
        let a = format!("fn sum(values: &[u32]) -> u32 {BODY}");
        let b = a.replace("fn sum", "fn total").replace("values", "xs");
        let near = a
            .replace("fn sum", "fn sum_twice")
            .replace("    total\n", "    total * 2\n");
        let dir = workspace(&[("src/a.rs", &near), ("src/b.rs", &a), ("src/c.rs", &b)]);
        let found = finding(
            CloneType::NearMiss,
            &[
                ("src/a.rs", 1, "k::a::sum_twice"),
                ("src/b.rs", 1, "k::b::sum"),
                ("src/c.rs", 1, "k::c::total"),
            ],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        assert!(changes.iter().all(|c| c.path != "src/a.rs"), "{changes:?}");
        let c_after = changes.iter().find(|c| c.path == "src/c.rs").unwrap();
        assert_eq!(
            c_after.after.as_deref().unwrap(),
            "fn total(xs: &[u32]) -> u32 {\n    crate::b::sum(xs)\n}\n"
        );
    }

    #[test]
    fn copies_that_differ_in_a_type_are_declined() {
        let a = format!("fn sum(values: &[u32]) -> u32 {BODY}");
        let changed = a.replace("u32", "u64");
        let dir = workspace(&[("src/a.rs", &a), ("src/b.rs", &changed)]);
        let found = finding(
            CloneType::Renamed,
            &[("src/a.rs", 1, "k::a::sum"), ("src/b.rs", 1, "k::b::sum")],
        );
        let err = propose(&found, dir.path(), &[]).unwrap_err().to_string();
        assert!(err.contains("a name or type (`u32` and `u64`)"), "{err}");
    }

    #[test]
    fn copies_that_differ_in_one_literal_share_a_function_taking_it() {
        let a = "pub fn damp(x: f64) -> f64 {\n    x * 0.5 + 0.5\n}\n";
        let b = "pub fn soften(y: f64) -> f64 {\n    y * 0.25 + 0.25\n}\n";
        let dir = workspace(&[("src/a.rs", a), ("src/b.rs", b)]);
        let found = finding(
            CloneType::Renamed,
            &[
                ("src/a.rs", 1, "k::a::damp"),
                ("src/b.rs", 1, "k::b::soften"),
            ],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let after = |path: &str| {
            let change = changes.iter().find(|c| c.path == path).unwrap();
            change.after.clone().unwrap()
        };
        assert_eq!(
            after("src/a.rs"),
            "pub fn damp(x: f64) -> f64 {\n    damp_with(x, 0.5)\n}\n\npub(crate) fn damp_with(x: f64, literal: f64) -> f64 {\n    x * literal + literal\n}\n"
        );
        assert!(after("src/b.rs").contains("crate::a::damp_with(y, 0.25)"));
        // Two literals that differ are two parameters.
        let two = b.replacen("0.25", "0.75", 1);
        let dir = workspace(&[("src/a.rs", a), ("src/b.rs", &two)]);
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let b_after = changes.iter().find(|c| c.path == "src/b.rs").unwrap();
        let b_after = b_after.after.as_deref().unwrap();
        assert!(
            b_after.contains("crate::a::damp_with(y, 0.75, 0.25)"),
            "{b_after}"
        );
    }

    /// Two free functions in `src/a.rs` and `src/b.rs`, `a` as written and `b` with `edit`
    /// applied, as a renamed-clone finding; the proposal's text of each file, or the reason.
    fn merged(a: &str, edit: impl Fn(&str) -> String) -> Result<(String, String), String> {
        let b = edit(a);
        let dir = workspace(&[("src/a.rs", a), ("src/b.rs", &b)]);
        let name = |text: &str| {
            let at = text.find("fn ").unwrap() + 3;
            text[at..].split('(').next().unwrap().to_owned()
        };
        let found = finding(
            CloneType::Renamed,
            &[
                ("src/a.rs", 1, &format!("k::a::{}", name(a))),
                ("src/b.rs", 1, &format!("k::b::{}", name(&b))),
            ],
        );
        let changes = propose(&found, dir.path(), &[]).map_err(|err| err.to_string())?;
        let after = |path: &str| {
            changes
                .iter()
                .find(|c| c.path == path)
                .and_then(|c| c.after.clone())
                .unwrap_or_default()
        };
        Ok((after("src/a.rs"), after("src/b.rs")))
    }

    #[test]
    fn a_number_that_counts_an_index_becomes_a_usize_parameter() {
        let a = "fn skip(input: &str) -> &str {\n    let mut at = 0;\n    let mut run = 0;\n    while run < 3 {\n        at += 1;\n        run += 1;\n    }\n    &input[at..]\n}\n";
        let (a_after, b_after) = merged(a, |a| {
            a.replacen("at += 1", "at += 2", 1)
                .replace("fn skip", "fn hop")
        })
        .unwrap();
        assert!(
            a_after.contains("fn skip_with(input: &str, literal: usize) -> &str {"),
            "{a_after}"
        );
        assert!(a_after.contains("at += literal;"), "{a_after}");
        assert!(
            b_after.contains("crate::a::skip_with(input, 2)"),
            "{b_after}"
        );
    }

    #[test]
    fn a_parameter_list_written_one_a_line_takes_the_literal_on_a_line_of_its_own() {
        let a = "fn scale(\n    base: u64,\n    by: u64,\n) -> u64 {\n    let t = base * by;\n    t + 4 * t\n}\n";
        let (a_after, b_after) = merged(a, |a| {
            a.replace("4 * t", "5 * t").replace("fn scale", "fn grow")
        })
        .unwrap();
        assert!(
            a_after.contains(
                "fn scale_with(\n    base: u64,\n    by: u64,\n    literal: u64,\n) -> u64 {"
            ),
            "{a_after}"
        );
        assert!(
            b_after.contains("crate::a::scale_with(base, by, 5)"),
            "{b_after}"
        );
    }

    #[test]
    fn a_number_only_code_elsewhere_types_or_one_in_a_pattern_is_declined() {
        let a = "fn scaled(v: &Vec<u16>) -> bool {\n    let total = v.iter().fold(0, |s, x| s + x);\n    let limit = 10;\n    v.contains(&limit) || total > 4\n}\n";
        let err = merged(a, |a| {
            a.replace("= 10", "= 20").replace("fn scaled", "fn other")
        })
        .unwrap_err();
        assert!(err.contains("depends on code outside"), "{err}");
        let a = "fn digit(b: u8) -> bool {\n    match b {\n        b'0'..=b'9' => true,\n        _ => false,\n    }\n}\n";
        let err = merged(a, |a| {
            a.replace("b'9'", "b'7'").replace("fn digit", "fn octal")
        })
        .unwrap_err();
        assert!(err.contains("must stay a constant"), "{err}");
    }

    /// A lone literal arm of a `match` on a local tests the parameter in its guard, in the
    /// same place among the arms; the guard it had still applies.
    #[test]
    fn a_literal_arm_of_a_match_on_a_local_becomes_a_guard_on_the_parameter() {
        let a = "pub fn split(raw: &str) -> Vec<String> {\n    let mut out = vec![String::new()];\n    let mut quoted = false;\n    for ch in raw.chars() {\n        match ch {\n            '\"' => quoted = !quoted,\n            ',' if !quoted => out.push(String::new()),\n            ';' => break,\n            _ => out.last_mut().unwrap().push(ch),\n        }\n    }\n    out\n}\n";
        let (a_after, b_after) = merged(a, |a| {
            (a.replace("','", "':'").replace("';'", "'#'")).replace("fn split", "fn paths")
        })
        .unwrap();
        let arms = "        match ch {\n            '\"' => quoted = !quoted,\n            _ if ch == literal && !quoted => out.push(String::new()),\n            _ if ch == literal_2 => break,\n";
        assert!(a_after.contains(arms), "{a_after}");
        assert!(
            a_after.contains("fn split_with(raw: &str, literal: char, literal_2: char)"),
            "{a_after}"
        );
        assert!(
            b_after.contains("crate::a::split_with(raw, ':', '#')"),
            "{b_after}"
        );
        // On what an expression gives, the arm binds it to test it.
        let a = "pub fn kind(word: &String) -> u8 {\n    match word.as_str() {\n        \"start\" => 1,\n        \"end\" => 2,\n        _ => 0,\n    }\n}\n";
        let (a_after, _) = merged(a, |a| {
            a.replace("\"end\"", "\"stop\"")
                .replace("fn kind", "fn other")
        })
        .unwrap();
        assert!(
            a_after.contains("        value if value == literal => 2,\n"),
            "{a_after}"
        );
    }

    #[test]
    fn a_parameter_named_like_a_field_it_fills_is_renamed_alone_and_two_locals_never_become_one() {
        let a = "pub struct P {\n    pub a: u32,\n}\n\npub fn make(a: u32, b: u32) -> P {\n    let s = a + b;\n    P { a: a * 2 + s }\n}\n";
        let b = a.replace(
            "pub struct P {\n    pub a: u32,\n}\n\n",
            "use crate::a::P;\n",
        );
        let b = b
            .replace("make(a", "build(x")
            .replace("a: a *", "a: x *")
            .replace("= a +", "= x +");
        let dir = workspace(&[("src/a.rs", a), ("src/b.rs", &b)]);
        let found = finding(
            CloneType::Renamed,
            &[
                ("src/a.rs", 5, "k::a::make"),
                ("src/b.rs", 2, "k::b::build"),
            ],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let b_after = changes.iter().find(|c| c.path == "src/b.rs").unwrap();
        assert!(b_after
            .after
            .as_deref()
            .unwrap()
            .contains("crate::a::make(x, b)"));
        // `x + y` against `z + z`: one local of the copy would stand for two of the other.
        let a = "fn f(x: u32, y: u32) -> u32 {\n    let s = x + y;\n    s * 2 + s\n}\n";
        let err = merged(a, |a| {
            a.replace("fn f(x: u32, y: u32)", "fn g(z: u32, w: u32)")
                .replace("x + y", "z + z")
        })
        .unwrap_err();
        assert!(err.contains("differ in a name"), "{err}");
    }

    #[test]
    fn methods_of_one_type_that_differ_in_a_literal_share_a_method_taking_it() {
        let text = "struct S(u32);\nimpl S {\n    fn a(&self, v: u32) -> u32 {\n        let t = self.0 + v;\n        t * 3 + t\n    }\n\n    fn b(&self, w: u32) -> u32 {\n        let t = self.0 + w;\n        t * 5 + t\n    }\n}\n";
        let dir = workspace(&[("src/a.rs", text)]);
        let found = finding(
            CloneType::Renamed,
            &[("src/a.rs", 3, "k::a::S::a"), ("src/a.rs", 8, "k::a::S::b")],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let after = changes[0].after.as_deref().unwrap();
        assert!(
            after.contains("    fn a(&self, v: u32) -> u32 {\n        self.a_with(v, 3)\n    }"),
            "{after}"
        );
        assert!(
            after.contains("    fn b(&self, w: u32) -> u32 {\n        self.a_with(w, 5)\n    }"),
            "{after}"
        );
        assert!(after.contains("\n\n    fn a_with(&self, v: u32, literal: u32) -> u32 {\n        let t = self.0 + v;\n        t * literal + t\n    }"), "{after}");
    }

    #[test]
    fn across_crates_the_copy_in_the_crate_the_others_depend_on_is_kept() {
        let a = format!("fn sum(values: &[u32]) -> u32 {BODY}");
        let dir = workspace(&[("app/src/a.rs", &a), ("core/src/b.rs", &a)]);
        let found = finding(
            CloneType::Exact,
            &[
                ("app/src/a.rs", 1, "app::a::sum"),
                ("core/src/b.rs", 1, "core::b::sum"),
            ],
        );
        let deps = [("app".to_owned(), "core".to_owned())];
        let changes = propose(&found, dir.path(), &deps).unwrap();
        let after = |path: &str| {
            let change = changes.iter().find(|c| c.path == path).unwrap();
            change.after.clone().unwrap()
        };
        assert!(after("app/src/a.rs").contains("core::b::sum(values)"));
        // Called from another crate, it must be `pub`: an API change the guard will hold.
        assert!(after("core/src/b.rs").starts_with("pub fn sum("));
        let err = propose(&found, dir.path(), &[]).unwrap_err().to_string();
        assert!(err.contains("would need a new dependency"), "{err}");
    }

    #[test]
    fn methods_of_one_type_delegate_to_their_sibling_and_of_two_types_are_declined() {
        let body = BODY.replace('\n', "\n    ");
        let text = format!(
            "struct S;\nimpl S {{\n    fn a(&self, values: &[u32]) -> u32 {body}\n\n    fn b(&self, xs: &[u32]) -> u32 {}\n}}\n",
            body.replace("values", "xs")
        );
        let dir = workspace(&[("src/a.rs", &text)]);
        let line = |name: &str| {
            let at = text.find(&format!("fn {name}(")).unwrap();
            text[..at].lines().count() as u32
        };
        let found = finding(
            CloneType::Renamed,
            &[
                ("src/a.rs", line("a"), "k::a::S::a"),
                ("src/a.rs", line("b"), "k::a::S::b"),
            ],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let after = changes[0].after.as_deref().unwrap();
        assert!(
            after.contains("fn b(&self, xs: &[u32]) -> u32 {\n        self.a(xs)\n    }"),
            "{after}"
        );
        let other = text.replacen("impl S {", "struct T;\nimpl T {", 1);
        let dir = workspace(&[("src/a.rs", &text), ("src/b.rs", &other)]);
        let found = finding(
            CloneType::Renamed,
            &[
                ("src/a.rs", line("a"), "k::a::S::a"),
                ("src/b.rs", line("b") + 1, "k::b::T::b"),
            ],
        );
        let err = propose(&found, dir.path(), &[]).unwrap_err().to_string();
        assert!(err.contains("methods of different types"), "{err}");
    }

    #[test]
    fn a_traits_provided_methods_alike_delegate_on_self() {
        let body = BODY.replace('\n', "\n    ");
        let text = format!(
            "pub trait T {{\n    fn a(&self, values: &[u32]) -> u32 {body}\n\n    fn b(&self, xs: &[u32]) -> u32 {}\n}}\n",
            body.replace("values", "xs")
        );
        let dir = workspace(&[("src/a.rs", &text)]);
        let found = finding(
            CloneType::Renamed,
            &[
                ("src/a.rs", 2, "k::a::T::a"),
                ("src/a.rs", 11, "k::a::T::b"),
            ],
        );
        let changes = propose(&found, dir.path(), &[]).unwrap();
        let after = changes[0].after.as_deref().unwrap();
        assert!(
            after.contains("    fn b(&self, xs: &[u32]) -> u32 {\n        self.a(xs)\n    }"),
            "{after}"
        );
        assert!(
            after.starts_with("pub trait T {\n    fn a(&self"),
            "{after}"
        );
    }

    #[test]
    fn near_misses_methods_and_smells_are_declined_with_a_reason() {
        let dir = workspace(&[("src/a.rs", "struct S;\nimpl S {\n    fn f(&self) {}\n}\n")]);
        let near = finding(CloneType::NearMiss, &[("src/a.rs", 3, "k::a::S::f")]);
        let err = propose(&near, dir.path(), &[]).unwrap_err().to_string();
        assert!(err.contains("a job for an LLM agent"), "{err}");
        let method = finding(
            CloneType::Exact,
            &[("src/a.rs", 3, "k::a::f"), ("src/a.rs", 3, "k::a::f")],
        );
        let err = propose(&method, dir.path(), &[]).unwrap_err().to_string();
        assert!(err.contains("is not a function or method"), "{err}");
        // A trait's method is found, and declined for what it is.
        let text = format!(
            "struct A;\nstruct B;\nimpl T for A {{\n    fn sum(values: &[u32]) -> u32 {}}}\n\
             impl T for B {{\n    fn sum(values: &[u32]) -> u32 {}}}\n",
            BODY.replace('\n', "\n    ").trim_end(),
            BODY.replace('\n', "\n    ").trim_end()
        );
        let dir = workspace(&[("src/a.rs", &text)]);
        let trait_methods = finding(
            CloneType::Exact,
            &[
                ("src/a.rs", 4, "k::a::A::sum"),
                ("src/a.rs", 13, "k::a::B::sum"),
            ],
        );
        // Each impl keeps a body of its own, but the statements they share move into one
        // free helper both call.
        let changes = propose(&trait_methods, dir.path(), &[]).unwrap();
        let after = changes[0].after.as_deref().unwrap();
        assert!(after.contains("impl T for B {\n    fn sum(values: &[u32]) -> u32 {\n        sum_step(values)\n    }}"), "{after}");
        assert!(
            after.contains("\nfn sum_step(values: &[u32]) -> u32 {\n    let mut total = 0;"),
            "{after}"
        );
        // Too short to share a run, they are declined for what they are.
        let short = text.replace(
            "let mut total = 0;\n        for v in values {\n            total += v;\n        }\n        total",
            "values.len() as u32",
        );
        let dir = workspace(&[("src/a.rs", &short)]);
        let trait_methods = finding(
            CloneType::Exact,
            &[
                ("src/a.rs", 4, "k::a::A::sum"),
                ("src/a.rs", 9, "k::a::B::sum"),
            ],
        );
        let err = propose(&trait_methods, dir.path(), &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`k::a::A::sum` implements a trait's method"),
            "{err}"
        );
        let smell = Finding {
            clone: None,
            smell: None,
            ..near
        };
        assert!(propose(&smell, dir.path(), &[]).is_err());
    }
}
