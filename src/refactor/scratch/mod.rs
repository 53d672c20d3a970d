//! Scratch copies of the workspace, where refactors are verified: the slot and its state
//! (`slot.rs`), what the copy is made of (`source.rs`), and the manifest paths fixed so it
//! builds where it lives (`manifest.rs`).

mod manifest;
mod slot;
mod source;

pub use slot::Scratch;

#[cfg(test)]
mod tests;
