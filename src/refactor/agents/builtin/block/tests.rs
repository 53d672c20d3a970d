//! Before/after pairs for extracting duplicated runs of statements, and one test per reason
//! to decline.

use crate::analysis::detectors::{CloneType, GroupKind};
use crate::refactor::agents::builtin::propose;
use crate::refactor::finding::{Finding, Location};

/// A finding for every place one of `runs` appears in `text` (as `src/m.rs` of crate `k`),
/// each in the function (or `S`'s method) around it.
fn finding_for(text: &str, runs: &[&str]) -> Finding {
    let locations = runs
        .iter()
        .flat_map(|run| text.match_indices(run.trim_end()))
        .map(|(at, run)| {
            let start_line = text[..at].lines().count() as u32 + 1;
            let end_line = start_line + run.lines().count() as u32 - 1;
            let before = &text[..at];
            let name_at = before.rfind("fn ").unwrap() + 3;
            let name: String = before[name_at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let owner = if before.contains("impl S") { "S::" } else { "" };
            Location {
                file: "src/m.rs".into(),
                start_line,
                end_line,
                item: format!("k::m::{owner}{name}"),
            }
        })
        .collect();
    Finding::group(GroupKind::Block, CloneType::Renamed, locations)
}

/// `src/m.rs` after extracting `run` (or the first of `runs`) from `text`, or the reason the
/// agent declined.
fn extract(text: &str, run: &str) -> Result<String, String> {
    extract_all(text, &[run])
}

fn extract_all(text: &str, runs: &[&str]) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/m.rs"), text).unwrap();
    let finding = finding_for(text, runs);
    assert!(
        finding.locations.len() >= 2,
        "the run is not copied in {text}"
    );
    let changes = propose(&finding, dir.path(), &[]).map_err(|err| err.to_string())?;
    assert_eq!(changes.len(), 1);
    Ok(changes[0].after.clone().unwrap())
}

/// Two functions holding the same `run` between `before` and `after`, taking `params`.
fn twice(params: &str, before: &str, run: &str, after: &str) -> String {
    let one = format!("fn one({params}) {{\n{before}{run}{after}}}\n");
    format!("{one}\n{}", one.replacen("fn one(", "fn two(", 1))
}

/// A crate (`Cargo.toml`) holding `files`, for what the agent reads from the whole crate.
fn crate_of(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"k\"\n").unwrap();
    for (path, text) in files {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    dir
}

fn declined(text: &str, run: &str) -> String {
    extract(text, run).expect_err("declined")
}

const STATS: &str = "    let mut count: usize = 0;
    let mut total: i64 = 0;
    for reading in readings {
        total += (*reading).clamp(-limit, limit);
        count += 1;
    }
    let mean: i64 = if count == 0 { 0 } else { total / count as i64 };
";

#[test]
fn a_run_becomes_one_helper_beside_its_first_copy_returning_what_the_code_after_uses() {
    let two = STATS
        .replace("readings", "weights")
        .replace("reading", "weight")
        .replace("limit", "cap")
        .replace("count", "n");
    let text = format!(
        "pub fn one(readings: &[i64], limit: i64) -> i64 {{\n{STATS}    mean + total\n}}\n\n\
         pub fn two(weights: &[i64], cap: i64) -> i64 {{\n{two}    mean * 2\n}}\n"
    );
    let after = extract_all(&text, &[STATS, &two]).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        after,
        "pub fn one(readings: &[i64], limit: i64) -> i64 {
    let (total, mean) = one_step(readings, limit);
    mean + total
}

fn one_step(readings: &[i64], limit: i64) -> (i64, i64) {
    let mut count: usize = 0;
    let mut total: i64 = 0;
    for reading in readings {
        total += (*reading).clamp(-limit, limit);
        count += 1;
    }
    let mean: i64 = if count == 0 { 0 } else { total / count as i64 };
    (total, mean)
}

pub fn two(weights: &[i64], cap: i64) -> i64 {
    let (_, mean) = one_step(weights, cap);
    mean * 2
}
"
    );
}

#[test]
fn a_mut_local_the_run_changes_is_lent_mutably_and_others_shared_each_use_read_through() {
    let run = "    for item in items {
        if !seen.contains(item) && names.len() > 1 {
            seen.push(*item);
            total += 1;
        }
    }
    seen.sort();
    println!(\"{total} {}\", total);
";
    let before = "    let names: Vec<String> = Vec::new();\n    let mut seen: Vec<u32> = Vec::new();\n    let mut total: u64 = 0;\n";
    let text = twice(
        "items: &[u32]",
        before,
        run,
        "    assert!(seen.len() as u64 == total && names.is_empty());\n",
    );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("    one_step(items, &mut seen, &names, &mut total);\n    assert!(seen"),
        "{after}"
    );
    assert!(
        after.contains(
            "fn one_step(items: &[u32], seen: &mut Vec<u32>, names: &Vec<String>, total: &mut u64) {
    for item in items {
        if !(*seen).contains(item) && (*names).len() > 1 {
            (*seen).push(*item);
            *total += 1;
        }
    }
    (*seen).sort();
    println!(\"{total} {}\", *total);
}"
        ),
        "{after}"
    );
}

#[test]
fn a_run_in_methods_that_uses_no_self_becomes_a_free_helper_after_the_impl() {
    let run = "        let doubled: u32 = x * 2;\n        let shifted: u32 = doubled + 7;\n";
    let text = format!(
        "struct S;\nimpl S {{\n    fn a(&self, x: u32) -> u32 {{\n{run}        shifted\n    }}\n\n    fn b(&self, x: u32) -> u32 {{\n{run}        shifted + 1\n    }}\n}}\n"
    );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("        let shifted = a_step(x);\n        shifted\n"),
        "{after}"
    );
    assert!(
        after.ends_with(
            "}\n\nfn a_step(x: u32) -> u32 {\n    let doubled: u32 = x * 2;\n    doubled + 7\n}\n"
        ),
        "{after}"
    );
}

#[test]
fn a_helper_name_taken_in_the_file_gets_a_number() {
    let run = "    let a: u8 = x + 1;\n    let b: u8 = a * 2;\n";
    let text = twice("x: u8", "", run, "    let _ = b;\n") + "\nfn one_step() {}\n";
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(after.contains("let b = one_step_2(x);"), "{after}");
}

/// Runs that cannot move into a function, each declined with its reason.
#[test]
fn runs_that_leave_the_block_or_hide_what_they_use_are_declined_with_the_reason() {
    let cases = [
        (
            "    if x > 3 {\n        return;\n    }\n    let _y: u8 = x;\n",
            "returns",
        ),
        ("    let y: u8 = x?;\n    let _z: u8 = y;\n", "`?`"),
        ("    let y: u8 = x.await;\n    let _z: u8 = y;\n", "awaits"),
        ("    mine!(x);\n    let _y: u8 = x;\n", "`mine!`"),
        (
            "    'outer: loop {\n        break 'outer;\n    }\n    let _y: u8 = x;\n",
            "label",
        ),
        // On another target the function would end in another block.
        (
            "    #[cfg(unix)]\n    {\n        let _y: u8 = x;\n    }\n    let _z: u8 = x;\n",
            "`#[cfg]`",
        ),
    ];
    for (run, reason) in cases {
        let err = declined(&twice("x: u8", "", run, ""), run);
        assert!(err.contains(reason), "{reason}: {err}");
    }
    let looped = "    for x in xs {\n        let y: u8 = *x;\n        if y > 2 {\n            break;\n        }\n        let _z: u8 = y;\n    }\n";
    let in_loop = |body: &str| format!("    for z in zs {{\n        let _ = z;\n{body}    }}\n");
    let run = "        let y: u8 = 1;\n        if y > 2 {\n            continue;\n        }\n";
    let text = twice("zs: &[u8]", "", &in_loop(run), "");
    assert!(declined(&text, run).contains("breaks or continues a loop around it"));
    // A statement under `#[cfg]` that ends in `;` is the same statement in the helper.
    let gated = "    #[cfg(unix)]\n    let _y: u8 = x;\n    let _z: u8 = x;\n";
    assert!(extract(&twice("x: u8", "", gated, ""), gated).is_ok());
    // A `break` of a loop inside the run stays inside it.
    assert!(extract(&twice("xs: &[u8]", "", looped, ""), looped).is_ok());
}

#[test]
fn locals_whose_types_the_source_does_not_write_are_declined_never_guessed() {
    let run = "    let y: u32 = x + 1;\n    let _z: u32 = y * 2;\n";
    let err = declined(&twice("", "    let x = seed(5);\n", run, ""), run);
    assert!(err.contains("the type of `x` is not written"), "{err}");
    // A number's type is the one its function gives it: `x + 1` into a `u32` makes `x` one.
    let after = extract(&twice("", "    let x = 5;\n", run, ""), run).unwrap();
    assert!(after.contains("fn one_step(x: u32) {"), "{after}");
    let run = "    let y = x.frobnicate(1);\n    let _z: u32 = y * 2;\n";
    let err = declined(&twice("x: u32", "", run, "    let _ = y;\n"), run);
    assert!(
        err.contains("the code after it uses `y`, whose type"),
        "{err}"
    );
}

#[test]
fn borrows_generics_and_earlier_drops_the_signature_could_not_express_are_declined() {
    let run = "    let first: &str = &names[0];\n    let _n: usize = first.len();\n";
    let text = twice("names: &[String]", "", run, "    let _ = first;\n");
    assert!(declined(&text, run).contains("a borrow or generic"));
    // What a call returns, its type not written, is returned as `_` for the compiler to
    // name: the guard stays alive in each copy as long as before.
    let run = "    let _guard = lock.lock();\n    let _n: u8 = 1;\n";
    let text = twice("lock: &std::sync::Mutex<u8>", "", run, "    let _ = 2;\n");
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("(lock: &std::sync::Mutex<u8>) -> _ {"),
        "{after}"
    );
    assert!(
        after.contains("    let _guard = one_step(lock);\n    let _ = 2;"),
        "{after}"
    );
    // A generic of the function: the helper declares the same ones, a parameter fixes them.
    let run = "    let y: T = x.clone();\n    let _z: T = y;\n";
    let text = twice("x: T", "", run, "").replace("fn one(", "fn one<T: Clone>(");
    let text = text.replace("fn two(", "fn two<T: Clone>(");
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("\nfn one_step<T: Clone>(x: &T) {\n"),
        "{after}"
    );
    let clause = text.replace("<T: Clone>(x: T) {", "<T>(x: T)\nwhere\n    T: Clone,\n{");
    let after = extract(&clause, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("\nfn one_step<T>(x: &T)\nwhere\n    T: Clone,\n{\n"),
        "{after}"
    );
    let other = text.replacen("fn two<T: Clone>(", "fn two<T: Clone + Default>(", 1);
    let err = declined(&other, run);
    assert!(err.contains("declare different generics"), "{err}");
    let run = "    let y: T = T::default();\n    let _z: T = y;\n";
    let text = twice("x: u8", "", run, "").replace("fn one(", "fn one<T: Default>(");
    let text = text.replace("fn two(", "fn two<T: Default>(");
    let err = declined(&text, run);
    assert!(
        err.contains("no parameter of the helper would fix"),
        "{err}"
    );
}

#[test]
fn copies_in_other_modules_or_with_nested_items_are_declined() {
    let run = "    let y: u8 = x + 1;\n    let _z: u8 = y * 2;\n";
    let other = twice("x: u8", "", run, "").replacen("fn two(", "mod inner {\nfn two(", 1) + "}\n";
    let mut finding = finding_for(&other, &[run]);
    finding.locations[1].item = "k::m::inner::two".into();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/m.rs"), &other).unwrap();
    let err = propose(&finding, dir.path(), &[]).unwrap_err().to_string();
    assert!(
        err.contains("where the same names may mean other items"),
        "{err}"
    );
    let nested = twice("x: u8", "", run, "    fn helper() {}\n");
    let err = declined(&nested, run);
    assert!(err.contains("declares items inside it"), "{err}");
}

#[test]
fn a_signature_or_call_past_a_hundred_columns_is_wrapped_one_item_a_line_as_rustfmt_would() {
    let params = "first_reading_kelvin: u64, second_reading_kelvin: u64, third_reading_kelvin: u64, fourth_reading_kelvin: u64";
    let run = "    let total: u64 = first_reading_kelvin + second_reading_kelvin;\n    let _all: u64 = total + third_reading_kelvin + fourth_reading_kelvin;\n";
    let after = extract(&twice(params, "", run, ""), run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains(
            "\n    one_step(\n        first_reading_kelvin,\n        second_reading_kelvin,\n        third_reading_kelvin,\n        fourth_reading_kelvin,\n    );\n"
        ),
        "{after}"
    );
    assert!(
        after.contains("fn one_step(\n    first_reading_kelvin: u64,\n    second_reading_kelvin: u64,\n    third_reading_kelvin: u64,\n    fourth_reading_kelvin: u64,\n) {\n"),
        "{after}"
    );
}

/// Two methods of `S` (an inherent impl, or a trait's when `trait_impl`) taking `receiver`
/// and holding `run`.
fn methods(receiver: &str, run: &str, trait_impl: bool) -> String {
    let header = if trait_impl { "impl T for S" } else { "impl S" };
    let trait_decl = if trait_impl {
        "trait T {\n    fn a(&self, x: u32) -> u32;\n    fn b(&self, x: u32) -> u32;\n}\n"
    } else {
        ""
    };
    format!(
        "struct S(u32);\n{trait_decl}{header} {{\n    fn a({receiver}, x: u32) -> u32 {{\n{run}        y\n    }}\n\n    fn b({receiver}, x: u32) -> u32 {{\n{run}        y + 1\n    }}\n}}\n"
    )
}

#[test]
fn a_run_that_uses_self_becomes_a_method_of_its_impl_taking_self_alike() {
    let run = "        let base: u32 = self.0 * 2;\n        let y: u32 = base + x;\n";
    let after = extract(&methods("&self", run, false), run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("        let y = self.a_step(x);\n        y\n"),
        "{after}"
    );
    assert!(
        after.contains(
            "    }\n\n    fn a_step(&self, x: u32) -> u32 {\n        let base: u32 = self.0 * 2;\n        base + x\n    }\n\n    fn b(&self"
        ),
        "{after}"
    );
    let run = "        let base: u32 = Self::ZERO;\n        let y: u32 = base + x;\n";
    let text =
        methods("&self", run, false).replace("impl S {", "impl S {\n    const ZERO: u32 = 0;\n");
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(after.contains("let y = Self::a_step(x);"), "{after}");
    assert!(after.contains("    fn a_step(x: u32) -> u32 {"), "{after}");
}

#[test]
fn a_run_using_self_in_a_trait_impl_or_a_method_taking_self_by_value_is_declined() {
    let run = "        let base: u32 = self.0 * 2;\n        let y: u32 = base + x;\n";
    let err = declined(&methods("&self", run, true), run);
    assert!(err.contains("not methods of one type's inherent"), "{err}");
    let err = declined(&methods("self", run, false), run);
    assert!(err.contains("which its method does not borrow"), "{err}");
    let run = "    let _y: u8 = x;\n    let _z: u8 = Self::ZERO;\n";
    let err = declined(&twice("x: u8", "", run, ""), run);
    assert!(err.contains("not methods of one type's inherent"), "{err}");
}

#[test]
fn a_run_ending_its_function_returns_the_function_s_value_so_return_and_question_marks_stay() {
    let run =
        "    let v: u32 = x?;\n    if v > 10 {\n        return None;\n    }\n    Some(v * 2)\n";
    let text = format!(
        "fn one(x: Option<u32>) -> Option<u32> {{\n{run}}}\n\nfn two(x: Option<u32>) -> Option<u32> {{\n    let _unused: u8 = 0;\n{run}}}\n"
    );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.starts_with(&format!(
            "fn one(x: Option<u32>) -> Option<u32> {{\n    one_step(x)\n}}\n\nfn one_step(x: Option<u32>) -> Option<u32> {{\n{run}}}\n"
        )),
        "{after}"
    );
    assert!(
        after.contains("    let _unused: u8 = 0;\n    one_step(x)\n}"),
        "{after}"
    );
}

#[test]
fn a_run_using_question_marks_returns_its_locals_in_the_function_s_result_and_the_call_tries() {
    let run = "    let n: u32 = s.parse::<u32>().map_err(|e| e.to_string())?;\n    let doubled: u32 = n.checked_mul(2).ok_or(\"overflow\")?;\n";
    let head = "(s: &str) -> Result<u32, String> {\n";
    let text = format!(
        "fn one{head}{run}    Ok(doubled + 1)\n}}\n\nfn two{head}{run}    Ok(doubled)\n}}\n"
    );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("    let doubled = one_step(s)?;\n    Ok(doubled + 1)\n"),
        "{after}"
    );
    assert!(
        after.contains(&format!(
            "fn one_step(s: &str) -> Result<u32, String> {{\n{run}    Ok(doubled)\n}}"
        )),
        "{after}"
    );
    let other = text.replacen(
        "Result<u32, String>",
        "Result<u32, Box<dyn std::error::Error>>",
        1,
    );
    let err = declined(&other, run);
    assert!(err.contains("differ in their types"), "{err}");
    let unit = format!("fn one(s: &str) {{\n{run}}}\n\nfn two(s: &str) {{\n{run}}}\n");
    let err = declined(&unit, run);
    assert!(
        err.contains("it uses `?` in a function returning `()`"),
        "{err}"
    );
}

#[test]
fn a_macro_that_spells_no_local_moves_with_the_run_and_one_that_spells_a_local_is_declined() {
    let run = "    let y: u8 = x + mine![1, 2];\n    let _z: u8 = y * 2;\n";
    let after = extract(&twice("x: u8", "", run, ""), run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("fn one_step(x: u8) {\n    let y: u8 = x + mine![1, 2];"),
        "{after}"
    );
    let run = "    let y: u8 = x + mine![x];\n    let _z: u8 = y * 2;\n";
    let err = declined(&twice("x: u8", "", run, ""), run);
    assert!(err.contains("it passes `x` to `mine!`"), "{err}");
}

#[test]
fn types_an_initializer_alone_decides_are_read_from_it() {
    let run = "    let n = xs.len();\n    let wide = n > 3;\n    let scaled = x as u64 * 2;\n    let name = format!(\"{n}\");\n    let copy = name.clone();\n";
    let after = "    let _ = (n, wide, scaled, copy);\n";
    let text = twice("xs: &[u8], x: u32", "", run, after);
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("fn one_step(xs: &[u8], x: u32) -> (usize, bool, u64, String) {"),
        "{after}"
    );
    assert!(
        after.contains("    let (n, wide, scaled, copy) = one_step(xs, x);\n"),
        "{after}"
    );
}

/// The changes for a run copied into `src/m.rs` (`one`) and its child `src/m/child.rs` (`two`).
fn across_child(parent: &str, child: &str, run: &str) -> Result<Vec<(String, String)>, String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/m")).unwrap();
    std::fs::write(dir.path().join("src/m.rs"), parent).unwrap();
    std::fs::write(dir.path().join("src/m/child.rs"), child).unwrap();
    let locate = |file: &str, text: &str, item: &str| {
        let at = text.find(run).unwrap();
        let start_line = text[..at].lines().count() as u32 + 1;
        Location {
            file: file.into(),
            start_line,
            end_line: start_line + run.lines().count() as u32 - 1,
            item: item.into(),
        }
    };
    let mut finding = finding_for("", &[]);
    // The child's copy first: the helper still goes to the parent, which the child reaches.
    finding.locations = vec![
        locate("src/m/child.rs", child, "k::m::child::two"),
        locate("src/m.rs", parent, "k::m::one"),
    ];
    let changes = propose(&finding, dir.path(), &[]).map_err(|err| err.to_string())?;
    Ok(changes
        .into_iter()
        .map(|c| (c.path, c.after.unwrap()))
        .collect())
}

#[test]
fn a_copy_in_a_child_module_that_imports_its_parent_calls_the_parent_s_helper() {
    let run = "    let y: u32 = scale(x);\n    let z: u32 = y + 1;\n";
    let parent = format!(
        "mod child;\n\nfn scale(v: u32) -> u32 {{\n    v * 3\n}}\n\nfn one(x: u32) -> u32 {{\n{run}    z\n}}\n"
    );
    let child = format!("use super::*;\n\nfn two(x: u32) -> u32 {{\n{run}    z * 2\n}}\n");
    let changes = across_child(&parent, &child, run).unwrap_or_else(|err| panic!("{err}"));
    let after = |path: &str| &changes.iter().find(|c| c.0 == path).unwrap().1;
    assert!(after("src/m/child.rs").contains("    let z = super::one_step(x);\n    z * 2\n"));
    assert!(
        after("src/m.rs").ends_with(
            "    z\n}\n\nfn one_step(x: u32) -> u32 {\n    let y: u32 = scale(x);\n    y + 1\n}\n"
        ),
        "{}",
        after("src/m.rs")
    );
    // A child that defines `scale` itself means another function by it: declined.
    let shadowing = format!("{child}\nfn scale(v: u32) -> u32 {{\n    v\n}}\n");
    let err = across_child(&parent, &shadowing, run).unwrap_err();
    assert!(
        err.contains("where the same names may mean other items"),
        "{err}"
    );
    let no_glob = child.replace("use super::*;", "use super::scale;");
    let err = across_child(&parent, &no_glob, run).unwrap_err();
    assert!(
        err.contains("where the same names may mean other items"),
        "{err}"
    );
}

#[test]
fn copies_that_differ_in_literals_that_spell_their_type_pass_them_as_parameters() {
    let run = "    let parts: usize = line.split(',').count();\n    let named = line.starts_with(\"key\") && parts > 1;\n";
    let other = run.replace("','", "';'").replace("\"key\"", "\"id\"");
    let text = format!(
        "fn one(line: &str) -> bool {{\n{run}    named\n}}\n\nfn two(line: &str) -> bool {{\n{other}    !named\n}}\n"
    );
    let after = extract_all(&text, &[run, &other]).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("    let named = one_step(line, ',', \"key\");\n    named\n"),
        "{after}"
    );
    assert!(
        after.contains("    let named = one_step(line, ';', \"id\");\n    !named\n"),
        "{after}"
    );
    assert!(
        after.contains("fn one_step(line: &str, literal: char, literal_2: &str) -> bool {\n    let parts: usize = line.split(literal).count();\n    line.starts_with(literal_2) && parts > 1\n}"),
        "{after}"
    );
    // In a pattern or a format string a literal must stay a constant.
    let run = "    let hit: bool = matches!(c, 'a');\n    let _n: u8 = 1;\n";
    let text = twice("c: char", "", run, "    let _ = hit;\n").replacen("'a'", "'b'", 1);
    let err = extract_all(&text, &[run, &run.replace("'a'", "'b'")]).unwrap_err();
    assert!(err.contains("a literal that must stay a constant"), "{err}");
}

#[test]
fn a_tuple_taken_apart_gives_each_name_its_element_s_type() {
    let run =
        "    let (low, high) = bounds;\n    let width = high - low;\n    let wide = width > 10;\n";
    let text = twice("bounds: (u32, u32)", "", run, "    let _ = (low, wide);\n");
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("fn one_step(bounds: (u32, u32)) -> (u32, bool) {"),
        "{after}"
    );
    assert!(
        after.contains("    let (low, wide) = one_step(bounds);\n"),
        "{after}"
    );
}

#[test]
fn a_mut_primitive_whose_method_the_run_calls_is_lent_mutably_as_the_method_may_change_it() {
    let run = "    c.make_ascii_uppercase();\n    let upper: bool = c.is_ascii_uppercase();\n";
    let text = twice(
        "",
        "    let mut c: char = 'a';\n",
        run,
        "    let _ = (c, upper);\n",
    );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("    let upper = one_step(&mut c);\n"),
        "{after}"
    );
    assert!(
        after.contains("    (*c).make_ascii_uppercase();\n"),
        "{after}"
    );
}

#[test]
fn of_three_copies_the_two_alike_share_the_helper_and_the_one_that_differs_stays() {
    let run = "    let y: u32 = x * 3;\n    let z: u32 = y + 1;\n";
    let other = "    let y: u32 = scale(x);\n    let z: u32 = y + 1;\n";
    let one = format!("fn one(x: u32) -> u32 {{\n{run}    z\n}}\n");
    let text = format!(
        "{one}\n{}\n{}\nfn scale(v: u32) -> u32 {{\n    v\n}}\n",
        one.replace("fn one(", "fn two("),
        one.replace("fn one(", "fn three(").replace(run, other)
    );
    let after = extract_all(&text, &[other, run]).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(after.matches("one_step(x)").count(), 2, "{after}");
    assert!(
        after.contains(&format!("fn three(x: u32) -> u32 {{\n{other}    z\n}}")),
        "{after}"
    );
}

#[test]
fn a_method_in_a_child_module_s_impl_of_the_type_calls_the_helper_through_self() {
    let run = "        let base: u32 = self.0 * 2;\n        let y: u32 = base + x;\n";
    let parent = format!(
        "mod child;\n\npub struct S(u32);\n\nimpl S {{\n    fn two(&self, x: u32) -> u32 {{\n{run}        y\n    }}\n}}\n"
    );
    let child = format!(
        "use super::*;\n\nimpl S {{\n    fn one(&self, x: u32) -> u32 {{\n{run}        y + 1\n    }}\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/m")).unwrap();
    std::fs::write(dir.path().join("src/m.rs"), &parent).unwrap();
    std::fs::write(dir.path().join("src/m/child.rs"), &child).unwrap();
    let at = |text: &str| text[..text.find(run).unwrap()].lines().count() as u32 + 1;
    let mut finding = finding_for("", &[]);
    finding.locations = vec![
        Location {
            file: "src/m/child.rs".into(),
            start_line: at(&child),
            end_line: at(&child) + 1,
            item: "k::m::child::S::one".into(),
        },
        Location {
            file: "src/m.rs".into(),
            start_line: at(&parent),
            end_line: at(&parent) + 1,
            item: "k::m::S::two".into(),
        },
    ];
    let changes = propose(&finding, dir.path(), &[]).unwrap_or_else(|err| panic!("{err}"));
    let child_after = changes.iter().find(|c| c.path == "src/m/child.rs").unwrap();
    let child_after = child_after.after.as_deref().unwrap();
    assert!(
        child_after.contains("        let y = self.two_step(x);\n        y + 1\n"),
        "{child_after}"
    );
    let parent_after = changes.iter().find(|c| c.path == "src/m.rs").unwrap();
    let parent_after = parent_after.after.as_deref().unwrap();
    assert!(
        parent_after.contains("    fn two_step(&self, x: u32) -> u32 {\n"),
        "{parent_after}"
    );
}

#[test]
fn a_local_of_unknown_type_moved_by_its_last_use_leaves_nothing_to_drop_early() {
    let items = "\nfn build(x: u8) -> Vec<u8> {\n    vec![x]\n}\n\nfn consume(v: Vec<u8>) {\n    drop(v);\n}\n";
    let run = "    let item = build(x);\n    consume(item);\n";
    let after =
        extract(&(twice("x: u8", "", run, "") + items), run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("fn one_step(x: u8) {\n    let item = build(x);\n    consume(item);\n}"),
        "{after}"
    );
    let run = "    let item = build(x);\n    let _w = Wrap { inner: item };\n";
    let wrapped = twice("x: u8", "", run, "") + items + "\nstruct Wrap {\n    inner: Vec<u8>,\n}\n";
    // `item` moves into `Wrap`; `_w`, a `Wrap` whose drop is unknown, is returned so that
    // each copy drops it where it did.
    let after = extract(&wrapped, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("fn one(x: u8) {\n    let _w = one_step(x);\n}"),
        "{after}"
    );
    assert!(after.contains("fn one_step(x: u8) -> Wrap {"), "{after}");
    // Of a type not written, it is returned as `_`, which the compiler names.
    let unknown = wrapped.replace("Wrap { inner: item }", "wrap(item)");
    let after = extract(
        &unknown,
        run.replace("Wrap { inner: item }", "wrap(item)").as_str(),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    assert!(after.contains("fn one_step(x: u8) -> _ {"), "{after}");
    // Moved only on one branch, it may still be dropped at the end: declined, unless its
    // type (declared by `build`) only frees memory when dropped.
    let run = "    let item = build(x);\n    if x > 1 {\n        consume(item);\n    }\n";
    extract(&(twice("x: u8", "", run, "") + items), run).unwrap_or_else(|err| panic!("{err}"));
    let tokens = "\nstruct Token(u8);\n\nfn issue(x: u8) -> Token {\n    Token(x)\n}\n\nfn spend(t: Token) {\n    drop(t);\n}\n";
    let run = "    let item = issue(x);\n    if x > 1 {\n        spend(item);\n    }\n";
    let err = declined(&(twice("x: u8", "", run, "") + tokens), run);
    assert!(err.contains("drop earlier"), "{err}");
}

#[test]
fn a_local_the_function_never_names_after_the_run_is_handed_over_by_value() {
    let run = "    let n: usize = words.len();\n    let _twice: usize = n * 2;\n";
    let before = "    let words: Vec<String> = Vec::new();\n";
    let text = twice("", before, run, "    let _ = 1;\n");
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(after.contains("    one_step(words);\n"), "{after}");
    assert!(
        after.contains("fn one_step(words: Vec<String>) {\n    let n: usize = words.len();"),
        "{after}"
    );
    // Named after the run, it is lent instead.
    let text = twice("", before, run, "    let _ = words;\n");
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(after.contains("    one_step(&words);\n"), "{after}");
}

#[test]
fn copies_that_differ_in_a_number_pass_it_typed_by_the_function_and_decline_what_code_elsewhere_types(
) {
    let run = "    let y: u8 = x + 1;\n    let _z: u8 = y * 2;\n";
    let text = twice("x: u8", "", run, "");
    let edited = text.replacen("x + 1", "x + 2", 1);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/m.rs"), &edited).unwrap();
    let changes = propose(&finding_for(&text, &[run]), dir.path(), &[]).unwrap();
    let after = changes[0].after.clone().unwrap();
    assert!(after.contains("literal: u8"), "{after}");
    assert!(
        after.contains("one_step(x, 2)") && after.contains("one_step(x, 1)"),
        "{after}"
    );
    // A number only a call's signature types (`u8::from(1)` could be `u16`) is not guessed.
    let run = "    let y: u8 = x + u8::from(1);\n    let _z: u8 = y * 2;\n";
    let text = twice("x: u8", "", run, "");
    let edited = text.replacen("from(1)", "from(2)", 1);
    std::fs::write(dir.path().join("src/m.rs"), &edited).unwrap();
    let err = propose(&finding_for(&text, &[run]), dir.path(), &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("depends on code outside"), "{err}");
}

#[test]
fn a_local_a_method_of_its_type_or_a_free_function_returns_takes_the_declared_type() {
    let run = "        let base = self.doubled();\n        let y = scaled(base, x);\n";
    let text = methods("&self", run, false)
        .replace(
            "impl S {\n",
            "fn scaled(v: u32, by: u32) -> u32 {\n    v * by\n}\n\nimpl S {\n    fn doubled(&self) -> u32 {\n        self.0 * 2\n    }\n\n",
        );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("fn a_step(&self, x: u32) -> u32 {"),
        "{after}"
    );
    // Declared twice with two types, a function tells nothing.
    let twice = text.replace(
        "struct S(u32);\n",
        "struct S(u32);\nmod other {\n    pub fn scaled(v: u64) -> u64 {\n        v\n    }\n}\n",
    );
    let err = declined(&twice, run);
    assert!(err.contains("`y`, whose type is not written"), "{err}");
}

#[test]
fn an_empty_vec_takes_the_type_of_the_struct_it_pushes_and_a_copy_not_using_it_keeps_it_alive() {
    let run = "    let mut items = vec![];\n    for x in xs {\n        items.push(Item { n: x });\n    }\n";
    let text = format!(
        "struct Item {{\n    n: u8,\n}}\n\nfn one(xs: Vec<u8>) -> Vec<Item> {{\n{run}    items\n}}\n\n\
         fn two(xs: Vec<u8>) {{\n{run}    let _ = 1;\n}}\n"
    );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        after,
        "struct Item {
    n: u8,
}

fn one(xs: Vec<u8>) -> Vec<Item> {
    let items = one_step(xs);
    items
}

fn one_step(xs: Vec<u8>) -> Vec<Item> {
    let mut items = vec![];
    for x in xs {
        items.push(Item { n: x });
    }
    items
}

fn two(xs: Vec<u8>) {
    let _items = one_step(xs);
    let _ = 1;
}
"
    );
    // A generic struct, or one pushed from a local, says nothing of the element type.
    // (The function returns `items` as its tail, which would tell: return something else.)
    let text = text.replace("    items\n}", "    drop(items);\n    Vec::new()\n}");
    let generic = text.replace("struct Item {", "struct Item<T = u8> {\n    t: Option<T>,");
    let err = declined(&generic, run);
    assert!(err.contains("`items`, whose type is not written"), "{err}");
    let local = text.replace("Item { n: x }", "x");
    let err = declined(&local, &run.replace("Item { n: x }", "x"));
    assert!(err.contains("`items`, whose type is not written"), "{err}");
    // A copy whose code after the run names `_items` cannot keep it alive under that name.
    let taken = text.replace("    let _ = 1;\n", "    let _ = _items();\n") + "\nfn _items() {}\n";
    let err = declined(&taken, run);
    assert!(err.contains("names `_items`"), "{err}");
}

#[test]
fn a_number_a_copy_never_reads_takes_the_type_the_copies_reading_it_give_it() {
    let run = "    let mut start = 0;\n    let long: bool = xs.len() > 2;\n    if long {\n        start = 2;\n    }\n";
    let text = format!(
        "fn one(xs: &[u8]) -> u8 {{\n{run}    xs[start]\n}}\n\n\
         fn two(xs: &[u8]) {{\n{run}    let _ = 1;\n}}\n"
    );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("fn one_step(xs: &[u8]) -> usize {"),
        "{after}"
    );
    assert!(
        after.contains("fn two(xs: &[u8]) {\n    let _ = one_step(xs);\n"),
        "{after}"
    );
    // A copy that reads it (`start += 2`) would compute in another type: declined.
    let read = text.replace("start = 2;", "start += 2;");
    let err = declined(&read, &run.replace("start = 2;", "start += 2;"));
    assert!(err.contains("differ in their types"), "{err}");
}

#[test]
fn a_local_the_run_hands_to_a_method_of_the_crate_taking_self_is_passed_by_value() {
    let run = "    let n: usize = bag.into_items().len();\n    let _m: usize = n * 2;\n";
    let text = twice("bag: Bag", "", run, "");
    let bag = |receiver: &str| {
        format!(
            "pub struct Bag {{\n    items: Vec<u8>,\n}}\n\nimpl Bag {{\n    \
             pub fn into_items({receiver}) -> Vec<u8> {{\n        self.items.clone()\n    }}\n}}\n"
        )
    };
    let propose_with = |receiver: &str| {
        let dir = crate_of(&[("src/m.rs", &text), ("src/bag.rs", &bag(receiver))]);
        let changes = propose(&finding_for(&text, &[run]), dir.path(), &[]).unwrap();
        changes[0].after.clone().unwrap()
    };
    let after = propose_with("self");
    assert!(
        after.contains("fn one_step(bag: Bag) {\n    let n: usize = bag.into_items().len();"),
        "{after}"
    );
    // A method taking `&self` leaves the local to its function: it is lent.
    let after = propose_with("&self");
    assert!(
        after.contains("fn one_step(bag: &Bag) {\n    let n: usize = (*bag).into_items().len();"),
        "{after}"
    );
}

#[test]
fn a_match_whose_arms_give_literals_and_unit_variants_of_the_crate_s_enums_has_their_type() {
    let run = "    let (negated, kind) = match c {\n        'd' => (false, kinds::Kind::Digit),\n        'D' => (true, kinds::Kind::Digit),\n        c => panic!(\"not a class: {c}\"),\n    };\n    let _n: u8 = 1;\n";
    let kinds = "mod kinds {\n    pub enum Kind {\n        Digit,\n        Word(u8),\n    }\n}\n";
    let text = format!(
        "{kinds}\nfn one(c: char) -> bool {{\n{run}    let _k = kind;\n    negated\n}}\n\n\
         fn two(c: char) {{\n{run}    let _ = 1;\n}}\n"
    );
    let dir = crate_of(&[("src/m.rs", &text)]);
    let changes = propose(&finding_for(&text, &[run]), dir.path(), &[]).unwrap();
    let after = changes[0].after.clone().unwrap();
    assert!(
        after.contains("fn one_step(c: char) -> (bool, kinds::Kind) {"),
        "{after}"
    );
    // `Kind`, whose drop is unknown, stays alive in the copy that does not use it.
    assert!(
        after.contains("fn two(c: char) {\n    let (_, _kind) = one_step(c);\n"),
        "{after}"
    );
    // A variant with fields, or an arm of another type, decides nothing.
    let fields = text.replace("(true, kinds::Kind::Digit)", "(true, kinds::Kind::Word(1))");
    std::fs::write(dir.path().join("src/m.rs"), &fields).unwrap();
    let err = propose(
        &finding_for(
            &fields,
            &[&run.replace("(true, kinds::Kind::Digit)", "(true, kinds::Kind::Word(1))")],
        ),
        dir.path(),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("whose type is not written"), "{err}");
}

#[test]
fn an_alias_s_tuple_cmp_max_and_a_match_over_options_give_their_types() {
    let run = "    let (a_low, a_high) = a;\n    let (b_low, b_high) = b;\n    let low = cmp::max(a_low, b_low);\n    let high = match (a_high, b_high) {\n        (Some(x), Some(y)) => Some(cmp::max(x, y)),\n        _ => None,\n    };\n";
    let text = format!(
        "use std::cmp;\n\npub type Hint = (usize, Option<usize>);\n\n\
         pub fn one(a: Hint, b: Hint) -> Hint {{\n{run}    (low, high)\n}}\n\n\
         pub fn two(a: Hint, b: Hint) {{\n{run}    let _ = 1;\n}}\n"
    );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("fn one_step(a: Hint, b: Hint) -> (usize, Option<usize>) {"),
        "{after}"
    );
    assert!(
        after.contains("    let (low, high) = one_step(a, b);\n    (low, high)\n"),
        "{after}"
    );
    // An arm whose value the reading cannot type (a call of unknown type) decides nothing.
    let unknown = run.replace("Some(cmp::max(x, y))", "Some(pick(x, y))");
    let err = declined(&text.replace(run, &unknown), &unknown);
    assert!(err.contains("`high`, whose type is not written"), "{err}");
}

#[test]
fn a_local_the_function_returns_as_its_tail_has_the_declared_type_in_every_copy() {
    let run = "    let p = Pair { a: x.clone(), b: x.clone() };\n    let q = Pair { a: x.clone(), b: x };\n";
    let text = format!(
        "struct Pair<T> {{\n    a: T,\n    b: T,\n}}\n\n\
         fn one<T: Clone>(x: T) -> (Pair<T>, Pair<T>) {{\n{run}    (p, q)\n}}\n\n\
         fn two<T: Clone>(x: T) {{\n{run}    let _ = 1;\n}}\n"
    );
    let after = extract(&text, run).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        after.contains("fn one_step<T: Clone>(x: T) -> (Pair<T>, Pair<T>) {"),
        "{after}"
    );
    // The copy that does not use them keeps them alive to drop them where it did.
    assert!(after.contains("let (_p, _q) = one_step(x);"), "{after}");
    // A reference in the output could be a coercion of another type: nothing is guessed.
    let borrowed = text.replace("-> (Pair<T>, Pair<T>) {", "-> (Pair<T>, &'static str) {");
    let borrowed = borrowed.replace("    (p, q)\n", "    drop(q);\n    (p, \"\")\n");
    let err = declined(&borrowed, run);
    assert!(err.contains("`q`, whose type is not written"), "{err}");
}

/// A copy that binds a parameter to what a call returns takes the type the other copy
/// declares; one bound to a number literal does not (that number is an `i32` there).
#[test]
fn a_local_bound_to_a_calls_result_takes_the_type_the_other_copy_declares() {
    let run = "    let dollars = cents / 100;\n    let rest = cents % 100;\n    let text = format!(\"{dollars}.{rest:02}\");\n    let padded = format!(\"{text:>10}\");\n    println!(\"{padded}\");\n";
    let text = format!(
        "pub struct Item;\n\nimpl Item {{\n    pub fn value(&self) -> u64 {{\n        5\n    }}\n}}\n\n\
         pub fn total(items: &[Item]) {{\n    let mut cents: u64 = 0;\n    for item in items {{\n        cents += item.value();\n    }}\n{run}}}\n\n\
         pub fn row(item: &Item) {{\n    let cents = item.value();\n{run}}}\n"
    );
    let after = extract(&text, run).unwrap();
    assert!(after.contains("(cents: u64)"), "{after}");
    let literal = text.replace("let cents = item.value();", "let cents = 7;");
    let err = extract(&literal, run).unwrap_err();
    assert!(err.contains("differ in their types"), "{err}");
}

/// Locals typed from `split_once(..).ok_or(..)?` and from an `if` with a string literal, and
/// a returned local that the code after the run only reads (no `mut` at the call).
#[test]
fn split_parts_and_string_branches_are_typed_and_a_read_result_is_not_mut() {
    let run = "    let trimmed = raw_key.trim();\n    let mut key = String::with_capacity(prefix.len() + trimmed.len());\n    key.push_str(prefix);\n    key.push_str(trimmed);\n    while key.ends_with('_') {\n        key.pop();\n    }\n";
    let text = format!(
        "pub fn parse(line: &str, section: &str) -> Result<String, ()> {{\n    let (raw_key, _) = line.split_once('=').ok_or(())?;\n    let prefix = section.trim();\n{run}    if key.is_empty() {{\n        return Err(());\n    }}\n    Ok(key)\n}}\n\n\
         pub fn other(arg: &str, scope: &str) -> Result<String, ()> {{\n    let (raw_key, _) = arg.split_once('=').ok_or(())?;\n    let prefix = if raw_key.contains('.') {{ \"\" }} else {{ scope }};\n{run}    if key.is_empty() {{\n        return Err(());\n    }}\n    Ok(key)\n}}\n"
    );
    let after = extract(&text, run).unwrap();
    assert!(
        after.contains("(raw_key: &str, prefix: &str) -> String {"),
        "{after}"
    );
    assert_eq!(
        after
            .matches("    let key = parse_step(raw_key, prefix);\n")
            .count(),
        2,
        "{after}"
    );
}
