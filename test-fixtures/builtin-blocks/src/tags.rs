//! Tags cleaned, filtered and deduplicated.

/// Distinct tags at least `min` long, lowercased and sorted, and how many there are.
pub fn distinct(tags: &[&str], min: usize) -> (Vec<String>, u32) {
    let banned: Vec<String> = vec!["spam".to_owned()];
    let mut kept: Vec<String> = Vec::new();
    let mut added: u32 = 0;
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.len() >= min && !banned.contains(&tag) && !kept.contains(&tag) {
            kept.push(tag);
            added += 1;
        }
    }
    kept.sort();
    (kept, added)
}

/// The header and the distinct tags, sorted and joined, with the count of tags added.
pub fn joined(labels: &[&str], shortest: usize, header: &str) -> String {
    let banned: Vec<String> = vec!["spam".to_owned(), "ads".to_owned()];
    let mut kept: Vec<String> = vec![header.to_owned()];
    let mut added: u32 = 0;
    for tag in labels {
        let tag = tag.trim().to_lowercase();
        if tag.len() >= shortest && !banned.contains(&tag) && !kept.contains(&tag) {
            kept.push(tag);
            added += 1;
        }
    }
    kept.sort();
    format!("{}:{added}", kept.join(","))
}
