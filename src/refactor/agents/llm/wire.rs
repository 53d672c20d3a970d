//! The two wire formats: a prompt as each provider's API takes it, and its answer, usage and
//! errors read back into one shape.

use serde_json::{json, Value};

use crate::record::event::Tokens;
use crate::refactor::agents::exchange::{AgentError, Request};

/// Output tokens asked of Anthropic (its API requires the field): room for a few whole edited
/// functions, and a cut-off answer is rejected as truncated.
const MAX_OUTPUT_TOKENS: u64 = 8192;

/// The `anthropic-version` header the Messages API is spoken at.
const ANTHROPIC_VERSION: &str = "2023-06-01";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    OpenAi,
    Anthropic,
}

/// Where a request goes and how it is signed, from the environment as the official SDKs read it.
pub struct Endpoint {
    pub url: String,
    /// Headers, the key among them: never logged.
    pub headers: Vec<(&'static str, String)>,
    /// The field that caps the answer's tokens: the official `openai` API takes `max_completion_tokens`
    /// (its reasoning models refuse `max_tokens`), compatible servers `max_tokens`.
    pub cap_field: &'static str,
}

/// A successful answer, read.
#[derive(Debug, PartialEq)]
pub struct Completion {
    pub text: String,
    pub tokens: Tokens,
    /// Why the model stopped, when it stopped at its output limit.
    pub truncated: Option<String>,
}

/// An error answer, read: its sentence, and whether it says a quota or spend limit is used up
/// (never retried).
#[derive(Debug, PartialEq)]
pub struct ApiError {
    pub message: String,
    pub kind: String,
    pub exhausted: bool,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
        }
    }

    pub(super) fn key_var(self) -> &'static str {
        match self {
            Provider::OpenAi => "OPENAI_API_KEY",
            Provider::Anthropic => "ANTHROPIC_API_KEY",
        }
    }

    pub(super) fn base_var(self) -> &'static str {
        match self {
            Provider::OpenAi => "OPENAI_BASE_URL",
            Provider::Anthropic => "ANTHROPIC_BASE_URL",
        }
    }

    /// The official base URLs: with `/v1` for `openai`, without for `anthropic`.
    fn default_base(self) -> &'static str {
        match self {
            Provider::OpenAi => "https://api.openai.com/v1",
            Provider::Anthropic => "https://api.anthropic.com",
        }
    }

    /// The endpoint, read from `env`. A key is required by the providers' own hosts only:
    /// local servers (Ollama, vLLM, llama.cpp) take none.
    pub fn endpoint(self, env: impl Fn(&str) -> Option<String>) -> Result<Endpoint, String> {
        let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let base = set(self.base_var()).unwrap_or_else(|| self.default_base().to_owned());
        let base = base.trim().trim_end_matches('/');
        self.check_base(base)?;
        let key = set(self.key_var());
        let mut headers = vec![("content-type", "application/json".to_owned())];
        match self {
            Provider::OpenAi => {
                if let Some(key) = key {
                    headers.push(("authorization", format!("Bearer {key}")));
                }
            }
            Provider::Anthropic => {
                headers.push(("anthropic-version", ANTHROPIC_VERSION.to_owned()));
                if let Some(key) = key {
                    headers.push(("x-api-key", key));
                } else if let Some(token) = set("ANTHROPIC_AUTH_TOKEN") {
                    headers.push(("authorization", format!("Bearer {token}")));
                }
            }
        }
        let signed = headers.len() > 1 + usize::from(self == Provider::Anthropic);
        if !signed && base == self.default_base() {
            return Err(format!(
                "{} is not set (the {} API needs a key; set {} too for a local server)",
                self.key_var(),
                self.name(),
                self.base_var()
            ));
        }
        let url = match self {
            Provider::OpenAi => format!("{base}/chat/completions"),
            Provider::Anthropic => format!("{base}/v1/messages"),
        };
        let cap_field = match self {
            Provider::OpenAi if base == self.default_base() => "max_completion_tokens",
            _ => "max_tokens",
        };
        Ok(Endpoint {
            url,
            headers,
            cap_field,
        })
    }

    /// Refuses a base URL that is not one, is not `http(s)`, or holds credentials (sent as
    /// Basic auth beside the key, and hidden whole wherever the URL is shown).
    fn check_base(self, base: &str) -> Result<(), String> {
        let var = self.base_var();
        let url = reqwest::Url::parse(base).map_err(|err| {
            format!("{var} is not a URL ({err}): set it to http(s)://host[:port]/path")
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "{var} must be an http or https URL, not `{}:`",
                url.scheme()
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "{var} holds a query or fragment (`?`, `#`): the API's path is added after it; \
                 set it to http(s)://host[:port]/path"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "{var} holds a user name or password: remove it, and put the key in {}",
                self.key_var()
            ));
        }
        Ok(())
    }

    /// The request body: the stable part of the prompt first (the system prompt, marked for
    /// the cache of `anthropic`; `openai` caches a shared prefix by itself), then the task; the
    /// answer capped at what the budgets leave.
    pub fn body(self, endpoint: &Endpoint, model: &str, request: &Request) -> Value {
        let (stable, task) = (request.stable, request.task);
        let cap = request.max_answer_tokens;
        let mut body = match self {
            Provider::OpenAi => json!({
                "model": model,
                "messages": [
                    {"role": "system", "content": stable},
                    {"role": "user", "content": task},
                ],
            }),
            Provider::Anthropic => json!({
                "model": model,
                "max_tokens": cap.unwrap_or(MAX_OUTPUT_TOKENS).min(MAX_OUTPUT_TOKENS),
                "system": [
                    {"type": "text", "text": stable, "cache_control": {"type": "ephemeral"}},
                ],
                "messages": [{"role": "user", "content": task}],
            }),
        };
        if let (Provider::OpenAi, Some(cap)) = (self, cap) {
            body[endpoint.cap_field] = json!(cap);
        }
        body
    }

    /// Reads a successful answer.
    pub fn completion(self, body: &[u8]) -> Result<Completion, AgentError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| AgentError::Malformed(format!("not JSON ({e})")))?;
        // Some proxies answer an error with a success status.
        if value.get("error").is_some() || value["type"] == "error" {
            let error = api_error(body);
            return Err(AgentError::Api(format!(
                "the {} API answered with an error: {}",
                self.name(),
                error.message
            )));
        }
        let missing = |what: &str| AgentError::Malformed(format!("no {what} in the answer"));
        let count = |v: &Value| v.as_u64().unwrap_or(0);
        match self {
            Provider::OpenAi => {
                let choice = value
                    .pointer("/choices/0")
                    .ok_or_else(|| missing("choices"))?;
                let text = match choice.pointer("/message/content") {
                    Some(Value::String(text)) => text.clone(),
                    Some(Value::Null) | None => String::new(),
                    // Some compatible servers answer in content parts.
                    Some(Value::Array(parts)) => parts
                        .iter()
                        .filter_map(|part| part["text"].as_str())
                        .collect(),
                    Some(_) => return Err(missing("text content")),
                };
                let usage = &value["usage"];
                let prompt = count(&usage["prompt_tokens"]);
                let cached = count(&usage["prompt_tokens_details"]["cached_tokens"]).min(prompt);
                let finish = choice["finish_reason"].as_str().unwrap_or_default();
                Ok(Completion {
                    text,
                    tokens: Tokens {
                        input: prompt - cached,
                        output: count(&usage["completion_tokens"]),
                        cached_input: cached,
                        cache_write: 0,
                    },
                    truncated: (finish == "length").then(|| "finish_reason: length".to_owned()),
                })
            }
            Provider::Anthropic => {
                let blocks = value["content"]
                    .as_array()
                    .ok_or_else(|| missing("content"))?;
                let text: String = blocks
                    .iter()
                    .filter(|b| b["type"] == "text")
                    .filter_map(|b| b["text"].as_str())
                    .collect();
                let usage = &value["usage"];
                let stop = value["stop_reason"].as_str().unwrap_or_default();
                Ok(Completion {
                    text,
                    tokens: Tokens {
                        input: count(&usage["input_tokens"]),
                        output: count(&usage["output_tokens"]),
                        cached_input: count(&usage["cache_read_input_tokens"]),
                        cache_write: count(&usage["cache_creation_input_tokens"]),
                    },
                    truncated: (stop == "max_tokens").then(|| "stop_reason: max_tokens".to_owned()),
                })
            }
        }
    }
}

/// Reads an error answer of either provider (`{"error": {"message", "type", "code"}}`, with
/// Anthropic's `"type": "error"` around it); a body that is not JSON is quoted, trimmed.
pub fn api_error(body: &[u8]) -> ApiError {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let error = &value["error"];
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let message = text(&error["message"])
        .or_else(|| text(error))
        .or_else(|| text(&value["message"]))
        .unwrap_or_else(|| {
            let raw = String::from_utf8_lossy(body);
            let raw = raw.trim();
            match raw.char_indices().nth(200) {
                Some((cut, _)) => format!("{}...", &raw[..cut]),
                None => raw.to_owned(),
            }
        });
    let kind = [&error["code"], &error["type"]]
        .into_iter()
        .find_map(text)
        .unwrap_or_default();
    let said = format!("{kind} {message}").to_lowercase();
    let exhausted = [
        "insufficient_quota",
        "billing",
        "credit balance",
        "spend limit",
        "quota",
    ]
    .iter()
    .any(|word| said.contains(word));
    ApiError {
        message: crate::files::printable(&message),
        kind,
        exhausted,
    }
}

/// The sentence for an error answer that is not retried (or still failing after retries).
pub fn refusal(provider: Provider, model: &str, status: u16, error: &ApiError) -> String {
    let api = provider.name();
    let said = format!("{} {}", error.kind, error.message).to_lowercase();
    let detail = &error.message;
    if error.exhausted {
        return format!("the {api} account's quota or spend limit is used up ({status}): {detail}");
    }
    let too_long = [
        "context_length",
        "context length",
        "too long",
        "maximum context",
    ]
    .iter()
    .any(|w| said.contains(w));
    match status {
        401 => format!(
            "the {api} API refused the key (401): {detail}; check {}",
            match provider {
                Provider::OpenAi => "OPENAI_API_KEY",
                Provider::Anthropic => "ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)",
            }
        ),
        403 => format!("the {api} API denied access (403): {detail}"),
        404 if said.contains("model") => {
            format!("the {api} API does not know model `{model}` (404): {detail}")
        }
        404 => format!(
            "the {api} API answered 404 Not Found: check {} and the model `{model}`: {detail}",
            provider.base_var()
        ),
        400 | 413 if too_long => format!(
            "the prompt is too long for model `{model}` ({status}): {detail}; lower \
             --context-tokens"
        ),
        429 => format!("the {api} API is still rate limiting (429): {detail}"),
        500.. => format!("the {api} API failed ({status}): {detail}"),
        _ => format!("the {api} API refused the request ({status}): {detail}"),
    }
}
