//! What `target/loop/` holds and who writes it: the typed events of a run, the audit trail
//! they are recorded in, its summary (`cargo loop log`), and the lock that keeps one run at a
//! time.

pub mod audit;
pub mod event;
pub mod lock;
pub mod log;
pub mod out_dir;
