//! Structs of one shape that each carry their own `Default`, with other values, are presets:
//! a colour palette per theme, a configuration per module. Each is its own type so that
//! `#[serde(default)]` and the schema take its values; one type in their place would need a
//! constructor per preset, the same code under other names. Structs whose defaults are the
//! same, or that have none, are still one type declared twice.

use std::collections::HashSet;

use crate::analysis::scan::SourceFile;
use crate::analysis::source::token::{hash_str, TokClass};
use crate::analysis::source::{Shape, UnitKind};

/// The tokens of the `impl Default` body written for `shape` in its file, its own name and
/// `Self` left out so that only the values tell two apart; `None` without one.
fn default_values(file: &SourceFile, shape: &Shape) -> Option<Vec<u32>> {
    let name = shape.item.rsplit("::").next().unwrap_or(&shape.item);
    let unit = file.parsed.units.iter().find(|u| {
        u.kind == UnitKind::Impl
            && u.trait_name.as_deref() == Some("Default")
            && u.self_type.as_deref() == Some(name)
    })?;
    let own = [hash_str(name), hash_str("Self")];
    let tokens = &file.parsed.tokens[unit.body.start as usize..unit.body.end as usize];
    Some(
        (tokens.iter())
            .filter(|t| !(t.class == TokClass::TypeIdent && own.contains(&t.sym)))
            .map(|t| t.sym)
            .collect(),
    )
}

/// Whether every struct of `shapes` has its own `Default` and no two have the same values.
pub(super) fn are_presets<'a>(
    files: &[SourceFile],
    shapes: impl IntoIterator<Item = (usize, &'a Shape)>,
) -> bool {
    let mut seen = HashSet::new();
    (shapes.into_iter())
        .all(|(file, shape)| default_values(&files[file], shape).is_some_and(|v| seen.insert(v)))
}

#[cfg(test)]
mod tests {
    use crate::analysis::detectors::find::test::detect;
    use crate::analysis::detectors::GroupKind;

    /// A palette struct per theme, written as a real theme module writes it, with one field
    /// of its own when `extra` names one.
    fn theme(name: &str, fg: &str, bg: &str, extra: &str) -> String {
        let (field, value) = match extra {
            "" => (String::new(), String::new()),
            f => (
                format!("\n    pub {f}: u8,"),
                format!("\n            {f}: 1,"),
            ),
        };
        format!(
            "pub struct {name} {{{field}
    pub foreground: String,
    pub background: String,
    pub highlight: String,
    pub border: String,
    pub selected: String,
}}

impl Default for {name} {{
    fn default() -> Self {{
        {name} {{{value}
            foreground: \"{fg}\".into(),
            background: \"{bg}\".into(),
            highlight: \"#ffcc00\".into(),
            border: \"#444444\".into(),
            selected: \"#0077ff\".into(),
        }}
    }}
}}
"
        )
    }

    #[test]
    fn structs_that_each_default_to_other_values_are_presets_not_copies() {
        let kinds = |sources: &[&str]| -> Vec<GroupKind> {
            detect(sources).iter().map(|g| g.kind).collect()
        };
        let dark = theme("Dark", "#ffffff", "#000000", "");
        let light = theme("Light", "#000000", "#ffffff", "");
        assert!(!kinds(&[&dark, &light]).contains(&GroupKind::Struct));
        // The same defaults: one type declared twice.
        let twin = theme("Twin", "#ffffff", "#000000", "");
        assert!(kinds(&[&dark, &twin]).contains(&GroupKind::Struct));
        // No defaults of their own: one type declared twice.
        let bare = |s: &str| s[..s.find("impl").unwrap()].to_string();
        assert!(kinds(&[&bare(&dark), &bare(&light)]).contains(&GroupKind::Struct));
        // Presets that share most of their fields, each with one of its own.
        let themes: Vec<String> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(i, f)| theme(&format!("T{i}"), &format!("#00000{i}"), "#fff", f))
            .collect();
        let sources: Vec<&str> = themes.iter().map(String::as_str).collect();
        assert!(!kinds(&sources).contains(&GroupKind::Fields));
        let bare: Vec<String> = themes.iter().map(|t| bare(t)).collect();
        let sources: Vec<&str> = bare.iter().map(String::as_str).collect();
        assert!(
            kinds(&sources).contains(&GroupKind::Fields),
            "{:#?}",
            detect(&sources)
        );
    }
}
