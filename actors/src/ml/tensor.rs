//! The candle pieces both models share: how weights are drawn (from our ChaCha, never candle's
//! RNG), how a parameter enters a forward pass, and how probabilities leave a miner.

use candle_core::{DType, Device, Tensor, Var};
use rand_chacha::ChaCha8Rng;

use crate::probabilities::Probabilities;
use crate::rng::unit_f32;

/// Panics unless candle computes on one thread. Its matmuls split work by thread count, and its
/// thread pool panics inside madsim's runtime; the binary and `.cargo/config.toml` set
/// `RAYON_NUM_THREADS=1`, and every model checks it where it runs (a library user who forgets
/// it is told, not handed a report that depends on the machine).
pub(crate) fn assert_single_threaded() {
    let threads = candle_core::utils::get_num_threads();
    assert_eq!(threads, 1, "candle would run on {threads} threads: set RAYON_NUM_THREADS=1 (determinism needs one)");
}

/// candle's errors here are shape mistakes of ours, never input-dependent.
pub(crate) fn ok<T>(result: candle_core::Result<T>) -> T {
    result.unwrap_or_else(|error| panic!("candle: {error}"))
}

/// A `rows × columns` variable uniform in ±`bound`.
pub(crate) fn uniform(rows: usize, columns: usize, bound: f32, rng: &mut ChaCha8Rng) -> Var {
    let values: Vec<f32> = (0..rows * columns).map(|_| (unit_f32(rng) * 2.0 - 1.0) * bound).collect();
    ok(Var::from_tensor(&ok(Tensor::from_vec(values, (rows, columns), &Device::Cpu))))
}

/// A weight matrix uniform in ±√(6/fan_in)/2, and a zero bias.
pub(crate) fn layer(inputs: usize, outputs: usize, rng: &mut ChaCha8Rng) -> (Var, Var) {
    let w = uniform(inputs, outputs, (6.0f32 / inputs as f32).sqrt() * 0.5, rng);
    let b = ok(Var::from_tensor(&ok(Tensor::zeros(outputs, DType::F32, &Device::Cpu))));
    (w, b)
}

/// Softmax over each row of `logits`, quantised to u16 (⌊p · 65535⌋): how a miner's answer
/// leaves it, whatever the model.
pub(crate) fn quantised_probabilities(logits: &Tensor) -> Probabilities {
    // candle's errors here are shape mistakes of ours, never input-dependent.
    // Not `softmax_last_dim`: its CPU kernel is a rayon parallel iterator, which hands every call
    // to rayon's worker thread and back (a futex round trip per answer).
    let probabilities = candle_nn::ops::softmax(logits, 1).expect("logits are rows × classes");
    let classes = probabilities.dim(1).expect("probabilities are rows × classes");
    let flat: Vec<f32> = ok(ok(probabilities.flatten_all()).to_vec1());
    Probabilities::new(classes, flat.iter().map(|&p| quantised(p)).collect())
}

/// One probability as a miner sends it: ⌊p · 65535⌋, p clamped to [0, 1].
pub(crate) fn quantised(p: f32) -> u16 {
    (p.clamp(0.0, 1.0) * 65_535.0) as u16
}

/// A model parameter for the forward pass: tracked for gradients while training, detached when
/// answering (an answer builds no graph to free).
pub(crate) fn parameter(var: &Var, training: bool) -> Tensor {
    if training { var.as_tensor().clone() } else { var.as_detached_tensor() }
}

/// Every weight's bits, in order: for determinism checks.
pub(crate) fn weight_bits(vars: &[&Var]) -> Vec<u32> {
    vars.iter().flat_map(|var| ok(ok(var.as_tensor().flatten_all()).to_vec1::<f32>())).map(f32::to_bits).collect()
}
