//! The built-in agent: deterministic refactors that need no model, so `fix` works offline at
//! zero tokens. It merges functions that are copies of each other, identical or renamed
//! consistently: one copy stays (the canonical one), every other keeps its name, signature,
//! attributes and docs and becomes a one-line delegation to it, so no caller and no public
//! signature changes. A private canonical copy that another module now calls becomes
//! `pub(crate)`. Everything else is declined with the reason, and every proposal still goes
//! through the same gates as any agent's.

use std::path::Path;

use syn::spanned::Spanned;

use super::exchange::AgentError;
use crate::analysis::detectors::{CloneType, GroupKind};
use crate::refactor::change::FileChange;
use crate::refactor::finding::{Finding, Location};

/// The changes that merge `finding`'s copies, or why the built-in agent declines it.
pub fn propose(finding: &Finding, root: &Path) -> Result<Vec<FileChange>, AgentError> {
    let decline = |why: String| Err(AgentError::Declined(why));
    match finding.clone {
        Some((GroupKind::Fn, CloneType::Exact | CloneType::Renamed)) => {}
        Some((kind, ty)) => {
            return decline(format!(
                "the built-in agent merges identical or consistently renamed free functions; \
                 {} is {} ({}), a job for an LLM agent",
                finding.id,
                kind.as_str(),
                ty.rule_id()
            ))
        }
        None => {
            return decline(format!(
                "the built-in agent has no refactor for smells yet ({})",
                finding.id
            ))
        }
    }
    let mut copies: Vec<Copy> = finding
        .locations
        .iter()
        .map(|location| Copy::read(root, location))
        .collect::<Result<_, String>>()
        .map_err(AgentError::Declined)?;
    // The copy nearest the crate root is kept; ties go to the first path in order.
    copies.sort_by(|a, b| {
        (a.module.len(), &a.location.item).cmp(&(b.module.len(), &b.location.item))
    });
    let (canonical, others) = copies.split_first().expect("a group has copies");
    if let Some(other) = others.iter().find(|c| c.crate_name != canonical.crate_name) {
        return decline(format!(
            "`{}` and `{}` are in different crates; merging across crates is not built yet",
            canonical.location.item, other.location.item
        ));
    }
    let mut edits = Edits::default();
    for other in others {
        edits.replace(
            &other.location.file,
            other.body.clone(),
            delegation(canonical, other),
        );
    }
    let called_from_elsewhere = others
        .iter()
        .any(|o| !o.module.starts_with(&canonical.module));
    if canonical.private && called_from_elsewhere {
        let at = canonical.signature_start;
        edits.replace(&canonical.location.file, at..at, "pub(crate) ".to_owned());
    }
    edits.into_changes(root)
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
    /// Byte offset where the signature (qualifiers, `fn`) starts.
    signature_start: usize,
    private: bool,
    args: Vec<String>,
    is_async: bool,
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
        let function = find_fn(&file.items, &name, location.start_line).ok_or_else(|| {
            format!(
                "`{}` is not a free function at {}:{}",
                location.item, location.file, location.start_line
            )
        })?;
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
                syn::FnArg::Receiver(_) => Err(format!("`{}` is a method", location.item)),
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
            signature_start: byte_range(&text, function.sig.span()).start,
            private: matches!(function.vis, syn::Visibility::Inherited),
            is_async: function.sig.asyncness.is_some(),
            module: path[1..].to_vec(),
            location: location.clone(),
            crate_name,
            name,
            args,
        })
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

/// The body that makes `copy` call `canonical` with its own parameters.
fn delegation(canonical: &Copy, copy: &Copy) -> String {
    let path: Vec<&str> = std::iter::once("crate")
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

    fn into_changes(self, root: &Path) -> Result<Vec<FileChange>, AgentError> {
        let mut changes = Vec::new();
        for (file, mut replacements) in self.0 {
            let before = std::fs::read_to_string(root.join(&file))
                .map_err(|err| AgentError::Declined(format!("cannot read `{file}`: {err}")))?;
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
        let changes = propose(&found, dir.path()).unwrap();
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
        let changes = propose(&found, dir.path()).unwrap();
        assert_eq!(changes.len(), 1, "the canonical copy is untouched");
        assert!(changes[0]
            .after
            .as_deref()
            .unwrap()
            .contains("crate::a::f(v).await"));
    }

    #[test]
    fn near_misses_methods_and_smells_are_declined_with_a_reason() {
        let dir = workspace(&[("src/a.rs", "struct S;\nimpl S {\n    fn f(&self) {}\n}\n")]);
        let near = finding(CloneType::NearMiss, &[("src/a.rs", 3, "k::a::S::f")]);
        let err = propose(&near, dir.path()).unwrap_err().to_string();
        assert!(err.contains("a job for an LLM agent"), "{err}");
        let method = finding(
            CloneType::Exact,
            &[("src/a.rs", 3, "k::a::f"), ("src/a.rs", 3, "k::a::f")],
        );
        let err = propose(&method, dir.path()).unwrap_err().to_string();
        assert!(err.contains("is not a free function"), "{err}");
        let smell = Finding {
            clone: None,
            ..near
        };
        assert!(propose(&smell, dir.path()).is_err());
    }
}
