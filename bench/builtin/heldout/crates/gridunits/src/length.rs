//! Length units and the `Length` type.

/// A unit of length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LengthUnit {
    Um,
    #[default]
    Mm,
    Cm,
    M,
    In,
    Ft,
}

impl LengthUnit {
    /// Size of one unit in micrometres.
    pub fn micrometres(self) -> i64 {
        match self {
            LengthUnit::Um => 1,
            LengthUnit::Mm => 1_000,
            LengthUnit::Cm => 10_000,
            LengthUnit::M => 1_000_000,
            LengthUnit::In => 25_400,
            LengthUnit::Ft => 304_800,
        }
    }

    /// Canonical symbol used when formatting.
    pub fn symbol(self) -> &'static str {
        match self {
            LengthUnit::Um => "µm",
            LengthUnit::Mm => "mm",
            LengthUnit::Cm => "cm",
            LengthUnit::M => "m",
            LengthUnit::In => "in",
            LengthUnit::Ft => "ft",
        }
    }

    /// Recognizes a unit symbol (case-insensitive, with a few aliases).
    pub fn from_symbol(symbol: &str) -> Option<LengthUnit> {
        match symbol.to_lowercase().as_str() {
            "um" | "µm" | "μm" => Some(LengthUnit::Um),
            "mm" => Some(LengthUnit::Mm),
            "cm" => Some(LengthUnit::Cm),
            "m" => Some(LengthUnit::M),
            "in" | "\"" => Some(LengthUnit::In),
            "ft" | "'" => Some(LengthUnit::Ft),
            _ => None,
        }
    }
}

/// A signed length in whole micrometres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Length {
    um: i64,
}

impl Length {
    pub fn from_um(um: i64) -> Length {
        Length { um }
    }

    pub fn um(self) -> i64 {
        self.um
    }

    /// `value` whole units; `None` on overflow.
    pub fn new(value: i64, unit: LengthUnit) -> Option<Length> {
        value.checked_mul(unit.micrometres()).map(Length::from_um)
    }

    /// A length of `milli` thousandths of `unit`, rounded half away from
    /// zero to whole micrometres; `None` on overflow.
    pub fn from_milli(milli: i64, unit: LengthUnit) -> Option<Length> {
        let scaled = div_round(milli as i128 * unit.micrometres() as i128, 1000);
        i64::try_from(scaled).ok().map(Length::from_um)
    }

    /// Parses a plain decimal number (at most three decimals) in `unit`.
    pub fn parse_in(text: &str, unit: LengthUnit) -> Option<Length> {
        Length::from_milli(parse_fixed3(text)?, unit)
    }

    pub fn saturating_add(self, other: Length) -> Length {
        Length::from_um(self.um.saturating_add(other.um))
    }
}

/// Divides rounding half away from zero. `divisor` must be positive.
pub(crate) fn div_round(value: i128, divisor: i128) -> i128 {
    let quotient = value / divisor;
    let remainder = value % divisor;
    if remainder.abs() * 2 >= divisor {
        quotient + value.signum()
    } else {
        quotient
    }
}

fn parse_fixed3(text: &str) -> Option<i64> {
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
