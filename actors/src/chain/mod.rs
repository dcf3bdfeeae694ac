//! The subtensor chain model: its numbers, the Yuma epoch of every era, and the state of a
//! subnet with the extrinsics that change it.

pub mod accounts;
pub mod block_emission;
pub mod fixed;
pub mod hyperparameters;
pub mod pool;
pub mod registration;
pub mod schedule;
pub mod share_pool;
pub mod subnet;
pub mod yuma;
