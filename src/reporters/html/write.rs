//! Where the page goes and what it is made from: a report (just scanned, or scanned by
//! `cargo loop report` itself) and the audit trail of the same out dir, written whole to
//! `report.html` there (beside and renamed, so a browser never reads half a page).

use std::path::PathBuf;

use anyhow::Context;

use super::page::{render, Page};
use crate::analysis::report::Report;
use crate::cli::{AnalysisArgs, CommonArgs};
use crate::console::Console;
use crate::record::out_dir::OutDir;

/// Writes the page of `report` and the audit trail of `out`; returns where.
pub fn write(report: &Report, out: &OutDir, console: &Console) -> anyhow::Result<PathBuf> {
    let records = crate::record::audit::read(out)?;
    let html = render(&Page {
        report,
        records: &records,
        out,
    });
    let path = out.report_file();
    std::fs::create_dir_all(out.path())
        .with_context(|| format!("create {}", out.path().display()))?;
    let tmp = out
        .path()
        .join(format!(".report-{}.html", std::process::id()));
    // Everything written was escaped through `markup::escape`, which redacts; this pass
    // catches a secret split across two escaped pieces.
    std::fs::write(&tmp, crate::secrets::redact(&html).as_bytes())
        .with_context(|| format!("write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("write {}", path.display()))?;
    console.status("Wrote", &path.display().to_string());
    Ok(path)
}

/// `cargo loop report` (and `fix`/`run --format html` when they end): scans for clones and
/// smells as `scan` would, narrowed by `--in-diff` if given, and writes the page.
pub fn scan_and_write(
    common: &CommonArgs,
    args: &AnalysisArgs,
    console: &Console,
) -> anyhow::Result<PathBuf> {
    let what = crate::analysis::What {
        dup: true,
        smells: true,
    };
    let mut analysis = crate::analysis::analyse(common, args, console, what)?;
    if let Some(diff) = &args.in_diff {
        let root = analysis.report.root.clone();
        crate::analysis::diff::read(diff, &root)?.narrow(&mut analysis.report);
    }
    write(&analysis.report, &analysis.out_dir, console)
}
