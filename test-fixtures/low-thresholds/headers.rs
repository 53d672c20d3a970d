//! Two near-miss copies (`parse_header`, `parse_field`): the second adds two statements.

pub fn parse_header(line: &str, limit: u32) -> Option<(String, u32)> {
    let line = line.trim();
    let (name, rest) = line.split_once(':')?;
    let value = rest.trim().parse::<u32>().ok()?;
    if name.is_empty() || value > limit {
        return None;
    }
    let name = name.trim_end_matches(' ').to_lowercase();
    Some((name, value))
}

pub fn parse_field(line: &str, limit: u32) -> Option<(String, u32)> {
    let line = line.trim();
    let (name, rest) = line.split_once(':')?;
    let value = rest.trim().parse::<u32>().ok()?;
    if name.is_empty() || value > limit {
        return None;
    }
    let name = name.trim_end_matches(' ').to_lowercase();
    log::debug!("field {name}");
    let value = value.min(limit);
    Some((name, value))
}
