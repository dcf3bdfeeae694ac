//! tensorsim: drivers and tools around the protocol core (`tensorsim-actors`).
//!
//! `replay` drives one subnet from a script of extrinsics (the conformance contract).

pub mod atomic_write;
pub mod hyperparameter_overrides;
pub mod metrics;
#[cfg(madsim)]
pub mod network;
pub mod record;
pub mod replay;
pub mod report;
pub mod scenario;
pub mod yaml;
