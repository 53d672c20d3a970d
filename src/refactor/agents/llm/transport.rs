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
    /// The last answer had an error status (retried `retries` times, or not worth retrying);
    /// a redirect's `location` (never followed: the key would go with it).
    Status {
        status: u16,
        body: Vec<u8>,
        retries: u32,
        location: Option<String>,
    },
    /// The server asked to wait `wait` before the next try, past the call's deadline.
    Waited {
        status: u16,
        wait: Duration,
        retries: u32,
    },
    /// The answer was longer than `--max-agent-output`; the rest was not read.
    TooLong {
        status: u16,
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

impl Failure {
    /// The last status answered, if any, and the retries made.
    pub fn status_and_retries(&self) -> (Option<u16>, u32) {
        match self {
            Failure::Status {
                status, retries, ..
            }
            | Failure::Waited {
                status, retries, ..
            }
            | Failure::TooLong { status, retries } => (Some(*status), *retries),
            Failure::Transport { retries, .. } => (None, *retries),
            Failure::Timeout { status, retries } => (*status, *retries),
            Failure::Interrupted => (None, 0),
        }
    }
}

/// How a request is sent: when it is given up, how often it is sent again, and how many bytes
/// of an answer are read.
pub struct Limits {
    pub deadline: Instant,
    pub max_retries: u32,
    pub max_bytes: u64,
}

/// Posts `body` to `endpoint` until answered, at most `max_retries` times again, never past
/// the deadline.
pub async fn post(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    body: &Value,
    limits: &Limits,
) -> Result<Answered, Failure> {
    let (deadline, mut retries) = (limits.deadline, 0);
    let mut status = None;
    loop {
        let sending = send(client, endpoint, body, limits.max_bytes);
        let sent = tokio::select! {
            sent = tokio::time::timeout_at(deadline, sending) => sent,
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
                let location = (300..400).contains(&code).then(|| {
                    let to = headers.get(reqwest::header::LOCATION);
                    to.map_or("", |v| v.to_str().unwrap_or("")).to_owned()
                });
                let failure = Failure::Status {
                    status: code,
                    body,
                    retries,
                    location,
                };
                let late = Instant::now() + wait >= deadline;
                if again && retries < limits.max_retries && late && policy::asked(&headers) {
                    return Err(Failure::Waited {
                        status: code,
                        wait,
                        retries,
                    });
                }
                (again, wait, failure)
            }
            Err(Unread::TooLong(code)) => {
                return Err(Failure::TooLong {
                    status: code,
                    retries,
                })
            }
            Err(Unread::Transport(message)) => {
                let wait = policy::delay(&HeaderMap::new(), retries);
                (true, wait, Failure::Transport { message, retries })
            }
        };
        if !again || retries >= limits.max_retries {
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

/// Why a request has no answer to read.
enum Unread {
    /// The connection failed, or dropped midway: why.
    Transport(String),
    /// The answer (with this status) is longer than the bytes allowed.
    TooLong(u16),
}

/// One request and its whole answer, read up to `max_bytes`.
async fn send(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    body: &Value,
    max_bytes: u64,
) -> Result<(u16, HeaderMap, Vec<u8>), Unread> {
    let mut request = client.post(&endpoint.url).json(body);
    for (name, value) in &endpoint.headers {
        request = request.header(*name, value);
    }
    let transport = |e: reqwest::Error| Unread::Transport(describe(&e));
    let mut response = request.send().await.map_err(transport)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if (bytes.len() + chunk.len()) as u64 > max_bytes {
            return Err(Unread::TooLong(status));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((status, headers, bytes))
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
