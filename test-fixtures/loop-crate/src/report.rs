//! Report rendering.

/// The total shown on a report line.
pub fn line_total(entries: &[(u32, u64)]) -> u64 {
    let mut sum = 0u64;
    for (count, price) in entries {
        if *count == 0 {
            continue;
        }
        let line = u64::from(*count) * price;
        sum = sum.saturating_add(line);
    }
    sum
}

/// The anchor of a heading.
pub fn heading_slug(title: &str) -> String {
    let mut slug = String::new();
    let mut dash = false;
    for c in title.chars() {
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            slug.push(c.to_ascii_lowercase());
            dash = false;
        } else {
            dash = true;
        }
    }
    slug
}

/// Words in a report cell.
pub fn word_total(cell: &str) -> usize {
    let mut words = 0;
    let mut inside = false;
    for c in cell.chars() {
        if c.is_whitespace() {
            inside = false;
        } else if !inside {
            inside = true;
            words += 1;
        }
    }
    words
}

/// The widest word of a report cell.
pub fn widest_word(cell: &str) -> &str {
    let mut best = "";
    for word in cell.split_whitespace() {
        if word.chars().count() > best.chars().count() {
            best = word;
        }
    }
    if best.is_empty() {
        return "";
    }
    best
}
