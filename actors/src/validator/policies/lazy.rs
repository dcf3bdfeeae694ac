//! The lazy validator: it measures once and keeps submitting those weights (stale for ever).

use super::measured_weights;
use crate::validator::{ValidatorPolicy, WeightsContext};

#[derive(Default)]
pub struct Lazy {
    kept: Option<Vec<f64>>,
}

impl ValidatorPolicy for Lazy {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        if self.kept.as_ref().is_none_or(|w| w.iter().all(|&x| x <= 0.0)) {
            self.kept = Some(measured_weights(ctx));
        }
        self.kept.clone()
    }
}
