pub mod client;
pub mod codec;
pub mod frame;

pub use frame::Frame;
