//! tensorsim-actors: the sans-IO protocol core of tensorsim.
//!
//! Plain state machines and pure functions: no async, no clock, no OS randomness, no threads.
//! `chain` is the subtensor model (spec: `shared/spec/subtensor.md`).

pub mod chain;
pub mod chain_node;
pub mod miner;
pub mod ml;
pub mod protocol;
pub mod validator;
