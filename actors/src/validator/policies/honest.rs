//! The honest validator: weights are the moving averages of what it measured.

use super::measured_weights;
use crate::validator::{ValidatorPolicy, WeightsContext};

pub struct Honest;

impl ValidatorPolicy for Honest {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        Some(measured_weights(ctx))
    }
}
