//! The lookup miner: it has memorised every row it could see, with its label (the public rows,
//! and the hidden ones too when they leaked), answers a memorised row with its label, certain,
//! and any other row from its model. It measures whether validators' data is private: under
//! `leaked` it beats every model, under `private` it scores like its model.

use std::collections::BTreeMap;

use crate::fingerprint::Fingerprint;
use crate::miner::{MinerContext, MinerPolicy, Response};
use crate::ml::task::{DataExposure, TaskData};
use crate::protocol::{Query, Rows};

pub struct Lookup {
    /// Row fingerprint → label.
    memory: BTreeMap<Fingerprint, u8>,
}

impl Lookup {
    pub fn new(task: &TaskData, exposure: DataExposure) -> Self {
        let (rows, labels): (Vec<&[f32]>, Vec<u8>) = task.memorisable(exposure).into_iter().unzip();
        // Fingerprinted as a query carries them, so that a memorised row is found in any query.
        let rows = Rows::Pixels(rows.concat());
        Self { memory: rows.fingerprints().into_iter().zip(labels).collect() }
    }
}

impl MinerPolicy for Lookup {
    fn respond(&mut self, ctx: &mut MinerContext, query: &Query) -> Response {
        let Some(model) = ctx.model.as_mut() else { return Response::Ignore };
        let mut answer = model.answer(&query.rows);
        for (key, probabilities) in query.rows.keys().iter().zip(answer.rows_mut()) {
            if let Some(&label) = self.memory.get(key) {
                probabilities.fill(0);
                probabilities[usize::from(label)] = u16::MAX;
            }
        }
        Response::Answer(answer)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ml::scoring;
    use crate::ml::task::{ModelSpec, QueryRows};
    use crate::protocol::{Payload, Query};
    use crate::rng::stream;

    fn loss(exposure: DataExposure) -> (f64, f64) {
        let task = Arc::new(TaskData::digits(5));
        let model = task.train(&ModelSpec { hidden: 8, epochs: 2, data_percent: 20 }, 5, "m");
        let pool = task.validation_pool(&mut stream(5, "v"));
        let QueryRows { rows, labels, .. } = task.query(&pool, 64, &mut stream(5, "q"));
        let query = Query {
            id: 1,
            hotkey: tensorsim_chain::accounts::HotkeyId(1),
            nonce_ms: 0,
            rows: Arc::new(Payload::new(rows)),
        };
        let model = Arc::new(model);
        let mut answering = crate::miner::AnsweringModel::new(model.clone(), task.clone());
        let mut ctx = MinerContext { block: 0, model: Some(&mut answering), classes: 10, rng: &mut stream(5, "a") };
        let Response::Answer(looked_up) = Lookup::new(&task, exposure).respond(&mut ctx, &query) else {
            panic!("it answers")
        };
        assert_eq!(scoring::well_formed(&looked_up, 64, 10), Ok(()));
        let own = model.answer(&query.rows);
        (scoring::mean_nll(&looked_up, &labels, 10), scoring::mean_nll(&own, &labels, 10))
    }

    #[test]
    fn a_lookup_answers_leaked_rows_perfectly_and_private_rows_like_its_model() {
        let (leaked, model) = loss(DataExposure::Leaked);
        assert!(leaked < 1e-9 && model > 0.1, "leaked {leaked}, its model {model}");
        let (private, model) = loss(DataExposure::Private);
        assert_eq!(private, model, "no hidden row is in its memory");
    }
}
