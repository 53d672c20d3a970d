//! What the guardrails read of the tree around a changed file: whether its package names it
//! as its build script (`package.build = "tools/gen.rs"`), and whether its module is declared
//! as test code (`#[cfg(test)] mod checks;`), which the file alone does not say.

use std::path::Path;

/// Whether `path` (relative to `root`) is the build script its package's manifest names.
pub(super) fn is_build_script(root: &Path, path: &str) -> bool {
    let file = root.join(path);
    let Some(manifest_dir) = (file.ancestors().skip(1))
        .take_while(|dir| dir.starts_with(root))
        .find(|dir| dir.join("Cargo.toml").is_file())
    else {
        return false;
    };
    let text = std::fs::read_to_string(manifest_dir.join("Cargo.toml")).unwrap_or_default();
    let Ok(manifest) = text.parse::<toml::Table>() else {
        return false;
    };
    let build = manifest.get("package").and_then(|p| p.get("build"));
    build
        .and_then(toml::Value::as_str)
        .is_some_and(|build| same_path(&manifest_dir.join(build), &file))
}

/// Whether the module of `path` (relative to `root`), or a module around it, is declared by
/// a `mod` item its parent file marks as test code.
pub(super) fn is_test_module(root: &Path, path: &str) -> bool {
    let mut path = Path::new(path).to_path_buf();
    // Modules nest only so deep; the walk stops at a crate root either way.
    for _ in 0..16 {
        let Some((name, parents)) = declared_in(&path) else {
            return false;
        };
        let Some((parent, items)) = (parents.iter()).find_map(|p| Some((p, parsed(root, p)?)))
        else {
            return false;
        };
        let test = items.iter().any(|item| {
            matches!(item, syn::Item::Mod(m) if m.content.is_none() && m.ident == name
                && crate::analysis::source::is_test_code(&m.attrs))
        });
        if test {
            return true;
        }
        path.clone_from(parent);
    }
    false
}

/// The module name a file declares and the files that may declare it, nearest first:
/// `a/b.rs` and `a/b/mod.rs` are `b` of `a.rs`, `a/mod.rs`, or a crate root in `a/`.
fn declared_in(path: &Path) -> Option<(String, Vec<std::path::PathBuf>)> {
    let stem = path.file_stem()?.to_str()?;
    let (name, dir) = if stem == "mod" {
        let dir = path.parent()?;
        (dir.file_name()?.to_str()?, dir.parent()?)
    } else {
        (stem, path.parent()?)
    };
    if matches!(name, "lib" | "main") && stem != "mod" {
        return None;
    }
    let mut parents = Vec::new();
    if let Some(file_name) = dir.file_name() {
        parents.push(dir.with_file_name(format!("{}.rs", file_name.to_string_lossy())));
    }
    parents.extend(["mod.rs", "lib.rs", "main.rs"].map(|f| dir.join(f)));
    Some((name.to_owned(), parents))
}

fn parsed(root: &Path, path: &Path) -> Option<Vec<syn::Item>> {
    let text = std::fs::read_to_string(root.join(path)).ok()?;
    crate::analysis::source::too_deep(&text)
        .is_none()
        .then_some(())?;
    Some(syn::parse_file(&text).ok()?.items)
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.components().eq(b.components()),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn a_build_script_at_another_path_is_the_manifests() {
        let dir = tree(&[
            (
                "Cargo.toml",
                "[package]\nname = \"k\"\nbuild = \"tools/gen.rs\"\n",
            ),
            ("tools/gen.rs", "fn main() {}\n"),
            ("tools/other.rs", "fn main() {}\n"),
        ]);
        assert!(is_build_script(dir.path(), "tools/gen.rs"));
        assert!(!is_build_script(dir.path(), "tools/other.rs"));
        assert!(!is_build_script(dir.path(), "src/lib.rs"));
    }

    #[test]
    fn a_module_its_parent_declares_as_test_code_is_test_code() {
        let dir = tree(&[
            (
                "src/lib.rs",
                "mod a;\n#[cfg(test)]\nmod checks;\n#[cfg(test)]\nmod suite;\n",
            ),
            ("src/a.rs", "pub fn f() {}\n"),
            ("src/checks.rs", "#[test]\nfn t() {}\n"),
            ("src/suite/mod.rs", "mod deep;\n"),
            ("src/suite/deep.rs", "fn helper() {}\n"),
        ]);
        for (path, test) in [
            ("src/a.rs", false),
            ("src/lib.rs", false),
            ("src/checks.rs", true),
            ("src/suite/mod.rs", true),
            ("src/suite/deep.rs", true),
        ] {
            assert_eq!(is_test_module(dir.path(), path), test, "{path}");
        }
    }
}
