//! tensorsim-actors: the sans-IO actors of tensorsim on top of the chain model
//! (`tensorsim-chain`): the messages between nodes (`protocol`), the chain as a node
//! (`chain_node`), a stable fingerprint of bytes (`fingerprint`), the validator and miner state
//! machines with their policies (and what their specs share: `policy`), the real small models
//! they serve (`ml`), the answers they send (`probabilities`), and the named random streams every
//! actor draws from (`rng`).
//!
//! Plain state machines and pure functions: no async, no clock, no OS randomness, no threads.

pub mod chain_node;
pub mod fingerprint;
pub mod miner;
pub mod ml;
pub mod policy;
pub mod probabilities;
pub mod protocol;
pub mod rng;
pub mod validator;
