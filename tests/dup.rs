//! End-to-end tests of `cargo loop dup` on the fixtures under test-fixtures/ (their planted
//! clones are listed in test-fixtures/GROUND_TRUTH.md).

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

mod util;

use util::{cargo_loop, copy_of_fixture, fixture, stderr};

/// `cargo-loop loop ARGS` with a clean environment, in `dir`.
fn run(dir: &Path, args: &[&str]) -> Output {
    cargo_loop(dir).args(args).output().unwrap()
}
fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["dup", "--format", "json", "--no-cache"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

type Span = (String, u64, u64);
type Found = Vec<(String, Vec<Span>)>;
/// A reported cycle: message, (file, line) of each edge, length.
type Cycle = (String, Vec<(String, u64)>, u64);
type Expected<'a> = &'a [(&'a str, &'a [(&'a str, u64, u64)])];

/// Groups as (kind, [(file, start, end)]) for assertions.
fn groups(doc: &Value) -> Found {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let instances = g["instances"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    (
                        i["file"].as_str().unwrap().to_string(),
                        i["start_line"].as_u64().unwrap(),
                        i["end_line"].as_u64().unwrap(),
                    )
                })
                .collect();
            (g["kind"].as_str().unwrap().to_string(), instances)
        })
        .collect()
}

fn has_group(found: &[(String, Vec<Span>)], kind: &str, instances: &[(&str, u64, u64)]) -> bool {
    found.iter().any(|(k, inst)| {
        k == kind
            && inst.len() == instances.len()
            && instances.iter().all(|&(f, s, e)| {
                inst.iter()
                    .any(|(ff, ss, ee)| ff == f && *ss == s && *ee == e)
            })
    })
}

#[test]
#[allow(clippy::too_many_lines)] // one table of every planted clone, read as one
fn dup_workspace_reports_every_planted_clone_and_nothing_else() {
    let doc = json(&fixture("dup-workspace"), &[]);
    let found = groups(&doc);
    let expected: Expected = &[
        (
            "fn",
            &[
                ("crates/alpha/src/config.rs", 20, 35),
                ("crates/alpha/src/util/text.rs", 6, 26),
                ("crates/beta/src/report.rs", 21, 44),
            ],
        ),
        (
            "fn",
            &[
                ("crates/alpha/src/stats.rs", 13, 30),
                ("crates/beta/src/metrics.rs", 7, 24),
            ],
        ),
        (
            "fn",
            &[
                ("crates/alpha/src/util/text.rs", 28, 51),
                ("crates/beta/src/ingest.rs", 15, 40),
            ],
        ),
        (
            "block",
            &[
                ("crates/alpha/src/geometry.rs", 40, 52),
                ("crates/beta/src/shapes.rs", 29, 41),
            ],
        ),
        (
            "method",
            &[
                ("crates/alpha/src/model.rs", 46, 55),
                ("crates/beta/src/catalog.rs", 23, 32),
            ],
        ),
        (
            "struct",
            &[
                ("crates/alpha/src/config.rs", 6, 12),
                ("crates/beta/src/settings.rs", 8, 14),
            ],
        ),
        (
            "enum",
            &[
                ("crates/alpha/src/geometry.rs", 6, 12),
                ("crates/beta/src/shapes.rs", 6, 12),
            ],
        ),
        (
            "trait",
            &[
                ("crates/alpha/src/config.rs", 14, 18),
                ("crates/beta/src/settings.rs", 16, 20),
            ],
        ),
        (
            "impl",
            &[
                ("crates/alpha/src/devices.rs", 46, 61),
                ("crates/alpha/src/devices.rs", 63, 78),
                ("crates/beta/src/network.rs", 40, 55),
            ],
        ),
        (
            "fields",
            &[
                ("crates/alpha/src/model.rs", 14, 16),
                ("crates/alpha/src/model.rs", 23, 25),
                ("crates/beta/src/catalog.rs", 37, 39),
            ],
        ),
    ];
    for (kind, instances) in expected {
        assert!(
            has_group(&found, kind, instances),
            "missing {kind} group {instances:?} in {found:#?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    assert_eq!(doc["summary"]["groups"], found.len());
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["smells"], Value::Array(Vec::new()));
    // Ranked by lines saved: the three-copy function first.
    assert_eq!(found[0].1.len(), 3);
    let near = &doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| {
            g["instances"][0]["file"] == "crates/alpha/src/util/text.rs"
                && g["instances"][0]["start_line"] == 28
        })
        .unwrap();
    let similarity = near["similarity"].as_f64().unwrap();
    assert!((0.8..1.0).contains(&similarity), "{similarity}");
}

/// Whether each copy in `copies` lies inside its own copy of `outer`: the same group, or a
/// bigger one that holds it.
fn covers(outer: &[Span], copies: &[Span]) -> bool {
    let mut used = vec![false; outer.len()];
    copies.iter().all(|(file, start, end)| {
        let inside = outer
            .iter()
            .enumerate()
            .position(|(i, (f, s, e))| !used[i] && f == file && s <= start && end <= e);
        inside.map(|i| used[i] = true).is_some()
    })
}

/// Lowering the thresholds only adds groups: every group the defaults report is still
/// reported at the lowest thresholds (its copies inside the copies of one group, itself or a
/// bigger one). low-thresholds/ plants the two ways this went wrong: a run of statements
/// whose every two statements also start a shorter look-alike, and near-miss copies with a
/// small look-alike better connected than they are.
#[test]
fn lowest_thresholds_keep_every_group_the_defaults_report() {
    let planted = json(&fixture("."), &["low-thresholds"]);
    let found = groups(&planted);
    let run = [
        ("ledger.rs", 9, 15),
        ("ledger.rs", 26, 32),
        ("ledger.rs", 44, 50),
    ];
    assert!(has_group(&found, "block", &run), "{found:#?}");
    let near = [("headers.rs", 3, 12), ("headers.rs", 14, 25)];
    assert!(has_group(&found, "fn", &near), "{found:#?}");
    assert_eq!(found.len(), 2, "{found:#?}");
    let cases: [(&str, &[&str]); 4] = [
        ("dup-workspace", &[]),
        ("dup-workspace", &["--tests"]),
        ("fix-crate", &[]),
        (".", &["low-thresholds"]),
    ];
    for (dir, args) in cases {
        let defaults = groups(&json(&fixture(dir), args));
        let mut lowest_args = args.to_vec();
        lowest_args.extend(["--min-lines", "1", "--min-tokens", "1"]);
        let lowest = groups(&json(&fixture(dir), &lowest_args));
        assert!(lowest.len() >= defaults.len(), "{dir}: {lowest:#?}");
        for (kind, copies) in &defaults {
            assert!(
                lowest.iter().any(|(_, outer)| covers(outer, copies)),
                "{dir} {args:?}: the {kind} group {copies:?} is lost at the lowest thresholds: {lowest:#?}"
            );
        }
    }
}

#[test]
fn dup_workspace_skips_suppressed_items_and_noise() {
    let found = groups(&json(&fixture("dup-workspace"), &[]));
    let touches = |file: &str, line: u64| {
        found.iter().any(|(_, inst)| {
            inst.iter()
                .any(|(f, s, e)| f == file && *s <= line && line <= *e)
        })
    };
    // The allow comment suppresses stats.rs:32-43 and so the pair.
    assert!(!touches("crates/alpha/src/stats.rs", 35));
    assert!(!touches("crates/beta/src/metrics.rs", 42));
    // Getters, constructors, `as_str` tables, test tables and license headers.
    assert!(!touches("crates/alpha/src/model.rs", 70));
    assert!(!touches("crates/alpha/src/model.rs", 105));
    assert!(!touches("crates/alpha/src/devices.rs", 22));
    assert!(!touches("crates/alpha/src/lib.rs", 25));
    assert!(!touches("crates/alpha/src/lib.rs", 2));
}

#[test]
fn dup_workspace_test_code_is_analysed_only_with_tests_flag() {
    let test_pair: &[(&str, u64, u64)] = &[
        ("crates/alpha/src/lib.rs", 31, 41),
        ("crates/alpha/tests/integration.rs", 9, 19),
    ];
    let without = groups(&json(&fixture("dup-workspace"), &[]));
    assert!(!has_group(&without, "fn", test_pair));
    let with = groups(&json(&fixture("dup-workspace"), &["--tests"]));
    assert!(has_group(&with, "fn", test_pair), "{with:#?}");
}

#[test]
fn dup_workspace_package_selection_restricts_files() {
    let doc = json(&fixture("dup-workspace"), &["-p", "alpha"]);
    for group in doc["groups"].as_array().unwrap() {
        for inst in group["instances"].as_array().unwrap() {
            assert_eq!(inst["package"], "alpha");
        }
    }
    assert!(!doc["groups"].as_array().unwrap().is_empty());
    let excluded = json(
        &fixture("dup-workspace"),
        &["--workspace", "--exclude", "beta"],
    );
    assert_eq!(excluded["groups"], doc["groups"]);
    let out = run(
        &fixture("dup-workspace"),
        &["dup", "-p", "gamma", "--no-cache"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`gamma` did not match any member"));
    // As cargo, an exclusion that matches nothing is a warning.
    let out = run(
        &fixture("dup-workspace"),
        &["dup", "--workspace", "--exclude", "gamma", "--no-cache"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("warning: excluded package(s) `gamma` not found in workspace"));
    // As cargo, `--exclude` needs `--workspace`.
    let out = run(
        &fixture("dup-workspace").join("crates/beta"),
        &["dup", "--exclude", "beta", "--no-cache"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("`--exclude` can only be used together with `--workspace`"));
}

/// At the root of a workspace whose root is a package, `default-members` says what is
/// analysed, as it says what cargo builds.
#[test]
fn default_members_are_analysed_at_a_package_root() {
    let tmp = tempfile::tempdir().unwrap();
    let package = |name: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
    };
    let body = "(values: &[i64]) -> i64 {\n    let mut total = 0;\n    for v in values {\n\
                if *v > 10 {\n            total += v * 2;\n        } else if *v < 0 {\n\
                total -= v;\n        } else {\n            total += 1;\n        }\n    }\n\
                total\n}\n";
    let pair = format!("pub fn one{body}\npub fn two{body}");
    let files = [
        (
            "Cargo.toml",
            format!(
                "{}\n[workspace]\nmembers = [\"sub\"]\ndefault-members = [\"sub\"]\n",
                package("top")
            ),
        ),
        ("src/lib.rs", pair.clone()),
        ("sub/Cargo.toml", package("sub")),
        ("sub/src/lib.rs", pair),
    ];
    for (path, text) in files {
        std::fs::create_dir_all(tmp.path().join(path).parent().unwrap()).unwrap();
        std::fs::write(tmp.path().join(path), text).unwrap();
    }
    let doc = json(tmp.path(), &[]);
    let files: Vec<(String, u64, u64)> = groups(&doc).into_iter().flat_map(|(_, c)| c).collect();
    assert!(!files.is_empty());
    assert!(
        files.iter().all(|(f, _, _)| f == "sub/src/lib.rs"),
        "{files:?}"
    );
}

/// Paths given from inside one member that reach another are the workspace's: its root, its
/// paths, as from the root (not a plain folder rooted where the paths meet).
#[test]
fn paths_across_members_from_inside_one_are_the_workspaces() {
    let dir = fixture("dup-workspace");
    let inside = dir.join("crates/beta/src");
    let doc = json(&inside, &["../../alpha/src/stats.rs", "./metrics.rs"]);
    assert_eq!(
        Path::new(doc["root"].as_str().unwrap()),
        dir.canonicalize().unwrap()
    );
    let files: Vec<String> = groups(&doc)
        .into_iter()
        .flat_map(|(_, c)| c)
        .map(|c| c.0)
        .collect();
    assert!(
        files.contains(&"crates/alpha/src/stats.rs".to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&"crates/beta/src/metrics.rs".to_string()),
        "{files:?}"
    );
}

#[test]
fn dup_workspace_path_argument_restricts_the_scan() {
    let dir = fixture("dup-workspace");
    let doc = json(&dir, &["crates/alpha"]);
    for group in doc["groups"].as_array().unwrap() {
        for inst in group["instances"].as_array().unwrap() {
            assert!(
                inst["file"].as_str().unwrap().starts_with("crates/alpha/"),
                "{inst}"
            );
        }
    }
    // The alpha-only copies of the Display impl are still a group.
    assert!(has_group(
        &groups(&doc),
        "impl",
        &[
            ("crates/alpha/src/devices.rs", 46, 61),
            ("crates/alpha/src/devices.rs", 63, 78)
        ]
    ));
}

#[test]
fn plain_dir_is_scanned_without_a_manifest() {
    let doc = json(&fixture("."), &["plain-dir"]);
    let found = groups(&doc);
    assert!(
        has_group(
            &found,
            "fn",
            &[("tokenizer.rs", 9, 28), ("calc.rs", 46, 62)]
        ),
        "{found:#?}"
    );
    assert!(
        has_group(&found, "fn", &[("calc.rs", 64, 76), ("units.rs", 3, 15)]),
        "{found:#?}"
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(doc["groups"][0]["instances"][0]["package"], "plain-dir");
}

/// A folder whose Cargo.toml does not parse is analysed as plain source, and says so.
#[test]
fn a_folder_with_a_broken_manifest_is_plain_source_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("broken");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n[lib\n").unwrap();
    std::fs::write(dir.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
    let doc = json(tmp.path(), &["broken"]);
    let warning = (doc["warnings"].as_array().unwrap().iter())
        .find(|w| w["file"] == "Cargo.toml")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(warning["line"], 3, "{warning}");
    assert!(
        (warning["message"].as_str().unwrap()).contains("analysed as plain Rust source"),
        "{warning}"
    );
}

/// `--manifest-path` takes a Cargo.toml, as cargo's does: a folder is said to be one.
#[test]
fn manifest_path_to_a_folder_says_it_must_name_a_cargo_toml() {
    let out = run(&fixture("."), &["dup", "--manifest-path", "plain-dir"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the manifest-path must be a path to a Cargo.toml file: `plain-dir`"),
        "{stderr}"
    );
}

#[test]
fn plain_dir_honours_gitignore_and_keeps_its_cache_out_of_the_folder() {
    let tmp = copy_of_fixture("plain-dir");
    let cache = tempfile::tempdir().unwrap();
    let scan = |dir: &Path| {
        let out = cargo_loop(dir)
            .args(["dup", "--format", "json", "."])
            .env("XDG_CACHE_HOME", cache.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        groups(&serde_json::from_slice(&out.stdout).unwrap())
    };
    assert_eq!(scan(tmp.path()).len(), 2);
    // Ignoring one copy of each group leaves nothing to report.
    std::fs::write(tmp.path().join(".gitignore"), "calc.rs\n").unwrap();
    assert!(scan(tmp.path()).is_empty());
    assert!(
        !tmp.path().join("target").exists(),
        "a cache was written into the folder"
    );
    assert!(cache.path().join("cargo-loop").is_dir());
}

/// A function body long enough to be reported when copied, named `name`.
fn copyable(name: &str) -> String {
    format!(
        "pub fn {name}(values: &[u32]) -> u32 {{\n    let mut total = 0;\n    for v in values {{\n        if *v > 10 {{\n            total += v * 2;\n        }} else {{\n            total += v + 1;\n        }}\n    }}\n    total\n}}\n"
    )
}

/// Without a manifest, files are found on disk; those only `#[cfg(test)] mod` reaches (and
/// what they declare) are still test code, analysed only with `--tests`.
#[test]
fn plain_dir_leaves_out_files_only_test_code_declares() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("tests")).unwrap();
    let lib = format!("mod real;\n#[cfg(test)]\nmod tests;\n{}", copyable("four"));
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    std::fs::write(src.join("real.rs"), copyable("three")).unwrap();
    let tests = format!("mod support;\n{}", copyable("one"));
    std::fs::write(src.join("tests.rs"), tests).unwrap();
    std::fs::write(src.join("tests/support.rs"), copyable("two")).unwrap();
    let files = |doc: &Value| {
        let mut files: Vec<String> = groups(doc)
            .into_iter()
            .flat_map(|(_, spans)| spans.into_iter().map(|(file, _, _)| file))
            .collect();
        files.sort();
        files
    };
    let found = files(&json(tmp.path(), &["src"]));
    assert_eq!(found, ["lib.rs", "real.rs"]);
    let with_tests = files(&json(tmp.path(), &["src", "--tests"]));
    assert_eq!(
        with_tests,
        ["lib.rs", "real.rs", "tests.rs", "tests/support.rs"]
    );
}

/// Without a manifest, the crate root is a library and module paths follow `mod`, `#[path]`
/// and `include!` as the compiler's would: only the really unreachable `pub` item is reported.
#[test]
fn plain_dir_needless_pub_follows_the_module_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("gen/more")).unwrap();
    let lib = "pub mod api;\nmod internal;\n#[path = \"other_name.rs\"]\npub mod renamed;\ninclude!(\"gen/mod.rs\");\npub fn run() { internal::used(); }\n";
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    std::fs::write(src.join("api.rs"), "pub fn exported() {}\n").unwrap();
    std::fs::write(
        src.join("internal.rs"),
        "pub fn used() {}\npub fn unused() {}\n",
    )
    .unwrap();
    std::fs::write(src.join("other_name.rs"), "pub fn through_path() {}\n").unwrap();
    std::fs::write(src.join("gen/mod.rs"), "pub mod more;\n").unwrap();
    std::fs::write(src.join("gen/more/mod.rs"), "pub fn included() {}\n").unwrap();
    let out = run(
        tmp.path(),
        &["smells", "--no-cache", "--format", "json", "src"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let needless: Vec<&str> = doc["smells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "needless_pub")
        .map(|s| s["locations"][0]["file"].as_str().unwrap())
        .collect();
    assert_eq!(needless, ["internal.rs"], "{:#}", doc["smells"]);
}

/// A file that a build script includes by `#[path]` (for shell completions) and the binary
/// declares deeper down is the binary's module: its uses there count.
#[test]
fn a_file_a_build_script_shares_with_the_binary_is_the_binarys() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("options")).unwrap();
    let manifest = "[package]\nname = \"tool\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
    std::fs::write(tmp.path().join("Cargo.toml"), manifest).unwrap();
    let build = "#[path = \"src/options/args.rs\"]\nmod args;\nfn main() {\n    let _ = args::command();\n}\n";
    std::fs::write(tmp.path().join("build.rs"), build).unwrap();
    std::fs::write(
        src.join("main.rs"),
        "mod options;\nfn main() {\n    let _ = options::args::command();\n}\n",
    )
    .unwrap();
    std::fs::write(src.join("options/mod.rs"), "pub mod args;\n").unwrap();
    let args = "pub fn command() -> u32 {\n    helper()\n}\n\npub fn helper() -> u32 {\n    1\n}\n";
    std::fs::write(src.join("options/args.rs"), args).unwrap();
    // In the package, and as a plain folder from elsewhere.
    let elsewhere = tempfile::tempdir().unwrap();
    let folder = tmp.path().to_str().unwrap();
    for (dir, path) in [(tmp.path(), None), (elsewhere.path(), Some(folder))] {
        let mut args = vec!["smells", "--no-cache", "--format", "json"];
        args.extend(path);
        let out = run(dir, &args);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let needless = needless_pub_messages(&doc);
        assert_eq!(needless.len(), 1, "{needless:#?}");
        let helper = &needless[0];
        assert!(
            helper.contains("`helper`") && helper.contains("tool::options::args"),
            "{helper}"
        );
    }
}

#[test]
fn bad_input_is_reported_with_locations_and_the_rest_is_analysed() {
    let dir = fixture("bad-input");
    let out = run(&dir, &["dup", "--format", "json", "--no-cache"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("src/broken.rs:5:28"), "{stderr}");
    assert!(stderr.contains("syntax error"), "{stderr}");
    assert!(
        stderr.contains("not valid UTF-8") && stderr.contains("src/latin1.rs:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("@generated") && stderr.contains("src/generated.rs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("module `missing`") && stderr.contains("src/lib.rs:4"),
        "{stderr}"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = groups(&doc);
    assert!(
        has_group(
            &found,
            "fn",
            &[("src/ok_a.rs", 1, 14), ("src/ok_b.rs", 5, 18)]
        ),
        "{found:#?}"
    );
    // The JSON carries what the human output says: the skipped files too.
    let warnings = doc["warnings"].as_array().unwrap();
    let broken = warnings
        .iter()
        .find(|w| w["file"] == "src/broken.rs")
        .unwrap();
    assert_eq!(
        (broken["line"].as_u64(), broken["column"].as_u64()),
        (Some(5), Some(28))
    );
    assert!(
        warnings.iter().any(|w| w["file"] == "src/latin1.rs"),
        "{warnings:?}"
    );
    // Quiet mode prints no warnings.
    let quiet = run(&dir, &["dup", "-q", "--format", "json", "--no-cache"]);
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}

/// A marker on an out-of-line module's declaration covers the module's file (and the files
/// it declares), as a marker on an inline module covers its items.
#[test]
fn an_allow_marker_on_a_mod_declaration_silences_the_modules_file() {
    let tmp = copy_of_fixture("dup-workspace");
    let parent = tmp.path().join("crates/alpha/src/util/mod.rs");
    let text = std::fs::read_to_string(&parent).unwrap();
    let count = |doc: &Value| {
        (groups(doc).into_iter())
            .flat_map(|(_, copies)| copies)
            .filter(|(file, _, _)| file.ends_with("util/text.rs"))
            .count()
    };
    let out = run(tmp.path(), &["dup", "--format", "json", "--no-cache"]);
    assert!(count(&serde_json::from_slice(&out.stdout).unwrap()) > 0);
    let marked = text.replace(
        "pub mod text;",
        "// cargo-loop: allow(duplicate)\npub mod text;",
    );
    assert_ne!(marked, text);
    std::fs::write(&parent, marked).unwrap();
    let out = run(tmp.path(), &["dup", "--format", "json", "--no-cache"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(count(&serde_json::from_slice(&out.stdout).unwrap()), 0);
    assert!(!stderr.contains("silences nothing"), "{stderr}");
}

/// A syntax error in the crate root is a warning at its place, and the modules the root
/// declares are still analysed: the copies in `ok_a` and `ok_b` are still found.
#[test]
fn a_syntax_error_in_the_crate_root_still_analyses_its_modules() {
    let tmp = copy_of_fixture("bad-input");
    let lib = tmp.path().join("src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str(
        "
fn broken_root( {
",
    );
    std::fs::write(&lib, text).unwrap();
    let out = run(tmp.path(), &["dup", "--format", "json", "--no-cache"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("src/lib.rs:"), "{stderr}");
    assert!(
        stderr.contains("the modules it declares are still analysed"),
        "{stderr}"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<String> = (groups(&doc).into_iter())
        .flat_map(|(_, copies)| copies.into_iter().map(|(file, _, _)| file))
        .collect();
    assert!(
        files.iter().any(|f| f == "src/ok_a.rs") && files.iter().any(|f| f == "src/ok_b.rs"),
        "{doc:#}"
    );
}

#[test]
fn a_module_file_that_is_a_symlink_loop_is_reported_as_such() {
    let tmp = copy_of_fixture("bad-input");
    let src = tmp.path().join("src");
    std::os::unix::fs::symlink("loop2.rs", src.join("missing.rs")).unwrap();
    std::os::unix::fs::symlink("missing.rs", src.join("loop2.rs")).unwrap();
    let out = run(tmp.path(), &["dup", "--format", "json", "--no-cache"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Too many levels of symbolic links") && stderr.contains("src/missing.rs"),
        "{stderr}"
    );
    assert!(!stderr.contains("module `missing`"), "{stderr}");
}

#[test]
fn module_file_that_is_a_directory_is_reported_as_such() {
    let tmp = copy_of_fixture("bad-input");
    std::fs::create_dir(tmp.path().join("src/missing.rs")).unwrap();
    let out = run(tmp.path(), &["dup", "--format", "json", "--no-cache"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("file is a directory, not a regular file")
            && stderr.contains("src/missing.rs"),
        "{stderr}"
    );
    assert!(!stderr.contains("module `missing`"), "{stderr}");
}

/// A file nested thousands of levels deep would overflow the stack of whatever parses it: it
/// is a warning at the first level past the limit, and the rest is analysed. Files nested
/// less deep than the limit are parsed whole, on threads with room for them.
#[test]
fn deep_nesting_is_a_warning_and_the_rest_is_analysed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let blocks = format!("fn f() {}{}\n", "{".repeat(2000), "}".repeat(2000));
    std::fs::write(dir.join("blocks.rs"), blocks).unwrap();
    let parens = format!(
        "fn g() -> u8 {{\n    {}1{}\n}}\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    std::fs::write(dir.join("parens.rs"), parens).unwrap();
    // Under the limit, but deeper than a default thread's stack holds in a debug build.
    let generics = format!(
        "pub type Deep = {}u8{};\n",
        "Vec<".repeat(120),
        ">".repeat(120)
    );
    std::fs::write(dir.join("generics.rs"), generics).unwrap();
    std::fs::write(dir.join("a.rs"), copyable("weigh_a")).unwrap();
    std::fs::write(dir.join("b.rs"), copyable("weigh_b")).unwrap();
    let out = run(dir, &["dup", "--format", "json", "--no-cache", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // `fn f() ` is 7 columns: the brace past the limit of 128 is the 129th.
    assert!(stderr.contains("blocks.rs:1:136"), "{stderr}");
    assert!(stderr.contains("parens.rs:2:132"), "{stderr}");
    assert!(stderr.contains("128 levels"), "{stderr}");
    assert!(!stderr.contains("generics.rs"), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 3, "{doc:#}");
    assert!(
        has_group(&groups(&doc), "fn", &[("a.rs", 1, 11), ("b.rs", 1, 11)]),
        "{doc:#}"
    );
}

/// A NUL or a bare carriage return is located like any token that does not lex; a file name
/// that is not UTF-8 is shown with its bytes escaped, and its code is still shown.
#[cfg(unix)]
#[test]
fn control_characters_and_names_that_are_not_utf8_are_located() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("nul.rs"),
        "fn a() {}\nfn b() { let x = 1;\0 let y = 2; }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("cr.rs"),
        "fn a() {}\nfn b() -> &'static str {\n    \"a\rb\"\n}\n",
    )
    .unwrap();
    let odd = dir.join(std::ffi::OsStr::from_bytes(b"x\xff.rs"));
    std::fs::write(&odd, copyable("weigh_x")).unwrap();
    std::fs::write(dir.join("y.rs"), copyable("weigh_y")).unwrap();
    let out = run(dir, &["dup", "--no-cache", "--color", "never", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("nul.rs:2:20") && stderr.contains("NUL"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cr.rs:3:7") && stderr.contains("carriage return"),
        "{stderr}"
    );
    assert!(!stdout.contains('\u{fffd}'), "{stdout}");
    assert!(stdout.contains("x\\xff.rs:1:1"), "{stdout}");
    // The code of the copy in the oddly named file is shown.
    assert!(
        stdout.contains("1 | pub fn weigh_x(values: &[u32]) -> u32 {"),
        "{stdout}"
    );
    let doc = json(dir, &["."]);
    assert!(
        has_group(
            &groups(&doc),
            "fn",
            &[("x\\xff.rs", 1, 11), ("y.rs", 1, 11)]
        ),
        "{doc:#}"
    );
}

#[cfg(unix)]
#[test]
fn plain_dir_with_symlink_loop_huge_file_and_broken_link_warns() {
    let tmp = copy_of_fixture("plain-dir");
    let dir = tmp.path();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.rs", dir.join("dangling.rs")).unwrap();
    let huge = "pub const X: u8 = 0;\n".repeat(250_000);
    std::fs::write(dir.join("huge.rs"), &huge).unwrap();
    // A generator may write that much: read for its items, not refused.
    let generated = format!(
        "// @generated by a tool\npub const Y: &str = \"{}\";\n",
        "x".repeat(5 << 20)
    );
    std::fs::write(dir.join("huge_generated.rs"), generated).unwrap();
    // Reading a named pipe would block the scan.
    let mkfifo = std::process::Command::new("mkfifo")
        .arg(dir.join("pipe.rs"))
        .status()
        .unwrap();
    assert!(mkfifo.success());
    let out = run(dir, &["dup", "--format", "json", "--no-cache", "."]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("symbolic link loop") && stderr.contains("sub/loop"),
        "{stderr}"
    );
    // The cause once, the path in the note: not the walker's own sentence with the full path.
    assert!(
        stderr.contains("could not read: No such file or directory")
            && stderr.contains("dangling.rs"),
        "{stderr}"
    );
    assert!(!stderr.contains("IO error for operation"), "{stderr}");
    assert!(
        stderr.contains("pipe.rs") && stderr.contains("file is a named pipe, not a regular file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("huge.rs") && stderr.contains("limit"),
        "{stderr}"
    );
    assert!(
        stderr.contains("no finding is reported in it\n--> huge_generated.rs")
            && !stderr.contains("skipped\n--> huge_generated.rs"),
        "{stderr}"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["groups"].as_array().unwrap().len(), 2);
}

/// Appends `extra` to the file at `path`; its text before.
fn append(path: &Path, extra: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, format!("{text}{extra}")).unwrap();
    text
}

/// The stderr of `cargo loop dup` in `dir`, which exits with `code`.
fn dup_stderr(dir: &Path, code: i32) -> String {
    let out = run(dir, &["dup"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    stderr
}

#[test]
fn unknown_config_key_is_an_error_naming_key_and_file() {
    let tmp = copy_of_fixture("dup-workspace");
    let config = tmp.path().join("loop.toml");
    std::fs::write(&config, "min-lines = 8\nmin-linse = 9\n").unwrap();
    let stderr = dup_stderr(tmp.path(), 2);
    assert!(
        stderr.contains("min-linse") && stderr.contains("loop.toml"),
        "{stderr}"
    );

    std::fs::remove_file(&config).unwrap();
    let manifest = tmp.path().join("Cargo.toml");
    let text = append(&manifest, "\n[workspace.metadata.loop]\nsimilarty = 0.5\n");
    let stderr = dup_stderr(tmp.path(), 2);
    assert!(
        stderr.contains("similarty") && stderr.contains("workspace.metadata.loop"),
        "{stderr}"
    );

    // A member's own table would silently not apply: it is a warning naming the member.
    std::fs::write(&manifest, &text).unwrap();
    let member = tmp.path().join("crates/alpha/Cargo.toml");
    append(&member, "\n[package.metadata.loop]\nmin-lines = 100\n");
    let stderr = dup_stderr(tmp.path(), 0);
    assert!(
        stderr.contains("`[package.metadata.loop]` of member `alpha` is not read")
            && stderr.contains("--> crates/alpha/Cargo.toml"),
        "{stderr}"
    );
}

#[test]
fn config_in_workspace_metadata_changes_thresholds() {
    let tmp = copy_of_fixture("dup-workspace");
    let manifest = tmp.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n[workspace.metadata.loop]\nmin-lines = 20\nallow-duplicate = [\"*::Describe*\"]\n")).unwrap();
    let doc = json(tmp.path(), &[]);
    for group in doc["groups"].as_array().unwrap() {
        if !matches!(
            group["kind"].as_str(),
            Some("struct" | "enum" | "trait" | "fields")
        ) {
            // `--min-lines` counts the lines each copy spans.
            for inst in group["instances"].as_array().unwrap() {
                let span =
                    inst["end_line"].as_u64().unwrap() + 1 - inst["start_line"].as_u64().unwrap();
                assert!(span >= 20, "{group}");
            }
        }
    }
    // The flag overrides the configuration.
    let doc = json(tmp.path(), &["--min-lines", "6"]);
    assert!(doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["lines"].as_u64().unwrap() < 20));
}

#[test]
fn broken_workspace_and_bad_paths_exit_with_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("Cargo.toml"), "[package\nname = 1").unwrap();
    let out = run(tmp.path(), &["dup"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cargo metadata") && stderr.contains("Cargo.toml"),
        "{stderr}"
    );

    let out = run(tmp.path(), &["dup", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`no/such/dir` does not exist"));

    let out = run(tmp.path(), &["dup", "--similarity", "2"]);
    assert_eq!(out.status.code(), Some(2));

    let out = run(tmp.path(), &["ci"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Cargo.toml"));
}

#[test]
fn json_names_each_findings_rule_type_and_message_with_integer_counts() {
    let dir = fixture("smells-crate");
    let out = run(&dir, &["scan", "--format", "json", "--no-cache"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let smells = doc["smells"].as_array().unwrap();
    let long = smells
        .iter()
        .find(|s| s["kind"] == "long_function")
        .unwrap();
    assert_eq!(long["rule"], "long-function");
    assert!(long["metrics"]["lines"].is_u64(), "{long}");
    let dir = fixture("dup-workspace");
    let out = run(&dir, &["dup", "--format", "json", "--no-cache"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let types: Vec<&str> = (doc["groups"].as_array().unwrap().iter())
        .map(|g| g["type"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"exact") && types.contains(&"renamed") && types.contains(&"near"),
        "{types:?}"
    );
    assert!(doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["message"].is_string() && g["saves"].is_u64()));
}

#[test]
fn fingerprints_survive_edits_elsewhere_in_the_file() {
    let tmp = copy_of_fixture("dup-workspace");
    let before = json(tmp.path(), &[]);
    let file = tmp.path().join("crates/alpha/src/config.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("// A new comment.\n\n\n{text}")).unwrap();
    let after = json(tmp.path(), &[]);
    let fingerprints = |doc: &Value| {
        let mut fps: Vec<String> = doc["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["fingerprint"].as_str().unwrap().to_string())
            .collect();
        fps.sort();
        fps
    };
    assert_eq!(fingerprints(&before), fingerprints(&after));
    let moved = after["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["instances"].as_array().unwrap())
        .find(|i| i["item"] == "alpha::config::parse_assignment")
        .unwrap();
    assert_eq!(moved["start_line"], 23);
}

/// Support code of the integration tests that a benchmark also reaches (`#[path]`) is no
/// crate's API and no library's module: its `pub` is for the tests, which are not analysed.
#[test]
fn test_support_a_bench_shares_is_not_needless_pub() {
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"shared\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", "pub fn api() -> u32 {\n    1\n}\n"),
        ("tests/common/mod.rs", "pub fn helper() -> u32 {\n    2\n}\n"),
        (
            "tests/t.rs",
            "mod common;\n#[test]\nfn t() {\n    assert_eq!(common::helper(), 2);\n}\n",
        ),
        (
            "benches/b.rs",
            "#[path = \"../tests/common/mod.rs\"]\n#[allow(dead_code)]\nmod common;\nfn main() {}\n",
        ),
    ];
    for (path, text) in files {
        std::fs::create_dir_all(tmp.path().join(path).parent().unwrap()).unwrap();
        std::fs::write(tmp.path().join(path), text).unwrap();
    }
    let out = run(tmp.path(), &["smells", "--no-cache", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let needless: Vec<&Value> = (doc["smells"].as_array().unwrap().iter())
        .filter(|s| s["kind"] == "needless_pub")
        .collect();
    assert!(needless.is_empty(), "{needless:?}");
}

/// `#![allow(clippy::too_many_lines)]` at the crate root covers every module of the crate,
/// as in clippy; an allow on a `mod` declaration covers that module's file.
#[test]
fn a_crate_level_clippy_allow_reaches_every_module() {
    let tmp = tempfile::tempdir().unwrap();
    let params: Vec<String> = (0..9).map(|i| format!("p{i}: u8")).collect();
    let many = format!("pub fn many({}) {{}}\n", params.join(", "));
    let root = |allow: &str| {
        format!("{allow}pub mod a;\n#[allow(clippy::too_many_arguments)]\npub mod b;\n")
    };
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"lint\"\nversion = \"0.1.0\"\nedition = \"2021\"\n".to_string(),
        ),
        ("src/lib.rs", root("")),
        ("src/a.rs", many.clone()),
        ("src/b.rs", format!("pub mod c;\n{many}")),
        ("src/b/c.rs", many.clone()),
    ];
    for (path, text) in files {
        std::fs::create_dir_all(tmp.path().join(path).parent().unwrap()).unwrap();
        std::fs::write(tmp.path().join(path), text).unwrap();
    }
    let flagged = || {
        let out = run(tmp.path(), &["smells", "--no-cache", "--format", "json"]);
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut files: Vec<String> = (doc["smells"].as_array().unwrap().iter())
            .filter(|s| s["kind"] == "too_many_params")
            .map(|s| s["locations"][0]["file"].as_str().unwrap().to_string())
            .collect();
        files.sort();
        files
    };
    assert_eq!(flagged(), ["src/a.rs"]);
    let allow = "#![allow(clippy::too_many_arguments)]\n";
    std::fs::write(tmp.path().join("src/lib.rs"), root(allow)).unwrap();
    assert!(flagged().is_empty());
}

/// A file that cannot be analysed may use any `pub` of its crate: none is called needless,
/// and a warning says why.
#[test]
fn needless_pub_is_not_checked_in_a_crate_with_an_unreadable_file() {
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"unread\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", "mod user;\nmod util;\npub use user::go;\n"),
        ("src/util.rs", "pub fn helper() -> u32 {\n    1\n}\n"),
        (
            "src/user.rs",
            "pub fn go() -> u32 {\n    crate::util::helper()\n}\npub fn bad(x, y: u32) {}\n",
        ),
    ];
    for (path, text) in files {
        std::fs::create_dir_all(tmp.path().join(path).parent().unwrap()).unwrap();
        std::fs::write(tmp.path().join(path), text).unwrap();
    }
    let out = run(tmp.path(), &["smells", "--no-cache", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let needless: Vec<&Value> = (doc["smells"].as_array().unwrap().iter())
        .filter(|s| s["kind"] == "needless_pub")
        .collect();
    assert!(needless.is_empty(), "{needless:?}");
    let warned = (doc["warnings"].as_array().unwrap().iter()).any(|w| {
        w["file"] == "src/user.rs"
            && (w["message"].as_str().unwrap())
                .contains("needless `pub` is not checked in `unread`")
    });
    assert!(warned, "{}", doc["warnings"]);
}

/// A report is cached only when its files' times are old enough to trust (as git's index):
/// makes every file of `dir` a minute old.
fn age_files(dir: &Path) {
    let minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            let file = std::fs::File::options().write(true).open(entry.path());
            file.unwrap().set_modified(minute_ago).unwrap();
        }
    }
}

/// The features a scan is made with are part of what its cached report was made from.
#[test]
fn a_cached_report_is_not_reused_for_other_features() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "(values: &[i64]) -> i64 {\n    let mut total = 0;\n    for v in values {\n\
                if *v > 10 {\n            total += v * 2;\n        } else if *v < 0 {\n\
                total -= v;\n        } else {\n            total += 1;\n        }\n    }\n\
                total\n}\n";
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"feat\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [features]\ndefault = [\"a\"]\na = []\nb = []\n"
                .to_string(),
        ),
        (
            "src/lib.rs",
            "#[cfg(feature = \"a\")]\npub mod fa;\n#[cfg(feature = \"b\")]\npub mod fb;\n\
             pub mod common;\n"
                .to_string(),
        ),
        ("src/fa.rs", format!("pub fn score_a{body}")),
        ("src/fb.rs", format!("pub fn score_b{body}")),
        ("src/common.rs", format!("pub fn score_c{body}")),
    ];
    for (path, text) in files {
        std::fs::create_dir_all(tmp.path().join(path).parent().unwrap()).unwrap();
        std::fs::write(tmp.path().join(path), text).unwrap();
    }
    age_files(tmp.path());
    let analysed = |args: &[&str]| {
        let out = run(tmp.path(), &[&["dup", "--format", "json"], args].concat());
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["summary"]["files"].clone()
    };
    assert_eq!(analysed(&["--no-default-features"]), 2);
    // Without a feature flag, every `cfg` alternative is analysed.
    assert_eq!(analysed(&[]), 4);
    assert_eq!(analysed(&["--features", "a"]), 3);
    assert_eq!(analysed(&["--no-default-features"]), 2);
}

#[test]
fn second_scan_uses_the_cache_until_a_file_changes() {
    let tmp = copy_of_fixture("dup-workspace");
    age_files(tmp.path());
    let first = run(tmp.path(), &["dup", "--format", "json"]);
    assert!(tmp.path().join("target/loop/cache").is_dir());
    // Detection's memo is written while the findings print, and before the command exits.
    let memo = std::fs::metadata(tmp.path().join("target/loop/cache/files/memo"));
    assert!(memo.is_ok_and(|m| m.len() > 0));
    let second = run(tmp.path(), &["dup", "--format", "json"]);
    assert_eq!(first.stdout, second.stdout);
    let human = run(tmp.path(), &["dup"]);
    assert!(String::from_utf8_lossy(&human.stderr).contains("from cache"));
    // CARGO_TARGET_DIR moves the cache with the target directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("cargo-loop").unwrap();
    cmd.current_dir(tmp.path())
        .env("CARGO_TARGET_DIR", elsewhere.path())
        .args(["loop", "dup", "-q"])
        .assert()
        .success();
    assert!(elsewhere.path().join("loop/cache").is_dir());
    let file = tmp.path().join("crates/beta/src/metrics.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("fn dampen_readings", "fn dampen_readings_renamed"),
    )
    .unwrap();
    let third = run(tmp.path(), &["dup", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&third.stdout).unwrap();
    assert!(doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["instances"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["item"] == "beta::metrics::dampen_readings_renamed")));
}

#[test]
fn fail_on_exits_with_code_one_when_groups_are_found() {
    let out = run(
        &fixture("dup-workspace"),
        &["dup", "--fail-on", "--no-cache", "-q"],
    );
    assert_eq!(out.status.code(), Some(1));
    // Why the exit code is 1, even with `-q`.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: --fail-on: 10 clone groups and 0 smells"),
        "{stderr}"
    );
    // `smells` sums up smells, not clones.
    let smells = run(&fixture("dup-workspace"), &["smells", "--no-cache"]);
    let stderr = String::from_utf8_lossy(&smells.stderr);
    assert!(
        stderr.contains("Scanned 16 files") && stderr.contains(" smell"),
        "{stderr}"
    );
    assert!(!stderr.contains("clone group"), "{stderr}");
}

/// Replaces the machine-specific root so snapshots are stable.
fn redact(text: &[u8]) -> String {
    let root = fixture("dup-workspace").canonicalize().unwrap();
    String::from_utf8_lossy(text).replace(&root.display().to_string(), "[ROOT]")
}

#[test]
fn dup_workspace_human_output_snapshot() {
    let out = run(
        &fixture("dup-workspace"),
        &["dup", "--no-cache", "--color", "never"],
    );
    insta::assert_snapshot!("human", redact(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Scanned 16 files") && stderr.contains("10 clone groups"),
        "{stderr}"
    );
}

#[test]
fn dup_workspace_json_output_snapshot() {
    let out = run(
        &fixture("dup-workspace"),
        &["dup", "--no-cache", "--format", "json"],
    );
    insta::assert_snapshot!("json", redact(&out.stdout));
}

#[test]
fn dup_workspace_sarif_output_snapshot() {
    let out = run(
        &fixture("dup-workspace"),
        &["dup", "--no-cache", "--format", "sarif"],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 10);
    for result in results {
        assert!(result["partialFingerprints"]["cargoLoopGroup/v1"].is_string());
        assert!(!result["relatedLocations"].as_array().unwrap().is_empty());
        let rule = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(doc["runs"][0]["tool"]["driver"]["rules"][index]["id"], rule);
    }
    insta::assert_snapshot!("sarif", redact(&out.stdout));
}

#[test]
fn dup_workspace_github_output_snapshot() {
    let out = run(
        &fixture("dup-workspace"),
        &["dup", "--no-cache", "--format", "github"],
    );
    let text = redact(&out.stdout);
    assert!(
        text.lines().all(|l| l.starts_with("::warning file=")),
        "{text}"
    );
    insta::assert_snapshot!("github", text);
}

#[test]
fn color_flag_and_environment_control_ansi_output() {
    let dir = fixture("dup-workspace");
    let always = run(&dir, &["dup", "--no-cache", "--color", "always"]);
    assert!(String::from_utf8_lossy(&always.stdout).contains("\u{1b}["));
    let never = run(&dir, &["dup", "--no-cache", "--color", "never"]);
    assert!(!String::from_utf8_lossy(&never.stdout).contains("\u{1b}["));
    let mut cmd = Command::cargo_bin("cargo-loop").unwrap();
    let env = cmd
        .current_dir(&dir)
        .env("CARGO_TERM_COLOR", "always")
        .args(["loop", "dup", "--no-cache"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&env.stdout).contains("\u{1b}["));
    // Not a terminal: no progress bar, no colour by default.
    let auto = run(&dir, &["dup", "--no-cache"]);
    assert!(!String::from_utf8_lossy(&auto.stdout).contains("\u{1b}["));
    assert!(!String::from_utf8_lossy(&auto.stderr).contains("Parsing"));
}

#[test]
fn modules_are_followed_through_path_attributes_and_both_file_styles() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("src/a")).unwrap();
    std::fs::create_dir_all(dir.join("src/b")).unwrap();
    std::fs::create_dir_all(dir.join("elsewhere")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"modules\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "mod a;\nmod b;\n#[path = \"../elsewhere/c.rs\"]\nmod c;\nmod d {\n    mod e;\n}\n",
    )
    .unwrap();
    let body = "(values: &[i64]) -> i64 {\n    let mut total = 0;\n    for value in values {\n        if *value > 10 {\n            total += value * 2;\n        } else {\n            total -= value;\n        }\n    }\n    total\n}\n";
    std::fs::write(dir.join("src/a/mod.rs"), format!("pub fn weigh{body}")).unwrap();
    std::fs::write(dir.join("src/b.rs"), "mod inner;\n").unwrap();
    std::fs::write(dir.join("src/b/inner.rs"), format!("pub fn weigh_b{body}")).unwrap();
    std::fs::write(dir.join("elsewhere/c.rs"), format!("pub fn weigh_c{body}")).unwrap();
    std::fs::create_dir_all(dir.join("src/d")).unwrap();
    std::fs::write(dir.join("src/d/e.rs"), format!("pub fn weigh_e{body}")).unwrap();
    let doc = json(dir, &[]);
    let files: Vec<&str> = doc["groups"][0]["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "elsewhere/c.rs",
            "src/a/mod.rs",
            "src/b/inner.rs",
            "src/d/e.rs"
        ],
        "{doc}"
    );
    assert_eq!(
        doc["groups"][0]["instances"][2]["item"],
        "modules::b::inner::weigh_b"
    );
}

#[test]
fn include_exclude_path_and_allow_duplicate_globs_filter_groups() {
    let dir = fixture("dup-workspace");
    let all = groups(&json(&dir, &[]));
    let touches_beta = |found: &Found| {
        found
            .iter()
            .any(|(_, inst)| inst.iter().any(|(f, _, _)| f.starts_with("crates/beta/")))
    };
    assert!(touches_beta(&all));
    let excluded = groups(&json(&dir, &["--exclude-path", "crates/beta/**"]));
    assert!(
        !touches_beta(&excluded) && !excluded.is_empty(),
        "{excluded:#?}"
    );
    let included = groups(&json(&dir, &["--include", "crates/alpha/**"]));
    assert_eq!(included, excluded);

    let tmp = copy_of_fixture("dup-workspace");
    std::fs::write(
        tmp.path().join("loop.toml"),
        "allow-duplicate = [\"*::parse_assignment\", \"crates/alpha/src/geometry.rs\"]\n",
    )
    .unwrap();
    let allowed = groups(&json(tmp.path(), &[]));
    let has_file_line = |found: &Found, file: &str, line: u64| {
        found
            .iter()
            .any(|(_, inst)| inst.iter().any(|(f, s, _)| f == file && *s == line))
    };
    // The three-copy function is gone (every copy matches the item glob); so are the
    // geometry.rs copies, and groups left with one copy.
    assert!(has_file_line(&all, "crates/alpha/src/config.rs", 20));
    assert!(!has_file_line(&allowed, "crates/alpha/src/config.rs", 20));
    assert!(!allowed.iter().any(|(_, inst)| inst
        .iter()
        .any(|(f, _, _)| f == "crates/alpha/src/geometry.rs")));
    assert!(allowed.iter().all(|(_, inst)| inst.len() >= 2));
}

#[test]
#[allow(clippy::too_many_lines)] // one table of every planted smell, read as one
fn smells_crate_reports_each_planted_function_smell_with_metrics() {
    let out = run(
        &fixture("smells-crate"),
        &["smells", "--no-cache", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let smells: Vec<(String, u64, f64)> = doc["smells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap().to_string(),
                s["locations"][0]["start_line"].as_u64().unwrap(),
                s["metrics"]["excess"].as_f64().unwrap_or(0.0),
            )
        })
        .collect();
    assert_eq!(
        smells,
        [
            ("needless_pub".to_string(), 9, 0.0),
            ("repeated_match".to_string(), 4, 0.0),
            ("complex_function".to_string(), 11, 17.0),
            ("too_many_params".to_string(), 51, 1.0),
            ("long_function".to_string(), 60, 9.0),
        ]
    );
    assert_eq!(doc["smells"][0]["locations"][0]["file"], "src/internal.rs");
    assert!(doc["smells"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("`helper` is `pub`"));
    let repeated = &doc["smells"][1];
    assert!(repeated["message"]
        .as_str()
        .unwrap()
        .starts_with("`Shape` is matched variant by variant in 3 modules"));
    let sites: Vec<&str> = repeated["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["file"].as_str().unwrap())
        .collect();
    assert_eq!(sites, ["src/area.rs", "src/draw.rs", "src/label.rs"]);
    let complex = &doc["smells"][2];
    assert_eq!(complex["id"], "S3");
    assert_eq!(complex["metrics"]["cognitive"], 42.0);
    assert_eq!(complex["metrics"]["cyclomatic"], 17.0);
    // Every limit the message may cite is in the metrics.
    assert_eq!(complex["metrics"]["max_cyclomatic"], 15.0);
    assert_eq!(complex["metrics"]["max_nesting"], 5.0);
    assert!(complex["message"].as_str().unwrap().contains("`classify`"));
    assert_eq!(doc["groups"], Value::Array(Vec::new()));
    assert_eq!(doc["summary"]["smells"], 5);

    // Thresholds from flags.
    let relaxed = json(&fixture("smells-crate"), &["--max-fn-lines", "200"]);
    assert_eq!(
        relaxed["smells"],
        Value::Array(Vec::new()),
        "dup reports no smells"
    );
    let out = run(
        &fixture("smells-crate"),
        &[
            "smells",
            "--no-cache",
            "--format",
            "json",
            "--max-fn-lines",
            "200",
            "--max-params",
            "8",
            "--max-nesting",
            "6",
            "--max-cognitive",
            "50",
            "--max-cyclomatic",
            "20",
            "--shotgun-modules",
            "4",
        ],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = doc["smells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["needless_pub"],
        "only the smell without a threshold is left"
    );
}

#[test]
fn scan_reports_groups_and_smells_from_one_parse() {
    let out = run(
        &fixture("dup-workspace"),
        &[
            "scan",
            "--no-cache",
            "--format",
            "json",
            "--max-fn-lines",
            "20",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["groups"].as_array().unwrap().len(), 10);
    let long: Vec<&str> = doc["smells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "long_function")
        .map(|s| s["locations"][0]["file"].as_str().unwrap())
        .collect();
    assert!(long.contains(&"crates/alpha/src/util/text.rs"), "{long:?}");
    let sarif = run(
        &fixture("smells-crate"),
        &["scan", "--no-cache", "--format", "sarif"],
    );
    let doc: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            doc["runs"][0]["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
    }
}

#[test]
fn smells_crate_human_output_snapshot() {
    let out = run(
        &fixture("smells-crate"),
        &["smells", "--no-cache", "--color", "never"],
    );
    insta::assert_snapshot!("smells_human", String::from_utf8_lossy(&out.stdout));
}

/// Human output names every edge of a cycle, not only the first: each is a place to cut it.
#[test]
fn human_output_names_every_edge_of_a_cycle() {
    let out = run(
        &fixture("cycles-crate"),
        &["smells", "--no-cache", "--color", "never"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for edge in [
        "--> src/a.rs:1:1",
        "note: also at src/b.rs:1",
        "--> src/net/client.rs:11:9",
        "note: also at src/net/codec.rs:1",
        "note: also at src/net/frame.rs:10",
    ] {
        assert!(text.contains(edge), "{edge} in {text}");
    }
    assert!(text.contains("`cycles_crate::a`, line 1\n"), "{text}");
}

#[test]
fn cycles_crate_reports_each_planted_cycle_with_its_lines_and_nothing_else() {
    let out = run(
        &fixture("cycles-crate"),
        &["smells", "--no-cache", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cycles: Vec<Cycle> = doc["smells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "module_cycle")
        .map(|s| {
            let locations = s["locations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    (
                        l["file"].as_str().unwrap().to_string(),
                        l["start_line"].as_u64().unwrap(),
                    )
                })
                .collect();
            (
                s["message"].as_str().unwrap().to_string(),
                locations,
                s["metrics"]["cycle_len"].as_f64().unwrap() as u64,
            )
        })
        .collect();
    assert_eq!(cycles.len(), 2, "{cycles:#?}");
    // Shortest first: a <-> b through `use` lines.
    assert!(
        cycles[0]
            .0
            .contains("cycles_crate::a -> cycles_crate::b -> cycles_crate::a"),
        "{}",
        cycles[0].0
    );
    assert_eq!(
        cycles[0].1,
        [("src/a.rs".to_string(), 1), ("src/b.rs".to_string(), 1)]
    );
    assert_eq!(cycles[0].2, 2);
    // client -> codec (a code path) -> frame (through `net`'s re-export) -> client (a type in a
    // signature, through the crate root's re-export).
    assert!(cycles[1].0.contains("cycles_crate::net::client -> cycles_crate::net::codec -> cycles_crate::net::frame -> cycles_crate::net::client"), "{}", cycles[1].0);
    assert_eq!(
        cycles[1].1,
        [
            ("src/net/client.rs".to_string(), 11),
            ("src/net/codec.rs".to_string(), 1),
            ("src/net/frame.rs".to_string(), 10)
        ]
    );
    assert_eq!(cycles[1].2, 3);
}

#[test]
fn cycles_crate_reports_hub_unstable_dependency_and_god_module_with_metrics() {
    let dir = fixture("cycles-crate");
    let out = run(
        &dir,
        &[
            "smells",
            "--no-cache",
            "--format",
            "json",
            "--hub-fan",
            "2",
            "--max-module-items",
            "8",
        ],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let of_kind = |kind: &str| -> Vec<Value> {
        doc["smells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["kind"] == kind)
            .cloned()
            .collect()
    };
    let hubs = of_kind("hub_module");
    assert_eq!(hubs.len(), 1, "{hubs:#?}");
    assert!(hubs[0]["message"]
        .as_str()
        .unwrap()
        .contains("`cycles_crate::hub`"));
    assert_eq!(
        (
            hubs[0]["metrics"]["fan_in"].as_f64(),
            hubs[0]["metrics"]["fan_out"].as_f64()
        ),
        (Some(2.0), Some(2.0))
    );
    let unstable = of_kind("unstable_dependency");
    assert_eq!(unstable.len(), 1, "{unstable:#?}");
    assert!(unstable[0]["message"].as_str().unwrap().contains("`cycles_crate::core` (instability 0.20) depends on less stable `cycles_crate::plugin` (0.75)"));
    assert_eq!(unstable[0]["locations"][0]["file"], "src/core.rs");
    assert_eq!(unstable[0]["locations"][0]["start_line"], 2);
    // The crate root declares nine modules (its test module is not counted without --tests).
    let gods = of_kind("god_module");
    assert_eq!(gods.len(), 1, "{gods:#?}");
    assert_eq!(gods[0]["metrics"]["items"], 9.0);
    assert_eq!(of_kind("module_cycle").len(), 2);
    // Defaults: no hub, no god module; the unstable dependency stays (gap 0.55 over 0.50).
    let defaults: Value =
        serde_json::from_slice(&run(&dir, &["smells", "--no-cache", "--format", "json"]).stdout)
            .unwrap();
    let kinds: Vec<&str> = defaults["smells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["module_cycle", "module_cycle", "unstable_dependency"]
    );
}

#[test]
fn binary_accepts_the_subcommand_with_or_without_the_cargo_word() {
    let mut cmd = Command::cargo_bin("cargo-loop").unwrap();
    let out = cmd
        .current_dir(fixture("dup-workspace"))
        .args(["dup", "--no-cache", "-q", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["groups"].as_array().unwrap().len(), 10);
}

#[test]
fn cycles_crate_reports_god_types_counting_inherent_methods() {
    let out = run(
        &fixture("cycles-crate"),
        &[
            "smells",
            "--no-cache",
            "--format",
            "json",
            "--max-type-methods",
            "1",
        ],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gods: Vec<(String, f64, f64, f64)> = doc["smells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "god_type")
        .map(|s| {
            let m = &s["metrics"];
            (
                s["locations"][0]["file"].as_str().unwrap().to_string(),
                m["methods"].as_f64().unwrap(),
                m["trait_impls"].as_f64().unwrap(),
                m["trait_methods"].as_f64().unwrap(),
            )
        })
        .collect();
    // Client: new and send, plus the Default impl's method; Frame: owner and twice.
    assert_eq!(
        gods,
        [
            ("src/net/client.rs".to_string(), 2.0, 1.0, 1.0),
            ("src/net/frame.rs".to_string(), 2.0, 0.0, 0.0)
        ]
    );
}

#[test]
fn layers_workspace_reports_the_dev_dependency_cycle_and_the_layer_violation() {
    let out = run(
        &fixture("layers-workspace"),
        &["smells", "--no-cache", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let smells: Vec<(String, Vec<(String, u64)>)> = doc["smells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let locations = s["locations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    (
                        l["file"].as_str().unwrap().to_string(),
                        l["start_line"].as_u64().unwrap(),
                    )
                })
                .collect();
            (s["kind"].as_str().unwrap().to_string(), locations)
        })
        .collect();
    assert_eq!(
        smells,
        [
            (
                "crate_cycle".to_string(),
                vec![
                    ("crates/app/Cargo.toml".to_string(), 8),
                    ("crates/engine/Cargo.toml".to_string(), 11)
                ]
            ),
            (
                "layer_violation".to_string(),
                vec![("crates/util/Cargo.toml".to_string(), 8)]
            ),
        ]
    );
    assert!(doc["smells"][0]["message"]
        .as_str()
        .unwrap()
        .contains("app -> engine, engine -> app (dev)"));
    assert_eq!(doc["summary"]["files"], 4);
    // Without layers in the configuration there is no layer smell.
    let tmp = copy_of_fixture("layers-workspace");
    let manifest = tmp.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "layers = [[\"app\"], [\"engine\", \"cli\"], [\"util\"]]",
            "",
        ),
    )
    .unwrap();
    let doc: Value = serde_json::from_slice(
        &run(tmp.path(), &["smells", "--no-cache", "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(doc["smells"].as_array().unwrap().len(), 1);
}

/// The SARIF of `args` (a scan) checked against the official SARIF 2.1.0 schema.
fn valid_sarif(dir: &Path, args: &[&str]) -> Value {
    let out = run(dir, args);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    doc
}

#[test]
fn sarif_is_valid_and_carries_what_code_scanning_shows() {
    let doc = valid_sarif(
        &fixture("smells-crate"),
        &["scan", "--no-cache", "--format", "sarif"],
    );
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        let name = rule["name"].as_str().unwrap();
        assert!(
            name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.contains(['-', ' ', '_']),
            "{name}"
        );
        assert!(
            rule["fullDescription"]["text"].as_str().unwrap().len() > 20,
            "{rule}"
        );
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("cargo-loop: allow("),
            "{rule}"
        );
        assert!(
            rule["properties"]["precision"].is_string()
                && rule["properties"]["problem.severity"].is_string()
        );
    }
    let names: Vec<&str> = rules.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"DuplicatedCode") && names.contains(&"LongFunction"),
        "{names:?}"
    );
    for result in run["results"].as_array().unwrap() {
        let text = result["message"]["text"].as_str().unwrap();
        assert!(
            !text.starts_with('S') || !text[1..].starts_with(|c: char| c.is_ascii_digit()),
            "rank id in {text}"
        );
    }
    // A cycle is at every edge that closes it.
    let doc = valid_sarif(
        &fixture("cycles-crate"),
        &["smells", "--no-cache", "--format", "sarif"],
    );
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let cycle = results
        .iter()
        .find(|r| r["ruleId"] == "module-cycle")
        .unwrap();
    assert!(
        !cycle["relatedLocations"].as_array().unwrap().is_empty(),
        "{cycle:#}"
    );
    // Skipped files are the tool's notifications, with where.
    let doc = valid_sarif(
        &fixture("bad-input"),
        &["scan", "--no-cache", "--format", "sarif"],
    );
    let notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes.iter().any(
            |n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/broken.rs"
        ),
        "{notes:#?}"
    );
}

#[test]
fn github_shows_ten_annotations_per_level_and_the_rest_in_the_step_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    let scan = |summary: Option<&Path>| {
        let mut command = cargo_loop(&fixture("dup-workspace"));
        command.args([
            "scan",
            "--no-cache",
            "--format",
            "github",
            "--max-fn-lines",
            "3",
        ]);
        match summary {
            Some(path) => command.env("GITHUB_STEP_SUMMARY", path),
            None => command.env_remove("GITHUB_STEP_SUMMARY"),
        };
        String::from_utf8_lossy(&command.output().unwrap().stdout).into_owned()
    };
    let stdout = scan(Some(&summary));
    let warnings = stdout
        .lines()
        .filter(|l| l.starts_with("::warning "))
        .count();
    assert_eq!(warnings, 10, "{stdout}");
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(
        table.contains("| level | location | rule | message |"),
        "{table}"
    );
    assert!(table.contains("| warning | `"), "{table}");
    assert!(
        stdout.contains("more findings are not annotated") && stdout.contains("step summary"),
        "{stdout}"
    );
    // Without a step summary, the notice says how many are left out and where to find them.
    let stdout = scan(None);
    let notice = stdout.lines().last().unwrap_or_default();
    assert!(
        notice.starts_with("::notice title=cargo loop::") && notice.contains("--format sarif"),
        "{stdout}"
    );
}

#[test]
fn rdjsonl_is_one_reviewdog_diagnostic_per_line() {
    let out = run(
        &fixture("dup-workspace"),
        &["scan", "--no-cache", "--format", "rdjsonl"],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let diagnostics: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(diagnostics.len() >= 10, "{text}");
    let first = &diagnostics[0];
    assert_eq!(first["location"]["path"], "crates/alpha/src/config.rs");
    assert_eq!(first["location"]["range"]["start"]["line"], 20);
    assert_eq!(first["code"]["value"], "duplicate-code");
    assert_eq!(first["severity"], "WARNING");
}

#[test]
fn a_rescan_after_an_edit_reparses_only_that_file_and_finds_what_a_full_scan_finds() {
    let tmp = copy_of_fixture("dup-workspace");
    let dir = tmp.path();
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "--format", "json"];
        args.extend_from_slice(extra);
        let out = run(dir, &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    scan(&[]);
    let entries = dir.join("target/loop/cache/files");
    let before = std::fs::read_dir(&entries).unwrap().count();
    assert!(before > 10, "one entry per parsed file: {before}");
    // What detection computed is kept beside them, and answers the rescan (compared below
    // with a scan that computes everything).
    assert!(entries.join("memo").is_file());
    // A third copy of a planted clone, in one file: one new entry, the rest read back.
    let stats = dir.join("crates/beta/src/metrics.rs");
    let text = std::fs::read_to_string(&stats).unwrap();
    let copy = text.replace("fn dampen_readings", "fn dampen_again");
    std::fs::write(
        &stats,
        format!("{text}\n{}", &copy[text.find("pub fn dampen").unwrap()..]),
    )
    .unwrap();
    let incremental = scan(&[]);
    assert_eq!(std::fs::read_dir(&entries).unwrap().count(), before + 1);
    assert_eq!(incremental, scan(&["--no-cache"]));
    assert!(incremental.to_string().contains("dampen_again"));
}

#[test]
fn a_clone_allow_that_hides_no_copy_is_a_warning_and_one_that_does_is_not() {
    let tmp = copy_of_fixture("dup-workspace");
    let dir = tmp.path();
    let stats = dir.join("crates/alpha/src/stats.rs");
    let text = std::fs::read_to_string(&stats).unwrap();
    let text = text
        .replace(
            "pub fn mean(",
            "// cargo-loop: allow(duplicate)\npub fn mean(",
        )
        .replace(
            "pub fn exponential_smoothing(",
            "// cargo-loop: allow(renamed-clone)\npub fn exponential_smoothing(",
        );
    std::fs::write(&stats, text).unwrap();
    let doc = json(dir, &[]);
    let warnings: Vec<(&str, u64)> = (doc["warnings"].as_array().unwrap().iter())
        .filter(|w| w["message"].as_str().unwrap().contains("silences nothing"))
        .map(|w| (w["file"].as_str().unwrap(), w["line"].as_u64().unwrap()))
        .collect();
    // `mean` has no copy; `exponential_smoothing` has one, hidden by its marker. The warning
    // is at the marker's line, above `mean`.
    assert_eq!(warnings, [("crates/alpha/src/stats.rs", 5)], "{doc:#}");
    assert!(
        !doc.to_string().contains("exponential_smoothing"),
        "{doc:#}"
    );
    // Restricted to some files, the other copies may be outside: nothing is said.
    let part = json(dir, &["crates/alpha/src/stats.rs"]);
    assert!(!part.to_string().contains("silences nothing"), "{part:#}");
}

/// The messages of a JSON report's `needless_pub` smells.
fn needless_pub_messages(doc: &Value) -> Vec<&str> {
    (doc["smells"].as_array().unwrap().iter())
        .filter(|s| s["kind"] == "needless_pub")
        .map(|s| s["message"].as_str().unwrap())
        .collect()
}

/// A generated table module: nobody edits it, so nothing is reported in it, but what it
/// uses of the hand-written code counts (a helper only it calls is not a needless `pub`).
#[test]
fn generated_code_counts_as_uses_and_gets_no_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let manifest = "[package]\nname = \"tables\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
    std::fs::write(tmp.path().join("Cargo.toml"), manifest).unwrap();
    let lib = "mod gen;\nmod util;\n\npub fn count() -> usize {\n    gen::BY_NAME.len()\n}\n";
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    std::fs::write(
        src.join("util.rs"),
        "pub fn pair(n: u32) -> (u32, u32) {\n    (n, n + 1)\n}\n\npub fn unused() {}\n",
    )
    .unwrap();
    let table = "// DO NOT EDIT THIS FILE. IT WAS AUTOMATICALLY GENERATED BY:\n//   tablegen\n\n\
                 pub const ONE: (u32, u32) = crate::util::pair(1);\n\
                 pub const BY_NAME: &[(&str, (u32, u32))] = &[(\"one\", ONE)];\n";
    std::fs::write(src.join("gen.rs"), table).unwrap();
    let out = run(tmp.path(), &["smells", "--no-cache", "--format", "json"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let needless = needless_pub_messages(&doc);
    // `ONE` is used only in its module, but the generator wrote it; `pair` is used by it.
    assert_eq!(needless.len(), 1, "{needless:#?}");
    assert!(needless[0].contains("`unused`"), "{}", needless[0]);
    assert!(stderr(&out).contains("generated code"), "{}", stderr(&out));
    // Nor does it count among the files and lines the scores are per.
    assert_eq!(doc["summary"]["files"], 2, "{}", doc["summary"]);
    assert_eq!(doc["summary"]["lines"], 11, "{}", doc["summary"]);
}

/// A scope that matches no Rust file says so, and warnings point at files as rustc does.
#[test]
fn a_scope_matching_nothing_warns_and_warnings_point_like_rustc() {
    let out = run(
        &fixture("dup-workspace"),
        &["dup", "--no-cache", "--include", "nomatch/**"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: no Rust file matches the paths or `--include` globs given"),
        "{stderr}"
    );
    let bad = run(
        &fixture("bad-input"),
        &["dup", "--no-cache", "--color", "never"],
    );
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("--> src/broken.rs:5:28"), "{stderr}");
}
