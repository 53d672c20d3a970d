//! The page around the sections: head with the inline style sheet, the summary and
//! navigation, the sections in order, and the inline script. Everything the page needs is in
//! it (no network, no other file); the script only sorts and filters, and every section reads
//! the same without it.

use std::fmt::Write;

use super::markup::escape;
use super::{clones, graph, history, smells};
use crate::analysis::report::Report;
use crate::record::event::Record;
use crate::record::out_dir::OutDir;

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("script.js");

/// What the page is made from: a scan, and the audit trail of the out dir (whose candidate
/// folders hold the patches shown).
pub struct Page<'a> {
    pub report: &'a Report,
    pub records: &'a [Record],
    pub out: &'a OutDir,
}

/// The whole page.
pub fn render(page: &Page) -> String {
    let report = page.report;
    let mut out = String::with_capacity(64 * 1024);
    let name = report.root.file_name().map_or_else(
        || report.root.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><meta name=\"generator\" \
         content=\"cargo-loop {}\"><title>cargo loop report: {}</title><style>{STYLE}</style>\
         </head><body>",
        env!("CARGO_PKG_VERSION"),
        escape(&name)
    );
    write_header(&mut out, page, &name);
    out.push_str("<main>");
    out.push_str(graph::MARKERS);
    clones::write(&mut out, report);
    graph::write(&mut out, report);
    smells::write(&mut out, report);
    history::write(&mut out, page.records, page.out);
    out.push_str("</main>");
    let _ = writeln!(
        out,
        "<footer>Written by cargo loop {} from a scan of <code>{}</code>.</footer><script>\
         {SCRIPT}</script></body></html>",
        env!("CARGO_PKG_VERSION"),
        escape(&report.root.display().to_string())
    );
    out
}

fn write_header(out: &mut String, page: &Page, name: &str) {
    let report = page.report;
    let _ = write!(
        out,
        "<header><h1>cargo loop report: {}</h1><dl class=\"summary\"><div><dt>files</dt><dd>{}\
         </dd></div><div><dt>lines</dt><dd>{}</dd></div><div><dt>duplicated lines</dt><dd>{}\
         </dd></div><div><dt>clone groups</dt><dd>{}</dd></div><div><dt>smells</dt><dd>{}</dd>\
         </div></dl><nav><a href=\"#clones\">Clones</a> <a href=\"#graphs\">Module graphs</a> \
         <a href=\"#smells\">Smells</a> <a href=\"#history\">Loop history</a></nav>",
        escape(name),
        report.n_files,
        report.n_lines,
        report.duplicated_lines(),
        report.groups.len(),
        report.smells.len()
    );
    if !report.warnings.is_empty() {
        let _ = write!(
            out,
            "<details class=\"warnings\"><summary>{} warnings</summary><ul>",
            report.warnings.len()
        );
        for warning in &report.warnings {
            let line = warning.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = write!(
                out,
                "<li><code>{}{line}</code> {}</li>",
                escape(&warning.file),
                escape(&warning.message)
            );
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</header>");
}
