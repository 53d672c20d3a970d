//! Two near-miss functions (`words::score` and `words::stats`) that share a run of
//! statements counting the words of a line: `cargo loop fix --agent builtin` moves the run
//! into one helper both call, with the counters typed `usize` from how they index.

pub mod words;

#[cfg(test)]
mod test {
    use super::words::{score, stats};

    #[test]
    fn counts_words_and_the_longest() {
        assert_eq!(score("a bb ccc"), 303);
        assert_eq!(stats("a bb ccc"), (3, 3));
    }
}
