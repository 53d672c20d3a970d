//! The command line itself: completions, the man page and rule explanations.

mod util;

use util::{run, stderr};

#[test]
fn completions_and_the_man_page_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(dir.path(), &["completions", shell], &[]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains("cargo-loop") && script.contains("baseline"),
            "{shell}"
        );
    }
    let out = run(dir.path(), &["completions", "tcsh"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let man = run(dir.path(), &["man"], &[]);
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(
        page.starts_with(".ie") && page.contains(".TH cargo-loop 1"),
        "{page}"
    );
    for command in ["dup", "fix", "run", "ci", "baseline", "explain"] {
        assert!(
            page.contains(command),
            "{command} missing from the man page"
        );
    }
}

/// The bash script completes a subcommand's flags, not only the subcommands' names.
#[test]
fn bash_completes_the_flags_of_a_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["completions", "bash"], &[]);
    let script = dir.path().join("cargo-loop.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let complete = |words: &str| {
        let shell = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _cargo__loop cargo-loop \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = std::process::Command::new("bash")
            .args(["-c", &shell])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(complete("cargo-loop dup --min-t").contains("--min-tokens"));
    assert!(complete("cargo-loop ci --update").contains("--update-baseline"));
    assert!(complete("cargo-loop bas").contains("baseline"));
}

#[test]
fn explain_prints_a_rule_or_every_rule_and_refuses_an_unknown_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["explain", "long-function"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("LongFunction") && text.contains("max-fn-lines"),
        "{text}"
    );
    assert!(text.contains("clippy::too_many_lines"), "{text}");
    let all = run(dir.path(), &["explain"], &[]);
    assert!(String::from_utf8_lossy(&all.stdout).contains("## needless-pub"));
    // `duplicate`, the id that allows every clone rule, explains them all.
    let clones = run(dir.path(), &["explain", "duplicate"], &[]);
    let text = String::from_utf8_lossy(&clones.stdout);
    assert!(clones.status.success(), "{}", stderr(&clones));
    for rule in [
        "duplicate-code",
        "renamed-clone",
        "near-miss-clone",
        "duplicate-abstraction",
    ] {
        assert!(text.contains(&format!("{rule} (")), "{rule}: {text}");
    }
    assert!(!text.contains("long-function ("), "{text}");
    let unknown = run(dir.path(), &["explain", "long-fn"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown rule `long-fn`"),
        "{}",
        stderr(&unknown)
    );
}

/// The packages the groups of a `dup --format json` run in `dir` come from.
fn packages(dir: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["dup", "--no-cache", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(dir, &all, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut names: Vec<String> = (doc["groups"].as_array().unwrap().iter())
        .flat_map(|g| g["instances"].as_array().unwrap().iter())
        .map(|i| i["package"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn packages_are_selected_as_cargo_selects_them() {
    let tmp = util::copy_of_fixture("dup-workspace");
    let root = tmp.path();
    assert_eq!(packages(root, &[]), ["alpha", "beta"]);
    assert_eq!(packages(root, &["-p", "alpha@0.1.0"]), ["alpha"]);
    assert_eq!(packages(root, &["-p", "alp*"]), ["alpha"]);
    assert_eq!(
        packages(root, &["--workspace", "--exclude", "b*"]),
        ["alpha"]
    );
    // Run from a member's folder, the member alone; --workspace for all.
    let alpha = root.join("crates/alpha");
    assert_eq!(packages(&alpha, &[]), ["alpha"]);
    assert_eq!(packages(&alpha, &["--workspace"]), ["alpha", "beta"]);
    // Without -p, at the root of a workspace with default-members: those, as cargo builds.
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text.replace("resolver", "default-members = [\"crates/alpha\"]\nresolver");
    std::fs::write(&manifest, text).unwrap();
    assert_eq!(packages(root, &[]), ["alpha"]);
    assert_eq!(packages(root, &["--workspace"]), ["alpha", "beta"]);
    let out = run(root, &["dup", "-p", "alpha@9"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`alpha@9` did not match"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn clap_help_and_errors_follow_color_and_cargo_term_color() {
    let dir = tempfile::tempdir().unwrap();
    let has_escape =
        |out: &std::process::Output| out.stdout.contains(&0x1b) || out.stderr.contains(&0x1b);
    let never = run(dir.path(), &["dup", "--color", "never", "--bogus"], &[]);
    assert_eq!(never.status.code(), Some(2));
    assert!(!has_escape(&never), "{}", stderr(&never));
    let always = run(dir.path(), &["dup", "--color=always", "--bogus"], &[]);
    assert!(has_escape(&always));
    let env = run(dir.path(), &["--help"], &[("CARGO_TERM_COLOR", "never")]);
    assert!(!has_escape(&env));
    let env = run(dir.path(), &["--help"], &[("CARGO_TERM_COLOR", "always")]);
    assert!(has_escape(&env));
}

#[test]
fn display_flags_behave_as_cargos() {
    let tmp = util::copy_of_fixture("dup-workspace");
    let dup = |flags: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["dup", "--no-cache"];
        args.extend_from_slice(flags);
        run(tmp.path(), &args, env)
    };
    // -v adds where the time went; -q prints nothing but the report; both: a usage error.
    let verbose = stderr(&dup(&["-v"], &[]));
    assert!(
        verbose.contains("(parse ") && verbose.contains("detect "),
        "{verbose}"
    );
    let quiet = dup(&["-q"], &[]);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
    assert!(!quiet.stdout.is_empty());
    assert_eq!(dup(&["-v", "-q"], &[]).status.code(), Some(2));
    // NO_COLOR turns colour off unless --color or CARGO_TERM_COLOR asks for it.
    let has_escape = |out: &std::process::Output| out.stdout.contains(&0x1b);
    let no_color = [("NO_COLOR", "1")];
    assert!(!has_escape(&dup(&[], &no_color)));
    assert!(has_escape(&dup(&["--color", "always"], &no_color)));
    let term = [("NO_COLOR", "1"), ("CARGO_TERM_COLOR", "always")];
    assert!(has_escape(&dup(&[], &term)));
}

#[test]
fn every_help_text_is_wrapped_and_lists_only_what_its_command_uses() {
    let dir = tempfile::tempdir().unwrap();
    let help = |command: &str| {
        let out = run(dir.path(), &[command, "--help"], &[]);
        assert!(out.status.success(), "{command}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let commands = [
        "dup",
        "smells",
        "scan",
        "fix",
        "run",
        "ci",
        "baseline",
        "log",
        "report",
        "review",
        "apply",
        "explain",
        "completions",
        "man",
    ];
    for command in commands {
        let text = help(command);
        assert!(text.contains("Usage:"), "{command}");
        assert!(!text.contains("not built yet"), "{command}: {text}");
        let long = text.lines().find(|l| l.chars().count() > 100);
        assert!(
            long.is_none(),
            "{command}: a line over 100 columns: {long:?}"
        );
    }
    // Cargo's order: Options (display flags and help), then the selection and manifest
    // headings, then the command's own; and only on the commands that read packages.
    let cargo_order = [
        "Options:",
        "Package Selection:",
        "Feature Selection:",
        "Manifest Options:",
    ];
    for command in ["dup", "smells", "scan", "fix", "run", "ci", "baseline"] {
        let text = help(command);
        let at: Vec<usize> = (cargo_order.iter())
            .map(|h| text.find(&format!("\n{h}\n")).expect(h))
            .collect();
        assert!(at.is_sorted(), "{command}: headings out of cargo's order");
        let own = text.find("Output Options:").unwrap();
        assert!(at[3] < own, "{command}: its own options before cargo's");
    }
    for command in ["log", "review", "apply", "explain", "completions", "man"] {
        let text = help(command);
        assert!(!text.contains("--package"), "{command} takes no -p");
        assert!(text.contains("--color") && text.contains("--quiet"));
    }
    assert!(!help("log").contains("--features"));
    assert!(help("apply").contains("--features"));
    // `baseline` prints nothing and fails on nothing: those flags are not offered.
    for flag in ["--format", "--fail-on", "--in-diff"] {
        assert!(!help("baseline").contains(flag), "{flag}");
        assert!(help("ci").contains(flag), "{flag}");
    }
    assert!(!help("explain").contains("--manifest-path"));
    assert!(!help("dup").contains("--max-fn-lines"));
    assert!(!help("smells").contains("--min-tokens"));
    let scan = help("scan");
    assert!(scan.contains("--max-fn-lines") && scan.contains("--min-tokens"));
}
