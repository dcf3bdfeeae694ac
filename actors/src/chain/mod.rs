//! The subtensor chain model: its numbers, the Yuma epoch of every era, and the state of a
//! subnet with the extrinsics that change it.

pub mod fixed;
pub mod hyperparameters;
pub mod subnet;
pub mod yuma;
