//! The scan cache under `target/loop/cache/`: a finished report, reused while every file it
//! read has the same size and modification time and the options and targets are unchanged.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::analysis::file_cache::{settled, stamp, Stamp};
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

/// Stores `report`, made from `files` as their stamps were before they were read (so an edit
/// made during the scan is seen by the next one). A file too recently modified to trust its
/// time (see `file_cache::settled`) leaves nothing stored. Failures only cost the next run its
/// cache, so they are returned for a warning.
pub fn store(
    out: &OutDir,
    key: &str,
    files: &[(PathBuf, Option<Stamp>)],
    report: &Report,
) -> anyhow::Result<()> {
    let stamped: Option<Vec<_>> = (files.iter())
        .map(|(f, stamp)| {
            stamp
                .filter(|s| settled(s.1))
                .map(|(len, mtime)| (f, len, mtime))
        })
        .collect();
    // Paths are stored as text: a tree with a name that is not UTF-8 goes uncached, quietly.
    let text = |path: &PathBuf| path.to_str().is_some();
    let Some(files) = stamped.filter(|files| files.iter().all(|f| text(f.0)) && text(&report.root))
    else {
        return Ok(());
    };
    let path = entry_path(out, key);
    let entry = Stored { key, files, report };
    // Whole or not at all, so a concurrent run never reads half an entry.
    crate::analysis::file_cache::write_whole(&path, &postcard::to_stdvec(&entry)?)
}

#[cfg(test)]
mod test {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn report(n_lines: u64) -> Report {
        Report {
            root: PathBuf::from("/w"),
            files: Vec::new(),
            n_files: 1,
            n_lines,
            groups: Vec::new(),
            smells: Vec::new(),
            modules: crate::analysis::smells::ModuleMap::default(),
            warnings: Vec::new(),
            timing: crate::analysis::report::Timing::default(),
        }
    }

    fn age(path: &std::path::Path, seconds: u64) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(seconds))
            .unwrap();
    }

    #[test]
    fn a_report_is_reused_while_its_files_keep_the_stamps_they_had_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::new(Some(&dir.path().join("out")), dir.path());
        let src = dir.path().join("lib.rs");
        std::fs::write(&src, "fn a() {}\n").unwrap();
        age(&src, 60);
        let read = |path: &PathBuf| vec![(path.clone(), stamp(path))];
        store(&out, "k", &read(&src), &report(7)).unwrap();
        assert_eq!(load(&out, "k").map(|r| r.n_lines), Some(7));
        assert!(load(&out, "other key").is_none());
        // Edited after it was read: the stamp stored is the one before, so the edit is seen.
        let before = read(&src);
        std::fs::write(&src, "fn a() {}\nfn b() {}\n").unwrap();
        age(&src, 30);
        store(&out, "k", &before, &report(7)).unwrap();
        assert!(load(&out, "k").is_none());
        // Modified too recently to trust its time: nothing is stored, the old entry stays stale.
        std::fs::write(&src, "fn c() {}\n").unwrap();
        store(&out, "k", &read(&src), &report(9)).unwrap();
        assert!(load(&out, "k").is_none());
        age(&src, 10);
        store(&out, "k", &read(&src), &report(9)).unwrap();
        assert_eq!(load(&out, "k").map(|r| r.n_lines), Some(9));
    }

    #[cfg(unix)]
    #[test]
    fn a_tree_with_a_name_that_is_not_utf8_is_not_cached_and_no_error() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::new(Some(&dir.path().join("out")), dir.path());
        let src = dir.path().join(std::ffi::OsStr::from_bytes(b"bad\xff.rs"));
        std::fs::write(&src, "fn a() {}\n").unwrap();
        age(&src, 60);
        store(&out, "k", &[(src.clone(), stamp(&src))], &report(7)).unwrap();
        assert!(load(&out, "k").is_none());
    }
}
