//! Stage 9, owner actions: each subnet's `owner_actions` read as the chain's hyperparameter
//! calls, at blocks the run reaches. Whether the chain accepts one is the chain's verdict at that
//! block (reported), not a scenario error.

use tensorsim_actors::chain_node::OwnerAction;

use crate::hyperparameter_overrides::{CallField, hyperparameter_call};
use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::OWNER_ACTIONS_MAX;
use crate::scenario::types::SubnetSpec;

/// Every subnet's actions in block order (a block's in the file's order); errors name the
/// action's place in the file.
pub(super) fn resolve(specs: &[SubnetSpec], blocks: u64) -> Result<Vec<OwnerAction>, ScenarioError> {
    let total: usize = specs.iter().map(|spec| spec.owner_actions.len()).sum();
    if total > OWNER_ACTIONS_MAX {
        return invalid("subnets", format!("{total} owner actions exceed the limit {OWNER_ACTIONS_MAX}"));
    }
    let mut actions = Vec::with_capacity(total);
    for (i, spec) in specs.iter().enumerate() {
        for (j, action) in spec.owner_actions.iter().enumerate() {
            let path = format!("subnets[{i}].owner_actions[{j}]");
            let at_block = action.at_block.get();
            if at_block == 0 || at_block > blocks {
                return invalid(
                    format!("{path}.at_block"),
                    format!("{at_block} is not a block of the run (1..={blocks})"),
                );
            }
            let mut entries = action.set.iter();
            let (Some((name, value)), None) = (entries.next(), entries.next()) else {
                return invalid(
                    format!("{path}.set"),
                    "one hyperparameter per action, e.g. {bonds_moving_average: 975000}",
                );
            };
            let call = hyperparameter_call(name, value.clone()).map_err(|(field, message)| {
                let at = match field {
                    CallField::Name => format!("{path}.set"),
                    CallField::Value => format!("{path}.set.{name}"),
                };
                ScenarioError(format!("{at}: {message}"))
            })?;
            actions.push(OwnerAction { at_block, subnet: i, call });
        }
    }
    actions.sort_by_key(|action| action.at_block);
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use crate::scenario::resolve::fixtures::{error, scenario_with};
    use crate::scenario::types::Scenario;
    use tensorsim_chain::hyperparameter_calls::SetHyperparameter;

    fn actions(
        scenario: &Scenario,
    ) -> Result<Vec<tensorsim_actors::chain_node::OwnerAction>, crate::scenario::ScenarioError> {
        resolve(&scenario.subnets, 22)
    }

    fn with_actions(actions: &str) -> Scenario {
        scenario_with("    validators:\n", &format!("    owner_actions: {actions}\n    validators:\n"))
    }

    #[test]
    fn owner_actions_are_the_chains_calls_in_block_order() {
        let scenario =
            with_actions("[{at_block: 9, set: {kappa: 40000}}, {at_block: 3, set: {alpha_values: [2000, 3000]}}]");
        let actions = actions(&scenario).unwrap();
        let calls: Vec<(u64, usize, SetHyperparameter)> =
            actions.into_iter().map(|action| (action.at_block, action.subnet, action.call)).collect();
        assert_eq!(
            calls,
            vec![(3, 0, SetHyperparameter::AlphaValues(2_000, 3_000)), (9, 0, SetHyperparameter::Kappa(40_000))]
        );
    }

    #[test]
    fn a_bad_action_is_refused_with_its_place_in_the_file() {
        let refused = |actions_yaml: &str| error(actions(&with_actions(actions_yaml)));
        assert!(
            refused("[{at_block: 3, set: {kapa: 1}}]")
                .starts_with("subnets[0].owner_actions[0].set: not a hyperparameter")
        );
        assert_eq!(
            refused("[{at_block: 3, set: {rho: true}}]"),
            "subnets[0].owner_actions[0].set.rho: invalid type: boolean `true`, expected u16"
        );
        assert!(
            refused("[{at_block: 3, set: {rho: 1, kappa: 2}}]").starts_with("subnets[0].owner_actions[0].set: one")
        );
        assert!(refused("[{at_block: 3, set: {}}]").starts_with("subnets[0].owner_actions[0].set: one"));
        assert_eq!(
            refused("[{at_block: 23, set: {rho: 1}}]"),
            "subnets[0].owner_actions[0].at_block: 23 is not a block of the run (1..=22)"
        );
        assert!(refused("[{at_block: 0, set: {rho: 1}}]").contains("at_block: 0 is not a block"));
    }
}
