//! The one line a scan ends with on stderr: files, lines, clone groups, duplicated lines,
//! smells, and how long it took.

use crate::analysis::report::Report;
use crate::console::Console;

pub fn summary(console: &Console, report: &Report) {
    let dup = report.duplicated_lines();
    let percent = if report.n_lines == 0 {
        0.0
    } else {
        dup as f64 * 100.0 / report.n_lines as f64
    };
    let timing = report.timing;
    let cached = if timing.cached {
        ", from cache".to_string()
    } else if console.verbose {
        format!(
            " (parse {:.2}s, detect {:.2}s)",
            timing.parse.as_secs_f64(),
            timing.detect.as_secs_f64()
        )
    } else {
        String::new()
    };
    console.status(
        "Scanned",
        &format!(
            "{} files ({} lines) in {:.2}s{cached}: {} clone groups, {} duplicated lines ({percent:.1}%){}",
            report.n_files,
            report.n_lines,
            report.timing.total.as_secs_f64(),
            report.groups.len(),
            dup,
            if report.smells.is_empty() { String::new() } else { format!(", {} smells", report.smells.len()) },
        ),
    );
}
