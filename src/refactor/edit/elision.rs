//! Elided code: a placeholder where code should be (`// ... rest unchanged`) compiles
//! sometimes and always loses code, so an edit holding one is refused.

use super::rejection::{excerpt, reject, Rejection};

/// Refuses added lines that are elision markers, unless the marker is already in the lines the
/// edit replaces or in the file as it was (then it is real content being moved).
pub(super) fn check_elision(
    path: &str,
    added: &[&str],
    kept: &[&str],
    before: Option<&str>,
) -> Result<(), Rejection> {
    let known = |marker: &str| {
        kept.iter().any(|line| line.trim() == marker)
            || before.is_some_and(|text| text.lines().any(|line| line.trim() == marker))
    };
    for line in added {
        let marker = line.trim();
        if is_elision(marker) && !known(marker) {
            return reject(format!(
                "the edit to `{path}` elides code with `{}`; write out every line of the new \
                 code instead of a placeholder",
                excerpt(marker)
            ));
        }
    }
    Ok(())
}

/// Words an elision comment is made of, such as "rest of the code unchanged"; a comment with any
/// other word is taken to be a real comment.
const ELISION_WORDS: &str =
    "rest remaining existing unchanged omitted elided truncated snip snipped before previous \
    other etc brevity original of the code as same is are remains remain stays stay here goes \
    for and so on in this similar implementation impl impls body logic method methods function \
    functions fn fns field fields variant variants import imports test tests item items arm \
    arms case cases line lines file module content contents";

/// The words that make such a comment an elision rather than, say, a section title ("tests").
const ELISION_TRIGGERS: &str =
    "rest remaining existing unchanged omitted elided truncated snip snipped before previous \
    other etc brevity";

fn is_one_of(word: &str, list: &str) -> bool {
    list.split_whitespace().any(|item| item == word)
}

/// Whether a trimmed line stands for code left out rather than being code: `...`, `// ...`,
/// `/* ... */`, `// rest of the code unchanged`, `// existing code` and the like.
fn is_elision(line: &str) -> bool {
    let line = line.to_lowercase();
    if line.contains("{ ... }") || line.contains("{ /* ... */ }") {
        return true;
    }
    let comment = if let Some(rest) = line.strip_prefix("//") {
        // Doc comments are prose, where an ellipsis is just punctuation.
        if rest.starts_with(['/', '!']) {
            return false;
        }
        rest
    } else if let Some(rest) = line.strip_prefix("/*") {
        rest.strip_suffix("*/").unwrap_or(rest)
    } else if let Some(rest) = line.strip_prefix("# ") {
        rest
    } else {
        return line == "..." || line == "…";
    };
    let comment = comment.trim();
    if comment.starts_with("...") || comment.starts_with('…') {
        return true;
    }
    let words: Vec<&str> = comment
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    !words.is_empty()
        && words.iter().all(|word| is_one_of(word, ELISION_WORDS))
        && words.iter().any(|word| is_one_of(word, ELISION_TRIGGERS))
}
