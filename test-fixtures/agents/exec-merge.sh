#!/bin/sh
# A scripted `exec:` agent: edits the copy it runs in, as a coding agent would.
cat > src/report.rs <<'EOF'
//! Report lines.

/// The mean shown in a report: positive samples only.
pub fn summary_mean(values: &[f64]) -> Option<f64> {
    crate::stats::mean_of_positive(values)
}
EOF
