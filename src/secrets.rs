//! Keeps secrets away from agent-written code and out of everything cargo loop writes.
//!
//! A secret is the value of an environment variable whose name says it is one (`*_TOKEN`,
//! `*_PASSWORD`, `SSH_AUTH_SOCK`, ...) or whose value carries a password (`scheme://user:pw@`).
//! Commands cargo loop does not trust (verification, agents) get an environment without them
//! ([`withheld_vars`]), but for those the user keeps with `--keep-env`. Every value, whatever its
//! length, is replaced by `[redacted]` in what reaches a file ([`redact`]); agents' answers are
//! parsed raw, so the code that is kept is never rewritten.

use std::borrow::Cow;
use std::ffi::OsString;
use std::path::Path;
use std::sync::OnceLock;

const REDACTED: &str = "[redacted]";

/// Words that make a variable name a secret's wherever they appear in it.
const SECRET_PARTS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "CREDENTIAL",
    "APIKEY",
    "API_KEY",
    "PRIVATE",
];

/// Words that do so only as a whole `_`-separated word (`AUTH`, not `AUTHOR`).
const SECRET_WORDS: &[&str] = &["KEY", "AUTH", "PASS", "PWD", "SESSION", "COOKIE", "SOCK"];

/// Values too common to be anyone's secret; replacing them would garble every log.
const NOT_SECRETS: &[&str] = &[
    "0", "1", "true", "false", "yes", "no", "on", "off", "none", "null",
];

fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    if name == "PWD" || name == "OLDPWD" {
        return false;
    }
    SECRET_PARTS.iter().any(|part| name.contains(part))
        || name
            .split(['_', '-', '.'])
            .any(|word| SECRET_WORDS.contains(&word))
}

/// A URL with a password in it (`postgres://app:hunter2@db/app`).
fn has_url_password(value: &str) -> bool {
    value.split_once("://").is_some_and(|(_, rest)| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        authority
            .rsplit_once('@')
            .is_some_and(|(user_info, _)| user_info.contains(':'))
    })
}

fn is_secret(name: &str, value: &str) -> bool {
    !value.is_empty()
        && !NOT_SECRETS.iter().any(|v| value.eq_ignore_ascii_case(v))
        && (is_secret_name(name) || has_url_password(value))
}

/// Variables the user lets through to verification and agents (`--keep-env`).
static KEPT: OnceLock<Vec<String>> = OnceLock::new();

/// Sets the `--keep-env` names, once, before any command runs.
pub fn keep_env(names: Vec<String>) {
    let _ = KEPT.set(names);
}

/// The names of every secret variable of this process's environment, but `allowed` and the
/// ones the user keeps: what an untrusted command must not inherit.
pub fn withheld_vars(allowed: &[&str]) -> Vec<OsString> {
    let kept = KEPT.get().map_or(&[][..], Vec::as_slice);
    std::env::vars_os()
        .filter_map(|(name, value)| {
            let name = name.into_string().ok()?;
            let value = value.to_string_lossy();
            let let_through = allowed.contains(&name.as_str()) || kept.contains(&name);
            (is_secret(&name, &value) && !let_through).then(|| name.into())
        })
        .collect()
}

/// Secret variables of the environment as (name, value), longest value first, so that a value
/// containing another is replaced whole.
fn secrets() -> &'static [(String, String)] {
    static SECRETS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    SECRETS.get_or_init(|| {
        let mut found: Vec<(String, String)> = std::env::vars()
            .filter(|(name, value)| is_secret(name, value))
            .collect();
        found.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.cmp(b)));
        found.dedup_by(|a, b| a.1 == b.1);
        found
    })
}

fn replace_secrets(text: &str, mark: impl Fn(&str) -> String) -> Cow<'_, str> {
    let secrets = secrets();
    if !secrets
        .iter()
        .any(|(_, value)| text.contains(value.as_str()))
    {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for (name, value) in secrets {
        if out.contains(value.as_str()) {
            out = out.replace(value.as_str(), &mark(name));
        }
    }
    Cow::Owned(out)
}

pub fn redact(text: &str) -> Cow<'_, str> {
    replace_secrets(text, |_| REDACTED.to_owned())
}

/// Redacts naming the variable (`[redacted:NAME]`), so that [`unredact`] can put the value back
/// when a held change is applied later from the same environment.
pub fn redact_reversibly(text: &str) -> Cow<'_, str> {
    replace_secrets(text, |name| format!("[redacted:{name}]"))
}

/// Undoes [`redact_reversibly`] from the environment; the name of a variable it needs and
/// cannot find, if any.
pub fn unredact(text: &str) -> Result<String, String> {
    let mut out = text.to_string();
    while let Some(start) = out.find("[redacted:") {
        let end = out[start..]
            .find(']')
            .map(|i| start + i)
            .ok_or_else(|| "an unterminated [redacted:...] mark".to_owned())?;
        let name = &out[start + "[redacted:".len()..end];
        let value = std::env::var(name).map_err(|_| name.to_owned())?;
        out.replace_range(start..=end, &value);
    }
    Ok(out)
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
        for name in [
            "OPENAI_API_KEY",
            "github_token",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "CARGO_REGISTRY_TOKEN",
            "DB_PASSWORD",
            "SSH_AUTH_SOCK",
            "MYSQL_PWD",
            "NPM_AUTH",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PATH",
            "PWD",
            "CARGO_TARGET_DIR",
            "GIT_AUTHOR_NAME",
            "HOME",
            "MONKEY_COUNT",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn urls_with_passwords_are_secrets_whatever_the_name() {
        assert!(is_secret(
            "DATABASE_URL",
            "postgres://app:hunter2@db:5432/app"
        ));
        assert!(!is_secret("DATABASE_URL", "postgres://db:5432/app"));
        assert!(!is_secret("HOMEPAGE", "https://user@example.com/a:b"));
        assert!(
            is_secret("DB_PASSWORD", "pw"),
            "short values are secrets too"
        );
        assert!(!is_secret("DB_PASSWORD", ""));
        assert!(!is_secret("USE_AUTH", "true"));
    }
}
