//! A miner's model with a memory of its answers. The model is fixed for the run and answers each
//! row on its own (its contraction dimensions stay within `ml::CONTRACTION_MAX`, so a row's
//! result does not depend on the rows batched with it): an answer kept by the row's bytes is the
//! answer the model would give again, bit for bit, at the cost of a hash. Validators ask the rows
//! of their pools, again and again.
//!
//! The memory is indexed by the task's `RowBook` (every row a validator can ask), shared by the
//! subnet's miners: a row's fingerprint finds its index there. A small book (digits: 359 rows) is
//! answered whole, in one batch, at the first query, and then every answer is an array read; a
//! large one (text: 52 000 contexts) is remembered row by row as rows are asked, up to
//! `REMEMBERED_ROWS_MAX`.
//!
//! The virtual compute time a miner charges is the model's, remembered or not: memory here is a
//! saving of the simulator, not of the simulated miner.

use std::sync::Arc;

use crate::ml::task::{Model, TaskData};
use crate::protocol::{Payload, Probabilities};

/// A book of at most this many rows is answered whole at the first query.
pub const WHOLE_BOOK_ROWS_MAX: usize = 4_096;
/// Rows remembered per miner of a larger book (an answer of `classes` u16 each); beyond it, new
/// rows are answered without being remembered.
pub const REMEMBERED_ROWS_MAX: usize = 4_096;

/// No slot yet.
const UNREMEMBERED: u32 = u32::MAX;

enum Memory {
    /// Nothing asked yet.
    Empty,
    /// Every book row's answer, `classes` values each, by book index.
    Whole(Vec<u16>),
    /// The rows asked so far: by book index, where in `remembered` its answer is (or
    /// `UNREMEMBERED`); the answers in the order they were first given.
    Asked { slots: Vec<u32>, remembered: Vec<u16> },
}

pub struct AnsweringModel {
    model: Arc<Model>,
    /// The model's, kept here: a remembered answer then never reads the model (a cache miss
    /// that was half of an answer's time).
    classes: usize,
    task: Arc<TaskData>,
    memory: Memory,
    /// Each row's book index, for the query being answered (kept to reuse its buffer).
    indices: Vec<Option<usize>>,
}

impl AnsweringModel {
    pub fn new(model: Arc<Model>, task: Arc<TaskData>) -> Self {
        Self { classes: model.classes(), model, task, memory: Memory::Empty, indices: Vec::new() }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The memory, made at the first answer: the whole book when it is small and the model takes
    /// its rows (a model of another task does not).
    fn memory(&mut self) -> &mut Memory {
        if let Memory::Empty = self.memory {
            let book = &self.task.book;
            let whole = (book.len() <= WHOLE_BOOK_ROWS_MAX).then(|| self.model.answer(book.rows()));
            self.memory = match whole {
                Some(answers) if answers.len() == book.len() => Memory::Whole(answers.values().to_vec()),
                _ => Memory::Asked { slots: vec![UNREMEMBERED; book.len()], remembered: Vec::new() },
            };
        }
        &mut self.memory
    }

    /// The kept answer to the row of book index `index`, if any.
    fn recall(memory: &Memory, classes: usize, index: Option<usize>) -> Option<&[u16]> {
        let slot = match memory {
            Memory::Empty => return None,
            Memory::Whole(_) => index?,
            Memory::Asked { slots, .. } => slots[index?] as usize,
        };
        let values = match memory {
            Memory::Whole(values) | Memory::Asked { remembered: values, .. } => values,
            Memory::Empty => unreachable!("returned above"),
        };
        values.get(slot * classes..(slot + 1) * classes)
    }

    /// What `Model::answer` gives for `rows`, from memory where it can.
    pub fn answer(&mut self, rows: &Payload) -> Probabilities {
        if !rows.is_whole() || rows.is_empty() {
            // A partial row: answered (refused) as the model answers the whole payload.
            return self.model.answer(rows);
        }
        let (classes, keys) = (self.classes, rows.keys());
        self.memory();
        // The rows' places first, then the answers: reads of the memory one after the other,
        // which the processor overlaps, not each behind a search.
        self.indices.clear();
        self.indices.extend(keys.iter().map(|&key| self.task.book.index(key)));
        // Kept answers in place; a row not kept leaves a gap, filled below (each such row
        // computed once, though asked twice in one query).
        let mut values = Vec::with_capacity(rows.len() * classes);
        let mut missing: Vec<usize> = Vec::new();
        for (&key, &index) in keys.iter().zip(&self.indices) {
            match Self::recall(&self.memory, classes, index) {
                Some(row) => values.extend_from_slice(row),
                None => {
                    if !missing.iter().any(|&m| keys[m] == key) {
                        missing.push(values.len() / classes);
                    }
                    values.resize(values.len() + classes, 0);
                }
            }
        }
        if missing.is_empty() {
            return Probabilities::new(classes, values);
        }
        let fresh = self.model.answer(&rows.select(&missing));
        if fresh.len() != missing.len() {
            // Rows the model does not take (another task's): answered as the model answers them.
            return self.model.answer(rows);
        }
        for (i, &key) in keys.iter().enumerate() {
            if let Some(k) = missing.iter().position(|&m| keys[m] == key) {
                values[i * classes..(i + 1) * classes].copy_from_slice(fresh.row(k));
            }
        }
        for (k, &i) in missing.iter().enumerate() {
            self.remember(self.indices[i], fresh.row(k));
        }
        Probabilities::new(classes, values)
    }

    /// Keeps `answer` for the row of book index `index` in an `Asked` memory (a row outside the
    /// book is not kept).
    fn remember(&mut self, index: Option<usize>, answer: &[u16]) {
        let (Some(index), Memory::Asked { slots, remembered }) = (index, &mut self.memory) else { return };
        let count = remembered.len() / answer.len().max(1);
        if count < REMEMBERED_ROWS_MAX {
            slots[index] = count as u32;
            remembered.extend_from_slice(answer);
        }
    }

    /// The rows whose answers are kept.
    #[cfg(test)]
    fn kept_rows(&self) -> usize {
        match &self.memory {
            Memory::Empty => 0,
            Memory::Whole(_) => self.task.book.len(),
            Memory::Asked { slots, .. } => slots.iter().filter(|&&slot| slot != UNREMEMBERED).count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::task::{ModelSpec, QueryRows};
    use crate::protocol::Rows;
    use crate::rng::stream;

    fn payload(rows: Rows) -> Payload {
        Payload::new(rows)
    }

    /// Many queries of a validator's pool, answered from memory and afresh: the same bytes.
    fn remembered_answers_are_the_models(task: TaskData) {
        let task = Arc::new(task);
        let model = Arc::new(task.train(&ModelSpec { hidden: 16, epochs: 1, data_percent: 10 }, 3, "m"));
        let mut answering = AnsweringModel::new(model.clone(), task.clone());
        let pool = task.validation_pool(&mut stream(3, "v"));
        let mut draws = stream(3, "q");
        for _ in 0..40 {
            let QueryRows { rows, .. } = task.query(&pool, 16, &mut draws);
            assert_eq!(answering.answer(&payload(rows.clone())), model.answer(&rows));
        }
        assert!(answering.kept_rows() >= pool.len() * 9 / 10, "{} of {}", answering.kept_rows(), pool.len());
        // A query with a row twice, and rows alone: each row's answer is its own.
        let QueryRows { rows, .. } = task.query(&pool, 4, &mut draws);
        let twice = rows.select(&[0, 1, 0, 3, 2]);
        let fresh = || AnsweringModel::new(model.clone(), task.clone());
        assert_eq!(fresh().answer(&payload(twice.clone())), model.answer(&twice), "computed once");
        assert_eq!(answering.answer(&payload(twice.clone())), model.answer(&twice), "remembered");
        for i in 0..4 {
            assert_eq!(fresh().answer(&payload(rows.select(&[i]))).values(), model.answer(&rows).row(i));
        }
    }

    #[test]
    fn a_digits_model_answers_from_memory_what_it_computes() {
        remembered_answers_are_the_models(TaskData::digits(3));
    }

    #[test]
    fn a_text_model_answers_from_memory_what_it_computes() {
        remembered_answers_are_the_models(TaskData::text(3));
    }

    /// The proof that answering a small book whole is exact: each row's answer in the batch of
    /// the whole book is its answer alone, for models of every width a scenario trains.
    #[test]
    fn a_digits_book_answered_whole_gives_each_row_its_answer_alone() {
        let task = Arc::new(TaskData::digits(5));
        let book = task.book.rows();
        for (hidden, epochs) in [(4, 1), (17, 2), (32, 5), (64, 3)] {
            let model = Arc::new(task.train(&ModelSpec { hidden, epochs, data_percent: 30 }, 5, "m"));
            let mut answering = AnsweringModel::new(model.clone(), task.clone());
            answering.answer(&payload(book.select(&[0])));
            assert_eq!(answering.kept_rows(), task.book.len(), "hidden {hidden}: answered whole");
            for row in 0..task.book.len() {
                let alone = model.answer(&book.select(&[row]));
                let kept = AnsweringModel::recall(&answering.memory, 10, Some(row));
                assert_eq!(kept, Some(alone.values()), "hidden {hidden}, row {row}");
            }
        }
    }

    #[test]
    fn rows_outside_the_book_get_the_models_answer() {
        let task = Arc::new(TaskData::digits(3));
        let model = Arc::new(task.train(&ModelSpec { hidden: 8, epochs: 1, data_percent: 5 }, 3, "m"));
        let memorisable = task.memorisable(crate::ml::task::DataExposure::Private);
        let public = Rows::Pixels(memorisable[..8].iter().flat_map(|(row, _)| row.iter().copied()).collect());
        let mut answering = AnsweringModel::new(model.clone(), task);
        assert_eq!(answering.answer(&payload(public.clone())), model.answer(&public), "public rows are no validator's");
    }

    #[test]
    fn rows_of_another_task_or_a_partial_row_get_the_models_answer_and_are_not_remembered() {
        let digits = Arc::new(TaskData::digits(3));
        let text_model =
            Arc::new(TaskData::text(3).train(&ModelSpec { hidden: 8, epochs: 1, data_percent: 5 }, 3, "m"));
        let pool = digits.validation_pool(&mut stream(3, "v"));
        let QueryRows { rows, .. } = digits.query(&pool, 4, &mut stream(3, "q"));
        let mut answering = AnsweringModel::new(text_model, digits.clone());
        assert!(answering.answer(&payload(rows.clone())).is_empty());
        assert_eq!(answering.kept_rows(), 0);
        // A partial digit row: the digits model refuses the payload, and so does its memory.
        let digits_model = Arc::new(digits.train(&ModelSpec { hidden: 8, epochs: 1, data_percent: 5 }, 3, "m"));
        let Rows::Pixels(mut pixels) = rows else { panic!("digits are pixels") };
        pixels.pop();
        let partial = Rows::Pixels(pixels);
        let from_memory = AnsweringModel::new(digits_model.clone(), digits).answer(&payload(partial.clone()));
        assert_eq!(from_memory, digits_model.answer(&partial));
    }
}
