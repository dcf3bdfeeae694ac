//! The self-weighting validator: all its weight on its own UID.

use crate::validator::{ValidatorPolicy, WeightsContext};

pub struct SelfWeight;

impl ValidatorPolicy for SelfWeight {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        let mut weights = vec![0.0; ctx.view.neurons.len()];
        weights[usize::from(ctx.my_uid)] = 1.0;
        Some(weights)
    }

    fn measures(&self) -> bool {
        false
    }
}
