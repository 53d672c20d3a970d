//! Typed interpretation of raw configuration values.

/// A configuration value interpreted by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    List(Vec<String>),
    Text(String),
}

impl Value {
    /// Interprets a raw value: `[a, b]` is a list, then booleans, then
    /// integers, then double-quoted string literals; anything else is text.
    pub fn parse(raw: &str) -> Value {
        let raw = raw.trim();
        if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            return Value::List(split_list(inner));
        }
        if let Some(flag) = parse_bool(raw) {
            return Value::Bool(flag);
        }
        if let Some(number) = parse_int(raw) {
            return Value::Int(number);
        }
        if raw.starts_with('"') {
            if let Some(text) = string_literal(raw) {
                return Value::Text(text);
            }
        }
        Value::Text(raw.to_string())
    }
}

/// `true`/`yes`/`on` and `false`/`no`/`off`, case-insensitive.
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Some(true),
        "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Decimal or `0x` hexadecimal integer with an optional sign and `_`
/// digit separators (not leading or trailing). `None` on overflow.
pub fn parse_int(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (negative, body) = match raw.as_bytes().first()? {
        b'-' => (true, &raw[1..]),
        b'+' => (false, &raw[1..]),
        _ => (false, raw),
    };
    let (radix, digits) = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(hex) => (16, hex),
        None => (10, body),
    };
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') {
        return None;
    }
    let mut value: i64 = 0;
    for ch in digits.chars().filter(|&c| c != '_') {
        let digit = ch.to_digit(radix)? as i64;
        value = value.checked_mul(radix as i64)?;
        value = if negative {
            value.checked_sub(digit)?
        } else {
            value.checked_add(digit)?
        };
    }
    Some(value)
}

/// Decodes a double-quoted string literal with `\n`, `\t`, `\\` and `\"`
/// escapes. Text without surrounding quotes is returned unchanged; `None`
/// for an unknown or dangling escape.
pub fn string_literal(token: &str) -> Option<String> {
    let body = match token
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        Some(body) => body,
        None => return Some(token.to_string()),
    };
    let mut decoded = String::with_capacity(body.len());
    let mut iter = body.chars();
    while let Some(c) = iter.next() {
        if c != '\\' {
            decoded.push(c);
            continue;
        }
        match iter.next()? {
            'n' => decoded.push('\n'),
            't' => decoded.push('\t'),
            '\\' => decoded.push('\\'),
            '"' => decoded.push('"'),
            _ => return None,
        }
    }
    Some(decoded)
}

/// Splits a comma-separated list, trimming items and dropping empty ones.
/// Double quotes group text containing commas and are removed.
pub fn split_list(raw: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for ch in raw.chars() {
        match ch {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                let item = current.trim();
                if !item.is_empty() {
                    items.push(item.to_string());
                }
                current.clear();
            }
            _ => current.push(ch),
        }
    }
    let item = current.trim();
    if !item.is_empty() {
        items.push(item.to_string());
    }
    items
}
