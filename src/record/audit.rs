//! The audit trail: `audit.jsonl` under the out dir, one JSON object per [`Event`],
//! append-only, and a folder per candidate for its prompt, response, patch and command logs.
//! Emitting an event also prints its status line, so the console and the trail never differ.
//!
//! Every record has `ts`, `run` and `event`; everything written passes through
//! [`crate::secrets::redact`].
//!
//! The file has one writer: a `--jobs` worker records into a [`Audit::buffer`], whose records
//! the run's own audit [`Audit::replay`]s in candidate order once the worker is done.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context;

use super::event::{Event, Record};
use super::live::Live;
use super::out_dir::OutDir;
use crate::console::Console;

pub struct Audit {
    /// `None` in a buffer: records wait in `buffered` instead.
    file: Option<File>,
    buffered: Vec<Record>,
    pub run: String,
    pub out: OutDir,
    console: Console,
    live: Live,
}

impl Audit {
    /// Opens `dir/audit.jsonl` for appending, with a new run id.
    pub fn open(out: &OutDir, console: &Console) -> anyhow::Result<Audit> {
        let dir = out.path();
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        let path = out.audit_file();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("open {}", path.display()))?;
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        let run = format!("{}-{}", now.as_secs(), std::process::id());
        Ok(Audit {
            file: Some(file),
            buffered: Vec::new(),
            run,
            out: out.clone(),
            console: console.clone(),
            live: Live::default(),
        })
    }

    /// Appends the event's record and prints its status line, if it has one.
    pub fn emit(&mut self, event: Event) -> anyhow::Result<()> {
        let record = Record {
            ts: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            run: self.run.clone(),
            event,
        };
        self.append(record)
    }

    /// An audit of the same run that keeps its records (and their status lines) until
    /// [`Audit::replay`]ed: what a `--jobs` worker records into.
    pub fn buffer(&self) -> Audit {
        Audit {
            file: None,
            buffered: Vec::new(),
            run: self.run.clone(),
            out: self.out.clone(),
            console: self.console.clone(),
            live: Live::default(),
        }
    }

    /// Appends the records of `buffer`, in the order they were made, with their times.
    pub fn replay(&mut self, buffer: Audit) -> anyhow::Result<()> {
        buffer
            .buffered
            .into_iter()
            .try_for_each(|record| self.append(record))
    }

    /// The records a buffer holds.
    pub fn buffered(&self) -> &[Record] {
        &self.buffered
    }

    fn append(&mut self, record: Record) -> anyhow::Result<()> {
        let Some(file) = &mut self.file else {
            self.buffered.push(record);
            return Ok(());
        };
        let event = &record.event;
        if let Some((verb, message)) = event.status_line() {
            self.console.status(verb, &message);
        }
        self.live.update(event);
        if matches!(event, Event::Stop { .. }) {
            self.console.end_live();
        } else if self.live.is_running() {
            self.console.live(self.live.message());
        }
        let line = serde_json::to_string(&record).context("serialize an audit record")?;
        let line = crate::secrets::redact(&line);
        // One write per record, so that a kill leaves whole lines behind.
        file.write_all(format!("{line}\n").as_bytes())
            .and_then(|()| file.flush())
            .context("append to audit.jsonl")
    }

    /// The folder of one candidate of this run.
    pub fn candidate_dir(&self, candidate: &str) -> PathBuf {
        self.out.candidate_dir(&self.run, candidate)
    }

    /// Path relative to the out dir, as records name files.
    pub fn rel(&self, path: &Path) -> String {
        path.strip_prefix(self.out.path())
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

/// Reads every record of `dir/audit.jsonl`, skipping lines that do not parse (a kill while
/// writing, a hand edit, an event of a newer version).
pub fn read(out: &OutDir) -> anyhow::Result<Vec<Record>> {
    let path = out.audit_file();
    let bytes = crate::files::read_optional(&path)?.unwrap_or_default();
    Ok(String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn records_carry_ts_run_and_event_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::new(Some(dir.path()), dir.path());
        let console = Console::silent();
        let mut audit = Audit::open(&out, &console).unwrap();
        let event = Event::PassStart {
            pass: 1,
            candidates: None,
        };
        audit.emit(event.clone()).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(out.audit_file())
            .unwrap()
            .write_all(b"{\"torn\": \n")
            .unwrap();
        let records = read(&out).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].event, event);
        assert_eq!(records[0].run, audit.run);
        assert!(records[0].ts.ends_with('Z'));
    }

    #[test]
    fn a_buffer_writes_nothing_until_replayed_then_in_its_order() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::new(Some(dir.path()), dir.path());
        let mut audit = Audit::open(&out, &Console::silent()).unwrap();
        let mut buffer = audit.buffer();
        let notice = |message: &str| Event::Notice {
            message: message.into(),
        };
        buffer.emit(notice("first")).unwrap();
        buffer.emit(notice("second")).unwrap();
        assert_eq!(buffer.buffered().len(), 2);
        assert!(read(&out).unwrap().is_empty());
        audit.emit(notice("before")).unwrap();
        audit.replay(buffer).unwrap();
        let events: Vec<Event> = read(&out).unwrap().into_iter().map(|r| r.event).collect();
        let expected = [notice("before"), notice("first"), notice("second")];
        assert_eq!(events, expected);
    }
}
