//! A subnet's task as actors see it: the data (public rows for miners, hidden rows for
//! validators), the fixed prior every answer is scored against, and the models miners serve.

use rand_chacha::ChaCha8Rng;

use super::digits::{CLASSES, Digits, FEATURES, Split};
use super::mlp::{Mlp, MlpConfig};
use super::rng::{below, shuffle, stream};
use super::scoring;
use crate::protocol::Rows;

/// The most rows one query may carry (a batch is a contraction dimension of nothing, but a row
/// count this large would be a scenario mistake).
pub const QUERY_ROWS_MAX: usize = 512;

/// One subnet's data, built once per run from its seed and shared by its actors.
pub struct TaskData {
    pub digits: Digits,
    pub split: Split,
    /// The class frequencies of the public rows: the answer of a miner without a model.
    pub prior: Vec<u16>,
}

/// How one miner's model is built: capacity, training budget and data share.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelSpec {
    pub hidden: usize,
    pub epochs: u32,
    /// The share of the public rows the miner trains on, in percent (1..=100).
    pub data_percent: u8,
}

impl TaskData {
    pub fn digits(seed: u64) -> Self {
        let digits = Digits::load();
        let split = Split::new(digits.rows(), seed);
        let labels: Vec<u8> = split.public.iter().map(|&i| digits.labels[i]).collect();
        let prior = scoring::prior(&labels, CLASSES);
        Self { digits, split, prior }
    }

    pub fn classes(&self) -> usize {
        self.prior.len()
    }

    /// `rows` hidden rows drawn with `rng` (without replacement within the query) and their labels.
    pub fn query(&self, rows: usize, rng: &mut ChaCha8Rng) -> (Rows, Vec<u8>) {
        assert!((1..=QUERY_ROWS_MAX).contains(&rows), "query rows {rows} outside 1..={QUERY_ROWS_MAX}");
        let hidden = &self.split.hidden;
        let rows = rows.min(hidden.len());
        // A partial Fisher–Yates over an index copy: distinct rows, fixed draw count.
        let mut order: Vec<usize> = (0..hidden.len()).collect();
        for i in 0..rows {
            let j = i + below(rng, (order.len() - i) as u64) as usize;
            order.swap(i, j);
        }
        let picked: Vec<usize> = order[..rows].iter().map(|&k| hidden[k]).collect();
        let labels = picked.iter().map(|&i| self.digits.labels[i]).collect();
        (Rows::Pixels(self.digits.gather(&picked)), labels)
    }

    /// Every hidden row: how the report measures a model's quality.
    pub fn held_out(&self) -> (Rows, Vec<u8>) {
        let labels = self.split.hidden.iter().map(|&i| self.digits.labels[i]).collect();
        (Rows::Pixels(self.digits.gather(&self.split.hidden)), labels)
    }

    /// Trains a miner's model from the run's seed and the miner's stream name.
    pub fn train(&self, spec: &ModelSpec, seed: u64, name: &str) -> Model {
        assert!((1..=100).contains(&spec.data_percent), "data_percent {}", spec.data_percent);
        let mut rows = self.split.public.clone();
        shuffle(&mut rows, &mut stream(seed, &format!("{name}/data")));
        rows.truncate((rows.len() * usize::from(spec.data_percent)).div_ceil(100));
        let labels: Vec<u8> = rows.iter().map(|&i| self.digits.labels[i]).collect();
        let config = MlpConfig {
            inputs: FEATURES,
            hidden: spec.hidden,
            classes: CLASSES,
            epochs: spec.epochs,
            batch: 32,
            learning_rate: 3e-3,
        };
        let mut model = Mlp::new(config, &mut stream(seed, &format!("{name}/init")));
        model.train(&self.digits.gather(&rows), &labels, &mut stream(seed, &format!("{name}/train")));
        Model::Mlp(model)
    }

    /// Mean NLL and accuracy of `model` on every hidden row.
    pub fn evaluate(&self, model: &Model) -> (f64, f64) {
        let (rows, labels) = self.held_out();
        let answers = model.answer(&rows);
        (scoring::mean_nll(&answers, &labels, self.classes()), scoring::accuracy(&answers, &labels))
    }
}

/// A trained model a miner serves.
pub enum Model {
    Mlp(Mlp),
}

impl Model {
    /// Per row, u16 class probabilities; rows of the wrong kind get no answer rows.
    pub fn answer(&self, rows: &Rows) -> Vec<Vec<u16>> {
        match (self, rows) {
            (Self::Mlp(mlp), Rows::Pixels(pixels)) => mlp.answer(pixels),
            (Self::Mlp(_), Rows::Tokens(_)) => Vec::new(),
        }
    }

    /// Floating-point work of one answered row, for the miner's compute-time model.
    pub fn flops_per_row(&self) -> u64 {
        match self {
            Self::Mlp(mlp) => {
                let c = mlp.config();
                2 * (c.inputs * c.hidden + c.hidden * c.classes) as u64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_distinct_hidden_rows_and_training_is_reproducible() {
        let task = TaskData::digits(7);
        let (rows, labels) = task.query(16, &mut stream(1, "v"));
        let Rows::Pixels(pixels) = &rows else { panic!("digits are pixels") };
        assert_eq!((pixels.len(), labels.len()), (16 * FEATURES, 16));
        let (again, _) = task.query(16, &mut stream(1, "v"));
        assert_eq!(again, rows);
        let spec = ModelSpec { hidden: 16, epochs: 3, data_percent: 50 };
        let (a, b) = (task.train(&spec, 1, "m"), task.train(&spec, 1, "m"));
        let (Model::Mlp(mlp_a), Model::Mlp(mlp_b)) = (&a, &b);
        assert_eq!(mlp_a.weight_bits(), mlp_b.weight_bits());
        let (loss, accuracy) = task.evaluate(&a);
        assert!(accuracy > 0.6 && loss < scoring::prior_nll(&task.prior, &task.held_out().1), "{accuracy} {loss}");
    }
}
