// Copyright (c) 2024 The Fixture Authors.
// SPDX-License-Identifier: MIT OR Apache-2.0
// Licensed under the MIT license or the Apache License, Version 2.0, at your option.

pub mod catalog;
pub mod ingest;
pub mod metrics;
pub mod network;
pub mod report;
pub mod settings;
pub mod shapes;

#[cfg(test)]
mod tests {
    use super::ingest::{load_assets, split_record};
    use super::metrics::{dampen_readings, relative_spread};
    use super::network::{Gateway, Protocol};
    use super::report::{parse_assignment, render_settings_report};
    use super::settings::ListenerSettings;
    use super::shapes::describe_path;

    const ASSIGNMENT_CASES: &[(&str, &str, &str)] = &[
        ("name = demo", "name", "demo"),
        ("Port=8080", "port", "8080"),
        ("  log.level =  debug ", "log.level", "debug"),
        ("greeting = \"hello world\"", "greeting", "hello world"),
        ("empty_value =", "empty_value", ""),
        ("path = /var/lib/app", "path", "/var/lib/app"),
        ("Mixed_Case.Key = X", "mixed_case.key", "X"),
    ];

    #[test]
    fn report_parser_matches_alpha_parser() {
        for (input, key, value) in ASSIGNMENT_CASES.iter().copied() {
            let ours = parse_assignment(input).expect("table rows are valid");
            assert_eq!(ours.0, key);
            assert_eq!(ours.1, value);
            assert_eq!(alpha::config::parse_assignment(input), Some(ours));
        }
    }

    #[test]
    fn settings_report_counts_lines() {
        let report = render_settings_report("a = 1\n# note\nnot valid\nb = 2\n");
        assert_eq!(report, "2 settings accepted, rejected lines: [3]");
    }

    #[test]
    fn dampened_constant_signal_stays_flat() {
        let output = dampen_readings(&[5.0; 6], 0.3);
        assert_eq!(output.len(), 6);
        assert!(output.iter().all(|v| (v - 5.0).abs() < 1e-12));
    }

    #[test]
    fn relative_spread_uses_interpolated_percentiles() {
        let spread = relative_spread(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!((spread - 3.2 / 3.0).abs() < 1e-9, "{spread}");
    }

    #[test]
    fn split_record_ignores_line_endings() {
        assert_eq!(split_record("x;\"y;z\";w\r\n", ';'), vec!["x", "y;z", "w"]);
    }

    #[test]
    fn assets_load_from_csv() {
        let assets = load_assets("sku,tags,price\nA-1,red|big,1999\nB-2,,500\n");
        assert_eq!(assets.len(), 2);
        assert_eq!(assets[0].summarize_tags(), "[2] big, red");
        assert_eq!(assets[1].summarize_tags(), "(untagged)");
    }

    #[test]
    fn path_description_mentions_bounds() {
        let text = describe_path("zigzag", &[(0.0, 0.0), (3.0, 4.0), (6.0, 0.0)]);
        assert!(text.starts_with("zigzag: 3 points, length 10.00, bounds 6.00x4.00"), "{text}");
    }

    #[test]
    fn gateway_display_lists_labels() {
        let gateway = Gateway {
            id: 42,
            labels: vec!["edge".into()],
            address: "10.0.0.1".into(),
            port: 1883,
            protocol: Protocol::Mqtt,
        };
        assert_eq!(gateway.to_string(), "device-0042 [edge]");
        assert_eq!(Protocol::Websocket.as_str(), "ws");
    }

    #[test]
    fn listener_settings_mirror_server_config() {
        let pairs = alpha::config::parse_document("host = 0.0.0.0\nmax_connections = 8\n");
        let config = alpha::config::ServerConfig::from_pairs(&pairs).unwrap();
        let settings = ListenerSettings::from_server_config(&config);
        assert_eq!(settings.host, "0.0.0.0");
        assert_eq!(settings.max_connections, 8);
        assert_eq!(settings.port, 8080);
    }
}
