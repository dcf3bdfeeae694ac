//! A one-hidden-layer MLP classifier on candle (`in → hidden → classes`, ReLU), the model a
//! digit-classification miner trains: weights from a ChaCha stream, AdamW on mini-batches from
//! our own shuffle, every contraction dimension ≤ 512. Its answers leave it as u16 probabilities.

use candle_core::{Device, Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use rand_chacha::ChaCha8Rng;

use super::CONTRACTION_MAX;
use super::tensor::{self, layer, ok, parameter, quantised_probabilities};
use crate::probabilities::Probabilities;
use crate::rng::shuffle;

/// How a miner's model is built and trained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MlpConfig {
    pub inputs: usize,
    pub hidden: usize,
    pub classes: usize,
    pub epochs: u32,
    pub batch: usize,
    pub learning_rate: f64,
}

impl MlpConfig {
    /// The contraction-dimension rule, checked where a model is made.
    fn check(&self) {
        for (what, dimension) in [("inputs", self.inputs), ("hidden", self.hidden), ("batch", self.batch)] {
            assert!(
                (1..=CONTRACTION_MAX).contains(&dimension),
                "{what} {dimension} is outside 1..={CONTRACTION_MAX} (beyond it results depend on batch sizes)"
            );
        }
        assert!(self.classes >= 2, "a classifier needs two classes");
    }
}

pub struct Mlp {
    config: MlpConfig,
    w1: Var,
    b1: Var,
    w2: Var,
    b2: Var,
}

impl Mlp {
    /// An untrained model, its weights drawn from `rng`.
    pub fn new(config: MlpConfig, rng: &mut ChaCha8Rng) -> Self {
        config.check();
        let (w1, b1) = layer(config.inputs, config.hidden, rng);
        let (w2, b2) = layer(config.hidden, config.classes, rng);
        Self { config, w1, b1, w2, b2 }
    }

    pub fn config(&self) -> MlpConfig {
        self.config
    }

    fn logits(&self, x: &Tensor, training: bool) -> Tensor {
        let [w1, b1, w2, b2] = [&self.w1, &self.b1, &self.w2, &self.b2].map(|var| parameter(var, training));
        let hidden = ok(ok(ok(x.matmul(&w1)).broadcast_add(&b1)).relu());
        ok(ok(hidden.matmul(&w2)).broadcast_add(&b2))
    }

    /// Trains on `rows` (row-major features) and `labels` for the configured epochs, mini-batches
    /// drawn by shuffling with `rng`.
    pub fn train(&mut self, rows: &[f32], labels: &[u8], rng: &mut ChaCha8Rng) {
        tensor::assert_single_threaded();
        let n = labels.len();
        assert_eq!(rows.len(), n * self.config.inputs, "features per label");
        if n == 0 {
            return;
        }
        let params = ParamsAdamW { lr: self.config.learning_rate, weight_decay: 1e-4, ..ParamsAdamW::default() };
        let vars = vec![self.w1.clone(), self.b1.clone(), self.w2.clone(), self.b2.clone()];
        let mut optimiser = ok(AdamW::new(vars, params));
        let mut order: Vec<usize> = (0..n).collect();
        for _ in 0..self.config.epochs {
            shuffle(&mut order, rng);
            for batch in order.chunks(self.config.batch) {
                let x: Vec<f32> = batch
                    .iter()
                    .flat_map(|&i| rows[i * self.config.inputs..(i + 1) * self.config.inputs].iter().copied())
                    .collect();
                let y: Vec<u32> = batch.iter().map(|&i| u32::from(labels[i])).collect();
                let x = ok(Tensor::from_vec(x, (batch.len(), self.config.inputs), &Device::Cpu));
                let y = ok(Tensor::from_vec(y, batch.len(), &Device::Cpu));
                let loss = ok(candle_nn::loss::cross_entropy(&self.logits(&x, true), &y));
                ok(optimiser.backward_step(&loss));
            }
        }
    }

    /// Class probabilities for each row, quantised to u16 (⌊p · 65535⌋), as a miner answers.
    pub fn answer(&self, rows: &[f32]) -> Probabilities {
        tensor::assert_single_threaded();
        let n = rows.len() / self.config.inputs;
        assert_eq!(rows.len(), n * self.config.inputs, "whole rows");
        if n == 0 {
            return Probabilities::default();
        }
        let x = ok(Tensor::from_vec(rows.to_vec(), (n, self.config.inputs), &Device::Cpu));
        quantised_probabilities(&self.logits(&x, false))
    }

    /// Every weight's bits, for determinism checks.
    pub fn weight_bits(&self) -> Vec<u32> {
        tensor::weight_bits(&[&self.w1, &self.b1, &self.w2, &self.b2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::digits::{CLASSES, Digits, FEATURES, Split};
    use crate::ml::scoring::accuracy;
    use crate::rng::stream;

    fn trained(hidden: usize, epochs: u32, seed: u64) -> (Mlp, Digits, Split) {
        let digits = Digits::load();
        let split = Split::new(digits.rows(), 7);
        let config = MlpConfig { inputs: FEATURES, hidden, classes: CLASSES, epochs, batch: 32, learning_rate: 3e-3 };
        let mut model = Mlp::new(config, &mut stream(seed, "miner/init"));
        let labels: Vec<u8> = split.public.iter().map(|&i| digits.labels[i]).collect();
        model.train(&digits.gather(&split.public), &labels, &mut stream(seed, "miner/train"));
        (model, digits, split)
    }

    #[test]
    fn candle_runs_on_one_thread() {
        assert_eq!(candle_core::utils::get_num_threads(), 1, "set RAYON_NUM_THREADS=1 (.cargo/config.toml)");
    }

    #[test]
    fn a_64_64_10_mlp_learns_the_digits_deterministically() {
        let (model, digits, split) = trained(64, 30, 1);
        let answers = model.answer(&digits.gather(&split.hidden));
        let labels: Vec<u8> = split.hidden.iter().map(|&i| digits.labels[i]).collect();
        let held_out = accuracy(&answers, &labels);
        assert!(held_out > 0.94, "held-out accuracy {held_out}");
        let (again, ..) = trained(64, 30, 1);
        assert_eq!(again.weight_bits(), model.weight_bits(), "same seed, same bits");
        let (other, ..) = trained(64, 30, 2);
        assert_ne!(other.weight_bits(), model.weight_bits());
    }

    #[test]
    fn capacity_and_training_budget_order_quality() {
        let (small, digits, split) = trained(4, 1, 1);
        let (large, ..) = trained(64, 10, 1);
        let rows = digits.gather(&split.hidden);
        let labels: Vec<u8> = split.hidden.iter().map(|&i| digits.labels[i]).collect();
        let (small, large) = (accuracy(&small.answer(&rows), &labels), accuracy(&large.answer(&rows), &labels));
        assert!(small + 0.2 < large, "hidden 4 × 1 epoch {small} vs hidden 64 × 10 epochs {large}");
    }

    #[test]
    fn a_row_answers_the_same_alone_or_in_a_batch() {
        let (model, digits, split) = trained(32, 2, 3);
        let batch = model.answer(&digits.gather(&split.hidden[..64]));
        for (k, &row) in split.hidden[..64].iter().enumerate() {
            assert_eq!(model.answer(digits.row(row)).row(0), batch.row(k), "row {row}");
        }
    }
}
