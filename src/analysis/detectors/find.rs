//! The clone search as a whole: runs every detector, drops allowed copies, measures the
//! groups (`measure.rs`), removes groups nested in bigger ones and ranks the rest.

use std::collections::HashMap;

use super::families::{discount_repeats, fold_nested_copies, join_near_families, merge_families};
use super::group::{CloneType, Group, GroupKind, Instance};
use super::interface::{interface, is_prologue};
use super::measure::measure_all;
use super::memo::Memo;
use super::size::DEFAULT_MIN_LINES;
use super::{abstractions, blocks, near, units};
use crate::analysis::scan::SourceFile;
use crate::analysis::source::cfg::{exclusive, Cfg};
use crate::config::Options;

/// Runs every detector and returns the groups ranked by lines saved, largest first; a group
/// that repeats groups ranked above it counts only the lines it has outside them.
///
/// `memo` answers what it computed before for the same tokens (see `memo.rs`).
pub fn find_duplicates(files: &[SourceFile], options: &Options, memo: &Memo) -> Vec<Group> {
    let units = units::find(files, options);
    let (near, blocks) = rayon::join(
        || near::find(files, options, &units.eligible, &units.exact_of, memo),
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
        group.sort_instances(files);
    }
    // Most files have no `#[cfg]`: look for alternatives only in groups that touch one.
    let has_cfg: Vec<bool> = (files.iter())
        .map(|f| f.cfg.is_some() || f.parsed.units.iter().any(|u| u.cfg.is_some()))
        .collect();
    for group in &mut groups {
        if group.instances.iter().any(|i| has_cfg[i.file]) {
            drop_exclusive_alternatives(files, group);
        }
    }
    // Most files implement no conversion trait: look only in groups whose files all do.
    let converts: Vec<bool> = (files.iter())
        .map(|f| {
            (f.parsed.units.iter()).any(|u| {
                u.trait_name
                    .as_deref()
                    .is_some_and(|t| CONVERSIONS.contains(&t))
            })
        })
        .collect();
    groups.retain(|g| {
        g.instances.len() >= 2
            && !all_conversions(files, g, &converts)
            && !across_examples(files, g)
    });
    let mut groups = measure_all(files, options, groups, memo);
    groups.retain(|g| g.kind != GroupKind::Block || !saves_nothing(files, g));
    // A merge that saves nothing (fields shared by too few structs cost more to extract than
    // they save; copies that differ in as many lines as they share, or pick other members
    // where a merge would need a closure for each) is no finding.
    groups.retain(|g| g.instances.len() >= 2 && g.saved > 0);
    let mut groups = drop_subsumed(drop_nested(groups));
    rank(&mut groups);
    let mut groups = fold_nested_copies(merge_families(files, groups));
    rank(&mut groups);
    let mut groups = join_near_families(files, options.similarity, groups);
    rank(&mut groups);
    discount_repeats(groups)
}

/// Largest saving first; the fingerprint breaks ties so the order is stable.
pub(super) fn rank(groups: &mut [Group]) {
    groups.sort_by(|a, b| {
        b.value()
            .cmp(&a.value())
            .then(a.fingerprint.cmp(&b.fingerprint))
    });
}

/// Whether every copy is in an example or a benchmark and they are in several files: each
/// such program is written to be read alone, and copies are how it stays so.
fn across_examples(files: &[SourceFile], group: &Group) -> bool {
    let file = group.instances[0].file;
    (group.instances.iter()).all(|inst| files[inst.file].is_standalone_program())
        && group.instances.iter().any(|inst| inst.file != file)
}

/// Traits whose impls convert one type into another: written once per source type on
/// purpose, and one generic impl in their place would conflict with the others.
const CONVERSIONS: [&str; 4] = ["From", "TryFrom", "Into", "TryInto"];

/// Whether every copy is in a conversion impl (the impl, a method, statements of one):
/// parallel API, not copies.
fn all_conversions(files: &[SourceFile], group: &Group, converts: &[bool]) -> bool {
    let kind = matches!(
        group.kind,
        GroupKind::Impl | GroupKind::Method | GroupKind::Block
    );
    kind && group.instances.iter().all(|inst| converts[inst.file])
        && group.instances.iter().all(|inst| {
            (files[inst.file].parsed.units.iter())
                .filter(|u| u.tokens.start <= inst.tokens.start && inst.tokens.end <= u.tokens.end)
                .min_by_key(|u| u.tokens.len())
                .and_then(|u| u.trait_name.as_deref())
                .is_some_and(|t| CONVERSIONS.contains(&t))
        })
}

/// Blocks whose merge would save nothing: a short prologue, or wiring whose extracted
/// function would be mostly signature (see `interface.rs`). Copies are alike, so the
/// narrowest interface of any copy is the one the extracted function would have.
fn saves_nothing(files: &[SourceFile], group: &Group) -> bool {
    let parsed = |inst: &Instance| &files[inst.file].parsed;
    let lines = group.lines();
    let prologue = || (group.instances.iter()).all(|i| is_prologue(parsed(i), &i.tokens));
    let wiring = |i: &Instance| interface(parsed(i), &i.tokens, lines).is_wiring(lines);
    (lines < DEFAULT_MIN_LINES as u32 && prologue()) || group.instances.iter().all(wiring)
}

/// The `#[cfg]` a copy is compiled under: its module's and its innermost unit's.
fn cfg_of(files: &[SourceFile], inst: &Instance) -> Option<Cfg> {
    let file = &files[inst.file];
    let unit = (file.parsed.units.iter())
        .filter(|u| u.start_line <= inst.start_line && inst.end_line <= u.end_line)
        .min_by_key(|u| u.end_line - u.start_line);
    Cfg::all(
        file.cfg
            .iter()
            .chain(unit.and_then(|u| u.cfg.as_ref()))
            .cloned()
            .collect(),
    )
}

/// Keeps of a group only copies that can build together: the unix and the windows version
/// of a function, or a feature's on and off versions, are alternatives, not copies to merge.
/// A copy is kept when it can build with every copy kept before it.
fn drop_exclusive_alternatives(files: &[SourceFile], group: &mut Group) {
    let cfgs: Vec<Option<Cfg>> = group.instances.iter().map(|i| cfg_of(files, i)).collect();
    if cfgs.iter().all(Option::is_none) {
        return;
    }
    let mut kept: Vec<usize> = Vec::new();
    for (i, cfg) in cfgs.iter().enumerate() {
        let fits = |k: &usize| match (cfg, &cfgs[*k]) {
            (Some(a), Some(b)) => !exclusive(a, b),
            _ => true,
        };
        if kept.iter().all(fits) {
            kept.push(i);
        }
    }
    if kept.len() < group.instances.len() {
        let instances = std::mem::take(&mut group.instances);
        group.instances = (instances.into_iter().enumerate())
            .filter_map(|(i, inst)| kept.contains(&i).then_some(inst))
            .collect();
    }
}

/// Drops exact and renamed copies of functions that a near-miss group of at least their value
/// reports with others: one group says it all.
fn drop_subsumed(groups: Vec<Group>) -> Vec<Group> {
    let key = |inst: &Instance| (inst.file, inst.start_line, inst.end_line);
    let near: HashMap<(usize, u32, u32), usize> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.clone_type == CloneType::NearMiss)
        .flat_map(|(i, g)| g.instances.iter().map(move |inst| (key(inst), i)))
        .collect();
    let subsumed: Vec<bool> = groups
        .iter()
        .map(|g| {
            let copies = matches!(g.clone_type, CloneType::Exact | CloneType::Renamed)
                && matches!(g.kind, GroupKind::Fn | GroupKind::Method);
            let first = near.get(&key(&g.instances[0]));
            copies
                && first.is_some_and(|&n| groups[n].value() >= g.value())
                && g.instances.iter().all(|inst| near.get(&key(inst)) == first)
        })
        .collect();
    groups
        .into_iter()
        .zip(subsumed)
        .filter_map(|(group, subsumed)| (!subsumed).then_some(group))
        .collect()
}

/// Drops code groups whose every instance lies inside an instance of one bigger code group,
/// and instances that overlap another instance of the same group.
fn drop_nested(mut groups: Vec<Group>) -> Vec<Group> {
    groups.sort_by_key(|g| {
        std::cmp::Reverse(g.instances.iter().map(Instance::lines).max().unwrap_or(0))
    });
    let mut kept: Vec<Group> = Vec::with_capacity(groups.len());
    // Instances of kept code groups by file, with the index of their group in `kept`.
    let mut by_file: HashMap<usize, Vec<(usize, Instance)>> = HashMap::new();
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
            // Redundant when one kept group holds every copy: a group whose copies lie in
            // different outer groups links code that none of them links.
            let outers = |inst: &Instance| -> Vec<usize> {
                by_file.get(&inst.file).map_or_else(Vec::new, |outer| {
                    outer
                        .iter()
                        .filter(|(_, o)| o.contains(inst))
                        .map(|(g, _)| *g)
                        .collect()
                })
            };
            let first = outers(&group.instances[0]);
            let nested = first.iter().any(|g| {
                group.instances[1..]
                    .iter()
                    .all(|inst| outers(inst).contains(g))
            });
            if nested {
                continue;
            }
            for inst in &group.instances {
                by_file
                    .entry(inst.file)
                    .or_default()
                    .push((kept.len(), inst.clone()));
            }
        }
        kept.push(group);
    }
    kept
}

#[cfg(test)]
pub(super) mod test {
    use super::*;
    use crate::cli::AnalysisArgs;
    use crate::config::ConfigFile;
    use std::fmt::Write;

    /// The default options.
    pub(in crate::analysis::detectors) fn options() -> Options {
        Options::resolve(&AnalysisArgs::default(), &ConfigFile::default()).unwrap()
    }

    /// In-memory files `a.rs`, `b.rs`, ... of package `p`, parsed.
    pub(in crate::analysis::detectors) fn files(sources: &[&str]) -> Vec<SourceFile> {
        sources
            .iter()
            .enumerate()
            .map(|(i, src)| SourceFile {
                rel: format!("{}.rs", (b'a' + i as u8) as char),
                path: format!("{}.rs", (b'a' + i as u8) as char).into(),
                package: "p".into(),
                parsed: crate::analysis::source::parse_str(src, "p", false).unwrap(),
                library_root: false,
                crate_root: "p".to_string(),
                cfg: None,
                secondary: false,
            })
            .collect()
    }

    /// Runs every detector over in-memory files `a.rs`, `b.rs`, ... with default options.
    pub(in crate::analysis::detectors) fn detect(sources: &[&str]) -> Vec<Group> {
        find_duplicates(&files(sources), &options(), &Memo::off())
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

    /// Three fields in two structs cost more to extract (a struct, its fields, one embedding
    /// line each) than they save; in four structs they are worth it.
    #[test]
    fn shared_fields_are_reported_only_when_extracting_them_saves_lines() {
        use std::fmt::Write;
        let structs = |names: &[&str]| {
            let mut text = String::new();
            for n in names {
                let _ = write!(
                    text,
                    "pub struct {n} {{\n    pub id: u64,\n    pub host: String,\n    pub port: u16,\n    pub {n}_only: bool,\n}}\n"
                );
            }
            text
        };
        let fields = |groups: &[Group]| {
            groups
                .iter()
                .filter(|g| g.kind == GroupKind::Fields)
                .count()
        };
        assert_eq!(fields(&detect(&[&structs(&["a", "b"])])), 0);
        let four = detect(&[&structs(&["a", "b", "c", "d"])]);
        assert_eq!(fields(&four), 1, "{four:#?}");
        assert!(four.iter().all(|g| g.saved_lines() > 0));
        // Layers of one configuration, each built from the one before, are not copies.
        let layered = format!(
            "{}fn resolve(a: a) -> b {{\n    b {{ id: a.id, host: a.host, port: a.port, b_only: true }}\n}}\n",
            structs(&["a", "b", "c", "d"])
        );
        assert_eq!(fields(&detect(&[&layered])), 0);
    }

    /// Methods that do the same to other members (`with_prefix`/`with_message`,
    /// `inc_length`/`dec_length`) are parallel API: a merge would need a closure to pick the
    /// member at every call and saves nothing. The same bodies with locals renamed are copies.
    #[test]
    fn parallel_methods_that_touch_other_members_are_not_copies() {
        let method = |name: &str, field: &str, op: &str, local: &str| {
            format!(
                "    pub fn {name}(&mut self, delta: u64) {{\n        let {local} = self.state.{field}.{op}(delta);\n        self.state.{field} = {local};\n        self.state.dirty = true;\n        self.draw_target.mark_zombie();\n    }}\n"
            )
        };
        let methods = |a: String, b: String| format!("impl Bar {{\n{a}{b}}}\n");
        let parallel = methods(
            method("inc_length", "len", "saturating_add", "next"),
            method("dec_length", "len", "saturating_sub", "next"),
        );
        let fields = methods(
            method("set_prefix", "prefix", "merge", "next"),
            method("set_message", "message", "merge", "next"),
        );
        assert!(
            detect(&[&parallel]).is_empty(),
            "{:#?}",
            detect(&[&parallel])
        );
        assert!(detect(&[&fields]).is_empty(), "{:#?}", detect(&[&fields]));
        let renamed = methods(
            method("grow", "len", "saturating_add", "next"),
            method("grow_again", "len", "saturating_add", "value"),
        );
        assert_eq!(detect(&[&renamed]).len(), 1);
    }

    /// A copy that delegates keeps its signature: two entry points with a long signature
    /// whose short bodies differ save nothing merged. An exact copy of a free function is
    /// replaced whole by a `use` of the other, however short its body.
    #[test]
    fn what_a_function_merge_saves_is_in_its_body_unless_a_use_replaces_it() {
        let entry = |name: &str, target: &str| {
            format!(
                "pub fn {name}(\n    h: &Helper<'_>,\n    r: &Registry<'_>,\n    ctx: &Context,\n    rc: &mut RenderContext<'_>,\n    out: &mut dyn Output,\n) -> Result<(), RenderError> {{\n    trace!(\"{name}\");\n    if let Some(found) = find_chapter(ctx, rc, Target::{target})? {{\n        render(h, r, ctx, rc, out, &found)?;\n    }}\n    Ok(())\n}}\n"
            )
        };
        let entries = entry("previous", "Previous") + &entry("next", "Next");
        assert!(detect(&[&entries]).is_empty(), "{:#?}", detect(&[&entries]));
        let equal = "pub fn equal<I, J>(a: I, b: J) -> bool\nwhere\n    I: IntoIterator,\n    J: IntoIterator,\n    I::Item: PartialEq<J::Item>,\n{\n    a.into_iter().eq(b)\n}\n";
        let copies = detect(&[equal, equal]);
        assert_eq!(copies.len(), 1, "{copies:#?}");
        assert_eq!(
            copies[0].saved_lines(),
            5,
            "six lines of code, less the `use`"
        );
    }

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

    /// A 9-line function (8 lines of code) padded with doc comments, comments, blank lines
    /// and attributes.
    const PADDED: &str = "/// Sums the weights.
///
/// Long documentation that a copy repeats.
#[inline]
#[must_use]
pub fn NAME(items: &[Item], limit: u64) -> u64 {
    // Start from nothing.
    let mut total = 0u64;

    #[allow(clippy::cast_possible_truncation)]
    for item in items.iter().filter(|item| item.enabled) {
        // Heavy items count double.
        total += if item.heavy { item.weight * 2 } else { item.weight };

        if total > limit {
            return limit;
        }
    }
    total.min(limit)
}
";

    #[test]
    fn lines_are_lines_of_code_and_min_lines_counts_the_span() {
        let groups = detect(&[&PADDED.replace("NAME", "a"), &PADDED.replace("NAME", "b")]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        // The span is the item's, the lines are lines of code.
        let inst = &groups[0].instances[0];
        assert_eq!((inst.start_line, inst.end_line), (6, 20));
        assert_eq!(groups[0].lines(), 10);
        // `--min-lines` counts the lines the code spans, as its location shows them: 11
        // lines, 5 of code, is big enough; its doc comment is not part of it.
        let spread = "/// Doc.
///
/// More doc.
pub fn NAME(items: &[Item], limit: u64) -> u64 {
    // One comment.

    let total: u64 = items.iter().filter(|item| item.enabled).map(|item| item.weight).sum();
    // Another.

    #[allow(clippy::cast_possible_truncation)]
    let capped = if total > limit { limit } else { total + u64::from(items.len() as u32) };

    capped
}
";
        let groups = detect(&[&spread.replace("NAME", "a"), &spread.replace("NAME", "b")]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        assert_eq!(groups[0].lines(), 5);
        // The same code on 5 lines is under `--min-lines` 6, doc comments or not.
        let compact = spread
            .replace("\n\n", "\n")
            .replace("    // One comment.\n", "")
            .replace("    // Another.\n", "")
            .replace("    #[allow(clippy::cast_possible_truncation)]\n", "");
        let groups = detect(&[&compact.replace("NAME", "a"), &compact.replace("NAME", "b")]);
        assert!(groups.is_empty(), "{compact}\n{groups:#?}");
    }

    #[test]
    fn conversions_from_different_types_are_parallel_api_not_copies() {
        let conversion = |trait_name: &str, from: &str| {
            format!(
                "impl {trait_name}<{from}> for Settings {{
    fn from(value: {from}) -> Self {{
        let mut settings = Settings::default();
        settings.jobs = value.jobs.unwrap_or(1).max(1);
        settings.color = value.color.is_some_and(|c| c != \"never\");
        settings.paths = value.paths.iter().map(PathBuf::from).collect();
        settings.quiet = value.verbosity == 0 && !value.trace;
        settings
    }}
}}
"
            )
        };
        let froms = [conversion("From", "Args"), conversion("From", "FileConfig")];
        let g = detect(&[&froms[0], &froms[1]]);
        assert!(g.is_empty(), "{g:#?}");
        // The same bodies in another trait's impls are copies.
        let others = [
            conversion("Merge", "Args"),
            conversion("Merge", "FileConfig"),
        ];
        assert!(!detect(&[&others[0], &others[1]]).is_empty());
    }

    #[test]
    fn delegations_in_several_types_form_no_group() {
        let wrapper = |ty: &str, field: &str| {
            format!(
                "impl AsyncWrite for {ty} {{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {{
        self.project().{field}.poll_write(cx, buf)
    }}
}}

impl {ty} {{
    /// Receives the next signal.
    pub async fn recv(
        &mut self,
        cx: &mut Context<'_>,
        deadline: Option<Instant>,
        budget: &mut Budget,
    ) -> Option<()> {{
        self.{field}.recv(cx, deadline, budget).await;
        Some(())
    }}

    pub fn try_read(
        &self,
        buf: &mut [u8],
        cx: &mut Context<'_>,
        budget: &mut Budget,
    ) -> io::Result<usize> {{
        self.registration().try_io(Interest::READABLE, || self.{field}.read(buf, cx, budget))
    }}
}}
"
            )
        };
        let groups = detect(&[
            &wrapper("Signal", "inner"),
            &wrapper("CtrlC", "io"),
            &wrapper("CtrlBreak", "rx"),
        ]);
        assert!(groups.is_empty(), "{groups:#?}");
        // Exact copies in other types are parallel API too; in one type, a copy.
        let groups = detect(&[&wrapper("Signal", "inner"), &wrapper("CtrlC", "inner")]);
        assert!(groups.is_empty(), "{groups:#?}");
        let groups = detect(&[&wrapper("Signal", "inner"), &wrapper("Signal", "inner")]);
        assert!(!groups.is_empty());
    }

    #[test]
    fn debug_impls_built_with_debug_struct_form_no_group() {
        let debug = |ty: &str, fields: &[&str]| {
            let fields = fields
                .iter()
                .map(|f| format!("            .field(\"{f}\", &self.{f})\n"))
                .collect::<Vec<_>>()
                .concat();
            format!(
                "impl fmt::Debug for {ty} {{
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {{
        fmt.debug_struct(\"{ty}\")
{fields}            .finish()
    }}
}}
"
            )
        };
        let groups = detect(&[
            &debug("ReadBuf", &["filled", "initialized", "capacity", "buf"]),
            &debug("BufReader", &["reader", "buffer", "pos"]),
            &debug("BufWriter", &["writer", "buffer", "written", "pos"]),
        ]);
        assert!(groups.is_empty(), "{groups:#?}");
        // The same impl written out for three types is still one.
        let same = ["filled", "initialized", "capacity", "buf"];
        let groups = detect(&[
            &debug("ReadBuf", &same),
            &debug("WriteBuf", &same),
            &debug("PeekBuf", &same),
        ]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        assert_eq!(groups[0].kind, GroupKind::Impl);
    }

    #[test]
    fn copies_that_share_only_gated_scaffolding_rank_below_real_copies() {
        // The same `#[cfg]`-gated tracing around a different core.
        let traced = |name: &str, call: &str, field: &str| {
            format!(
                "impl RwLock {{
    pub fn {name}(&self) -> Guard {{
        let permits = self.{call}(self.permits, self.mode);
        let guard = Guard::new(permits, self.{field}, self.semaphore.clone());
        #[cfg(all(tokio_unstable, feature = \"tracing\"))]
        self.resource_span.in_scope(|| {{
            tracing::trace!(
                target: \"runtime::resource::state_update\",
                locked = true,
                locked.op = \"override\",
            )
        }});
        #[cfg(all(tokio_unstable, feature = \"tracing\"))]
        self.resource_span.in_scope(|| {{
            tracing::trace!(
                target: \"runtime::resource::async_op::state_update\",
                locked = true,
            )
        }});
        guard
    }}
}}
"
            )
        };
        let real = "fn NAME(v: &[u32], limit: u32) -> u32 {
    let mut s = 0;
    for x in v {
        if *x > limit {
            s += x * 2;
        } else {
            s -= 1;
        }
        s = s.wrapping_mul(7);
    }
    s
}
";
        let groups = detect(&[
            &traced("read", "acquire_read", "reader"),
            &traced("write", "acquire_write", "writer"),
            &real.replace("NAME", "a"),
            &real.replace("NAME", "b"),
        ]);
        assert!(!groups.is_empty());
        assert_eq!(groups[0].instances[0].item, "p::a", "{groups:#?}");
        assert!(
            groups.iter().skip(1).all(|g| g.value() < groups[0].value()),
            "{groups:#?}"
        );
    }

    /// Examples are programs of their own, written to be read alone: copies between them
    /// are how each stays whole. A copy inside one example, or shared with the library, is
    /// still a copy.
    #[test]
    fn copies_across_examples_are_not_findings() {
        let setup = "fn NAME(url: &str) -> Vec<u8> {
    let client = Client::new();
    let mut request = client.get(url);
    request = request.header(\"accept\", \"*/*\");
    let response = request.send().unwrap();
    let total = response.content_length().unwrap_or(0);
    let mut body = Vec::with_capacity(total as usize);
    response.copy_to(&mut body).unwrap();
    body
}
";
        let placed = |dirs: [&str; 2]| {
            let mut files = files(&[&setup.replace("NAME", "a"), &setup.replace("NAME", "b")]);
            for (file, dir) in files.iter_mut().zip(dirs) {
                file.rel = format!("{dir}{}", file.rel);
            }
            find_duplicates(&files, &options(), &Memo::off()).len()
        };
        assert_eq!(placed(["examples/", "examples/"]), 0);
        assert_eq!(placed(["benches/", "examples/"]), 0);
        assert_eq!(placed(["src/", "examples/"]), 1);
        assert_eq!(placed(["src/", "src/"]), 1);
    }

    #[test]
    fn feature_gated_shims_form_no_group() {
        let shim = |name: &str, feature: &str, table: &str| {
            format!(
                "pub fn {name}() -> Result<hir::ClassUnicode, Error> {{
    #[cfg(not(feature = \"{feature}\"))]
    fn imp() -> Result<hir::ClassUnicode, Error> {{
        Err(Error::PerlClassNotFound)
    }}

    #[cfg(feature = \"{feature}\")]
    fn imp() -> Result<hir::ClassUnicode, Error> {{
        use crate::unicode_tables::{table}::BY_NAME;
        let set = property_set(BY_NAME, \"{name}\").ok_or(Error::PropertyValueNotFound)?;
        Ok(hir_class(set))
    }}

    imp()
}}
"
            )
        };
        let groups = detect(&[
            &shim("perl_word", "unicode-perl", "perl_word"),
            &shim("perl_space", "unicode-bool", "property_bool"),
            &shim("perl_digit", "unicode-gencat", "general_category"),
        ]);
        assert!(groups.is_empty(), "{groups:#?}");
    }

    #[test]
    fn platform_and_feature_alternatives_are_not_copies() {
        let body = "(v: &[u32]) -> u32 {\n    let mut s = 0;\n    for x in v {\n        if *x > 3 {\n            s += x * 2;\n        } else {\n            s -= 1;\n        }\n        s = s.wrapping_mul(7);\n    }\n    s\n}\n";
        let pair = |a: &str, b: &str| format!("#[cfg({a})]\nfn sum{body}#[cfg({b})]\nfn sum{body}");
        assert!(detect(&[&pair("unix", "windows")]).is_empty());
        let gated = format!(
            "mod imp {{\n#![cfg(feature = \"fast\")]\n}}\n{}",
            pair("feature = \"fast\"", "not(feature = \"fast\")")
        );
        assert!(detect(&[&gated]).is_empty());
        // Code that builds together is a copy: unix and one of its systems, or no cfg.
        assert_eq!(detect(&[&pair("unix", "target_os = \"linux\"")]).len(), 1);
        let three = format!("{}fn total{body}", pair("unix", "windows"));
        let groups = detect(&[&three]);
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[0].instances.len(), 2);
    }

    #[test]
    fn copies_that_differ_in_literals_on_most_lines_are_tables_not_copies() {
        let palette = |name: &str, colours: [&str; 6]| {
            let fields: String =
                (colours.iter().enumerate()).fold(String::new(), |mut out, (i, c)| {
                    let _ = writeln!(out, "        field_{i}: style(\"{c}\").bold(),");
                    out
                });
            format!("fn {name}() -> Palette {{\n    Palette {{\n{fields}        ..Palette::default()\n    }}\n}}\n")
        };
        // Five of six colours differ: five values to pass.
        let dark = palette("dark", ["#000", "#111", "#222", "#333", "#444", "#555"]);
        let light = palette("light", ["#000", "#eee", "#ddd", "#ccc", "#bbb", "#aaa"]);
        assert!(detect(&[&format!("{dark}{light}")]).is_empty());
        // One literal apart, the same code is a copy to merge with a parameter.
        let close = palette("close", ["#000", "#111", "#222", "#333", "#444", "#666"]);
        assert_eq!(detect(&[&format!("{dark}{close}")]).len(), 1);
    }

    #[test]
    fn groups_are_ranked_by_lines_saved() {
        let long = "fn long(v: &[u32]) -> u32 {\n    let mut s = 0;\n    for x in v {\n        if *x > 3 {\n            s += x * 2;\n        } else {\n            s -= 1;\n        }\n        s = s.wrapping_mul(7);\n    }\n    s\n}\n";
        let short = "fn short(v: &[u64]) -> u64 {\n    let mut total = v.len() as u64;\n    total += v.iter().sum::<u64>();\n    total *= 3;\n    total\n}\n";
        let groups = detect(&[&format!("{long}{short}"), &format!("{short}{long}")]);
        assert_eq!(groups.len(), 2, "{groups:#?}");
        assert!(groups[0].lines() > groups[1].lines());
    }

    /// A loop over a `match` that sets one field per arm: repetitive enough to be a table.
    const FLAGS: &str = "fn NAME(ast: &ast::Flags) -> Flags {
    let mut FLAGS = Flags::default();
    let mut enable = true;
    for ITEM in &ast.items {
        match ITEM.kind {
            ast::FlagsItemKind::Negation => {
                enable = false;
            }
            ast::FlagsItemKind::Flag(ast::Flag::CaseInsensitive) => {
                FLAGS.case_insensitive = Some(enable);
            }
            ast::FlagsItemKind::Flag(ast::Flag::MultiLine) => {
                FLAGS.multi_line = Some(enable);
            }
            ast::FlagsItemKind::Flag(ast::Flag::DotMatchesNewLine) => {
                FLAGS.dot_matches_new_line = Some(enable);
            }
            ast::FlagsItemKind::Flag(ast::Flag::SwapGreed) => {
                FLAGS.swap_greed = Some(enable);
            }
            ast::FlagsItemKind::Flag(ast::Flag::Unicode) => {
                FLAGS.unicode = Some(enable);
            }
            ast::FlagsItemKind::Flag(ast::Flag::CRLF) => {
                FLAGS.crlf = Some(enable);
            }
            ast::FlagsItemKind::Flag(ast::Flag::IgnoreWhitespace) => {}
        }
    }
    FLAGS
}
";

    #[test]
    fn tables_with_locals_renamed_are_copies_but_other_fields_are_not() {
        let flags = |name: &str, flags: &str, item: &str| {
            FLAGS
                .replace("NAME", name)
                .replace("FLAGS", flags)
                .replace("ITEM", item)
        };
        let renamed = detect(&[
            &flags("from_ast", "flags", "item"),
            &flags("from_ast_copy", "val", "cur"),
        ]);
        assert_eq!(renamed.len(), 1, "{renamed:#?}");
        assert_eq!(renamed[0].clone_type, CloneType::Renamed);
        // The same shape setting other fields is another table.
        let other = flags("other", "flags", "item")
            .replace("case_insensitive", "insensitive")
            .replace("multi_line", "lines")
            .replace("swap_greed", "greedy");
        let groups = detect(&[&flags("from_ast", "flags", "item"), &other]);
        assert!(groups.is_empty(), "{groups:#?}");
    }

    #[test]
    fn one_trait_impl_with_the_same_small_bodies_for_three_types_is_an_impl_group() {
        let imp = |ty: &str| {
            format!(
                "impl serde::ser::SerializeSeq for {ty} {{
    type Ok = Value;
    type Error = Error;

    fn serialize_element<T>(&mut self, value: &T) -> Result<()>
    where
        T: ?Sized + Serialize,
    {{
        self.vec.push(tri!(to_value(value)));
        Ok(())
    }}

    fn end(self) -> Result<Value> {{
        Ok(Value::Array(self.vec))
    }}
}}
"
            )
        };
        let groups = detect(&[&imp("A"), &imp("B"), &imp("C")]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        assert_eq!(groups[0].kind, GroupKind::Impl);
        assert_eq!(groups[0].instances.len(), 3);
    }

    #[test]
    fn one_trait_impl_holding_each_types_own_literals_is_data_not_a_copy() {
        let imp = |ty: &str, url: &str, env: &str| {
            format!(
                "impl RemoteClient for {ty} {{
    const API_URL: &'static str = \"{url}\";
    const API_URL_ENV: &'static str = \"{env}\";

    fn remote(&self) -> Remote {{
        self.remote.clone()
    }}

    fn client(&self) -> ClientWithMiddleware {{
        self.client.clone()
    }}
}}
"
            )
        };
        let own = [
            imp("GitHub", "https://api.github.com", "GITHUB_API_URL"),
            imp("GitLab", "https://gitlab.com/api/v4", "GITLAB_API_URL"),
            imp("Gitea", "https://codeberg.org", "GITEA_API_URL"),
        ];
        let groups = detect(&[&own[0], &own[1], &own[2]]);
        assert!(groups.is_empty(), "{groups:#?}");
        // The same literals in three types: the impl written out three times.
        let same: Vec<String> = ["A", "B", "C", "D"]
            .iter()
            .map(|ty| imp(ty, "https://api.github.com", "GITHUB_API_URL"))
            .collect();
        let groups = detect(&[&same[0], &same[1], &own[1], &same[2]]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        assert_eq!(groups[0].instances.len(), 3);
    }

    #[test]
    fn a_block_linking_copies_that_other_groups_hold_apart_is_kept() {
        let block = "    debug_assert!(V::BYTES <= 32, \"vector cannot be bigger than 32 bytes\");
    let topos = V::Mask::first_offset;
    let len = end.distance(start);
    debug_assert!(
        len >= V::BYTES,
        \"haystack has length {}, but must be at least {}\",
        len,
        V::BYTES
    );
";
        // Two near-identical searches, and two other functions that hold the same block.
        let search = |name: &str, step: &str| {
            format!(
                "unsafe fn {name}(start: *const u8, end: *const u8) -> Option<*const u8> {{
{block}    let mut cur = start;
    while cur < end {{
        if topos(cur.read()) == len {{
            return Some(cur);
        }}
        cur = cur.{step}(1);
    }}
    None
}}
"
            )
        };
        let other = |name: &str, tail: &str| {
            format!(
                "unsafe fn {name}(start: *const u8, end: *const u8) {{
    let mut steps: usize = 0;
    while steps < 3 {{
        steps += 1;
    }}
{block}    {tail}
}}
"
            )
        };
        let groups = detect(&[
            &search("find_raw", "add"),
            &search("rfind_raw", "sub"),
            &other("probe", "let _ = core::hint::black_box(len);"),
            &other("probe_again", "let _ = core::hint::black_box(topos);"),
        ]);
        let block_group = groups
            .iter()
            .find(|g| g.kind == GroupKind::Block)
            .unwrap_or_else(|| panic!("{groups:#?}"));
        let files: std::collections::HashSet<usize> =
            block_group.instances.iter().map(|i| i.file).collect();
        assert!(files.contains(&0) || files.contains(&1), "{groups:#?}");
        assert!(files.contains(&2) || files.contains(&3), "{groups:#?}");
    }

    #[test]
    fn a_short_body_sharing_three_of_four_lines_is_a_near_miss_copy() {
        let original = "fn from_trait<'de, R, T>(read: R) -> Result<T>
where
    R: Read<'de>,
    T: de::Deserialize<'de>,
{
    let mut de = Deserializer::new(read);
    let value = tri!(de::Deserialize::deserialize(&mut de));
    tri!(de.end());
    Ok(value)
}
";
        let copy = original
            .replace("from_trait<", "from_trait_again<")
            .replace("    tri!(de.end());\n", "");
        let groups = detect(&[original, &copy]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        assert_eq!(groups[0].clone_type, CloneType::NearMiss);
    }

    #[test]
    fn a_table_with_a_statement_inserted_is_a_near_miss_copy_of_itself_only() {
        use std::fmt::Write;
        let merge = |name: &str, fields: &[&str], extra: &str| {
            let mut text = format!("fn {name}(&mut self, previous: &Flags) {{\n");
            for (i, field) in fields.iter().enumerate() {
                if i == 2 {
                    text.push_str(extra);
                }
                let _ = write!(
                    text,
                    "    if self.{field}.is_none() {{\n        self.{field} = previous.{field};\n    }}\n"
                );
            }
            text + "}\n"
        };
        let fields = [
            "case_insensitive",
            "multi_line",
            "dot_matches_new_line",
            "swap_greed",
            "unicode",
            "crlf",
        ];
        let original = merge("merge", &fields, "");
        let copy = merge(
            "merge_again",
            &fields,
            "    if cfg!(debug_assertions) { let _ = core::mem::align_of::<u64>(); }\n",
        );
        let groups = detect(&[&original, &copy]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        assert_eq!(groups[0].clone_type, CloneType::NearMiss);
        // The same shape over other fields is another table.
        let others = ["greedy", "verbose", "octal", "lazy", "ascii", "strict"];
        let other = merge(
            "merge_other",
            &others,
            "    let _ = core::hint::black_box(0);\n",
        );
        let groups = detect(&[&original, &other]);
        assert!(groups.is_empty(), "{groups:#?}");
    }

    /// Runs of statements part to find longer runs only below the defaults' seeds: a
    /// statement repeated many times in a row (a generated table) is one group, as before.
    #[test]
    fn a_statement_repeated_a_thousand_times_is_one_group() {
        let table = format!(
            "fn fill(v: &mut Vec<u32>) {{\n{}}}\n",
            "    v.push(v.len() as u32 + 1);\n".repeat(1000)
        );
        let groups = detect(&[&table]);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        assert_eq!(groups[0].kind, GroupKind::Block);
    }
}
