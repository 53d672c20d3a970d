//! Clone detection over parsed files: exact and renamed clones of functions, impls and
//! statement runs, near-miss functions, and duplicated abstractions. The detectors return
//! [`Group`]s; this module removes groups nested in bigger ones and ranks the rest.

mod abstractions;
mod blocks;
mod group;
mod near;
mod units;

pub use group::{CloneType, Group, GroupKind, Instance};

use std::collections::HashMap;

use crate::config::Options;
use crate::scan::SourceFile;

/// Runs every detector and returns the groups ranked by lines saved, largest first.
pub fn find_duplicates(files: &[SourceFile], options: &Options) -> Vec<Group> {
    let units = units::find(files, options);
    let (near, blocks) = rayon::join(
        || near::find(files, options, &units.eligible, &units.exact_of),
        || blocks::find(files, options),
    );
    let mut groups = units.groups;
    groups.extend(near);
    groups.extend(blocks);
    groups.extend(abstractions::find(files, options));
    if let Some(allow) = &options.allow_duplicate {
        for group in &mut groups {
            group.instances.retain(|inst| {
                !allow.is_match(&files[inst.file].rel) && !allow.is_match(&inst.item)
            });
        }
        groups.retain(|group| group.instances.len() >= 2);
    }
    for group in &mut groups {
        group.instances.sort_by(|a, b| {
            (&files[a.file].rel, a.start_line).cmp(&(&files[b.file].rel, b.start_line))
        });
    }
    let mut groups = drop_nested(groups);
    groups.sort_by(|a, b| {
        b.value()
            .cmp(&a.value())
            .then(a.fingerprint.cmp(&b.fingerprint))
    });
    groups
}

/// Drops code groups whose every instance lies inside an instance of a bigger code group,
/// and instances that overlap another instance of the same group.
fn drop_nested(mut groups: Vec<Group>) -> Vec<Group> {
    groups.sort_by_key(|g| {
        std::cmp::Reverse(g.instances.iter().map(Instance::lines).max().unwrap_or(0))
    });
    let mut kept: Vec<Group> = Vec::with_capacity(groups.len());
    // Instances of kept code groups by file, for containment checks.
    let mut by_file: HashMap<usize, Vec<Instance>> = HashMap::new();
    for mut group in groups {
        let code = group.clone_type != CloneType::Abstraction;
        if code {
            let mut distinct: Vec<Instance> = Vec::with_capacity(group.instances.len());
            for inst in group.instances {
                if !distinct.iter().any(|d| {
                    d.file == inst.file
                        && d.start_line <= inst.end_line
                        && inst.start_line <= d.end_line
                }) {
                    distinct.push(inst);
                }
            }
            group.instances = distinct;
            if group.instances.len() < 2 {
                continue;
            }
            let nested = group.instances.iter().all(|inst| {
                by_file
                    .get(&inst.file)
                    .is_some_and(|outer| outer.iter().any(|o| o.contains(inst)))
            });
            if nested {
                continue;
            }
            for inst in &group.instances {
                by_file.entry(inst.file).or_default().push(inst.clone());
            }
        }
        kept.push(group);
    }
    kept
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::cli::AnalysisArgs;
    use crate::config::ConfigFile;

    /// Runs every detector over in-memory files `a.rs`, `b.rs`, ... with default options.
    pub(crate) fn detect(sources: &[&str]) -> Vec<Group> {
        let options = Options::resolve(&AnalysisArgs::default(), ConfigFile::default()).unwrap();
        let files: Vec<SourceFile> = sources
            .iter()
            .enumerate()
            .map(|(i, src)| SourceFile {
                rel: format!("{}.rs", (b'a' + i as u8) as char),
                package: "p".into(),
                parsed: crate::source::parse_str(src, "p", false).unwrap(),
                library_root: false,
                crate_root: "p".to_string(),
            })
            .collect();
        find_duplicates(&files, &options)
    }

    const TABLE: &str = "fn NAME(c: Color) -> &'static str {
    match c {
        Color::Red => \"red\",
        Color::Green => \"green\",
        Color::Blue => \"blue\",
        Color::Cyan => \"cyan\",
        Color::Magenta => \"magenta\",
    }
}
";

    #[test]
    fn tables_group_only_when_copied_exactly_even_under_another_name() {
        let copied = detect(&[
            &TABLE.replace("NAME", "name"),
            &TABLE.replace("NAME", "label"),
        ]);
        assert_eq!(copied.len(), 1);
        assert_eq!(copied[0].clone_type, CloneType::Exact);
        let other = TABLE
            .replace("NAME", "label")
            .replace("Color", "Shade")
            .replace("\"red\"", "\"rouge\"");
        assert!(detect(&[&TABLE.replace("NAME", "name"), &other]).is_empty());
    }

    #[test]
    fn groups_are_ranked_by_lines_saved() {
        let long = "fn long(v: &[u32]) -> u32 {\n    let mut s = 0;\n    for x in v {\n        if *x > 3 {\n            s += x * 2;\n        } else {\n            s -= 1;\n        }\n        s = s.wrapping_mul(7);\n    }\n    s\n}\n";
        let short = "fn short(v: &[u64]) -> u64 {\n    let mut total = v.len() as u64;\n    total += v.iter().sum::<u64>();\n    total *= 3;\n    total\n}\n";
        let groups = detect(&[&format!("{long}{short}"), &format!("{short}{long}")]);
        assert_eq!(groups.len(), 2, "{groups:#?}");
        assert!(groups[0].lines() > groups[1].lines());
    }
}
