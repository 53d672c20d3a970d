//! One trait implemented for several types with the same items (or inherent impls written
//! alike for several types): a small `macro_rules!` takes the implementing type, the first
//! impl's place holds it, and every impl becomes one invocation. The items must be token for token the same (they say `Self`, never the
//! type), the impls in one module of one file, without generics, attributes or `unsafe`:
//! then each expansion is the impl it replaces, and its names resolve where they did, since
//! a `macro_rules!` body resolves items at the invocation (only its locals are hygienic).

use std::ops::Range;
use std::path::Path;

use quote::ToTokens;
use syn::spanned::Spanned;

use super::compare::{flatten, Tok};
use super::copy::{byte_range, read_item};
use super::edits::Edits;
use crate::refactor::agents::exchange::AgentError;
use crate::refactor::change::FileChange;
use crate::refactor::finding::{Finding, Location};

/// An impl of a trait, or one method of it, as its file holds it.
pub(super) struct ImplPart {
    pub(super) location: Location,
    pub(super) text: String,
    /// The trait's path (empty for an inherent impl) and the implementing type, as written.
    pub(super) trait_path: String,
    pub(super) self_ty: String,
    /// The part's bytes, and its tokens (to compare parts by).
    pub(super) range: Range<usize>,
    pub(super) tokens: Vec<String>,
}

impl ImplPart {
    /// The part of `block` at `range` in `text`, compared by the tokens of `stream`.
    pub(super) fn of(
        location: &Location,
        text: String,
        block: &syn::ItemImpl,
        range: Range<usize>,
        stream: proc_macro2::TokenStream,
    ) -> ImplPart {
        let spelled = |node: &dyn Spanned| text[byte_range(&text, node.span())].to_owned();
        let trait_path = block.trait_.as_ref();
        let mut tokens = Vec::new();
        flatten(stream, &mut tokens);
        ImplPart {
            trait_path: trait_path.map_or_else(String::new, |(_, path, _)| spelled(path)),
            self_ty: spelled(&*block.self_ty),
            range,
            tokens: (tokens.into_iter())
                .map(|(kind, t, _)| format!("{kind:?}{t}"))
                .collect(),
            location: location.clone(),
            text,
        }
    }
}

/// One impl of the group: the part, and where its items are (between the braces).
struct TraitImpl {
    part: ImplPart,
    items: Range<usize>,
    indent: String,
}

/// The changes that turn `finding`'s impls into invocations of one macro, with the one line
/// that says which (the impls in other modules stay), or why not.
pub(super) fn propose(
    finding: &Finding,
    root: &Path,
) -> Result<(Vec<FileChange>, String), AgentError> {
    let impls: Vec<TraitImpl> = finding
        .locations
        .iter()
        .map(|location| TraitImpl::read(root, location))
        .collect::<Result<_, String>>()
        .map_err(AgentError::Declined)?;
    // The impls of one module share the macro; those elsewhere stay (a macro's names would
    // resolve in each invoking module), and the group shrinks by the ones merged.
    let place = |i: &TraitImpl| {
        (
            i.part.location.file.clone(),
            module_of(&i.part.location).to_owned(),
        )
    };
    let largest = impls
        .iter()
        .map(place)
        .max_by_key(|p| impls.iter().filter(|i| place(i) == *p).count())
        .expect("a group has impls");
    let (merged, left): (Vec<TraitImpl>, Vec<TraitImpl>) =
        impls.into_iter().partition(|i| place(i) == largest);
    let summary = says_which(&merged, &left);
    let mut impls = merged;
    impls.sort_by_key(|i| i.part.range.start);
    let first = &impls[0];
    if impls.len() < 2 {
        return Err(declined(
            first,
            "the impls are each in a different module or file",
        ));
    }
    for other in &impls[1..] {
        if other.part.trait_path != first.part.trait_path || other.part.tokens != first.part.tokens
        {
            return Err(declined(
                other,
                &format!(
                    "its items differ from those of the impl for `{}` in more than layout \
                     (a macro would need more than the type as its argument)",
                    first.part.self_ty
                ),
            ));
        }
    }
    let name = macro_name(first);
    let mut edits = Edits::default();
    for (i, one) in impls.iter().enumerate() {
        let call = format!("{name}!({});", one.part.self_ty);
        let with = if i == 0 {
            format!("{}\n\n{}{call}", definition(first, &name)?, first.indent)
        } else {
            call
        };
        edits.replace(&one.part.location.file, one.part.range.clone(), with);
    }
    let changes = edits.into_changes_of(|file| {
        Some(
            impls
                .iter()
                .find(|i| i.part.location.file == file)?
                .part
                .text
                .clone(),
        )
    })?;
    Ok((changes, summary))
}

/// "write the impls for A, B with one macro", and which impls stay where they are.
fn says_which(merged: &[TraitImpl], left: &[TraitImpl]) -> String {
    let types = |impls: &[TraitImpl]| -> String {
        let names: Vec<String> = impls
            .iter()
            .map(|i| format!("`{}`", i.part.self_ty))
            .collect();
        names.join(", ")
    };
    let merged = format!("write the impls for {} with one macro", types(merged));
    if left.is_empty() {
        return merged;
    }
    format!(
        "{merged}; the impls for {} stay, in other modules (a macro's names resolve where it \
         is invoked)",
        types(left)
    )
}

fn declined(one: &TraitImpl, why: &str) -> AgentError {
    let of = if one.part.trait_path.is_empty() {
        String::new()
    } else {
        format!(" of `{}`", one.part.trait_path)
    };
    AgentError::Declined(format!(
        "the impl{of} for `{}` at {}:{} is not turned into a macro invocation: {why}",
        one.part.self_ty, one.part.location.file, one.part.location.start_line
    ))
}

/// The module path an impl's item path names (`krate::a::<impl T for S>` is in `krate::a`).
fn module_of(location: &Location) -> &str {
    location
        .item
        .rsplit_once("::<")
        .map_or("", |(module, _)| module)
}

impl TraitImpl {
    fn read(root: &Path, location: &Location) -> Result<TraitImpl, String> {
        let (text, block) = read_item(root, location, "impl", |item, line| match item {
            syn::Item::Impl(block) if block.impl_token.span.start().line == line => Some(block),
            _ => None,
        })?;
        let simple = block.generics.params.is_empty()
            && block.generics.where_clause.is_none()
            && block.attrs.is_empty()
            && block.unsafety.is_none()
            && block.defaultness.is_none();
        // An inherent impl (`impl S { .. }`) is written alike, with no trait.
        if matches!(&block.trait_, Some((Some(_), _, _))) {
            return Err(format!(
                "the impl at {}:{} is a negative impl",
                location.file, location.start_line
            ));
        }
        if !simple {
            return Err(format!(
                "the impl at {}:{} has generics, attributes or `unsafe`; a macro over its type \
                 alone would not reproduce it",
                location.file, location.start_line
            ));
        }
        let range = byte_range(&text, block.span());
        let open = byte_range(&text, block.brace_token.span.open()).end;
        let close = byte_range(&text, block.brace_token.span.close()).start;
        let line_start = text[..range.start].rfind('\n').map_or(0, |at| at + 1);
        let indent = text[line_start..range.start].to_owned();
        let items = (block.items.iter())
            .map(ToTokens::to_token_stream)
            .collect();
        Ok(TraitImpl {
            part: ImplPart::of(location, text, &block, range, items),
            items: open..close,
            indent,
        })
    }
}

/// `impl_` and the trait's name in snake case (`impl_methods` for inherent impls), numbered
/// past any name the file spells.
fn macro_name(one: &TraitImpl) -> String {
    named_after(&one.part.text, &one.part.trait_path, |snake| {
        format!("impl_{snake}")
    })
}

/// A macro's name that `name` makes of the snake case of a trait's name (`methods` when there
/// is none), numbered past any name `text` spells.
pub(super) fn named_after(text: &str, trait_path: &str, name: impl Fn(&str) -> String) -> String {
    let last = trait_path.rsplit("::").next().unwrap_or(trait_path);
    let last = last.split('<').next().unwrap_or(last).trim();
    let last = if last.is_empty() { "Methods" } else { last };
    unspelled(text, &name(&snake_case(last)))
}

/// `name` in snake case (`ProgressBar` is `progress_bar`).
fn snake_case(name: &str) -> String {
    let mut snake = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.extend(c.to_lowercase());
    }
    snake
}

/// `base`, or `base_N`, whichever `text` does not spell as an identifier.
fn unspelled(text: &str, base: &str) -> String {
    let mut tokens = Vec::new();
    if let Ok(stream) = text.parse::<proc_macro2::TokenStream>() {
        flatten(stream, &mut tokens);
    }
    let taken = |name: &str| (tokens.iter()).any(|(kind, t, _)| *kind == Tok::Ident && t == name);
    let mut name = base.to_owned();
    let mut n = 1;
    while taken(&name) {
        n += 1;
        name = format!("{base}_{n}");
    }
    name
}

/// `text` with each line's `own` indentation replaced by `indent`, blank lines left empty.
pub(super) fn reindented(text: &str, own: &str, indent: &str) -> String {
    let lines: Vec<String> = (text.split('\n'))
        .map(|line| {
            let line = line.strip_prefix(own).unwrap_or(line);
            if line.trim().is_empty() {
                String::new()
            } else {
                format!("{indent}{line}")
            }
        })
        .collect();
    lines.join("\n")
}

/// Why `body` cannot become a macro's body as it is written, if it cannot.
pub(super) fn unfit_for_macro(body: &str) -> Option<&'static str> {
    if body.contains('$') {
        return Some("it spells `$`, which a macro body would read");
    }
    let mut tokens = Vec::new();
    if let Ok(stream) = body.parse::<proc_macro2::TokenStream>() {
        flatten(stream, &mut tokens);
    }
    (tokens.iter())
        .any(|(kind, _, span)| *kind == Tok::Literal && span.start().line != span.end().line)
        .then_some("a literal in it spans lines, which re-indenting would change")
}

/// The `macro_rules!` whose expansion for a type is the first impl for that type.
fn definition(first: &TraitImpl, name: &str) -> Result<String, AgentError> {
    let body = &first.part.text[first.items.clone()];
    if let Some(why) = unfit_for_macro(body) {
        return Err(declined(first, why));
    }
    let indent = &first.indent;
    let inner = reindented(
        body.trim_matches('\n'),
        indent,
        &format!("{indent}        "),
    );
    Ok(format!(
        "macro_rules! {name} {{\n{indent}    ($ty:ty) => {{\n{indent}        impl {}$ty {{\n{}\n{indent}        }}\n{indent}    }};\n{indent}}}",
        if first.part.trait_path.is_empty() {
            String::new()
        } else {
            format!("{} for ", first.part.trait_path)
        },
        inner,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::detectors::{CloneType, GroupKind};

    const IMPLS: &str = "pub trait Area {\n    fn area(&self) -> u32;\n}\n\npub struct Square(pub u32);\npub struct Tile(pub u32);\n\nimpl Area for Square {\n    /// Side squared.\n    fn area(&self) -> u32 {\n        self.0 * self.0\n    }\n}\n\nimpl Area for Tile {\n    /// Side squared.\n    fn area(&self) -> u32 {\n        self.0 * self.0\n    }\n}\n";

    /// `src/m.rs` after turning the impls starting at `lines` into one macro, or why not.
    fn rewrite(text: &str, lines: &[u32]) -> Result<String, String> {
        let items: Vec<(u32, &str)> = lines
            .iter()
            .map(|&l| (l, "k::m::<impl Area for X>"))
            .collect();
        rewrite_items(text, &items)
    }

    fn rewrite_items(text: &str, lines: &[(u32, &str)]) -> Result<String, String> {
        rewrite_and_say(text, lines).map(|(after, _)| after)
    }

    /// The file after the rewrite, and what the agent says of it.
    fn rewrite_and_say(text: &str, lines: &[(u32, &str)]) -> Result<(String, String), String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/m.rs"), text).unwrap();
        let locations = (lines.iter())
            .map(|&(line, item)| Location {
                file: "src/m.rs".into(),
                start_line: line,
                end_line: line + 5,
                item: item.into(),
            })
            .collect();
        let finding = Finding::group(GroupKind::Impl, CloneType::Exact, locations);
        let changes = crate::refactor::agents::builtin::propose(&finding, dir.path(), &[])
            .map_err(|err| err.to_string())?;
        let (_, summary) = propose(&finding, dir.path()).map_err(|err| err.to_string())?;
        Ok((changes[0].after.clone().unwrap(), summary))
    }

    #[test]
    fn impls_with_the_same_items_become_invocations_of_one_macro_over_the_type() {
        let after = rewrite(IMPLS, &[15, 8]).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(
            after,
            "pub trait Area {\n    fn area(&self) -> u32;\n}\n\npub struct Square(pub u32);\npub struct Tile(pub u32);\n\nmacro_rules! impl_area {\n    ($ty:ty) => {\n        impl Area for $ty {\n            /// Side squared.\n            fn area(&self) -> u32 {\n                self.0 * self.0\n            }\n        }\n    };\n}\n\nimpl_area!(Square);\n\nimpl_area!(Tile);\n"
        );
    }

    #[test]
    fn impls_in_another_module_stay_and_those_of_the_module_with_most_share_the_macro() {
        let inner = "\nmod inner {\n    use super::*;\n    pub struct Brick(pub u32);\n    impl Area for Brick {\n        /// Side squared.\n        fn area(&self) -> u32 {\n            self.0 * self.0\n        }\n    }\n}\n";
        let text = format!("{IMPLS}{inner}");
        let items = [
            (25, "k::m::inner::<impl Area for Brick>"),
            (8, "k::m::<impl Area for Square>"),
            (15, "k::m::<impl Area for Tile>"),
        ];
        let (after, summary) = rewrite_and_say(&text, &items).unwrap_or_else(|err| panic!("{err}"));
        assert!(
            after.contains("impl_area!(Square);\n\nimpl_area!(Tile);\n"),
            "{after}"
        );
        // What it says names the impls it merged, and the one it left.
        assert!(
            summary.starts_with(
                "write the impls for `Square`, `Tile` with one macro; the impls for `Brick` stay"
            ),
            "{summary}"
        );
        assert!(after.ends_with(inner), "{after}");
        let err = rewrite_items(&text, &items[..2]).unwrap_err();
        assert!(err.contains("each in a different module"), "{err}");
    }

    #[test]
    fn inherent_impls_written_alike_share_a_macro_too() {
        let text = IMPLS
            .replace("impl Area for Square", "impl Square")
            .replace("impl Area for Tile", "impl Tile");
        let after = rewrite(&text, &[8, 15]).unwrap_or_else(|err| panic!("{err}"));
        assert!(
            after.contains("macro_rules! impl_methods {\n    ($ty:ty) => {\n        impl $ty {\n            /// Side squared.\n"),
            "{after}"
        );
        assert!(
            after.ends_with("impl_methods!(Square);\n\nimpl_methods!(Tile);\n"),
            "{after}"
        );
    }

    #[test]
    fn impls_whose_items_differ_or_that_have_generics_or_attributes_are_declined() {
        let other = IMPLS.replacen(
            "self.0 * self.0\n    }\n}\n\nimpl Area for Tile",
            "self.0 * 2\n    }\n}\n\nimpl Area for Tile",
            1,
        );
        let err = rewrite(&other, &[8, 15]).unwrap_err();
        assert!(err.contains("its items differ"), "{err}");
        let generic = IMPLS.replace("impl Area for Tile", "impl<T> Area for Tile");
        let err = rewrite(&generic, &[8, 15]).unwrap_err();
        assert!(
            err.contains("has generics, attributes or `unsafe`"),
            "{err}"
        );
        // Impls inside functions are found too, and declined for what they are.
        let nested = "fn a() {\n    struct S;\n    impl<T> Area for S {\n        fn area(&self) -> u32 { 1 }\n    }\n}\n";
        let nested = format!("{nested}{}", nested.replace("fn a()", "fn b()"));
        let err = rewrite(&nested, &[3, 9]).unwrap_err();
        assert!(err.contains("has generics"), "{err}");
        let attributed = IMPLS.replace("\nimpl Area for Tile", "#[cfg(test)]\nimpl Area for Tile");
        let err = rewrite(&attributed, &[8, 15]).unwrap_err();
        assert!(
            err.contains("has generics, attributes or `unsafe`"),
            "{err}"
        );
    }
}
