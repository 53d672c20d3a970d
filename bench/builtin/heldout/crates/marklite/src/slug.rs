//! URL slugs and identifier-style names derived from titles.

/// Lower-cased slug with words joined by `-`. Every run of characters that
/// are not alphanumeric separates words; Unicode letters are kept.
pub fn slugify(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut pending_sep = false;
    for ch in title.chars() {
        if ch.is_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('-');
            }
            pending_sep = false;
            for lower in ch.to_lowercase() {
                out.push(lower);
            }
        } else {
            pending_sep = true;
        }
    }
    out
}

/// Lower-cased identifier with words joined by `_`, split like [`slugify`].
pub fn snake_case(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut pending_sep = false;
    for ch in title.chars() {
        if ch.is_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            for lower in ch.to_lowercase() {
                out.push(lower);
            }
        } else {
            pending_sep = true;
        }
    }
    out
}

/// Slug for `title` that does not collide with any of `taken`: the plain
/// slug if free, otherwise the first free `slug-N` for N = 2, 3, ...
/// An empty slug becomes `section`.
pub fn unique_slug(title: &str, taken: &[String]) -> String {
    let mut base = slugify(title);
    if base.is_empty() {
        base = "section".to_string();
    }
    if !taken.contains(&base) {
        return base;
    }
    let mut n = 2u32;
    loop {
        let candidate = format!("{base}-{n}");
        if !taken.contains(&candidate) {
            return candidate;
        }
        n += 1;
    }
}
