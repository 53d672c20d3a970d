//! Copies that differ in one literal: one function takes it as a parameter.

use super::copy::{byte_range, Copy};
use super::edits::Edits;
use crate::refactor::change::FileChange;

/// Copies that differ in one literal (the same value at each of its places in a copy): the
/// kept copy's code moves into `NAME_with`, which takes the literal as its last parameter, and
/// every copy, the kept one too, delegates to it with its own value. Signatures stay as they
/// are, so no caller changes.
pub(super) fn parameterised(
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
pub(super) fn literal_value(copy: &Copy, places: &[usize]) -> Result<String, String> {
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
pub(super) fn helper_item(kept: &Copy, places: &[usize], value: &str, helper: &str) -> String {
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
pub(super) fn literal_type(literal: &str, signature: &str) -> &'static str {
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
