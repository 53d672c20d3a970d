//! Structs or enums declared alike: the same named fields with the same types (the same
//! variants), the same attributes (docs aside) and no generics, in one crate. The most
//! visible one keeps its declaration; every other becomes a type alias of it that keeps its
//! own name, visibility and docs, so code that names it, builds it field by field (names its
//! variants through it) or matches on it still compiles.
//!
//! Declined with the reason: tuple and unit structs (an alias is no constructor function),
//! copies that differ in a field, a type or an attribute (a copy with none may take the kept
//! one's derives: nothing that built with it used them), generics, copies in other crates,
//! a kept copy the others cannot name (private to another module), and a copy that any
//! impl in its crate names (two impls of one trait for what becomes one type conflict, and
//! inherent methods may clash). Turning a `pub` struct into an alias changes the public API:
//! the guardrails hold it for review.

use std::ops::Range;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::spanned::Spanned;

use super::compare::flatten;
use super::copy::{byte_range, item_in, item_path, read_item};
use super::edits::Edits;
use crate::refactor::agents::exchange::AgentError;
use crate::refactor::change::FileChange;
use crate::refactor::finding::{Finding, Location};

/// One struct or enum of the group, as its file holds it.
struct Declared {
    location: Location,
    text: String,
    name: String,
    /// `pub`, `pub(crate)`, ... as written, or empty.
    vis: String,
    /// The module path above the struct, crate first.
    module: Vec<String>,
    /// The struct's bytes, attributes included, and its doc comments as written.
    range: Range<usize>,
    docs: Vec<String>,
    /// The attributes but docs, and the fields (the variants), as tokens.
    attrs: Vec<String>,
    fields: Vec<String>,
    /// Whether every attribute is a `#[derive]`.
    derives_only: bool,
}

/// The changes that make every struct (enum) of `finding` but one an alias of it, or why not.
pub(super) fn propose(finding: &Finding, root: &Path) -> Result<Vec<FileChange>, AgentError> {
    let mut declared: Vec<Declared> = (finding.locations.iter())
        .map(|location| Declared::read(root, location))
        .collect::<Result<_, String>>()
        .map_err(AgentError::Declined)?;
    // The most visible copy stays, so the others can name it; of those, one with derives.
    declared.sort_by_key(|d| std::cmp::Reverse((reach(&d.vis), !d.attrs.is_empty())));
    let first = &declared[0];
    let mut edits = Edits::default();
    for other in &declared[1..] {
        check(first, other, root).map_err(|why| {
            AgentError::Declined(format!(
                "`{}` is not made an alias of `{}`: {why}",
                other.location.item, first.location.item
            ))
        })?;
        edits.replace(
            &other.location.file,
            other.range.clone(),
            alias(first, other),
        );
    }
    edits.into_changes_of(|file| {
        let one = declared.iter().find(|d| d.location.file == file)?;
        Some(one.text.clone())
    })
}

/// Why `other` cannot become an alias of `first`, if it cannot.
fn check(first: &Declared, other: &Declared, root: &Path) -> Result<(), String> {
    // A copy without attributes may take the derives of the kept one: code that built with
    // it did not use them.
    let attrs_fit = other.attrs == first.attrs || (other.attrs.is_empty() && first.derives_only);
    if other.fields != first.fields || !attrs_fit {
        return Err("their fields or attributes differ".to_owned());
    }
    if other.module[0] != first.module[0] {
        return Err("they are in different crates".to_owned());
    }
    let visible =
        other.module == first.module || matches!(first.vis.as_str(), "pub" | "pub(crate)");
    if !visible {
        return Err(format!(
            "`{}` is private to its module, where `{}` cannot name it",
            first.name, other.name
        ));
    }
    if let Some(at) = impl_naming(root, &other.location.file, &other.name) {
        return Err(format!(
            "an impl at {at} names it: once both are one type, impls may conflict"
        ));
    }
    Ok(())
}

/// How far a visibility reaches: `pub`, then `pub(crate)`, then narrower ones, then private.
fn reach(vis: &str) -> u8 {
    match vis {
        "pub" => 3,
        "pub(crate)" => 2,
        "" => 0,
        _ => 1,
    }
}

/// `other`'s docs, then `VIS type Other = path::to::First;`.
fn alias(first: &Declared, other: &Declared) -> String {
    let target = if other.module == first.module {
        first.name.clone()
    } else {
        let mut path = vec!["crate".to_owned()];
        path.extend(first.module[1..].iter().cloned());
        path.push(first.name.clone());
        path.join("::")
    };
    let indent = indent_of(&other.text, other.range.start);
    let vis = if other.vis.is_empty() {
        String::new()
    } else {
        format!("{} ", other.vis)
    };
    let mut lines = other.docs.clone();
    lines.push(format!("{vis}type {} = {target};", other.name));
    lines.join(&format!("\n{indent}"))
}

/// The spaces before byte `at` on its line.
fn indent_of(text: &str, at: usize) -> &str {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    &text[line_start..at]
}

impl Declared {
    fn read(root: &Path, location: &Location) -> Result<Declared, String> {
        // Its first line holds its attributes or its `struct` (`enum`).
        let (text, item) = read_item(root, location, "struct or enum", |item, line| {
            let starts =
                |spans: [proc_macro2::Span; 2]| spans.iter().any(|at| at.start().line == line);
            match item {
                syn::Item::Struct(s) if starts([s.span(), s.struct_token.span]) => Some(item),
                syn::Item::Enum(e) if starts([e.span(), e.enum_token.span]) => Some(item),
                _ => None,
            }
        })?;
        let (ident, vis, generics, attrs, body) = match &item {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => (
                &s.ident,
                &s.vis,
                &s.generics,
                &s.attrs,
                s.fields.to_token_stream(),
            ),
            syn::Item::Enum(e) => (
                &e.ident,
                &e.vis,
                &e.generics,
                &e.attrs,
                e.variants.to_token_stream(),
            ),
            _ => {
                return Err(format!(
                "`{}` is a tuple or unit struct: an alias of another would not be a constructor",
                location.item
            ))
            }
        };
        if !generics.params.is_empty() || generics.where_clause.is_some() {
            return Err(format!("`{ident}` has generics"));
        }
        let (is_doc, attrs): (Vec<_>, Vec<_>) =
            (attrs.iter()).partition(|a| a.path().is_ident("doc"));
        let derives_only = attrs.iter().all(|a| a.path().is_ident("derive"));
        let tokens = |stream: proc_macro2::TokenStream| {
            let mut flat = Vec::new();
            flatten(stream, &mut flat);
            (flat.into_iter()).map(|(kind, t, _)| format!("{kind:?}{t}"))
        };
        let attrs: Vec<String> = (attrs.iter())
            .flat_map(|a| tokens(a.to_token_stream()))
            .collect();
        let (module, name, _) = item_path(location);
        Ok(Declared {
            name,
            vis: vis.to_token_stream().to_string().replace(' ', ""),
            module,
            range: byte_range(&text, item.span()),
            docs: (is_doc.iter())
                .map(|a| text[byte_range(&text, a.span())].to_owned())
                .collect(),
            attrs,
            fields: tokens(body).collect(),
            derives_only,
            location: location.clone(),
            text,
        })
    }
}

/// Where an impl in the crate of `file` names `name` in its header (`impl T for Name`,
/// `impl From<Name> for X`), as `file:line`.
fn impl_naming(root: &Path, file: &str, name: &str) -> Option<String> {
    let src = crate_sources(&root.join(file))?;
    for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Some(parsed) = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| syn::parse_file(&t).ok())
        else {
            continue;
        };
        if let Some(line) = impl_line(&parsed.items, name) {
            let rel = path.strip_prefix(root).unwrap_or(path);
            return Some(format!("{}:{line}", rel.display()));
        }
    }
    None
}

/// The line of the first impl among `items` (or their inline modules) whose header names
/// `name`.
fn impl_line(items: &[syn::Item], name: &str) -> Option<usize> {
    let block = item_in(items, &|item| match item {
        syn::Item::Impl(block) => {
            let mut header = Vec::new();
            flatten(block.self_ty.to_token_stream(), &mut header);
            if let Some((_, path, _)) = &block.trait_ {
                flatten(path.to_token_stream(), &mut header);
            }
            header.iter().any(|(_, t, _)| t == name).then_some(block)
        }
        _ => None,
    })?;
    Some(block.impl_token.span.start().line)
}

/// The `src/` folder beside the nearest `Cargo.toml` above `file`: where the crate's impls are.
fn crate_sources(file: &Path) -> Option<PathBuf> {
    let package = file
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("Cargo.toml").is_file())?;
    Some(package.join("src"))
}

#[cfg(test)]
mod test {
    use crate::analysis::detectors::{CloneType, GroupKind};
    use crate::refactor::agents::builtin::propose;
    use crate::refactor::finding::{Finding, Location};

    const POINT: &str =
        "#[derive(Debug, Clone, PartialEq)]\nNAME {\n    pub x: i64,\n    pub y: i64,\n}\n";

    /// The structs `decls` (each `(module file, declaration)`) as a finding, in a crate `k`
    /// whose `lib.rs` declares the modules and adds `extra`.
    fn merged(decls: &[(&str, String)], extra: &str) -> Result<Vec<(String, String)>, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"k\"\n").unwrap();
        let mut texts = std::collections::BTreeMap::<String, String>::new();
        let mut locations = Vec::new();
        for (module, decl) in decls {
            let file = format!("src/{module}.rs");
            let text = texts
                .entry(file.clone())
                .or_insert(format!("//! {module}\n"));
            text.push('\n');
            let start_line = text.lines().count() as u32 + 1;
            text.push_str(decl);
            let decl_as_struct = decl.replace("enum ", "struct ");
            let name = (decl_as_struct.split("struct ").nth(1).unwrap())
                .split([' ', '('])
                .next()
                .unwrap();
            locations.push(Location {
                end_line: text.lines().count() as u32,
                file,
                start_line,
                item: format!("k::{module}::{name}"),
            });
        }
        let mut lib = String::new();
        for (file, text) in &texts {
            std::fs::write(dir.path().join(file), text).unwrap();
            let module = &file[4..file.len() - 3];
            lib += &["pub mod ", module, ";\n"].concat();
        }
        std::fs::write(dir.path().join("src/lib.rs"), lib + extra).unwrap();
        let enums = decls.iter().all(|(_, decl)| decl.contains("enum "));
        let kind = if enums {
            GroupKind::Enum
        } else {
            GroupKind::Struct
        };
        let finding = Finding::group(kind, CloneType::Abstraction, locations);
        let changes = propose(&finding, dir.path(), &[]).map_err(|e| e.to_string())?;
        Ok((changes.into_iter())
            .map(|c| (c.path, c.after.unwrap()))
            .collect())
    }

    fn point(vis: &str, name: &str) -> String {
        POINT.replace("NAME", &format!("{vis}struct {name}"))
    }

    #[test]
    fn a_struct_declared_alike_becomes_an_alias_keeping_its_name_docs_and_visibility() {
        let documented = format!(
            "/// Where the cursor is.\n{}",
            point("pub(crate) ", "Cursor")
        );
        let changes = merged(&[("geo", point("pub ", "Point")), ("ui", documented)], "");
        let changes = changes.unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].0, "src/ui.rs");
        assert_eq!(
            changes[0].1,
            "//! ui\n\n/// Where the cursor is.\npub(crate) type Cursor = crate::geo::Point;\n"
        );
        // In one module, private, by its name alone.
        let changes = merged(&[("m", point("", "A")), ("m", point("", "B"))], "").unwrap();
        assert_eq!(
            changes[0].1,
            format!("//! m\n\n{}\ntype B = A;\n", point("", "A"))
        );
    }

    #[test]
    fn structs_that_cannot_be_one_type_are_declined_with_the_reason() {
        let geo = ("geo", point("pub ", "Point"));
        let cases = [
            (point("pub ", "Other").replace("y: i64", "y: u64"), "", "differ"),
            (point("pub ", "Other").replace("Debug, ", ""), "", "differ"),
            (
                point("pub ", "Other"),
                "impl std::fmt::Display for ui::Other {\n    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { Ok(()) }\n}\n",
                "src/lib.rs:3",
            ),
            ("pub struct Other(i64, i64);\n".to_owned(), "", "tuple"),
        ];
        for (other, extra, reason) in cases {
            let err = merged(&[geo.clone(), ("ui", other)], extra).unwrap_err();
            assert!(err.contains(reason), "{reason}: {err}");
        }
        let private = merged(
            &[("geo", point("", "Point")), ("ui", point("", "Other"))],
            "",
        );
        assert!(private.unwrap_err().contains("private to its module"));
        // The most visible copy stays, wherever the group lists it.
        let changes = merged(
            &[("geo", point("", "Point")), ("ui", point("pub ", "Other"))],
            "",
        );
        let changes = changes.unwrap();
        assert_eq!(changes[0].0, "src/geo.rs");
        assert!(
            changes[0].1.ends_with("\ntype Point = crate::ui::Other;\n"),
            "{changes:?}"
        );
        // A copy without attributes takes the kept one's derives; one with other derives or
        // with more than derives does not.
        let bare = point("pub ", "Other").replace("#[derive(Debug, Clone, PartialEq)]\n", "");
        let changes = merged(&[("ui", bare), geo.clone()], "").unwrap();
        assert_eq!(
            changes[0].1,
            "//! ui\n\npub type Other = crate::geo::Point;\n"
        );
        let repr = point("pub ", "Point").replace("#[derive", "#[repr(C)]\n#[derive");
        let bare = point("pub ", "Other").replace("#[derive(Debug, Clone, PartialEq)]\n", "");
        let err = merged(&[("geo", repr), ("ui", bare)], "").unwrap_err();
        assert!(err.contains("attributes differ"), "{err}");
    }

    #[test]
    fn an_enum_declared_alike_becomes_an_alias_and_one_with_other_variants_is_declined() {
        let mode = |vis: &str, name: &str| {
            format!("#[derive(Debug, Clone, Copy)]\n{vis}enum {name} {{\n    Fast,\n    Slow(u8),\n    Other {{ at: u32 }},\n}}\n")
        };
        let changes = merged(
            &[
                ("net", mode("pub ", "Mode")),
                ("disk", mode("pub ", "Speed")),
            ],
            "",
        );
        let changes = changes.unwrap();
        assert_eq!(
            changes[0],
            (
                "src/disk.rs".to_owned(),
                "//! disk\n\npub type Speed = crate::net::Mode;\n".to_owned()
            )
        );
        let other = mode("pub ", "Speed").replace("Slow(u8)", "Slow(u16)");
        let err = merged(&[("net", mode("pub ", "Mode")), ("disk", other)], "").unwrap_err();
        assert!(err.contains("differ"), "{err}");
    }
}
