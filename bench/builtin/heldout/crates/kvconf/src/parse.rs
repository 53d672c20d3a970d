//! Parsing configuration text and command-line overrides.

use std::fmt;

use crate::Config;

/// Why a configuration could not be parsed; lines count from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    MissingEquals { line: usize },
    EmptyKey { line: usize },
    BadSection { line: usize },
    BadQuote { line: usize },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::MissingEquals { line } => write!(f, "line {line}: expected `key = value`"),
            ParseError::EmptyKey { line } => write!(f, "line {line}: empty key"),
            ParseError::BadSection { line } => write!(f, "line {line}: malformed section header"),
            ParseError::BadQuote { line } => write!(f, "line {line}: bad quoted string"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses configuration text. Keys are normalized to lower-case ASCII with
/// runs of other characters turned into `_`, and prefixed with the current
/// `[section]` name. Later assignments override earlier ones.
pub fn parse_str(text: &str) -> Result<Config, ParseError> {
    let mut config = Config::default();
    let mut section = String::new();
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index + 1;
        let entry = strip_comment(raw_line).trim();
        if entry.is_empty() {
            continue;
        }
        if let Some(rest) = entry.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or(ParseError::BadSection { line: line_no })?;
            section = name.trim().to_ascii_lowercase();
            continue;
        }
        let (raw_key, raw_value) = entry
            .split_once('=')
            .ok_or(ParseError::MissingEquals { line: line_no })?;
        let prefix = section.as_str();
        let trimmed = raw_key.trim();
        let mut key = String::with_capacity(prefix.len() + trimmed.len() + 1);
        if !prefix.is_empty() {
            key.push_str(prefix);
            key.push('.');
        }
        let mut last_was_sep = false;
        for ch in trimmed.chars() {
            if ch.is_ascii_alphanumeric() || ch == '.' {
                key.push(ch.to_ascii_lowercase());
                last_was_sep = false;
            } else if !last_was_sep && !key.is_empty() && !key.ends_with('.') {
                key.push('_');
                last_was_sep = true;
            }
        }
        while key.ends_with('_') {
            key.pop();
        }
        if key.is_empty() || key.ends_with('.') {
            return Err(ParseError::EmptyKey { line: line_no });
        }
        let value = unquote(raw_value.trim()).ok_or(ParseError::BadQuote { line: line_no })?;
        config.set(&key, &value);
    }
    Ok(config)
}

/// Parses `key=value` overrides such as command-line arguments. Keys
/// without a dot are placed in `scope`; values are taken verbatim apart
/// from surrounding whitespace and single quotes. Errors report the
/// 1-based argument position as the line.
pub fn parse_overrides(args: &[&str], scope: &str) -> Result<Vec<(String, String)>, ParseError> {
    let mut pairs = Vec::with_capacity(args.len());
    for (index, arg) in args.iter().enumerate() {
        let line_no = index + 1;
        let (raw_key, raw_value) = arg
            .split_once('=')
            .ok_or(ParseError::MissingEquals { line: line_no })?;
        let prefix = if raw_key.contains('.') { "" } else { scope };
        let trimmed = raw_key.trim();
        let mut key = String::with_capacity(prefix.len() + trimmed.len() + 1);
        if !prefix.is_empty() {
            key.push_str(prefix);
            key.push('.');
        }
        let mut last_was_sep = false;
        for ch in trimmed.chars() {
            if ch.is_ascii_alphanumeric() || ch == '.' {
                key.push(ch.to_ascii_lowercase());
                last_was_sep = false;
            } else if !last_was_sep && !key.is_empty() && !key.ends_with('.') {
                key.push('_');
                last_was_sep = true;
            }
        }
        while key.ends_with('_') {
            key.pop();
        }
        let value = raw_value.trim_matches(|c: char| c == '\'' || c.is_whitespace());
        if key.is_empty() || key.ends_with('.') {
            return Err(ParseError::EmptyKey { line: line_no });
        }
        pairs.push((key, value.to_string()));
    }
    Ok(pairs)
}

/// Removes a double-quoted string's quotes and decodes `\n`, `\t`, `\\`
/// and `\"`. Unquoted text is returned unchanged; `None` for an unknown
/// or dangling escape.
pub fn unquote(raw: &str) -> Option<String> {
    let inner = match raw
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        Some(inner) => inner,
        None => return Some(raw.to_string()),
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            _ => return None,
        }
    }
    Some(out)
}

/// Cuts a `#` or `;` comment off a line, ignoring those inside quotes.
fn strip_comment(line: &str) -> &str {
    let mut in_quotes = false;
    let mut escaped = false;
    for (index, ch) in line.char_indices() {
        match ch {
            '\\' if in_quotes && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => in_quotes = !in_quotes,
            '#' | ';' if !in_quotes => return &line[..index],
            _ => {}
        }
        escaped = false;
    }
    line
}
