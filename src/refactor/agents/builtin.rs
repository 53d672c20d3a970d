//! The built-in agent: deterministic refactors that need no model, so `fix` works offline at
//! zero tokens. It merges functions (and methods of one type) that are copies of each other,
//! identical or renamed consistently: one copy stays (the canonical one, in a crate the others
//! already depend on), every other keeps its name, signature, attributes and docs and becomes
//! a one-line delegation to it, so no caller changes. Free functions that differ in one
//! literal share a function taking it as a parameter. Visibility opens only as far as the
//! callers need. Everything else is declined with the reason, and every proposal still goes
//! through the same gates as any agent's.

use std::path::Path;

use syn::spanned::Spanned;

use super::exchange::AgentError;
use crate::analysis::detectors::{CloneType, GroupKind};
use crate::refactor::change::FileChange;
use crate::refactor::finding::{Finding, Location};

/// The changes that merge `finding`'s copies, or why the built-in agent declines it.
/// `deps` are (crate, workspace crate it depends on) pairs, by library name.
pub fn propose(
    finding: &Finding,
    root: &Path,
    deps: &[(String, String)],
) -> Result<Vec<FileChange>, AgentError> {
    supported(finding)?;
    let mut copies: Vec<Copy> = finding
        .locations
        .iter()
        .map(|location| Copy::read(root, location))
        .collect::<Result<_, String>>()
        .map_err(AgentError::Declined)?;
    let mut literal_places = Vec::new();
    for copy in &copies[1..] {
        literal_places.push(same_but_locals(&copies[0], copy).map_err(AgentError::Declined)?);
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

/// Declines what the built-in agent has no refactor for, saying so.
fn supported(finding: &Finding) -> Result<(), AgentError> {
    match finding.clone {
        Some((GroupKind::Fn | GroupKind::Method, CloneType::Exact | CloneType::Renamed)) => Ok(()),
        Some((kind, ty)) => Err(AgentError::Declined(format!(
            "the built-in agent merges identical or consistently renamed functions and methods; \
             {} is {} ({}), a job for an LLM agent",
            finding.id,
            kind.as_str(),
            ty.rule_id()
        ))),
        None => Err(AgentError::Declined(format!(
            "the built-in agent has no refactor for smells yet ({})",
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
/// dependency), the nearest its crate root, ties to the first path in order.
fn canonical_index(copies: &[Copy], deps: &[(String, String)]) -> Result<usize, AgentError> {
    let reaches =
        |from: &str, to: &str| from == to || deps.iter().any(|(f, t)| f == from && t == to);
    let eligible = |c: &Copy| copies.iter().all(|o| reaches(&o.crate_name, &c.crate_name));
    copies
        .iter()
        .enumerate()
        .filter(|(_, c)| eligible(c))
        .min_by(|(_, a), (_, b)| {
            (a.module.len(), &a.location.item).cmp(&(b.module.len(), &b.location.item))
        })
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visibility {
    Private,
    /// `pub(crate)`, `pub(super)`, `pub(in ..)`.
    Restricted,
    Public,
}

/// One copy, as its file holds it.
struct Copy {
    location: Location,
    crate_name: String,
    /// Module path below the crate root.
    module: Vec<String>,
    name: String,
    /// Byte range of the body, braces included.
    body: std::ops::Range<usize>,
    /// Where the visibility is (empty, before the signature, when there is none).
    visibility_range: std::ops::Range<usize>,
    visibility: Visibility,
    args: Vec<String>,
    is_async: bool,
    /// The function's tokens (parameter types, return type, body) and the names it binds
    /// locally, to tell a renamed copy from one whose literals or types differ.
    tokens: Vec<(Tok, String, proc_macro2::Span)>,
    /// The file's text, for the literals' places and the signature.
    text: String,
    /// Byte offset just after the signature's parameter list's `(`..`)`, before the `)`.
    params_end: usize,
    /// Byte offset where the whole function ends.
    item_end: usize,
    /// For a method, its type's name; the module path then leads to the impl block.
    owner: Option<String>,
    locals: std::collections::HashSet<String>,
}

impl Copy {
    fn read(root: &Path, location: &Location) -> Result<Copy, String> {
        let text = std::fs::read_to_string(root.join(&location.file))
            .map_err(|err| format!("cannot read `{}`: {err}", location.file))?;
        if crate::analysis::source::too_deep(&text).is_some() {
            return Err(format!("`{}` nests too deep to rewrite", location.file));
        }
        let file = syn::parse_file(&text).map_err(|err| format!("`{}`: {err}", location.file))?;
        let mut path: Vec<String> = location.item.split("::").map(str::to_owned).collect();
        let name = path.pop().unwrap_or_default();
        let crate_name = path.first().cloned().unwrap_or_default();
        let found = find_fn(&file.items, &name, location.start_line)
            .map(|function| (function.clone(), None))
            .or_else(|| {
                let owner = path.last()?;
                find_method(&file.items, owner, &name, location.start_line)
                    .map(|function| (function, Some(owner.clone())))
            });
        let (function, owner) = found.ok_or_else(|| {
            format!(
                "`{}` is not a function or method at {}:{}",
                location.item, location.file, location.start_line
            )
        })?;
        let function = &function;
        if owner.is_some() {
            path.pop();
        }
        let args = function
            .sig
            .inputs
            .iter()
            .map(|input| match input {
                syn::FnArg::Typed(typed) => match &*typed.pat {
                    syn::Pat::Ident(ident) if ident.by_ref.is_none() => Ok(ident.ident.to_string()),
                    _ => Err(format!(
                        "`{}` takes a pattern apart in its parameters",
                        location.item
                    )),
                },
                syn::FnArg::Receiver(_) => Ok("self".to_owned()),
            })
            .collect::<Result<_, String>>()?;
        if function.sig.unsafety.is_some() || function.sig.variadic.is_some() {
            return Err(format!(
                "`{}` is unsafe or variadic; not merged automatically",
                location.item
            ));
        }
        Ok(Copy {
            body: byte_range(&text, function.block.span()),
            visibility_range: visibility_range(&text, function),
            visibility: match function.vis {
                syn::Visibility::Inherited => Visibility::Private,
                syn::Visibility::Restricted(_) => Visibility::Restricted,
                syn::Visibility::Public(_) => Visibility::Public,
            },
            is_async: function.sig.asyncness.is_some(),
            tokens: flat_tokens(function),
            params_end: byte_range(&text, function.sig.paren_token.span.close()).start,
            item_end: byte_range(&text, function.span()).end,
            owner,
            locals: local_names(function),
            module: path[1..].to_vec(),
            location: location.clone(),
            text: text.clone(),
            crate_name,
            name,
            args,
        })
    }
}

/// Copies that differ in one literal (the same value at each of its places in a copy): the
/// kept copy's code moves into `NAME_with`, which takes the literal as its last parameter, and
/// every copy, the kept one too, delegates to it with its own value. Signatures stay as they
/// are, so no caller changes.
fn parameterised(
    copies: &[Copy],
    canonical: usize,
    places: &[usize],
) -> Result<Vec<FileChange>, String> {
    let mut places = places.to_vec();
    places.sort_unstable();
    places.dedup();
    let values: Vec<String> = copies
        .iter()
        .map(|copy| literal_value(copy, &places))
        .collect::<Result<_, _>>()?;
    let kept = &copies[canonical];
    if kept.owner.is_some() || kept.args.first().is_some_and(|a| a == "self") {
        return Err("methods that differ in a literal are not merged automatically yet".to_owned());
    }
    let helper = format!("{}_with", kept.name);
    let mut edits = Edits::default();
    let opened = copies
        .iter()
        .any(|c| c.module != kept.module || c.crate_name != kept.crate_name);
    let item = helper_item(kept, &places, &values[canonical], &helper);
    let other_crate = copies.iter().any(|c| c.crate_name != kept.crate_name);
    let visibility = match (other_crate, opened) {
        (true, _) => "pub ",
        (false, true) => "pub(crate) ",
        (false, false) => "",
    };
    let at = kept.item_end..kept.item_end;
    edits.replace(&kept.location.file, at, format!("\n\n{visibility}{item}"));
    for (copy, value) in copies.iter().zip(&values) {
        let mut args = copy.args.clone();
        args.push(value.clone());
        let same_module = copy.module == kept.module && copy.crate_name == kept.crate_name;
        let path = if same_module {
            helper.clone()
        } else {
            let mut path = vec![if copy.crate_name == kept.crate_name {
                "crate"
            } else {
                &kept.crate_name
            }];
            path.extend(kept.module.iter().map(String::as_str));
            path.push(&helper);
            path.join("::")
        };
        let awaited = if copy.is_async { ".await" } else { "" };
        let body = format!("{{\n    {path}({}){awaited}\n}}", args.join(", "));
        edits.replace(&copy.location.file, copy.body.clone(), body);
    }
    edits.into_changes(copies).map_err(|err| err.to_string())
}

/// The one literal a copy has at the places its copies differ, or why there is not one.
fn literal_value(copy: &Copy, places: &[usize]) -> Result<String, String> {
    let mut values: Vec<&str> = places
        .iter()
        .map(|at| copy.tokens[*at].1.as_str())
        .collect();
    values.dedup();
    match values.as_slice() {
        [one] => Ok((*one).to_owned()),
        _ => Err(format!(
            "`{}` differs from its copies in more than one literal; merging it needs several \
             parameters, a job for an LLM agent",
            copy.location.item
        )),
    }
}

/// The kept copy's function, renamed `helper`, taking the literal (its `value` at `places`)
/// as its last parameter.
fn helper_item(kept: &Copy, places: &[usize], value: &str, helper: &str) -> String {
    let ty = literal_type(
        value,
        &kept.text[kept.visibility_range.end..kept.params_end],
    );
    let shift = kept.visibility_range.end;
    let mut item = kept.text[shift..kept.item_end].to_owned();
    let mut cuts: Vec<(std::ops::Range<usize>, String)> = places
        .iter()
        .map(|at| {
            (
                byte_range(&kept.text, kept.tokens[*at].2),
                "literal".to_owned(),
            )
        })
        .collect();
    let comma = if kept.args.is_empty() { "" } else { ", " };
    cuts.push((
        kept.params_end..kept.params_end,
        format!("{comma}literal: {ty}"),
    ));
    cuts.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    for (range, with) in cuts {
        item.replace_range(range.start - shift..range.end - shift, &with);
    }
    item.replacen(&format!("fn {}", kept.name), &format!("fn {helper}"), 1)
}

/// The type a literal parameter gets: its suffix, else the first type of its kind the
/// signature names (a float parameter of a function over `f32` is an `f32`).
fn literal_type(literal: &str, signature: &str) -> &'static str {
    const INTS: [&str; 12] = [
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ];
    if literal.starts_with('"') || literal.starts_with("r\"") || literal.starts_with("r#") {
        return "&'static str";
    }
    if literal.starts_with('\'') {
        return "char";
    }
    let float = literal.contains('.') || literal.ends_with("f32") || literal.ends_with("f64");
    let named = |candidates: &[&'static str]| {
        candidates
            .iter()
            .copied()
            .find(|t| literal.ends_with(t))
            .or_else(|| {
                candidates.iter().copied().find(|t| {
                    signature
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == *t)
                })
            })
    };
    if float {
        named(&["f32", "f64"]).unwrap_or("f64")
    } else {
        named(&INTS).unwrap_or("i32")
    }
}

/// Whether `b` is `a` with only its local names changed (consistently); otherwise the first
/// difference, as the reason to decline (a parameter or a generic is the LLM agent's job).
fn same_but_locals(a: &Copy, b: &Copy) -> Result<Vec<usize>, String> {
    let differ = |what: &str, x: &str, y: &str| {
        Err(format!(
            "`{}` and `{}` differ in {what} (`{x}` and `{y}`): merging them needs a parameter \
             or a generic, a job for an LLM agent",
            a.location.item, b.location.item
        ))
    };
    if a.tokens.len() != b.tokens.len() {
        return differ(
            "length",
            &a.tokens.len().to_string(),
            &b.tokens.len().to_string(),
        );
    }
    let mut renamed = std::collections::HashMap::new();
    let mut literals = Vec::new();
    for (at, ((kind_x, x, _), (kind_y, y, _))) in a.tokens.iter().zip(&b.tokens).enumerate() {
        if kind_x != kind_y {
            return differ("code", x, y);
        }
        match kind_x {
            Tok::Ident if a.locals.contains(x) => {
                if renamed.entry(x.as_str()).or_insert(y.as_str()) != y {
                    return differ("a name", x, y);
                }
            }
            _ if x == y => {}
            Tok::Ident => return differ("a name or type", x, y),
            Tok::Literal => literals.push(at),
            Tok::Other => return differ("code", x, y),
        }
    }
    Ok(literals)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Ident,
    Literal,
    /// Punctuation and delimiters.
    Other,
}

/// The tokens that must match between copies, as text: parameter types, return type, body.
fn flat_tokens(function: &syn::ItemFn) -> Vec<(Tok, String, proc_macro2::Span)> {
    use proc_macro2::TokenTree;
    use quote::ToTokens;
    fn flatten(stream: proc_macro2::TokenStream, out: &mut Vec<(Tok, String, proc_macro2::Span)>) {
        for tree in stream {
            match tree {
                TokenTree::Group(group) => {
                    let (open, close) =
                        crate::analysis::source::token::delimiters(group.delimiter());
                    out.push((Tok::Other, open.to_owned(), group.span_open()));
                    flatten(group.stream(), out);
                    out.push((Tok::Other, close.to_owned(), group.span_close()));
                }
                TokenTree::Ident(ident) => out.push((Tok::Ident, ident.to_string(), ident.span())),
                TokenTree::Literal(literal) => {
                    out.push((Tok::Literal, literal.to_string(), literal.span()));
                }
                TokenTree::Punct(punct) => {
                    out.push((Tok::Other, punct.as_char().to_string(), punct.span()));
                }
            }
        }
    }
    let mut out = Vec::new();
    for input in &function.sig.inputs {
        match input {
            syn::FnArg::Typed(typed) => flatten(typed.ty.to_token_stream(), &mut out),
            syn::FnArg::Receiver(receiver) => flatten(receiver.to_token_stream(), &mut out),
        }
    }
    flatten(function.sig.output.to_token_stream(), &mut out);
    flatten(function.block.to_token_stream(), &mut out);
    out
}

/// The names a function binds itself: parameters, `let`, `for`, `match` and closure patterns.
fn local_names(function: &syn::ItemFn) -> std::collections::HashSet<String> {
    struct Names(std::collections::HashSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.0.insert(pat.ident.to_string());
            syn::visit::visit_pat_ident(self, pat);
        }
    }
    let mut names = Names(std::collections::HashSet::new());
    syn::visit::Visit::visit_item_fn(&mut names, function);
    names.0
}

/// The bytes of the function's visibility and the space after it, or the empty range where
/// one would go.
fn visibility_range(text: &str, function: &syn::ItemFn) -> std::ops::Range<usize> {
    let signature = byte_range(text, function.sig.span()).start;
    match &function.vis {
        syn::Visibility::Inherited => signature..signature,
        vis => byte_range(text, vis.span()).start..signature,
    }
}

/// The free function `name` whose span holds `line`, in these items or inline modules.
fn find_fn<'a>(items: &'a [syn::Item], name: &str, line: u32) -> Option<&'a syn::ItemFn> {
    items.iter().find_map(|item| match item {
        syn::Item::Fn(function) if function.sig.ident == name => {
            let span = function.span();
            let lines = span.start().line..=span.end().line;
            lines.contains(&(line as usize)).then_some(function)
        }
        syn::Item::Mod(module) => module
            .content
            .as_ref()
            .and_then(|(_, items)| find_fn(items, name, line)),
        _ => None,
    })
}

/// The method `name` of an impl block for `owner` whose span holds `line`, as a function.
fn find_method(items: &[syn::Item], owner: &str, name: &str, line: u32) -> Option<syn::ItemFn> {
    items.iter().find_map(|item| match item {
        syn::Item::Impl(block)
            if block.trait_.is_none()
                && crate::analysis::source::type_name(&block.self_ty) == owner =>
        {
            block.items.iter().find_map(|member| match member {
                syn::ImplItem::Fn(method) if method.sig.ident == name => {
                    let span = method.span();
                    let lines = span.start().line..=span.end().line;
                    lines.contains(&(line as usize)).then(|| syn::ItemFn {
                        attrs: method.attrs.clone(),
                        vis: method.vis.clone(),
                        sig: method.sig.clone(),
                        block: Box::new(method.block.clone()),
                    })
                }
                _ => None,
            })
        }
        syn::Item::Mod(module) => module
            .content
            .as_ref()
            .and_then(|(_, items)| find_method(items, owner, name, line)),
        _ => None,
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

/// Byte offsets of a span in `text` (spans count lines from 1 and columns in characters).
fn byte_range(text: &str, span: proc_macro2::Span) -> std::ops::Range<usize> {
    let offset = |at: proc_macro2::LineColumn| {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(at.line - 1)
            .map(str::len)
            .sum();
        let column: usize = text[line_start..]
            .chars()
            .take(at.column)
            .map(char::len_utf8)
            .sum();
        line_start + column
    };
    offset(span.start())..offset(span.end())
}

/// Replacements per file, applied from the end so earlier offsets stay valid.
#[derive(Default)]
struct Edits(std::collections::BTreeMap<String, Vec<(std::ops::Range<usize>, String)>>);

impl Edits {
    fn replace(&mut self, file: &str, range: std::ops::Range<usize>, with: String) {
        self.0
            .entry(file.to_owned())
            .or_default()
            .push((range, with));
    }

    /// The changes, from each file's text as the copies read it.
    fn into_changes(self, copies: &[Copy]) -> Result<Vec<FileChange>, AgentError> {
        let mut changes = Vec::new();
        for (file, mut replacements) in self.0 {
            let before = copies
                .iter()
                .find(|c| c.location.file == file)
                .map(|c| c.text.clone())
                .ok_or_else(|| AgentError::Declined(format!("cannot read `{file}`")))?;
            let mut after = before.clone();
            replacements.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
            for (range, with) in replacements {
                after.replace_range(range, &with);
            }
            changes.push(FileChange::new(&file, Some(&before), Some(&after)));
        }
        Ok(changes)
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::refactor::finding::FindingKind;

    const BODY: &str = "{\n    let mut total = 0;\n    for v in values {\n        total += v;\n    }\n    total\n}\n";

    fn finding(ty: CloneType, locations: &[(&str, u32, &str)]) -> Finding {
        Finding {
            id: "D1".into(),
            kind: FindingKind::Dup,
            fingerprint: 1,
            title: String::new(),
            suggestion: String::new(),
            locations: locations
                .iter()
                .map(|(file, line, item)| Location {
                    file: (*file).into(),
                    start_line: *line,
                    end_line: *line + 6,
                    item: (*item).into(),
                })
                .collect(),
            size: 6.0,
            clone: Some((GroupKind::Fn, ty)),
        }
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
        let two = b.replacen("0.25", "0.75", 1);
        let dir = workspace(&[("src/a.rs", a), ("src/b.rs", &two)]);
        let err = propose(&found, dir.path(), &[]).unwrap_err().to_string();
        assert!(err.contains("more than one literal"), "{err}");
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
        let smell = Finding {
            clone: None,
            ..near
        };
        assert!(propose(&smell, dir.path(), &[]).is_err());
    }
}
