//! The read-only analysis behind `dup`, `smells` and `scan`: discover the workspace
//! (`workspace`, `plain`), parse its files (`scan`, `source`), detect clones (`detectors`) and
//! smells (`smells`), and gather them in a `report`; `run` drives it and `cache` keeps the
//! finished report, `file_cache` each parsed file. Nothing here writes the user's tree.

pub mod baseline;
pub mod cache;
pub mod detectors;
pub mod diff;
pub mod file_cache;
pub mod gate;
pub mod plain;
pub mod report;
pub mod rules;
mod run;
pub mod scan;
pub mod selection;
pub mod smells;
pub mod source;
pub mod workspace;

pub use report::What;
pub use run::{analyse, Analysis};
