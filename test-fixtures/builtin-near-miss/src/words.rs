//! Counting the words of a line, two ways.

/// A score for a line: a hundred per word, plus the length of the longest.
pub fn score(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut longest = 0;
    let mut at = 0;
    while at < bytes.len() {
        let mut len = 0;
        while at + len < bytes.len() && bytes[at + len] != b' ' {
            len += 1;
        }
        if len > 0 {
            count += 1;
        }
        if len > longest {
            longest = len;
        }
        at += len + 1;
    }
    count * 100 + longest
}

/// The words of a line and the length of the longest, trimmed first.
pub fn stats(line: &str) -> (usize, usize) {
    let trimmed = line.trim();
    let bytes = trimmed.as_bytes();
    let mut words = 0;
    let mut widest = 0;
    let mut at = 0;
    while at < bytes.len() {
        let mut len = 0;
        while at + len < bytes.len() && bytes[at + len] != b' ' {
            len += 1;
        }
        if len > 0 {
            words += 1;
        }
        if len > widest {
            widest = len;
        }
        at += len + 1;
    }
    if words == 0 {
        return (0, 0);
    }
    (words, widest)
}
