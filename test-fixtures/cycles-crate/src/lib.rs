//! Planted module smells.
//!
//! Cycles: `a -> b -> a` through `use` declarations, and
//! `net::client -> net::codec -> net::frame -> net::client` through a code path, a group
//! and two re-exports; `util` is used by many and uses nothing: no cycle through it.
//! Hub (with `--hub-fan 2`): `hub`, used by `a` and `b`, using `util` and `core`.
//! Unstable dependency: `core` (used by four modules, instability 0.2) depends on `plugin`
//! (instability 0.75).

pub mod a;
pub mod b;
pub mod consts;
pub mod core;
pub mod hub;
pub mod names;
pub mod net;
pub mod plugin;
pub mod util;

pub use net::client::Client;

#[cfg(test)]
mod tests {
    #[test]
    fn cycles_crate_code_runs() {
        assert_eq!(crate::a::double_then_b(2), 9);
        assert_eq!(crate::net::client::Client::new().send(3), 6);
        assert_eq!(crate::hub::route(1), 5);
    }
}
