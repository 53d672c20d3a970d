//! The `--agent` value: which agent, parsed from its spelling, shown as it is recorded, and
//! whether this build can call it; and the call itself, handed to the agent's module.

use std::str::FromStr;

use super::exchange::{self, AgentError, Reply, Request};
use super::llm::{self, Provider};
use super::{builtin, command};
use crate::record::event::Call;

/// The `--agent` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentSpec {
    Builtin,
    OpenAi(String),
    Anthropic(String),
    /// `cmd:PROGRAM ARGS`: the prompt on stdin, the answer on stdout.
    Cmd(Vec<String>),
    /// `exec:PROGRAM ARGS`: edits a scratch copy itself; its diff is the proposal.
    Exec(Vec<String>),
}

impl FromStr for AgentSpec {
    type Err = String;

    fn from_str(value: &str) -> Result<AgentSpec, String> {
        let words = |rest: &str, prefix: &str| {
            let words = shlex::split(rest)
                .ok_or_else(|| format!("`{prefix}{rest}` has unbalanced quotes"))?;
            if words.is_empty() {
                Err(format!(
                    "`{prefix}` needs a program, e.g. `{prefix}claude -p`"
                ))
            } else {
                Ok(words)
            }
        };
        match value.split_once(':') {
            _ if value == "builtin" => Ok(AgentSpec::Builtin),
            Some(("cmd", rest)) => words(rest, "cmd:").map(AgentSpec::Cmd),
            Some(("exec", rest)) => words(rest, "exec:").map(AgentSpec::Exec),
            Some((api @ ("openai" | "anthropic"), model)) => match model.trim() {
                "" => Err(format!(
                    "`{value}` names no model: write `{api}:MODEL`, e.g. `{}`",
                    if api == "openai" {
                        "openai:gpt-4.1"
                    } else {
                        "anthropic:claude-sonnet-4-5"
                    }
                )),
                model if api == "openai" => Ok(AgentSpec::OpenAi(model.into())),
                model => Ok(AgentSpec::Anthropic(model.into())),
            },
            _ => Err(format!(
                "unknown agent `{value}`: expected builtin, openai:MODEL, anthropic:MODEL, \
                 cmd:PROGRAM ARGS or exec:PROGRAM ARGS"
            )),
        }
    }
}

/// The agent as recorded: the program and its arguments, never the environment.
impl std::fmt::Display for AgentSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgentSpec::Builtin => write!(f, "builtin"),
            AgentSpec::OpenAi(model) => write!(f, "openai:{model}"),
            AgentSpec::Anthropic(model) => write!(f, "anthropic:{model}"),
            AgentSpec::Cmd(argv) => write!(f, "cmd:{}", argv.join(" ")),
            AgentSpec::Exec(argv) => write!(f, "exec:{}", argv.join(" ")),
        }
    }
}

impl AgentSpec {
    /// Refuses, before any work, an agent this build cannot call.
    pub fn check_available(&self) -> Result<(), AgentError> {
        match self {
            AgentSpec::Cmd(argv) | AgentSpec::Exec(argv) => {
                let program = &argv[0];
                if program_exists(program) {
                    Ok(())
                } else {
                    Err(AgentError::NoProgram(program.clone()))
                }
            }
            AgentSpec::Builtin => Ok(()),
            AgentSpec::OpenAi(_) | AgentSpec::Anthropic(_) => {
                let (provider, _) = self.api().expect("an API agent");
                provider
                    .endpoint(|name| std::env::var(name).ok())
                    .map(drop)
                    .map_err(AgentError::Api)
            }
        }
    }

    /// The model API and model, for `openai:` and `anthropic:` agents.
    pub fn api(&self) -> Option<(Provider, &str)> {
        match self {
            AgentSpec::OpenAi(model) => Some((Provider::OpenAi, model)),
            AgentSpec::Anthropic(model) => Some((Provider::Anthropic, model)),
            _ => None,
        }
    }
}

/// Whether `program` names an executable file: a path as given, or a name on `PATH`.
fn program_exists(program: &str) -> bool {
    let is_file = |path: &std::path::Path| path.is_file();
    if program.contains('/') {
        return is_file(std::path::Path::new(program));
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| is_file(&dir.join(program))))
}

/// Calls the agent: its answer or why there is none, and what it cost.
pub fn call(spec: &AgentSpec, request: &Request) -> Reply {
    if let Err(err) = spec.check_available() {
        return Reply {
            answer: Err(err),
            duration: std::time::Duration::ZERO,
            call: Call::default(),
        };
    }
    match spec {
        AgentSpec::Cmd(argv) => command::cmd(argv, request),
        AgentSpec::Exec(argv) => command::exec(argv, request),
        AgentSpec::OpenAi(model) => llm::call(Provider::OpenAi, model, request),
        AgentSpec::Anthropic(model) => llm::call(Provider::Anthropic, model, request),
        AgentSpec::Builtin => {
            let start = std::time::Instant::now();
            // A bug of the built-in agent costs its candidate, not the run.
            let proposed = std::panic::catch_unwind(|| builtin::answer(request));
            let refactor = proposed.unwrap_or_else(|_| {
                Err(AgentError::Declined(
                    "the built-in agent failed on this finding (a bug: please report it)"
                        .to_owned(),
                ))
            });
            Reply {
                answer: refactor.map(|(changes, summary)| exchange::Answer::Changes {
                    changes,
                    summary: Some(summary),
                }),
                duration: start.elapsed(),
                call: Call {
                    provider: "builtin".to_owned(),
                    ..Call::default()
                },
            }
        }
    }
}

#[cfg(test)]
mod test {
    use super::AgentSpec;

    #[test]
    fn agent_specs_parse_with_quoting_and_reject_nonsense() {
        assert_eq!(
            "cmd:python3 'my agent.py' -v".parse::<AgentSpec>(),
            Ok(AgentSpec::Cmd(vec![
                "python3".into(),
                "my agent.py".into(),
                "-v".into()
            ]))
        );
        assert_eq!(
            "exec:./a.sh".parse(),
            Ok(AgentSpec::Exec(vec!["./a.sh".into()]))
        );
        assert_eq!(
            "openai:gpt-4o".parse(),
            Ok(AgentSpec::OpenAi("gpt-4o".into()))
        );
        assert_eq!(
            "anthropic: claude-x ".parse(),
            Ok(AgentSpec::Anthropic("claude-x".into()))
        );
        assert!("openai: "
            .parse::<AgentSpec>()
            .unwrap_err()
            .contains("names no model"));
        assert!("cmd:"
            .parse::<AgentSpec>()
            .unwrap_err()
            .contains("needs a program"));
        assert!("gpt"
            .parse::<AgentSpec>()
            .unwrap_err()
            .contains("unknown agent `gpt`"));
    }
}
