// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

pub mod config;
pub mod devices;
pub mod geometry;
pub mod model;
pub mod stats;
pub mod util;

#[cfg(test)]
mod tests {
    use super::config::{parse_assignment, parse_document};
    use super::devices::{Actuator, PowerState, Sensor};
    use super::geometry::normalize_polygon;
    use super::model::Document;
    use super::stats::{exponential_smoothing, percentile};
    use super::util::text::{self, split_record};

    const ASSIGNMENT_CASES: &[(&str, &str, &str)] = &[
        ("name = demo", "name", "demo"),
        ("Port=8080", "port", "8080"),
        ("  log.level =  debug ", "log.level", "debug"),
        ("greeting = \"hello world\"", "greeting", "hello world"),
        ("empty_value =", "empty_value", ""),
        ("path = /var/lib/app", "path", "/var/lib/app"),
        ("Mixed_Case.Key = X", "mixed_case.key", "X"),
    ];

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
    fn both_assignment_parsers_agree_on_table() {
        for &(input, key, value) in ASSIGNMENT_CASES {
            let expected = Some((key.to_string(), value.to_string()));
            assert_eq!(parse_assignment(input), expected, "config parser on {input:?}");
            assert_eq!(text::parse_assignment(input), expected, "text parser on {input:?}");
        }
        assert_eq!(parse_assignment("# comment"), None);
        assert_eq!(text::parse_assignment("bad key = 1"), None);
    }

    #[test]
    fn parse_document_skips_comments_and_blanks() {
        let pairs = parse_document("# header\n\nname = demo\nport = 9000\n");
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[1], ("port".to_string(), "9000".to_string()));
    }

    #[test]
    fn smoothing_keeps_constant_signal() {
        let smoothed = exponential_smoothing(&[2.0, 2.0, 2.0, 2.0], 0.5);
        assert_eq!(smoothed, vec![2.0, 2.0, 2.0, 2.0]);
        assert!(exponential_smoothing(&[], 0.5).is_empty());
    }

    #[test]
    fn percentile_is_bounded_by_extremes() {
        let mut samples = pseudo_random_samples(64);
        samples.sort_by(f64::total_cmp);
        let low = percentile(&samples, 0.0).unwrap();
        let median = percentile(&samples, 50.0).unwrap();
        let high = percentile(&samples, 100.0).unwrap();
        assert_eq!(low, samples[0]);
        assert_eq!(high, samples[63]);
        assert!(low <= median && median <= high);
        assert_eq!(percentile(&samples, 101.0), None);
    }

    #[test]
    fn split_record_handles_quotes_and_escapes() {
        let fields = split_record("a, \"b, c\" ,\"say \"\"hi\"\"\"\r\n", ',');
        assert_eq!(fields, vec!["a", "b, c", "say \"hi\""]);
    }

    #[test]
    fn normalized_polygon_fits_unit_square() {
        let rectangle = [(10.0, 10.0), (14.0, 10.0), (14.0, 12.0), (10.0, 12.0)];
        let normalized = normalize_polygon(&rectangle);
        assert_eq!(normalized.len(), 4);
        for (x, y) in normalized {
            assert!((-0.5..=0.5).contains(&x) && (-0.5..=0.5).contains(&y));
        }
    }

    #[test]
    fn devices_render_id_and_labels() {
        let sensor = Sensor {
            id: 7,
            labels: vec!["roof".into(), "north".into()],
            reading: 21.5,
            unit: "C".into(),
        };
        assert_eq!(sensor.to_string(), "device-0007 [roof, north]");
        let actuator = Actuator {
            id: 12,
            labels: Vec::new(),
            state: PowerState::Standby,
        };
        assert_eq!(actuator.to_string(), "device-0012");
        assert_eq!(actuator.state.as_str(), "standby");
    }

    #[test]
    fn document_tags_are_sorted_and_deduplicated() {
        let doc = Document::new("notes.md", &["work", "draft", "work"], 120);
        assert_eq!(doc.summarize_tags(), "[2] draft, work");
    }
}
