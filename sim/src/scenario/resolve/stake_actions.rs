//! Stage 10, stake actions: each subnet's `stake_actions` resolved to the validators they name
//! (one node each, a validator of that subnet), at blocks the run reaches, and the delegators'
//! TAO counted in the genesis budget. Whether the chain accepts a call is its verdict at that
//! block (reported), not a scenario error.

use tensorsim_actors::protocol::NodeId;

use super::budget;
use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{
    GENESIS_TAO_MAX, NodePlan, RAO_PER_TAO, Role, StakeActionKind, StakeActionPlan, SubnetPlan,
};
use crate::scenario::types::{Blocks, StakeActionSpec, SubnetSpec};

/// The scenario's stake calls in block order (a block's in the file's order); a delegation
/// with an end is two calls.
pub(super) fn resolve(
    specs: &[SubnetSpec],
    subnets: &[SubnetPlan],
    nodes: &[NodePlan],
    blocks: u64,
) -> Result<Vec<StakeActionPlan>, ScenarioError> {
    let mut actions = Vec::new();
    let mut delegated_tao = 0.0;
    for (i, spec) in specs.iter().enumerate() {
        for (j, action) in spec.stake_actions.iter().enumerate() {
            let path = format!("subnets[{i}].stake_actions[{j}]");
            let validator = |name: &str, field: &str| validator_of(nodes, i, name, &format!("{path}.{field}"));
            let at = |block: Blocks, field: &str| block_of_run(block, blocks, &format!("{path}.{field}"));
            match action {
                StakeActionSpec::Merge { from, into, at_block } => {
                    let (from, into) = (validator(from, "merge.from")?, validator(into, "merge.into")?);
                    if from == into {
                        return invalid(format!("{path}.merge.into"), "a validator cannot merge into itself");
                    }
                    let kind = StakeActionKind::Merge { from, into };
                    actions.push(StakeActionPlan { at_block: at(*at_block, "merge.at_block")?, subnet: i, kind });
                }
                StakeActionSpec::Delegate { to, tao, at_block, until_block } => {
                    let to = validator(to, "delegate.to")?;
                    let tao_rao = (tao.0 * RAO_PER_TAO).round() as u64;
                    let delegator =
                        actions.iter().filter(|a| matches!(a.kind, StakeActionKind::Delegate { .. })).count();
                    let start = at(*at_block, "delegate.at_block")?;
                    actions.push(StakeActionPlan {
                        at_block: start,
                        subnet: i,
                        kind: StakeActionKind::Delegate { to, tao_rao, delegator },
                    });
                    if let Some(until) = until_block {
                        let end = at(*until, "delegate.until_block")?;
                        if end <= start {
                            return invalid(format!("{path}.delegate.until_block"), "must be after at_block");
                        }
                        let kind = StakeActionKind::Undelegate { to, delegator };
                        actions.push(StakeActionPlan { at_block: end, subnet: i, kind });
                    }
                    delegated_tao += tao.0;
                }
            }
        }
    }
    let genesis_tao = budget::genesis_tao(subnets, nodes) + delegated_tao;
    if genesis_tao > GENESIS_TAO_MAX {
        return invalid(
            "subnets",
            format!("the genesis holds {genesis_tao:.0} TAO with the delegators', more than the 21 M supply"),
        );
    }
    actions.sort_by_key(|action| action.at_block);
    Ok(actions)
}

/// The one validator of subnet `subnet` named `name`.
fn validator_of(nodes: &[NodePlan], subnet: usize, name: &str, path: &str) -> Result<NodeId, ScenarioError> {
    let found = nodes.iter().position(|node| node.name == name);
    match found.map(|id| (id, &nodes[id].role)) {
        Some((id, Role::Validator { subnet: s, .. })) if *s == subnet => Ok(id as NodeId),
        Some(_) => invalid(path, format!("{name:?} is not a validator of this subnet")),
        None => invalid(path, format!("no node {name:?} (name one validator, e.g. big/0)")),
    }
}

fn block_of_run(block: Blocks, blocks: u64, path: &str) -> Result<u64, ScenarioError> {
    let block = block.get();
    if block == 0 || block > blocks {
        return invalid(path, format!("{block} is not a block of the run (1..={blocks})"));
    }
    Ok(block)
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use crate::scenario::plan::{StakeActionKind, StakeActionPlan};
    use crate::scenario::resolve::fixtures::{error, nodes, scenario_with};
    use crate::scenario::resolve::subnets;
    use tensorsim_chain::profile::profile_by_name;

    fn resolved(actions: &str) -> Result<Vec<StakeActionPlan>, crate::scenario::ScenarioError> {
        let scenario = scenario_with("    validators:\n", &format!("    stake_actions: {actions}\n    validators:\n"));
        let subnets = subnets::resolve(&scenario.subnets, profile_by_name("head-2026").unwrap()).unwrap();
        resolve(&scenario.subnets, &subnets, &nodes(&scenario), 200)
    }

    #[test]
    fn a_merge_and_a_delegation_in_and_out_become_calls_in_block_order() {
        let actions = resolved(
            "[{delegate: {to: honest/0, tao: 5, at_block: 50, until_block: 150}}, {merge: {from: honest/1, into: honest/0, at_block: 100}}]",
        )
        .unwrap();
        let kinds: Vec<(u64, StakeActionKind)> = actions.into_iter().map(|a| (a.at_block, a.kind)).collect();
        assert_eq!(
            kinds,
            [
                (50, StakeActionKind::Delegate { to: 1, tao_rao: 5_000_000_000, delegator: 0 }),
                (100, StakeActionKind::Merge { from: 2, into: 1 }),
                (150, StakeActionKind::Undelegate { to: 1, delegator: 0 }),
            ]
        );
    }

    #[test]
    fn a_stake_action_naming_no_validator_of_the_subnet_or_outside_the_run_is_refused() {
        assert_eq!(
            error(resolved("[{merge: {from: honest/1, into: miners/0, at_block: 10}}]")),
            "subnets[0].stake_actions[0].merge.into: \"miners/0\" is not a validator of this subnet"
        );
        assert_eq!(
            error(resolved("[{merge: {from: honest, into: honest/0, at_block: 10}}]")),
            "subnets[0].stake_actions[0].merge.from: no node \"honest\" (name one validator, e.g. big/0)"
        );
        assert_eq!(
            error(resolved("[{merge: {from: honest/0, into: honest/0, at_block: 10}}]")),
            "subnets[0].stake_actions[0].merge.into: a validator cannot merge into itself"
        );
        assert_eq!(
            error(resolved("[{delegate: {to: honest/0, tao: 5, at_block: 201}}]")),
            "subnets[0].stake_actions[0].delegate.at_block: 201 is not a block of the run (1..=200)"
        );
        assert_eq!(
            error(resolved("[{delegate: {to: honest/0, tao: 5, at_block: 20, until_block: 20}}]")),
            "subnets[0].stake_actions[0].delegate.until_block: must be after at_block"
        );
        // The fixture's genesis holds 113 100 TAO (budget.rs), the delegator 30 M more.
        assert_eq!(
            error(resolved("[{delegate: {to: honest/0, tao: 30000000, at_block: 20}}]")),
            "subnets: the genesis holds 30113100 TAO with the delegators', more than the 21 M supply"
        );
    }
}
