//! The cabal: weights only its own miners, equally, whatever they are worth.

use crate::policy::Reference;
use crate::validator::{ValidatorPolicy, WeightsContext};
use tensorsim_chain::accounts::HotkeyId;

/// The miner groups it weights, each a group of the cabal's own subnet.
pub(super) fn references(miners: &[String]) -> Vec<Reference<'_>> {
    miners.iter().enumerate().map(|(m, name)| Reference::new(&format!("miners[{m}]"), name)).collect()
}

pub struct Cabal {
    pub members: Vec<HotkeyId>,
}

impl ValidatorPolicy for Cabal {
    fn weights(&mut self, ctx: &mut WeightsContext) -> Option<Vec<f64>> {
        Some(ctx.view.neurons.iter().map(|n| if self.members.contains(&n.hotkey) { 1.0 } else { 0.0 }).collect())
    }

    fn measures(&self) -> bool {
        false
    }
}
