//! The settings of a pass, resolved once from flags, then configuration, then defaults.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::cli::{FixArgs, VerifyArgs};
use crate::config::ConfigFile;
use crate::error::UsageError;
use crate::options::{LoopFlags, LoopGoalFlags, Oversight, SandboxMode};
use crate::refactor::agents::AgentSpec;
use crate::refactor::budget::Budget;
use crate::refactor::guard::Guard;
use crate::refactor::roles::{self, Role, RoleSettings};

/// Settings of a pass, resolved from flags, then configuration, then defaults.
pub struct Settings {
    pub agent: AgentSpec,
    /// Agents, budget shares and prompts of the roles configured (`--role`, `[roles]`).
    pub roles: BTreeMap<Role, RoleSettings>,
    pub agent_timeout: Duration,
    pub max_agent_output: u64,
    pub attempts: u32,
    pub max_retries: u32,
    pub context_tokens: usize,
    /// Budgets, with the agent model's price.
    pub budget: Budget,
    /// Who approves each verified change, if anyone.
    pub reviewer: Option<AgentSpec>,
    pub max_candidates: usize,
    /// `--jobs`: candidates tried at once, each in its own scratch slot (at least 1).
    pub jobs: usize,
    /// `run`'s stopping rules as configuration sets them (its flags go over them).
    pub loop_config: (LoopFlags, LoopGoalFlags),
    pub verify: VerifySettings,
    pub guard: Guard,
}

impl Settings {
    /// A hash of the agents a run asks (`--agent` and each role's): what the memory of
    /// tried findings is kept per. Never the specs themselves, which may hold a URL.
    pub fn agents_key(&self) -> String {
        let roles: Vec<String> = (self.roles.iter())
            .map(|(role, settings)| format!("{role:?}={:?}", settings.agent))
            .collect();
        let agents = format!("{:?};{}", self.agent, roles.join(";"));
        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(agents.as_bytes()))
    }

    pub fn resolve(args: &FixArgs, config: &ConfigFile) -> anyhow::Result<Settings> {
        let limits = (args.pipeline.agent_limits)
            .clone()
            .or(config.agent_limits.clone())
            .resolve();
        let agent = limits
            .agent
            .parse::<AgentSpec>()
            .map_err(|e| UsageError(format!("invalid --agent: {e}")))?;
        agent
            .check_available()
            .map_err(|e| UsageError(e.to_string()))?;
        let oversight = (args.pipeline.oversight)
            .clone()
            .or(config.oversight.clone())
            .resolve();
        let reviewer = match &oversight.reviewer {
            None => None,
            Some(value) => {
                let reviewer = value
                    .parse::<AgentSpec>()
                    .map_err(|e| UsageError(format!("invalid --reviewer: {e}")))?;
                reviewer
                    .check_available()
                    .map_err(|e| UsageError(format!("--reviewer: {e}")))?;
                Some(reviewer)
            }
        };
        let roles = roles::resolve(&args.role, config.roles.as_ref())?;
        let selection = (args.pipeline.selection)
            .clone()
            .or(config.selection.clone())
            .resolve();
        check_counts(args, config)?;
        let mut agents: Vec<&AgentSpec> = roles.values().map(|r| &r.agent).collect();
        agents.push(&agent);
        agents.extend(&reviewer);
        let mut budget = budget(&agents, &oversight, config)?;
        for (role, settings) in &roles {
            if let Some(share) = settings.share {
                budget.share(*role, share);
            }
        }
        Ok(Settings {
            budget,
            roles,
            reviewer,
            max_retries: limits.max_retries,
            context_tokens: limits.context_tokens,
            agent,
            agent_timeout: Duration::from_secs(limits.agent_timeout),
            max_agent_output: limits.max_agent_output,
            attempts: limits.attempts,
            max_candidates: selection.max_candidates,
            jobs: selection.jobs,
            loop_config: (config.loop_limits.clone(), valid_goals(&config.loop_goals)?),
            verify: VerifySettings::resolve(&args.pipeline.verify, config)?,
            guard: Guard::new(config.deny_paths.as_deref().unwrap_or_default())
                .map_err(|e| UsageError(format!("{e:#}")))?,
        })
    }
}

/// Refuses a count or a time of 0 where 0 means nothing would be done (or every agent
/// killed at once): a usage error naming the flag, not a run that says nothing was left.
pub fn check_counts(args: &FixArgs, config: &ConfigFile) -> Result<(), UsageError> {
    let limits = (args.pipeline.agent_limits.clone())
        .or(config.agent_limits.clone())
        .resolve();
    let selection = (args.pipeline.selection.clone())
        .or(config.selection.clone())
        .resolve();
    let (flags, chosen) = (&args.pipeline.agent_limits, &args.pipeline.selection);
    // Each value, and whether the flag gave it (else configuration did, or the default).
    let values = [
        (
            "attempts",
            u64::from(limits.attempts),
            flags.attempts.is_some(),
        ),
        (
            "max-candidates",
            selection.max_candidates as u64,
            chosen.max_candidates.is_some(),
        ),
        ("jobs", selection.jobs as u64, chosen.jobs.is_some()),
        (
            "agent-timeout",
            limits.agent_timeout,
            flags.agent_timeout.is_some(),
        ),
        (
            "max-agent-output",
            limits.max_agent_output,
            flags.max_agent_output.is_some(),
        ),
    ];
    at_least_one(&values)
}

/// Refuses a zero among `values` (name, value, whether the flag gave it), naming the flag or
/// the configuration key.
fn at_least_one(values: &[(&str, u64, bool)]) -> Result<(), UsageError> {
    match values.iter().find(|(_, value, _)| *value == 0) {
        Some((key, _, true)) => Err(UsageError(format!("--{key} must be at least 1"))),
        Some((key, _, false)) => Err(UsageError(format!(
            "`{key}` in the configuration (loop.toml or Cargo.toml metadata) must be at least 1"
        ))),
        None => Ok(()),
    }
}

/// The run's budgets. A money budget needs the price of every model API the run calls.
fn budget(
    agents: &[&AgentSpec],
    oversight: &Oversight,
    config: &ConfigFile,
) -> anyhow::Result<Budget> {
    if let Some(limit) = oversight
        .budget_usd
        .filter(|usd| !usd.is_finite() || *usd <= 0.0)
    {
        return Err(UsageError(format!(
            "--budget-usd must be a positive number of dollars, got {limit}"
        ))
        .into());
    }
    let prices = config.prices.clone().unwrap_or_default();
    let unpriced = (agents.iter())
        .filter_map(|agent| agent.api().map(|(_, model)| model))
        .find(|model| crate::refactor::budget::price_of(&prices, model).is_none());
    if let (Some(limit), Some(model)) = (oversight.budget_usd, unpriced) {
        return Err(UsageError(format!(
            "--budget-usd {limit} needs the price of `{model}`: add \
             [workspace.metadata.loop.prices.\"{model}\"] with input = ... and output = ... \
             (dollars per million tokens) to Cargo.toml, or a [prices.\"{model}\"] table to \
             loop.toml"
        ))
        .into());
    }
    Ok(Budget::new(
        oversight.budget_tokens,
        oversight.budget_usd,
        prices,
    ))
}

impl Settings {
    /// The agent that works on `role`'s findings.
    pub fn agent_for(&self, role: Role) -> &AgentSpec {
        self.roles.get(&role).map_or(&self.agent, |r| &r.agent)
    }
}

/// How verification runs, resolved (shared by `fix` and `apply`).
pub struct VerifySettings {
    /// `--test-cmd` as words, replacing `cargo test --workspace`.
    pub test_cmd: Option<Vec<String>>,
    /// `--build-timeout` and `--test-timeout`; `None` derives them from the baseline.
    pub build_timeout: Option<Duration>,
    pub test_timeout: Option<Duration>,
    pub sandbox: SandboxMode,
}

impl VerifySettings {
    /// Flags over configuration; also hands the `--keep-env` names to [`crate::secrets`].
    pub fn resolve(args: &VerifyArgs, config: &ConfigFile) -> anyhow::Result<VerifySettings> {
        let options = args.options.clone().or(config.verify.clone()).resolve();
        let mut keep_env = args.keep_env.clone();
        keep_env.extend(config.keep_env.iter().flatten().cloned());
        crate::secrets::keep_env(keep_env);
        let test_cmd = match options.test_cmd {
            None => None,
            Some(cmd) => match shlex::split(&cmd) {
                Some(words) if !words.is_empty() => Some(words),
                _ => {
                    return Err(UsageError(format!(
                        "invalid --test-cmd `{cmd}`: expected a program and its arguments"
                    ))
                    .into())
                }
            },
        };
        let timeouts = [
            (
                "build-timeout",
                options.build_timeout,
                args.options.build_timeout,
            ),
            (
                "test-timeout",
                options.test_timeout,
                args.options.test_timeout,
            ),
        ];
        let given: Vec<(&str, u64, bool)> = (timeouts.iter())
            .filter_map(|&(key, value, flag)| Some((key, value?, flag.is_some())))
            .collect();
        at_least_one(&given)?;
        Ok(VerifySettings {
            test_cmd,
            build_timeout: options.build_timeout.map(Duration::from_secs),
            test_timeout: options.test_timeout.map(Duration::from_secs),
            sandbox: options.sandbox.unwrap_or_default(),
        })
    }
}

/// The goals of `run` from configuration, refused when the target score is no number of
/// `0` or more.
fn valid_goals(goals: &LoopGoalFlags) -> Result<LoopGoalFlags, UsageError> {
    check_target_score(goals.target_score, "`target-score`")?;
    Ok(goals.clone())
}

/// Refuses a target score (`named` as the flag or key that set it) that is no number of `0`
/// or more: `nan` would never be reached.
pub fn check_target_score(score: Option<f64>, named: &str) -> Result<(), UsageError> {
    match score {
        Some(score) if !(score.is_finite() && score >= 0.0) => Err(UsageError(format!(
            "{named} must be a number of 0 or more, not {score}"
        ))),
        _ => Ok(()),
    }
}
