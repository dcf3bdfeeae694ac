//! The weight copier: it measures nothing and submits what it can see on chain. Under
//! commit-reveal it sees only revealed weights, a reveal period old: that lag is the defence.

use crate::validator::{ValidatorPolicy, WeightsContext};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopySource {
    /// The sum of the other validators' stored weight rows.
    Weights,
    /// The last epoch's consensus.
    Consensus,
}

pub struct WeightCopier {
    pub source: CopySource,
}

impl ValidatorPolicy for WeightCopier {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        let n = ctx.view.neurons.len();
        let mut weights = vec![0.0; n];
        match self.source {
            CopySource::Consensus => {
                for (w, neuron) in weights.iter_mut().zip(&ctx.view.neurons) {
                    *w = f64::from(neuron.consensus);
                }
            }
            CopySource::Weights => {
                let rows = ctx.view.weights.as_ref()?;
                for (uid, row) in rows.iter().enumerate() {
                    if uid == usize::from(ctx.my_uid) {
                        continue;
                    }
                    // A row is normalised to its own sum, so each validator counts once.
                    let total: f64 = row.iter().map(|&(_, v)| f64::from(v)).sum();
                    for &(dest, value) in row.iter().filter(|_| total > 0.0) {
                        if let Some(w) = weights.get_mut(usize::from(dest)) {
                            *w += f64::from(value) / total;
                        }
                    }
                }
            }
        }
        weights[usize::from(ctx.my_uid)] = 0.0;
        Some(weights)
    }

    fn reads_chain_weights(&self) -> bool {
        self.source == CopySource::Weights
    }

    fn measures(&self) -> bool {
        false
    }
}
