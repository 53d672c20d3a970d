//! The one answer to "is this test code?", for the analysis (which leaves test code out unless
//! `--tests`) and the guardrails (which hold changes to it): an item is test code when it is a
//! test (`#[test]`, or any `*::test` attribute such as `#[tokio::test]`) or compiled only for
//! tests (`#[cfg(test)]`, `#[cfg(all(test, ..))]`); `#[cfg(not(test))]` is not test code.

use syn::punctuated::Punctuated;
use syn::{Meta, Token};

pub fn is_test_code(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.is_ident("cfg") {
            attr.parse_args::<Meta>()
                .is_ok_and(|predicate| requires_test(&predicate))
        } else {
            path.segments.last().is_some_and(|seg| seg.ident == "test")
        }
    })
}

/// Whether a cfg predicate holds only when `test` does.
fn requires_test(predicate: &Meta) -> bool {
    match predicate {
        Meta::Path(path) => path.is_ident("test"),
        Meta::List(list) => {
            let Ok(parts) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            else {
                return false;
            };
            if list.path.is_ident("all") {
                parts.iter().any(requires_test)
            } else if list.path.is_ident("any") {
                !parts.is_empty() && parts.iter().all(requires_test)
            } else {
                false
            }
        }
        Meta::NameValue(_) => false,
    }
}

#[cfg(test)]
mod test {
    use super::is_test_code;

    fn attrs(source: &str) -> Vec<syn::Attribute> {
        let item: syn::ItemFn = syn::parse_str(&format!("{source} fn f() {{}}")).unwrap();
        item.attrs
    }

    #[test]
    fn tests_and_test_only_cfgs_are_test_code() {
        for source in [
            "#[test]",
            "#[tokio::test]",
            "#[cfg(test)]",
            "#[cfg(all(test, feature = \"x\"))]",
            "#[cfg(any(test, all(test, unix)))]",
            "#[inline] #[cfg(test)]",
        ] {
            assert!(is_test_code(&attrs(source)), "{source}");
        }
    }

    #[test]
    fn other_cfgs_are_not_test_code() {
        for source in [
            "#[cfg(not(test))]",
            "#[cfg(feature = \"test-utils\")]",
            "#[cfg(any(test, feature = \"x\"))]",
            "#[cfg(testing)]",
            "#[inline]",
            "#[cfg_attr(test, derive(Debug))]",
        ] {
            assert!(!is_test_code(&attrs(source)), "{source}");
        }
    }
}
