//! What `target/loop/` holds and who writes it: the typed events of a run, the audit trail
//! they are recorded in, the live line a terminal shows, its summary (`cargo loop log`), and the
//! lock that keeps one run at a time.

pub mod audit;
pub mod event;
pub mod live;
pub mod lock;
pub mod log;
pub mod out_dir;
