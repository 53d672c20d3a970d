//! What differs between copies, token by token, as a diff viewer marks it; and unified
//! patches, coloured by line. Copies are compared with Myers' diff over their tokens (the
//! `similar` crate, as `detectors/shared.rs` compares them), whitespace left out, so that
//! indentation and line breaks never count as a difference.

use std::fmt::Write;
use std::time::{Duration, Instant};

use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};

use super::markup::escape;

/// How long one comparison may take before it settles for a coarser diff: a page of many
/// large copies must still render in seconds.
const DEADLINE: Duration = Duration::from_millis(50);

/// A copy's text cut into tokens that cover it exactly: words (identifiers, numbers),
/// runs of spaces, line breaks, and single other characters.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let class = class_of(c);
        let mut end = i + c.len_utf8();
        if class != Class::Other && class != Class::Newline {
            while let Some(&(j, d)) = chars.peek() {
                if class_of(d) != class {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
        }
        debug_assert_eq!(i, start);
        out.push(&text[start..end]);
        start = end;
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Space,
    Newline,
    Other,
}

fn class_of(c: char) -> Class {
    match c {
        '\n' => Class::Newline,
        c if c.is_whitespace() => Class::Space,
        c if c.is_alphanumeric() || c == '_' => Class::Word,
        _ => Class::Other,
    }
}

fn is_space(token: &str) -> bool {
    token.chars().all(char::is_whitespace)
}

/// For each copy, which of its tokens differ: the first copy is the reference, its tokens
/// marked where any other copy differs from it; every other copy marked where it differs
/// from the reference.
pub fn changed(copies: &[Vec<&str>]) -> Vec<Vec<bool>> {
    let mut marks: Vec<Vec<bool>> = copies.iter().map(|c| vec![false; c.len()]).collect();
    let Some(reference) = copies.first() else {
        return marks;
    };
    let (ref_index, ref_words) = words(reference);
    for (k, copy) in copies.iter().enumerate().skip(1) {
        let (index, copy_words) = words(copy);
        let deadline = Some(Instant::now() + DEADLINE);
        let ops = capture_diff_slices_deadline(Algorithm::Myers, &ref_words, &copy_words, deadline);
        for op in ops {
            let (old, new) = match op {
                DiffOp::Equal { .. } => continue,
                DiffOp::Delete {
                    old_index, old_len, ..
                } => (old_index..old_index + old_len, 0..0),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => (0..0, new_index..new_index + new_len),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => (
                    old_index..old_index + old_len,
                    new_index..new_index + new_len,
                ),
            };
            for w in old {
                marks[0][ref_index[w]] = true;
            }
            for w in new {
                marks[k][index[w]] = true;
            }
        }
    }
    marks
}

/// The tokens that are not whitespace, and where each is in `tokens`.
fn words<'t>(tokens: &[&'t str]) -> (Vec<usize>, Vec<&'t str>) {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !is_space(t))
        .map(|(i, t)| (i, *t))
        .unzip()
}

/// Writes a copy's tokens as lines of code numbered from `first_line`, the changed tokens
/// marked (`<mark>`), adjacent marks merged into one.
pub fn write_code(out: &mut String, tokens: &[&str], marks: &[bool], first_line: u32) {
    let mut line = first_line;
    let mut open = false;
    let _ = write!(out, "<span class=\"ln\">{line}</span>");
    for (i, token) in tokens.iter().enumerate() {
        if *token == "\n" {
            if open {
                out.push_str("</mark>");
                open = false;
            }
            line += 1;
            let _ = write!(out, "\n<span class=\"ln\">{line}</span>");
            continue;
        }
        // Whitespace between two changed tokens stays inside the mark.
        let marked =
            marks[i] || (open && is_space(token) && marks.get(i + 1).copied().unwrap_or(false));
        if marked && !open {
            out.push_str("<mark>");
            open = true;
        } else if !marked && open {
            out.push_str("</mark>");
            open = false;
        }
        out.push_str(&escape(token));
    }
    if open {
        out.push_str("</mark>");
    }
}

/// Writes a unified diff with its lines classed by what they do (`add`, `del`, `hunk`,
/// `file`), at most `max_lines` of it.
pub fn write_patch(out: &mut String, patch: &str, max_lines: usize) {
    out.push_str("<pre class=\"patch\"><code>");
    let total = patch.lines().count();
    for line in patch.lines().take(max_lines) {
        let class = if line.starts_with("+++") || line.starts_with("---") {
            "file"
        } else if line.starts_with('+') {
            "add"
        } else if line.starts_with('-') {
            "del"
        } else if line.starts_with("@@") {
            "hunk"
        } else {
            "ctx"
        };
        let _ = writeln!(out, "<span class=\"{class}\">{}</span>", escape(line));
    }
    if total > max_lines {
        let _ = writeln!(
            out,
            "<span class=\"more\">… {} more lines</span>",
            total - max_lines
        );
    }
    out.push_str("</code></pre>");
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn tokens_cover_the_text_exactly() {
        let text = "fn a_1(x: u8) -> u8 {\n    x + 1\n}";
        let t = tokens(text);
        assert_eq!(t.concat(), text);
        assert_eq!(&t[..6], ["fn", " ", "a_1", "(", "x", ":"]);
    }

    #[test]
    fn only_the_tokens_that_differ_are_marked_and_layout_is_not_a_difference() {
        let a = tokens("let total = price * 2;");
        let b = tokens("let  total =\n  cost * 2;");
        let marks = changed(&[a.clone(), b.clone()]);
        let marked = |t: &[&str], m: &[bool]| -> Vec<String> {
            t.iter()
                .zip(m)
                .filter(|(_, m)| **m)
                .map(|(t, _)| (*t).to_string())
                .collect()
        };
        assert_eq!(marked(&a, &marks[0]), ["price"]);
        assert_eq!(marked(&b, &marks[1]), ["cost"]);
        let mut out = String::new();
        write_code(&mut out, &b, &marks[1], 7);
        assert_eq!(
            out,
            "<span class=\"ln\">7</span>let  total =\n<span class=\"ln\">8</span>  <mark>cost</mark> * 2;"
        );
    }

    #[test]
    fn patches_are_classed_by_line_and_cut() {
        let mut out = String::new();
        write_patch(&mut out, "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a<b\n+c\n", 4);
        assert!(out.contains("<span class=\"del\">-a&lt;b</span>"), "{out}");
        assert!(!out.contains("\"add\""), "{out}");
        assert!(out.contains("1 more lines"), "{out}");
    }
}
