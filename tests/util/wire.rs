//! A scripted model API server on loopback for the tests: it answers each request with the
//! next scripted reply (the last one repeats), as real HTTP/1.1 over a real socket, and keeps
//! every request it got. Written on `std::net` rather than an HTTP framework because the
//! replies it must give are the broken ones a framework will not send: a connection dropped
//! before any answer, a body cut short of its `content-length`, an answer after a long wait.

#![allow(dead_code)] // The unit tests and each test binary use their own share of it.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A status, extra headers and a body.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// The same, after a wait.
    Slow(Duration, Box<Reply>),
    /// The connection closed before any answer.
    Drop,
    /// A 200 whose body stops halfway through its declared length.
    Cut(String),
}

impl Reply {
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply::Answer {
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    /// The body of an answer.
    pub fn body(&self) -> String {
        match self {
            Reply::Answer { body, .. } | Reply::Cut(body) => body.clone(),
            Reply::Slow(_, inner) => inner.body(),
            Reply::Drop => String::new(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Answer {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_owned(), value.to_owned()));
                Reply::Answer {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }
}

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Value,
    pub at: Instant,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct Server {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts serving `script` on 127.0.0.1 at a free port.
    pub fn start(script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut script = script.into_iter().peekable();
            let mut last = Reply::Drop;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let reply = script.next().unwrap_or_else(|| last.clone());
                last = reply.clone();
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve(stream, &reply, &log));
            }
        });
        Server { url, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, reply: &Reply, log: &Mutex<Vec<Seen>>) {
    let Some(seen) = read_request(&stream) else {
        return;
    };
    log.lock().unwrap().push(seen);
    let mut reply = reply;
    while let Reply::Slow(wait, inner) = reply {
        std::thread::sleep(*wait);
        reply = inner;
    }
    let _ = match reply {
        Reply::Answer {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                let _ = write!(head, "{name}: {value}\r\n");
            }
            stream.write_all(format!("{head}\r\n{body}").as_bytes())
        }
        Reply::Cut(body) => {
            let half = &body[..body.len() / 2];
            stream.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{half}",
                    body.len()
                )
                .as_bytes(),
            )
        }
        Reply::Drop | Reply::Slow(..) => Ok(()),
    };
    let _ = stream.flush();
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        path,
        headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        at: Instant::now(),
    })
}

/// The providers' wire formats, for scripting answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Wire {
    OpenAi,
    Anthropic,
}

impl Wire {
    /// A successful answer carrying `text`, cut off by the output limit if `truncated`.
    pub fn answer(self, text: &str, truncated: bool) -> Reply {
        self.answer_using(text, truncated, 1000)
    }

    /// [`Wire::answer`] billing `input` tokens at the full rate (and 200 cached, 80 out).
    pub fn answer_using(self, text: &str, truncated: bool, input: u64) -> Reply {
        let body = match self {
            Wire::OpenAi => json!({
                "id": "chatcmpl-1", "object": "chat.completion", "model": "m",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": if truncated { "length" } else { "stop" }}],
                "usage": {"prompt_tokens": input + 200, "completion_tokens": 80, "total_tokens": input + 280,
                          "prompt_tokens_details": {"cached_tokens": 200}}
            }),
            Wire::Anthropic => json!({
                "id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                "content": [{"type": "text", "text": text}],
                "stop_reason": if truncated { "max_tokens" } else { "end_turn" },
                "usage": {"input_tokens": input, "output_tokens": 80,
                          "cache_creation_input_tokens": 0, "cache_read_input_tokens": 200}
            }),
        };
        Reply::json(200, &body)
    }

    /// An error answer in the provider's shape.
    pub fn error(self, status: u16, kind: &str, message: &str) -> Reply {
        let body = match self {
            Wire::OpenAi => {
                json!({"error": {"message": message, "type": kind, "code": kind, "param": null}})
            }
            Wire::Anthropic => {
                json!({"type": "error", "error": {"type": kind, "message": message}})
            }
        };
        Reply::json(status, &body)
    }

    /// The agent spelling and the environment that points it at `server`.
    pub fn agent(self, server: &Server) -> (String, Vec<(&'static str, String)>) {
        match self {
            Wire::OpenAi => (
                "openai:test-model".to_owned(),
                vec![
                    ("OPENAI_BASE_URL", format!("{}/v1", server.url)),
                    ("OPENAI_API_KEY", "sk-test-key-0123456789".to_owned()),
                ],
            ),
            Wire::Anthropic => (
                "anthropic:test-model".to_owned(),
                vec![
                    ("ANTHROPIC_BASE_URL", server.url.clone()),
                    ("ANTHROPIC_API_KEY", "sk-ant-test-key-0123456789".to_owned()),
                ],
            ),
        }
    }
}

impl Seen {
    /// The task half of the prompt a request carried (the last message).
    pub fn task(&self) -> String {
        self.body["messages"]
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_owned()
    }
}
