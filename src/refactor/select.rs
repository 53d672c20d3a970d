//! Choosing what a pass works on: `--finding` ids (each must exist), `--findings` kinds, and
//! at most `--max-candidates`, in the order the scan ranks them.

use crate::cli::{FindingKinds, FixArgs};
use crate::error::UsageError;
use crate::refactor::finding::{Finding, FindingKind};

/// Whether `finding` is of the kinds `--findings` asks for and in the `--shard`.
pub fn wanted(finding: &Finding, args: &FixArgs) -> bool {
    let kind = match args.pipeline.choice.findings {
        Some(FindingKinds::Dup) => finding.kind == FindingKind::Dup,
        Some(FindingKinds::Smells) => finding.kind == FindingKind::Smell,
        _ => true,
    };
    kind && args
        .shard
        .is_none_or(|shard| shard.contains(finding.fingerprint))
}

/// The findings to try, best first; an unknown `--finding` id is a usage error naming the ids
/// the scan has.
pub fn choose(all: &[Finding], args: &FixArgs, max: usize) -> anyhow::Result<Vec<Finding>> {
    let named = &args.pipeline.choice.finding;
    for id in named {
        if !all.iter().any(|f| f.id.eq_ignore_ascii_case(id)) {
            return Err(UsageError(format!(
                "--finding {id}: the scan reported no finding with this id (it has {})",
                if all.is_empty() {
                    "none".to_string()
                } else {
                    all.iter()
                        .map(|f| f.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
            .into());
        }
    }
    Ok(all
        .iter()
        .filter(|f| named.is_empty() || named.iter().any(|id| f.id.eq_ignore_ascii_case(id)))
        .filter(|f| wanted(f, args))
        .take(max)
        .cloned()
        .collect())
}
