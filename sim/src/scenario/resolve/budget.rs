//! Stage 4, genesis budget: the TAO genesis creates (validators' stakes, subnet pools, and a
//! balance for every node and every subnet owner) stays within the 21 M supply.

use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{ACTOR_BALANCE_TAO, GENESIS_TAO_MAX, NodePlan, RAO_PER_TAO, Role, SubnetPlan};

pub(super) fn check(subnets: &[SubnetPlan], nodes: &[NodePlan]) -> Result<(), ScenarioError> {
    let genesis_tao = genesis_tao(subnets, nodes);
    if genesis_tao > GENESIS_TAO_MAX {
        return invalid(
            "subnets",
            format!(
                "the genesis holds {genesis_tao:.0} TAO (stakes, pools and {ACTOR_BALANCE_TAO} TAO per actor), more than the 21 M supply"
            ),
        );
    }
    Ok(())
}

fn genesis_tao(subnets: &[SubnetPlan], nodes: &[NodePlan]) -> f64 {
    let staked: f64 = nodes
        .iter()
        .map(|node| match node.role {
            Role::Validator { stake_rao, .. } => stake_rao as f64 / RAO_PER_TAO,
            _ => 0.0,
        })
        .sum();
    let pools: f64 = subnets.iter().map(|subnet| subnet.pool_tao_rao as f64 / RAO_PER_TAO).sum();
    staked + pools + (nodes.len() as f64 + subnets.len() as f64) * ACTOR_BALANCE_TAO as f64
}
