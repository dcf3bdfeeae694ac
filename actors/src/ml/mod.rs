//! Real small models for the simulated subnets (issue 4): the data they learn from, the models
//! miners train, and the scores validators give. Deterministic by construction: every random draw
//! is ChaCha from a named stream, candle runs on one thread with contraction dimensions ≤ 512 and
//! contiguous row-major operands, and what leaves a miner or a validator is quantised.

pub mod digits;
pub mod lm;
pub mod mlp;
pub mod rng;
pub mod scoring;
pub mod task;
pub mod text;

/// The largest contraction dimension (features, hidden width, batch) any model uses: beyond it
/// a row's result depends on the batch it is computed in (gemm's k-blocking).
pub const CONTRACTION_MAX: usize = 512;

/// Softmax over each row of `logits`, quantised to u16 (⌊p · 65535⌋): how a miner's answer
/// leaves it, whatever the model.
pub(crate) fn quantised_probabilities(logits: &candle_core::Tensor) -> Vec<Vec<u16>> {
    // candle's errors here are shape mistakes of ours, never input-dependent.
    let probabilities = candle_nn::ops::softmax_last_dim(logits).expect("logits are rows × classes");
    let probabilities: Vec<Vec<f32>> = probabilities.to_vec2().expect("probabilities are f32 rows");
    probabilities.iter().map(|row| row.iter().map(|&p| (p.clamp(0.0, 1.0) * 65_535.0) as u16).collect()).collect()
}

/// A model parameter for the forward pass: tracked for gradients while training, detached when
/// answering (an answer builds no graph to free).
pub(crate) fn parameter(var: &candle_core::Var, training: bool) -> candle_core::Tensor {
    if training { var.as_tensor().clone() } else { var.as_detached_tensor() }
}
