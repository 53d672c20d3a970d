//! One trait method written alike in the impls of several types, the rest of each impl its
//! own: a `macro_rules!` without arguments expands to the method, and each impl invokes it
//! where the method was. The copies must be token for token the same, in impls of one trait
//! in one module of one file; the macro goes right before the first of those impls. Each
//! expansion is then the method it replaces: the macro writes `fn`, `self` and the body
//! together, so `self` resolves as before, and other names resolve at the invocation.

use std::path::Path;

use quote::ToTokens;
use syn::spanned::Spanned;

use super::copy::{byte_range, read_item};
use super::edits::Edits;
use super::impls::{named_after, reindented, unfit_for_macro, ImplPart};
use super::literal::indent_at;
use crate::refactor::agents::exchange::AgentError;
use crate::refactor::change::FileChange;
use crate::refactor::finding::{Finding, Location};

/// One copy: the method in its impl, as its file holds it.
struct Method {
    part: ImplPart,
    name: String,
    /// Where its impl starts.
    impl_start: usize,
}

/// The changes that make `finding`'s copies one macro, `None` when they are not all methods
/// of trait impls, or why not.
pub(super) fn propose(
    finding: &Finding,
    root: &Path,
) -> Result<Option<Vec<FileChange>>, AgentError> {
    let Some(mut methods) = (finding.locations.iter())
        .map(|location| Method::read(root, location))
        .collect::<Option<Vec<Method>>>()
    else {
        return Ok(None);
    };
    methods.sort_by_key(|m| (m.part.location.file.clone(), m.part.range.start));
    alike(&methods)?;
    let first = &methods[0];
    let name = macro_name(first);
    let mut edits = Edits::default();
    let indent = indent_at(&first.part.text, first.impl_start);
    let types: Vec<String> = methods
        .iter()
        .map(|m| format!("`{}`", m.part.self_ty))
        .collect();
    let doc = format!(
        "/// `{}::{}` as the impls for {} write it.",
        first.part.trait_path,
        first.name,
        types.join(", ")
    );
    let definition = format!("{doc}\n{indent}{}\n\n{indent}", definition(first, &name)?);
    edits.replace(
        &first.part.location.file,
        first.impl_start..first.impl_start,
        definition,
    );
    for method in &methods {
        edits.replace(
            &method.part.location.file,
            method.part.range.clone(),
            format!("{name}!();"),
        );
    }
    let text_of = |file: &str| {
        let method = methods.iter().find(|m| m.part.location.file == file)?;
        Some(method.part.text.clone())
    };
    edits.into_changes_of(text_of).map(Some)
}

/// Declines copies that one macro cannot write: in another module or file than the first,
/// of another trait, or not token for token the same.
fn alike(methods: &[Method]) -> Result<(), AgentError> {
    let first = &methods[0];
    // A method's item path is its module's, its type's name, and its own.
    let module = |l: &Location| {
        let mut path: Vec<&str> = l.item.split("::").collect();
        path.truncate(path.len().saturating_sub(2));
        path.join("::")
    };
    for other in &methods[1..] {
        let why = if other.part.location.file != first.part.location.file
            || module(&other.part.location) != module(&first.part.location)
        {
            "it is in another module or file than the first copy"
        } else if other.part.trait_path != first.part.trait_path {
            "it implements another trait"
        } else if other.part.tokens != first.part.tokens {
            "it differs from the first copy in more than layout (one macro writes one text)"
        } else {
            continue;
        };
        return Err(declined(other, why));
    }
    Ok(())
}

impl Method {
    /// The method `location` names, if it is one of a trait impl.
    fn read(root: &Path, location: &Location) -> Option<Method> {
        let name = location.item.rsplit("::").next()?.to_owned();
        let line = location.start_line as usize;
        let (text, block) = read_item(root, location, "impl", |item, _| match item {
            syn::Item::Impl(block)
                if block.trait_.is_some() && holds(block, &name, line).is_some() =>
            {
                Some(block)
            }
            _ => None,
        })
        .ok()?;
        let method = holds(&block, &name, line)?;
        let range = byte_range(&text, method.span());
        let impl_start = byte_range(&text, block.span()).start;
        let part = ImplPart::of(location, text, &block, range, method.to_token_stream());
        Some(Method {
            part,
            name,
            impl_start,
        })
    }
}

/// The method `name` of `block` whose `fn` is on `line`.
fn holds<'a>(block: &'a syn::ItemImpl, name: &str, line: usize) -> Option<&'a syn::ImplItemFn> {
    let found = block.items.iter().find_map(|member| match member {
        syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    });
    found.filter(|f| f.sig.fn_token.span.start().line == line)
}

fn declined(one: &Method, why: &str) -> AgentError {
    AgentError::Declined(format!(
        "the method `{}` of `{}` for `{}` at {}:{} is not turned into a macro invocation: {why}",
        one.name,
        one.part.trait_path,
        one.part.self_ty,
        one.part.location.file,
        one.part.location.start_line
    ))
}

/// The trait's name and the method's, in snake case (`block_width`), numbered past any name
/// the file spells.
fn macro_name(one: &Method) -> String {
    named_after(&one.part.text, &one.part.trait_path, |snake| {
        format!("{snake}_{}", one.name)
    })
}

/// The `macro_rules!` that expands to the first copy, indented one level deeper than the
/// impl it stands before.
fn definition(first: &Method, name: &str) -> Result<String, AgentError> {
    let method = &first.part.text[first.part.range.clone()];
    if let Some(why) = unfit_for_macro(method) {
        return Err(declined(first, why));
    }
    let indent = indent_at(&first.part.text, first.impl_start);
    let own = indent_at(&first.part.text, first.part.range.start);
    // Its first line starts past the indentation, so only the others lose it.
    let inner = reindented(method, &own, &format!("{indent}        "));
    Ok(format!(
        "macro_rules! {name} {{\n{indent}    () => {{\n{inner}\n{indent}    }};\n{indent}}}"
    ))
}

#[cfg(test)]
mod test {
    use crate::analysis::detectors::{CloneType, GroupKind};
    use crate::refactor::finding::{Finding, Location};

    const BLOCKS: &str = "pub trait Block {\n    fn render(&self) -> String;\n    fn width(&self) -> usize;\n}\n\npub struct Para {\n    pub lines: Vec<String>,\n}\n\npub struct Quote {\n    pub lines: Vec<String>,\n}\n\nimpl Block for Para {\n    fn render(&self) -> String {\n        self.lines.join(\"\\n\")\n    }\n\n    /// The widest line.\n    fn width(&self) -> usize {\n        let mut widest = 0;\n        for line in &self.lines {\n            widest = widest.max(line.len());\n        }\n        widest\n    }\n}\n\nimpl Block for Quote {\n    fn render(&self) -> String {\n        format!(\"> {}\", self.lines.join(\"\\n> \"))\n    }\n\n    /// The widest line.\n    fn width(&self) -> usize {\n        let mut widest = 0;\n        for line in &self.lines {\n            widest = widest.max(line.len());\n        }\n        widest\n    }\n}\n";

    fn methods(text: &str) -> Result<Option<String>, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), text).unwrap();
        let at = |n: usize| {
            let offset = text
                .match_indices("fn width(&self) -> usize {")
                .nth(n)
                .unwrap()
                .0;
            text[..offset].matches('\n').count() as u32 + 1
        };
        let location = |n: usize, ty: &str| Location {
            file: "src/lib.rs".into(),
            start_line: at(n),
            end_line: at(n) + 6,
            item: format!("k::{ty}::width"),
        };
        let finding = Finding::group(
            GroupKind::Method,
            CloneType::Exact,
            vec![location(0, "Para"), location(1, "Quote")],
        );
        let changes = super::propose(&finding, dir.path()).map_err(|e| e.to_string())?;
        Ok(changes.map(|c| c[0].after.clone().unwrap()))
    }

    #[test]
    fn a_trait_method_written_alike_for_two_types_is_one_macro_each_impl_invokes() {
        let after = methods(BLOCKS).unwrap().unwrap();
        let definition = "/// `Block::width` as the impls for `Para`, `Quote` write it.\nmacro_rules! block_width {\n    () => {\n        /// The widest line.\n        fn width(&self) -> usize {\n            let mut widest = 0;\n            for line in &self.lines {\n                widest = widest.max(line.len());\n            }\n            widest\n        }\n    };\n}\n\nimpl Block for Para {";
        assert!(after.contains(definition), "{after}");
        assert_eq!(after.matches("    block_width!();\n").count(), 2, "{after}");
        assert!(
            !after.contains("let mut widest = 0;\n        for"),
            "{after}"
        );
        // Copies that differ in more than layout are declined.
        let differs = BLOCKS.replacen("line.len()", "line.chars().count()", 1);
        assert!(methods(&differs)
            .unwrap_err()
            .contains("differs from the first copy"));
    }
}
