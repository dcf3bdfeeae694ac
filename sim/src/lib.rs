//! tensorsim: the drivers around the chain model (`tensorsim-chain`) and the actors
//! (`tensorsim-actors`), and the `tensorsim` command.
//!
//! `replay` drives one subnet epoch by epoch, or the whole chain block by block, from a script
//! of extrinsics (the conformance contract); `scenario` turns a scenario file into a `Plan`,
//! `network` runs it on madsim into a `RunRecord`, and `report` makes report.json and report.md
//! from that record.

pub mod atomic_write;
pub mod check;
pub mod consensus_study;
pub mod diff;
pub mod hyperparameter_overrides;
pub mod metrics;
#[cfg(madsim)]
pub mod network;
pub mod progress;
pub mod record;
pub mod replay;
pub mod report;
pub mod scenario;
pub mod sweep;
pub mod yaml;
