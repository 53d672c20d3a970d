// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

use std::collections::BTreeMap;
use std::collections::HashSet;
use std::fmt;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Http,
    Https,
    Mqtt,
    Coap,
    Websocket,
}

impl Protocol {
    pub fn as_str(&self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Https => "https",
            Protocol::Mqtt => "mqtt",
            Protocol::Coap => "coap",
            Protocol::Websocket => "ws",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gateway {
    pub id: u32,
    pub labels: Vec<String>,
    pub address: String,
    pub port: u16,
    pub protocol: Protocol,
}

impl fmt::Display for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "device-{:04}", self.id)?;
        if self.labels.is_empty() {
            return Ok(());
        }
        f.write_str(" [")?;
        for (index, label) in self.labels.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            f.write_str(label)?;
        }
        f.write_str("]")
    }
}

pub fn endpoint_listing(gateways: &[Gateway]) -> String {
    let mut distinct: HashSet<&str> = HashSet::new();
    let mut per_protocol: BTreeMap<Protocol, usize> = BTreeMap::new();
    let mut listing = String::new();
    for gateway in gateways {
        if !distinct.insert(gateway.address.as_str()) {
            continue;
        }
        *per_protocol.entry(gateway.protocol).or_insert(0) += 1;
        let _ = writeln!(listing, "{}://{}:{}", gateway.protocol.as_str(), gateway.address, gateway.port);
    }
    for (protocol, count) in per_protocol {
        let _ = writeln!(listing, "# {}: {count}", protocol.as_str());
    }
    listing
}
