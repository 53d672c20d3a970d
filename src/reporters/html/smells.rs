//! The smells section: one sortable table per rule, in the order the report lists smells,
//! with a column for every metric the rule measured (values and the thresholds crossed).
//! Each row's id is the smell's (`S3`), which the module graphs link to.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::markup::{escape, file_link, number, slug};
use crate::analysis::report::Report;
use crate::analysis::smells::{Smell, SmellKind};

/// Tables longer than this start closed: the browser lays out what is open.
const OPEN_ROWS: usize = 200;

/// Writes the `#smells` section.
pub fn write(out: &mut String, report: &Report) {
    let n = report.smells.len();
    let _ = write!(
        out,
        "<section id=\"smells\"><h2>Smells <span class=\"count\">{n}</span></h2>"
    );
    if n == 0 {
        out.push_str("<p class=\"empty\">No smells found.</p></section>");
        return;
    }
    let kinds = kinds_in_order(&report.smells);
    out.push_str("<ul class=\"toc\">");
    for &(kind, count) in &kinds {
        let _ = write!(
            out,
            "<li><a href=\"#smells-{}\">{}</a> {count}</li>",
            slug(kind.rule_id()),
            kind.rule_id()
        );
    }
    out.push_str("</ul>");
    for (kind, count) in kinds {
        write_table(out, report, kind, count);
    }
    out.push_str("</section>");
}

/// The kinds of smells present, in the order they first appear, with their counts.
fn kinds_in_order(smells: &[Smell]) -> Vec<(SmellKind, usize)> {
    let mut kinds: Vec<(SmellKind, usize)> = Vec::new();
    for smell in smells {
        match kinds.iter_mut().find(|(k, _)| *k == smell.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((smell.kind, 1)),
        }
    }
    kinds
}

fn write_table(out: &mut String, report: &Report, kind: SmellKind, count: usize) {
    let rows: Vec<(usize, &Smell)> = (report.smells.iter().enumerate())
        .filter(|(_, s)| s.kind == kind)
        .collect();
    let metrics: BTreeSet<&str> = (rows.iter())
        .flat_map(|(_, s)| s.metrics.keys().map(String::as_str))
        .collect();
    let short = crate::analysis::rules::rule(kind.rule_id()).map_or("", |r| r.short);
    let _ = write!(
        out,
        "<details class=\"smells\" id=\"smells-{}\"{}><summary><b>{}</b> {count}: {}</summary>\
         <table class=\"sortable\"><thead><tr><th>id</th><th>severity</th><th>item</th>\
         <th>where</th>",
        slug(kind.rule_id()),
        if count <= OPEN_ROWS { " open" } else { "" },
        kind.rule_id(),
        escape(short)
    );
    for metric in &metrics {
        let _ = write!(out, "<th class=\"num\">{}</th>", escape(metric));
    }
    out.push_str("<th>message</th></tr></thead><tbody>");
    for (index, smell) in rows {
        write_row(out, report, index, smell, &metrics);
    }
    out.push_str("</tbody></table></details>");
}

fn write_row(
    out: &mut String,
    report: &Report,
    index: usize,
    smell: &Smell,
    metrics: &BTreeSet<&str>,
) {
    let id = Report::smell_id(index);
    let _ = write!(
        out,
        "<tr id=\"{id}\" class=\"{}\"><td data-v=\"{index}\"><a href=\"#{id}\">{id}</a></td>\
         <td>{}</td><td><code>{}</code></td><td>",
        smell.severity.as_str(),
        smell.severity.as_str(),
        escape(&smell.item)
    );
    for (k, location) in smell.locations.iter().enumerate() {
        if k > 0 {
            out.push_str("<br>");
        }
        file_link(
            out,
            report,
            location.file,
            location.start_line,
            location.end_line,
        );
    }
    out.push_str("</td>");
    for metric in metrics {
        match smell.metrics.get(*metric) {
            Some(&value) => {
                let _ = write!(
                    out,
                    "<td class=\"num\" data-v=\"{value}\">{}</td>",
                    number(value)
                );
            }
            None => out.push_str("<td class=\"num\" data-v=\"-1\"></td>"),
        }
    }
    let _ = write!(
        out,
        "<td class=\"msg\">{}</td></tr>",
        escape(&smell.message)
    );
}
