//! A next-character MLP language model on candle (embedding table → `context × embedding` →
//! hidden, ReLU → vocabulary logits), the model a language-modelling miner trains: weights from a
//! ChaCha stream, AdamW on mini-batches of positions drawn with our own `below`, every
//! contraction dimension ≤ 512. Its answers leave it as u16 probabilities, as `Mlp`'s do, so
//! `scoring` applies with the vocabulary as the classes.

use candle_core::{Device, Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use rand_chacha::ChaCha8Rng;

use super::CONTRACTION_MAX;
use super::tensor::{self, layer, ok, parameter, quantised_probabilities, uniform};
use super::text::{contexts, sample_positions};
use crate::probabilities::Probabilities;

/// How a miner's language model is built and trained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CharLmConfig {
    /// Tokens of context per prediction.
    pub context: usize,
    /// Width of a token's embedding.
    pub embedding: usize,
    pub hidden: usize,
    pub steps: u32,
    pub batch: usize,
    pub learning_rate: f64,
}

impl CharLmConfig {
    /// The contraction-dimension rule, checked where a model is made: the first layer contracts
    /// over `context × embedding`, the second over `hidden`, weight gradients over `batch`.
    fn check(&self) {
        for (what, dimension) in
            [("context × embedding", self.context * self.embedding), ("hidden", self.hidden), ("batch", self.batch)]
        {
            assert!(
                (1..=CONTRACTION_MAX).contains(&dimension),
                "{what} {dimension} is outside 1..={CONTRACTION_MAX} (beyond it results depend on batch sizes)"
            );
        }
        assert!(self.context >= 1 && self.embedding >= 1, "a model needs context and an embedding");
    }
}

pub struct CharLm {
    config: CharLmConfig,
    vocab_size: usize,
    /// `vocab_size × embedding`, row `t` the embedding of token `t`.
    embedding: Var,
    w1: Var,
    b1: Var,
    w2: Var,
    b2: Var,
}

impl CharLm {
    /// An untrained model over `vocab_size` tokens, its weights drawn from `rng`.
    pub fn new(config: CharLmConfig, vocab_size: usize, rng: &mut ChaCha8Rng) -> Self {
        config.check();
        assert!(
            (2..=usize::from(u8::MAX) + 1).contains(&vocab_size),
            "vocabulary {vocab_size} is outside 2..=256 (token ids are u8)"
        );
        // Embeddings uniform in ±1: the first layer's init already scales by its fan-in.
        let embedding = uniform(vocab_size, config.embedding, 1.0, rng);
        let (w1, b1) = layer(config.context * config.embedding, config.hidden, rng);
        let (w2, b2) = layer(config.hidden, vocab_size, rng);
        Self { config, vocab_size, embedding, w1, b1, w2, b2 }
    }

    pub fn config(&self) -> CharLmConfig {
        self.config
    }

    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }

    /// Logits for `n` rows of `context` token ids. The lookup is a gather (`index_select`), so
    /// each row's embedding is a copy, and its gradient a scatter-add rather than a matmul
    /// contracting over `n × context`.
    fn logits(&self, rows: &[u8], n: usize, training: bool) -> Tensor {
        let width = self.config.context * self.config.embedding;
        let [embedding, w1, b1, w2, b2] =
            [&self.embedding, &self.w1, &self.b1, &self.w2, &self.b2].map(|var| parameter(var, training));
        let ids = ok(Tensor::from_vec(rows.to_vec(), n * self.config.context, &Device::Cpu));
        let x = ok(ok(embedding.index_select(&ids, 0)).reshape((n, width)));
        let hidden = ok(ok(ok(x.matmul(&w1)).broadcast_add(&b1)).relu());
        ok(ok(hidden.matmul(&w2)).broadcast_add(&b2))
    }

    fn rows_in(&self, contexts: &[u8]) -> usize {
        let n = contexts.len() / self.config.context;
        assert_eq!(contexts.len(), n * self.config.context, "whole rows of {} tokens", self.config.context);
        assert!(contexts.iter().all(|&t| usize::from(t) < self.vocab_size), "token ids below {}", self.vocab_size);
        n
    }

    /// Trains on `tokens` for the configured steps, each a mini-batch of positions drawn from
    /// `rng`.
    pub fn train(&mut self, tokens: &[u8], rng: &mut ChaCha8Rng) {
        tensor::assert_single_threaded();
        if tokens.len() <= self.config.context {
            return;
        }
        assert!(tokens.iter().all(|&t| usize::from(t) < self.vocab_size), "token ids below {}", self.vocab_size);
        let params = ParamsAdamW { lr: self.config.learning_rate, weight_decay: 1e-4, ..ParamsAdamW::default() };
        let vars = vec![self.embedding.clone(), self.w1.clone(), self.b1.clone(), self.w2.clone(), self.b2.clone()];
        let mut optimiser = ok(AdamW::new(vars, params));
        for _ in 0..self.config.steps {
            let positions = sample_positions(tokens.len(), self.config.context, self.config.batch, rng);
            let (rows, next) = contexts(tokens, &positions, self.config.context);
            let y: Vec<u32> = next.iter().map(|&t| u32::from(t)).collect();
            let y = ok(Tensor::from_vec(y, self.config.batch, &Device::Cpu));
            let loss = ok(candle_nn::loss::cross_entropy(&self.logits(&rows, self.config.batch, true), &y));
            ok(optimiser.backward_step(&loss));
        }
    }

    /// Next-token probabilities for each row of `context` token ids (row-major), quantised to
    /// u16 (⌊p · 65535⌋), as a miner answers.
    pub fn answer(&self, contexts: &[u8]) -> Probabilities {
        tensor::assert_single_threaded();
        let n = self.rows_in(contexts);
        if n == 0 {
            return Probabilities::default();
        }
        quantised_probabilities(&self.logits(contexts, n, false))
    }

    /// Every weight's bits, for determinism checks.
    pub fn weight_bits(&self) -> Vec<u32> {
        tensor::weight_bits(&[&self.embedding, &self.w1, &self.b1, &self.w2, &self.b2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::scoring::{mean_nll, prior, prior_nll, reward};
    use crate::ml::text::Corpus;
    use crate::rng::stream;

    const QUERIES: usize = 4_096;

    fn config(hidden: usize, steps: u32) -> CharLmConfig {
        CharLmConfig { context: 8, embedding: 16, hidden, steps, batch: 128, learning_rate: 3e-3 }
    }

    fn trained(corpus: &Corpus, hidden: usize, steps: u32, seed: u64) -> CharLm {
        let mut model = CharLm::new(config(hidden, steps), corpus.vocab_size(), &mut stream(seed, "miner/init"));
        model.train(corpus.public(), &mut stream(seed, "miner/train"));
        model
    }

    /// A validator's round: held-out positions from its own stream.
    fn queries(corpus: &Corpus, count: usize) -> (Vec<u8>, Vec<u8>) {
        let held_out = corpus.held_out();
        let positions = sample_positions(held_out.len(), 8, count, &mut stream(9, "validator/queries"));
        contexts(held_out, &positions, 8)
    }

    #[test]
    fn a_char_lm_beats_the_unigram_prior() {
        let corpus = Corpus::load();
        let model = trained(&corpus, 64, 1_200, 1);
        let (rows, next) = queries(&corpus, QUERIES);
        let loss = mean_nll(&model.answer(&rows), &next, corpus.vocab_size());
        let unigram = prior_nll(&prior(corpus.public(), corpus.vocab_size()), &next);
        assert!((3.1..3.4).contains(&unigram), "unigram prior {unigram} nats/char");
        assert!(loss < unigram - 0.8, "held-out loss {loss} vs unigram {unigram} nats/char");
        assert!(reward(loss, unigram) > 0.25, "reward {}", reward(loss, unigram));
    }

    #[test]
    fn training_is_deterministic_per_seed() {
        let corpus = Corpus::load();
        let model = trained(&corpus, 64, 200, 1);
        assert_eq!(trained(&corpus, 64, 200, 1).weight_bits(), model.weight_bits(), "same seed, same bits");
        assert_ne!(trained(&corpus, 64, 200, 2).weight_bits(), model.weight_bits());
        let untrained = CharLm::new(config(64, 200), corpus.vocab_size(), &mut stream(1, "miner/init"));
        assert_ne!(untrained.weight_bits(), model.weight_bits(), "training moved the weights");
    }

    #[test]
    fn a_row_answers_the_same_alone_or_in_a_batch() {
        let corpus = Corpus::load();
        let model = trained(&corpus, 32, 50, 3);
        let (rows, _) = queries(&corpus, 64);
        let batch = model.answer(&rows);
        assert_eq!(batch.len(), 64);
        for (k, row) in rows.chunks(8).enumerate() {
            assert_eq!(model.answer(row).row(0), batch.row(k), "row {k}");
        }
        assert_eq!(batch.width(), corpus.vocab_size());
    }

    #[test]
    #[should_panic(expected = "context × embedding 520 is outside")]
    fn a_first_layer_wider_than_512_is_refused() {
        let config = CharLmConfig { context: 8, embedding: 65, ..config(64, 1) };
        CharLm::new(config, 69, &mut stream(1, "test"));
    }
}
