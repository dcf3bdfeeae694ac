//! A subnet's task as actors see it: the data (public rows for miners, hidden rows for
//! validators), the fixed prior every answer is scored against, and the models miners serve.

use rand_chacha::ChaCha8Rng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::book::RowBook;
use super::digits::{CLASSES, Digits, FEATURES, Split};
use super::lm::{CharLm, CharLmConfig};
use super::mlp::{Mlp, MlpConfig};
use super::scoring;
use super::text::{self, Corpus};
use crate::protocol::{Probabilities, Rows};
use crate::rng::{below, shuffle, stream};

/// The most rows one query may carry (a batch is a contraction dimension of nothing, but a row
/// count this large would be a scenario mistake).
pub const QUERY_ROWS_MAX: usize = 512;

/// The characters of context a text model reads (8 × 16 embedding = 128 ≤ the contraction limit).
pub const TEXT_CONTEXT: usize = 8;
const TEXT_EMBEDDING: usize = 16;
/// Training steps per unit of `ModelSpec::epochs` for text (a pass over the text is ~3 700 steps).
pub const TEXT_STEPS_PER_EPOCH: u32 = 100;
/// Held-out positions a text model is evaluated on for the report (a fixed sample of the 52 k).
const TEXT_EVALUATION_POSITIONS: usize = 4_096;
/// The rows in a validator's private evaluation pool. It re-asks them across rounds, so that
/// different miners' answers to one row can be compared (the `history` duplicate rule): a small
/// pool makes two miners share rows sooner, and bounds what a validator remembers (rows × miners
/// × classes); each validator's 128 are its own draw of the hidden rows.
pub const VALIDATION_POOL_ROWS: usize = 128;

/// A row of the hidden data, by id: a digit's index in the dataset, or a held-out text position.
pub type RowId = u32;

/// Whether a subnet's hidden rows stayed with its validators or leaked into what miners can see
/// (a benchmark published with its answers, say): what a `lookup` miner can have memorised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataExposure {
    /// Miners see the public rows only.
    #[default]
    Private,
    /// Miners see the hidden rows too, labels included.
    Leaked,
}

/// One query's hidden rows: what the miners are sent, the labels, each row's id and its position
/// in the validator's pool.
pub struct QueryRows {
    pub rows: Rows,
    pub labels: Vec<u8>,
    pub ids: Vec<RowId>,
    pub positions: Vec<usize>,
}

/// One subnet's data, built once per run from its seed and shared by its actors.
pub struct TaskData {
    pub kind: TaskKind,
    /// The class frequencies of the public rows: the answer of a miner without a model.
    pub prior: Vec<u16>,
    /// Every row a validator can ask (a hidden digit, a held-out context), by fingerprint.
    pub book: RowBook,
}

pub enum TaskKind {
    /// Digit classification: validators hold out the hidden rows of the split.
    Digits { digits: Digits, split: Split },
    /// Next-character prediction: validators sample contexts from the held-out end of the text.
    Text { corpus: Corpus, evaluation: Vec<usize> },
}

/// How one miner's model is built: capacity, training budget and data share.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelSpec {
    pub hidden: usize,
    /// Passes over the rows (digits), or hundreds of training steps (text).
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
        let book = RowBook::of(&Rows::Pixels(digits.gather(&split.hidden)));
        Self { kind: TaskKind::Digits { digits, split }, prior, book }
    }

    /// The text task; its prior is the unigram frequency of the public text.
    pub fn text(seed: u64) -> Self {
        let corpus = Corpus::load();
        let prior = scoring::prior(&corpus.public()[TEXT_CONTEXT..], corpus.vocab_size());
        let held_out = corpus.held_out().len();
        let count = TEXT_EVALUATION_POSITIONS.min(held_out - TEXT_CONTEXT);
        let evaluation =
            text::sample_positions(held_out, TEXT_CONTEXT, count, &mut stream(seed, "task/text/evaluation"));
        let every_position: Vec<usize> = (TEXT_CONTEXT..held_out).collect();
        let (tokens, _) = text::contexts(corpus.held_out(), &every_position, TEXT_CONTEXT);
        let book = RowBook::of(&Rows::Tokens { context: TEXT_CONTEXT, tokens });
        Self { kind: TaskKind::Text { corpus, evaluation }, prior, book }
    }

    pub fn classes(&self) -> usize {
        self.prior.len()
    }

    /// A validator's private evaluation pool, drawn with its private stream: distinct hidden
    /// digits, or distinct held-out text positions.
    pub fn validation_pool(&self, rng: &mut ChaCha8Rng) -> Vec<RowId> {
        let mut pool: Vec<usize> = match &self.kind {
            TaskKind::Digits { split, .. } => {
                let mut hidden = split.hidden.clone();
                shuffle(&mut hidden, rng);
                hidden
            }
            TaskKind::Text { corpus, .. } => {
                let mut positions =
                    text::sample_positions(corpus.held_out().len(), TEXT_CONTEXT, VALIDATION_POOL_ROWS, rng);
                positions.sort_unstable();
                positions.dedup();
                positions
            }
        };
        pool.truncate(VALIDATION_POOL_ROWS);
        pool.into_iter().map(|row| RowId::try_from(row).expect("row ids fit u32")).collect()
    }

    /// `rows` distinct rows of `pool` drawn with `rng` (all of them when the pool is smaller).
    pub fn query(&self, pool: &[RowId], rows: usize, rng: &mut ChaCha8Rng) -> QueryRows {
        assert!((1..=QUERY_ROWS_MAX).contains(&rows), "query rows {rows} outside 1..={QUERY_ROWS_MAX}");
        assert!(!pool.is_empty(), "a validator's pool holds rows");
        let mut positions: Vec<usize> = (0..pool.len()).collect();
        let rows = rows.min(positions.len());
        // A partial Fisher–Yates: distinct rows, a fixed number of draws.
        for i in 0..rows {
            let j = i + below(rng, (positions.len() - i) as u64) as usize;
            positions.swap(i, j);
        }
        positions.truncate(rows);
        let ids: Vec<RowId> = positions.iter().map(|&at| pool[at]).collect();
        let picked: Vec<usize> = ids.iter().map(|&id| id as usize).collect();
        let (rows, labels) = match &self.kind {
            TaskKind::Digits { digits, .. } => {
                (Rows::Pixels(digits.gather(&picked)), picked.iter().map(|&i| digits.labels[i]).collect())
            }
            TaskKind::Text { corpus, .. } => {
                let (tokens, next) = text::contexts(corpus.held_out(), &picked, TEXT_CONTEXT);
                (Rows::Tokens { context: TEXT_CONTEXT, tokens }, next)
            }
        };
        QueryRows { rows, labels, ids, positions }
    }

    /// The digit rows a miner can have memorised, with their labels: the public ones, and the
    /// hidden ones too when they leaked. None for text (a context recurs across the text, so a
    /// table of them is a language model, not a lookup).
    pub fn memorisable(&self, exposure: DataExposure) -> Vec<(&[f32], u8)> {
        let TaskKind::Digits { digits, split } = &self.kind else { return Vec::new() };
        let hidden: &[usize] = match exposure {
            DataExposure::Private => &[],
            DataExposure::Leaked => &split.hidden,
        };
        split.public.iter().chain(hidden).map(|&i| (digits.row(i), digits.labels[i])).collect()
    }

    /// The held-out rows the report measures a model's quality on: every hidden digit, or a fixed
    /// sample of held-out text positions.
    pub fn held_out(&self) -> (Rows, Vec<u8>) {
        match &self.kind {
            TaskKind::Digits { digits, split } => {
                let labels = split.hidden.iter().map(|&i| digits.labels[i]).collect();
                (Rows::Pixels(digits.gather(&split.hidden)), labels)
            }
            TaskKind::Text { corpus, evaluation } => {
                let (tokens, next) = text::contexts(corpus.held_out(), evaluation, TEXT_CONTEXT);
                (Rows::Tokens { context: TEXT_CONTEXT, tokens }, next)
            }
        }
    }

    /// Trains a miner's model from the run's seed and the miner's stream name.
    pub fn train(&self, spec: &ModelSpec, seed: u64, name: &str) -> Model {
        assert!((1..=100).contains(&spec.data_percent), "data_percent {}", spec.data_percent);
        let (digits, split) = match &self.kind {
            TaskKind::Digits { digits, split } => (digits, split),
            TaskKind::Text { corpus, .. } => {
                let config = CharLmConfig {
                    context: TEXT_CONTEXT,
                    embedding: TEXT_EMBEDDING,
                    hidden: spec.hidden,
                    steps: spec.epochs * TEXT_STEPS_PER_EPOCH,
                    batch: 128,
                    learning_rate: 3e-3,
                };
                let public = corpus.public();
                let tokens = &public[..(public.len() * usize::from(spec.data_percent)).div_ceil(100)];
                let mut model = CharLm::new(config, corpus.vocab_size(), &mut stream(seed, &format!("{name}/init")));
                model.train(tokens, &mut stream(seed, &format!("{name}/train")));
                return Model::CharLm(model);
            }
        };
        let mut rows = split.public.clone();
        shuffle(&mut rows, &mut stream(seed, &format!("{name}/data")));
        rows.truncate((rows.len() * usize::from(spec.data_percent)).div_ceil(100));
        let labels: Vec<u8> = rows.iter().map(|&i| digits.labels[i]).collect();
        let config = MlpConfig {
            inputs: FEATURES,
            hidden: spec.hidden,
            classes: CLASSES,
            epochs: spec.epochs,
            batch: 32,
            learning_rate: 3e-3,
        };
        let mut model = Mlp::new(config, &mut stream(seed, &format!("{name}/init")));
        model.train(&digits.gather(&rows), &labels, &mut stream(seed, &format!("{name}/train")));
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
    CharLm(CharLm),
}

impl Model {
    /// Per row, u16 class probabilities; rows of another task get no answer rows.
    pub fn answer(&self, rows: &Rows) -> Probabilities {
        match (self, rows) {
            (Self::Mlp(mlp), Rows::Pixels(pixels)) if pixels.len() % mlp.config().inputs == 0 => mlp.answer(pixels),
            (Self::CharLm(lm), Rows::Tokens { context, tokens })
                if *context == lm.config().context
                    && tokens.len() % context == 0
                    && tokens.iter().all(|&t| usize::from(t) < lm.vocab_size()) =>
            {
                lm.answer(tokens)
            }
            _ => Probabilities::default(),
        }
    }

    /// The classes of each answered row.
    pub fn classes(&self) -> usize {
        match self {
            Self::Mlp(mlp) => mlp.config().classes,
            Self::CharLm(lm) => lm.vocab_size(),
        }
    }

    /// Floating-point work of one answered row, for the miner's compute-time model.
    pub fn flops_per_row(&self) -> u64 {
        match self {
            Self::Mlp(mlp) => {
                let c = mlp.config();
                2 * (c.inputs * c.hidden + c.hidden * c.classes) as u64
            }
            Self::CharLm(lm) => {
                let c = lm.config();
                2 * (c.context * c.embedding * c.hidden + c.hidden * lm.vocab_size()) as u64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_task_queries_held_out_contexts_and_its_models_learn() {
        let task = TaskData::text(3);
        let pool = task.validation_pool(&mut stream(1, "v"));
        assert!(pool.len() > 120, "128 draws of 52 k positions, nearly all distinct: {}", pool.len());
        let QueryRows { rows, labels: next, ids, positions } = task.query(&pool, 32, &mut stream(1, "v"));
        assert!(positions.iter().zip(&ids).all(|(&at, &id)| pool[at] == id), "each id at its position");
        assert_eq!(rows.len(), 32);
        assert_eq!(next.len(), 32);
        assert!(ids.iter().all(|id| pool.contains(id)));
        let spec = ModelSpec { hidden: 32, epochs: 4, data_percent: 20 };
        let model = task.train(&spec, 1, "m");
        let (loss, _) = task.evaluate(&model);
        let prior_loss = scoring::prior_nll(&task.prior, &task.held_out().1);
        assert!(loss < prior_loss - 0.3, "{loss} vs the unigram's {prior_loss}");
        // A digits query gets no answer from a text model.
        let digits = TaskData::digits(1);
        let digits_pool = digits.validation_pool(&mut stream(1, "v"));
        assert!(model.answer(&digits.query(&digits_pool, 4, &mut stream(1, "v")).rows).is_empty());
    }

    #[test]
    fn queries_are_distinct_hidden_rows_and_training_is_reproducible() {
        let task = TaskData::digits(7);
        let pool = task.validation_pool(&mut stream(1, "v"));
        let TaskKind::Digits { split, .. } = &task.kind else { panic!("a digits task") };
        let mut sorted = pool.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), VALIDATION_POOL_ROWS, "distinct");
        assert!(pool.iter().all(|&id| split.hidden.contains(&(id as usize))), "hidden digits only");
        let QueryRows { rows, labels, mut ids, .. } = task.query(&pool, 16, &mut stream(1, "v"));
        let Rows::Pixels(pixels) = &rows else { panic!("digits are pixels") };
        assert_eq!((pixels.len(), labels.len()), (16 * FEATURES, 16));
        assert_eq!(task.query(&pool, 16, &mut stream(1, "v")).rows, rows);
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 16, "distinct rows");
        let spec = ModelSpec { hidden: 16, epochs: 3, data_percent: 50 };
        let (a, b) = (task.train(&spec, 1, "m"), task.train(&spec, 1, "m"));
        let (Model::Mlp(mlp_a), Model::Mlp(mlp_b)) = (&a, &b) else { panic!("digits models are MLPs") };
        assert_eq!(mlp_a.weight_bits(), mlp_b.weight_bits());
        let (loss, accuracy) = task.evaluate(&a);
        assert!(accuracy > 0.6 && loss < scoring::prior_nll(&task.prior, &task.held_out().1), "{accuracy} {loss}");
    }
}
