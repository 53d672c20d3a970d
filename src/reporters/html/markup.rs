//! The few things every part of the page writes the same way: escaped text (redacted first,
//! so that no secret of the environment reaches the page), links to a file and line, and
//! numbers as the tables sort them.

use std::fmt::Write;

use crate::analysis::report::Report;

/// `text` with the secrets of the environment replaced (as the audit trail does) and made
/// safe for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let text = crate::secrets::redact(text);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters an agent or a file may carry would garble the page.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// An `href` to a file of the report, absolute, so that it opens from wherever the page is
/// (browsers do not jump to a line; the text shows it).
fn file_href(report: &Report, file: usize) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    let Some(info) = report.files.get(file) else {
        return String::from("#");
    };
    let path = info
        .path
        .clone()
        .unwrap_or_else(|| report.root.join(&info.rel));
    let path = path.to_string_lossy().replace('\\', "/");
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    format!("file://{}", utf8_percent_encode(&path, PATH))
}

/// The file's path relative to the root, as the other formats print it.
fn rel(report: &Report, file: usize) -> &str {
    report.files.get(file).map_or("?", |f| f.rel.as_str())
}

/// `<a href="file://..">rel:line</a>` (or `rel:start-end`).
pub fn file_link(out: &mut String, report: &Report, file: usize, start: u32, end: u32) {
    let lines = if end > start {
        format!("{start}-{end}")
    } else {
        start.to_string()
    };
    let _ = write!(
        out,
        "<a class=\"loc\" href=\"{}#L{start}\">{}:{lines}</a>",
        escape(&file_href(report, file)),
        escape(rel(report, file))
    );
}

/// A number as a table cell shows it: integers without decimals, the rest with two.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// A name usable in an `id` attribute: what is not alphanumeric becomes `-`.
pub fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1b}[31m"), "a\u{fffd}[31m");
    }

    #[test]
    fn file_links_are_absolute_and_percent_encoded() {
        let report = Report {
            root: "/w s".into(),
            files: vec![crate::analysis::report::FileInfo {
                rel: "src/a b.rs".into(),
                path: None,
                package: "p".into(),
            }],
            n_files: 1,
            n_lines: 1,
            groups: Vec::new(),
            smells: Vec::new(),
            modules: crate::analysis::smells::ModuleMap::default(),
            warnings: Vec::new(),
            timing: crate::analysis::report::Timing::default(),
        };
        assert_eq!(file_href(&report, 0), "file:///w%20s/src/a%20b.rs");
        let mut out = String::new();
        file_link(&mut out, &report, 0, 3, 3);
        assert_eq!(
            out,
            "<a class=\"loc\" href=\"file:///w%20s/src/a%20b.rs#L3\">src/a b.rs:3</a>"
        );
    }
}
