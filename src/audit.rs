//! The audit trail: `audit.jsonl` under the out dir, one JSON object per event, append-only,
//! and a folder per candidate for its prompt, response, patch and command logs.
//!
//! Every record has `ts`, `run` and `event`; everything written passes through
//! [`crate::secrets::redact`].

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context;
use serde_json::{json, Map, Value};

pub struct Audit {
    file: File,
    pub run: String,
    pub dir: PathBuf,
}

impl Audit {
    /// Opens `dir/audit.jsonl` for appending, with a new run id.
    pub fn open(dir: &Path) -> anyhow::Result<Audit> {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        let path = dir.join("audit.jsonl");
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
            file,
            run,
            dir: dir.to_path_buf(),
        })
    }

    /// Appends one record: `fields` (a JSON object) after `ts`, `run` and `event`.
    pub fn record(&mut self, event: &str, fields: Value) -> anyhow::Result<()> {
        let mut record = Map::new();
        record.insert(
            "ts".into(),
            json!(humantime::format_rfc3339_millis(SystemTime::now()).to_string()),
        );
        record.insert("run".into(), json!(self.run));
        record.insert("event".into(), json!(event));
        if let Value::Object(fields) = fields {
            record.extend(fields);
        }
        let line = Value::Object(record).to_string();
        let line = crate::secrets::redact(&line);
        // One write per record, so that a kill leaves whole lines behind.
        self.file
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|()| self.file.flush())
            .context("append to audit.jsonl")
    }

    /// The folder of one candidate of this run.
    pub fn candidate_dir(&self, candidate: &str) -> PathBuf {
        self.dir.join("runs").join(&self.run).join(candidate)
    }

    /// Path relative to the out dir, as records name files.
    pub fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

/// Reads every record of `dir/audit.jsonl`, skipping lines that do not parse (a kill while
/// writing, or a hand edit).
pub fn read(dir: &Path) -> anyhow::Result<Vec<Value>> {
    let path = dir.join("audit.jsonl");
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
        let mut audit = Audit::open(dir.path()).unwrap();
        audit.record("pass_start", json!({"pass": 1})).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("audit.jsonl"))
            .unwrap()
            .write_all(b"{\"torn\": \n")
            .unwrap();
        let records = read(dir.path()).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["event"], "pass_start");
        assert_eq!(records[0]["pass"], 1);
        assert_eq!(records[0]["run"], audit.run.as_str());
        assert!(records[0]["ts"].as_str().unwrap().ends_with('Z'));
    }
}
