//! Planted module cycles: `a -> b -> a` through `use` declarations, and
//! `net::client -> net::codec -> net::frame -> net::client` through a code path, a group
//! and a re-export; `util` is used by all and uses nothing: no cycle through it.

pub mod a;
pub mod b;
pub mod net;
pub mod util;

pub use net::client::Client;

#[cfg(test)]
mod tests {
    #[test]
    fn cycles_crate_code_runs() {
        assert_eq!(crate::a::double_then_b(2), 5);
        assert_eq!(crate::net::client::Client::new().send(3), 4);
    }
}
