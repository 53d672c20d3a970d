//! Runs child processes (cargo, agents) with a timeout, logs to files, and a whole-group kill.
//!
//! Every child gets its own process group, so a timeout or Ctrl-C kills cargo and rustc, or an
//! agent and everything it started, not just the direct child. A child failing is data
//! ([`Exit`]), not an error; only failing to start it is an `Err`.
//!
//! A call ends with nothing of it left running: the group is killed even when the child exits
//! normally (background jobs), and on Linux this process is a child subreaper, so descendants
//! that left the group (`setsid` daemons) are reparented here and killed too. What a child
//! prints is capped, so an agent printing without end cannot fill the disk.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Ctrl-C and SIGTERM set a flag: running children are killed and the caller winds down,
/// restoring what it changed, instead of dying between two writes.
pub fn install_interrupt_handler() {
    // A second installation (tests) fails harmlessly.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Ctrl-C or SIGTERM stopped the work: exit code 130, not an error of the input.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success,
    Failure(i32),
    Signalled(i32),
    Timeout,
    Interrupted,
    /// It printed more than the job's output cap and was killed.
    OutputLimit(u64),
}

impl Exit {
    pub fn success(self) -> bool {
        self == Exit::Success
    }

    /// The exit code as recorded in the audit trail (`None` when there is none).
    pub fn code(self) -> Option<i32> {
        match self {
            Exit::Success => Some(0),
            Exit::Failure(code) => Some(code),
            _ => None,
        }
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exit::Success => write!(f, "succeeded"),
            Exit::Failure(code) => write!(f, "exited with code {code}"),
            Exit::Signalled(signal) => write!(f, "was killed by signal {signal}"),
            Exit::Timeout => write!(f, "timed out"),
            Exit::Interrupted => write!(f, "was interrupted"),
            Exit::OutputLimit(cap) => {
                write!(f, "printed more than {cap} bytes and was stopped")
            }
        }
    }
}

/// One child process to run.
#[derive(Debug, Clone)]
pub struct Job {
    pub argv: Vec<OsString>,
    pub cwd: PathBuf,
    pub env: Vec<(OsString, OsString)>,
    pub env_remove: Vec<OsString>,
    /// A file given as stdin; none means stdin is empty.
    pub stdin: Option<PathBuf>,
    pub stdout: PathBuf,
    pub stderr: PathBuf,
    pub timeout: Duration,
    /// Bytes stdout and stderr may hold together before the child is killed.
    pub max_output: u64,
    /// Folders the child may write in, when it runs confined ([`crate::sandbox`]); `None` runs
    /// it as it is.
    pub confine_writes: Option<Vec<PathBuf>>,
}

/// The default output cap: far more than any answer or build log, far less than a full disk.
const DEFAULT_MAX_OUTPUT: u64 = 256 << 20;

impl Job {
    pub fn new(argv: Vec<OsString>, cwd: &Path, log: &Path, timeout: Duration) -> Job {
        Job {
            argv,
            cwd: cwd.to_path_buf(),
            env: Vec::new(),
            env_remove: Vec::new(),
            stdin: None,
            stdout: log.with_extension("stdout"),
            stderr: log.with_extension("log"),
            timeout,
            max_output: DEFAULT_MAX_OUTPUT,
            confine_writes: None,
        }
    }

    /// The environment for code cargo loop does not trust, run in a copy below `ceiling`:
    /// every secret-looking variable removed (but those the user keeps, and `allowed`), and git
    /// confined to the copy, so a `git reset` there can never reach the user's repository.
    pub fn confined(mut self, ceiling: &Path, allowed: &[&str]) -> Job {
        let is_git = |name: &OsString| name.to_str().is_some_and(|n| n.starts_with("GIT_"));
        let removed = crate::secrets::withheld_vars(allowed)
            .into_iter()
            .chain(std::env::vars_os().map(|(name, _)| name).filter(is_git));
        self.env_remove.extend(removed);
        let removed = &self.env_remove;
        self.env
            .retain(|(name, _)| !removed.contains(name) && !is_git(name));
        self.env("GIT_CEILING_DIRECTORIES", ceiling)
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Job {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The command line as a person would type it, for logs and messages.
    pub fn display(&self) -> String {
        self.argv
            .iter()
            .map(|a| {
                let a = a.to_string_lossy();
                shlex::try_quote(&a).map_or_else(|_| a.to_string(), |q| q.to_string())
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Finished {
    pub exit: Exit,
    pub duration: Duration,
}

/// Runs `job` to completion, timeout or interruption.
pub fn run(job: &Job) -> anyhow::Result<Finished> {
    let command_line = match &job.confine_writes {
        Some(writable) if crate::sandbox::active() => crate::sandbox::wrap(&job.argv, writable),
        _ => job.argv.clone(),
    };
    let (program, args) = command_line.split_first().context("empty command line")?;
    let mut command = Command::new(program);
    command.args(args).current_dir(&job.cwd);
    for key in &job.env_remove {
        command.env_remove(key);
    }
    command.envs(job.env.iter().map(|(k, v)| (k, v)));
    command.stdin(match &job.stdin {
        Some(path) => {
            Stdio::from(File::open(path).with_context(|| format!("open {}", path.display()))?)
        }
        None => Stdio::null(),
    });
    let stdout = crate::files::create(&job.stdout)?;
    // One file for both keeps their interleaving (cargo's `Running` lines and libtest's).
    let stderr = if job.stderr == job.stdout {
        stdout.try_clone().context("duplicate a log file handle")?
    } else {
        crate::files::create(&job.stderr)?
    };
    command.stdout(stdout).stderr(stderr);
    let tag = job_tag();
    let (tag_name, tag_value) = tag.split_once('=').unwrap_or_default();
    command.env(tag_name, tag_value);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let start = Instant::now();
    let mut child = command.spawn().with_context(|| {
        format!(
            "start `{}` in {}",
            program.to_string_lossy(),
            job.cwd.display()
        )
    })?;
    let finished = wait(&mut child, job, start);
    // Whatever the child left behind (background jobs, daemons) ends with it.
    kill_group(&mut child);
    #[cfg(target_os = "linux")]
    reap_orphans(&tag);
    if let Exit::OutputLimit(cap) = finished.exit {
        truncate(&job.stdout, cap);
        truncate(&job.stderr, cap);
    }
    Ok(finished)
}

/// Waits for the child to exit, or stops it at the timeout, an interruption or the output cap.
fn wait(child: &mut std::process::Child, job: &Job, start: Instant) -> Finished {
    loop {
        let exit = match child.try_wait() {
            Ok(Some(status)) => Some(exit_of(status)),
            Err(_) => Some(Exit::Failure(-1)),
            Ok(None) if interrupted() => Some(Exit::Interrupted),
            Ok(None) if start.elapsed() > job.timeout => Some(Exit::Timeout),
            Ok(None) if output_size(job) > job.max_output => {
                Some(Exit::OutputLimit(job.max_output))
            }
            Ok(None) => None,
        };
        if let Some(exit) = exit {
            return Finished {
                exit,
                duration: start.elapsed(),
            };
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn output_size(job: &Job) -> u64 {
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |meta| meta.len());
    if job.stderr == job.stdout {
        size(&job.stdout)
    } else {
        size(&job.stdout) + size(&job.stderr)
    }
}

/// Cuts a log that went over the cap back to it: the cap bounds what is stored, not only read.
fn truncate(path: &Path, cap: u64) {
    if let Ok(file) = std::fs::OpenOptions::new().write(true).open(path) {
        if file.metadata().is_ok_and(|meta| meta.len() > cap) {
            let _ = file.set_len(cap);
        }
    }
}

/// `NAME=VALUE`, unique to one job of this process: every descendant inherits it.
fn job_tag() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("CARGO_LOOP_JOB={}-{n}", std::process::id())
}

fn exit_of(status: std::process::ExitStatus) -> Exit {
    if let Some(code) = status.code() {
        return if code == 0 {
            Exit::Success
        } else {
            Exit::Failure(code)
        };
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return Exit::Signalled(signal);
    }
    Exit::Failure(-1)
}

/// Kills the child's whole process group (the child too, if it still runs), then reaps it.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{killpg, Signal};
        use nix::unistd::Pid;
        if let Ok(pid) = i32::try_from(child.id()) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Makes this process adopt the orphans of its descendants (Linux), so that [`reap_orphans`]
/// finds the daemons a child started in a session of their own. Called once at startup.
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_child_subreaper(true);
}

/// Kills and reaps the orphans a finished job left: children of this process (adopted, as it
/// is a subreaper) that carry the job's tag in their environment, so that other threads'
/// children are never touched. Repeated while new ones appear (an orphan may fork first).
#[cfg(target_os = "linux")]
fn reap_orphans(tag: &str) {
    for _ in 0..50 {
        let orphans: Vec<i32> = children_of(std::process::id())
            .into_iter()
            .filter(|pid| has_tag(*pid, tag))
            .collect();
        if orphans.is_empty() {
            return;
        }
        for pid in orphans {
            use nix::sys::signal::{kill, killpg, Signal};
            use nix::unistd::Pid;
            let pid = Pid::from_raw(pid);
            let _ = killpg(pid, Signal::SIGKILL);
            let _ = kill(pid, Signal::SIGKILL);
            let _ = nix::sys::wait::waitpid(pid, None);
        }
    }
}

/// Whether `/proc/PID/environ` holds `tag` as one of its variables.
#[cfg(target_os = "linux")]
fn has_tag(pid: i32, tag: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/environ"))
        .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == tag.as_bytes()))
}

/// The pids whose parent is `parent`, from /proc.
#[cfg(target_os = "linux")]
fn children_of(parent: u32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            // The parent is the 4th field of `stat`, after the `(comm)` that may hold spaces.
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(parent)
            })
        })
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;

    fn job(dir: &Path, script: &str, timeout: Duration) -> Job {
        Job::new(
            vec!["sh".into(), "-c".into(), script.into()],
            dir,
            &dir.join("job"),
            timeout,
        )
    }

    #[test]
    fn run_reports_exit_codes_and_captures_output() {
        let dir = tempfile::tempdir().unwrap();
        let finished = run(&job(
            dir.path(),
            "echo out; echo err >&2; exit 3",
            Duration::from_secs(10),
        ))
        .unwrap();
        assert_eq!(finished.exit, Exit::Failure(3));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("job.stdout")).unwrap(),
            "out\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("job.log")).unwrap(),
            "err\n"
        );
    }

    #[test]
    fn run_kills_the_whole_process_group_on_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("grandchild-survived");
        // The grandchild would write the marker after the timeout if it outlived the kill.
        let script = format!("(sleep 1; touch {}) & sleep 30", marker.display());
        let finished = run(&job(dir.path(), &script, Duration::from_millis(300))).unwrap();
        assert_eq!(finished.exit, Exit::Timeout);
        assert!(finished.duration < Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(1500));
        assert!(!marker.exists(), "a grandchild outlived the timeout");
    }

    #[test]
    fn run_ends_background_jobs_and_daemons_when_the_child_exits_normally() {
        become_subreaper();
        let dir = tempfile::tempdir().unwrap();
        let (bg, daemon) = (dir.path().join("bg"), dir.path().join("daemon"));
        // One child left in the group, one in a session of its own; both would write later.
        let script = format!(
            "(sleep 1; touch {}) & setsid sh -c 'sleep 1; touch {}' & exit 0",
            bg.display(),
            daemon.display()
        );
        let finished = run(&job(dir.path(), &script, Duration::from_secs(10))).unwrap();
        assert_eq!(finished.exit, Exit::Success);
        std::thread::sleep(Duration::from_millis(1500));
        assert!(!bg.exists(), "a background job outlived the call");
        assert!(!daemon.exists(), "a setsid daemon outlived the call");
    }

    #[test]
    fn run_stops_a_child_that_prints_past_the_cap_and_keeps_only_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let mut job = job(dir.path(), "yes cargo-loop", Duration::from_secs(30));
        job.max_output = 1 << 20;
        let finished = run(&job).unwrap();
        assert_eq!(finished.exit, Exit::OutputLimit(1 << 20));
        assert!(finished.duration < Duration::from_secs(10));
        let stored = std::fs::metadata(&job.stdout).unwrap().len();
        assert!(stored <= 1 << 20, "{stored} bytes stored");
    }

    #[test]
    fn confined_jobs_find_no_repository_above_their_copy() {
        let repo = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(repo.path())
            .status()
            .unwrap();
        assert!(status.success());
        let copy = repo.path().join("target/loop/copy");
        std::fs::create_dir_all(copy.join("tree")).unwrap();
        let job = job(
            &copy.join("tree"),
            "git rev-parse --absolute-git-dir",
            Duration::from_secs(10),
        )
        .env("GIT_DIR", repo.path().join(".git"))
        .confined(&copy, &[]);
        assert_eq!(run(&job).unwrap().exit, Exit::Failure(128));
        let err = std::fs::read_to_string(&job.stderr).unwrap();
        assert!(err.contains("not a git repository"), "{err}");
    }

    #[test]
    fn run_feeds_stdin_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("in"), "hello\n").unwrap();
        let mut job = job(dir.path(), "cat", Duration::from_secs(10));
        job.stdin = Some(dir.path().join("in"));
        assert_eq!(run(&job).unwrap().exit, Exit::Success);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("job.stdout")).unwrap(),
            "hello\n"
        );
    }

    #[test]
    fn run_of_a_missing_program_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let job = Job::new(
            vec!["no-such-program-xyz".into()],
            dir.path(),
            &dir.path().join("j"),
            Duration::from_secs(1),
        );
        let err = run(&job).unwrap_err();
        assert!(format!("{err:#}").contains("no-such-program-xyz"));
    }
}
