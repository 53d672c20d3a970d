//! A program agent's own account of its call: tools such as `claude -p --output-format json`
//! print the answer inside a JSON object with the tokens and money it used, which replace the
//! estimate.

use serde_json::Value;

use crate::record::event::Tokens;

/// The answer and usage a program printed as one JSON object.
#[derive(Debug, PartialEq)]
pub struct Envelope {
    pub text: String,
    pub tokens: Tokens,
    pub cost_usd: Option<f64>,
}

/// Reads `stdout` as an envelope: a JSON object with the answer under `result` (Claude Code),
/// `response` (Ollama) or `answer`, and a `usage` in either provider's names. Anything else is
/// a plain answer (`None`).
pub fn read(stdout: &str) -> Option<Envelope> {
    let trimmed = stdout.trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    let value: Value = serde_json::from_str(trimmed).ok()?;
    let text = ["result", "response", "answer"]
        .iter()
        .find_map(|key| value[key].as_str())?
        .to_owned();
    let usage = &value["usage"];
    let count = |keys: &[&str]| keys.iter().find_map(|k| usage[k].as_u64()).unwrap_or(0);
    let cached = count(&["cache_read_input_tokens", "cached_tokens"])
        + usage["prompt_tokens_details"]["cached_tokens"]
            .as_u64()
            .unwrap_or(0);
    // OpenAI's prompt_tokens include the cached ones; Anthropic's input_tokens do not.
    let input = match usage["prompt_tokens"].as_u64() {
        Some(prompt) => prompt.saturating_sub(cached),
        None => count(&["input_tokens"]),
    };
    Some(Envelope {
        text,
        tokens: Tokens {
            input,
            output: count(&["output_tokens", "completion_tokens"]),
            cached_input: cached,
            cache_write: count(&["cache_creation_input_tokens"]),
        },
        cost_usd: ["total_cost_usd", "cost_usd"]
            .iter()
            .find_map(|key| value[key].as_f64()),
    })
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn claude_codes_json_result_carries_its_usage_and_cost() {
        let out = r#"{"type":"result","is_error":false,"result":"a.rs\n<<<<<<< SEARCH","total_cost_usd":0.0123,
            "usage":{"input_tokens":12,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":40}}"#;
        let envelope = read(out).unwrap();
        assert_eq!(envelope.text, "a.rs\n<<<<<<< SEARCH");
        assert_eq!(
            envelope.tokens,
            Tokens {
                input: 12,
                output: 40,
                cached_input: 2000,
                cache_write: 100
            }
        );
        assert_eq!(envelope.cost_usd, Some(0.0123));
    }

    #[test]
    fn openai_usage_names_count_cached_tokens_apart() {
        let out = r#"{"answer":"x","usage":{"prompt_tokens":100,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":60}}}"#;
        let tokens = read(out).unwrap().tokens;
        assert_eq!(
            (tokens.input, tokens.cached_input, tokens.output),
            (40, 60, 7)
        );
    }

    #[test]
    fn plain_answers_and_other_json_are_not_envelopes() {
        assert_eq!(read("src/a.rs\n<<<<<<< SEARCH\n"), None);
        assert_eq!(read(r#"{"files": []}"#), None);
        assert_eq!(read("{ not json"), None);
    }
}
