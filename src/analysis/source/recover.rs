//! What can still be read of a file that does not parse: its out-of-line `mod` declarations,
//! found line by line, so that a syntax error in a crate root does not hide the modules it
//! declares (rustc reports the error; the rest of the crate is still worth analysing).

use super::parsed::ModDecl;

/// The `mod name;` declarations written at the start of a line (the top level of a file laid
/// out by rustfmt), with a `#[path = ".."]` or `#[cfg(test)]` on the lines just above.
pub fn module_declarations(text: &str) -> Vec<ModDecl> {
    let mut attrs: Vec<&str> = Vec::new();
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_end();
        if trimmed.starts_with("#[") {
            attrs.push(trimmed);
            continue;
        }
        if let Some(name) = declared_name(trimmed) {
            found.push(ModDecl {
                name: name.to_owned(),
                cfg: None,
                path_attr: attrs.iter().find_map(|a| path_attr(a)),
                inline_parents: Vec::new(),
                line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                test: attrs.iter().any(|a| a.replace(' ', "") == "#[cfg(test)]"),
                optional: false,
                allows: Vec::new(),
                clippy_allowed: 0,
            });
        }
        if !trimmed.trim_start().starts_with("//") {
            attrs.clear();
        }
    }
    found
}

/// `name` of a line `mod name;`, `pub mod name;` or `pub(crate) mod name;` that starts at its
/// first column.
fn declared_name(line: &str) -> Option<&str> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let mut rest = line.strip_prefix("pub").map_or(line, |after| {
        let after = after.trim_start();
        match after.strip_prefix('(') {
            Some(scoped) => scoped.split_once(')').map_or(after, |(_, r)| r),
            None => after,
        }
    });
    rest = rest.trim_start().strip_prefix("mod ")?;
    let name = rest.trim().strip_suffix(';')?.trim();
    let name = name.strip_prefix("r#").unwrap_or(name);
    let ident = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    ident.then_some(name)
}

/// The path of a `#[path = "..."]` attribute.
fn path_attr(attr: &str) -> Option<String> {
    let inner = attr.strip_prefix("#[")?.strip_suffix(']')?.trim();
    let value = inner
        .strip_prefix("path")?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    Some(value.strip_prefix('"')?.strip_suffix('"')?.to_owned())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn top_level_declarations_are_read_from_a_file_that_does_not_parse() {
        let text = "//! Root.\npub mod alpha;\nmod beta;\npub(crate) mod r#gamma;\n\
                    #[path = \"other/d.rs\"]\n// why\nmod delta;\n#[cfg(test)]\nmod tests;\n\
                    fn broken( {\n    mod inner;\nmod not_a_decl {\n";
        let found = module_declarations(text);
        let got: Vec<(&str, u32, Option<&str>, bool)> = (found.iter())
            .map(|d| (d.name.as_str(), d.line, d.path_attr.as_deref(), d.test))
            .collect();
        assert_eq!(
            got,
            [
                ("alpha", 2, None, false),
                ("beta", 3, None, false),
                ("gamma", 4, None, false),
                ("delta", 7, Some("other/d.rs"), false),
                ("tests", 9, None, true),
            ]
        );
    }
}
