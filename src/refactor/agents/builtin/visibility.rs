//! The built-in fix for `needless_pub`: the item's `pub` becomes `pub(crate)`.
//!
//! The analysis already proved that no other crate can reach the item (nothing outside its
//! module names it and no library's public API shows it), so narrowing it cannot break a
//! caller; `pub(crate)` rather than private keeps it visible wherever a macro expansion or a
//! sibling module the analysis could not follow still names it, and lets the compiler report
//! it as dead code if nothing does. One keyword changes: comments and layout stay.

use std::path::Path;

use super::copy::byte_range;
use crate::analysis::source::named_item;
use crate::refactor::agents::exchange::AgentError;
use crate::refactor::change::FileChange;
use crate::refactor::finding::Finding;

/// The `pub` of the item a `needless_pub` finding names, as `pub(crate)`.
pub fn narrow(finding: &Finding, root: &Path) -> Result<Vec<FileChange>, AgentError> {
    let declined = |why: String| AgentError::Declined(why);
    let location = finding
        .locations
        .first()
        .ok_or_else(|| declined(format!("{} has no location", finding.id)))?;
    let text = std::fs::read_to_string(root.join(&location.file))
        .map_err(|err| declined(format!("cannot read `{}`: {err}", location.file)))?;
    let file = syn::parse_file(&text)
        .map_err(|err| declined(format!("cannot parse `{}`: {err}", location.file)))?;
    let name = location.item.rsplit("::").next().unwrap_or(&location.item);
    let span = find_pub(&file.items, name, location.start_line as usize).ok_or_else(|| {
        declined(format!(
            "no `pub` item `{name}` at {}:{}: the file changed since the scan",
            location.file, location.start_line
        ))
    })?;
    let mut after = text.clone();
    after.replace_range(byte_range(&text, span), "pub(crate)");
    Ok(vec![FileChange::new(
        &location.file,
        Some(&text),
        Some(&after),
    )])
}

/// The span of the `pub` keyword of item `name` declared on `line`, in inline modules too.
fn find_pub(items: &[syn::Item], name: &str, line: usize) -> Option<proc_macro2::Span> {
    items.iter().find_map(|item| {
        if let syn::Item::Mod(m) = item {
            let (_, inner) = m.content.as_ref()?;
            return find_pub(inner, name, line);
        }
        match named_item(item)? {
            (syn::Visibility::Public(token), ident)
                if ident == name && near(ident.span(), line) =>
            {
                Some(token.span)
            }
            _ => None,
        }
    })
}

/// Whether an item named at `span` is the one reported on `line` (its attributes or doc
/// comments may start the report a few lines above the name).
fn near(span: proc_macro2::Span, line: usize) -> bool {
    let at = span.start().line;
    at >= line && at <= line + 16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::smells::SmellKind;
    use crate::refactor::finding::{FindingKind, Location};

    fn finding(file: &str, line: u32, item: &str) -> Finding {
        Finding {
            id: "S1".into(),
            kind: FindingKind::Smell,
            fingerprint: 1,
            title: String::new(),
            suggestion: String::new(),
            locations: vec![Location {
                file: file.into(),
                start_line: line,
                end_line: line,
                item: item.into(),
            }],
            size: 1.0,
            clone: None,
            smell: Some(SmellKind::NeedlessPub),
        }
    }

    #[test]
    fn the_items_pub_becomes_pub_crate_and_nothing_else_changes() {
        let dir = tempfile::tempdir().unwrap();
        let text = "/// Docs stay.\npub fn helper() {} // a comment\n\nmod inner {\n    pub struct Helper;\n}\npub fn other() {}\n";
        std::fs::write(dir.path().join("lib.rs"), text).unwrap();
        let changes = narrow(&finding("lib.rs", 1, "c::helper"), dir.path()).unwrap();
        let after = changes[0].after.as_deref().unwrap();
        assert_eq!(
            after,
            text.replacen("pub fn helper", "pub(crate) fn helper", 1)
        );
        let changes = narrow(&finding("lib.rs", 5, "c::inner::Helper"), dir.path()).unwrap();
        let after = changes[0].after.as_deref().unwrap();
        assert!(after.contains("    pub(crate) struct Helper;\n"), "{after}");
        assert!(after.contains("pub fn helper() {}"));
    }

    #[test]
    fn an_item_that_moved_or_is_gone_is_declined_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lib.rs"), "fn helper() {}\n").unwrap();
        let err = narrow(&finding("lib.rs", 1, "c::helper"), dir.path()).unwrap_err();
        assert!(
            err.to_string()
                .contains("no `pub` item `helper` at lib.rs:1"),
            "{err}"
        );
    }
}
