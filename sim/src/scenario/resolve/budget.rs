//! Stage 5, genesis budget: the TAO genesis creates (validators' TAO stakes, subnet pools, and a
//! balance for every node and every subnet owner) stays within the 21 M supply. Alpha held at
//! genesis is no TAO (stage 2 keeps a subnet's alpha within its own 21 M).

use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{
    ACTOR_BALANCE_TAO, GENESIS_TAO_MAX, GenesisStake, NodePlan, RAO_PER_TAO, Role, SubnetPlan,
};

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
            Role::Validator { stake: GenesisStake::TaoRao(tao_rao), .. } => tao_rao as f64 / RAO_PER_TAO,
            _ => 0.0,
        })
        .sum();
    // A registered subnet's owner holds its lock money instead of a pool.
    let pools: f64 = (subnets.iter())
        .map(|subnet| {
            let owner_rao = subnet.registration.as_ref().map_or(0, |r| r.owner_balance_rao);
            (subnet.pool_tao_rao + owner_rao) as f64 / RAO_PER_TAO
        })
        .sum();
    staked + pools + (nodes.len() as f64 + subnets.len() as f64) * ACTOR_BALANCE_TAO as f64
}

#[cfg(test)]
mod tests {
    use tensorsim_chain::profile::profile_by_name;

    use super::check;
    use crate::scenario::resolve::fixtures::{error, nodes, scenario_with};
    use crate::scenario::resolve::subnets;
    use crate::scenario::types::Scenario;

    fn checked(scenario: &Scenario) -> Result<(), crate::scenario::ScenarioError> {
        let subnets = subnets::resolve(&scenario.subnets, profile_by_name("head-2026").unwrap()).unwrap();
        check(&subnets, &nodes(scenario))
    }

    // The fixture holds 100 TAO of the cabal's stake, a 100 000 TAO pool and 11 balances of
    // 1 000 TAO (10 nodes, the chain's included, and the subnet's owner): 111 100 TAO beside the
    // two honest validators' stakes.

    #[test]
    fn the_genesis_at_the_supply_is_accepted() {
        assert_eq!(checked(&scenario_with("stake_tao: 1000", "stake_tao: 10444450")), Ok(()));
    }

    #[test]
    fn the_genesis_above_the_supply_is_refused() {
        assert_eq!(
            error(checked(&scenario_with("stake_tao: 1000", "stake_tao: 10444451"))),
            "subnets: the genesis holds 21000002 TAO (stakes, pools and 1000 TAO per actor), more than the 21 M supply"
        );
    }
}
