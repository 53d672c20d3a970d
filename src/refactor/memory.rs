//! What `cargo loop run` remembers across runs (`target/loop/tried.json`): the findings it
//! tried and did not keep, with a hash of their code and of the agents asked, so that an
//! interrupted or repeated run does not pay for them again while that code and those agents
//! are unchanged. A finding no agent answered for (a budget ran out, the agent timed out or
//! failed) was not tried, and is not remembered.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::record::event::{Outcome, Step};
use crate::refactor::finding::Finding;

/// The outcome a finding had, for the code it had then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tried {
    /// Hash of the finding's code at every location.
    pub code: String,
    pub outcome: Outcome,
    pub step: Step,
    pub reason: String,
    /// Hash of the agents the run asked (another agent may well do better).
    #[serde(default)]
    pub agents: String,
}

#[derive(Debug, Default)]
pub struct Memory {
    path: PathBuf,
    /// The workspace whose code the hashes are of.
    root: PathBuf,
    /// By finding fingerprint (hex).
    tried: BTreeMap<String, Tried>,
    /// Hash of the agents this run asks.
    agents: String,
}

impl Memory {
    /// The memory in `path`; a missing or unreadable file is an empty memory (it only saves
    /// work, it never decides what is right).
    pub fn load(path: &Path, root: &Path, agents: &str) -> Memory {
        let tried = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Memory {
            path: path.to_path_buf(),
            root: root.to_path_buf(),
            tried,
            agents: agents.to_owned(),
        }
    }

    /// What became of `finding` before, if its code is still the code tried then and the
    /// agents are the ones asked then.
    pub fn tried(&self, finding: &Finding) -> Option<&Tried> {
        let tried = self.tried.get(&key(finding))?;
        (tried.code == code_hash(finding, &self.root) && tried.agents == self.agents)
            .then_some(tried)
    }

    /// Remembers a decision on `finding`: a kept one is forgotten (its code is gone), the
    /// others are kept with the code they were made on. Written at once, whole.
    pub fn remember(
        &mut self,
        finding: &Finding,
        (outcome, step, reason): (Outcome, Step, &str),
    ) -> anyhow::Result<()> {
        if outcome == Outcome::Kept {
            self.tried.remove(&key(finding));
        } else {
            let tried = Tried {
                code: code_hash(finding, &self.root),
                outcome,
                step,
                // Reasons quote agents' answers and compilers' errors.
                reason: crate::secrets::redact(reason).into_owned(),
                agents: self.agents.clone(),
            };
            self.tried.insert(key(finding), tried);
        }
        let tmp = self.path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(&self.tried)?;
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .with_context(|| format!("write {}", self.path.display()))
    }
}

fn key(finding: &Finding) -> String {
    format!("{:016x}", finding.fingerprint)
}

/// A hash of the lines every location of `finding` spans, as the files hold them now.
fn code_hash(finding: &Finding, root: &Path) -> String {
    let mut code = String::new();
    for location in &finding.locations {
        let text = std::fs::read_to_string(root.join(&location.file)).unwrap_or_default();
        let first = location.start_line.saturating_sub(1) as usize;
        let span = (location.end_line + 1).saturating_sub(location.start_line) as usize;
        for line in text.lines().skip(first).take(span) {
            code.push_str(line);
            code.push('\n');
        }
        code.push('\0');
    }
    format!("{:016x}", xxh3_64(code.as_bytes()))
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::refactor::finding::{FindingKind, Location};

    fn finding() -> Finding {
        Finding {
            id: "D1".into(),
            kind: FindingKind::Dup,
            fingerprint: 7,
            title: "copies".into(),
            suggestion: String::new(),
            locations: vec![Location {
                file: "src/lib.rs".into(),
                start_line: 2,
                end_line: 3,
                item: "f".into(),
            }],
            size: 2.0,
            clone: None,
            smell: None,
        }
    }

    #[test]
    fn a_rejection_is_remembered_across_runs_until_its_code_changes() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("src")).unwrap();
        let lib = root.path().join("src/lib.rs");
        std::fs::write(&lib, "// top\nfn f() {\n}\n").unwrap();
        let file = root.path().join("tried.json");
        let mut memory = Memory::load(&file, root.path(), "builtin");
        let decision = (Outcome::Rejected, Step::Test, "a test fails");
        memory.remember(&finding(), decision).unwrap();

        let again = Memory::load(&file, root.path(), "builtin");
        let tried = again.tried(&finding()).unwrap();
        // Another agent has not tried it.
        assert!(Memory::load(&file, root.path(), "cmd")
            .tried(&finding())
            .is_none());
        assert_eq!(
            (tried.step, tried.reason.as_str()),
            (Step::Test, "a test fails")
        );
        // An edit elsewhere in the file does not matter; one in the finding's code does.
        std::fs::write(&lib, "// top, reworded\nfn f() {\n}\n").unwrap();
        assert!(again.tried(&finding()).is_some());
        std::fs::write(&lib, "// top\nfn f() {\n    g();\n}\n").unwrap();
        assert!(again.tried(&finding()).is_none());

        let mut memory = Memory::load(&file, root.path(), "builtin");
        memory
            .remember(&finding(), (Outcome::Kept, Step::Analysis, "kept"))
            .unwrap();
        assert!(Memory::load(&file, root.path(), "builtin").tried.is_empty());
    }
}
