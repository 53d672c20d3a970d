// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

use std::collections::BTreeMap;
use std::collections::HashSet;
use std::fmt;
use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    pub body: String,
    pub created_at: u64,
    pub updated_at: u64,
    pub author: String,
    pub word_count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub article_slug: String,
    pub created_at: u64,
    pub updated_at: u64,
    pub author: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub path: String,
    pub title: Option<String>,
    pub tags: Vec<String>,
    pub size_bytes: u64,
}

impl Document {
    pub fn new(path: &str, tags: &[&str], size_bytes: u64) -> Self {
        Self {
            path: path.to_string(),
            title: None,
            tags: tags.iter().map(|tag| tag.to_string()).collect(),
            size_bytes,
        }
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
pub struct Project {
    name: String,
    owner_id: u32,
}

impl Project {
    pub fn create(name: &str, owner_id: u32) -> Self {
        Self { name: name.to_string(), owner_id }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn owner_id(&self) -> u32 {
        self.owner_id
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    name: String,
    members: Vec<u32>,
}

impl Team {
    pub fn with_members(name: &str, members: Vec<u32>) -> Self {
        Self { name: name.to_string(), members }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn size(&self) -> usize {
        self.members.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Priority {
    value: u32,
}

impl Priority {
    pub fn new(value: u32) -> Self {
        Self { value }
    }

    pub fn value(&self) -> u32 {
        self.value
    }
}

pub fn render_changelog(articles: &[Article], comments: &[Comment]) -> String {
    let mut timeline: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for article in articles {
        let event = format!("edited \"{}\"", article.title);
        timeline.entry(article.updated_at).or_default().push(event);
    }
    for comment in comments {
        let event = format!("comment on {}", comment.article_slug);
        timeline.entry(comment.created_at).or_default().push(event);
    }
    let contributors: HashSet<&str> = articles
        .iter()
        .map(|article| article.author.as_str())
        .chain(comments.iter().map(|comment| comment.author.as_str()))
        .collect();
    let mut out = String::new();
    for (stamp, events) in &timeline {
        let _ = writeln!(out, "{stamp}: {}", events.join("; "));
    }
    let _ = write!(out, "{} contributors", contributors.len());
    out
}

pub fn write_project_line(out: &mut dyn fmt::Write, project: &Project, priority: Priority) -> fmt::Result {
    write!(out, "{} (owner {}, priority {})", project.name(), project.owner_id(), priority.value())
}
