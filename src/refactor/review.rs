//! Refactors held back for a person: `target/loop/review/<ID>/` holds the verified change
//! (`change.json`), its patch (`patch.diff`) and why it was held (`held.json`).
//! `cargo loop review` lists them; `cargo loop apply ID` writes one, re-verifying it first
//! when the files it touches no longer hold what it was verified against.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::error::UsageError;
use crate::record::out_dir::OutDir;
use crate::refactor::change::FileChange;
use crate::refactor::finding::Finding;

#[derive(Debug, Serialize, Deserialize)]
pub struct Held {
    pub id: String,
    pub run: String,
    pub candidate: String,
    pub finding: String,
    pub fingerprint: String,
    pub title: String,
    pub reasons: Vec<String>,
    pub files: Vec<String>,
    pub ts: String,
}

fn review_dir(out_dir: &OutDir) -> PathBuf {
    out_dir.review_dir()
}

/// Stores a verified, sensitive change; returns its id (`1`, `2`, ...).
pub fn hold(
    out_dir: &OutDir,
    run: &str,
    candidate: &str,
    finding: &Finding,
    changes: &[FileChange],
    reasons: &[String],
) -> anyhow::Result<String> {
    let base = review_dir(out_dir);
    std::fs::create_dir_all(&base).with_context(|| format!("create {}", base.display()))?;
    let mut n = list(out_dir).len() + 1;
    // `create_dir` fails on an existing id, so two runs cannot take the same one.
    let dir = loop {
        let dir = base.join(n.to_string());
        match std::fs::create_dir(&dir) {
            Ok(()) => break dir,
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(err) => return Err(err).with_context(|| format!("create {}", dir.display())),
        }
    };
    let id = n.to_string();
    let held = Held {
        id: id.clone(),
        run: run.to_string(),
        candidate: candidate.to_string(),
        finding: finding.id.clone(),
        fingerprint: format!("{:016x}", finding.fingerprint),
        title: finding.title.clone(),
        reasons: reasons.to_vec(),
        files: changes.iter().map(|c| c.path.clone()).collect(),
        ts: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
    };
    // Reversibly redacted: `apply` puts a secret's value back from the environment, so a held
    // change whose code happens to hold one is stored without it and still applies whole.
    let stored: Vec<FileChange> = changes
        .iter()
        .map(|change| FileChange {
            path: change.path.clone(),
            before: change.before.as_deref().map(reversible),
            after: change.after.as_deref().map(reversible),
        })
        .collect();
    crate::secrets::write(&dir.join("change.json"), &serde_json::to_string(&stored)?)?;
    crate::secrets::write(
        &dir.join("patch.diff"),
        &crate::refactor::patch::unified(changes),
    )?;
    crate::secrets::write(
        &dir.join("held.json"),
        &serde_json::to_string_pretty(&held)?,
    )?;
    Ok(id)
}

/// Every held change, by id.
pub fn list(out_dir: &OutDir) -> Vec<Held> {
    list_in(&review_dir(out_dir))
}

/// Every held change in `base` (a review folder, ours or a shard's), by id.
pub fn list_in(base: &std::path::Path) -> Vec<Held> {
    let Ok(entries) = std::fs::read_dir(base) else {
        return Vec::new();
    };
    let mut held: Vec<Held> = entries
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("held.json")).ok())
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect();
    held.sort_by_key(|h| h.id.parse::<u64>().unwrap_or(u64::MAX));
    held
}

/// The held change `id`, or a usage error naming the ids there are.
pub fn load(out_dir: &OutDir, id: &str) -> anyhow::Result<(Held, Vec<FileChange>)> {
    load_from(&review_dir(out_dir), id)
}

/// The held change `id` of the review folder `base`.
pub fn load_from(base: &std::path::Path, id: &str) -> anyhow::Result<(Held, Vec<FileChange>)> {
    let dir = base.join(id);
    let Ok(text) = std::fs::read_to_string(dir.join("held.json")) else {
        let ids: Vec<String> = list_in(base).into_iter().map(|h| h.id).collect();
        return Err(UsageError(format!(
            "no held refactor `{id}` in {} (held: {})",
            base.display(),
            if ids.is_empty() {
                "none".to_string()
            } else {
                ids.join(", ")
            }
        ))
        .into());
    };
    let held: Held = serde_json::from_str(&text)
        .with_context(|| format!("read {}", dir.join("held.json").display()))?;
    let changes: Vec<FileChange> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("change.json"))
            .with_context(|| format!("read {}", dir.join("change.json").display()))?,
    )
    .with_context(|| format!("read {}", dir.join("change.json").display()))?;
    let changes = changes
        .into_iter()
        .map(|change| {
            Ok(FileChange {
                before: change.before.as_deref().map(unredact).transpose()?,
                after: change.after.as_deref().map(unredact).transpose()?,
                path: change.path,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok((held, changes))
}

fn reversible(text: &str) -> String {
    crate::secrets::redact_reversibly(text).into_owned()
}

fn unredact(text: &str) -> anyhow::Result<String> {
    crate::secrets::unredact(text).map_err(|name| {
        UsageError(format!(
            "the held refactor's code holds the value of the environment variable `{name}`, \
             which was redacted when it was stored; set `{name}` as it was, to apply it"
        ))
        .into()
    })
}

/// Removes a held change once applied.
pub fn discard(out_dir: &OutDir, id: &str) -> anyhow::Result<()> {
    let dir = review_dir(out_dir).join(id);
    std::fs::remove_dir_all(&dir).with_context(|| format!("remove {}", dir.display()))
}

pub fn render(held: &[Held]) -> String {
    if held.is_empty() {
        return "no refactors are held for review\n".to_string();
    }
    let mut out = String::new();
    for h in held {
        let _ = writeln!(
            out,
            "{:>4}  {} {}\n      held because {}\n      files: {}\n      patch: review/{}/patch.diff (apply with `cargo loop apply {}`)",
            h.id,
            h.finding,
            h.title,
            h.reasons.join(" and "),
            h.files.join(", "),
            h.id,
            h.id
        );
    }
    out
}
