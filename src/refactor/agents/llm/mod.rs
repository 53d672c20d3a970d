//! Model APIs over HTTP (`openai:MODEL`, `anthropic:MODEL`): their wire formats, when to retry,
//! the transport, and the blocking call the pipeline makes.

mod client;
mod policy;
mod transport;
mod wire;

pub use client::call;
pub use policy::MAX_RETRIES;
pub use wire::Provider;

#[cfg(test)]
mod tests;
