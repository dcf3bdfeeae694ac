//! A miner's model with a memory of its answers. The model is fixed for the run and answers each
//! row on its own (its contraction dimensions stay within `ml::CONTRACTION_MAX`, so a row's
//! result does not depend on the rows batched with it): an answer remembered by the row's bytes
//! is the answer the model would give again, bit for bit, at the cost of a hash. Validators re-ask
//! the rows of their pools, so most answers are remembered ones.
//!
//! The memory is indexed by the task's `RowBook` (every row a validator can ask), shared by the
//! subnet's miners: a row's fingerprint finds its index there, and the index this miner's slot,
//! two array reads where a map per miner cost most of a run.
//!
//! The virtual compute time a miner charges is the model's, remembered or not: memory here is a
//! saving of the simulator, not of the simulated miner.

use std::sync::Arc;

use crate::fingerprint::{self, Fingerprint};
use crate::ml::task::{Model, TaskData};
use crate::protocol::{Probabilities, Rows};

/// Rows remembered per miner (an answer of `classes` u16 each); beyond it, new rows are answered
/// without being remembered. A digits task has 359 askable rows, so it never binds there.
pub const REMEMBERED_ROWS_MAX: usize = 4_096;

/// No slot yet.
const UNREMEMBERED: u32 = u32::MAX;

pub struct AnsweringModel {
    model: Arc<Model>,
    task: Arc<TaskData>,
    /// By book index: where in `remembered` its answer is, or `UNREMEMBERED`. Allocated at the
    /// first answer: a miner never asked costs nothing.
    slots: Vec<u32>,
    /// Remembered answers, `classes` values each, in the order they were first given.
    remembered: Vec<u16>,
}

impl AnsweringModel {
    pub fn new(model: Arc<Model>, task: Arc<TaskData>) -> Self {
        Self { model, task, slots: Vec::new(), remembered: Vec::new() }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    fn remembered_rows(&self) -> usize {
        self.remembered.len() / self.model.classes()
    }

    /// The remembered answer to the row of book index `index`, if any.
    fn recall(&self, index: Option<usize>) -> Option<&[u16]> {
        let slot = *self.slots.get(index?)?;
        let classes = self.model.classes();
        (slot != UNREMEMBERED).then(|| &self.remembered[slot as usize * classes..(slot as usize + 1) * classes])
    }

    /// What `Model::answer` gives for `rows`, from memory where it can.
    pub fn answer(&mut self, rows: &Rows) -> Probabilities {
        if !rows.is_whole() || rows.is_empty() {
            // A partial row: answered (refused) as the model answers the whole payload.
            return self.model.answer(rows);
        }
        let keys = fingerprint::of_rows(rows);
        let indices: Vec<Option<usize>> = keys.iter().map(|&key| self.task.book.index(key)).collect();
        // Rows not remembered, each once (a row asked twice in one query is computed once).
        let mut missing: Vec<usize> = Vec::new();
        for (i, &index) in indices.iter().enumerate() {
            if self.recall(index).is_none() && !missing.iter().any(|&m| keys[m] == keys[i]) {
                missing.push(i);
            }
        }
        let fresh =
            if missing.is_empty() { Probabilities::default() } else { self.model.answer(&rows.select(&missing)) };
        if fresh.len() != missing.len() {
            // Rows the model does not take (another task's): answered as the model answers them.
            return self.model.answer(rows);
        }
        let mut values = Vec::with_capacity(rows.len() * self.model.classes());
        for (i, &index) in indices.iter().enumerate() {
            match self.recall(index) {
                Some(row) => values.extend_from_slice(row),
                None => values.extend_from_slice(fresh.row(fresh_position(&missing, &keys, keys[i]))),
            }
        }
        for (k, &i) in missing.iter().enumerate() {
            self.remember(indices[i], fresh.row(k));
        }
        Probabilities::new(self.model.classes(), values)
    }

    /// Keeps `answer` for the row of book index `index` (a row outside the book is not kept).
    fn remember(&mut self, index: Option<usize>, answer: &[u16]) {
        let Some(index) = index else { return };
        if self.remembered_rows() >= REMEMBERED_ROWS_MAX {
            return;
        }
        if self.slots.is_empty() {
            self.slots = vec![UNREMEMBERED; self.task.book.len()];
        }
        self.slots[index] = self.remembered_rows() as u32;
        self.remembered.extend_from_slice(answer);
    }
}

/// Where in the fresh answers the row with fingerprint `key` is.
fn fresh_position(missing: &[usize], keys: &[Fingerprint], key: Fingerprint) -> usize {
    missing.iter().position(|&m| keys[m] == key).expect("every unremembered row was computed")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::task::{ModelSpec, QueryRows};
    use crate::rng::stream;

    /// Many queries of a validator's pool, answered from memory and afresh: the same bytes.
    fn remembered_answers_are_the_models(task: TaskData) {
        let task = Arc::new(task);
        let model = Arc::new(task.train(&ModelSpec { hidden: 16, epochs: 1, data_percent: 10 }, 3, "m"));
        let mut answering = AnsweringModel::new(model.clone(), task.clone());
        let pool = task.validation_pool(&mut stream(3, "v"));
        let mut draws = stream(3, "q");
        for _ in 0..40 {
            let QueryRows { rows, .. } = task.query(&pool, 16, &mut draws);
            assert_eq!(answering.answer(&rows), model.answer(&rows));
        }
        assert!(
            answering.remembered_rows() >= pool.len() * 9 / 10,
            "{} of {}",
            answering.remembered_rows(),
            pool.len()
        );
        // A query with a row twice, and rows alone: each row's answer is its own.
        let QueryRows { rows, .. } = task.query(&pool, 4, &mut draws);
        let twice = rows.select(&[0, 1, 0, 3, 2]);
        let fresh = || AnsweringModel::new(model.clone(), task.clone());
        assert_eq!(fresh().answer(&twice), model.answer(&twice), "computed once");
        assert_eq!(answering.answer(&twice), model.answer(&twice), "remembered");
        for i in 0..4 {
            assert_eq!(fresh().answer(&rows.select(&[i])).values(), model.answer(&rows).row(i));
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

    #[test]
    fn rows_outside_the_book_are_answered_and_not_remembered() {
        let task = Arc::new(TaskData::digits(3));
        let model = Arc::new(task.train(&ModelSpec { hidden: 8, epochs: 1, data_percent: 5 }, 3, "m"));
        let public = Rows::Pixels(
            task.memorisable(crate::ml::task::DataExposure::Private)[..8]
                .iter()
                .flat_map(|(row, _)| row.iter().copied())
                .collect(),
        );
        let mut answering = AnsweringModel::new(model.clone(), task);
        assert_eq!(answering.answer(&public), model.answer(&public));
        assert_eq!(answering.remembered_rows(), 0, "public rows are no validator's");
    }

    #[test]
    fn rows_of_another_task_or_a_partial_row_get_the_models_answer_and_are_not_remembered() {
        let digits = Arc::new(TaskData::digits(3));
        let text_model =
            Arc::new(TaskData::text(3).train(&ModelSpec { hidden: 8, epochs: 1, data_percent: 5 }, 3, "m"));
        let pool = digits.validation_pool(&mut stream(3, "v"));
        let QueryRows { rows, .. } = digits.query(&pool, 4, &mut stream(3, "q"));
        let mut answering = AnsweringModel::new(text_model, digits.clone());
        assert!(answering.answer(&rows).is_empty());
        assert_eq!(answering.remembered_rows(), 0);
        // A partial digit row: the digits model refuses the payload, and so does its memory.
        let digits_model = Arc::new(digits.train(&ModelSpec { hidden: 8, epochs: 1, data_percent: 5 }, 3, "m"));
        let Rows::Pixels(mut pixels) = rows else { panic!("digits are pixels") };
        pixels.pop();
        let partial = Rows::Pixels(pixels);
        assert_eq!(AnsweringModel::new(digits_model.clone(), digits).answer(&partial), digits_model.answer(&partial));
    }
}
