//! Clone detection over parsed files: exact and renamed clones of functions, impls and
//! statement runs, near-miss functions, and duplicated abstractions. The detectors return
//! [`Group`]s; `find.rs` runs them, removes groups nested in bigger ones and ranks the rest.

mod abstractions;
mod allows;
mod blocks;
mod families;
mod find;
mod group;
mod interface;
mod measure;
mod memo;
mod minhash;
mod mirrors;
mod near;
mod presets;
mod shared;
mod size;
mod units;

pub use allows::unused_clone_allows;
pub use find::find_duplicates;
pub use group::{CloneType, Group, GroupKind, Instance};
pub use memo::Memo;
