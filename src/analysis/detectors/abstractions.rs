//! Duplicated abstractions: types and traits of the same shape under other names, and groups
//! of fields repeated across structs.
//!
//! What it finds: structs with the same fields, enums with the same variants, traits with the
//! same method signatures, and three or more fields that several structs all declare.
//! Why it matters: parallel definitions must be kept in step by hand and convert into each
//! other with boilerplate.
//! Suggested fix: keep one type (a type alias or a generic where names differ), one trait, or
//! move the shared fields into a struct of their own and embed it.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use super::group::{CloneType, Group, GroupKind, Instance};
use super::mirrors::{converted, Mappings};
use super::presets::are_presets;
use crate::analysis::scan::SourceFile;
use crate::analysis::source::token::hash_str;
use crate::analysis::source::{Shape, ShapeKind};
use crate::config::Options;

const MIN_MEMBERS: usize = 3;
const MIN_TRAIT_METHODS: usize = 2;
const MIN_SHARED_FIELDS: usize = 3;
/// Fields declared by more structs than this are too common to signal a shared abstraction.
const MAX_FIELD_POSTINGS: usize = 32;

type ShapeId = (usize, usize);

pub fn find(files: &[SourceFile], options: &Options) -> Vec<Group> {
    let shapes: Vec<(ShapeId, &Shape)> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, file)| {
            file.parsed
                .shapes
                .iter()
                .enumerate()
                .map(move |(si, shape)| ((fi, si), shape))
        })
        .filter(|(_, shape)| !shape.suppressed || options.ignore_allows)
        .collect();
    // What each file maps member by member (see `mirrors.rs`), read once and only for
    // the files that hold a type of some group.
    let maps: Vec<OnceLock<Mappings>> = files.iter().map(|_| OnceLock::new()).collect();
    let maps = Lazy { files, maps };
    let mut groups = same_shapes(files, &maps, &shapes, options);
    groups.extend(shared_fields(files, &maps, &shapes));
    groups
}

/// Lines of code of a declaration: its members, not their doc comments or attributes.
fn code_lines(file: &SourceFile, shape: &Shape) -> u32 {
    let parsed = &file.parsed;
    parsed.code_lines(parsed.tokens_on_lines(shape.start_line, shape.end_line))
}

fn instance(files: &[SourceFile], id: ShapeId) -> Instance {
    let shape = &files[id.0].parsed.shapes[id.1];
    Instance {
        file: id.0,
        start_line: shape.start_line,
        end_line: shape.end_line,
        item: shape.item.clone(),
        code_lines: code_lines(&files[id.0], shape),
        tokens: 0..0,
        owner: None,
    }
}

fn same_shapes(
    files: &[SourceFile],
    maps: &Lazy,
    shapes: &[(ShapeId, &Shape)],
    options: &Options,
) -> Vec<Group> {
    let mut by_shape: HashMap<(ShapeKind, Vec<String>), Vec<ShapeId>> = HashMap::new();
    for &(id, shape) in shapes {
        // Two members are a shape worth keeping in one place only when they take some room.
        let big = code_lines(&files[id.0], shape) as usize >= options.min_lines;
        let min = if shape.kind == ShapeKind::Trait || big {
            MIN_TRAIT_METHODS
        } else {
            MIN_MEMBERS
        };
        if shape.members.len() < min {
            continue;
        }
        let mut members = shape.members.clone();
        if shape.kind == ShapeKind::Trait {
            members.sort();
        }
        by_shape.entry((shape.kind, members)).or_default().push(id);
    }
    let mut groups: Vec<Group> = by_shape
        .into_iter()
        .filter(|(_, ids)| ids.len() >= 2)
        .filter(|((kind, members), ids)| {
            // A struct of the very same fields is one type declared twice even when one is
            // built from the other; an enum mapped variant by variant is a mirror on purpose.
            *kind != ShapeKind::Enum
                || !converted(&files_of(maps, ids.iter().copied()), *kind, members)
        })
        .filter(|((kind, _), ids)| *kind != ShapeKind::Enum || !other_meaning(files, ids))
        .filter(|((kind, _), ids)| {
            *kind != ShapeKind::Struct
                || !are_presets(
                    files,
                    ids.iter().map(|&(f, si)| (f, &files[f].parsed.shapes[si])),
                )
        })
        .map(|((kind, members), ids)| {
            let (kind, what) = match kind {
                ShapeKind::Struct => (GroupKind::Struct, "fields"),
                ShapeKind::Enum => (GroupKind::Enum, "variants"),
                ShapeKind::Trait => (GroupKind::Trait, "method signatures"),
            };
            Group {
                kind,
                clone_type: CloneType::Abstraction,
                similarity: 1.0,
                fingerprint: fingerprint(kind, &members),
                instances: ids.iter().map(|&id| instance(files, id)).collect(),
                detail: Some(format!("the same {} {what}", members.len())),
                saved: 0,
            }
        })
        .collect();
    groups.sort_by_key(|g| g.fingerprint);
    groups
}

/// Whether the enums mean other things by the same names: `ValueEnum`s whose values are
/// documented differently (other `--help` text to the users who pick them), or enums whose
/// `#[default]` is another variant (`Never` for one flag, `Auto` for the next: one type would
/// change what one of them means unsaid).
fn other_meaning(files: &[SourceFile], ids: &[ShapeId]) -> bool {
    let shape = |&(f, s): &ShapeId| &files[f].parsed.shapes[s];
    let help = |id: &ShapeId| shape(id).value_help;
    let other_help =
        ids.iter().all(|id| help(id).is_some()) && ids.iter().any(|id| help(id) != help(&ids[0]));
    let default = |id: &ShapeId| shape(id).default_variant;
    other_help || ids.iter().any(|id| default(id) != default(&ids[0]))
}

/// Whether the structs are layers of one configuration: the command line a user types
/// (clap's `Parser`/`Args`) beside the settings it resolves into. They share fields because
/// one feeds the other; one type for both would tie the program to its flags.
fn layers_of_one_configuration<'s>(structs: impl Iterator<Item = &'s Shape> + Clone) -> bool {
    structs.clone().any(|s| s.command_line) && structs.into_iter().any(|s| !s.command_line)
}

/// Each file's [`Mappings`], read when first asked for.
struct Lazy<'f> {
    files: &'f [SourceFile],
    maps: Vec<OnceLock<Mappings>>,
}

/// The mappings of the files that hold these shapes, each once.
fn files_of<'m>(maps: &'m Lazy, ids: impl Iterator<Item = ShapeId>) -> Vec<&'m Mappings> {
    let mut held: Vec<usize> = ids.map(|id| id.0).collect();
    held.sort_unstable();
    held.dedup();
    (held.into_iter())
        .map(|f| maps.maps[f].get_or_init(|| Mappings::of(&maps.files[f].parsed.tokens)))
        .collect()
}

fn fingerprint(kind: GroupKind, members: &[String]) -> u64 {
    let text = format!("{}\n{}", kind.as_str(), members.join("\n"));
    xxhash_rust::xxh3::xxh3_64(text.as_bytes()) ^ u64::from(hash_str(kind.as_str()))
}

/// Groups of at least three fields declared by several structs that otherwise differ.
fn shared_fields(files: &[SourceFile], maps: &Lazy, shapes: &[(ShapeId, &Shape)]) -> Vec<Group> {
    let structs: Vec<(ShapeId, &Shape)> = shapes
        .iter()
        .copied()
        .filter(|(_, s)| s.kind == ShapeKind::Struct && s.members.len() >= MIN_SHARED_FIELDS)
        .collect();
    let postings = field_postings(&structs);
    let keys = field_keys(&structs, &postings);
    let mut groups = Vec::new();
    for key in &keys {
        let members = members_of(&postings, key);
        // A bigger key with the same structs says the same thing better.
        let subsumed = keys.iter().any(|other| {
            other.len() > key.len()
                && other.is_superset(key)
                && members_of(&postings, other) == members
        });
        if subsumed || members.len() < 2 {
            continue;
        }
        let fields: Vec<String> = key.iter().map(ToString::to_string).collect();
        if converted(
            &files_of(maps, members.iter().map(|&m| structs[m].0)),
            ShapeKind::Struct,
            &fields,
        ) || are_presets(
            files,
            members.iter().map(|&m| (structs[m].0 .0, structs[m].1)),
        ) || layers_of_one_configuration(members.iter().map(|&m| structs[m].1))
        {
            continue;
        }
        let instances = members
            .iter()
            .map(|&m| fields_instance(structs[m], key))
            .collect();
        groups.push(Group {
            kind: GroupKind::Fields,
            clone_type: CloneType::Abstraction,
            similarity: 1.0,
            fingerprint: fingerprint(GroupKind::Fields, &fields),
            instances,
            detail: Some(format!(
                "the same {} fields: {}",
                fields.len(),
                fields.join(", ")
            )),
            saved: 0,
        });
    }
    groups
}

/// For each named field, the indices of the `structs` that declare it.
fn field_postings<'s>(structs: &[(ShapeId, &'s Shape)]) -> HashMap<&'s str, Vec<usize>> {
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, (_, shape)) in structs.iter().enumerate() {
        for member in &shape.members {
            // Tuple-struct fields are positions, not names.
            if !member.starts_with(|c: char| c.is_ascii_digit()) {
                postings.entry(member.as_str()).or_default().push(index);
            }
        }
    }
    postings
}

/// The sets of fields that two structs of different fields both declare, at least
/// [`MIN_SHARED_FIELDS`] of them, sorted and deduplicated.
fn field_keys<'s>(
    structs: &[(ShapeId, &Shape)],
    postings: &HashMap<&'s str, Vec<usize>>,
) -> Vec<BTreeSet<&'s str>> {
    let mut shared: HashMap<(usize, usize), BTreeSet<&str>> = HashMap::new();
    for (field, list) in postings {
        if list.len() < 2 || list.len() > MAX_FIELD_POSTINGS {
            continue;
        }
        for (i, &a) in list.iter().enumerate() {
            for &b in &list[i + 1..] {
                shared.entry((a, b)).or_default().insert(field);
            }
        }
    }
    let mut keys: Vec<BTreeSet<&str>> = shared
        .into_iter()
        .filter(|&((a, b), ref fields)| {
            let (sa, sb) = (structs[a].1, structs[b].1);
            fields.len() >= MIN_SHARED_FIELDS && sa.members != sb.members
        })
        .map(|(_, fields)| fields)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The structs that declare every field of `key`.
fn members_of(postings: &HashMap<&str, Vec<usize>>, key: &BTreeSet<&str>) -> Vec<usize> {
    let mut lists = key.iter().map(|f| &postings[f]);
    let first = lists.next().cloned().unwrap_or_default();
    lists.fold(first, |acc, list| {
        acc.into_iter().filter(|x| list.contains(x)).collect()
    })
}

/// A struct's copy of the fields of `key`: the lines that declare them.
fn fields_instance((id, shape): (ShapeId, &Shape), key: &BTreeSet<&str>) -> Instance {
    let mut lines: Vec<u32> = shape
        .members
        .iter()
        .zip(&shape.member_lines)
        .filter(|(f, _)| key.contains(f.as_str()))
        .map(|(_, &l)| l)
        .collect();
    lines.sort_unstable();
    lines.dedup();
    Instance {
        file: id.0,
        start_line: lines.first().copied().unwrap_or(shape.start_line),
        end_line: lines.last().copied().unwrap_or(shape.end_line),
        item: shape.item.clone(),
        // The shared fields, not the others declared between them.
        code_lines: lines.len() as u32,
        tokens: 0..0,
        owner: None,
    }
}

#[cfg(test)]
mod test {
    use std::fmt::Write;

    use super::*;
    use crate::analysis::detectors::find::test::{files, options};

    fn abstraction_groups(sources: &[&str]) -> Vec<Group> {
        find(&files(sources), &options())
    }

    #[test]
    fn structs_of_the_same_fields_under_other_names_are_a_struct_group() {
        let point = "pub struct Point {\n    pub x: f64,\n    pub y: f64,\n    pub z: f64,\n}\n";
        let groups = abstraction_groups(&[point, &point.replace("Point", "Vector")]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        assert_eq!(
            (groups[0].kind, groups[0].clone_type),
            (GroupKind::Struct, CloneType::Abstraction)
        );
        assert_eq!(groups[0].detail.as_deref(), Some("the same 3 fields"));
        let items: Vec<&str> = groups[0]
            .instances
            .iter()
            .map(|i| i.item.as_str())
            .collect();
        assert_eq!(items, ["p::Point", "p::Vector"]);
        // One field of another name is another shape, and two shared fields are too few.
        let other = point.replace("Point", "Vector").replace("z:", "w:");
        assert!(abstraction_groups(&[point, &other]).is_empty());
    }

    /// Two `ValueEnum`s of the same values documented differently are two options' `--help`
    /// text, not one type; documented alike, or plain enums, they are one type twice.
    #[test]
    fn value_enums_whose_values_mean_other_things_are_not_copies() {
        let value_enum = |name: &str, derive: &str, docs: [&str; 4]| {
            let variants = ["Name", "Size", "Time", "None"];
            let mut body = String::new();
            for (v, doc) in variants.iter().zip(docs) {
                let _ = write!(body, "    /// {doc}\n    {v},\n");
            }
            format!("#[derive({derive})]\npub enum {name} {{\n{body}}}\n")
        };
        let sort = [
            "by file name",
            "by size",
            "by modification time",
            "in walk order",
        ];
        let group = [
            "group by name",
            "group by size bucket",
            "group by day",
            "no grouping",
        ];
        let count = |a: &str, b: &str| abstraction_groups(&[a, b]).len();
        let derive = "Clone, Copy, clap::ValueEnum";
        let (by, per) = (
            value_enum("SortBy", derive, sort),
            value_enum("GroupBy", derive, group),
        );
        assert_eq!(count(&by, &per), 0);
        assert_eq!(count(&by, &value_enum("Order", derive, sort)), 1);
        let (by, per) = (
            value_enum("SortBy", "Clone", sort),
            value_enum("GroupBy", "Clone", group),
        );
        assert_eq!(count(&by, &per), 1);
    }

    /// Enums of the same variants whose `#[default]` is another variant mean another thing
    /// unsaid (one flag defaults to `Auto`, the next to `Never`); the same default, one type.
    #[test]
    fn enums_whose_default_is_another_variant_are_not_copies() {
        let when = |name: &str, default: &str| {
            let variants: Vec<String> = ["Always", "Auto", "Never"]
                .iter()
                .map(|v| {
                    let mark = if *v == default {
                        "#[default]\n    "
                    } else {
                        ""
                    };
                    format!("    {mark}{v},\n")
                })
                .collect();
            format!(
                "#[derive(Default)]\npub enum {name} {{\n{}}}\n",
                variants.concat()
            )
        };
        let count = |a: &str, b: &str| abstraction_groups(&[a, b]).len();
        assert_eq!(count(&when("Color", "Auto"), &when("Icons", "Auto")), 1);
        assert_eq!(count(&when("Color", "Auto"), &when("Links", "Never")), 0);
    }

    /// The flags a user types and the settings they resolve into share fields on purpose.
    #[test]
    fn a_command_line_and_the_settings_it_resolves_into_are_layers() {
        let shared = ["hidden", "follow", "max_depth", "threads"];
        let args = format!("#[derive(clap::Parser)]\n{}", with_fields("Opts", &shared));
        let config = with_fields("Config", &shared);
        let walker = with_fields("Walker", &shared);
        let kinds = |sources: &[&str]| -> Vec<GroupKind> {
            abstraction_groups(sources).iter().map(|g| g.kind).collect()
        };
        assert!(!kinds(&[&args, &config]).contains(&GroupKind::Fields));
        assert!(kinds(&[&config, &walker]).contains(&GroupKind::Fields));
    }

    /// A struct `name` with the `shared` fields and one of its own.
    fn with_fields(name: &str, shared: &[&str]) -> String {
        let mut text = format!("struct {name} {{\n    {name}_only: bool,\n");
        for field in shared {
            let _ = writeln!(text, "    {field}: u64,");
        }
        text + "}\n"
    }

    #[test]
    fn three_fields_several_structs_declare_are_a_fields_group() {
        let shared = ["id", "host", "port"];
        let groups = abstraction_groups(&[
            &with_fields("server", &shared),
            &with_fields("client", &shared),
        ]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        let group = &groups[0];
        assert_eq!(group.kind, GroupKind::Fields);
        assert_eq!(
            group.detail.as_deref(),
            Some("the same 3 fields: host: u64, id: u64, port: u64")
        );
        // The copies are the shared fields' lines, not the struct.
        assert!(group
            .instances
            .iter()
            .all(|i| (i.start_line, i.end_line, i.code_lines) == (3, 5, 3)));
        // Two shared fields are too few.
        let groups = abstraction_groups(&[
            &with_fields("server", &shared[..2]),
            &with_fields("client", &shared[..2]),
        ]);
        assert!(groups.is_empty(), "{groups:#?}");
    }
}
