//! Network registration (subnets spec §2–4): the lock cost and the global rate limit (lock.rs),
//! the new pool's seed (seed.rs), which subnet the limit prunes (prune.rs) and what a dissolution
//! pays (dissolve.rs), as pure functions.

pub mod dissolve;
pub mod lock;
pub mod prune;
pub mod seed;
