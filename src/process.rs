//! Runs child processes (cargo, agents) with a timeout, logs to files, and a whole-group kill.
//!
//! Every child gets its own process group, so a timeout or Ctrl-C kills cargo and rustc, or an
//! agent and everything it started, not just the direct child. A child failing is data
//! ([`Exit`]), not an error; only failing to start it is an `Err`.

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
}

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
        }
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
    let (program, args) = job.argv.split_first().context("empty command line")?;
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
    loop {
        if let Some(status) = child.try_wait().context("wait for a child process")? {
            return Ok(Finished {
                exit: exit_of(status),
                duration: start.elapsed(),
            });
        }
        let stop = if interrupted() {
            Some(Exit::Interrupted)
        } else if start.elapsed() > job.timeout {
            Some(Exit::Timeout)
        } else {
            None
        };
        if let Some(exit) = stop {
            kill_group(&mut child);
            return Ok(Finished {
                exit,
                duration: start.elapsed(),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
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

/// Kills the child's whole process group, then reaps the child.
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
