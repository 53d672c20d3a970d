// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    pub timeout_ms: u64,
    pub max_connections: usize,
    pub use_tls: bool,
}

pub trait ConfigSource {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&mut self, key: &str, value: String) -> Result<(), String>;
    fn keys(&self) -> Vec<String>;
}

pub fn parse_assignment(line: &str) -> Option<(String, String)> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let (raw_key, raw_value) = trimmed.split_once('=')?;
    let key = raw_key.trim().to_ascii_lowercase();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
        return None;
    }
    let mut value = raw_value.trim();
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        value = &value[1..value.len() - 1];
    }
    Some((key, value.to_string()))
}

pub fn parse_document(text: &str) -> Vec<(String, String)> {
    text.lines().filter_map(parse_assignment).collect()
}

impl ServerConfig {
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, String> {
        let mut config = ServerConfig {
            host: String::from("127.0.0.1"),
            port: 8080,
            timeout_ms: 30_000,
            max_connections: 64,
            use_tls: false,
        };
        for (key, value) in pairs {
            let invalid = || format!("invalid value for {key}: {value}");
            match key.as_str() {
                "host" => config.host = value.clone(),
                "port" => config.port = value.parse().map_err(|_| invalid())?,
                "timeout_ms" => config.timeout_ms = value.parse().map_err(|_| invalid())?,
                "max_connections" => config.max_connections = value.parse().map_err(|_| invalid())?,
                "use_tls" => config.use_tls = value == "true",
                other => return Err(format!("unknown key: {other}")),
            }
        }
        Ok(config)
    }
}
