//! The scripted validator: weights written in the scenario, by block.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::policy::PolicyError;
use crate::validator::{ValidatorPolicy, WeightsContext};

/// From `from_block` on, these weights: `[uid, value]` pairs (any non-negative scale).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptedWeights {
    pub from_block: u64,
    pub weights: Vec<(u16, f64)>,
}

/// The entries are in `from_block` order: the policy reads the last one that has started.
pub(super) fn validate(schedule: &[ScriptedWeights]) -> Result<(), PolicyError> {
    if schedule.is_sorted_by_key(|entry| entry.from_block) {
        return Ok(());
    }
    Err(PolicyError::new("schedule", "entries must be in from_block order"))
}

pub struct Scripted {
    pub schedule: Vec<ScriptedWeights>,
}

impl ValidatorPolicy for Scripted {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        let entry = self.schedule.iter().rfind(|entry| entry.from_block <= ctx.block)?;
        let mut weights = vec![0.0; ctx.view.neurons.len()];
        for &(uid, value) in &entry.weights {
            if let Some(w) = weights.get_mut(usize::from(uid)) {
                *w = value.max(0.0);
            }
        }
        Some(weights)
    }

    fn measures(&self) -> bool {
        false
    }
}
