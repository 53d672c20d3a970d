//! `cmd:` and `exec:` agents: any program, started directly (never through a shell) in its own
//! process group, killed whole when the call ends, with an environment holding no secret but
//! the model providers' keys, and git confined to the folder it runs in.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

use anyhow::Context;
use walkdir::WalkDir;
use xxhash_rust::xxh3::xxh3_64;

use super::exchange::{AgentError, Answer, Reply, Request};
use crate::process::{self, Exit, Job};
use crate::record::event::{Call, Tokens};
use crate::refactor::change::FileChange;

/// The keys an agent needs to call its model; every other secret is withheld.
const PROVIDER_KEYS: &[&str] = &[
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "OPENROUTER_API_KEY",
    "MISTRAL_API_KEY",
    "GROQ_API_KEY",
    "DEEPSEEK_API_KEY",
    "XAI_API_KEY",
    "TOGETHER_API_KEY",
];

/// Runs the agent in `cwd`; its raw stdout (read before the log is redacted, so an answer is
/// never changed by redaction) and how long it took.
fn run(argv: &[String], cwd: &Path, request: &Request) -> Result<Vec<u8>, AgentError> {
    // The caller wrote the prompt there.
    let prompt_file = request.dir.join("prompt.md");
    // A temp dir of its own: confined, an agent may not create names beside the workspace's
    // folders, and the system's may be one of them (a workspace under /tmp).
    let temp = tempfile::Builder::new()
        .prefix("cargo-loop-agent-")
        .tempdir()
        .map_err(|err| {
            AgentError::Io(anyhow::Error::new(err).context("create the agent's temp dir"))
        })?;
    let mut job = Job::new(
        argv.iter().map(OsString::from).collect(),
        cwd,
        &request.dir.join("agent"),
        request.timeout,
    )
    .env("CARGO_LOOP_PROMPT", &prompt_file)
    .env("TMPDIR", temp.path())
    .confined(cwd.parent().unwrap_or(cwd), PROVIDER_KEYS);
    job.stdin = Some(prompt_file);
    job.max_output = request.max_output;
    // Confined, an agent writes where it keeps its state, its folder and its copy, never in
    // the user's workspace.
    let mut writable = crate::sandbox::everything_but(request.root);
    writable.push(request.dir.to_path_buf());
    writable.push(cwd.to_path_buf());
    writable.push(temp.path().to_path_buf());
    job.confine_writes = Some(writable);
    let finished = process::run(&job)?;
    let stdout = std::fs::read(&job.stdout).unwrap_or_default();
    crate::secrets::scrub(&job.stdout);
    crate::secrets::scrub(&job.stderr);
    match finished.exit {
        Exit::Success => Ok(stdout),
        Exit::Timeout => Err(AgentError::Timeout(request.timeout)),
        Exit::Interrupted => Err(AgentError::Io(process::Interrupted.into())),
        Exit::OutputLimit(cap) => Err(AgentError::TooMuchOutput(cap)),
        exit => {
            let stderr = std::fs::read(&job.stderr).unwrap_or_default();
            let stderr = crate::refactor::cargo::tail(String::from_utf8_lossy(&stderr).trim(), 5);
            Err(AgentError::Failed {
                exit: exit.to_string(),
                stderr: if stderr.is_empty() {
                    "it printed nothing on stderr".to_owned()
                } else {
                    crate::files::printable(&stderr)
                },
            })
        }
    }
}

/// The prompt on stdin (and its path in `CARGO_LOOP_PROMPT`), the answer on stdout. The
/// program runs in the attempt's folder, so it cannot scribble on the workspace by accident.
pub fn cmd(argv: &[String], request: &Request) -> Reply {
    let start = std::time::Instant::now();
    let mut call = program_call("cmd", request);
    let answer = run(argv, request.dir, request).and_then(|stdout| {
        // The caller stores the answer (redacted) as response.md; once is enough.
        let _ = std::fs::remove_file(request.dir.join("agent.stdout"));
        let text = String::from_utf8(stdout).map_err(|_| AgentError::NotText)?;
        let text = match super::envelope::read(&text) {
            Some(envelope) => {
                call.tokens = envelope.tokens;
                call.cost_usd = envelope.cost_usd;
                call.estimated = false;
                envelope.text
            }
            None => {
                call.tokens.output = estimate(&text);
                text
            }
        };
        Ok(Answer::Text(text))
    });
    Reply {
        answer,
        duration: start.elapsed(),
        call,
    }
}

/// The record of a program's call before it answers: its input tokens estimated from the
/// prompt (a program that reports its usage replaces the estimate).
fn program_call(kind: &str, request: &Request) -> Call {
    Call {
        provider: kind.to_owned(),
        tokens: Tokens {
            input: estimate(request.stable) + estimate(request.task),
            ..Tokens::default()
        },
        estimated: true,
        ..Call::default()
    }
}

fn estimate(text: &str) -> u64 {
    crate::refactor::prompt::estimate_tokens(text) as u64
}

/// The program runs in a fresh copy of the workspace, outside it and a git repository of its
/// own; whatever it changed there is the proposal.
pub fn exec(argv: &[String], request: &Request) -> Reply {
    let start = std::time::Instant::now();
    let answer = exec_in_copy(argv, request);
    Reply {
        answer,
        duration: start.elapsed(),
        call: program_call("exec", request),
    }
}

fn exec_in_copy(argv: &[String], request: &Request) -> Result<Answer, AgentError> {
    let holder = tempfile::Builder::new()
        .prefix("cargo-loop-exec-")
        .tempdir()
        .context("create a folder for the exec agent's copy")?;
    let (copy, stats) =
        crate::refactor::scratch::Scratch::open(request.root, holder.path(), request.skip)?;
    let log = request.dir.join("exec-copy.log");
    crate::secrets::write(&log, &stats.skipped.join("\n"))?;
    init_repository(&copy.tree, holder.path())?;
    let before = snapshot(&copy.tree);
    let result = run(argv, &copy.tree, request);
    let after = snapshot(&copy.tree);
    result?;
    Ok(
        match diff(
            (request.root, &copy.tree),
            &before,
            &after,
            request.max_output,
        )? {
            Ok(changes) => Answer::Changes {
                changes,
                summary: None,
            },
            Err(refusal) => Answer::Refused(refusal),
        },
    )
}

/// Makes the copy a repository of its own with one commit of the copied tree, so an agent that
/// diffs, stashes or commits works on the copy, and git never walks up from it.
fn init_repository(tree: &Path, ceiling: &Path) -> anyhow::Result<()> {
    for args in [
        &["init", "--quiet"][..],
        &["add", "--all", "--force"],
        &[
            "-c",
            "user.name=cargo loop",
            "-c",
            "user.email=cargo-loop@localhost",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "--quiet",
            "--no-verify",
            "--allow-empty",
            "-m",
            "cargo loop: the workspace as the agent found it",
        ],
    ] {
        let job = Job::new(
            std::iter::once("git".into())
                .chain(args.iter().map(OsString::from))
                .collect(),
            tree,
            &ceiling.join("git"),
            std::time::Duration::from_secs(300),
        )
        .confined(ceiling, &[]);
        let finished = process::run(&job)?;
        if !finished.exit.success() {
            let log = std::fs::read_to_string(&job.stderr).unwrap_or_default();
            anyhow::bail!(
                "git {} in the exec copy {}: {}",
                args[0],
                finished.exit,
                log.trim()
            );
        }
    }
    Ok(())
}

/// The changes between two snapshots of the copy, against the user's files; or why they are
/// refused (the agent left a symbolic link, a binary file, or more than `max_bytes` in the
/// files it changed, which would otherwise be copied into every record of the candidate).
fn diff(
    (root, tree): (&Path, &Path),
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
    max_bytes: u64,
) -> Result<Result<Vec<FileChange>, String>, AgentError> {
    let mut changes = Vec::new();
    let mut written = 0u64;
    let touched = before
        .keys()
        .chain(after.keys().filter(|p| !before.contains_key(*p)))
        .filter(|path| before.get(*path) != after.get(*path));
    for path in touched {
        // A link's content is whatever it points to, possibly outside the workspace.
        let made_link = std::fs::symlink_metadata(tree.join(path))
            .is_ok_and(|meta| meta.file_type().is_symlink());
        if made_link {
            return Ok(Err(format!(
                "the agent left a symbolic link at `{path}`; links are never kept"
            )));
        }
        let special = std::fs::symlink_metadata(tree.join(path))
            .is_ok_and(|meta| !meta.file_type().is_file());
        if special {
            return Ok(Err(format!(
                "the agent left a special file (a pipe, socket or device) at `{path}`; only \
                 text files are kept"
            )));
        }
        written += std::fs::metadata(tree.join(path)).map_or(0, |meta| meta.len());
        if written > max_bytes {
            return Ok(Err(format!(
                "the agent's changed files hold more than {max_bytes} bytes (--max-agent-output), \
                 `{path}` among them; such a change is never kept"
            )));
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
            before: read(root)?,
            after: read(tree)?,
        };
        if change
            .after
            .as_deref()
            .is_some_and(|text| text.contains('\0'))
        {
            return Ok(Err(format!(
                "the agent wrote a binary file, `{path}`; only text changes are kept"
            )));
        }
        if !change.is_noop() {
            changes.push(change);
        }
    }
    Ok(Ok(changes))
}

/// What a snapshot holds for a file that is neither a regular file nor a link.
const SPECIAL: u64 = u64::MAX;

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
            } else if e.file_type().is_file() {
                xxh3_64(&std::fs::read(e.path()).ok()?)
            } else {
                // A pipe, socket or device: opening a pipe would wait for a writer forever.
                SPECIAL
            };
            Some((rel, hash))
        })
        .collect()
}
