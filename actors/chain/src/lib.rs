//! The subtensor chain model: its numbers, the Yuma epoch of every era, a subnet's metagraph with
//! the extrinsics that change it, and the living chain around them (accounts, pools, stake, the
//! coinbase, registration, block by block).

pub mod accounts;
pub mod block_emission;
mod coinbase;
mod distribution;
pub mod fixed;
pub mod hyperparameter_calls;
pub mod hyperparameters;
pub mod metagraph;
pub mod network_registration;
pub mod pool;
mod pre_dtao;
pub mod profile;
pub mod registration;
pub mod root;
pub mod schedule;
pub mod share_pool;
pub mod stake_cap;
pub mod staking;
pub mod state;
pub mod subnet;
pub mod weights;
pub mod yuma;
