//! tensorsim: drivers and tools around the protocol core (`tensorsim-actors`).
//!
//! `replay` drives one subnet from a script of extrinsics (the conformance contract).

pub mod atomic_write;
pub mod replay;
