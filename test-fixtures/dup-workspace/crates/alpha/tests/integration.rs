// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

use alpha::config::{parse_document, ServerConfig};
use alpha::model::{write_project_line, Priority, Project};
use alpha::stats::{mean, percentile};

fn pseudo_random_samples(count: usize) -> Vec<f64> {
    let mut values = Vec::with_capacity(count);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..count {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        values.push((state % 10_000) as f64 / 100.0);
    }
    values
}

#[test]
fn sample_mean_and_quartiles_are_ordered() {
    let samples = pseudo_random_samples(200);
    let average = mean(&samples).expect("samples are not empty");
    assert!((0.0..100.0).contains(&average));
    let mut sorted = samples.clone();
    sorted.sort_by(f64::total_cmp);
    let lower_quartile = percentile(&sorted, 25.0).unwrap();
    let upper_quartile = percentile(&sorted, 75.0).unwrap();
    assert!(lower_quartile <= upper_quartile);
}

#[test]
fn server_config_is_built_from_document() {
    let pairs = parse_document("host = example.org\nport = 8443\nuse_tls = true\n");
    let config = ServerConfig::from_pairs(&pairs).expect("valid config");
    assert_eq!(config.host, "example.org");
    assert_eq!(config.port, 8443);
    assert!(config.use_tls);
    assert!(ServerConfig::from_pairs(&[("colour".into(), "red".into())]).is_err());
}

#[test]
fn project_line_mentions_owner_and_priority() {
    let mut line = String::new();
    write_project_line(&mut line, &Project::create("apollo", 3), Priority::new(2)).unwrap();
    assert_eq!(line, "apollo (owner 3, priority 2)");
}
