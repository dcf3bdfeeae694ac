//! Real small models for the simulated subnets: the data they learn from, the models miners
//! train, and the scores validators give. Deterministic by construction: every random draw is
//! ChaCha from a named stream (`crate::rng`), candle runs on one thread with contraction
//! dimensions ≤ 512 and contiguous row-major operands, and what leaves a miner or a validator is
//! quantised.

pub mod book;
pub mod digits;
pub mod lm;
pub mod mlp;
pub mod scoring;
pub mod task;
mod tensor;
pub mod text;

/// The largest contraction dimension (features, hidden width, batch) any model uses: beyond it
/// a row's result depends on the batch it is computed in (gemm's k-blocking).
pub const CONTRACTION_MAX: usize = 512;
