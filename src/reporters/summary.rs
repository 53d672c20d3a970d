//! The one line a scan ends with on stderr: files, lines, clone groups, duplicated lines,
//! smells, and how long it took.

use crate::analysis::report::{Report, What};
use crate::console::Console;

/// The summary of a scan that looked for what `what` says: clones, smells or both.
pub fn summary(console: &Console, report: &Report, what: What) {
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
    let mut found = Vec::new();
    if what.dup {
        let dup = report.duplicated_lines();
        let percent = if report.n_lines == 0 {
            0.0
        } else {
            dup as f64 * 100.0 / report.n_lines as f64
        };
        found.push(counted(report.groups.len() as u64, "clone group"));
        found.push(format!(
            "{} ({percent:.1}%)",
            counted(dup, "duplicated line")
        ));
    }
    if what.smells {
        found.push(counted(report.smells.len() as u64, "smell"));
    }
    console.status(
        "Scanned",
        &format!(
            "{} ({}) in {:.2}s{cached}: {}",
            counted(report.n_files as u64, "file"),
            counted(report.n_lines, "line"),
            report.timing.total.as_secs_f64(),
            found.join(", "),
        ),
    );
}

/// `1 file`, `2 files`.
pub fn counted(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod test {
    #[test]
    fn one_is_singular() {
        assert_eq!(super::counted(1, "clone group"), "1 clone group");
        assert_eq!(super::counted(0, "file"), "0 files");
        assert_eq!(super::counted(16, "file"), "16 files");
    }
}
