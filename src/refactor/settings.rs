//! The settings of a pass, resolved once from flags, then configuration, then defaults.

use std::time::Duration;

use crate::cli::{FixArgs, VerifyArgs};
use crate::config::ConfigFile;
use crate::error::UsageError;
use crate::refactor::agents::AgentSpec;
use crate::refactor::guard::Guard;

/// Settings of a pass, resolved from flags, then configuration, then defaults.
pub struct Settings {
    pub agent: AgentSpec,
    pub agent_timeout: Duration,
    pub max_agent_output: u64,
    pub attempts: u32,
    pub max_candidates: usize,
    pub test_cmd: Option<Vec<String>>,
    /// `--build-timeout` and `--test-timeout`; `None` derives them from the baseline.
    pub build_timeout: Option<Duration>,
    pub test_timeout: Option<Duration>,
    pub guard: Guard,
}

impl Settings {
    pub fn resolve(args: &FixArgs, config: &ConfigFile) -> anyhow::Result<Settings> {
        let agent = args
            .agent
            .clone()
            .or_else(|| config.agent.clone())
            .unwrap_or_else(|| "builtin".into());
        let agent = agent
            .parse::<AgentSpec>()
            .map_err(|e| UsageError(format!("invalid --agent: {e}")))?;
        agent
            .check_available()
            .map_err(|e| UsageError(e.to_string()))?;
        let mut keep_env = args.verify.keep_env.clone();
        keep_env.extend(config.keep_env.iter().flatten().cloned());
        crate::secrets::keep_env(keep_env);
        let limits = args
            .agent_limits
            .clone()
            .or(config.agent_limits.clone())
            .resolve();
        Ok(Settings {
            agent,
            agent_timeout: Duration::from_secs(limits.agent_timeout),
            max_agent_output: limits.max_agent_output,
            attempts: limits.attempts.max(1),
            max_candidates: args
                .selection
                .clone()
                .or(config.selection.clone())
                .resolve()
                .max_candidates,
            test_cmd: test_cmd(&args.verify, config)?,
            build_timeout: timeouts(&args.verify, config).0,
            test_timeout: timeouts(&args.verify, config).1,
            guard: Guard::new(config.deny_paths.as_deref().unwrap_or_default())
                .map_err(|e| UsageError(format!("{e:#}")))?,
        })
    }
}

pub fn test_cmd(args: &VerifyArgs, config: &ConfigFile) -> anyhow::Result<Option<Vec<String>>> {
    let Some(cmd) = args.test_cmd.clone().or_else(|| config.test_cmd.clone()) else {
        return Ok(None);
    };
    match shlex::split(&cmd) {
        Some(words) if !words.is_empty() => Ok(Some(words)),
        _ => Err(UsageError(format!(
            "invalid --test-cmd `{cmd}`: expected a program and its arguments"
        ))
        .into()),
    }
}

pub fn timeouts(args: &VerifyArgs, config: &ConfigFile) -> (Option<Duration>, Option<Duration>) {
    (
        args.build_timeout
            .or(config.build_timeout)
            .map(Duration::from_secs),
        args.test_timeout
            .or(config.test_timeout)
            .map(Duration::from_secs),
    )
}
