// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

use crate::catalog::Asset;

pub fn load_assets(text: &str) -> Vec<Asset> {
    text.lines()
        .skip(1)
        .map(|line| split_record(line, ','))
        .filter_map(|fields| Asset::from_csv_fields(&fields))
        .collect()
}

pub fn split_record(line: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::with_capacity(line.len() / 4 + 1);
    let mut current = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\r' || ch == '\n' {
            continue;
        }
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
