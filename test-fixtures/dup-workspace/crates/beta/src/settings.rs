// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

use alpha::config::ServerConfig;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerSettings {
    pub host: String,
    pub port: u16,
    pub timeout_ms: u64,
    pub max_connections: usize,
    pub use_tls: bool,
}

pub trait SettingsStore {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&mut self, key: &str, value: String) -> Result<(), String>;
    fn keys(&self) -> Vec<String>;
}

impl ListenerSettings {
    pub fn from_server_config(config: &ServerConfig) -> Self {
        Self {
            host: config.host.clone(),
            port: config.port,
            timeout_ms: config.timeout_ms,
            max_connections: config.max_connections,
            use_tls: config.use_tls,
        }
    }

    pub fn is_publicly_reachable(&self) -> bool {
        self.host != "127.0.0.1" && self.host != "localhost"
    }
}
