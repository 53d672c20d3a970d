//! Roles: clone findings and smell findings each with their own agent, share of the budgets
//! and instructions (`--role duplication=AGENT`, `[workspace.metadata.loop.roles]`).
//!
//! A team may want a cheap deterministic agent on duplicates and a model on architecture, or
//! two prompts that each say what their kind of refactor should respect. Without roles every
//! finding goes to `--agent`.

use std::collections::BTreeMap;

use crate::config::{RoleConfig, RoleTable};
use crate::error::UsageError;
pub use crate::record::event::Role;
use crate::refactor::agents::AgentSpec;
use crate::refactor::finding::{Finding, FindingKind};

/// The role a finding goes to: clone groups to duplication, smells to architecture.
pub fn role_of(finding: &Finding) -> Role {
    match finding.kind {
        FindingKind::Dup => Role::Duplication,
        FindingKind::Smell => Role::Architecture,
    }
}

/// A role's agent, budget share and instructions, resolved.
#[derive(Debug, Clone)]
pub struct RoleSettings {
    pub agent: AgentSpec,
    pub share: Option<f64>,
    pub prompt: Option<String>,
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
        let flags = [crate::cli::parse_role("duplication=builtin").unwrap()];
        let roles = resolve(&flags, Some(&config)).unwrap();
        assert_eq!(roles[&Role::Duplication].agent, AgentSpec::Builtin);
        let architecture = &roles[&Role::Architecture];
        assert_eq!(architecture.share, Some(0.25));
        assert_eq!(architecture.prompt.as_deref(), Some("Keep modules small."));
    }

    #[test]
    fn bad_roles_are_usage_errors_that_name_the_role() {
        assert!(crate::cli::parse_role("design=builtin")
            .unwrap_err()
            .contains("unknown role `design`"));
        assert!(crate::cli::parse_role("builtin")
            .unwrap_err()
            .contains("NAME=AGENT"));
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
