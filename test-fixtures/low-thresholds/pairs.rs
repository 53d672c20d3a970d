//! Shorter look-alikes of `parse_header`, each on five lines (under the default six):
//! `parse_pair` is close to `parse_header` and to the three others, so it is the
//! best-connected of them all.

pub fn parse_pair(line: &str) -> Option<(String, u32)> {
    let line = line.trim(); let (name, rest) = line.split_once(':')?;
    let value = rest.parse::<u32>().ok()?;
    if name.is_empty() { return None; } Some((name, value))
}

pub fn parse_untrimmed(line: &str) -> Option<(String, u32)> {
    let (name, rest) = line.split_once(':')?;
    let value = rest.parse::<u32>().ok()?;
    if name.is_empty() { return None; } Some((name, value))
}

pub fn parse_any(line: &str) -> Option<(String, u32)> {
    let line = line.trim(); let (name, rest) = line.split_once(':')?;
    let value = rest.parse::<u32>().ok()?;
    Some((name, value))
}

pub fn parse_inferred(line: &str) -> Option<(String, u32)> {
    let line = line.trim(); let (name, rest) = line.split_once(':')?;
    let value = rest.parse().ok()?;
    if name.is_empty() { return None; } Some((name, value))
}
