//! Shared by the CLI test binaries: the fixtures, copies of them, and `cargo-loop` run with an
//! environment that cannot leak into the results.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test-fixtures")
        .join(name)
}

/// Copies a fixture, without its build output, to a temporary folder, so tests may edit it and
/// write under its target/.
pub fn copy_of_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture(name);
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_entry(|e| e.file_name() != "target")
    {
        let entry = entry.unwrap();
        let dest = tmp.path().join(entry.path().strip_prefix(&src).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    tmp
}

/// `cargo-loop loop` in `dir`, without the variables that would change where it writes, how
/// it colours, what cargo builds, or which keys it sees.
pub fn cargo_loop(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("cargo-loop"));
    cmd.current_dir(dir).arg("loop");
    for var in [
        "CARGO_TARGET_DIR",
        "CARGO_TERM_COLOR",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    cmd
}
