// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

// Parses a single `key = value` line as found in simple INI-like files.
pub fn parse_assignment(line: &str) -> Option<(String, String)>
{
    // Blank lines and comments carry no assignment.
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') { return None; }

    let (raw_key, raw_value) = trimmed.split_once('=')?;
    let key = raw_key.trim().to_ascii_lowercase();
    if key.is_empty()
        || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }

    // Strip one level of surrounding double quotes.
    let mut value = raw_value.trim();
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        value = &value[1..value.len() - 1];
    }
    Some((key, value.to_string()))
}

pub fn split_record(line: &str, delimiter: char) -> Vec<String> {
    let line = line.trim_end_matches(['\r', '\n']);
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '"' {
            if in_quotes && chars.peek() == Some(&'"') {
                current.push('"');
                chars.next();
            } else {
                in_quotes = !in_quotes;
            }
        } else if ch == delimiter && !in_quotes {
            fields.push(current.trim().to_string());
            current.clear();
        } else {
            current.push(ch);
        }
    }
    fields.push(current.trim().to_string());
    fields
}
