//! The noisy validator: honest weights blurred by Gaussian noise (a poor measurement).

use super::honest::measured_weights;
use crate::policy::PolicyError;
use crate::rng::unit_f32;
use crate::validator::{ValidatorPolicy, WeightsContext};

pub struct Noisy {
    /// The noise's standard deviation, relative to the best score.
    pub sigma: f64,
}

/// σ is a finite non-negative number (the YAML reader takes any float, `.nan` and `-.inf` too).
pub(super) fn validate(sigma: f64) -> Result<(), PolicyError> {
    if sigma.is_finite() && sigma >= 0.0 {
        return Ok(());
    }
    Err(PolicyError::new("sigma", format!("{sigma} is not a finite non-negative number")))
}

impl ValidatorPolicy for Noisy {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        let mut weights = measured_weights(ctx);
        let best = weights.iter().copied().fold(0.0f64, f64::max);
        for w in weights.iter_mut().filter(|w| **w > 0.0) {
            // Box–Muller on two 24-bit uniforms; u1 is kept off zero. libm's log and cos, not the
            // platform's, so the weights are the same bits everywhere.
            let u1 = f64::from(unit_f32(ctx.rng)).max(1e-7);
            let u2 = f64::from(unit_f32(ctx.rng));
            let z = (-2.0 * libm::log(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2);
            *w = (*w + self.sigma * best * z).max(0.0);
        }
        Some(weights)
    }
}
