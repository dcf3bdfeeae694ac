//! The lazy validator: it measures until it has weights worth keeping, then stops querying and
//! submits those weights for ever (stale).

use super::honest::measured_weights;
use crate::validator::{ValidatorPolicy, WeightsContext};

#[derive(Default)]
pub struct Lazy {
    kept: Option<Vec<f64>>,
}

impl Lazy {
    fn holds_weights(&self) -> bool {
        self.kept.as_ref().is_some_and(|w| w.iter().any(|&x| x > 0.0))
    }
}

impl ValidatorPolicy for Lazy {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        if !self.holds_weights() {
            self.kept = Some(measured_weights(ctx));
        }
        self.kept.clone()
    }

    fn measures(&self) -> bool {
        !self.holds_weights()
    }
}
