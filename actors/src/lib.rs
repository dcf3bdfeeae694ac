//! tensorsim-actors: the sans-IO protocol core of tensorsim.
//!
//! Plain state machines and pure functions: no async, no clock, no OS randomness, no threads.
//! `chain` is the subtensor model (spec: `shared/spec/subtensor.md`).

pub mod chain;
pub mod ml;
