//! What the chain node needs of the scenario's subnets: each one's owner and genesis netuid, and
//! for a subnet registered mid-run its block, the hyperparameters the scenario sets over the
//! chain's, and its actors in the order genesis would have registered them.

use std::sync::Arc;

use tensorsim_actors::chain_node::{Configure, Joiner, ScenarioSubnet, SubnetRegistration};
use tensorsim_actors::protocol::NodeId;
use tensorsim_chain::accounts::{ColdkeyId, HotkeyId};

use crate::hyperparameter_overrides::with_overrides;
use crate::scenario::{GenesisStake, Plan, Role};

/// The scenario's subnets in its order, with their owners' keys.
pub fn scenario_subnets(plan: &Plan, owners: &[(ColdkeyId, HotkeyId)]) -> Vec<ScenarioSubnet> {
    plan.subnets.iter().zip(owners).map(|(subnet, &owner)| ScenarioSubnet { owner, netuid: subnet.netuid }).collect()
}

/// Every subnet registered mid-run.
pub fn subnet_registrations(plan: &Plan) -> Vec<SubnetRegistration> {
    (plan.subnets.iter().enumerate())
        .filter_map(|(index, subnet)| {
            let registration = subnet.registration.as_ref()?;
            let overrides = registration.overrides.clone();
            let configure = move |current: &_| {
                with_overrides(current, &overrides).map_err(|(field, message)| format!("{field}: {message}"))
            };
            Some(SubnetRegistration {
                at_block: registration.at_block,
                subnet: index,
                configure: Configure(Arc::new(configure)),
                joiners: joiners(plan, index),
            })
        })
        .collect()
}

/// The subnet's actors that genesis registers in a genesis subnet, as genesis orders them:
/// validators first, then miners, each in node order.
fn joiners(plan: &Plan, index: usize) -> Vec<Joiner> {
    let mut joiners = Vec::new();
    for validators in [true, false] {
        for (id, node) in plan.nodes.iter().enumerate() {
            let node_id = id as NodeId;
            match &node.role {
                Role::Validator { subnet, stake, .. } if validators && *subnet == index => {
                    let stake_tao_rao = match stake {
                        GenesisStake::TaoRao(tao_rao) => *tao_rao,
                        GenesisStake::AlphaRao(_) => unreachable!("refused with the scenario"),
                    };
                    joiners.push(Joiner { node: node_id, stake_tao_rao, serves: false });
                }
                Role::Miner { subnet, policy, .. }
                    if !validators && *subnet == index && policy.registers_at_genesis() =>
                {
                    joiners.push(Joiner { node: node_id, stake_tao_rao: 0, serves: true });
                }
                _ => {}
            }
        }
    }
    joiners
}
