//! Tests of the scratch slot: copies, syncs, links, manifests, writes and restores.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::Scratch;
use crate::refactor::change::FileChange;

fn put(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Every file and symlink under `root`, with its contents or `-> link text`.
fn listing(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        if entry.file_type().is_symlink() {
            let target = fs::read_link(entry.path()).unwrap();
            files.insert(rel, format!("-> {}", target.display()));
        } else if entry.file_type().is_file() {
            files.insert(rel, fs::read_to_string(entry.path()).unwrap());
        }
    }
    files
}

fn names(root: &Path) -> Vec<String> {
    listing(root).into_keys().collect()
}

/// A small crate: a workspace root with a manifest and one source file.
fn small_crate() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    put(
        tmp.path(),
        "Cargo.toml",
        "[package]\nname = \"small\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    put(tmp.path(), "src/main.rs", "fn main() {}\n");
    tmp
}

fn change(path: &str, before: Option<&str>, after: Option<&str>) -> FileChange {
    FileChange::new(path, before, after)
}

#[test]
fn open_copies_the_workspace_without_ignored_files_git_root_target_or_skip_dirs() {
    let source = small_crate();
    let root = source.path();
    put(root, ".gitignore", "*.log\n/generated/\n");
    put(root, ".ignore", "notes.txt\n");
    put(root, "debug.log", "noise");
    put(root, "notes.txt", "private");
    put(root, "generated/out.rs", "// generated");
    put(root, "target/debug/small", "binary");
    put(root, "out/loop/audit.jsonl", "{}");
    put(root, ".git/HEAD", "ref: refs/heads/main");
    put(root, ".cargo/config.toml", "[build]\n");
    put(
        root,
        "crates/a/target/keep.rs",
        "// only the root target is build output",
    );
    let scratch_dir = tempfile::tempdir().unwrap();
    let (scratch, stats) = Scratch::open(root, scratch_dir.path(), &[root.join("out")]).unwrap();
    assert_eq!(
        names(&scratch.tree),
        [
            ".cargo/config.toml",
            ".gitignore",
            ".ignore",
            "Cargo.toml",
            "crates/a/target/keep.rs",
            "src/main.rs"
        ]
    );
    assert_eq!((stats.copied, stats.removed, stats.unchanged), (6, 0, 0));
    assert!(stats.skipped.is_empty(), "{:?}", stats.skipped);
    assert_eq!(scratch.target_dir, scratch_dir.path().join("target"));
    assert!(scratch.target_dir.is_dir());
}

#[test]
fn open_never_copies_a_scratch_dir_that_lies_inside_the_workspace() {
    let source = small_crate();
    let root = source.path();
    let dir = root.join("build-out/scratch/0");
    let (scratch, _) = Scratch::open(root, &dir, &[]).unwrap();
    assert_eq!(names(&scratch.tree), ["Cargo.toml", "src/main.rs"]);
    // The usual place, under the user's target dir, is skipped with it.
    let source = small_crate();
    let root = source.path();
    let (scratch, _) = Scratch::open(root, &root.join("target/loop/scratch/0"), &[]).unwrap();
    assert_eq!(names(&scratch.tree), ["Cargo.toml", "src/main.rs"]);
}

/// A workspace at `<tmp>/ws` whose manifest depends on `<tmp>/shared` and on `ws/inner`.
fn workspace_with_outside_path_dep() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    put(
        &tmp.path().join("shared"),
        "Cargo.toml",
        "[package]\nname = \"shared\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    put(
        &tmp.path().join("shared"),
        "src/lib.rs",
        "pub fn shared() {}\n",
    );
    put(
        &root,
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\n\
         shared = { path = \"../shared\" } # outside\n\
         inner = { path = \"inner\" }\n",
    );
    put(
        &root,
        "src/main.rs",
        "fn main() { shared::shared(); inner::inner(); }\n",
    );
    put(
        &root,
        "inner/Cargo.toml",
        "[package]\nname = \"inner\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    put(&root, "inner/src/lib.rs", "pub fn inner() {}\n");
    (tmp, root)
}

#[test]
fn a_relative_path_dependency_outside_the_root_becomes_absolute_and_one_inside_stays() {
    let (tmp, root) = workspace_with_outside_path_dep();
    let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
    let manifest = fs::read_to_string(scratch.tree.join("Cargo.toml")).unwrap();
    let shared = tmp.path().join("shared");
    let expected = format!(
        "shared = {{ path = \"{}\" }} # outside\ninner = {{ path = \"inner\" }}\n",
        shared.display()
    );
    assert!(manifest.ends_with(&expected), "{manifest}");
}

#[test]
fn path_dependencies_outside_the_root_are_fixed_in_every_dependency_table() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    put(
        &root,
        "crates/a/Cargo.toml",
        "[package]\nname = \"a\"\n\n\
         [dev-dependencies.d]\npath = \"../../../d\"\n\n\
         [build-dependencies]\nb = { path = \"../b\", version = \"1\" }\n\n\
         [target.'cfg(unix)'.dependencies]\nu = { path = \"../../../u\" }\n",
    );
    put(
        &root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n\n\
         [workspace.dependencies]\nw = { path = \"../w\" }\n\n\
         [patch.crates-io]\np = { path = \"../p\" }\n\n\
         [replace]\n\"r:1.0.0\" = { path = \"../r\" }\n",
    );
    let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
    let outside = |name: &str| tmp.path().join(name).display().to_string();
    let member = fs::read_to_string(scratch.tree.join("crates/a/Cargo.toml")).unwrap();
    assert!(
        member.contains(&format!(
            "[dev-dependencies.d]\npath = \"{}\"\n",
            outside("d")
        )),
        "{member}"
    );
    assert!(
        member.contains("b = { path = \"../b\", version = \"1\" }"),
        "{member}"
    );
    assert!(
        member.contains(&format!("u = {{ path = \"{}\" }}", outside("u"))),
        "{member}"
    );
    let top = fs::read_to_string(scratch.tree.join("Cargo.toml")).unwrap();
    for name in ["w", "p", "r"] {
        assert!(
            top.contains(&format!("{{ path = \"{}\" }}", outside(name))),
            "{top}"
        );
    }
}

#[test]
fn cargo_config_paths_and_patches_outside_the_root_become_absolute() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    put(
        &root,
        ".cargo/config.toml",
        "paths = [\"../over\", \"vendor/x\"]\n\n[patch.crates-io]\np = { path = \"../p\" }\n",
    );
    let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
    let config = fs::read_to_string(scratch.tree.join(".cargo/config.toml")).unwrap();
    let outside = |name: &str| tmp.path().join(name).display().to_string();
    assert_eq!(
        config,
        format!(
            "paths = [\"{}\", \"vendor/x\"]\n\n[patch.crates-io]\np = {{ path = \"{}\" }}\n",
            outside("over"),
            outside("p")
        )
    );
}

#[test]
fn cargo_metadata_resolves_the_outside_path_dependency_in_the_copy() {
    let (tmp, root) = workspace_with_outside_path_dep();
    let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--offline",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(scratch.tree.join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let manifests: BTreeMap<&str, PathBuf> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| {
            (
                package["name"].as_str().unwrap(),
                PathBuf::from(package["manifest_path"].as_str().unwrap()),
            )
        })
        .collect();
    assert_eq!(manifests["shared"], tmp.path().join("shared/Cargo.toml"));
    assert_eq!(manifests["inner"], scratch.tree.join("inner/Cargo.toml"));
}

#[test]
fn sync_copies_only_changed_files_and_removes_deleted_ones() {
    let source = small_crate();
    let root = source.path();
    put(root, "src/lib.rs", "pub fn old() {}\n");
    put(root, "README.md", "readme\n");
    let scratch_dir = tempfile::tempdir().unwrap();
    let (mut scratch, stats) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
    assert_eq!((stats.copied, stats.removed, stats.unchanged), (4, 0, 0));

    let stats = scratch.sync().unwrap();
    assert_eq!((stats.copied, stats.removed, stats.unchanged), (0, 0, 4));

    put(root, "src/lib.rs", "pub fn new() {}\n");
    put(root, "src/added.rs", "// added\n");
    fs::remove_file(root.join("README.md")).unwrap();
    let stats = scratch.sync().unwrap();
    assert_eq!((stats.copied, stats.removed, stats.unchanged), (2, 1, 2));
    assert_eq!(listing(&scratch.tree), listing(root));
}

#[test]
fn sync_notices_a_same_size_edit_by_its_mtime() {
    let source = small_crate();
    let root = source.path();
    let scratch_dir = tempfile::tempdir().unwrap();
    let (mut scratch, _) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
    put(root, "src/main.rs", "fn niam() {}\n");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(root.join("src/main.rs"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    let stats = scratch.sync().unwrap();
    assert_eq!((stats.copied, stats.unchanged), (1, 1));
    assert_eq!(
        fs::read_to_string(scratch.tree.join("src/main.rs")).unwrap(),
        "fn niam() {}\n"
    );
}

#[test]
fn reopening_a_slot_copies_nothing_not_even_a_rewritten_manifest() {
    let (tmp, root) = workspace_with_outside_path_dep();
    let dir = tmp.path().join("scratch");
    let (mut scratch, stats) = Scratch::open(&root, &dir, &[]).unwrap();
    assert_eq!(stats.copied, 4);
    assert_eq!(
        (
            scratch.sync().unwrap().copied,
            scratch.sync().unwrap().unchanged
        ),
        (0, 4)
    );
    drop(scratch);
    let (_, stats) = Scratch::open(&root, &dir, &[]).unwrap();
    assert_eq!((stats.copied, stats.removed, stats.unchanged), (0, 0, 4));
}

#[test]
fn copied_files_are_newer_than_their_sources() {
    let source = small_crate();
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    fs::File::options()
        .write(true)
        .open(source.path().join("src/main.rs"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let scratch_dir = tempfile::tempdir().unwrap();
    let (scratch, _) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
    let copied = fs::metadata(scratch.tree.join("src/main.rs"))
        .unwrap()
        .modified()
        .unwrap();
    assert!(copied > old);
}

#[test]
fn write_then_restore_gives_back_the_original_bytes_and_deletes_created_files() {
    let source = small_crate();
    let root = source.path();
    put(root, "src/gone.rs", "// deleted by the candidate\n");
    let scratch_dir = tempfile::tempdir().unwrap();
    let (scratch, _) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
    let original = listing(&scratch.tree);
    let changes = [
        change(
            "src/main.rs",
            Some("fn main() {}\n"),
            Some("fn main() { helper::go() }\n"),
        ),
        change("src/helper/mod.rs", None, Some("pub fn go() {}\n")),
        change("src/gone.rs", Some("// deleted by the candidate\n"), None),
    ];
    scratch.write(&changes).unwrap();
    let written = listing(&scratch.tree);
    assert_eq!(written["src/main.rs"], "fn main() { helper::go() }\n");
    assert_eq!(written["src/helper/mod.rs"], "pub fn go() {}\n");
    assert!(!written.contains_key("src/gone.rs"));
    assert_eq!(
        listing(root)["src/main.rs"],
        "fn main() {}\n",
        "the source is never written"
    );

    scratch.restore(&changes).unwrap();
    assert_eq!(listing(&scratch.tree), original);
}

#[test]
fn a_candidate_left_written_by_a_killed_run_is_undone_when_the_slot_is_reopened() {
    let source = small_crate();
    let root = source.path();
    let scratch_dir = tempfile::tempdir().unwrap();
    let (scratch, _) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
    scratch
        .write(&[
            change("src/main.rs", Some("fn main() {}\n"), Some("broken")),
            change("src/new.rs", None, Some("new")),
        ])
        .unwrap();
    drop(scratch);
    let (scratch, stats) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
    assert_eq!((stats.copied, stats.unchanged), (1, 1));
    assert_eq!(listing(&scratch.tree), listing(root));
    assert!(!scratch_dir.path().join("pending.json").exists());
}

#[test]
fn a_damaged_state_makes_the_slot_start_over() {
    let source = small_crate();
    let scratch_dir = tempfile::tempdir().unwrap();
    Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
    put(
        scratch_dir.path(),
        "tree/src/stray.rs",
        "// not from the source",
    );
    fs::write(
        scratch_dir.path().join("state.json"),
        "{\"version\": 1, \"fi",
    )
    .unwrap();
    let (scratch, stats) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
    assert_eq!((stats.copied, stats.unchanged), (2, 0));
    assert_eq!(listing(&scratch.tree), listing(source.path()));
}

#[test]
fn write_puts_outside_path_dependencies_of_a_new_manifest_back_to_absolute() {
    let (tmp, root) = workspace_with_outside_path_dep();
    let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
    let manifest =
        "[package]\nname = \"inner\"\n[dependencies]\nshared = { path = \"../../shared\" }\n";
    scratch
        .write(&[change("inner/Cargo.toml", None, Some(manifest))])
        .unwrap();
    let written = fs::read_to_string(scratch.tree.join("inner/Cargo.toml")).unwrap();
    assert!(
        written.contains(&format!(
            "path = \"{}\"",
            tmp.path().join("shared").display()
        )),
        "{written}"
    );
}

#[test]
fn write_refuses_paths_that_leave_the_copy() {
    let source = small_crate();
    let scratch_dir = tempfile::tempdir().unwrap();
    let (scratch, _) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
    for path in [
        "../escape.rs",
        "/etc/passwd",
        "src/../../x.rs",
        "",
        "src/",
        "src",
    ] {
        let err = scratch.write(&[change(path, None, Some("x"))]).unwrap_err();
        assert!(
            err.to_string().contains("refusing to write"),
            "{path}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinks_never_lead_out_of_the_copy() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    put(&root, "src/main.rs", "fn main() {}\n");
    put(tmp.path(), "elsewhere/data.txt", "outside");
    symlink("main.rs", root.join("src/alias.rs")).unwrap();
    symlink(root.join("src/main.rs"), root.join("src/absolute_alias.rs")).unwrap();
    symlink("src", root.join("sources")).unwrap();
    symlink("nowhere", root.join("dangling")).unwrap();
    symlink(tmp.path().join("elsewhere"), root.join("absolute")).unwrap();
    symlink("../elsewhere", root.join("relative_outside")).unwrap();
    symlink("../elsewhere/data.txt", root.join("outside_file.txt")).unwrap();
    symlink("/nonexistent/x", root.join("outside_nothing")).unwrap();
    symlink("self_loop", root.join("self_loop")).unwrap();
    let (scratch, stats) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
    let expected: BTreeMap<String, String> = [
        ("dangling", "-> nowhere"),
        ("outside_file.txt", "outside"),
        ("self_loop", "-> self_loop"),
        ("sources", "-> src"),
        ("src/absolute_alias.rs", "-> ../src/main.rs"),
        ("src/alias.rs", "-> ../src/main.rs"),
        ("src/main.rs", "fn main() {}\n"),
    ]
    .into_iter()
    .map(|(name, text)| (name.to_owned(), text.to_owned()))
    .collect();
    assert_eq!(listing(&scratch.tree), expected);
    let mut left_out: Vec<&str> = stats
        .skipped
        .iter()
        .map(|s| s.split(':').next().unwrap())
        .collect();
    left_out.sort_unstable();
    assert_eq!(
        left_out,
        ["absolute", "outside_nothing", "relative_outside"],
        "{:?}",
        stats.skipped
    );
    assert!(stats.notes[0].starts_with("outside_file.txt: a symbolic link"));
}

#[cfg(unix)]
#[test]
fn write_refuses_to_go_through_a_symlink() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    put(&root, "src/main.rs", "fn main() {}\n");
    put(tmp.path(), "elsewhere/data.txt", "outside");
    symlink("src", root.join("linked")).unwrap();
    symlink("main.rs", root.join("src/alias.rs")).unwrap();
    let (scratch, _) = Scratch::open(&root, &tmp.path().join("scratch"), &[]).unwrap();
    for path in ["linked/main.rs", "linked/new.txt", "src/alias.rs"] {
        let changes = [
            change("src/main.rs", None, Some("changed")),
            change(path, None, Some("through the link")),
        ];
        let err = scratch.write(&changes).unwrap_err();
        assert!(err.to_string().contains("is a symlink"), "{path}: {err}");
        let err = scratch.restore(&changes).unwrap_err();
        assert!(err.to_string().contains("is a symlink"), "{path}: {err}");
    }
    assert!(scratch
        .write(&[change("linked/main.rs", Some("fn main() {}\n"), None)])
        .is_err());
    assert_eq!(
        fs::read_to_string(scratch.tree.join("src/main.rs")).unwrap(),
        "fn main() {}\n",
        "nothing was written"
    );
}

#[cfg(unix)]
#[test]
fn sync_replaces_a_folder_that_became_a_symlink_and_a_file_that_became_a_folder() {
    use std::os::unix::fs::symlink;
    let source = small_crate();
    let root = source.path();
    put(root, "assets/logo.txt", "logo");
    put(root, "docs", "a file for now");
    let scratch_dir = tempfile::tempdir().unwrap();
    let (mut scratch, _) = Scratch::open(root, scratch_dir.path(), &[]).unwrap();
    fs::remove_dir_all(root.join("assets")).unwrap();
    symlink("src", root.join("assets")).unwrap();
    fs::remove_file(root.join("docs")).unwrap();
    put(root, "docs/guide.md", "guide");
    let stats = scratch.sync().unwrap();
    assert_eq!((stats.copied, stats.removed), (2, 2));
    assert_eq!(listing(&scratch.tree), listing(root));
}

#[cfg(unix)]
#[test]
fn special_files_such_as_sockets_are_skipped_and_reported() {
    let source = small_crate();
    let _listener =
        std::os::unix::net::UnixListener::bind(source.path().join("daemon.sock")).unwrap();
    let scratch_dir = tempfile::tempdir().unwrap();
    let (scratch, stats) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
    assert_eq!(names(&scratch.tree), ["Cargo.toml", "src/main.rs"]);
    assert_eq!(stats.skipped.len(), 1);
    assert!(
        stats.skipped[0].contains("daemon.sock"),
        "{:?}",
        stats.skipped
    );
}

#[cfg(unix)]
#[test]
fn executable_scripts_stay_executable_in_the_copy() {
    use std::os::unix::fs::PermissionsExt;
    let source = small_crate();
    put(source.path(), "gen.sh", "#!/bin/sh\n");
    fs::set_permissions(
        source.path().join("gen.sh"),
        fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let scratch_dir = tempfile::tempdir().unwrap();
    let (scratch, _) = Scratch::open(source.path(), scratch_dir.path(), &[]).unwrap();
    let mode = |rel: &str| {
        fs::metadata(scratch.tree.join(rel))
            .unwrap()
            .permissions()
            .mode()
    };
    assert_ne!(mode("gen.sh") & 0o111, 0);
    assert_eq!(mode("src/main.rs") & 0o111, 0);
}

#[test]
fn a_slot_opened_for_another_workspace_starts_over() {
    let first = small_crate();
    put(first.path(), "src/only_in_first.rs", "");
    let second = small_crate();
    let scratch_dir = tempfile::tempdir().unwrap();
    Scratch::open(first.path(), scratch_dir.path(), &[]).unwrap();
    let (scratch, stats) = Scratch::open(second.path(), scratch_dir.path(), &[]).unwrap();
    assert_eq!((stats.copied, stats.unchanged), (2, 0));
    assert_eq!(names(&scratch.tree), ["Cargo.toml", "src/main.rs"]);
}
