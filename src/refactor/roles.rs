//! Roles: clone findings and smell findings each with their own agent, share of the budgets
//! and instructions (`--role duplication=AGENT`, `[workspace.metadata.loop.roles]`).
//!
//! A team may want a cheap deterministic agent on duplicates and a model on architecture, or
//! two prompts that each say what their kind of refactor should respect. Without roles every
//! finding goes to `--agent`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::UsageError;
use crate::refactor::agents::AgentSpec;
use crate::refactor::finding::{Finding, FindingKind};

/// Who a finding goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Clone groups.
    Duplication,
    /// Smells.
    Architecture,
}

impl Role {
    pub fn of(finding: &Finding) -> Role {
        match finding.kind {
            FindingKind::Dup => Role::Duplication,
            FindingKind::Smell => Role::Architecture,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Duplication => "duplication",
            Role::Architecture => "architecture",
        }
    }

    fn parse(name: &str) -> Result<Role, String> {
        match name {
            "duplication" => Ok(Role::Duplication),
            "architecture" => Ok(Role::Architecture),
            other => Err(format!(
                "unknown role `{other}`: expected duplication or architecture"
            )),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role in configuration: an agent alone (`duplication = "builtin"`) or a table.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RoleConfig {
    Agent(String),
    Table(RoleTable),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RoleTable {
    pub agent: Option<String>,
    /// The share of `--budget-tokens` and `--budget-usd` the role may spend, from 0 to 1.
    pub budget_share: Option<f64>,
    /// Instructions added to the role's prompts.
    pub prompt: Option<String>,
}

/// A role's agent, budget share and instructions, resolved.
#[derive(Debug, Clone)]
pub struct RoleSettings {
    pub agent: AgentSpec,
    pub share: Option<f64>,
    pub prompt: Option<String>,
}

/// `--role NAME=AGENT` as (role, agent).
pub fn parse_flag(value: &str) -> Result<(Role, String), String> {
    let (name, agent) = value
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=AGENT, got `{value}`"))?;
    Ok((Role::parse(name.trim())?, agent.trim().to_owned()))
}

/// The roles: flags over configuration; a role named nowhere has no entry (`--agent` serves).
pub fn resolve(
    flags: &[(Role, String)],
    config: Option<&BTreeMap<String, RoleConfig>>,
) -> anyhow::Result<BTreeMap<Role, RoleSettings>> {
    let mut tables: BTreeMap<Role, RoleTable> = BTreeMap::new();
    for (name, entry) in config.into_iter().flatten() {
        let role = Role::parse(name).map_err(|e| UsageError(format!("in [roles]: {e}")))?;
        let table = match entry {
            RoleConfig::Agent(agent) => RoleTable {
                agent: Some(agent.clone()),
                ..RoleTable::default()
            },
            RoleConfig::Table(table) => table.clone(),
        };
        tables.insert(role, table);
    }
    for (role, agent) in flags {
        tables.entry(*role).or_default().agent = Some(agent.clone());
    }
    let mut roles = BTreeMap::new();
    for (role, table) in tables {
        let agent = table.agent.ok_or_else(|| {
            UsageError(format!(
                "the {role} role names no agent (add agent = \"...\")"
            ))
        })?;
        let agent = agent
            .parse::<AgentSpec>()
            .map_err(|e| UsageError(format!("invalid agent for the {role} role: {e}")))?;
        agent
            .check_available()
            .map_err(|e| UsageError(format!("the {role} role: {e}")))?;
        if let Some(share) = table.budget_share.filter(|s| !(0.0..=1.0).contains(s)) {
            return Err(UsageError(format!(
                "the {role} role's budget-share is {share}: expected a number from 0 to 1"
            ))
            .into());
        }
        let settings = RoleSettings {
            agent,
            share: table.budget_share,
            prompt: table.prompt,
        };
        roles.insert(role, settings);
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_name_a_roles_agent_over_configuration() {
        let config: BTreeMap<String, RoleConfig> = toml::from_str(
            "duplication = \"cmd:true\"\n[architecture]\nagent = \"builtin\"\nbudget-share = 0.25\nprompt = \"Keep modules small.\"\n",
        )
        .unwrap();
        let flags = [parse_flag("duplication=builtin").unwrap()];
        let roles = resolve(&flags, Some(&config)).unwrap();
        assert_eq!(roles[&Role::Duplication].agent, AgentSpec::Builtin);
        let architecture = &roles[&Role::Architecture];
        assert_eq!(architecture.share, Some(0.25));
        assert_eq!(architecture.prompt.as_deref(), Some("Keep modules small."));
    }

    #[test]
    fn bad_roles_are_usage_errors_that_name_the_role() {
        assert!(parse_flag("design=builtin")
            .unwrap_err()
            .contains("unknown role `design`"));
        assert!(parse_flag("builtin").unwrap_err().contains("NAME=AGENT"));
        let config: BTreeMap<String, RoleConfig> =
            toml::from_str("[architecture]\nbudget-share = 2.0\nagent = \"builtin\"\n").unwrap();
        let err = resolve(&[], Some(&config)).unwrap_err().to_string();
        assert!(
            err.contains("architecture role's budget-share is 2"),
            "{err}"
        );
        let err = resolve(&[(Role::Duplication, "gpt".into())], None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("duplication role"), "{err}");
    }
}
