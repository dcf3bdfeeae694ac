//! The vacancy sniper: it watches the metagraph from a block on and registers as soon as the
//! chain shows a vacancy, a UID out of its immunity that the last epoch paid nothing, which the
//! next registration replaces (HEAD's pruning takes the lowest emission among non-immune UIDs).
//! Under commit-reveal such a UID may be a newcomer whose weights are still sealed: the sniper
//! takes it while the validators' commits still target it. Then it serves its own model.

use crate::miner::{MinerContext, MinerPolicy, Response};
use crate::protocol::{ChainView, Query};

/// Whether `view` shows a UID out of its immunity that earned nothing at the last epoch.
pub(super) fn shows_vacancy(view: &ChainView) -> bool {
    (view.neurons.iter())
        .any(|n| view.block.saturating_sub(n.registered_at) >= view.immunity_period && n.emission_rao == 0)
}

pub struct VacancySniper;

impl MinerPolicy for VacancySniper {
    fn respond(&mut self, ctx: &mut MinerContext, query: &Query) -> Response {
        super::honest::Honest.respond(ctx, query)
    }

    fn may_register(&self, view: Option<&ChainView>) -> bool {
        view.is_some_and(shows_vacancy)
    }
}

#[cfg(test)]
mod tests {
    use super::shows_vacancy;
    use crate::protocol::{ChainView, NeuronView};
    use tensorsim_chain::accounts::HotkeyId;

    fn view(block: u64, neurons: &[(u64, u64)]) -> ChainView {
        let neuron = |&(registered_at, emission_rao): &(u64, u64)| NeuronView {
            hotkey: HotkeyId(registered_at as u32),
            axon: None,
            registered_at,
            last_update: registered_at,
            validator_permit: false,
            consensus: 0,
            incentive: 0,
            emission_rao,
        };
        ChainView {
            block,
            netuid: 1,
            tempo: 10,
            commit_reveal: true,
            commit_reveal_version: 4,
            reveal_period_epochs: 2,
            epoch_index: 0,
            weights_version_key: 0,
            weights_set_rate_limit: 0,
            immunity_period: 50,
            neurons: neurons.iter().map(neuron).collect(),
            weights: None,
        }
    }

    #[test]
    fn a_uid_paid_nothing_is_a_vacancy_only_once_its_immunity_is_over() {
        // Registered at block 60, unpaid: immune until block 110.
        assert!(!shows_vacancy(&view(109, &[(0, 5), (60, 0)])));
        assert!(shows_vacancy(&view(110, &[(0, 5), (60, 0)])));
        assert!(!shows_vacancy(&view(500, &[(0, 5), (60, 1)])), "every UID paid: no vacancy");
    }
}
