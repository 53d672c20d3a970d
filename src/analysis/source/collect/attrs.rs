//! The attributes and comments the visitor reads: the allow marker that suppresses
//! duplicate reports, test code left out of the analysis, `#[cfg]`-gated scaffolding, and
//! the files `#[path]` and `#[cfg_attr(.., path = ..)]` name.

use proc_macro2::Span;

use super::collector::Collector;
use crate::analysis::source::cfg::Cfg;
use crate::analysis::source::spans::item_attrs;
use crate::analysis::source::Allow;

/// The lines of `text` (from 1) with a marker that silences clone reports on the item that
/// follows: `allow(duplicate)`, or any clone rule's id (the copies of an item are one
/// finding, whatever type of clone they turn out to be).
pub(super) fn allow_lines(text: &str) -> Vec<u32> {
    allow_rules(text)
        .into_iter()
        .filter(|(_, rules)| {
            rules
                .iter()
                .any(|rule| RULE_IDS[..5].contains(&rule.as_str()))
        })
        .map(|(line, _)| line)
        .collect()
}

/// Every rule id an allow may name: the clone rules (and `duplicate` for all of them), then
/// the smells; a test ties the list to the reports' rule ids.
pub(crate) const RULE_IDS: [&str; 18] = [
    "duplicate",
    "duplicate-code",
    "renamed-clone",
    "near-miss-clone",
    "duplicate-abstraction",
    "long-function",
    "complex-function",
    "too-many-params",
    "deep-nesting",
    "module-cycle",
    "god-module",
    "hub-module",
    "unstable-dependency",
    "repeated-match",
    "god-type",
    "crate-cycle",
    "layer-violation",
    "needless-pub",
];

/// The names allow markers give that are no rule, with their lines.
pub(super) fn unknown_allows(text: &str) -> Vec<(u32, String)> {
    allow_rules(text)
        .into_iter()
        .flat_map(|(line, rules)| rules.into_iter().map(move |rule| (line, rule)))
        .filter(|(_, rule)| !RULE_IDS.contains(&rule.as_str()))
        .collect()
}

/// The rules `// cargo-loop: allow(a, b)` names on each line of `text` that has one (from 1).
/// The marker is a plain line comment of its own: a doc comment that shows it, or a string
/// that spells it, is not one.
pub(super) fn allow_rules(text: &str) -> Vec<(u32, Vec<String>)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let (code, comment) = line.split_once("//")?;
            // `//` inside a string literal (an odd number of unescaped quotes before it) is no
            // comment.
            let quotes = code
                .match_indices('"')
                .filter(|(i, _)| !code[..*i].ends_with('\\'));
            if quotes.count() % 2 == 1 {
                return None;
            }
            if comment.starts_with(['/', '!']) {
                return None;
            }
            let rest = comment.trim_start().strip_prefix("cargo-loop: allow(")?;
            let rules = rest.split_once(')')?.0;
            // `needless_pub`, as JSON spells the kind, is `needless-pub`.
            let rules = (rules.split(','))
                .map(|r| r.trim().replace('_', "-"))
                .collect();
            Some((i as u32 + 1, rules))
        })
        .collect()
}

/// The lines a marker for an item may stand on: the line above its first attribute (or its
/// code) down to the line its code starts on.
pub(super) fn marker_lines(
    attrs: &[syn::Attribute],
    code_start: Span,
) -> std::ops::RangeInclusive<u32> {
    let first = attrs
        .first()
        .map_or(code_start, |attr| attr.pound_token.span)
        .start()
        .line as u32;
    first.saturating_sub(1)..=code_start.start().line as u32
}

/// The rules allowed on each item that carries markers (`// cargo-loop: allow(RULE)` above
/// it or among its attributes), as the lines the item spans; markers above a file's first
/// item, among its leading comments, cover the whole file (its module).
pub(super) fn allowed_items(
    file: &syn::File,
    markers: &[(u32, Vec<String>)],
    n_lines: u32,
) -> Allowed {
    let mut allowed = Vec::new();
    if markers.is_empty() {
        return allowed;
    }
    let first_item = file.items.first().map_or(u32::MAX, |item| {
        let attrs = item_attrs(item);
        let start = attrs.first().map_or_else(
            || syn::spanned::Spanned::span(item).start().line,
            |a| a.pound_token.span.start().line,
        );
        start as u32
    });
    for (line, rules) in markers {
        if *line + 1 < first_item {
            allowed.push(Allow {
                lines: 1..=n_lines,
                rules: rules.clone(),
                marker: *line,
            });
        }
    }
    items_allowed(&file.items, markers, &mut allowed);
    allowed
}

type Allowed = Vec<Allow>;

/// Records the rules that markers above an item spanning `span`, or among its `attrs`, name.
fn mark(attrs: &[syn::Attribute], span: Span, markers: &[(u32, Vec<String>)], out: &mut Allowed) {
    use syn::spanned::Spanned;
    let start = span.start().line as u32;
    let first = attrs
        .first()
        .map_or(start, |a| a.span().start().line as u32);
    let last = attrs
        .last()
        .map_or(start, |a| a.span().end().line as u32 + 1);
    let lines = first.saturating_sub(1)..=last.max(start);
    let here: Vec<&(u32, Vec<String>)> = (markers.iter())
        .filter(|(line, _)| lines.contains(line))
        .collect();
    if let Some((marker, _)) = here.first() {
        out.push(Allow {
            lines: start..=span.end().line as u32,
            rules: here
                .iter()
                .flat_map(|(_, rules)| rules.iter().cloned())
                .collect(),
            marker: *marker,
        });
    }
}

/// Items (and the methods of impls and traits, and inline modules' items) with markers.
fn items_allowed(items: &[syn::Item], markers: &[(u32, Vec<String>)], out: &mut Allowed) {
    use syn::spanned::Spanned;
    for item in items {
        // An out-of-line module's markers are its file's (see `ModDecl::allows`).
        if !matches!(item, syn::Item::Mod(m) if m.content.is_none()) {
            mark(item_attrs(item), item.span(), markers, out);
        }
        match item {
            syn::Item::Impl(i) => {
                for m in &i.items {
                    if let syn::ImplItem::Fn(f) = m {
                        mark(&f.attrs, f.span(), markers, out);
                    }
                }
            }
            syn::Item::Trait(t) => {
                for m in &t.items {
                    if let syn::TraitItem::Fn(f) = m {
                        mark(&f.attrs, f.span(), markers, out);
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    items_allowed(inner, markers, out);
                }
            }
            _ => {}
        }
    }
}

/// The function smells silenced on a function by the markers above it or among its
/// attributes, and by clippy allows (`#[allow(clippy::too_many_lines)]`), as bits.
pub(super) fn silenced_smells(
    attrs: &[syn::Attribute],
    code_start: Span,
    markers: &[(u32, Vec<String>)],
) -> u8 {
    use crate::analysis::source::metrics::Allowed;
    let lines = marker_lines(attrs, code_start);
    let marked = markers
        .iter()
        .filter(|(line, _)| lines.contains(line))
        .flat_map(|(_, rules)| rules.iter().filter_map(|rule| Allowed::bit(rule)));
    marked.fold(clippy_allowed(attrs), |bits, bit| bits | bit)
}

/// The function smells clippy allows among `attrs` silence (`#[allow(clippy::too_many_lines)]`,
/// `#![expect(..)]`), as bits: on a function, or on a module, impl or trait around it.
pub(super) fn clippy_allowed(attrs: &[syn::Attribute]) -> u8 {
    use crate::analysis::source::metrics::Allowed as Rules;
    (attrs.iter())
        .filter(|attr| attr.path().is_ident("allow") || attr.path().is_ident("expect"))
        .flat_map(|attr| {
            let text = quote::ToTokens::to_token_stream(&attr.meta).to_string();
            (Rules::RULES.iter())
                .filter(move |(_, lint)| text.contains(lint))
                .filter_map(|(_, lint)| Rules::clippy_bit(lint))
                .collect::<Vec<_>>()
        })
        .fold(0, |bits, bit| bits | bit)
}

impl Collector<'_> {
    /// The rules the markers above an item or among its `attrs` name.
    pub(super) fn marked_rules(&self, attrs: &[syn::Attribute], code_start: Span) -> Vec<String> {
        let lines = marker_lines(attrs, code_start);
        (self.allow_rules.iter())
            .filter(|(line, _)| lines.contains(line))
            .flat_map(|(_, rules)| rules.iter().cloned())
            .collect()
    }

    /// Whether the allow marker sits on the line above the item or among its attributes.
    pub(super) fn is_suppressed(&self, attrs: &[syn::Attribute], code_start: Span) -> bool {
        let lines = marker_lines(attrs, code_start);
        self.owner_suppressed || self.allow_lines.iter().any(|line| lines.contains(line))
    }

    /// Whether code with `attrs` is left out: test code without `--tests`, and code the
    /// selected features do not compile.
    pub(super) fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        (!self.build.test && crate::analysis::source::is_test_code(attrs))
            || Cfg::of_attrs(attrs).and_then(|c| c.eval(self.build)) == Some(false)
    }

    /// Records a `#[cfg]`-gated node of a body as scaffolding.
    pub(super) fn push_gated<T: quote::ToTokens>(&mut self, node: &T) {
        let span = syn::spanned::Spanned::span(node);
        let start = self.flat.index_at(span.start());
        let end = self.flat.index_at(span.end());
        self.out.gated.push(start..end.max(start));
    }
}

/// The file `#[path = "..."]` names, and those `#[cfg_attr(pred, path = "...")]` name.
pub(super) fn path_attrs(attrs: &[syn::Attribute]) -> (Option<String>, Vec<String>) {
    fn path_value(meta: &syn::Meta) -> Option<String> {
        match meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        }
    }
    let parser = syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated;
    let plain = attrs.iter().find_map(|attr| path_value(&attr.meta));
    let conditional = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg_attr"))
        .flat_map(|attr| {
            // The predicate first, then the attributes it applies.
            attr.parse_args_with(parser).map_or_else(
                |_| Vec::new(),
                |metas| metas.iter().skip(1).filter_map(path_value).collect(),
            )
        })
        .collect();
    (plain, conditional)
}

#[cfg(test)]
mod allow_tests {
    #[test]
    fn any_clone_rule_silences_an_items_copies_but_a_smell_rule_does_not() {
        let text = "// cargo-loop: allow(duplicate)\nfn a() {}\n// cargo-loop: allow(renamed-clone, long-function)\nfn b() {}\n// cargo-loop: allow(long-function)\nfn c() {}\n/// `// cargo-loop: allow(duplicate)` in a doc is no marker\nfn d() {}\nconst E: &str = \"// cargo-loop: allow(duplicate)\";\n";
        assert_eq!(super::allow_lines(text), [1, 3]);
        assert!(super::unknown_allows("let s = \"`// cargo-loop: allow({})`\";\n").is_empty());
    }

    /// A rule spelt as JSON's `kind` spells it is the same rule.
    #[test]
    fn a_rule_spelt_with_underscores_is_the_rule() {
        assert!(
            super::unknown_allows("// cargo-loop: allow(needless_pub)\npub fn a() {}\n").is_empty()
        );
        assert_eq!(
            super::allow_rules("// cargo-loop: allow(long_function)\n"),
            [(1, vec!["long-function".to_string()])]
        );
        assert!(crate::analysis::rules::rule("module_cycle").is_some());
    }
}
