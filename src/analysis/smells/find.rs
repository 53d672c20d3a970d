//! Every smell family run in turn, in the order the report lists them.

use super::map::ModuleMap;
use super::smell::Smell;
use super::{crates, functions, matches, modules, types};
use crate::analysis::scan::SourceFile;
use crate::analysis::workspace::{CrateDep, Warning};
use crate::config::Options;

/// What the smell finders found, and what they read it from.
#[derive(Debug, Default)]
pub struct Found {
    /// Workspace, module and type smells first, then functions, the furthest over a limit
    /// first; notes after all warnings.
    pub smells: Vec<Smell>,
    /// The manifests crate smells point into, to be listed after the analysed files.
    pub manifests: Vec<String>,
    /// The allow markers that silenced nothing.
    pub warnings: Vec<Warning>,
    /// The module graph the module smells were read from.
    pub modules: ModuleMap,
}

/// Every smell, in the order [`Found::smells`] says.
/// The smells of the first `reported` of `files`; the module graph reads them all (the others
/// are the analysed crates' files outside the paths given: what they use is used).
pub fn find_smells(
    (all, reported): (&[SourceFile], usize),
    options: &Options,
    crate_deps: &[CrateDep],
) -> Found {
    let files = &all[..reported];
    let (mut smells, manifests) = crates::find(crate_deps, &options.layers, files.len());
    // The module graph is most of the work: the rest is read beside it.
    let ((mut module_smells, modules), (local, mut functions)) = rayon::join(
        || modules::find(all, &options.thresholds),
        || {
            let mut local = matches::find(files, &options.thresholds);
            local.extend(types::find(files, &options.thresholds));
            (local, functions::find(files, &options.thresholds))
        },
    );
    module_smells.retain(|smell| smell.locations.first().is_some_and(|l| l.file < reported));
    let modules = modules.within(reported);
    smells.extend(module_smells);
    smells.extend(local);
    // Worst first whatever the rule: how many times over its limit a function is (a
    // cognitive complexity of 100 against 25 before 150 lines against 100).
    functions.sort_by(|a, b| {
        let times = |s: &Smell| {
            let metric = |k: &str| s.metrics.get(k).copied().unwrap_or(0.0);
            (metric("threshold") + metric("excess")) / metric("threshold").max(1.0)
        };
        (times(b).total_cmp(&times(a))).then(a.fingerprint.cmp(&b.fingerprint))
    });
    smells.extend(functions);
    // Nobody edits what a generator wrote: its modules and items still count as uses.
    smells.retain(|smell| {
        // Crate smells point at manifests, after the files.
        let file = smell.locations.first().and_then(|l| files.get(l.file));
        file.is_none_or(|f| f.parsed.generated.is_none())
    });
    let (silenced, mut kept): (Vec<Smell>, Vec<Smell>) =
        smells.into_iter().partition(|smell| allowed(files, smell));
    // Notes (what normal Rust does, reported for what it costs) after every warning.
    kept.sort_by_key(|smell| smell.severity == super::smell::Severity::Note);
    let silenced_functions = functions::silenced_rules(files, &options.thresholds);
    let mut warnings = unused_allows(files, &silenced, &silenced_functions);
    warnings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Found {
        smells: kept,
        manifests,
        warnings,
        modules,
    }
}

/// Allow markers that name a smell rule nothing reports where they stand, as rustc warns of
/// an `#[allow]` for a lint that fired nowhere near: `silenced` are the smells the markers
/// took out, `functions` the function rules an allow silenced during the parse (file,
/// function's first line, rule). Clone rules are left out: their markers take code out of
/// detection, so what they would have matched is not known.
fn unused_allows(
    files: &[SourceFile],
    silenced: &[Smell],
    functions: &[(usize, u32, &str)],
) -> Vec<Warning> {
    let smell_rules: Vec<&str> = (crate::analysis::rules::RULES.iter())
        .filter(|r| !r.is_clone())
        .map(|r| r.id)
        .collect();
    let mut warnings = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        let markers = (file.parsed.allowed.iter())
            .flat_map(|allow| allow.rules.iter().map(move |rule| (allow, rule)))
            .filter(|(_, rule)| smell_rules.contains(&rule.as_str()));
        for (allow, rule) in markers {
            let lines = &allow.lines;
            let function = (functions.iter())
                .any(|&(f, line, r)| f == fi && r == rule && lines.contains(&line));
            if !function && !silences(file, fi, (lines, rule), silenced) {
                warnings.push(Warning {
                    file: file.rel.clone(),
                    line: Some(allow.marker),
                    column: None,
                    message: format!(
                        "`cargo-loop: allow({rule})` silences nothing: no {rule} is reported \
                         on this item"
                    ),
                });
            }
        }
    }
    warnings
}

/// Whether a marker for `rule` over `lines` of file `fi` silences one of `smells`.
fn silences(
    file: &SourceFile,
    fi: usize,
    (lines, rule): (&std::ops::RangeInclusive<u32>, &String),
    smells: &[Smell],
) -> bool {
    (smells.iter())
        .filter(|s| s.kind.rule_id() == rule)
        .any(|smell| covers(file, fi, lines, smell))
}

/// Whether a marker over `lines` of file `fi` (naming the smell's rule) covers `smell`: the
/// smell is reported within those lines, or it is about the file's own module and the marker
/// covers the whole file.
fn covers(
    file: &SourceFile,
    fi: usize,
    lines: &std::ops::RangeInclusive<u32>,
    smell: &Smell,
) -> bool {
    let here =
        (smell.locations.first()).is_some_and(|l| l.file == fi && lines.contains(&l.start_line));
    let whole = lines.contains(&1) && lines.contains(&file.parsed.n_lines.max(1));
    let module = (file.parsed.modules.first()).is_some_and(|m| m.path == smell.item);
    here || (whole && module)
}

/// Whether a `// cargo-loop: allow(RULE)` marker covers `smell`: on the item where it is
/// reported (its first location) or one enclosing it, or atop the file of the module it is
/// about (a module's smells are reported where the module is declared).
fn allowed(files: &[SourceFile], smell: &Smell) -> bool {
    let rule = smell.kind.rule_id();
    // Crate smells point into manifests, listed after the Rust files: no marker covers them.
    (files.iter().enumerate()).any(|(fi, file)| {
        (file.parsed.allowed.iter()).any(|allow| {
            allow.rules.iter().any(|r| r == rule) && covers(file, fi, &allow.lines, smell)
        })
    })
}
