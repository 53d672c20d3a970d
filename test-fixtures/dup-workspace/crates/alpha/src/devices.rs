// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

use std::collections::BTreeMap;
use std::collections::HashSet;
use std::fmt;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PowerState {
    Off,
    Standby,
    Active,
    Fault,
    Maintenance,
}

impl PowerState {
    pub fn as_str(&self) -> &'static str {
        match self {
            PowerState::Off => "off",
            PowerState::Standby => "standby",
            PowerState::Active => "active",
            PowerState::Fault => "fault",
            PowerState::Maintenance => "maintenance",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sensor {
    pub id: u32,
    pub labels: Vec<String>,
    pub reading: f64,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actuator {
    pub id: u32,
    pub labels: Vec<String>,
    pub state: PowerState,
}

impl fmt::Display for Sensor {
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

impl fmt::Display for Actuator {
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

pub fn readings_by_unit(sensors: &[Sensor]) -> BTreeMap<String, Vec<f64>> {
    let mut grouped: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for sensor in sensors {
        grouped.entry(sensor.unit.clone()).or_default().push(sensor.reading);
    }
    grouped
}

pub fn label_summary(sensors: &[Sensor]) -> String {
    let labels: HashSet<&str> = sensors
        .iter()
        .flat_map(|sensor| sensor.labels.iter().map(String::as_str))
        .collect();
    let mut sorted: Vec<&str> = labels.into_iter().collect();
    sorted.sort_unstable();
    let mut out = String::new();
    for label in sorted {
        let _ = write!(out, "{label};");
    }
    out
}
