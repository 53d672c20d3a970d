//! The model API clients against a scripted server on loopback that speaks each provider's
//! wire format: answers, usage, errors, retries, and the broken answers a network gives.

use std::time::Duration;

use super::client::call_with;
use super::wire::Provider;
use crate::refactor::agents::exchange::{AgentError, Answer, Reply, Request};
use crate::refactor::finding::{Finding, FindingKind};

#[path = "../../../../tests/util/wire.rs"]
mod wire;

use wire::{Reply as Scripted, Server, Wire};

const WIRES: [(Wire, Provider); 2] = [
    (Wire::OpenAi, Provider::OpenAi),
    (Wire::Anthropic, Provider::Anthropic),
];

fn finding() -> Finding {
    Finding {
        id: "D1".into(),
        kind: FindingKind::Dup,
        fingerprint: 1,
        title: "two copies".into(),
        suggestion: String::new(),
        locations: Vec::new(),
        size: 10.0,
        clone: None,
        smell: None,
    }
}

/// Calls the server's model as `wire` with a `timeout` and `retries`.
fn ask(wire: Wire, provider: Provider, server: &Server, timeout: u64, retries: u32) -> Reply {
    ask_with(wire, provider, server, (timeout, retries), |_| {})
}

/// [`ask`], with the request changed by `change` first.
fn ask_with(
    wire: Wire,
    provider: Provider,
    server: &Server,
    (timeout, retries): (u64, u32),
    change: impl FnOnce(&mut Request),
) -> Reply {
    let dir = tempfile::tempdir().unwrap();
    let finding = finding();
    let mut request = Request {
        stable: "You refactor Rust.",
        task: "Merge D1.",
        dir: dir.path(),
        timeout: Duration::from_secs(timeout),
        root: dir.path(),
        skip: &[],
        max_output: 1 << 20,
        max_retries: retries,
        max_answer_tokens: None,
        finding: &finding,
        crate_deps: &[],
        lint_fixes: &[],
    };
    change(&mut request);
    let (_, env) = wire.agent(server);
    let lookup = move |name: &str| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
    };
    call_with(provider, "test-model", &request, &lookup)
}

fn text(reply: &Reply) -> &str {
    match &reply.answer {
        Ok(Answer::Text(text)) => text,
        Ok(_) => panic!("not a text answer"),
        Err(err) => panic!("no answer: {err}"),
    }
}

fn error(reply: &Reply) -> String {
    match &reply.answer {
        Err(err) => err.to_string(),
        Ok(_) => panic!("an answer where an error was expected"),
    }
}

#[test]
fn an_answer_is_read_with_its_usage_in_each_wire_format() {
    for (wire, provider) in WIRES {
        let server = Server::start(vec![wire.answer("src/a.rs\nedits", false)]);
        let reply = ask(wire, provider, &server, 10, 2);
        assert_eq!(text(&reply), "src/a.rs\nedits");
        let call = &reply.call;
        assert_eq!((call.http_status, call.retries), (Some(200), 0));
        assert_eq!(call.provider, provider.name());
        assert_eq!(call.model.as_deref(), Some("test-model"));
        // Both scripts bill 1,000 tokens at the input rate and read 200 from the cache.
        assert_eq!(
            (
                call.tokens.input,
                call.tokens.cached_input,
                call.tokens.output
            ),
            (1000, 200, 80),
            "{wire:?}"
        );
        let seen = server.seen();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].body["model"], "test-model");
        assert_eq!(seen[0].task(), "Merge D1.");
    }
}

#[test]
fn requests_follow_each_providers_wire_format() {
    let server = Server::start(vec![Wire::OpenAi.answer("ok", false)]);
    ask(Wire::OpenAi, Provider::OpenAi, &server, 10, 0);
    let seen = &server.seen()[0];
    assert_eq!(seen.path, "/v1/chat/completions");
    assert_eq!(
        seen.header("authorization"),
        Some("Bearer sk-test-key-0123456789")
    );
    assert_eq!(seen.body["messages"][0]["role"], "system");
    assert_eq!(seen.body["messages"][0]["content"], "You refactor Rust.");

    let server = Server::start(vec![Wire::Anthropic.answer("ok", false)]);
    ask(Wire::Anthropic, Provider::Anthropic, &server, 10, 0);
    let seen = &server.seen()[0];
    assert_eq!(seen.path, "/v1/messages");
    assert_eq!(seen.header("x-api-key"), Some("sk-ant-test-key-0123456789"));
    assert_eq!(seen.header("anthropic-version"), Some("2023-06-01"));
    assert!(seen.body["max_tokens"].as_u64().unwrap() > 0);
    // The stable part is the system prompt, marked for the cache.
    assert_eq!(seen.body["system"][0]["text"], "You refactor Rust.");
    assert_eq!(seen.body["system"][0]["cache_control"]["type"], "ephemeral");
}

#[test]
fn a_429_is_retried_after_the_wait_the_server_asked_for() {
    for (wire, provider) in WIRES {
        let limited = wire
            .error(429, "rate_limit_error", "slow down")
            .with_header("retry-after", "1");
        let server = Server::start(vec![limited, wire.answer("ok", false)]);
        let reply = ask(wire, provider, &server, 20, 2);
        assert_eq!(text(&reply), "ok");
        assert_eq!(reply.call.retries, 1);
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        let waited = seen[1].at - seen[0].at;
        assert!(
            waited >= Duration::from_millis(950),
            "{wire:?} waited {waited:?}"
        );
    }
}

#[test]
fn server_errors_overload_and_dropped_connections_are_retried() {
    for (wire, provider) in WIRES {
        for failure in [
            wire.error(500, "api_error", "boom"),
            wire.error(529, "overloaded_error", "overloaded"),
            Scripted::Drop,
            Scripted::Cut(wire.answer("cut short", false).body()),
        ] {
            let server = Server::start(vec![failure.clone(), wire.answer("ok", false)]);
            let reply = ask(wire, provider, &server, 20, 2);
            assert_eq!(text(&reply), "ok", "{wire:?} {failure:?}");
            assert_eq!(reply.call.retries, 1);
        }
    }
}

#[test]
fn retries_stop_at_the_limit_and_say_so() {
    for (wire, provider) in WIRES {
        let server = Server::start(vec![wire.error(500, "api_error", "still broken")]);
        let reply = ask(wire, provider, &server, 30, 2);
        let message = error(&reply);
        assert!(message.contains("(500)"), "{message}");
        assert!(message.contains("after 2 retries"), "{message}");
        assert!(message.contains("still broken"), "{message}");
        assert_eq!(server.seen().len(), 3);
        let server = Server::start(vec![Scripted::Drop]);
        let message = error(&ask(wire, provider, &server, 30, 0));
        assert!(message.contains("could not reach"), "{message}");
    }
}

#[test]
fn client_errors_are_never_retried_and_say_what_to_fix() {
    for (wire, provider) in WIRES {
        let cases = [
            (
                wire.error(401, "authentication_error", "invalid x-api-key"),
                "refused the key",
            ),
            (
                wire.error(404, "not_found_error", "model: test-model"),
                "does not know model `test-model`",
            ),
            (
                wire.error(
                    400,
                    "invalid_request_error",
                    "prompt is too long: 300000 tokens > 200000 maximum",
                ),
                "too long for model",
            ),
            (
                wire.error(403, "permission_error", "not allowed"),
                "denied access",
            ),
            (
                wire.error(429, "insufficient_quota", "You exceeded your current quota"),
                "quota or spend limit",
            ),
        ];
        for (scripted, says) in cases {
            let server = Server::start(vec![scripted, wire.answer("ok", false)]);
            let reply = ask(wire, provider, &server, 20, 2);
            let message = error(&reply);
            assert!(message.contains(says), "{wire:?}: {message}");
            assert_eq!(server.seen().len(), 1, "{wire:?} retried: {message}");
            assert_eq!(reply.call.retries, 0);
        }
    }
}

#[test]
fn truncated_and_malformed_answers_are_errors_not_answers() {
    for (wire, provider) in WIRES {
        let server = Server::start(vec![wire.answer("src/a.rs\n<<<<<<< SEARCH", true)]);
        let reply = ask(wire, provider, &server, 20, 2);
        assert!(matches!(reply.answer, Err(AgentError::Truncated(_))));
        assert!(error(&reply).contains("cut off"), "{}", error(&reply));
        // The tokens of a truncated answer were spent all the same.
        assert_eq!(reply.call.tokens.output, 80);

        for body in ["{not json", r#"{"unexpected": true}"#] {
            let server = Server::start(vec![Scripted::Answer {
                status: 200,
                headers: Vec::new(),
                body: body.to_owned(),
            }]);
            let reply = ask(wire, provider, &server, 20, 2);
            assert!(
                matches!(reply.answer, Err(AgentError::Malformed(_))),
                "{wire:?} {body}"
            );
        }
    }
}

#[test]
fn a_slow_server_is_given_up_at_the_agent_timeout() {
    for (wire, provider) in WIRES {
        let slow = Scripted::Slow(
            Duration::from_secs(30),
            Box::new(wire.answer("late", false)),
        );
        let server = Server::start(vec![slow]);
        let start = std::time::Instant::now();
        let reply = ask(wire, provider, &server, 1, 2);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert!(matches!(reply.answer, Err(AgentError::Timeout(_))));
    }
}

#[test]
fn a_wait_longer_than_the_time_left_ends_the_call_at_once() {
    let limited = Wire::OpenAi
        .error(429, "rate_limit_error", "slow down")
        .with_header("retry-after", "60");
    let server = Server::start(vec![limited, Wire::OpenAi.answer("ok", false)]);
    let start = std::time::Instant::now();
    let reply = ask(Wire::OpenAi, Provider::OpenAi, &server, 5, 2);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let error = error(&reply);
    assert!(error.contains("asked to wait 60s"), "{error}");
    assert_eq!(reply.call.http_status, Some(429));
}

#[test]
fn a_redirect_is_not_followed_so_the_key_goes_nowhere_else() {
    for (wire, provider) in WIRES {
        let elsewhere = Server::start(vec![wire.answer("ok", false)]);
        let moved = Scripted::json(307, &serde_json::json!({}))
            .with_header("location", &format!("{}/v1/messages", elsewhere.url));
        let server = Server::start(vec![moved]);
        let reply = ask(wire, provider, &server, 10, 2);
        assert!(
            elsewhere.seen().is_empty(),
            "{wire:?} followed the redirect"
        );
        assert!(
            matches!(&reply.answer, Err(AgentError::Unusable(why)) if why.contains("redirect")),
            "{}",
            error(&reply)
        );
    }
}

#[test]
fn a_refused_key_or_a_used_up_quota_stops_the_run_and_a_rate_limit_does_not() {
    for (wire, provider) in WIRES {
        for (status, kind, message, stops) in [
            (401, "authentication_error", "invalid x-api-key", true),
            (404, "not_found_error", "model: test-model", true),
            (
                429,
                "insufficient_quota",
                "You exceeded your current quota",
                true,
            ),
            (400, "invalid_request_error", "messages: bad", false),
        ] {
            let server = Server::start(vec![wire.error(status, kind, message)]);
            let reply = ask(wire, provider, &server, 10, 0);
            let unusable = matches!(reply.answer, Err(AgentError::Unusable(_)));
            assert_eq!(unusable, stops, "{wire:?} {status}: {}", error(&reply));
        }
    }
}

#[test]
fn an_error_in_a_success_answer_is_the_providers_own_sentence() {
    for (wire, provider) in WIRES {
        let server = Server::start(vec![Scripted::json(200, &{
            let mut body: serde_json::Value =
                serde_json::from_str(&wire.error(500, "api_error", "model overloaded").body())
                    .unwrap();
            body["id"] = "x".into();
            body
        })]);
        let reply = ask(wire, provider, &server, 10, 0);
        let error = error(&reply);
        assert!(error.contains("model overloaded"), "{wire:?}: {error}");
    }
}

#[test]
fn an_answer_without_usage_is_counted_from_its_text() {
    let body = serde_json::json!({
        "choices": [{"message": {"content": "src/a.rs\nedits"}, "finish_reason": "stop"}]
    });
    let server = Server::start(vec![Scripted::json(200, &body)]);
    let reply = ask(Wire::OpenAi, Provider::OpenAi, &server, 10, 0);
    assert_eq!(text(&reply), "src/a.rs\nedits");
    assert!(reply.call.estimated);
    assert!(reply.call.tokens.input > 0 && reply.call.tokens.output > 0);
}

#[test]
fn the_answer_is_capped_at_what_the_budgets_leave_and_its_size_at_the_output_limit() {
    for (wire, provider) in WIRES {
        let server = Server::start(vec![wire.answer("ok", false)]);
        ask_with(wire, provider, &server, (10, 0), |request| {
            request.max_answer_tokens = Some(300);
        });
        assert_eq!(server.seen()[0].body["max_tokens"], 300, "{wire:?}");

        let server = Server::start(vec![wire.answer(&"x".repeat(5000), false)]);
        let reply = ask_with(wire, provider, &server, (10, 2), |request| {
            request.max_output = 4000;
        });
        assert!(
            matches!(reply.answer, Err(AgentError::TooMuchOutput(4000))),
            "{wire:?}: {}",
            error(&reply)
        );
        assert_eq!(server.seen().len(), 1, "a long answer is not asked again");
        // The prompt went out and is billed: the budgets count it.
        assert!(
            reply.call.estimated && reply.call.tokens.input > 0,
            "{wire:?}"
        );
    }
}

#[test]
fn content_parts_of_compatible_servers_are_joined() {
    let body = serde_json::json!({
        "choices": [{"message": {"content": [{"type": "text", "text": "src/a.rs\n"},
                                             {"type": "text", "text": "edits"}]},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 2}
    });
    let server = Server::start(vec![Scripted::json(200, &body)]);
    let reply = ask(Wire::OpenAi, Provider::OpenAi, &server, 10, 0);
    assert_eq!(text(&reply), "src/a.rs\nedits");
    assert_eq!(reply.call.tokens.input, 10);
}

#[test]
fn a_base_url_that_is_not_a_plain_http_url_is_refused_before_any_call() {
    let endpoint = |provider: Provider, base: &'static str| {
        provider.endpoint(move |name| match name {
            "OPENAI_BASE_URL" | "ANTHROPIC_BASE_URL" => Some(base.to_owned()),
            _ => Some("sk-test".to_owned()),
        })
    };
    for (base, says) in [
        ("localhost:8080/v1", "must be an http or https URL"),
        ("not a url", "is not a URL"),
        (
            "ftp://models.example/v1",
            "must be an http or https URL, not `ftp:`",
        ),
        (
            "http://me:secret@models.example/v1",
            "holds a user name or password",
        ),
        (
            "http://models.example/v1?key=secret",
            "holds a query or fragment",
        ),
        (
            "http://models.example/v1#secret",
            "holds a query or fragment",
        ),
    ] {
        for (_, provider) in WIRES {
            let err = endpoint(provider, base).map(|e| e.url).unwrap_err();
            assert!(
                err.contains(provider.base_var()) && err.contains(says),
                "{base}: {err}"
            );
            assert!(!err.contains("secret"), "{err}");
        }
    }
    let ok = endpoint(Provider::OpenAi, "http://127.0.0.1:8080/v1/").unwrap();
    assert_eq!(ok.url, "http://127.0.0.1:8080/v1/chat/completions");
}
