//! What a helper gives back, and so how each copy takes it: the run's locals that the code
//! after it uses; the function's own value, for a run that ends the function (then `return`
//! and `?` in it return from the helper what the function would have returned); or the
//! locals wrapped in the function's `Result` or `Option`, for a run using `?` (the call then
//! applies `?` once more, converting the error to the same type).

use syn::spanned::Spanned;

use super::copy::byte_range;
use super::site::Site;
use super::types::{expressible, Names};

pub(super) enum Output {
    Locals,
    /// The function's return type as written (none for `()`).
    Function {
        ty: Option<String>,
    },
    /// The function's return type around its first generic argument, which the helper's
    /// locals replace, and the constructor (`Ok`, `Some`) that wraps them.
    Tried {
        ctor: &'static str,
        before: String,
        after: String,
    },
}

impl Output {
    /// What copies must share for one helper to serve them all.
    pub(super) fn key(&self) -> String {
        let squeeze = |text: &str| text.split_whitespace().collect::<String>();
        match self {
            Output::Locals => String::new(),
            Output::Function { ty } => squeeze(ty.as_deref().unwrap_or("()")),
            Output::Tried { before, after, .. } => {
                format!("{}_{}", squeeze(before), squeeze(after))
            }
        }
    }

    /// The helper's return type, given the types of the locals it returns.
    pub(super) fn signature(&self, types: &[&str]) -> String {
        let locals = match types {
            [] => "()".to_owned(),
            [one] => (*one).to_owned(),
            many => format!("({})", many.join(", ")),
        };
        match self {
            Output::Locals if types.is_empty() => String::new(),
            Output::Locals => format!(" -> {locals}"),
            Output::Function { ty: None } => String::new(),
            Output::Function { ty: Some(ty) } => format!(" -> {ty}"),
            Output::Tried { before, after, .. } => format!(" -> {before}{locals}{after}"),
        }
    }

    /// What follows the call's closing parenthesis at each copy.
    pub(super) fn call_end(&self) -> &'static str {
        match self {
            Output::Locals => ";",
            Output::Function { .. } => "",
            Output::Tried { .. } => "?;",
        }
    }

    /// The helper's final expression around `value` (the locals it returns, if any).
    pub(super) fn wrap(&self, value: Option<String>) -> Option<String> {
        match self {
            Output::Tried { ctor, .. } => {
                Some(format!("{ctor}({})", value.as_deref().unwrap_or("()")))
            }
            _ => value,
        }
    }
}

/// How the helper for `site`'s run gives back what it must: `ends_function` when the run is
/// the end of its function's body, `tries` when it uses `?`.
pub(super) fn output(
    site: &Site,
    names: &Names,
    ends_function: bool,
    tries: bool,
) -> Result<Output, String> {
    let syn::ReturnType::Type(_, ty) = &site.function.sig.output else {
        return match (ends_function, tries) {
            (true, _) => Ok(Output::Function { ty: None }),
            (false, true) => Err("it uses `?` in a function returning `()`".to_owned()),
            (false, false) => Ok(Output::Locals),
        };
    };
    if !ends_function && !tries {
        return Ok(Output::Locals);
    }
    let unnamable =
        || "its function's return type names a generic, a lifetime, `Self` or `impl`".to_owned();
    let whole = byte_range(&site.text, ty.span());
    if ends_function {
        if !expressible(ty, names, false) {
            return Err(unnamable());
        }
        return Ok(Output::Function {
            ty: Some(site.text[whole].to_owned()),
        });
    }
    let unwrapped =
        || "it uses `?` in a function returning neither `Result<..>` nor `Option<..>`".to_owned();
    let syn::Type::Path(path) = &**ty else {
        return Err(unwrapped());
    };
    let last = path.path.segments.last().ok_or_else(unwrapped)?;
    let ctor = match last.ident.to_string().as_str() {
        "Result" => "Ok",
        "Option" => "Some",
        _ => return Err(unwrapped()),
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return Err(unwrapped());
    };
    let Some(syn::GenericArgument::Type(first)) = args.args.first() else {
        return Err(unwrapped());
    };
    // The first argument is replaced; the rest (the error type) must be namable.
    let rest_namable = args.args.iter().skip(1).all(|arg| match arg {
        syn::GenericArgument::Type(ty) => expressible(ty, names, false),
        _ => false,
    });
    if !rest_namable {
        return Err(unnamable());
    }
    let inner = byte_range(&site.text, first.span());
    Ok(Output::Tried {
        ctor,
        before: site.text[whole.start..inner.start].to_owned(),
        after: site.text[inner.end..whole.end].to_owned(),
    })
}
