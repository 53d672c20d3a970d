//! Keeps secrets out of everything cargo loop writes: audit records, prompts, responses, logs.
//!
//! API keys are read from the environment only. Any value of a variable whose name says it is a
//! secret is replaced by `[redacted]` before text reaches a file, whoever produced the text (an
//! agent echoing its key, a test printing its environment).

use std::borrow::Cow;
use std::path::Path;
use std::sync::OnceLock;

const REDACTED: &str = "[redacted]";

fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    [
        "KEY",
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "CREDENTIAL",
        "AUTH",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// Secret values of the environment, longest first so that a key containing another is
/// replaced whole. Values under 8 bytes are too likely to occur by chance to be replaced.
fn secrets() -> &'static [String] {
    static SECRETS: OnceLock<Vec<String>> = OnceLock::new();
    SECRETS.get_or_init(|| {
        let mut values: Vec<String> = std::env::vars()
            .filter(|(name, value)| is_secret_name(name) && value.len() >= 8)
            .map(|(_, value)| value)
            .collect();
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        values
    })
}

pub fn redact(text: &str) -> Cow<'_, str> {
    let secrets = secrets();
    if !secrets.iter().any(|s| text.contains(s.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for secret in secrets {
        out = out.replace(secret.as_str(), REDACTED);
    }
    Cow::Owned(out)
}

/// Writes `text`, redacted, to `path`.
pub fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    crate::files::create(path)?
        .write_all(redact(text).as_bytes())
        .with_context(|| format!("write {}", path.display()))
}

/// Redacts a log file a child process wrote, in place.
pub fn scrub(path: &Path) {
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    if let Cow::Owned(clean) = redact(&text) {
        let _ = std::fs::write(path, clean);
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn secret_names_are_recognised() {
        assert!(is_secret_name("OPENAI_API_KEY"));
        assert!(is_secret_name("github_token"));
        assert!(!is_secret_name("PATH"));
        assert!(!is_secret_name("CARGO_TARGET_DIR"));
    }
}
