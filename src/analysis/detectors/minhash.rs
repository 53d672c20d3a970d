//! One-permutation `MinHash` signatures of blinded token sequences: two functions whose
//! signatures agree in many bins share many 5-grams, so near-miss candidates are found by
//! comparing signatures instead of every pair of functions.

use xxhash_rust::xxh3::xxh3_64;

const SHINGLE: usize = 5;
pub(super) const BINS: usize = 24;

/// A sequence's signature: per bin, the least hash of the 5-grams that fall in it
/// (`u64::MAX` for an empty bin).
pub(super) type Signature = [u64; BINS];

/// Each 5-gram hash goes to one bin, and each bin keeps its minimum.
pub(super) fn signature(blinded: &[u32]) -> Signature {
    let mut sig = [u64::MAX; BINS];
    for window in blinded.windows(SHINGLE) {
        let mut bytes = [0u8; SHINGLE * 4];
        for (i, sym) in window.iter().enumerate() {
            bytes[i * 4..i * 4 + 4].copy_from_slice(&sym.to_le_bytes());
        }
        let h = xxh3_64(&bytes);
        let bin = (h % BINS as u64) as usize;
        sig[bin] = sig[bin].min(h / BINS as u64);
    }
    sig
}
