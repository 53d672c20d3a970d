//! What detection computed from tokens it has seen before: a function's `MinHash` signature,
//! whether two functions align as near-miss copies, and the lines two copies share. Each
//! answer depends only on the tokens it was computed from (and the threshold), so it is kept
//! under their hash, never a path or a position: after an edit, detection computes again only
//! what an edited file takes part in, and its findings stay those of a full scan.
//!
//! One file beside the parse cache, for this build of cargo loop; a scan keeps the entries it
//! used and drops the rest, so the file follows the code instead of growing with its history.

use std::hash::Hash;
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::minhash::Signature;
use super::shared::Shared;
use crate::analysis::source::token::hash_seq;
use crate::analysis::source::ParsedFile;

/// Answers of one kind: those read from the file, and those this scan used (kept next).
struct Table<K, V> {
    old: FxHashMap<K, V>,
    used: Mutex<FxHashMap<K, V>>,
}

impl<K: Hash + Eq + Copy, V: Copy> Table<K, V> {
    fn of(entries: Vec<(K, V)>) -> Table<K, V> {
        Table {
            old: entries.into_iter().collect(),
            used: Mutex::new(FxHashMap::default()),
        }
    }

    fn get_or(&self, on: bool, key: K, compute: impl FnOnce() -> V) -> V {
        if !on {
            return compute();
        }
        let value = self.old.get(&key).copied().unwrap_or_else(compute);
        self.used.lock().expect("not poisoned").insert(key, value);
        value
    }

    fn used(&self) -> Vec<(K, V)> {
        let used = self.used.lock().expect("not poisoned");
        used.iter().map(|(k, v)| (*k, *v)).collect()
    }
}

/// A pair of functions' token hashes, the threshold (its bits) they were aligned at and
/// whether either is a table.
pub(super) type PairKey = (u64, u64, u64, bool);

/// The memo a scan reads and keeps; [`Memo::off`] computes everything and keeps nothing.
pub struct Memo {
    on: bool,
    signatures: Table<u64, Signature>,
    alignments: Table<PairKey, Option<f64>>,
    shared: Table<(u64, u64), Shared>,
}

/// The file: the build it belongs to, then each table's entries.
#[derive(Serialize, Deserialize)]
struct Stored {
    build: String,
    signatures: Vec<(u64, Signature)>,
    alignments: Vec<(PairKey, Option<f64>)>,
    shared: Vec<((u64, u64), Shared)>,
}

impl Memo {
    pub fn off() -> Memo {
        Memo::of(false, Vec::new(), Vec::new(), Vec::new())
    }

    /// The memo stored at `path` by this `build`; an empty one when there is none, it is of
    /// another build or it cannot be read (a memo only saves time).
    pub fn load(path: &Path, build: &str) -> Memo {
        let stored = std::fs::read(path)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<Stored>(&bytes).ok())
            .filter(|stored| stored.build == build);
        match stored {
            Some(s) => Memo::of(true, s.signatures, s.alignments, s.shared),
            None => Memo::of(true, Vec::new(), Vec::new(), Vec::new()),
        }
    }

    fn of(
        on: bool,
        signatures: Vec<(u64, Signature)>,
        alignments: Vec<(PairKey, Option<f64>)>,
        shared: Vec<((u64, u64), Shared)>,
    ) -> Memo {
        Memo {
            on,
            signatures: Table::of(signatures),
            alignments: Table::of(alignments),
            shared: Table::of(shared),
        }
    }

    /// Writes what this scan used, whole or not at all (a temporary file renamed over it).
    pub fn store(&self, path: &Path, build: &str) -> anyhow::Result<()> {
        if !self.on {
            return Ok(());
        }
        let stored = Stored {
            build: build.to_string(),
            signatures: self.signatures.used(),
            alignments: self.alignments.used(),
            shared: self.shared.used(),
        };
        crate::analysis::file_cache::write_whole(path, &postcard::to_stdvec(&stored)?)
    }

    pub(super) fn signature(&self, tokens: u64, compute: impl FnOnce() -> Signature) -> Signature {
        self.signatures.get_or(self.on, tokens, compute)
    }

    pub(super) fn alignment(
        &self,
        pair: PairKey,
        compute: impl FnOnce() -> Option<f64>,
    ) -> Option<f64> {
        self.alignments.get_or(self.on, pair, compute)
    }

    /// `copies` is `None` when a copy's file has no identity (parsed outside the cache).
    pub(super) fn shared(
        &self,
        copies: Option<(u64, u64)>,
        compute: impl FnOnce() -> Shared,
    ) -> Shared {
        match copies {
            Some(key) => self.shared.get_or(self.on, key, compute),
            None => compute(),
        }
    }
}

/// What the memo knows tokens `ranges` of `parsed` by: its file's identity and the ranges;
/// `None` for a file parsed outside the cache, which has none.
pub(super) fn copy_key(parsed: &ParsedFile, ranges: &[Range<u32>]) -> Option<u64> {
    let identity = parsed.identity?;
    let words = [identity as u32, (identity >> 32) as u32];
    let bounds = ranges.iter().flat_map(|r| [r.start, r.end]);
    Some(hash_seq(words.into_iter().chain(bounds)))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn answers_are_read_back_by_the_same_build_only_and_unused_ones_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memo");
        let memo = Memo::load(&path, "b1");
        assert_eq!(memo.alignment((1, 2, 3, false), || Some(0.9)), Some(0.9));
        assert_eq!(memo.alignment((4, 5, 6, false), || None), None);
        memo.store(&path, "b1").unwrap();

        let memo = Memo::load(&path, "b1");
        // Remembered: the computation is not run again.
        assert_eq!(
            memo.alignment((1, 2, 3, false), || unreachable!()),
            Some(0.9)
        );
        memo.store(&path, "b1").unwrap();
        let memo = Memo::load(&path, "b1");
        assert_eq!(memo.alignment((4, 5, 6, false), || Some(0.5)), Some(0.5));
        assert_eq!(
            Memo::load(&path, "b2").alignment((1, 2, 3, false), || Some(0.1)),
            Some(0.1)
        );

        let off = Memo::off();
        assert_eq!(off.alignment((1, 2, 3, false), || Some(0.2)), Some(0.2));
        off.store(&dir.path().join("never"), "b1").unwrap();
        assert!(!dir.path().join("never").exists());
    }
}
