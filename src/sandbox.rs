//! Confinement of the code verification runs (build scripts, tests: the agent may have written
//! them): with Landlock, on Linux, a confined command may write only in the scratch slot, the
//! slot's own temp dir, cargo's home (where crates are unpacked) and `/dev`; it reads everything.
//! Agents are confined the other way round: everywhere but the user's workspace.
//!
//! A confined command is started as `cargo-loop __sandbox --write DIR... -- PROGRAM ARGS`: this
//! binary restricts itself, then `exec`s the program, so no unsafe `pre_exec` is needed and the
//! restriction covers every descendant. `--sandbox auto` (the default) confines where the kernel
//! allows it, `require` refuses to run where it does not, `off` never confines.
//!
//! The network is left open: crates' own tests often talk to servers they start on loopback,
//! which Landlock cannot tell from the outside world.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::error::UsageError;
use crate::options::SandboxMode;

/// The hidden first argument that makes this binary a confining launcher.
pub const ENTRY: &str = "__sandbox";

static ACTIVE: OnceLock<bool> = OnceLock::new();

/// Decides, once per run, whether verification is confined; `require` without Landlock is a
/// usage error. Returns the sentence that says so, for the run's first lines.
pub fn init(mode: SandboxMode) -> anyhow::Result<String> {
    let available = mode != SandboxMode::Off && probe();
    if mode == SandboxMode::Require && !available {
        return Err(UsageError(
            "--sandbox require: Landlock is not available here (Linux 5.13 or later with \
             Landlock enabled is needed); run without confinement with --sandbox auto or off"
                .to_owned(),
        )
        .into());
    }
    let _ = ACTIVE.set(available);
    Ok(if available {
        "verification is confined (Landlock): writes only in the scratch copy, its temp dir \
         and cargo's home"
            .to_owned()
    } else if mode == SandboxMode::Off {
        "verification is not confined (--sandbox off)".to_owned()
    } else {
        "verification is not confined: Landlock is not available here (--sandbox require \
         would refuse to run)"
            .to_owned()
    })
}

pub fn active() -> bool {
    ACTIVE.get().copied().unwrap_or(false)
}

/// The command line that runs `argv` confined to writing in `writable`.
pub fn wrap(argv: &[OsString], writable: &[PathBuf]) -> Vec<OsString> {
    let exe = std::env::current_exe().map_or_else(|_| "cargo-loop".into(), PathBuf::into_os_string);
    let mut line = vec![exe, ENTRY.into()];
    for dir in writable {
        line.push("--write".into());
        line.push(dir.clone().into_os_string());
    }
    line.push("--".into());
    line.extend(argv.iter().cloned());
    line
}

/// Whether a confined child can be started here: asks this binary to confine itself once.
fn probe() -> bool {
    let Ok(exe) = std::env::current_exe() else {
        return false;
    };
    std::process::Command::new(exe)
        .args([ENTRY, "--probe"])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// The launcher (`cargo-loop __sandbox ...`): confine this process, then become the program.
/// Never returns but with an exit code on failure.
pub fn enter(args: &[OsString]) -> std::process::ExitCode {
    let mut writable = Vec::new();
    let mut rest = args.iter();
    let mut probe_only = false;
    while let Some(arg) = rest.next() {
        match arg.to_str() {
            Some("--write") => writable.extend(rest.next().map(PathBuf::from)),
            Some("--probe") => probe_only = true,
            Some("--") => break,
            _ => {
                let arg = arg.to_string_lossy();
                return launcher_error(&format!("unexpected argument `{arg}`"));
            }
        }
    }
    if let Err(err) = confine(&writable) {
        return launcher_error(&err);
    }
    if probe_only {
        return std::process::ExitCode::SUCCESS;
    }
    let command: Vec<&OsString> = rest.collect();
    let Some((program, args)) = command.split_first() else {
        return launcher_error("no program to run");
    };
    let err = exec(program, args);
    launcher_error(&format!(
        "cannot start {}: {err}",
        program.to_string_lossy()
    ))
}

#[cfg(unix)]
fn exec(program: &OsString, args: &[&OsString]) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    std::process::Command::new(program).args(args).exec()
}

#[cfg(not(unix))]
fn exec(_program: &OsString, _args: &[&OsString]) -> std::io::Error {
    std::io::Error::other("confinement needs Linux")
}

fn launcher_error(message: &str) -> std::process::ExitCode {
    eprintln!("error: cargo loop sandbox: {message}");
    std::process::ExitCode::from(126)
}

#[cfg(target_os = "linux")]
fn confine(writable: &[PathBuf]) -> Result<(), String> {
    use landlock::{
        path_beneath_rules, Access, AccessFs, CompatLevel, Compatible, PathBeneath, PathFd,
        Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus, ABI,
    };
    let abi = ABI::V5;
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(abi))
        .and_then(Ruleset::create)
        .and_then(|ruleset| ruleset.add_rules(path_beneath_rules(["/"], AccessFs::from_read(abi))))
        .map_err(|err| err.to_string())?;
    // A place that cannot be opened (gone meanwhile, not ours to open) is simply not granted.
    for path in writable {
        if let Ok(fd) = PathFd::new(path) {
            ruleset = ruleset
                .add_rule(PathBeneath::new(fd, AccessFs::from_all(abi)))
                .map_err(|err| err.to_string())?;
        }
    }
    let status = ruleset.restrict_self().map_err(|err| err.to_string())?;
    match status.ruleset {
        RulesetStatus::NotEnforced => Err("Landlock is not enforced by this kernel".to_owned()),
        RulesetStatus::FullyEnforced | RulesetStatus::PartiallyEnforced => Ok(()),
    }
}

#[cfg(not(target_os = "linux"))]
fn confine(_writable: &[PathBuf]) -> Result<(), String> {
    Err("confinement needs Linux (Landlock)".to_owned())
}

/// Every place but `protected` (and what is below it): the siblings of each folder on the
/// way from `/` down to it. An agent confined to these writes anywhere it keeps state (its
/// home, its caches, the temp dir) but in the user's workspace. Links are left out (one could
/// lead back into `protected`); so are names that do not exist yet next to those folders.
pub fn everything_but(protected: &std::path::Path) -> Vec<PathBuf> {
    let Ok(protected) = std::fs::canonicalize(protected) else {
        return Vec::new();
    };
    let mut writable = Vec::new();
    let mut above = PathBuf::from("/");
    for part in protected
        .strip_prefix("/")
        .unwrap_or(&protected)
        .components()
    {
        let next = above.join(part);
        if let Ok(entries) = std::fs::read_dir(&above) {
            let siblings = entries.flatten().map(|entry| entry.path()).filter(|path| {
                *path != next && std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_symlink())
            });
            writable.extend(siblings);
        }
        above = next;
    }
    writable
}

/// The compile cache of a `RUSTC_WRAPPER` (sccache: `SCCACHE_DIR`, else its default folder),
/// when one is set: a wrapper the user set serves verification too, and a server it starts
/// writes there.
fn wrapper_cache() -> Option<PathBuf> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|w| !w.is_empty());
    if !set("RUSTC_WRAPPER") && !set("CARGO_BUILD_RUSTC_WRAPPER") {
        return None;
    }
    let home = || std::env::var_os("HOME").map(PathBuf::from);
    let dir = match std::env::var_os("SCCACHE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => (std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from))
            .or_else(|| home().map(|h| h.join(".cache")))?
            .join("sccache"),
    };
    // Created now: a confined first build could not create it.
    let _ = std::fs::create_dir_all(&dir);
    Some(dir)
}

/// Where a confined cargo command may write: the scratch slot (tree, target dir, its temp
/// dir), cargo's home (it unpacks crates and takes its package lock there), the devices, and
/// a `RUSTC_WRAPPER`'s compile cache.
pub fn cargo_writable(slot: &std::path::Path) -> Vec<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME").map_or_else(
        || {
            std::env::var_os("HOME")
                .map(|home| PathBuf::from(home).join(".cargo"))
                .unwrap_or_default()
        },
        PathBuf::from,
    );
    [slot.to_path_buf(), cargo_home, "/dev".into()]
        .into_iter()
        .chain(wrapper_cache())
        .filter(|dir| dir.is_dir())
        .collect()
}
