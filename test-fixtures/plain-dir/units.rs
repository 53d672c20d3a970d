pub const ABSOLUTE_ZERO_CELSIUS: f64 = -273.15;

pub fn rankine_to_celsius_table(samples: &[f64], bias: f64) -> Vec<(f64, f64)> {
    let mut rows = Vec::new();
    for &rankine in samples {
        let corrected = rankine + bias;
        let degrees = (corrected - 491.67) * 5.0 / 9.0;
        if degrees < -273.15 {
            continue;
        }
        let trimmed = (degrees * 100.0).round() / 100.0;
        rows.push((rankine, trimmed));
    }
    rows
}

pub fn format_temperature(value: f64, unit: &str) -> String {
    let symbol = match unit {
        "celsius" => "\u{b0}C",
        "fahrenheit" => "\u{b0}F",
        "kelvin" => "K",
        _ => "?",
    };
    format!("{value:.1} {symbol}")
}
