//! The page's structure on a small report made by hand: its outline (elements with their ids
//! and classes, text left out) is snapshotted, so that a change to what the page holds shows
//! in review while a change of wording or numbers does not.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use super::page::{render, Page};
use crate::analysis::detectors::{CloneType, Group, GroupKind, Instance};
use crate::analysis::report::{FileInfo, Report, Timing};
use crate::analysis::smells::{
    Location, ModuleEdge, ModuleMap, ModuleNode, Severity, Smell, SmellKind,
};
use crate::record::event::{At, Call, Counts, Event, Outcome, Record, Scores, Step};
use crate::record::out_dir::OutDir;

const A: &str = "pub fn total(prices: &[u64]) -> u64 {\n    let mut sum = 0;\n    for p in prices {\n        sum += p * 2;\n    }\n    sum\n}\n";
const B: &str = "pub fn amount(costs: &[u64]) -> u64 {\n    let mut sum = 0;\n    for c in costs {\n        sum += c * 3;\n    }\n    sum\n}\n";

fn instance(file: usize, item: &str) -> Instance {
    Instance {
        file,
        start_line: 1,
        end_line: 7,
        item: item.into(),
        code_lines: 7,
        tokens: 0..0,
        owner: None,
    }
}

fn smell(kind: SmellKind, item: &str, metrics: &[(&str, f64)]) -> Smell {
    Smell {
        kind,
        severity: Severity::Warning,
        item: item.into(),
        message: format!("{} on {item}", kind.rule_id()),
        locations: vec![Location {
            file: 0,
            start_line: 1,
            end_line: 1,
        }],
        metrics: metrics
            .iter()
            .map(|(k, v)| ((*k).to_string(), *v))
            .collect(),
        fingerprint: 1,
    }
}

fn node(path: &str, file: usize) -> ModuleNode {
    ModuleNode {
        path: path.into(),
        file,
        line: 1,
    }
}

/// Two files with a renamed clone, a crate `demo` whose modules `a` and `b` use each other,
/// its root depending on the less stable `a`.
fn report(root: &Path) -> Report {
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/a.rs"), A).unwrap();
    std::fs::write(root.join("src/b.rs"), B).unwrap();
    let file = |rel: &str| FileInfo {
        rel: rel.into(),
        path: None,
        package: "demo".into(),
    };
    Report {
        root: root.to_path_buf(),
        files: vec![file("src/a.rs"), file("src/b.rs"), file("src/lib.rs")],
        n_files: 3,
        n_lines: 20,
        groups: vec![Group {
            kind: GroupKind::Fn,
            clone_type: CloneType::Renamed,
            similarity: 1.0,
            fingerprint: 7,
            instances: vec![
                instance(0, "demo::a::total"),
                instance(1, "demo::b::amount"),
            ],
            detail: None,
            saved: 7,
        }],
        smells: vec![
            smell(
                SmellKind::ModuleCycle,
                "demo::a",
                &[("cycle_len", 2.0), ("component_size", 2.0)],
            ),
            Smell {
                locations: vec![Location {
                    file: 2,
                    start_line: 1,
                    end_line: 1,
                }],
                ..smell(
                    SmellKind::UnstableDependency,
                    "demo",
                    &[("instability", 1.0)],
                )
            },
            smell(
                SmellKind::LongFunction,
                "demo::b::<script>alert(1)</script>",
                &[("lines", 120.0), ("max_lines", 100.0)],
            ),
        ],
        modules: ModuleMap {
            modules: vec![node("demo", 2), node("demo::a", 0), node("demo::b", 1)],
            // Each edge written at its own place: (from, to, file, line).
            edges: [(0, 1, 2, 1), (1, 2, 0, 2), (2, 1, 1, 3)]
                .map(|(from, to, file, line)| ModuleEdge {
                    from,
                    to,
                    file,
                    line,
                })
                .to_vec(),
        },
        warnings: Vec::new(),
        timing: Timing::default(),
    }
}

fn record(event: Event) -> Record {
    Record {
        ts: "2026-01-01T00:00:00.000Z".into(),
        run: "r1".into(),
        event,
    }
}

/// A run of one pass that kept one refactor, its patch in the candidate's folder.
fn records(out: &OutDir) -> Vec<Record> {
    let patch = "runs/r1/c1/attempt-1/patch.diff";
    std::fs::create_dir_all(out.path().join("runs/r1/c1/attempt-1")).unwrap();
    std::fs::write(
        out.path().join(patch),
        "--- a/src/b.rs\n+++ b/src/b.rs\n@@ -1,7 +1,3 @@\n-pub fn amount(costs: &[u64]) -> u64 {\n+pub fn amount(costs: &[u64]) -> u64 { crate::a::total(costs) }\n",
    )
    .unwrap();
    let at = At {
        candidate: "c1".into(),
        attempt: 1,
    };
    let scores = |duplication| Scores {
        duplication,
        smells: 2.0,
    };
    vec![
        record(Event::RunStart {
            command: "run".into(),
            agent: Some("builtin".into()),
            root: None,
            sandbox: None,
            findings: None,
            dry_run: None,
            held: None,
            finding: None,
        }),
        record(Event::PassStart {
            pass: 1,
            candidates: Some(1),
        }),
        record(Event::Finding {
            candidate: "c1".into(),
            finding: "D1".into(),
            fingerprint: None,
            title: Some("function duplicated 2 times".into()),
            skipped: None,
            role: None,
        }),
        record(Event::Response {
            at: at.clone(),
            answer: crate::record::event::ResponseKind::Changes { files: 1 },
            duration_ms: Some(5),
            call: Call::default(),
        }),
        record(Event::Edit {
            at,
            ok: true,
            files: Some(vec!["src/b.rs".into()]),
            patch: Some(patch.into()),
            reason: None,
        }),
        record(Event::Decision {
            candidate: "c1".into(),
            finding: "D1".into(),
            outcome: Outcome::Kept,
            step: Step::Analysis,
            reason: "verified".into(),
        }),
        record(Event::PassEnd {
            pass: 1,
            counts: Counts {
                kept: 1,
                held: 0,
                rejected: 0,
            },
            rejected_at: BTreeMap::new(),
            roles: BTreeMap::new(),
            before: scores(700.0),
            after: scores(350.0),
            tokens: 0,
            cost_usd: 0.0,
            tokens_left: None,
            usd_left: None,
            seconds: 1.0,
            go_on: false,
            reason: "nothing left to try".into(),
        }),
    ]
}

/// The page's elements, one a line, indented by depth, each with its id and classes;
/// the content of `script`, `style` and `pre` left out, and runs of identical lines counted.
fn outline(html: &str) -> String {
    const VOID: [&str; 5] = ["meta", "br", "input", "!doctype", "link"];
    let mut lines: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').expect("a tag ends");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            depth -= 1;
            assert!(!name.is_empty());
            continue;
        }
        let name = tag.split([' ', '/']).next().unwrap().to_ascii_lowercase();
        let attr = |key: &str| {
            let key = format!(" {key}=\"");
            tag.find(&key).map(|i| {
                let value = &tag[i + key.len()..];
                value[..value.find('"').unwrap()].to_string()
            })
        };
        let mut line = format!("{}{name}", "  ".repeat(depth));
        if let Some(id) = attr("id") {
            let _ = write!(line, "#{id}");
        }
        if let Some(class) = attr("class") {
            let _ = write!(line, ".{}", class.replace(' ', "."));
        }
        lines.push(line);
        if matches!(name.as_str(), "script" | "style" | "pre") {
            let close = format!("</{name}>");
            rest = &rest[rest.find(&close).unwrap() + close.len()..];
        } else if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
            depth += 1;
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let run = lines[i..].iter().take_while(|l| **l == lines[i]).count();
        out.push_str(&lines[i]);
        if run > 1 {
            let _ = write!(out, " ×{run}");
        }
        out.push('\n');
        i += run;
    }
    out
}

fn page() -> String {
    let dir = tempfile::tempdir().unwrap();
    let report = report(dir.path());
    let out = OutDir::new(Some(&dir.path().join("target/loop")), dir.path());
    let records = records(&out);
    render(&Page {
        report: &report,
        records: &records,
        out: &out,
    })
}

#[test]
fn the_page_outline_holds_clones_graphs_smells_and_history() {
    insta::assert_snapshot!("outline", outline(&page()));
}

#[test]
fn the_page_escapes_what_it_shows_and_marks_what_differs() {
    let html = page();
    assert!(!html.contains("<script>alert(1)"), "item escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The renamed names and changed literal are marked; the shared code is not.
    for changed in [
        "<mark>total</mark>",
        "<mark>amount</mark>",
        "<mark>3</mark>",
    ] {
        assert!(html.contains(changed), "{changed}");
    }
    assert!(!html.contains("<mark>sum</mark>"));
    // The cycle's modules and edges are red, and each smelly module links to its smell.
    assert!(html.contains("<a href=\"#S1\" class=\"node cyc smelly\" data-module=\"demo::a\">"));
    assert!(html.contains("class=\"edge cyc\""));
    // The edge the unstable-dependency smell names (the root's use of `a`) is marked.
    assert_eq!(html.matches("class=\"edge unstable\"").count(), 1);
    // The kept refactor's diff is shown from its patch file.
    assert!(html.contains("crate::a::total(costs) }</span>"));
    // Nothing is fetched: no URL but the files' own links.
    assert!(!html.contains("http://") && !html.contains("https://"));
}
