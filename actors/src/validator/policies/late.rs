//! The late validator: each submission carries what it measured one interval before.

use super::honest::measured_weights;
use crate::validator::{ValidatorPolicy, WeightsContext};

#[derive(Default)]
pub struct Late {
    previous: Option<Vec<f64>>,
}

impl ValidatorPolicy for Late {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        self.previous.replace(measured_weights(ctx))
    }
}
