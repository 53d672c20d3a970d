//! One run at a time per out dir (`target/loop/`), as cargo locks its build directory: the
//! scratch copies, review ids and the audit trail under it are not shared. The lock is an OS
//! file lock, so a killed run's lock is gone with its process; the file keeps the holder's pid
//! for the message.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};

use anyhow::Context;

use super::out_dir::OutDir;
use crate::console::Console;
use crate::error::UsageError;

/// Held until dropped.
#[derive(Debug)]
pub struct OutDirLock {
    _file: File,
}

impl OutDirLock {
    /// Takes the lock on `out_dir`; waits for another run to finish (saying so), or with
    /// `no_wait` refuses at once.
    pub fn acquire(out: &OutDir, no_wait: bool, console: &Console) -> anyhow::Result<Self> {
        let out_dir = out.path();
        std::fs::create_dir_all(out_dir)
            .with_context(|| format!("create {}", out_dir.display()))?;
        let path = out.lock_file();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("open {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = holder(&mut file);
                if no_wait {
                    return Err(UsageError(format!(
                        "another cargo loop run{holder} is using {}; wait for it to finish, or \
                         give this one another --out",
                        out_dir.display()
                    ))
                    .into());
                }
                console.status(
                    "Blocking",
                    &format!(
                        "waiting for file lock on {} (another cargo loop run{holder})",
                        out_dir.display()
                    ),
                );
                file.lock()
                    .with_context(|| format!("lock {}", path.display()))?;
            }
            Err(TryLockError::Error(err)) => {
                return Err(err).with_context(|| format!("lock {}", path.display()))
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "{}", std::process::id())?;
        Ok(OutDirLock { _file: file })
    }
}

/// ` (pid N)` from the lock file, when the holder wrote it.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind().and_then(|()| file.read_to_string(&mut text));
    text.trim()
        .parse::<u32>()
        .map_or_else(|_| String::new(), |pid| format!(" (pid {pid})"))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_no_wait_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::new(Some(dir.path()), dir.path());
        let console = Console::silent();
        let first = OutDirLock::acquire(&out, true, &console).unwrap();
        let err = OutDirLock::acquire(&out, true, &console).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("another cargo loop run"), "{message}");
        assert!(message.contains(&format!("pid {}", std::process::id())));
        drop(first);
        OutDirLock::acquire(&out, true, &console).unwrap();
    }
}
