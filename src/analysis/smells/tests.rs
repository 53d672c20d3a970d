//! Every smell family on small inline crates: each rule just under and just over its limit,
//! with the kind, the item and the measured values it reports.

use super::{functions, matches, modules, types, Severity, Smell, SmellKind};
use crate::analysis::scan::SourceFile;
use crate::config::Thresholds;
use crate::options::ThresholdFlags;

/// A crate `k` from (file under `src/`, source): `lib.rs` or `main.rs` is the root (only
/// `lib.rs` is a library root), `a.rs` and `a/mod.rs` are `k::a`.
pub(super) fn krate(sources: &[(&str, &str)]) -> Vec<SourceFile> {
    sources
        .iter()
        .map(|(rel, src)| {
            let stem = rel.trim_end_matches(".rs").trim_end_matches("/mod");
            let module = match stem {
                "lib" | "main" => "k".to_string(),
                other => format!("k::{}", other.replace('/', "::")),
            };
            SourceFile {
                rel: format!("src/{rel}"),
                path: format!("src/{rel}").into(),
                package: "k".to_string(),
                parsed: crate::analysis::source::parse_str(src, &module, false).unwrap(),
                library_root: *rel == "lib.rs",
                crate_root: "k".to_string(),
                cfg: None,
                secondary: false,
            }
        })
        .collect()
}

fn defaults() -> Thresholds {
    ThresholdFlags::default().resolve()
}

/// The smells of `kind` among `smells`.
fn of(smells: Vec<Smell>, kind: SmellKind) -> Vec<Smell> {
    smells.into_iter().filter(|s| s.kind == kind).collect()
}

/// The function smells of one `lib.rs`.
fn fn_smells(src: &str, t: &Thresholds, kind: SmellKind) -> Vec<Smell> {
    of(functions::find(&krate(&[("lib.rs", src)]), t), kind)
}

/// The module smells of a crate.
fn mod_smells(sources: &[(&str, &str)], t: &Thresholds, kind: SmellKind) -> Vec<Smell> {
    of(modules::find(&krate(sources), t).0, kind)
}

/// The values of `keys` in a smell's metrics.
fn metric(smell: &Smell, keys: &[&str]) -> Vec<f64> {
    keys.iter().map(|k| smell.metrics[*k]).collect()
}

/// A function spanning `lines` lines, with four `if`s: logic, not data.
fn fn_of_lines(lines: usize) -> String {
    let ifs = "    if a {}\n".repeat(4);
    format!(
        "fn f(a: bool) {{\n{ifs}{}}}\n",
        "    let _ = 0;\n".repeat(lines - 6)
    )
}

/// A function with `n` flat `if`s: cyclomatic `n + 1`, cognitive `n`.
fn fn_of_ifs(n: usize) -> String {
    format!("fn f(a: bool) {{\n{}}}\n", "    if a {}\n".repeat(n))
}

/// Three nested `if`s: cognitive 1 + 2 + 3, cyclomatic 4, nesting 3.
const NESTED: &str =
    "fn f(a: bool) {\n    if a {\n        if a {\n            if a {}\n        }\n    }\n}\n";

fn params(n: usize) -> String {
    let list: Vec<String> = (0..n).map(|i| format!("p{i}: u8")).collect();
    format!("fn f({}) {{}}\n", list.join(", "))
}

// ---- functions.rs ----

#[test]
fn long_function_just_over_the_default_limit() {
    let found = fn_smells(&fn_of_lines(101), &defaults(), SmellKind::LongFunction);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].item, "k::f");
    let keys = ["lines", "threshold", "excess", "cognitive"];
    assert_eq!(metric(&found[0], &keys), [101.0, 100.0, 1.0, 4.0]);
    assert_eq!(
        (
            found[0].locations[0].start_line,
            found[0].locations[0].end_line
        ),
        (1, 101)
    );
}

#[test]
fn long_function_at_the_limit_is_not_reported() {
    let found = fn_smells(&fn_of_lines(100), &defaults(), SmellKind::LongFunction);
    assert!(found.is_empty(), "{found:?}");
}

/// Comments and blank lines are not lines of code, as clippy's `too_many_lines` counts.
#[test]
fn comments_and_blank_lines_do_not_make_a_function_long() {
    let explained = fn_of_lines(96).replacen(
        "    let _ = 0;\n",
        "    // Why the next step comes first,\n    // and what it saves.\n\n    let _ = 0;\n",
        5,
    );
    assert!(explained.lines().count() > 110);
    let found = fn_smells(&explained, &defaults(), SmellKind::LongFunction);
    assert!(found.is_empty(), "{found:?}");
    let found = fn_smells(&fn_of_lines(101), &defaults(), SmellKind::LongFunction);
    assert!(
        found[0].message.contains("has 101 lines of code"),
        "{found:?}"
    );
}

#[test]
fn cyclomatic_alone_is_not_a_finding_but_shows_in_the_metrics() {
    // A flat table of 40 `if`s: cyclomatic 41, cognitive 40 is over; 20 `||`s are not.
    let flat = format!(
        "fn f(a: bool) -> bool {{\n    {}\n}}\n",
        vec!["a"; 21].join(" || ")
    );
    let cognitive = |src: &str| {
        let files = krate(&[("lib.rs", src)]);
        files[0].parsed.units[0].metrics.unwrap()
    };
    let m = cognitive(&flat);
    assert!(m.cyclomatic > 15 && m.cognitive <= 25, "{m:?}");
    assert!(functions::find(&krate(&[("lib.rs", &flat)]), &defaults()).is_empty());
    let found = fn_smells(&fn_of_ifs(26), &defaults(), SmellKind::ComplexFunction);
    assert_eq!(found.len(), 1);
    let keys = ["cognitive", "cyclomatic", "threshold", "excess"];
    assert_eq!(metric(&found[0], &keys), [26.0, 27.0, 25.0, 1.0]);
    assert!(
        found[0]
            .message
            .contains("cognitive complexity 26 (limit 25; cyclomatic 27, limit 15)"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_long_function_that_is_data_is_not_long() {
    // 150 lines of one literal table and a builder chain: cognitive 0.
    let rows = "        (1, \"one\"),\n".repeat(150);
    let src = format!("fn table() -> Vec<(u8, &'static str)> {{\n    vec![\n{rows}    ]\n}}\n");
    assert!(functions::find(&krate(&[("lib.rs", &src)]), &defaults()).is_empty());
}

#[test]
fn the_lines_of_a_table_match_do_not_count_towards_length() {
    // A `Display` over 40 variants, each arm three lines with a branch: 120 lines of table.
    let arm = "        E::VN(x) => {\n            if *x { write!(f, \"vN\") } else { write!(f, \"-\") }\n        }\n";
    let arms: String = (0..40).map(|v| arm.replace('N', &v.to_string())).collect();
    let steps = "    let a = 1;\n    println!(\"{a}\");\n".repeat(5);
    let display = |steps: &str| {
        format!("fn fmt(e: &E, f: &mut F) -> R {{\n{steps}    match e {{\n{arms}    }}\n}}\n")
    };
    let found = |src: &str| functions::find(&krate(&[("lib.rs", src)]), &defaults());
    assert!(found(&display(&steps)).is_empty());
    // The steps around the table still count: 12 times as many are too many.
    let long = found(&display(&steps.repeat(12)));
    assert_eq!(long.len(), 1, "{long:?}");
    assert_eq!(long[0].kind, SmellKind::LongFunction);
}

#[test]
fn one_finding_per_function_carries_every_rule_it_breaks() {
    let t = Thresholds {
        max_cognitive: 5,
        max_nesting: 2,
        max_params: 1,
        ..defaults()
    };
    let src = NESTED.replace("(a: bool)", "(a: bool, b: u8)");
    let found = functions::find(&krate(&[("lib.rs", &src)]), &t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, SmellKind::ComplexFunction);
    assert_eq!(
        found[0].message,
        "`f` has cognitive complexity 6 (limit 5), nests 3 levels deep (limit 2) and takes 2 \
         parameters (limit 1): it is hard to follow and to test; split the branches into \
         functions or flatten them with early returns"
    );
    // Silencing the leading rule leaves the others, led by the next.
    let allowed = format!("// cargo-loop: allow(complex-function)\n{src}");
    let found = functions::find(&krate(&[("lib.rs", &allowed)]), &t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, SmellKind::DeepNesting);
}

#[test]
fn cognitive_over_its_limit_is_reported_by_cognitive() {
    let t = Thresholds {
        max_cognitive: 5,
        ..defaults()
    };
    let found = fn_smells(NESTED, &t, SmellKind::ComplexFunction);
    assert_eq!(found.len(), 1);
    let keys = ["cognitive", "cyclomatic", "threshold", "excess"];
    assert_eq!(metric(&found[0], &keys), [6.0, 4.0, 5.0, 1.0]);
}

#[test]
fn cognitive_at_its_limit_is_not_reported() {
    let t = Thresholds {
        max_cognitive: 6,
        ..defaults()
    };
    assert!(fn_smells(NESTED, &t, SmellKind::ComplexFunction).is_empty());
}

#[test]
fn nesting_over_its_limit_is_reported() {
    let t = Thresholds {
        max_nesting: 2,
        ..defaults()
    };
    let found = fn_smells(NESTED, &t, SmellKind::DeepNesting);
    assert_eq!(found.len(), 1);
    assert_eq!(metric(&found[0], &["nesting", "excess"]), [3.0, 1.0]);
}

#[test]
fn nesting_at_its_limit_is_not_reported() {
    let t = Thresholds {
        max_nesting: 3,
        ..defaults()
    };
    assert!(fn_smells(NESTED, &t, SmellKind::DeepNesting).is_empty());
}

#[test]
fn eight_params_are_too_many() {
    let found = fn_smells(&params(8), &defaults(), SmellKind::TooManyParams);
    assert_eq!(found.len(), 1);
    assert_eq!(metric(&found[0], &["params", "threshold"]), [8.0, 7.0]);
}

#[test]
fn seven_params_and_self_are_not_too_many() {
    assert!(fn_smells(&params(7), &defaults(), SmellKind::TooManyParams).is_empty());
    let method =
        "struct S;\nimpl S { fn m(&self, a: u8, b: u8, c: u8, d: u8, e: u8, f: u8, g: u8) {} }";
    assert!(fn_smells(method, &defaults(), SmellKind::TooManyParams).is_empty());
}

#[test]
fn cargo_loop_allow_silences_a_function_smell() {
    let src = format!("// cargo-loop: allow(too-many-params)\n{}", params(8));
    assert!(fn_smells(&src, &defaults(), SmellKind::TooManyParams).is_empty());
}

#[test]
fn clippy_allow_silences_a_function_smell() {
    let src = format!("#[allow(clippy::too_many_arguments)]\n{}", params(8));
    assert!(fn_smells(&src, &defaults(), SmellKind::TooManyParams).is_empty());
}

/// A clippy allow on the file, an inline module or an impl covers the functions inside, as
/// clippy's lint levels do.
#[test]
fn a_clippy_allow_around_a_function_silences_its_smell() {
    let many = params(8);
    for src in [
        format!("#![allow(clippy::too_many_arguments)]\n{many}"),
        format!("#[allow(clippy::too_many_arguments)]\nmod m {{\n{many}}}\n"),
        format!("struct S;\n#[expect(clippy::too_many_arguments)]\nimpl S {{\n{many}}}\n"),
    ] {
        let found = fn_smells(&src, &defaults(), SmellKind::TooManyParams);
        assert!(found.is_empty(), "{src}: {found:?}");
    }
    let elsewhere = format!("#[allow(clippy::too_many_arguments)]\nmod m {{}}\n{many}");
    assert_eq!(
        fn_smells(&elsewhere, &defaults(), SmellKind::TooManyParams).len(),
        1
    );
}

#[test]
fn an_allow_silences_only_what_it_names_on_the_item_below_it() {
    let other = format!("// cargo-loop: allow(long-function)\n{}", params(8));
    assert_eq!(
        fn_smells(&other, &defaults(), SmellKind::TooManyParams).len(),
        1
    );
    let far = format!(
        "// cargo-loop: allow(too-many-params)\n\nfn g() {{}}\n\n{}",
        params(8)
    );
    assert_eq!(
        fn_smells(&far, &defaults(), SmellKind::TooManyParams).len(),
        1
    );
    let both = format!(
        "// cargo-loop: allow(long-function, too-many-params)\n{}",
        params(8)
    );
    assert!(fn_smells(&both, &defaults(), SmellKind::TooManyParams).is_empty());
}

#[test]
fn the_rule_ids_an_allow_may_name_are_the_reports_rule_ids() {
    use crate::analysis::detectors::CloneType;
    let mut expected = vec!["duplicate"];
    expected.extend(
        [
            CloneType::Exact,
            CloneType::Renamed,
            CloneType::NearMiss,
            CloneType::Abstraction,
        ]
        .map(CloneType::rule_id),
    );
    expected.extend(SmellKind::ALL.map(SmellKind::rule_id));
    let mut known = crate::analysis::source::RULE_IDS.to_vec();
    known.sort_unstable();
    expected.sort_unstable();
    assert_eq!(known, expected);
}

#[test]
fn an_allow_that_names_no_rule_is_kept_for_a_warning() {
    let src = format!(
        "// cargo-loop: allow(long-funcion, too-many-params)\n{}",
        params(8)
    );
    let files = krate(&[("lib.rs", &src)]);
    assert_eq!(
        files[0].parsed.unknown_allows,
        [(1, "long-funcion".to_owned())]
    );
    assert!(fn_smells(&src, &defaults(), SmellKind::TooManyParams).is_empty());
}

#[test]
fn a_marker_shown_in_a_doc_comment_or_spelled_in_a_string_is_no_marker() {
    let src = format!(
        "//! `// cargo-loop: allow(x)` is a marker.\n\
         /// Write `// cargo-loop: allow(..)` above an item.\n\
         pub const M: &str = \"cargo-loop: allow(\";\n{}",
        params(8)
    );
    let files = krate(&[("lib.rs", &src)]);
    assert!(files[0].parsed.unknown_allows.is_empty());
    assert_eq!(
        fn_smells(&src, &defaults(), SmellKind::TooManyParams).len(),
        1
    );
}

// ---- types.rs ----

fn struct_of_fields(n: usize) -> String {
    let fields: Vec<String> = (0..n).map(|i| format!("f{i}: u8")).collect();
    format!("pub struct Big {{ {} }}", fields.join(", "))
}

#[test]
fn sixteen_fields_make_a_god_type() {
    let found = types::find(&krate(&[("lib.rs", &struct_of_fields(16))]), &defaults());
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].kind, found[0].item.as_str()),
        (SmellKind::GodType, "k::Big")
    );
    assert_eq!(metric(&found[0], &["fields", "max_fields"]), [16.0, 15.0]);
}

#[test]
fn fifteen_fields_or_many_variants_are_not_a_god_type() {
    assert!(types::find(&krate(&[("lib.rs", &struct_of_fields(15))]), &defaults()).is_empty());
    let variants: Vec<String> = (0..20).map(|i| format!("V{i}")).collect();
    let en = format!("pub enum E {{ {} }}", variants.join(", "));
    assert!(types::find(&krate(&[("lib.rs", &en)]), &defaults()).is_empty());
}

/// `S` has 3 inherent methods across two impl blocks in two modules, and one trait impl.
const SPLIT_IMPLS: [(&str, &str); 3] = [
    ("lib.rs", "mod a;\nmod b;"),
    (
        "a.rs",
        "pub struct S;\nimpl S { pub fn one(&self) {} }\nimpl Clone for S { fn clone(&self) -> S { S } }",
    ),
    ("b.rs", "use crate::a::S;\nimpl S { pub fn two(&self) {} pub fn three() {} }"),
];

#[test]
fn methods_across_impl_blocks_make_a_god_type() {
    let t = Thresholds {
        max_type_methods: 2,
        ..defaults()
    };
    let found = types::find(&krate(&SPLIT_IMPLS), &t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].item, "k::S");
    let keys = ["methods", "trait_methods", "trait_impls"];
    assert_eq!(metric(&found[0], &keys), [3.0, 1.0, 1.0]);
}

#[test]
fn trait_methods_do_not_count_toward_a_god_type() {
    let t = Thresholds {
        max_type_methods: 3,
        ..defaults()
    };
    assert!(types::find(&krate(&SPLIT_IMPLS), &t).is_empty());
}

#[test]
fn a_name_declared_twice_is_not_a_god_type() {
    let big = struct_of_fields(16);
    let files = krate(&[("lib.rs", "mod a;\nmod b;"), ("a.rs", &big), ("b.rs", &big)]);
    assert!(types::find(&files, &defaults()).is_empty());
}

// ---- matches.rs ----

/// A module matching `Color` variant by variant (or with a catch-all when `wild`).
fn color_match(wild: bool) -> String {
    let last = if wild { "_" } else { "crate::Color::Blue" };
    format!("pub fn f(c: crate::Color) -> u8 {{ match c {{ crate::Color::Red => 1, crate::Color::Green => 2, {last} => 3 }} }}")
}

fn color_crate(wild_in_c: bool) -> Vec<SourceFile> {
    krate(&[
        (
            "lib.rs",
            "mod a;\nmod b;\nmod c;\npub enum Color { Red, Green, Blue }",
        ),
        ("a.rs", &color_match(false)),
        ("b.rs", &color_match(false)),
        ("c.rs", &color_match(wild_in_c)),
    ])
}

#[test]
fn a_match_repeated_in_three_modules_is_shotgun_surgery() {
    let found = matches::find(&color_crate(false), &defaults());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].kind, found[0].item.as_str()),
        (SmellKind::RepeatedMatch, "k::Color")
    );
    let keys = ["modules", "matches", "variants", "threshold"];
    assert_eq!(metric(&found[0], &keys), [3.0, 3.0, 3.0, 3.0]);
    assert_eq!(found[0].locations.len(), 3);
}

#[test]
fn a_catch_all_arm_is_not_a_variant_by_variant_match() {
    assert!(matches::find(&color_crate(true), &defaults()).is_empty());
}

#[test]
fn matches_of_an_enum_the_crate_does_not_declare_are_not_reported() {
    let files = krate(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;"),
        ("a.rs", &color_match(false)),
        ("b.rs", &color_match(false)),
        ("c.rs", &color_match(false)),
    ]);
    assert!(matches::find(&files, &defaults()).is_empty());
}

// ---- visibility.rs (through modules::find) ----

#[test]
fn a_pub_item_used_only_in_its_module_is_needless() {
    let found = mod_smells(
        &[
            ("main.rs", "mod a;\nfn main() { a::run(); }"),
            ("a.rs", "pub fn run() { helper() }\npub fn helper() {}"),
        ],
        &defaults(),
        SmellKind::NeedlessPub,
    );
    let items: Vec<&str> = found.iter().map(|s| s.item.as_str()).collect();
    assert_eq!(items, ["k::a::helper"]);
    assert_eq!(found[0].locations[0].start_line, 2);
}

#[test]
fn a_pub_main_is_an_entry_point_not_needless() {
    let found = mod_smells(
        &[("main.rs", "pub fn main() {}\npub fn unused() {}")],
        &defaults(),
        SmellKind::NeedlessPub,
    );
    let items: Vec<&str> = found.iter().map(|s| s.item.as_str()).collect();
    assert_eq!(items, ["k::unused"]);
}

#[test]
fn a_block_of_constants_of_one_type_stays_whole_when_one_is_needed() {
    let units = "pub const SECOND: u64 = 1;\npub const MINUTE: u64 = 60 * SECOND;\n\
                 pub const HOUR: u64 = 60 * MINUTE;\npub const LIMIT: usize = 3;\n\n\
                 pub const ALONE: u64 = 1;\nfn f() -> usize { LIMIT + ALONE as usize }";
    let found = mod_smells(
        &[
            ("main.rs", "mod a;\nfn main() { let _ = a::HOUR; }"),
            ("a.rs", units),
        ],
        &defaults(),
        SmellKind::NeedlessPub,
    );
    let items: Vec<&str> = found.iter().map(|s| s.item.as_str()).collect();
    // `LIMIT` is of another type, and `ALONE` is not next to the block.
    assert_eq!(items, ["k::a::LIMIT", "k::a::ALONE"]);
}

#[test]
fn pub_items_used_through_a_use_or_a_path_are_needed() {
    let found = mod_smells(
        &[
            ("main.rs", "mod a;\nmod b;\nfn main() { b::go(); }"),
            ("a.rs", "pub struct ByUse;\npub fn by_path() {}"),
            (
                "b.rs",
                "use crate::a::ByUse;\npub fn go() { let _ = ByUse; crate::a::by_path(); }",
            ),
        ],
        &defaults(),
        SmellKind::NeedlessPub,
    );
    assert!(found.is_empty(), "{found:?}");
}

/// `use $crate::{a::check, b::{C, D}}` in an exported macro uses each leaf wherever the macro
/// expands (ouch's `info!` and its `stderr_check`).
#[test]
fn leaves_of_a_braced_use_in_a_macro_body_are_needed() {
    let found = mod_smells(
        &[
            ("main.rs", "mod a;\nmod b;\nfn main() { b::go(); }"),
            (
                "a.rs",
                "#[macro_export]\nmacro_rules! say { () => {{\n\
                 use $crate::{a::check, b::{Cheer as Loud, self}};\ncheck(Loud::new());\n}}; }\n\
                 pub fn check(_: crate::b::Cheer) {}\npub fn unused() {}",
            ),
            (
                "b.rs",
                "pub struct Cheer;\nimpl Cheer { pub fn new() -> Cheer { Cheer } }\n\
                 pub fn go() { crate::say!(); }",
            ),
        ],
        &defaults(),
        SmellKind::NeedlessPub,
    );
    let items: Vec<&str> = found.iter().map(|s| s.item.as_str()).collect();
    assert_eq!(items, ["k::a::unused"]);
}

/// At a program's root, every module sees the private items: the message says so, not
/// "nothing outside `k`".
#[test]
fn a_needless_pub_at_a_program_root_says_private_is_seen_by_every_module() {
    let found = mod_smells(
        &[(
            "main.rs",
            "pub const EXIT: i32 = 1;\nfn main() { let _ = EXIT; }",
        )],
        &defaults(),
        SmellKind::NeedlessPub,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .message
            .contains("is `pub` at the root of `k`, whose private items"),
        "{}",
        found[0].message
    );
}

#[test]
fn pub_items_of_a_library_root_are_api() {
    let found = mod_smells(
        &[("lib.rs", "pub fn api() {}")],
        &defaults(),
        SmellKind::NeedlessPub,
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn items_the_compiler_the_linker_or_serde_name_are_not_needless() {
    let found = mod_smells(
        &[
            ("main.rs", "mod a;\nmod wire;\nfn main() {}"),
            (
                "a.rs",
                "#[proc_macro_derive(X)]\npub fn derive(i: TokenStream) -> TokenStream { i }\n\
                 #[no_mangle]\npub fn exported() {}\n\
                 #[unsafe(no_mangle)]\npub fn exported_2024() {}\n\
                 pub extern \"C\" fn callback() {}\n\
                 pub mod hex { pub fn serialize() {} pub fn deserialize() {} pub fn other() {} }\n\
                 pub fn zero() -> u8 { 0 }\n\
                 pub struct Raw { pub f: u8 }\npub fn ser() {}\n\
                 #[repr(C)]\npub struct Ffi { pub x: u8 }\n\
                 #[repr(align(8))]\npub struct Aligned;\n\
                 macro_rules! m { () => { crate::a::in_macro() } }\npub fn in_macro() {}\n\
                 pub fn unused() {}",
            ),
            (
                "wire.rs",
                "#[derive(serde::Serialize)]\n#[serde(from = \"crate::a::Raw\")]\nstruct S {\n\
                 #[serde(with = \"crate::a::hex\", default = \"crate::a::zero\")]\nf: u8,\n}\n\
                 #[derive(serde::Serialize)]\nenum E {\n#[serde(serialize_with = \"crate::a::ser\")]\nA(u8),\n}",
            ),
        ],
        &defaults(),
        SmellKind::NeedlessPub,
    );
    let items: Vec<&str> = found.iter().map(|s| s.item.as_str()).collect();
    assert_eq!(items, ["k::a::Aligned", "k::a::unused", "k::a::hex::other"]);
}

// ---- scope.rs (through module cycles) ----

/// `a` names `X` through `b`'s re-export of `c::X`; `c` calls back into `a` when `back`.
fn reexport_crate(back: bool) -> Vec<(&'static str, &'static str)> {
    let c = if back {
        "pub struct X;\npub fn g() { crate::a::f(); }"
    } else {
        "pub struct X;\npub fn g() {}"
    };
    vec![
        ("lib.rs", "mod a;\nmod b;\nmod c;"),
        ("a.rs", "use crate::b::X;\npub fn f() -> X { X }"),
        ("b.rs", "pub use crate::c::X;"),
        ("c.rs", c),
    ]
}

#[test]
fn a_cycle_through_a_re_export_reaches_the_defining_module() {
    let found = mod_smells(&reexport_crate(true), &defaults(), SmellKind::ModuleCycle);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].item, "k::a");
    assert!(
        found[0].message.contains("k::a -> k::c -> k::a"),
        "{}",
        found[0].message
    );
    assert_eq!(metric(&found[0], &["cycle_len"]), [2.0]);
    assert_eq!(found[0].locations.len(), 2);
}

#[test]
fn a_re_export_alone_makes_no_cycle() {
    let found = mod_smells(&reexport_crate(false), &defaults(), SmellKind::ModuleCycle);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_cycle_through_super_and_a_module_alias() {
    let found = mod_smells(
        &[
            ("lib.rs", "mod p;"),
            ("p/mod.rs", "mod q;\npub fn f() { q::g() }"),
            ("p/q.rs", "use super as up;\npub fn g() { up::f() }"),
        ],
        &defaults(),
        SmellKind::ModuleCycle,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].message.contains("k::p -> k::p::q -> k::p"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_module_and_its_ancestors_in_a_cycle_are_a_note_after_the_warnings() {
    let found = mod_smells(
        &[
            ("lib.rs", "mod p;\nmod x;\nmod y;\npub struct Root;"),
            ("p/mod.rs", "mod q;\npub fn f() { q::g() }"),
            ("p/q.rs", "pub fn g() { super::f(); let _ = crate::Root; }"),
            ("x.rs", "pub fn f() { crate::y::g() }"),
            ("y.rs", "pub fn g() { crate::x::f() }"),
        ],
        &defaults(),
        SmellKind::ModuleCycle,
    );
    let seen: Vec<(Severity, &str)> = found
        .iter()
        .map(|s| (s.severity, s.message.split(';').next().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                Severity::Warning,
                "modules depend on each other in a cycle: k::x -> k::y -> k::x"
            ),
            (
                Severity::Note,
                "modules depend on each other in a cycle: k::p -> k::p::q -> k::p"
            ),
        ]
    );
    assert!(
        found[1].message.contains("its parent use each other"),
        "{}",
        found[1].message
    );
}

// ---- modules.rs: god, hub and unstable dependency ----

#[test]
fn a_module_over_its_item_limit_is_a_god_module() {
    let t = Thresholds {
        max_module_items: 2,
        ..defaults()
    };
    let files = [
        ("lib.rs", "mod a;"),
        ("a.rs", "fn x() {}\nfn y() {}\nfn z() {}"),
    ];
    let found = mod_smells(&files, &t, SmellKind::GodModule);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].item, "k::a");
    assert_eq!(metric(&found[0], &["items", "max_items"]), [3.0, 2.0]);
}

#[test]
fn a_module_at_its_limits_is_not_a_god_module() {
    let t = Thresholds {
        max_module_items: 3,
        max_module_lines: 3,
        ..defaults()
    };
    let files = [
        ("lib.rs", "mod a;"),
        ("a.rs", "fn x() {}\nfn y() {}\nfn z() {}"),
    ];
    assert!(mod_smells(&files, &t, SmellKind::GodModule).is_empty());
}

#[test]
fn a_module_over_its_line_limit_is_a_god_module() {
    let t = Thresholds {
        max_module_lines: 3,
        ..defaults()
    };
    let files = [
        ("lib.rs", "mod a;"),
        (
            "a.rs",
            "fn x() {\n    let _ = 1;\n}\n// a comment\n\nfn y() {}",
        ),
    ];
    let found = mod_smells(&files, &t, SmellKind::GodModule);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(metric(&found[0], &["code_lines"]), [4.0]);
}

/// `h` is used by `a` and `b` and uses `x`, plus `y` when `both`.
fn hub_crate(both: bool) -> Vec<(&'static str, &'static str)> {
    let h = if both {
        "pub fn f() { crate::x::f(); crate::y::f(); }"
    } else {
        "pub fn f() { crate::x::f(); }"
    };
    vec![
        ("lib.rs", "mod a; mod b; mod h; mod x; mod y;"),
        ("a.rs", "pub fn f() { crate::h::f(); }"),
        ("b.rs", "pub fn f() { crate::h::f(); }"),
        ("h.rs", h),
        ("x.rs", "pub fn f() {}"),
        ("y.rs", "pub fn f() {}"),
    ]
}

#[test]
fn fan_in_and_fan_out_at_the_limit_make_a_hub() {
    let t = Thresholds {
        hub_fan: 2,
        ..defaults()
    };
    let found = mod_smells(&hub_crate(true), &t, SmellKind::HubModule);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].item, "k::h");
    let keys = ["fan_in", "fan_out", "hub_fan"];
    assert_eq!(metric(&found[0], &keys), [2.0, 2.0, 2.0]);
}

#[test]
fn fan_out_under_the_limit_is_not_a_hub() {
    let t = Thresholds {
        hub_fan: 2,
        ..defaults()
    };
    assert!(mod_smells(&hub_crate(false), &t, SmellKind::HubModule).is_empty());
}

/// `s` (used by four modules, instability 0.2) depends on `u` (uses three, instability 0.75).
const UNSTABLE: [(&str, &str); 10] = [
    (
        "lib.rs",
        "mod a; mod b; mod c; mod d; mod s; mod u; mod x; mod y; mod z;",
    ),
    ("a.rs", "pub fn f() { crate::s::f(); }"),
    ("b.rs", "pub fn f() { crate::s::f(); }"),
    ("c.rs", "pub fn f() { crate::s::f(); }"),
    ("d.rs", "pub fn f() { crate::s::f(); }"),
    ("s.rs", "pub fn f() { crate::u::f(); }"),
    (
        "u.rs",
        "pub fn f() { crate::x::f(); crate::y::f(); crate::z::f(); }",
    ),
    ("x.rs", "pub fn f() {}"),
    ("y.rs", "pub fn f() {}"),
    ("z.rs", "pub fn f() {}"),
];

#[test]
fn a_stable_module_on_an_unstable_one_is_reported() {
    let found = mod_smells(&UNSTABLE, &defaults(), SmellKind::UnstableDependency);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].item, "k::s");
    let keys = [
        "instability",
        "unstable_dependencies",
        "min_instability_gap",
    ];
    assert_eq!(metric(&found[0], &keys), [0.2, 1.0, 0.5]);
    assert!(
        found[0].message.contains("`k::u` (0.75)"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].locations[0].start_line, 1);
}

#[test]
fn a_gap_under_the_limit_is_not_an_unstable_dependency() {
    let t = Thresholds {
        min_instability_gap: 60,
        ..defaults()
    };
    assert!(mod_smells(&UNSTABLE, &t, SmellKind::UnstableDependency).is_empty());
}

// ---- find.rs: suppression of any rule ----

/// Every smell `find_smells` reports on a crate, with thresholds `t`, as (rule, item).
fn all_smells(sources: &[(&str, &str)], t: Thresholds) -> Vec<(&'static str, String)> {
    let (smells, _) = smells_and_warnings(sources, t);
    smells
        .into_iter()
        .map(|s| (s.kind.rule_id(), s.item))
        .collect()
}

fn smells_and_warnings(
    sources: &[(&str, &str)],
    t: Thresholds,
) -> (Vec<Smell>, Vec<crate::analysis::workspace::Warning>) {
    let args = crate::cli::AnalysisArgs::default();
    let config = crate::config::ConfigFile::default();
    let options = crate::config::Options {
        thresholds: t,
        ..crate::config::Options::resolve(&args, &config).unwrap()
    };
    let files = krate(sources);
    let found = super::find_smells((&files, files.len()), &options, &[]);
    (found.smells, found.warnings)
}

#[test]
fn an_allow_that_silences_nothing_is_a_warning_at_its_line() {
    let t = Thresholds {
        max_fn_lines: 3,
        ..defaults()
    };
    let body =
        "{\n    for i in 0..3 {\n        if i > 1 {\n            if i > 2 {\n                \
                println!();\n            }\n        }\n    }\n}\n";
    let lib = format!(
        "// cargo-loop: allow(long-function)\nfn long() {body}\n\
         // cargo-loop: allow(long-function)\nfn short() {{}}\n\n\
         #[allow(clippy::too_many_lines)]\nfn clippy() {body}\n\
         // cargo-loop: allow(god-type)\nstruct Small;\n"
    );
    let lib = lib.as_str();
    let (smells, warnings) = smells_and_warnings(&[("lib.rs", lib)], t);
    assert!(smells.is_empty(), "{smells:?}");
    let warned: Vec<(Option<u32>, &str)> = (warnings.iter())
        .map(|w| (w.line, w.message.split(')').next().unwrap_or("")))
        .collect();
    assert_eq!(
        warned,
        [
            // The markers' lines, above their items.
            (Some(12), "`cargo-loop: allow(long-function"),
            (Some(26), "`cargo-loop: allow(god-type")
        ],
        "{warnings:?}"
    );
}

#[test]
fn an_allow_marker_silences_any_rule_on_its_item_or_its_file() {
    let t = Thresholds {
        max_module_items: 2,
        ..defaults()
    };
    let god = "fn x() {}\nfn y() {}\nfn z() {}\n";
    let lib = "mod a;\npub fn api() -> u32 {\n    a::used()\n}\n";
    let a = format!("{god}/// Used.\npub fn used() -> u32 {{\n    helper()\n}}\n\npub fn helper() -> u32 {{\n    1\n}}\n");
    let found = all_smells(&[("lib.rs", lib), ("a.rs", &a)], t.clone());
    assert!(found.contains(&("god-module", "k::a".into())), "{found:?}");
    assert!(
        found.contains(&("needless-pub", "k::a::helper".into())),
        "{found:?}"
    );
    // A marker atop the file (apart from the first item) silences the module's smell; one
    // above an item, the item's.
    let marked = format!(
        "// cargo-loop: allow(god-module)\n\n{}",
        a.replace(
            "pub fn helper",
            "// cargo-loop: allow(needless-pub)\npub fn helper",
        )
    );
    let found = all_smells(&[("lib.rs", lib), ("a.rs", &marked)], t.clone());
    assert!(
        !found
            .iter()
            .any(|(rule, _)| *rule == "god-module" || *rule == "needless-pub"),
        "{found:?}"
    );
    // A marker for another rule silences nothing.
    let other = a.replace(
        "pub fn helper",
        "// cargo-loop: allow(long-function)\npub fn helper",
    );
    let found = all_smells(&[("lib.rs", lib), ("a.rs", &other)], t);
    assert!(
        found.contains(&("needless-pub", "k::a::helper".into())),
        "{found:?}"
    );
}

/// Analysing part of a crate (paths, globs), the rest still uses what it uses: only the
/// analysed files are reported, and an item used elsewhere is needed.
#[test]
fn a_part_of_a_crate_is_judged_with_the_uses_of_the_rest() {
    let files = krate(&[
        ("a.rs", "pub fn used() {}\npub fn unused() {}"),
        (
            "lib.rs",
            "mod a; mod b;\npub fn run() { a::used(); b::go(); }",
        ),
        (
            "b.rs",
            "pub fn go() { crate::a::used(); }\npub fn idle() {}",
        ),
    ]);
    let options = crate::config::Options::resolve(
        &crate::cli::AnalysisArgs::default(),
        &crate::config::ConfigFile::default(),
    )
    .unwrap();
    let found = super::find_smells((&files, 1), &options, &[]);
    let items: Vec<&str> = found.smells.iter().map(|s| s.item.as_str()).collect();
    assert_eq!(items, ["k::a::unused"], "{:?}", found.smells);
    assert!(found.modules.modules.iter().all(|m| m.file < 1));
}
