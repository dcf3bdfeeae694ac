//! A miner's model with a memory of its answers. The model is fixed for the run and answers each
//! row on its own (its contraction dimensions stay within `ml::CONTRACTION_MAX`, so a row's
//! result does not depend on the rows batched with it): an answer remembered by the row's bytes
//! is the answer the model would give again, bit for bit, at the cost of a hash. Validators re-ask the rows
//! of their pools, so most answers are remembered ones.
//!
//! The virtual compute time a miner charges is the model's, remembered or not: memory here is a
//! saving of the simulator, not of the simulated miner.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::fingerprint::{self, Fingerprint};
use crate::ml::task::Model;
use crate::protocol::Rows;

/// Rows remembered per miner (each a fingerprint of 16 bytes and an answer of `classes` u16);
/// beyond it, new rows are answered without being remembered.
pub const REMEMBERED_ROWS_MAX: usize = 4_096;

pub struct AnsweringModel {
    model: Arc<Model>,
    remembered: BTreeMap<Fingerprint, Box<[u16]>>,
}

impl AnsweringModel {
    pub fn new(model: Arc<Model>) -> Self {
        Self { model, remembered: BTreeMap::new() }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// What `Model::answer` gives for `rows`, from memory where it can.
    pub fn answer(&mut self, rows: &Rows) -> Vec<Vec<u16>> {
        if !rows.is_whole() {
            // A partial row: answered (refused) as the model answers the whole payload.
            return self.model.answer(rows);
        }
        let keys = fingerprint::of_rows(rows);
        // Rows not remembered, each once (a row asked twice in one query is computed once).
        let mut asked = BTreeSet::new();
        let missing: Vec<usize> =
            (0..keys.len()).filter(|&i| !self.remembered.contains_key(&keys[i]) && asked.insert(keys[i])).collect();
        let mut fresh: BTreeMap<Fingerprint, Vec<u16>> = BTreeMap::new();
        if !missing.is_empty() {
            let answers = self.model.answer(&rows.select(&missing));
            if answers.len() != missing.len() {
                // Rows the model does not take (another task's): answered as the model answers them.
                return self.model.answer(rows);
            }
            fresh.extend(missing.iter().map(|&i| keys[i]).zip(answers));
        }
        let answer = keys.iter().map(|key| fresh.get(key).cloned().unwrap_or_else(|| self.remembered[key].to_vec()));
        let answer = answer.collect();
        for (key, row) in fresh {
            if self.remembered.len() >= REMEMBERED_ROWS_MAX {
                break;
            }
            self.remembered.insert(key, row.into_boxed_slice());
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::task::{ModelSpec, QueryRows, TaskData};
    use crate::rng::stream;

    /// Many queries of a validator's pool, answered from memory and afresh: the same bytes.
    fn remembered_answers_are_the_models(task: &TaskData) {
        let model = Arc::new(task.train(&ModelSpec { hidden: 16, epochs: 1, data_percent: 10 }, 3, "m"));
        let mut answering = AnsweringModel::new(model.clone());
        let pool = task.validation_pool(&mut stream(3, "v"));
        let mut draws = stream(3, "q");
        for _ in 0..40 {
            let QueryRows { rows, .. } = task.query(&pool, 16, &mut draws);
            assert_eq!(answering.answer(&rows), model.answer(&rows));
        }
        assert!(answering.remembered.len() >= pool.len() * 9 / 10, "{} of {}", answering.remembered.len(), pool.len());
        // A query with a row twice, and rows alone: each row's answer is its own.
        let QueryRows { rows, .. } = task.query(&pool, 4, &mut draws);
        let twice = rows.select(&[0, 1, 0, 3, 2]);
        assert_eq!(AnsweringModel::new(model.clone()).answer(&twice), model.answer(&twice), "computed once");
        assert_eq!(answering.answer(&twice), model.answer(&twice), "remembered");
        for i in 0..4 {
            assert_eq!(AnsweringModel::new(model.clone()).answer(&rows.select(&[i])), [model.answer(&rows)[i].clone()]);
        }
    }

    #[test]
    fn a_digits_model_answers_from_memory_what_it_computes() {
        remembered_answers_are_the_models(&TaskData::digits(3));
    }

    #[test]
    fn a_text_model_answers_from_memory_what_it_computes() {
        remembered_answers_are_the_models(&TaskData::text(3));
    }

    #[test]
    fn rows_of_another_task_or_a_partial_row_get_the_models_answer_and_are_not_remembered() {
        let digits = TaskData::digits(3);
        let text_model =
            Arc::new(TaskData::text(3).train(&ModelSpec { hidden: 8, epochs: 1, data_percent: 5 }, 3, "m"));
        let pool = digits.validation_pool(&mut stream(3, "v"));
        let QueryRows { rows, .. } = digits.query(&pool, 4, &mut stream(3, "q"));
        let mut answering = AnsweringModel::new(text_model);
        assert!(answering.answer(&rows).is_empty());
        assert!(answering.remembered.is_empty());
        // A partial digit row: the digits model refuses the payload, and so does its memory.
        let digits_model = Arc::new(digits.train(&ModelSpec { hidden: 8, epochs: 1, data_percent: 5 }, 3, "m"));
        let Rows::Pixels(mut pixels) = rows else { panic!("digits are pixels") };
        pixels.pop();
        let partial = Rows::Pixels(pixels);
        assert_eq!(AnsweringModel::new(digits_model.clone()).answer(&partial), digits_model.answer(&partial));
    }
}
