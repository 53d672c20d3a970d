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
    let body = provider.body(model, request.stable, request.task);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AgentError::Io(anyhow::Error::new(e).context("start the HTTP client")))?;
    let client = reqwest::Client::builder()
        .user_agent(concat!("cargo-loop/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AgentError::Io(anyhow::Error::new(e).context("build the HTTP client")))?;
    let deadline = tokio::time::Instant::now() + request.timeout;
    let posted = runtime.block_on(transport::post(
        &client,
        &endpoint,
        &body,
        deadline,
        request.max_retries,
    ));
    match posted {
        Ok(Answered {
            status,
            body,
            retries,
        }) => {
            call.http_status = Some(status);
            call.retries = retries;
            crate::secrets::write(&request.dir.join("response.json"), &lossy(&body))?;
            let completion = provider.completion(&body)?;
            call.tokens = completion.tokens;
            match completion.truncated {
                Some(why) => Err(AgentError::Truncated(why)),
                None => Ok(Answer::Text(completion.text)),
            }
        }
        Err(failure) => Err(failed(
            provider,
            model,
            &endpoint.url,
            failure,
            request,
            call,
        )),
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
    match failure {
        Failure::Status {
            status,
            body,
            retries,
        } => {
            call.http_status = Some(status);
            call.retries = retries;
            let _ = crate::secrets::write(&request.dir.join("response.json"), &lossy(&body));
            let error = wire::api_error(&body);
            let retried = if retries > 0 {
                format!(
                    " after {retries} retr{}",
                    if retries == 1 { "y" } else { "ies" }
                )
            } else {
                String::new()
            };
            AgentError::Api(format!(
                "{}{retried}",
                wire::refusal(provider, model, status, &error)
            ))
        }
        Failure::Transport { message, retries } => {
            call.retries = retries;
            AgentError::Api(format!(
                "could not reach the {} API at {url} ({retries} retries): {message}",
                provider.name()
            ))
        }
        Failure::Timeout { status, retries } => {
            call.http_status = status;
            call.retries = retries;
            AgentError::Timeout(request.timeout)
        }
        Failure::Interrupted => AgentError::Io(crate::process::Interrupted.into()),
    }
}

fn lossy(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}
