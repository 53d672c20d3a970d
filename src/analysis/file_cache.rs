//! The per-file parse cache under `target/loop/cache/files/`: each parsed file is stored under
//! a hash of its bytes, its module path and what decides its parse (test code, features, this
//! build of cargo loop). A rescan after an edit parses only the files whose bytes changed, and
//! detection runs over cached and fresh files alike, so its findings are those of a full scan.
//! A scratch copy's re-analysis reads the same entries: the key is the content, not the path.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustc_hash::FxHashMap;

use crate::analysis::source::cfg::Build;
use crate::analysis::source::{parse_bytes, read_source, ParsedFile, SourceError};

/// Entries beyond this many times the files of a scan are pruned to the scan's own.
const PRUNE_FACTOR: usize = 3;
/// The detection memo's file and the stamps', among the entries (named so no entry's hash
/// can be them).
const MEMO: &str = "memo";
const STAMPS: &str = "stamps";

pub struct FileCache {
    dir: PathBuf,
    /// This build of cargo loop: entries of another build are never read.
    build_id: String,
    /// Entries this scan read or wrote, kept when the folder is pruned.
    used: Mutex<HashSet<String>>,
    /// The stamps of the scan before, and those of this scan (written by [`FileCache::finish`]).
    stamps: Stamps,
    fresh: Mutex<Stamps>,
}

/// What the cache knows of a file without reading it, by its path, module and build: its
/// size and modification time when its entry was made, and the entry's hash. As for cargo's
/// own freshness, a file whose size and time are unchanged is taken as unchanged.
type Stamps = FxHashMap<u64, (u64, u128, u128)>;

/// A modification time this recent is not trusted: the file may change again within the
/// same tick of the file system's clock, leaving the time as it was ("racy git").
const SETTLED: Duration = Duration::from_secs(2);

impl FileCache {
    pub fn open(dir: PathBuf, build_id: String) -> FileCache {
        let stamps = std::fs::read(dir.join(STAMPS))
            .ok()
            .and_then(|bytes| postcard::from_bytes::<(String, Vec<_>)>(&bytes).ok())
            .filter(|(build, _)| *build == build_id)
            .map(|(_, stamps)| stamps.into_iter().collect())
            .unwrap_or_default();
        FileCache {
            dir,
            build_id,
            used: Mutex::new(HashSet::new()),
            stamps,
            fresh: Mutex::new(Stamps::default()),
        }
    }

    /// The file parsed, from the cache when the same bytes were parsed before with the same
    /// module and build (known by its size and time when they are settled and unchanged).
    /// What cannot be read or parsed is not cached: its error is reported again, as a scan
    /// without the cache would.
    ///
    /// `stamped` is the file's [`stamp`], taken by the caller before this call.
    pub fn parse(
        &self,
        path: &Path,
        stamped: Option<Stamp>,
        module: &str,
        build: &Build,
    ) -> Result<ParsedFile, SourceError> {
        let key = stamp_key(path, module, build);
        if let Some(&known) = (self.stamps.get(&key)).filter(|s| stamped == Some((s.0, s.1))) {
            if let Some(parsed) = self.read(known.2) {
                self.fresh.lock().expect("not poisoned").insert(key, known);
                return Ok(parsed);
            }
        }
        let bytes = read_source(path)?;
        let hash = self.entry_hash(&bytes, module, build);
        if let Some((len, mtime)) = stamped.filter(|s| settled(s.1)) {
            let mut fresh = self.fresh.lock().expect("not poisoned");
            fresh.insert(key, (len, mtime, hash));
        }
        if let Some(parsed) = self.read(hash) {
            return Ok(parsed);
        }
        let parsed = parse_bytes(bytes, module, build)?;
        // A cache that cannot be written costs speed, never a finding.
        let _ = store(&self.dir.join(format!("{hash:032x}")), &parsed);
        Ok(ParsedFile {
            identity: Some(hash as u64),
            ..parsed
        })
    }

    /// The entry `hash`, if there is one that reads; marked used either way.
    fn read(&self, hash: u128) -> Option<ParsedFile> {
        let name = format!("{hash:032x}");
        let entry = self.dir.join(&name);
        self.used.lock().expect("not poisoned").insert(name);
        let parsed = postcard::from_bytes::<ParsedFile>(&std::fs::read(entry).ok()?).ok()?;
        Some(ParsedFile {
            identity: Some(hash as u64),
            ..parsed
        })
    }

    /// Where detection keeps what it computed from cached files (see `detectors::memo`).
    pub fn memo_path(&self) -> PathBuf {
        self.dir.join(MEMO)
    }

    /// The build this cache is for.
    pub fn build_id(&self) -> &str {
        &self.build_id
    }

    fn entry_hash(&self, bytes: &[u8], module: &str, build: &Build) -> u128 {
        let settings = format!(
            "{} {module} {} {:?}",
            self.build_id, build.test, build.features
        );
        let seed = xxhash_rust::xxh3::xxh3_64(settings.as_bytes());
        xxhash_rust::xxh3::xxh3_128_with_seed(bytes, seed)
    }

    /// Writes the stamps of this scan's files, then removes the entries this scan did not use
    /// once they outnumber its own several times (old versions of edited files, other
    /// selections, older builds).
    pub fn finish(&self) {
        let fresh = self.fresh.lock().expect("not poisoned");
        let mut stamps: Vec<(&u64, &(u64, u128, u128))> = fresh.iter().collect();
        // Other trees' stamps (a scratch copy's, another selection's) stay, as entries do,
        // until they outnumber this scan's several times.
        let others = self
            .stamps
            .iter()
            .filter(|(key, _)| !fresh.contains_key(key));
        if self.stamps.len() + fresh.len() <= fresh.len().max(1) * PRUNE_FACTOR {
            stamps.extend(others);
        }
        if let Ok(bytes) = postcard::to_stdvec(&(&self.build_id, stamps)) {
            let _ = write_whole(&self.dir.join(STAMPS), &bytes);
        }
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
            if name != MEMO && name != STAMPS && !used.contains(name) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

fn store(entry: &Path, parsed: &ParsedFile) -> anyhow::Result<()> {
    write_whole(entry, &postcard::to_stdvec(parsed)?)
}

/// Writes a file whole or not at all (see [`crate::files::write_atomic`]), creating its
/// folder first.
pub(crate) fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::create_dir_all(path.parent().expect("cache files live in a folder"))?;
    crate::files::write_atomic(path, bytes)
}

/// What a file's stamp is kept under: its path, module and build.
fn stamp_key(path: &Path, module: &str, build: &Build) -> u64 {
    let settings = format!("{module} {} {:?}", build.test, build.features);
    let seed = xxhash_rust::xxh3::xxh3_64(settings.as_bytes());
    xxhash_rust::xxh3::xxh3_64_with_seed(path.as_os_str().as_encoded_bytes(), seed)
}

/// A regular file's size and modification time (nanoseconds since the epoch).
pub type Stamp = (u64, u128);

/// The [`Stamp`] of a regular file.
pub(crate) fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some((meta.len(), mtime.as_nanos()))
}

/// Whether a modification time is old enough to be trusted (see [`SETTLED`]).
pub(crate) fn settled(mtime: u128) -> bool {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    mtime + SETTLED.as_nanos() < now.as_nanos()
}

#[cfg(test)]
mod test {
    use super::*;

    /// The file parsed through `cache`, stamped as the scan does, just before.
    fn parse(
        cache: &FileCache,
        src: &Path,
        module: &str,
        build: &Build,
    ) -> Result<ParsedFile, SourceError> {
        cache.parse(src, stamp(src), module, build)
    }

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
        let first = parse(&cache, &src, "k", &build()).unwrap();
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
        assert_eq!(parse(&cache, &src, "k", &build()).unwrap().units.len(), 2);
        assert_eq!(first.units.len(), 1);
        // Another module path or another build is another entry: they parse differently.
        parse(&cache, &src, "k::m", &build()).unwrap();
        let tests = Build {
            test: true,
            features: None,
        };
        parse(&cache, &src, "k", &tests).unwrap();
        assert_eq!(entries(), 3);
        std::fs::write(&src, "fn a() -> u32 {\n    1\n}\nfn b() {}\n").unwrap();
        let edited = parse(&cache, &src, "k", &build()).unwrap();
        assert_eq!(edited.units.len(), first.units.len() + 1);
        // A file that does not parse is an error every time, never an entry.
        std::fs::write(&src, "fn (").unwrap();
        assert!(parse(&cache, &src, "k", &build()).is_err());
        assert!(parse(&cache, &src, "k", &build()).is_err());
        assert_eq!(entries(), 4);
    }

    fn set_time(path: &Path, time: SystemTime) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(time).unwrap();
    }

    #[test]
    fn a_file_of_unchanged_size_and_settled_time_is_not_read_again_and_a_recent_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("lib.rs");
        let write = |text: &str, age: u64| {
            std::fs::write(&src, text).unwrap();
            let time = SystemTime::now() - Duration::from_secs(age);
            set_time(&src, time);
            time
        };
        let open = || FileCache::open(dir.path().join("cache"), "test".into());
        let time = write("fn a() {}\n", 60);
        let cache = open();
        assert_eq!(parse(&cache, &src, "k", &build()).unwrap().units.len(), 1);
        cache.finish();
        // Same size, same time: taken as unchanged, as cargo would (the entry answers).
        write("fn b() {}\n", 0);
        set_time(&src, time);
        let cache = open();
        assert_eq!(
            parse(&cache, &src, "k", &build()).unwrap().units[0].item,
            "k::a"
        );
        cache.finish();
        // Another size is read again; so is a file whose time is too recent to trust, even
        // when its size and time then stay the same.
        write("fn cc() {}\n", 0);
        let cache = open();
        assert_eq!(
            parse(&cache, &src, "k", &build()).unwrap().units[0].item,
            "k::cc"
        );
        cache.finish();
        let recent = SystemTime::now();
        write("fn dd() {}\n", 0);
        set_time(&src, recent);
        assert_eq!(
            parse(&open(), &src, "k", &build()).unwrap().units[0].item,
            "k::dd"
        );
    }

    #[test]
    fn a_scan_of_another_tree_keeps_this_trees_stamps() {
        let dir = tempfile::tempdir().unwrap();
        let open = || FileCache::open(dir.path().join("cache"), "test".into());
        let old = SystemTime::now() - Duration::from_secs(60);
        for tree in ["main", "scratch"] {
            let src = dir.path().join(tree).join("lib.rs");
            std::fs::create_dir_all(src.parent().unwrap()).unwrap();
            std::fs::write(&src, "fn a() {}\n").unwrap();
            set_time(&src, old);
            let cache = open();
            parse(&cache, &src, "k", &build()).unwrap();
            cache.finish();
        }
        assert_eq!(open().stamps.len(), 2);
    }

    #[test]
    fn a_corrupt_entry_is_parsed_again_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("lib.rs");
        std::fs::write(&src, "fn a() {}\n").unwrap();
        let cache = FileCache::open(dir.path().join("cache"), "test".into());
        parse(&cache, &src, "k", &build()).unwrap();
        let entry = std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .next()
            .unwrap();
        std::fs::write(entry.unwrap().path(), b"\xff\xff not postcard").unwrap();
        assert_eq!(parse(&cache, &src, "k", &build()).unwrap().units.len(), 1);
    }
}
