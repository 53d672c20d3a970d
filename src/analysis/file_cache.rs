//! The per-file parse cache under `target/loop/cache/files/`: each parsed file is stored under
//! a hash of its bytes, its module path and what decides its parse (test code, features, this
//! build of cargo loop). A rescan after an edit parses only the files whose bytes changed, and
//! detection runs over cached and fresh files alike, so its findings are those of a full scan.
//! A scratch copy's re-analysis reads the same entries: the key is the content, not the path.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::analysis::source::cfg::Build;
use crate::analysis::source::{parse_bytes, read_source, ParsedFile, SourceError};

/// Entries beyond this many times the files of a scan are pruned to the scan's own.
const PRUNE_FACTOR: usize = 3;

pub struct FileCache {
    dir: PathBuf,
    /// This build of cargo loop: entries of another build are never read.
    build_id: String,
    /// Entries this scan read or wrote, kept when the folder is pruned.
    used: Mutex<HashSet<String>>,
}

impl FileCache {
    pub fn open(dir: PathBuf, build_id: String) -> FileCache {
        FileCache {
            dir,
            build_id,
            used: Mutex::new(HashSet::new()),
        }
    }

    /// The file parsed, from the cache when the same bytes were parsed before with the same
    /// module and build. What cannot be read or parsed is not cached: its error is reported
    /// again, as a scan without the cache would.
    pub fn parse(
        &self,
        path: &Path,
        module: &str,
        build: &Build,
    ) -> Result<ParsedFile, SourceError> {
        let bytes = read_source(path)?;
        let name = self.entry_name(&bytes, module, build);
        let entry = self.dir.join(&name);
        self.used.lock().expect("not poisoned").insert(name);
        if let Some(parsed) = std::fs::read(&entry)
            .ok()
            .and_then(|stored| postcard::from_bytes(&stored).ok())
        {
            return Ok(parsed);
        }
        let parsed = parse_bytes(bytes, module, build)?;
        // A cache that cannot be written costs speed, never a finding.
        let _ = store(&entry, &parsed);
        Ok(parsed)
    }

    fn entry_name(&self, bytes: &[u8], module: &str, build: &Build) -> String {
        let settings = format!(
            "{} {module} {} {:?}",
            self.build_id, build.test, build.features
        );
        let seed = xxhash_rust::xxh3::xxh3_64(settings.as_bytes());
        let hash = xxhash_rust::xxh3::xxh3_128_with_seed(bytes, seed);
        format!("{hash:032x}")
    }

    /// Removes the entries this scan did not use once they outnumber its own several times
    /// (old versions of edited files, other selections, older builds).
    pub fn prune(&self) {
        let used = self.used.lock().expect("not poisoned");
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let names: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        if names.len() <= used.len().max(1) * PRUNE_FACTOR {
            return;
        }
        for path in names {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if !used.contains(name) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// Writes an entry whole or not at all: a temporary file renamed over it.
fn store(entry: &Path, parsed: &ParsedFile) -> anyhow::Result<()> {
    let dir = entry.parent().expect("entries live in the cache folder");
    std::fs::create_dir_all(dir)?;
    let bytes = postcard::to_stdvec(parsed)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, &bytes)?;
    tmp.persist(entry)?;
    Ok(())
}

#[cfg(test)]
mod test {
    use super::*;

    fn build() -> Build {
        Build {
            test: false,
            features: None,
        }
    }

    #[test]
    fn an_unchanged_file_is_read_back_and_an_edited_one_parsed_again() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("lib.rs");
        std::fs::write(&src, "fn a() -> u32 {\n    1\n}\n").unwrap();
        let cache = FileCache::open(dir.path().join("cache"), "test".into());
        let first = cache.parse(&src, "k", &build()).unwrap();
        let entries = || std::fs::read_dir(dir.path().join("cache")).unwrap().count();
        assert_eq!(entries(), 1);
        // Read back, not parsed again: what the entry holds is what comes back.
        let entry = std::fs::read_dir(dir.path().join("cache")).unwrap().next();
        let other =
            crate::analysis::source::parse_bytes(b"fn x() {}\nfn y() {}\n".to_vec(), "k", &build());
        std::fs::write(
            entry.unwrap().unwrap().path(),
            postcard::to_stdvec(&other.unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(cache.parse(&src, "k", &build()).unwrap().units.len(), 2);
        assert_eq!(first.units.len(), 1);
        // Another module path or another build is another entry: they parse differently.
        cache.parse(&src, "k::m", &build()).unwrap();
        let tests = Build {
            test: true,
            features: None,
        };
        cache.parse(&src, "k", &tests).unwrap();
        assert_eq!(entries(), 3);
        std::fs::write(&src, "fn a() -> u32 {\n    1\n}\nfn b() {}\n").unwrap();
        let edited = cache.parse(&src, "k", &build()).unwrap();
        assert_eq!(edited.units.len(), first.units.len() + 1);
        // A file that does not parse is an error every time, never an entry.
        std::fs::write(&src, "fn (").unwrap();
        assert!(cache.parse(&src, "k", &build()).is_err());
        assert!(cache.parse(&src, "k", &build()).is_err());
        assert_eq!(entries(), 4);
    }

    #[test]
    fn a_corrupt_entry_is_parsed_again_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("lib.rs");
        std::fs::write(&src, "fn a() {}\n").unwrap();
        let cache = FileCache::open(dir.path().join("cache"), "test".into());
        cache.parse(&src, "k", &build()).unwrap();
        let entry = std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .next()
            .unwrap();
        std::fs::write(entry.unwrap().path(), b"\xff\xff not postcard").unwrap();
        assert_eq!(cache.parse(&src, "k", &build()).unwrap().units.len(), 1);
    }
}
