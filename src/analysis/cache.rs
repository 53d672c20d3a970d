//! The scan cache under `target/loop/cache/`: a finished report, reused while every file it
//! read has the same size and modification time and the options and targets are unchanged.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::analysis::file_cache::stamp;
use crate::analysis::report::Report;
use crate::record::out_dir::OutDir;

/// [`Entry`] as written, borrowing what it holds.
#[derive(Serialize)]
struct Stored<'a> {
    key: &'a str,
    files: Vec<(&'a PathBuf, u64, u128)>,
    report: &'a Report,
}

/// What an entry starts with, read before the report: the report is read only when it is
/// still good (a rescan after an edit reads only this).
#[derive(Deserialize)]
struct Head {
    key: String,
    files: Vec<(PathBuf, u64, u128)>,
}

fn entry_path(out: &OutDir, key: &str) -> PathBuf {
    out.cache_dir().join(format!(
        "report-{:016x}",
        xxhash_rust::xxh3::xxh3_64(key.as_bytes())
    ))
}

/// The cached report for `key`, if every file it read is unchanged.
pub fn load(out: &OutDir, key: &str) -> Option<Report> {
    let bytes = std::fs::read(entry_path(out, key)).ok()?;
    let (head, report) = postcard::take_from_bytes::<Head>(&bytes).ok()?;
    let unchanged = head.key == key
        && (head.files.iter()).all(|(path, len, mtime)| stamp(path) == Some((*len, *mtime)));
    unchanged.then(|| postcard::from_bytes(report).ok())?
}

/// Stores `report`; failures only cost the next run its cache, so they are returned for a warning.
pub fn store(out: &OutDir, key: &str, files: &[PathBuf], report: &Report) -> anyhow::Result<()> {
    let path = entry_path(out, key);
    let entry = Stored {
        key,
        files: files
            .iter()
            .filter_map(|f| stamp(f).map(|(len, mtime)| (f, len, mtime)))
            .collect(),
        report,
    };
    // Whole or not at all, so a concurrent run never reads half an entry.
    crate::analysis::file_cache::write_whole(&path, &postcard::to_stdvec(&entry)?)
}
