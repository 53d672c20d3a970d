//! `openai:MODEL` and `anthropic:MODEL`: one call of a model API, from the prompt to an answer
//! or a sentence saying why there is none, with what it cost. The async client lives here
//! only; the rest of the pipeline sees a blocking call.

use std::time::Instant;

use super::transport::{self, Answered, Failure};
use super::wire::{self, Provider};
use crate::record::event::Call;
use crate::refactor::agents::exchange::{AgentError, Answer, Reply, Request};

/// Calls `model` of `provider` with `request`, bounded by its timeout, retries included.
pub fn call(provider: Provider, model: &str, request: &Request) -> Reply {
    call_with(provider, model, request, &|name| std::env::var(name).ok())
}

/// [`call`], with the endpoint read from `env`.
pub(super) fn call_with(
    provider: Provider,
    model: &str,
    request: &Request,
    env: &dyn Fn(&str) -> Option<String>,
) -> Reply {
    let start = Instant::now();
    let mut call = Call {
        provider: provider.name().to_owned(),
        model: Some(model.to_owned()),
        ..Call::default()
    };
    let answer = exchange(provider, model, request, env, &mut call);
    Reply {
        answer,
        duration: start.elapsed(),
        call,
    }
}

fn exchange(
    provider: Provider,
    model: &str,
    request: &Request,
    env: &dyn Fn(&str) -> Option<String>,
    call: &mut Call,
) -> Result<Answer, AgentError> {
    let endpoint = provider.endpoint(env).map_err(AgentError::Api)?;
    let body = provider.body(&endpoint, model, request);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AgentError::Io(anyhow::Error::new(e).context("start the HTTP client")))?;
    // Redirects are not followed: the key would go to wherever they point.
    let client = reqwest::Client::builder()
        .user_agent(concat!("cargo-loop/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| AgentError::Io(anyhow::Error::new(e).context("build the HTTP client")))?;
    let limits = transport::Limits {
        deadline: tokio::time::Instant::now() + request.timeout,
        max_retries: request.max_retries,
        max_bytes: request.max_output,
    };
    let posted = runtime.block_on(transport::post(&client, &endpoint, &body, &limits));
    let Answered {
        status,
        body,
        retries,
    } = posted.map_err(|failure| failed(provider, model, &endpoint.url, failure, request, call))?;
    call.http_status = Some(status);
    call.retries = retries;
    crate::secrets::write(&request.dir.join("response.json"), &lossy(&body))?;
    let completion = provider.completion(&body)?;
    call.tokens = completion.tokens;
    if call.tokens.total() == 0 {
        // Some local servers report no usage: the budgets still count an estimate.
        call.tokens.input = prompt_tokens(request);
        call.tokens.output = crate::refactor::prompt::estimate_tokens(&completion.text) as u64;
        call.estimated = true;
    }
    match completion.truncated {
        Some(why) => Err(AgentError::Truncated(why)),
        None => Ok(Answer::Text(completion.text)),
    }
}

/// The error a failed request ends in, its status and retries recorded.
fn failed(
    provider: Provider,
    model: &str,
    url: &str,
    failure: Failure,
    request: &Request,
    call: &mut Call,
) -> AgentError {
    let api = provider.name();
    let (status, retries) = failure.status_and_retries();
    call.http_status = status;
    call.retries = retries;
    if matches!(failure, Failure::TooLong { .. } | Failure::Timeout { .. }) {
        // The prompt was sent and is billed, whatever came back: the budgets count it.
        call.tokens.input = prompt_tokens(request);
        call.estimated = true;
    }
    match failure {
        Failure::Status {
            status,
            body,
            retries,
            location,
        } => {
            let _ = crate::secrets::write(&request.dir.join("response.json"), &lossy(&body));
            refused(provider, model, status, &body, retries, location)
        }
        Failure::Waited { status, wait, .. } => AgentError::Api(format!(
            "the {api} API is rate limiting ({status}) and asked to wait {:.0}s, longer than \
             what --agent-timeout ({}s) leaves of the call",
            wait.as_secs_f64(),
            request.timeout.as_secs()
        )),
        Failure::TooLong { .. } => AgentError::TooMuchOutput(request.max_output),
        // The address answers nothing after retries: every call would fail alike.
        Failure::Transport { message, retries } => AgentError::Unusable(format!(
            "could not reach the {api} API at {url} ({retries} retries): {message}"
        )),
        Failure::Timeout { .. } => AgentError::Timeout(request.timeout),
        Failure::Interrupted => AgentError::Io(crate::process::Interrupted.into()),
    }
}

/// The error an error answer ends in: [`AgentError::Unusable`] when every call would get it.
fn refused(
    provider: Provider,
    model: &str,
    status: u16,
    body: &[u8],
    retries: u32,
    location: Option<String>,
) -> AgentError {
    if let Some(location) = location {
        return AgentError::Unusable(format!(
            "the {} API answered {status} with a redirect to `{location}`, which cargo loop \
             does not follow (the key would go with it): set {} to the address that answers",
            provider.name(),
            provider.base_var()
        ));
    }
    let error = wire::api_error(body);
    let after = match retries {
        0 => String::new(),
        1 => " after 1 retry".to_owned(),
        n => format!(" after {n} retries"),
    };
    let sentence = format!("{}{after}", wire::refusal(provider, model, status, &error));
    if error.exhausted || matches!(status, 401 | 403 | 404) {
        AgentError::Unusable(sentence)
    } else {
        AgentError::Api(sentence)
    }
}

/// The prompt's tokens, estimated from its text.
fn prompt_tokens(request: &Request) -> u64 {
    let estimate = |text: &str| crate::refactor::prompt::estimate_tokens(text) as u64;
    estimate(request.stable) + estimate(request.task)
}

fn lossy(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}
