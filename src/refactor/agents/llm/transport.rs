//! One request sent until it is answered: retried after rate limits, server errors and dropped
//! connections as [`super::policy`] decides, within the call's deadline, and given up at once
//! when the run is interrupted.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio::time::Instant;

use super::policy;
use super::wire::{self, Endpoint};

/// A request answered with a success status.
pub struct Answered {
    pub status: u16,
    pub body: Vec<u8>,
    pub retries: u32,
}

/// Why a request got no successful answer.
pub enum Failure {
    /// The last answer had an error status (retried `retries` times, or not worth retrying).
    Status {
        status: u16,
        body: Vec<u8>,
        retries: u32,
    },
    /// No answer: the connection failed or dropped, last time with `message`.
    Transport {
        message: String,
        retries: u32,
    },
    /// The deadline passed (`--agent-timeout`).
    Timeout {
        status: Option<u16>,
        retries: u32,
    },
    Interrupted,
}

/// Posts `body` to `endpoint` until answered, at most `max_retries` times again, never past
/// `deadline`.
pub async fn post(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    body: &Value,
    deadline: Instant,
    max_retries: u32,
) -> Result<Answered, Failure> {
    let mut retries = 0;
    let mut status = None;
    loop {
        let sent = tokio::select! {
            sent = tokio::time::timeout_at(deadline, send(client, endpoint, body)) => sent,
            () = interrupted() => return Err(Failure::Interrupted),
        };
        let Ok(sent) = sent else {
            return Err(Failure::Timeout { status, retries });
        };
        let (again, wait, failure) = match sent {
            Ok((code, _, body)) if (200..300).contains(&code) => {
                return Ok(Answered {
                    status: code,
                    body,
                    retries,
                })
            }
            Ok((code, headers, body)) => {
                status = Some(code);
                let exhausted = wire::api_error(&body).exhausted;
                let again = policy::should_retry(code, &headers, exhausted);
                let wait = policy::delay(&headers, retries);
                (
                    again,
                    wait,
                    Failure::Status {
                        status: code,
                        body,
                        retries,
                    },
                )
            }
            Err(message) => {
                let wait = policy::delay(&HeaderMap::new(), retries);
                (true, wait, Failure::Transport { message, retries })
            }
        };
        if !again || retries >= max_retries {
            return Err(failure);
        }
        if Instant::now() + wait >= deadline {
            // The wait alone would pass the deadline: give up now, not later.
            return Err(Failure::Timeout { status, retries });
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = interrupted() => return Err(Failure::Interrupted),
        }
        retries += 1;
    }
}

/// One request and its whole answer; an error says why there is none (a body cut off midway
/// is one).
async fn send(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    body: &Value,
) -> Result<(u16, HeaderMap, Vec<u8>), String> {
    let mut request = client.post(&endpoint.url).json(body);
    for (name, value) in &endpoint.headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.map_err(|e| describe(&e))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.map_err(|e| describe(&e))?;
    Ok((status, headers, bytes.to_vec()))
}

/// A transport error with its causes, which say what actually went wrong.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Resolves when Ctrl-C (or a termination signal) asked the run to stop.
async fn interrupted() {
    while !crate::process::interrupted() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
