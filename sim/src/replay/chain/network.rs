//! The chain case's network steps (subnets spec §2–6): `register_network`, `start_call`, root's
//! `dissolve_network` and `set_hyperparameter`. A refusal is the chain's (recorded in `rejected`);
//! a step that registers or dissolves a subnet writes a block record of its block after the call,
//! with what it did.

use tensorsim_chain::hyperparameter_calls::Origin;
use tensorsim_chain::network_registration::Dissolution;

use super::input::{DissolveNetworkStep, RegisterNetworkStep, SetHyperparameterStep, StartCallStep};
use super::output::{DissolutionRecord, NetworkEvent, NetworkEventKind, PayoutRecord};
use super::{Replay, StepOutcome};

impl Replay {
    pub(super) fn register_network(&mut self, k: usize, call: &RegisterNetworkStep) -> StepOutcome {
        let coldkey = self.coldkey(call.coldkey, format!("steps[{k}].register_network.coldkey"))?;
        let hotkey = self.hotkey(call.hotkey, format!("steps[{k}].register_network.hotkey"))?;
        let registered = match self.chain.register_network(coldkey, hotkey) {
            Ok(registered) => registered,
            Err(refused) => return Ok(Err(refused.to_string())),
        };
        let mut events = Vec::new();
        if let Some(pruned) = &registered.pruned {
            events.push(NetworkEvent { step: k, kind: NetworkEventKind::Pruned(dissolution_record(pruned)) });
        }
        let pool = &self.chain.subnet(registered.netuid).pool;
        let kind = NetworkEventKind::Registered {
            netuid: registered.netuid,
            coldkey: call.coldkey,
            hotkey: call.hotkey,
            locked_rao: registered.locked_rao,
            pool_tao_rao: pool.tao_rao,
            pool_alpha_rao: pool.alpha_rao,
        };
        events.push(NetworkEvent { step: k, kind });
        self.record_block(events);
        Ok(Ok(()))
    }

    pub(super) fn start_call(&mut self, k: usize, call: &StartCallStep) -> StepOutcome {
        let coldkey = self.coldkey(call.coldkey, format!("steps[{k}].start_call.coldkey"))?;
        Ok(self.chain.start_call(coldkey, call.netuid).map_err(|refused| refused.to_string()))
    }

    pub(super) fn dissolve_network(&mut self, k: usize, call: &DissolveNetworkStep) -> StepOutcome {
        match self.chain.dissolve_network(call.netuid) {
            Ok(dissolution) => {
                let kind = NetworkEventKind::Dissolved(dissolution_record(&dissolution));
                self.record_block(vec![NetworkEvent { step: k, kind }]);
                Ok(Ok(()))
            }
            Err(refused) => Ok(Err(refused.to_string())),
        }
    }

    pub(super) fn set_hyperparameter(&mut self, k: usize, call: &SetHyperparameterStep) -> StepOutcome {
        let origin = match call.coldkey {
            Some(index) => Origin::Signed(self.coldkey(index, format!("steps[{k}].set_hyperparameter.coldkey"))?),
            None => Origin::Root,
        };
        Ok(self.chain.set_hyperparameter(origin, call.netuid, &call.call).map_err(|refused| refused.to_string()))
    }
}

/// The case's names for a dissolution's accounts: the replay creates them in declaration order,
/// so an account's id is its index.
fn dissolution_record(dissolution: &Dissolution) -> DissolutionRecord {
    DissolutionRecord {
        netuid: dissolution.netuid,
        pot_rao: dissolution.pot_rao,
        protocol_share_rao: dissolution.protocol_share_rao,
        owner_refund_rao: dissolution.owner_refund_rao,
        recycled_rao: dissolution.recycled_rao,
        payouts: dissolution
            .payouts
            .iter()
            .map(|payout| PayoutRecord {
                hotkey: payout.hotkey.0 as usize,
                coldkey: payout.coldkey.0 as usize,
                alpha_rao: payout.alpha_rao,
                tao_rao: payout.tao_rao,
                paid: payout.paid,
            })
            .collect(),
    }
}
