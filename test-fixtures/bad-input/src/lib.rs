mod broken;
mod generated;
mod latin1;
mod missing;
mod ok_a;
mod ok_b;

pub use ok_a::adler32;
pub use ok_b::rolling_digest;
