// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

pub fn render_settings_report(text: &str) -> String {
    let mut accepted = 0usize;
    let mut rejected = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let stripped = line.trim();
        if stripped.is_empty() || stripped.starts_with('#') {
            continue;
        }
        match parse_assignment(line) {
            Some(_) => accepted += 1,
            None => rejected.push(number + 1),
        }
    }
    format!("{accepted} settings accepted, rejected lines: {rejected:?}")
}

pub fn parse_assignment(
    line: &str
) -> Option<(String, String)> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None; // nothing to parse
    }
    let (raw_key, raw_value) =
        trimmed.split_once('=')?;
    let key = raw_key
        .trim()
        .to_ascii_lowercase();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
        return None;
    }
    let mut value = raw_value.trim();
    if value.len() >= 2
        && value.starts_with('"')
        && value.ends_with('"')
    {
        value = &value[1..value.len() - 1]; /* drop the quotes */
    }
    Some((key, value.to_string()))
}
