//! Text helpers.

/// A URL-safe slug: lower-case words joined by dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut pending = false;
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            if pending && !out.is_empty() {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
            pending = false;
        } else {
            pending = true;
        }
    }
    out
}

/// Words in a text.
pub fn count_words(text: &str) -> usize {
    let mut words = 0;
    let mut inside = false;
    for c in text.chars() {
        if c.is_whitespace() {
            inside = false;
        } else if !inside {
            inside = true;
            words += 1;
        }
    }
    words
}

/// The longest word of a text.
pub fn longest_word(text: &str) -> &str {
    let mut best = "";
    for word in text.split_whitespace() {
        if word.chars().count() > best.chars().count() {
            best = word;
        }
    }
    if best.is_empty() {
        return "";
    }
    best
}
