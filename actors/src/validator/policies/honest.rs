//! The honest validator: weights are the moving averages of what it measured. Other policies
//! start from the same weights (`measured_weights`) and change them.

use crate::validator::{ValidatorPolicy, WeightsContext};

pub struct Honest;

impl ValidatorPolicy for Honest {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        Some(measured_weights(ctx))
    }
}

/// Honest weights: each served UID's moving-average score; the validator's own UID and UIDs that
/// serve nothing get none.
pub(crate) fn measured_weights(ctx: &WeightsContext) -> Vec<f64> {
    ctx.view
        .neurons
        .iter()
        .enumerate()
        .map(|(uid, neuron)| {
            let served = neuron.axon.is_some() && uid != usize::from(ctx.my_uid);
            if served { ctx.scores.get(uid).copied().unwrap_or(0.0) } else { 0.0 }
        })
        .collect()
}
