//! Human output in the style of rustc and clippy diagnostics: the code of one copy, the other
//! copies as notes, the usual fix as help, and a summary line.

use std::fmt::Write;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet, Title};

use crate::analysis::report::{headline, suggestion, Report};
use crate::analysis::smells::Severity;
use crate::analysis::workspace::Warning;

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
        let title = format!("{} [{}]", headline(group), group.clone_type.rule_id());
        let id = Report::group_id(i);
        let label = format!(
            "`{}`, {}",
            first.item,
            lines(first.start_line, first.end_line)
        );
        let code = Code {
            file: first.file,
            start: first.start_line,
            lines: first.lines() as usize,
        };
        let mut element = code.under(Level::WARNING.primary_title(&title).id(&id), report, label);
        for inst in &group.instances[1..] {
            element = element.element(Level::NOTE.message(format!(
                "also at {}:{}-{} in `{}`",
                report.files[inst.file].rel, inst.start_line, inst.end_line, inst.item
            )));
        }
        let saved = group.saved_lines();
        let help = format!(
            "{}; that would save about {saved} line{}",
            suggestion(group),
            if saved == 1 { "" } else { "s" }
        );
        element = element.element(Level::HELP.message(help));
        let _ = writeln!(out, "{}\n", renderer.render(&[element]));
    }
    for (i, smell) in report.smells.iter().enumerate() {
        let loc = &smell.locations[0];
        let title = format!("{} [{}]", smell.message, smell.kind.rule_id());
        let id = Report::smell_id(i);
        let label = format!("`{}`, {}", smell.item, lines(loc.start_line, loc.end_line));
        let code = Code {
            file: loc.file,
            start: loc.start_line,
            lines: 1,
        };
        let level = match smell.severity {
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut element = code.under(level.primary_title(&title).id(&id), report, label);
        // The rest of a cycle: every edge is a place to cut it.
        for loc in &smell.locations[1..] {
            element = element.element(Level::NOTE.message(format!(
                "also at {}:{}",
                report.files[loc.file].rel, loc.start_line
            )));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&[element]));
    }
    // As rustc points at `rustc --explain`: every rule reported, then one command to try.
    let mut rules: Vec<&str> = (report.groups.iter().map(|g| g.clone_type.rule_id()))
        .chain(report.smells.iter().map(|s| s.kind.rule_id()))
        .collect();
    let first = rules.first().copied();
    rules.sort_unstable();
    rules.dedup();
    if rules.len() > 1 {
        let _ = writeln!(
            out,
            "Some findings have detailed explanations: {}.",
            rules.join(", ")
        );
    }
    if let Some(rule) = first {
        let _ = writeln!(
            out,
            "For more information about a rule, try `cargo loop explain {rule}`."
        );
    }
    out
}

/// "line 7" or "lines 7-9".
fn lines(start: u32, end: u32) -> String {
    if start == end {
        format!("line {start}")
    } else {
        format!("lines {start}-{end}")
    }
}

/// The code a finding points at: `lines` lines of a file from line `start`.
struct Code {
    file: usize,
    start: u32,
    lines: usize,
}

impl Code {
    /// The code under `title`, its first line annotated with `label`; when the code cannot be
    /// shown (the file is unreadable, or changed since a cached scan), its path and line and
    /// why, never a blank snippet.
    fn under<'a>(&self, title: Title<'a>, report: &'a Report, label: String) -> Group<'a> {
        let rel = report.files[self.file].rel.as_str();
        let shown = match self.read(report) {
            Ok(shown) => shown,
            Err(why) => {
                return title
                    .element(Origin::path(rel).line(self.start as usize))
                    .element(Level::NOTE.message(why));
            }
        };
        let head = &shown[0];
        let (head_len, indent) = (head.len(), head.len() - head.trim_start().len());
        let mut source = shown.join("\n");
        if self.lines > MAX_SNIPPET_LINES {
            source.push_str("\n...");
        }
        title.element(
            Snippet::source(source)
                .line_start(self.start as usize)
                .path(rel)
                .annotation(
                    AnnotationKind::Primary
                        .span(indent..head_len.max(indent))
                        .label(label),
                ),
        )
    }

    /// The lines shown (at most [`MAX_SNIPPET_LINES`]), or why there are none.
    fn read(&self, report: &Report) -> Result<Vec<String>, String> {
        let info = &report.files[self.file];
        let text = info
            .read(&report.root)
            .map_err(|err| format!("code not shown: could not read {}: {err}", info.rel))?;
        let shown: Vec<String> = text
            .lines()
            .skip((self.start as usize).saturating_sub(1))
            .take(self.lines.clamp(1, MAX_SNIPPET_LINES))
            .map(str::to_string)
            .collect();
        if shown.iter().all(|line| line.trim().is_empty()) {
            return Err(format!(
                "code not shown: {} has no code at line {} (changed since the scan?)",
                info.rel, self.start
            ));
        }
        Ok(shown)
    }
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
        let title = Level::WARNING.primary_title(&warning.message);
        // `--> file:line:column`, as rustc points at what it warns about; a warning about
        // the whole run (`.`) points nowhere.
        let message = if warning.file == "." && warning.line.is_none() {
            Group::with_title(title)
        } else {
            let mut origin = Origin::path(warning.file.as_str());
            if let Some(line) = warning.line {
                origin = origin.line(line as usize);
            }
            if let Some(column) = warning.column {
                origin = origin.char_column(column as usize);
            }
            title.element(origin)
        };
        let _ = writeln!(out, "{}", renderer.render(&[message]));
    }
    out
}
