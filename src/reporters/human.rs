//! Human output in the style of rustc and clippy diagnostics: the code of one copy, the other
//! copies as notes, the usual fix as help, and a summary line.

use std::fmt::Write;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use crate::report::{headline, suggestion, Report};
use crate::workspace::Warning;

/// Lines of the first copy shown under each finding.
const MAX_SNIPPET_LINES: usize = 8;

pub fn render(report: &Report, styled: bool) -> String {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for (i, group) in report.groups.iter().enumerate() {
        let first = &group.instances[0];
        let rel = &report.files[first.file].rel;
        let text = std::fs::read_to_string(report.root.join(rel)).unwrap_or_default();
        let shown: Vec<&str> = text
            .lines()
            .skip(first.start_line as usize - 1)
            .take((first.lines() as usize).min(MAX_SNIPPET_LINES))
            .collect();
        let mut source = shown.join("\n");
        if (first.lines() as usize) > MAX_SNIPPET_LINES {
            source.push_str("\n...");
        }
        let head_len = shown.first().map_or(0, |l| l.len());
        let indent = shown.first().map_or(0, |l| l.len() - l.trim_start().len());
        let title = format!("{} [{}]", headline(group), group.clone_type.rule_id());
        let id = Report::group_id(i);
        let notes: Vec<String> = group.instances[1..]
            .iter()
            .map(|inst| {
                format!(
                    "also at {}:{}-{} in `{}`",
                    report.files[inst.file].rel, inst.start_line, inst.end_line, inst.item
                )
            })
            .collect();
        let saved = group.saved_lines();
        let help = format!(
            "{}; that would save about {saved} line{}",
            suggestion(group),
            if saved == 1 { "" } else { "s" }
        );
        let label = format!(
            "`{}`, lines {}-{}",
            first.item, first.start_line, first.end_line
        );
        let mut element = Level::WARNING.primary_title(&title).id(&id).element(
            Snippet::source(&source)
                .line_start(first.start_line as usize)
                .path(rel)
                .annotation(
                    AnnotationKind::Primary
                        .span(indent..head_len.max(indent))
                        .label(&label),
                ),
        );
        for note in &notes {
            element = element.element(Level::NOTE.message(note));
        }
        element = element.element(Level::HELP.message(&help));
        let _ = writeln!(out, "{}\n", renderer.render(&[element]));
    }
    for (i, smell) in report.smells.iter().enumerate() {
        let loc = &smell.locations[0];
        let rel = &report.files[loc.file].rel;
        let text = std::fs::read_to_string(report.root.join(rel)).unwrap_or_default();
        let source = text
            .lines()
            .nth(loc.start_line as usize - 1)
            .unwrap_or_default();
        let indent = source.len() - source.trim_start().len();
        let title = format!("{} [{}]", smell.message, smell.kind.rule_id());
        let id = Report::smell_id(i);
        let label = format!(
            "`{}`, lines {}-{}",
            smell.item, loc.start_line, loc.end_line
        );
        let element = Level::WARNING.primary_title(&title).id(&id).element(
            Snippet::source(source)
                .line_start(loc.start_line as usize)
                .path(rel)
                .annotation(
                    AnnotationKind::Primary
                        .span(indent..source.len().max(indent))
                        .label(&label),
                ),
        );
        let _ = writeln!(out, "{}\n", renderer.render(&[element]));
    }
    out
}

/// File-level problems, as rustc prints warnings with a location.
pub fn render_warnings(warnings: &[Warning], styled: bool) -> String {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for warning in warnings {
        let location = match (warning.line, warning.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", warning.file),
            (Some(line), None) => format!("{}:{line}", warning.file),
            _ => warning.file.clone(),
        };
        let note = format!("in {location}");
        let message = Level::WARNING
            .primary_title(&warning.message)
            .element(Level::NOTE.message(&note));
        let _ = writeln!(out, "{}", renderer.render(&[message]));
    }
    out
}
