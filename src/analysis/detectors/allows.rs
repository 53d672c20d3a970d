//! Clone allow markers that silence nothing. A marker takes its item out of detection, so
//! what it would have matched is only known by detecting again as if no marker were written:
//! a marker is used when a copy of that run lies in the lines it covers, in a group of a rule
//! it names. The second detection runs only where clone markers exist.

use super::find::find_duplicates;
use super::memo::Memo;
use crate::analysis::rules::is_clone_rule;
use crate::analysis::scan::SourceFile;
use crate::analysis::source::Allow;
use crate::analysis::workspace::Warning;
use crate::config::Options;

/// Warnings for the clone allow markers of `files` that hide no copy, as rustc warns of an
/// `#[allow]` no lint needed.
pub fn unused_clone_allows(files: &[SourceFile], options: &Options, memo: &Memo) -> Vec<Warning> {
    let markers: Vec<(usize, &Allow, &str)> = (files.iter().enumerate())
        .flat_map(|(fi, f)| f.parsed.allowed.iter().map(move |allow| (fi, allow)))
        .flat_map(|(fi, allow)| (allow.rules.iter()).map(move |rule| (fi, allow, rule.as_str())))
        .filter(|(_, _, rule)| is_clone_rule(rule))
        .collect();
    if markers.is_empty() {
        return Vec::new();
    }
    let unmarked = Options {
        ignore_allows: true,
        ..options.clone()
    };
    let groups = find_duplicates(files, &unmarked, memo);
    let hides = |&(fi, allow, rule): &(usize, &Allow, &str)| {
        (groups.iter())
            .filter(|g| rule == "duplicate" || g.clone_type.rule_id() == rule)
            .flat_map(|g| &g.instances)
            .any(|i| i.file == fi && allow.lines.contains(&i.start_line))
    };
    (markers.iter())
        .filter(|marker| !hides(marker))
        .map(|&(fi, allow, rule)| Warning {
            file: files[fi].rel.clone(),
            line: Some(allow.marker),
            column: None,
            message: format!(
                "`cargo-loop: allow({rule})` silences nothing: no copy of this item is reported"
            ),
        })
        .collect()
}
