//! A private module: its `pub` items are internal whatever they say.

/// Used from the crate root: `pub` (or `pub(crate)`) is needed.
pub fn used() -> u32 {
    helper() + 1
}

/// Used only here: `pub` says more than is true.
pub fn helper() -> u32 {
    41
}
