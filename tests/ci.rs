//! End-to-end tests of `cargo loop baseline` and `cargo loop ci`: the gate fails only on what
//! got worse, against a committed baseline file or a scan of a git ref.

use std::path::Path;

use serde_json::Value;

mod util;

use util::{git, repository_of, run, stderr};

/// Adds a fourth copy of the planted `parse_assignment` clone under another name.
fn add_a_copy(dir: &Path) {
    let config = std::fs::read_to_string(dir.join("crates/alpha/src/config.rs")).unwrap();
    let copy: Vec<&str> = config.lines().skip(19).take(16).collect();
    let copy = copy.join("\n").replace("parse_assignment", "parse_pair");
    let metrics = dir.join("crates/beta/src/metrics.rs");
    let text = std::fs::read_to_string(&metrics).unwrap();
    std::fs::write(&metrics, format!("{text}\n{copy}\n")).unwrap();
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(out)))
}

#[test]
fn ci_fails_on_a_new_copy_of_a_known_clone_and_passes_on_what_the_baseline_knows() {
    let tmp = repository_of("dup-workspace");
    let dir = tmp.path();
    let missing = run(dir, &["ci"], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cargo loop baseline"),
        "{}",
        stderr(&missing)
    );

    let written = run(dir, &["baseline"], &[]);
    assert!(written.status.success(), "{}", stderr(&written));
    // A baseline that does not read (a merge's conflict markers) is written anew.
    let file = dir.join("loop-baseline.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("<<<<<<< HEAD\n{text}")).unwrap();
    let mended = run(dir, &["baseline"], &[]);
    assert!(mended.status.success(), "{}", stderr(&mended));
    assert!(
        stderr(&mended).contains("it is written anew"),
        "{}",
        stderr(&mended)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("loop-baseline.json")).unwrap())
            .unwrap();
    let findings = baseline["findings"].as_array().unwrap();
    assert!(findings.len() > 10, "{baseline}");
    let known = run(dir, &["ci"], &[]);
    assert_eq!(known.status.code(), Some(0), "{}", stderr(&known));
    assert!(
        stderr(&known).contains("0 new") && stderr(&known).contains("0 fixed"),
        "{}",
        stderr(&known)
    );

    add_a_copy(dir);
    let new = run(dir, &["ci", "--format", "json"], &[]);
    assert_eq!(new.status.code(), Some(1), "{}", stderr(&new));
    let report = json(&new);
    let groups = report["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "only the group with a new copy: {report}");
    let files: Vec<&str> = (groups[0]["instances"].as_array().unwrap().iter())
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"crates/beta/src/metrics.rs"), "{files:?}");
    // The new copy is the group's first, where annotations point.
    assert_eq!(files[0], "crates/beta/src/metrics.rs", "{files:?}");
    assert!(stderr(&new).contains("1 new"), "{}", stderr(&new));

    let never = run(dir, &["ci", "--fail-on", "never"], &[]);
    assert_eq!(never.status.code(), Some(0), "{}", stderr(&never));
    let updated = run(dir, &["ci", "--update-baseline"], &[]);
    assert_eq!(updated.status.code(), Some(0), "{}", stderr(&updated));
    assert_eq!(run(dir, &["ci"], &[]).status.code(), Some(0));

    // A new group of two copies is one new finding, not two.
    let pair = |name: &str| {
        format!(
            "pub fn {name}(values: &[i64], limit: i64) -> (i64, usize) {{\n\
             let mut total = 0;\nlet mut over = 0;\nfor value in values {{\n\
             if *value > limit {{\nover += 1;\ncontinue;\n}}\n\
             match value % 3 {{\n0 => total += value * 2,\n1 => total -= value,\n\
             _ => total += 1,\n}}\n}}\n(total, over)\n}}\n"
        )
    };
    let metrics = dir.join("crates/beta/src/metrics.rs");
    let text = std::fs::read_to_string(&metrics).unwrap();
    let text = format!("{text}\n{}\n{}", pair("score_low"), pair("score_high"));
    std::fs::write(&metrics, text).unwrap();
    let pair = run(dir, &["ci"], &[]);
    assert_eq!(pair.status.code(), Some(1), "{}", stderr(&pair));
    assert!(
        stderr(&pair).contains("1 new finding (1 new,"),
        "{}",
        stderr(&pair)
    );
}

/// Copies that share a file and an item name (impls of one trait for `Option<_>`, written
/// `<impl Describe for Option>`) are each a key: a third one is a new copy.
#[test]
fn a_new_copy_in_the_same_item_as_known_ones_is_new() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let impl_for = |ty: &str| {
        format!(
            "impl Describe for Option<{ty}> {{\n    fn describe(&self) -> String {{\n\
             let mut out = String::new();\n        match self {{\n\
             Some(v) if *v > 10 => {{\n                out.push_str(\"big \");\n\
             out.push_str(&v.to_string());\n            }}\n\
             Some(v) => {{\n                out.push_str(\"small \");\n\
             out.push_str(&v.to_string());\n            }}\n\
             None => out.push_str(\"none\"),\n        }}\n        out.push('.');\n\
             out\n    }}\n}}\n"
        )
    };
    let lib = |types: &[&str]| {
        let impls: Vec<String> = types.iter().map(|t| impl_for(t)).collect();
        format!(
            "pub trait Describe {{\n    fn describe(&self) -> String;\n}}\n\n{}",
            impls.join("\n")
        )
    };
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"same\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), lib(&["u8", "u16"])).unwrap();
    let written = run(dir, &["baseline", "--no-cache"], &[]);
    assert!(written.status.success(), "{}", stderr(&written));
    std::fs::write(dir.join("src/lib.rs"), lib(&["u8", "u16", "u32"])).unwrap();
    let out = run(dir, &["ci", "--no-cache"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 new finding"), "{}", stderr(&out));
}

/// A baseline written by another version or with other settings is named as such: what
/// looks new may be the grouping's change, not the code's.
#[test]
fn a_baseline_from_another_version_or_other_settings_is_named() {
    let tmp = repository_of("dup-workspace");
    let dir = tmp.path();
    assert!(run(dir, &["baseline"], &[]).status.success());
    let said = |out: &std::process::Output| {
        format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out))
    };
    let same = run(dir, &["ci"], &[]);
    assert!(
        !said(&same).contains("the baseline was written by"),
        "{}",
        said(&same)
    );
    let settings = run(dir, &["ci", "--min-lines", "12"], &[]);
    assert!(
        said(&settings).contains("the baseline was written by other analysis settings")
            && said(&settings).contains("--> loop-baseline.json"),
        "{}",
        said(&settings)
    );
    let path = dir.join("loop-baseline.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let old = text.replace(
        &format!("cargo-loop {}", env!("CARGO_PKG_VERSION")),
        "cargo-loop 0.0.1",
    );
    assert_ne!(old, text);
    std::fs::write(&path, old).unwrap();
    let version = run(dir, &["ci"], &[]);
    assert_eq!(version.status.code(), Some(0), "{}", said(&version));
    assert!(
        said(&version).contains("written by cargo-loop 0.0.1 (this is cargo-loop"),
        "{}",
        said(&version)
    );
    // The scan's own warnings are printed by `ci` as by `dup`: a file it could not read.
    let metrics = dir.join("crates/beta/src/metrics.rs");
    let text = std::fs::read_to_string(&metrics).unwrap();
    std::fs::write(&metrics, format!("{text}\nfn broken( {{\n")).unwrap();
    let broken = run(dir, &["ci"], &[]);
    assert!(
        said(&broken).contains("crates/beta/src/metrics.rs"),
        "{}",
        said(&broken)
    );
}

#[test]
fn fixed_findings_never_fail_but_absolute_limits_do() {
    let tmp = repository_of("dup-workspace");
    let dir = tmp.path();
    add_a_copy(dir);
    assert!(run(dir, &["baseline"], &[]).status.success());
    // Removing the added copy fixes a finding: better is never a failure.
    git(dir, &["checkout", "--", "crates/beta/src/metrics.rs"]);
    let better = run(dir, &["ci"], &[]);
    assert_eq!(better.status.code(), Some(0), "{}", stderr(&better));
    assert!(stderr(&better).contains("1 fixed"), "{}", stderr(&better));
    // `-v` says what got better.
    let listed = run(dir, &["ci", "-v"], &[]);
    assert!(
        stderr(&listed).contains("Fixed copy `")
            && stderr(&listed).contains("crates/beta/src/metrics.rs"),
        "{}",
        stderr(&listed)
    );
    assert!(
        !stderr(&better).contains("Fixed copy"),
        "{}",
        stderr(&better)
    );
    let over = run(dir, &["ci", "--max-duplicated-lines", "10"], &[]);
    assert_eq!(over.status.code(), Some(1));
    assert!(
        stderr(&over).contains("--max-duplicated-lines 10"),
        "{}",
        stderr(&over)
    );
    let smells = run(dir, &["ci", "--max-smells", "1000"], &[]);
    assert_eq!(smells.status.code(), Some(0), "{}", stderr(&smells));
    // The limits have configuration keys; a flag given wins.
    std::fs::write(dir.join("loop.toml"), "max-duplicated-lines = 10\n").unwrap();
    let configured = run(dir, &["ci"], &[]);
    assert_eq!(configured.status.code(), Some(1), "{}", stderr(&configured));
    let flag = run(dir, &["ci", "--max-duplicated-lines", "100000"], &[]);
    assert_eq!(flag.status.code(), Some(0), "{}", stderr(&flag));
}

#[test]
fn a_baseline_from_a_git_ref_needs_no_file_and_leaves_no_worktree() {
    let tmp = repository_of("dup-workspace");
    let dir = tmp.path();
    let same = run(dir, &["ci", "--baseline-from-ref", "HEAD"], &[]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    add_a_copy(dir);
    let new = run(dir, &["ci", "--baseline-from-ref", "HEAD"], &[]);
    assert_eq!(new.status.code(), Some(1), "{}", stderr(&new));
    assert!(!dir.join("loop-baseline.json").exists());
    let worktrees = git(dir, &["worktree", "list"]);
    assert_eq!(worktrees.lines().count(), 1, "{worktrees}");
    let bad = run(dir, &["ci", "--baseline-from-ref", "no-such-branch"], &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("`no-such-branch` names no commit"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn fail_on_takes_a_level_and_is_never_read_as_a_path() {
    let tmp = repository_of("dup-workspace");
    let dir = tmp.path();
    let warning = run(dir, &["dup", "--fail-on", "warning"], &[]);
    assert_eq!(warning.status.code(), Some(1), "{}", stderr(&warning));
    let never = run(dir, &["dup", "--fail-on", "never"], &[]);
    assert_eq!(never.status.code(), Some(0), "{}", stderr(&never));
    let bare = run(dir, &["dup", "--fail-on"], &[]);
    assert_eq!(bare.status.code(), Some(1), "{}", stderr(&bare));
    let wrong = run(dir, &["dup", "--fail-on", "sometimes"], &[]);
    assert_eq!(wrong.status.code(), Some(2));
}

#[test]
fn in_diff_keeps_only_findings_in_the_lines_a_diff_touches_and_refuses_a_stale_diff() {
    let tmp = repository_of("dup-workspace");
    let dir = tmp.path();
    assert!(run(dir, &["baseline"], &[]).status.success());
    let everything = json(&run(
        dir,
        &["ci", "--fail-on", "any", "--format", "json"],
        &[],
    ));
    add_a_copy(dir);
    std::fs::write(dir.join("d.patch"), git(dir, &["diff"])).unwrap();
    let metrics = "crates/beta/src/metrics.rs";
    let files_of = |group: &Value| -> Vec<String> {
        (group["instances"].as_array().unwrap().iter())
            .map(|i| i["file"].as_str().unwrap().to_owned())
            .collect()
    };

    let new = run(
        dir,
        &["ci", "--in-diff", "d.patch", "--format", "json"],
        &[],
    );
    assert_eq!(new.status.code(), Some(1), "{}", stderr(&new));
    let groups = json(&new)["groups"].as_array().unwrap().clone();
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert!(files_of(&groups[0]).iter().any(|f| f == metrics));

    // Judging every finding, only those with a copy in the changed file remain.
    let args = [
        "ci",
        "--in-diff",
        "d.patch",
        "--fail-on",
        "any",
        "--format",
        "json",
    ];
    let any = run(dir, &args, &[]);
    assert_eq!(any.status.code(), Some(1), "{}", stderr(&any));
    let touched = json(&any)["groups"].as_array().unwrap().clone();
    let all = everything["groups"].as_array().unwrap().len();
    assert!(!touched.is_empty() && touched.len() < all, "{touched:?}");
    // Each group's first copy is one the diff touches.
    for group in &touched {
        assert_eq!(files_of(group)[0], metrics, "{group}");
    }
    assert!(touched
        .iter()
        .all(|g| files_of(g).iter().any(|f| f == metrics)));

    // `-` reads the diff from stdin.
    let mut piped = (util::cargo_loop(dir).args(["ci", "--in-diff", "-"]))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let patch = std::fs::read(dir.join("d.patch")).unwrap();
    std::io::Write::write_all(&mut piped.stdin.take().unwrap(), &patch).unwrap();
    let piped = piped.wait_with_output().unwrap();
    assert_eq!(piped.status.code(), Some(1), "{}", stderr(&piped));
    assert!(stderr(&piped).contains("1 new"), "{}", stderr(&piped));

    // An empty diff touches nothing: the gate passes.
    std::fs::write(dir.join("empty.patch"), "").unwrap();
    let nothing = run(dir, &["ci", "--in-diff", "empty.patch"], &[]);
    assert_eq!(nothing.status.code(), Some(0), "{}", stderr(&nothing));

    // The tree moved on since the diff was written.
    let text = std::fs::read_to_string(dir.join(metrics)).unwrap();
    std::fs::write(
        dir.join(metrics),
        text.replace("parse_pair", "parse_couple"),
    )
    .unwrap();
    let stale = run(dir, &["ci", "--in-diff", "d.patch"], &[]);
    assert_eq!(stale.status.code(), Some(2), "{}", stderr(&stale));
    assert!(
        stderr(&stale).contains(&format!("the diff does not match the tree at {metrics}:")),
        "{}",
        stderr(&stale)
    );
    let baseline = run(dir, &["baseline", "--in-diff", "d.patch"], &[]);
    assert_eq!(baseline.status.code(), Some(2), "{}", stderr(&baseline));
}

#[test]
fn in_diff_maps_repository_paths_to_a_workspace_in_a_subfolder() {
    let tmp = repository_of("dup-workspace");
    let top = tmp.path();
    let ws = top.join("ws");
    std::fs::create_dir(&ws).unwrap();
    for entry in std::fs::read_dir(top).unwrap() {
        let name = entry.unwrap().file_name();
        if name != ".git" && name != "ws" && name != ".gitignore" {
            std::fs::rename(top.join(&name), ws.join(&name)).unwrap();
        }
    }
    git(top, &["add", "-A"]);
    git(top, &["commit", "-qm", "into ws/"]);
    add_a_copy(&ws);
    let patch = git(top, &["diff"]);
    assert!(
        patch.contains("+++ b/ws/crates/beta/src/metrics.rs"),
        "{patch}"
    );
    std::fs::write(top.join("d.patch"), patch).unwrap();
    let patch_path = top.join("d.patch");
    let args = [
        "dup",
        "--in-diff",
        patch_path.to_str().unwrap(),
        "--format",
        "json",
    ];
    let dup = run(&ws, &args, &[]);
    assert_eq!(dup.status.code(), Some(0), "{}", stderr(&dup));
    let groups = json(&dup)["groups"].as_array().unwrap().clone();
    assert!(!groups.is_empty());
    for group in &groups {
        let files: Vec<&str> = (group["instances"].as_array().unwrap().iter())
            .map(|i| i["file"].as_str().unwrap())
            .collect();
        assert!(files.contains(&"crates/beta/src/metrics.rs"), "{files:?}");
    }
}

/// The SARIF document in `out`, checked against the official SARIF 2.1.0 schema.
fn valid_sarif(text: &str) -> Value {
    let doc: Value = serde_json::from_str(text).unwrap();
    let schema: Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let errors: Vec<String> = (validator.iter_errors(&doc))
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    doc
}

#[test]
fn suggest_hands_over_verified_fixes_of_new_findings_and_never_writes_the_tree() {
    let tmp = repository_of("loop-crate");
    let dir = tmp.path();
    assert!(run(dir, &["baseline"], &[]).status.success());
    // A new copy of `count_words` under another name, in another module.
    let text = std::fs::read_to_string(dir.join("src/text.rs")).unwrap();
    let start = text.find("/// Words in a text.").unwrap();
    let end = start + text[start..].find("\n}\n").unwrap() + 3;
    let copy = text[start..end].replace("count_words", "word_count");
    let inventory = dir.join("src/inventory.rs");
    let before = format!("{}\n{copy}", std::fs::read_to_string(&inventory).unwrap());
    std::fs::write(&inventory, &before).unwrap();
    let status = git(dir, &["status", "--porcelain"]);

    let args = ["ci", "--suggest", "--format", "sarif", "--attempts", "1"];
    let out = run(dir, &args, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("Suggested"), "{}", stderr(&out));
    // Its one pass ends with its summary record, as every pass does (SPEC).
    let records = util::records(dir);
    let end = (records.iter()).find(|r| r["event"] == "pass_end");
    assert_eq!(
        end.map(|e| e["reason"].clone()),
        Some("every new finding was tried".into()),
        "{records:#?}"
    );
    // The tree is as it was; the fix is a patch that applies to it.
    assert_eq!(std::fs::read_to_string(&inventory).unwrap(), before);
    assert_eq!(git(dir, &["status", "--porcelain"]), status);
    let sarif = valid_sarif(&String::from_utf8_lossy(&out.stdout));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "only the new group: {results:#?}");
    // The copy the change adds delegates to one the project has: the suggestion lands on the
    // lines the pull request touches.
    let fix = &results[0]["fixes"][0];
    let changes = fix["artifactChanges"].as_array().unwrap();
    let added = (changes.iter())
        .find(|c| c["artifactLocation"]["uri"] == "src/inventory.rs")
        .unwrap_or_else(|| panic!("no change to the new copy: {fix:#}"));
    let inserted = added["replacements"][0]["insertedContent"]["text"]
        .as_str()
        .unwrap();
    assert!(
        inserted.contains("word_total(") || inserted.contains("count_words("),
        "a delegation to a known copy: {fix:#}"
    );
    let patches: Vec<_> = std::fs::read_dir(dir.join("target/loop/suggestions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "patch"))
        .collect();
    assert_eq!(patches.len(), 1, "{patches:?}");
    git(dir, &["apply", "--check", patches[0].to_str().unwrap()]);

    // rdjsonl carries the same fix as reviewdog suggestions, from the same cache and audit.
    let out = run(dir, &["ci", "--suggest", "--format", "rdjsonl"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<Value> = (String::from_utf8_lossy(&out.stdout).lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let finding = (lines.iter()).find(|l| l["severity"] == "WARNING").unwrap();
    assert_eq!(finding["location"]["path"], "src/inventory.rs");
    let suggested = &finding["suggestions"][0];
    let line = |end: &str| suggested["range"][end]["line"].as_u64().unwrap();
    assert!(
        line("start") >= 60 && line("end") >= line("start"),
        "{finding}"
    );

    // Ids are the gate's own; kinds narrow what the agent is asked for.
    let unknown = run(dir, &["ci", "--suggest", "--finding", "D9"], &[]);
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    assert!(
        stderr(&unknown).contains("(it has D1)"),
        "{}",
        stderr(&unknown)
    );
    let smells = run(dir, &["ci", "--suggest", "--findings", "smells"], &[]);
    assert_eq!(smells.status.code(), Some(1), "{}", stderr(&smells));
    assert!(
        !stderr(&smells).contains("Suggested"),
        "{}",
        stderr(&smells)
    );
    assert!(!dir.join("target/loop/suggestions").exists());
}

#[test]
fn a_baseline_written_in_a_members_folder_keeps_what_reaches_the_other_members() {
    let tmp = util::copy_of_fixture("dup-workspace");
    let dir = tmp.path();
    assert!(run(dir, &["baseline"], &[]).status.success());
    let whole = std::fs::read_to_string(dir.join("loop-baseline.json")).unwrap();

    // In a member's folder only that member is analysed, as cargo does; its copies of
    // cross-crate clones cannot be seen whole there, so nothing of the baseline is lost.
    let member = dir.join("crates/beta");
    let partial = run(&member, &["baseline"], &[]);
    assert!(partial.status.success(), "{}", stderr(&partial));
    assert!(stderr(&partial).contains("Kept"), "{}", stderr(&partial));
    let after = std::fs::read_to_string(dir.join("loop-baseline.json")).unwrap();
    let findings = |text: &str| serde_json::from_str::<Value>(text).unwrap()["findings"].clone();
    assert_eq!(findings(&after), findings(&whole));

    let in_member = run(&member, &["ci"], &[]);
    assert_eq!(in_member.status.code(), Some(0), "{}", stderr(&in_member));
    assert!(
        stderr(&in_member).contains("0 fixed"),
        "{}",
        stderr(&in_member)
    );
    let at_root = run(dir, &["ci"], &[]);
    assert_eq!(at_root.status.code(), Some(0), "{}", stderr(&at_root));
}

#[test]
fn baseline_refuses_flags_about_printing_findings() {
    let tmp = util::copy_of_fixture("dup-workspace");
    for flags in [
        &["--format", "sarif"][..],
        &["--fail-on", "new"],
        &["--in-diff", "-"],
    ] {
        let out = run(tmp.path(), &[&["baseline"][..], flags].concat(), &[]);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(flags[0]), "{}", stderr(&out));
    }
    assert!(!tmp.path().join("loop-baseline.json").exists());
}

#[test]
fn configuration_takes_fail_on_as_the_flag_does_and_names_the_baseline() {
    let tmp = util::copy_of_fixture("dup-workspace");
    let dir = tmp.path();
    let config = |text: &str| std::fs::write(dir.join("loop.toml"), text).unwrap();
    config("fail-on = \"never\"\n");
    assert_eq!(run(dir, &["dup"], &[]).status.code(), Some(0));
    config("fail-on = [\"any\", \"note\"]\n");
    assert_eq!(run(dir, &["dup"], &[]).status.code(), Some(1));
    config("fail-on = true\n");
    assert_eq!(run(dir, &["dup"], &[]).status.code(), Some(1));

    config("baseline = \"ci/known.json\"\nno-cache = true\n");
    std::fs::create_dir(dir.join("ci")).unwrap();
    std::fs::remove_dir_all(dir.join("target/loop")).unwrap();
    let written = run(&dir.join("crates/alpha"), &["baseline", "--workspace"], &[]);
    assert!(written.status.success(), "{}", stderr(&written));
    assert!(dir.join("ci/known.json").exists());
    assert!(!dir.join("loop-baseline.json").exists());
    assert!(
        !dir.join("target/loop/cache").exists(),
        "no-cache = true reads no cache"
    );
    assert_eq!(run(dir, &["ci"], &[]).status.code(), Some(0));

    // A level alone keeps `ci` to new findings; the configuration's `fail-on` is the gate's.
    for level in ["warning", "note"] {
        let out = run(dir, &["ci", "--fail-on", level], &[]);
        assert_eq!(out.status.code(), Some(0), "{level}: {}", stderr(&out));
    }
    config("baseline = \"ci/known.json\"\nfail-on = \"any\"\n");
    assert_eq!(run(dir, &["ci"], &[]).status.code(), Some(1));
    add_a_copy(dir);
    config("baseline = \"ci/known.json\"\nfail-on = \"never\"\n");
    assert_eq!(run(dir, &["ci"], &[]).status.code(), Some(0));
    assert_eq!(
        run(dir, &["ci", "--fail-on", "new"], &[]).status.code(),
        Some(1)
    );
}

#[test]
fn paths_that_cannot_be_written_are_named_plainly() {
    let tmp = util::copy_of_fixture("dup-workspace");
    let dir = tmp.path();
    let expect = |args: &[&str], message: &str| {
        let out = run(dir, args, &[]);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    };
    expect(
        &["dup", "--out", "Cargo.toml"],
        "`--out` names a folder, and Cargo.toml is a file",
    );
    expect(&["report", "--out", "Cargo.toml"], "`--out` names a folder");
    expect(
        &["baseline", "--baseline", "crates"],
        "the baseline is a file, and crates is a folder",
    );
    expect(
        &["baseline", "--baseline", "nope/b.json"],
        "the folder nope does not exist",
    );
}

/// `ci --suggest` refuses settings that would do nothing even when nothing is new yet: a CI
/// configuration fails the day it is written, not the day a finding comes.
#[test]
fn suggest_refuses_settings_that_would_do_nothing_with_nothing_new() {
    let tmp = util::copy_of_fixture("dup-workspace");
    assert!(run(tmp.path(), &["baseline"], &[]).status.success());
    let out = run(tmp.path(), &["ci", "--suggest", "--attempts", "0"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--attempts must be at least 1"),
        "{}",
        stderr(&out)
    );
}
