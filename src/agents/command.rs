//! `cmd:` and `exec:` agents: any program, started directly (never through a shell) in its own
//! process group, killed whole on timeout or Ctrl-C.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

use walkdir::WalkDir;
use xxhash_rust::xxh3::xxh3_64;

use super::exchange::{AgentError, Answer, Reply, Request};
use crate::change::FileChange;
use crate::process::{self, Exit, Job};

fn run(
    argv: &[String],
    cwd: &Path,
    request: &Request,
) -> Result<(Vec<u8>, std::time::Duration), AgentError> {
    let prompt_file = request.dir.join("prompt.md");
    crate::secrets::write(&prompt_file, request.prompt)?;
    let mut job = Job::new(
        argv.iter().map(OsString::from).collect(),
        cwd,
        &request.dir.join("agent"),
        request.timeout,
    )
    .env("CARGO_LOOP_PROMPT", &prompt_file);
    job.stdin = Some(prompt_file);
    let finished = process::run(&job)?;
    crate::secrets::scrub(&job.stdout);
    crate::secrets::scrub(&job.stderr);
    match finished.exit {
        Exit::Success => Ok((
            std::fs::read(&job.stdout).unwrap_or_default(),
            finished.duration,
        )),
        Exit::Timeout => Err(AgentError::Timeout(request.timeout)),
        Exit::Interrupted => Err(AgentError::Interrupted),
        exit => {
            let stderr = String::from_utf8_lossy(&std::fs::read(&job.stderr).unwrap_or_default())
                .into_owned();
            Err(AgentError::Failed {
                exit: exit.to_string(),
                stderr: crate::cargo::tail(stderr.trim(), 5),
            })
        }
    }
}

/// The prompt on stdin (and its path in `CARGO_LOOP_PROMPT`), the answer on stdout. The
/// program runs in the attempt's folder, so it cannot scribble on the workspace by accident.
pub fn cmd(argv: &[String], request: &Request) -> Result<Reply, AgentError> {
    let (stdout, duration) = run(argv, request.dir, request)?;
    let text = String::from_utf8(stdout).map_err(|_| AgentError::NotText)?;
    Ok(Reply {
        answer: Answer::Text(text),
        duration,
    })
}

/// The program runs in a fresh copy of the workspace; whatever it changed there is the proposal.
pub fn exec(argv: &[String], request: &Request) -> Result<Reply, AgentError> {
    let copy_dir = request.dir.join("exec");
    let (copy, _) = crate::scratch::Scratch::open(request.root, &copy_dir, request.skip)?;
    let before = snapshot(&copy.tree);
    let result = run(argv, &copy.tree, request);
    let after = snapshot(&copy.tree);
    let changes = result.and_then(|(_, duration)| {
        let mut changes = Vec::new();
        for path in before
            .keys()
            .chain(after.keys().filter(|p| !before.contains_key(*p)))
        {
            if before.get(path) == after.get(path) {
                continue;
            }
            // A link's content is whatever it points to, possibly outside the workspace.
            let made_link = std::fs::symlink_metadata(copy.tree.join(path))
                .is_ok_and(|meta| meta.file_type().is_symlink());
            if made_link {
                return Ok(Reply {
                    answer: Answer::Refused(format!(
                        "the agent left a symbolic link at `{path}`; links are never kept"
                    )),
                    duration,
                });
            }
            let read = |root: &Path| -> Result<Option<String>, AgentError> {
                match std::fs::read(root.join(path)) {
                    Ok(bytes) => String::from_utf8(bytes)
                        .map(Some)
                        .map_err(|_| AgentError::NotText),
                    Err(_) => Ok(None),
                }
            };
            let change = FileChange {
                path: path.clone(),
                before: read(request.root)?,
                after: read(&copy.tree)?,
            };
            if !change.is_noop() {
                changes.push(change);
            }
        }
        Ok(Reply {
            answer: Answer::Changes(changes),
            duration,
        })
    });
    // The copy is only needed for the diff; the patch keeps what it said.
    let _ = std::fs::remove_dir_all(&copy_dir);
    changes
}

/// Content hashes of every file of a tree but its build output and git data.
fn snapshot(tree: &Path) -> BTreeMap<String, u64> {
    WalkDir::new(tree)
        .into_iter()
        .filter_entry(|e| {
            !(e.file_type().is_dir() && (e.file_name() == "target" || e.file_name() == ".git"))
        })
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(tree)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let hash = if e.file_type().is_symlink() {
                xxh3_64(
                    std::fs::read_link(e.path())
                        .ok()?
                        .as_os_str()
                        .as_encoded_bytes(),
                )
            } else {
                xxh3_64(&std::fs::read(e.path()).ok()?)
            };
            Some((rel, hash))
        })
        .collect()
}
