// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub sku: String,
    pub tags: Vec<String>,
    pub price_cents: u64,
}

impl Asset {
    pub fn from_csv_fields(fields: &[String]) -> Option<Self> {
        let [sku, tags, price] = fields else {
            return None;
        };
        let tags = tags.split('|').filter(|tag| !tag.is_empty()).map(str::to_string).collect();
        Some(Self { sku: sku.clone(), tags, price_cents: price.parse().ok()? })
    }

    pub fn summarize_tags(&self) -> String {
        let mut tags: Vec<&str> = self.tags.iter().map(String::as_str).collect();
        tags.sort_unstable();
        tags.dedup();
        if tags.is_empty() {
            return String::from("(untagged)");
        }
        let joined = tags.join(", ");
        format!("[{}] {}", tags.len(), joined)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub created_at: u64,
    pub updated_at: u64,
    pub author: String,
    pub number: u32,
    pub approved: bool,
    pub added_lines: u32,
    pub removed_lines: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    name: String,
    country: String,
}

impl Vendor {
    pub fn register(name: &str, country: &str) -> Self {
        Self { name: name.to_string(), country: country.to_string() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn country(&self) -> &str {
        &self.country
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Weight {
    value: u32,
}

impl Weight {
    pub fn new(value: u32) -> Self {
        Self { value }
    }

    pub fn value(&self) -> u32 {
        self.value
    }
}

pub fn latest_approved(revisions: &[Revision]) -> HashMap<&str, u32> {
    revisions
        .iter()
        .filter(|revision| revision.approved)
        .fold(HashMap::new(), |mut latest, revision| {
            let slot = latest.entry(revision.author.as_str()).or_insert(0);
            *slot = (*slot).max(revision.number);
            latest
        })
}
