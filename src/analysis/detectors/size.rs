//! The size a copy must have: the default thresholds, and what near-miss copies must share.
//! Shared by the detectors that weigh copies against each other and by `measure.rs`.

use crate::analysis::source::Unit;
use crate::config::Options;

/// The default `--min-lines` and `--min-tokens` (SPEC.md).
pub(super) const DEFAULT_MIN_LINES: usize = 6;
pub(super) const DEFAULT_MIN_TOKENS: usize = 50;

/// The size a copy must have at the default thresholds, or at the given ones when they are
/// higher: (lines spanned, tokens). Lowering the thresholds must not lose a group the
/// defaults report; where grouping weighs copies against each other (near-miss stars,
/// statement runs parting), copies this big are grouped as the defaults group them.
pub(super) fn default_size(options: &Options) -> (usize, usize) {
    (
        options.min_lines.max(DEFAULT_MIN_LINES),
        options.min_tokens.max(DEFAULT_MIN_TOKENS),
    )
}

/// Whether `unit` has [`default_size`].
pub(super) fn default_sized(unit: &Unit, options: &Options) -> bool {
    let (lines, tokens) = default_size(options);
    unit.tokens.len() >= tokens && unit.keys.span_lines as usize >= lines
}

/// The lines of real code a near-miss copy must share: `--min-lines` counts a function's
/// lines, shared lines are counted in its body without the lines that only hold braces.
pub(super) fn min_core_lines(options: &Options) -> u32 {
    (options.min_lines as u32).saturating_sub(2).max(1)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::cli::AnalysisArgs;
    use crate::config::ConfigFile;

    #[test]
    fn the_default_size_is_the_default_thresholds() {
        let options = Options::resolve(&AnalysisArgs::default(), &ConfigFile::default()).unwrap();
        assert_eq!(
            (options.min_lines, options.min_tokens),
            (DEFAULT_MIN_LINES, DEFAULT_MIN_TOKENS)
        );
        assert_eq!(default_size(&options), (6, 50));
    }
}
