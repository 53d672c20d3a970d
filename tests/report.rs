//! `cargo loop report` and `--format html`: the page a fixture run writes, loaded in a real
//! browser (Debian's chromium, headless): its groups, graph nodes and score chart are in the
//! DOM the browser built, the script ran (the filters show), and a screenshot is not blank.
//! Where chromium is missing and cannot be installed, the browser checks are skipped with a
//! message saying so; the page's own checks still run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

mod util;

use util::{copy_of_fixture, run, stderr};

/// Headless chromium, quiet on a closed network: no background fetches, no sync, no updates.
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// chromium on PATH, installed with apt-get first if it is missing (once per test binary);
/// `None`, said on stderr, where it cannot be.
fn chromium() -> Option<PathBuf> {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _once = INSTALL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let find = || {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join("chromium"))
            .find(|path| path.is_file())
    };
    if let Some(path) = find() {
        return Some(path);
    }
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output()
            .is_ok_and(|out| out.status.success())
    };
    // A fresh machine's package lists may be missing or stale: update once, then retry.
    let installed = apt(&["install", "-y", "-q", "chromium"])
        || (apt(&["update", "-q"]) && apt(&["install", "-y", "-q", "chromium"]));
    let found = if installed { find() } else { None };
    if found.is_none() {
        eprintln!(
            "SKIPPED the browser checks: chromium is not installed and `apt-get install -y \
             chromium` failed here; install it to run them"
        );
    }
    found
}

/// Runs headless chromium on `page` with `args` (`--dump-dom`, `--screenshot=...`), in a
/// fresh profile.
fn headless(chromium: &Path, page: &Path, args: &[&str]) -> Output {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .arg("120")
        .arg(chromium)
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium: {}", stderr(&out));
    out
}

/// Distinct colours and the share of pixels that are not the page's white background.
fn colours(png_file: &Path) -> (usize, f64, (u32, u32)) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_file).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let distinct: std::collections::HashSet<&[u8]> = pixels.iter().copied().collect();
    let inked = pixels.iter().filter(|p| p[..3] != [255, 255, 255]).count();
    (
        distinct.len(),
        inked as f64 / pixels.len() as f64,
        (info.width, info.height),
    )
}

#[test]
fn the_report_of_a_loop_crate_run_renders_groups_graph_and_chart_in_chromium() {
    let tmp = copy_of_fixture("loop-crate");
    let out = run(
        tmp.path(),
        &[
            "run",
            "--allow-dirty",
            "--allow-no-vcs",
            // One pass of three: the built-in agent fixes every group of loop-crate in a few
            // passes, and the page must still have groups to show.
            "--max-passes",
            "1",
            "--max-candidates",
            "3",
            "--format",
            "html",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "the page is written, not printed");
    let page = tmp.path().join("target/loop/report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(stderr(&out).contains("Wrote"), "{}", stderr(&out));
    for part in [
        "id=\"clones\"",
        "class=\"group\"",
        "class=\"modgraph\"",
        "score-chart",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let Some(chromium) = chromium() else {
        return;
    };
    let dom = headless(&chromium, &page, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    let count = |what: &str| dom.matches(what).count();
    assert!(count("<article class=\"group") >= 1, "clone groups");
    assert!(count("data-module=\"loop_crate::") >= 4, "graph nodes");
    assert!(
        count("<polyline class=\"series") == 3,
        "the chart's three lines"
    );
    assert!(count("<tr class=\"kept\">") >= 3, "kept candidates");
    assert!(
        dom.contains("class=\"filters js-only shown\""),
        "the script ran and showed the filters"
    );
    let shots = tempfile::tempdir().unwrap();
    let shot = shots.path().join("report.png");
    headless(
        &chromium,
        &page,
        &[
            "--window-size=1280,1600",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let (distinct, inked, size) = colours(&shot);
    assert_eq!(size, (1280, 1600));
    assert!(distinct > 50, "{distinct} colours: a blank page?");
    assert!(
        inked > 0.03,
        "{inked:.3} of the pixels drawn: a blank page?"
    );
}

/// The page passes what it shows through the audit trail's redaction, `ci` writes it too, and
/// `report` refuses a format other than HTML.
#[test]
fn scan_and_ci_write_the_page_of_loop_crate_with_secrets_redacted() {
    let tmp = copy_of_fixture("loop-crate");
    // A value that appears in the code of the fixture's clone groups.
    let secret = "order_total";
    let out = run(
        tmp.path(),
        &["scan", "--format", "html", "--no-cache"],
        &[("DEMO_API_TOKEN", secret)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let html = std::fs::read_to_string(tmp.path().join("target/loop/report.html")).unwrap();
    assert!(!html.contains(secret), "the secret reached the page");
    assert!(html.contains("[redacted]"));
    // The gate writes the page of what it judged, and still fails on it.
    std::fs::remove_file(tmp.path().join("target/loop/report.html")).unwrap();
    let gate = run(
        tmp.path(),
        &["ci", "--format", "html", "--fail-on", "any"],
        &[],
    );
    assert_eq!(gate.status.code(), Some(1), "{}", stderr(&gate));
    assert!(gate.stdout.is_empty());
    assert!(tmp.path().join("target/loop/report.html").is_file());
    let refused = run(tmp.path(), &["report", "--format", "json"], &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("HTML page only"),
        "{}",
        stderr(&refused)
    );
}
