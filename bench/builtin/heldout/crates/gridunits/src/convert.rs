//! Parsing and formatting lengths with units.

use crate::length::{div_round, Length, LengthUnit};

/// Parses a decimal number with at most three decimals into thousandths,
/// e.g. `"-1.5"` is `-1500`. `None` for malformed input or overflow.
pub fn parse_fixed3(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if whole_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if frac_part.len() > 3 {
        return None;
    }
    let mut value: i64 = 0;
    for ch in whole_part.chars().chain(frac_part.chars()) {
        let digit = ch.to_digit(10)? as i64;
        value = value.checked_mul(10)?.checked_add(digit)?;
    }
    for _ in frac_part.len()..3 {
        value = value.checked_mul(10)?;
    }
    Some(if negative { -value } else { value })
}

/// Parses a number followed by a unit symbol, e.g. `"12.5 cm"` or `"3in"`.
pub fn parse_length(text: &str) -> Option<Length> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    let (number, symbol) = text.split_at(split);
    let unit = LengthUnit::from_symbol(symbol.trim())?;
    Length::from_milli(parse_fixed3(number)?, unit)
}

/// Formats a length in `unit` with `decimals` decimals (at most three),
/// rounding half away from zero.
pub fn format_length(length: Length, unit: LengthUnit, decimals: u8) -> String {
    let decimals = decimals.min(3) as u32;
    let milli = div_round(length.um() as i128 * 1000, unit.micrometres() as i128);
    let scaled = div_round(milli, 10i128.pow(3 - decimals));
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs();
    let base = 10u128.pow(decimals);
    let whole = magnitude / base;
    let frac = magnitude % base;
    if decimals == 0 {
        format!("{sign}{whole} {}", unit.symbol())
    } else {
        let width = decimals as usize;
        format!("{sign}{whole}.{frac:0width$} {}", unit.symbol())
    }
}
