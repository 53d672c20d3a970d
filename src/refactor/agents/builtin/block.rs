//! Duplicated runs of statements inside functions: one private helper beside the function
//! holding the outermost copy takes the run's statements, and each copy becomes one call.
//!
//! The helper's parameters are the locals from around the run that it uses: by value where
//! a copy is exact (primitive scalars, shared references and tuples of them, a `&mut`
//! passed on), `&mut` where the run may change a `mut` local, `&` otherwise, each use
//! rewritten to read through the reference exactly as before (`*x`, `(*x).m()`, `(*x)?`);
//! then one parameter per literal the copies differ in ([`literals`]). It returns the locals
//! the run binds that the code after it uses (wrapped in the function's `Result`/`Option`
//! when the run uses `?`, or the function's own value when the run ends the function, see
//! [`super::output`]). A run using `self` becomes a method of its type's impl.
//!
//! Types come only from what the source says: declarations (`x: T`, `let x: T`) and
//! initializers that alone decide a type ([`super::types::infer`]); anything else is
//! declined with the reason, never guessed, as are runs that return or break out of their
//! block, await, use labels, pass a local to a macro whose expansion cannot be read, name
//! a generic the helper lacks, or would drop a value with an observable drop earlier; and
//! copies in modules where the same names may mean other items. The largest set of copies
//! alike is extracted; the others stay.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use quote::ToTokens;
use syn::spanned::Spanned;

use super::compare::{field_labels, flatten, local_names, Tok};
use super::copy::{byte_offset, byte_range};
use super::edits::Edits;
use super::output::{output, Output};
use super::scope::{position, Binding, Ctx, Use, Walker};
use super::site::Site;
use super::types::{copy_type, expressible, is_mut_ref, quiet_drop, Names};
use crate::refactor::agents::exchange::AgentError;
use crate::refactor::change::FileChange;
use crate::refactor::finding::Finding;
use literals::{is_literal, literal_params, run_tokens, LiteralParam};
use render::{helper_name, render_call, render_helper};

/// How the helper receives a local from around the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Value,
    Shared,
    Exclusive,
}

struct Param {
    name: String,
    /// The type as the source spells it, and as tokens (to compare copies).
    ty: String,
    key: String,
    mode: Mode,
}

/// A local the run binds at its own level.
struct Local {
    name: String,
    ty: Option<(String, String)>,
    /// Whether dropping it earlier (when the helper returns) is unobservable.
    drops_quietly: bool,
    returnable: bool,
    used_after: bool,
    mutated_after: bool,
    /// Whether a use in the run may move it: then nothing is left to return.
    maybe_moved: bool,
    /// Whether no code reads it (a `let` of an integer the run only assigns integers to,
    /// unused after it): its type is then unobservable.
    write_only: bool,
    /// Whether the code after the run spells `_name`, which a copy that must keep the
    /// local alive without using it would bind.
    alive_name_taken: bool,
}

/// What one copy needs: parameters, its locals, and the rewrites of its uses of references.
struct Analysis {
    params: Vec<Param>,
    locals: Vec<Local>,
    rewrites: Vec<(Range<usize>, String)>,
    /// Whether the run uses `self`, or names `Self`: only a helper in its impl can.
    uses_self: bool,
    in_impl: bool,
    output: Output,
    /// Literals the copies differ in: the helper's parameters, and this copy's values.
    extra_params: Vec<String>,
    extra_args: Vec<String>,
}

/// Where the helper goes and how each copy calls it.
struct Placement {
    /// Where it is inserted in the first copy's file, and its indentation.
    at: usize,
    indent: String,
    /// `self.` or `Self::` before each call, and the receiver the helper takes.
    prefix: &'static str,
    receiver: Option<String>,
    /// The function's generics and `where` clause, as written, when the helper needs them.
    generics: Option<(String, Option<String>)>,
}

/// Std methods that take `&self`: calling one does not need a `mut` binding.
const READING_METHODS: &[&str] = &[
    "as_bytes",
    "as_slice",
    "as_str",
    "bytes",
    "chars",
    "clone",
    "contains",
    "ends_with",
    "first",
    "get",
    "is_empty",
    "iter",
    "last",
    "len",
    "lines",
    "split",
    "starts_with",
    "to_owned",
    "to_string",
    "trim",
    "trim_end",
    "trim_start",
];

/// Clippy's `too_many_arguments` starts above seven.
const MAX_PARAMS: usize = 7;

/// The changes that extract `finding`'s duplicated runs into one helper, or why not.
pub(super) fn propose(finding: &Finding, root: &Path) -> Result<Vec<FileChange>, AgentError> {
    let sites: Vec<Site> = finding
        .locations
        .iter()
        .map(|location| Site::read(root, location))
        .collect::<Result<_, String>>()
        .map_err(AgentError::Declined)?;
    let mut sites = alike(sites)?;
    super::signature::fill(&mut sites);
    // The helper goes beside the copy in the outermost module, which the others can reach.
    let home = (0..sites.len())
        .min_by_key(|&i| sites[i].module.len())
        .expect("a group has copies");
    sites.swap(0, home);
    modules_agree(&sites)?;
    let (renames, differing): (Vec<HashMap<String, String>>, Vec<Vec<usize>>) = sites[1..]
        .iter()
        .map(|site| renamed(&sites[0], site))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .unzip();
    let mut differing: Vec<usize> = differing.concat();
    differing.sort_unstable();
    differing.dedup();
    let literals = literal_params(&sites, &differing)?;
    let mut analyses = analyse_all(&sites, &renames)?;
    settle_unread(&mut analyses);
    settle_untyped(&mut analyses);
    for (analysis, rename) in analyses[1..].iter().zip(&renames) {
        agree(&analyses[0], analysis, rename)?;
    }
    if analyses[0].params.len() + literals.len() > MAX_PARAMS {
        return Err(declined(
            &sites[0],
            "it would need more than seven parameters",
        ));
    }
    pass_literals(&mut analyses, &literals);
    let returned = returned(&analyses)?;
    let mut placement = placement(&sites, &analyses)?;
    placement.generics = inherited(&sites, &analyses[0])?;
    let first = &sites[0];
    let name = helper_name(first);
    let helper = render_helper(first, &placement, &analyses[0], &returned, &name)?;
    let mut edits = Edits::default();
    edits.replace(&first.location.file, placement.at..placement.at, helper);
    for (site, analysis) in sites.iter().zip(&analyses) {
        // A free helper is the parent's item; a method or associated function is the type's.
        let parent = if site.module == first.module || !placement.prefix.is_empty() {
            ""
        } else {
            "super::"
        };
        let call = format!("{}{parent}{name}", placement.prefix);
        let call = render_call(site, &call, analysis, &returned);
        edits.replace(&site.location.file, site.range.clone(), call);
    }
    edits.into_changes_of(|file| Some(sites.iter().find(|s| s.location.file == file)?.text.clone()))
}

/// The differing literals as the helper's last parameters: the first copy's places read the
/// parameter, and every copy passes its own value.
fn pass_literals(analyses: &mut [Analysis], literals: &[LiteralParam]) {
    for literal in literals {
        for place in &literal.places {
            analyses[0]
                .rewrites
                .push((place.clone(), literal.name.clone()));
        }
        analyses[0]
            .extra_params
            .push(format!("{}: {}", literal.name, literal.ty));
        for (analysis, value) in analyses.iter_mut().zip(&literal.values) {
            analysis.extra_args.push(value.clone());
        }
    }
}

fn declined(site: &Site, why: &str) -> AgentError {
    AgentError::Declined(format!(
        "the run of statements at {}:{} cannot move into a function of its own: {why}",
        site.location.file, site.location.start_line
    ))
}

/// A free helper after the function (or impl) holding the first copy; or, for a run that
/// uses `self` or `Self`, a method (or associated function) after that method in its impl,
/// which every copy must share (with the same receiver, by reference).
fn placement(sites: &[Site], analyses: &[Analysis]) -> Result<Placement, AgentError> {
    let first = &sites[0];
    if !analyses.iter().any(|a| a.in_impl) {
        return Ok(Placement {
            at: first.item_end,
            indent: first.indent.clone(),
            prefix: "",
            receiver: None,
            generics: None,
        });
    }
    let uses_self = analyses.iter().any(|a| a.uses_self);
    let receiver = |site: &Site| {
        let method = site.method.as_ref()?;
        let words: Vec<&str> = method.receiver.as_deref()?.split_whitespace().collect();
        Some(words.join(" "))
    };
    let shared = |site: &Site| {
        let (Some(a), Some(b)) = (&first.method, &site.method) else {
            return false;
        };
        // Inherent impls of one type (in the home module or a child that sees it): a
        // private method of one is a method of the type for both.
        a.owner == b.owner && b.inherent && (!uses_self || receiver(site) == receiver(first))
    };
    if let Some(site) = sites.iter().find(|site| !shared(site)) {
        return Err(declined(
            site,
            "it uses `self` or `Self`, and the copies are not methods of one type's inherent \
             impls taking `self` alike",
        ));
    }
    let method = first.method.as_ref().expect("checked above");
    let receiver = match receiver(first) {
        Some(taken) if uses_self && (taken == "&self" || taken == "&mut self") => Some(taken),
        _ if uses_self => {
            return Err(declined(
                first,
                "it uses `self`, which its method does not borrow",
            ));
        }
        _ => None,
    };
    Ok(Placement {
        at: method.end,
        indent: method.indent.clone(),
        prefix: if receiver.is_some() {
            "self."
        } else {
            "Self::"
        },
        receiver,
        generics: None,
    })
}

/// The largest set of copies that are the same code but for local names and literals (a
/// copy renamed otherwise stays as it is, and the group still shrinks), or why none is.
fn alike(mut sites: Vec<Site>) -> Result<Vec<Site>, AgentError> {
    let n = sites.len();
    if n < 2 {
        return Err(AgentError::Declined(
            "a group of one copy has nothing to merge".to_owned(),
        ));
    }
    let sets: Vec<Vec<usize>> = (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| j == i || renamed(&sites[i], &sites[j]).is_ok())
                .collect()
        })
        .collect();
    let best = sets
        .iter()
        .max_by_key(|set| (set.len(), std::cmp::Reverse(set[0])))
        .expect("a group has copies");
    if best.len() < 2 {
        return Err(renamed(&sites[0], &sites[1]).err().unwrap_or_else(|| {
            AgentError::Declined("the copies differ in more than local names".to_owned())
        }));
    }
    let keep: Vec<bool> = (0..n).map(|i| best.contains(&i)).collect();
    let mut at = 0;
    sites.retain(|_| {
        at += 1;
        keep[at - 1]
    });
    Ok(sites)
}

/// Copies the helper in the first copy's module serves with the same meaning: in that
/// module, or in a child module that glob-imports it (`use super::*;`) and defines or imports
/// none of the names the run spells (so each name means there what it means in the parent);
/// not overlapping, in functions a helper may serve.
fn modules_agree(sites: &[Site]) -> Result<(), AgentError> {
    let home = &sites[0];
    for site in sites {
        let same = site.crate_name == home.crate_name && site.module == home.module;
        if !same && !child_sees_home(home, site) {
            return Err(declined(
                site,
                "the copies are in modules where the same names may mean other items (only \
                 one module, or a child that imports it with `use super::*;`, is safe); a job \
                 for an LLM agent",
            ));
        }
        let sig = &site.function.sig;
        if sig.constness.is_some() || sig.unsafety.is_some() {
            return Err(declined(site, "its function is `const` or `unsafe`"));
        }
    }
    for (i, a) in sites.iter().enumerate() {
        let overlaps = sites[i + 1..].iter().any(|b| {
            b.location.file == a.location.file
                && a.range.start < b.range.end
                && b.range.start < a.range.end
        });
        if overlaps {
            return Err(declined(a, "the copies overlap"));
        }
    }
    Ok(())
}

/// Whether `site` is in a child module of `home`'s that glob-imports it and shadows none of
/// the names its run spells.
fn child_sees_home(home: &Site, site: &Site) -> bool {
    let child = site.crate_name == home.crate_name
        && site.module.len() == home.module.len() + 1
        && site.module.starts_with(&home.module);
    if !child || !site.glob_super {
        return false;
    }
    let locals = local_names(&site.function);
    let mut tokens = Vec::new();
    for stmt in &site.run.stmts {
        flatten(stmt.to_token_stream(), &mut tokens);
    }
    !tokens.iter().any(|(kind, text, _)| {
        *kind == Tok::Ident && !locals.contains(text) && site.module_names.contains(text)
    })
}

/// How `b`'s run renames `a`'s locals, if it is `a`'s with only locals renamed (one to one).
/// The token positions where their literals differ come with it.
fn renamed(a: &Site, b: &Site) -> Result<(HashMap<String, String>, Vec<usize>), AgentError> {
    let (xs, ys) = (run_tokens(a), run_tokens(b));
    let (locals_a, locals_b) = (local_names(&a.function), local_names(&b.function));
    let fields = field_labels(&a.function);
    let differ = |x: &str, y: &str| {
        Err(declined(
            b,
            &format!(
                "it differs from its copy at {}:{} in more than local names (`{x}` and `{y}`)",
                a.location.file, a.location.start_line
            ),
        ))
    };
    if xs.len() != ys.len() {
        return differ(
            &format!("{} tokens", xs.len()),
            &format!("{} tokens", ys.len()),
        );
    }
    let mut forward = HashMap::new();
    let mut backward = HashMap::new();
    let mut literals = Vec::new();
    for (at, ((kind_x, x, span), (kind_y, y, _))) in xs.iter().zip(&ys).enumerate() {
        if x != y && is_literal(*kind_x, x) && is_literal(*kind_y, y) {
            literals.push(at);
            continue;
        }
        // A field name written out (`S { a: a.fuse() }`) is not a local spelled alike.
        let field = fields.contains(&(span.start().line, span.start().column));
        let local = !field && (locals_a.contains(x) || locals_b.contains(y));
        let same = match (kind_x, kind_y) {
            // The same name is the same code even where only one function binds it (a
            // `None` pattern, a local shadowing an item): `agree` then finds the uses differ.
            (Tok::Ident, Tok::Ident) if local => {
                (x == y || locals_a.contains(x) && locals_b.contains(y))
                    && forward.entry(x.clone()).or_insert_with(|| y.clone()) == y
                    && backward.entry(y.clone()).or_insert_with(|| x.clone()) == x
            }
            _ => kind_x == kind_y && x == y,
        };
        if !same {
            return differ(x, y);
        }
    }
    Ok((forward, literals))
}

/// Types for locals, by name, that a copy does not write: `(type, its text)`.
type Hints = HashMap<String, (syn::Type, String)>;

/// Each copy's analysis. A copy that cannot type a parameter it binds to what a call returns
/// takes the type another copy declares for it: the copies pass alike values, and a callee
/// that returns another type fails the build, never silently.
fn analyse_all(
    sites: &[Site],
    renames: &[HashMap<String, String>],
) -> Result<Vec<Analysis>, AgentError> {
    let first: Vec<Result<Analysis, AgentError>> = sites
        .iter()
        .map(|site| analyse(site, &Hints::new()))
        .collect();
    if first.iter().all(Result::is_ok) {
        return first.into_iter().collect();
    }
    // Names by the first copy's: `renames[k - 1]` maps them to copy `k`'s.
    let name_in = |k: usize, name: &str| match k {
        0 => Some(name.to_owned()),
        k => renames[k - 1].get(name).cloned(),
    };
    let first_name = |k: usize, name: &str| match k {
        0 => Some(name.to_owned()),
        k => (renames[k - 1].iter()).find_map(|(a, b)| (b == name).then(|| a.clone())),
    };
    let mut declared = Hints::new();
    for (k, analysis) in first.iter().enumerate() {
        for param in analysis.iter().flat_map(|a| &a.params) {
            let ty = syn::parse_str::<syn::Type>(&param.ty);
            if let (Some(name), Ok(ty)) = (first_name(k, &param.name), ty) {
                declared.entry(name).or_insert((ty, param.ty.clone()));
            }
        }
    }
    (first.into_iter().enumerate())
        .map(|(k, analysis)| {
            analysis.or_else(|_| {
                let hints = (declared.iter())
                    .filter_map(|(name, typed)| Some((name_in(k, name)?, typed.clone())))
                    .collect();
                analyse(&sites[k], &hints)
            })
        })
        .collect()
}

/// What moving one copy's run into a helper takes; `hints` type locals bound to what a call
/// returns.
fn analyse(site: &Site, hints: &Hints) -> Result<Analysis, AgentError> {
    if site.run.stmts.iter().any(is_gated_value) {
        return Err(declined(
            site,
            "it holds an expression without `;` under `#[cfg]`: which one its block ends \
             with depends on the build",
        ));
    }
    let body = position(site.function.block.brace_token.span.open().start());
    let ends_function = site.run.is_value && site.run.brace == body;
    if site.run.is_value && !ends_function {
        return Err(declined(site, "it ends in the value of its block"));
    }
    let (scope, has_items) =
        Walker::in_scope_at(&site.function, &site.calls, site.run.brace, site.run.first);
    let mut scope = scope.ok_or_else(|| declined(site, "its statements were not found again"))?;
    for (name, (ty, text)) in hints {
        if let Some(binding) = (scope.get_mut(name)).filter(|b| b.ty.is_none() && b.called) {
            (binding.ty, binding.ty_text) = (Some(ty.clone()), Some(text.clone()));
        }
    }
    if has_items {
        return Err(declined(
            site,
            "its function declares items inside it, which a helper outside would not see",
        ));
    }
    let walker = Walker::run(&site.function, &site.calls, scope.clone(), &site.run.stmts);
    if let Some(problem) = walker.problems.first() {
        return Err(declined(site, problem));
    }
    let in_impl = walker.shape.uses_self || walker.shape.names_self_type;
    let names = helper_names(site, in_impl)?;
    if walker.shape.returns && !ends_function {
        return Err(declined(site, "it returns"));
    }
    let output = output(site, &names, ends_function, walker.shape.tries)
        .map_err(|why| declined(site, &why))?;
    let params = params(site, &names, &scope, &walker)?;
    if params.len() > MAX_PARAMS {
        return Err(declined(site, "it would need more than seven parameters"));
    }
    let rewrites = rewrites(site, &params, &walker.uses)?;
    let locals = walker
        .run_locals()
        .into_iter()
        .map(|(name, binding)| local(site, &names, name, &binding, &walker))
        .collect();
    Ok(Analysis {
        params,
        locals,
        rewrites,
        uses_self: walker.shape.uses_self,
        in_impl,
        output,
        extra_params: Vec::new(),
        extra_args: Vec::new(),
    })
}

/// Whether a statement is an expression without `;` (`#[cfg(unix)] { .. }`) with a `#[cfg]`
/// or `#[cfg_attr]` of its own: on another build, another one may be its block's value.
fn is_gated_value(stmt: &syn::Stmt) -> bool {
    matches!(stmt, syn::Stmt::Expr(_, None))
        && (crate::analysis::source::stmt_attrs(stmt).iter())
            .any(|attr| attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr"))
}

/// What the helper's signature may not name. A helper in the impl may name the impl's
/// generics and `Self`; a free one neither; either may name its function's own generics,
/// which it then declares alike. A run spelling one it may not is declined.
fn helper_names(site: &Site, in_impl: bool) -> Result<Names, AgentError> {
    // The function's own generics the helper declares too ([`inherited`]).
    let mut generics = Vec::new();
    if !in_impl {
        generics.extend(site.impl_generics.iter().cloned());
    }
    let spelled = run_tokens(site).into_iter().find(|(kind, text, _)| {
        *kind == Tok::Ident && generics.iter().any(|g| g == text)
            || *kind == Tok::Other && text == "'"
    });
    if let Some((_, generic, _)) = spelled {
        return Err(declined(
            site,
            &format!(
                "it names `{generic}`, a generic parameter or lifetime the helper would not have"
            ),
        ));
    }
    Ok(Names {
        generics,
        allow_self: in_impl,
    })
}

/// The generics of the copies' function that the helper declares too, as the first copy
/// writes them (`<I, F>`, and its `where` clause): none when its signature and the run name
/// none of them. Every copy's function must declare the same ones, and a parameter must
/// name one, so each call fixes them as the function did.
fn inherited(
    sites: &[Site],
    analysis: &Analysis,
) -> Result<Option<(String, Option<String>)>, AgentError> {
    let first = &sites[0];
    let generics = &first.function.sig.generics;
    let mut spelled: Vec<String> = run_tokens(first).into_iter().map(|t| t.1).collect();
    for ty in analysis
        .params
        .iter()
        .map(|p| &p.ty)
        .chain(&analysis.extra_params)
    {
        spelled.extend(
            ty.split(|c: char| !c.is_alphanumeric() && c != '_')
                .map(str::to_owned),
        );
    }
    let own = &first.generics;
    if !own.iter().any(|g| spelled.contains(g)) {
        return Ok(None);
    }
    let text = |site: &Site| {
        site.function.sig.generics.to_token_stream().to_string()
            + &site
                .function
                .sig
                .generics
                .where_clause
                .to_token_stream()
                .to_string()
    };
    if sites.iter().any(|site| text(site) != text(first)) {
        return Err(declined(
            first,
            "the copies' functions declare different generics",
        ));
    }
    let in_params = analysis.params.iter().any(|p| {
        p.ty.split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|word| own.iter().any(|g| g == word))
    });
    let (Some(open), Some(close)) = (generics.lt_token, generics.gt_token) else {
        return Ok(None);
    };
    if !in_params {
        return Err(declined(
            first,
            "it names generics of its function that no parameter of the helper would fix",
        ));
    }
    let params = &first.text
        [byte_range(&first.text, open.span).start..byte_range(&first.text, close.span).end];
    let clause = generics
        .where_clause
        .as_ref()
        .map(|clause| first.text[byte_range(&first.text, clause.span())].to_owned());
    Ok(Some((params.to_owned(), clause)))
}

/// The locals from around the run that it uses, in order of first use, each with the way
/// the helper receives it.
fn params(
    site: &Site,
    names: &Names,
    scope: &HashMap<String, Binding>,
    walker: &Walker,
) -> Result<Vec<Param>, AgentError> {
    let mut ordered: Vec<&Use> = walker.uses.iter().collect();
    ordered.sort_by_key(|u| position(u.start));
    let mut params: Vec<Param> = Vec::new();
    for first in ordered {
        if params.iter().any(|p| p.name == first.name) {
            continue;
        }
        let name = &first.name;
        let binding = &scope[name];
        let uses: Vec<&Use> = walker.uses.iter().filter(|u| &u.name == name).collect();
        let ty = binding.ty.as_ref().ok_or_else(|| {
            declined(
                site,
                &format!("the type of `{name}` is not written where it is declared"),
            )
        })?;
        if !expressible(ty, names, false) {
            return Err(declined(
                site,
                &format!("the type of `{name}` names a generic, a lifetime, `Self` or `impl`"),
            ));
        }
        let at = |u: &&Use| position(u.start);
        let mutated = uses.iter().any(|u| walker.mutated.contains(&at(u)));
        let receiver = uses.iter().any(|u| walker.receivers.contains(&at(u)));
        let mode = if is_mut_ref(ty) && !binding.mutable {
            Mode::Value
        } else if binding.mutable && (mutated || receiver) {
            // A method may take `&mut self`, even of a primitive (`make_ascii_uppercase`).
            Mode::Exclusive
        } else if copy_type(ty) || handed_over(site, walker, name, ty, &uses) {
            Mode::Value
        } else {
            Mode::Shared
        };
        check_uses(site, name, binding, mode, &uses)?;
        params.push(Param {
            name: name.clone(),
            ty: type_text(site, binding),
            key: ty.to_token_stream().to_string(),
            mode,
        });
    }
    Ok(params)
}

/// Whether the helper may take a local by value: the function never names it after the
/// run, and the run either moves it by its last use, which always runs (as an argument, or
/// as the receiver of a method of the crate's that takes `self`), or only borrows a value
/// whose drop does nothing observable (so dropping it in the helper is unnoticed). A use
/// after a move the run makes fails the build, never silently.
fn handed_over(site: &Site, walker: &Walker, name: &str, ty: &syn::Type, uses: &[&Use]) -> bool {
    let Some(last) = uses.iter().max_by_key(|u| position(u.start)) else {
        return false;
    };
    let consumed = || {
        // A generic named like a type of the crate is not that type.
        let named = crate::analysis::source::type_name(ty);
        let generic = site
            .generics
            .iter()
            .chain(&site.impl_generics)
            .any(|g| *g == named);
        let method = walker.methods.get(&position(last.start));
        method.is_some_and(|method| {
            !generic && super::declarations::consumes(&site.root, &site.location.file, ty, method)
        })
    };
    let moved = last.always
        && (matches!(last.ctx, Ctx::Argument | Ctx::Shorthand)
            || last.ctx == Ctx::Receiver && consumed());
    if !moved && !quiet_drop(ty) {
        return false;
    }
    let body = super::copy::byte_range(&site.text, site.function.block.brace_token.span.close());
    !mentions(&site.text[site.range.end..body.start], name)
}

/// Whether `text` spells `name` as a word anywhere (code, comments, format strings): a
/// conservative answer to whether code there uses it.
fn mentions(text: &str, name: &str) -> bool {
    let ident = |c: char| c == '_' || c.is_alphanumeric();
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// Declines uses a helper cannot take over exactly.
fn check_uses(
    site: &Site,
    name: &str,
    binding: &Binding,
    mode: Mode,
    uses: &[&Use],
) -> Result<(), AgentError> {
    let has = |ctx: Ctx| uses.iter().any(|u| u.ctx == ctx);
    if !binding.mutable && (has(Ctx::AssignTarget) || mode == Mode::Shared && has(Ctx::RefMut)) {
        return Err(declined(
            site,
            &format!("it assigns or borrows `{name}` mutably, which is not declared `mut`"),
        ));
    }
    if mode != Mode::Value && has(Ctx::FormatPointer) {
        return Err(declined(
            site,
            &format!("it formats the address of `{name}`, which the helper would borrow"),
        ));
    }
    Ok(())
}

/// The type of a local as the file spells it.
fn type_text(site: &Site, binding: &Binding) -> String {
    match (&binding.ty_text, &binding.ty) {
        (Some(text), _) => text.clone(),
        (None, Some(ty)) => {
            let range = super::copy::byte_range(&site.text, syn::spanned::Spanned::span(ty));
            site.text[range].to_owned()
        }
        (None, None) => String::new(),
    }
}

/// How each use of a local the helper borrows reads through the reference, as before.
fn rewrites(
    site: &Site,
    params: &[Param],
    uses: &[Use],
) -> Result<Vec<(Range<usize>, String)>, AgentError> {
    let mut rewrites = Vec::new();
    for found in uses {
        let Some(param) = params.iter().find(|p| p.name == found.name) else {
            continue;
        };
        let name = &found.name;
        let with = match (param.mode, found.ctx) {
            (Mode::Value, _) | (_, Ctx::Field | Ctx::Format | Ctx::FormatPointer) => continue,
            // `&x` has the type the helper's `x` has.
            (Mode::Shared, Ctx::Ref) => name.clone(),
            (Mode::Shared, Ctx::RefMut | Ctx::AssignTarget) => {
                return Err(declined(site, &format!("it changes `{name}`")));
            }
            (Mode::Exclusive, Ctx::Ref) => format!("&*{name}"),
            (Mode::Exclusive, Ctx::RefMut) => format!("&mut *{name}"),
            (_, Ctx::Receiver | Ctx::Callee | Ctx::Index) => format!("(*{name})"),
            (_, Ctx::Shorthand) => format!("{name}: *{name}"),
            (_, Ctx::Value | Ctx::Argument | Ctx::AssignTarget) => format!("*{name}"),
        };
        let range = byte_offset(&site.text, found.from)..byte_offset(&site.text, found.end);
        rewrites.push((range, with));
    }
    Ok(rewrites)
}

/// One of the run's own locals, and what the code after the run does with it.
/// `run` is the walk of the run that binds it.
fn local(site: &Site, names: &Names, name: String, binding: &Binding, run: &Walker) -> Local {
    let copy = binding.ty.as_ref().is_some_and(copy_type);
    let after = Walker::run(
        &site.function,
        &site.calls,
        HashMap::from([(name.clone(), binding.clone())]),
        &site.run.after,
    );
    let mut tokens = Vec::new();
    for stmt in &site.run.after {
        flatten(stmt.to_token_stream(), &mut tokens);
    }
    let spelled = |name: &str| {
        tokens.iter().any(|(kind, text, _)| match kind {
            Tok::Ident => text == name,
            Tok::Literal => text.contains(&format!("{{{name}")),
            Tok::Other => false,
        })
    };
    let mentioned = spelled(&name);
    let mutated = after.uses.iter().any(|u| {
        let at = position(u.start);
        // A missing `mut` fails the build, never silently: primitives' methods count not,
        // nor std's that only read (a user type's `&mut self` method of such a name fails).
        let reads = (after.methods.get(&at)).is_some_and(|m| READING_METHODS.contains(&m.as_str()));
        after.mutated.contains(&at) || !copy && after.receivers.contains(&at) && !reads
    });
    Local {
        ty: binding
            .ty
            .as_ref()
            .map(|ty| (type_text(site, binding), ty.to_token_stream().to_string())),
        // Moved by its last use, it leaves nothing to drop when the helper returns.
        drops_quietly: run.moved_by_last_use(&name)
            || binding.inert
            || binding.ty.as_ref().is_some_and(quiet_drop),
        // A local of what a call returns, its type not written, is returned as `_`: the
        // compiler's fix for the placeholder names the type (see `Diagnostics`), or the
        // build fails.
        returnable: (binding.ty.as_ref()).map_or(binding.called, |ty| expressible(ty, names, true)),
        used_after: mentioned || !after.uses.is_empty(),
        // Inside a macro the walker cannot read, a use may change it.
        mutated_after: binding.mutable && (mutated || mentioned && after.hidden),
        maybe_moved: run.maybe_moved(&name),
        write_only: binding.number && run.unread(&name) && !mentioned && after.uses.is_empty(),
        alive_name_taken: !name.starts_with('_') && spelled(&format!("_{name}")),
        name,
    }
}

/// Gives a number local that some copies never read the integer type the copies that read
/// it agree on: where nothing reads a value, its type is unobservable (`let mut start = 0;`
/// defaults to `i32` in a copy that only assigns it, and is a `usize` where the code after
/// the run indexes with it).
fn settle_unread(analyses: &mut [Analysis]) {
    let n_locals = analyses[0].locals.len();
    if analyses.iter().any(|a| a.locals.len() != n_locals) {
        return;
    }
    let integer = |ty: &Option<(String, String)>| {
        ty.as_ref()
            .is_some_and(|(_, key)| super::numeric::is_integer(key))
    };
    for i in 0..n_locals {
        let read: Vec<&Local> = analyses
            .iter()
            .map(|a| &a.locals[i])
            .filter(|l| !l.write_only)
            .collect();
        let Some(first) = read.first() else {
            continue;
        };
        let agreed = read.iter().all(|l| l.ty == first.ty) && integer(&first.ty);
        let unread_integers = analyses
            .iter()
            .all(|a| !a.locals[i].write_only || integer(&a.locals[i].ty));
        if agreed && unread_integers {
            let ty = first.ty.clone();
            for analysis in analyses.iter_mut() {
                analysis.locals[i].ty.clone_from(&ty);
            }
        }
    }
}

/// Gives a local whose type some copies cannot tell the type the others agree on: the copies
/// run the same statements on inputs of the same types, so they make the same values. Only
/// for types without a number in them: an unsuffixed number's type may come from the code
/// after the run, and differ silently; any other difference fails the build.
fn settle_untyped(analyses: &mut [Analysis]) {
    let n_locals = analyses[0].locals.len();
    if analyses.iter().any(|a| a.locals.len() != n_locals) {
        return;
    }
    for i in 0..n_locals {
        let known: Vec<&Local> = (analyses.iter())
            .map(|a| &a.locals[i])
            .filter(|l| l.ty.is_some())
            .collect();
        let Some((first, Some((_, key)))) = known.first().map(|l| (l, &l.ty)) else {
            continue;
        };
        if known.iter().any(|l| l.ty != first.ty) {
            continue;
        }
        let numeric = (key.split(|c: char| !c.is_alphanumeric()))
            .any(|word| super::numeric::PRIMITIVES.contains(&word));
        // A number some copies cannot type is untyped in all (declined if it is returned).
        let (ty, returnable) = if numeric {
            (None, false)
        } else {
            (first.ty.clone(), first.returnable)
        };
        if known.len() < analyses.len() {
            for local in analyses.iter_mut().map(|a| &mut a.locals[i]) {
                (local.ty, local.returnable) = (ty.clone(), returnable);
            }
        }
    }
}

/// Copies agree when their parameters and locals correspond one to one under the renaming,
/// with the same types and the same ways of passing.
fn agree(a: &Analysis, b: &Analysis, rename: &HashMap<String, String>) -> Result<(), AgentError> {
    let renamed = |name: &str| rename.get(name).cloned().unwrap_or_else(|| name.to_owned());
    let params = a.params.len() == b.params.len()
        && a.params
            .iter()
            .zip(&b.params)
            .all(|(x, y)| renamed(&x.name) == y.name && x.key == y.key && x.mode == y.mode);
    let locals = a.locals.len() == b.locals.len()
        && a.locals.iter().zip(&b.locals).all(|(x, y)| {
            renamed(&x.name) == y.name && x.ty.as_ref().map(|t| &t.1) == y.ty.as_ref().map(|t| &t.1)
        });
    if params && locals && a.output.key() == b.output.key() {
        Ok(())
    } else {
        Err(AgentError::Declined(
            "the copies' locals differ in their types or in how they are declared or used"
                .to_owned(),
        ))
    }
}

/// The run's locals the helper returns, by index: those the code after any copy uses, and
/// those a copy must keep alive to drop them when the function did (a copy that does not use
/// one binds it as `_name`). The others are dropped when it returns, which must do nothing
/// observable.
fn returned(analyses: &[Analysis]) -> Result<Vec<usize>, AgentError> {
    let first = &analyses[0];
    if let Output::Function { .. } = first.output {
        // No code follows; its locals are dropped just before the function's, as before.
        return Ok(Vec::new());
    }
    let mut returned = Vec::new();
    for (i, local) in first.locals.iter().enumerate() {
        let used = analyses.iter().any(|a| a.locals[i].used_after);
        let alive = |a: &Analysis| !a.locals[i].used_after && !a.locals[i].drops_quietly;
        if !used && !analyses.iter().any(alive) {
            continue;
        }
        let name = &local.name;
        let early = format!(
            "it binds `{name}`, which the helper would drop earlier than the function does"
        );
        let what = if used {
            format!("the code after it uses `{name}`")
        } else {
            early.clone()
        };
        let why = if !used && local.maybe_moved {
            format!("{early}, or move")
        } else if local.ty.is_none() && !local.returnable {
            format!("{what}, whose type is not written where it is declared")
        } else if !local.returnable {
            format!("{what}, a borrow or generic the helper could not return")
        } else if analyses
            .iter()
            .any(|a| alive(a) && a.locals[i].alive_name_taken)
        {
            format!("{what}, and the code after a copy that must keep it alive names `_{name}`")
        } else {
            returned.push(i);
            continue;
        };
        return Err(AgentError::Declined(format!(
            "the duplicated run of statements cannot move into a function of its own: {why}"
        )));
    }
    Ok(returned)
}

mod literals;
mod render;
#[cfg(test)]
mod tests;
